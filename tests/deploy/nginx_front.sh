#!/usr/bin/env bash
# The repository's nginx site (deploy/nginx/gongkai.conf) in front of two
# `gongkai serve` processes on one database, as the README's deployment
# describes: nginx accepts the config, routes each site's host to its
# portal through either app server, and spreads requests over both.
# Usage: nginx_front.sh GONGKAI_BIN SOURCE_DIR. Exit 77 (skipped) without nginx.
set -euo pipefail
bin="$1"
src="$2"
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
[ -x "$nginx_bin" ] || { echo "nginx not installed: skipped"; exit 77; }
command -v curl >/dev/null || { echo "curl not installed: skipped"; exit 77; }
source "$src/scripts/lib/local_nginx.sh"

d="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$d/nginx.pid" ] && kill "$(cat "$d/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$d"
}
trap cleanup EXIT
chmod 755 "$d"

"$bin" init --db "$d/g.db" >/dev/null
"$bin" site add --db "$d/g.db" --slug pudong --name 浦东新区人民政府 --host gk.pudong.example.gov.cn >/dev/null

for i in 1 2; do
  "$bin" serve --db "$d/g.db" --listen 127.0.0.1:0 --port-file "$d/port$i" --threads 8 >"$d/serve$i.log" 2>&1 &
  pids+=($!)
done
for i in 1 2; do
  for _ in $(seq 1 300); do [ -s "$d/port$i" ] && break; sleep 0.1; done
  [ -s "$d/port$i" ] || { echo "FAIL: server $i did not start"; cat "$d/serve$i.log"; exit 1; }
done
p1="$(cat "$d/port1")"
p2="$(cat "$d/port2")"

# A free port for nginx.
front="$(free_port)"

# The repository's site config with this run's ports.
sed -e "s/listen 80;/listen 127.0.0.1:$front;/" \
    -e "s/127.0.0.1:8081/127.0.0.1:$p1/" -e "s/127.0.0.1:8082/127.0.0.1:$p2/" \
    "$src/deploy/nginx/gongkai.conf" >"$d/site.conf"
grep -q "127.0.0.1:$p1" "$d/site.conf" && grep -q "127.0.0.1:$p2" "$d/site.conf" ||
  { echo "FAIL: deploy/nginx/gongkai.conf no longer lists 127.0.0.1:8081 and :8082"; exit 1; }
start_local_nginx "$d" "  log_format up '\$host \$status \$upstream_addr';
  access_log $d/access.log up;
  include $d/site.conf;" 256 "worker_processes 1;" || { echo "FAIL: nginx did not accept or run the site"; exit 1; }

fail=0
for n in $(seq 1 10); do
  body="$(curl -sS -H 'Host: gk.pudong.example.gov.cn' "http://127.0.0.1:$front/")"
  grep -q 浦东新区人民政府 <<<"$body" || { echo "FAIL: request $n for the pudong host did not get its portal"; fail=1; }
  body="$(curl -sS -H 'Host: gk.demo.example.gov.cn' "http://127.0.0.1:$front/")"
  grep -q 示例区人民政府 <<<"$body" || { echo "FAIL: request $n for the demo host did not get its portal"; fail=1; }
done
sleep 0.5  # nginx writes the access log line after the response
for p in "$p1" "$p2"; do
  c="$(grep -c "127.0.0.1:$p" "$d/access.log" || true)"
  echo "app server on port $p served $c of 20 requests"
  [ "$c" -gt 0 ] || { echo "FAIL: nginx sent nothing to 127.0.0.1:$p"; fail=1; }
done
bad="$(awk '$2 != 200' "$d/access.log" | wc -l)"
[ "$bad" -eq 0 ] || { echo "FAIL: $bad responses were not 200"; cat "$d/access.log"; fail=1; }
[ "$fail" -eq 0 ] && echo "PASS: nginx front, 2 app servers, host routing"
exit "$fail"
