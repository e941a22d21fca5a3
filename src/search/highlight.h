// Snippets with highlighted matches, made on the ORIGINAL text (FTS5's own
// snippet() can cut a highlight inside a bigram and would show normalised
// text). HTML-escaped; matches wrapped in <mark>.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gongkai::search {

// The part of `original` (at most `max_chars` characters) around the first
// match of any of `normalized_terms` (already normalised with
// NormalizeForSearch), with every match in it marked. Without a match: the
// beginning of the text. Never cuts a character or a highlight in two.
std::string Snippet(std::string_view original, const std::vector<std::string>& normalized_terms,
                    std::size_t max_chars = 120);

// The whole of `original` with every match marked (for titles).
std::string Highlight(std::string_view original, const std::vector<std::string>& normalized_terms);

}  // namespace gongkai::search
