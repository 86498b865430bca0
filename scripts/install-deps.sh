#!/usr/bin/env bash
# Installs what rknnc needs to build and test: Debian packages (apt) and
# onnxruntime-node (npm, the independent reference runtime of tests/ort).
# Idempotent: does nothing when everything is present. RKNNC_BUILD_ONLY=1
# installs only what building rknnc and `make demo` need;
# RKNNC_FUZZ=1 adds what `make fuzz` needs (neither `make demo` nor `make test` uses it).
# tests/cli/run_deps_test.py (in `make test`) fails when a Python file the
# suites run imports a module whose package is missing from TEST_PKGS.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD_PKGS=(python3 g++ meson ninja-build pkg-config cmake make
  libyaml-cpp-dev libcli11-dev libonnx-dev libprotobuf-dev protobuf-compiler
  libfmt-dev nlohmann-json3-dev catch2 libvalijson-dev libstb-dev libjpeg-dev libssl-dev libzstd-dev
  libflatbuffers-dev flatbuffers-compiler libtorch-dev)
# Tests: numpy + onnx make fixtures, yaml reads configs, testdata has ONNX's
# node tests, torch generates the cost-model graphs, pil is imported by the
# sample image helper; flatbuffers writes the .tflite test models and ArmNN's
# TfLite parser (pyarmnn + its reference CPU backend) runs them as the reference.
TEST_PKGS=(python3-numpy python3-onnx python3-yaml libonnx-testdata python3-torch python3-torchvision python3-pil
  python3-flatbuffers python3-pyarmnn libarmnn-cpuref-backend22 libarmnntfliteparser22)
# Fuzzing (`make fuzz` only): clang with libFuzzer and the sanitizer runtimes.
FUZZ_PKGS=(clang libclang-rt-14-dev)
want=("${BUILD_PKGS[@]}")
[ "${RKNNC_FUZZ:-0}" != 1 ] || want+=("${FUZZ_PKGS[@]}")
if [ "${RKNNC_BUILD_ONLY:-0}" != 1 ]; then
  want+=("${TEST_PKGS[@]}")
  # Many machines ship a newer Node.js than Debian's: add Debian's only when absent.
  command -v npm >/dev/null 2>&1 || want+=(nodejs npm)
fi
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# onnxruntime-node, pinned by tests/ort/package-lock.json. --ignore-scripts skips
# its postinstall (a CUDA download); the CPU runtime ships inside the package.
ORT_DIR="$ROOT/tests/ort"
if [ "${RKNNC_BUILD_ONLY:-0}" != 1 ] && [ ! -f "$ORT_DIR/node_modules/onnxruntime-node/package.json" ]; then
  echo "install-deps: npm ci onnxruntime-node in $ORT_DIR" >&2
  (cd "$ORT_DIR" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
fi
