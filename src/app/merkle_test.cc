#include "app/merkle.h"

#include <gtest/gtest.h>

#include <bit>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace gongkai::merkle {
namespace {

Hash H(std::string_view hex) {
  auto h = FromHex(hex);
  EXPECT_TRUE(h.has_value()) << hex;
  return h.value_or(Hash{});
}

std::vector<Hash> Hs(std::initializer_list<std::string_view> hexes) {
  std::vector<Hash> out;
  for (auto hex : hexes) out.push_back(H(hex));
  return out;
}

std::vector<std::string> HexAll(const std::vector<Hash>& hashes) {
  std::vector<std::string> out;
  for (const Hash& h : hashes) out.push_back(ToHex(h));
  return out;
}

// ---- known answers ------------------------------------------------------------
//
// The reference tree of the Certificate Transparency project: its eight leaf
// inputs, the roots after each append, and the audit paths and consistency
// proofs it publishes. Source: google/certificate-transparency,
// cpp/merkletree/merkle_tree_test.cc (kInputs, kSHA256Roots, kSHA256Paths,
// kSHA256Proofs, kSHA256EmptyTreeHash). Its leaf numbers are 1-based; the
// indexes here are 0-based.

const std::vector<std::string> kCtInputs = {
    std::string(""),
    std::string("\x00", 1),
    std::string("\x10"),
    std::string("\x20\x21"),
    std::string("\x30\x31"),
    std::string("\x40\x41\x42\x43"),
    std::string("\x50\x51\x52\x53\x54\x55\x56\x57"),
    std::string("\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f"),
};

const char* const kCtRoots[8] = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

MemoryTree CtTree(std::size_t n = 8) {
  MemoryTree tree;
  for (std::size_t i = 0; i < n; ++i) EXPECT_TRUE(tree.Append(kCtInputs[i]).has_value());
  return tree;
}

TEST(MerkleTest, EmptyTreeHashIsSha256OfNothing) {
  EXPECT_EQ(ToHex(EmptyRoot()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  MemoryTree tree;
  EXPECT_EQ(tree.Root(), EmptyRoot());
  auto root = Root(0, tree.reader());
  ASSERT_TRUE(root.has_value());
  EXPECT_EQ(*root, EmptyRoot());
  EXPECT_EQ(RootOfLeaves({}), EmptyRoot());
}

TEST(MerkleTest, CertificateTransparencyRoots) {
  MemoryTree tree;
  std::vector<Hash> leaves;
  for (std::size_t i = 0; i < 8; ++i) {
    SCOPED_TRACE(i + 1);
    ASSERT_TRUE(tree.Append(kCtInputs[i]).has_value());
    leaves.push_back(LeafHash(kCtInputs[i]));
    EXPECT_EQ(tree.size(), i + 1);
    EXPECT_EQ(ToHex(tree.Root()), kCtRoots[i]);
    EXPECT_EQ(ToHex(RootOfLeaves(leaves)), kCtRoots[i]);
    // Every earlier size still has its old root.
    for (std::size_t j = 1; j <= i + 1; ++j) {
      auto root = tree.RootAt(j);
      ASSERT_TRUE(root.has_value());
      EXPECT_EQ(ToHex(*root), kCtRoots[j - 1]);
    }
  }
}

TEST(MerkleTest, CertificateTransparencyInclusionProofs) {
  struct Case {
    std::uint64_t index, size;
    std::vector<Hash> path;
  };
  const Case cases[] = {
      {0, 1, {}},
      {0, 8,
       Hs({"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
           "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
           "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"})},
      {5, 8,
       Hs({"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
           "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
           "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"})},
      {2, 3, Hs({"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"})},
      {1, 5,
       Hs({"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
           "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
           "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"})},
  };
  const MemoryTree tree = CtTree();
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::Message() << "index " << c.index << " size " << c.size);
    auto proof = InclusionProof(c.index, c.size, tree.reader());
    ASSERT_TRUE(proof.has_value()) << proof.error().message;
    EXPECT_EQ(HexAll(*proof), HexAll(c.path));
    EXPECT_TRUE(VerifyInclusion(LeafHash(kCtInputs[c.index]), c.index, c.size, c.path, H(kCtRoots[c.size - 1])));
  }
}

TEST(MerkleTest, CertificateTransparencyConsistencyProofs) {
  struct Case {
    std::uint64_t old_size, new_size;
    std::vector<Hash> proof;
  };
  const Case cases[] = {
      {1, 1, {}},
      {1, 8,
       Hs({"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
           "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
           "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"})},
      {6, 8,
       Hs({"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
           "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
           "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"})},
      {2, 5,
       Hs({"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
           "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"})},
  };
  const MemoryTree tree = CtTree();
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::Message() << c.old_size << " -> " << c.new_size);
    auto proof = ConsistencyProof(c.old_size, c.new_size, tree.reader());
    ASSERT_TRUE(proof.has_value()) << proof.error().message;
    EXPECT_EQ(HexAll(*proof), HexAll(c.proof));
    EXPECT_TRUE(
        VerifyConsistency(c.old_size, c.new_size, H(kCtRoots[c.old_size - 1]), H(kCtRoots[c.new_size - 1]), c.proof));
  }
}

// ---- an independent reference, straight from the RFC's definitions ------------
//
// RFC 6962 section 2.1 / RFC 9162 section 2.1, over a vector of leaf
// hashes, recursing on copies: slow and obvious on purpose.

std::vector<Hash> Slice(const std::vector<Hash>& d, std::size_t from, std::size_t to) {
  return std::vector<Hash>(d.begin() + static_cast<std::ptrdiff_t>(from), d.begin() + static_cast<std::ptrdiff_t>(to));
}

// The largest power of two smaller than n, by counting up.
std::size_t LargestPowerOfTwoBelow(std::size_t n) {
  std::size_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

Hash RefMth(const std::vector<Hash>& d) {
  if (d.empty()) return EmptyRoot();
  if (d.size() == 1) return d[0];
  const std::size_t k = LargestPowerOfTwoBelow(d.size());
  return NodeHash(RefMth(Slice(d, 0, k)), RefMth(Slice(d, k, d.size())));
}

std::vector<Hash> Concat(std::vector<Hash> a, const Hash& b) {
  a.push_back(b);
  return a;
}

// PATH(m, D[n]).
std::vector<Hash> RefPath(std::size_t m, const std::vector<Hash>& d) {
  const std::size_t n = d.size();
  if (n == 1) return {};
  const std::size_t k = LargestPowerOfTwoBelow(n);
  if (m < k) return Concat(RefPath(m, Slice(d, 0, k)), RefMth(Slice(d, k, n)));
  return Concat(RefPath(m - k, Slice(d, k, n)), RefMth(Slice(d, 0, k)));
}

// SUBPROOF(m, D[n], b).
std::vector<Hash> RefSubproof(std::size_t m, const std::vector<Hash>& d, bool b) {
  const std::size_t n = d.size();
  if (m == n) return b ? std::vector<Hash>{} : std::vector<Hash>{RefMth(d)};
  const std::size_t k = LargestPowerOfTwoBelow(n);
  if (m <= k) return Concat(RefSubproof(m, Slice(d, 0, k), b), RefMth(Slice(d, k, n)));
  return Concat(RefSubproof(m - k, Slice(d, k, n), false), RefMth(Slice(d, 0, k)));
}

// PROOF(m, D[n]) for 0 < m <= n.
std::vector<Hash> RefProof(std::size_t m, const std::vector<Hash>& d) { return RefSubproof(m, d, true); }

std::vector<Hash> TestLeaves(std::size_t n, std::string_view salt = "") {
  std::vector<Hash> leaves;
  for (std::size_t i = 0; i < n; ++i) leaves.push_back(LeafHash(std::string(salt) + "第" + std::to_string(i) + "条"));
  return leaves;
}

// The storage the product would have: a map of (level, index) -> hash,
// filled only with what AppendNodes returns. Counts its reads.
class MapStore {
 public:
  Status Append(const Hash& leaf) {
    GK_TRY(nodes, AppendNodes(size_, leaf, reader()));
    for (const Node& node : nodes) {
      if (!nodes_.emplace(std::pair(node.level, node.index), node.hash).second) {
        return Unexpected(Error::Internal("node written twice"));
      }
    }
    ++size_;
    return Ok();
  }
  NodeReader reader() {
    return [this](int level, std::uint64_t index) -> Result<Hash> {
      ++reads_;
      auto it = nodes_.find({level, index});
      if (it == nodes_.end()) return Unexpected(Error::Internal("missing node"));
      return it->second;
    };
  }
  std::uint64_t size() const { return size_; }
  std::size_t node_count() const { return nodes_.size(); }
  long reads() const { return reads_; }
  void reset_reads() { reads_ = 0; }

 private:
  std::map<std::pair<int, std::uint64_t>, Hash> nodes_;
  std::uint64_t size_ = 0;
  long reads_ = 0;
};

constexpr std::size_t kMaxReferenceSize = 70;

TEST(MerkleTest, AppendNodesBuildsExactlyTheCompleteSubtrees) {
  const auto leaves = TestLeaves(kMaxReferenceSize);
  MapStore store;
  MemoryTree tree;
  for (std::size_t n = 0; n < leaves.size(); ++n) {
    ASSERT_TRUE(store.Append(leaves[n]).has_value());
    tree.AppendHash(leaves[n]);
    // Appending leaf n completes one node per trailing 1-bit of n, plus the leaf.
    auto again = AppendNodes(n, leaves[n], tree.reader());
    ASSERT_TRUE(again.has_value());
    ASSERT_EQ(again->size(), 1u + static_cast<std::size_t>(std::countr_one(n)));
    for (const Node& node : *again) {
      const std::uint64_t first = node.index << node.level, last = ((node.index + 1) << node.level) - 1;
      EXPECT_EQ(last, n) << "a completed node ends at the new leaf";
      EXPECT_EQ(node.hash, RefMth(Slice(leaves, first, last + 1)));
      EXPECT_EQ(tree.node(node.level, node.index), node.hash);
    }
  }
  // A tree of n leaves has 2n - popcount(n) complete nodes.
  EXPECT_EQ(store.node_count(), 2 * kMaxReferenceSize - std::popcount(kMaxReferenceSize));
}

// The sequencer reads the frontier once and appends from memory: for every
// size, the frontier is all that Root(n) and AppendNodes(n, ...) read, and
// the frontier after the append is in the old frontier or the new nodes.
TEST(MerkleTest, TheFrontierIsAllThatAppendsAndRootsRead) {
  const auto leaves = TestLeaves(kMaxReferenceSize);
  MemoryTree tree;
  EXPECT_TRUE(Frontier(0).empty());
  for (std::size_t n = 0; n < leaves.size(); ++n) {
    SCOPED_TRACE(n);
    const auto frontier = Frontier(n);
    ASSERT_EQ(frontier.size(), static_cast<std::size_t>(std::popcount(n)));
    std::map<std::pair<int, std::uint64_t>, Hash> known;
    std::uint64_t covered = 0;  // the frontier covers leaves [0, n), largest first, left to right
    for (const auto& [level, index] : frontier) {
      EXPECT_EQ(index << level, covered);
      covered += std::uint64_t{1} << level;
      auto h = tree.node(level, index);
      ASSERT_TRUE(h.has_value());
      known[{level, index}] = *h;
    }
    EXPECT_EQ(covered, n);
    NodeReader only_frontier = [&](int level, std::uint64_t index) -> Result<Hash> {
      auto it = known.find({level, index});
      if (it == known.end()) return Unexpected(Error::Internal("read outside the frontier"));
      return it->second;
    };
    auto root = Root(n, only_frontier);
    ASSERT_TRUE(root.has_value()) << root.error().message;
    EXPECT_EQ(*root, tree.Root());
    auto added = AppendNodes(n, leaves[n], only_frontier);
    ASSERT_TRUE(added.has_value()) << added.error().message;
    tree.AppendHash(leaves[n]);
    for (const Node& node : *added) known[{node.level, node.index}] = node.hash;
    for (const auto& at : Frontier(n + 1)) EXPECT_TRUE(known.contains(at)) << at.first << "/" << at.second;
  }
}

TEST(MerkleTest, RootsMatchTheReference) {
  const auto leaves = TestLeaves(kMaxReferenceSize);
  MapStore store;
  for (const Hash& leaf : leaves) ASSERT_TRUE(store.Append(leaf).has_value());
  for (std::size_t n = 0; n <= leaves.size(); ++n) {
    SCOPED_TRACE(n);
    const Hash expected = RefMth(Slice(leaves, 0, n));
    EXPECT_EQ(RootOfLeaves(std::span(leaves).first(n)), expected);
    store.reset_reads();
    auto root = Root(n, store.reader());
    ASSERT_TRUE(root.has_value()) << root.error().message;
    EXPECT_EQ(*root, expected);
    EXPECT_EQ(store.reads(), std::popcount(n));
  }
}

// A proof must fail after any of these changes to what was proven.
// `roots[s]` is the root of the first s leaves of the same ledger.
//
// A tree size is only ever used together with the root of that size (both
// come from one signed tree head), so "wrong size" is checked as (a) the
// proof against every other (size, root) pair of the ledger, and (b) the
// same root with twice or half the size, as the CT verifier tests do. A
// bare size change with the root kept can legitimately still verify when
// both sizes give the path the same shape (e.g. leaf 0 of 3 and of 4): the
// root, not the size, is what the proof commits to.
void ExpectInclusionTamperFails(const std::vector<Hash>& leaves, std::size_t index, const std::vector<Hash>& proof,
                                const std::vector<Hash>& roots) {
  const std::size_t size = leaves.size();
  const Hash& root = roots[size];
  const Hash& leaf = leaves[index];
  // Flipped bits in each element: every bit for small trees, a few otherwise.
  for (std::size_t e = 0; e < proof.size(); ++e) {
    const std::size_t step = size <= 12 ? 1 : 61;
    for (std::size_t bit = (index + e) % step; bit < 256; bit += step) {
      auto bad = proof;
      bad[e][bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
      ASSERT_FALSE(VerifyInclusion(leaf, index, size, bad, root)) << "element " << e << " bit " << bit;
    }
  }
  // Another leaf, leaf hash or root.
  EXPECT_FALSE(VerifyInclusion(LeafHash("另一条"), index, size, proof, root));
  if (size > 1) {
    EXPECT_FALSE(VerifyInclusion(leaves[(index + 1) % size], index, size, proof, root));
  }
  auto flipped_root = root;
  flipped_root[31] ^= 1;
  EXPECT_FALSE(VerifyInclusion(leaf, index, size, proof, flipped_root));
  // Wrong index: every other one.
  for (std::size_t other = 0; other < size; ++other) {
    if (other != index) {
      ASSERT_FALSE(VerifyInclusion(leaf, other, size, proof, root)) << "index " << other;
    }
  }
  EXPECT_FALSE(VerifyInclusion(leaf, index + size, size, proof, root));
  // Wrong size.
  for (std::size_t other = index + 1; other < roots.size(); ++other) {
    if (other != size) {
      ASSERT_FALSE(VerifyInclusion(leaf, index, other, proof, roots[other])) << "head " << other;
    }
  }
  EXPECT_FALSE(VerifyInclusion(leaf, index, 2 * size, proof, root));
  if (size / 2 > index) {
    EXPECT_FALSE(VerifyInclusion(leaf, index, size / 2, proof, root));
  }
  // Elements added, dropped, swapped.
  auto longer = proof;
  longer.push_back(root);
  EXPECT_FALSE(VerifyInclusion(leaf, index, size, longer, root));
  longer = proof;
  longer.insert(longer.begin(), leaf);
  EXPECT_FALSE(VerifyInclusion(leaf, index, size, longer, root));
  if (!proof.empty()) {
    auto shorter = proof;
    shorter.pop_back();
    EXPECT_FALSE(VerifyInclusion(leaf, index, size, shorter, root));
    shorter = proof;
    shorter.erase(shorter.begin());
    EXPECT_FALSE(VerifyInclusion(leaf, index, size, shorter, root));
  }
  if (proof.size() > 1) {
    auto swapped = proof;
    std::swap(swapped.front(), swapped.back());
    EXPECT_FALSE(VerifyInclusion(leaf, index, size, swapped, root));
  }
}

std::vector<Hash> RootsBySize(const std::vector<Hash>& leaves) {
  std::vector<Hash> roots;
  for (std::size_t s = 0; s <= leaves.size(); ++s) roots.push_back(RefMth(Slice(leaves, 0, s)));
  return roots;
}

TEST(MerkleTest, InclusionProofsMatchTheReferenceAndVerify) {
  const auto all = TestLeaves(kMaxReferenceSize);
  const auto roots = RootsBySize(all);
  MapStore store;
  for (const Hash& leaf : all) ASSERT_TRUE(store.Append(leaf).has_value());
  int checked = 0;
  for (std::size_t n = 1; n <= all.size(); ++n) {
    const auto leaves = Slice(all, 0, n);
    for (std::size_t m = 0; m < n; ++m) {
      SCOPED_TRACE(testing::Message() << "index " << m << " size " << n);
      store.reset_reads();
      auto proof = InclusionProof(m, n, store.reader());
      ASSERT_TRUE(proof.has_value()) << proof.error().message;
      EXPECT_LE(store.reads(), 2 * std::bit_width(n));
      ASSERT_EQ(HexAll(*proof), HexAll(RefPath(m, leaves)));
      ASSERT_TRUE(VerifyInclusion(leaves[m], m, n, *proof, roots[n]));
      ExpectInclusionTamperFails(leaves, m, *proof, roots);
      ++checked;
    }
  }
  EXPECT_EQ(checked, 70 * 71 / 2);
}

TEST(MerkleTest, InclusionFailsForReorderedOrDroppedLeaves) {
  const auto leaves = TestLeaves(37);
  const Hash root = RootOfLeaves(leaves);
  for (std::size_t i = 0; i + 1 < leaves.size(); ++i) {
    // Leaves i and i + 1 swapped: the proof for either position in the
    // reordered ledger does not verify against the published root.
    auto swapped = leaves;
    std::swap(swapped[i], swapped[i + 1]);
    MemoryTree reordered;
    for (const Hash& leaf : swapped) reordered.AppendHash(leaf);
    EXPECT_NE(reordered.Root(), root);
    for (std::size_t at : {i, i + 1}) {
      auto proof = InclusionProof(at, swapped.size(), reordered.reader());
      ASSERT_TRUE(proof.has_value());
      EXPECT_FALSE(VerifyInclusion(swapped[at], at, swapped.size(), *proof, root)) << i;
    }
    // Leaf i dropped: no proof from the shorter ledger verifies.
    auto dropped = leaves;
    dropped.erase(dropped.begin() + static_cast<std::ptrdiff_t>(i));
    MemoryTree shorter;
    for (const Hash& leaf : dropped) shorter.AppendHash(leaf);
    for (std::size_t at = 0; at < dropped.size(); ++at) {
      auto proof = InclusionProof(at, dropped.size(), shorter.reader());
      ASSERT_TRUE(proof.has_value());
      EXPECT_FALSE(VerifyInclusion(dropped[at], at, leaves.size(), *proof, root)) << i << " " << at;
      EXPECT_FALSE(VerifyInclusion(dropped[at], at, dropped.size(), *proof, root)) << i << " " << at;
    }
  }
}

// As ExpectInclusionTamperFails; sizes are checked against the other tree
// heads of the ledger, and with the roots kept, as the CT verifier tests do
// (old size +-1 and ^2, new size doubled and halved).
void ExpectConsistencyTamperFails(std::size_t m, std::size_t n, const std::vector<Hash>& proof,
                                  const std::vector<Hash>& roots) {
  const Hash& old_root = roots[m];
  const Hash& new_root = roots[n];
  for (std::size_t e = 0; e < proof.size(); ++e) {
    const std::size_t step = n <= 12 ? 1 : 61;
    for (std::size_t bit = (m + e) % step; bit < 256; bit += step) {
      auto bad = proof;
      bad[e][bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
      ASSERT_FALSE(VerifyConsistency(m, n, old_root, new_root, bad)) << "element " << e << " bit " << bit;
    }
  }
  auto bad_root = old_root;
  bad_root[0] ^= 0x80;
  EXPECT_FALSE(VerifyConsistency(m, n, bad_root, new_root, proof));
  bad_root = new_root;
  bad_root[0] ^= 0x80;
  EXPECT_FALSE(VerifyConsistency(m, n, old_root, bad_root, proof));
  EXPECT_FALSE(VerifyConsistency(m, n, new_root, old_root, proof));
  for (std::size_t other = 0; other < roots.size(); ++other) {
    if (other != m && other <= n) {
      ASSERT_FALSE(VerifyConsistency(other, n, roots[other], new_root, proof)) << "old head " << other;
    }
    if (other != n && other >= m) {
      ASSERT_FALSE(VerifyConsistency(m, other, old_root, roots[other], proof)) << "new head " << other;
    }
  }
  for (std::size_t other : {m - 1, m + 1, m ^ 2}) {
    if (other != m) {
      EXPECT_FALSE(VerifyConsistency(other, n, old_root, new_root, proof)) << "old size " << other;
    }
  }
  EXPECT_FALSE(VerifyConsistency(m, 2 * n, old_root, new_root, proof));
  EXPECT_FALSE(VerifyConsistency(m, n / 2, old_root, new_root, proof));
  EXPECT_FALSE(VerifyConsistency(m, n, old_root, new_root, {}));
  auto longer = proof;
  longer.push_back(proof.back());
  EXPECT_FALSE(VerifyConsistency(m, n, old_root, new_root, longer));
  longer = proof;
  longer.insert(longer.begin(), old_root);
  EXPECT_FALSE(VerifyConsistency(m, n, old_root, new_root, longer));
  auto shorter = proof;
  shorter.pop_back();
  EXPECT_FALSE(VerifyConsistency(m, n, old_root, new_root, shorter));
  if (proof.size() > 1) {
    auto swapped = proof;
    std::swap(swapped.front(), swapped.back());
    EXPECT_FALSE(VerifyConsistency(m, n, old_root, new_root, swapped));
  }
}

TEST(MerkleTest, ConsistencyProofsMatchTheReferenceAndVerify) {
  const auto all = TestLeaves(kMaxReferenceSize);
  const auto roots = RootsBySize(all);
  MapStore store;
  for (const Hash& leaf : all) ASSERT_TRUE(store.Append(leaf).has_value());
  int checked = 0;
  for (std::size_t n = 1; n <= all.size(); ++n) {
    const auto leaves = Slice(all, 0, n);
    for (std::size_t m = 1; m <= n; ++m) {
      SCOPED_TRACE(testing::Message() << m << " -> " << n);
      store.reset_reads();
      auto proof = ConsistencyProof(m, n, store.reader());
      ASSERT_TRUE(proof.has_value()) << proof.error().message;
      EXPECT_LE(store.reads(), 2 * std::bit_width(n));
      ASSERT_EQ(HexAll(*proof), HexAll(RefProof(m, leaves)));
      ASSERT_TRUE(VerifyConsistency(m, n, roots[m], roots[n], *proof));
      if (m < n) ExpectConsistencyTamperFails(m, n, *proof, roots);
      ++checked;
    }
  }
  EXPECT_EQ(checked, 70 * 71 / 2);
}

TEST(MerkleTest, ConsistencyFailsAgainstARewrittenHistory) {
  // The same sizes, but leaf 3 of the old tree was changed afterwards: the
  // new tree is not an extension of the old one and no proof can say so.
  const auto leaves = TestLeaves(40);
  auto rewritten = leaves;
  rewritten[3] = LeafHash("改写");
  MemoryTree honest, forged;
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    honest.AppendHash(leaves[i]);
    forged.AppendHash(rewritten[i]);
  }
  for (std::uint64_t m = 4; m < leaves.size(); ++m) {
    const Hash old_root = *honest.RootAt(m);
    auto proof = ConsistencyProof(m, forged.size(), forged.reader());
    ASSERT_TRUE(proof.has_value());
    EXPECT_FALSE(VerifyConsistency(m, forged.size(), old_root, forged.Root(), *proof)) << m;
  }
}

TEST(MerkleTest, ConsistencyEdgeCases) {
  const auto leaves = TestLeaves(5);
  MemoryTree tree;
  for (const Hash& leaf : leaves) tree.AppendHash(leaf);
  // From the empty tree: an empty proof, and the old root must be the empty root.
  for (std::uint64_t n = 0; n <= 5; ++n) {
    auto proof = ConsistencyProof(0, n, tree.reader());
    ASSERT_TRUE(proof.has_value());
    EXPECT_TRUE(proof->empty());
    EXPECT_TRUE(VerifyConsistency(0, n, EmptyRoot(), *tree.RootAt(n), *proof));
    EXPECT_FALSE(VerifyConsistency(0, n, leaves[0], *tree.RootAt(n), *proof));
  }
  // Same size: an empty proof and equal roots.
  for (std::uint64_t n = 1; n <= 5; ++n) {
    auto proof = ConsistencyProof(n, n, tree.reader());
    ASSERT_TRUE(proof.has_value());
    EXPECT_TRUE(proof->empty());
    EXPECT_TRUE(VerifyConsistency(n, n, *tree.RootAt(n), *tree.RootAt(n), {}));
    EXPECT_FALSE(VerifyConsistency(n, n, *tree.RootAt(n), LeafHash("另一个根"), {}));
    const Hash extra[] = {leaves[0]};
    EXPECT_FALSE(VerifyConsistency(n, n, *tree.RootAt(n), *tree.RootAt(n), extra));
  }
  // Shrinking is never consistent.
  EXPECT_FALSE(VerifyConsistency(5, 4, tree.Root(), *tree.RootAt(4), {}));
}

TEST(MerkleTest, ProofsStayLogarithmicInALargeTree) {
  MemoryTree tree;
  const std::uint64_t n = (1u << 17) + 12345;
  for (std::uint64_t i = 0; i < n; ++i) tree.AppendHash(LeafHash(std::to_string(i)));
  long reads = 0;
  const auto inner = tree.reader();
  const NodeReader counting = [&](int level, std::uint64_t index) {
    ++reads;
    return inner(level, index);
  };
  const Hash root = tree.Root();
  for (std::uint64_t index : {std::uint64_t{0}, std::uint64_t{1} << 17, n - 1, n / 2, std::uint64_t{99999}}) {
    reads = 0;
    auto proof = InclusionProof(index, n, counting);
    ASSERT_TRUE(proof.has_value());
    EXPECT_LE(reads, 2 * std::bit_width(n));
    EXPECT_TRUE(VerifyInclusion(LeafHash(std::to_string(index)), index, n, *proof, root));
  }
  for (std::uint64_t m : {std::uint64_t{1}, std::uint64_t{1} << 16, n - 1, std::uint64_t{77777}}) {
    reads = 0;
    auto proof = ConsistencyProof(m, n, counting);
    ASSERT_TRUE(proof.has_value());
    EXPECT_LE(reads, 2 * std::bit_width(n));
    EXPECT_TRUE(VerifyConsistency(m, n, *tree.RootAt(m), root, *proof));
  }
}

// ---- errors -------------------------------------------------------------------

TEST(MerkleTest, InvalidArgumentsAreErrorsNamingTheArgument) {
  const MemoryTree tree = CtTree();
  struct Case {
    Result<std::vector<Hash>> result;
    const char* field;
    const char* words;
  };
  const Case cases[] = {
      {InclusionProof(0, 0, tree.reader()), "size", "树大小（size）为0"},
      {InclusionProof(8, 8, tree.reader()), "index", "叶子序号（index）8超出范围"},
      {InclusionProof(std::numeric_limits<std::uint64_t>::max(), 3, tree.reader()), "index", "超出范围"},
      {ConsistencyProof(5, 4, tree.reader()), "old_size", "旧树大小（old_size）5大于新树大小（new_size）4"},
  };
  for (const Case& c : cases) {
    ASSERT_FALSE(c.result.has_value());
    EXPECT_EQ(c.result.error().code, ErrorCode::kInvalidInput);
    EXPECT_EQ(c.result.error().field, c.field);
    EXPECT_NE(c.result.error().message.find(c.words), std::string::npos) << c.result.error().message;
  }
  auto full = AppendNodes(std::numeric_limits<std::uint64_t>::max(), EmptyRoot(), tree.reader());
  ASSERT_FALSE(full.has_value());
  EXPECT_EQ(full.error().code, ErrorCode::kInvalidInput);
  auto beyond = tree.RootAt(9);
  ASSERT_FALSE(beyond.has_value());
  EXPECT_EQ(beyond.error().code, ErrorCode::kInvalidInput);
}

TEST(MerkleTest, MissingNodesAreReportedNotInvented) {
  const MemoryTree small = CtTree(5);
  // Asking a 5-leaf store about 8 leaves reads nodes it does not have.
  auto root = Root(8, small.reader());
  ASSERT_FALSE(root.has_value());
  EXPECT_EQ(root.error().code, ErrorCode::kInternal);
  EXPECT_NE(root.error().message.find("缺少节点"), std::string::npos) << root.error().message;
  EXPECT_FALSE(InclusionProof(1, 8, small.reader()).has_value());
  EXPECT_FALSE(ConsistencyProof(2, 8, small.reader()).has_value());
  EXPECT_FALSE(AppendNodes(7, EmptyRoot(), small.reader()).has_value());
  EXPECT_FALSE(small.node(-1, 0).has_value());
  EXPECT_FALSE(small.node(0, 5).has_value());
  EXPECT_FALSE(small.node(3, 0).has_value());
  EXPECT_TRUE(small.node(2, 0).has_value());
}

TEST(MerkleTest, StorageErrorsPropagateUnchanged) {
  // A store that fails its Nth read: every operation passes the error up as
  // is, for every N up to the number of reads the operation makes.
  const MemoryTree tree = CtTree(7);
  const auto inner = tree.reader();
  for (int fail_at = 1; fail_at <= 6; ++fail_at) {
    int reads = 0;
    const NodeReader failing = [&](int level, std::uint64_t index) -> Result<Hash> {
      if (++reads == fail_at) return Unexpected(Error::Storage("磁盘读取失败"));
      return inner(level, index);
    };
    const auto check = [&](auto result, const char* what) {
      if (reads >= fail_at) {
        ASSERT_FALSE(result.has_value()) << what << " fail_at " << fail_at;
        EXPECT_EQ(result.error().code, ErrorCode::kStorage);
        EXPECT_EQ(result.error().message, "磁盘读取失败");
      } else {
        EXPECT_TRUE(result.has_value()) << what << " fail_at " << fail_at;
      }
      reads = 0;
    };
    check(Root(7, failing), "root");
    check(InclusionProof(2, 7, failing), "inclusion");
    check(ConsistencyProof(3, 7, failing), "consistency");
    check(AppendNodes(7, EmptyRoot(), failing), "append");
  }
}

TEST(MerkleTest, VerifyRejectsImpossibleArguments) {
  const Hash leaf = LeafHash("x");
  EXPECT_FALSE(VerifyInclusion(leaf, 0, 0, {}, leaf));
  EXPECT_FALSE(VerifyInclusion(leaf, 1, 1, {}, leaf));
  EXPECT_TRUE(VerifyInclusion(leaf, 0, 1, {}, leaf));
  const Hash extra[] = {leaf};
  EXPECT_FALSE(VerifyInclusion(leaf, 0, 1, extra, leaf));
  const auto max = std::numeric_limits<std::uint64_t>::max();
  std::vector<Hash> long_proof(70, leaf);
  EXPECT_FALSE(VerifyInclusion(leaf, max - 1, max, long_proof, leaf));
  EXPECT_FALSE(VerifyConsistency(max, max - 1, leaf, leaf, {}));
  EXPECT_FALSE(VerifyConsistency(max - 1, max, leaf, leaf, long_proof));
}

// ---- encodings ----------------------------------------------------------------

TEST(MerkleTest, HexAndBase64) {
  const Hash h = H(kCtRoots[7]);
  EXPECT_EQ(ToHex(h), kCtRoots[7]);
  EXPECT_EQ(FromHex("5DC9DA79A70659A9AD559CB701DED9A2AB9D823AAD2F4960CFE370EFF4604328"), h);
  EXPECT_FALSE(FromHex(std::string(kCtRoots[7]).substr(0, 62)).has_value());
  EXPECT_FALSE(FromHex(std::string(kCtRoots[7]) + "00").has_value());
  EXPECT_FALSE(FromHex(std::string(63, '0') + "g").has_value());
  EXPECT_FALSE(FromHex(std::string(63, '0') + " ").has_value());
  EXPECT_FALSE(FromHex("").has_value());

  // The empty root in base64, as checkpoints of empty logs carry it.
  EXPECT_EQ(ToBase64(EmptyRoot()), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  EXPECT_EQ(FromBase64("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="), EmptyRoot());
  EXPECT_EQ(FromBase64(ToBase64(h)), h);
  const char* bad[] = {
      "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU",    // no padding
      "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFV=",   // stray bits in the last character
      "47DEQpj8HBSa-_TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",   // URL-safe alphabet
      "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU= ",  // trailing space
      " 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",  // leading space
      "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuA==",   // 31 bytes
      "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFUA",   // 33 bytes
      "",
  };
  for (const char* b : bad) EXPECT_FALSE(FromBase64(b).has_value()) << b;

  EXPECT_EQ(Base64Encode({}), "");
  EXPECT_EQ(Base64Decode(""), std::vector<std::uint8_t>{});
  const std::vector<std::uint8_t> bytes = {0xff, 0x00, 0x10};
  EXPECT_EQ(Base64Encode(bytes), "/wAQ");
  EXPECT_EQ(Base64Decode("/wAQ"), bytes);
  EXPECT_FALSE(Base64Decode("/wA").has_value());
  EXPECT_FALSE(Base64Decode("/wAQ\n").has_value());
  EXPECT_EQ(Base64Decode("/w=="), std::vector<std::uint8_t>{0xff});
  EXPECT_FALSE(Base64Decode("/x==").has_value());  // stray bits
}

}  // namespace
}  // namespace gongkai::merkle
