#include "search/highlight.h"

#include <algorithm>

#include "core/utf8.h"
#include "search/normalize.h"
#include "search/tokenizer.h"

namespace gongkai::search {

namespace {

std::size_t CodePointLength(unsigned char c) {
  if (c < 0x80) return 1;
  if ((c >> 5) == 0x6) return 2;
  if ((c >> 4) == 0xE) return 3;
  if ((c >> 3) == 0x1E) return 4;
  return 1;
}

void AppendEscaped(std::string_view s, std::string& out) {
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
}

// The word kind of the code point that starts at `pos`.
WordKind KindAt(std::string_view s, std::size_t pos) {
  char32_t c = 0;
  return pos < s.size() && DecodeUtf8(s, pos, c) > 0 ? WordKindOf(c) : WordKind::kNone;
}
// Where the code point that ends at `end` starts.
std::size_t StartBefore(std::string_view s, std::size_t end) {
  std::size_t begin = end - 1;
  while (begin > 0 && end - begin < 4 && (static_cast<unsigned char>(s[begin]) & 0xC0) == 0x80) --begin;
  return begin;
}
// The word kind of the text just before `end`, as the tokenizer sees it:
// combining marks take the kind of the letter or digit they follow (and
// are nothing after anything else).
WordKind WordBefore(std::string_view s, std::size_t end) {
  while (end > 0) {
    const std::size_t begin = StartBefore(s, end);
    const WordKind k = KindAt(s, begin);
    if (k != WordKind::kMark) return k;
    end = begin;
  }
  return WordKind::kNone;
}
bool IsWord(WordKind k) { return k == WordKind::kLetter || k == WordKind::kDigit; }

// True if the match [pos, pos + length) of `text` starts and ends on word
// boundaries as the index has them (search/tokenizer.h): not between two
// letters or two digits, nor before a combining mark that continues the
// word, nor after one that continues a letter or digit the match would cut.
bool WholeWords(std::string_view text, std::size_t pos, std::size_t length) {
  const std::size_t end = pos + length;
  const WordKind before = WordBefore(text, pos);
  const WordKind first = KindAt(text, pos);
  if (first == WordKind::kMark ? IsWord(before) : IsWord(first) && before == first) return false;
  const WordKind last = WordBefore(text, end);
  const WordKind after = KindAt(text, end);
  if (IsWord(last) && (after == last || after == WordKind::kMark)) return false;
  return true;
}

struct Mapped {
  std::vector<std::string_view> chars;  // the original, one code point each
  std::vector<bool> marked;             // per original code point
  std::vector<WordKind> kinds;          // per original code point, once normalised
};

// Normalises character by character so that every byte of the normalised
// text maps back to the original character it came from.
Mapped Mark(std::string_view original, const std::vector<std::string>& terms) {
  Mapped m;
  std::string normalized;
  std::vector<std::size_t> owner;  // normalised byte -> original char index
  for (std::size_t i = 0; i < original.size();) {
    std::size_t n = std::min(CodePointLength(static_cast<unsigned char>(original[i])), original.size() - i);
    std::string_view ch = original.substr(i, n);
    std::string norm = NormalizeForSearch(ch);
    normalized += norm;
    owner.insert(owner.end(), norm.size(), m.chars.size());
    m.chars.push_back(ch);
    m.kinds.push_back(KindAt(norm, 0));
    i += n;
  }
  m.marked.assign(m.chars.size(), false);
  // Marks the whole-word occurrences of `t`; false if there is none.
  auto mark = [&](const std::string& t) {
    bool found = false;
    for (std::size_t pos = normalized.find(t); pos != std::string::npos; pos = normalized.find(t, pos + 1)) {
      if (!WholeWords(normalized, pos, t.size())) continue;
      found = true;
      for (std::size_t b = pos; b < pos + t.size() && b < owner.size(); ++b) m.marked[owner[b]] = true;
    }
    return found;
  };
  for (const auto& t : terms) {
    if (t.empty() || mark(t)) continue;
    // The search matched it by tokens, across separators the text spells
    // otherwise ("gb/t37668" finds "GB/T 37668"): mark its words one by one.
    Tokenize(t, [&](const Token& token) {
      if (IsWord(KindAt(token.text, 0))) mark(token.text);
    });
  }
  return m;
}

std::string Render(const Mapped& m, std::size_t from, std::size_t to) {
  std::string out;
  bool open = false;
  for (std::size_t k = from; k < to; ++k) {
    if (m.marked[k] && !open) {
      out += "<mark>";
      open = true;
    } else if (!m.marked[k] && open) {
      out += "</mark>";
      open = false;
    }
    AppendEscaped(m.chars[k], out);
  }
  if (open) out += "</mark>";
  return out;
}

}  // namespace

std::string Snippet(std::string_view original, const std::vector<std::string>& terms, std::size_t max_chars) {
  Mapped m = Mark(original, terms);
  std::size_t n = m.chars.size();
  std::size_t first = n;
  for (std::size_t k = 0; k < n; ++k)
    if (m.marked[k]) {
      first = k;
      break;
    }
  std::size_t from = first == n ? 0 : (first > max_chars / 4 ? first - max_chars / 4 : 0);
  // Nor start inside a word ("…g src" cut from "img").
  auto inside_word = [&](std::size_t k) {
    return k > 0 && k < n && m.kinds[k] != WordKind::kNone &&
           (m.kinds[k] == m.kinds[k - 1] || m.kinds[k] == WordKind::kMark);
  };
  while (from < first && from < n && inside_word(from)) ++from;
  std::size_t to = std::min(n, from + max_chars);
  // Do not cut a highlight at the end.
  while (to < n && to > 0 && m.marked[to - 1] && m.marked[to]) ++to;
  std::string out;
  if (from > 0) out += "…";
  out += Render(m, from, to);
  if (to < n) out += "…";
  return out;
}

std::string Highlight(std::string_view original, const std::vector<std::string>& terms) {
  Mapped m = Mark(original, terms);
  return Render(m, 0, m.chars.size());
}

}  // namespace gongkai::search
