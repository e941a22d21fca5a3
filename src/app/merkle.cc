#include "app/merkle.h"

#include <fmt/core.h>
#include <sodium.h>

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstdlib>
#include <limits>

namespace gongkai::merkle {
namespace {

constexpr std::uint64_t kMaxSize = std::numeric_limits<std::uint64_t>::max();

void RequireSodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) std::abort();
}

Hash Sha256(std::uint8_t prefix, std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  RequireSodium();
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  crypto_hash_sha256_update(&state, &prefix, 1);
  if (!a.empty()) crypto_hash_sha256_update(&state, a.data(), a.size());
  if (!b.empty()) crypto_hash_sha256_update(&state, b.data(), b.size());
  Hash out;
  crypto_hash_sha256_final(&state, out.data());
  return out;
}

// The hash of leaves [begin, begin + count), count >= 1, where `begin` is a
// multiple of bit_ceil(count), as every subtree of the RFC 6962 tree is:
// the complete subtrees of the range, largest (leftmost) first, folded from
// the right. One read per 1-bit of `count`.
Result<Hash> RangeHash(std::uint64_t begin, std::uint64_t count, const NodeReader& read) {
  std::array<Hash, 64> parts;
  int n = 0;
  std::uint64_t at = begin;
  for (int level = 63; level >= 0; --level) {
    const std::uint64_t width = std::uint64_t{1} << level;
    if ((count & width) == 0) continue;
    GK_TRY(part, read(level, at >> level));
    parts[static_cast<std::size_t>(n++)] = part;
    at += width;
  }
  Hash root = parts[static_cast<std::size_t>(n - 1)];
  for (int i = n - 2; i >= 0; --i) root = NodeHash(parts[static_cast<std::size_t>(i)], root);
  return root;
}

// The largest power of two smaller than n (n >= 2): RFC 6962's split point k.
std::uint64_t Split(std::uint64_t n) { return std::bit_floor(n - 1); }

int Log2(std::uint64_t power_of_two) { return std::countr_zero(power_of_two); }

}  // namespace

Hash LeafHash(std::string_view data) {
  return Sha256(0x00, std::span(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()), {});
}

Hash NodeHash(const Hash& left, const Hash& right) { return Sha256(0x01, left, right); }

Hash EmptyRoot() {
  RequireSodium();
  Hash out;
  crypto_hash_sha256(out.data(), nullptr, 0);
  return out;
}

std::string ToHex(const Hash& h) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(64, '0');
  for (std::size_t i = 0; i < h.size(); ++i) {
    out[2 * i] = kDigits[h[i] >> 4];
    out[2 * i + 1] = kDigits[h[i] & 0x0f];
  }
  return out;
}

std::optional<Hash> FromHex(std::string_view hex) {
  if (hex.size() != 64) return std::nullopt;
  const auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  Hash out;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = digit(hex[2 * i]);
    const int lo = digit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return out;
}

std::string Base64Encode(std::span<const std::uint8_t> bytes) {
  RequireSodium();
  if (bytes.empty()) return {};
  const std::size_t encoded_len = sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  std::string out(encoded_len, '\0');  // includes the terminating NUL
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(encoded_len - 1);
  return out;
}

std::optional<std::vector<std::uint8_t>> Base64Decode(std::string_view b64) {
  RequireSodium();
  if (b64.size() % 4 != 0) return std::nullopt;
  if (b64.empty()) return std::vector<std::uint8_t>{};  // libsodium may not be given null pointers
  std::vector<std::uint8_t> out(b64.size() / 4 * 3);
  std::size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), b64.data(), b64.size(), nullptr, &len, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != b64.data() + b64.size()) {
    return std::nullopt;
  }
  out.resize(len);
  // One spelling per value: no stray bits in the last character.
  if (Base64Encode(out) != b64) return std::nullopt;
  return out;
}

std::string ToBase64(const Hash& h) { return Base64Encode(h); }

std::optional<Hash> FromBase64(std::string_view b64) {
  if (b64.size() != 44) return std::nullopt;
  auto bytes = Base64Decode(b64);
  if (!bytes || bytes->size() != 32) return std::nullopt;
  Hash out;
  std::copy(bytes->begin(), bytes->end(), out.begin());
  return out;
}

Result<std::vector<Node>> AppendNodes(std::uint64_t index, const Hash& leaf, const NodeReader& read) {
  if (index == kMaxSize) {
    return Unexpected(Error::Invalid(fmt::format("账本已满：叶子序号（index）{}已达上限", index), "index"));
  }
  std::vector<Node> nodes;
  nodes.push_back(Node{0, index, leaf});
  Hash hash = leaf;
  std::uint64_t i = index;
  int level = 0;
  while (i & 1) {
    GK_TRY(left, read(level, i - 1));
    hash = NodeHash(left, hash);
    i >>= 1;
    ++level;
    nodes.push_back(Node{level, i, hash});
  }
  return nodes;
}

Result<Hash> Root(std::uint64_t size, const NodeReader& read) {
  if (size == 0) return EmptyRoot();
  return RangeHash(0, size, read);
}

std::vector<std::pair<int, std::uint64_t>> Frontier(std::uint64_t size) {
  std::vector<std::pair<int, std::uint64_t>> out;
  for (int level = 63; level >= 0; --level)
    if (size & (std::uint64_t{1} << level)) out.emplace_back(level, (size >> level) - 1);
  return out;
}

Result<std::vector<Hash>> InclusionProof(std::uint64_t index, std::uint64_t size, const NodeReader& read) {
  if (size == 0) {
    return Unexpected(Error::Invalid("树大小（size）为0：空树中没有可以证明的叶子", "size"));
  }
  if (index >= size) {
    return Unexpected(Error::Invalid(
        fmt::format("叶子序号（index）{}超出范围：树中只有{}个叶子（序号从0到{}）", index, size, size - 1), "index"));
  }
  // RFC 9162 PATH(m, D[n]), walked from the root down; reversed at the end
  // so that the leaf's sibling comes first.
  std::vector<Hash> proof;
  std::uint64_t begin = 0;
  std::uint64_t count = size;
  std::uint64_t m = index;
  while (count > 1) {
    if (std::has_single_bit(count)) {
      // A complete subtree: the rest of the path is the siblings of the
      // leaf's ancestors, all complete nodes.
      const std::uint64_t leaf = begin + m;
      for (int level = Log2(count) - 1; level >= 0; --level) {
        GK_TRY(sibling, read(level, (leaf >> level) ^ 1));
        proof.push_back(sibling);
      }
      break;
    }
    const std::uint64_t k = Split(count);
    if (m < k) {
      // Only here can the sibling be the incomplete right edge, and only
      // once: from now on the path stays inside the complete D[begin:begin+k].
      GK_TRY(right, RangeHash(begin + k, count - k, read));
      proof.push_back(right);
      count = k;
    } else {
      GK_TRY(left, read(Log2(k), begin >> Log2(k)));
      proof.push_back(left);
      begin += k;
      m -= k;
      count -= k;
    }
  }
  std::reverse(proof.begin(), proof.end());
  return proof;
}

Result<std::vector<Hash>> ConsistencyProof(std::uint64_t old_size, std::uint64_t new_size, const NodeReader& read) {
  if (old_size > new_size) {
    return Unexpected(Error::Invalid(
        fmt::format("旧树大小（old_size）{}大于新树大小（new_size）{}：账本只能增长", old_size, new_size), "old_size"));
  }
  if (old_size == 0 || old_size == new_size) return std::vector<Hash>{};
  // RFC 9162 SUBPROOF(m, D[n], b), walked from the root down.
  std::vector<Hash> proof;
  std::uint64_t begin = 0;
  std::uint64_t count = new_size;
  std::uint64_t m = old_size;
  bool old_root_known = true;  // b: the old root is the whole old tree
  while (m != count) {
    const std::uint64_t k = Split(count);
    if (m <= k) {
      // As in InclusionProof, the incomplete right edge is read at most once.
      GK_TRY(right, RangeHash(begin + k, count - k, read));
      proof.push_back(right);
      count = k;
    } else {
      GK_TRY(left, read(Log2(k), begin >> Log2(k)));
      proof.push_back(left);
      begin += k;
      m -= k;
      count -= k;
      old_root_known = false;
    }
  }
  if (!old_root_known) {
    GK_TRY(subtree, RangeHash(begin, m, read));
    proof.push_back(subtree);
  }
  std::reverse(proof.begin(), proof.end());
  return proof;
}

bool VerifyInclusion(const Hash& leaf_hash, std::uint64_t index, std::uint64_t size, std::span<const Hash> proof,
                     const Hash& root) {
  if (index >= size) return false;
  std::uint64_t fn = index;
  std::uint64_t sn = size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) return false;
    if ((fn & 1) || fn == sn) {
      r = NodeHash(p, r);
      while (fn != 0 && (fn & 1) == 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

bool VerifyConsistency(std::uint64_t old_size, std::uint64_t new_size, const Hash& old_root, const Hash& new_root,
                       std::span<const Hash> proof) {
  if (old_size > new_size) return false;
  if (old_size == new_size) return proof.empty() && old_root == new_root;
  if (old_size == 0) return proof.empty() && old_root == EmptyRoot();
  if (proof.empty()) return false;
  // RFC 9162 2.1.4.2. A power-of-two old tree is a complete subtree of the
  // new one, so the proof omits its root: start from old_root instead.
  std::size_t next = 0;
  Hash fr;
  if (std::has_single_bit(old_size)) {
    fr = old_root;
  } else {
    fr = proof[0];
    next = 1;
  }
  Hash sr = fr;
  std::uint64_t fn = old_size - 1;
  std::uint64_t sn = new_size - 1;
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  for (; next < proof.size(); ++next) {
    const Hash& c = proof[next];
    if (sn == 0) return false;
    if ((fn & 1) || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      while (fn != 0 && (fn & 1) == 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && fr == old_root && sr == new_root;
}

Hash RootOfLeaves(std::span<const Hash> leaves) {
  if (leaves.empty()) return EmptyRoot();
  if (leaves.size() == 1) return leaves[0];
  const std::size_t k = std::bit_floor(leaves.size() - 1);
  return NodeHash(RootOfLeaves(leaves.first(k)), RootOfLeaves(leaves.subspan(k)));
}

Status MemoryTree::Append(std::string_view leaf_data) {
  if (size_ == kMaxSize) {
    return Unexpected(Error::Invalid(fmt::format("账本已满：已有{}个叶子", size_), "size"));
  }
  AppendHash(LeafHash(leaf_data));
  return Ok();
}

void MemoryTree::AppendHash(const Hash& leaf) {
  if (size_ == kMaxSize) return;
  // As AppendNodes, with the left siblings at hand.
  Hash hash = leaf;
  std::uint64_t i = size_;
  std::size_t level = 0;
  for (;;) {
    if (levels_.size() <= level) levels_.emplace_back();
    levels_[level].push_back(hash);
    if ((i & 1) == 0) break;
    hash = NodeHash(levels_[level][i - 1], hash);
    i >>= 1;
    ++level;
  }
  ++size_;
}

std::optional<Hash> MemoryTree::node(int level, std::uint64_t index) const {
  if (level < 0 || static_cast<std::size_t>(level) >= levels_.size()) return std::nullopt;
  const auto& nodes = levels_[static_cast<std::size_t>(level)];
  if (index >= nodes.size()) return std::nullopt;
  return nodes[index];
}

NodeReader MemoryTree::reader() const {
  return [this](int level, std::uint64_t index) -> Result<Hash> {
    auto hash = node(level, index);
    if (!hash) {
      return Unexpected(
          Error::Internal(fmt::format("默克尔树缺少节点（层{}，序号{}）：树中只有{}个叶子", level, index, size_)));
    }
    return *hash;
  };
}

Hash MemoryTree::Root() const {
  auto root = merkle::Root(size_, reader());
  assert(root.has_value());  // every complete node of a MemoryTree exists
  return root ? *root : EmptyRoot();
}

Result<Hash> MemoryTree::RootAt(std::uint64_t size) const {
  if (size > size_) {
    return Unexpected(Error::Invalid(fmt::format("树大小（size）{}超出范围：账本中只有{}个叶子", size, size_), "size"));
  }
  return merkle::Root(size, reader());
}

}  // namespace gongkai::merkle
