#include "search/highlight.h"

#include <algorithm>

#include "search/normalize.h"

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

struct Mapped {
  std::vector<std::string_view> chars;  // the original, one code point each
  std::vector<bool> marked;             // per original code point
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
    i += n;
  }
  m.marked.assign(m.chars.size(), false);
  for (const auto& t : terms) {
    if (t.empty()) continue;
    for (std::size_t pos = normalized.find(t); pos != std::string::npos; pos = normalized.find(t, pos + 1)) {
      for (std::size_t b = pos; b < pos + t.size() && b < owner.size(); ++b) m.marked[owner[b]] = true;
    }
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
