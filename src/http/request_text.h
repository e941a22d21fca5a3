// Checks that what a request carries as text is UTF-8 without NULs. Handlers, templates
// and JSON all assume it (nlohmann::json throws when it dumps invalid
// text), so the server refuses such a request before routing, naming the
// part that is wrong.
#pragma once

#include <httplib.h>

#include <optional>
#include <string>
#include <string_view>

namespace gongkai {

// True when `s` is well-formed UTF-8 (core/utf8.h's strict decoding).
bool IsValidUtf8(std::string_view s);

// What is wrong with a part of a request's text.
struct TextProblem {
  std::string part;   // as a message shows it: "路径", "参数q", "表单字段title"
  std::string field;  // the parameter or field name ("q"), "" for the path or a name that is itself invalid
  std::string what;   // "不是有效的UTF-8文本" or "含有空字符（U+0000）"
};

// The first part of `req` that is not valid UTF-8, or that holds a NUL
// character (no text field has a use for one, and HTML cannot show it);
// nullopt when all are fine. Looks at the path, every query or form
// parameter (name and value), and every multipart part's name, file name,
// and content when it is a text field (no file name). File contents are not
// text and are not looked at.
std::optional<TextProblem> BadTextPart(const httplib::Request& req);

}  // namespace gongkai
