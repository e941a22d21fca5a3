// The embedded SQLite implementation of the Store port.
#pragma once

#include <memory>
#include <string>

#include "core/store.h"
#include "storage/sqlite/db.h"

namespace gongkai {

class SqliteStore final : public Store {
 public:
  // Opens the database file (created if missing) with `connections` pooled
  // connections. Does not migrate: call Migrate().
  [[nodiscard]] static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path, int connections = 8);

  Result<int> Migrate() override;
  Result<int> SchemaVersion() override;
  Result<Site> FindSite(std::string_view slug) override;
  Result<std::vector<Site>> ListSites() override;
  Result<Site> CreateSite(const NewSite& site) override;
  Result<std::int64_t> Revision(std::int64_t site_id) override;
  Result<Catalog> LoadCatalog(std::int64_t site_id) override;
  Status SaveCatalog(std::int64_t site_id, const Catalog& catalog) override;
  Result<std::optional<CalendarVersion>> LatestCalendar() override;
  Result<std::vector<CalendarVersion>> ListCalendarVersions() override;
  Result<CalendarVersion> AddCalendarVersion(const std::vector<CalendarNotice>& notices,
                                             const std::string& note) override;
  Result<TrackedDeadline> AddDeadline(const TrackedDeadline& deadline) override;
  Result<TrackedDeadline> GetDeadline(std::int64_t id) override;
  Result<std::vector<TrackedDeadline>> OpenDeadlinesBefore(std::int64_t version) override;
  Status ApplyRecomputedDeadlines(const std::vector<TrackedDeadline>& recomputed, std::int64_t version) override;
  Result<std::vector<DeadlineChange>> DeadlineChanges(std::int64_t deadline_id) override;

  const std::string& path() const { return path_; }

 private:
  SqliteStore(std::string path, std::unique_ptr<sqlite::Pool> pool) : path_(std::move(path)), pool_(std::move(pool)) {}
  std::string path_;
  std::unique_ptr<sqlite::Pool> pool_;
};

}  // namespace gongkai
