// Black-box tests of the deadline engine through the CLI, the API and the
// 期限计算 page, and of calendar imports.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/blackbox/harness.h"

namespace gongkai::testing {
namespace {

const char* k2027Csv = "date,type,name\n2027-01-01,off,元旦\n";

class DeadlineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_ / "d.db";
    auto r = RunGongkai({"init", "--db", db_.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  CommandResult Gk(std::vector<std::string> args) {
    args.push_back("--db");
    args.push_back(db_.string());
    return RunGongkai(args);
  }
  TempDir dir_;
  std::filesystem::path db_;
};

TEST_F(DeadlineTest, CliExplainsTheIssueExample) {
  auto r = Gk({"deadline", "--from", "2026-09-25", "--item", "12", "--element", "采购结果"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("2026-09-29（星期二）"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("procurement-result"), std::string::npos);
  EXPECT_NE(r.out.find("政府采购法实施条例"), std::string::npos);
  EXPECT_NE(r.out.find("2026-09-26至2026-09-27（中秋节，2天）"), std::string::npos);
  EXPECT_EQ(r.out.find("暂定"), std::string::npos);

  auto d = Gk({"deadline", "--from", "2026-09-25", "--item", "12", "--element", "采购文件"});
  ASSERT_EQ(d.exit_code, 0) << d.err;
  EXPECT_NE(d.out.find("2026-10-29（星期四）"), std::string::npos) << d.out;
  EXPECT_NE(d.out.find("2026-10-01至2026-10-07（国庆节，7天）"), std::string::npos) << d.out;
  EXPECT_NE(d.out.find("2026-10-10"), std::string::npos) << "makeup day shown";

  auto rule = Gk({"deadline", "--from", "2026-09-25", "--rule", "bid-candidates"});
  ASSERT_EQ(rule.exit_code, 0) << rule.err;
  EXPECT_NE(rule.out.find("招标投标法实施条例"), std::string::npos);
}

TEST_F(DeadlineTest, CliRefusesBadInputNamingIt) {
  struct Case {
    std::vector<std::string> args;
    std::string expect;
  } cases[] = {
      {{"deadline", "--from", "2026-02-30", "--item", "1"}, "--from"},
      {{"deadline", "--from", "2026-09-25", "--item", "99"}, "item"},
      {{"deadline", "--from", "2026-09-25", "--item", "12", "--element", "没有的要素"}, "element"},
      {{"deadline", "--from", "2026-09-25", "--rule", "nope"}, "rule"},
  };
  for (const auto& k : cases) {
    auto r = Gk(k.args);
    EXPECT_NE(r.exit_code, 0) << k.expect;
    EXPECT_NE(r.err.find(k.expect), std::string::npos) << r.err;
  }
}

TEST_F(DeadlineTest, ApiPageAndCliAgree) {
  ServerProcess server(db_);
  ASSERT_TRUE(server.Start());
  auto c = server.Client();
  auto res = c->Get("/api/v1/deadline?from=2026-09-25&item=12&element=" + UrlEncode("采购结果"));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  auto j = nlohmann::json::parse(res->body);
  EXPECT_EQ(j["due"], "2026-09-29");
  EXPECT_EQ(j["rule"]["id"], "procurement-result");
  EXPECT_EQ(j["provisional"], false);
  EXPECT_EQ(j["non_working_days"][0]["name"], "中秋节");
  auto cli = Gk({"deadline", "--from", "2026-09-25", "--item", "12", "--element", "采购结果", "--json"});
  ASSERT_EQ(cli.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(cli.out), j);

  auto page = c->Get("/deadline?from=2026-09-25&target=" + UrlEncode("12/采购结果"));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("2026-09-29（星期二）"), std::string::npos);
  EXPECT_NE(page->body.find("政府采购法实施条例"), std::string::npos);
  EXPECT_NE(page->body.find("selected"), std::string::npos);

  auto form = c->Get("/deadline");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->status, 200);
  EXPECT_NE(form->body.find("<label for=\"from\">"), std::string::npos);
  EXPECT_NE(form->body.find("<label for=\"target\">"), std::string::npos);
  EXPECT_EQ(form->body.find("计算结果"), std::string::npos);
}

TEST_F(DeadlineTest, ApiAndPageErrorsNameTheField) {
  ServerProcess server(db_);
  ASSERT_TRUE(server.Start());
  auto c = server.Client();
  struct Case {
    std::string path;
    std::string field;
  } cases[] = {{"/api/v1/deadline", "from"},
               {"/api/v1/deadline?from=2026-13-01", "from"},
               {"/api/v1/deadline?from=2026-09-25&item=99", "item"},
               {"/api/v1/deadline?from=2026-09-25&item=x", "item"},
               {"/api/v1/deadline?from=2026-09-25&element=abc", "item"},
               {"/api/v1/deadline?from=2026-09-25&rule=nope", "rule"}};
  for (const auto& k : cases) {
    auto res = c->Get(k.path);
    ASSERT_TRUE(res) << k.path;
    EXPECT_EQ(res->status, 400) << k.path;
    auto j = nlohmann::json::parse(res->body);
    EXPECT_EQ(j["error"]["code"], "invalid_input") << k.path;
    EXPECT_EQ(j["error"]["field"], k.field) << k.path;
  }
  auto page = c->Get("/deadline?from=notadate&target=1%2F");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 400);
  EXPECT_NE(page->body.find("role=\"alert\""), std::string::npos);
  EXPECT_NE(page->body.find("aria-invalid=\"true\""), std::string::npos);
}

TEST_F(DeadlineTest, ProvisionalUntilTheNoticeIsImported) {
  ServerProcess server(db_);
  ASSERT_TRUE(server.Start());
  auto c = server.Client();
  auto before = nlohmann::json::parse(c->Get("/api/v1/deadline?from=2026-12-15&item=1")->body);
  EXPECT_EQ(before["due"], "2027-01-12");
  EXPECT_EQ(before["provisional"], true);
  EXPECT_NE(before["provisional_note"].get<std::string>().find("2027年放假安排尚未公布"), std::string::npos);
  auto page = c->Get("/deadline?from=2026-12-15&target=1%2F");
  EXPECT_NE(page->body.find("暂定日期"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(c->Get("/api/v1/calendar/2027")->body)["official"], false);

  WriteFile(dir_ / "2027.csv", k2027Csv);
  auto imp = Gk({"calendar", "import", (dir_ / "2027.csv").string(), "--year", "2027"});
  ASSERT_EQ(imp.exit_code, 0) << imp.err;
  EXPECT_NE(imp.out.find("已导入2027年放假安排"), std::string::npos) << imp.out;

  auto after = nlohmann::json::parse(c->Get("/api/v1/deadline?from=2026-12-15&item=1")->body);
  EXPECT_EQ(after["due"], "2027-01-13");
  EXPECT_EQ(after["provisional"], false);
  EXPECT_EQ(after["calendar_version"], 2);
  EXPECT_EQ(nlohmann::json::parse(c->Get("/api/v1/calendar/2027")->body)["official"], true);

  auto again = Gk({"calendar", "import", (dir_ / "2027.csv").string()});
  ASSERT_EQ(again.exit_code, 0);
  EXPECT_NE(again.out.find("未作修改"), std::string::npos) << again.out;
  auto list = Gk({"calendar", "list"});
  EXPECT_NE(list.out.find("版本2"), std::string::npos);
  EXPECT_EQ(list.out.find("版本3"), std::string::npos);
}

TEST_F(DeadlineTest, BadCalendarImportsChangeNothing) {
  struct Case {
    std::string file, content;
    std::vector<std::string> extra;
    std::string expect;
  } cases[] = {
      {"twice.csv", "date,type,name\n2027-01-01,off,元旦\n2027-01-01,off,元旦\n", {}, "2027-01-01"},
      {"weekday.csv", "date,type,name\n2027-01-05,work,春节\n", {}, "2027-01-05"},
      {"mismatch.csv", k2027Csv, {"--year", "2028"}, "2028"},
      {"broken.json", "{\"year\": 2027, \"days\": [", {}, "JSON"},
      {"type.csv", "date,type,name\n2027-01-01,maybe,元旦\n", {}, "maybe"},
  };
  std::string before = DumpDatabase(db_);
  for (const auto& k : cases) {
    WriteFile(dir_ / k.file, k.content);
    std::vector<std::string> args = {"calendar", "import", (dir_ / k.file).string()};
    args.insert(args.end(), k.extra.begin(), k.extra.end());
    auto r = Gk(args);
    EXPECT_NE(r.exit_code, 0) << k.file;
    EXPECT_NE(r.err.find(k.expect), std::string::npos) << k.file << ": " << r.err;
    EXPECT_NE(r.err.find("未作任何修改"), std::string::npos) << k.file;
    EXPECT_EQ(DumpDatabase(db_), before) << k.file;
  }
}

TEST_F(DeadlineTest, ItemPageNamesStatutoryRules) {
  ServerProcess server(db_);
  ASSERT_TRUE(server.Start());
  auto res = server.Client()->Get("/items/12");
  ASSERT_TRUE(res);
  EXPECT_NE(res->body.find("法定时限：政府采购中标、成交结果公告"), std::string::npos);
  EXPECT_NE(res->body.find("/deadline?target=12%2F"), std::string::npos);
}

}  // namespace
}  // namespace gongkai::testing
