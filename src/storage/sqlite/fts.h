// The embedded full-text index: registers the project's Chinese tokenizer
// ("gongkai") with SQLite FTS5 on a connection, and keeps one row per
// published record (its current version) in the search_index table.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "storage/sqlite/db.h"
#include "storage/sqlite/search_cache.h"

namespace gongkai::sqlite {

// Registers the tokenizer and the gongkai_rank() auxiliary function on `c`. Documents are normalised (NFKC,
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

// Replaces the record's row and meta row (inside the caller's transaction)
// and notes the change in search_changes (see search_cache.h).
// `replace` false: the caller knows there is no row yet (first publication).
// `log` false: the caller (a rebuild) notes one reset for all its rows.
[[nodiscard]] Status IndexRecord(Connection& c, const IndexedRecord& r, bool replace = true, bool log = true);
// The same into other tables of the same shape, without a change note (a
// rebuild writing its new index beside the one in use).
[[nodiscard]] Status IndexRecordInto(Connection& c, const IndexedRecord& r, std::string_view index_table,
                                     std::string_view meta_table);
// Removes the record's row, if any (inside the caller's transaction).
[[nodiscard]] Status UnindexRecord(Connection& c, std::int64_t record_id, bool log = true);

// A record's index tokens made ahead of time, on another thread (a rebuild
// tokenises the next records while SQLite writes the current ones): for
// each of IndexedRecord's six indexed texts, the text and its tokens.
struct PreparedRow {
  struct Column {
    std::string source;          // the text as given to the index
    std::string tokens;          // the tokens, one after another
    std::vector<std::uint32_t> ends;  // where each token ends in `tokens`
  };
  Column columns[6];
};
[[nodiscard]] PreparedRow PrepareRow(const IndexedRecord& r);
// While one lives, the document tokenizer on this thread takes the tokens
// of a column whose text is exactly a prepared source (the same function
// made them), and tokenises any other text itself.
class PreparedRowScope {
 public:
  explicit PreparedRowScope(const PreparedRow* row);
  ~PreparedRowScope();
  PreparedRowScope(const PreparedRowScope&) = delete;
  PreparedRowScope& operator=(const PreparedRowScope&) = delete;

 private:
  const PreparedRow* previous_;
};

// Column weights of the ranking: title, 文号, body, unit, item, attachments.
inline constexpr double kRankWeights[] = {10.0, 5.0, 1.0, 2.0, 2.0, 1.0};

// One search's state for `gongkai_rank(search_index, ?)`, the argument
// bound with sqlite3_bind_pointer and type kRankQueryType. For each match
// the function returns NULL when the record fails the filters (site, unit,
// 体裁, year, items; read from the in-memory columns, not from a table), and
// otherwise its Okapi BM25 score negated (lower is better), computed as
// FTS5's bm25() with kRankWeights, k1 = 1.2, b = 0.75, except that
//  * the document length comes from `columns` instead of a %_docsize
//    lookup per row (the same numbers), and
//  * with a single phrase the IDF factor is left out: it is a positive
//    constant then, so the order is that of bm25() without the extra pass
//    over the phrase's matches that computing it costs.
inline constexpr const char* kRankQueryType = "gongkai_rank_query";
struct RankQuery {
  const SearchColumns* columns = nullptr;
  std::int32_t site = 0;
  std::vector<char> units;  // allowed interned unit ids as flags; empty = any
  bool by_unit = false;     // units applies (all flags 0: no unit allowed)
  std::int64_t genre = -1;  // interned id, -1 = any
  int year = 0;             // 0 = any
  std::vector<char> items;  // allowed item numbers as flags; empty = any
  // Filled at the first accepted row.
  bool ready = false;
  double avgdl = 1;
  std::vector<double> idf, freq;

  bool Accept(const SearchRow& r) const {
    if (r.site != site) return false;
    if (by_unit && (r.unit >= units.size() || !units[r.unit])) return false;
    if (genre >= 0 && static_cast<std::int64_t>(r.genre) != genre) return false;
    if (year > 0 && r.year != year) return false;
    if (!items.empty() && (r.item < 0 || static_cast<std::size_t>(r.item) >= items.size() || !items[static_cast<std::size_t>(r.item)]))
      return false;
    return true;
  }
};

}  // namespace gongkai::sqlite
