// The publication ledger's stored data: an append-only Merkle tree (RFC
// 6962/9162) whose leaves are the site's publication events, in order.
// Plain data; the hashing, proofs and signatures are in app/merkle.h and
// app/checkpoint.h, the sequencing in app/ledger_actions.h.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace gongkai {

using Digest = std::array<std::uint8_t, 32>;  // a SHA-256 value

// One leaf: the canonical JSON text of a publication event (see
// app/ledger_actions.h for its fields) and its leaf hash SHA-256(0x00 || data).
struct LedgerLeaf {
  std::int64_t site_id = 0;
  std::uint64_t index = 0;  // 0-based position in the site's ledger
  std::int64_t event_seq = 0;
  std::int64_t record_id = 0;
  int version = 0;
  std::string data;
  Digest hash{};
};

// The hash of a complete subtree: level L, index i covers leaves
// [i << L, (i + 1) << L).
struct LedgerNode {
  int level = 0;
  std::uint64_t index = 0;
  Digest hash{};
};

// A signed tree head (checkpoint): the C2SP signed-note text and what it says.
struct SignedTreeHead {
  std::uint64_t size = 0;
  std::int64_t time = 0;  // Unix seconds
  Digest root{};
  std::string note;
};

// A public key the site signs (or signed) tree heads with.
struct LedgerKeyInfo {
  std::string verifier_key;  // "<name>+<key id hex>+<base64>"
  std::string created_at;    // ISO 8601 UTC
  std::string retired_at;    // "" while current
};

}  // namespace gongkai
