// Helpers for strict reading of JSON documents from outside: every error
// names the path of the offending value. Never throws.
#pragma once

#include <nlohmann/json.hpp>
#include <initializer_list>
#include <string>
#include <string_view>

#include "core/error.h"

namespace gongkai::json_util {

// Parses `text`; on a syntax error the Error names the line and column.
[[nodiscard]] Result<nlohmann::json> Parse(std::string_view text);

// Fails if `obj` is not an object or has a key outside `allowed`.
[[nodiscard]] Status CheckKeys(const nlohmann::json& obj, const std::string& path,
                               std::initializer_list<std::string_view> allowed);

[[nodiscard]] Result<std::string> GetString(const nlohmann::json& obj, const std::string& path,
                                            std::string_view key, bool required = true);
[[nodiscard]] Result<long long> GetInt(const nlohmann::json& obj, const std::string& path,
                                       std::string_view key, bool required = true,
                                       long long fallback = 0);
[[nodiscard]] Result<bool> GetBool(const nlohmann::json& obj, const std::string& path,
                                   std::string_view key, bool required = true, bool fallback = false);
// An array member; a missing optional key yields an empty array.
[[nodiscard]] Result<const nlohmann::json*> GetArray(const nlohmann::json& obj, const std::string& path,
                                                     std::string_view key, bool required = true);
[[nodiscard]] Result<std::vector<std::string>> GetStringArray(const nlohmann::json& obj,
                                                              const std::string& path,
                                                              std::string_view key,
                                                              bool required = true);

// "a.b" / "a[3]" path building.
inline std::string Join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}
inline std::string Index(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

// True if `s` is valid UTF-8.
bool IsValidUtf8(std::string_view s);

}  // namespace gongkai::json_util
