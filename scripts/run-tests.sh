#!/usr/bin/env bash
# The whole test suite: release build (all suites) + ASan/UBSan build (unit
# tests), then one summary line `N passed, M failed` counted over every test
# case (Catch2 cases, ONNX node cases, CLI cases …) from their JUnit reports.
set -uo pipefail
BUILD=${1:-build}
ASAN=${2:-build-asan}
cd "$(dirname "$0")/.."
export PYTHON=/usr/bin/python3

build() {  # dir, extra meson args…
  local dir=$1; shift
  [ -f "$dir/build.ninja" ] || meson setup "$dir" "$@" >/dev/null || return 1
  ninja -C "$dir" >"$dir.ninja.log" 2>&1 || { tail -40 "$dir.ninja.log"; return 1; }
}

status=0
build "$BUILD" || status=1
ln -sf cli/rknnc "$BUILD/rknnc" 2>/dev/null
# GCC 12's -Wmaybe-uninitialized misfires inside libstdc++ (<regex>,
# std::function) under -fsanitize; every other warning stays an error.
# -O1 without debug info: sanitizer builds compile several times slower at -O2 -g.
build "$ASAN" -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=plain -Doptimization=1 \
  -Dcpp_args=-Wno-maybe-uninitialized || status=1
if [ $status -ne 0 ]; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi
for dir in "$BUILD" "$ASAN"; do rm -rf "$dir/junit"; mkdir -p "$dir/junit"; done
meson test -C "$BUILD" --no-rebuild --print-errorlogs -t 4 >"$BUILD/meson-test.out" 2>&1
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
meson test -C "$ASAN" --no-rebuild --print-errorlogs --suite unit --suite cli -t 4 >"$ASAN/meson-test.out" 2>&1
$PYTHON scripts/summarize-tests.py "$BUILD" "$ASAN"
