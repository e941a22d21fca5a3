// The search tokenizer: turns NORMALISED text (see normalize.h) into the
// tokens stored in the full-text index, and a query term into the token
// sequence that must match as a phrase.
//
// Scheme (docs/search.md explains why):
//   * A run of CJK ideographs (U+3400-4DBF, U+4E00-9FFF, U+F900-FAFF,
//     U+20000-3134F, and 〇 U+3007) gives one token POSITION per character.
//     At the position of character i the document has
//       - the bigram c[i]c[i+1] if c[i+1] is in the same run, and
//       - the marker unigram kUnigramMarker + c[i], always, colocated
//         (same position) with the bigram.
//   * A run of letters and digits (ASCII [0-9a-z] and other alphanumerics
//     that are not CJK) is one token at one position: "2024年" gives "2024"
//     then the CJK part; "gb/t 37668" gives "gb", "t", "37668".
//   * Everything else (punctuation, spaces, U+FFFD, control characters)
//     separates tokens and takes no position.
// Guarantee: if normalised query text q is a substring of normalised document
// text d, and q neither starts nor ends inside a letter/digit run of d, then
// QueryTokens(q) occurs in Tokenize(d) at consecutive positions, so an FTS5
// phrase query (or a PostgreSQL `<->` chain) of QueryTokens(q) finds d.
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
  // True if the token shares the position of the token emitted before it
  // (FTS5_TOKEN_COLOCATED); the first token is never colocated.
  bool colocated = false;
};

// Document side. Calls `emit` for each token in text order: `begin` never
// decreases. Bytes that are not valid UTF-8 are separators. Never fails.
void Tokenize(std::string_view normalized, const std::function<void(const Token&)>& emit);

// Query side: the tokens a document must hold at consecutive positions to
// contain `normalized_term`. Each CJK run contributes its bigrams in order,
// followed by the marker unigram of its last character unless the run has
// two or more characters and ends the term ("扶贫资金" → 扶贫 贫资 资金;
// "年" → "\x01年"; "2024年" → "2024" "\x01年"; "资金2024" → 资金 "\x01金"
// "2024"). Empty if the term holds no letters, digits or ideographs.
std::vector<std::string> QueryTokens(std::string_view normalized_term);

// FTS5 query mode (FTS5_TOKENIZE_QUERY): the text inside one quoted phrase
// of a MATCH string built by ToFts5Match (query.h) is QueryTokens joined by
// single spaces. Emits each space-separated piece verbatim as one token, not
// colocated. The FTS5 adapter must use this, not Tokenize, for queries.
void TokenizeMatchPhrase(std::string_view phrase, const std::function<void(const Token&)>& emit);

}  // namespace gongkai::search
