#!/usr/bin/env bash
# Installs every Debian package gongkai needs to build, run and test.
# Idempotent: packages already present are skipped by apt; safe to run again.
# Usage: scripts/setup.sh            (build + run + test dependencies)
set -euo pipefail

PKGS=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  # libraries
  libcpp-httplib-dev nlohmann-json3-dev libkainjow-mustache-dev libcli11-dev
  libspdlog-dev libfmt-dev libsqlite3-dev libsodium-dev libxlsxwriter-dev
  libicu-dev zlib1g-dev libopencc-dev libpoppler-cpp-dev libcurl4-openssl-dev
  # the PostgreSQL backend; the server runs the storage tests' throwaway cluster
  libpq-dev libpqxx-dev postgresql
  # tests, fuzzing, benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev clang libclang-rt-14-dev
  wrk nginx-light curl python3-openpyxl sqlite3
  # the browser suite (tests/browser): Debian's Chromium, a CJK font for
  # screenshots, fontconfig's fc-list to check for it
  chromium chromium-driver fonts-noto-cjk fontconfig
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The API contract test (tests/contract): node, npm and xmllint, by command,
# since Node.js may come from another source than Debian's nodejs package
# (whose 18.x is too old for @redocly/cli 2.77.0: it needs >= 20.19).
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v xmllint >/dev/null 2>&1 || missing+=(libxml2-utils)
# The browser suite's Nu HTML checker (vnu.jar) needs a Java runtime (>= 11).
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)

node_check() {
  command -v node >/dev/null 2>&1 || return 0
  node -e '
    const [a, b] = process.versions.node.split(".").map(Number);
    process.exit((a === 20 && b >= 19) || (a === 22 && b >= 12) || a > 22 ? 0 : 1);' ||
    echo "setup: warning: node $(node --version) is older than the contract test needs (Node.js >= 20.19 or >= 22.12 for @redocly/cli 2.77.0): ctest's contract_openapi will fail" >&2
}

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PKGS[@]} Debian packages already installed"
  node_check
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
echo "setup: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
node_check
echo "setup: done"
