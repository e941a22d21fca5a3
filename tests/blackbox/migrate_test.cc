// `gongkai migrate`: a district on the embedded database moves into
// PostgreSQL and loses nothing. Needs a PostgreSQL server, so it runs in
// the "pg:" pass of the black-box tests (harness.h PgBackend) and is
// skipped in the SQLite pass.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <pqxx/pqxx>
#include <string>
#include <thread>

#include "tests/blackbox/draft_json.h"
#include "tests/blackbox/harness.h"

namespace gongkai::testing {
namespace {

// Every file of a directory tree: relative path -> content.
std::map<std::string, std::string> TreeOf(const std::filesystem::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out[std::filesystem::relative(e.path(), dir).string()] = ReadFile(e.path());
  return out;
}

class MigrateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!PgBackend()) GTEST_SKIP() << "needs PostgreSQL (runs as pg:MigrateTest.*)";
    source_ = dir_ / "district.db";
    target_ = dir_ / "province";  // stands for a fresh PostgreSQL database
    auto init = RunGongkai({"init", "--demo", "--db", "sqlite:" + source_.string()});
    ASSERT_EQ(init.exit_code, 0) << init.err;
  }

  CommandResult Migrate(const std::filesystem::path& source, const std::string& site = "demo") {
    return RunGongkai({"migrate", "--from", "sqlite:" + source.string(), "--to", DbLocation(target_), "--site", site});
  }

  // The source as the Db* helpers read it (harness.h: "sqlite:" = embedded).
  std::filesystem::path Lite() const { return "sqlite:" + source_.string(); }

  // Runs `sql` on the source file; the number of rows it changed.
  int EditSource(const std::string& sql) {
    sqlite3* h = nullptr;
    EXPECT_EQ(sqlite3_open(source_.c_str(), &h), SQLITE_OK);
    char* err = nullptr;
    const int rc = sqlite3_exec(h, sql.c_str(), nullptr, nullptr, &err);
    EXPECT_EQ(rc, SQLITE_OK) << sql << ": " << (err ? err : "");
    sqlite3_free(err);
    const int changed = sqlite3_changes(h);
    sqlite3_close(h);
    return changed;
  }

  // Runs `sql` on the target (PostgreSQL) database, committed.
  void EditTarget(const std::string& sql) {
    pqxx::connection c(DbLocation(target_));
    pqxx::work tx(c);
    tx.exec(sql);
    tx.commit();
  }

  TempDir dir_;
  std::filesystem::path source_, target_;
};

TEST_F(MigrateTest, CopiesTheWholeSiteAndItVerifiesTheSame) {
  auto m = Migrate(source_);
  ASSERT_EQ(m.exit_code, 0) << m.out << m.err;
  EXPECT_NE(m.out.find("核对一致"), std::string::npos) << m.out;

  // Row for row: every table of the site has the source's count.
  for (const char* table : {"records", "record_versions", "publication_events", "ledger_leaves", "ledger_heads",
                            "audit_log", "deadlines", "obligations", "units", "items"}) {
    const std::string sql = std::string("SELECT count(*) FROM ") + table;
    const long long want = DbScalar(Lite(), sql.c_str());
    EXPECT_GT(want, 0) << table;
    EXPECT_EQ(DbScalar(target_, sql.c_str()), want) << table;
  }
  // The open-data dump of the copy (records, versions, ledger, signed
  // heads) is byte for byte the source's, and it verifies.
  auto from = RunGongkai({"dump", "--db", "sqlite:" + source_.string(), "--out", (dir_ / "from").string()});
  ASSERT_EQ(from.exit_code, 0) << from.err;
  auto to = RunGongkai({"dump", "--db", target_.string(), "--ledger-key", source_.string() + ".ledger-key", "--out",
                        (dir_ / "to").string()});
  ASSERT_EQ(to.exit_code, 0) << to.err;
  auto a = TreeOf(dir_ / "from"), b = TreeOf(dir_ / "to");
  EXPECT_GT(a.size(), 2u);
  EXPECT_TRUE(a == b) << "the dumps differ";
  auto verify = RunGongkai({"verify", "--dir", (dir_ / "to").string()});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  // Its search index is complete, and the portal on it finds a record of
  // the source by its title, at the same URL.
  auto check = RunGongkai({"search", "check", "--db", target_.string()});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_NE(check.out.find("缺漏0条"), std::string::npos) << check.out;
  const std::string id = DbText(Lite(), "SELECT id FROM records WHERE published_version > 0 ORDER BY id LIMIT 1");
  const std::string title = DbText(Lite(), "SELECT published_title FROM records WHERE published_version > 0 ORDER BY id LIMIT 1");
  ASSERT_FALSE(title.empty());
  ServerProcess server(target_, {"--ledger-key", source_.string() + ".ledger-key"});
  ASSERT_TRUE(server.Start());
  auto page = server.Client()->Get("/records/" + id);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find(title), std::string::npos);
  auto found = server.Client()->Get("/search?q=" + UrlEncode(title));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->status, 200);
  EXPECT_NE(found->body.find("/records/" + id + "\""), std::string::npos);
  // New records continue after the copied ids (the id sequences moved on).
  EXPECT_GT(DbScalar(target_, "SELECT last_value FROM records_id_seq"),
            DbScalar(Lite(), "SELECT max(id) FROM records") - 1);
}

TEST_F(MigrateTest, RunningItAgainChangesNothing) {
  ASSERT_EQ(Migrate(source_).exit_code, 0);
  const std::string before = DumpDatabase(target_);
  auto again = Migrate(source_);
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("未作修改"), std::string::npos) << again.out;
  EXPECT_EQ(DumpDatabase(target_), before);
}

TEST_F(MigrateTest, ADifferentCopyOrCollidingIdsAreRefusedAndWriteNothing) {
  ASSERT_EQ(Migrate(source_).exit_code, 0);
  const std::string before = DumpDatabase(target_);
  // The source changed after the copy: the target's site no longer matches.
  auto add = RunGongkai({"user", "add", "--username", "later_admin", "--role", "admin", "--db",
                         "sqlite:" + source_.string()},
                        {}, "Later-Passw0rd-123\n");
  ASSERT_EQ(add.exit_code, 0) << add.err;
  auto changed = Migrate(source_);
  EXPECT_NE(changed.exit_code, 0);
  EXPECT_NE(changed.err.find("accounts"), std::string::npos) << changed.err;
  EXPECT_EQ(DumpDatabase(target_), before);
  // Another district's embedded database numbers its rows from 1 too.
  auto other = dir_ / "other.db";
  auto init = RunGongkai({"init", "--db", "sqlite:" + other.string(), "--site", "other", "--site-name", "另一区人民政府"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  auto collide = Migrate(other, "other");
  EXPECT_NE(collide.exit_code, 0);
  EXPECT_NE(collide.err.find("已有"), std::string::npos) << collide.err;
  EXPECT_EQ(DumpDatabase(target_), before);
}

// A calendar version the target already has must match day for day, not
// only in its stamp and size.
TEST_F(MigrateTest, ACalendarWithTheSameStampButOtherDaysIsRefused) {
  ASSERT_EQ(Migrate(source_).exit_code, 0);
  const std::string before = DumpDatabase(target_);
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(source_.c_str(), &h), SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(h,
                              "UPDATE calendar_days SET name = name || '（改）' WHERE rowid = (SELECT rowid FROM "
                              "calendar_days ORDER BY version_id, day LIMIT 1 OFFSET 3)",
                              nullptr, nullptr, &err);
  EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  EXPECT_EQ(sqlite3_changes(h), 1);
  sqlite3_close(h);
  auto again = Migrate(source_);
  EXPECT_NE(again.exit_code, 0) << again.out;
  EXPECT_NE(again.err.find("工作日历"), std::string::npos) << again.err;
  EXPECT_NE(again.err.find("（改）"), std::string::npos) << "the differing day is named: " << again.err;
  EXPECT_EQ(DumpDatabase(target_), before);
}

// Regression: a re-run compared only row counts, so a source whose content
// changed (same number of rows) was reported as matching the target.
TEST_F(MigrateTest, AChangedSourceWithTheSameRowCountsIsRefusedNamingTheTable) {
  ASSERT_EQ(Migrate(source_).exit_code, 0);
  const std::string before = DumpDatabase(target_);
  const std::string name = DbText(Lite(), "SELECT name FROM sites WHERE slug = 'demo'");
  ASSERT_FALSE(name.empty());
  ASSERT_EQ(EditSource("UPDATE sites SET name = '改名区' WHERE slug = 'demo'"), 1);
  auto renamed = Migrate(source_);
  EXPECT_NE(renamed.exit_code, 0) << renamed.out;
  EXPECT_NE(renamed.err.find("不一致"), std::string::npos) << renamed.err;
  EXPECT_NE(renamed.err.find("sites：1行内容不同"), std::string::npos) << renamed.err;
  EXPECT_EQ(renamed.err.find("record_versions"), std::string::npos) << "only the table that differs: " << renamed.err;
  EXPECT_EQ(DumpDatabase(target_), before);

  ASSERT_EQ(EditSource("UPDATE sites SET name = '" + name + "' WHERE slug = 'demo'"), 1);
  const std::string record = DbText(Lite(), "SELECT max(record_id) FROM record_versions");
  const std::string version = DbText(Lite(), ("SELECT max(version) FROM record_versions WHERE record_id = " + record).c_str());
  const std::string edited = "record_id = " + record + " AND version = " + version;
  ASSERT_EQ(EditSource("UPDATE record_versions SET title = title || '（改）' WHERE " + edited), 1);
  auto retitled = Migrate(source_);
  EXPECT_NE(retitled.exit_code, 0) << retitled.out;
  EXPECT_NE(retitled.err.find("record_versions：1行内容不同（首个为源数据库的 record_id = " + record +
                              ", version = " + version + " 行）"),
            std::string::npos)
      << retitled.err;
  EXPECT_EQ(retitled.err.find("sites："), std::string::npos) << retitled.err;
  EXPECT_EQ(DumpDatabase(target_), before);

  // Put back as it was, the source matches again.
  ASSERT_EQ(EditSource("UPDATE record_versions SET title = substr(title, 1, length(title) - 3) WHERE " + edited), 1);
  auto same = Migrate(source_);
  EXPECT_EQ(same.exit_code, 0) << same.err;
  EXPECT_NE(same.out.find("未作修改"), std::string::npos) << same.out;
}

// Regression: a database made by `gongkai init` has the built-in calendar
// as version 1, as the source does, stamped with another creation time;
// the copy refused it as "another calendar version 1".
TEST_F(MigrateTest, TheBuiltInCalendarOfAnInitialisedTargetIsTheSameVersion) {
  // The district's second site, whose ids the province's own site (made by
  // init) does not use.
  auto east = RunGongkai({"site", "add", "--slug", "east", "--name", "东区人民政府", "--db", "sqlite:" + source_.string()});
  ASSERT_EQ(east.exit_code, 0) << east.out << east.err;
  auto init = RunGongkai({"init", "--db", target_.string(), "--site", "province", "--site-name", "省级平台"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  ASSERT_EQ(DbScalar(target_, "SELECT count(*) FROM calendar_versions"), 1);
  // Both were made within the same second, or not: their stamps differ in
  // any case once the source's is set back, as a district's older one is.
  ASSERT_EQ(EditSource("UPDATE calendar_versions SET created_at = '2020-01-01T00:00:00Z' WHERE id = 1"), 1);
  ASSERT_NE(DbText(target_, "SELECT created_at FROM calendar_versions WHERE id = 1"),
            DbText(Lite(), "SELECT created_at FROM calendar_versions WHERE id = 1"));

  // Other days under the same number are still refused.
  const std::string before = DumpDatabase(target_);
  ASSERT_EQ(EditSource("UPDATE calendar_days SET name = name || '（改）' WHERE version_id = 1 AND rowid = (SELECT rowid "
                       "FROM calendar_days WHERE version_id = 1 ORDER BY day LIMIT 1 OFFSET 3)"),
            1);
  auto other_days = Migrate(source_, "east");
  EXPECT_NE(other_days.exit_code, 0) << other_days.out;
  EXPECT_NE(other_days.err.find("第1版工作日历"), std::string::npos) << other_days.err;
  EXPECT_NE(other_days.err.find("（改）"), std::string::npos) << other_days.err;
  EXPECT_EQ(DumpDatabase(target_), before);
  ASSERT_EQ(EditSource("UPDATE calendar_days SET name = substr(name, 1, length(name) - 3) WHERE name LIKE '%（改）'"), 1);

  auto m = Migrate(source_, "east");
  ASSERT_EQ(m.exit_code, 0) << m.out << m.err;
  EXPECT_NE(m.out.find("新增工作日历0版"), std::string::npos) << m.out;
  EXPECT_EQ(DbScalar(target_, "SELECT count(*) FROM calendar_versions"), 1);
  EXPECT_EQ(DbScalar(target_, "SELECT count(*) FROM sites"), 2);
  auto again = Migrate(source_, "east");
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("未作修改"), std::string::npos) << again.out;
}

// Regression: a migrate stopped after its commit but before the search
// index was built left a site whose re-run failed ("请运行 gongkai search
// reindex"). The re-run finishes the index.
TEST_F(MigrateTest, ARerunFinishesAnUnfinishedSearchIndex) {
  ASSERT_EQ(Migrate(source_).exit_code, 0);
  const long long indexed = DbScalar(target_, "SELECT count(*) FROM search_docs");
  ASSERT_GT(indexed, 1);
  // What the stopped run left: the rows committed, the index partly built.
  EditTarget("DELETE FROM search_docs WHERE record_id > (SELECT min(record_id) FROM search_docs)");
  auto again = Migrate(source_);
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("已重建"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("缺" + std::to_string(indexed - 1) + "条"), std::string::npos) << again.out;
  EXPECT_EQ(DbScalar(target_, "SELECT count(*) FROM search_docs"), indexed);
  auto check = RunGongkai({"search", "check", "--db", target_.string()});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_NE(check.out.find("缺漏0条"), std::string::npos) << check.out;
  // A third run has nothing left to do.
  auto third = Migrate(source_);
  EXPECT_EQ(third.exit_code, 0) << third.err;
  EXPECT_NE(third.out.find("未作修改"), std::string::npos) << third.out;
}

// Two migrates of the same site at once: one copies, the other waits for
// it, finds the same site and, if the index is not finished yet, builds it.
TEST_F(MigrateTest, TwoMigratesAtOnceBothSucceed) {
  const std::vector<std::string> args = {GONGKAI_BIN, "migrate", "--from", "sqlite:" + source_.string(),
                                         "--to", DbLocation(target_), "--site", "demo"};
  const pid_t a = SpawnWithLog(args, dir_ / "a.log"), b = SpawnWithLog(args, dir_ / "b.log");
  ASSERT_GT(a, 0);
  ASSERT_GT(b, 0);
  int status_a = -1, status_b = -1;
  waitpid(a, &status_a, 0);
  waitpid(b, &status_b, 0);
  EXPECT_TRUE(WIFEXITED(status_a) && WEXITSTATUS(status_a) == 0) << ReadFile(dir_ / "a.log");
  EXPECT_TRUE(WIFEXITED(status_b) && WEXITSTATUS(status_b) == 0) << ReadFile(dir_ / "b.log");
  auto check = RunGongkai({"search", "check", "--db", target_.string()});
  EXPECT_NE(check.out.find("缺漏0条"), std::string::npos) << check.out;
  EXPECT_EQ(DbScalar(target_, "SELECT count(*) FROM sites"), 1);
}

// Regression: a directory given as the source was said not to exist.
TEST_F(MigrateTest, ADirectoryAsTheSourceIsNotAFile) {
  auto dir = RunGongkai({"migrate", "--from", "sqlite:" + dir_.path().string(), "--to", DbLocation(target_)});
  EXPECT_EQ(dir.exit_code, 2) << dir.err;
  EXPECT_NE(dir.err.find("是目录，不是数据库文件"), std::string::npos) << dir.err;
  EXPECT_EQ(dir.err.find("不存在"), std::string::npos) << dir.err;
}

// Regression: a server that cannot be reached was reported as a connection
// "interrupted" (连接中断).
TEST_F(MigrateTest, AnUnreachableServerIsReportedAsSuch) {
  auto nobody = RunGongkai({"migrate", "--from", "sqlite:" + source_.string(), "--to",
                            "postgresql://gongkai@127.0.0.1:1/gongkai?connect_timeout=5"});
  EXPECT_EQ(nobody.exit_code, 1) << nobody.err;
  EXPECT_NE(nobody.err.find("无法连接 PostgreSQL："), std::string::npos) << nobody.err;
  EXPECT_NE(nobody.err.find("127.0.0.1"), std::string::npos) << "libpq's detail: " << nobody.err;
  EXPECT_EQ(nobody.err.find("连接中断"), std::string::npos) << nobody.err;
}

// Publishes a new record of 区财政局 through the API with the two tokens;
// its id, or 0 (with a failure).
std::int64_t PublishByApi(const ServerProcess& server, const std::string& host, const std::string& liaison,
                          const std::string& leader, const std::string& title) {
  auto call = [&](const std::string& path, const std::string& token, const std::string& body) {
    httplib::Headers h{{"Host", host}, {"Authorization", "Bearer " + token}};
    auto res = server.Client()->Post(path.c_str(), h, body, "application/json");
    if (!res || (res->status != 200 && res->status != 201)) {
      ADD_FAILURE() << "POST " << path << ": " << (res ? res->body : std::string("no response"));
      return nlohmann::json();
    }
    return nlohmann::json::parse(res->body, nullptr, false);
  };
  auto created = call("/api/v1/records", liaison, ApiDraftJson("区财政局", title));
  if (!created.is_object() || !created.contains("id")) return 0;
  const std::int64_t id = created["id"].get<std::int64_t>();
  const std::string base = "/api/v1/records/" + std::to_string(id);
  call(base + "/submit", liaison, "");
  call(base + "/approve", leader, R"({"no_state_secret":true,"no_commercial_secret":true,"personal_info_handled":true})");
  auto published = call(base + "/publish", liaison, "");
  return published.is_object() && published.value("status", "") == "published" ? id : 0;
}

// Regression: a site that was not the first of its embedded database
// (its key in FILE.ledger-key.<slug>) is the first of a fresh PostgreSQL
// database; served as `migrate` says, or with the deployment's key path,
// it goes on signing with its own key, and no other key is registered.
TEST_F(MigrateTest, ASiteThatWasNotFirstSignsWithItsOwnKeyAfterTheMove) {
  auto add = RunGongkai({"site", "add", "--db", "sqlite:" + source_.string(), "--slug", "east", "--name",
                         "东区人民政府", "--host", "east.example"});
  ASSERT_EQ(add.exit_code, 0) << add.out << add.err;
  const std::filesystem::path own = source_.string() + ".ledger-key.east";
  ASSERT_TRUE(std::filesystem::exists(own));
  const std::string east_key = DbText(Lite(),
                                      "SELECT verifier_key FROM ledger_keys WHERE retired_at = '' AND site_id = "
                                      "(SELECT id FROM sites WHERE slug = 'east')");
  ASSERT_TRUE(east_key.starts_with("gongkai/east+")) << east_key;
  auto m = Migrate(source_, "east");
  ASSERT_EQ(m.exit_code, 0) << m.out << m.err;
  // The printed serve command names a path holding east's key.
  const std::string flag = "--ledger-key ";
  const auto at = m.out.find(flag);
  ASSERT_NE(at, std::string::npos) << m.out;
  const auto start = at + flag.size();
  const std::string hinted = m.out.substr(start, m.out.find_first_of(" \n", start) - start);
  EXPECT_EQ(ReadFile(hinted), ReadFile(own)) << m.out;

  std::string tokens[2];
  const char* roles[2] = {"liaison", "leader"};
  for (int i = 0; i < 2; ++i) {
    auto tok = RunGongkai({"token", "add", "--db", target_.string(), "--site", "east", "--name", std::string("接口") + roles[i],
                           "--unit", "区财政局", "--role", roles[i], "--secret-only"});
    ASSERT_EQ(tok.exit_code, 0) << tok.err;
    tokens[i] = tok.out.substr(0, tok.out.find_first_of("\r\n"));
  }
  int published = 0;
  for (const std::string& key_path : {hinted, source_.string() + ".ledger-key"}) {
    SCOPED_TRACE("--ledger-key " + key_path);
    ServerProcess server(target_, {"--site", "east", "--ledger-key", key_path});
    ASSERT_TRUE(server.Start());
    ASSERT_GT(PublishByApi(server, "east.example", tokens[0], tokens[1], "东区采购合同" + std::to_string(published)), 0);
    ++published;
    // The sequencer signs a head over the new leaf.
    std::string checkpoint;
    for (auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
         std::chrono::steady_clock::now() < until;) {
      auto res = server.Client()->Get("/api/v1/ledger/checkpoint", httplib::Headers{{"Host", "east.example"}});
      if (res && res->status == 200 && res->body.starts_with("gongkai/east\n" + std::to_string(published) + "\n")) {
        checkpoint = res->body;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    ASSERT_FALSE(checkpoint.empty()) << ReadFile(server.log_path());
    EXPECT_NE(checkpoint.find("\n— gongkai/east "), std::string::npos) << checkpoint;
    EXPECT_EQ(checkpoint.find("gongkai/demo"), std::string::npos) << checkpoint;
    // east's key is still its only key, and current.
    auto keys = DbRows(target_, "SELECT verifier_key, retired_at FROM ledger_keys");
    ASSERT_EQ(keys.size(), 1u);
    EXPECT_EQ(keys[0][0], east_key);
    EXPECT_EQ(keys[0][1], "");
  }
}

TEST_F(MigrateTest, BadArgumentsNameTheOption) {
  auto wrong_from = RunGongkai({"migrate", "--from", DbLocation(target_), "--to", DbLocation(target_)});
  EXPECT_EQ(wrong_from.exit_code, 2);
  EXPECT_NE(wrong_from.err.find("--from"), std::string::npos) << wrong_from.err;
  auto wrong_to = RunGongkai({"migrate", "--from", "sqlite:" + source_.string(), "--to", "x.db"});
  EXPECT_EQ(wrong_to.exit_code, 2);
  EXPECT_NE(wrong_to.err.find("--to"), std::string::npos) << wrong_to.err;
  auto missing = RunGongkai({"migrate", "--from", "sqlite:" + (dir_ / "none.db").string(), "--to", DbLocation(target_)});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("不存在"), std::string::npos) << missing.err;
  auto no_site = Migrate(source_, "nosuch");
  EXPECT_EQ(no_site.exit_code, 2) << no_site.err;
  EXPECT_EQ(DbScalar(target_, "SELECT count(*) FROM sites"), -1) << "nothing (not even the schema) before a good copy";
}

}  // namespace
}  // namespace gongkai::testing
