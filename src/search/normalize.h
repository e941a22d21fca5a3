// Text normalisation shared by the search index and the query parser.
// Documents and queries must pass through the same function so that a
// query matches a document whenever the normalised query is a substring of
// the normalised document.
#pragma once

#include <string>
#include <string_view>

namespace gongkai::search {

// Returns `text` as UTF-8 after, in order:
//   1. Unicode NFKC: full-width letters, digits and punctuation become ASCII
//      ("ＧＢ／Ｔ" → "GB/T"), U+3000 becomes a space, compatibility forms
//      are decomposed ("㈱" → "(株)").
//   2. Traditional → Simplified Chinese folding, one code point at a time
//      ("國有土地出讓" → "国有土地出让"). The mapping is OpenCC's t2s
//      character table (ICU's "Traditional-Simplified" rules if OpenCC's data
//      cannot be loaded), applied without phrase context, so that folding a
//      substring gives a substring of the folded whole. Some characters fold
//      onto a homograph (乾隆 → 干隆); documents and queries fold alike.
//   3. Case folding to lower case (root locale).
// Invalid UTF-8 sequences become U+FFFD; the function never fails.
// Thread-safe. The first call builds the folding table and a per-character
// classification for the fast path (about 0.1 s).
std::string NormalizeForSearch(std::string_view text);

// Identifies the normalisation, e.g. "nfkc+t2s(opencc)+lower/1". An index
// built with one value must be rebuilt when the value changes (for example
// when OpenCC's data is missing and the ICU fallback is in use). Thread-safe.
std::string_view SearchNormalizerVersion();

namespace detail {

// The reference implementation of NormalizeForSearch: the whole text through
// ICU (UTF-16, NFKC, folding, lower-casing). NormalizeForSearch takes a
// byte-identical fast path for most characters (see normalize.cc); this one is
// kept for differential tests and fuzzing. Thread-safe.
std::string NormalizeForSearchSlow(std::string_view text);

}  // namespace detail

}  // namespace gongkai::search
