# Shared by the node-driven suites (tests/contract/run.sh, tests/browser/run.sh):
# a throwaway gongkai server on demo data. Source it after defining `say`,
# `now`, `since` and GONGKAI; then:
#   demo_server_init NAME   makes $TMP (removed on exit, with the server) and
#                           $TMP/g.db by `gongkai init --demo`; exits 1 on failure
#   demo_server_start       starts `gongkai serve` on a free loopback port and
#                           sets BASE (http://127.0.0.1:PORT); exits 1 on failure
# Accounts, tokens and other set-up go between the two.

TMP=
SERVER_PID=
demo_server_cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  [ -z "$TMP" ] || rm -rf "$TMP"
}

demo_server_init() {
  TMP=$(mktemp -d "${TMPDIR:-/tmp}/gongkai-$1.XXXXXX")
  trap demo_server_cleanup EXIT
  trap 'exit 130' INT TERM
  if ! "$GONGKAI" init --demo --db "$TMP/g.db" >"$TMP/init.log" 2>&1; then
    say "FAIL: gongkai init --demo failed:"
    cat "$TMP/init.log"
    exit 1
  fi
}

demo_server_start() {
  "$GONGKAI" serve --db "$TMP/g.db" --listen 127.0.0.1:0 --port-file "$TMP/port" --threads 8 >"$TMP/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 300); do
    [ -s "$TMP/port" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  if [ ! -s "$TMP/port" ]; then
    say "FAIL: the server did not start:"
    cat "$TMP/server.log"
    exit 1
  fi
  BASE="http://127.0.0.1:$(cat "$TMP/port")"
}
