// Thin RAII wrappers over the SQLite C API: a connection, prepared
// statements with typed binding, and a transaction guard. Errors as values.
#pragma once

#include "storage/stored_text.h"

#include <sqlite3.h>

#include <cstdint>
#include <atomic>
#include <memory>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace gongkai::sqlite {

// Lists stored in one TEXT column, one entry per line (entries hold no '\n').
using storage::JoinLines;
using storage::SplitLines;  // "" -> {}

class Statement {
 public:
  // `cached`: the statement belongs to its connection's cache and is only
  // reset, not finalized, when this object goes away.
  Statement(sqlite3* db, sqlite3_stmt* stmt, bool cached = false) : db_(db), stmt_(stmt), cached_(cached) {}
  Statement(Statement&& o) noexcept : db_(o.db_), stmt_(o.stmt_), cached_(o.cached_) { o.stmt_ = nullptr; }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() {
    if (!stmt_) return;
    if (cached_) {
      sqlite3_reset(stmt_);
      sqlite3_clear_bindings(stmt_);
    } else {
      sqlite3_finalize(stmt_);
    }
  }

  Statement& Bind(int index, std::int64_t v) { sqlite3_bind_int64(stmt_, index, v); return *this; }
  Statement& Bind(int index, int v) { sqlite3_bind_int64(stmt_, index, v); return *this; }
  Statement& Bind(int index, bool v) { sqlite3_bind_int64(stmt_, index, v ? 1 : 0); return *this; }
  Statement& Bind(int index, std::string_view v) {
    sqlite3_bind_text(stmt_, index, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& Bind(int index, const char* v) { return Bind(index, std::string_view(v)); }
  Statement& Bind(int index, const std::string& v) { return Bind(index, std::string_view(v)); }
  Statement& BindNull(int index) { sqlite3_bind_null(stmt_, index); return *this; }
  // A pointer for a function that reads it with sqlite3_value_pointer(v, type); not owned.
  Statement& BindPointer(int index, void* p, const char* type) {
    sqlite3_bind_pointer(stmt_, index, p, type, nullptr);
    return *this;
  }
  Statement& BindBlob(int index, std::string_view v) {
    sqlite3_bind_blob64(stmt_, index, v.data(), v.size(), SQLITE_TRANSIENT);
    return *this;
  }

  // Advances: true when a row is available, false when done.
  [[nodiscard]] Result<bool> Step();
  // Runs to completion, ignoring rows.
  [[nodiscard]] Status Run();
  void Reset() { sqlite3_reset(stmt_); sqlite3_clear_bindings(stmt_); }

  std::int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  double Double(int col) const { return sqlite3_column_double(stmt_, col); }
  bool Bool(int col) const { return sqlite3_column_int64(stmt_, col) != 0; }
  std::string Text(int col) const {
    const unsigned char* p = sqlite3_column_text(stmt_, col);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
  }
  // The text of column `col`, valid until the next Step() or Reset().
  std::string_view TextView(int col) const {
    const unsigned char* p = sqlite3_column_text(stmt_, col);
    return p ? std::string_view(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string_view();
  }
  std::string Blob(int col) const {
    const void* p = sqlite3_column_blob(stmt_, col);
    return p ? std::string(static_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
  }
  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  bool cached_ = false;
};

class Connection {
 public:
  // Opens (creating if needed) the database at `path` with WAL journaling,
  // synchronous=FULL, foreign keys on and a busy timeout.
  [[nodiscard]] static Result<std::unique_ptr<Connection>> Open(const std::string& path);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  [[nodiscard]] Result<Statement> Prepare(std::string_view sql);
  // Like Prepare, but the compiled statement is kept for reuse by later
  // calls with the same SQL on this connection (for hot queries). Only one
  // Statement per SQL text may be alive at a time.
  [[nodiscard]] Result<Statement> PrepareCached(const std::string& sql);
  [[nodiscard]] Status Exec(std::string_view sql);
  // WAL checkpoints. A commit checkpoints (PASSIVE, as SQLite's automatic
  // checkpoint does) once the log holds kCheckpointFrames frames. While
  // deferred (`due` not null), it does not until the log holds
  // kDeferredCheckpointFrames, and sets *due instead, for a later
  // Checkpoint() outside the caller's path; DeferCheckpoints(nullptr) ends it.
  static constexpr int kCheckpointFrames = 1000;  // SQLite's default
  static constexpr int kDeferredCheckpointFrames = 10000;
  void DeferCheckpoints(std::atomic<bool>* due) { checkpoint_due_ = due; }
  [[nodiscard]] Status Checkpoint();
  std::int64_t LastInsertId() const { return sqlite3_last_insert_rowid(db_); }
  int Changes() const { return sqlite3_changes(db_); }
  sqlite3* raw() const { return db_; }
  std::string LastError() const { return sqlite3_errmsg(db_); }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  static int WalHook(void* self, sqlite3* db, const char* schema, int frames);
  sqlite3* db_;
  std::atomic<bool>* checkpoint_due_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

// A transaction that rolls back unless Commit() succeeded.
class Transaction {
 public:
  explicit Transaction(Connection& c) : c_(c) {}
  ~Transaction();
  [[nodiscard]] Status Begin();  // BEGIN IMMEDIATE: takes the write lock now
  [[nodiscard]] Status Commit();

 private:
  Connection& c_;
  bool open_ = false;
};

// A read snapshot: BEGIN (deferred, no lock taken) at Begin(), ended when
// the object goes out of scope. For several reads that must agree.
class ReadTransaction {
 public:
  explicit ReadTransaction(Connection& c) : c_(c) {}
  ~ReadTransaction();
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;
  [[nodiscard]] Status Begin();

 private:
  Connection& c_;
  bool open_ = false;
};

// A fixed set of connections shared by threads. Lease() blocks until one is free.
class Pool {
 public:
  class Lease {
   public:
    Lease(Pool* pool, Connection* c) : pool_(pool), c_(c) {}
    Lease(Lease&& o) noexcept : pool_(o.pool_), c_(o.c_) { o.c_ = nullptr; }
    Lease(const Lease&) = delete;
    ~Lease() { if (c_) pool_->Release(c_); }
    Connection& operator*() const { return *c_; }
    Connection* operator->() const { return c_; }
   private:
    Pool* pool_;
    Connection* c_;
  };

  // `init` runs on every new connection (e.g. to register functions).
  [[nodiscard]] static Result<std::unique_ptr<Pool>> Open(const std::string& path, int size,
                                                          const std::function<Status(Connection&)>& init = {});
  Lease Acquire();

 private:
  void Release(Connection* c);
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> all_;
  std::vector<Connection*> free_;
};

}  // namespace gongkai::sqlite
