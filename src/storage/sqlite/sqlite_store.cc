#include "storage/sqlite/sqlite_store.h"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "storage/sqlite/fts.h"
#include "storage/sqlite/migrations.h"

namespace gongkai {

using sqlite::JoinLines;
using sqlite::SplitLines;

namespace {

using storage::NowUtc;

Site ReadSite(const sqlite::Statement& st) {
  return Site{st.Int(0), st.Text(1), st.Text(2), st.Text(3), st.Int(4), st.Text(5)};
}

constexpr std::string_view kSiteColumns = "id, slug, name, host, revision, index_pattern";

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path, int connections) {
  GK_TRY(pool, sqlite::Pool::Open(path, connections, sqlite::RegisterSearchTokenizer));
  GK_TRY(sequencer, sqlite::Pool::Open(path, std::min(connections, 2), [](sqlite::Connection& c) -> Status {
           GK_CHECK(sqlite::RegisterSearchTokenizer(c));
           return c.Exec("PRAGMA mmap_size=0");
         }));
  return std::unique_ptr<SqliteStore>(new SqliteStore(path, std::move(pool), std::move(sequencer)));
}

Result<int> SqliteStore::SchemaVersion() {
  auto c = pool_->Acquire();
  GK_TRY(exists, c->PrepareCached("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='schema_migrations'"));
  GK_TRY(row, exists.Step());
  if (!row || exists.Int(0) == 0) return 0;
  GK_TRY(st, c->PrepareCached("SELECT coalesce(max(version), 0) FROM schema_migrations"));
  GK_TRY(has, st.Step());
  return has ? static_cast<int>(st.Int(0)) : 0;
}

Result<int> SqliteStore::Migrate() {
  {
    auto c = pool_->Acquire();
    GK_CHECK(c->Exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
        "applied_at TEXT NOT NULL)"));
  }
  GK_TRY(current, SchemaVersion());
  int version = current;
  for (const auto& m : sqlite::Migrations()) {
    if (m.version <= version) continue;
    auto c = pool_->Acquire();
    sqlite::Transaction tx(*c);
    GK_CHECK(tx.Begin());
    // Another process may have migrated meanwhile: re-check under the lock.
    GK_TRY(st, c->PrepareCached("SELECT count(*) FROM schema_migrations WHERE version = ?"));
    st.Bind(1, m.version);
    GK_TRY(row, st.Step());
    const bool applied = row && st.Int(0) > 0;
    st.Reset();  // a statement left running would lock out DROP in the migration
    if (applied) {
      version = m.version;
      continue;
    }
    GK_CHECK(c->Exec(m.sql));
    GK_TRY(ins, c->PrepareCached("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"));
    ins.Bind(1, m.version).Bind(2, m.name).Bind(3, NowUtc());
    GK_CHECK(ins.Run());
    GK_CHECK(tx.Commit());
    version = m.version;
  }
  return version;
}

Result<Site> SqliteStore::FindSite(std::string_view slug) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached(fmt::format("SELECT {} FROM sites WHERE slug = ?", kSiteColumns)));
  st.Bind(1, slug);
  GK_TRY(row, st.Step());
  if (!row) return Unexpected(Error::NotFound(fmt::format("站点“{}”不存在", slug)));
  return ReadSite(st);
}

Result<std::vector<Site>> SqliteStore::ListSites() {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached(fmt::format("SELECT {} FROM sites ORDER BY id", kSiteColumns)));
  std::vector<Site> out;
  while (true) {
    GK_TRY(row, st.Step());
    if (!row) break;
    out.push_back(ReadSite(st));
  }
  return out;
}

Result<Site> SqliteStore::CreateSite(const NewSite& site) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached("INSERT INTO sites (slug, name, host, revision, created_at) VALUES (?, ?, ?, 0, ?)"));
  st.Bind(1, site.slug).Bind(2, site.name).Bind(3, site.host).Bind(4, NowUtc());
  if (auto s = st.Run(); !s) {
    if (s.error().code == ErrorCode::kConflict) {
      // Which constraint: the slug's, or the host name's (migration 16).
      auto slug_taken = FindSite(site.slug);
      if (slug_taken || slug_taken.error().code != ErrorCode::kNotFound)
        return Unexpected(Error::Conflict(fmt::format("站点“{}”已存在", site.slug), "slug"));
      return Unexpected(Error::Conflict(fmt::format("域名“{}”已由另一个站点使用", site.host), "host"));
    }
    return Unexpected(s.error());
  }
  return Site{c->LastInsertId(), site.slug, site.name, site.host, 0, std::string(kDefaultIndexPattern)};
}

Result<std::int64_t> SqliteStore::Revision(std::int64_t site_id) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached("SELECT revision FROM sites WHERE id = ?"));
  st.Bind(1, site_id);
  GK_TRY(row, st.Step());
  if (!row) return Unexpected(Error::NotFound("站点不存在"));
  return st.Int(0);
}

Result<Catalog> SqliteStore::LoadCatalog(std::int64_t site_id) {
  auto c = pool_->Acquire();
  Catalog cat;
  {
    GK_TRY(st, c->PrepareCached(
                   "SELECT title, office_name, office_address, office_phones, office_hours FROM catalogs "
                   "WHERE site_id = ?"));
    st.Bind(1, site_id);
    GK_TRY(row, st.Step());
    if (!row) return Unexpected(Error::NotFound("该站点尚未载入信息公开目录"));
    cat.title = st.Text(0);
    cat.office = OfficeContact{st.Text(1), st.Text(2), SplitLines(st.Text(3)), st.Text(4)};
  }
  std::map<std::int64_t, std::string> unit_names;
  {
    GK_TRY(st, c->PrepareCached(
                   "SELECT id, name, short_name, kind, parent_name, org_code, aliases, active FROM units "
                   "WHERE site_id = ? ORDER BY position"));
    st.Bind(1, site_id);
    while (true) {
      GK_TRY(row, st.Step());
      if (!row) break;
      unit_names[st.Int(0)] = st.Text(1);
      cat.units.push_back(
          UnitInfo{st.Text(1), st.Text(2), st.Text(3), st.Text(4), st.Text(5), SplitLines(st.Text(6)), st.Bool(7)});
    }
  }
  std::map<std::int64_t, std::size_t> area_index;
  {
    GK_TRY(st, c->PrepareCached("SELECT id, number, title FROM areas WHERE site_id = ? ORDER BY position"));
    st.Bind(1, site_id);
    while (true) {
      GK_TRY(row, st.Step());
      if (!row) break;
      area_index[st.Int(0)] = cat.areas.size();
      cat.areas.push_back(Area{static_cast<int>(st.Int(1)), st.Text(2), {}});
    }
  }
  std::map<std::int64_t, std::pair<std::size_t, std::size_t>> item_index;
  {
    GK_TRY(st, c->PrepareCached(
                   "SELECT id, area_id, number, title, content, channel, units_open_ended, timeliness_text, "
                   "working_days, law_overrides, privacy_protection, specific_groups, "
                   "excludes_commercial_secrets, excludes_state_secrets, notes FROM items WHERE site_id = ? "
                   "ORDER BY position"));
    st.Bind(1, site_id);
    while (true) {
      GK_TRY(row, st.Step());
      if (!row) break;
      auto ai = area_index.find(st.Int(1));
      if (ai == area_index.end()) return Unexpected(Error::Internal("事项所属领域缺失"));
      Item item;
      item.number = static_cast<int>(st.Int(2));
      item.title = st.Text(3);
      item.content = st.Text(4);
      item.channel = st.Text(5);
      item.units_open_ended = st.Bool(6);
      item.timeliness = Timeliness{st.Text(7), static_cast<int>(st.Int(8)), st.Bool(9)};
      item.privacy_protection = st.Bool(10);
      item.specific_groups = st.Bool(11);
      item.excludes_commercial_secrets = st.Bool(12);
      item.excludes_state_secrets = st.Bool(13);
      item.notes = st.Text(14);
      auto& items = cat.areas[ai->second].items;
      item_index[st.Int(0)] = {ai->second, items.size()};
      items.push_back(std::move(item));
    }
  }
  {
    GK_TRY(st, c->PrepareCached(
                   "SELECT e.item_id, e.name, e.rule FROM elements e JOIN items i ON i.id = e.item_id "
                   "WHERE i.site_id = ? ORDER BY e.item_id, e.position"));
    st.Bind(1, site_id);
    while (true) {
      GK_TRY(row, st.Step());
      if (!row) break;
      auto [a, i] = item_index.at(st.Int(0));
      cat.areas[a].items[i].elements.push_back(Element{st.Text(1), st.Text(2)});
    }
  }
  {
    GK_TRY(st, c->PrepareCached(
                   "SELECT iu.item_id, iu.unit_id FROM item_units iu JOIN items i ON i.id = iu.item_id "
                   "WHERE i.site_id = ? ORDER BY iu.item_id, iu.position"));
    st.Bind(1, site_id);
    while (true) {
      GK_TRY(row, st.Step());
      if (!row) break;
      auto [a, i] = item_index.at(st.Int(0));
      cat.areas[a].items[i].units.push_back(unit_names.at(st.Int(1)));
    }
  }
  return cat;
}

Status SqliteStore::SaveCatalog(std::int64_t site_id, const Catalog& cat) {
  GK_CHECK(ValidateCatalog(cat));
  auto c = pool_->Acquire();
  sqlite::Transaction tx(*c);
  GK_CHECK(tx.Begin());
  {
    GK_TRY(st, c->PrepareCached("SELECT count(*) FROM sites WHERE id = ?"));
    st.Bind(1, site_id);
    GK_TRY(row, st.Step());
    if (!row || st.Int(0) == 0) return Unexpected(Error::NotFound("站点不存在"));
  }
  std::string now = NowUtc();
  {
    GK_TRY(st, c->PrepareCached(
                   "INSERT INTO catalogs (site_id, title, office_name, office_address, office_phones, "
                   "office_hours, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                   "ON CONFLICT (site_id) DO UPDATE SET title = excluded.title, office_name = "
                   "excluded.office_name, office_address = excluded.office_address, office_phones = "
                   "excluded.office_phones, office_hours = excluded.office_hours, updated_at = "
                   "excluded.updated_at"));
    st.Bind(1, site_id).Bind(2, cat.title).Bind(3, cat.office.name).Bind(4, cat.office.address);
    st.Bind(5, JoinLines(cat.office.phones)).Bind(6, cat.office.hours).Bind(7, now);
    GK_CHECK(st.Run());
  }

  // Units: upsert by name, then drop those no longer listed.
  std::map<std::string, std::int64_t> unit_ids;
  {
    GK_TRY(up, c->PrepareCached(
                   "INSERT INTO units (site_id, name, short_name, kind, parent_name, org_code, aliases, "
                   "position, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (site_id, name) DO UPDATE "
                   "SET short_name = excluded.short_name, kind = excluded.kind, parent_name = "
                   "excluded.parent_name, org_code = excluded.org_code, aliases = excluded.aliases, "
                   "position = excluded.position, active = excluded.active"));
    GK_TRY(id, c->PrepareCached("SELECT id FROM units WHERE site_id = ? AND name = ?"));
    int pos = 0;
    for (const auto& u : cat.units) {
      up.Reset();
      up.Bind(1, site_id).Bind(2, u.name).Bind(3, u.short_name).Bind(4, u.kind).Bind(5, u.parent);
      up.Bind(6, u.org_code).Bind(7, JoinLines(u.aliases)).Bind(8, pos++).Bind(9, u.active);
      GK_CHECK(up.Run());
      id.Reset();
      id.Bind(1, site_id).Bind(2, u.name);
      GK_TRY(row, id.Step());
      if (!row) return Unexpected(Error::Internal("单位写入后无法读取"));
      unit_ids[u.name] = id.Int(0);
    }
  }

  // Areas: upsert by number.
  std::map<int, std::int64_t> area_ids;
  {
    GK_TRY(up, c->PrepareCached(
                   "INSERT INTO areas (site_id, number, title, position) VALUES (?, ?, ?, ?) "
                   "ON CONFLICT (site_id, number) DO UPDATE SET title = excluded.title, position = "
                   "excluded.position"));
    GK_TRY(id, c->PrepareCached("SELECT id FROM areas WHERE site_id = ? AND number = ?"));
    int pos = 0;
    for (const auto& a : cat.areas) {
      up.Reset();
      up.Bind(1, site_id).Bind(2, a.number).Bind(3, a.title).Bind(4, pos++);
      GK_CHECK(up.Run());
      id.Reset();
      id.Bind(1, site_id).Bind(2, a.number);
      GK_TRY(row, id.Step());
      if (!row) return Unexpected(Error::Internal("领域写入后无法读取"));
      area_ids[a.number] = id.Int(0);
    }
  }

  // Items: upsert by number; elements upsert by name; units re-linked.
  std::set<std::int64_t> kept_items;
  {
    GK_TRY(up, c->PrepareCached(
                   "INSERT INTO items (site_id, area_id, number, title, content, channel, units_open_ended, "
                   "timeliness_text, working_days, law_overrides, privacy_protection, specific_groups, "
                   "excludes_commercial_secrets, excludes_state_secrets, notes, position) VALUES "
                   "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (site_id, number) DO UPDATE "
                   "SET area_id = excluded.area_id, title = excluded.title, content = excluded.content, "
                   "channel = excluded.channel, units_open_ended = excluded.units_open_ended, "
                   "timeliness_text = excluded.timeliness_text, working_days = excluded.working_days, "
                   "law_overrides = excluded.law_overrides, privacy_protection = "
                   "excluded.privacy_protection, specific_groups = excluded.specific_groups, "
                   "excludes_commercial_secrets = excluded.excludes_commercial_secrets, "
                   "excludes_state_secrets = excluded.excludes_state_secrets, notes = excluded.notes, "
                   "position = excluded.position"));
    GK_TRY(id, c->PrepareCached("SELECT id FROM items WHERE site_id = ? AND number = ?"));
    GK_TRY(el, c->PrepareCached(
                   "INSERT INTO elements (item_id, name, rule, position) VALUES (?, ?, ?, ?) "
                   "ON CONFLICT (item_id, name) DO UPDATE SET rule = excluded.rule, position = "
                   "excluded.position"));
    GK_TRY(el_park, c->PrepareCached("UPDATE elements SET position = -1 - position WHERE item_id = ?"));
    GK_TRY(el_drop, c->PrepareCached("DELETE FROM elements WHERE item_id = ? AND position < 0"));
    GK_TRY(iu_drop, c->PrepareCached("DELETE FROM item_units WHERE item_id = ?"));
    GK_TRY(iu, c->PrepareCached("INSERT INTO item_units (item_id, unit_id, position) VALUES (?, ?, ?)"));
    int pos = 0;
    for (const auto& a : cat.areas) {
      for (const auto& it : a.items) {
        up.Reset();
        up.Bind(1, site_id).Bind(2, area_ids.at(a.number)).Bind(3, it.number).Bind(4, it.title);
        up.Bind(5, it.content).Bind(6, it.channel).Bind(7, it.units_open_ended).Bind(8, it.timeliness.text);
        up.Bind(9, it.timeliness.working_days).Bind(10, it.timeliness.law_overrides);
        up.Bind(11, it.privacy_protection).Bind(12, it.specific_groups);
        up.Bind(13, it.excludes_commercial_secrets).Bind(14, it.excludes_state_secrets).Bind(15, it.notes);
        up.Bind(16, pos++);
        GK_CHECK(up.Run());
        id.Reset();
        id.Bind(1, site_id).Bind(2, it.number);
        GK_TRY(row, id.Step());
        if (!row) return Unexpected(Error::Internal("事项写入后无法读取"));
        std::int64_t item_id = id.Int(0);
        kept_items.insert(item_id);

        // Mark existing elements stale (negative position), re-upsert the
        // current ones, then drop what stayed stale.
        el_park.Reset();
        el_park.Bind(1, item_id);
        GK_CHECK(el_park.Run());
        int epos = 0;
        for (const auto& e : it.elements) {
          el.Reset();
          el.Bind(1, item_id).Bind(2, e.name).Bind(3, e.rule).Bind(4, epos++);
          GK_CHECK(el.Run());
        }
        el_drop.Reset();
        el_drop.Bind(1, item_id);
        GK_CHECK(el_drop.Run());

        iu_drop.Reset();
        iu_drop.Bind(1, item_id);
        GK_CHECK(iu_drop.Run());
        int upos = 0;
        for (const auto& u : it.units) {
          iu.Reset();
          iu.Bind(1, item_id).Bind(2, unit_ids.at(u)).Bind(3, upos++);
          GK_CHECK(iu.Run());
        }
      }
    }
  }

  // Drop items, areas and units that the new catalogue no longer has.
  {
    GK_TRY(ids, c->PrepareCached("SELECT id FROM items WHERE site_id = ?"));
    ids.Bind(1, site_id);
    std::vector<std::int64_t> stale;
    while (true) {
      GK_TRY(row, ids.Step());
      if (!row) break;
      if (!kept_items.contains(ids.Int(0))) stale.push_back(ids.Int(0));
    }
    for (std::int64_t item_id : stale) {
      for (const char* sql : {"DELETE FROM item_units WHERE item_id = ?", "DELETE FROM elements WHERE item_id = ?",
                              "DELETE FROM items WHERE id = ?"}) {
        GK_TRY(del, c->PrepareCached(sql));
        del.Bind(1, item_id);
        GK_CHECK(del.Run());
      }
    }
    std::string area_list, unit_list;
    for (auto& [n, aid] : area_ids) area_list += (area_list.empty() ? "" : ",") + std::to_string(aid);
    for (auto& [n, uid] : unit_ids) unit_list += (unit_list.empty() ? "" : ",") + std::to_string(uid);
    GK_TRY(da, c->PrepareCached(fmt::format("DELETE FROM areas WHERE site_id = ? AND id NOT IN ({})", area_list)));
    da.Bind(1, site_id);
    GK_CHECK(da.Run());
    GK_TRY(du, c->PrepareCached(fmt::format("DELETE FROM units WHERE site_id = ? AND id NOT IN ({})",
                                      unit_list.empty() ? "0" : unit_list)));
    du.Bind(1, site_id);
    GK_CHECK(du.Run());
  }
  {
    GK_TRY(st, c->PrepareCached("UPDATE sites SET revision = revision + 1 WHERE id = ?"));
    st.Bind(1, site_id);
    GK_CHECK(st.Run());
  }
  return tx.Commit();
}

// ---- calendar ------------------------------------------------------------

namespace {

Result<Date> ParseStoredDate(const std::string& text) {
  auto d = Date::Parse(text);
  if (!d) return Unexpected(Error::Internal(fmt::format("数据库中的日期“{}”无效", text)));
  return *d;
}

}  // namespace

Result<std::optional<CalendarVersion>> SqliteStore::LatestCalendar() {
  auto c = pool_->Acquire();
  CalendarVersion v;
  {
    GK_TRY(st, c->PrepareCached("SELECT id, created_at, note FROM calendar_versions ORDER BY id DESC LIMIT 1"));
    GK_TRY(row, st.Step());
    if (!row) return std::optional<CalendarVersion>();
    v.id = st.Int(0);
    v.created_at = st.Text(1);
    v.note = st.Text(2);
  }
  std::map<int, std::size_t> index;
  {
    GK_TRY(st, c->PrepareCached("SELECT year, source FROM calendar_notices WHERE version_id = ? ORDER BY year"));
    st.Bind(1, v.id);
    while (true) {
      GK_TRY(row, st.Step());
      if (!row) break;
      index[static_cast<int>(st.Int(0))] = v.notices.size();
      v.notices.push_back(CalendarNotice{static_cast<int>(st.Int(0)), st.Text(1), {}});
    }
  }
  {
    GK_TRY(st, c->PrepareCached(
                   "SELECT notice_year, day, off, name FROM calendar_days WHERE version_id = ? "
                   "ORDER BY notice_year, position"));
    st.Bind(1, v.id);
    while (true) {
      GK_TRY(row, st.Step());
      if (!row) break;
      auto it = index.find(static_cast<int>(st.Int(0)));
      if (it == index.end()) return Unexpected(Error::Internal("日历数据不完整"));
      GK_TRY(day, ParseStoredDate(st.Text(1)));
      v.notices[it->second].days.push_back(CalendarDay{day, st.Bool(2), st.Text(3)});
    }
  }
  return std::optional<CalendarVersion>(std::move(v));
}

Result<std::int64_t> SqliteStore::LatestCalendarVersion() {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached("SELECT coalesce(max(id), 0) FROM calendar_versions"));
  GK_TRY(row, st.Step());
  return row ? st.Int(0) : 0;
}

Result<std::vector<CalendarVersion>> SqliteStore::ListCalendarVersions() {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached("SELECT id, created_at, note FROM calendar_versions ORDER BY id DESC"));
  std::vector<CalendarVersion> out;
  while (true) {
    GK_TRY(row, st.Step());
    if (!row) break;
    out.push_back(CalendarVersion{st.Int(0), st.Text(1), st.Text(2), {}});
  }
  return out;
}

Result<CalendarVersion> SqliteStore::AddCalendarVersion(const std::vector<CalendarNotice>& notices,
                                                        const std::string& note) {
  auto c = pool_->Acquire();
  sqlite::Transaction tx(*c);
  GK_CHECK(tx.Begin());
  CalendarVersion v{0, NowUtc(), note, notices};
  {
    GK_TRY(st, c->PrepareCached("INSERT INTO calendar_versions (created_at, note) VALUES (?, ?)"));
    st.Bind(1, v.created_at).Bind(2, note);
    GK_CHECK(st.Run());
    v.id = c->LastInsertId();
  }
  GK_TRY(ins_notice, c->PrepareCached("INSERT INTO calendar_notices (version_id, year, source) VALUES (?, ?, ?)"));
  GK_TRY(ins_day, c->PrepareCached(
                      "INSERT INTO calendar_days (version_id, notice_year, day, off, name, position) "
                      "VALUES (?, ?, ?, ?, ?, ?)"));
  for (const auto& n : notices) {
    ins_notice.Reset();
    ins_notice.Bind(1, v.id).Bind(2, n.year).Bind(3, n.source);
    GK_CHECK(ins_notice.Run());
    int pos = 0;
    for (const auto& d : n.days) {
      ins_day.Reset();
      ins_day.Bind(1, v.id).Bind(2, n.year).Bind(3, d.date.ToString()).Bind(4, d.off).Bind(5, d.name);
      ins_day.Bind(6, pos++);
      GK_CHECK(ins_day.Run());
    }
  }
  // Pages show deadlines: every site's cached pages are now stale.
  GK_CHECK(c->Exec("UPDATE sites SET revision = revision + 1"));
  GK_CHECK(tx.Commit());
  return v;
}

// ---- tracked deadlines -----------------------------------------------------

namespace {

constexpr std::string_view kDeadlineColumns =
    "id, site_id, subject, item_number, element, rule_id, rule_days, event_date, due_date, provisional, "
    "calendar_version, open";

Result<TrackedDeadline> ReadDeadline(const sqlite::Statement& st) {
  TrackedDeadline d;
  d.id = st.Int(0);
  d.site_id = st.Int(1);
  d.subject = st.Text(2);
  d.item_number = static_cast<int>(st.Int(3));
  d.element = st.Text(4);
  d.rule_id = st.Text(5);
  d.rule_days = static_cast<int>(st.Int(6));
  GK_TRY(event, ParseStoredDate(st.Text(7)));
  GK_TRY(due, ParseStoredDate(st.Text(8)));
  d.event = event;
  d.due = due;
  d.provisional = st.Bool(9);
  d.calendar_version = st.Int(10);
  d.open = st.Bool(11);
  return d;
}

}  // namespace

Result<TrackedDeadline> SqliteStore::AddDeadline(const TrackedDeadline& d) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached(
                 "INSERT INTO deadlines (site_id, subject, item_number, element, rule_id, rule_days, event_date, "
                 "due_date, provisional, calendar_version, open, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                 "?, ?)"));
  st.Bind(1, d.site_id).Bind(2, d.subject).Bind(3, d.item_number).Bind(4, d.element).Bind(5, d.rule_id);
  st.Bind(6, d.rule_days).Bind(7, d.event.ToString()).Bind(8, d.due.ToString()).Bind(9, d.provisional);
  st.Bind(10, d.calendar_version).Bind(11, d.open).Bind(12, NowUtc());
  GK_CHECK(st.Run());
  TrackedDeadline out = d;
  out.id = c->LastInsertId();
  return out;
}

Result<TrackedDeadline> SqliteStore::GetDeadline(std::int64_t id) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached(fmt::format("SELECT {} FROM deadlines WHERE id = ?", kDeadlineColumns)));
  st.Bind(1, id);
  GK_TRY(row, st.Step());
  if (!row) return Unexpected(Error::NotFound(fmt::format("期限记录{}不存在", id)));
  return ReadDeadline(st);
}

Result<std::vector<TrackedDeadline>> SqliteStore::OpenDeadlinesBefore(std::int64_t version) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached(fmt::format(
                 "SELECT {} FROM deadlines WHERE open = 1 AND calendar_version < ? ORDER BY id", kDeadlineColumns)));
  st.Bind(1, version);
  std::vector<TrackedDeadline> out;
  while (true) {
    GK_TRY(row, st.Step());
    if (!row) break;
    GK_TRY(d, ReadDeadline(st));
    out.push_back(std::move(d));
  }
  return out;
}

Status SqliteStore::ApplyRecomputedDeadlines(const std::vector<TrackedDeadline>& recomputed, std::int64_t version) {
  auto c = pool_->Acquire();
  sqlite::Transaction tx(*c);
  GK_CHECK(tx.Begin());
  GK_TRY(get, c->PrepareCached("SELECT due_date, provisional, calendar_version FROM deadlines WHERE id = ?"));
  GK_TRY(upd, c->PrepareCached(
                  "UPDATE deadlines SET due_date = ?, provisional = ?, calendar_version = ? WHERE id = ?"));
  GK_TRY(log, c->PrepareCached(
                  "INSERT INTO deadline_changes (deadline_id, old_due, new_due, old_provisional, new_provisional, "
                  "calendar_version, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  std::string now = NowUtc();
  for (const auto& d : recomputed) {
    get.Reset();
    get.Bind(1, d.id);
    GK_TRY(row, get.Step());
    if (!row) return Unexpected(Error::NotFound(fmt::format("期限记录{}不存在", d.id)));
    std::string old_due = get.Text(0);
    bool old_provisional = get.Bool(1);
    // Already recomputed with this or a newer version (another process).
    if (get.Int(2) >= version) continue;
    get.Reset();
    upd.Reset();
    upd.Bind(1, d.due.ToString()).Bind(2, d.provisional).Bind(3, version).Bind(4, d.id);
    GK_CHECK(upd.Run());
    if (old_due != d.due.ToString() || old_provisional != d.provisional) {
      log.Reset();
      log.Bind(1, d.id).Bind(2, old_due).Bind(3, d.due.ToString()).Bind(4, old_provisional);
      log.Bind(5, d.provisional).Bind(6, version).Bind(7, now);
      GK_CHECK(log.Run());
    }
  }
  return tx.Commit();
}

Result<std::vector<DeadlineChange>> SqliteStore::DeadlineChanges(std::int64_t deadline_id) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached(
                 "SELECT deadline_id, old_due, new_due, old_provisional, new_provisional, calendar_version, "
                 "changed_at FROM deadline_changes WHERE (? = 0 OR deadline_id = ?) ORDER BY id"));
  st.Bind(1, deadline_id).Bind(2, deadline_id);
  std::vector<DeadlineChange> out;
  while (true) {
    GK_TRY(row, st.Step());
    if (!row) break;
    GK_TRY(old_due, ParseStoredDate(st.Text(1)));
    GK_TRY(new_due, ParseStoredDate(st.Text(2)));
    out.push_back(DeadlineChange{st.Int(0), old_due, new_due, st.Bool(3), st.Bool(4), st.Int(5), st.Text(6)});
  }
  return out;
}

}  // namespace gongkai
