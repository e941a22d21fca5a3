// Versioned schema migrations for SQLite. Append only: never edit a
// migration that has shipped; add a new one. SQL stays portable (no
// SQLite-only date functions); timestamps are ISO 8601 text written by the
// application.
#pragma once

#include <string_view>
#include <vector>

namespace gongkai::sqlite {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

const std::vector<Migration>& Migrations();

}  // namespace gongkai::sqlite
