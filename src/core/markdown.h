// Renderer of disclosure record bodies: a small, safe subset of Markdown to
// HTML. Raw HTML is never passed through; everything that is not one of the
// constructs below is shown as text. Pure and thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace gongkai {

// The HTML for `text`, to be placed inside the record page (which has the
// <h1>). Never fails; empty or blank input gives "".
//
// Input: bytes that are not valid UTF-8 become U+FFFD, as do control
// characters other than tab and newline; "\r\n" and "\r" become "\n".
//
// Blocks, one per line (leading spaces and tabs are ignored; nesting is not
// supported, an indented item is one more item of the same list):
//  * "# x", "## x" -> <h2>x</h2>; "### x" -> <h3>x</h3> (x not empty).
//  * "- x" or "* x" -> <li>x</li> inside <ul>; "1. x" (1-9 digits, a dot
//    and a space; the number itself is ignored) -> <li>x</li> inside <ol>.
//    Consecutive items of the same kind form one list.
//  * Any other non-blank line is paragraph text. Consecutive text lines form
//    one <p>, joined with <br>. Blank lines, headings and list items end a
//    paragraph; a text line or a blank line ends a list.
//
// Inline, within one line (not nested inside each other):
//  * **x** -> <strong>x</strong> (x not empty).
//  * [x](url) -> <a href="url" rel="noopener">x</a> when x is not empty and
//    has no '[' or ']', and url (spaces around it trimmed) starts with
//    "http://" or "https://" (any case) or "/", has no whitespace or control
//    character, no ')' and no "javascript:" (any case). Any other link,
//    "javascript:", "data:" or "vbscript:" included, stays text.
//
// Every & < > " ' of the input is escaped (&amp; &lt; &gt; &quot; &#39;)
// wherever it appears, in text, link text and href alike, so the output
// holds no tags but <h2> <h3> <p> <br> <ul> <ol> <li> <strong> <a>.
//
// Output shape: each block ends with "\n"; list items are on lines of their
// own: "<ul>\n<li>a</li>\n</ul>\n", "<p>a<br>\nb</p>\n".
// Work and output size are linear in the input; no recursion.
[[nodiscard]] std::string RenderBody(std::string_view text);

}  // namespace gongkai
