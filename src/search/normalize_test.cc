#include "search/normalize.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace gongkai::search {
namespace {

struct Case {
  std::string input;
  std::string want;
};

TEST(NormalizeTest, Examples) {
  const Case cases[] = {
      {"國有土地出讓", "国有土地出让"},
      {"ＧＢ／Ｔ　３７６６８", "gb/t 37668"},
      {"扶貧資金", "扶贫资金"},
      {"", ""},
      {"Hello World", "hello world"},
      {"２０２４年", "2024年"},
      {"（試行）", "(试行)"},            // full-width parentheses
      {"①㈱", "1(株)"},                  // compatibility forms
      {"政府資訊公開", "政府资讯公开"},  // traditional
      {"政府信息公开", "政府信息公开"},  // already simplified: unchanged
      {"臺灣 台灣", "台湾 台湾"},
      {"ΣΑΣ", "σας"},  // non-Latin case folding (root locale, final sigma)
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.input);
    EXPECT_EQ(NormalizeForSearch(c.input), c.want);
  }
}

// Folding is per character, so a folded substring is a substring of the
// folded whole even where a phrase converter would use context.
TEST(NormalizeTest, FoldingIgnoresContext) {
  const std::string whole = NormalizeForSearch("乾隆年間著作");
  for (const char* part : {"乾", "乾隆", "著", "著作", "年間"}) {
    SCOPED_TRACE(part);
    EXPECT_NE(whole.find(NormalizeForSearch(part)), std::string::npos);
  }
}

TEST(NormalizeTest, Idempotent) {
  for (const char* s : {"國有土地出讓", "ＧＢ／Ｔ　３７６６８", "乾隆著作", "ÀÉÎ ß İ", "㍿ ﬁ"}) {
    SCOPED_TRACE(s);
    const std::string once = NormalizeForSearch(s);
    EXPECT_EQ(NormalizeForSearch(once), once);
  }
}

TEST(NormalizeTest, InvalidUtf8BecomesReplacementCharacter) {
  EXPECT_EQ(NormalizeForSearch("a\xFF"
                               "b"),
            "a\uFFFDb");
  EXPECT_EQ(NormalizeForSearch("\xE5\x9B"), "\uFFFD");                  // truncated 国
  EXPECT_EQ(NormalizeForSearch("\xC0\xAF"), "\uFFFD\uFFFD");            // overlong '/'
  EXPECT_EQ(NormalizeForSearch("\xED\xA0\x80"), "\uFFFD\uFFFD\uFFFD");  // surrogate
  EXPECT_EQ(NormalizeForSearch(std::string("a\0b", 3)), std::string("a\0b", 3));
}

TEST(NormalizeTest, VersionNamesTheFolding) {
  EXPECT_NE(SearchNormalizerVersion().find("nfkc"), std::string_view::npos);
  EXPECT_NE(SearchNormalizerVersion().find("t2s"), std::string_view::npos);
}

TEST(NormalizeTest, ThreadSafe) {
  std::vector<std::thread> threads;
  std::vector<std::string> results(8);
  for (std::size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&results, i] {
      for (int k = 0; k < 50; ++k) results[i] = NormalizeForSearch("國有土地出讓ＧＢ／Ｔ");
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& r : results) EXPECT_EQ(r, "国有土地出让gb/t");
}

}  // namespace
}  // namespace gongkai::search
