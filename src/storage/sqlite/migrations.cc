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
  };
  return kAll;
}

}  // namespace gongkai::sqlite
