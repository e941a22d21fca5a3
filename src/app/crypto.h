// Cryptography for accounts and sessions, as thin wrappers over libsodium:
// password hashing (Argon2id), password rules, random tokens, SHA-256 and
// constant-time comparison. libsodium is initialised on first use; every
// function is thread-safe.
//
// If libsodium cannot be initialised (no secure random source) the process
// has no business handing out tokens: functions that cannot report an error
// abort() in that case; HashPassword returns Error::Internal.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/error.h"

namespace gongkai {

// An Argon2id hash of `password` in the self-describing PHC string form
// ("$argon2id$v=19$m=65536,t=2,p=1$salt$hash"), with a fresh random salt
// and libsodium's INTERACTIVE limits (about 64 MiB of memory). Any bytes
// are accepted; check CheckPasswordStrength first. Error::Internal if
// memory runs out.
[[nodiscard]] Result<std::string> HashPassword(std::string_view password);

// True iff `hash` (an output of HashPassword, or any libsodium
// crypto_pwhash_str string) matches `password`. False for a malformed or
// truncated hash; never an error.
[[nodiscard]] bool VerifyPassword(std::string_view hash, std::string_view password);

// The rules for a new password: at least 10 characters (Unicode code
// points, so "信息公开" counts 4), not one character repeated, not digits
// only, valid UTF-8. On failure Error::Invalid with a Simplified Chinese
// message naming `field`: "新密码至少需要10个字符…" for the Chinese label
// "新密码", "密码（new_password）至少…" for an identifier, "密码至少…" for
// an empty field; Error::field is `field`. The password itself is never
// quoted in the message.
[[nodiscard]] Status CheckPasswordStrength(std::string_view password, std::string_view field);

// `bytes` random bytes from the operating system's CSPRNG, encoded as
// URL-safe base64 without padding (alphabet A-Z a-z 0-9 - _): 4*bytes/3
// characters rounded up, 43 for the default 32 bytes. Empty for 0 bytes.
[[nodiscard]] std::string RandomToken(std::size_t bytes = 32);

// SHA-256 of `data` as 64 lowercase hex digits.
[[nodiscard]] std::string Sha256Hex(std::string_view data);

// a == b, in time that depends only on the length (lengths are not
// secret: different lengths return false at once).
[[nodiscard]] bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace gongkai
