#!/usr/bin/env bash
# Installs every Debian package rknnc needs to build, test and make its samples.
# Idempotent: does nothing when all packages are present. Debian packages only.
set -euo pipefail
BUILD_PKGS=(g++ meson ninja-build pkg-config cmake make
  libyaml-cpp-dev libcli11-dev libonnx-dev libprotobuf-dev protobuf-compiler
  libfmt-dev nlohmann-json3-dev catch2 libvalijson-dev libstb-dev libssl-dev)
SAMPLE_PKGS=(python3 python3-numpy python3-onnx libonnx-testdata)
want=("${BUILD_PKGS[@]}")
[ "${RKNNC_BUILD_ONLY:-0}" = 1 ] || want+=("${SAMPLE_PKGS[@]}")
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
# onnxruntime-node (the independent reference runtime of the tests) needs node + npm;
# many machines ship a newer Node.js than Debian's, so only add Debian's when absent.
if [ "${RKNNC_BUILD_ONLY:-0}" != 1 ] && ! command -v npm >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
# tests/ort: python3-yaml (compare_samples.py reads configs/*.yml) and onnxruntime-node
# from npm, pinned by tests/ort/package-lock.json. --ignore-scripts skips its postinstall
# (a CUDA download); the CPU runtime ships inside the package. Skipped when present.
if [ "${RKNNC_BUILD_ONLY:-0}" != 1 ]; then
  if ! dpkg-query -W -f='${Status}' python3-yaml 2>/dev/null | grep -q 'install ok installed'; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3-yaml >/dev/null
  fi
  ORT_DIR="$(cd "$(dirname "$0")/.." && pwd)/tests/ort"
  if [ ! -f "$ORT_DIR/node_modules/onnxruntime-node/package.json" ]; then
    echo "install-deps: npm ci onnxruntime-node in $ORT_DIR" >&2
    (cd "$ORT_DIR" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
  fi
fi
