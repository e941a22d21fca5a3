// PgStore's schema migrations.
#pragma once

#include <string>
#include <vector>

namespace gongkai::pg {

struct Migration {
  int version;
  const char* name;
  std::string sql;
};

// In order. Version numbers follow the SQLite adapter's
// (storage/sqlite/migrations.cc): the first PostgreSQL migration creates
// the final state of SQLite's 1..15 at once and is numbered 15, so that
// SchemaVersion() means the same data model on both backends and a later
// migration N of one has its counterpart N in the other.
const std::vector<Migration>& Migrations();

}  // namespace gongkai::pg
