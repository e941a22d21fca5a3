// The search tokenizer: turns NORMALISED text (see normalize.h) into the
// tokens stored in the full-text index, and a query term into the token
// sequence that must match as a phrase.
//
// Scheme (docs/search.md explains why):
//   * A run of CJK ideographs (U+3400-4DBF, U+4E00-9FFF, U+F900-FAFF,
//     U+20000-3134F, and 〇 U+3007) c[0..n) gives one token POSITION per
//     character: the bigram c[i]c[i+1] at position i for i < n-1, and the
//     marker unigram kUnigramMarker + c[n-1] at the run's last position. (A
//     one-character run is just its marker.)
//   * A run of letters (ASCII [a-z] and other alphanumerics that are not
//     CJK or digits), or a run of digits, is one token at one position:
//     "2024年" gives "2024" then the CJK part; "gb/t 37668" gives "gb", "t",
//     "37668", and so does "gb/t37668" (a letter run and a digit run are
//     separate words: "iphone15" gives "iphone", "15").
//   * Everything else (punctuation, spaces, U+FFFD, control characters)
//     separates tokens and takes no position.
// Guarantee: if normalised query text q is a substring of normalised document
// text d, and q neither starts nor ends inside a run of letters or a run of
// digits of d (see WordKindOf), then
// the tokens of QueryTokens(q) occur in Tokenize(d) at consecutive positions,
// except that when EndsWithUnigram(QueryTokens(q)) the last position may
// instead hold a bigram that begins with that character (d's run goes on
// after q ends). So an FTS5 query `"t1 ... \x01c" OR "t1 ... c"*` (or a
// PostgreSQL `<->` chain ending in `c:*`) finds d; without a trailing marker,
// the plain phrase does.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace gongkai::search {

// Prefix of the single-character tokens. A control byte: normalised text
// never yields it inside a token, so markers cannot collide with user text.
inline constexpr std::string_view kUnigramMarker = "\x01";

struct Token {
  std::string text;
  std::size_t begin = 0;  // byte offsets into the normalised text: the
  std::size_t end = 0;    // characters the token stands for, begin < end
};

// What a character is for word boundaries: a letter, a digit, a combining
// mark (it continues the word before it), or none of these (ideographs,
// punctuation, spaces). A query matches whole words: it may not start or
// end between two letters or between two digits (snippets mark matches by
// the same rule, search/highlight.h).
enum class WordKind { kNone, kLetter, kDigit, kMark };
WordKind WordKindOf(char32_t c);

// Document side. Calls `emit` for each token in text order, one token per
// position: `begin` increases. Bytes that are not valid UTF-8 are
// separators. Never fails.
void Tokenize(std::string_view normalized, const std::function<void(const Token&)>& emit);

// Query side: the tokens a document must hold at consecutive positions to
// contain `normalized_term`. Each CJK run contributes its bigrams in order,
// followed by the marker unigram of its last character unless the run has
// two or more characters and ends the term ("扶贫资金" → 扶贫 贫资 资金;
// "年" → "\x01年"; "2024年" → "2024" "\x01年"; "资金2024" → 资金 "\x01金"
// "2024"). Empty if the term holds no letters, digits or ideographs.
std::vector<std::string> QueryTokens(std::string_view normalized_term);

// True if QueryTokens' last token is a marker unigram ("年", "2024年"): a
// document holds that character either as a marker (its run ends there) or
// as the first half of a bigram (its run goes on), so the search must accept
// both; see the guarantee above.
bool EndsWithUnigram(const std::vector<std::string>& query_tokens);

// FTS5 query mode (FTS5_TOKENIZE_QUERY): the text inside one quoted phrase
// of a MATCH string built by ToFts5Match (query.h) is QueryTokens joined by
// single spaces. Emits each space-separated piece verbatim as one token.
// The FTS5 adapter must use this, not Tokenize, for queries.
void TokenizeMatchPhrase(std::string_view phrase, const std::function<void(const Token&)>& emit);

}  // namespace gongkai::search
