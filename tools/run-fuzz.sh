#!/usr/bin/env bash
# Runs each libFuzzer harness for a fixed time over its seed corpus and dictionary
# (fuzz/corpus/<name>, fuzz/<name>.dict), PARALLEL harnesses at a time (CI: 2, one per core).
# Needs clang and libclang-rt-dev (tools/setup.sh installs them):
#   cmake --preset fuzz && cmake --build --preset fuzz && tools/run-fuzz.sh [SECONDS [PARALLEL [NAME...]]]
# Defaults: 60 s, one at a time, every harness (NAME: plate, scheme, scene, position, request). New inputs go to build-fuzz/corpus/<name> (the tree's seeds
# are never rewritten); each run's log is build-fuzz/logs/fuzz_<name>.log. A crash, a sanitizer
# report, a leak, a time-out (10 s on one input; FUZZ_TIMEOUT=S for runs at a low priority on a
# busy machine, where a scene's CRS name search in PROJ's database — ~0.1 s alone — can take 10 s) or memory over 2 GB fails the run (exit 1) and
# prints the reproducer's path (build-fuzz/artifacts/<name>/…) and the command that replays it.
set -uo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
SECS=${1:-60}
PARALLEL=${2:-1}
TIMEOUT=${FUZZ_TIMEOUT:-10}
B="$SRC/build-fuzz"
HARNESSES=(plate scheme scene position request)
(($# > 2)) && HARNESSES=("${@:3}")

run_one() {
    local name=$1 bin="$B/fuzz/fuzz_$name" log="$B/logs/fuzz_$name.log"
    local art="$B/artifacts/$name/" rc=0
    mkdir -p "$B/corpus/$name" "$art" "$B/logs"
    (cd "$B" && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
        UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        "$bin" -max_total_time="$SECS" -max_len=4096 -rss_limit_mb=2048 -timeout="$TIMEOUT" \
        -print_final_stats=1 -artifact_prefix="$art" -dict="$SRC/fuzz/$name.dict" \
        "$B/corpus/$name" "$SRC/fuzz/corpus/$name") >"$log" 2>&1 || rc=$?
    local report
    report="== fuzz_$name: ${SECS} s, exit $rc"$'\n'
    report+=$(grep -E '^#[0-9]+[[:space:]]+DONE|^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' "$log")
    if ((rc != 0)); then
        report+=$'\n'"!! fuzz_$name FAILED; log: $log"$'\n'
        report+=$(grep -E 'ERROR: |SUMMARY: |runtime error|deadly signal|Test unit written to|out-of-memory|timeout' "$log" | head -12)
        local unit
        unit=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
        [[ -n "$unit" ]] && report+=$'\n'"!! reproducer: $unit"$'\n'"!! replay: $bin $unit"
    fi
    printf '%s\n' "$report"
    return "$rc"
}

for name in "${HARNESSES[@]}"; do
    [[ -x "$B/fuzz/fuzz_$name" ]] || {
        echo "run-fuzz: $B/fuzz/fuzz_$name missing (cmake --build --preset fuzz)" >&2
        exit 2
    }
done

rc=0
running=0
for name in "${HARNESSES[@]}"; do
    if ((running >= PARALLEL)); then
        wait -n || rc=1
        running=$((running - 1))
    fi
    run_one "$name" &
    running=$((running + 1))
done
while ((running > 0)); do
    wait -n || rc=1
    running=$((running - 1))
done
((rc == 0)) && echo "run-fuzz: ${#HARNESSES[@]} harnesses, ${SECS} s each: no finding" ||
    echo "run-fuzz: a harness failed (see the !! lines above)" >&2
exit "$rc"
