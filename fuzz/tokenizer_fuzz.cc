// libFuzzer target: NormalizeForSearch and Tokenize never crash;
// NormalizeForSearch equals its ICU-only reference implementation; every token
// covers a non-empty byte range inside the normalised text, begins
// increase (one token per position), and a token's text is the bytes it
// covers (bigrams, words) or the marker plus them (unigrams). QueryTokens of
// the whole text matches the document as a phrase (the whole text ends where
// the document does, so even a trailing marker is there as it is).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "search/normalize.h"
#include "search/tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string text = gongkai::search::NormalizeForSearch(input);
  // The UTF-8 fast path is byte-identical to the ICU reference.
  if (text != gongkai::search::detail::NormalizeForSearchSlow(input)) std::abort();
  std::size_t last_begin = 0;
  bool first = true;
  std::vector<std::string> positions;
  gongkai::search::Tokenize(text, [&](const gongkai::search::Token& t) {
    if (t.begin >= t.end || t.end > text.size() || (!first && t.begin <= last_begin)) std::abort();
    first = false;
    last_begin = t.begin;
    std::string covered = text.substr(t.begin, t.end - t.begin);
    if (t.text.starts_with(gongkai::search::kUnigramMarker)) {
      covered.insert(0, gongkai::search::kUnigramMarker);
    }
    if (t.text != covered) std::abort();
    positions.push_back(t.text);
  });
  // The whole text is a substring of itself: its query tokens must match at
  // position 0.
  const std::vector<std::string> query = gongkai::search::QueryTokens(text);
  if (query.size() > positions.size()) std::abort();
  for (std::size_t k = 0; k < query.size(); ++k) {
    if (positions[k] != query[k]) std::abort();
  }
  return 0;
}
