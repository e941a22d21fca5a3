#!/usr/bin/env bash
# SQL injection scan (issue 11, hostile input): starts `gongkai serve` on a
# fresh demo database (`gongkai init --demo`) and runs sqlmap (Debian package
# `sqlmap`) in batch mode against every endpoint that takes parameters:
#   - GET query strings of the public pages and the JSON API;
#   - GET query strings and POST forms of the admin pages, with a signed-in
#     administrator's session cookie and its CSRF token (the `_csrf` field is
#     sent as is and not tested);
#   - the JSON body of the write API's record creation, with a unit's API
#     token (the other write endpoints take no body, or only booleans).
# Path segments are left out: every route's ids are matched by a digit or hex
# pattern before any handler runs, so anything else is a 404.
# Then it READS sqlmap's own files (not its exit code): each target's
# output directory holds a `log` file that lists the injection points sqlmap
# identified (empty when none) and a `target.txt`, and the results CSV file
# lists them one per line (only its header when none); the console output says
# which parameters were tested. It prints one line per endpoint and exits 1
# when any injection was reported (2 when a target could not be scanned).
#
# Usage: scripts/sqlmap_scan.sh [BUILD_DIR]
#   env: LEVEL (sqlmap --level, default 1), RISK (--risk, default 1),
#        TARGET_TIMEOUT (s per endpoint, default 600), OUT (keep sqlmap's
#        files in this directory; default a temporary one, removed),
#        ONLY (a regular expression: scan only the endpoints whose label matches),
#        SELF_TEST=1 (scan a deliberately injectable endpoint instead: must exit 1)
# The scan is bounded: sqlmap's tests for SQLite only (--dbms SQLite: this
# server's database), level/risk as above, 1 s time-based delay, and a time
# limit per endpoint.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD="${1:-build}"
LEVEL="${LEVEL:-1}"
RISK="${RISK:-1}"
TARGET_TIMEOUT="${TARGET_TIMEOUT:-600}"
ONLY="${ONLY:-.}"
command -v sqlmap >/dev/null || { echo "sqlmap is missing: apt-get install sqlmap"; exit 2; }
BIN="$(realpath "$BUILD/gongkai")"

work=$(mktemp -d)
out="${OUT:-$work/sqlmap}"
mkdir -p "$out"
gk_pid=""
cleanup() {
  [ -n "$gk_pid" ] && kill "$gk_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

if [ "${SELF_TEST:-0}" = 1 ]; then
  # A deliberately injectable endpoint (Python's sqlite3, the query built by
  # string concatenation) instead of gongkai: the scan must report it and
  # exit 1, or the reading of sqlmap's files is broken.
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  python3 - "$port" >"$work/serve.log" 2>&1 <<'PY' &
import http.server, sqlite3, sys, urllib.parse
db = sqlite3.connect(":memory:", check_same_thread=False)
db.execute("create table t(id integer, name text)")
db.executemany("insert into t values(?, ?)", [(i, "n%d" % i) for i in range(10)])
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        q = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
        try:
            body, code = str(db.execute("select name from t where id = " + q.get("id", ["1"])[0]).fetchall()).encode(), 200
        except Exception:
            body, code = b"error", 500
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
  gk_pid=$!
  base="http://127.0.0.1:$port"
  for _ in $(seq 100); do curl -fsS -o /dev/null "$base/?id=1" 2>/dev/null && break; sleep 0.1; done
  targets=("self-test: injectable id|GET|/?id=1||none")
else
  db="$work/scan.db"
  "$BIN" init --db "$db" --demo >/dev/null
  echo 'sqlmap-scan-password-1' | "$BIN" user add --db "$db" --username scanadmin >/dev/null
  token=$("$BIN" token add --db "$db" --name 注入扫描 --unit 区财政局 --role liaison --secret-only)
  "$BIN" serve --db "$db" --listen 127.0.0.1:0 --port-file "$work/port" --threads 8 >"$work/serve.log" 2>&1 &
  gk_pid=$!
  for _ in $(seq 300); do [ -s "$work/port" ] && break; sleep 0.1; done
  [ -s "$work/port" ] || { echo "gongkai serve did not start:"; cat "$work/serve.log"; exit 2; }
  base="http://127.0.0.1:$(cat "$work/port")"

  # Sign in as the administrator: the login form's CSRF cookie and field,
  # then the session cookie and the session's CSRF token from an admin form.
  jar="$work/cookies"
  login_csrf=$(curl -fsS -c "$jar" "$base/login" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | sed -n 1p)
  curl -fsS -b "$jar" -c "$jar" -o /dev/null --data-urlencode "username=scanadmin" \
    --data-urlencode "password=sqlmap-scan-password-1" --data-urlencode "_csrf=$login_csrf" "$base/login"
  session=$(awk '$6 == "gk_session" {print $7}' "$jar")
  [ -n "$session" ] || { echo "could not sign in (no gk_session cookie)"; exit 2; }
  cookie="gk_session=$session"
  csrf=$(curl -fsS -b "$cookie" "$base/admin/tokens" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | sed -n 1p)
  [ -n "$csrf" ] || { echo "no CSRF token on /admin/tokens"; exit 2; }
  rec=$(curl -fsS "$base/api/v1/records?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["records"][0]["id"])')

  # Values the forms need: an element of the record form and of the deadline page.
  enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
  page=$(curl -fsS -b "$cookie" "$base/admin/records/new?unit=$(enc 区财政局)")
  rtarget=$(sed -n 's/.*<select id="target" name="target"><option value="\([^"]*\)".*/\1/p' <<<"$page")
  page=$(curl -fsS "$base/deadline")
  dtarget=$(grep -o '<option value="[^"]*"' <<<"$page" | sed -n '1s/<option value="\([^"]*\)"/\1/p')
  [ -n "$rtarget" ] && [ -n "$dtarget" ] || { echo "no element on the record form or the deadline page"; exit 2; }
  u=$(enc 区财政局); el=$(enc 采购合同); q=$(enc 公告); t=$(enc 扫描); rt=$(enc "$rtarget"); dt=$(enc "$dtarget")
  # A draft of the token's unit, for the edit endpoint.
  draft=$(curl -fsS -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d '{"unit":"区财政局","item":12,"formed_on":"2026-11-02","title":"扫描草稿","body":"正文。"}' "$base/api/v1/records" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')

  # label | method | path and query | body (form or JSON) | auth (none, login, session, token)
  targets=(
    "public search|GET|/search?q=$q&area=1&item=12&unit=$u&year=2025&genre=$q&page=1||none"
    "public item page|GET|/items/12?page=1||none"
    "public deadline page|GET|/deadline?from=2025-01-02&target=$dt||none"
    "public display switch|GET|/display?large=1&contrast=1||none"
    "login page|GET|/login?next=/admin||none"
    "api search|GET|/api/v1/search?q=$q&area=1&item=12&unit=$u&year=2025&genre=$q&page=1||none"
    "api records|GET|/api/v1/records?item=12&element=$el&unit=$u&area=1&from=2024-01-01&to=2026-12-31&status=published&updated_since=2024-01-01T00:00:00Z&limit=20||none"
    "api records.csv|GET|/api/v1/records.csv?item=12&unit=$u&from=2024-01-01&to=2026-12-31||none"
    "api statistics|GET|/api/v1/statistics?from=2024-01-01&to=2026-12-31||none"
    "api events|GET|/api/v1/events?after=0&limit=20||none"
    "api deadline|GET|/api/v1/deadline?from=2025-01-02&item=12&element=$el||none"
    "api ledger leaves|GET|/api/v1/ledger/leaves?from=0&to=5||none"
    "api ledger inclusion proof|GET|/api/v1/ledger/proof/inclusion?record=$rec||none"
    "api ledger consistency proof|GET|/api/v1/ledger/proof/consistency?from=2&to=5||none"
    "login form|POST|/login|username=scanadmin&password=wrong-password&next=/admin|login"
    "admin audit|GET|/admin/audit?page=1||session"
    "admin work|GET|/admin/work?all=1||session"
    "admin compliance|GET|/admin/compliance?from=2025-01-01&to=2025-12-31||session"
    "admin compliance rows|GET|/admin/compliance/rows?metric=late&unit=$u&from=2025-01-01&to=2025-12-31||session"
    "admin annual|GET|/admin/annual?year=2025||session"
    "admin annual records|GET|/admin/annual/records?year=2025&row=new&measure=count||session"
    "admin record form|POST|/admin/records|unit=$u&target=$rt&formed_on=2026-11-02&title=$t&doc_number=$t&genre=$q&body=$t&channels=$t&purpose=$t|session"
    "admin accounts form|POST|/admin/accounts|username=scanuser&display_name=$t&role=liaison&unit=$u&email=scan@example.gov.cn&password=a-long-password-123|session"
    "admin tokens form|POST|/admin/tokens|name=$t&unit=$u&role=liaison|session"
    "admin webhooks form|POST|/admin/webhooks|url=http://127.0.0.1:9/hook&description=$t|session"
    "admin rounds form|POST|/admin/rounds|title=$t&deadline=2026-12-31&paper_address=$t&paper_phones=12345678|session"
    "admin obligations form|POST|/admin/obligations|target=$rt&unit=$u&formed_on=2026-11-02&title=$t|session"
    "admin event-driven form|POST|/admin/compliance/event-driven|item=12|session"
    "admin work publish form|POST|/admin/work/publish|id=$rec|session"
    "admin notices e-mail form|POST|/admin/notices/email|email=scan@example.gov.cn|session"
    "admin password form|POST|/admin/password|old_password=wrong-password&new_password=another-long-password-1|session"
    "api write: edit (JSON)|PUT|/api/v1/records/$draft|{\"title\":\"扫描\",\"body\":\"正文。\",\"doc_number\":\"扫描\",\"genre\":\"公告\",\"channels\":[\"门户网站\"],\"change_note\":\"扫描\"}|token"
    "api write: return (JSON)|POST|/api/v1/records/$rec/return|{\"comment\":\"扫描\"}|token"
    "api write: withdraw (JSON)|POST|/api/v1/records/$rec/withdraw|{\"reason\":\"扫描\"}|token"
    "api write: create (JSON)|POST|/api/v1/records|{\"unit\":\"区财政局\",\"item\":12,\"element\":\"采购合同\",\"formed_on\":\"2026-11-02\",\"title\":\"扫描\",\"body\":\"正文。\",\"genre\":\"公告\",\"channels\":[\"门户网站\"]}|token"
  )
fi

common=(--batch --dbms=SQLite --level="$LEVEL" --risk="$RISK" --time-sec=1 --timeout=15 --retries=1
        --disable-coloring --flush-session --answers="follow=N,redirect=N,keep testing=Y")
found=0
broken=0
printf '%-38s %-8s %-9s %s\n' endpoint result "tested" "parameters"
for t in "${targets[@]}"; do
  IFS='|' read -r label method url body auth <<<"$t"
  [[ "$label" =~ $ONLY ]] || continue
  dir="$out/$(echo "$label" | tr -c 'A-Za-z0-9\n' '_')"
  rm -rf "$dir"  # an earlier run's log and results files (OUT reused) must not count
  mkdir -p "$dir"
  args=(-u "$base$url" --output-dir="$dir")
  case "$auth" in
    session) args+=(--cookie="$cookie" --skip=_csrf); [ "$method" = POST ] && body="$body&_csrf=$csrf" ;;
    # A wrong password is 401 and, repeated, 429 (login throttling): both are the expected answers here.
    login) args+=(--cookie="gk_login_csrf=$login_csrf" --skip=_csrf --ignore-code=401,429); body="$body&_csrf=$login_csrf" ;;
    token) args+=(--headers="Authorization: Bearer $token") ;;
  esac
  [ "$method" = POST ] || [ "$method" = PUT ] && args+=(--data="$body" --method="$method")
  start=$(date +%s)
  timeout "$TARGET_TIMEOUT" sqlmap "${common[@]}" "${args[@]}" >"$dir/console.txt" 2>&1 || true
  secs=$(( $(date +%s) - start ))
  # sqlmap's per-target files: <dir>/127.0.0.1/log lists identified injection points.
  log="$dir/127.0.0.1/log"
  params=$(grep -o "testing for SQL injection on [A-Za-z()/ ]*parameter '[^']*'" "$dir/console.txt" 2>/dev/null |
           sed "s/.*parameter '\([^']*\)'/\1/" | sort -u | paste -sd, - || true)
  # ... and the CSV results file (one line per injection point after its header).
  csv_hits=$(for f in "$dir"/results-*.csv; do if [ -f "$f" ]; then awk 'FNR > 1 && NF' "$f"; fi; done | wc -l)
  if [ -s "$log" ] || [ "$csv_hits" -gt 0 ]; then
    result="INJECTION"
    found=1
  elif grep -qE "all tested parameters do not appear to be injectable|do not appear to be injectable" "$dir/console.txt"; then
    result="none"
  else
    result="NOT-SCANNED"
    broken=1
  fi
  printf '%-38s %-8s %-9s %s\n' "$label" "$result" "${secs}s" "${params:--}"
  if [ "$result" != none ]; then
    [ -s "$log" ] && sed 's/^/    /' "$log"
    [ "$csv_hits" -gt 0 ] && cat "$dir"/results-*.csv | sed 's/^/    /'
    grep -E "CRITICAL|ERROR" "$dir/console.txt" | head -5 | sed 's/^/    /' || true
  fi
done
echo "(sqlmap $(sqlmap --version 2>/dev/null | grep -m1 -o "^[0-9][0-9.]*#[a-z]*"), --dbms=SQLite --level=$LEVEL --risk=$RISK; files in $out;" \
  "$(date -u '+%F %T UTC'); load average $(cut -d' ' -f1-3 /proc/loadavg))"
if [ -z "${OUT:-}" ]; then echo "(set OUT=DIR to keep sqlmap's files)"; fi
if [ "$found" -ne 0 ]; then echo "FAIL: sqlmap reported an injection"; exit 1; fi
if [ "$broken" -ne 0 ]; then echo "INCOMPLETE: some endpoints were not scanned"; exit 2; fi
echo "PASS: no injection reported on any endpoint"
