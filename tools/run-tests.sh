#!/usr/bin/env bash
# Builds lugeo and runs the whole test suite: once in the normal (Release) build and once
# under AddressSanitizer + UndefinedBehaviorSanitizer, the concurrent tests (test_dispatch, test_layers,
# lugeo serve's) under ThreadSanitizer, then each libFuzzer harness (fuzz/) for 60 s, two at a
# time. This is the README's second command and what CI runs (.ci/run).
#   tools/run-tests.sh            the three builds and the fuzzers
#   tools/run-tests.sh --fast     the normal build only
# LUGEO_FUZZ_SECONDS sets the fuzzers' time each (60; 0 skips them).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh --report
jobs=$(nproc)

# True when clang++ can build a libFuzzer harness (clang and libclang-rt-dev installed).
have_libfuzzer() {
    command -v clang++ >/dev/null || return 1
    local probe
    probe=$(mktemp -d)
    printf 'extern "C" int LLVMFuzzerTestOneInput(const char *, unsigned long) { return 0; }\n' \
        >"$probe/probe.cpp"
    clang++ -fsanitize=fuzzer "$probe/probe.cpp" -o "$probe/probe" 2>/dev/null
    local rc=$?
    rm -rf "$probe"
    return "$rc"
}

# The fuzz stage: the harnesses (built from only the sources they need, ~2 min on 2 cores),
# each for LUGEO_FUZZ_SECONDS, two at a time; a finding fails the run and names its reproducer.
fuzz_stage() {
    local secs=${LUGEO_FUZZ_SECONDS:-60}
    if [[ "$secs" == 0 ]]; then
        echo "== libFuzzer harnesses skipped (LUGEO_FUZZ_SECONDS=0) ==" >&2
        return 0
    fi
    if ! have_libfuzzer; then
        echo "== libFuzzer harnesses SKIPPED: clang++ with libFuzzer not found" \
            "(apt-get install clang libclang-rt-dev, or tools/setup.sh) ==" >&2
        return 0
    fi
    echo "== libFuzzer harnesses: ${secs} s each, two at a time ==" >&2
    cmake --preset fuzz >/dev/null
    cmake --build --preset fuzz -j "$jobs"
    tools/run-fuzz.sh "$secs" 2
}

echo "== Release build and tests ==" >&2
cmake --preset release >/dev/null
cmake --build --preset release -j "$jobs"
ctest --preset release -j "$jobs"

if [[ "${1:-}" != "--fast" ]]; then
    echo "== ASan + UBSan build and tests ==" >&2
    cmake --preset asan >/dev/null
    cmake --build --preset asan -j "$jobs"
    ctest --preset asan -j "$jobs"
    echo "== ThreadSanitizer: the concurrent tests (test_dispatch, test_layers, cli_serve) ==" >&2
    cmake --preset tsan >/dev/null
    cmake --build --preset tsan -j "$jobs"
    ctest --preset tsan -j "$jobs"
    fuzz_stage
fi
