#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the storage conformance tests
# (tests/storage), started and stopped by ctest's `pg` fixture.
#
# Usage: scripts/pg_test_cluster.sh start DIR PORT
#        scripts/pg_test_cluster.sh stop DIR
#
# start: creates a new cluster in DIR (removing what an earlier run left
# there), listening on 127.0.0.1:PORT only, with trust authentication for
# the `postgres` user; PORT 0 picks a free port from 54329 up. Writes the
# URL of its `postgres` database to DIR/url. Exits 77 (ctest: skipped) when
# PostgreSQL's server binaries are not installed (Debian: postgresql).
# stop: stops the cluster and removes DIR.
#
# As root, the server runs as the `postgres` user (it refuses to run as
# root); otherwise as the calling user.
set -euo pipefail

cmd=${1:-}
dir=${2:-}
port=${3:-0}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR [PORT]" >&2; exit 2; }

bindir=${GONGKAI_PG_BINDIR:-}
if [ -z "$bindir" ]; then
  # The newest installed server version.
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V); do bindir=$d; done
fi

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop_cluster() {
  if [ -n "$bindir" ] && [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
  fi
}

port_free() {
  # Nothing accepts a TCP connection on it (bash's /dev/tcp).
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

case "$cmd" in
  start)
    rm -f "$dir/url"  # a URL from an earlier run must not outlive its cluster
    if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ] || [ ! -x "$bindir/pg_ctl" ]; then
      echo "pg_test_cluster: PostgreSQL server binaries not found (install postgresql): skipping" >&2
      exit 77
    fi
    stop_cluster
    rm -rf "$dir"
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; fi
    if [ "$port" = 0 ]; then
      port=54329
      while ! port_free "$port"; do port=$((port + 1)); done
    fi
    as_owner "$bindir/initdb" -D "$dir/data" -E UTF8 --locale=C.UTF-8 -A trust -U postgres >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
    # Small and quick: no fsync (the data is thrown away), few connections
    # are enough for the tests' pools.
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c full_page_writes=off" start >/dev/null ||
      { cat "$dir/log" >&2; exit 1; }
    echo "postgresql://postgres@127.0.0.1:$port/postgres" >"$dir/url"
    echo "pg_test_cluster: $(cat "$dir/url")"
    ;;
  stop)
    stop_cluster
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop DIR [PORT]" >&2
    exit 2
    ;;
esac
