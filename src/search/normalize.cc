#include "search/normalize.h"

#include <opencc/opencc.h>
#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/unistr.h>
#include <unicode/utf16.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gongkai::search {
namespace {

// Code point ranges that may hold Traditional characters. Everything else
// folds to itself.
constexpr std::pair<UChar32, UChar32> kHanRanges[] = {
    {0x3400, 0x4DBF},    // Extension A
    {0x4E00, 0x9FFF},    // Unified Ideographs
    {0xF900, 0xFAFF},    // Compatibility Ideographs (mostly gone after NFKC)
    {0x20000, 0x2EBEF},  // Extensions B-F
    {0x30000, 0x3134F},  // Extension G
};

// An immutable code point → code point map, sorted by `from`.
struct FoldingTable {
  std::vector<std::pair<UChar32, UChar32>> pairs;
  std::string_view version;

  UChar32 Fold(UChar32 c) const {
    auto it = std::lower_bound(pairs.begin(), pairs.end(), c, [](const auto& p, UChar32 v) { return p.first < v; });
    return it != pairs.end() && it->first == c ? it->second : c;
  }
};

// All candidate code points, one per line. The newline between characters
// keeps phrase dictionaries and context rules from firing, so the converter
// reports its context-free mapping of each character.
std::string CandidateLines(std::vector<UChar32>& candidates) {
  icu::UnicodeString all;
  for (const auto& [lo, hi] : kHanRanges) {
    for (UChar32 c = lo; c <= hi; ++c) {
      candidates.push_back(c);
      all.append(c);
      all.append(static_cast<UChar>(u'\n'));
    }
  }
  std::string utf8;
  all.toUTF8String(utf8);
  return utf8;
}

// Pairs each candidate with the single code point on the same output line;
// lines that did not convert to exactly one code point are left unmapped.
// Returns false if the line structure was lost.
bool CollectPairs(const std::vector<UChar32>& candidates, const icu::UnicodeString& converted,
                  std::vector<std::pair<UChar32, UChar32>>& pairs) {
  std::size_t line = 0;
  int32_t start = 0;
  const int32_t length = converted.length();
  for (int32_t i = 0; i <= length; ++i) {
    if (i < length && converted.charAt(i) != u'\n') continue;
    if (line >= candidates.size()) return i == length && start == length;
    const icu::UnicodeString piece = converted.tempSubString(start, i - start);
    if (piece.countChar32() == 1) {
      const UChar32 to = piece.char32At(0);
      if (to != candidates[line]) pairs.emplace_back(candidates[line], to);
    }
    ++line;
    start = i + 1;
  }
  return line == candidates.size();
}

// Resolves chains (a → b, b → c becomes a → c) so that folding is idempotent.
void Flatten(std::vector<std::pair<UChar32, UChar32>>& pairs) {
  std::sort(pairs.begin(), pairs.end());
  FoldingTable lookup{pairs, {}};
  for (auto& [from, to] : pairs) {
    for (int step = 0; step < 4; ++step) {
      const UChar32 next = lookup.Fold(to);
      if (next == to || next == from) break;
      to = next;
    }
  }
  std::erase_if(pairs, [](const auto& p) { return p.first == p.second; });
}

bool BuildFromOpenCc(FoldingTable& table) {
  opencc_t cc = opencc_open("t2s.json");
  if (cc == reinterpret_cast<opencc_t>(-1)) return false;
  std::vector<UChar32> candidates;
  const std::string input = CandidateLines(candidates);
  char* output = opencc_convert_utf8(cc, input.data(), input.size());
  bool ok = false;
  if (output != nullptr) {
    const icu::UnicodeString converted = icu::UnicodeString::fromUTF8(output);
    opencc_convert_utf8_free(output);
    ok = CollectPairs(candidates, converted, table.pairs);
  }
  opencc_close(cc);
  if (!ok) table.pairs.clear();
  return ok;
}

bool BuildFromIcu(FoldingTable& table) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::Transliterator> t(
      icu::Transliterator::createInstance("Traditional-Simplified", UTRANS_FORWARD, status));
  if (U_FAILURE(status) || t == nullptr) return false;
  std::vector<UChar32> candidates;
  icu::UnicodeString converted = icu::UnicodeString::fromUTF8(CandidateLines(candidates));
  t->transliterate(converted);
  if (!CollectPairs(candidates, converted, table.pairs)) {
    table.pairs.clear();
    return false;
  }
  return true;
}

const FoldingTable& Table() {
  static const FoldingTable table = [] {
    FoldingTable t;
    if (BuildFromOpenCc(t)) {
      t.version = "nfkc+t2s(opencc)+lower/1";
    } else if (BuildFromIcu(t)) {
      t.version = "nfkc+t2s(icu)+lower/1";
    } else {
      t.version = "nfkc+lower/1";
    }
    Flatten(t.pairs);
    return t;
  }();
  return table;
}

bool MayBeHan(UChar32 c) { return c >= 0x3400; }

// Normalises one piece of at most INT32_MAX bytes.
void NormalizePiece(std::string_view text, const FoldingTable& table, std::string& out) {
  const icu::UnicodeString source =
      icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
  icu::UnicodeString normalized;
  if (U_SUCCESS(status) && nfkc != nullptr) {
    normalized = nfkc->normalize(source, status);
  }
  if (U_FAILURE(status)) normalized = source;  // ICU data missing: skip NFKC

  icu::UnicodeString folded;
  for (int32_t i = 0; i < normalized.length();) {
    const UChar32 c = normalized.char32At(i);
    i += U16_LENGTH(c);
    folded.append(MayBeHan(c) ? table.Fold(c) : c);
  }
  folded.toLower(icu::Locale::getRoot());
  folded.toUTF8String(out);
}

}  // namespace

std::string NormalizeForSearch(std::string_view text) {
  const FoldingTable& table = Table();
  // ICU indexes strings with int32_t: cut very long input at character
  // boundaries (the pieces are far longer than any combining sequence).
  constexpr std::size_t kPiece = std::size_t{1} << 30;
  std::string out;
  out.reserve(text.size());
  while (text.size() > kPiece) {
    std::size_t cut = kPiece;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    if (cut == 0) cut = kPiece;
    NormalizePiece(text.substr(0, cut), table, out);
    text.remove_prefix(cut);
  }
  NormalizePiece(text, table, out);
  return out;
}

std::string_view SearchNormalizerVersion() { return Table().version; }

}  // namespace gongkai::search
