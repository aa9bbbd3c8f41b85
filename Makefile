# Thin wrappers over scripts/ and CMake/CTest. Every target installs missing Debian packages first
# (a no-op taking ~0.1 s when all are present) and configures only when needed.

SHELL := /bin/bash
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
LAUNCHER := $(if $(shell command -v ccache),-DCMAKE_CXX_COMPILER_LAUNCHER=ccache,)

ASAN_DIR ?= build-asan
# The suites of the rooms without LibTorch (Debian's libtorch is not instrumented).
ASAN_TESTS := test_core test_io test_config test_data test_transforms test_report test_submit test_postprocess

FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_FLAGS ?=
FUZZ_TARGETS := rle csv config safetensors labelme

.PHONY: all deps configure build test test-avx2 test-asan fuzz bench bench-learning bench-export demo clean

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

# The suites whose kernels depend on the instruction set (label `isa`: nn, models with parity, infer,
# train) once more as on an AVX2-only CPU: oneDNN held to AVX2, ATen's AVX2 kernels (docs/benchmarks.md).
test-avx2: build
	ONEDNN_MAX_CPU_ISA=AVX2 ATEN_CPU_CAPABILITY=avx2 \
	  ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) --timeout 900 -L isa

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

# libFuzzer (clang) on the parsers of untrusted files, each for FUZZ_SECONDS from fuzz/corpus/<target>
# (plus what earlier runs found in build-fuzz/corpus); crashes land in build-fuzz/crashes/.
fuzz: deps
	@if [ ! -f $(FUZZ_DIR)/build.ninja ]; then \
	  cmake -S . -B $(FUZZ_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
	        -DSEGKIT_BUILD_FUZZ=ON -DSEGKIT_BUILD_TESTS=OFF -DSEGKIT_BUILD_EXAMPLES=OFF $(LAUNCHER); \
	fi
	cmake --build $(FUZZ_DIR) -j $(JOBS) --target $(addprefix fuzz_,$(FUZZ_TARGETS))
	@mkdir -p $(FUZZ_DIR)/crashes
	@for t in $(FUZZ_TARGETS); do \
	  echo "== fuzz_$$t for $(FUZZ_SECONDS) s"; \
	  mkdir -p $(FUZZ_DIR)/corpus/$$t; \
	  $(FUZZ_DIR)/bin/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -print_final_stats=1 $(FUZZ_FLAGS) \
	    -artifact_prefix=$(FUZZ_DIR)/crashes/$$t- $(FUZZ_DIR)/corpus/$$t fuzz/corpus/$$t 2>&1 | \
	    grep -E "stat::number_of_executed_units|ERROR|SUMMARY|Test unit written" ; \
	  test $${PIPESTATUS[0]} -eq 0 || exit 1; \
	done

# Every bench program, each a table of segkit against references timed in the same run
# (docs/benchmarks.md). Installs the Python references' packages first.
BENCHES ?= safetensors rle loader tune model train predict inference

bench: configure
	@bash scripts/install_deps.sh --bench
	cmake -S . -B $(BUILD_DIR) -DSEGKIT_BUILD_BENCH=ON
	cmake --build $(BUILD_DIR) -j $(JOBS)
	@for b in $(BENCHES); do echo "== bench_$$b"; "$(BUILD_DIR)/bin/bench_$$b" || exit 1; done
	@echo "== bench/bf16_dice.sh"; SEGKIT=$(BUILD_DIR)/bin/segkit bash bench/bf16_dice.sh

# segkit and PyTorch train the same recipes from the same initial weights, 3 seeds each; curves,
# final metrics and time to accuracy (docs/benchmarks.md, "Learning parity"; ~70 min on 2 cores).
LEARNING_ARGS ?=
bench-learning: build
	@bash scripts/install_deps.sh --bench
	/usr/bin/python3 bench/learning/run.py --segkit $(BUILD_DIR)/bin/segkit --out bench_out/learning $(LEARNING_ARGS)

# ONNX export checked in ONNX Runtime (npm onnxruntime-node, installed once under bench_out/) and
# timed beside segkit and OpenCV DNN (docs/export.md, docs/benchmarks.md "ONNX export").
bench-export: configure
	cmake -S . -B $(BUILD_DIR) -DSEGKIT_BUILD_BENCH=ON
	cmake --build $(BUILD_DIR) -j $(JOBS) --target bench_export
	@test -d bench_out/npm/node_modules/onnxruntime-node || \
	  npm install --prefix bench_out/npm --ignore-scripts --no-audit --no-fund onnxruntime-node@1.20.1
	$(BUILD_DIR)/bin/bench_export bench_out/export
	ONNXRUNTIME_NODE=$(CURDIR)/bench_out/npm/node_modules/onnxruntime-node node bench/export/onnxruntime_check.js bench_out/export

demo: build
	@SEGKIT=$(BUILD_DIR)/bin/segkit bash scripts/demo.sh

clean:
	rm -rf $(BUILD_DIR)
