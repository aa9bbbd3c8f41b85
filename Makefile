# Thin wrappers over scripts/ and CMake/CTest. Every target installs missing Debian packages first
# (a no-op taking ~0.1 s when all are present) and configures only when needed.

BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
LAUNCHER := $(if $(shell command -v ccache),-DCMAKE_CXX_COMPILER_LAUNCHER=ccache,)

.PHONY: all deps configure build test bench demo clean

all: build

deps:
	@bash scripts/install_deps.sh

configure: deps
	@if [ ! -f $(BUILD_DIR)/build.ninja ]; then \
	  cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release $(LAUNCHER) $(CMAKE_FLAGS); \
	fi

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)
	@echo "segkit built: $(BUILD_DIR)/bin/segkit"

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) --timeout 900

bench: configure
	cmake -S . -B $(BUILD_DIR) -DSEGKIT_BUILD_BENCH=ON
	cmake --build $(BUILD_DIR) -j $(JOBS)
	@for b in $(BUILD_DIR)/bin/bench_*; do echo "== $$b"; "$$b" || exit 1; done

demo: build
	@SEGKIT=$(BUILD_DIR)/bin/segkit bash scripts/demo.sh

clean:
	rm -rf $(BUILD_DIR)
