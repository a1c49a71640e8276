#!/usr/bin/env bash
# Runs each libFuzzer harness for a fixed time (default 60 s) over its seed corpus and
# dictionary (fuzz/corpus/<name>, fuzz/<name>.dict). Needs clang and libclang-rt-14-dev:
#   cmake --preset fuzz && cmake --build --preset fuzz && tools/run-fuzz.sh [SECONDS]
# New inputs go to build-fuzz/corpus/<name> (the tree's seeds are never rewritten); a crash
# leaves build-fuzz/crash-* and a non-zero exit.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
SECS=${1:-60}
B="$SRC/build-fuzz"
rc=0
for name in plate scene position; do
  bin="$B/fuzz/fuzz_$name"
  [ -x "$bin" ] || { echo "run-fuzz: $bin missing (cmake --build --preset fuzz)" >&2; exit 2; }
  mkdir -p "$B/corpus/$name"
  echo "== fuzz_$name for ${SECS}s"
  (cd "$B" && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
     "$bin" -max_total_time="$SECS" -max_len=4096 -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
     -dict="$SRC/fuzz/$name.dict" "$B/corpus/$name" "$SRC/fuzz/corpus/$name" 2>&1 | tail -14) || rc=1
done
exit $rc
