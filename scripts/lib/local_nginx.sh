# shellcheck shell=bash
# nginx, unprivileged, in a scratch directory, in front of `gongkai serve`
# processes on loopback ports: what bench/load_test.sh,
# bench/scaling_bench.sh and tests/deploy/nginx_front.sh share. Source it.

# A free TCP port on 127.0.0.1.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# local_site SITE_FILE FRONT_PORT PORT...: the repository's site file
# (deploy/nginx/gongkai.conf, with its limits and proxy settings) listening
# on 127.0.0.1:FRONT_PORT for any host name, its upstream gongkai_app
# listing 127.0.0.1:PORT for each PORT instead of the file's own servers.
local_site() {
  local site="$1" front="$2" ups="" p
  shift 2
  for p in "$@"; do ups+="    server 127.0.0.1:$p;\\n"; done  # awk -v turns \n into a line break
  awk -v ups="$ups" -v front="$front" '
    /^upstream gongkai_app/ { print; printf "%s", ups; inup = 1; next }
    inup && /server 127\.0\.0\.1/ { next }
    inup && /^}/ { inup = 0 }
    { sub(/listen 80;/, "listen 127.0.0.1:" front ";"); sub(/^    server_name .*/, "    server_name _;"); print }
  ' "$site"
}

# start_local_nginx DIR HTTP_LINES [WORKER_CONNECTIONS] [MAIN_LINES]: writes
# DIR/nginx.conf (pid file, error log and temporary files in DIR; workers as
# nobody when run as root) with HTTP_LINES inside http {}, checks it, starts
# nginx and waits for its pid file. Stop it with kill "$(cat DIR/nginx.pid)".
start_local_nginx() {
  local dir="$1" http_lines="$2" connections="${3:-4096}" main_lines="${4:-worker_processes auto;}"
  local nginx_bin user_line=""
  nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
  mkdir -p "$dir/tmp" && chmod 777 "$dir/tmp"
  [ "$(id -u)" -eq 0 ] && user_line="user nobody nogroup;"
  cat >"$dir/nginx.conf" <<NGX
$user_line
$main_lines
pid $dir/nginx.pid;
error_log $dir/nginx-error.log;
events { worker_connections $connections; }
http {
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
$http_lines
}
NGX
  "$nginx_bin" -t -q -p "$dir" -c "$dir/nginx.conf" || return 1
  "$nginx_bin" -p "$dir" -c "$dir/nginx.conf" || return 1
  for _ in $(seq 100); do
    [ -s "$dir/nginx.pid" ] && return 0
    sleep 0.1
  done
  echo "nginx did not start:" >&2
  cat "$dir/nginx-error.log" >&2
  return 1
}
