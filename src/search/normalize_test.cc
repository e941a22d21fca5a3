#include "search/normalize.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
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

// ---- Fast path vs the reference (ICU-only) implementation ------------------

using detail::NormalizeForSearchSlow;

// UTF-8 of a code point (no validation: tests pass valid scalar values).
std::string Utf8(char32_t c) {
  std::string s;
  if (c < 0x80) {
    s += static_cast<char>(c);
  } else if (c < 0x800) {
    s += static_cast<char>(0xC0 | c >> 6);
    s += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    s += static_cast<char>(0xE0 | c >> 12);
    s += static_cast<char>(0x80 | (c >> 6 & 0x3F));
    s += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    s += static_cast<char>(0xF0 | c >> 18);
    s += static_cast<char>(0x80 | (c >> 12 & 0x3F));
    s += static_cast<char>(0x80 | (c >> 6 & 0x3F));
    s += static_cast<char>(0x80 | (c & 0x3F));
  }
  return s;
}

std::string Hex(std::string_view s) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const char ch : s) {
    const auto b = static_cast<unsigned char>(ch);
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
    out += ' ';
  }
  return out;
}

// Compares the fast path with the reference; reports the input in hex.
::testing::AssertionResult SameAsSlow(std::string_view input) {
  const std::string fast = NormalizeForSearch(input);
  const std::string slow = NormalizeForSearchSlow(input);
  if (fast == slow) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "input " << Hex(input) << "\n fast " << Hex(fast) << "\n slow "
                                       << Hex(slow);
}

TEST(NormalizeFastPathTest, MatchesSlowOnKnownExamples) {
  const std::string inputs[] = {
      "國有土地出讓", "ＧＢ／Ｔ　３７６６８", "扶貧資金", "", "Hello World", "２０２４年", "（試行）", "①㈱",
      "政府資訊公開", "政府信息公开", "臺灣 台灣", "ΣΑΣ", "乾隆年間著作", "乾隆著作", "ÀÉÎ ß İ", "㍿ ﬁ",
      "a\xFF"
      "b",
      "\xE5\x9B", "\xC0\xAF", "\xED\xA0\x80", std::string("a\0b", 3), "\xE0\x80\xAF", "\xE0\x9F\xBF",
      "\xED\xBF\xBF", "\xF0\x80\x80\xAF", "\xF0\x8F\xBF\xBF", "\xF4\x90\x80\x80", "\xF5\x80\x80\x80",
      "國\xE5\x9B國", "\xE5\x9B\xE5\x9B\x8B", "\xF0\x9F\x98\xE5\x9B\x8B\x80", "a\xCC", "國有土地出讓ＧＢ／Ｔ",
      "關於下達2024年度扶貧資金的通知（GB/T 37668）",
      "根据《中华人民共和国政府信息公开条例》，现将有关情况公开如下：、。",
      // Composition joins a mark to the preceding starter.
      "e\u0301", "國e\u0301國", "A\u0308", "國\u0301", "1\u0301", "<\u0338", "ｶﾞ", "ｶ\u3099", "\u1100\u1161",
      "\uAC00\u11A8", "가\u11A8",
      // Final sigma looks past case-ignorable characters in both directions.
      "aΣ", "ab.Σ", "a'Σ", "Ａ.Σ", "ΑΣ國", "國Σ", "aΣ.b", "aΣ.國", "a:Σ:b", "𝚺", "a𝚺", "國a.𝚺.國", "ﬁΣ",
      "aͅΣ", "a\u0301Σ", "1Σ", "a々Σ", "aー.Σ",
  };
  for (const std::string& input : inputs) EXPECT_TRUE(SameAsSlow(input));
  EXPECT_EQ(NormalizeForSearch("ab.Σ"), "ab.ς");
  EXPECT_EQ(NormalizeForSearch("國Σ"), "国σ");
  EXPECT_EQ(NormalizeForSearch("國e\u0301國"), "国\u00E9国");
}

// Random strings over an alphabet of characters that take each path:
// ideographs (simplified, traditional, compatibility, supplementary),
// full-width forms, combining marks after ASCII and after ideographs,
// Hangul jamo and syllables, kana, ligatures, case-sensitive Greek, invalid
// UTF-8 and NUL.
TEST(NormalizeFastPathTest, MatchesSlowOnRandomText) {
  const std::vector<std::string> alphabet = {
      "國", "有", "土", "地", "出", "讓", "经", "經", "濟", "乾", "隆", "臺", "台", "灣", "年", "々", "〇",
      "１", "２", "３", "Ａ", "Ｂ", "Ｃ", "ａ", "／", "（", "）", "，", "。", "《", "》", "：", "、", "\u3000",
      "A", "B", "Z", "a", "e", "z", "0", "9", " ", ".", ":", "'", "^", "`", "/", "<", "=", ">", "-", "\n",
      "\u0301", "\u0308", "\u0338", "\u0345", "\u3099", "\u309A", "\u00B7", "é", "\u00C5", "\u212B", "ß", "İ",
      "가", "각", "\u1100", "\u1161", "\u11A8", "か", "カ", "ｶ", "ﾞ", "ﾟ", "ー", "ｰ", "ﬁ", "ﬃ", "①", "⑳",
      "㈱", "㍿", "\uF900", "\uF901", "\uFA0E", "\U00020000", "\U0002A6D6", "\U0002F800", "\U00030000",
      "😀", "\U0001F3FB", "\U0001D400", "\U0001D6BA", "\U000E0101", "Σ", "σ", "ς", "Α", "Ω", "ά", "Д",
      "\xFF", "\xC0", "\xE5\x9B", "\xF0\x9F\x98", "\x80", "\xED\xA0\x80", std::string(1, '\0'), "\uFFFD",
  };
  std::mt19937 rng(20240601);
  for (int round = 0; round < 20000; ++round) {
    std::string input;
    const std::size_t length = rng() % 24;
    for (std::size_t k = 0; k < length; ++k) input += alphabet[rng() % alphabet.size()];
    ASSERT_TRUE(SameAsSlow(input));
  }
  // Longer text, mostly ideographs and ASCII with the odd other character,
  // so that slow pieces are both merged and kept apart.
  const std::vector<std::string> common = {"國", "有", "经", "經", "a", "B", "1", " ", ".", "。", "，"};
  for (int round = 0; round < 2000; ++round) {
    std::string input;
    const std::size_t length = rng() % 400;
    for (std::size_t k = 0; k < length; ++k) {
      input += rng() % 16 == 0 ? alphabet[rng() % alphabet.size()] : common[rng() % common.size()];
    }
    ASSERT_TRUE(SameAsSlow(input));
  }
  // Random bytes, biased toward UTF-8 lead and trail bytes.
  for (int round = 0; round < 20000; ++round) {
    std::string input;
    const std::size_t length = rng() % 16;
    for (std::size_t k = 0; k < length; ++k) {
      const unsigned r = rng();
      input += static_cast<char>(r % 3 == 0 ? 0x80 + (r >> 8) % 0x40 : r % 3 == 1 ? 0xC0 + (r >> 8) % 0x40 : (r >> 8) % 0x80);
    }
    ASSERT_TRUE(SameAsSlow(input));
  }
}

// Every code point of planes 0-3 (the fast path's table) and a few beyond,
// between ASCII letters, before a combining mark, and next to sigmas whose
// form depends on whether the code point is cased or case-ignorable.
TEST(NormalizeFastPathTest, MatchesSlowForEveryCodePoint) {
  auto context = [](char32_t c) {
    const std::string u = Utf8(c);
    return "e" + u + "\u0301國aΣ" + u + "Σ國" + u + "a" + u + "國";
  };
  auto check_block = [&](char32_t lo, char32_t hi) {
    std::string batch;
    for (char32_t c = lo; c < hi; ++c) {
      if (c >= 0xD800 && c <= 0xDFFF) continue;
      batch += context(c);
    }
    if (NormalizeForSearch(batch) == NormalizeForSearchSlow(batch)) return;
    for (char32_t c = lo; c < hi; ++c) {
      if (c >= 0xD800 && c <= 0xDFFF) continue;
      EXPECT_TRUE(SameAsSlow(context(c))) << "U+" << std::hex << static_cast<std::uint32_t>(c);
    }
  };
  for (char32_t lo = 0; lo < 0x40000; lo += 256) check_block(lo, lo + 256);
  check_block(0xE0000, 0xE0200);
  check_block(0x10FF00, 0x110000);
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
