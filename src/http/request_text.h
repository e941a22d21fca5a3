// Checks that what a request carries as text is UTF-8. Handlers, templates
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

// The first part of `req` that is not valid UTF-8, as the name an error
// message shows ("路径", "参数q", …); nullopt when all are valid. Looks at
// the path, every query or form parameter (name and value), and every
// multipart part's name, file name, and content when it is a text field
// (no file name). File contents are not text and are not looked at.
std::optional<std::string> InvalidUtf8Part(const httplib::Request& req);

}  // namespace gongkai
