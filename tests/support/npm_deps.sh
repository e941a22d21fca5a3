# Shared by the node-driven suites (tests/contract/run.sh, tests/browser/run.sh):
# installs the suite's npm packages (HERE/package.json, package-lock.json) with
# `npm ci` into DEPS (under the build directory, not the source tree), only
# when missing or when either file changed, so a run with them installed needs
# no network. Source it after defining `say`, `now`, `since`, HERE and DEPS.
#   npm_deps MARKER [npm ci options...]   MARKER names the copy of the lock
#                                         file kept in node_modules; exits 1
#                                         when npm is needed but missing
npm_deps() {
  local marker=$1 t
  shift
  mkdir -p "$DEPS"
  if [ -d "$DEPS/node_modules" ] && cmp -s "$HERE/package-lock.json" "$DEPS/node_modules/$marker" \
     && cmp -s "$HERE/package.json" "$DEPS/package.json"; then
    return 0
  fi
  if ! command -v npm >/dev/null 2>&1; then
    say "FAIL: npm is missing and $DEPS/node_modules is not installed (Debian package npm; scripts/setup.sh)."
    exit 1
  fi
  say "installing npm packages into $DEPS (npm ci)"
  t=$(now)
  cp "$HERE/package.json" "$HERE/package-lock.json" "$DEPS/"
  rm -rf "$DEPS/node_modules"
  (cd "$DEPS" && npm ci --no-audit --no-fund --loglevel=error "$@")
  cp "$HERE/package-lock.json" "$DEPS/node_modules/$marker"
  say "npm ci took $(since "$t")"
}
