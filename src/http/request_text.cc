#include "http/request_text.h"

#include <fmt/core.h>

#include "core/utf8.h"

namespace gongkai {

bool IsValidUtf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    const std::size_t n = DecodeUtf8(s, i, cp);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

namespace {

// A parameter's name as shown in a message: itself when it is valid and
// short, else a placeholder (the message must itself be valid UTF-8).
std::string Shown(const std::string& name) {
  if (IsValidUtf8(name) && !name.empty() && name.size() <= 64) return name;
  return "（名称无效）";
}

}  // namespace

std::optional<std::string> InvalidUtf8Part(const httplib::Request& req) {
  if (!IsValidUtf8(req.path)) return std::string("路径");
  for (const auto& [name, value] : req.params) {
    if (!IsValidUtf8(name) || !IsValidUtf8(value)) return fmt::format("参数{}", Shown(name));
  }
  for (const auto& [name, file] : req.files) {
    if (!IsValidUtf8(name) || !IsValidUtf8(file.name) || !IsValidUtf8(file.filename) ||
        (file.filename.empty() && !IsValidUtf8(file.content)))
      return fmt::format("表单字段{}", Shown(file.name));
  }
  return std::nullopt;
}

}  // namespace gongkai
