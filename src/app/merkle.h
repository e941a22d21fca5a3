// The Merkle hash tree of RFC 6962 section 2.1 / RFC 9162 section 2.1
// (SHA-256, 0x00 leaf prefix, 0x01 node prefix), independent of storage.
//
// The tree of a ledger only grows. Its nodes are addressed as complete,
// aligned subtrees: (level L, index i) covers leaves [i << L, (i + 1) << L);
// level 0 holds the leaf hashes. A node, once complete, never changes, so a
// store keeps exactly the nodes AppendNodes returns and the functions here
// read them back through a NodeReader. The root of a tree whose size is not
// a power of two, and proof elements that cover the incomplete right edge,
// are combined on the fly from the complete subtrees they consist of, so
// every query costs O(log n) reads.
//
// All functions are pure apart from the reads they make through `read`, and
// thread-safe if the reader is. libsodium supplies SHA-256; if it cannot be
// initialised the process aborts (as in app/crypto.h).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"

namespace gongkai::merkle {

using Hash = std::array<std::uint8_t, 32>;

// SHA-256(0x00 || data): the hash of one leaf (RFC 6962 MTH({d})).
[[nodiscard]] Hash LeafHash(std::string_view data);
// SHA-256(0x01 || left || right): the hash of an interior node.
[[nodiscard]] Hash NodeHash(const Hash& left, const Hash& right);
// SHA-256 of the empty string: the root of the tree with no leaves.
[[nodiscard]] Hash EmptyRoot();

// 64 lowercase hex digits.
[[nodiscard]] std::string ToHex(const Hash& h);
// The hash written as exactly 64 hex digits (either case); nullopt otherwise.
[[nodiscard]] std::optional<Hash> FromHex(std::string_view hex);
// Standard base64 (RFC 4648 section 4) with padding: 44 characters.
[[nodiscard]] std::string ToBase64(const Hash& h);
// The hash written in canonical standard base64 with padding (exactly what
// ToBase64 produces, so one hash has one spelling); nullopt otherwise.
[[nodiscard]] std::optional<Hash> FromBase64(std::string_view b64);

// Standard base64 with padding of any bytes, and its canonical inverse
// (nullopt for anything Base64Encode would not have produced). Shared with
// the checkpoint code, which encodes keys and signatures the same way.
[[nodiscard]] std::string Base64Encode(std::span<const std::uint8_t> bytes);
[[nodiscard]] std::optional<std::vector<std::uint8_t>> Base64Decode(std::string_view b64);

// A complete aligned subtree: level L, index i covers leaves
// [i << L, (i + 1) << L). Level 0 = leaf hashes.
struct Node {
  int level = 0;
  std::uint64_t index = 0;
  Hash hash{};

  friend bool operator==(const Node&, const Node&) = default;
};

// Reads the hash of a complete subtree that already exists in the caller's
// storage. A node that is not there should be reported as an Error (any
// code); errors propagate unchanged out of the functions below.
using NodeReader = std::function<Result<Hash>(int level, std::uint64_t index)>;

// The nodes that become complete when the leaf with hash `leaf` is appended
// at position `index` (the tree had `index` leaves before): level 0 first,
// then each higher level completed by it, so the last one is the largest.
// Reads only existing nodes (the left siblings) through `read`: one read per
// trailing 1-bit of `index`. Error::Invalid if the tree is full (index is
// 2^64 - 1).
[[nodiscard]] Result<std::vector<Node>> AppendNodes(std::uint64_t index, const Hash& leaf, const NodeReader& read);

// MTH of the first `size` leaves (EmptyRoot() for 0), from complete
// subtrees only: one read per 1-bit of `size`.
[[nodiscard]] Result<Hash> Root(std::uint64_t size, const NodeReader& read);

// The complete subtrees a tree of `size` leaves consists of, as (level,
// index), largest first: one per 1-bit of `size`. They are exactly the
// nodes Root(size) reads, and AppendNodes(size, ...) reads a subset of them;
// after the append, the new frontier is made of them and of the nodes
// AppendNodes returned.
[[nodiscard]] std::vector<std::pair<int, std::uint64_t>> Frontier(std::uint64_t size);

// RFC 9162 2.1.3 inclusion proof (audit path) for the leaf at `index` in
// the tree of `size` leaves, ordered from the leaf's sibling upwards.
// O(log n) reads: a proof element that covers an incomplete right edge is
// combined from the complete subtrees it consists of. Error::Invalid if
// size is 0 or index >= size.
[[nodiscard]] Result<std::vector<Hash>> InclusionProof(std::uint64_t index, std::uint64_t size, const NodeReader& read);

// RFC 9162 2.1.4 consistency proof between the trees of old_size and
// new_size leaves. Empty when old_size is 0 or equals new_size (there is
// nothing to prove). O(log n) reads. Error::Invalid if old_size > new_size.
[[nodiscard]] Result<std::vector<Hash>> ConsistencyProof(std::uint64_t old_size, std::uint64_t new_size,
                                                         const NodeReader& read);

// RFC 9162 2.1.3.2: true iff `proof` shows that the leaf with hash
// `leaf_hash` sits at `index` in the tree of `size` leaves whose root is
// `root`. False (never an error) for index >= size or a proof of the wrong
// length.
[[nodiscard]] bool VerifyInclusion(const Hash& leaf_hash, std::uint64_t index, std::uint64_t size,
                                   std::span<const Hash> proof, const Hash& root);

// RFC 9162 2.1.4.2: true iff `proof` shows that the tree of old_size leaves
// with root old_root is a prefix of the tree of new_size leaves with root
// new_root. Edge cases the RFC leaves open: old_size == new_size needs an
// empty proof and equal roots; old_size == 0 needs an empty proof and
// old_root == EmptyRoot() (new_root is then unconstrained); old_size >
// new_size is false.
[[nodiscard]] bool VerifyConsistency(std::uint64_t old_size, std::uint64_t new_size, const Hash& old_root,
                                     const Hash& new_root, std::span<const Hash> proof);

// Reference MTH over an in-memory list of leaf hashes, straight from the
// RFC 6962 section 2.1 definition (recursive split at the largest power of
// two smaller than n). O(n) hashes; EmptyRoot() for no leaves.
[[nodiscard]] Hash RootOfLeaves(std::span<const Hash> leaves);

// An in-memory node store: every complete node, one vector per level. For
// tests, benchmarks and offline verification of an exported ledger. About
// 64 bytes per leaf. Not thread-safe for appends; concurrent reads are fine.
class MemoryTree {
 public:
  // Appends the leaf whose content is `leaf_data` (hashed with LeafHash).
  // Error::Invalid only if the tree already has 2^64 - 1 leaves.
  [[nodiscard]] Status Append(std::string_view leaf_data);
  // Appends a leaf by its hash. A full tree (2^64 - 1 leaves, unreachable in
  // memory) is left unchanged.
  void AppendHash(const Hash& leaf);

  std::uint64_t size() const { return size_; }

  // Reads this tree's complete nodes; Error::Internal naming the node for
  // one that does not exist (yet). The reader refers to this tree: it must
  // not outlive it, nor be used while another thread appends.
  NodeReader reader() const;

  // The node (level, index) if it is complete, else nullopt.
  std::optional<Hash> node(int level, std::uint64_t index) const;

  // The current root (EmptyRoot() when empty).
  Hash Root() const;
  // The root of the first `size` leaves; Error::Invalid if size > size().
  [[nodiscard]] Result<Hash> RootAt(std::uint64_t size) const;

 private:
  std::vector<std::vector<Hash>> levels_;
  std::uint64_t size_ = 0;
};

}  // namespace gongkai::merkle
