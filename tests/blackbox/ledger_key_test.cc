// Black-box tests of the ledger's signing-key files: a site that has a
// published key never gets a new one by accident. A mistyped or missing
// --ledger-key, or a key file with another key, is refused by `serve` and
// the CLI (naming the site, the expected key id and the path); a running
// server that meets a site whose key file it lacks signs nothing for it,
// creates nothing, and keeps serving.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "tests/blackbox/harness.h"

namespace gongkai::testing {
namespace {

namespace fs = std::filesystem;

class LedgerKeyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_ / "gk.db";
    auto init = RunGongkai({"init", "--db", db_.string()});
    ASSERT_EQ(init.exit_code, 0) << init.out << init.err;
    key_id_ = KeyIdOf("demo");
    ASSERT_EQ(key_id_.size(), 8u);
  }

  // The key id of the site's current registered key ("" if none).
  std::string KeyIdOf(const std::string& slug) {
    const std::string v = CurrentKey(slug);
    return v.empty() ? v : v.substr(v.find('+') + 1, 8);
  }
  std::string CurrentKey(const std::string& slug) {
    auto rows = DbRows(db_, "SELECT k.verifier_key FROM ledger_keys k JOIN sites s ON s.id = k.site_id WHERE s.slug = '" +
                                slug + "' AND k.retired_at = ''");
    return rows.size() == 1 ? rows[0][0] : std::string();
  }
  // Every registered key of every site, for "nothing was registered or retired".
  std::string AllKeys() {
    std::string out;
    for (const auto& r : DbRows(db_, "SELECT site_id, verifier_key, retired_at FROM ledger_keys ORDER BY site_id, verifier_key"))
      out += r[0] + " " + r[1] + " " + r[2] + "\n";
    return out;
  }
  static bool Mentions(const std::string& text, const std::string& needle) {
    return text.find(needle) != std::string::npos;
  }

  TempDir dir_;
  fs::path db_;
  std::string key_id_;
};

TEST_F(LedgerKeyTest, ServeRefusesAMistypedKeyPathAndCreatesNothing) {
  const std::string keys = AllKeys();
  const fs::path typo = dir_ / "gk.db.ledger-kye";
  ServerProcess server(db_, {"--ledger-key", typo.string()});
  ASSERT_FALSE(server.Start()) << "the server started and would sign with a new key";
  const std::string log = ReadFile(server.log_path());
  for (const std::string& needle : {std::string("“demo”"), key_id_, typo.string(), std::string("rotate-key")})
    EXPECT_TRUE(Mentions(log, needle)) << needle << " not in: " << log;
  EXPECT_FALSE(fs::exists(typo));
  EXPECT_EQ(AllKeys(), keys);
  // With the right file it starts.
  ServerProcess good(db_, {"--ledger-key", db_.string() + ".ledger-key"});
  EXPECT_TRUE(good.Start());
}

TEST_F(LedgerKeyTest, TheCliRefusesAKeyFileWithAnotherKeyAndRetiresNothing) {
  // Another deployment's key file (another server's, or a copy gone stale).
  auto other = RunGongkai({"init", "--db", (dir_ / "other.db").string()});
  ASSERT_EQ(other.exit_code, 0) << other.err;
  const std::string keys = AllKeys();
  const fs::path wrong = dir_ / "other.db.ledger-key";
  for (const std::vector<std::string>& cmd :
       {std::vector<std::string>{"ledger", "sync"}, std::vector<std::string>{"dump", "--out", (dir_ / "d").string()}}) {
    std::vector<std::string> args = cmd;
    for (const std::string& a : {std::string("--db"), db_.string(), std::string("--ledger-key"), wrong.string()})
      args.push_back(a);
    auto r = RunGongkai(args);
    EXPECT_NE(r.exit_code, 0) << cmd[0] << ": " << r.out;
    EXPECT_TRUE(Mentions(r.err, key_id_)) << r.err;
    EXPECT_TRUE(Mentions(r.err, wrong.string())) << r.err;
    EXPECT_EQ(AllKeys(), keys) << cmd[0];
  }
  // A missing file: refused as well, and not created.
  auto missing = RunGongkai({"ledger", "sync", "--db", db_.string(), "--ledger-key", (dir_ / "nokey").string()});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_TRUE(Mentions(missing.err, key_id_)) << missing.err;
  EXPECT_FALSE(fs::exists(dir_ / "nokey"));
  EXPECT_EQ(AllKeys(), keys);
  // Rotation stays the deliberate way to a new key.
  auto rotated = RunGongkai({"ledger", "rotate-key", "--db", db_.string(), "--ledger-key", db_.string() + ".ledger-key"});
  EXPECT_EQ(rotated.exit_code, 0) << rotated.err;
  EXPECT_NE(KeyIdOf("demo"), key_id_);
}

TEST_F(LedgerKeyTest, RotateKeyRefusesAMissingKeyFileUnlessConfirmedLost) {
  // The key lives elsewhere and the operator forgets --ledger-key.
  const fs::path real = dir_ / "etc-ledger.key";
  const fs::path default_path = db_.string() + ".ledger-key";
  fs::rename(default_path, real);
  const std::string keys = AllKeys();
  auto forgot = RunGongkai({"ledger", "rotate-key", "--db", db_.string()});
  EXPECT_NE(forgot.exit_code, 0) << forgot.out;
  for (const std::string& needle : {std::string("“demo”"), key_id_, default_path.string(), std::string("--key-lost")})
    EXPECT_TRUE(Mentions(forgot.err, needle)) << needle << " not in: " << forgot.err;
  EXPECT_EQ(AllKeys(), keys);
  EXPECT_FALSE(fs::exists(default_path));
  // --key-lost while the file is there: the key is not lost.
  auto not_lost = RunGongkai({"ledger", "rotate-key", "--db", db_.string(), "--ledger-key", real.string(), "--key-lost"});
  EXPECT_NE(not_lost.exit_code, 0) << not_lost.out;
  EXPECT_EQ(AllKeys(), keys);
  EXPECT_TRUE(fs::exists(real));
  EXPECT_FALSE(fs::exists(real.string() + ".retired-" + key_id_));
  // Confirmed lost: a new key at the default path, the old one retired.
  auto lost = RunGongkai({"ledger", "rotate-key", "--db", db_.string(), "--key-lost"});
  EXPECT_EQ(lost.exit_code, 0) << lost.err;
  EXPECT_TRUE(fs::exists(default_path));
  EXPECT_NE(KeyIdOf("demo"), key_id_);
}

TEST_F(LedgerKeyTest, ASiteAddedLaterWhoseKeyFileIsMissingHereIsNotSignedAndNothingElseStops) {
  ServerProcess server(db_, {"--ledger-key", db_.string() + ".ledger-key"});
  ASSERT_TRUE(server.Start());
  // Another machine adds a site, keeping its key elsewhere.
  fs::create_directories(dir_ / "elsewhere");
  const fs::path elsewhere = dir_ / "elsewhere" / "ledger-key";
  auto added = RunGongkai({"site", "add", "--db", db_.string(), "--slug", "east", "--name", "东区人民政府", "--host",
                           "east.example", "--ledger-key", elsewhere.string()});
  ASSERT_EQ(added.exit_code, 0) << added.out << added.err;
  const std::string east_key = CurrentKey("east");
  ASSERT_FALSE(east_key.empty());
  const fs::path here = db_.string() + ".ledger-key.east";
  // The server meets the site (it reads the site list every few seconds) and logs the missing key.
  bool logged = false;
  for (auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
       !logged && std::chrono::steady_clock::now() < until;) {
    const std::string log = ReadFile(server.log_path());
    logged = Mentions(log, "“east”") && Mentions(log, here.string());
    if (!logged) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_TRUE(logged) << ReadFile(server.log_path());
  EXPECT_FALSE(fs::exists(here)) << "the server created a key for east";
  EXPECT_EQ(CurrentKey("east"), east_key);
  EXPECT_EQ(DbScalar(db_, "SELECT count(*) FROM ledger_keys k JOIN sites s ON s.id = k.site_id WHERE s.slug = 'east'"), 1);
  // Both sites are still served; east has no signed head.
  auto home = server.Client()->Get("/healthz");
  ASSERT_TRUE(home);
  EXPECT_EQ(home->status, 200);
  auto east_page = server.Client()->Get("/", httplib::Headers{{"Host", "east.example"}});
  ASSERT_TRUE(east_page);
  EXPECT_EQ(east_page->status, 200);
  auto demo_head = server.Client()->Get("/api/v1/ledger/checkpoint");
  ASSERT_TRUE(demo_head);
  EXPECT_EQ(demo_head->status, 200);
  auto east_head = server.Client()->Get("/api/v1/ledger/checkpoint", httplib::Headers{{"Host", "east.example"}});
  ASSERT_TRUE(east_head);
  EXPECT_EQ(east_head->status, 404) << east_head->body;
  // The key file copied into place: the server signs for east with it, without a restart.
  fs::copy_file(elsewhere.string() + ".east", here);
  fs::permissions(here, fs::perms::owner_read | fs::perms::owner_write);
  bool signed_head = false;
  for (auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
       !signed_head && std::chrono::steady_clock::now() < until;) {
    auto res = server.Client()->Get("/api/v1/ledger/checkpoint", httplib::Headers{{"Host", "east.example"}});
    signed_head = res && res->status == 200;
    if (signed_head) {
      EXPECT_TRUE(Mentions(res->body, "— gongkai/east ")) << res->body;
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
  EXPECT_TRUE(signed_head) << ReadFile(server.log_path());
  EXPECT_EQ(CurrentKey("east"), east_key);
}

}  // namespace
}  // namespace gongkai::testing
