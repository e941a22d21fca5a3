#include "core/error.h"

#include <fmt/core.h>

namespace gongkai {

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidInput: return "invalid_input";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kConflict: return "conflict";
    case ErrorCode::kForbidden: return "forbidden";
    case ErrorCode::kUnauthenticated: return "unauthenticated";
    case ErrorCode::kStorage: return "storage_error";
    case ErrorCode::kInternal: return "internal_error";
  }
  return "internal_error";
}

std::string Error::Describe() const {
  std::string where;
  if (line > 0) where += fmt::format("第{}行", line);
  if (!field.empty()) where += fmt::format("{}字段“{}”", where.empty() ? "" : " ", field);
  if (where.empty()) return message;
  return where + "：" + message;
}

}  // namespace gongkai
