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

// The FTS5 table of the embedded search index (migration 5; a full reindex
// builds a new one from kSearchIndexColumns and renames it into place).
inline constexpr std::string_view kSearchIndexDdl =
    "CREATE VIRTUAL TABLE search_index USING fts5(title, doc_number, body, unit, item, attachments, "
    "tokenize = 'gongkai');";
inline constexpr std::string_view kSearchIndexColumns =
    "title, doc_number, body, unit, item, attachments, tokenize = 'gongkai'";
static_assert(kSearchIndexDdl.find(kSearchIndexColumns) != std::string_view::npos);

}  // namespace gongkai::sqlite
