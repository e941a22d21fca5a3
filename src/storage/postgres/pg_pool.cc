#include "storage/postgres/pg_pool.h"

#include <fmt/core.h>

#include <chrono>

namespace gongkai::pg {

Error ErrorFromException(std::exception_ptr e, const std::string& what) {
  try {
    std::rethrow_exception(e);
  } catch (const pqxx::unique_violation&) {
    return Error::Conflict(fmt::format("数据已存在（{}）", what));
  } catch (const pqxx::broken_connection& ex) {
    return Error::Storage(fmt::format("与 PostgreSQL 的连接中断（{}）：{}", what, ex.what()));
  } catch (const pqxx::sql_error& ex) {
    return Error::Storage(fmt::format("数据库操作失败（{}）：{}", what, ex.what()));
  } catch (const std::exception& ex) {
    return Error::Storage(fmt::format("数据库操作失败（{}）：{}", what, ex.what()));
  } catch (...) {
    return Error::Storage(fmt::format("数据库操作失败（{}）：未知错误", what));
  }
}

Result<std::unique_ptr<pqxx::connection>> Connect(const std::string& url) {
  try {
    return std::make_unique<pqxx::connection>(url);
  } catch (const pqxx::broken_connection& ex) {
    // libpq's text ends with a newline and often has several lines.
    std::string detail = ex.what();
    while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' ')) detail.pop_back();
    return Unexpected(Error::Storage(fmt::format("无法连接 PostgreSQL：{}", detail)));
  } catch (...) {
    return Unexpected(ErrorFromException(std::current_exception(), "连接 PostgreSQL"));
  }
}

Result<std::unique_ptr<Pool>> Pool::Open(const std::string& url, int size) {
  std::unique_ptr<Pool> pool(new Pool(url));
  pool->size_ = size < 1 ? 1 : size;
  for (int i = 0; i < pool->size_; ++i) {
    GK_TRY(c, Connect(url));
    pool->free_.push_back(std::move(c));
  }
  return pool;
}

Result<Pool::Lease> Pool::Acquire() {
  std::unique_ptr<pqxx::connection> c;
  {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !free_.empty(); });
    c = std::move(free_.back());
    free_.pop_back();
  }
  if (c && c->is_open()) return Lease(this, std::move(c));
  // Broken: reconnect outside the lock. On failure the slot goes back empty
  // (a null pointer), so that a later Acquire() tries again.
  auto fresh = Connect(url_);
  if (!fresh) {
    Release(nullptr);
    return Unexpected(std::move(fresh).error());
  }
  return Lease(this, std::move(*fresh));
}

void Pool::Release(std::unique_ptr<pqxx::connection> c) {
  {
    std::lock_guard lock(mu_);
    free_.push_back(std::move(c));
  }
  cv_.notify_one();
}

std::string IdArray(const std::vector<std::int64_t>& ids) {
  std::string out = "{";
  for (std::size_t i = 0; i < ids.size(); ++i) out += (i ? "," : "") + std::to_string(ids[i]);
  return out + "}";
}

}  // namespace gongkai::pg
