#include "storage/open_store.h"

#include <fmt/core.h>

#include "storage/postgres/pg_store.h"
#include "storage/sqlite/sqlite_store.h"

namespace gongkai {

namespace {

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

}  // namespace

Result<StoreLocation> ParseStoreLocation(std::string_view location) {
  if (location.empty()) return Unexpected(Error::Invalid("数据库位置不能为空", "--db"));
  if (StartsWith(location, "postgresql://") || StartsWith(location, "postgres://")) {
    return StoreLocation{StoreKind::kPostgres, std::string(location)};
  }
  if (StartsWith(location, "sqlite:")) {
    std::string_view file = location.substr(7);
    if (file.empty()) return Unexpected(Error::Invalid("“sqlite:”后应写数据库文件路径，如 sqlite:gongkai.db", "--db"));
    return StoreLocation{StoreKind::kSqlite, std::string(file)};
  }
  // Any other "scheme://" is a mistake, not a file name.
  if (auto sep = location.find("://"); sep != std::string_view::npos && location.find('/') > sep) {
    return Unexpected(Error::Invalid(
        fmt::format("不支持的数据库地址“{}”：应为数据库文件路径、sqlite:文件 或 postgresql://…",
                    RedactedLocation(location)),
        "--db"));
  }
  // A libpq keyword string ("host=db dbname=gongkai …") would otherwise
  // become the name of a new SQLite file.
  if (location.find('/') == std::string_view::npos && location.find(' ') != std::string_view::npos &&
      (location.find("dbname=") != std::string_view::npos || location.find("host=") != std::string_view::npos)) {
    return Unexpected(Error::Invalid(
        "数据库地址看起来是 PostgreSQL 关键字格式（host=… dbname=…），请改用 postgresql://用户@主机/库名 的形式", "--db"));
  }
  return StoreLocation{StoreKind::kSqlite, std::string(location)};
}

Result<std::unique_ptr<Store>> OpenStoreAt(std::string_view location, int connections) {
  GK_TRY(where, ParseStoreLocation(location));
  if (where.kind == StoreKind::kPostgres) {
    GK_TRY(pg, PgStore::Open(where.target, connections));
    return std::unique_ptr<Store>(std::move(pg));
  }
  GK_TRY(lite, SqliteStore::Open(where.target, connections));
  return std::unique_ptr<Store>(std::move(lite));
}

namespace {

// "user:secret@" in the authority becomes "user@".
std::string RedactUserInfo(std::string_view location) {
  auto scheme = location.find("://");
  if (scheme == std::string_view::npos) return std::string(location);
  const std::size_t from = scheme + 3;
  const std::size_t end = std::min(location.find_first_of("/?", from), location.size());
  const std::size_t at = location.rfind('@', end);
  if (at == std::string_view::npos || at < from) return std::string(location);
  std::string_view userinfo = location.substr(from, at - from);
  auto colon = userinfo.find(':');
  if (colon == std::string_view::npos) return std::string(location);
  return std::string(location.substr(0, from)) + std::string(userinfo.substr(0, colon)) +
         std::string(location.substr(at));
}

}  // namespace

std::string RedactedLocation(std::string_view location) {
  std::string out = RedactUserInfo(location);
  if (out.find("://") == std::string::npos) return out;
  // libpq also takes the password as a query parameter: "?password=…".
  const std::size_t query = out.find('?');
  if (query == std::string::npos) return out;
  std::size_t pos = query + 1;
  while (pos < out.size()) {
    std::size_t next = out.find('&', pos);
    if (next == std::string::npos) next = out.size();
    constexpr std::string_view kKey = "password=";
    if (next - pos >= kKey.size() && out.compare(pos, kKey.size(), kKey) == 0) {
      out.replace(pos + kKey.size(), next - pos - kKey.size(), "***");
      next = pos + kKey.size() + 3;
    }
    pos = next + 1;
  }
  return out;
}

}  // namespace gongkai
