#include "storage/sqlite/migrations.h"

namespace gongkai::sqlite {

const std::vector<Migration>& Migrations() {
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
  };
  return kAll;
}

}  // namespace gongkai::sqlite
