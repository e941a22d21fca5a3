#!/usr/bin/env bash
# Read scaling behind nginx (issue: provincial deployment): the portal's read
# pages served by 1 and then 2 `gongkai serve` processes on one database,
# through the repository's nginx site (deploy/nginx/gongkai.conf), measured
# with wrk on loopback. Prints requests/s per page for each and the ratio.
# Usage: bench/scaling_bench.sh [BUILD_DIR]
#   env: DURATION (s per page, default 10), CONNECTIONS (default 64),
#        THREADS (per server, default 32),
#        BACKEND: sqlite (default: one SQLite file) or postgres (a throwaway
#        PostgreSQL cluster on loopback, scripts/pg_test_cluster.sh; fsync
#        off, which does not matter to reads)
# Everything (wrk, nginx, the servers) shares this machine's cores, so the
# ratio says little about several machines: read it with `nproc`.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD="${1:-build}"
DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-32}"
BACKEND="${BACKEND:-sqlite}"
command -v wrk >/dev/null || { echo "wrk is missing: run scripts/setup.sh"; exit 1; }
source scripts/lib/local_nginx.sh

work=$(mktemp -d)
chmod 755 "$work"
pids=()
stop_all() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  pids=()
  rm -f "$work/nginx.pid" "$work"/port*
}
trap 'stop_all; [ -d "$work/pg" ] && bash scripts/pg_test_cluster.sh stop "$work/pg"; rm -rf "$work"' EXIT

db=("--db" "$work/bench.db")
if [ "$BACKEND" = postgres ]; then
  bash scripts/pg_test_cluster.sh start "$work/pg" 0 >/dev/null
  admin=$(cat "$work/pg/url")
  psql "$admin" -qc "CREATE DATABASE bench"
  db=("--db" "${admin%/postgres}/bench" "--ledger-key" "$work/bench.ledger-key")
fi
"$BUILD/gongkai" init "${db[@]}" --demo >/dev/null
front=$(free_port)

run() {  # run N: N servers behind nginx; prints "page req/s" lines
  local n="$1" i
  for i in $(seq 1 "$n"); do
    "$BUILD/gongkai" serve "${db[@]}" --listen 127.0.0.1:0 --port-file "$work/port$i" \
      --threads "$THREADS" >"$work/serve$i.log" 2>&1 &
    pids+=($!)
  done
  for i in $(seq 1 "$n"); do
    for _ in $(seq 300); do [ -s "$work/port$i" ] && break; sleep 0.1; done
  done
  # The repository's site, with this run's ports and upstream list
  # (scripts/lib/local_nginx.sh).
  local ports=()
  for i in $(seq 1 "$n"); do ports+=("$(cat "$work/port$i")"); done
  local_site deploy/nginx/gongkai.conf "$front" "${ports[@]}" >"$work/site.conf"
  start_local_nginx "$work" "  access_log off;
  keepalive_requests 100000;
  include $work/site.conf;"
  local rec
  rec=$(curl -fsS "http://127.0.0.1:$front/api/v1/records?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["records"][0]["id"])')
  for page in / /items/12 "/records/$rec" "/search?q=%E5%85%AC%E5%91%8A"; do
    local r
    curl -fsS -o /dev/null "http://127.0.0.1:$front$page"  # fail early on a bad page
    r=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" "http://127.0.0.1:$front$page" | awk '/Requests\/sec/ {print $2}')
    echo "$page $r"
  done
  stop_all
}

one=$(run 1)
two=$(run 2)
printf '%-28s %14s %14s %7s\n' page "1 server req/s" "2 servers" ratio
paste -d' ' <(echo "$one") <(echo "$two") | awk '{ printf "%-28s %14.0f %14.0f %7.2f\n", ($1 ~ /^\/search/ ? "/search?q=公告" : $1), $2, $4, $4 / $2 }'
echo "(wrk -t2 -c$CONNECTIONS -d${DURATION}s through nginx on loopback; gongkai --threads $THREADS each; $BACKEND; $(nproc) cores shared by wrk, nginx and the servers; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
