#!/usr/bin/env bash
# `make fuzz`: builds the libFuzzer harnesses of tests/fuzz with clang
# (-fsanitize=fuzzer,address,undefined; the whole library is instrumented),
# collects the seed corpus and runs each harness for SECONDS. docs/fuzzing.md.
#
# usage: [FUZZ_JOBS=N] scripts/fuzz.sh BUILD SECONDS [HARNESS...]
# FUZZ_JOBS harnesses run at once (default 1, one after the other); an input
# that runs longer than FUZZ_TIMEOUT seconds (default 10) is a finding.
# Corpus growth stays in BUILD/fuzz-corpus/<harness> (reused by the next run);
# crashes, hangs (-timeout, FUZZ_TIMEOUT s) and OOMs (-rss_limit_mb=2048) are written to
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

JOBS=${FUZZ_JOBS:-1}
# libFuzzer's -timeout is wall-clock time: with more harnesses than cores (or
# other load) a normal input can take long, so raise FUZZ_TIMEOUT there.
TIMEOUT=${FUZZ_TIMEOUT:-10}

# One harness: libFuzzer's exit code, its stats and wall/CPU seconds (the
# harnesses run JOBS at a time, so wall and CPU time differ) in BUILD/fuzz-H.log.
run_one() {
  local h=$1 corpus="$BUILD/fuzz-corpus/$1" artifacts="$BUILD/fuzz-artifacts/$1"
  mkdir -p "$corpus" "$artifacts"
  local TIMEFORMAT="time: wall %R s, cpu %U s user + %S s sys"
  { time "$BUILD/tests/fuzz/$h" -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout="$TIMEOUT" -print_final_stats=1 \
      -artifact_prefix="$artifacts/" "$corpus" "$BUILD/fuzz-seeds/$h" 2>"$BUILD/fuzz-$h.log"; } 2>"$BUILD/fuzz-$h.time"
}

report_one() {
  local h=$1 code=$2
  echo "== $h: ${SECONDS_EACH} s, exit $code, corpus $(find "$BUILD/fuzz-corpus/$h" -type f | wc -l) files" >&2
  cat "$BUILD/fuzz-$h.time" >&2
  grep -E '^stat::(number_of_executed_units|new_units_added|peak_rss_mb)|^Done ' "$BUILD/fuzz-$h.log" >&2
  [ "$code" -eq 0 ] || grep -E 'ERROR:|SUMMARY:|Test unit written|terminate called|what\(\)' "$BUILD/fuzz-$h.log" | head -8 >&2
}

declare -A pids
for h in "${HARNESSES[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
  echo "== $h: started, ${SECONDS_EACH} s" >&2
  run_one "$h" &
  pids[$h]=$!
done
found=0
for h in "${HARNESSES[@]}"; do
  wait "${pids[$h]}"
  code=$?
  report_one "$h" "$code"
  [ "$code" -eq 0 ] || found=1
done
if [ $found -ne 0 ]; then
  echo "fuzz: findings in $BUILD/fuzz-artifacts; replay one with $BUILD/tests/fuzz/HARNESS FILE," >&2
  echo "fix it, then add it as tests/fuzz/regressions/HARNESS/NAME (docs/fuzzing.md)" >&2
  exit 1
fi
echo "fuzz: no findings" >&2
