// Black-box tests of open data and verifiability: the record list API with
// cursors, Atom feeds, sitemaps, the publication ledger's pages and
// endpoints, and `gongkai dump` / `gongkai verify` run as a user would.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <set>
#include <thread>

#include "tests/blackbox/harness.h"

namespace gongkai::testing {
namespace {

class OpenDataPortalTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    auto r = RunGongkai({"init", "--demo", "--db", (*dir_ / "o.db").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    server_ = new ServerProcess(*dir_ / "o.db");
    ASSERT_TRUE(server_->Start());
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }
  static httplib::Result Get(const std::string& path) { return server_->Client()->Get(path.c_str()); }
  static nlohmann::json Json(const std::string& path) {
    auto res = Get(path);
    EXPECT_TRUE(res);
    EXPECT_EQ(res->status, 200) << path << " " << res->body;
    return nlohmann::json::parse(res->body);
  }
  static std::string Key() { return Json("/api/v1/ledger/key")["keys"].back()["verifier_key"]; }
  static TempDir* dir_;
  static ServerProcess* server_;
};
TempDir* OpenDataPortalTest::dir_ = nullptr;
ServerProcess* OpenDataPortalTest::server_ = nullptr;

TEST_F(OpenDataPortalTest, CursorPagesListEveryPublicRecordOnce) {
  std::set<std::int64_t> seen;
  std::string url = "/api/v1/records?limit=17";
  int total = -1, pages = 0;
  while (!url.empty()) {
    auto j = Json(url);
    total = j["total"];
    for (const auto& r : j["records"]) EXPECT_TRUE(seen.insert(r["id"].get<std::int64_t>()).second);
    url = j["next"].is_null() ? "" : j["next"].get<std::string>();
    ASSERT_LT(++pages, 100);
  }
  EXPECT_GT(total, 17);
  EXPECT_EQ(static_cast<int>(seen.size()), total);
  // Withdrawn plus published make all.
  int withdrawn = Json("/api/v1/records?status=withdrawn")["total"];
  int published = Json("/api/v1/records?status=published")["total"];
  EXPECT_GT(withdrawn, 0);
  EXPECT_EQ(withdrawn + published, total);
  // A bad parameter is a 400 naming it, in Chinese.
  auto bad = Get("/api/v1/records?from=2026-02-30");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(nlohmann::json::parse(bad->body)["error"]["field"], "from");
}

TEST_F(OpenDataPortalTest, ExportsAndFeedsAndSitemaps) {
  auto csv = Get("/api/v1/records.csv?item=1");
  ASSERT_TRUE(csv);
  EXPECT_EQ(csv->status, 200);
  EXPECT_TRUE(csv->body.starts_with("\xEF\xBB\xBF索引号,标题"));
  auto xlsx = Get("/api/v1/records.xlsx?item=1");
  ASSERT_TRUE(xlsx);
  EXPECT_TRUE(xlsx->body.starts_with("PK"));

  auto feed = Get("/feeds/items/1.atom");
  ASSERT_TRUE(feed);
  EXPECT_EQ(feed->get_header_value("Content-Type"), "application/atom+xml; charset=utf-8");
  EXPECT_NE(feed->body.find("<feed xmlns=\"http://www.w3.org/2005/Atom\""), std::string::npos);
  EXPECT_NE(feed->body.find("+08:00</updated>"), std::string::npos);
  WriteFile(*dir_ / "feed.xml", feed->body);
  EXPECT_EQ(std::system(("xmllint --noout " + (*dir_ / "feed.xml").string()).c_str()), 0);
  // The item page links its feed and exports.
  auto item = Get("/items/1");
  EXPECT_NE(item->body.find("href=\"/feeds/items/1.atom\""), std::string::npos);
  EXPECT_NE(item->body.find("href=\"/api/v1/records.csv?item=1\""), std::string::npos);
  EXPECT_EQ(Get("/feeds/items/99.atom")->status, 404);

  auto index = Get("/sitemap.xml");
  ASSERT_TRUE(index);
  EXPECT_NE(index->body.find("/sitemaps/records-1.xml</loc>"), std::string::npos);
  auto records = Get("/sitemaps/records-1.xml");
  EXPECT_NE(records->body.find("/records/1</loc>"), std::string::npos);
  EXPECT_NE(Get("/robots.txt")->body.find("Sitemap: http://127.0.0.1:"), std::string::npos);
}

TEST_F(OpenDataPortalTest, LedgerCoversEveryEventAndPagesShowIt) {
  // init signed a head over the demo's events; the server's sequencer keeps it current.
  auto events = Json("/api/v1/events?limit=500");
  const auto head = Json("/api/v1/ledger/head");
  EXPECT_EQ(head["tree_size"], events["count"]);
  EXPECT_EQ(head["origin"], "gongkai/demo");
  const std::int64_t id = events["events"][3]["record_id"];
  auto page = Get("/records/" + std::to_string(id));
  ASSERT_TRUE(page);
  EXPECT_NE(page->body.find("/api/v1/ledger/proof/inclusion?record=" + std::to_string(id)), std::string::npos);
  auto guide = Get("/guide");
  EXPECT_NE(guide->body.find(Key()), std::string::npos);
  EXPECT_NE(guide->body.find("gongkai verify"), std::string::npos);
}

TEST_F(OpenDataPortalTest, ADownloadedRecordVerifiesOfflineAndATamperedOneDoesNot) {
  const auto head = Json("/api/v1/ledger/head");
  const std::string size = std::to_string(head["tree_size"].get<int>());
  const std::int64_t id = Json("/api/v1/records?limit=1")["records"][0]["id"];
  WriteFile(*dir_ / "rec.json", Get("/api/v1/records/" + std::to_string(id))->body);
  WriteFile(*dir_ / "proof.json",
            Get("/api/v1/ledger/proof/inclusion?record=" + std::to_string(id) + "&tree_size=" + size)->body);
  WriteFile(*dir_ / "cp.txt", Get("/api/v1/ledger/checkpoint")->body);
  auto ok = RunGongkai({"verify", "--record", (*dir_ / "rec.json").string(), "--proof",
                        (*dir_ / "proof.json").string(), "--checkpoint", (*dir_ / "cp.txt").string(), "--key", Key()});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("验证通过"), std::string::npos);

  std::string rec = ReadFile(*dir_ / "rec.json");
  auto pos = rec.rfind("\"body\":\"");
  ASSERT_NE(pos, std::string::npos);
  rec.insert(pos + 8, "X");  // one more character at the start of the newest version's body
  WriteFile(*dir_ / "rec2.json", rec);
  auto bad = RunGongkai({"verify", "--record", (*dir_ / "rec2.json").string(), "--proof",
                         (*dir_ / "proof.json").string(), "--checkpoint", (*dir_ / "cp.txt").string(), "--key", Key()});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.out.find("内容已被改动"), std::string::npos) << bad.out;
}

TEST_F(OpenDataPortalTest, TheWholeSiteDumpVerifiesAndNamesTampering) {
  // The dump is made from the database while the server runs, as a cron job would.
  auto dump = RunGongkai({"dump", "--db", (*dir_ / "o.db").string(), "--out", (*dir_ / "dump").string()});
  ASSERT_EQ(dump.exit_code, 0) << dump.err;
  auto ok = RunGongkai({"verify", "--dir", (*dir_ / "dump").string(), "--key", Key()});
  EXPECT_EQ(ok.exit_code, 0) << ok.out;
  std::string ledger = ReadFile(*dir_ / "dump" / "ledger.jsonl");
  auto nl = ledger.find('\n');
  WriteFile(*dir_ / "dump" / "ledger.jsonl", ledger.substr(nl + 1));  // drop the first entry
  auto bad = RunGongkai({"verify", "--dir", (*dir_ / "dump").string(), "--key", Key()});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.out.find("账本第1行记录的序号是1，应为0"), std::string::npos) << bad.out;
  // Without a key the tool says what that is worth.
  auto own = RunGongkai({"verify", "--dir", (*dir_ / "dump").string()});
  EXPECT_NE(own.out.find("keys.txt"), std::string::npos);
}

}  // namespace
}  // namespace gongkai::testing
