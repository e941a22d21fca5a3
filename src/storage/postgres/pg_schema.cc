#include "storage/postgres/pg_schema.h"

namespace gongkai::pg {

// The SQLite schema after its migration 15, in PostgreSQL types: BIGSERIAL
// for SQLite's rowid keys, BIGINT for ids referring to them, BOOLEAN for
// SQLite's 0/1 flags, BYTEA for file content and ledger hashes. Column
// names and TEXT encodings (ISO dates and times, newline-joined lists) are
// the SQLite adapter's, so that the two agree on what is stored. Every
// TEXT column is COLLATE "C": SQLite compares text bytewise (BINARY), and
// the code relies on it (ISO times compared with < and >, names sorted and
// unique byte for byte), whatever the database's default collation is.
//
// Left out on purpose, as SQLite-adapter machinery rather than data:
//   - search_index (FTS5), search_meta and search_changes: PostgreSQL's
//     full-text index is search_docs instead (its design: pg_search.cc);
//   - compliance_facts with its views and triggers (migrations 9 and 10), a
//     precomputed cache for SQLite's dashboard figures: PgStore computes
//     the same rows from obligations, deadlines and records when asked
//     (pg_records.cc).
static const char* const kInitialSchema = R"SQL(
CREATE TABLE sites (
  id BIGSERIAL PRIMARY KEY,
  slug TEXT COLLATE "C" NOT NULL UNIQUE,
  name TEXT COLLATE "C" NOT NULL,
  host TEXT COLLATE "C" NOT NULL DEFAULT '',
  revision BIGINT NOT NULL DEFAULT 0,
  created_at TEXT COLLATE "C" NOT NULL,
  index_pattern TEXT COLLATE "C" NOT NULL DEFAULT '{org}/{year}-{seq}'
);
CREATE TABLE catalogs (
  site_id BIGINT PRIMARY KEY REFERENCES sites(id),
  title TEXT COLLATE "C" NOT NULL,
  office_name TEXT COLLATE "C" NOT NULL,
  office_address TEXT COLLATE "C" NOT NULL,
  office_phones TEXT COLLATE "C" NOT NULL,
  office_hours TEXT COLLATE "C" NOT NULL,
  updated_at TEXT COLLATE "C" NOT NULL
);
CREATE TABLE units (
  id BIGSERIAL PRIMARY KEY,
  site_id BIGINT NOT NULL REFERENCES sites(id),
  name TEXT COLLATE "C" NOT NULL,
  short_name TEXT COLLATE "C" NOT NULL DEFAULT '',
  kind TEXT COLLATE "C" NOT NULL DEFAULT '',
  parent_name TEXT COLLATE "C" NOT NULL DEFAULT '',
  org_code TEXT COLLATE "C" NOT NULL DEFAULT '',
  aliases TEXT COLLATE "C" NOT NULL DEFAULT '',
  position INTEGER NOT NULL,
  active BOOLEAN NOT NULL DEFAULT TRUE,
  UNIQUE (site_id, name)
);
CREATE TABLE areas (
  id BIGSERIAL PRIMARY KEY,
  site_id BIGINT NOT NULL REFERENCES sites(id),
  number INTEGER NOT NULL,
  title TEXT COLLATE "C" NOT NULL,
  position INTEGER NOT NULL,
  UNIQUE (site_id, number)
);
CREATE TABLE items (
  id BIGSERIAL PRIMARY KEY,
  site_id BIGINT NOT NULL REFERENCES sites(id),
  area_id BIGINT NOT NULL REFERENCES areas(id),
  number INTEGER NOT NULL,
  title TEXT COLLATE "C" NOT NULL,
  content TEXT COLLATE "C" NOT NULL,
  channel TEXT COLLATE "C" NOT NULL,
  units_open_ended BOOLEAN NOT NULL,
  timeliness_text TEXT COLLATE "C" NOT NULL,
  working_days INTEGER NOT NULL,
  law_overrides BOOLEAN NOT NULL,
  privacy_protection BOOLEAN NOT NULL,
  specific_groups BOOLEAN NOT NULL,
  excludes_commercial_secrets BOOLEAN NOT NULL,
  excludes_state_secrets BOOLEAN NOT NULL,
  notes TEXT COLLATE "C" NOT NULL,
  position INTEGER NOT NULL,
  UNIQUE (site_id, number)
);
CREATE TABLE elements (
  id BIGSERIAL PRIMARY KEY,
  item_id BIGINT NOT NULL REFERENCES items(id),
  name TEXT COLLATE "C" NOT NULL,
  rule TEXT COLLATE "C" NOT NULL,
  position INTEGER NOT NULL,
  UNIQUE (item_id, name)
);
CREATE TABLE item_units (
  item_id BIGINT NOT NULL REFERENCES items(id),
  unit_id BIGINT NOT NULL REFERENCES units(id),
  position INTEGER NOT NULL,
  PRIMARY KEY (item_id, unit_id)
);
CREATE INDEX item_units_unit ON item_units (unit_id);

CREATE TABLE calendar_versions (
  id BIGSERIAL PRIMARY KEY,
  created_at TEXT COLLATE "C" NOT NULL,
  note TEXT COLLATE "C" NOT NULL
);
CREATE TABLE calendar_notices (
  version_id BIGINT NOT NULL REFERENCES calendar_versions(id),
  year INTEGER NOT NULL,
  source TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (version_id, year)
);
CREATE TABLE calendar_days (
  version_id BIGINT NOT NULL REFERENCES calendar_versions(id),
  notice_year INTEGER NOT NULL,
  day TEXT COLLATE "C" NOT NULL,
  off BOOLEAN NOT NULL,
  name TEXT COLLATE "C" NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (version_id, day)
);
CREATE TABLE deadlines (
  id BIGSERIAL PRIMARY KEY,
  site_id BIGINT NOT NULL REFERENCES sites(id),
  subject TEXT COLLATE "C" NOT NULL,
  item_number INTEGER NOT NULL,
  element TEXT COLLATE "C" NOT NULL,
  rule_id TEXT COLLATE "C" NOT NULL,
  rule_days INTEGER NOT NULL,
  event_date TEXT COLLATE "C" NOT NULL,
  due_date TEXT COLLATE "C" NOT NULL,
  provisional BOOLEAN NOT NULL,
  calendar_version BIGINT NOT NULL,
  open BOOLEAN NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL
);
CREATE INDEX deadlines_open ON deadlines (open, calendar_version);
CREATE TABLE deadline_changes (
  id BIGSERIAL PRIMARY KEY,
  deadline_id BIGINT NOT NULL REFERENCES deadlines(id),
  old_due TEXT COLLATE "C" NOT NULL,
  new_due TEXT COLLATE "C" NOT NULL,
  old_provisional BOOLEAN NOT NULL,
  new_provisional BOOLEAN NOT NULL,
  calendar_version BIGINT NOT NULL REFERENCES calendar_versions(id),
  changed_at TEXT COLLATE "C" NOT NULL
);
CREATE INDEX deadline_changes_deadline ON deadline_changes (deadline_id);

CREATE TABLE unit_item_changes (
  id BIGSERIAL PRIMARY KEY,
  site_id BIGINT NOT NULL REFERENCES sites(id),
  unit_name TEXT COLLATE "C" NOT NULL,
  item_number INTEGER NOT NULL,
  change TEXT COLLATE "C" NOT NULL,
  reason TEXT COLLATE "C" NOT NULL,
  actor TEXT COLLATE "C" NOT NULL,
  changed_at TEXT COLLATE "C" NOT NULL
);
CREATE TABLE accounts (
  id BIGSERIAL PRIMARY KEY,
  site_id BIGINT NOT NULL REFERENCES sites(id),
  username TEXT COLLATE "C" NOT NULL,
  display_name TEXT COLLATE "C" NOT NULL,
  role TEXT COLLATE "C" NOT NULL,
  unit_name TEXT COLLATE "C" NOT NULL,
  password_hash TEXT COLLATE "C" NOT NULL,
  must_change_password BOOLEAN NOT NULL,
  active BOOLEAN NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  email TEXT COLLATE "C" NOT NULL DEFAULT '',
  UNIQUE (site_id, username)
);
CREATE TABLE sessions (
  token_hash TEXT COLLATE "C" PRIMARY KEY,
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  csrf_token TEXT COLLATE "C" NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  expires_at TEXT COLLATE "C" NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);
CREATE TABLE login_failures (
  site_id BIGINT NOT NULL,
  username TEXT COLLATE "C" NOT NULL,
  failed_at TEXT COLLATE "C" NOT NULL
);
CREATE INDEX login_failures_user ON login_failures (site_id, username, failed_at);
CREATE TABLE audit_log (
  id BIGSERIAL PRIMARY KEY,
  site_id BIGINT NOT NULL,
  at TEXT COLLATE "C" NOT NULL,
  actor TEXT COLLATE "C" NOT NULL,
  actor_role TEXT COLLATE "C" NOT NULL,
  action TEXT COLLATE "C" NOT NULL,
  target TEXT COLLATE "C" NOT NULL,
  before_json TEXT COLLATE "C" NOT NULL,
  after_json TEXT COLLATE "C" NOT NULL
);
CREATE INDEX audit_log_site ON audit_log (site_id, id);
CREATE TABLE files (
  sha256 TEXT COLLATE "C" PRIMARY KEY,
  mime TEXT COLLATE "C" NOT NULL,
  size BIGINT NOT NULL,
  content BYTEA NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  text TEXT COLLATE "C" NOT NULL DEFAULT '',
  text_status TEXT COLLATE "C" NOT NULL DEFAULT '',
  text_note TEXT COLLATE "C" NOT NULL DEFAULT ''
);
CREATE TABLE registration_rounds (
  id BIGSERIAL PRIMARY KEY,
  site_id BIGINT NOT NULL REFERENCES sites(id),
  title TEXT COLLATE "C" NOT NULL,
  deadline TEXT COLLATE "C" NOT NULL,
  paper_address TEXT COLLATE "C" NOT NULL,
  paper_phones TEXT COLLATE "C" NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL
);
CREATE TABLE registrations (
  round_id BIGINT NOT NULL REFERENCES registration_rounds(id),
  unit_name TEXT COLLATE "C" NOT NULL,
  leader_name TEXT COLLATE "C" NOT NULL,
  leader_post TEXT COLLATE "C" NOT NULL,
  leader_phone TEXT COLLATE "C" NOT NULL,
  liaison_name TEXT COLLATE "C" NOT NULL,
  liaison_post TEXT COLLATE "C" NOT NULL,
  liaison_phone TEXT COLLATE "C" NOT NULL,
  affiliation TEXT COLLATE "C" NOT NULL,
  submitted_at TEXT COLLATE "C" NOT NULL,
  first_submitted_at TEXT COLLATE "C" NOT NULL,
  submitted_by TEXT COLLATE "C" NOT NULL,
  paper_status TEXT COLLATE "C" NOT NULL,
  paper_note TEXT COLLATE "C" NOT NULL,
  paper_at TEXT COLLATE "C" NOT NULL,
  scan_sha256 TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (round_id, unit_name)
);

CREATE TABLE obligations (
  id BIGSERIAL PRIMARY KEY,
  site_id BIGINT NOT NULL REFERENCES sites(id),
  unit_name TEXT COLLATE "C" NOT NULL,
  item_number INTEGER NOT NULL,
  element TEXT COLLATE "C" NOT NULL,
  title TEXT COLLATE "C" NOT NULL,
  formed_on TEXT COLLATE "C" NOT NULL,
  deadline_id BIGINT NOT NULL REFERENCES deadlines(id),
  state TEXT COLLATE "C" NOT NULL,
  record_id BIGINT NOT NULL,
  reason TEXT COLLATE "C" NOT NULL,
  ground TEXT COLLATE "C" NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  created_by TEXT COLLATE "C" NOT NULL
);
CREATE INDEX obligations_site_unit ON obligations (site_id, unit_name, state);
CREATE INDEX obligations_record ON obligations (record_id);
CREATE INDEX obligations_deadline ON obligations (deadline_id);
CREATE TABLE records (
  id BIGSERIAL PRIMARY KEY,
  site_id BIGINT NOT NULL REFERENCES sites(id),
  unit_name TEXT COLLATE "C" NOT NULL,
  item_number INTEGER NOT NULL,
  element TEXT COLLATE "C" NOT NULL,
  obligation_id BIGINT NOT NULL,
  formed_on TEXT COLLATE "C" NOT NULL,
  status TEXT COLLATE "C" NOT NULL,
  title TEXT COLLATE "C" NOT NULL,
  body TEXT COLLATE "C" NOT NULL,
  doc_number TEXT COLLATE "C" NOT NULL,
  written_on TEXT COLLATE "C" NOT NULL,
  genre TEXT COLLATE "C" NOT NULL,
  topic TEXT COLLATE "C" NOT NULL,
  validity TEXT COLLATE "C" NOT NULL,
  disclosure_mode TEXT COLLATE "C" NOT NULL,
  scope TEXT COLLATE "C" NOT NULL,
  channels TEXT COLLATE "C" NOT NULL,
  attachments TEXT COLLATE "C" NOT NULL,
  change_note TEXT COLLATE "C" NOT NULL,
  review_comment TEXT COLLATE "C" NOT NULL,
  checklist TEXT COLLATE "C" NOT NULL,
  approved_by TEXT COLLATE "C" NOT NULL,
  index_number TEXT COLLATE "C",
  published_version INTEGER NOT NULL,
  published_title TEXT COLLATE "C" NOT NULL DEFAULT '',
  due_on TEXT COLLATE "C" NOT NULL,
  provisional BOOLEAN NOT NULL,
  first_published_at TEXT COLLATE "C" NOT NULL,
  late_days INTEGER NOT NULL,
  withdrawn_reason TEXT COLLATE "C" NOT NULL,
  withdrawn_at TEXT COLLATE "C" NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  created_by TEXT COLLATE "C" NOT NULL,
  updated_at TEXT COLLATE "C" NOT NULL,
  UNIQUE (site_id, index_number)
);
CREATE INDEX records_public ON records (site_id, published_version, item_number, first_published_at);
CREATE INDEX records_unit ON records (site_id, unit_name, status);
CREATE TABLE record_versions (
  record_id BIGINT NOT NULL REFERENCES records(id),
  version INTEGER NOT NULL,
  title TEXT COLLATE "C" NOT NULL,
  body TEXT COLLATE "C" NOT NULL,
  doc_number TEXT COLLATE "C" NOT NULL,
  written_on TEXT COLLATE "C" NOT NULL,
  genre TEXT COLLATE "C" NOT NULL,
  topic TEXT COLLATE "C" NOT NULL,
  validity TEXT COLLATE "C" NOT NULL,
  disclosure_mode TEXT COLLATE "C" NOT NULL,
  scope TEXT COLLATE "C" NOT NULL,
  channels TEXT COLLATE "C" NOT NULL,
  attachments TEXT COLLATE "C" NOT NULL,
  change_note TEXT COLLATE "C" NOT NULL,
  published_at TEXT COLLATE "C" NOT NULL,
  published_by TEXT COLLATE "C" NOT NULL,
  approved_by TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (record_id, version)
);
-- The full-text index (pg_search.cc): one row per published record, its
-- current version's tokens and the facts search filters and counts by.
CREATE TABLE search_docs (
  record_id BIGINT PRIMARY KEY,
  site_id BIGINT NOT NULL REFERENCES sites(id),
  item_number INTEGER NOT NULL,
  unit_name TEXT COLLATE "C" NOT NULL,
  year INTEGER NOT NULL,
  genre TEXT COLLATE "C" NOT NULL,
  published_at TEXT COLLATE "C" NOT NULL,
  title TEXT COLLATE "C" NOT NULL,
  tokens TEXT COLLATE "C" NOT NULL,
  vector TSVECTOR NOT NULL
);
CREATE INDEX search_docs_vector ON search_docs USING GIN (vector);
CREATE INDEX search_docs_site ON search_docs (site_id);
CREATE TABLE index_serials (
  site_id BIGINT NOT NULL,
  unit_name TEXT COLLATE "C" NOT NULL,
  year INTEGER NOT NULL,
  last INTEGER NOT NULL,
  PRIMARY KEY (site_id, unit_name, year)
);

CREATE TABLE site_settings (
  site_id BIGINT NOT NULL REFERENCES sites(id),
  key TEXT COLLATE "C" NOT NULL,
  value TEXT COLLATE "C" NOT NULL,
  updated_at TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (site_id, key)
);
CREATE TABLE notices (
  id BIGSERIAL PRIMARY KEY,
  site_id BIGINT NOT NULL REFERENCES sites(id),
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  created_at TEXT COLLATE "C" NOT NULL,
  on_day TEXT COLLATE "C" NOT NULL,
  subject TEXT COLLATE "C" NOT NULL,
  body TEXT COLLATE "C" NOT NULL,
  read_at TEXT COLLATE "C" NOT NULL DEFAULT '',
  email_to TEXT COLLATE "C" NOT NULL DEFAULT '',
  email_status TEXT COLLATE "C" NOT NULL DEFAULT '',
  email_error TEXT COLLATE "C" NOT NULL DEFAULT '',
  email_attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX notices_by_account ON notices (account_id, id);
CREATE INDEX notices_by_site ON notices (site_id, id);
CREATE TABLE reminder_marks (
  site_id BIGINT NOT NULL REFERENCES sites(id),
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  obligation_id BIGINT NOT NULL REFERENCES obligations(id),
  kind TEXT COLLATE "C" NOT NULL,
  due_on TEXT COLLATE "C" NOT NULL,
  notice_id BIGINT NOT NULL REFERENCES notices(id),
  PRIMARY KEY (account_id, obligation_id, kind, due_on)
);
CREATE INDEX reminder_marks_by_site ON reminder_marks (site_id);

-- seq: SQLite's AUTOINCREMENT (never reused), which a sequence gives.
CREATE TABLE publication_events (
  seq BIGSERIAL PRIMARY KEY,
  site_id BIGINT NOT NULL,
  record_id BIGINT NOT NULL,
  version INTEGER NOT NULL,
  kind TEXT COLLATE "C" NOT NULL,
  at TEXT COLLATE "C" NOT NULL,
  index_number TEXT COLLATE "C" NOT NULL,
  unit_name TEXT COLLATE "C" NOT NULL,
  item_number INTEGER NOT NULL,
  title TEXT COLLATE "C" NOT NULL
);
CREATE INDEX publication_events_site ON publication_events (site_id, seq);
CREATE INDEX publication_events_item ON publication_events (site_id, item_number, seq);
CREATE INDEX publication_events_unit ON publication_events (site_id, unit_name, seq);
CREATE INDEX publication_events_record ON publication_events (record_id, seq);
CREATE INDEX publication_events_at ON publication_events (site_id, at, record_id);
CREATE TABLE ledger_leaves (
  site_id BIGINT NOT NULL,
  leaf_index BIGINT NOT NULL,
  event_seq BIGINT NOT NULL UNIQUE,
  record_id BIGINT NOT NULL,
  version INTEGER NOT NULL,
  data TEXT COLLATE "C" NOT NULL,
  hash BYTEA NOT NULL,
  PRIMARY KEY (site_id, leaf_index)
);
CREATE INDEX ledger_leaves_record ON ledger_leaves (record_id, version);
CREATE TABLE ledger_nodes (
  site_id BIGINT NOT NULL,
  level INTEGER NOT NULL,
  idx BIGINT NOT NULL,
  hash BYTEA NOT NULL,
  PRIMARY KEY (site_id, level, idx)
);
CREATE TABLE ledger_keys (
  site_id BIGINT NOT NULL,
  verifier_key TEXT COLLATE "C" NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  retired_at TEXT COLLATE "C" NOT NULL DEFAULT '',
  PRIMARY KEY (site_id, verifier_key)
);
CREATE TABLE ledger_heads (
  id BIGSERIAL PRIMARY KEY,
  site_id BIGINT NOT NULL,
  size BIGINT NOT NULL,
  time BIGINT NOT NULL,
  root BYTEA NOT NULL,
  note TEXT COLLATE "C" NOT NULL
);
CREATE INDEX ledger_heads_site ON ledger_heads (site_id, id);

CREATE TABLE api_tokens (
  id BIGSERIAL PRIMARY KEY,
  site_id BIGINT NOT NULL,
  name TEXT COLLATE "C" NOT NULL,
  unit_name TEXT COLLATE "C" NOT NULL,
  role TEXT COLLATE "C" NOT NULL,
  token_hash TEXT COLLATE "C" NOT NULL UNIQUE,
  created_by TEXT COLLATE "C" NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  last_used_at TEXT COLLATE "C" NOT NULL DEFAULT '',
  revoked_at TEXT COLLATE "C" NOT NULL DEFAULT ''
);
CREATE INDEX api_tokens_site ON api_tokens (site_id, id);

CREATE TABLE webhook_subscribers (
  id BIGSERIAL PRIMARY KEY,
  site_id BIGINT NOT NULL,
  url TEXT COLLATE "C" NOT NULL,
  description TEXT COLLATE "C" NOT NULL,
  secret TEXT COLLATE "C" NOT NULL,
  active BOOLEAN NOT NULL,
  delivered_seq BIGINT NOT NULL,
  failures INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT COLLATE "C" NOT NULL DEFAULT '',
  last_error TEXT COLLATE "C" NOT NULL DEFAULT '',
  created_at TEXT COLLATE "C" NOT NULL,
  created_by TEXT COLLATE "C" NOT NULL
);
CREATE TABLE webhook_deliveries (
  id BIGSERIAL PRIMARY KEY,
  subscriber_id BIGINT NOT NULL REFERENCES webhook_subscribers(id),
  event_seq BIGINT NOT NULL,
  at TEXT COLLATE "C" NOT NULL,
  http_status INTEGER NOT NULL,
  ok BOOLEAN NOT NULL,
  replay BOOLEAN NOT NULL,
  error TEXT COLLATE "C" NOT NULL
);
CREATE INDEX webhook_deliveries_subscriber ON webhook_deliveries (subscriber_id, id);
)SQL";

const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> kAll = {
      {15, "initial schema (SQLite migrations 1-15)", kInitialSchema},
      // SQLite's migration 16: sites are routed by host name
      // (core/site_routing.h), so two must never claim the same one.
      {16, "one site per host name", "CREATE UNIQUE INDEX sites_host ON sites (host) WHERE host <> '';"},
      // The tokenizer splits a letter run from a digit run ("t37668" is
      // "t" "37668"): every site's search tokens are rebuilt. The rebuild
      // needs the tokenizer (C++), so this only lists the sites; PgStore::
      // Migrate rebuilds each listed site and removes it from the list.
      {17, "search tokens split letters from digits",
       "CREATE TABLE search_rebuild (site_id BIGINT PRIMARY KEY REFERENCES sites(id)); "
       "INSERT INTO search_rebuild (site_id) SELECT id FROM sites;"},
  };
  return kAll;
}

}  // namespace gongkai::pg
