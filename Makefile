# Thin wrapper around meson/ninja. `make demo` and `make test` install what is
# missing (Debian packages only), build, and run.
BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_JOBS    ?= 1
FUZZ_TIMEOUT ?= 10
OUT        ?= out
RKNNC       = $(BUILD)/rknnc

.PHONY: all deps deps-build demo test fuzz bench bench-quant bench-zoo bench-cost bench-arch bench-pytorch clean install

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)
	@ln -sf cli/rknnc $(RKNNC)

$(BUILD)/build.ninja:
	meson setup $(BUILD)

deps:
	bash scripts/install-deps.sh

# `make demo` needs no test-only package (tests/cli/run_deps_test.py checks it).
deps-build:
	RKNNC_BUILD_ONLY=1 bash scripts/install-deps.sh

demo: deps-build all
	bash scripts/demo.sh $(RKNNC) $(OUT)/demo

test: deps
	bash scripts/run-tests.sh $(ASAN_BUILD)

# libFuzzer harnesses (clang, ASan+UBSan), each run FUZZ_SECONDS from the
# seed corpus; `make test` only replays tests/fuzz/regressions. docs/fuzzing.md
fuzz:
	RKNNC_BUILD_ONLY=1 RKNNC_FUZZ=1 bash scripts/install-deps.sh
	FUZZ_JOBS=$(FUZZ_JOBS) FUZZ_TIMEOUT=$(FUZZ_TIMEOUT) bash scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

bench: deps all
	bash bench/run.sh $(RKNNC)

bench-quant: deps all
	/usr/bin/python3 bench/quant.py $(RKNNC)

bench-zoo: deps all
	/usr/bin/python3 bench/zoo.py $(RKNNC)

# predicted vs published FPS of mobilenetv2 / resnet50-v2 / yolov5s_relu (models generated into $(BUILD)/cost_models)
bench-cost: deps all
	/usr/bin/python3 bench/cost_model.py $(RKNNC) --models $(BUILD)/cost_models

# every generated architecture (tests/ort/make_architectures.py, into $(BUILD)/arch_models) at opsets
# 13/17/18/21: fp32 vs onnxruntime, int8 cosine, NPU MAC share (table also in $(BUILD)/archs_all.md)
bench-arch: deps all
	/usr/bin/python3 tests/ort/check_architectures.py --all --rknnc $(RKNNC) --models-dir $(BUILD)/arch_models \
	  --json $(BUILD)/archs_all.json

# resnet50 loaded from TorchScript (.pt) vs from ONNX (.onnx), side by side (models into $(BUILD)/bench_models)
bench-pytorch: deps all
	/usr/bin/python3 bench/pytorch_load.py $(RKNNC) $(BUILD)/bench_models

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(OUT)
