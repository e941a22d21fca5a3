#!/usr/bin/env bash
# Load benchmark (issue: walking skeleton): serving the home page and an item
# page from the embedded database, measured with wrk on loopback next to nginx
# serving a saved copy of the same pages, in the same run.
# Usage: bench/http_bench.sh [BUILD_DIR]   env: DURATION (s, default 10), CONNECTIONS (default 64)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD="${1:-build}"
DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-64}"
command -v wrk >/dev/null || { echo "wrk is missing: run scripts/setup.sh"; exit 1; }
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

work=$(mktemp -d)
cleanup() {
  [ -n "${gk_pid:-}" ] && kill "$gk_pid" 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  sleep 0.5; rm -rf "$work"
}
trap cleanup EXIT

"$BUILD/gongkai" init --db "$work/bench.db" >/dev/null
"$BUILD/gongkai" serve --db "$work/bench.db" --listen 127.0.0.1:0 --port-file "$work/port" --threads 96 \
  >"${GK_STDOUT:-$work/gongkai.log}" 2>"$work/gongkai.err" &
gk_pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
gk_port=$(cat "$work/port")

mkdir -p "$work/www/items/12"
curl -fsS "http://127.0.0.1:$gk_port/" -o "$work/www/index.html"
curl -fsS "http://127.0.0.1:$gk_port/items/12" -o "$work/www/items/12/index.html"

ng_port=$((gk_port + 1))
cat >"$work/nginx.conf" <<NGX
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 100000;
  types { text/html html; }
  server {
    listen 127.0.0.1:$ng_port;
    root $work/www;
    location / { try_files \$uri \$uri/index.html =404; }
  }
}
NGX
"$NGINX" -c "$work/nginx.conf" -p "$work"
sleep 0.3

rps() { wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" "$1" | awk '/Requests\/sec/ {print $2}'; }

printf '%-12s %14s %14s %8s\n' page gongkai_req/s nginx_req/s ratio
for page in / /items/12; do
  g=$(rps "http://127.0.0.1:$gk_port$page")
  n=$(rps "http://127.0.0.1:$ng_port$page")
  awk -v p="$page" -v g="$g" -v n="$n" 'BEGIN { printf "%-12s %14.0f %14.0f %8.2f\n", p, g, n, g / n }'
done
echo "(wrk -t2 -c$CONNECTIONS -d${DURATION}s on loopback; gongkai --threads 96; nginx worker_processes auto; $(nproc) cores)"
