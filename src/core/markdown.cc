#include "core/markdown.h"

#include <cstddef>
#include <utility>
#include <vector>

#include "core/utf8.h"

namespace gongkai {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length (1-4) of the well-formed UTF-8 sequence at text[i] (no overlongs,
// surrogates or code points past U+10FFFF), or 0 if there is none.
std::size_t Utf8Length(std::string_view text, std::size_t i) {
  char32_t cp = 0;
  return DecodeUtf8(text, i, cp);
}

// Valid UTF-8 with "\n" line ends and no control characters but "\t", "\n".
std::string Normalize(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\r') {
      out += '\n';
      i += (i + 1 < text.size() && text[i + 1] == '\n') ? 2 : 1;
    } else if (c == '\n' || c == '\t') {
      out += static_cast<char>(c);
      ++i;
    } else if (c < 0x20 || c == 0x7F) {
      out += kReplacement;
      ++i;
    } else if (const std::size_t len = Utf8Length(text, i); len == 0) {
      out += kReplacement;
      ++i;
    } else {
      out.append(text.substr(i, len));
      i += len;
    }
  }
  return out;
}

void AppendEscaped(std::string_view text, std::string* out) {
  for (char c : text) {
    switch (c) {
      case '&':
        *out += "&amp;";
        break;
      case '<':
        *out += "&lt;";
        break;
      case '>':
        *out += "&gt;";
        break;
      case '"':
        *out += "&quot;";
        break;
      case '\'':
        *out += "&#39;";
        break;
      default:
        *out += c;
    }
  }
}

char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t k = 0; k < prefix.size(); ++k) {
    if (AsciiLower(text[k]) != prefix[k]) return false;
  }
  return true;
}

// Refused anywhere in an href, even where it would be harmless ("/a?q=javascript:").
constexpr std::string_view kScript = "javascript:";

bool IsSpaceOrTab(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpaceOrTab(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpaceOrTab(s.back())) s.remove_suffix(1);
  return s;
}

// Renders the inline constructs of one line. For linear time, the next
// position of every delimiter at or after each index is tabulated first, so
// no position is ever scanned twice while looking for a closing delimiter.
class InlineRenderer {
 public:
  void Render(std::string_view line, std::string* out) {
    line_ = line;
    Tabulate();
    const std::size_t n = line.size();
    std::size_t i = 0;
    while (i < n) {
      const char c = line[i];
      if (IsBoldDelimiter(line, i)) {
        const std::size_t close = next_stars_[i + 2];
        if (close < n && close > i + 2) {
          *out += "<strong>";
          AppendEscaped(line.substr(i + 2, close - i - 2), out);
          *out += "</strong>";
          i = close + 2;
          continue;
        }
      } else if (c == '[') {
        if (const std::size_t end = TryLink(i, out); end != 0) {
          i = end;
          continue;
        }
      }
      AppendEscaped(line.substr(i, 1), out);
      ++i;
    }
  }

 private:
  // Exactly two asterisks: a longer run of '*' (a masked number such as
  // "138****5678" or "11*************02X") is text, never bold.
  static bool IsBoldDelimiter(std::string_view line, std::size_t k) {
    const std::size_t n = line.size();
    return k + 1 < n && line[k] == '*' && line[k + 1] == '*' && (k == 0 || line[k - 1] != '*') &&
           (k + 2 >= n || line[k + 2] != '*');
  }

  // Fills the next_* tables: entry i is the smallest j >= i where the
  // delimiter starts, or line_.size().
  void Tabulate() {
    const std::size_t n = line_.size();
    for (auto* table : {&next_open_, &next_close_, &next_paren_, &next_bad_, &next_stars_, &next_script_}) {
      table->assign(n + 2, n);
    }
    for (std::size_t k = n; k-- > 0;) {
      const char c = line_[k];
      const unsigned char u = static_cast<unsigned char>(c);
      next_open_[k] = c == '[' ? k : next_open_[k + 1];
      next_close_[k] = c == ']' ? k : next_close_[k + 1];
      next_paren_[k] = c == ')' ? k : next_paren_[k + 1];
      next_bad_[k] = (u <= 0x20 || u == 0x7F) ? k : next_bad_[k + 1];
      next_stars_[k] = IsBoldDelimiter(line_, k) ? k : next_stars_[k + 1];
      next_script_[k] = StartsWithNoCase(line_.substr(k), kScript) ? k : next_script_[k + 1];
    }
  }

  // If a safe link starts at `open` (a '['), renders it and returns the
  // index after its ')'; otherwise renders nothing and returns 0.
  std::size_t TryLink(std::size_t open, std::string* out) const {
    const std::size_t n = line_.size();
    const std::size_t close = next_close_[open + 1];
    if (close >= n || close == open + 1 || next_open_[open + 1] < close) return 0;
    if (close + 1 >= n || line_[close + 1] != '(') return 0;
    const std::size_t paren = next_paren_[close + 2];
    if (paren >= n) return 0;
    std::size_t begin = close + 2;
    std::size_t end = paren;
    while (begin < end && IsSpaceOrTab(line_[begin])) ++begin;
    while (end > begin && IsSpaceOrTab(line_[end - 1])) --end;
    if (begin == end || next_bad_[begin] < end) return 0;
    const std::string_view url = line_.substr(begin, end - begin);
    if (!StartsWithNoCase(url, "http://") && !StartsWithNoCase(url, "https://") && url[0] != '/') return 0;
    // "//host" and "/\\host" are read by browsers as another site.
    if (url[0] == '/' && url.size() > 1 && (url[1] == '/' || url[1] == '\\')) return 0;
    if (next_script_[begin] + kScript.size() <= end) return 0;
    *out += "<a href=\"";
    AppendEscaped(url, out);
    *out += "\" rel=\"noopener\">";
    AppendEscaped(line_.substr(open + 1, close - open - 1), out);
    *out += "</a>";
    return paren + 1;
  }

  std::string_view line_;
  std::vector<std::size_t> next_open_;
  std::vector<std::size_t> next_close_;
  std::vector<std::size_t> next_paren_;
  std::vector<std::size_t> next_bad_;
  std::vector<std::size_t> next_stars_;
  std::vector<std::size_t> next_script_;
};

enum class Block { kNone, kParagraph, kUnordered, kOrdered };

// Length of an ordered-list marker ("12. ") at the start of `s`, or 0.
std::size_t OrderedMarker(std::string_view s) {
  std::size_t k = 0;
  while (k < s.size() && k < 10 && s[k] >= '0' && s[k] <= '9') ++k;
  if (k == 0 || k > 9 || k + 1 >= s.size() || s[k] != '.' || s[k + 1] != ' ') return 0;
  return k + 2;
}

class BlockRenderer {
 public:
  std::string Render(std::string_view text) {
    std::size_t start = 0;
    while (start <= text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      Line(Trim(text.substr(start, end - start)));
      start = end + 1;
    }
    Close();
    return std::move(out_);
  }

 private:
  void Line(std::string_view line) {
    if (line.empty()) {
      Close();
      return;
    }
    struct Heading {
      std::string_view marker, open, close;
    };
    static constexpr Heading kHeadings[] = {
        {"### ", "<h3>", "</h3>\n"}, {"## ", "<h2>", "</h2>\n"}, {"# ", "<h2>", "</h2>\n"}};
    for (const Heading& h : kHeadings) {
      if (!line.starts_with(h.marker)) continue;
      const std::string_view content = Trim(line.substr(h.marker.size()));
      if (content.empty()) break;
      Close();
      out_ += h.open;
      inline_.Render(content, &out_);
      out_ += h.close;
      return;
    }
    if (line.starts_with("- ") || line.starts_with("* ")) {
      Item(Block::kUnordered, Trim(line.substr(2)));
      return;
    }
    if (const std::size_t marker = OrderedMarker(line); marker != 0) {
      Item(Block::kOrdered, Trim(line.substr(marker)));
      return;
    }
    if (block_ == Block::kParagraph) {
      out_ += "<br>\n";
    } else {
      Close();
      out_ += "<p>";
      block_ = Block::kParagraph;
    }
    inline_.Render(line, &out_);
  }

  void Item(Block list, std::string_view content) {
    if (block_ != list) {
      Close();
      out_ += list == Block::kUnordered ? "<ul>\n" : "<ol>\n";
      block_ = list;
    }
    out_ += "<li>";
    inline_.Render(content, &out_);
    out_ += "</li>\n";
  }

  void Close() {
    switch (block_) {
      case Block::kNone:
        break;
      case Block::kParagraph:
        out_ += "</p>\n";
        break;
      case Block::kUnordered:
        out_ += "</ul>\n";
        break;
      case Block::kOrdered:
        out_ += "</ol>\n";
        break;
    }
    block_ = Block::kNone;
  }

  std::string out_;
  Block block_ = Block::kNone;
  InlineRenderer inline_;
};

}  // namespace

std::string RenderBody(std::string_view text) {
  const std::string normalized = Normalize(text);
  return BlockRenderer().Render(normalized);
}

}  // namespace gongkai
