#!/usr/bin/env bash
# Load test (issue 11): many concurrent connections against the public pages,
# search and the JSON API, on loopback, bounded in time, first directly
# against `gongkai serve` and then through the repository's nginx site
# (deploy/nginx/gongkai.conf) in front of the same server.
# Prints per target: requests/s, responses that were not 2xx/3xx, socket
# errors (connect/read/write/timeout), p50/p99 latency, and the server's peak
# RSS (VmHWM) before and after, so that memory can be seen to stay bounded.
# Exit status 1 when any target had errors, timeouts or non-2xx/3xx answers.
#
# Usage: bench/load_test.sh [BUILD_DIR]
#   env: DURATION (s per target, default 60), CONNECTIONS (default 1000),
#        WRK_THREADS (default 2), WRK_TIMEOUT (wrk's per-request timeout,
#        default 2s, wrk's own default), SERVER_THREADS (serve --threads,
#        default 64, the serve default), FRONTS (any of direct, nginx,
#        nginx_cache: nginx with a 1-second micro-cache of public answers;
#        default "direct nginx nginx_cache"),
#        TARGETS (names from the list below; default all)
# wrk, nginx and the server share this machine's cores: read the figures
# together with `nproc` and the load average printed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD="${1:-build}"
DURATION="${DURATION:-60}"
CONNECTIONS="${CONNECTIONS:-1000}"
WRK_THREADS="${WRK_THREADS:-2}"
WRK_TIMEOUT="${WRK_TIMEOUT:-2s}"
SERVER_THREADS="${SERVER_THREADS:-64}"
FRONTS="${FRONTS:-direct nginx nginx_cache}"
TARGETS="${TARGETS:-home item record search api_records api_search}"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk (scripts/setup.sh)"; exit 1; }
source scripts/lib/local_nginx.sh

# Every connection is a file descriptor for wrk, nginx (two per connection)
# and the server: raise the soft limit to the hard one.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((CONNECTIONS * 2 + 256)) ]; then
  echo "open-files limit $(ulimit -n) is too low for $CONNECTIONS connections (ulimit -Hn: $(ulimit -Hn))"
  exit 1
fi

work=$(mktemp -d)
chmod 755 "$work"
gk_pid=""
cleanup() {
  [ -n "$gk_pid" ] && kill "$gk_pid" 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"$BUILD/gongkai" init --db "$work/load.db" --demo >/dev/null
"$BUILD/gongkai" serve --db "$work/load.db" --listen 127.0.0.1:0 --port-file "$work/port" \
  --threads "$SERVER_THREADS" >"$work/serve.log" 2>&1 &
gk_pid=$!
for _ in $(seq 300); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || { echo "gongkai serve did not start:"; cat "$work/serve.log"; exit 1; }
gk_port=$(cat "$work/port")

# nginx as a non-root user on a free port, with the repository's site file
# (its limits and proxy settings) and this run's upstream
# (scripts/lib/local_nginx.sh).
front=$(free_port)
local_site deploy/nginx/gongkai.conf "$front" "$gk_port" >"$work/site.conf"
# The "nginx_cache" front: the same site on another port with a 1-second
# micro-cache of public answers (key: host, URI and the 大字版/高对比度
# cookie; never for a signed-in session or an API token; nginx by default
# stores nothing that sets a cookie or says no-store/private, as admin pages do).
front_c=$(free_port)
awk -v front="$front_c" '
  { gsub(/gongkai_app/, "gongkai_app_c"); sub(/listen 127\.0\.0\.1:[0-9]+;/, "listen 127.0.0.1:" front ";") }
  /^        proxy_pass / { print
    print "        proxy_cache gongkai_micro;"
    print "        proxy_cache_key \"$host$request_uri$cookie_gk_display\";"
    print "        proxy_cache_valid 200 301 302 404 1s;"
    print "        proxy_cache_lock on;"
    print "        proxy_cache_use_stale updating;"
    print "        proxy_cache_bypass $cookie_gk_session $http_authorization;"
    print "        proxy_no_cache $cookie_gk_session $http_authorization;"
    next }
  { print }
' "$work/site.conf" >"$work/site_cache.conf"
start_local_nginx "$work" "  access_log off;
  proxy_cache_path $work/tmp/cache keys_zone=gongkai_micro:10m max_size=256m inactive=60s;
  include $work/site.conf;
  include $work/site_cache.conf;" $((CONNECTIONS * 3 + 512)) "worker_processes auto;
worker_rlimit_nofile $((CONNECTIONS * 4 + 1024));"

rec=$(curl -fsS "http://127.0.0.1:$gk_port/api/v1/records?limit=1" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["records"][0]["id"])')
q=$(python3 -c 'import urllib.parse; print(urllib.parse.quote("公告"))')
declare -A path=(
  [home]="/"
  [item]="/items/12"
  [record]="/records/$rec"
  [search]="/search?q=$q"
  [api_records]="/api/v1/records?limit=20"
  [api_search]="/api/v1/search?q=$q"
)

hwm() { awk '/VmHWM/ {print $2}' "/proc/$gk_pid/status"; }
# wrk's latency ("1.23ms", "456.00us", "2.01s") in milliseconds.
to_ms() { awk -v v="$1" 'BEGIN { u = v; sub(/^[0-9.]+/, "", u); n = v + 0;
  if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000; printf "%.1f", n }'; }

failed=0
printf '%-11s %-12s %9s %8s %8s %6s %6s %8s %9s %9s %11s %11s\n' front target req/s non2xx3xx connect read write timeout \
  p50_ms p99_ms hwm_before hwm_after
for f in $FRONTS; do
  case "$f" in
    direct) base="http://127.0.0.1:$gk_port" ;;
    nginx) base="http://127.0.0.1:$front" ;;
    nginx_cache) base="http://127.0.0.1:$front_c" ;;
    *) echo "unknown front $f"; exit 1 ;;
  esac
  for t in $TARGETS; do
    url="$base${path[$t]}"
    curl -fsS -o /dev/null "$url"  # fail early on a broken page
    before=$(hwm)
    wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout "$WRK_TIMEOUT" --latency "$url" >"$work/wrk.out" 2>&1 || true
    after=$(hwm)
    kill -0 "$gk_pid" 2>/dev/null || { echo "gongkai serve died:"; tail -20 "$work/serve.log"; exit 1; }
    out="$work/wrk.out"
    rps=$(awk '/Requests\/sec/ {print $2}' "$out")
    bad=$(awk '/Non-2xx or 3xx responses/ {print $5}' "$out")
    read -r ce re we te < <(awk '/Socket errors/ { gsub(",", ""); print $4, $6, $8, $10 }' "$out") || true
    p50=$(awk '$1 == "50%" {print $2}' "$out")
    p99=$(awk '$1 == "99%" {print $2}' "$out")
    printf '%-11s %-12s %9.0f %8s %8s %6s %6s %8s %9s %9s %8s kB %8s kB\n' "$f" "$t" "${rps:-0}" "${bad:-0}" "${ce:-0}" \
      "${re:-0}" "${we:-0}" "${te:-0}" "$(to_ms "${p50:-0}")" "$(to_ms "${p99:-0}")" "$before" "$after"
    [ -z "$rps" ] && { echo "wrk failed:"; cat "$out"; }
    if [ -z "$rps" ] || [ "${bad:-0}" != 0 ] || [ "${ce:-0}${re:-0}${we:-0}${te:-0}" != 0000 ]; then failed=1; fi
  done
done
echo "(wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s --timeout $WRK_TIMEOUT on loopback; gongkai serve --threads $SERVER_THREADS" \
  "on init --demo data; nginx with deploy/nginx/gongkai.conf; $(nproc) cores shared by wrk, nginx and the server;" \
  "open-files limit $(ulimit -n); $(date -u '+%F %T UTC'); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
[ "$failed" -eq 0 ] && echo "PASS: no errors, no timeouts, every answer 2xx/3xx" || echo "FAIL: see the columns above"
exit "$failed"
