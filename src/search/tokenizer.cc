#include "search/tokenizer.h"

#include <unicode/uchar.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/utf8.h"

namespace gongkai::search {
namespace {

enum class CharClass { kSeparator, kCjk, kLetter, kDigit, kWordContinue };

struct Char {
  char32_t code = 0;
  std::size_t begin = 0;
  std::size_t end = 0;
  CharClass cls = CharClass::kSeparator;
};

// Decodes the code point at `pos`; an invalid or truncated sequence is one
// byte long and decodes to U+FFFD.
char32_t Decode(std::string_view s, std::size_t pos, std::size_t& length) {
  char32_t c = 0;
  length = DecodeUtf8(s, pos, c);
  if (length == 0) {
    length = 1;
    return 0xFFFD;
  }
  return c;
}

bool IsCjk(char32_t c) {
  return c == 0x3007 || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0x20000 && c <= 0x3134F);
}

CharClass Classify(char32_t c) {
  if (c < 0x80) {
    if (c >= '0' && c <= '9') return CharClass::kDigit;
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    return letter ? CharClass::kLetter : CharClass::kSeparator;
  }
  if (IsCjk(c)) return CharClass::kCjk;
  if (c == 0xFFFD) return CharClass::kSeparator;
  const auto u = static_cast<UChar32>(c);
  if (u_isdigit(u)) return CharClass::kDigit;
  if (u_isalnum(u)) return CharClass::kLetter;
  const int8_t type = u_charType(u);
  if (type == U_NON_SPACING_MARK || type == U_COMBINING_SPACING_MARK || type == U_ENCLOSING_MARK) {
    return CharClass::kWordContinue;
  }
  return CharClass::kSeparator;
}

bool IsWord(CharClass c) { return c == CharClass::kLetter || c == CharClass::kDigit; }

// Calls `on_word(begin, end)` for each letter/digit run and
// `on_cjk(chars)` for each CJK run, in text order.
template <typename OnWord, typename OnCjk>
void Scan(std::string_view text, OnWord on_word, OnCjk on_cjk) {
  std::vector<Char> run;
  std::size_t word_begin = 0;
  bool in_word = false;
  CharClass word_class = CharClass::kLetter;  // of the word being read
  auto flush_cjk = [&] {
    if (!run.empty()) on_cjk(run);
    run.clear();
  };
  auto flush_word = [&](std::size_t end) {
    if (in_word) on_word(word_begin, end);
    in_word = false;
  };
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t length = 1;
    const char32_t c = Decode(text, pos, length);
    CharClass cls = Classify(c);
    if (cls == CharClass::kWordContinue) cls = in_word ? word_class : CharClass::kSeparator;
    if (cls != CharClass::kCjk) flush_cjk();
    // A letter run and a digit run are separate words ("t37668").
    if (cls != word_class || !IsWord(cls)) flush_word(pos);
    if (cls == CharClass::kCjk) {
      run.push_back(Char{c, pos, pos + length, cls});
    } else if (IsWord(cls) && !in_word) {
      in_word = true;
      word_begin = pos;
      word_class = cls;
    }
    pos += length;
  }
  flush_cjk();
  flush_word(pos);
}

std::string Slice(std::string_view text, std::size_t begin, std::size_t end) {
  return std::string(text.substr(begin, end - begin));
}

std::string Marker(std::string_view text, const Char& c) {
  std::string out(kUnigramMarker);
  out.append(text.substr(c.begin, c.end - c.begin));
  return out;
}

}  // namespace

WordKind WordKindOf(char32_t c) {
  switch (Classify(c)) {
    case CharClass::kLetter: return WordKind::kLetter;
    case CharClass::kDigit: return WordKind::kDigit;
    case CharClass::kWordContinue: return WordKind::kMark;
    default: return WordKind::kNone;
  }
}

void Tokenize(std::string_view normalized, const std::function<void(const Token&)>& emit) {
  Token token;
  Scan(
      normalized,
      [&](std::size_t begin, std::size_t end) {
        token.text = Slice(normalized, begin, end);
        token.begin = begin;
        token.end = end;
        emit(token);
      },
      [&](const std::vector<Char>& run) {
        for (std::size_t i = 0; i + 1 < run.size(); ++i) {
          token.text = Slice(normalized, run[i].begin, run[i + 1].end);
          token.begin = run[i].begin;
          token.end = run[i + 1].end;
          emit(token);
        }
        token.text = Marker(normalized, run.back());
        token.begin = run.back().begin;
        token.end = run.back().end;
        emit(token);
      });
}

std::vector<std::string> QueryTokens(std::string_view normalized_term) {
  std::vector<std::string> tokens;
  bool drop_last = false;  // the last token is a droppable trailing marker
  Scan(
      normalized_term,
      [&](std::size_t begin, std::size_t end) {
        tokens.push_back(Slice(normalized_term, begin, end));
        drop_last = false;
      },
      [&](const std::vector<Char>& run) {
        for (std::size_t i = 0; i + 1 < run.size(); ++i) {
          tokens.push_back(Slice(normalized_term, run[i].begin, run[i + 1].end));
        }
        tokens.push_back(Marker(normalized_term, run.back()));
        drop_last = run.size() >= 2;
      });
  if (drop_last) tokens.pop_back();
  return tokens;
}

bool EndsWithUnigram(const std::vector<std::string>& query_tokens) {
  return !query_tokens.empty() && query_tokens.back().starts_with(kUnigramMarker);
}

void TokenizeMatchPhrase(std::string_view phrase, const std::function<void(const Token&)>& emit) {
  Token token;
  std::size_t pos = 0;
  while (pos < phrase.size()) {
    const std::size_t space = phrase.find(' ', pos);
    const std::size_t end = space == std::string_view::npos ? phrase.size() : space;
    if (end > pos) {
      token.text = Slice(phrase, pos, end);
      token.begin = pos;
      token.end = end;
      emit(token);
    }
    pos = end + 1;
  }
}

}  // namespace gongkai::search
