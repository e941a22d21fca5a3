// Chooses the storage backend from a database location, for the CLI and
// the tests: "postgresql://..." or "postgres://..." (a libpq URI) opens
// PostgreSQL; "sqlite:FILE" or a plain file path opens the embedded SQLite
// database.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/store.h"

namespace gongkai {

enum class StoreKind { kSqlite, kPostgres };

// The backend `location` names, and the location that backend is given
// ("sqlite:a.db" -> {kSqlite, "a.db"}; a PostgreSQL URI is kept whole).
struct StoreLocation {
  StoreKind kind = StoreKind::kSqlite;
  std::string target;
};
[[nodiscard]] Result<StoreLocation> ParseStoreLocation(std::string_view location);

// Opens (does not migrate) the store at `location` with `connections` pooled
// connections.
[[nodiscard]] Result<std::unique_ptr<Store>> OpenStoreAt(std::string_view location, int connections);

// `location` with any password removed, for messages and logs
// ("postgresql://u:secret@h/db" -> "postgresql://u@h/db").
std::string RedactedLocation(std::string_view location);

}  // namespace gongkai
