// Black-box tests of many sites on one deployment (a provincial platform):
// `gongkai site add`, routing by host name, and isolation — one site's
// records, sessions and API tokens are refused on another site's host. The
// real binary, a fresh database, one server for the suite.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <thread>

#include "tests/blackbox/harness.h"
#include "tests/blackbox/web_session.h"

namespace gongkai::testing {
namespace {

using json = nlohmann::json;

constexpr const char* kDemoHost = "gk.demo.example.test";
constexpr const char* kPudongHost = "gk.pudong.example.test";

class SitesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    db_ = new std::filesystem::path(*dir_ / "sites.db");
    // The default site has demo records; pudong starts from demo's catalogue, empty.
    auto r = RunGongkai({"init", "--db", db_->string(), "--demo"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = RunGongkai({"site", "add", "--db", db_->string(), "--slug", "pudong", "--name", "浦东新区人民政府", "--host",
                    "GK.Pudong.Example.Test", "--from-site", "demo"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    ASSERT_TRUE(AddAccount(*db_, "demo_admin", "admin", "", "Demo-Admin-Pass-2026"));
    auto added = RunGongkai({"user", "add", "--db", db_->string(), "--site", "pudong", "--username", "pd_admin",
                             "--role", "admin", "--name", "浦东管理员"},
                            {}, "Pudong-Admin-Pass-2026\n");
    ASSERT_EQ(added.exit_code, 0) << added.err;
    auto tok = RunGongkai({"token", "add", "--db", db_->string(), "--site", "demo", "--name", "演示系统", "--unit",
                           "区财政局", "--role", "liaison", "--secret-only"});
    ASSERT_EQ(tok.exit_code, 0) << tok.err;
    demo_token_ = new std::string(tok.out.substr(0, tok.out.find_first_of("\r\n")));
    server_ = new ServerProcess(*db_);
    ASSERT_TRUE(server_->Start());
    ready_ = true;
  }
  static void TearDownTestSuite() {
    delete server_;
    delete demo_token_;
    delete db_;
    delete dir_;
    server_ = nullptr;
    demo_token_ = nullptr;
    db_ = nullptr;
    dir_ = nullptr;
    ready_ = false;
  }
  void SetUp() override { ASSERT_TRUE(ready_) << "suite set-up failed"; }

  static httplib::Result Get(const std::string& host, const std::string& path, httplib::Headers h = {}) {
    h.emplace("Host", host);
    return server_->Client()->Get(path.c_str(), h);
  }

  // Signs in on `host` through the login form; the session cookie's value.
  static std::string Login(const std::string& host, const std::string& username, const std::string& password,
                           int* status = nullptr) {
    auto form = Get(host, "/login");
    if (!form || form->status != 200) {
      ADD_FAILURE() << "GET /login on " << host;
      return {};
    }
    const std::string csrf = CsrfIn(form->body);
    httplib::Headers h{{"Host", host}, {"Cookie", "gk_login_csrf=" + SetCookieValue(*form, "gk_login_csrf").value_or("")}};
    httplib::Params p{{"_csrf", csrf}, {"username", username}, {"password", password}, {"next", "/admin"}};
    auto res = server_->Client()->Post("/login", h, p);
    if (!res) {
      ADD_FAILURE() << "POST /login on " << host;
      return {};
    }
    if (status) *status = res->status;
    return SetCookieValue(*res, "gk_session").value_or("");
  }

  // A published record of the default site (from its public API).
  static std::int64_t SomeDemoRecord() {
    auto res = Get(kDemoHost, "/api/v1/records?limit=1");
    if (!res || res->status != 200) {
      ADD_FAILURE() << "GET /api/v1/records on the default site";
      return 0;
    }
    auto j = json::parse(res->body);
    if (j["records"].empty()) {
      ADD_FAILURE() << "the demo site has no records";
      return 0;
    }
    return j["records"][0]["id"].get<std::int64_t>();
  }

  static TempDir* dir_;
  static std::filesystem::path* db_;
  static ServerProcess* server_;
  static std::string* demo_token_;
  static bool ready_;
};

TempDir* SitesTest::dir_ = nullptr;
std::filesystem::path* SitesTest::db_ = nullptr;
ServerProcess* SitesTest::server_ = nullptr;
std::string* SitesTest::demo_token_ = nullptr;
bool SitesTest::ready_ = false;

TEST_F(SitesTest, SiteListShowsEverySiteWithItsHost) {
  auto r = RunGongkai({"site", "list", "--db", db_->string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("demo"), std::string::npos);
  EXPECT_NE(r.out.find("pudong"), std::string::npos);
  EXPECT_NE(r.out.find(kPudongHost), std::string::npos) << "the host is stored lower-case: " << r.out;
  EXPECT_NE(r.out.find("浦东新区人民政府"), std::string::npos);
}

TEST_F(SitesTest, SiteAddRefusesBadInputNamingIt) {
  auto bad_slug = RunGongkai({"site", "add", "--db", db_->string(), "--slug", "Bad Slug", "--name", "某区"});
  EXPECT_NE(bad_slug.exit_code, 0);
  EXPECT_NE(bad_slug.err.find("站点标识"), std::string::npos) << bad_slug.err;
  auto bad_host = RunGongkai(
      {"site", "add", "--db", db_->string(), "--slug", "minhang", "--name", "闵行区", "--host", "http://x.cn/"});
  EXPECT_NE(bad_host.exit_code, 0);
  EXPECT_NE(bad_host.err.find("域名"), std::string::npos) << bad_host.err;
  auto taken = RunGongkai(
      {"site", "add", "--db", db_->string(), "--slug", "minhang", "--name", "闵行区", "--host", kPudongHost});
  EXPECT_NE(taken.exit_code, 0);
  EXPECT_NE(taken.err.find("pudong"), std::string::npos) << taken.err;
  auto again = RunGongkai({"site", "add", "--db", db_->string(), "--slug", "pudong", "--name", "浦东"});
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.err.find("已存在"), std::string::npos) << again.err;
  auto list = RunGongkai({"site", "list", "--db", db_->string()});
  EXPECT_EQ(list.out.find("minhang"), std::string::npos) << "a refused site was created: " << list.out;
}

TEST_F(SitesTest, EachHostGetsItsOwnPortal) {
  auto pd = Get(kPudongHost, "/");
  ASSERT_TRUE(pd);
  EXPECT_EQ(pd->status, 200);
  EXPECT_NE(pd->body.find("浦东新区人民政府"), std::string::npos);
  EXPECT_EQ(pd->body.find("示例区人民政府"), std::string::npos);
  // Host names match without case and port.
  auto pd_port = Get("GK.PUDONG.example.test:8443", "/");
  ASSERT_TRUE(pd_port);
  EXPECT_NE(pd_port->body.find("浦东新区人民政府"), std::string::npos);
  // Any other host (an IP address, an unknown name) gets the default site.
  for (const char* host : {"127.0.0.1", "unknown.example.test", kDemoHost}) {
    auto d = Get(host, "/");
    ASSERT_TRUE(d) << host;
    EXPECT_EQ(d->status, 200) << host;
    EXPECT_NE(d->body.find("示例区人民政府"), std::string::npos) << host;
    EXPECT_EQ(d->body.find("浦东新区人民政府"), std::string::npos) << host;
  }
  // The cache is per site: the same path, asked again on each host.
  auto pd_again = Get(kPudongHost, "/");
  ASSERT_TRUE(pd_again);
  EXPECT_NE(pd_again->body.find("浦东新区人民政府"), std::string::npos);
}

TEST_F(SitesTest, AnotherSitesRecordsAreNotFound) {
  const std::int64_t id = SomeDemoRecord();
  ASSERT_GT(id, 0);
  const std::string page = "/records/" + std::to_string(id);
  auto own = Get(kDemoHost, page);
  ASSERT_TRUE(own);
  EXPECT_EQ(own->status, 200);
  for (const std::string& path : {page, "/api/v1/records/" + std::to_string(id)}) {
    auto other = Get(kPudongHost, path);
    ASSERT_TRUE(other) << path;
    EXPECT_EQ(other->status, 404) << path;
  }
  auto list = Get(kPudongHost, "/api/v1/records");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->status, 200);
  EXPECT_EQ(json::parse(list->body)["total"].get<int>(), 0);
  // Search on the other site finds none of the default site's records.
  auto demo_search = Get(kDemoHost, "/api/v1/search?q=%E5%85%AC%E5%91%8A");  // 公告
  ASSERT_TRUE(demo_search);
  ASSERT_EQ(demo_search->status, 200);
  EXPECT_GT(json::parse(demo_search->body)["total"].get<int>(), 0);
  auto pd_search = Get(kPudongHost, "/api/v1/search?q=%E5%85%AC%E5%91%8A");
  ASSERT_TRUE(pd_search);
  ASSERT_EQ(pd_search->status, 200);
  EXPECT_EQ(json::parse(pd_search->body)["total"].get<int>(), 0);
  // The feeds name their own site.
  auto feed = Get(kPudongHost, "/feeds/site.atom");
  ASSERT_TRUE(feed);
  EXPECT_EQ(feed->status, 200);
  EXPECT_NE(feed->body.find("浦东新区人民政府"), std::string::npos);
  EXPECT_NE(feed->body.find(kPudongHost), std::string::npos) << "absolute links use the site's host";
}

TEST_F(SitesTest, SessionsAndAccountsBelongToTheirSite) {
  const std::string demo_session = Login(kDemoHost, "demo_admin", "Demo-Admin-Pass-2026");
  ASSERT_FALSE(demo_session.empty());
  auto own = Get(kDemoHost, "/admin", {{"Cookie", std::string("gk_session=") + demo_session}});
  ASSERT_TRUE(own);
  EXPECT_EQ(own->status, 200);
  // The same cookie on the other site's host is not a session there.
  auto other = Get(kPudongHost, "/admin", {{"Cookie", std::string("gk_session=") + demo_session}});
  ASSERT_TRUE(other);
  EXPECT_NE(other->status, 200);
  EXPECT_EQ(other->body.find("demo_admin"), std::string::npos);
  // A demo account cannot sign in on the other site.
  int status = 0;
  EXPECT_TRUE(Login(kPudongHost, "demo_admin", "Demo-Admin-Pass-2026", &status).empty());
  EXPECT_NE(status, 303);
  // The other site's own administrator can, and sees its own units and audit log.
  const std::string pd_session = Login(kPudongHost, "pd_admin", "Pudong-Admin-Pass-2026");
  ASSERT_FALSE(pd_session.empty());
  auto audit = Get(kPudongHost, "/admin/audit", {{"Cookie", std::string("gk_session=") + pd_session}});
  ASSERT_TRUE(audit);
  EXPECT_EQ(audit->status, 200);
  EXPECT_NE(audit->body.find("创建站点"), std::string::npos);
  auto pd_on_demo = Get(kDemoHost, "/admin", {{"Cookie", std::string("gk_session=") + pd_session}});
  ASSERT_TRUE(pd_on_demo);
  EXPECT_NE(pd_on_demo->status, 200);
}

// A signed-in administrator of one site, on its own host, asking for the
// other site's objects by id: every one is "not found", and nothing changes.
TEST_F(SitesTest, AdminActionsOnAnotherSitesIdsAreNotFound) {
  const std::string session = Login(kPudongHost, "pd_admin", "Pudong-Admin-Pass-2026");
  ASSERT_FALSE(session.empty());
  const httplib::Headers cookie{{"Cookie", "gk_session=" + session}};
  auto home = Get(kPudongHost, "/admin", cookie);
  ASSERT_TRUE(home);
  const std::string csrf = CsrfIn(home->body);
  ASSERT_FALSE(csrf.empty());
  auto post = [&](const std::string& path, httplib::Params p) {
    p.emplace("_csrf", csrf);
    httplib::Headers h = cookie;
    h.emplace("Host", kPudongHost);
    return server_->Client()->Post(path.c_str(), h, p);
  };
  const std::int64_t record = SomeDemoRecord();
  ASSERT_GT(record, 0);
  const auto demo_db = *db_;
  auto id_of = [&](const char* sql) { return DbScalar(demo_db, sql); };
  const long long obligation = id_of("SELECT min(id) FROM obligations WHERE site_id = (SELECT id FROM sites WHERE slug = 'demo')");
  const long long account = id_of("SELECT id FROM accounts WHERE username = 'demo_admin'");
  const long long token = id_of("SELECT min(id) FROM api_tokens WHERE site_id = (SELECT id FROM sites WHERE slug = 'demo')");
  ASSERT_GT(obligation, 0);
  ASSERT_GT(account, 0);
  ASSERT_GT(token, 0);
  auto before = Get(kDemoHost, "/api/v1/records/" + std::to_string(record));
  ASSERT_TRUE(before);
  ASSERT_EQ(before->status, 200);
  const std::string rec = "/admin/records/" + std::to_string(record);
  for (const std::string& path : {rec, "/admin/obligations/" + std::to_string(obligation)}) {
    auto res = Get(kPudongHost, path, cookie);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 404) << path;
  }
  struct Change {
    std::string path;
    httplib::Params params;
  };
  const Change changes[] = {
      {rec + "/withdraw", {{"reason", "越权撤回"}}},
      {rec + "/revise", {{"reason", "越权修订"}}},
      {"/admin/obligations/" + std::to_string(obligation) + "/cancel", {{"reason", "越权取消"}}},
      {"/admin/accounts/" + std::to_string(account) + "/active", {{"active", "0"}}},
      {"/admin/accounts/" + std::to_string(account) + "/reset", {}},
      {"/admin/tokens/" + std::to_string(token) + "/revoke", {}},
  };
  for (const auto& c : changes) {
    auto res = post(c.path, c.params);
    ASSERT_TRUE(res) << c.path;
    EXPECT_EQ(res->status, 404) << c.path << ": " << res->body.substr(0, 300);
  }
  // Nothing changed on the default site: the record is public, the account
  // signs in, the token still works (checked in ApiTokensWorkOnlyOnTheirSite).
  auto still = Get(kDemoHost, "/api/v1/records/" + std::to_string(record));
  ASSERT_TRUE(still);
  EXPECT_EQ(still->status, 200);
  EXPECT_EQ(still->body, before->body);
  EXPECT_FALSE(Login(kDemoHost, "demo_admin", "Demo-Admin-Pass-2026").empty());
  EXPECT_EQ(id_of("SELECT count(*) FROM api_tokens WHERE revoked_at IS NOT NULL AND revoked_at <> ''"), 0);
}

TEST_F(SitesTest, ApiTokensWorkOnlyOnTheirSite) {
  ASSERT_FALSE(demo_token_->empty());
  const std::string body = json{{"unit", "区财政局"},
                                 {"item", 12},
                                 {"element", "采购合同"},
                                 {"formed_on", "2026-11-02"},
                                 {"title", "跨站点测试"},
                                 {"body", "采购合同正文。"},
                                 {"genre", "公告"},
                                 {"channels", {"门户网站"}}}
                               .dump();
  auto post = [&](const char* host) {
    httplib::Headers h{{"Host", host}, {"Authorization", "Bearer " + *demo_token_}};
    return server_->Client()->Post("/api/v1/records", h, body, "application/json");
  };
  auto other = post(kPudongHost);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 401) << other->body;
  // On its own site the same token and body work.
  auto own = post(kDemoHost);
  ASSERT_TRUE(own);
  EXPECT_EQ(own->status, 201) << own->body;
}

TEST_F(SitesTest, EachSiteHasItsOwnLedgerKey) {
  auto demo = Get(kDemoHost, "/api/v1/ledger/key");
  auto pd = Get(kPudongHost, "/api/v1/ledger/key");
  ASSERT_TRUE(demo);
  ASSERT_TRUE(pd);
  ASSERT_EQ(demo->status, 200);
  ASSERT_EQ(pd->status, 200);
  auto dj = json::parse(demo->body), pj = json::parse(pd->body);
  EXPECT_EQ(dj["origin"], "gongkai/demo");
  EXPECT_EQ(pj["origin"], "gongkai/pudong");
  ASSERT_FALSE(pj["keys"].empty());
  const std::string pd_key = pj["keys"].back()["verifier_key"];
  EXPECT_TRUE(pd_key.starts_with("gongkai/pudong+")) << pd_key;
  EXPECT_NE(pd_key, dj["keys"].back()["verifier_key"].get<std::string>());
  EXPECT_TRUE(std::filesystem::exists(db_->string() + ".ledger-key"));
  EXPECT_TRUE(std::filesystem::exists(db_->string() + ".ledger-key.pudong"));
}

TEST_F(SitesTest, ASiteAddedWhileRunningIsServed) {
  auto r = RunGongkai({"site", "add", "--db", db_->string(), "--slug", "jingan", "--name", "静安区人民政府", "--host",
                       "gk.jingan.example.test"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The server reads the site list again at most every 5 seconds.
  bool served = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (!served && std::chrono::steady_clock::now() < deadline) {
    auto res = Get("gk.jingan.example.test", "/");
    served = res && res->status == 200 && res->body.find("静安区人民政府") != std::string::npos;
    if (!served) std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  EXPECT_TRUE(served);
}

}  // namespace
}  // namespace gongkai::testing
