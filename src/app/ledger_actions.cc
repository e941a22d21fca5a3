#include "app/ledger_actions.h"

#include <algorithm>
#include <fmt/core.h>

#include <unordered_map>

#include "app/record_json.h"
#include "core/timestamp.h"

namespace gongkai {

namespace {

constexpr std::int64_t kDaySeconds = 24 * 60 * 60;
constexpr int kBatch = 1000;

struct PairHash {
  std::size_t operator()(const std::pair<int, std::uint64_t>& p) const {
    return std::hash<std::uint64_t>()(p.second * 64 + static_cast<std::uint64_t>(p.first));
  }
};

}  // namespace

std::string LedgerOrigin(const Site& site) { return "gongkai/" + site.slug; }

merkle::NodeReader LedgerReader(Store& store, std::int64_t site_id) {
  return [&store, site_id](int level, std::uint64_t index) -> Result<merkle::Hash> {
    return store.LedgerNodeHash(site_id, level, index);
  };
}

std::string LeafData(const std::string& site_slug, std::uint64_t leaf_index, const PublicationEvent& e,
                     const std::string& record_sha256, const std::vector<std::string>& attachments) {
  nlohmann::json j;
  j["at"] = e.at;
  j["attachments"] = attachments;
  j["event_seq"] = e.seq;
  j["index_number"] = e.index_number;
  j["kind"] = PublicationKindName(e.kind);
  j["leaf_index"] = leaf_index;
  j["record_id"] = e.record_id;
  j["record_sha256"] = record_sha256;
  j["site"] = site_slug;
  j["version"] = e.version;
  return CanonicalJson(j);
}

Result<SequenceOutcome> SequenceLedger(Store& store, const Site& site, const ledger::SigningKey* key,
                                       std::chrono::sys_seconds now, bool force_sign) {
  SequenceOutcome out;
  GK_TRY(size_seq, store.LedgerSize(site.id));
  // Plain variables, not a structured binding: the lambdas below capture
  // `size`, which clang 14 (the fuzz build) refuses for a binding.
  std::uint64_t size = size_seq.first;
  std::int64_t last_seq = size_seq.second;
  // The subtree hashes the next appends and the root read: the frontier of
  // the tree (merkle::Frontier), read from the store once, then kept
  // current in memory as leaves are appended (the nodes AppendNodes
  // returns are stored with the leaves). Another sequencer appending in
  // between makes AppendLedger refuse (Conflict) before anything is written.
  std::unordered_map<std::pair<int, std::uint64_t>, merkle::Hash, PairHash> known;
  // Only the frontier of `size` stays in memory (at most 64 nodes).
  auto keep_frontier = [&] {
    decltype(known) frontier;
    for (const auto& at : merkle::Frontier(size))
      if (auto it = known.find(at); it != known.end()) frontier.insert(*it);
    known = std::move(frontier);
  };
  bool frontier_read = false;
  merkle::NodeReader stored = LedgerReader(store, site.id);
  merkle::NodeReader read = [&](int level, std::uint64_t index) -> Result<merkle::Hash> {
    auto it = known.find({level, index});
    if (it != known.end()) return it->second;
    return stored(level, index);
  };
  while (true) {
    GK_TRY(sources, store.ListLedgerSources(site.id, last_seq, kBatch));
    if (sources.empty()) break;
    if (!frontier_read) {
      const auto at = merkle::Frontier(size);
      GK_TRY(frontier, store.LedgerNodes(site.id, at));
      for (const auto& n : frontier) known[{n.level, n.index}] = n.hash;
      frontier_read = true;
    }
    std::vector<LedgerLeaf> leaves;
    std::vector<LedgerNode> nodes;
    for (const auto& s : sources) {
      const PublicationEvent& e = s.event;
      std::vector<std::string> files;
      for (const auto& a : PublicAttachments(s.version.content.attachments)) files.push_back(a.sha256);
      LedgerLeaf leaf;
      leaf.site_id = site.id;
      leaf.index = size + leaves.size();
      leaf.event_seq = e.seq;
      leaf.record_id = e.record_id;
      leaf.version = e.version;
      leaf.data = LeafData(site.slug, leaf.index, e, RecordVersionSha256(site.slug, s.record, s.version), files);
      leaf.hash = merkle::LeafHash(leaf.data);
      GK_TRY(completed, merkle::AppendNodes(leaf.index, leaf.hash, read));
      for (const auto& n : completed) {
        known[{n.level, n.index}] = n.hash;
        nodes.push_back(LedgerNode{n.level, n.index, n.hash});
      }
      leaves.push_back(std::move(leaf));
    }
    GK_CHECK(store.AppendLedger(site.id, leaves, nodes));
    size += leaves.size();
    out.appended += leaves.size();
    last_seq = sources.back().event.seq;
    keep_frontier();
    if (static_cast<int>(sources.size()) < kBatch) break;
  }
  out.size = size;
  if (!key) return out;
  GK_TRY(heads, store.ListTreeHeads(site.id, 1));
  const std::int64_t t = now.time_since_epoch().count();
  const bool stale =
      force_sign || heads.empty() || heads[0].size != size || t - heads[0].time >= kDaySeconds;
  if (!stale) return out;
  ledger::TreeHead head;
  head.origin = LedgerOrigin(site);
  head.size = size;
  // From the frontier in memory when this call appended or read it; from the store otherwise.
  GK_TRY(root, merkle::Root(size, read));
  head.root = root;
  head.time = t;
  std::string note = ledger::SignTreeHead(head, *key);
  if (note.empty()) return Unexpected(Error::Internal("树头签名失败：签名密钥不一致"));
  GK_CHECK(store.SaveTreeHead(site.id, SignedTreeHead{head.size, head.time, head.root, std::move(note)}));
  out.signed_head = true;
  return out;
}

namespace {

// The 8 hex digits of a verifier key's key id ("<name>+<id>+<key>").
std::string KeyIdOf(const std::string& verifier) {
  const auto plus = verifier.find('+');
  return plus == std::string::npos ? verifier : verifier.substr(plus + 1, 8);
}

// The site's current (not retired) public key; "" when it has none.
Result<std::string> CurrentLedgerKey(Store& store, const Site& site) {
  GK_TRY(keys, store.ListLedgerKeys(site.id));
  for (auto it = keys.rbegin(); it != keys.rend(); ++it)
    if (it->retired_at.empty()) return it->verifier_key;
  return std::string();
}

// How to get out of a refusal below.
std::string KeyAdvice(const std::filesystem::path& path) {
  return fmt::format(
      "请把该站点原来的密钥文件复制到“{}”（权限600），或用 --ledger-key 指向原来的密钥文件；"
      "如确需更换签名密钥，请用 gongkai ledger rotate-key",
      path.string());
}

}  // namespace

Result<ledger::SigningKey> EnsureLedgerKey(Store& store, const Site& site, const std::filesystem::path& path,
                                           bool create, std::chrono::sys_seconds now) {
  GK_TRY(current, CurrentLedgerKey(store, site));
  auto loaded = ledger::LoadKey(path);
  if (loaded) {
    const std::string verifier = ledger::VerifierKey(*loaded);
    if (!current.empty() && verifier != current)
      return Unexpected(Error::Conflict(fmt::format(
          "站点“{}”已登记的当前账本签名公钥是{}（密钥编号{}），而密钥文件“{}”中是另一把密钥（{}，密钥编号{}）："
          "未用它签名，也未登记它。{}",
          site.slug, current.substr(0, current.find('+')), KeyIdOf(current), path.string(), loaded->name,
          KeyIdOf(verifier), KeyAdvice(path))));
    if (current.empty()) GK_CHECK(store.AddLedgerKey(site.id, verifier, FormatUtc(now)));
    return loaded;
  }
  if (loaded.error().code != ErrorCode::kNotFound) return Unexpected(loaded.error());
  if (!current.empty())
    return Unexpected(Error::NotFound(fmt::format(
        "找不到站点“{}”的账本签名密钥文件“{}”（已登记的当前公钥：{}，密钥编号{}）：未创建新密钥。{}", site.slug,
        path.string(), current.substr(0, current.find('+')), KeyIdOf(current), KeyAdvice(path))));
  if (!create) return Unexpected(loaded.error());
  GK_TRY(key, ledger::GenerateKey(LedgerOrigin(site)));
  GK_CHECK(ledger::SaveKey(path, key));
  GK_CHECK(store.AddLedgerKey(site.id, ledger::VerifierKey(key), FormatUtc(now)));
  return key;
}

Result<std::string> CurrentLedgerKeyId(Store& store, const Site& site) {
  GK_TRY(current, CurrentLedgerKey(store, site));
  return current.empty() ? current : KeyIdOf(current);
}

Result<std::optional<std::filesystem::path>> FindSiteLedgerKey(Store& store, const Site& site,
                                                               const std::filesystem::path& base) {
  GK_TRY(current, CurrentLedgerKey(store, site));
  if (current.empty()) return std::optional<std::filesystem::path>();
  std::filesystem::path own = base;
  own += "." + site.slug;
  for (const auto& candidate : {own, base}) {
    auto key = ledger::LoadKey(candidate);  // a missing or unreadable file is simply not it
    if (key && ledger::VerifierKey(*key) == current) return std::optional<std::filesystem::path>(candidate);
  }
  return std::optional<std::filesystem::path>();
}

Result<std::filesystem::path> SiteLedgerKeyPath(Store& store, const Site& site, const std::filesystem::path& base) {
  GK_TRY(found, FindSiteLedgerKey(store, site, base));
  if (found) return *found;
  std::filesystem::path own = base;
  own += "." + site.slug;
  GK_TRY(sites, store.ListSites());
  std::int64_t first = site.id;
  for (const auto& s : sites) first = std::min(first, s.id);
  return site.id == first ? base : own;
}

Result<ledger::SigningKey> RotateLedgerKey(Store& store, const Site& site, const std::filesystem::path& path,
                                           bool key_lost, std::chrono::sys_seconds now) {
  GK_TRY(current, CurrentLedgerKey(store, site));
  auto old = ledger::LoadKey(path);
  if (!old && old.error().code != ErrorCode::kNotFound) return Unexpected(old.error());
  const std::string current_id = current.empty() ? std::string("无") : KeyIdOf(current);
  if (!old && !key_lost)
    // Most likely a forgotten or mistyped --ledger-key: replacing the key
    // would retire the one the server still signs with.
    return Unexpected(Error::NotFound(fmt::format(
        "找不到站点“{}”的账本签名密钥文件“{}”（已登记的当前密钥编号{}）：未作更换。"
        "如果密钥文件在别处，请用 --ledger-key 指向它；如果密钥确已丢失，请加 --key-lost 重新运行",
        site.slug, path.string(), current_id)));
  if (old && key_lost)
    return Unexpected(Error::Conflict(fmt::format(
        "指定了 --key-lost，但站点“{}”的密钥文件“{}”存在（密钥编号{}）：密钥并未丢失，未作更换。"
        "如需更换，请去掉 --key-lost 重新运行",
        site.slug, path.string(), KeyIdOf(ledger::VerifierKey(*old)))));
  GK_TRY(fresh, ledger::GenerateKey(LedgerOrigin(site)));
  std::error_code ec;
  if (!old) {
    // The current key's file is lost (confirmed by the caller): a deliberate
    // replacement. The registered key is retired below, so heads it signed
    // stay verifiable.
    GK_CHECK(ledger::SaveKey(path, fresh));
    if (auto added = store.AddLedgerKey(site.id, ledger::VerifierKey(fresh), FormatUtc(now)); !added) {
      std::filesystem::remove(path, ec);  // leave the files as the database is
      return Unexpected(added.error());
    }
    return fresh;
  }
  const std::string old_public = ledger::VerifierKey(*old);
  if (!current.empty() && old_public != current)
    return Unexpected(Error::Conflict(fmt::format(
        "密钥文件“{}”中的密钥（{}，密钥编号{}）不是站点“{}”已登记的当前签名公钥（密钥编号{}），未作更换："
        "请用 --ledger-key 指向该站点的密钥文件",
        path.string(), old->name, KeyIdOf(old_public), site.slug, KeyIdOf(current))));
  const std::string id = KeyIdOf(old_public);
  std::filesystem::path retired = path;
  retired += ".retired-" + id;
  if (std::filesystem::exists(retired, ec))
    return Unexpected(Error::Conflict(fmt::format("已存在退役密钥文件{}", retired.string())));
  std::filesystem::rename(path, retired, ec);
  if (ec) return Unexpected(Error::Storage(fmt::format("无法移走旧密钥文件：{}", ec.message())));
  if (auto saved = ledger::SaveKey(path, fresh); !saved) {
    std::filesystem::rename(retired, path, ec);  // put the old key back
    return Unexpected(saved.error());
  }
  if (auto added = store.AddLedgerKey(site.id, ledger::VerifierKey(fresh), FormatUtc(now)); !added) {
    // The database still names the old key: put its file back.
    std::filesystem::remove(path, ec);
    std::filesystem::rename(retired, path, ec);
    return Unexpected(added.error());
  }
  return fresh;
}

Result<InclusionAnswer> ProveInclusion(Store& store, const Site& site, std::uint64_t index, std::uint64_t tree_size) {
  GK_TRY(size_seq, store.LedgerSize(site.id));
  const std::uint64_t size = size_seq.first;
  if (tree_size == 0) tree_size = size;
  if (tree_size > size)
    return Unexpected(Error::Invalid(fmt::format("树大小（tree_size）{}超过账本当前大小{}", tree_size, size), "tree_size"));
  if (index >= tree_size)
    return Unexpected(Error::Invalid(
        fmt::format("叶子序号（index）{}超出范围：大小为{}的树只有0至{}", index, tree_size, tree_size - 1), "index"));
  GK_TRY(leaves, store.ListLedgerLeaves(site.id, index, 1));
  if (leaves.empty()) return Unexpected(Error::NotFound(fmt::format("账本中没有第{}条记录", index)));
  InclusionAnswer a;
  a.leaf = std::move(leaves[0]);
  a.tree_size = tree_size;
  auto reader = LedgerReader(store, site.id);
  GK_TRY(path, merkle::InclusionProof(index, tree_size, reader));
  a.path = std::move(path);
  GK_TRY(root, merkle::Root(tree_size, reader));
  a.root = root;
  return a;
}

Result<ConsistencyAnswer> ProveConsistency(Store& store, const Site& site, std::uint64_t first, std::uint64_t second) {
  GK_TRY(size_seq, store.LedgerSize(site.id));
  const std::uint64_t size = size_seq.first;
  if (second == 0) second = size;
  if (second > size)
    return Unexpected(Error::Invalid(fmt::format("第二个树大小（second）{}超过账本当前大小{}", second, size), "second"));
  if (first < 1 || first > second)
    return Unexpected(Error::Invalid(
        fmt::format("第一个树大小（first）{}无效：应在1至{}之间", first, second), "first"));
  auto reader = LedgerReader(store, site.id);
  ConsistencyAnswer a;
  a.first = first;
  a.second = second;
  GK_TRY(proof, merkle::ConsistencyProof(first, second, reader));
  a.proof = std::move(proof);
  GK_TRY(r1, merkle::Root(first, reader));
  GK_TRY(r2, merkle::Root(second, reader));
  a.first_root = r1;
  a.second_root = r2;
  return a;
}

}  // namespace gongkai
