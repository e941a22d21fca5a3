// The storage port: what the application needs from a database. The SQLite
// backend (src/storage/sqlite) implements it; a PostgreSQL backend will too.
// Implementations are thread-safe: one Store is shared by all server threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/catalog.h"
#include "core/error.h"

namespace gongkai {

// One district's portal. A shared provincial platform hosts many.
struct Site {
  std::int64_t id = 0;
  std::string slug;       // short identifier, e.g. "demo"
  std::string name;       // e.g. "示例区人民政府"
  std::string host;       // host name routed to this site; empty = any
  std::int64_t revision = 0;  // bumped by every change to the site's content
};

struct NewSite {
  std::string slug;
  std::string name;
  std::string host;
};

class Store {
 public:
  virtual ~Store() = default;

  // Applies pending schema migrations in order, each in its own transaction.
  // Returns the schema version reached.
  [[nodiscard]] virtual Result<int> Migrate() = 0;
  [[nodiscard]] virtual Result<int> SchemaVersion() = 0;

  // NotFound when absent.
  [[nodiscard]] virtual Result<Site> FindSite(std::string_view slug) = 0;
  [[nodiscard]] virtual Result<std::vector<Site>> ListSites() = 0;
  // Conflict when the slug exists.
  [[nodiscard]] virtual Result<Site> CreateSite(const NewSite& site) = 0;
  // The site's current content revision (cheap; used to validate caches).
  [[nodiscard]] virtual Result<std::int64_t> Revision(std::int64_t site_id) = 0;

  // The site's catalogue. NotFound when none was ever saved.
  [[nodiscard]] virtual Result<Catalog> LoadCatalog(std::int64_t site_id) = 0;
  // Replaces the site's catalogue as one transaction: either all of it is
  // stored or nothing changes. Areas, items, elements and units keep their
  // identity when their number/name is unchanged. Bumps the revision.
  [[nodiscard]] virtual Status SaveCatalog(std::int64_t site_id, const Catalog& catalog) = 0;
};

}  // namespace gongkai
