#include "storage/sqlite/migrations.h"

#include <fmt/core.h>

#include <string>

namespace gongkai::sqlite {

namespace {

// Days since 1970-01-01 (Date::serial()) of a YYYY-MM-DD text column, 0 when
// Date::Parse() would refuse it (as DateOr() reads it): exactly that shape,
// year 0001..9999 and a real calendar date (julianday() takes 2026-02-30 as
// 2026-03-02, so the day must convert back to the same text).
std::string DaySql(std::string_view column) {
  return fmt::format(
      "(CASE WHEN {0} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND {0} >= '0001' AND "
      "date(julianday({0})) = {0} THEN CAST(julianday({0}) - 2440587.5 AS INTEGER) ELSE 0 END)",
      column);
}

// Migration 10: integer columns derived from compliance_facts' own text
// columns, for the dashboard's figures (see the comments in the SQL).
std::string IntegerComplianceFacts() {
  // The derived columns of a compliance row, in two layers: days and state
  // code from the text columns, then the selection keys from those.
  const std::string days = fmt::format(
      "{} AS formed_day, {} AS due_day, CASE WHEN published_on = '' THEN NULL ELSE {} END AS pub_day, "
      "CASE state WHEN 'published' THEN 1 WHEN 'withheld' THEN 2 WHEN 'cancelled' THEN 3 ELSE 0 END AS state_code",
      DaySql("formed_on"), DaySql("due_on"), DaySql("published_on"));
  const std::string keys =
      "CASE WHEN state_code = 3 THEN NULL WHEN state_code = 2 OR pub_day IS NULL THEN due_day "
      "WHEN pub_day > due_day THEN pub_day ELSE due_day END AS need_day, "
      "CASE state_code WHEN 3 THEN 0 WHEN 2 THEN 1 ELSE CASE WHEN pub_day IS NULL THEN 2 ELSE 3 END END AS tally, "
      "CASE WHEN state_code IN (2, 3) THEN 0 WHEN pub_day IS NULL THEN due_day ELSE pub_day END AS tally_day";
  const std::string cols =
      "fact_key, site_id, obligation_id, record_id, unit_name, item_number, element, title, formed_on, due_on, "
      "provisional, state, published_on, late_days, horizon, counted_pub, formed_day, due_day, pub_day, state_code, "
      "need_day, tally, tally_day";
  std::string sql = R"SQL(
-- The dashboard's figures read rows as integers (no date text to parse) and
-- fewer of them: ComplianceOptions::prior_backlog summarises the old
-- unpublished rows (core/compliance.h, RowNeeded and SummaryCutoff).
--   formed_day, due_day, pub_day: Date::serial() of formed_on, due_on and
--     published_on (0 for text Date::Parse refuses; pub_day NULL for none).
--   state_code: 0 open (and unknown), 1 published, 2 withheld, 3 cancelled.
--   need_day: RowNeeded(row, C) <=> need_day >= C; NULL for cancelled rows.
--   tally, tally_day: 0 cancelled, 1 withheld, 2 unpublished (tally_day =
--     due_day), 3 counted publication (tally_day = pub_day): per (unit,
--     item) the latest publication and the backlog before C are index seeks.
DROP TRIGGER compliance_facts_obligation_insert;
DROP TRIGGER compliance_facts_obligation_update;
DROP TRIGGER compliance_facts_obligation_delete;
DROP TRIGGER compliance_facts_deadline_update;
DROP TRIGGER compliance_facts_record_insert;
DROP TRIGGER compliance_facts_record_update;
DROP TRIGGER compliance_facts_record_delete;
DROP INDEX compliance_facts_pairs;
ALTER TABLE compliance_facts ADD COLUMN formed_day INTEGER NOT NULL DEFAULT 0;
ALTER TABLE compliance_facts ADD COLUMN due_day INTEGER NOT NULL DEFAULT 0;
ALTER TABLE compliance_facts ADD COLUMN pub_day INTEGER;
ALTER TABLE compliance_facts ADD COLUMN state_code INTEGER NOT NULL DEFAULT 0;
ALTER TABLE compliance_facts ADD COLUMN need_day INTEGER;
ALTER TABLE compliance_facts ADD COLUMN tally INTEGER NOT NULL DEFAULT 0;
ALTER TABLE compliance_facts ADD COLUMN tally_day INTEGER NOT NULL DEFAULT 0;
)SQL";
  for (const char* kind : {"obligation", "record"})
    sql += fmt::format("CREATE VIEW compliance_{0}_facts AS SELECT *, {1} FROM (SELECT *, {2} FROM compliance_{0}_rows);\n",
                       kind, keys, days);
  // The triggers of migration 9, from the new views and writing every column.
  sql += fmt::format(R"SQL(
CREATE TRIGGER compliance_facts_obligation_insert AFTER INSERT ON obligations BEGIN
  INSERT OR REPLACE INTO compliance_facts ({0})
  SELECT * FROM compliance_obligation_facts WHERE fact_key = NEW.id;
END;
CREATE TRIGGER compliance_facts_obligation_update AFTER UPDATE ON obligations BEGIN
  INSERT OR REPLACE INTO compliance_facts ({0})
  SELECT * FROM compliance_obligation_facts WHERE fact_key = NEW.id;
END;
CREATE TRIGGER compliance_facts_obligation_delete AFTER DELETE ON obligations BEGIN
  DELETE FROM compliance_facts WHERE fact_key = OLD.id;
END;
CREATE TRIGGER compliance_facts_deadline_update AFTER UPDATE OF due_date, provisional ON deadlines BEGIN
  INSERT OR REPLACE INTO compliance_facts ({0})
  SELECT * FROM compliance_obligation_facts WHERE fact_key IN (SELECT id FROM obligations WHERE deadline_id = NEW.id);
END;
CREATE TRIGGER compliance_facts_record_insert AFTER INSERT ON records BEGIN
  INSERT OR REPLACE INTO compliance_facts ({0})
  SELECT * FROM compliance_record_facts WHERE record_id = NEW.id;
  INSERT OR REPLACE INTO compliance_facts ({0})
  SELECT * FROM compliance_obligation_facts WHERE fact_key IN (SELECT id FROM obligations WHERE record_id = NEW.id);
END;
CREATE TRIGGER compliance_facts_record_update AFTER UPDATE OF obligation_id, published_version, first_published_at,
    late_days, published_title, unit_name, item_number, element, formed_on, due_on, provisional ON records BEGIN
  DELETE FROM compliance_facts WHERE fact_key = -NEW.id;
  INSERT INTO compliance_facts ({0})
  SELECT * FROM compliance_record_facts WHERE record_id = NEW.id;
  INSERT OR REPLACE INTO compliance_facts ({0})
  SELECT * FROM compliance_obligation_facts WHERE fact_key IN (SELECT id FROM obligations WHERE record_id = NEW.id);
END;
CREATE TRIGGER compliance_facts_record_delete AFTER DELETE ON records BEGIN
  DELETE FROM compliance_facts WHERE fact_key = -OLD.id;
END;

-- Every row again, through the new views; then the new indexes.
DELETE FROM compliance_facts;
INSERT INTO compliance_facts ({0})
SELECT * FROM compliance_obligation_facts UNION ALL SELECT * FROM compliance_record_facts;
)SQL",
                     cols);
  sql += R"SQL(
-- The figures' read: one range of this covering index (fact_key, the rowid,
-- gives the obligation id).
CREATE INDEX compliance_facts_need ON compliance_facts (site_id, need_day, unit_name, item_number, record_id,
  formed_day, due_day, provisional, state_code, pub_day, late_days);
-- Per (unit, item): the distinct pairs, and seeks for the summaries.
CREATE INDEX compliance_facts_tally ON compliance_facts (site_id, unit_name, item_number, tally, tally_day);
)SQL";
  return sql;
}

}  // namespace

const std::vector<Migration>& Migrations() {
  static const std::string kIntegerComplianceFacts = IntegerComplianceFacts();
  static const std::vector<Migration> kAll = {
      {1, "sites and catalogue", R"SQL(
CREATE TABLE sites (
  id INTEGER PRIMARY KEY,
  slug TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  host TEXT NOT NULL DEFAULT '',
  revision INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);
CREATE TABLE catalogs (
  site_id INTEGER PRIMARY KEY REFERENCES sites(id),
  title TEXT NOT NULL,
  office_name TEXT NOT NULL,
  office_address TEXT NOT NULL,
  office_phones TEXT NOT NULL,
  office_hours TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE units (
  id INTEGER PRIMARY KEY,
  site_id INTEGER NOT NULL REFERENCES sites(id),
  name TEXT NOT NULL,
  short_name TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL DEFAULT '',
  parent_name TEXT NOT NULL DEFAULT '',
  org_code TEXT NOT NULL DEFAULT '',
  aliases TEXT NOT NULL DEFAULT '',
  position INTEGER NOT NULL,
  UNIQUE (site_id, name)
);
CREATE TABLE areas (
  id INTEGER PRIMARY KEY,
  site_id INTEGER NOT NULL REFERENCES sites(id),
  number INTEGER NOT NULL,
  title TEXT NOT NULL,
  position INTEGER NOT NULL,
  UNIQUE (site_id, number)
);
CREATE TABLE items (
  id INTEGER PRIMARY KEY,
  site_id INTEGER NOT NULL REFERENCES sites(id),
  area_id INTEGER NOT NULL REFERENCES areas(id),
  number INTEGER NOT NULL,
  title TEXT NOT NULL,
  content TEXT NOT NULL,
  channel TEXT NOT NULL,
  units_open_ended INTEGER NOT NULL,
  timeliness_text TEXT NOT NULL,
  working_days INTEGER NOT NULL,
  law_overrides INTEGER NOT NULL,
  privacy_protection INTEGER NOT NULL,
  specific_groups INTEGER NOT NULL,
  excludes_commercial_secrets INTEGER NOT NULL,
  excludes_state_secrets INTEGER NOT NULL,
  notes TEXT NOT NULL,
  position INTEGER NOT NULL,
  UNIQUE (site_id, number)
);
CREATE TABLE elements (
  id INTEGER PRIMARY KEY,
  item_id INTEGER NOT NULL REFERENCES items(id),
  name TEXT NOT NULL,
  rule TEXT NOT NULL,
  position INTEGER NOT NULL,
  UNIQUE (item_id, name)
);
CREATE TABLE item_units (
  item_id INTEGER NOT NULL REFERENCES items(id),
  unit_id INTEGER NOT NULL REFERENCES units(id),
  position INTEGER NOT NULL,
  PRIMARY KEY (item_id, unit_id)
);
CREATE INDEX item_units_unit ON item_units (unit_id);
)SQL"},
      {2, "working-day calendar versions and tracked deadlines", R"SQL(
CREATE TABLE calendar_versions (
  id INTEGER PRIMARY KEY,
  created_at TEXT NOT NULL,
  note TEXT NOT NULL
);
CREATE TABLE calendar_notices (
  version_id INTEGER NOT NULL REFERENCES calendar_versions(id),
  year INTEGER NOT NULL,
  source TEXT NOT NULL,
  PRIMARY KEY (version_id, year)
);
CREATE TABLE calendar_days (
  version_id INTEGER NOT NULL REFERENCES calendar_versions(id),
  notice_year INTEGER NOT NULL,
  day TEXT NOT NULL,
  off INTEGER NOT NULL,
  name TEXT NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (version_id, day)
);
CREATE TABLE deadlines (
  id INTEGER PRIMARY KEY,
  site_id INTEGER NOT NULL REFERENCES sites(id),
  subject TEXT NOT NULL,
  item_number INTEGER NOT NULL,
  element TEXT NOT NULL,
  rule_id TEXT NOT NULL,
  rule_days INTEGER NOT NULL,
  event_date TEXT NOT NULL,
  due_date TEXT NOT NULL,
  provisional INTEGER NOT NULL,
  calendar_version INTEGER NOT NULL,
  open INTEGER NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX deadlines_open ON deadlines (open, calendar_version);
CREATE TABLE deadline_changes (
  id INTEGER PRIMARY KEY,
  deadline_id INTEGER NOT NULL REFERENCES deadlines(id),
  old_due TEXT NOT NULL,
  new_due TEXT NOT NULL,
  old_provisional INTEGER NOT NULL,
  new_provisional INTEGER NOT NULL,
  calendar_version INTEGER NOT NULL REFERENCES calendar_versions(id),
  changed_at TEXT NOT NULL
);
CREATE INDEX deadline_changes_deadline ON deadline_changes (deadline_id);
)SQL"},
      {3, "units editing, accounts, sessions, audit, liaison registration", R"SQL(
ALTER TABLE units ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
CREATE TABLE unit_item_changes (
  id INTEGER PRIMARY KEY,
  site_id INTEGER NOT NULL REFERENCES sites(id),
  unit_name TEXT NOT NULL,
  item_number INTEGER NOT NULL,
  change TEXT NOT NULL,
  reason TEXT NOT NULL,
  actor TEXT NOT NULL,
  changed_at TEXT NOT NULL
);
CREATE TABLE accounts (
  id INTEGER PRIMARY KEY,
  site_id INTEGER NOT NULL REFERENCES sites(id),
  username TEXT NOT NULL,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL,
  unit_name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  must_change_password INTEGER NOT NULL,
  active INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (site_id, username)
);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  csrf_token TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);
CREATE TABLE login_failures (
  site_id INTEGER NOT NULL,
  username TEXT NOT NULL,
  failed_at TEXT NOT NULL
);
CREATE INDEX login_failures_user ON login_failures (site_id, username, failed_at);
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  site_id INTEGER NOT NULL,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  actor_role TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  before_json TEXT NOT NULL,
  after_json TEXT NOT NULL
);
CREATE INDEX audit_log_site ON audit_log (site_id, id);
CREATE TABLE files (
  sha256 TEXT PRIMARY KEY,
  mime TEXT NOT NULL,
  size INTEGER NOT NULL,
  content BLOB NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE registration_rounds (
  id INTEGER PRIMARY KEY,
  site_id INTEGER NOT NULL REFERENCES sites(id),
  title TEXT NOT NULL,
  deadline TEXT NOT NULL,
  paper_address TEXT NOT NULL,
  paper_phones TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE registrations (
  round_id INTEGER NOT NULL REFERENCES registration_rounds(id),
  unit_name TEXT NOT NULL,
  leader_name TEXT NOT NULL,
  leader_post TEXT NOT NULL,
  leader_phone TEXT NOT NULL,
  liaison_name TEXT NOT NULL,
  liaison_post TEXT NOT NULL,
  liaison_phone TEXT NOT NULL,
  affiliation TEXT NOT NULL,
  submitted_at TEXT NOT NULL,
  first_submitted_at TEXT NOT NULL,
  submitted_by TEXT NOT NULL,
  paper_status TEXT NOT NULL,
  paper_note TEXT NOT NULL,
  paper_at TEXT NOT NULL,
  scan_sha256 TEXT NOT NULL,
  PRIMARY KEY (round_id, unit_name)
);
)SQL"},
      {4, "obligations, records and versions", R"SQL(
ALTER TABLE sites ADD COLUMN index_pattern TEXT NOT NULL DEFAULT '{org}/{year}-{seq}';
CREATE TABLE obligations (
  id INTEGER PRIMARY KEY,
  site_id INTEGER NOT NULL REFERENCES sites(id),
  unit_name TEXT NOT NULL,
  item_number INTEGER NOT NULL,
  element TEXT NOT NULL,
  title TEXT NOT NULL,
  formed_on TEXT NOT NULL,
  deadline_id INTEGER NOT NULL REFERENCES deadlines(id),
  state TEXT NOT NULL,
  record_id INTEGER NOT NULL,
  reason TEXT NOT NULL,
  ground TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL
);
CREATE INDEX obligations_site_unit ON obligations (site_id, unit_name, state);
CREATE TABLE records (
  id INTEGER PRIMARY KEY,
  site_id INTEGER NOT NULL REFERENCES sites(id),
  unit_name TEXT NOT NULL,
  item_number INTEGER NOT NULL,
  element TEXT NOT NULL,
  obligation_id INTEGER NOT NULL,
  formed_on TEXT NOT NULL,
  status TEXT NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  doc_number TEXT NOT NULL,
  written_on TEXT NOT NULL,
  genre TEXT NOT NULL,
  topic TEXT NOT NULL,
  validity TEXT NOT NULL,
  disclosure_mode TEXT NOT NULL,
  scope TEXT NOT NULL,
  channels TEXT NOT NULL,
  attachments TEXT NOT NULL,
  change_note TEXT NOT NULL,
  review_comment TEXT NOT NULL,
  checklist TEXT NOT NULL,
  approved_by TEXT NOT NULL,
  index_number TEXT,
  published_version INTEGER NOT NULL,
  published_title TEXT NOT NULL DEFAULT '',
  due_on TEXT NOT NULL,
  provisional INTEGER NOT NULL,
  first_published_at TEXT NOT NULL,
  late_days INTEGER NOT NULL,
  withdrawn_reason TEXT NOT NULL,
  withdrawn_at TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (site_id, index_number)
);
CREATE INDEX records_public ON records (site_id, published_version, item_number, first_published_at);
CREATE INDEX records_unit ON records (site_id, unit_name, status);
CREATE TABLE record_versions (
  record_id INTEGER NOT NULL REFERENCES records(id),
  version INTEGER NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  doc_number TEXT NOT NULL,
  written_on TEXT NOT NULL,
  genre TEXT NOT NULL,
  topic TEXT NOT NULL,
  validity TEXT NOT NULL,
  disclosure_mode TEXT NOT NULL,
  scope TEXT NOT NULL,
  channels TEXT NOT NULL,
  attachments TEXT NOT NULL,
  change_note TEXT NOT NULL,
  published_at TEXT NOT NULL,
  published_by TEXT NOT NULL,
  approved_by TEXT NOT NULL,
  PRIMARY KEY (record_id, version)
);
CREATE TABLE index_serials (
  site_id INTEGER NOT NULL,
  unit_name TEXT NOT NULL,
  year INTEGER NOT NULL,
  last INTEGER NOT NULL,
  PRIMARY KEY (site_id, unit_name, year)
);
)SQL"},
      {5, "full-text search index", kSearchIndexDdl},
      // Like migration 5, the search tables belong to the SQLite adapter:
      // strftime() here is acceptable.
      {6, "search facts beside the index", R"SQL(
CREATE TABLE search_meta (
  record_id INTEGER PRIMARY KEY,
  site_id INTEGER NOT NULL,
  item_number INTEGER NOT NULL,
  unit_name TEXT NOT NULL,
  year INTEGER NOT NULL,
  genre TEXT NOT NULL,
  published_at TEXT NOT NULL
);
INSERT INTO search_meta (record_id, site_id, item_number, unit_name, year, genre, published_at)
  SELECT r.id, r.site_id, r.item_number, r.unit_name,
         CAST(strftime('%Y', r.first_published_at, '+8 hours') AS INTEGER), v.genre, r.first_published_at
  FROM records r JOIN record_versions v ON v.record_id = r.id AND v.version = r.published_version
  WHERE r.id IN (SELECT rowid FROM search_index);
)SQL"},
      {7, "attachment text", R"SQL(
ALTER TABLE files ADD COLUMN text TEXT NOT NULL DEFAULT '';
ALTER TABLE files ADD COLUMN text_status TEXT NOT NULL DEFAULT '';
ALTER TABLE files ADD COLUMN text_note TEXT NOT NULL DEFAULT '';
)SQL"},
      {8, "site settings, account e-mail, reminders and notices", R"SQL(
ALTER TABLE accounts ADD COLUMN email TEXT NOT NULL DEFAULT '';
CREATE TABLE site_settings (
  site_id INTEGER NOT NULL REFERENCES sites(id),
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (site_id, key)
);
CREATE TABLE notices (
  id INTEGER PRIMARY KEY,
  site_id INTEGER NOT NULL REFERENCES sites(id),
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  created_at TEXT NOT NULL,
  on_day TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  read_at TEXT NOT NULL DEFAULT '',
  email_to TEXT NOT NULL DEFAULT '',
  email_status TEXT NOT NULL DEFAULT '',
  email_error TEXT NOT NULL DEFAULT '',
  email_attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX notices_by_account ON notices (account_id, id);
CREATE INDEX notices_by_site ON notices (site_id, id);
CREATE TABLE reminder_marks (
  site_id INTEGER NOT NULL REFERENCES sites(id),
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  obligation_id INTEGER NOT NULL REFERENCES obligations(id),
  kind TEXT NOT NULL,
  due_on TEXT NOT NULL,
  notice_id INTEGER NOT NULL REFERENCES notices(id),
  PRIMARY KEY (account_id, obligation_id, kind, due_on)
);
CREATE INDEX reminder_marks_by_site ON reminder_marks (site_id);
)SQL"},
      {9, "compliance facts kept by triggers", R"SQL(
-- One narrow row per compliance row (core/compliance.h): an obligation
-- (fact_key = its id) or a record published without one (fact_key = -id).
-- Triggers keep it in step with obligations, deadlines and records inside
-- the writing transaction, so no write path can forget it.
CREATE TABLE compliance_facts (
  fact_key INTEGER PRIMARY KEY,
  site_id INTEGER NOT NULL,
  obligation_id INTEGER NOT NULL,
  record_id INTEGER NOT NULL,
  unit_name TEXT NOT NULL,
  item_number INTEGER NOT NULL,
  element TEXT NOT NULL,
  title TEXT NOT NULL,
  formed_on TEXT NOT NULL,
  due_on TEXT NOT NULL,
  provisional INTEGER NOT NULL,
  state TEXT NOT NULL,
  published_on TEXT NOT NULL,  -- Beijing date of first publication; '' = none
  late_days INTEGER NOT NULL,
  horizon TEXT NOT NULL,     -- RowMatters(row, F) <=> horizon >= F (see the views)
  counted_pub TEXT NOT NULL  -- the publication the coverage counts ('' for none, cancelled, withheld)
);
-- Covering indexes: the dashboard's read (every unit, no text) and a unit's
-- drill-down (with text) are range scans of one index, not row lookups.
CREATE INDEX compliance_facts_horizon ON compliance_facts (site_id, horizon, obligation_id, record_id, unit_name,
  item_number, formed_on, due_on, provisional, state, published_on, late_days);
CREATE INDEX compliance_facts_unit ON compliance_facts (site_id, unit_name, horizon, obligation_id, record_id,
  item_number, element, title, formed_on, due_on, provisional, state, published_on, late_days);
CREATE INDEX compliance_facts_pairs ON compliance_facts (site_id, unit_name, item_number, counted_pub);
CREATE INDEX obligations_record ON obligations (record_id);
CREATE INDEX obligations_deadline ON obligations (deadline_id);

-- (Plain columns filled from the views, not generated columns: SQLite 3.40
-- does not use a covering index on a table with generated columns.)
CREATE VIEW compliance_obligation_rows AS
SELECT *,
  CASE WHEN state = 'withheld' OR published_on = '' THEN '9999-12-31'
       WHEN published_on > due_on THEN published_on ELSE due_on END AS horizon,
  CASE WHEN state IN ('cancelled', 'withheld') THEN '' ELSE published_on END AS counted_pub
FROM (SELECT o.id AS fact_key, o.site_id, o.id AS obligation_id, COALESCE(r.id, 0) AS record_id, o.unit_name,
       o.item_number, o.element, o.title, o.formed_on, d.due_date AS due_on, d.provisional, o.state,
       COALESCE(date(r.first_published_at, '+8 hours'), '') AS published_on, COALESCE(r.late_days, 0) AS late_days
FROM obligations o JOIN deadlines d ON d.id = o.deadline_id
LEFT JOIN records r ON r.id = o.record_id AND r.published_version > 0);

CREATE VIEW compliance_record_rows AS
SELECT *,
  CASE WHEN published_on = '' THEN '9999-12-31' WHEN published_on > due_on THEN published_on ELSE due_on END
    AS horizon,
  published_on AS counted_pub
FROM (SELECT -r.id AS fact_key, r.site_id, 0 AS obligation_id, r.id AS record_id, r.unit_name, r.item_number, r.element,
       r.published_title AS title, r.formed_on, r.due_on, r.provisional, 'published' AS state,
       COALESCE(date(r.first_published_at, '+8 hours'), '') AS published_on, r.late_days
FROM records r WHERE r.obligation_id = 0 AND r.published_version > 0);

CREATE TRIGGER compliance_facts_obligation_insert AFTER INSERT ON obligations BEGIN
  INSERT OR REPLACE INTO compliance_facts (fact_key, site_id, obligation_id, record_id, unit_name, item_number,
    element, title, formed_on, due_on, provisional, state, published_on, late_days, horizon, counted_pub)
  SELECT * FROM compliance_obligation_rows WHERE fact_key = NEW.id;
END;
CREATE TRIGGER compliance_facts_obligation_update AFTER UPDATE ON obligations BEGIN
  INSERT OR REPLACE INTO compliance_facts (fact_key, site_id, obligation_id, record_id, unit_name, item_number,
    element, title, formed_on, due_on, provisional, state, published_on, late_days, horizon, counted_pub)
  SELECT * FROM compliance_obligation_rows WHERE fact_key = NEW.id;
END;
CREATE TRIGGER compliance_facts_obligation_delete AFTER DELETE ON obligations BEGIN
  DELETE FROM compliance_facts WHERE fact_key = OLD.id;
END;
CREATE TRIGGER compliance_facts_deadline_update AFTER UPDATE OF due_date, provisional ON deadlines BEGIN
  INSERT OR REPLACE INTO compliance_facts (fact_key, site_id, obligation_id, record_id, unit_name, item_number,
    element, title, formed_on, due_on, provisional, state, published_on, late_days, horizon, counted_pub)
  SELECT * FROM compliance_obligation_rows WHERE fact_key IN (SELECT id FROM obligations WHERE deadline_id = NEW.id);
END;
CREATE TRIGGER compliance_facts_record_insert AFTER INSERT ON records BEGIN
  INSERT OR REPLACE INTO compliance_facts (fact_key, site_id, obligation_id, record_id, unit_name, item_number,
    element, title, formed_on, due_on, provisional, state, published_on, late_days, horizon, counted_pub)
  SELECT * FROM compliance_record_rows WHERE record_id = NEW.id;
  INSERT OR REPLACE INTO compliance_facts (fact_key, site_id, obligation_id, record_id, unit_name, item_number,
    element, title, formed_on, due_on, provisional, state, published_on, late_days, horizon, counted_pub)
  SELECT * FROM compliance_obligation_rows WHERE fact_key IN (SELECT id FROM obligations WHERE record_id = NEW.id);
END;
CREATE TRIGGER compliance_facts_record_update AFTER UPDATE OF obligation_id, published_version, first_published_at,
    late_days, published_title, unit_name, item_number, element, formed_on, due_on, provisional ON records BEGIN
  DELETE FROM compliance_facts WHERE fact_key = -NEW.id;
  INSERT INTO compliance_facts (fact_key, site_id, obligation_id, record_id, unit_name, item_number,
    element, title, formed_on, due_on, provisional, state, published_on, late_days, horizon, counted_pub)
  SELECT * FROM compliance_record_rows WHERE record_id = NEW.id;
  INSERT OR REPLACE INTO compliance_facts (fact_key, site_id, obligation_id, record_id, unit_name, item_number,
    element, title, formed_on, due_on, provisional, state, published_on, late_days, horizon, counted_pub)
  SELECT * FROM compliance_obligation_rows WHERE fact_key IN (SELECT id FROM obligations WHERE record_id = NEW.id);
END;
CREATE TRIGGER compliance_facts_record_delete AFTER DELETE ON records BEGIN
  DELETE FROM compliance_facts WHERE fact_key = -OLD.id;
END;

INSERT INTO compliance_facts (fact_key, site_id, obligation_id, record_id, unit_name, item_number, element, title,
  formed_on, due_on, provisional, state, published_on, late_days, horizon, counted_pub)
SELECT * FROM compliance_obligation_rows UNION ALL SELECT * FROM compliance_record_rows;
)SQL"},
      {10, "integer compliance facts for the figures", kIntegerComplianceFacts},
      {11, "publication events and the publication ledger", R"SQL(
CREATE TABLE publication_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  site_id INTEGER NOT NULL,
  record_id INTEGER NOT NULL,
  version INTEGER NOT NULL,
  kind TEXT NOT NULL,
  at TEXT NOT NULL,
  index_number TEXT NOT NULL,
  unit_name TEXT NOT NULL,
  item_number INTEGER NOT NULL,
  title TEXT NOT NULL
);
CREATE INDEX publication_events_site ON publication_events (site_id, seq);
CREATE INDEX publication_events_item ON publication_events (site_id, item_number, seq);
CREATE INDEX publication_events_unit ON publication_events (site_id, unit_name, seq);
CREATE INDEX publication_events_record ON publication_events (record_id, seq);
CREATE INDEX publication_events_at ON publication_events (site_id, at, record_id);
INSERT INTO publication_events (site_id, record_id, version, kind, at, index_number, unit_name, item_number, title)
SELECT site_id, record_id, version, kind, at, index_number, unit_name, item_number, title FROM (
  SELECT r.site_id, v.record_id, v.version, CASE WHEN v.version = 1 THEN 'publish' ELSE 'revise' END AS kind,
         v.published_at AS at, coalesce(r.index_number, '') AS index_number, r.unit_name, r.item_number, v.title
  FROM record_versions v JOIN records r ON r.id = v.record_id
  UNION ALL
  SELECT r.site_id, r.id, r.published_version, 'withdraw', r.withdrawn_at, coalesce(r.index_number, ''), r.unit_name,
         r.item_number, r.published_title
  FROM records r WHERE r.status = 'withdrawn'
) ORDER BY at, record_id, version, kind;

CREATE TABLE ledger_leaves (
  site_id INTEGER NOT NULL,
  leaf_index INTEGER NOT NULL,
  event_seq INTEGER NOT NULL UNIQUE,
  record_id INTEGER NOT NULL,
  version INTEGER NOT NULL,
  data TEXT NOT NULL,
  hash BLOB NOT NULL,
  PRIMARY KEY (site_id, leaf_index)
);
CREATE INDEX ledger_leaves_record ON ledger_leaves (record_id, version);
CREATE TABLE ledger_nodes (
  site_id INTEGER NOT NULL,
  level INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  hash BLOB NOT NULL,
  PRIMARY KEY (site_id, level, idx)
) WITHOUT ROWID;
CREATE TABLE ledger_keys (
  site_id INTEGER NOT NULL,
  verifier_key TEXT NOT NULL,
  created_at TEXT NOT NULL,
  retired_at TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (site_id, verifier_key)
);
CREATE TABLE ledger_heads (
  id INTEGER PRIMARY KEY,
  site_id INTEGER NOT NULL,
  size INTEGER NOT NULL,
  time INTEGER NOT NULL,
  root BLOB NOT NULL,
  note TEXT NOT NULL
);
CREATE INDEX ledger_heads_site ON ledger_heads (site_id, id);
)SQL"},
      {12, "per-unit API tokens", R"SQL(
CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  site_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  unit_name TEXT NOT NULL,
  role TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_used_at TEXT NOT NULL DEFAULT '',
  revoked_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX api_tokens_site ON api_tokens (site_id, id);
)SQL"},
      {13, "event subscribers (webhooks) and their delivery log", R"SQL(
CREATE TABLE webhook_subscribers (
  id INTEGER PRIMARY KEY,
  site_id INTEGER NOT NULL,
  url TEXT NOT NULL,
  description TEXT NOT NULL,
  secret TEXT NOT NULL,
  active INTEGER NOT NULL,
  delivered_seq INTEGER NOT NULL,
  failures INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL DEFAULT '',
  last_error TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL
);
CREATE TABLE webhook_deliveries (
  id INTEGER PRIMARY KEY,
  subscriber_id INTEGER NOT NULL REFERENCES webhook_subscribers(id),
  event_seq INTEGER NOT NULL,
  at TEXT NOT NULL,
  http_status INTEGER NOT NULL,
  ok INTEGER NOT NULL,
  replay INTEGER NOT NULL,
  error TEXT NOT NULL
);
CREATE INDEX webhook_deliveries_subscriber ON webhook_deliveries (subscriber_id, id);
)SQL"},
      // Belongs to the SQLite adapter like migrations 5 and 6: which records
      // the index changed for, in commit order, so that every process's
      // in-memory search columns (search_cache.h) can catch up. record_id 0:
      // the whole index was rebuilt.
      {14, "search index change log", R"SQL(
CREATE TABLE search_changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  record_id INTEGER NOT NULL
);
INSERT INTO search_changes (record_id) VALUES (0);
)SQL"},
      // The tokenizer no longer puts a marker unigram beside every bigram,
      // only at the end of each run of ideographs (search/tokenizer.h). The
      // old index still answered every query correctly, but it was about
      // twice the size: rebuild it from the text FTS5 stores, with the
      // current tokenizer (registered on every connection of the pool), and
      // make every process reload its search columns (token counts changed).
      {15, "search index without colocated unigrams", R"SQL(
INSERT INTO search_index (search_index) VALUES ('rebuild');
INSERT INTO search_changes (record_id) VALUES (0);
)SQL"},
      // Many sites on one deployment are routed by host name
      // (core/site_routing.h): two sites must never claim the same one.
      {16, "one site per host name", R"SQL(
CREATE UNIQUE INDEX IF NOT EXISTS sites_host ON sites (host) WHERE host <> '';
)SQL"},
      // The tokenizer splits a letter run from a digit run ("t37668" gives
      // "t" "37668", so "GB/T37668" finds "GB/T 37668"): rebuild the index
      // from the text FTS5 stores, and make every process reload its search
      // columns (token counts changed).
      {17, "search tokens split letters from digits", R"SQL(
INSERT INTO search_index (search_index) VALUES ('rebuild');
INSERT INTO search_changes (record_id) VALUES (0);
)SQL"},
  };
  return kAll;
}

}  // namespace gongkai::sqlite
