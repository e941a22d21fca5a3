#!/usr/bin/env bash
# Installs what is needed, builds everything and runs the whole test suite
# (unit tests and black-box tests against the real binary) with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build
cd build
ctest --output-on-failure -j2 --timeout 600
