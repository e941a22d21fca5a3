#include "search/highlight.h"

#include <gtest/gtest.h>

#include "search/normalize.h"

namespace gongkai::search {
namespace {

std::vector<std::string> Terms(std::initializer_list<const char*> raw) {
  std::vector<std::string> out;
  for (const char* t : raw) out.push_back(NormalizeForSearch(t));
  return out;
}

// Marks follow the index's word rule (tokenizer.h): a Latin or digit term
// is marked only where it is a whole word, as search matched it.
TEST(Highlight, MarksLatinAndDigitTermsAsWholeWordsOnly) {
  const std::string text = "第2024001号文件；日期2024-05-01；iPhone15与COVID-19；appleseed计划，example网站";
  EXPECT_EQ(Highlight(text, Terms({"2024"})), "第2024001号文件；日期<mark>2024</mark>-05-01；iPhone15与COVID-19；"
                                              "appleseed计划，example网站");
  const std::string one = Highlight(text, Terms({"1"}));
  EXPECT_EQ(one.find("<mark>"), std::string::npos) << one;
  EXPECT_EQ(Highlight("a计划，apple", Terms({"a"})), "<mark>a</mark>计划，apple");
  // A letter run and a digit run are separate words: "15" is a word of "iPhone15".
  EXPECT_EQ(Highlight("iPhone15", Terms({"15"})), "iPhone<mark>15</mark>");
  EXPECT_EQ(Highlight("iPhone15", Terms({"iphone"})), "<mark>iPhone</mark>15");
  EXPECT_EQ(Highlight("iPhones", Terms({"iphone"})), "iPhones");
  // Full-width text is matched through normalisation and marked as written.
  EXPECT_EQ(Highlight("ＧＢ／Ｔ３７６６８", Terms({"37668"})), "ＧＢ／Ｔ<mark>３７６６８</mark>");
  // Ideographs have no word boundaries: any substring is marked.
  EXPECT_EQ(Highlight("征地补偿款", Terms({"补偿"})), "征地<mark>补偿</mark>款");
  // A combining mark continues the word before it, on either side of a match.
  EXPECT_EQ(Highlight("cafe\u0301", Terms({"cafe"})), "cafe\u0301");
  EXPECT_EQ(Highlight("x\u0303y", Terms({"y"})), "x\u0303y");
  EXPECT_EQ(Highlight("x\u0303y", Terms({"x\u0303"})), "x\u0303y");
  EXPECT_EQ(Highlight("x\u0303 y", Terms({"y"})), "x\u0303 <mark>y</mark>");
  EXPECT_EQ(Highlight("कित", Terms({"त"})), "कित");  // one word: क, the vowel sign ि, त
}

// A term the search matched by its tokens across separators the text
// spells otherwise is marked word by word.
TEST(Highlight, MarksTheWordsOfATermMatchedAcrossSeparators) {
  EXPECT_EQ(Highlight("执行GB/T 37668标准", Terms({"ＧＢ／Ｔ３７６６８"})),
            "执行<mark>GB</mark>/<mark>T</mark> <mark>37668</mark>标准");
  EXPECT_EQ(Highlight("执行GB/T 37668标准", Terms({"gb/t 37668"})), "执行<mark>GB/T 37668</mark>标准");
}

TEST(Highlight, SnippetsDoNotStartInsideAWord) {
  std::string text = "<img src=x onerror=alert(1)>";
  for (int i = 0; i < 10; ++i) text += "前文内容较长";
  text += "关键词在这里";
  const std::string s = Snippet(text, Terms({"关键词"}), 120);
  EXPECT_NE(s.find("<mark>关键词</mark>"), std::string::npos) << s;
  EXPECT_EQ(s.find("<img"), std::string::npos) << s;
  // The window starts at a word boundary, never inside "onerror" or "alert".
  const std::string latin = "abcdefghij klmnopqrst " + std::string(20, 'x') + " 关键词";
  const std::string t = Snippet(latin, Terms({"关键词"}), 12);
  EXPECT_TRUE(t.starts_with("…") || t.starts_with("abcdefghij")) << t;
  EXPECT_EQ(t.find("…xxx"), std::string::npos) << t;  // not from the middle of the x-run
  EXPECT_NE(t.find("<mark>关键词</mark>"), std::string::npos) << t;
}

}  // namespace
}  // namespace gongkai::search
