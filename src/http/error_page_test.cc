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

}  // namespace
}  // namespace gongkai::views
