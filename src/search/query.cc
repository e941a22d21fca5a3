#include "search/query.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "search/normalize.h"
#include "search/tokenizer.h"

namespace gongkai::search {
namespace {

constexpr std::string_view kIdeographicSpace = "\u3000";
constexpr std::string_view kLeftQuote = "\u201C";   // “
constexpr std::string_view kRightQuote = "\u201D";  // ”
constexpr std::string_view kUnitField = "单位";
constexpr std::string_view kItemField = "事项";

Error Invalid(std::string message) { return Error::Invalid(std::move(message), "q"); }

bool IsAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Length of the whitespace at the start of `s`, 0 if none.
std::size_t SpaceAt(std::string_view s) {
  if (!s.empty() && IsAsciiSpace(s.front())) return 1;
  if (s.starts_with(kIdeographicSpace)) return kIdeographicSpace.size();
  return 0;
}

std::string_view Trim(std::string_view s) {
  while (std::size_t n = SpaceAt(s)) s.remove_prefix(n);
  for (;;) {
    if (!s.empty() && IsAsciiSpace(s.back())) {
      s.remove_suffix(1);
    } else if (s.ends_with(kIdeographicSpace)) {
      s.remove_suffix(kIdeographicSpace.size());
    } else {
      return s;
    }
  }
}

// Parses the normalised query text from left to right.
class Parser {
 public:
  explicit Parser(std::string_view text) : rest_(text) {}

  Result<SearchQuery> Run() {
    for (SkipSpace(); !rest_.empty(); SkipSpace()) {
      GK_CHECK(ParseItem());
    }
    const std::size_t count = query_.terms.size() + query_.phrases.size() + query_.excluded.size();
    if (count > kMaxQueryTerms) {
      return Unexpected(Invalid("搜索词不能超过" + std::to_string(kMaxQueryTerms) + "个，请精简搜索内容"));
    }
    const bool positive = !query_.terms.empty() || !query_.phrases.empty();
    if (!query_.excluded.empty() && !positive) {
      return Unexpected(Invalid(kOnlyExclusions));
    }
    if (!positive && query_.unit.empty() && query_.item.empty()) {
      return Unexpected(Invalid("请输入搜索内容"));
    }
    return std::move(query_);
  }

 private:
  void SkipSpace() {
    while (std::size_t n = SpaceAt(rest_)) rest_.remove_prefix(n);
  }

  // Consumes "单位:" or "事项:" (ASCII or full-width colon) and returns the
  // field name, or returns empty and consumes nothing.
  std::string_view TakeFieldPrefix() {
    for (std::string_view field : {kUnitField, kItemField}) {
      if (!rest_.starts_with(field)) continue;
      std::string_view after = rest_.substr(field.size());
      std::size_t colon = 0;
      if (after.starts_with(':')) colon = 1;
      if (after.starts_with("\uFF1A")) colon = 3;
      if (colon == 0) continue;
      rest_ = after.substr(colon);
      return field;
    }
    return {};
  }

  // Reads a quoted phrase or a bare term into `value`; `quoted` tells which.
  Status TakeValue(std::string& value, bool& quoted) {
    std::string_view close;
    if (rest_.starts_with('"')) {
      close = "\"";
      rest_.remove_prefix(1);
    } else if (rest_.starts_with(kLeftQuote)) {
      close = kRightQuote;
      rest_.remove_prefix(kLeftQuote.size());
    }
    if (!close.empty()) {
      const std::size_t end = rest_.find(close);
      if (end == std::string_view::npos) {
        return Unexpected(Invalid("引号没有成对出现，请检查搜索内容中的引号"));
      }
      value = std::string(Trim(rest_.substr(0, end)));
      rest_.remove_prefix(end + close.size());
      quoted = true;
      return Ok();
    }
    std::size_t end = 0;
    while (end < rest_.size()) {
      const std::string_view tail = rest_.substr(end);
      if (SpaceAt(tail) > 0 || tail.starts_with('"') || tail.starts_with(kLeftQuote)) break;
      if (tail.starts_with(kRightQuote)) {
        return Unexpected(Invalid("引号没有成对出现，请检查搜索内容中的引号"));
      }
      ++end;
    }
    value = std::string(rest_.substr(0, end));
    rest_.remove_prefix(end);
    quoted = false;
    return Ok();
  }

  Status ParseItem() {
    bool negated = false;
    while (rest_.starts_with('-')) {
      negated = true;
      rest_.remove_prefix(1);
    }
    const std::string_view field = negated ? std::string_view{} : TakeFieldPrefix();
    if (!field.empty()) SkipSpace();

    std::string value;
    bool quoted = false;
    GK_CHECK(TakeValue(value, quoted));

    if (!field.empty()) {
      std::string& slot = field == kUnitField ? query_.unit : query_.item;
      const std::string label = "“" + std::string(field) + ":”";
      if (value.empty()) {
        return Unexpected(
            Invalid(label + "后面缺少内容，例如：" + (field == kUnitField ? "单位:财政局" : "事项:2024-001")));
      }
      if (!slot.empty()) return Unexpected(Invalid(label + "只能指定一次"));
      slot = std::move(value);
      return Ok();
    }
    if (QueryTokens(value).empty()) return Ok();  // punctuation, "-", "" ...
    if (negated) {
      query_.excluded.push_back(std::move(value));
    } else if (quoted) {
      query_.phrases.push_back(std::move(value));
    } else {
      query_.terms.push_back(std::move(value));
    }
    return Ok();
  }

  std::string_view rest_;
  SearchQuery query_;
};

void AppendQuoted(const std::vector<std::string>& tokens, std::string& out) {
  out += '"';
  bool first = true;
  for (const std::string& token : tokens) {
    if (!first) out += ' ';
    first = false;
    for (char c : token) {
      if (c == '"') out += '"';
      out += c;
    }
  }
  out += '"';
}

// One term: the phrase of its query tokens; if it ends with a one-character
// marker, also the same phrase ending in a prefix token for the bigrams that
// begin with that character (tokenizer.h: the document's run may go on).
void AppendFts5String(const std::string& normalized, std::string& out) {
  std::vector<std::string> tokens = QueryTokens(normalized);
  if (!EndsWithUnigram(tokens)) return AppendQuoted(tokens, out);
  out += '(';
  AppendQuoted(tokens, out);
  out += " OR ";
  tokens.back().erase(0, kUnigramMarker.size());
  AppendQuoted(tokens, out);
  out += "*)";
}

}  // namespace

Result<SearchQuery> ParseSearchQuery(std::string_view input) {
  const std::string_view trimmed = Trim(input);
  if (trimmed.size() > kMaxQueryBytes) {
    return Unexpected(Invalid("搜索内容过长，请不要超过" + std::to_string(kMaxQueryBytes) + "字节（约300个汉字）"));
  }
  const std::string normalized = NormalizeForSearch(trimmed);
  return Parser(normalized).Run();
}

std::string ToFts5Match(const SearchQuery& query) {
  std::string positive;
  std::size_t count = 0;
  for (const auto* list : {&query.terms, &query.phrases}) {
    for (const std::string& part : *list) {
      if (QueryTokens(part).empty()) continue;
      if (count++ > 0) positive += " AND ";
      AppendFts5String(part, positive);
    }
  }
  if (count == 0) return {};
  if (query.excluded.empty()) return positive;
  std::string out = "(" + positive + ")";
  for (const std::string& part : query.excluded) {
    if (QueryTokens(part).empty()) continue;
    out += " NOT ";
    AppendFts5String(part, out);
  }
  return out;
}

}  // namespace gongkai::search
