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
front="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"

# The repository's site config with this run's ports.
sed -e "s/listen 80;/listen 127.0.0.1:$front;/" \
    -e "s/127.0.0.1:8081/127.0.0.1:$p1/" -e "s/127.0.0.1:8082/127.0.0.1:$p2/" \
    "$src/deploy/nginx/gongkai.conf" >"$d/site.conf"
grep -q "127.0.0.1:$p1" "$d/site.conf" && grep -q "127.0.0.1:$p2" "$d/site.conf" ||
  { echo "FAIL: deploy/nginx/gongkai.conf no longer lists 127.0.0.1:8081 and :8082"; exit 1; }
mkdir -p "$d/tmp"
chmod 777 "$d/tmp"
user_line=""
[ "$(id -u)" -eq 0 ] && user_line="user nobody nogroup;"
cat >"$d/nginx.conf" <<CONF
$user_line
worker_processes 1;
pid $d/nginx.pid;
error_log $d/nginx-error.log;
events { worker_connections 256; }
http {
  log_format up '\$host \$status \$upstream_addr';
  access_log $d/access.log up;
  client_body_temp_path $d/tmp/body;
  proxy_temp_path $d/tmp/proxy;
  fastcgi_temp_path $d/tmp/fcgi;
  uwsgi_temp_path $d/tmp/uwsgi;
  scgi_temp_path $d/tmp/scgi;
  include $d/site.conf;
}
CONF
"$nginx_bin" -t -p "$d" -c "$d/nginx.conf" 2>"$d/nginx-t.log" || { echo "FAIL: nginx -t"; cat "$d/nginx-t.log"; exit 1; }
"$nginx_bin" -p "$d" -c "$d/nginx.conf"
for _ in $(seq 1 100); do [ -s "$d/nginx.pid" ] && break; sleep 0.1; done

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
