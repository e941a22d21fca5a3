// sqlite3_backup_step(-1) copies every page inside one read transaction of
// the source connection. In WAL mode that transaction sees one committed
// state and neither blocks nor is blocked by writers in this or other
// processes (they append to the log; a checkpoint stops at the reader's
// snapshot until it ends). Copying in several steps would let another
// process's commit restart the copy, so it is done in one.
#include "storage/sqlite/snapshot.h"

#include <fcntl.h>
#include <fmt/core.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

namespace gongkai::sqlite {

namespace {

// Flushes `path` (a file or a directory) to disk.
Status SyncPath(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Unexpected(Error::Storage(fmt::format("无法打开“{}”：{}", path, std::strerror(errno))));
  const int rc = ::fsync(fd);
  const int saved = errno;
  ::close(fd);
  if (rc != 0) return Unexpected(Error::Storage(fmt::format("无法写入“{}”：{}", path, std::strerror(saved))));
  return Ok();
}

}  // namespace

Status SnapshotDatabase(const std::string& source, const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(source, ec))
    return Unexpected(Error::NotFound(fmt::format("数据库文件“{}”不存在", source)));
  if (std::filesystem::symlink_status(path, ec).type() != std::filesystem::file_type::not_found)
    return Unexpected(Error::Conflict(fmt::format("文件“{}”已存在，快照不会覆盖它", path), "path"));
  sqlite3* dest = nullptr;
  if (sqlite3_open_v2(path.c_str(), &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_EXCLUSIVE,
                      nullptr) != SQLITE_OK) {
    Error e = Error::Storage(fmt::format("无法创建快照文件“{}”：{}", path, dest ? sqlite3_errmsg(dest) : "内存不足"));
    sqlite3_close(dest);
    return Unexpected(std::move(e));
  }
  auto fail = [&](Error e) {
    sqlite3_close(dest);
    std::filesystem::remove(path, ec);
    std::filesystem::remove(path + "-journal", ec);
    return Unexpected(std::move(e));
  };
  {
    sqlite3* src = nullptr;
    if (sqlite3_open_v2(source.c_str(), &src, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      Error e = Error::Storage(fmt::format("无法打开数据库文件“{}”：{}", source, src ? sqlite3_errmsg(src) : "内存不足"));
      sqlite3_close(src);
      return fail(std::move(e));
    }
    sqlite3_busy_timeout(src, 10000);
    sqlite3_backup* b = sqlite3_backup_init(dest, "main", src, "main");
    if (!b) {
      sqlite3_close(src);
      return fail(Error::Storage(fmt::format("无法开始快照：{}", sqlite3_errmsg(dest))));
    }
    int rc = SQLITE_OK;
    // BUSY/LOCKED: the source could not be read this instant (e.g. while a
    // WAL recovery runs); nothing was copied, try again.
    for (int attempt = 0; attempt < 1000; ++attempt) {
      rc = sqlite3_backup_step(b, -1);
      if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    sqlite3_backup_finish(b);
    sqlite3_close(src);
    if (rc != SQLITE_DONE) return fail(Error::Storage(fmt::format("快照失败：{}", sqlite3_errstr(rc))));
  }
  // A single self-contained file (no -wal beside it), checked.
  if (sqlite3_exec(dest, "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr) != SQLITE_OK)
    return fail(Error::Storage(fmt::format("快照失败：{}", sqlite3_errmsg(dest))));
  {
    sqlite3_stmt* st = nullptr;
    std::string verdict;
    if (sqlite3_prepare_v2(dest, "PRAGMA integrity_check", -1, &st, nullptr) == SQLITE_OK) {
      while (sqlite3_step(st) == SQLITE_ROW) {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
        if (!verdict.empty()) verdict += "; ";
        verdict += text ? text : "";
        if (verdict.size() > 500) break;
      }
    }
    sqlite3_finalize(st);
    if (verdict != "ok")
      return fail(Error::Storage(fmt::format("快照未通过完整性检查（integrity_check）：{}", verdict)));
  }
  if (sqlite3_close(dest) != SQLITE_OK) return fail(Error::Storage("无法关闭快照文件"));
  dest = nullptr;
  GK_CHECK(SyncPath(path));
  return Ok();
}

}  // namespace gongkai::sqlite
