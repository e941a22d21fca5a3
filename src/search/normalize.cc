#include "search/normalize.h"

#include <opencc/opencc.h>
#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf16.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
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

const icu::Normalizer2* Nfkc() {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
  return U_SUCCESS(status) ? nfkc : nullptr;
}

// Normalises one piece of at most INT32_MAX bytes: the reference
// implementation, used for everything the fast path below does not handle.
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

// The reference implementation of the whole function, appending to `out`.
void AppendSlow(std::string_view text, const FoldingTable& table, std::string& out) {
  // ICU indexes strings with int32_t: cut very long input at character
  // boundaries (the pieces are far longer than any combining sequence).
  constexpr std::size_t kPiece = std::size_t{1} << 30;
  while (text.size() > kPiece) {
    std::size_t cut = kPiece;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    if (cut == 0) cut = kPiece;
    NormalizePiece(text.substr(0, cut), table, out);
    text.remove_prefix(cut);
  }
  NormalizePiece(text, table, out);
}

// ---- Fast path ---------------------------------------------------------------
//
// NormalizeForSearch(s) is, by definition, toLower(fold(NFKC(decode(s))))
// where decode turns ill-formed UTF-8 into U+FFFD (ICU's fromUTF8), fold maps
// one code point at a time and toLower uses the root locale. The fast path
// produces the same bytes without ICU for most characters, and hands the rest
// to the reference implementation (NormalizePiece) in "slow pieces". The split
// is exact for these reasons:
//
// * Decoding. A character is handled on the fast path only if it is a
//   well-formed UTF-8 sequence (no overlong forms, surrogates or values above
//   U+10FFFF; any other byte is slow). ICU replaces each maximal ill-formed
//   subpart by U+FFFD; such a subpart is a lead byte plus continuation bytes,
//   so it never swallows the lead byte of a well-formed sequence, and a
//   decoder starting at any well-formed sequence is in step with a decoder
//   starting at the beginning of the text. Every piece starts at the start of
//   the text or right after a fast character and ends at the end of the text
//   or right before one, so ICU decodes each piece as it decodes that part of
//   the whole text; all of an ill-formed subpart is slow and hence in one piece.
//
// * NFKC. UAX #15 and ICU's Normalizer2 define normalisation boundaries:
//   hasBoundaryBefore(c) means NFKC(x + c y) = NFKC(x) + NFKC(c y) for all
//   strings x, y; hasBoundaryAfter(c) means NFKC(x c + y) = NFKC(x c) + NFKC(y);
//   isInert(c) is both plus NFKC(c) = c (a stable code point that never
//   interacts with its neighbours). A character c is isolated - NFKC of the
//   text is NFKC(before c) + NFKC(c) + NFKC(after c) - if c has a boundary
//   before it and either has one after it, is last, or the next character has
//   a boundary before it. So a character is fast only if it is isolated in
//   this sense: CJK ideographs and most punctuation are inert; an ASCII letter
//   is fast when the next character is, say, ASCII or an ideograph, but "e"
//   followed by U+0301 is slow, because they compose to "é". This is why the
//   character before a combining mark always lands in the same slow piece as
//   the mark: composition joins a mark to the PRECEDING starter, and that
//   starter has no boundary after it and the mark none before it. Every cut
//   between a fast character and a piece is at such a boundary, hence NFKC of
//   the text is the concatenation of the NFKC of its pieces and of its fast
//   characters, each NFKC(c) being precomputed.
//
// * Folding maps one code point at a time, so it distributes over the cuts.
//
// * Lower-casing in the root locale maps one code point at a time except for
//   U+03A3 GREEK CAPITAL LETTER SIGMA (Final_Sigma, SpecialCasing.txt): it
//   becomes final "ς" when preceded by a cased letter and not followed by
//   one, looking past case-ignorable characters in both directions (ICU:
//   ucase_toFullLower, isFollowedByCasedLetter). No fast character produces
//   U+03A3 (such characters are slow), so only sigmas inside slow pieces
//   depend on context. A "barrier" is a fast character whose folded NFKC form
//   consists of characters that are neither cased nor case-ignorable (CJK,
//   digits, spaces, most punctuation): a context scan stops at a barrier.
//   A slow piece is widened on both sides up to the nearest barrier (or the
//   end of the text), so a scan leaving the piece would meet a barrier at once
//   and answer "no cased letter", as the scan at the end of the piece does.
//   E.g. "ab.Σ" is one piece ("ab.ς"), while in "國Σ國" only Σ is.
//
// Characters are classified once, with ICU itself, into a table over planes
// 0-3 (code points beyond are always slow). A character can be fast if it
// has a boundary before it and its output - what NormalizePiece makes of the
// character alone - contains no U+03A3 before lower-casing; the output is
// stored unless it is the input itself. That covers the inert characters
// that do not change when lower-cased (ideographs, which fold by table
// lookup instead of a binary search, kana, most punctuation) and also
// non-inert characters with boundaries on both sides (full-width forms such
// as "，" and "（", U+3000, circled digits, compatibility ideographs) and
// ASCII letters, which have a boundary after them when the next character
// has one before it.
//
// Input over 1 GiB: the reference cuts it into 1 GiB pieces (ICU's int32_t
// lengths); here only the slow pieces go through that, so the two can differ
// only where the reference's cut split a combining sequence or the context
// of a final sigma.

// Table entry layout.
constexpr std::uint32_t kOffsetMask = (1u << 22) - 1;  // offset into FastTables::outputs
constexpr int kLengthShift = 22;                       // output length in bytes (5 bits)
constexpr std::uint32_t kLengthMask = 31;
constexpr std::uint32_t kOutput = 1u << 27;    // boundary before + precomputed output
constexpr std::uint32_t kBefore = 1u << 28;    // hasBoundaryBefore
constexpr std::uint32_t kAfter = 1u << 29;     // hasBoundaryAfter
constexpr std::uint32_t kBarrier = 1u << 30;   // output neither cased nor case-ignorable
constexpr std::uint32_t kIdentity = 1u << 31;  // output == input

constexpr UChar32 kTableEnd = 0x40000;  // planes 0-3
constexpr UChar32 kCapitalSigma = 0x3A3;

struct FastTables {
  std::vector<std::uint32_t> entry;  // by code point, 0 = always slow
  std::string outputs;               // non-identity outputs, concatenated
};

bool StopsCaseContext(UChar32 c) {
  return !u_hasBinaryProperty(c, UCHAR_CASED) && !u_hasBinaryProperty(c, UCHAR_CASE_IGNORABLE);
}

// Returns the table entry of `c`, appending its output to t.outputs if needed.
std::uint32_t Classify(UChar32 c, const FoldingTable& table, const icu::Normalizer2& nfkc, FastTables& t) {
  std::uint32_t e = 0;
  if (nfkc.hasBoundaryBefore(c)) e |= kBefore;
  if (nfkc.hasBoundaryAfter(c)) e |= kAfter;
  if ((e & kBefore) == 0) return e;

  // Common case, without building strings: inert, folds and lower-cases to
  // itself.
  if (nfkc.isInert(c)) {
    const UChar32 f = MayBeHan(c) ? table.Fold(c) : c;
    if (f == c && f != kCapitalSigma && !u_hasBinaryProperty(f, UCHAR_CHANGES_WHEN_LOWERCASED)) {
      return e | kOutput | kIdentity | (StopsCaseContext(f) ? kBarrier : 0);
    }
  }
  // General case, as NormalizePiece does it.
  bool barrier = true;
  UErrorCode status = U_ZERO_ERROR;
  const icu::UnicodeString normalized = nfkc.normalize(icu::UnicodeString(c), status);
  if (U_FAILURE(status) || normalized.isEmpty()) return e;
  icu::UnicodeString folded;
  for (int32_t i = 0; i < normalized.length();) {
    const UChar32 d = normalized.char32At(i);
    i += U16_LENGTH(d);
    const UChar32 f = MayBeHan(d) ? table.Fold(d) : d;
    if (f == kCapitalSigma) return e;  // lower-cases by context
    barrier = barrier && StopsCaseContext(f);
    folded.append(f);
  }
  folded.toLower(icu::Locale::getRoot());
  std::string utf8;
  folded.toUTF8String(utf8);
  if (utf8.empty() || utf8.size() > kLengthMask || t.outputs.size() + utf8.size() > kOffsetMask) return e;
  e |= kOutput | (barrier ? kBarrier : 0);
  icu::UnicodeString single(c);
  std::string own;
  single.toUTF8String(own);
  if (own == utf8) return e | kIdentity;
  e |= static_cast<std::uint32_t>(t.outputs.size()) | static_cast<std::uint32_t>(utf8.size()) << kLengthShift;
  t.outputs += utf8;
  return e;
}

const FastTables& Fast() {
  static const FastTables tables = [] {
    FastTables t;
    t.entry.assign(kTableEnd, 0);
    const icu::Normalizer2* nfkc = Nfkc();
    if (nfkc == nullptr) return t;  // no NFKC data: everything takes the reference path
    const FoldingTable& table = Table();
    for (UChar32 c = 0; c < kTableEnd; ++c) {
      if (U_IS_SURROGATE(c)) continue;
      t.entry[static_cast<std::size_t>(c)] = Classify(c, table, *nfkc, t);
    }
    t.outputs.append(kLengthMask + 1, '\0');  // lets the fast path copy a fixed size
    return t;
  }();
  return tables;
}

inline bool IsTrail(unsigned char b) { return (b & 0xC0) == 0x80; }

// Decodes the well-formed UTF-8 sequence at s[0..avail) and returns its table
// entry, or returns 0 (slow) with len = 1 if it is ill-formed.
inline std::uint32_t Lookup(const unsigned char* s, std::size_t avail, const std::uint32_t* entry,
                            std::size_t& len) {
  const unsigned b0 = s[0];
  if (b0 < 0x80) {
    len = 1;
    return entry[b0];
  }
  if (b0 >= 0xE0 && b0 < 0xF0) {
    if (avail >= 3 && IsTrail(s[1]) && IsTrail(s[2])) {
      const unsigned c = (b0 & 0x0Fu) << 12 | (s[1] & 0x3Fu) << 6 | (s[2] & 0x3Fu);
      if (c >= 0x800) {  // surrogates have entry 0
        len = 3;
        return entry[c];
      }
    }
  } else if (b0 >= 0xC2 && b0 < 0xE0) {
    if (avail >= 2 && IsTrail(s[1])) {
      len = 2;
      return entry[(b0 & 0x1Fu) << 6 | (s[1] & 0x3Fu)];
    }
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (avail >= 4 && IsTrail(s[1]) && IsTrail(s[2]) && IsTrail(s[3])) {
      const unsigned c = (b0 & 0x07u) << 18 | (s[1] & 0x3Fu) << 12 | (s[2] & 0x3Fu) << 6 | (s[3] & 0x3Fu);
      if (c >= 0x10000 && c <= 0x10FFFF) {
        len = 4;
        return c < static_cast<unsigned>(kTableEnd) ? entry[c] : 0;
      }
    }
  }
  len = 1;
  return 0;
}

}  // namespace

namespace detail {

std::string NormalizeForSearchSlow(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  AppendSlow(text, Table(), out);
  return out;
}

}  // namespace detail

std::string NormalizeForSearch(std::string_view text) {
  const FoldingTable& table = Table();
  const FastTables& fast = Fast();
  const std::uint32_t* entry = fast.entry.data();
  const char* outputs = fast.outputs.data();
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();

  // Output is written at out[w], out being grown ahead of the writes.
  constexpr std::size_t kMaxFast = kLengthMask + 1;
  constexpr std::size_t kMergeGap = 64;
  std::string out(n + kMaxFast, '\0');
  std::size_t w = 0;
  std::string piece_out;

  // Returns the entry of the character at i if it is fast there (isolated,
  // see above), 0 otherwise; sets len to its length in bytes.
  auto fast_at = [&](std::size_t i, std::size_t& len) -> std::uint32_t {
    const std::uint32_t e = Lookup(s + i, n - i, entry, len);
    if ((e & kOutput) == 0) return 0;
    if ((e & kAfter) != 0 || i + len == n) return e;
    std::size_t next_len = 0;
    return (Lookup(s + i + len, n - i - len, entry, next_len) & kBefore) != 0 ? e : 0;
  };

  std::size_t i = 0;
  std::size_t in_mark = 0;   // input offset just after the last barrier
  std::size_t out_mark = 0;  // w at that point
  while (i < n) {
    std::size_t len = 0;
    const std::uint32_t e = fast_at(i, len);
    if (e != 0) {
      if (out.size() - w < kMaxFast) out.resize(std::max(out.size() * 2, w + kMaxFast));
      char* dest = out.data() + w;
      if ((e & kIdentity) != 0) {
        // Small fixed-size copies: len is 1 to 4.
        if (len == 3) {
          std::memcpy(dest, s + i, 3);
        } else if (len == 1) {
          *dest = static_cast<char>(s[i]);
        } else {
          std::memcpy(dest, s + i, len);
        }
        w += len;
      } else {
        // outputs is padded, and out has kMaxFast bytes of room.
        std::memcpy(dest, outputs + (e & kOffsetMask), kMaxFast);
        w += e >> kLengthShift & kLengthMask;
      }
      i += len;
      if ((e & kBarrier) != 0) {
        in_mark = i;
        out_mark = w;
      }
      continue;
    }
    // A slow piece: from the last barrier up to the next fast barrier. Slow
    // characters less than kMergeGap bytes apart share one piece, to save
    // ICU calls on text that is mostly slow (cutting at a barrier is exact,
    // and so is not cutting).
    const std::size_t start = in_mark;
    w = out_mark;
    std::size_t end = n;  // the first barrier after the last slow character
    for (i += len; i < n; i += len) {
      const std::uint32_t next = fast_at(i, len);
      if (next == 0) {
        end = n;
      } else if ((next & kBarrier) != 0) {
        if (end == n) end = i;
        if (i - end >= kMergeGap) break;
      }
    }
    if (i < n) i = end;
    piece_out.clear();
    AppendSlow(text.substr(start, i - start), table, piece_out);
    if (out.size() - w < piece_out.size() + kMaxFast) {
      out.resize(std::max(out.size() * 2, w + piece_out.size() + kMaxFast));
    }
    std::memcpy(out.data() + w, piece_out.data(), piece_out.size());
    w += piece_out.size();
    in_mark = i;
    out_mark = w;
  }
  out.resize(w);
  return out;
}

std::string_view SearchNormalizerVersion() { return Table().version; }

}  // namespace gongkai::search
