// Black-box tests of the portal: the real binary, a fresh database, HTTP.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/blackbox/harness.h"

namespace gongkai::testing {
namespace {

const char* kAreaHeadings[] = {"一、重大建设项目批准和实施", "二、公共资源配置领域", "三、社会公益事业建设领域"};

class PortalTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    auto r = RunGongkai({"init", "--db", (*dir_ / "portal.db").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    server_ = new ServerProcess(*dir_ / "portal.db");
    ASSERT_TRUE(server_->Start());
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }
  static httplib::Result Get(const std::string& path) { return server_->Client()->Get(path.c_str()); }
  static TempDir* dir_;
  static ServerProcess* server_;
};
TempDir* PortalTest::dir_ = nullptr;
ServerProcess* PortalTest::server_ = nullptr;

TEST_F(PortalTest, HomeShowsTheThreeAreasAndTwentyItems) {
  auto res = Get("/");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/html; charset=utf-8");
  const std::string& b = res->body;
  EXPECT_NE(b.find("<html lang=\"zh-CN\">"), std::string::npos);
  EXPECT_NE(b.find("<title>信息公开目录"), std::string::npos);
  EXPECT_NE(b.find("跳转到主要内容"), std::string::npos);
  for (const char* h : kAreaHeadings) EXPECT_NE(b.find(h), std::string::npos) << h;
  for (int n = 1; n <= 20; ++n)
    EXPECT_NE(b.find("href=\"/items/" + std::to_string(n) + "\""), std::string::npos) << n;
  EXPECT_NE(b.find(">工程建设项目招标投标领域</a>"), std::string::npos);
  EXPECT_NE(b.find(">脱贫攻坚领域</a>"), std::string::npos);
  // Every page names its landmark regions.
  EXPECT_NE(b.find("<main id=\"main\""), std::string::npos);
  EXPECT_NE(b.find("<nav class=\"site-nav\" aria-label=\"主导航\">"), std::string::npos);
}

TEST_F(PortalTest, ItemPageShowsElementsUnitsAndTimeliness) {
  auto res = Get("/items/12");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  const std::string& b = res->body;
  EXPECT_NE(b.find("<title>12.政府采购领域"), std::string::npos);
  EXPECT_NE(b.find("采购结果"), std::string::npos);
  EXPECT_NE(b.find("区财政局"), std::string::npos);
  EXPECT_NE(b.find("区政府门户网站（或政务新媒体等渠道）"), std::string::npos);
  EXPECT_NE(b.find("20个工作日内"), std::string::npos);
  EXPECT_NE(b.find("aria-label=\"当前位置\""), std::string::npos);
  EXPECT_NE(b.find("二、公共资源配置领域"), std::string::npos);  // breadcrumb to its area
  EXPECT_NE(b.find("本事项暂无已公开的信息"), std::string::npos);
  // Item 16 shows its privacy requirement.
  auto r16 = Get("/items/16");
  ASSERT_TRUE(r16);
  EXPECT_NE(r16->body.find("保护好相关人员个人隐私"), std::string::npos);
}

TEST_F(PortalTest, UnknownItemAndPathAreChinese404Pages) {
  for (const std::string& path :
       {std::string("/items/99"), std::string("/items/abc"), std::string("/no-such-page"),
        "/units/" + UrlEncode("不存在的单位")}) {
    auto res = Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 404) << path;
    EXPECT_NE(res->body.find("lang=\"zh-CN\""), std::string::npos) << path;
    EXPECT_NE(res->body.find("返回"), std::string::npos) << path;
  }
}

TEST_F(PortalTest, UnitPagesListTheirItems) {
  auto res = Get("/units/" + UrlEncode("区财政局"));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  for (int n : {3, 8, 12, 13, 14})
    EXPECT_NE(res->body.find("href=\"/items/" + std::to_string(n) + "\""), std::string::npos) << n;
  EXPECT_EQ(res->body.find("href=\"/items/1\""), std::string::npos);
  auto all = Get("/units");
  ASSERT_TRUE(all);
  ASSERT_EQ(all->status, 200);
  std::size_t links = 0;
  for (std::size_t pos = 0; (pos = all->body.find("href=\"/units/%", pos)) != std::string::npos; ++pos) ++links;
  EXPECT_EQ(links, 26u);
}

TEST_F(PortalTest, GuideShowsTheOfficeContactFromTheSeed) {
  auto res = Get("/guide");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  EXPECT_NE(res->body.find("政府信息公开指南"), std::string::npos);
  EXPECT_NE(res->body.find("区党政大楼1号楼212房间"), std::string::npos);
  EXPECT_NE(res->body.find("2836212"), std::string::npos);
  EXPECT_NE(res->body.find("2836275"), std::string::npos);
}

TEST_F(PortalTest, ApiCatalogueItemAndUnits) {
  auto res = Get("/api/v1/catalog");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json; charset=utf-8");
  auto j = nlohmann::json::parse(res->body);
  ASSERT_EQ(j["areas"].size(), 3u);
  EXPECT_EQ(j["areas"][0]["title"], "重大建设项目批准和实施");
  EXPECT_EQ(j["item_count"], 20);
  EXPECT_EQ(j["unit_count"], 26);
  EXPECT_EQ(j["areas"][1]["items"][0]["number"], 9);

  auto item = nlohmann::json::parse(Get("/api/v1/items/4")->body);
  EXPECT_EQ(item["title"], "征收土地信息");
  EXPECT_EQ(item["area"]["numeral"], "一");
  EXPECT_EQ(item["units"][0]["name"], "区国土分局");
  EXPECT_EQ(item["units_open_ended"], false);

  auto units = nlohmann::json::parse(Get("/api/v1/units")->body);
  EXPECT_EQ(units["count"], 26);
  auto unit = Get("/api/v1/units/" + UrlEncode("区红十字会"));
  ASSERT_EQ(unit->status, 200);
  auto uj = nlohmann::json::parse(unit->body);
  ASSERT_EQ(uj["items"].size(), 1u);
  EXPECT_EQ(uj["items"][0]["number"], 16);
}

TEST_F(PortalTest, ApiErrorsAreJsonWithCodeAndChineseMessage) {
  for (const char* path : {"/api/v1/items/99", "/api/v1/items/x", "/api/v1/units/nobody", "/api/v1/nothing"}) {
    auto res = Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 404) << path;
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/json; charset=utf-8") << path;
    auto j = nlohmann::json::parse(res->body);
    EXPECT_EQ(j["error"]["code"], "not_found") << path;
    EXPECT_FALSE(j["error"]["message"].get<std::string>().empty()) << path;
  }
}

TEST_F(PortalTest, SecurityHeadersAndStylesheet) {
  auto res = Get("/");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_NE(res->get_header_value("Content-Security-Policy").find("frame-ancestors 'none'"), std::string::npos);
  auto css = Get("/static/site.css");
  ASSERT_TRUE(css);
  EXPECT_EQ(css->status, 200);
  EXPECT_NE(css->body.find("@media print"), std::string::npos);
  httplib::Headers h = {{"If-None-Match", css->get_header_value("ETag")}};
  auto again = server_->Client()->Get("/static/site.css", h);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 304);
}

TEST_F(PortalTest, PagesFollowAnImportWithoutRestart) {
  TempDir t;
  auto db = (*dir_ / "portal.db").string();
  auto exported = RunGongkai({"catalog", "export", "--db", db, "--format", "json"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  std::string changed = exported.out;
  auto pos = changed.find("\"批准服务信息\"");
  ASSERT_NE(pos, std::string::npos);
  changed.replace(pos, std::string("\"批准服务信息\"").size(), "\"批准服务信息（已更新）\"");
  WriteFile(t / "c.json", changed);
  ASSERT_TRUE(Get("/items/1"));  // warm the cache
  auto imp = RunGongkai({"catalog", "import", (t / "c.json").string(), "--db", db});
  ASSERT_EQ(imp.exit_code, 0) << imp.err;
  EXPECT_NE(Get("/items/1")->body.find("批准服务信息（已更新）"), std::string::npos);
  WriteFile(t / "orig.json", exported.out);
  ASSERT_EQ(RunGongkai({"catalog", "import", (t / "orig.json").string(), "--db", db}).exit_code, 0);
  EXPECT_EQ(Get("/items/1")->body.find("（已更新）"), std::string::npos);
}

// 适老化: the switches set a cookie and go back to the page they were on; the
// server renders the mode as classes on <html>, per request (the page cache
// must not hand one reader's mode to another).
TEST_F(PortalTest, DisplaySwitchesPersistInACookieWithoutJavaScript) {
  std::string host = "127.0.0.1:" + std::to_string(server_->port());
  httplib::Headers from_item = {{"Referer", "http://" + host + "/items/12?page=1"}};
  auto on = server_->Client()->Get("/display?large=1", from_item);
  ASSERT_TRUE(on);
  EXPECT_EQ(on->status, 303);
  EXPECT_EQ(on->get_header_value("Location"), "/items/12?page=1");
  std::string cookie = on->get_header_value("Set-Cookie");
  EXPECT_EQ(cookie.rfind("gk_display=large;", 0), 0u) << cookie;
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;

  ASSERT_TRUE(Get("/items/12"));  // cached without a mode
  httplib::Headers large = {{"Cookie", "gk_display=large"}};
  auto page = server_->Client()->Get("/items/12", large);
  ASSERT_TRUE(page);
  EXPECT_NE(page->body.find("<html lang=\"zh-CN\" class=\"gk-large\">"), std::string::npos);
  httplib::Headers both = {{"Cookie", "gk_display=large.contrast"}};
  auto both_page = server_->Client()->Get("/no-such-page", both);
  ASSERT_TRUE(both_page);
  EXPECT_EQ(both_page->status, 404);
  EXPECT_NE(both_page->body.find("class=\"gk-large gk-contrast\""), std::string::npos);
  EXPECT_NE(Get("/items/12")->body.find("<html lang=\"zh-CN\">"), std::string::npos);

  // Turning contrast on keeps large text; another site's Referer goes home.
  httplib::Headers elsewhere = {{"Cookie", "gk_display=large"}, {"Referer", "http://evil.example/x"}};
  auto contrast = server_->Client()->Get("/display?contrast=1", elsewhere);
  ASSERT_TRUE(contrast);
  EXPECT_EQ(contrast->get_header_value("Location"), "/");
  EXPECT_EQ(contrast->get_header_value("Set-Cookie").rfind("gk_display=large.contrast;", 0), 0u);
  // Both off: the cookie is deleted.
  httplib::Headers off_cookie = {{"Cookie", "gk_display=contrast"}};
  auto off = server_->Client()->Get("/display?contrast=0", off_cookie);
  ASSERT_TRUE(off);
  EXPECT_NE(off->get_header_value("Set-Cookie").find("Max-Age=0"), std::string::npos);
}

}  // namespace
}  // namespace gongkai::testing
