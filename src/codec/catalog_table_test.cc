#include "codec/catalog_table.h"

#include <fmt/core.h>
#include <gtest/gtest.h>

#include "codec/catalog_json.h"

namespace gongkai {
namespace {

Catalog Seed() {
  auto c = LoadSeedCatalog();
  EXPECT_TRUE(c.has_value());
  return *c;
}

TEST(CatalogTable, HeaderStartsWithTheSeedsSixColumns) {
  const auto& h = CatalogTableHeader();
  ASSERT_GE(h.size(), 6u);
  EXPECT_EQ((std::vector<std::string>(h.begin(), h.begin() + 6)),
            (std::vector<std::string>{"一级标题", "二级标题", "公开内容", "公布平台", "责任单位", "公开时效"}));
}

TEST(CatalogTable, CsvRoundTripReproducesTheCatalogue) {
  Catalog seed = Seed();
  std::string csv_text = CatalogToCsv(seed);
  EXPECT_EQ(csv_text.substr(0, 3), "\xEF\xBB\xBF");
  auto back = ParseCatalogCsv(csv_text, seed);
  ASSERT_TRUE(back.has_value()) << back.error().Describe();
  EXPECT_EQ(*back, seed);
  // Also from an empty base: items and units are the same; unit kinds default.
  auto fresh = ParseCatalogCsv(csv_text, Catalog{});
  ASSERT_TRUE(fresh.has_value()) << fresh.error().Describe();
  EXPECT_EQ(fresh->areas, seed.areas);
  EXPECT_EQ(fresh->units.size(), seed.units.size());
}

TEST(CatalogTable, RowsCarryAreaAndNumberedTitles) {
  auto rows = CatalogToTable(Seed());
  ASSERT_EQ(rows.size(), 21u);
  EXPECT_EQ(rows[1][0], "（一）重大建设项目批准和实施");
  EXPECT_EQ(rows[1][1], "1.批准服务信息");
  EXPECT_EQ(rows[9][0], "（二）公共资源配置领域");
  EXPECT_EQ(rows[2][4].substr(rows[2][4].size() - 3), "等");  // item 2 open-ended
}

// The seed's own six-column shape with 同上 and blank area cells imports.
TEST(CatalogTable, ImportsSeedShapedTableWithSameAsAbove) {
  std::string text =
      "一级标题,二级标题,公开内容,公布平台,责任单位,公开时效\n"
      "（一）重大建设项目批准和实施,1.批准服务信息,申报要求、申报材料清单、批准流程等,区政府门户网站,区发改局,"
      "没有具体规定的，自信息形成或变更之日起20个工作日内给予公开。\n"
      ",2.批准结果信息,项目建议书审批结果、可行性研究报告审批结果,同上,区发改局、区 供销社等,同上\n"
      "（二）公共资源配置领域,14.工程建设项目招标投标领域：,中标结果、合同订立及履行,同上,同上,同上\n";
  auto c = ParseCatalogCsv(text, Catalog{});
  ASSERT_TRUE(c.has_value()) << c.error().Describe();
  ASSERT_EQ(c->areas.size(), 2u);
  const Item* i2 = c->FindItem(2);
  ASSERT_NE(i2, nullptr);
  EXPECT_EQ(i2->channel, "区政府门户网站");
  EXPECT_TRUE(i2->units_open_ended);
  EXPECT_EQ(i2->units, (std::vector<std::string>{"区发改局", "区供销社"}));
  EXPECT_EQ(i2->timeliness.working_days, 20);
  const Item* i1 = c->FindItem(1);
  ASSERT_EQ(i1->elements.size(), 3u);
  EXPECT_EQ(i1->elements[2].name, "批准流程");
  EXPECT_EQ(c->FindItem(14)->title, "工程建设项目招标投标领域");
  EXPECT_EQ(c->FindItem(14)->units, i2->units);
}

TEST(CatalogTable, RefusesBadTablesNamingLineAndColumn) {
  const std::string header = "一级标题,二级标题,公开内容,公布平台,责任单位,公开时效\n";
  const std::string row1 = "（一）甲,1.事项一,内容甲、内容乙,网站,区发改局,20个工作日内\n";
  struct Case {
    std::string text;
    std::string field;
    int line;
  } cases[] = {
      {"一级标题,二级标题,公开内容,公布平台,责任单位,公开时效,颜色\n" + row1, "颜色", 1},
      {"一级标题,二级标题,公开内容,公布平台,责任单位\n", "公开时效", 1},
      {header + row1 + ",,内容,网站,区发改局,20个工作日内\n", "二级标题", 3},
      {header + row1 + ",1.重复,内容,网站,区发改局,20个工作日内\n", "二级标题", 3},
      {header + row1 + ",事项没有序号,内容,网站,区发改局,20个工作日内\n", "二级标题", 3},
      {header + ",1.无领域,内容,网站,区发改局,20个工作日内\n", "一级标题", 2},
      {header + "（一）甲,1.事项一,内容,同上,区发改局,20个工作日内\n", "公布平台", 2},
      {header + row1 + ",2.事项二,内容,网站,区发改局,20个工作日内,多余\n", "", 3},
      {header + "（一）甲,1.事项一,\"未闭合,网站,区发改局,20\n", "", 2},
      {"一级标题,二级标题,公开内容,公布平台,责任单位,公开时效,公开要求\n（一）甲,1.事项一,内容,网站,区发改局,20,飞行\n",
       "公开要求", 2},
  };
  for (const auto& k : cases) {
    auto r = ParseCatalogCsv(k.text, Catalog{});
    ASSERT_FALSE(r.has_value()) << k.text;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput);
    EXPECT_EQ(r.error().field, k.field) << r.error().Describe();
    EXPECT_EQ(r.error().line, k.line) << r.error().Describe();
  }
}

// Regression (found by catalog_csv_fuzz in CI, 2026-11-29): "同 上" in the
// units column became a unit named "同上" (names drop whitespace), which
// the export wrote as "同上" and the import then read as "as above". Now
// "同 上" alone means "as above", and 同上 is refused as a unit name.
TEST(CatalogTable, SameAsAboveIsNeverAUnitName) {
  const std::string head = "一级标题,二级标题,公开内容,公布平台,责任单位,公开时效\n"
                           "（一）甲,1.乙,丙、丁等,网站,区发改局,20个工作日内\n";
  auto spaced = ParseCatalogCsv(head + ",2.戊,己,同上,同 上,同上\n", Catalog{});
  ASSERT_TRUE(spaced.has_value()) << spaced.error().Describe();
  EXPECT_EQ(spaced->FindItem(2)->units, spaced->FindItem(1)->units);
  auto again = ParseCatalogCsv(CatalogToCsv(*spaced), *spaced);
  ASSERT_TRUE(again.has_value()) << again.error().Describe();
  EXPECT_TRUE(again->areas == spaced->areas);
  // Whitespace (here tabs and a vertical tab) after "等" still marks an
  // open-ended list (the second input the fuzzer found).
  auto trailing = ParseCatalogCsv(head + ",2.戊,己,同上,区财政局等\t\v\t,同上\n", Catalog{});
  ASSERT_TRUE(trailing.has_value()) << trailing.error().Describe();
  EXPECT_TRUE(trailing->FindItem(2)->units_open_ended);
  EXPECT_EQ(trailing->FindItem(2)->units, (std::vector<std::string>{"区财政局"}));
  auto back = ParseCatalogCsv(CatalogToCsv(*trailing), *trailing);
  ASSERT_TRUE(back.has_value()) << back.error().Describe();
  EXPECT_TRUE(back->areas == trailing->areas);
  for (const char* units : {"区财政局、同上", "同 上、区财政局", "区财政局、同　上等"}) {
    auto named = ParseCatalogCsv(head + ",2.戊,己,同上," + units + ",同上\n", Catalog{});
    ASSERT_FALSE(named.has_value()) << units;
    EXPECT_EQ(named.error().field, "责任单位") << units;
    EXPECT_EQ(named.error().line, 3) << units;
    EXPECT_NE(named.error().message.find("只能单独使用"), std::string::npos) << named.error().message;
  }
}

// Regression (found by catalog_csv_fuzz): an element name ending in
// "〔…〕" read back as a rule after a round trip. Such names are refused.
TEST(CatalogTable, ElementNamesCannotHoldTheTableSeparators) {
  const std::string header = "一级标题,二级标题,公开内容,公布平台,责任单位,公开时效\n";
  for (const char* content : {"中标候选人〔bid-candidates〕、中标结果", "甲〕乙"}) {
    auto r = ParseCatalogCsv(header + "（一）甲,1.乙," + content + ",网站,区发改局,20个工作日内\n", Catalog{});
    ASSERT_FALSE(r.has_value()) << content;
    EXPECT_EQ(r.error().field, "公开要素");
  }
}

TEST(CatalogTable, AreaNumbersAboveTenRoundTrip) {
  std::string text = "一级标题,二级标题,公开内容,公布平台,责任单位,公开时效\n";
  for (int a = 1; a <= 12; ++a) text += fmt::format("领域{},{}.事项,内容,网站,区发改局,20个工作日内\n", a, a);
  auto c = ParseCatalogCsv(text, Catalog{});
  ASSERT_TRUE(c.has_value()) << c.error().Describe();
  ASSERT_EQ(c->areas.size(), 12u);
  auto again = ParseCatalogCsv(CatalogToCsv(*c), *c);
  ASSERT_TRUE(again.has_value()) << again.error().Describe();
  EXPECT_EQ(again->areas, c->areas);
  EXPECT_EQ(again->areas[10].title, "领域11");
  EXPECT_EQ(again->areas[10].number, 11);
}

TEST(CatalogTable, SplitContentKeepsBracketsWhole) {
  auto e = SplitContentIntoElements("甲、乙（丙、丁）、戊等");
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[1].name, "乙（丙、丁）");
  EXPECT_EQ(e[2].name, "戊");
}

}  // namespace
}  // namespace gongkai
