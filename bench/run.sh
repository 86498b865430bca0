#!/usr/bin/env bash
# Benchmarks (numbers, not pass/fail): conversion time and CPU latency vs onnxruntime-node.
set -euo pipefail
cd "$(dirname "$0")/.."
exec /usr/bin/python3 bench/run_bench.py "${1:-build/rknnc}"
