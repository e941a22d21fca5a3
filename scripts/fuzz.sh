#!/usr/bin/env bash
# Builds every libFuzzer target in fuzz/ with clang and runs each for
# FUZZ_SECONDS (default 30) on its seed corpus. A crash fails the run.
# FUZZ_SEED (default 1) makes a run repeatable; use FUZZ_SEED=0 for a random
# seed in longer exploratory runs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
SECONDS_EACH="${FUZZ_SECONDS:-30}"
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DGONGKAI_FUZZ=ON -DGONGKAI_TESTS=OFF -DGONGKAI_BENCH=OFF >/dev/null
cmake --build build-fuzz
status=0
for src in fuzz/*_fuzz.cc; do
  name=$(basename "$src" .cc)
  corpus="fuzz/corpus/${name%_fuzz}"
  work=$(mktemp -d)
  [ -d "$corpus" ] && cp -r "$corpus"/. "$work"/ 2>/dev/null || true
  echo "fuzz: $name for ${SECONDS_EACH}s"
  if ! build-fuzz/"$name" -seed="${FUZZ_SEED:-1}" -max_total_time="$SECONDS_EACH" -max_len=65536 \
      -print_final_stats=1 "$work" \
      2>"build-fuzz/$name.log"; then
    echo "fuzz: $name FAILED"; tail -50 "build-fuzz/$name.log"; status=1
  fi
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "build-fuzz/$name.log" | sed "s/^/fuzz: $name /"
  rm -rf "$work"
done
exit $status
