#include "search/query.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "search/tokenizer.h"

namespace gongkai::search {
namespace {

SearchQuery Parse(std::string_view input) {
  auto q = ParseSearchQuery(input);
  EXPECT_TRUE(q.has_value()) << input << ": " << (q ? "" : q.error().message);
  return q ? *q : SearchQuery{};
}

TEST(SearchQueryTest, TermsAreNormalizedAndAnded) {
  const SearchQuery q = Parse("  扶貧資金　ＧＢ／Ｔ 37668\t2024年 ");
  EXPECT_EQ(q.terms, (std::vector<std::string>{"扶贫资金", "gb/t", "37668", "2024年"}));
  EXPECT_TRUE(q.phrases.empty());
  EXPECT_TRUE(q.excluded.empty());
  EXPECT_EQ(ToFts5Match(q), "\"扶贫 贫资 资金\" AND \"gb t\" AND \"37668\" AND (\"2024 \x01年\" OR \"2024 年\"*)");
}

TEST(SearchQueryTest, SingleCharacterUsesMarkerOrBigramPrefix) {
  const SearchQuery q = Parse("國");
  EXPECT_EQ(q.terms, std::vector<std::string>{"国"});
  // The marker where 国 ends a run of ideographs, any bigram 国? elsewhere.
  EXPECT_EQ(ToFts5Match(q), "(\"\x01国\" OR \"国\"*)");
}

TEST(SearchQueryTest, Phrases) {
  const SearchQuery q = Parse("\"国有 土地\" “出讓金” ＂扶贫＂ a\"b c\"");
  EXPECT_EQ(q.phrases, (std::vector<std::string>{"国有 土地", "出让金", "扶贫", "b c"}));
  EXPECT_EQ(q.terms, std::vector<std::string>{"a"});
  EXPECT_EQ(ToFts5Match(q), "\"a\" AND \"国有 \x01有 土地\" AND \"出让 让金\" AND \"扶贫\" AND \"b c\"");
}

TEST(SearchQueryTest, Exclusions) {
  const SearchQuery q = Parse("扶贫 -脱贫 -\"攻坚 战\" --x");
  EXPECT_EQ(q.terms, std::vector<std::string>{"扶贫"});
  EXPECT_EQ(q.excluded, (std::vector<std::string>{"脱贫", "攻坚 战", "x"}));
  EXPECT_EQ(ToFts5Match(q), "(\"扶贫\") NOT \"脱贫\" NOT (\"攻坚 \x01坚 \x01战\" OR \"攻坚 \x01坚 战\"*) NOT \"x\"");
}

TEST(SearchQueryTest, FieldFilters) {
  const SearchQuery q = Parse("單位：財政局 事项:\"2024-001 号\" 资金");
  EXPECT_EQ(q.unit, "财政局");
  EXPECT_EQ(q.item, "2024-001 号");
  EXPECT_EQ(q.terms, std::vector<std::string>{"资金"});
  EXPECT_EQ(ToFts5Match(q), "\"资金\"");

  const SearchQuery spaced = Parse("单位: 财政局");
  EXPECT_EQ(spaced.unit, "财政局");
  EXPECT_TRUE(spaced.terms.empty());
  EXPECT_EQ(ToFts5Match(spaced), "");  // filter only: no MATCH

  EXPECT_EQ(Parse("事项:“政府采购”").item, "政府采购");
}

TEST(SearchQueryTest, PunctuationOnlyTermsAreDropped) {
  const SearchQuery q = Parse("扶贫 ， - \"\" ！");
  EXPECT_EQ(q.terms, std::vector<std::string>{"扶贫"});
  EXPECT_TRUE(q.phrases.empty());
  EXPECT_TRUE(q.excluded.empty());
}

TEST(SearchQueryTest, InvalidUtf8IsRepaired) {
  const SearchQuery q = Parse("扶贫\xFF资金");
  EXPECT_EQ(q.terms, std::vector<std::string>{"扶贫\uFFFD资金"});
  EXPECT_EQ(ToFts5Match(q), "\"扶贫 \x01贫 资金\"");
}

TEST(SearchQueryTest, Errors) {
  struct Case {
    std::string input;
    std::string message_part;
  };
  const Case cases[] = {
      {"", "请输入搜索内容"},
      {"   　 ", "请输入搜索内容"},
      {"-", "请输入搜索内容"},
      {"--", "请输入搜索内容"},
      {"\"\"", "请输入搜索内容"},
      {"“”", "请输入搜索内容"},
      {"-扶贫", "排除词"},
      {"单位:财政局 -扶贫", "排除词"},
      {"\"扶贫", "引号"},
      {"扶贫\"资金\" \"", "引号"},
      {"“扶贫", "引号"},
      {"扶贫”", "引号"},
      {"单位:", "缺少内容"},
      {"资金 事项：", "缺少内容"},
      {"单位:甲 单位:乙", "只能指定一次"},
      {std::string(1001, 'a'), "搜索内容过长"},
      {std::string(10 * 1024, 'x'), "搜索内容过长"},
      {"a b c d e f g h i j k l m n o p q r s t u", "不能超过20个"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.input.substr(0, 40));
    auto q = ParseSearchQuery(c.input);
    ASSERT_FALSE(q.has_value());
    EXPECT_EQ(q.error().code, ErrorCode::kInvalidInput);
    EXPECT_EQ(q.error().field, "q");
    EXPECT_NE(q.error().message.find(c.message_part), std::string::npos) << q.error().message;
  }
}

TEST(SearchQueryTest, LimitsAreInclusive) {
  EXPECT_TRUE(ParseSearchQuery("  " + std::string(1000, 'a') + "\u3000").has_value());
  EXPECT_TRUE(ParseSearchQuery("a b c d e f g h i j k l m n o p q r s -t").has_value());
}

// Every character FTS5 gives meaning to stays inside a quoted string.
TEST(SearchQueryTest, Fts5InjectionIsQuoted) {
  const SearchQuery q = Parse("扶贫\"* OR 1\" NEAR(a b) AND OR NOT ^x col:y x* (z) {a b}:c -\"\"\"\"");
  const std::string match = ToFts5Match(q);
  // Outside quotes only our own operators, parentheses and spaces appear.
  std::string outside;
  bool in_string = false;
  for (std::size_t i = 0; i < match.size(); ++i) {
    if (match[i] == '"') {
      if (in_string && i + 1 < match.size() && match[i + 1] == '"') {
        ++i;
        continue;
      }
      in_string = !in_string;
      outside += '|';
      continue;
    }
    if (!in_string) outside += match[i];
  }
  EXPECT_FALSE(in_string) << match;
  EXPECT_EQ(outside.find_first_not_of("| ANDOT()"), std::string::npos) << outside;
  EXPECT_EQ(match,
            "\"扶贫\" AND \"near a\" AND \"b\" AND \"and\" AND \"or\" AND \"not\" AND \"x\" AND "
            "\"col y\" AND \"x\" AND \"z\" AND \"a\" AND \"b c\" AND \"or 1\"");
}

TEST(SearchQueryTest, QuoteInsideTokenIsDoubled) {
  // Tokens never contain '"', but a hand-built query must still be safe.
  SearchQuery q;
  q.terms = {"a\"b"};
  EXPECT_EQ(ToFts5Match(q), "\"a b\"");
}

}  // namespace
}  // namespace gongkai::search
