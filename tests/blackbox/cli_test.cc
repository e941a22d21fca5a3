// Black-box tests of the command line: init, catalog export/import, help.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <iterator>
#include <regex>

#include "codec/xlsx.h"
#include "tests/blackbox/harness.h"

namespace gongkai::testing {
namespace {

std::vector<std::vector<std::string>> Query(const std::filesystem::path& db, const std::string& sql) {
  return DbRows(db, sql);
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_ / "g.db";
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

TEST_F(CliTest, VersionAndChineseHelp) {
  auto v = RunGongkai({"--version"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_NE(v.out.find("gongkai 0."), std::string::npos);
  auto h = RunGongkai({"--help"});
  EXPECT_EQ(h.exit_code, 0);
  for (const char* word : {"init", "serve", "catalog", "初始化数据库", "启动门户网站"})
    EXPECT_NE(h.out.find(word), std::string::npos) << word;
  auto none = RunGongkai({});
  EXPECT_NE(none.exit_code, 0);
}

TEST_F(CliTest, InitStoresExactlyTheSeedCatalogue) {
  EXPECT_EQ(Query(db_, "SELECT count(*) FROM areas")[0][0], "3");
  EXPECT_EQ(Query(db_, "SELECT count(*) FROM items")[0][0], "20");
  EXPECT_EQ(Query(db_, "SELECT count(*) FROM units")[0][0], "26");
  auto titles = Query(db_, "SELECT number, title FROM items ORDER BY number");
  ASSERT_EQ(titles.size(), 20u);
  EXPECT_EQ(titles[0][1], "批准服务信息");
  EXPECT_EQ(titles[13][1], "工程建设项目招标投标领域");
  EXPECT_EQ(titles[19][1], "灾害事故救援领域");
  auto units12 = Query(db_,
                       "SELECT u.name FROM item_units iu JOIN items i ON i.id = iu.item_id JOIN units u ON u.id = "
                       "iu.unit_id WHERE i.number = 13 ORDER BY iu.position");
  ASSERT_EQ(units12.size(), 3u);
  EXPECT_EQ(units12[0][0], "区财政局");
  EXPECT_EQ(units12[1][0], "区机关事务管理中心");
  EXPECT_EQ(units12[2][0], "区审计局");
  // A second init keeps the catalogue and changes nothing.
  std::string before = DumpDatabase(db_);
  auto again = RunGongkai({"init", "--db", db_.string()});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(DumpDatabase(db_), before);
}

TEST_F(CliTest, ExportImportRoundTripsInEveryFormat) {
  auto json = Gk({"catalog", "export", "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto doc = nlohmann::json::parse(json.out);
  EXPECT_EQ(doc["areas"].size(), 3u);
  for (const char* fmt_name : {"json", "csv", "xlsx"}) {
    auto file = dir_ / (std::string("catalog.") + fmt_name);
    auto e = Gk({"catalog", "export", "--format", fmt_name, "-o", file.string()});
    ASSERT_EQ(e.exit_code, 0) << fmt_name << e.err;
    auto i = Gk({"catalog", "import", file.string()});
    ASSERT_EQ(i.exit_code, 0) << fmt_name << ": " << i.err;
    auto after = Gk({"catalog", "export", "--format", "json"});
    EXPECT_EQ(after.out, json.out) << fmt_name;
  }
  auto csv = Gk({"catalog", "export", "--format", "csv"});
  EXPECT_EQ(csv.out.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_NE(csv.out.find("一级标题,二级标题,公开内容,公布平台,责任单位,公开时效"), std::string::npos);
}

TEST_F(CliTest, BadImportsAreRefusedAndChangeNothing) {
  auto exported = Gk({"catalog", "export", "--format", "json"});
  ASSERT_EQ(exported.exit_code, 0);
  const std::string good = exported.out;
  auto replace = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    auto pos = s.find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    if (pos != std::string::npos) s.replace(pos, from.size(), to);
    return s;
  };
  struct Case {
    std::string name, file, content, expect;
  } cases[] = {
      {"bad json", "bad.json", good.substr(0, good.size() - 40), "第"},
      {"missing title", "notitle.json", replace("\"title\": \"招投标信息\"", "\"title\": \"\""),
       "areas[0].items[2].title"},
      {"duplicate item number", "dup.json", replace("\"number\": 3,", "\"number\": 2,"), "重复"},
      {"unknown key", "unknown.json", replace("\"channel\":", "\"colour\": 1, \"channel\":"), "colour"},
      {"unknown column", "cols.csv",
       "一级标题,二级标题,公开内容,公布平台,责任单位,公开时效,附加列\n（一）甲,1.乙,丙,丁,区发改局,20个工作日,x\n",
       "附加列"},
      {"csv missing title", "notitle.csv",
       "一级标题,二级标题,公开内容,公布平台,责任单位,公开时效\n（一）甲,,丙,丁,区发改局,20个工作日\n", "第2行"},
      {"not a workbook", "fake.xlsx", "this is not a zip", "Excel"},
  };
  std::string before = DumpDatabase(db_);
  for (const auto& k : cases) {
    WriteFile(dir_ / k.file, k.content);
    auto r = Gk({"catalog", "import", (dir_ / k.file).string()});
    EXPECT_NE(r.exit_code, 0) << k.name;
    EXPECT_NE(r.err.find(k.expect), std::string::npos) << k.name << ": " << r.err;
    EXPECT_NE(r.err.find("未作任何修改"), std::string::npos) << k.name;
    EXPECT_EQ(DumpDatabase(db_), before) << k.name;
  }
  auto missing = Gk({"catalog", "import", (dir_ / "absent.json").string()});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_EQ(DumpDatabase(db_), before);
}

TEST_F(CliTest, ExportFromUninitialisedDatabaseSaysWhatToDo) {
  auto r = RunGongkai({"catalog", "export", "--db", (dir_ / "empty.db").string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("gongkai init"), std::string::npos) << r.err;
}

// gongkai token add|list|revoke: what the office does on /admin/tokens.
TEST_F(CliTest, TokensAreCreatedListedAndRevoked) {
  auto add = Gk({"token", "add", "--name", "财政局业务系统", "--unit", "区财政局", "--role", "leader"});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(add.out, m, std::regex("gk_[A-Za-z0-9_-]{43}"))) << add.out;
  const std::string secret = m.str();
  auto only = Gk({"token", "add", "--name", "只要令牌", "--unit", "区财政局", "--secret-only"});
  ASSERT_EQ(only.exit_code, 0) << only.err;
  EXPECT_TRUE(std::regex_match(only.out, std::regex("gk_[A-Za-z0-9_-]{43}\n"))) << only.out;
  // Only the hash is stored.
  auto stored = Query(db_, "SELECT token_hash FROM api_tokens");
  ASSERT_EQ(stored.size(), 2u);
  for (const auto& row : stored) {
    EXPECT_EQ(row[0].size(), 64u);
    EXPECT_EQ(add.out.find(row[0]), std::string::npos);
  }
  auto list = Gk({"token", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("财政局业务系统\t区财政局\t分管领导"), std::string::npos) << list.out;
  EXPECT_EQ(list.out.find(secret), std::string::npos) << "list must not show secrets";
  EXPECT_EQ(list.out.find("已吊销"), std::string::npos);
  auto revoke = Gk({"token", "revoke", "--id", "1"});
  ASSERT_EQ(revoke.exit_code, 0) << revoke.err;
  EXPECT_NE(Gk({"token", "list"}).out.find("已吊销"), std::string::npos);
  auto again = Gk({"token", "revoke", "--id", "1"});
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.err.find("已被吊销"), std::string::npos) << again.err;
  // Bad input names what is wrong and stores nothing.
  auto bad_role = Gk({"token", "add", "--name", "x", "--unit", "区财政局", "--role", "admin"});
  EXPECT_NE(bad_role.exit_code, 0);
  EXPECT_NE(bad_role.err.find("role"), std::string::npos) << bad_role.err;
  auto bad_unit = Gk({"token", "add", "--name", "x", "--unit", "没有这个单位"});
  EXPECT_NE(bad_unit.exit_code, 0);
  EXPECT_NE(bad_unit.err.find("没有这个单位"), std::string::npos) << bad_unit.err;
  EXPECT_EQ(Query(db_, "SELECT count(*) FROM api_tokens")[0][0], "2");
}

TEST_F(CliTest, ServeReadsAConfigFile) {
  auto port_file = dir_ / "port";
  WriteFile(dir_ / "gongkai.ini", "db = \"" + db_.string() + "\"\nlisten = \"127.0.0.1:0\"\nthreads = 4\n");
  ServerProcess server(db_, {"--config", (dir_ / "gongkai.ini").string()});
  ASSERT_TRUE(server.Start());
  auto res = server.Client()->Get("/api/v1/units");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  auto bad = RunGongkai({"serve", "--db", db_.string(), "--listen", "nonsense:port"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("--listen"), std::string::npos) << bad.err;
}

// gongkai report compliance: the dashboard's figures from the command line,
// the same in text and in the workbook.
TEST(CliReport, ComplianceTextCsvAndXlsxAgree) {
  TempDir dir;
  const std::string db = (dir / "demo.db").string();
  auto init = RunGongkai({"init", "--demo", "--db", db});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  auto text = RunGongkai({"report", "compliance", "--from", "2025-01-01", "--to", "2025-12-31", "--db", db});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  ASSERT_NE(text.out.find("== 全区 =="), std::string::npos) << text.out.substr(0, 500);
  ASSERT_NE(text.out.find("== 单位 =="), std::string::npos);
  // The site line: "全区（2025-01-01至2025-12-31）\t<应公开>\t<按时公开>\t..."
  const std::string marker = "全区（2025-01-01至2025-12-31）\t";
  auto at = text.out.find(marker);
  ASSERT_NE(at, std::string::npos) << text.out.substr(0, 800);
  std::string rest = text.out.substr(at + marker.size());
  const int due = std::stoi(rest.substr(0, rest.find('\t')));
  EXPECT_GT(due, 0) << "the demo data has obligations due in 2025";
  const std::string xlsx = (dir / "c.xlsx").string();
  auto x = RunGongkai({"report", "compliance", "--from", "2025-01-01", "--to", "2025-12-31", "--format", "xlsx",
                       "--out", xlsx, "--db", db});
  ASSERT_EQ(x.exit_code, 0) << x.err;
  std::ifstream f(xlsx, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  auto sheet = gongkai::ReadXlsxFirstSheet(bytes);
  ASSERT_TRUE(sheet.has_value()) << sheet.error().message;
  ASSERT_GE(sheet->size(), 2u);
  EXPECT_EQ((*sheet)[0].fields[1], "应公开");
  EXPECT_EQ(std::stoi((*sheet)[1].fields[1]), due);
  auto csv = RunGongkai({"report", "compliance", "--from", "2025-01-01", "--to", "2025-12-31", "--format", "csv",
                         "--db", db});
  ASSERT_EQ(csv.exit_code, 0);
  EXPECT_NE(csv.out.find("【公开空白】"), std::string::npos);
  // Bad input names what is wrong.
  auto bad_format = RunGongkai({"report", "compliance", "--format", "pdf", "--db", db});
  EXPECT_NE(bad_format.exit_code, 0);
  EXPECT_NE(bad_format.err.find("pdf"), std::string::npos) << bad_format.err;
  auto bad_date = RunGongkai({"report", "compliance", "--from", "2025-02-30", "--db", db});
  EXPECT_NE(bad_date.exit_code, 0);
  EXPECT_NE(bad_date.err.find("2025-02-30"), std::string::npos) << bad_date.err;
}

}  // namespace
}  // namespace gongkai::testing
