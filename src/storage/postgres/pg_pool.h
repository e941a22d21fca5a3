// PostgreSQL connections for PgStore: a small thread-safe pool of libpqxx
// connections and the one place where libpqxx's exceptions become Error
// values (nothing thrown by libpqxx may leave the store).
#pragma once

#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <pqxx/pqxx>
#include <string>
#include <type_traits>
#include <vector>

#include "core/error.h"
#include "storage/stored_text.h"

namespace gongkai::pg {

// The Error for an exception thrown while talking to PostgreSQL:
// unique_violation -> Conflict (the caller may replace the message with a
// precise one, as the SQLite adapter does); anything else -> Storage.
// `what` names the operation for the message. A broken_connection here is
// a connection lost after it was made ("连接中断"); for one thrown while
// connecting, see Connect.
Error ErrorFromException(std::exception_ptr e, const std::string& what);

// Opens a connection to `url` (a libpq connection string or URI). When it
// cannot be made (refused, unknown host, authentication, no such database),
// a Storage error "无法连接 PostgreSQL" with libpq's own explanation.
[[nodiscard]] Result<std::unique_ptr<pqxx::connection>> Connect(const std::string& url);

// A fixed number of connections shared by the server's threads. Acquire()
// blocks until one is free. A connection found broken (server restart,
// network) is replaced by a new one on the next Acquire().
class Pool {
 public:
  class Lease {
   public:
    Lease(Pool* pool, std::unique_ptr<pqxx::connection> c) : pool_(pool), c_(std::move(c)) {}
    Lease(Lease&& o) noexcept = default;
    Lease(const Lease&) = delete;
    ~Lease() {
      if (c_) pool_->Release(std::move(c_));
    }
    pqxx::connection& operator*() const { return *c_; }
    pqxx::connection* operator->() const { return c_.get(); }

   private:
    Pool* pool_;
    std::unique_ptr<pqxx::connection> c_;
  };

  // Connects `size` times to `url` (a libpq connection string or URI).
  [[nodiscard]] static Result<std::unique_ptr<Pool>> Open(const std::string& url, int size);
  [[nodiscard]] Result<Lease> Acquire();

 private:
  explicit Pool(std::string url) : url_(std::move(url)) {}
  void Release(std::unique_ptr<pqxx::connection> c);

  std::string url_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<pqxx::connection>> free_;
  int size_ = 0;
};

// Runs `body(connection)` on a leased connection and returns its result;
// an exception from libpqxx (or the standard library) is turned into an
// Error by ErrorFromException. `body` returns a Result<T> or Status.
template <typename F>
auto WithConnection(Pool& pool, const std::string& what, F&& body) -> std::invoke_result_t<F, pqxx::connection&> {
  auto lease = pool.Acquire();
  if (!lease) return Unexpected(std::move(lease).error());
  try {
    return body(**lease);
  } catch (...) {
    return Unexpected(ErrorFromException(std::current_exception(), what));
  }
}

// A read-only transaction on one snapshot, for several reads that must agree.
using Snapshot = pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>;

// Lists stored in one TEXT column, one entry per line, as the SQLite
// adapter stores them (so data moves between backends unchanged).
using storage::JoinLines;
using storage::SplitLines;

// A PostgreSQL array literal of ids ("{1,2,3}") for `= ANY($n::bigint[])`.
std::string IdArray(const std::vector<std::int64_t>& ids);

// The current time as ISO 8601 UTC ("2026-09-25T02:00:00Z").
using storage::NowUtc;

}  // namespace gongkai::pg
