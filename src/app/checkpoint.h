// Signed tree heads of the publication ledger, in the formats of the C2SP
// transparency-log ecosystem, so that any tool that reads those can check
// ours:
//
//   * c2sp.org/signed-note: a note is a text ending in "\n", a blank line,
//     and one or more signature lines "— <key name> <base64(key ID ||
//     signature)>\n" (em dash U+2014). Ed25519 signatures (type 0x01) over
//     the text including its final newline. The 4-byte key ID is
//     SHA-256(key name || "\n" || 0x01 || 32-byte public key)[:4]. A
//     verifier key is "<name>+<8 lowercase hex key ID>+<base64(0x01 ||
//     public key)>".
//
//   * c2sp.org/tlog-checkpoint: the note text is the origin line, the tree
//     size in decimal (no leading zeros), the base64 root hash (RFC 6962
//     Merkle tree, see app/merkle.h), then extension lines.
//
// Our checkpoints carry exactly one extension line, "time <seconds>": when
// the ledger signed the head, in seconds since 1970-01-01T00:00:00Z,
// decimal, no leading zeros, >= 0. It lets a reader see how fresh a head is
// and date a split view. Example (fuzz/corpus/checkpoint/signed.txt):
//
// clang-format off
//   gongkai.example.gov.cn/ledger
//   1234
//   y8p1h/dbQ3Z+kKyAFki4KlNkhznmGkiH1zLcNuD0wnI=
//   time 1763604000
//
//   — gongkai.example.gov.cn/ledger BultyC870JJKlrzBKhPfX2OAemYrXPK6WkxHTuCJYm7kPjhAOm4eNaQwHLil8WxtvzJT0p+833H3Nw2sNSm/OBS1igM=
// clang-format on
//
// Key rotation: a new key gets a new key ID even under the same name, so
// verifiers simply list every key whose checkpoints they still accept,
// [old, new]; notes may carry signatures of both during the change-over.
//
// Every function is thread-safe. libsodium supplies SHA-256 and Ed25519; if
// it cannot be initialised the process aborts (as in app/crypto.h).
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "app/merkle.h"
#include "core/error.h"

namespace gongkai::ledger {

// What a checkpoint asserts: the ledger named `origin` had `size` entries
// with Merkle root `root` at `time` (Unix seconds).
struct TreeHead {
  std::string origin;
  std::uint64_t size = 0;
  merkle::Hash root{};
  std::int64_t time = 0;

  friend bool operator==(const TreeHead&, const TreeHead&) = default;
};

// An Ed25519 key pair in libsodium's layout: `secret` is seed || public key.
// Keep it out of logs; SaveKey/LoadKey are the only ways in and out of files.
struct SigningKey {
  std::string name;
  std::array<std::uint8_t, 64> secret{};
  std::array<std::uint8_t, 32> public_key{};
};

// A parsed verifier key (the public half, as published).
struct Verifier {
  std::string name;
  std::uint32_t key_id = 0;
  std::array<std::uint8_t, 32> public_key{};
};

// Upper bounds on what VerifyTreeHead/OpenNote read: a note of at most
// 64 KiB with at most 100 signature lines (the C2SP spec asks verifiers to
// accept at least 16; Go's reference implementation stops at 100).
inline constexpr std::size_t kMaxNoteBytes = 64 * 1024;
inline constexpr std::size_t kMaxSignatures = 100;

// A key name: non-empty valid UTF-8 with no '+', no control characters and
// no Unicode space (ASCII space, U+00A0, U+3000 ...). Error::Invalid naming
// field "name" otherwise. It is RECOMMENDED (signed-note) to use a
// schema-less URL such as "gongkai.example.gov.cn/ledger" — the same text as
// the checkpoints' origin.
[[nodiscard]] Status CheckKeyName(std::string_view name);

// SHA-256(name || "\n" || 0x01 || public_key)[:4], big-endian.
[[nodiscard]] std::uint32_t KeyId(std::string_view name, const std::array<std::uint8_t, 32>& public_key);

// A fresh key pair from the OS's CSPRNG. Error::Invalid for a bad name (see
// CheckKeyName).
[[nodiscard]] Result<SigningKey> GenerateKey(std::string_view name);

// The key pair derived from a 32-byte Ed25519 seed (RFC 8032 private key);
// for tests and for importing keys. Error::Invalid for a bad name.
[[nodiscard]] Result<SigningKey> KeyFromSeed(std::string_view name, std::span<const std::uint8_t, 32> seed);

// The public form "<name>+<8 hex key id>+<base64(0x01 || public key)>",
// safe to publish.
[[nodiscard]] std::string VerifierKey(const SigningKey& key);
[[nodiscard]] std::string VerifierKey(const Verifier& verifier);

// Parses a verifier key. Error::Invalid (field "verifier_key") saying what
// is wrong: not three '+'-separated parts, bad name, key ID not 8 lowercase
// hex digits, bad base64, not an Ed25519 key (type byte 0x01 + 32 bytes),
// or a key ID that does not match the name and key.
[[nodiscard]] Result<Verifier> ParseVerifierKey(std::string_view text);

// Key files. A small UTF-8 text file, "\n" line ends:
//
//   gongkai-ledger-key v1
//   name <key name>
//   seed <base64 of the 32-byte Ed25519 seed>
//   verifier <the verifier key, for reference; checked on load>
//
// SaveKey writes it with mode 0600, atomically (a temporary file in the same
// directory, fsync, then a rename that never replaces anything), and
// refuses to overwrite an existing file (Error::Conflict). Error::Invalid
// for an inconsistent key (bad name, public key not matching the secret),
// Error::Storage if the file cannot be written.
[[nodiscard]] Status SaveKey(const std::filesystem::path& path, const SigningKey& key);

// Reads a key file written by SaveKey. Error::NotFound if it does not exist;
// Error::Invalid if anyone but the owner may access it (group/other
// permission bits set: the message says to run chmod 600), if it is not a
// regular file, or if it is malformed (the message and Error::line name the
// line: wrong header, bad name, bad seed, verifier line not matching the
// seed, extra lines); Error::Storage if it cannot be read.
[[nodiscard]] Result<SigningKey> LoadKey(const std::filesystem::path& path);

// A head is signable if its origin is non-empty valid UTF-8 without control
// characters and its time is >= 0. Error::Invalid naming the field otherwise.
[[nodiscard]] Status CheckTreeHead(const TreeHead& head);

// The checkpoint text (note body) of `head`: four lines, each ending "\n".
// Meaningful only for a head that passes CheckTreeHead.
[[nodiscard]] std::string FormatTreeHead(const TreeHead& head);

// The full signed note: FormatTreeHead(head), a blank line, and one
// signature line by `key`. Empty if `head` fails CheckTreeHead or `key` is
// inconsistent (bad name, or public_key not the one in secret): callers that
// take heads from outside input check with CheckTreeHead first.
[[nodiscard]] std::string SignTreeHead(const TreeHead& head, const SigningKey& key);

// Verifies the note against any of the verifier keys (several = key
// rotation: old checkpoints stay verifiable with the old public key) and
// returns the head it carries. Per c2sp.org/signed-note, signatures by keys
// not in the list are ignored; a signature by a listed key (same name and
// key ID) must verify, else the whole note is rejected; at least one must
// verify. Error::Invalid otherwise, whose message says exactly what failed
// (too large, invalid UTF-8 or control character at line N, no blank line
// before the signatures, malformed signature line N, no signature by a
// known key (naming the signers found), bad signature on line N, malformed
// body line N, a malformed verifier key) and whose `line` is the 1-based
// line of the note at fault, where there is one.
[[nodiscard]] Result<TreeHead> VerifyTreeHead(std::string_view note, std::span<const std::string> verifier_keys);

// The head in a checkpoint without checking any signature (for display
// only: never trust what it returns). Accepts a full note (the text before
// its last blank line is parsed; the signature lines are ignored) or the
// body alone. Error::Invalid naming the line for a malformed body: it must
// be exactly the four lines above.
[[nodiscard]] Result<TreeHead> ParseTreeHead(std::string_view note);

// The generic signed-note operations beneath the two above, usable for
// other note texts (and to check interoperability with other
// implementations). SignNote: Error::Invalid if `text` is empty, does not
// end in "\n", contains a blank line, invalid UTF-8 or a control character,
// or the key is inconsistent. OpenNote: VerifyTreeHead without the body
// parsing; returns the verified text (ending in "\n").
[[nodiscard]] Result<std::string> SignNote(std::string_view text, const SigningKey& key);
[[nodiscard]] Result<std::string> OpenNote(std::string_view note, std::span<const std::string> verifier_keys);

}  // namespace gongkai::ledger
