#!/usr/bin/env bash
# `make fuzz`: builds the libFuzzer harnesses of tests/fuzz with clang
# (-fsanitize=fuzzer,address,undefined; the whole library is instrumented),
# collects the seed corpus and runs each harness for SECONDS. docs/fuzzing.md.
#
# usage: scripts/fuzz.sh BUILD SECONDS [HARNESS...]
# Corpus growth stays in BUILD/fuzz-corpus/<harness> (reused by the next run);
# crashes, hangs (-timeout=10 s) and OOMs (-rss_limit_mb=2048) are written to
# BUILD/fuzz-artifacts/<harness>/ and make the script exit 1.
set -uo pipefail
BUILD=${1:-build-fuzz}
SECONDS_EACH=${2:-60}
shift 2 2>/dev/null || shift $#
cd "$(dirname "$0")/.."
ALL=(fuzz_yaml_config fuzz_onnx fuzz_rknn fuzz_npy fuzz_image fuzz_dataset_list)
if [ $# -gt 0 ]; then HARNESSES=("$@"); else HARNESSES=("${ALL[@]}"); fi

if [ ! -f "$BUILD/build.ninja" ]; then
  CC=clang CXX=clang++ meson setup "$BUILD" -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false \
    -Dbuildtype=plain -Doptimization=1 -Dunity=on -Dunity_size=40 -Dcpp_args=-gline-tables-only >/dev/null || exit 1
fi
targets=(cli/rknnc)
for h in "${HARNESSES[@]}"; do targets+=("tests/fuzz/$h"); done
ninja -C "$BUILD" "${targets[@]}" || exit 1
ln -sf cli/rknnc "$BUILD/rknnc"

export ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
/usr/bin/python3 tests/fuzz/make_seeds.py "$BUILD/fuzz-seeds" --rknnc "$BUILD/rknnc" || exit 1

found=0
for h in "${HARNESSES[@]}"; do
  corpus="$BUILD/fuzz-corpus/$h" artifacts="$BUILD/fuzz-artifacts/$h"
  mkdir -p "$corpus" "$artifacts"
  echo "== $h: ${SECONDS_EACH} s" >&2
  "$BUILD/tests/fuzz/$h" -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$corpus" "$BUILD/fuzz-seeds/$h" 2>"$BUILD/fuzz-$h.log"
  code=$?
  grep -E '^stat::(number_of_executed_units|new_units_added|peak_rss_mb)|^Done ' "$BUILD/fuzz-$h.log" >&2
  if [ $code -ne 0 ]; then
    found=1
    grep -E 'ERROR:|SUMMARY:|Test unit written|terminate called|what\(\)' "$BUILD/fuzz-$h.log" | head -8 >&2
  fi
done
if [ $found -ne 0 ]; then
  echo "fuzz: findings in $BUILD/fuzz-artifacts; replay one with $BUILD/tests/fuzz/HARNESS FILE," >&2
  echo "fix it, then add it as tests/fuzz/regressions/HARNESS/NAME (docs/fuzzing.md)" >&2
  exit 1
fi
echo "fuzz: no findings" >&2
