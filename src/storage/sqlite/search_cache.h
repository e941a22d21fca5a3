// The facts a search filters, counts and orders by, per indexed record, kept
// in memory as small integers (vectors indexed by record id; unit names and
// 体裁 interned). A search then reads only rowids and ranks from FTS5 and
// touches no table row per match.
//
// Correctness with several connections and several processes on one
// database: every change to the index (IndexRecord/UnindexRecord) appends
// the record id to the search_changes table in the same transaction, and a
// rebuild (Reindex) empties it and appends the marker id 0. Each search
// calls SearchCache::Current inside its read transaction; it applies the
// rows past the snapshot's last seq (re-reading those records), or reloads
// everything after a marker, so a snapshot is never older than the data the
// search's own transaction sees.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.h"
#include "storage/sqlite/db.h"

namespace gongkai::sqlite {

struct SearchRow {
  std::int64_t published = 0;  // first publication as a sortable number (YYYYMMDDhhmmss)
  std::int32_t site = 0;       // 0: not indexed
  std::int32_t item = 0;
  std::uint32_t unit = 0;      // index into SearchColumns::units
  std::uint32_t length = 0;    // tokens in the row, all columns (BM25's document length)
  std::int16_t year = 0;
  std::uint16_t genre = 0;     // index into SearchColumns::genres
};

struct SearchColumns {
  std::vector<SearchRow> rows;  // by record id
  std::vector<std::string> units, genres;
  std::unordered_map<std::string, std::uint32_t> unit_ids, genre_ids;
  std::int64_t seq = 0;  // the last search_changes row reflected
  int max_item = 0, max_year = 0;

  const SearchRow* Find(std::int64_t id) const {
    if (id <= 0 || static_cast<std::uint64_t>(id) >= rows.size()) return nullptr;
    const SearchRow& r = rows[static_cast<std::size_t>(id)];
    return r.site != 0 ? &r : nullptr;
  }
  // Interns a unit name or 体裁 (only while building a snapshot).
  std::uint32_t UnitId(std::string_view name);
  std::uint16_t GenreId(std::string_view name);
};

// "2024-03-05T02:13:00Z" -> 20240305021300: the digits, so that numbers
// order like the ISO 8601 strings they come from.
std::int64_t PublishedKey(std::string_view iso);
// The sum of the varints in an FTS5 %_docsize blob (tokens per column).
std::uint32_t DocsizeTotal(std::string_view blob);

class SearchCache {
 public:
  // The snapshot, brought up to date with what `c` sees. Call it inside the
  // read transaction the search then runs in.
  [[nodiscard]] Result<std::shared_ptr<const SearchColumns>> Current(Connection& c);

 private:
  std::mutex mu_;  // guards snap_; also serialises reloads
  std::shared_ptr<const SearchColumns> snap_;
};

}  // namespace gongkai::sqlite
