// Requests whose text is not UTF-8 (found by fuzz/http_request_fuzz.cc: the
// search API answered 500 when it echoed such a query into JSON) get a 400
// naming the part, on pages and in the API, and the server keeps serving.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/blackbox/harness.h"
#include "tests/blackbox/web_session.h"

namespace gongkai::testing {
namespace {

TEST(InvalidText, RefusedNamingThePart) {
  TempDir dir;
  auto init = RunGongkai({"init", "--demo", "--db", (dir / "t.db").string()});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  ServerProcess server(dir / "t.db");
  ASSERT_TRUE(server.Start());
  auto client = server.Client();

  struct Case {
    std::string path, part, field, what;
  };
  const std::string utf8 = "不是有效的UTF-8文本", nul = "含有空字符";
  for (const Case& c : std::vector<Case>{{"/api/v1/search?q=%E5%8D%15%E4%BD%8D", "参数q", "q", utf8},
                                         {"/api/v1/records?unit=%FF", "参数unit", "unit", utf8},
                                         {"/api/v1/units/%E5%8D%15", "路径", "", utf8},
                                         {"/api/v1/deadline?from=2026-01-01&element=%C0%AF", "参数element", "element", utf8},
                                         {"/api/v1/search?q=%E9%81%93%E8%B7%AF%00%E5%B7%A5", "参数q", "q", nul}}) {
    auto res = client->Get(c.path);
    ASSERT_TRUE(res) << c.path;
    EXPECT_EQ(res->status, 400) << c.path << " " << res->body;
    auto j = nlohmann::json::parse(res->body, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << c.path << " " << res->body;
    // The field is the parameter's own name, as the API documents it.
    if (c.field.empty())
      EXPECT_FALSE(j["error"].contains("field")) << res->body;
    else
      EXPECT_EQ(j["error"]["field"], c.field) << res->body;
    EXPECT_NE(j["error"]["message"].get<std::string>().find(c.part + c.what), std::string::npos) << res->body;
  }
  for (const char* path : {"/search?q=%FF%FE", "/units/%E5%8D%15", "/deadline?from=%FF"}) {
    auto res = client->Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 400) << path;
    EXPECT_NE(res->body.find("不是有效的UTF-8文本"), std::string::npos) << path;
    EXPECT_NE(res->body.find("<html"), std::string::npos) << path;
  }
  // A NUL never reaches a page (HTML cannot show it).
  auto nul_page = client->Get("/search?q=%E9%81%93%E8%B7%AF%00%E5%B7%A5");
  ASSERT_TRUE(nul_page);
  EXPECT_EQ(nul_page->status, 400);
  EXPECT_NE(nul_page->body.find("参数q含有空字符"), std::string::npos);
  EXPECT_EQ(nul_page->body.find('\0'), std::string::npos);
  // Form bodies are read after routing: the signed-in forms and the login
  // form check them before any handler uses a field.
  auto add = RunGongkai({"user", "add", "--username", "gk_admin", "--role", "admin", "--name", "管理员", "--db",
                         (dir / "t.db").string()},
                        {}, "Admin-Pass-2024\n");
  ASSERT_EQ(add.exit_code, 0) << add.err;
  WebSession admin = WebLogin(server, "gk_admin", "Admin-Pass-2024");
  ASSERT_FALSE(admin.token.empty());
  auto accounts_before = DbScalar(dir / "t.db", "SELECT count(*) FROM accounts");
  auto form = WebPost(server, "/admin/accounts",
                      {{"username", "new_one"}, {"display_name", "\xE5\x8D"}, {"role", "admin"}}, admin);
  ASSERT_TRUE(form);
  EXPECT_EQ(form->status, 400) << form->body.substr(0, 500);
  EXPECT_NE(form->body.find("参数display_name不是有效的UTF-8文本"), std::string::npos);
  EXPECT_EQ(DbScalar(dir / "t.db", "SELECT count(*) FROM accounts"), accounts_before);
  LoginForm login_form = GetLoginForm(server);
  auto login = PostLogin(server, login_form.csrf, "gk_login_csrf=" + login_form.cookie, "\xFF", "x");
  ASSERT_TRUE(login);
  EXPECT_EQ(login->status, 400);
  EXPECT_NE(login->body.find("参数username不是有效的UTF-8文本"), std::string::npos);
  // Valid text still works.
  auto ok = client->Get("/api/v1/search?q=%E8%B5%84%E9%87%91");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
}

}  // namespace
}  // namespace gongkai::testing
