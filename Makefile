# Thin wrappers over scripts/ and CMake/CTest. Every target installs missing Debian packages first
# (a no-op taking ~0.1 s when all are present) and configures only when needed.

BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
LAUNCHER := $(if $(shell command -v ccache),-DCMAKE_CXX_COMPILER_LAUNCHER=ccache,)

ASAN_DIR ?= build-asan
# The suites of the rooms without LibTorch (Debian's libtorch is not instrumented).
ASAN_TESTS := test_core test_io test_config test_data test_transforms test_report test_submit test_postprocess

.PHONY: all deps configure build test test-asan bench demo clean

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

# AddressSanitizer + UndefinedBehaviorSanitizer over the torch-free rooms' tests (docs/reliability.md).
test-asan: deps
	@if [ ! -f $(ASAN_DIR)/build.ninja ]; then \
	  cmake -S . -B $(ASAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSEGKIT_SANITIZE=ON \
	        -DSEGKIT_BUILD_EXAMPLES=OFF $(LAUNCHER) $(CMAKE_FLAGS); \
	fi
	cmake --build $(ASAN_DIR) -j $(JOBS) --target $(ASAN_TESTS)
	@for t in $(ASAN_TESTS); do \
	  echo "== $$t (ASan + UBSan)"; \
	  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    $(ASAN_DIR)/bin/$$t --gtest_brief=1 || exit 1; \
	done

bench: configure
	cmake -S . -B $(BUILD_DIR) -DSEGKIT_BUILD_BENCH=ON
	cmake --build $(BUILD_DIR) -j $(JOBS)
	@for b in $(BUILD_DIR)/bin/bench_*; do echo "== $$b"; "$$b" || exit 1; done

demo: build
	@SEGKIT=$(BUILD_DIR)/bin/segkit bash scripts/demo.sh

clean:
	rm -rf $(BUILD_DIR)
