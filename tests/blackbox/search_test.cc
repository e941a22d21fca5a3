// Black-box tests of the search page, the search API and `gongkai search`.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/blackbox/harness.h"

namespace gongkai::testing {
namespace {

class SearchPortalTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    auto r = RunGongkai({"init", "--demo", "--db", (*dir_ / "s.db").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    server_ = new ServerProcess(*dir_ / "s.db");
    ASSERT_TRUE(server_->Start());
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }
  static httplib::Result Get(const std::string& path) { return server_->Client()->Get(path.c_str()); }
  static nlohmann::json Api(const std::string& q) {
    auto res = Get("/api/v1/search?q=" + UrlEncode(q));
    EXPECT_TRUE(res);
    return nlohmann::json::parse(res->body);
  }
  static TempDir* dir_;
  static ServerProcess* server_;
};
TempDir* SearchPortalTest::dir_ = nullptr;
ServerProcess* SearchPortalTest::server_ = nullptr;

TEST_F(SearchPortalTest, EveryPageHasASearchBox) {
  for (const char* path : {"/", "/items/1", "/guide", "/units"}) {
    auto res = Get(path);
    ASSERT_TRUE(res);
    EXPECT_NE(res->body.find("action=\"/search\""), std::string::npos) << path;
    EXPECT_NE(res->body.find("<label for=\"site-q\""), std::string::npos) << path;
  }
}

TEST_F(SearchPortalTest, FindsHighlightsAndFolds) {
  auto j = Api("金桥村");
  ASSERT_GT(j["total"].get<int>(), 0) << j.dump();
  EXPECT_NE(j["results"][0]["snippet_html"].get<std::string>().find("<mark>金桥村</mark>"), std::string::npos);
  // Traditional and full-width input finds the same records.
  EXPECT_EQ(Api("金橋村")["total"], j["total"]);
  EXPECT_EQ(Api("金桥村 （演示）")["total"], j["total"]);
  auto page = Get("/search?q=" + UrlEncode("金桥村"));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("<mark>金桥村</mark>"), std::string::npos);
  EXPECT_NE(page->body.find("找到" + std::to_string(j["total"].get<int>()) + "条结果"), std::string::npos);
  // Facets narrow the results and their counts add up.
  int by_year = 0;
  for (const auto& f : j["facets"]["year"]) by_year += f["count"].get<int>();
  EXPECT_EQ(by_year, j["total"].get<int>());
  std::string year = j["facets"]["year"][0]["value"];
  auto narrowed = nlohmann::json::parse(Get("/api/v1/search?q=" + UrlEncode("金桥村") + "&year=" + year)->body);
  EXPECT_EQ(narrowed["total"], j["facets"]["year"][0]["count"]);
}

TEST_F(SearchPortalTest, ExclusionAndPhrase) {
  int all = Api("中心小学")["total"];
  int with = Api("中心小学 金桥村")["total"];
  int without = Api("中心小学 -金桥村")["total"];
  EXPECT_EQ(with + without, all);
  EXPECT_LE(Api("\"中心小学教学楼\"")["total"].get<int>(), all);
}

TEST_F(SearchPortalTest, MalformedQueriesAreClearAndEscaped) {
  auto bad = Get("/api/v1/search?q=" + UrlEncode("\"未闭合"));
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  auto j = nlohmann::json::parse(bad->body);
  EXPECT_EQ(j["error"]["field"], "q");
  EXPECT_NE(j["error"]["message"].get<std::string>().find("引号"), std::string::npos);
  auto page = Get("/search?q=" + UrlEncode("\"<script>alert(1)</script>"));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 400);
  EXPECT_EQ(page->body.find("<script>alert(1)"), std::string::npos);
  EXPECT_NE(page->body.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(page->body.find("role=\"alert\""), std::string::npos);
  auto long_query = Get("/search?q=" + UrlEncode(std::string(3 * 1024, 'x')));
  ASSERT_TRUE(long_query);
  EXPECT_EQ(long_query->status, 400);
  EXPECT_NE(long_query->body.find("过长"), std::string::npos);
  // A URL beyond the server's limit is refused before any parsing, in Chinese.
  auto huge = Get("/search?q=" + UrlEncode(std::string(10 * 1024, 'x')));
  ASSERT_TRUE(huge);
  EXPECT_EQ(huge->status, 414);
  EXPECT_NE(huge->body.find("lang=\"zh-CN\""), std::string::npos);
  EXPECT_NE(huge->body.find("网址过长"), std::string::npos);
  EXPECT_NE(huge->body.find("错误代码：414"), std::string::npos);
  // The API's answer to the same is JSON, although it comes before the
  // request line is parsed.
  auto huge_api = Get("/api/v1/search?q=" + UrlEncode(std::string(10 * 1024, 'x')));
  ASSERT_TRUE(huge_api);
  EXPECT_EQ(huge_api->status, 414);
  auto huge_json = nlohmann::json::parse(huge_api->body, nullptr, false);
  ASSERT_FALSE(huge_json.is_discarded()) << huge_api->body.substr(0, 200);
  EXPECT_NE(huge_json["error"]["message"].get<std::string>().find("网址过长"), std::string::npos);
  // The search box cannot take more than the query limit allows.
  auto form = Get("/search");
  ASSERT_TRUE(form);
  EXPECT_NE(form->body.find("maxlength=\"300\""), std::string::npos);
  auto none = Get("/search?q=" + UrlEncode("不存在的词语组合"));
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 200);
  EXPECT_NE(none->body.find("找到0条结果"), std::string::npos);
  EXPECT_NE(none->body.find("减少搜索词"), std::string::npos);
  EXPECT_EQ(none->body.find("去掉筛选条件"), std::string::npos);  // none in force
}

// No results under a filter: the filters in force are shown, each with a
// link that drops it. A page past the last says so and links back; a page
// far past it is not an error.
TEST_F(SearchPortalTest, EmptyPagesOfferAWayBack) {
  auto j = Api("金桥村");
  const int total = j["total"].get<int>();
  ASSERT_GT(total, 0);
  auto filtered = Get("/search?q=" + UrlEncode("金桥村") + "&year=2030");
  ASSERT_TRUE(filtered);
  EXPECT_EQ(filtered->status, 200);
  EXPECT_NE(filtered->body.find("找到0条结果"), std::string::npos);
  EXPECT_NE(filtered->body.find("年份：2030年（<a href=\"/search?q=" + UrlEncode("金桥村") + "\">取消</a>）"),
            std::string::npos)
      << filtered->body.substr(filtered->body.find("empty"), 800);
  const int pages = j["pages"].get<int>();
  auto past = Get("/search?q=" + UrlEncode("金桥村") + "&page=" + std::to_string(pages + 1));
  ASSERT_TRUE(past);
  EXPECT_EQ(past->status, 200);
  EXPECT_NE(past->body.find("第" + std::to_string(pages + 1) + "页没有结果"), std::string::npos);
  EXPECT_EQ(past->body.find("没有找到包含这些词语的信息"), std::string::npos);
  for (const char* page : {"100000000", "2147483647"}) {
    auto far = Get("/api/v1/search?q=" + UrlEncode("金桥村") + "&page=" + page);
    ASSERT_TRUE(far);
    EXPECT_EQ(far->status, 200) << page << " " << far->body.substr(0, 200);
    auto fj = nlohmann::json::parse(far->body);
    EXPECT_EQ(fj["total"].get<int>(), total);
    EXPECT_TRUE(fj["results"].empty()) << page;
  }
  auto far_page = Get("/search?q=" + UrlEncode("金桥村") + "&page=2147483647");
  ASSERT_TRUE(far_page);
  EXPECT_EQ(far_page->status, 200);
  EXPECT_NE(far_page->body.find("第2147483647页没有结果"), std::string::npos);
  auto zero = Get("/api/v1/search?q=" + UrlEncode("金桥村") + "&page=0");
  ASSERT_TRUE(zero);
  EXPECT_EQ(zero->status, 400);
  EXPECT_EQ(nlohmann::json::parse(zero->body)["error"]["field"], "page");
}

TEST_F(SearchPortalTest, CliChecksAndQueriesTheIndex) {
  auto db = (*dir_ / "s.db").string();
  auto check = RunGongkai({"search", "check", "--db", db});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_NE(check.out.find("缺漏0条；过时0条"), std::string::npos) << check.out;
  auto q = RunGongkai({"search", "query", "金桥村", "--db", db});
  EXPECT_EQ(q.exit_code, 0);
  EXPECT_NE(q.out.find("找到" + std::to_string(Api("金桥村")["total"].get<int>()) + "条结果"), std::string::npos);
  auto reindex = RunGongkai({"search", "reindex", "--db", db});
  EXPECT_EQ(reindex.exit_code, 0) << reindex.err;
  EXPECT_EQ(RunGongkai({"search", "check", "--db", db}).exit_code, 0);
}

}  // namespace
}  // namespace gongkai::testing
