#include "app/crypto.h"

#include "core/utf8.h"

#include <fmt/core.h>
#include <sodium.h>

#include <cstdlib>

namespace gongkai {
namespace {

// sodium_init() exactly once (C++ guarantees thread-safe initialisation of
// function-local statics). True if libsodium is usable.
bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

void RequireSodium() {
  if (!SodiumReady()) std::abort();
}

// Number of code points in valid UTF-8 `s`, or -1 if `s` is not valid UTF-8.
long CountCodePoints(std::string_view s) {
  long count = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    char32_t cp = 0;
    const std::size_t len = DecodeUtf8(s, i, cp);
    if (len == 0) return -1;
    i += len;
    ++count;
  }
  return count;
}

// How a message names the input: a Chinese label ("新密码") is the subject
// itself; an ASCII identifier ("new_password") follows the generic noun in
// parentheses ("密码（new_password）"); no field gives the noun alone.
std::string FieldSubject(std::string_view noun, std::string_view field) {
  if (field.empty()) return std::string(noun);
  for (const char c : field) {
    if (static_cast<unsigned char>(c) >= 0x80) return std::string(field);
  }
  return fmt::format("{}（{}）", noun, field);
}

}  // namespace

Result<std::string> HashPassword(std::string_view password) {
  if (!SodiumReady()) return Unexpected(Error::Internal("密码加密组件初始化失败"));
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return Unexpected(Error::Internal("密码加密失败（内存不足）"));
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
  RequireSodium();
  // libsodium reads `hash` as a NUL-terminated string of at most
  // crypto_pwhash_STRBYTES bytes.
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES || hash.find('\0') != std::string_view::npos) {
    return false;
  }
  char buffer[crypto_pwhash_STRBYTES] = {};
  hash.copy(buffer, hash.size());
  return crypto_pwhash_str_verify(buffer, password.data(), password.size()) == 0;
}

Status CheckPasswordStrength(std::string_view password, std::string_view field) {
  const std::string label = FieldSubject("密码", field);
  const auto invalid = [&](std::string message) {
    return Unexpected(Error::Invalid(std::move(message), std::string(field)));
  };
  const long length = CountCodePoints(password);
  if (length < 0) return invalid(fmt::format("{}含有无效的字符（不是有效的UTF-8编码）", label));
  if (length < 10) return invalid(fmt::format("{}至少需要10个字符，当前只有{}个", label, length));
  // Valid UTF-8 with one character repeated is a repetition of its first
  // code point's bytes.
  const std::size_t first_len = password.size() / static_cast<std::size_t>(length);
  bool all_same = password.size() % static_cast<std::size_t>(length) == 0;
  for (std::size_t i = first_len; all_same && i < password.size(); i += first_len) {
    all_same = password.substr(i, first_len) == password.substr(0, first_len);
  }
  if (all_same) return invalid(fmt::format("{}不能由同一个字符重复组成", label));
  if (password.find_first_not_of("0123456789") == std::string_view::npos) {
    return invalid(fmt::format("{}不能全部是数字", label));
  }
  return Ok();
}

std::string RandomToken(std::size_t bytes) {
  RequireSodium();
  if (bytes == 0) return {};
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  const std::size_t encoded_len = sodium_base64_ENCODED_LEN(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  std::string out(encoded_len, '\0');  // includes the terminating NUL
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()), raw.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(raw.data(), raw.size());
  out.resize(encoded_len - 1);
  return out;
}

std::string Sha256Hex(std::string_view data) {
  RequireSodium();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex, crypto_hash_sha256_BYTES * 2);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  RequireSodium();
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace gongkai
