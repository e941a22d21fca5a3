#!/usr/bin/env bash
# The browser suite (ctest: browser_a11y, label browser): starts `gongkai serve`
# on `init --demo` data with an administrator and a liaison account, and runs
# browser.mjs (Debian's Chromium through playwright-core: axe-core, the Nu HTML
# checker, keyboard, 适老化 mode, 360 px layout, print style, screenshots).
#
# Usage: tests/browser/run.sh GONGKAI_BINARY [BUILD_DIR]
#
# The npm packages (package.json, package-lock.json) are installed with
# `npm ci --ignore-scripts` into BUILD_DIR/browser (default: the binary's
# directory), only when missing or changed; no browser is ever downloaded.
# Artefacts (screenshots, print PDFs, the pages' HTML) go to
# BUILD_DIR/browser-artifacts.
#
# Exit status: 0 all passed; 1 a check failed; 77 node, Chromium or Java is
# not installed (ctest reports the test as skipped; scripts/setup.sh installs them).
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 GONGKAI_BINARY [BUILD_DIR]" >&2
  exit 2
fi
GONGKAI=$(realpath "$1")
BUILD=$(realpath "${2:-$(dirname "$GONGKAI")}")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DEPS="$BUILD/browser"
OUT="$BUILD/browser-artifacts"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export PUPPETEER_SKIP_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 NO_UPDATE_NOTIFIER=1

say() { printf '[browser] %s\n' "$*"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }
T0=$(now)

for tool in node java "$CHROMIUM"; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    say "SKIPPED: $tool is not installed (scripts/setup.sh installs chromium, fonts-noto-cjk, a Java runtime and node)."
    exit 77
  fi
done
if [ ! -x "$GONGKAI" ]; then
  say "FAIL: $GONGKAI is not an executable"
  exit 1
fi
fc-list :lang=zh 2>/dev/null | grep -q . || say "warning: no CJK font (fonts-noto-cjk): screenshots will show boxes"

# ---- npm packages, cached under the build directory ----------------------------
# shellcheck source=../support/npm_deps.sh
source "$HERE/../support/npm_deps.sh"
# --ignore-scripts: vnu-jar's postinstall would fetch a Java runtime; the system's is used.
npm_deps .browser-lock.json --ignore-scripts
cp "$HERE/browser.mjs" "$DEPS/"

# ---- a server on demo data --------------------------------------------------------
# shellcheck source=../support/demo_server.sh
source "$HERE/../support/demo_server.sh"
t=$(now)
demo_server_init browser
export GK_ADMIN_USER=browser-admin GK_ADMIN_PASSWORD=browser-admin-password-1
echo "$GK_ADMIN_PASSWORD" | "$GONGKAI" user add --db "$TMP/g.db" --username "$GK_ADMIN_USER" --role admin --name 测试管理员 >>"$TMP/init.log" 2>&1
# A liaison of the first unit of the catalogue, for the 403 page.
UNIT=$("$GONGKAI" catalog export --db "$TMP/g.db" 2>/dev/null | node -e '
  let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
    try { const c = JSON.parse(s); const u = (c.units || [])[0]; process.stdout.write(u ? (u.name || u) : ""); } catch { }
  });' || true)
if [ -n "$UNIT" ]; then
  export GK_LIAISON_USER=browser-liaison GK_LIAISON_PASSWORD=browser-liaison-password-1
  echo "$GK_LIAISON_PASSWORD" | "$GONGKAI" user add --db "$TMP/g.db" --username "$GK_LIAISON_USER" --role liaison \
    --unit "$UNIT" --name 测试联络员 >>"$TMP/init.log" 2>&1
else
  say "warning: no unit found in the catalogue export: the 403 page is not checked"
fi
demo_server_start
say "server on demo data at $BASE (ready in $(since "$t"))"

rm -rf "$OUT"
mkdir -p "$OUT"
rc=0
(cd "$DEPS" && CHROMIUM="$CHROMIUM" node browser.mjs "$BASE" "$OUT") || rc=$?
if [ $rc -ne 0 ]; then
  say "server log (last 20 lines):"
  tail -n 20 "$TMP/server.log" || true
  say "FAILED (total $(since "$T0")); artefacts in $OUT"
  exit 1
fi
say "all passed (total $(since "$T0")); artefacts in $OUT"
