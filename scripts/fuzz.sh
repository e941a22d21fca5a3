#!/usr/bin/env bash
# Builds every libFuzzer target in fuzz/ with clang and runs each on its
# committed corpus (fuzz/corpus/<name>). A crash, leak or timeout fails the run.
#
# Two modes:
# - Repeatable (the default, what CI runs): each target makes the fixed
#   number of runs that fuzz/budget.txt gives it (its corpus replayed first,
#   then new inputs; about 20 s of work each on the development machine) from
#   seed FUZZ_SEED (default 1), with address-space randomisation off
#   (setarch -R, where the kernel allows it) and the corpus handed over as a
#   sorted list (-seed_inputs), not read from a directory whose order
#   depends on the file system: libFuzzer's choices then depend only on the
#   code, so the same commit fuzzes the same inputs on every machine and a
#   run that passed here passes in CI (except http_request, whose server
#   threads vary its coverage a little). New findings come from the
#   exploratory mode and are fixed before they land.
#   FUZZ_CAP (default 300) seconds per target is only a safety stop: a target
#   stopped by it is reported, since its run was then cut short.
# - Exploratory: FUZZ_SECONDS=N runs each target for N seconds instead
#   (FUZZ_SEED=0 for a random seed); with FUZZ_KEEP=DIR the corpus each
#   target grows is kept in DIR/<name>, to be minimised into fuzz/corpus
#   (see the README, "Fuzzing").
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DGONGKAI_FUZZ=ON -DGONGKAI_TESTS=OFF -DGONGKAI_BENCH=OFF >/dev/null
cmake --build build-fuzz
if [ -z "${FUZZ_SECONDS:-}" ] && [ ! -r fuzz/budget.txt ]; then
  echo "fuzz: fuzz/budget.txt is missing (each target's number of runs)"; exit 1
fi
seed="${FUZZ_SEED:-1}"
fixed=()
if setarch "$(uname -m)" -R true 2>/dev/null; then
  fixed=(setarch "$(uname -m)" -R)
else
  echo "fuzz: setarch -R is not allowed here: runs are bounded but not repeatable"
fi
cap="${FUZZ_CAP:-300}"
status=0
for src in fuzz/*_fuzz.cc; do
  name=$(basename "$src" .cc)
  short="${name%_fuzz}"
  corpus="fuzz/corpus/$short"
  if [ -n "${FUZZ_KEEP:-}" ]; then
    work="$FUZZ_KEEP/$short"
    mkdir -p "$work"
  else
    work=$(mktemp -d)
  fi
  if [ -n "${FUZZ_SECONDS:-}" ]; then
    [ -d "$corpus" ] && cp -rn "$corpus"/. "$work"/ 2>/dev/null || true
    bound=(-max_total_time="$FUZZ_SECONDS")
    echo "fuzz: $name for ${FUZZ_SECONDS}s, seed $seed"
  else
    runs=$(awk -v t="$short" '$1 == t { print $2 }' fuzz/budget.txt | tr -d '\r' | head -1)
    if [ -z "$runs" ]; then
      echo "fuzz: $name has no line in fuzz/budget.txt"; status=1
      [ -n "${FUZZ_KEEP:-}" ] || rm -rf "$work"
      continue
    fi
    # The corpus as one sorted, comma-separated list (file names are hashes).
    seeds="$work.seeds"
    if [ -d "$corpus" ]; then
      find "$PWD/$corpus" -type f | LC_ALL=C sort | paste -sd, - >"$seeds"
    else
      : >"$seeds"
    fi
    bound=(-runs="$runs" -max_total_time="$cap")
    [ -s "$seeds" ] && bound+=(-seed_inputs="@$seeds")
    echo "fuzz: $name, $(find "$corpus" -type f 2>/dev/null | wc -l) corpus inputs replayed within $runs runs from seed $seed"
  fi
  if ! "${fixed[@]}" build-fuzz/"$name" -seed="$seed" "${bound[@]}" -max_len=65536 \
      -print_final_stats=1 "$work" \
      >"build-fuzz/$name.log" 2>&1; then
    echo "fuzz: $name FAILED"; tail -50 "build-fuzz/$name.log"; status=1
  fi
  executed=$(sed -n 's/^stat::number_of_executed_units: *//p' "build-fuzz/$name.log")
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "build-fuzz/$name.log" | sed "s/^/fuzz: $name /"
  if [ -z "${FUZZ_SECONDS:-}" ] && [ -n "$executed" ] && [ "$executed" -lt "$runs" ]; then
    echo "fuzz: $name stopped by the ${cap}s safety cap after $executed of $runs runs (this machine is slower)"
  fi
  [ -n "${FUZZ_KEEP:-}" ] || rm -rf "$work"
  rm -f "$work.seeds"
done
exit $status
