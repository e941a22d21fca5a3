#include "search/tokenizer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "search/normalize.h"

namespace gongkai::search {
namespace {

std::string M(const std::string& c) { return std::string(kUnigramMarker) + c; }

std::vector<Token> All(std::string_view text) {
  std::vector<Token> out;
  Tokenize(text, [&](const Token& t) { out.push_back(t); });
  return out;
}

// The document as positions, one token each.
std::vector<std::string> Positions(std::string_view text) {
  std::vector<std::string> positions;
  Tokenize(text, [&](const Token& t) { positions.push_back(t.text); });
  return positions;
}

// What the FTS5 query of ToFts5Match does: token k of the phrase at position
// start + k; if the phrase ends with a marker unigram, its last position may
// instead hold any token that begins with the marked character (the prefix
// alternative).
bool PhraseMatches(const std::vector<std::string>& doc, const std::vector<std::string>& phrase) {
  if (phrase.empty() || phrase.size() > doc.size()) return false;
  const bool open_end = EndsWithUnigram(phrase);
  for (std::size_t start = 0; start + phrase.size() <= doc.size(); ++start) {
    bool all = true;
    for (std::size_t k = 0; k < phrase.size() && all; ++k) {
      const std::string& have = doc[start + k];
      all = have == phrase[k];
      if (!all && open_end && k + 1 == phrase.size()) {
        all = have.starts_with(std::string_view(phrase[k]).substr(kUnigramMarker.size()));
      }
    }
    if (all) return true;
  }
  return false;
}

TEST(TokenizerTest, CjkRunGivesBigramsAndAFinalMarker) {
  const std::string text = "扶贫资金";
  const std::vector<Token> tokens = All(text);
  struct Want {
    std::string text;
    std::size_t begin, end;
  };
  const Want want[] = {{"扶贫", 0, 6}, {"贫资", 3, 9}, {"资金", 6, 12}, {M("金"), 9, 12}};
  ASSERT_EQ(tokens.size(), std::size(want));
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(tokens[i].text, want[i].text);
    EXPECT_EQ(tokens[i].begin, want[i].begin);
    EXPECT_EQ(tokens[i].end, want[i].end);
  }
}

TEST(TokenizerTest, Texts) {
  struct Case {
    std::string input;
    std::vector<std::string> want;
  };
  const Case cases[] = {
      {"年", {M("年")}},
      {"2024年", {"2024", M("年")}},
      {"gb/t 37668", {"gb", "t", "37668"}},
      {"gb/t37668", {"gb", "t", "37668"}},  // a letter run and a digit run are two words
      {"iphone15与covid19", {"iphone", "15", M("与"), "covid", "19"}},
      {"h5", {"h", "5"}},
      {"2024a", {"2024", "a"}},
      {"第〇号", {"第〇", "〇号", M("号")}},
      {"㐀㐁", {"㐀㐁", M("㐁")}},  // Extension A
      {"金桥，村", {"金桥", M("桥"), M("村")}},
      {"，。！ ", {}},
      {"a，b", {"a", "b"}},
      {"café", {"café"}},
      {"i\u0307x", {"i\u0307x"}},  // combining mark stays in the word
      {"\xFF\xFE", {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.input);
    std::vector<std::string> got;
    for (const Token& t : All(c.input)) got.push_back(t.text);
    EXPECT_EQ(got, c.want);
  }
}

TEST(TokenizerTest, OffsetsPointIntoNormalizedText) {
  const std::string text = NormalizeForSearch("２０２４年國有土地");
  for (const Token& t : All(text)) {
    ASSERT_LT(t.begin, t.end);
    ASSERT_LE(t.end, text.size());
    std::string covered = text.substr(t.begin, t.end - t.begin);
    if (t.text.starts_with(kUnigramMarker)) covered = M(covered);
    EXPECT_EQ(t.text, covered);
  }
}

TEST(TokenizerTest, QueryTokens) {
  struct Case {
    std::string term;
    std::vector<std::string> want;
  };
  const Case cases[] = {
      {"扶贫资金", {"扶贫", "贫资", "资金"}},
      {"出让", {"出让"}},
      {"年", {M("年")}},
      {"2024年", {"2024", M("年")}},
      {"2024年度", {"2024", "年度"}},
      {"资金2024", {"资金", M("金"), "2024"}},
      {"gb/t 37668", {"gb", "t", "37668"}},
      {"gb/t37668", {"gb", "t", "37668"}},  // a letter run and a digit run are two words
      {"iphone15与covid19", {"iphone", "15", M("与"), "covid", "19"}},
      {"h5", {"h", "5"}},
      {"2024a", {"2024", "a"}},
      {"扶贫 资金", {"扶贫", M("贫"), "资金"}},
      {"\"*()", {}},
      {"", {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.term);
    EXPECT_EQ(QueryTokens(c.term), c.want);
  }
}

TEST(TokenizerTest, QueriesMatchDocuments) {
  const auto doc = Positions(NormalizeForSearch("關於下達2024年度扶貧資金的通知（GB/T 37668）"));
  for (const char* query : {"扶贫资金", "扶", "金", "知", "2024年", "2024年度", "年度扶贫", "gb/t 37668", "GB/T",
                            "37668", "通知", "下达2024", "于", "达", "度扶"}) {
    SCOPED_TRACE(query);
    EXPECT_TRUE(PhraseMatches(doc, QueryTokens(NormalizeForSearch(query))));
  }
  for (const char* query : {"资金扶贫", "扶贫的", "2025年", "gb 37668", "3766", "省", "金2024"}) {
    SCOPED_TRACE(query);
    EXPECT_FALSE(PhraseMatches(doc, QueryTokens(NormalizeForSearch(query))));
  }
}

TEST(TokenizerTest, OnlyATrailingMarkerIsOpenEnded) {
  EXPECT_TRUE(EndsWithUnigram(QueryTokens("年")));      // 年 in 年度 is the bigram 年度
  EXPECT_TRUE(EndsWithUnigram(QueryTokens("2024年")));  // 2024年度
  EXPECT_FALSE(EndsWithUnigram(QueryTokens("年度")));
  EXPECT_FALSE(EndsWithUnigram(QueryTokens("资金2024")));  // 金 ends its run in any document
  EXPECT_FALSE(EndsWithUnigram(QueryTokens("")));
  // "年" inside 年度 is found through the prefix alternative only.
  const auto doc = Positions(NormalizeForSearch("2024年度"));
  const std::vector<std::string> year = QueryTokens("2024年");
  EXPECT_TRUE(PhraseMatches(doc, year));
  EXPECT_EQ(std::find(doc.begin(), doc.end(), year.back()), doc.end());
}

TEST(TokenizerTest, MatchPhraseRoundTrip) {
  const std::vector<std::string> tokens = QueryTokens("资金2024年");
  std::string joined;
  for (const auto& t : tokens) joined += (joined.empty() ? "" : " ") + t;
  std::vector<std::string> got;
  TokenizeMatchPhrase(joined, [&](const Token& t) { got.push_back(t.text); });
  EXPECT_EQ(got, tokens);
}

// Recall property: every substring of a document that does not cut a
// run of letters or a run of digits is found by phrase matching its query
// tokens.
TEST(TokenizerTest, RecallProperty) {
  const std::vector<std::string> alphabet = {"扶", "貧", "贫", "资", "金", "年", "〇", "a",
                                             "Ｂ", "1",  "2",  " ",  "/",  "，", "國"};
  std::mt19937 rng(20240601);
  // 0: not a word character; 1: a letter; 2: a digit.
  auto kind = [](const std::string& c) { return c == "a" || c == "Ｂ" ? 1 : c == "1" || c == "2" ? 2 : 0; };
  auto cuts = [&](const std::string& left, const std::string& right) { return kind(left) != 0 && kind(left) == kind(right); };
  int checked = 0;
  for (int round = 0; round < 400; ++round) {
    std::vector<std::string> chars(std::uniform_int_distribution<std::size_t>(1, 40)(rng));
    for (auto& c : chars) c = alphabet[std::uniform_int_distribution<std::size_t>(0, alphabet.size() - 1)(rng)];
    std::string raw;
    for (const auto& c : chars) raw += c;
    const std::string doc_text = NormalizeForSearch(raw);
    const auto doc = Positions(doc_text);
    for (int q = 0; q < 20; ++q) {
      const std::size_t len = std::uniform_int_distribution<std::size_t>(1, 5)(rng);
      if (len > chars.size()) continue;
      const std::size_t at = std::uniform_int_distribution<std::size_t>(0, chars.size() - len)(rng);
      const std::size_t end = at + len;
      if (at > 0 && cuts(chars[at - 1], chars[at])) continue;
      if (end < chars.size() && cuts(chars[end - 1], chars[end])) continue;
      std::string raw_query;
      for (std::size_t i = at; i < end; ++i) raw_query += chars[i];
      const std::string query = NormalizeForSearch(raw_query);
      ASSERT_NE(doc_text.find(query), std::string::npos) << raw << " / " << raw_query;
      const std::vector<std::string> tokens = QueryTokens(query);
      if (tokens.empty()) continue;  // only separators
      ++checked;
      EXPECT_TRUE(PhraseMatches(doc, tokens)) << "doc: " << raw << "  query: " << raw_query;
      if (tokens.size() == 1 && tokens[0].starts_with(kUnigramMarker)) {
        EXPECT_TRUE(doc_text.find(tokens[0].substr(kUnigramMarker.size())) != std::string::npos);
      }
    }
  }
  EXPECT_GT(checked, 3000);
}

}  // namespace
}  // namespace gongkai::search
