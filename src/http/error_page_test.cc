// Error pages say in Chinese what happened and what to do next.
#include <gtest/gtest.h>

#include "http/display_prefs.h"
#include "http/views.h"

namespace gongkai::views {
namespace {

TEST(ErrorPage, EachStatusHasItsHeadingAndNextSteps) {
  Site site;
  site.name = "示例区人民政府";
  struct Case {
    int status;
    const char* heading;
    const char* step;
  } cases[] = {
      {400, "请求有误", "重新提交"},
      {413, "请求有误", "重新提交"},
      {414, "请求有误", "重新提交"},
      {401, "请先登录", "href=\"/login\""},
      {403, "无权访问", "联系公开办管理员"},
      {404, "页面不存在", "搜索框"},
      {500, "服务暂时出现问题", "刷新页面"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.status);
    std::string page = ErrorPage(site, nullptr, c.status, "说明");
    EXPECT_NE(page.find(std::string("<h1>") + c.heading + "</h1>"), std::string::npos);
    EXPECT_NE(page.find(c.step), std::string::npos);
    EXPECT_NE(page.find("<a href=\"/\">信息公开目录首页</a>"), std::string::npos);
    EXPECT_NE(page.find("错误代码：" + std::to_string(c.status)), std::string::npos);
    EXPECT_NE(page.find("<html lang=\"zh-CN\">"), std::string::npos);
  }
}

TEST(ErrorPage, RendersTheDisplayModeOfTheCurrentRequest) {
  Site site;
  display::SetCurrentPrefs({.large = true, .contrast = true});
  std::string page = ErrorPage(site, nullptr, 404, "说明");
  display::SetCurrentPrefs({});
  EXPECT_NE(page.find("<html lang=\"zh-CN\" class=\"gk-large gk-contrast\">"), std::string::npos);
  EXPECT_NE(ErrorPage(site, nullptr, 404, "说明").find("<html lang=\"zh-CN\">"), std::string::npos);
}

// The 体裁 facet of records without one (未标注) is a count, not a filter
// ("" means any 体裁), and never shows as the filter in force.
TEST(SearchPage, UnlabelledGenreIsACountNotAFilter) {
  Site site;
  Catalog catalog;
  SearchParams p;
  p.q = "正文";
  SearchOutcome o;
  o.total = 3;
  o.by_genre = {FacetCount{"公告", 2}, FacetCount{"", 1}};
  std::string page = SearchPage(site, catalog, p, &o, "");
  EXPECT_NE(page.find("<li>未标注（1）</li>"), std::string::npos);
  EXPECT_EQ(page.find("<strong>未标注"), std::string::npos);
  EXPECT_NE(page.find("genre=%E5%85%AC%E5%91%8A\">公告（2）</a>"), std::string::npos);
  p.genre = "公告";
  page = SearchPage(site, catalog, p, &o, "");
  EXPECT_NE(page.find("<strong>公告（2）</strong>"), std::string::npos);
  EXPECT_NE(page.find("<li>未标注（1）</li>"), std::string::npos);
}

}  // namespace
}  // namespace gongkai::views
