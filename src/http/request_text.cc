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

std::string FieldName(const std::string& name) {
  return IsValidUtf8(name) && !name.empty() && name.size() <= 64 ? name : std::string();
}

// What is wrong with `s`, or "" when nothing is.
std::string Problem(std::string_view s) {
  if (!IsValidUtf8(s)) return "不是有效的UTF-8文本";
  if (s.find('\0') != std::string_view::npos) return "含有空字符（U+0000）";
  return {};
}

}  // namespace

std::optional<TextProblem> BadTextPart(const httplib::Request& req) {
  if (auto what = Problem(req.path); !what.empty()) return TextProblem{"路径", "", what};
  for (const auto& [name, value] : req.params) {
    std::string what = Problem(name);
    if (what.empty()) what = Problem(value);
    if (!what.empty()) return TextProblem{fmt::format("参数{}", Shown(name)), FieldName(name), what};
  }
  for (const auto& [name, file] : req.files) {
    std::string what = Problem(name);
    if (what.empty()) what = Problem(file.name);
    if (what.empty()) what = Problem(file.filename);
    if (what.empty() && file.filename.empty()) what = Problem(file.content);
    if (!what.empty()) return TextProblem{fmt::format("表单字段{}", Shown(file.name)), FieldName(file.name), what};
  }
  return std::nullopt;
}

}  // namespace gongkai
