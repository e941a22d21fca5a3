#!/usr/bin/env bash
# The API contract test (ctest: contract_openapi):
#   1. redocly lint of data/openapi.json (redocly.yaml beside this script);
#   2. contract.mjs against a fresh server on demo data: the document the
#      server serves at /api/v1/openapi.json, request by request;
#   3. feeds.mjs: every Atom feed and sitemap of that server.
#
# Usage: tests/contract/run.sh GONGKAI_BINARY [BUILD_DIR]
#
# The npm packages (package.json, package-lock.json) are installed with
# `npm ci` into BUILD_DIR/contract (default: the binary's directory), not
# into the source tree, and only when missing or when package-lock.json
# changed: a run with them installed needs no network.
#
# Exit status: 0 all passed; 1 a check failed; 77 node is not installed
# (ctest reports the test as skipped).
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 GONGKAI_BINARY [BUILD_DIR]" >&2
  exit 2
fi
GONGKAI=$(realpath "$1")
BUILD=$(realpath "${2:-$(dirname "$GONGKAI")}")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
DEPS="$BUILD/contract"
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true NO_UPDATE_NOTIFIER=1

say() { printf '[contract] %s\n' "$*"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }
T0=$(now)

# ---- tools ------------------------------------------------------------------------
if ! command -v node >/dev/null 2>&1; then
  say "SKIPPED: node is not installed, so the OpenAPI contract test cannot run."
  say "Install it with scripts/setup.sh (Debian packages nodejs, npm, libxml2-utils)."
  exit 77
fi
# @redocly/cli 2.77.0 declares node ">=22.12.0 || >=20.19.0 <21.0.0".
if ! node -e '
  const [a, b] = process.versions.node.split(".").map(Number);
  process.exit((a === 20 && b >= 19) || (a === 22 && b >= 12) || a > 22 ? 0 : 1);'; then
  say "FAIL: node $(node --version) is too old: @redocly/cli 2.77.0 needs Node.js >= 20.19 (20.x) or >= 22.12."
  say "Debian 12's own nodejs package is 18.x; install Node.js 20.19+ or 22.12+ instead."
  exit 1
fi
if [ ! -x "$GONGKAI" ]; then
  say "FAIL: $GONGKAI is not an executable"
  exit 1
fi
if ! command -v xmllint >/dev/null 2>&1; then
  say "FAIL: xmllint is missing (Debian package libxml2-utils; scripts/setup.sh installs it)."
  exit 1
fi

# ---- npm packages, cached under the build directory ----------------------------
# shellcheck source=../support/npm_deps.sh
source "$HERE/../support/npm_deps.sh"
npm_deps .contract-lock.json
# The scripts run from beside node_modules (ES modules resolve packages from
# the importing file's directory, not from NODE_PATH).
cp "$HERE/contract.mjs" "$HERE/feeds.mjs" "$DEPS/"

# ---- a server on demo data --------------------------------------------------------
# shellcheck source=../support/demo_server.sh
source "$HERE/../support/demo_server.sh"
t=$(now)
demo_server_init contract
# API tokens for the write operations (x-contract values {"env": ...}): a
# liaison and a leader of 区财政局, a liaison of another unit, a revoked one.
token() { "$GONGKAI" token add --db "$TMP/g.db" --secret-only --name "$1" --unit "$2" --role "$3"; }
if ! CONTRACT_TOKEN_LIAISON=$(token 契约测试联络员 区财政局 liaison) ||
   ! CONTRACT_TOKEN_LEADER=$(token 契约测试分管领导 区财政局 leader) ||
   ! CONTRACT_TOKEN_OTHER_UNIT=$(token 契约测试其他单位 区发改局 liaison) ||
   ! CONTRACT_TOKEN_REVOKED=$(token 契约测试已吊销 区财政局 liaison); then
  say "FAIL: gongkai token add failed"
  exit 1
fi
revoked_id=$("$GONGKAI" token list --db "$TMP/g.db" | awk -F'\t' '$2 == "契约测试已吊销" { print $1 }')
if [ -z "$revoked_id" ] || ! "$GONGKAI" token revoke --db "$TMP/g.db" --id "$revoked_id" >/dev/null; then
  say "FAIL: gongkai token list/revoke failed"
  exit 1
fi
export CONTRACT_TOKEN_LIAISON CONTRACT_TOKEN_LEADER CONTRACT_TOKEN_OTHER_UNIT CONTRACT_TOKEN_REVOKED
demo_server_start
if ! node -e '
  const url = process.argv[1] + "/healthz";
  (async () => {
    for (let i = 0; i < 100; i++) {
      try { if ((await fetch(url)).status === 200) return; } catch {}
      await new Promise((r) => setTimeout(r, 100));
    }
    process.exit(1);
  })();' "$BASE"; then
  say "FAIL: $BASE/healthz did not answer 200:"
  cat "$TMP/server.log"
  exit 1
fi
say "server on demo data at $BASE (ready in $(since "$t"))"

# ---- the checks -------------------------------------------------------------------
failed=()
step() {
  local name=$1; shift
  local t
  t=$(now)
  say "== $name"
  if "$@"; then
    say "== $name: passed ($(since "$t"))"
  else
    say "== $name: FAILED ($(since "$t"))"
    failed+=("$name")
  fi
}
step "redocly lint" bash -c 'cd "$1" && "$2/node_modules/.bin/redocly" lint --config "$3/redocly.yaml" "$4/data/openapi.json"' \
  _ "$HERE" "$DEPS" "$HERE" "$SRC"
step "contract.mjs" node "$DEPS/contract.mjs" "$BASE" --spec-file "$SRC/data/openapi.json"
step "feeds.mjs" node "$DEPS/feeds.mjs" "$BASE"

if [ ${#failed[@]} -gt 0 ]; then
  say "server log (last 20 lines):"
  tail -n 20 "$TMP/server.log" || true
  say "FAILED: ${failed[*]} (total $(since "$T0"))"
  exit 1
fi
say "all passed (total $(since "$T0"))"
