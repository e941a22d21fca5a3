#include "codec/json_util.h"

#include <fmt/core.h>

#include <algorithm>

namespace gongkai::json_util {

using nlohmann::json;

bool IsValidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t n;
    unsigned cp;
    if (c < 0x80) { ++i; continue; }
    if ((c >> 5) == 0x6) { n = 1; cp = c & 0x1F; }
    else if ((c >> 4) == 0xE) { n = 2; cp = c & 0x0F; }
    else if ((c >> 3) == 0x1E) { n = 3; cp = c & 0x07; }
    else return false;
    if (i + n >= s.size()) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc >> 6) != 0x2) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += n + 1;
  }
  return true;
}

Result<json> Parse(std::string_view text) {
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  if (!IsValidUtf8(text)) return Unexpected(Error::Invalid("文件不是有效的UTF-8编码"));
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    std::size_t byte = std::min<std::size_t>(e.byte > 0 ? e.byte - 1 : 0, text.size());
    int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(byte), '\n'));
    return Unexpected(Error::Invalid(fmt::format("JSON格式错误（第{}字节附近）", e.byte), "", line));
  } catch (const std::exception&) {
    return Unexpected(Error::Invalid("JSON格式错误"));
  }
}

Status CheckKeys(const json& obj, const std::string& path, std::initializer_list<std::string_view> allowed) {
  if (!obj.is_object())
    return Unexpected(Error::Invalid("应为JSON对象", path.empty() ? "(根)" : path));
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (std::find(allowed.begin(), allowed.end(), it.key()) == allowed.end())
      return Unexpected(Error::Invalid(fmt::format("未知字段“{}”", it.key()), Join(path, it.key())));
  }
  return Ok();
}

namespace {

Result<const json*> Member(const json& obj, const std::string& path, std::string_view key, bool required) {
  auto it = obj.find(key);
  if (it == obj.end()) {
    if (required) return Unexpected(Error::Invalid("缺少必填字段", Join(path, key)));
    return nullptr;
  }
  return &*it;
}

}  // namespace

Result<std::string> GetString(const json& obj, const std::string& path, std::string_view key, bool required) {
  auto m = Member(obj, path, key, required);
  if (!m) return Unexpected(m.error());
  if (!*m) return std::string();
  if (!(*m)->is_string()) return Unexpected(Error::Invalid("应为字符串", Join(path, key)));
  return (*m)->get<std::string>();
}

Result<long long> GetInt(const json& obj, const std::string& path, std::string_view key, bool required,
                         long long fallback) {
  auto m = Member(obj, path, key, required);
  if (!m) return Unexpected(m.error());
  if (!*m) return fallback;
  if (!(*m)->is_number_integer()) return Unexpected(Error::Invalid("应为整数", Join(path, key)));
  return (*m)->get<long long>();
}

Result<bool> GetBool(const json& obj, const std::string& path, std::string_view key, bool required,
                     bool fallback) {
  auto m = Member(obj, path, key, required);
  if (!m) return Unexpected(m.error());
  if (!*m) return fallback;
  if (!(*m)->is_boolean()) return Unexpected(Error::Invalid("应为true或false", Join(path, key)));
  return (*m)->get<bool>();
}

Result<const json*> GetArray(const json& obj, const std::string& path, std::string_view key, bool required) {
  static const json kEmpty = json::array();
  auto m = Member(obj, path, key, required);
  if (!m) return Unexpected(m.error());
  if (!*m) return &kEmpty;
  if (!(*m)->is_array()) return Unexpected(Error::Invalid("应为数组", Join(path, key)));
  return *m;
}

Result<std::vector<std::string>> GetStringArray(const json& obj, const std::string& path, std::string_view key,
                                                bool required) {
  auto arr = GetArray(obj, path, key, required);
  if (!arr) return Unexpected(arr.error());
  std::vector<std::string> out;
  std::size_t i = 0;
  for (const auto& v : **arr) {
    if (!v.is_string()) return Unexpected(Error::Invalid("应为字符串", Index(Join(path, key), i)));
    out.push_back(v.get<std::string>());
    ++i;
  }
  return out;
}

}  // namespace gongkai::json_util
