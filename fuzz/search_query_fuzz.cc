// libFuzzer target: ParseSearchQuery and ToFts5Match never crash; the MATCH
// string has balanced double quotes (every user byte stays inside a quoted
// FTS5 string, "" being an escaped quote), and outside the quotes holds only
// the operators ToFts5Match writes itself (AND, NOT, OR, brackets, and `*`
// right after a closing quote: the prefix form of a term that ends in one
// ideograph).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "search/query.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto query = gongkai::search::ParseSearchQuery(input);
  if (!query) {
    if (query.error().field != "q" || query.error().message.empty()) std::abort();
    return 0;
  }
  if (query->terms.size() + query->phrases.size() + query->excluded.size() > gongkai::search::kMaxQueryTerms) {
    std::abort();
  }
  const std::string match = gongkai::search::ToFts5Match(*query);
  bool in_string = false;
  std::string outside;
  for (std::size_t i = 0; i < match.size(); ++i) {
    if (match[i] == '"') {
      if (in_string && i + 1 < match.size() && match[i + 1] == '"') {
        ++i;
      } else {
        in_string = !in_string;
      }
      continue;
    }
    if (!in_string) {
      if (match[i] == '*' && (i == 0 || match[i - 1] != '"')) std::abort();
      outside += match[i];
    }
  }
  if (in_string) std::abort();
  if (outside.find_first_not_of(" ANDOTR()*") != std::string::npos) std::abort();
  const bool has_positive = !query->terms.empty() || !query->phrases.empty();
  if (match.empty() == has_positive) std::abort();
  return 0;
}
