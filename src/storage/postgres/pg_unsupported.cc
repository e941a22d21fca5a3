// PgStore methods not yet implemented (issue 10, later parts): each fails
// with a Storage error naming itself, so that a caller reaching one sees
// clearly that the PostgreSQL backend is incomplete, never a silent no-op.
#include <fmt/core.h>

#include <string_view>

#include "storage/postgres/pg_store.h"

namespace gongkai {

namespace {

auto NotYet(std::string_view method) {
  return Unexpected(Error::Storage(fmt::format("PostgreSQL 存储尚未支持此操作：{}", method)));
}

}  // namespace

Result<SearchResult> PgStore::Search(std::int64_t, const SearchRequest&) { return NotYet("Search"); }
Result<int> PgStore::Reindex(std::int64_t) { return NotYet("Reindex"); }
Result<IndexCheck> PgStore::CheckIndex(std::int64_t) { return NotYet("CheckIndex"); }

}  // namespace gongkai
