#!/usr/bin/env bash
# Builds lugeo and runs the whole test suite: once in the normal (Release) build and once
# under AddressSanitizer + UndefinedBehaviorSanitizer. This is the README's second command
# and what CI runs (.ci/run).
#   tools/run-tests.sh            both builds
#   tools/run-tests.sh --fast     the normal build only
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh --report
jobs=$(nproc)

echo "== Release build and tests ==" >&2
cmake --preset release >/dev/null
cmake --build --preset release -j "$jobs"
ctest --preset release -j "$jobs"

if [[ "${1:-}" != "--fast" ]]; then
    echo "== ASan + UBSan build and tests ==" >&2
    cmake --preset asan >/dev/null
    cmake --build --preset asan -j "$jobs"
    ctest --preset asan -j "$jobs"
fi
