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
  # tests, fuzzing, benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev clang libclang-rt-14-dev
  wrk nginx-light curl python3-openpyxl sqlite3
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PKGS[@]} Debian packages already installed"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
echo "setup: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "setup: done"
