#include "codec/csv.h"

#include <gtest/gtest.h>

namespace gongkai::csv {
namespace {

TEST(Csv, ParsesQuotesCommasNewlinesAndBom) {
  auto rows = Parse("\xEF\xBB\xBF" "a,\"b,c\",\"d\"\"e\"\r\n\"多\n行\",,x\n\n last \n");
  ASSERT_TRUE(rows.has_value()) << rows.error().Describe();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].fields, (std::vector<std::string>{"a", "b,c", "d\"e"}));
  EXPECT_EQ((*rows)[1].fields, (std::vector<std::string>{"多\n行", "", "x"}));
  EXPECT_EQ((*rows)[1].line, 2);
  EXPECT_EQ((*rows)[2].line, 5);
  EXPECT_EQ((*rows)[2].fields, (std::vector<std::string>{" last "}));
}

TEST(Csv, FormatThenParseRoundTrips) {
  std::vector<std::string> fields = {"", "普通", "逗,号", "引\"号", "换\r\n行", " 空格 "};
  auto rows = Parse(FormatRow(fields));
  ASSERT_TRUE(rows.has_value());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].fields, fields);
}

TEST(Csv, RefusesMalformedInputNamingTheLine) {
  struct Case {
    const char* text;
    int line;
  } cases[] = {{"a,b\n\"open", 2}, {"a,b\nc,d\"e\n", 2}, {"\"a\"b,c\n", 1}, {"ok\n\xff\n", 0}};
  for (const auto& k : cases) {
    auto r = Parse(k.text);
    ASSERT_FALSE(r.has_value()) << k.text;
    EXPECT_EQ(r.error().line, k.line) << k.text;
  }
}

TEST(Csv, SpreadsheetTextGuardsFormulaStarts) {
  for (std::string_view f : {"=HYPERLINK(\"http://x\",\"点击\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"})
    EXPECT_EQ(SpreadsheetText(f), "'" + std::string(f)) << f;
  for (std::string_view f : {"", "关于=的说明", "2026-11-02", "U0001-2026-000001", "'已有撇号", "a=b"})
    EXPECT_EQ(SpreadsheetText(f), f) << f;
}

}  // namespace
}  // namespace gongkai::csv
