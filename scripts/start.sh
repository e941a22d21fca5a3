#!/usr/bin/env bash
# Quick start: installs what is needed, builds, creates the embedded database
# with the seed's catalogue (if it does not exist yet) and fictitious demo
# records (GONGKAI_DEMO=0 to leave them out), and starts the portal on
# http://127.0.0.1:8080 (override with GONGKAI_LISTEN=host:port).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --target gongkai
mkdir -p var
DB="${GONGKAI_DB:-var/gongkai.db}"
if [ "${GONGKAI_DEMO:-1}" = "1" ]; then
  build/gongkai init --db "$DB" --demo
else
  build/gongkai init --db "$DB"
fi
exec build/gongkai serve --db "$DB" --listen "${GONGKAI_LISTEN:-127.0.0.1:8080}"
