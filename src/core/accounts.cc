#include "core/accounts.h"

#include <fmt/core.h>

namespace gongkai {

Status ValidateUsername(std::string_view u) {
  if (u.size() < 3 || u.size() > 64)
    return Unexpected(Error::Invalid("用户名长度应为3到64个字符", "username"));
  for (char c : u) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-';
    if (!ok) return Unexpected(Error::Invalid("用户名只能包含英文字母、数字和 . _ -", "username"));
  }
  return Ok();
}

}  // namespace gongkai
