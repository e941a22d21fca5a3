// The annual report (年度报告, section 二): the command, the page, its
// drill-down, the workbook and the mapping editor agree.
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <vector>
#include <regex>
#include <sstream>
#include <string>

#include "codec/xlsx.h"
#include "tests/blackbox/harness.h"
#include "tests/blackbox/web_session.h"

namespace gongkai::testing {
namespace {

// "行政许可/本年处理决定数量" -> "4" (or "—（需人工填报）"), from the text format.
std::map<std::string, std::string> TextFigures(const std::string& out) {
  std::map<std::string, std::string> f;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.starts_with("第二十条")) continue;
    std::vector<std::string> cells;
    std::stringstream ss(line);
    for (std::string c; std::getline(ss, c, '\t');) cells.push_back(c);
    if (cells.size() == 4) f[cells[1] + "/" + cells[2]] = cells[3];
  }
  return f;
}

std::optional<std::vector<std::vector<std::string>>> Cells(const std::string& xlsx) {
  auto rows = ReadXlsxFirstSheet(xlsx);
  if (!rows) return std::nullopt;
  std::vector<std::vector<std::string>> out;
  for (auto& r : *rows) out.push_back(std::move(r.fields));
  return out;
}

int DrillDownCount(const ServerProcess& server, const WebSession& s, const std::string& row,
                   const std::string& measure) {
  auto page = WebGet(server, fmt::format("/admin/annual/records?year=2025&row={}&measure={}", row, measure), &s);
  EXPECT_TRUE(page && page->status == 200) << row << "/" << measure;
  if (!page) return -1;
  static const std::regex count_re("共(\\d+)条信息计入此数");
  std::smatch m;
  EXPECT_TRUE(std::regex_search(page->body, m, count_re));
  const int said = m.empty() ? -1 : std::stoi(m[1].str());
  int links = 0;
  static const std::regex link_re("<th scope=\"row\"><a href=\"/admin/records/\\d+\">");
  for (auto it = std::sregex_iterator(page->body.begin(), page->body.end(), link_re); it != std::sregex_iterator(); ++it)
    ++links;
  EXPECT_EQ(links, said) << "the list shows as many records as it says";
  return said;
}

TEST(AnnualReport, CommandPageWorkbookAndMappingAgree) {
  TempDir dir;
  const auto db = dir / "g.db";
  ASSERT_EQ(RunGongkai({"init", "--demo", "--db", db.string()}).exit_code, 0);
  auto add = RunGongkai({"user", "add", "--db", db.string(), "--username", "ar_admin", "--role", "admin"}, {},
                        "Ar-Admin-Pass-2026\n");
  ASSERT_EQ(add.exit_code, 0) << add.err;

  auto text = RunGongkai({"report", "annual", "--db", db.string(), "--year", "2025"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  auto figures = TextFigures(text.out);
  ASSERT_EQ(figures.size(), 10u) << text.out;  // 2 x 3 + licensing + punishment + enforcement + fees
  EXPECT_EQ(figures["规章/本年制发件数"], "—（需人工填报）");
  EXPECT_EQ(figures["行政事业性收费/本年收费金额（万元）"], "—（需人工填报）");
  const std::string licensing = figures["行政许可/本年处理决定数量"];
  ASSERT_NE(licensing, "—（需人工填报）");
  EXPECT_NE(text.out.find("附：公开时效（2025-01-01至2025-12-31）"), std::string::npos);

  auto bad_year = RunGongkai({"report", "annual", "--db", db.string(), "--year", "2999"});
  EXPECT_EQ(bad_year.exit_code, 2);
  EXPECT_NE(bad_year.err.find("年份2999无效"), std::string::npos) << bad_year.err;
  auto bad_format = RunGongkai({"report", "annual", "--db", db.string(), "--year", "2025", "--format", "pdf"});
  EXPECT_EQ(bad_format.exit_code, 2);
  EXPECT_NE(bad_format.err.find("pdf"), std::string::npos);

  // The workbook's first sheet holds the same figures.
  const auto xlsx_path = dir / "annual.xlsx";
  ASSERT_EQ(RunGongkai({"report", "annual", "--db", db.string(), "--year", "2025", "--format", "xlsx", "--out",
                        xlsx_path.string()})
                .exit_code,
            0);
  auto sheet = Cells(ReadFile(xlsx_path));
  ASSERT_TRUE(sheet.has_value());
  ASSERT_EQ(sheet->size(), 11u);
  EXPECT_EQ((*sheet)[0][3], "2025年");
  for (std::size_t i = 1; i < sheet->size(); ++i)
    EXPECT_EQ((*sheet)[i][3], figures[(*sheet)[i][1] + "/" + (*sheet)[i][2]]) << (*sheet)[i][1];
  auto html = RunGongkai({"report", "annual", "--db", db.string(), "--year", "2025", "--format", "html"});
  ASSERT_EQ(html.exit_code, 0);
  EXPECT_TRUE(html.out.starts_with("<!DOCTYPE html>"));
  EXPECT_NE(html.out.find("<td class=\"num\" colspan=\"3\">" + licensing + "</td>"), std::string::npos);

  ServerProcess server(db);
  ASSERT_TRUE(server.Start());
  WebSession admin = WebLogin(server, "ar_admin", "Ar-Admin-Pass-2026");
  auto page = WebGet(server, "/admin/annual?year=2025", &admin);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("第二十条第（五）项"), std::string::npos);
  EXPECT_NE(page->body.find("aria-label=\"行政许可本年处理决定数量" + licensing + "，查看所统计的信息\">" + licensing + "</a>"),
            std::string::npos);
  EXPECT_EQ(std::to_string(DrillDownCount(server, admin, "licensing", "decisions")), licensing);
  auto web_xlsx = WebGet(server, "/admin/annual.xlsx?year=2025", &admin);
  ASSERT_TRUE(web_xlsx);
  EXPECT_EQ(Cells(web_xlsx->body), sheet);
  EXPECT_EQ(WebGet(server, "/admin/annual?year=abc", &admin)->status, 400);
  EXPECT_EQ(WebGet(server, "/admin/annual/records?year=2025&row=fees&measure=decisions", &admin)->status, 400);

  // The office changes the mapping: a bad one is refused with its path, a
  // good one changes the figures, an empty one restores the default.
  auto bad = WebPost(server, "/admin/annual/mapping",
                     {{"mapping", R"({"version":1,"rows":[{"row":"licensing","selectors":[{"item":99}]}]})"}}, admin);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("rows[0].selectors[0].item"), std::string::npos);
  // Sent as the page's form sends it (multipart), and longer than the 8 KiB
  // cpp-httplib allows a URL-encoded form (an indented mapping can be).
  auto mapping_form = WebGet(server, "/admin/annual/mapping", &admin);
  ASSERT_TRUE(mapping_form);
  EXPECT_NE(mapping_form->body.find("action=\"/admin/annual/mapping\" enctype=\"multipart/form-data\""), std::string::npos);
  auto good = WebPostMultipart(server, "/admin/annual/mapping",
                               {{"mapping",
                                 R"({"version":1,"rows":[{"row":"enforcement","selectors":[{"item":12}]},)" +
                                     std::string(9000, ' ') +
                                     R"({"row":"licensing","selectors":[{"item":12,"element":"采购结果"}]}]})",
                                 "", ""}},
                               admin);
  ASSERT_TRUE(good);
  EXPECT_EQ(good->status, 200);
  EXPECT_NE(good->body.find("统计口径已保存"), std::string::npos);
  auto after = TextFigures(RunGongkai({"report", "annual", "--db", db.string(), "--year", "2025"}).out);
  ASSERT_NE(after["行政强制/本年处理决定数量"], "—（需人工填报）");
  EXPECT_EQ(std::to_string(DrillDownCount(server, admin, "enforcement", "decisions")), after["行政强制/本年处理决定数量"]);
  EXPECT_EQ(std::to_string(DrillDownCount(server, admin, "licensing", "decisions")), after["行政许可/本年处理决定数量"]);
  EXPECT_GE(std::stoi(after["行政强制/本年处理决定数量"]), std::stoi(after["行政许可/本年处理决定数量"]))
      << "item 12 includes its 采购结果 element";
  EXPECT_EQ(after["行政处罚/本年处理决定数量"], "—（需人工填报）") << "rows left out of the mapping are not mapped";
  auto reset = WebPost(server, "/admin/annual/mapping", {{"mapping", "  "}}, admin);
  ASSERT_TRUE(reset);
  EXPECT_NE(reset->body.find("已恢复系统默认统计口径"), std::string::npos);
  auto restored = TextFigures(RunGongkai({"report", "annual", "--db", db.string(), "--year", "2025"}).out);
  EXPECT_EQ(restored, figures);
}

}  // namespace
}  // namespace gongkai::testing
