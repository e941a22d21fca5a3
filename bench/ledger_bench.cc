// Publication ledger benchmark: the Merkle tree and checkpoint building
// blocks (app/merkle.h, app/checkpoint.h) at N leaves, without a database.
// The "store" is an unordered_map of (level, index) -> hash filled with what
// AppendNodes returns, read back through a NodeReader, so the figures are
// those of the algorithms plus a hash-map lookup per node read; a real store
// adds its own per-read cost (about 2 log2 N reads per proof).
//
// Measures: per append (leaf hash of ~300 bytes + AppendNodes + storing the
// nodes) mean/p50/p99/max; inclusion proofs at N leaves for 1000 random
// leaves (generation and verification, p50/p99); consistency proofs from
// 1000 random older sizes to N; the root at N; signing and verifying a
// checkpoint; and a full verification of the N-leaf ledger from scratch
// (rehash every leaf from its data, rebuild the tree in a MemoryTree,
// compare the root with a signed checkpoint). Prints figures only.
// Usage: ledger_bench [N=1000000]
#include <fmt/core.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstdlib>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "app/checkpoint.h"
#include "app/merkle.h"

using namespace gongkai;
using SteadyClock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kLeafBytes = 300;
volatile std::uint8_t g_sink;  // keeps the hash-only loop from being optimised away

double Us(SteadyClock::time_point a, SteadyClock::time_point b) {
  return std::chrono::duration<double, std::micro>(b - a).count();
}

struct Stats {
  double mean = 0, p50 = 0, p99 = 0, max = 0;
};

Stats Summarize(std::vector<double> v) {
  Stats s;
  if (v.empty()) return s;
  double sum = 0;
  for (double x : v) sum += x;
  s.mean = sum / static_cast<double>(v.size());
  std::sort(v.begin(), v.end());
  s.p50 = v[v.size() / 2];
  s.p99 = v[std::min(v.size() - 1, v.size() * 99 / 100)];
  s.max = v.back();
  return s;
}

// A publication-sized leaf: what the ledger would commit to per record
// (identifiers, title, timestamps and a content digest), padded to 300 bytes.
void LeafData(std::uint64_t i, std::string& out) {
  out = fmt::format(
      "{{\"seq\":{},\"site\":\"示例区\",\"unit\":\"区人民政府办公室\",\"item\":{},\"record\":{},"
      "\"title\":\"关于第{}号政府信息公开事项的公告\",\"published_at\":\"2025-11-20T10:00:00+08:00\","
      "\"sha256\":\"{}\"}}",
      i, i % 97, 100000 + i, i, merkle::ToHex(merkle::Hash{static_cast<std::uint8_t>(i), 1, 2, 3}));
  out.resize(kLeafBytes, ' ');
}

class MapStore {
 public:
  explicit MapStore(std::size_t leaves) { nodes_.reserve(2 * leaves + 64); }
  merkle::NodeReader reader() const {
    return [this](int level, std::uint64_t index) -> Result<merkle::Hash> {
      auto it = nodes_.find(Key(level, index));
      if (it == nodes_.end()) return Unexpected(Error::Internal("missing node"));
      return it->second;
    };
  }
  void Put(const merkle::Node& node) { nodes_.emplace(Key(node.level, node.index), node.hash); }
  std::size_t node_count() const { return nodes_.size(); }

 private:
  static std::uint64_t Key(int level, std::uint64_t index) { return index << 6 | static_cast<std::uint64_t>(level); }
  std::unordered_map<std::uint64_t, merkle::Hash> nodes_;
};

void Row(const char* what, const Stats& s, const char* target = "") {
  fmt::print("  {:<46} {:>10.1f} {:>10.1f} {:>10.1f} {:>10.1f}   {}\n", what, s.mean, s.p50, s.p99, s.max, target);
}

}  // namespace

int main(int argc, char** argv) {
  const long long arg = argc > 1 ? std::atoll(argv[1]) : 1000000;
  if (arg < 2) return fmt::print(stderr, "usage: ledger_bench [N>=2]\n"), 2;
  const auto n = static_cast<std::uint64_t>(arg);
  std::mt19937_64 rng(42);

  // ---- appends --------------------------------------------------------------
  MapStore store(n);
  const merkle::NodeReader read = store.reader();
  std::vector<double> append_us;
  append_us.reserve(n);
  std::string data;
  auto a0 = SteadyClock::now();
  for (std::uint64_t i = 0; i < n; ++i) {
    LeafData(i, data);
    const auto t0 = SteadyClock::now();
    const merkle::Hash leaf = merkle::LeafHash(data);
    auto nodes = merkle::AppendNodes(i, leaf, read);
    if (!nodes) return fmt::print(stderr, "append {}: {}\n", i, nodes.error().message), 1;
    for (const merkle::Node& node : *nodes) store.Put(node);
    append_us.push_back(Us(t0, SteadyClock::now()));
  }
  const double append_total_s = Us(a0, SteadyClock::now()) / 1e6;

  auto r0 = SteadyClock::now();
  auto root = merkle::Root(n, read);
  const double root_us = Us(r0, SteadyClock::now());
  if (!root) return 1;

  // ---- inclusion proofs --------------------------------------------------------
  std::vector<double> incl_gen, incl_verify, incl_both;
  std::size_t incl_len = 0;
  for (int k = 0; k < 1000; ++k) {
    const std::uint64_t index = rng() % n;
    LeafData(index, data);
    const merkle::Hash leaf = merkle::LeafHash(data);
    const auto t0 = SteadyClock::now();
    auto proof = merkle::InclusionProof(index, n, read);
    const auto t1 = SteadyClock::now();
    if (!proof) return 1;
    const bool ok = merkle::VerifyInclusion(leaf, index, n, *proof, *root);
    const auto t2 = SteadyClock::now();
    if (!ok) return fmt::print(stderr, "inclusion proof for {} did not verify\n", index), 1;
    incl_gen.push_back(Us(t0, t1));
    incl_verify.push_back(Us(t1, t2));
    incl_both.push_back(Us(t0, t2));
    incl_len = std::max(incl_len, proof->size());
  }

  // ---- consistency proofs ------------------------------------------------------
  // Old roots are computed from the store first (not timed).
  std::vector<double> cons_gen, cons_verify;
  std::size_t cons_len = 0;
  for (int k = 0; k < 1000; ++k) {
    const std::uint64_t old_size = 1 + rng() % (n - 1);
    auto old_root = merkle::Root(old_size, read);
    if (!old_root) return 1;
    const auto t0 = SteadyClock::now();
    auto proof = merkle::ConsistencyProof(old_size, n, read);
    const auto t1 = SteadyClock::now();
    if (!proof) return 1;
    const bool ok = merkle::VerifyConsistency(old_size, n, *old_root, *root, *proof);
    const auto t2 = SteadyClock::now();
    if (!ok) return fmt::print(stderr, "consistency proof {} -> {} did not verify\n", old_size, n), 1;
    cons_gen.push_back(Us(t0, t1));
    cons_verify.push_back(Us(t1, t2));
    cons_len = std::max(cons_len, proof->size());
  }

  // ---- checkpoint ----------------------------------------------------------------
  auto key = ledger::GenerateKey("gongkai.example.gov.cn/ledger");
  if (!key) return 1;
  const ledger::TreeHead head{"gongkai.example.gov.cn/ledger", n, *root, 1763604000};
  std::vector<double> sign_us, verify_us;
  std::string note;
  const std::vector<std::string> verifier_keys = {ledger::VerifierKey(*key)};
  for (int k = 0; k < 200; ++k) {
    const auto t0 = SteadyClock::now();
    note = ledger::SignTreeHead(head, *key);
    const auto t1 = SteadyClock::now();
    auto verified = ledger::VerifyTreeHead(note, verifier_keys);
    const auto t2 = SteadyClock::now();
    if (!verified || *verified != head) return 1;
    sign_us.push_back(Us(t0, t1));
    verify_us.push_back(Us(t1, t2));
  }

  // ---- full verification from scratch ----------------------------------------------
  // What an auditor does with an exported ledger: check the checkpoint's
  // signature, rehash every leaf from its data, rebuild the tree, compare.
  // Leaf data is generated up front (not timed), as if read from the export.
  std::vector<char> all(n * kLeafBytes);
  for (std::uint64_t i = 0; i < n; ++i) {
    LeafData(i, data);
    std::copy(data.begin(), data.end(), all.begin() + static_cast<std::ptrdiff_t>(i * kLeafBytes));
  }
  const auto v0 = SteadyClock::now();
  auto checked = ledger::VerifyTreeHead(note, verifier_keys);
  if (!checked) return 1;
  merkle::MemoryTree tree;
  for (std::uint64_t i = 0; i < checked->size; ++i) {
    tree.AppendHash(merkle::LeafHash(std::string_view(all.data() + i * kLeafBytes, kLeafBytes)));
  }
  const bool full_ok = tree.Root() == checked->root;
  const double full_s = Us(v0, SteadyClock::now()) / 1e6;
  if (!full_ok) return fmt::print(stderr, "full verification: root mismatch\n"), 1;

  // Only the leaf hashing, for scale.
  const auto h0 = SteadyClock::now();
  for (std::uint64_t i = 0; i < n; ++i) {
    g_sink = merkle::LeafHash(std::string_view(all.data() + i * kLeafBytes, kLeafBytes))[0];
  }
  const double hash_only_s = Us(h0, SteadyClock::now()) / 1e6;

  // ---- report --------------------------------------------------------------------
  fmt::print("ledger bench: N = {} leaves of {} bytes; {} stored nodes (in-memory hash map)\n", n, kLeafBytes,
             store.node_count());
  fmt::print("root at N: {}  (computed in {:.1f} us from {} complete subtrees)\n\n", merkle::ToHex(*root), root_us,
             std::popcount(n));
  fmt::print("  {:<46} {:>10} {:>10} {:>10} {:>10}   {}\n", "operation (microseconds)", "mean", "p50", "p99", "max",
             "product target");
  Row("append: leaf hash + AppendNodes + store nodes", Summarize(append_us), "< 1000 us");
  Row(fmt::format("inclusion proof: generate ({} hashes max)", incl_len).c_str(), Summarize(incl_gen));
  Row("inclusion proof: verify", Summarize(incl_verify));
  Row("inclusion proof: generate + verify", Summarize(incl_both), "< 5000 us");
  Row(fmt::format("consistency proof: generate ({} hashes max)", cons_len).c_str(), Summarize(cons_gen));
  Row("consistency proof: verify", Summarize(cons_verify));
  Row("checkpoint: sign (Ed25519)", Summarize(sign_us));
  Row("checkpoint: verify (parse + Ed25519)", Summarize(verify_us));
  fmt::print("\n  all {} appends: {:.2f} s in total ({:.0f} appends/s, including generating leaf data)\n", n,
             append_total_s, static_cast<double>(n) / append_total_s);
  fmt::print(
      "  full verification of {} leaves from scratch: {:.2f} s (target < 10 s); of which leaf hashing "
      "~{:.2f} s ({:.0f} MB/s)\n",
      n, full_s, hash_only_s, static_cast<double>(n * kLeafBytes) / 1e6 / hash_only_s);
  return 0;
}
