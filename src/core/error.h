// Errors as values: every fallible operation in gongkai returns Result<T>.
// An Error carries a machine-readable code, a message for the user in
// Simplified Chinese, and where known the field and line of outside input
// that caused it. Exceptions are used only at the edges (CLI11, httplib).
#pragma once

#include <string>
#include <utility>
#include <version>

#if defined(__cpp_lib_expected)
#include <expected>
#else
#include "core/expected_compat.h"
#endif

namespace gongkai {

enum class ErrorCode {
  kInvalidInput,   // outside input failed validation (names field/line)
  kNotFound,       // the thing asked for does not exist
  kConflict,       // the request contradicts stored state (duplicates, ...)
  kForbidden,      // the actor may not do this
  kUnauthenticated,
  kStorage,        // the database failed; nothing was changed
  kInternal,       // a bug: an invariant did not hold
};

// Stable English identifier used in API error bodies ("invalid_input", ...).
const char* ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;  // Simplified Chinese, shown to users as is
  std::string field;    // name of the offending field or column, may be empty
  int line = 0;         // 1-based line/row of outside input, 0 if not applicable

  static Error Invalid(std::string message, std::string field = {}, int line = 0) {
    return Error{ErrorCode::kInvalidInput, std::move(message), std::move(field), line};
  }
  static Error NotFound(std::string message) {
    return Error{ErrorCode::kNotFound, std::move(message), {}, 0};
  }
  static Error Conflict(std::string message, std::string field = {}) {
    return Error{ErrorCode::kConflict, std::move(message), std::move(field), 0};
  }
  static Error Storage(std::string message) {
    return Error{ErrorCode::kStorage, std::move(message), {}, 0};
  }
  static Error Internal(std::string message) {
    return Error{ErrorCode::kInternal, std::move(message), {}, 0};
  }

  // One line for logs and the CLI: "第3行 字段“title”：缺少标题".
  std::string Describe() const;
};

#if defined(__cpp_lib_expected)
template <typename T, typename E>
using Expected = std::expected<T, E>;
inline std::unexpected<Error> Unexpected(Error e) { return std::unexpected<Error>(std::move(e)); }
#else
template <typename T, typename E>
using Expected = compat::expected<T, E>;
inline compat::unexpected<Error> Unexpected(Error e) { return compat::unexpected<Error>(std::move(e)); }
#endif

// The result of every fallible operation: a T, or an Error.
template <typename T>
using Result = Expected<T, Error>;

// Result<void>.
using Status = Expected<void, Error>;
inline Status Ok() { return {}; }

}  // namespace gongkai

// Early return on error: GK_TRY(value, ExprReturningResult());
// declares `value` holding the result, or returns its Error from the caller.
#define GK_TRY(var, expr)                                \
  auto var##_result_ = (expr);                           \
  if (!var##_result_) return ::gongkai::Unexpected(std::move(var##_result_).error()); \
  auto var = std::move(*var##_result_)

// Early return for Status-returning expressions.
#define GK_CHECK(expr)                                   \
  do {                                                   \
    auto gk_status_ = (expr);                            \
    if (!gk_status_) return ::gongkai::Unexpected(std::move(gk_status_).error()); \
  } while (0)
