// A publication interrupted by a killed process leaves either nothing or the
// whole record: `gongkai init --demo` publishes ~150 records through the real
// actions; it is SIGKILLed at random moments and the database is checked.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <thread>

#include "tests/blackbox/harness.h"

namespace gongkai::testing {
namespace {

long long Scalar(sqlite3* db, const char* sql) {
  sqlite3_stmt* st = nullptr;
  long long v = -1;
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

std::string Text(sqlite3* db, const char* sql) {
  sqlite3_stmt* st = nullptr;
  std::string v;
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
    auto* t = sqlite3_column_text(st, 0);
    v = t ? reinterpret_cast<const char*>(t) : "";
  }
  sqlite3_finalize(st);
  return v;
}

TEST(CrashSafety, KilledPublishingLeavesWholeRecordsOnly) {
  // The checks read SQLite's own structures (WAL recovery, integrity_check).
  if (PgBackend()) GTEST_SKIP() << "an embedded-database test";
  // How long an uninterrupted run takes on this build (sanitizers are slower).
  TempDir probe;
  auto t0 = std::chrono::steady_clock::now();
  auto full = RunGongkai({"init", "--demo", "--db", (probe / "full.db").string()});
  ASSERT_EQ(full.exit_code, 0) << full.err;
  int run_ms = static_cast<int>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count());
  std::mt19937 rng(12345);
  int checked_with_records = 0;
  for (int round = 0; round < 12; ++round) {
    TempDir dir;
    auto db = dir / "crash.db";
    pid_t pid = fork();
    if (pid == 0) {
      int null = open("/dev/null", O_WRONLY);
      dup2(null, 1);
      dup2(null, 2);
      execl(GONGKAI_BIN, GONGKAI_BIN, "init", "--demo", "--db", db.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    // Somewhere between 30% and 95% of a full run: inside the publishing.
    int at = run_ms * 30 / 100 + static_cast<int>(rng() % static_cast<unsigned>(std::max(1, run_ms * 65 / 100)));
    std::this_thread::sleep_for(std::chrono::milliseconds(at));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);

    sqlite3* h = nullptr;
    ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);  // read-write: recovers the WAL
    EXPECT_EQ(Text(h, "PRAGMA integrity_check"), "ok") << "round " << round;
    if (Scalar(h, "SELECT count(*) FROM sqlite_master WHERE name = 'records'") == 1) {
      long long records = Scalar(h, "SELECT count(*) FROM records WHERE published_version > 0");
      if (records > 0) ++checked_with_records;
      // Every published record has exactly its versions, a 索引号 and one audit entry per publication.
      EXPECT_EQ(Scalar(h,
                       "SELECT count(*) FROM records r WHERE published_version <> "
                       "(SELECT count(*) FROM record_versions v WHERE v.record_id = r.id)"),
                0)
          << "round " << round;
      EXPECT_EQ(Scalar(h, "SELECT count(*) FROM records WHERE (published_version > 0) <> (index_number IS NOT NULL)"), 0);
      EXPECT_EQ(Scalar(h, "SELECT count(*) FROM record_versions"),
                Scalar(h, "SELECT count(*) FROM audit_log WHERE action = '发布公开信息'"))
          << "round " << round;
      EXPECT_EQ(Scalar(h, "SELECT count(*) - count(DISTINCT index_number) FROM records WHERE index_number IS NOT NULL"),
                0);
      // A published obligation points at a published record, and vice versa.
      EXPECT_EQ(Scalar(h,
                       "SELECT count(*) FROM obligations o WHERE o.state = 'published' AND NOT EXISTS "
                       "(SELECT 1 FROM records r WHERE r.id = o.record_id AND r.published_version > 0)"),
                0);
      EXPECT_EQ(Scalar(h,
                       "SELECT count(*) FROM records r WHERE r.published_version > 0 AND r.obligation_id > 0 AND "
                       "NOT EXISTS (SELECT 1 FROM obligations o WHERE o.id = r.obligation_id AND o.state = 'published')"),
                0);
    }
    sqlite3_close(h);
  }
  // The kills must have landed while records were being published.
  EXPECT_GT(checked_with_records, 3);
}

}  // namespace
}  // namespace gongkai::testing
