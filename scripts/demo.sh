#!/usr/bin/env bash
# `make demo`: convert every bundled sample config for rk3588, inspect one
# result, run it on the CPU and show the start of an estimated eval_perf
# table. Prints where the outputs are.
set -euo pipefail
RKNNC=${1:-build/rknnc}
OUT=${2:-out/demo}
cd "$(dirname "$0")/.."
rm -rf "$OUT"
for cfg in configs/*.yml; do
  echo "== $RKNNC -t rk3588 -i $cfg -o $OUT"
  "$RKNNC" -t rk3588 -i "$cfg" -o "$OUT"
done
model=$(ls "$OUT"/*.rknn | head -n 1)
echo "== $RKNNC inspect $model"
"$RKNNC" inspect "$model"
if [ -f samples/digits_cnn/demo_input.npy ] && [ -f "$OUT/digits_cnn.rknn" ]; then
  echo "== $RKNNC run $OUT/digits_cnn.rknn --input samples/digits_cnn/demo_input.npy -o $OUT/run"
  "$RKNNC" run "$OUT/digits_cnn.rknn" --input samples/digits_cnn/demo_input.npy -o "$OUT/run"
  /usr/bin/python3 scripts/npy_argmax.py "$OUT/run/logits.npy" samples/digits_cnn/test_labels.npy
fi
if [ -f "$OUT/yolo_mini.perf.txt" ]; then
  echo "== estimated eval_perf of yolo_mini on rk3588 (what -e prints; the first rows and the totals)"
  head -n 8 "$OUT/yolo_mini.perf.txt"
  grep -E "^(Total|Estimated)" "$OUT/yolo_mini.perf.txt"
fi
echo
echo "demo outputs are in $OUT/ (.rknn models, .build.json / .perf.txt / .memory.json reports, run/ results)"
