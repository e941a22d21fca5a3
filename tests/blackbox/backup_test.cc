// Black-box tests of `gongkai backup` and `gongkai restore`: an online
// backup taken while two servers publish and revise through the API and
// the admin pages, restored into a fresh directory and served from there;
// a tampered backup refused naming the file, with nothing written; bad
// arguments. Embedded database only (PostgreSQL is backed up with pg_dump,
// which the command says: tested here without a PostgreSQL server).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <atomic>
#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "app/crypto.h"
#include "tests/blackbox/draft_json.h"
#include "tests/blackbox/harness.h"
#include "tests/blackbox/web_session.h"

namespace gongkai::testing {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

const std::string kCzj = "区财政局";
const std::string kChecklist = R"({"no_state_secret":true,"no_commercial_secret":true,"personal_info_handled":true})";
const httplib::Params kFullChecklist = {
    {"no_state_secret", "1"}, {"no_commercial_secret", "1"}, {"personal_info_handled", "1"}};

bool Has(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

std::string Token(const fs::path& db, const std::string& name, const std::string& role) {
  auto r = RunGongkai({"token", "add", "--db", db.string(), "--name", name, "--unit", kCzj, "--role", role,
                       "--secret-only"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out.substr(0, r.out.find_first_of("\r\n"));
}

httplib::Params Content(const std::string& title, const std::string& body) {
  return {{"title", title},          {"body", body},          {"doc_number", "区财采〔2026〕12号"},
          {"written_on", "2026-09-25"}, {"genre", "公告"},        {"topic", "财政、审计"},
          {"validity", "有效"},        {"disclosure_mode", "主动公开"}, {"scope", "全社会"},
          {"channels", "门户网站"}};
}

// The verifier line of a key file ("verifier <key>").
std::string VerifierOf(const fs::path& key_file) {
  std::smatch m;
  const std::string text = ReadFile(key_file);
  static const std::regex re("\nverifier ([^\n]+)\n");
  return std::regex_search(text, m, re) ? m[1].str() : std::string();
}

// What a client was told had been stored: record `id` at `version`.
struct Ack {
  std::int64_t id = 0;
  int version = 0;
  std::string index_number;    // "" when the page did not show it
  std::string attachment_sha;  // "" when none was uploaded
  bool before_backup = false;  // acknowledged before `gongkai backup` started
};

// Files in `dir` (recursively), to show that nothing was written.
std::vector<std::string> Listing(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec)) out.push_back(e.path().string());
  return out;
}

TEST(BackupTest, RoundTripUnderWriteLoad) {
  if (PgBackend()) GTEST_SKIP() << "gongkai backup is for the embedded database (PostgreSQL: pg_dump)";
  TempDir dir;
  const auto db = dir / "live.db";
  auto init = RunGongkai({"init", "--db", db.string()});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  const std::string liaison = Token(db, "采购系统", "liaison");
  const std::string leader = Token(db, "审批系统", "leader");
  ASSERT_TRUE(AddAccount(db, "bk_liaison", "liaison", kCzj, "Bk-Liaison-2026"));
  ASSERT_TRUE(AddAccount(db, "bk_leader", "leader", kCzj, "Bk-Leader-2026"));

  ServerProcess a(db), b(db);
  ASSERT_TRUE(a.Start());
  ASSERT_TRUE(b.Start());
  const ServerProcess* servers[] = {&a, &b};
  const WebSession web_liaison = WebLogin(b, "bk_liaison", "Bk-Liaison-2026");
  const WebSession web_leader = WebLogin(b, "bk_leader", "Bk-Leader-2026");
  ASSERT_FALSE(web_liaison.token.empty());
  ASSERT_FALSE(web_leader.token.empty());

  std::atomic<bool> backup_started{false}, backup_done{false}, stop{false};
  std::atomic<int> acked_during{0}, acked_after_start{0};
  std::mutex mu;
  std::vector<Ack> acks;
  std::vector<std::string> failures;
  auto acknowledge = [&](Ack ack) {
    // Read after the response arrived: false means the response came before
    // the flag was set, which is before the backup process was started.
    ack.before_backup = !backup_started.load();
    if (!ack.before_backup) ++acked_after_start;
    if (backup_started.load() && !backup_done.load()) ++acked_during;
    std::lock_guard lock(mu);
    acks.push_back(std::move(ack));
  };
  auto fail = [&](const std::string& what) {
    std::lock_guard lock(mu);
    failures.push_back(what);
  };

  std::vector<std::thread> writers;
  // Units' systems publishing through the API, alternating servers.
  for (int t = 0; t < 3; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; !stop.load(); ++i) {
        int turn = t + i;
        auto call = [&](const std::string& path, const std::string& token, const std::string& body) {
          httplib::Headers h{{"Authorization", "Bearer " + token}};
          return servers[turn++ % 2]->Client()->Post(path.c_str(), h, body, "application/json");
        };
        const std::string title = "备份期间发布 " + std::to_string(t) + "-" + std::to_string(i);
        auto created = call("/api/v1/records", liaison,
                            ApiDraftJson(kCzj, title));
        if (!created || created->status != 201) {
          fail(title + " create: " + (created ? created->body : "no response"));
          continue;
        }
        const auto id = json::parse(created->body)["id"].get<std::int64_t>();
        const std::string base = "/api/v1/records/" + std::to_string(id);
        auto submitted = call(base + "/submit", liaison, "");
        auto approved = call(base + "/approve", leader, kChecklist);
        auto published = call(base + "/publish", liaison, "");
        if (!submitted || submitted->status != 200 || !approved || approved->status != 200 || !published ||
            published->status != 200) {
          fail(title + ": " + (published ? published->body : "no response"));
          continue;
        }
        acknowledge(Ack{id, 1, json::parse(published->body)["index_number"].get<std::string>(), "", false});
      }
    });
  }
  // The office's pages: a record with an attachment, published, then revised.
  writers.emplace_back([&] {
    const ServerProcess& s = b;
    auto act = [&](const WebSession& who, std::int64_t id, const std::string& action, const httplib::Params& p) {
      auto res = WebPost(s, "/admin/records/" + std::to_string(id) + (action.empty() ? "" : "/" + action), p, who);
      return res && res->status == 200;
    };
    for (int i = 0; !stop.load(); ++i) {
      const std::string title = "备份期间修订 " + std::to_string(i);
      httplib::Params p = Content(title, "第一版正文。");
      p.emplace("unit", kCzj);
      p.emplace("target", "12/采购合同");
      p.emplace("formed_on", "2026-11-02");
      auto res = WebPost(s, "/admin/records", p, web_liaison);
      static const std::regex re(R"(^/admin/records/(\d+)$)");
      std::smatch m;
      const std::string loc = res ? res->get_header_value("Location") : "";
      if (!res || res->status != 303 || !std::regex_match(loc, m, re)) {
        fail(title + ": draft not created");
        continue;
      }
      const std::int64_t id = std::stoll(m[1].str());
      const std::string file = "备份测试附件 " + std::to_string(i) + "\n";
      auto up = WebPostMultipart(s, "/admin/records/" + std::to_string(id) + "/attachments",
                                 {{"file", file, "附件.txt", "text/plain"}}, web_liaison);
      if (!up || up->status != 200 || !act(web_liaison, id, "submit", {}) ||
          !act(web_leader, id, "approve", kFullChecklist) || !act(web_liaison, id, "publish", {})) {
        fail(title + ": first version not published");
        continue;
      }
      acknowledge(Ack{id, 1, "", Sha256Hex(file), false});
      httplib::Params edit = Content(title + "（更正）", "第二版正文。");
      edit.emplace("change_note", "更正正文");
      if (!act(web_liaison, id, "revise", {}) || !act(web_liaison, id, "", edit) || !act(web_liaison, id, "submit", {}) ||
          !act(web_leader, id, "approve", kFullChecklist) || !act(web_liaison, id, "publish", {})) {
        fail(title + ": revision not published");
        continue;
      }
      acknowledge(Ack{id, 2, "", Sha256Hex(file), false});
    }
  });
  auto count_acks = [&] {
    std::lock_guard lock(mu);
    return acks.size();
  };
  auto wait_for = [&](auto done) {
    for (int i = 0; i < 1200 && !done(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  };
  wait_for([&] { return count_acks() >= 12; });

  backup_started = true;
  const auto backup_dir = dir / "backup";
  auto backup = RunGongkai({"backup", "--db", db.string(), "--out", backup_dir.string()});
  backup_done = true;
  wait_for([&] { return acked_after_start.load() >= 4; });
  stop = true;
  for (auto& w : writers) w.join();
  ASSERT_EQ(backup.exit_code, 0) << backup.out << backup.err;
  EXPECT_TRUE(Has(backup.out, "已备份到")) << backup.out;
  EXPECT_TRUE(failures.empty()) << failures.size() << " failed, first: " << (failures.empty() ? "" : failures[0]);
  std::vector<Ack> before;
  for (const auto& ack : acks)
    if (ack.before_backup) before.push_back(ack);
  ASSERT_GE(before.size(), 12u);
  ASSERT_GE(acked_after_start.load(), 4) << "the writers stopped when the backup started";
  RecordProperty("acknowledged_before_backup", static_cast<int>(before.size()));
  RecordProperty("acknowledged_while_backup_ran", acked_during.load());
  std::printf("acknowledged before the backup: %zu, while it ran: %d, after it started: %d\n", before.size(),
              acked_during.load(), acked_after_start.load());

  // The manifest: every file's checksum and size, the figures at the snapshot.
  const json manifest = json::parse(ReadFile(backup_dir / "manifest.json"));
  ASSERT_EQ(manifest["files"].size(), 2u) << manifest.dump(2);  // the database and the site's key
  for (const auto& f : manifest["files"]) {
    const std::string bytes = ReadFile(backup_dir / f["path"].get<std::string>());
    EXPECT_EQ(Sha256Hex(bytes), f["sha256"].get<std::string>()) << f.dump();
    EXPECT_EQ(static_cast<long long>(bytes.size()), f["size"].get<long long>()) << f.dump();
  }
  ASSERT_EQ(manifest["sites"].size(), 1u);
  const json& site = manifest["sites"][0];
  EXPECT_GE(site["published"].get<long long>(), static_cast<long long>(before.size()) / 2);
  EXPECT_EQ((fs::status(backup_dir / "keys" / "demo.ledger-key").permissions() & fs::perms::all),
            fs::perms::owner_read | fs::perms::owner_write);

  // Restore on a "fresh machine": a new directory.
  TempDir fresh;
  const auto restored = fresh / "restored.db";
  auto restore = RunGongkai({"restore", "--from", backup_dir.string(), "--db", restored.string()});
  ASSERT_EQ(restore.exit_code, 0) << restore.out << restore.err;
  EXPECT_TRUE(Has(restore.out, "校验和全部相符")) << restore.out;
  ASSERT_TRUE(fs::exists(fresh / "restored.db.ledger-key"));
  EXPECT_EQ(VerifierOf(fresh / "restored.db.ledger-key"), VerifierOf(dir / "live.db.ledger-key"));
  EXPECT_EQ(DbText(restored, "PRAGMA integrity_check"), "ok");
  EXPECT_EQ(DbScalar(restored, "SELECT count(*) FROM records"), site["records"].get<long long>());
  EXPECT_EQ(DbScalar(restored, "SELECT count(*) FROM records WHERE published_version > 0"),
            site["published"].get<long long>());
  // Nothing half-written: every published record has exactly its versions.
  EXPECT_EQ(DbScalar(restored, "SELECT count(*) FROM records r WHERE published_version != "
                               "(SELECT count(*) FROM record_versions v WHERE v.record_id = r.id)"),
            0);
  // Every change acknowledged before the backup started is in it.
  for (const auto& ack : before) {
    SCOPED_TRACE("record " + std::to_string(ack.id) + " version " + std::to_string(ack.version));
    const std::string id = std::to_string(ack.id);
    EXPECT_GE(DbScalar(restored, ("SELECT published_version FROM records WHERE id = " + id).c_str()), ack.version);
    if (!ack.index_number.empty()) {
      EXPECT_EQ(DbText(restored, ("SELECT index_number FROM records WHERE id = " + id).c_str()), ack.index_number);
    }
    if (!ack.attachment_sha.empty()) {
      EXPECT_EQ(DbScalar(restored, ("SELECT count(*) FROM files WHERE sha256 = '" + ack.attachment_sha + "'").c_str()),
                1);
    }
  }

  // A server on the restore: pages and attachments served, the ledger
  // caught up with the restored key, verified offline with the original
  // public key, the search index clean.
  ServerProcess r(restored);
  ASSERT_TRUE(r.Start()) << ReadFile(r.log_path());
  for (const auto& ack : before) {
    if (ack.attachment_sha.empty() || ack.version != 2) continue;
    auto page = r.Client()->Get(("/records/" + std::to_string(ack.id)).c_str());
    ASSERT_TRUE(page);
    EXPECT_EQ(page->status, 200);
    auto served = r.Client()->Get(("/records/" + std::to_string(ack.id) + "/files/" + ack.attachment_sha).c_str());
    ASSERT_TRUE(served);
    EXPECT_EQ(served->status, 200);
    EXPECT_EQ(Sha256Hex(served->body), ack.attachment_sha);
  }
  ASSERT_TRUE(WaitForLedgerSettled(restored));
  EXPECT_EQ(DbScalar(restored, "SELECT count(*) FROM ledger_leaves"),
            DbScalar(restored, "SELECT count(*) FROM publication_events"));
  r.Stop();
  auto check = RunGongkai({"search", "check", "--db", restored.string()});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  auto dump = RunGongkai({"dump", "--db", restored.string(), "--out", (fresh / "dump").string()});
  ASSERT_EQ(dump.exit_code, 0) << dump.err;
  auto verify = RunGongkai({"verify", "--dir", (fresh / "dump").string(), "--key", VerifierOf(dir / "live.db.ledger-key")});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  // No new key was made: the restored one signs.
  EXPECT_EQ(DbScalar(restored, "SELECT count(*) FROM ledger_keys"), 1);

  a.Stop();
  b.Stop();
}

class BackupFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (PgBackend()) GTEST_SKIP() << "gongkai backup is for the embedded database (PostgreSQL: pg_dump)";
    db_ = dir_ / "small.db";
    auto init = RunGongkai({"init", "--db", db_.string()});
    ASSERT_EQ(init.exit_code, 0) << init.err;
    backup_ = dir_ / "backup";
    auto b = RunGongkai({"backup", "--db", db_.string(), "--out", backup_.string()});
    ASSERT_EQ(b.exit_code, 0) << b.out << b.err;
    fs::create_directories(dir_ / "target");
  }
  TempDir dir_;
  fs::path db_, backup_;
};

// Flips one byte in the middle of a file.
void Tamper(const fs::path& file) {
  std::string bytes = ReadFile(file);
  ASSERT_FALSE(bytes.empty());
  bytes[bytes.size() / 2] ^= 0x20;
  WriteFile(file, bytes);
}

TEST_F(BackupFilesTest, TamperedBackupIsRefusedNamingTheFileAndNothingIsWritten) {
  for (const std::string name : {"gongkai.db", "keys/demo.ledger-key"}) {
    SCOPED_TRACE(name);
    const std::string original = ReadFile(backup_ / name);
    Tamper(backup_ / name);
    auto r = RunGongkai({"restore", "--from", backup_.string(), "--db", (dir_ / "target" / "r.db").string()});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_TRUE(Has(r.err, "备份文件“" + name + "”的SHA-256校验和不符")) << r.err;
    EXPECT_TRUE(Has(r.err, "未写入任何文件")) << r.err;
    EXPECT_EQ(Listing(dir_ / "target"), std::vector<std::string>{});
    WriteFile(backup_ / name, original);
  }
  // A missing file, and a truncated one.
  fs::rename(backup_ / "gongkai.db", dir_ / "moved.db");
  auto r = RunGongkai({"restore", "--from", backup_.string(), "--db", (dir_ / "target" / "r.db").string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(Has(r.err, "缺少备份文件“gongkai.db”")) << r.err;
  WriteFile(backup_ / "gongkai.db", ReadFile(dir_ / "moved.db").substr(0, 4096));
  r = RunGongkai({"restore", "--from", backup_.string(), "--db", (dir_ / "target" / "r.db").string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(Has(r.err, "备份文件“gongkai.db”的大小不符")) << r.err;
  EXPECT_EQ(Listing(dir_ / "target"), std::vector<std::string>{});
  fs::remove(backup_ / "gongkai.db");
  fs::rename(dir_ / "moved.db", backup_ / "gongkai.db");
  // Restored, it works; restoring again over it is refused, naming the file.
  r = RunGongkai({"restore", "--from", backup_.string(), "--db", (dir_ / "target" / "r.db").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string restored_bytes = ReadFile(dir_ / "target" / "r.db");
  r = RunGongkai({"restore", "--from", backup_.string(), "--db", (dir_ / "target" / "r.db").string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(Has(r.err, "数据库文件“" + (dir_ / "target" / "r.db").string() + "”已存在")) << r.err;
  EXPECT_EQ(ReadFile(dir_ / "target" / "r.db"), restored_bytes);
  // Another database name, but the key file it would write exists.
  r = RunGongkai({"restore", "--from", backup_.string(), "--db", (dir_ / "target" / "s.db").string(), "--ledger-key",
                  (dir_ / "target" / "r.db.ledger-key").string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(Has(r.err, "密钥文件“" + (dir_ / "target" / "r.db.ledger-key").string() + "”已存在")) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "target" / "s.db"));
}

TEST_F(BackupFilesTest, BadArgumentsAreRefusedInChinese) {
  // A database that does not exist is named, and not created.
  auto r = RunGongkai({"backup", "--db", (dir_ / "nope.db").string(), "--out", (dir_ / "b2").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Has(r.err, "数据库文件“" + (dir_ / "nope.db").string() + "”不存在")) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "nope.db"));
  // An existing backup is not overwritten.
  const std::string manifest = ReadFile(backup_ / "manifest.json");
  r = RunGongkai({"backup", "--db", db_.string(), "--out", backup_.string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(Has(r.err, "备份目录“" + backup_.string() + "”不是空目录")) << r.err;
  EXPECT_EQ(ReadFile(backup_ / "manifest.json"), manifest);
  // --out is required.
  r = RunGongkai({"backup", "--db", db_.string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(Has(r.err + r.out, "--out")) << r.err;
  // A directory that is not a backup.
  r = RunGongkai({"restore", "--from", (dir_ / "target").string(), "--db", (dir_ / "x.db").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Has(r.err, "没有清单文件 manifest.json")) << r.err;
  r = RunGongkai({"restore", "--from", (dir_ / "nowhere").string(), "--db", (dir_ / "x.db").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Has(r.err, "备份目录“" + (dir_ / "nowhere").string() + "”不存在")) << r.err;
  // A manifest that is not one.
  WriteFile(backup_ / "manifest.json", "{\"format\": \"gongkai-backup 1\"}");
  r = RunGongkai({"restore", "--from", backup_.string(), "--db", (dir_ / "x.db").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Has(r.err, "manifest.json 的“created_at”缺失或格式不对")) << r.err;
  WriteFile(backup_ / "manifest.json", manifest);
  EXPECT_FALSE(fs::exists(dir_ / "x.db"));
  // PostgreSQL: refused before connecting, pointing to pg_dump / pg_restore.
  r = RunGongkai({"backup", "--db", "postgresql://gongkai@127.0.0.1:1/gongkai", "--out", (dir_ / "b3").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Has(r.err, "pg_dump")) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "b3"));
  r = RunGongkai({"restore", "--from", backup_.string(), "--db", "postgresql://gongkai@127.0.0.1:1/gongkai"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Has(r.err, "pg_restore")) << r.err;
}

}  // namespace
}  // namespace gongkai::testing
