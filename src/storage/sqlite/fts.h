// The embedded full-text index: registers the project's Chinese tokenizer
// ("gongkai") with SQLite FTS5 on a connection, and keeps one row per
// published record (its current version) in the search_index table.
#pragma once

#include <cstdint>
#include <string>

#include "core/error.h"
#include "storage/sqlite/db.h"

namespace gongkai::sqlite {

// Registers the tokenizer on `c`. Documents are normalised (NFKC,
// Traditional→Simplified, case folding) and cut into CJK bigrams, single
// CJK characters (marked) and whole Latin/digit words; query strings are
// already tokens (space separated), made by search/query.h.
[[nodiscard]] Status RegisterSearchTokenizer(Connection& c);

// The indexed text of one record, and the facts search filters and counts
// by (kept beside the text in the narrow search_meta table, so a query
// reads no record rows until it shows its page of hits).
struct IndexedRecord {
  std::int64_t record_id = 0;
  std::string title, doc_number, body, unit, item, attachments;
  std::int64_t site_id = 0;
  int item_number = 0;
  int year = 0;               // Beijing year of first publication
  std::string genre;          // 体裁 of the public version
  std::string published_at;   // first publication, ISO 8601 UTC
};

// Replaces the record's row and meta row (inside the caller's transaction).
// `replace` false: the caller knows there is no row yet (first publication).
[[nodiscard]] Status IndexRecord(Connection& c, const IndexedRecord& r, bool replace = true);
// Removes the record's row, if any (inside the caller's transaction).
[[nodiscard]] Status UnindexRecord(Connection& c, std::int64_t record_id);

}  // namespace gongkai::sqlite
