// The search box: parses what a user typed into a SearchQuery, and turns
// that into an SQLite FTS5 MATCH expression over the tokens of tokenizer.h.
//
// Syntax (docs/search.md has the user-facing version):
//   扶贫 资金            terms, all required (AND); ASCII space, tab, newline
//                        and U+3000 separate terms
//   "扶贫资金" “土地出让”  a quoted phrase (ASCII "...", full-width ＂...＂,
//                        or “...”); it may contain spaces
//   -脱贫 -"某某"         exclusion of a term or phrase
//   单位:财政局 事项:"2024-001"
//                        field filters ('：' works too; a space after the
//                        colon is allowed); the value is the next term or
//                        quoted phrase
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace gongkai::search {

// Limits enforced by ParseSearchQuery.
inline constexpr std::size_t kMaxQueryBytes = 1000;  // after trimming
inline constexpr std::size_t kMaxQueryTerms = 20;    // terms + phrases + excluded
// A query of exclusions without a term (the stores refuse such a request too).
inline constexpr const char* kOnlyExclusions = "不能只有排除词（以“-”开头的词），请至少输入一个要搜索的词";

struct SearchQuery {
  std::vector<std::string> terms;     // normalised; every one yields tokens
  std::vector<std::string> phrases;   // normalised text of quoted phrases
  std::vector<std::string> excluded;  // normalised terms or phrases after '-'
  std::string unit;                   // normalised value of 单位:, or empty
  std::string item;                   // normalised value of 事项:, or empty

  bool operator==(const SearchQuery&) const = default;
};

// Parses `input` (any bytes; invalid UTF-8 is repaired, not refused). All
// parts are normalised with NormalizeForSearch, so traditional and
// full-width input is accepted; terms, phrases and exclusions that contain
// no letter, digit or ideograph are dropped. On success at least one term,
// phrase or field filter is present, and exclusions come with at least one
// term or phrase.
// Errors (Error::Invalid, field "q", message for the user): input longer
// than kMaxQueryBytes after trimming, unbalanced quotes, nothing to search
// for ("", "-", "\"\""), only exclusions, more than kMaxQueryTerms terms, a
// field filter without value or given twice.
Result<SearchQuery> ParseSearchQuery(std::string_view input);

// The FTS5 MATCH expression for the terms, phrases and exclusions of
// `query`: each becomes a quoted FTS5 string holding its QueryTokens joined
// by spaces (embedded '"' doubled), positives are joined with AND and, if
// there are exclusions, parenthesised and followed by NOT clauses:
//   "扶贫 贫资 资金" AND "2024"
//   ("扶贫 贫资 资金" AND "2024") NOT "脱贫"
// A term whose tokens end with a one-character marker (EndsWithUnigram)
// becomes that phrase OR the same phrase with the character as a prefix
// token, which matches the bigrams that begin with it:
//   ("2024 \x01年" OR "2024 年"*)
// User text only ever appears inside quotes, so it cannot inject FTS5
// operators. The FTS5 tokenizer must read the quoted text with
// TokenizeMatchPhrase. Field filters are not included: the caller applies
// query.unit and query.item as column conditions. Returns "" when there is
// no term or phrase (a filter-only query); exclusions are then ignored.
std::string ToFts5Match(const SearchQuery& query);

}  // namespace gongkai::search
