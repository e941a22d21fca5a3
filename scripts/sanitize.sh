#!/usr/bin/env bash
# Builds the test suite with AddressSanitizer + UndefinedBehaviorSanitizer
# (g++) and runs it. Any sanitizer report fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DGONGKAI_SANITIZE=ON -DGONGKAI_BENCH=OFF >/dev/null
cmake --build build-asan
cd build-asan
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# The browser suite (label browser) drives Chromium against the server and
# checks pages, not memory: it runs once, in scripts/test.sh. The second
# pass of the black-box tests on PostgreSQL (label blackbox_pg) runs the same
# server code as the first; it runs in scripts/test.sh, while the PostgreSQL
# store itself is exercised here by the storage suite (label storage). Under
# the sanitizers on 2 cores it would add about 15 minutes.
ctest --output-on-failure -j2 --timeout 900 -LE "browser|blackbox_pg"
