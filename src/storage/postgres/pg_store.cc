// PgStore: opening, migrations, sites, catalogue, calendar and tracked
// deadlines. Semantics mirror the SQLite adapter (sqlite_store.cc); where
// SQLite relies on BEGIN IMMEDIATE serialising every writer, the
// PostgreSQL code locks the rows it reads before writing (SELECT ... FOR
// UPDATE), since READ COMMITTED transactions run side by side.
#include "storage/postgres/pg_store.h"

#include <fmt/core.h>

#include <map>
#include <set>

#include "storage/postgres/pg_schema.h"

namespace gongkai {

using pg::IdArray;
using pg::JoinLines;
using pg::NowUtc;
using pg::SplitLines;
using pg::WithConnection;

namespace {

// pg_advisory_xact_lock key for migrations: any constant shared by every
// gongkai process ("gongkai" in ASCII, truncated to fit a bigint).
constexpr std::int64_t kMigrationLockKey = 0x676f6e676b6169;

constexpr const char* kSiteColumns = "id, slug, name, host, revision, index_pattern";

Site ReadSite(const pqxx::row& r) {
  return Site{r[0].as<std::int64_t>(), r[1].as<std::string>(),  r[2].as<std::string>(),
              r[3].as<std::string>(),  r[4].as<std::int64_t>(), r[5].as<std::string>()};
}

Result<Date> ParseStoredDate(const std::string& text) {
  auto d = Date::Parse(text);
  if (!d) return Unexpected(Error::Internal(fmt::format("数据库中的日期“{}”无效", text)));
  return *d;
}

}  // namespace

Result<std::unique_ptr<PgStore>> PgStore::Open(const std::string& url, int connections) {
  GK_TRY(pool, pg::Pool::Open(url, connections));
  return std::unique_ptr<PgStore>(new PgStore(std::move(pool)));
}

Result<int> PgStore::SchemaVersion() {
  return WithConnection(*pool_, "SchemaVersion", [&](pqxx::connection& c) -> Result<int> {
    pqxx::read_transaction tx(c);
    auto exists = tx.exec("SELECT to_regclass('schema_version') IS NOT NULL");
    if (!exists[0][0].as<bool>()) return 0;
    return tx.exec("SELECT coalesce(max(version), 0) FROM schema_version")[0][0].as<int>();
  });
}

Result<int> PgStore::Migrate() {
  GK_TRY(version, MigrateSchema());
  // Sites whose search index a migration asked to rebuild (migration 17).
  // Reindex locks the index, so processes starting together rebuild one at
  // a time (the later one redoes the work, harmlessly); a rebuild that fails
  // or is cut short leaves the site listed, and the next start redoes it.
  // No connection is held across Reindex: the pool may have only one.
  GK_TRY(pending, WithConnection(*pool_, "Migrate", [&](pqxx::connection& c) -> Result<std::vector<std::int64_t>> {
    pqxx::read_transaction tx(c);
    std::vector<std::int64_t> ids;
    for (const auto& row : tx.exec("SELECT site_id FROM search_rebuild ORDER BY site_id"))
      ids.push_back(row[0].as<std::int64_t>());
    return ids;
  }));
  for (std::int64_t site_id : pending) {
    GK_CHECK(Reindex(site_id));
    GK_CHECK(WithConnection(*pool_, "Migrate", [&](pqxx::connection& c) -> Status {
      pqxx::work tx(c);
      tx.exec_params("DELETE FROM search_rebuild WHERE site_id = $1", site_id);
      tx.commit();
      return Ok();
    }));
  }
  return version;
}

Result<int> PgStore::MigrateSchema() {
  return WithConnection(*pool_, "Migrate", [&](pqxx::connection& c) -> Result<int> {
    int version = 0;
    // Each migration in its own transaction holding the advisory lock, so
    // that processes starting together apply each migration once: the
    // second waits for the lock, then sees the version already recorded.
    for (const auto& m : pg::Migrations()) {
      pqxx::work tx(c);
      tx.exec_params("SELECT pg_advisory_xact_lock($1)", kMigrationLockKey);
      tx.exec(
          "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
          "applied_at TEXT NOT NULL)");
      version = tx.exec("SELECT coalesce(max(version), 0) FROM schema_version")[0][0].as<int>();
      if (m.version <= version) continue;  // the work rolls back: nothing was changed
      tx.exec(m.sql);
      tx.exec_params("INSERT INTO schema_version (version, name, applied_at) VALUES ($1, $2, $3)", m.version,
                     std::string(m.name), NowUtc());
      tx.commit();
      version = m.version;
    }
    return version;
  });
}

Result<Site> PgStore::FindSite(std::string_view slug) {
  return WithConnection(*pool_, "FindSite", [&](pqxx::connection& c) -> Result<Site> {
    pqxx::read_transaction tx(c);
    auto r = tx.exec_params(fmt::format("SELECT {} FROM sites WHERE slug = $1", kSiteColumns), std::string(slug));
    if (r.empty()) return Unexpected(Error::NotFound(fmt::format("站点“{}”不存在", slug)));
    return ReadSite(r[0]);
  });
}

Result<std::vector<Site>> PgStore::ListSites() {
  return WithConnection(*pool_, "ListSites", [&](pqxx::connection& c) -> Result<std::vector<Site>> {
    pqxx::read_transaction tx(c);
    std::vector<Site> out;
    for (const auto& row : tx.exec(fmt::format("SELECT {} FROM sites ORDER BY id", kSiteColumns)))
      out.push_back(ReadSite(row));
    return out;
  });
}

Result<Site> PgStore::CreateSite(const NewSite& site) {
  auto created = WithConnection(*pool_, "CreateSite", [&](pqxx::connection& c) -> Result<Site> {
    pqxx::work tx(c);
    auto r = tx.exec_params1(
        fmt::format("INSERT INTO sites (slug, name, host, revision, created_at) VALUES ($1, $2, $3, 0, $4) "
                    "RETURNING {}",
                    kSiteColumns),
        site.slug, site.name, site.host, NowUtc());
    tx.commit();
    return ReadSite(r);
  });
  if (!created && created.error().code == ErrorCode::kConflict) {
    // Which constraint: the slug's, or the host name's (migration 16).
    auto slug_taken = FindSite(site.slug);
    if (slug_taken || slug_taken.error().code != ErrorCode::kNotFound)
      return Unexpected(Error::Conflict(fmt::format("站点“{}”已存在", site.slug), "slug"));
    return Unexpected(Error::Conflict(fmt::format("域名“{}”已由另一个站点使用", site.host), "host"));
  }
  return created;
}

Result<std::int64_t> PgStore::Revision(std::int64_t site_id) {
  return WithConnection(*pool_, "Revision", [&](pqxx::connection& c) -> Result<std::int64_t> {
    pqxx::read_transaction tx(c);
    auto r = tx.exec_params("SELECT revision FROM sites WHERE id = $1", site_id);
    if (r.empty()) return Unexpected(Error::NotFound("站点不存在"));
    return r[0][0].as<std::int64_t>();
  });
}

// ---- catalogue ---------------------------------------------------------------

Result<Catalog> PgStore::LoadCatalog(std::int64_t site_id) {
  return WithConnection(*pool_, "LoadCatalog", [&](pqxx::connection& c) -> Result<Catalog> {
    // One snapshot for the six reads (a concurrent SaveCatalog is seen
    // entirely or not at all).
    pg::Snapshot tx(c);
    Catalog cat;
    auto head = tx.exec_params(
        "SELECT title, office_name, office_address, office_phones, office_hours FROM catalogs WHERE site_id = $1",
        site_id);
    if (head.empty()) return Unexpected(Error::NotFound("该站点尚未载入信息公开目录"));
    cat.title = head[0][0].as<std::string>();
    cat.office = OfficeContact{head[0][1].as<std::string>(), head[0][2].as<std::string>(),
                               SplitLines(head[0][3].as<std::string>()), head[0][4].as<std::string>()};

    std::map<std::int64_t, std::string> unit_names;
    for (const auto& r :
         tx.exec_params("SELECT id, name, short_name, kind, parent_name, org_code, aliases, active FROM units "
                        "WHERE site_id = $1 ORDER BY position",
                        site_id)) {
      unit_names[r[0].as<std::int64_t>()] = r[1].as<std::string>();
      cat.units.push_back(UnitInfo{r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<std::string>(),
                                   r[4].as<std::string>(), r[5].as<std::string>(), SplitLines(r[6].as<std::string>()),
                                   r[7].as<bool>()});
    }
    std::map<std::int64_t, std::size_t> area_index;
    for (const auto& r :
         tx.exec_params("SELECT id, number, title FROM areas WHERE site_id = $1 ORDER BY position", site_id)) {
      area_index[r[0].as<std::int64_t>()] = cat.areas.size();
      cat.areas.push_back(Area{r[1].as<int>(), r[2].as<std::string>(), {}});
    }
    std::map<std::int64_t, std::pair<std::size_t, std::size_t>> item_index;
    for (const auto& r : tx.exec_params(
             "SELECT id, area_id, number, title, content, channel, units_open_ended, timeliness_text, "
             "working_days, law_overrides, privacy_protection, specific_groups, excludes_commercial_secrets, "
             "excludes_state_secrets, notes FROM items WHERE site_id = $1 ORDER BY position",
             site_id)) {
      auto ai = area_index.find(r[1].as<std::int64_t>());
      if (ai == area_index.end()) return Unexpected(Error::Internal("事项所属领域缺失"));
      Item item;
      item.number = r[2].as<int>();
      item.title = r[3].as<std::string>();
      item.content = r[4].as<std::string>();
      item.channel = r[5].as<std::string>();
      item.units_open_ended = r[6].as<bool>();
      item.timeliness = Timeliness{r[7].as<std::string>(), r[8].as<int>(), r[9].as<bool>()};
      item.privacy_protection = r[10].as<bool>();
      item.specific_groups = r[11].as<bool>();
      item.excludes_commercial_secrets = r[12].as<bool>();
      item.excludes_state_secrets = r[13].as<bool>();
      item.notes = r[14].as<std::string>();
      auto& items = cat.areas[ai->second].items;
      item_index[r[0].as<std::int64_t>()] = {ai->second, items.size()};
      items.push_back(std::move(item));
    }
    for (const auto& r :
         tx.exec_params("SELECT e.item_id, e.name, e.rule FROM elements e JOIN items i ON i.id = e.item_id "
                        "WHERE i.site_id = $1 ORDER BY e.item_id, e.position",
                        site_id)) {
      const auto& at = item_index.at(r[0].as<std::int64_t>());
      cat.areas[at.first].items[at.second].elements.push_back(Element{r[1].as<std::string>(), r[2].as<std::string>()});
    }
    for (const auto& r :
         tx.exec_params("SELECT iu.item_id, iu.unit_id FROM item_units iu JOIN items i ON i.id = iu.item_id "
                        "WHERE i.site_id = $1 ORDER BY iu.item_id, iu.position",
                        site_id)) {
      const auto& at = item_index.at(r[0].as<std::int64_t>());
      cat.areas[at.first].items[at.second].units.push_back(unit_names.at(r[1].as<std::int64_t>()));
    }
    return cat;
  });
}

Status PgStore::SaveCatalog(std::int64_t site_id, const Catalog& cat) {
  GK_CHECK(ValidateCatalog(cat));
  return WithConnection(*pool_, "SaveCatalog", [&](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    // Locking the site row serialises catalogue writers of one site (as
    // SQLite's write lock does), so that two saves cannot interleave their
    // upserts and deletions.
    if (tx.exec_params("SELECT id FROM sites WHERE id = $1 FOR NO KEY UPDATE", site_id).empty())
      return Unexpected(Error::NotFound("站点不存在"));
    const std::string now = NowUtc();
    tx.exec_params(
        "INSERT INTO catalogs (site_id, title, office_name, office_address, office_phones, office_hours, "
        "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (site_id) DO UPDATE SET "
        "title = excluded.title, office_name = excluded.office_name, office_address = excluded.office_address, "
        "office_phones = excluded.office_phones, office_hours = excluded.office_hours, "
        "updated_at = excluded.updated_at",
        site_id, cat.title, cat.office.name, cat.office.address, JoinLines(cat.office.phones), cat.office.hours, now);

    // Units: upsert by name (keeping the id of a unit already there).
    std::map<std::string, std::int64_t> unit_ids;
    int pos = 0;
    for (const auto& u : cat.units) {
      auto r = tx.exec_params1(
          "INSERT INTO units (site_id, name, short_name, kind, parent_name, org_code, aliases, position, active) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (site_id, name) DO UPDATE SET "
          "short_name = excluded.short_name, kind = excluded.kind, parent_name = excluded.parent_name, "
          "org_code = excluded.org_code, aliases = excluded.aliases, position = excluded.position, "
          "active = excluded.active RETURNING id",
          site_id, u.name, u.short_name, u.kind, u.parent, u.org_code, JoinLines(u.aliases), pos++, u.active);
      unit_ids[u.name] = r[0].as<std::int64_t>();
    }

    // Areas: upsert by number.
    std::map<int, std::int64_t> area_ids;
    pos = 0;
    for (const auto& a : cat.areas) {
      auto r = tx.exec_params1(
          "INSERT INTO areas (site_id, number, title, position) VALUES ($1, $2, $3, $4) "
          "ON CONFLICT (site_id, number) DO UPDATE SET title = excluded.title, position = excluded.position "
          "RETURNING id",
          site_id, a.number, a.title, pos++);
      area_ids[a.number] = r[0].as<std::int64_t>();
    }

    // Items: upsert by number; elements upsert by name; units re-linked.
    std::vector<std::int64_t> kept_items;
    pos = 0;
    for (const auto& a : cat.areas) {
      for (const auto& it : a.items) {
        auto r = tx.exec_params1(
            "INSERT INTO items (site_id, area_id, number, title, content, channel, units_open_ended, "
            "timeliness_text, working_days, law_overrides, privacy_protection, specific_groups, "
            "excludes_commercial_secrets, excludes_state_secrets, notes, position) VALUES "
            "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) "
            "ON CONFLICT (site_id, number) DO UPDATE SET area_id = excluded.area_id, title = excluded.title, "
            "content = excluded.content, channel = excluded.channel, units_open_ended = excluded.units_open_ended, "
            "timeliness_text = excluded.timeliness_text, working_days = excluded.working_days, "
            "law_overrides = excluded.law_overrides, privacy_protection = excluded.privacy_protection, "
            "specific_groups = excluded.specific_groups, "
            "excludes_commercial_secrets = excluded.excludes_commercial_secrets, "
            "excludes_state_secrets = excluded.excludes_state_secrets, notes = excluded.notes, "
            "position = excluded.position RETURNING id",
            site_id, area_ids.at(a.number), it.number, it.title, it.content, it.channel, it.units_open_ended,
            it.timeliness.text, it.timeliness.working_days, it.timeliness.law_overrides, it.privacy_protection,
            it.specific_groups, it.excludes_commercial_secrets, it.excludes_state_secrets, it.notes, pos++);
        const auto item_id = r[0].as<std::int64_t>();
        kept_items.push_back(item_id);

        // As in SQLite: mark the item's elements stale (negative position),
        // re-upsert the current ones (which keeps their ids), drop the rest.
        tx.exec_params("UPDATE elements SET position = -1 - position WHERE item_id = $1", item_id);
        int epos = 0;
        for (const auto& e : it.elements)
          tx.exec_params(
              "INSERT INTO elements (item_id, name, rule, position) VALUES ($1, $2, $3, $4) "
              "ON CONFLICT (item_id, name) DO UPDATE SET rule = excluded.rule, position = excluded.position",
              item_id, e.name, e.rule, epos++);
        tx.exec_params("DELETE FROM elements WHERE item_id = $1 AND position < 0", item_id);

        tx.exec_params("DELETE FROM item_units WHERE item_id = $1", item_id);
        int upos = 0;
        for (const auto& u : it.units)
          tx.exec_params("INSERT INTO item_units (item_id, unit_id, position) VALUES ($1, $2, $3)", item_id,
                         unit_ids.at(u), upos++);
      }
    }

    // Drop items, areas and units that the new catalogue no longer has.
    const std::string kept = IdArray(kept_items);
    for (const char* sql : {"DELETE FROM item_units WHERE item_id IN (SELECT id FROM items WHERE site_id = $1 AND NOT "
                            "id = ANY($2::bigint[]))",
                            "DELETE FROM elements WHERE item_id IN (SELECT id FROM items WHERE site_id = $1 AND NOT id "
                            "= ANY($2::bigint[]))",
                            "DELETE FROM items WHERE site_id = $1 AND NOT id = ANY($2::bigint[])"})
      tx.exec_params(sql, site_id, kept);
    std::vector<std::int64_t> ids;
    for (const auto& kv : area_ids) ids.push_back(kv.second);
    tx.exec_params("DELETE FROM areas WHERE site_id = $1 AND NOT id = ANY($2::bigint[])", site_id, IdArray(ids));
    ids.clear();
    for (const auto& kv : unit_ids) ids.push_back(kv.second);
    tx.exec_params("DELETE FROM units WHERE site_id = $1 AND NOT id = ANY($2::bigint[])", site_id, IdArray(ids));

    tx.exec_params("UPDATE sites SET revision = revision + 1 WHERE id = $1", site_id);
    tx.commit();
    return Ok();
  });
}

// ---- calendar ------------------------------------------------------------------

Result<std::optional<CalendarVersion>> PgStore::LatestCalendar() {
  return WithConnection(*pool_, "LatestCalendar", [&](pqxx::connection& c) -> Result<std::optional<CalendarVersion>> {
    pg::Snapshot tx(c);
    auto head = tx.exec("SELECT id, created_at, note FROM calendar_versions ORDER BY id DESC LIMIT 1");
    if (head.empty()) return std::optional<CalendarVersion>();
    CalendarVersion v;
    v.id = head[0][0].as<std::int64_t>();
    v.created_at = head[0][1].as<std::string>();
    v.note = head[0][2].as<std::string>();
    std::map<int, std::size_t> index;
    for (const auto& r :
         tx.exec_params("SELECT year, source FROM calendar_notices WHERE version_id = $1 ORDER BY year", v.id)) {
      index[r[0].as<int>()] = v.notices.size();
      v.notices.push_back(CalendarNotice{r[0].as<int>(), r[1].as<std::string>(), {}});
    }
    for (const auto& r : tx.exec_params("SELECT notice_year, day, off, name FROM calendar_days WHERE version_id = $1 "
                                        "ORDER BY notice_year, position",
                                        v.id)) {
      auto it = index.find(r[0].as<int>());
      if (it == index.end()) return Unexpected(Error::Internal("日历数据不完整"));
      GK_TRY(day, ParseStoredDate(r[1].as<std::string>()));
      v.notices[it->second].days.push_back(CalendarDay{day, r[2].as<bool>(), r[3].as<std::string>()});
    }
    return std::optional<CalendarVersion>(std::move(v));
  });
}

Result<std::int64_t> PgStore::LatestCalendarVersion() {
  return WithConnection(*pool_, "LatestCalendarVersion", [&](pqxx::connection& c) -> Result<std::int64_t> {
    pqxx::read_transaction tx(c);
    return tx.exec("SELECT coalesce(max(id), 0) FROM calendar_versions")[0][0].as<std::int64_t>();
  });
}

Result<std::vector<CalendarVersion>> PgStore::ListCalendarVersions() {
  return WithConnection(
      *pool_, "ListCalendarVersions", [&](pqxx::connection& c) -> Result<std::vector<CalendarVersion>> {
        pqxx::read_transaction tx(c);
        std::vector<CalendarVersion> out;
        for (const auto& r : tx.exec("SELECT id, created_at, note FROM calendar_versions ORDER BY id DESC"))
          out.push_back(CalendarVersion{r[0].as<std::int64_t>(), r[1].as<std::string>(), r[2].as<std::string>(), {}});
        return out;
      });
}

Result<CalendarVersion> PgStore::AddCalendarVersion(const std::vector<CalendarNotice>& notices,
                                                    const std::string& note) {
  return WithConnection(*pool_, "AddCalendarVersion", [&](pqxx::connection& c) -> Result<CalendarVersion> {
    pqxx::work tx(c);
    CalendarVersion v{0, NowUtc(), note, notices};
    v.id = tx.exec_params1("INSERT INTO calendar_versions (created_at, note) VALUES ($1, $2) RETURNING id",
                           v.created_at, note)[0]
               .as<std::int64_t>();
    for (const auto& n : notices) {
      tx.exec_params("INSERT INTO calendar_notices (version_id, year, source) VALUES ($1, $2, $3)", v.id, n.year,
                     n.source);
      int pos = 0;
      for (const auto& d : n.days)
        tx.exec_params(
            "INSERT INTO calendar_days (version_id, notice_year, day, off, name, position) "
            "VALUES ($1, $2, $3, $4, $5, $6)",
            v.id, n.year, d.date.ToString(), d.off, d.name, pos++);
    }
    // Pages show deadlines: every site's cached pages are now stale. The
    // site rows are locked in id order, as publication batches lock them,
    // so that the two cannot deadlock.
    tx.exec("SELECT id FROM sites ORDER BY id FOR NO KEY UPDATE");
    tx.exec("UPDATE sites SET revision = revision + 1");
    tx.commit();
    return v;
  });
}

// ---- tracked deadlines -------------------------------------------------------

namespace {

constexpr const char* kDeadlineColumns =
    "id, site_id, subject, item_number, element, rule_id, rule_days, event_date, due_date, provisional, "
    "calendar_version, open";

Result<TrackedDeadline> ReadDeadline(const pqxx::row& r) {
  TrackedDeadline d;
  d.id = r[0].as<std::int64_t>();
  d.site_id = r[1].as<std::int64_t>();
  d.subject = r[2].as<std::string>();
  d.item_number = r[3].as<int>();
  d.element = r[4].as<std::string>();
  d.rule_id = r[5].as<std::string>();
  d.rule_days = r[6].as<int>();
  GK_TRY(event, ParseStoredDate(r[7].as<std::string>()));
  GK_TRY(due, ParseStoredDate(r[8].as<std::string>()));
  d.event = event;
  d.due = due;
  d.provisional = r[9].as<bool>();
  d.calendar_version = r[10].as<std::int64_t>();
  d.open = r[11].as<bool>();
  return d;
}

}  // namespace

Result<TrackedDeadline> PgStore::AddDeadline(const TrackedDeadline& d) {
  return WithConnection(*pool_, "AddDeadline", [&](pqxx::connection& c) -> Result<TrackedDeadline> {
    pqxx::work tx(c);
    auto r = tx.exec_params1(
        "INSERT INTO deadlines (site_id, subject, item_number, element, rule_id, rule_days, event_date, due_date, "
        "provisional, calendar_version, open, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
        "RETURNING id",
        d.site_id, d.subject, d.item_number, d.element, d.rule_id, d.rule_days, d.event.ToString(), d.due.ToString(),
        d.provisional, d.calendar_version, d.open, NowUtc());
    tx.commit();
    TrackedDeadline out = d;
    out.id = r[0].as<std::int64_t>();
    return out;
  });
}

Result<TrackedDeadline> PgStore::GetDeadline(std::int64_t id) {
  return WithConnection(*pool_, "GetDeadline", [&](pqxx::connection& c) -> Result<TrackedDeadline> {
    pqxx::read_transaction tx(c);
    auto r = tx.exec_params(fmt::format("SELECT {} FROM deadlines WHERE id = $1", kDeadlineColumns), id);
    if (r.empty()) return Unexpected(Error::NotFound(fmt::format("期限记录{}不存在", id)));
    return ReadDeadline(r[0]);
  });
}

Result<std::vector<TrackedDeadline>> PgStore::OpenDeadlinesBefore(std::int64_t version) {
  return WithConnection(
      *pool_, "OpenDeadlinesBefore", [&](pqxx::connection& c) -> Result<std::vector<TrackedDeadline>> {
        pqxx::read_transaction tx(c);
        std::vector<TrackedDeadline> out;
        for (const auto& r :
             tx.exec_params(fmt::format("SELECT {} FROM deadlines WHERE open AND calendar_version < $1 ORDER BY id",
                                        kDeadlineColumns),
                            version)) {
          GK_TRY(d, ReadDeadline(r));
          out.push_back(std::move(d));
        }
        return out;
      });
}

Status PgStore::ApplyRecomputedDeadlines(const std::vector<TrackedDeadline>& recomputed, std::int64_t version) {
  return WithConnection(*pool_, "ApplyRecomputedDeadlines", [&](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    const std::string now = NowUtc();
    for (const auto& d : recomputed) {
      // FOR UPDATE: another process applying the same import waits here and
      // then sees the new calendar_version, so each change is logged once.
      auto cur = tx.exec_params(
          "SELECT due_date, provisional, calendar_version FROM deadlines WHERE id = $1 FOR UPDATE", d.id);
      if (cur.empty()) return Unexpected(Error::NotFound(fmt::format("期限记录{}不存在", d.id)));
      const auto old_due = cur[0][0].as<std::string>();
      const bool old_provisional = cur[0][1].as<bool>();
      if (cur[0][2].as<std::int64_t>() >= version) continue;  // already recomputed with this or a newer version
      tx.exec_params("UPDATE deadlines SET due_date = $1, provisional = $2, calendar_version = $3 WHERE id = $4",
                     d.due.ToString(), d.provisional, version, d.id);
      if (old_due != d.due.ToString() || old_provisional != d.provisional)
        tx.exec_params(
            "INSERT INTO deadline_changes (deadline_id, old_due, new_due, old_provisional, new_provisional, "
            "calendar_version, changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            d.id, old_due, d.due.ToString(), old_provisional, d.provisional, version, now);
    }
    tx.commit();
    return Ok();
  });
}

Result<std::vector<DeadlineChange>> PgStore::DeadlineChanges(std::int64_t deadline_id) {
  return WithConnection(*pool_, "DeadlineChanges", [&](pqxx::connection& c) -> Result<std::vector<DeadlineChange>> {
    pqxx::read_transaction tx(c);
    std::vector<DeadlineChange> out;
    for (const auto& r : tx.exec_params(
             "SELECT deadline_id, old_due, new_due, old_provisional, new_provisional, calendar_version, changed_at "
             "FROM deadline_changes WHERE ($1::bigint = 0 OR deadline_id = $1::bigint) ORDER BY id",
             deadline_id)) {
      GK_TRY(old_due, ParseStoredDate(r[1].as<std::string>()));
      GK_TRY(new_due, ParseStoredDate(r[2].as<std::string>()));
      out.push_back(DeadlineChange{r[0].as<std::int64_t>(), old_due, new_due, r[3].as<bool>(), r[4].as<bool>(),
                                   r[5].as<std::int64_t>(), r[6].as<std::string>()});
    }
    return out;
  });
}

// Nothing to defer: PostgreSQL's checkpoints are the server's business.
Status PgStore::MaintainStorage() { return Ok(); }

}  // namespace gongkai
