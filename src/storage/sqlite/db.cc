#include "storage/sqlite/db.h"

#include <fmt/core.h>

namespace gongkai::sqlite {

namespace {
Error StorageError(sqlite3* db, std::string_view what) {
  return Error::Storage(fmt::format("数据库操作失败（{}）：{}", what, db ? sqlite3_errmsg(db) : "无法打开"));
}
}  // namespace


Result<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Error e = StorageError(db_, "执行");
  if (rc == SQLITE_CONSTRAINT || (rc & 0xff) == SQLITE_CONSTRAINT) e.code = ErrorCode::kConflict;
  return Unexpected(e);
}

Status Statement::Run() {
  while (true) {
    auto r = Step();
    if (!r) return Unexpected(r.error());
    if (!*r) return Ok();
  }
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Error e = Error::Storage(fmt::format("无法打开数据库文件“{}”：{}", path, db ? sqlite3_errmsg(db) : "内存不足"));
    sqlite3_close(db);
    return Unexpected(e);
  }
  std::unique_ptr<Connection> c(new Connection(db));
  sqlite3_busy_timeout(db, 10000);
  sqlite3_wal_hook(db, &Connection::WalHook, c.get());  // replaces the automatic checkpoint
  // mmap: reads of large tables (dashboards, search) map pages instead of
  // copying them with a system call each; a bigger page cache for the rest.
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON",
                             "PRAGMA mmap_size=2147418112", "PRAGMA cache_size=-32768"}) {
    if (auto s = c->Exec(pragma); !s) return Unexpected(s.error());
  }
  return c;
}

int Connection::WalHook(void* self, sqlite3* db, const char* schema, int frames) {
  auto* c = static_cast<Connection*>(self);
  if (frames < kCheckpointFrames) return SQLITE_OK;
  if (c->checkpoint_due_ && frames < kDeferredCheckpointFrames) {
    c->checkpoint_due_->store(true);
    return SQLITE_OK;
  }
  // As sqlite3WalDefaultHook: a failed or busy checkpoint is retried by a later commit.
  (void)sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  return SQLITE_OK;
}

Status Connection::Checkpoint() {
  const int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  if (rc != SQLITE_OK && rc != SQLITE_BUSY) return Unexpected(StorageError(db_, "检查点"));
  return Ok();
}

Connection::~Connection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Result<Statement> Connection::PrepareCached(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                           nullptr) != SQLITE_OK)
      return Unexpected(StorageError(db_, "准备语句"));
    it = cache_.emplace(sql, stmt).first;
  }
  return Statement(db_, it->second, true);
}

Result<Statement> Connection::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) return Unexpected(StorageError(db_, "准备语句"));
  return Statement(db_, stmt);
}

Status Connection::Exec(std::string_view sql) {
  std::string s(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    return Unexpected(Error::Storage(fmt::format("数据库操作失败：{}", msg)));
  }
  return Ok();
}

Transaction::~Transaction() {
  if (open_) (void)c_.Exec("ROLLBACK");
}

ReadTransaction::~ReadTransaction() {
  if (open_) (void)c_.Exec("COMMIT");
}

Status ReadTransaction::Begin() {
  GK_CHECK(c_.Exec("BEGIN"));
  open_ = true;
  return Ok();
}

Status Transaction::Begin() {
  GK_CHECK(c_.Exec("BEGIN IMMEDIATE"));
  open_ = true;
  return Ok();
}

Status Transaction::Commit() {
  GK_CHECK(c_.Exec("COMMIT"));
  open_ = false;
  return Ok();
}

Result<std::unique_ptr<Pool>> Pool::Open(const std::string& path, int size,
                                         const std::function<Status(Connection&)>& init) {
  auto pool = std::make_unique<Pool>();
  for (int i = 0; i < std::max(1, size); ++i) {
    GK_TRY(c, Connection::Open(path));
    if (init) GK_CHECK(init(*c));
    pool->free_.push_back(c.get());
    pool->all_.push_back(std::move(c));
  }
  return pool;
}

Pool::Lease Pool::Acquire() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return !free_.empty(); });
  Connection* c = free_.back();
  free_.pop_back();
  return Lease(this, c);
}

void Pool::Release(Connection* c) {
  {
    std::lock_guard lock(mu_);
    free_.push_back(c);
  }
  cv_.notify_one();
}

}  // namespace gongkai::sqlite
