// PgStore: the publication ledger's tables (leaves, complete-subtree
// hashes, signed tree heads, public keys). Mirrors sqlite_ledger.cc;
// ListLedgerSources, which reads records, is in pg_records.cc.
#include <fmt/core.h>

#include <cstring>

#include "storage/postgres/pg_store.h"

namespace gongkai {

using pg::WithConnection;

namespace {

pqxx::binarystring Bytes(const Digest& d) { return pqxx::binarystring(d.data(), d.size()); }

Result<Digest> ReadDigest(const pqxx::field& f) {
  pqxx::binarystring b(f);
  if (b.size() != 32) return Unexpected(Error::Storage("账本中的哈希值长度不正确"));
  Digest d{};
  std::memcpy(d.data(), b.data(), 32);
  return d;
}

constexpr const char* kLeafColumns = "site_id, leaf_index, event_seq, record_id, version, data, hash";

Result<std::vector<LedgerLeaf>> ReadLeaves(const pqxx::result& rows) {
  std::vector<LedgerLeaf> out;
  for (const auto& r : rows) {
    LedgerLeaf l;
    l.site_id = r[0].as<std::int64_t>();
    l.index = static_cast<std::uint64_t>(r[1].as<std::int64_t>());
    l.event_seq = r[2].as<std::int64_t>();
    l.record_id = r[3].as<std::int64_t>();
    l.version = r[4].as<int>();
    l.data = r[5].as<std::string>();
    GK_TRY(h, ReadDigest(r[6]));
    l.hash = h;
    out.push_back(std::move(l));
  }
  return out;
}

Error NoNode(int level, std::uint64_t index) {
  return Error::NotFound(fmt::format("账本中没有第{}层第{}个节点", level, index));
}

}  // namespace

Result<std::pair<std::uint64_t, std::int64_t>> PgStore::LedgerSize(std::int64_t site_id) {
  using Size = std::pair<std::uint64_t, std::int64_t>;
  return WithConnection(*pool_, "LedgerSize", [&](pqxx::connection& c) -> Result<Size> {
    pqxx::read_transaction tx(c);
    auto r = tx.exec_params(
        "SELECT leaf_index + 1, event_seq FROM ledger_leaves WHERE site_id = $1 ORDER BY leaf_index DESC LIMIT 1",
        site_id);
    if (r.empty()) return Size{0, 0};
    return Size{static_cast<std::uint64_t>(r[0][0].as<std::int64_t>()), r[0][1].as<std::int64_t>()};
  });
}

Result<Digest> PgStore::LedgerNodeHash(std::int64_t site_id, int level, std::uint64_t index) {
  return WithConnection(*pool_, "LedgerNodeHash", [&](pqxx::connection& c) -> Result<Digest> {
    pqxx::read_transaction tx(c);
    auto r = tx.exec_params("SELECT hash FROM ledger_nodes WHERE site_id = $1 AND level = $2 AND idx = $3", site_id,
                            level, static_cast<std::int64_t>(index));
    if (r.empty()) return Unexpected(NoNode(level, index));
    return ReadDigest(r[0][0]);
  });
}

Result<std::vector<LedgerNode>> PgStore::LedgerNodes(std::int64_t site_id,
                                                     std::span<const std::pair<int, std::uint64_t>> which) {
  return WithConnection(*pool_, "LedgerNodes", [&](pqxx::connection& c) -> Result<std::vector<LedgerNode>> {
    std::vector<LedgerNode> out;
    out.reserve(which.size());
    if (which.empty()) return out;
    pg::Snapshot tx(c);  // one snapshot for all of them
    for (const auto& wanted : which) {
      auto r = tx.exec_params("SELECT hash FROM ledger_nodes WHERE site_id = $1 AND level = $2 AND idx = $3", site_id,
                              wanted.first, static_cast<std::int64_t>(wanted.second));
      if (r.empty()) return Unexpected(NoNode(wanted.first, wanted.second));
      GK_TRY(hash, ReadDigest(r[0][0]));
      out.push_back(LedgerNode{wanted.first, wanted.second, hash});
    }
    return out;
  });
}

Status PgStore::AppendLedger(std::int64_t site_id, std::span<const LedgerLeaf> leaves,
                             std::span<const LedgerNode> nodes) {
  if (leaves.empty()) return Ok();
  const auto first = leaves.front().index;
  auto done = WithConnection(*pool_, "AppendLedger", [&](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    // The append bumps the site's revision, which locks the site row
    // anyway: taking that lock first makes concurrent sequencers of one
    // site queue here, so the size read below is the one appended to.
    tx.exec_params("SELECT 1 FROM sites WHERE id = $1 FOR NO KEY UPDATE", site_id);
    const auto current = static_cast<std::uint64_t>(
        tx.exec_params("SELECT coalesce(max(leaf_index) + 1, 0) FROM ledger_leaves WHERE site_id = $1", site_id)[0][0]
            .as<std::int64_t>());
    if (current != first)
      return Unexpected(Error::Conflict(
          fmt::format("账本已有{}条记录，不能从第{}条追加（可能有另一个进程正在写入）", current, first)));
    for (const auto& l : leaves)
      tx.exec_params(fmt::format("INSERT INTO ledger_leaves ({}) VALUES ($1, $2, $3, $4, $5, $6, $7)", kLeafColumns),
                     site_id, static_cast<std::int64_t>(l.index), l.event_seq, l.record_id, l.version, l.data,
                     Bytes(l.hash));
    for (const auto& n : nodes)
      tx.exec_params("INSERT INTO ledger_nodes (site_id, level, idx, hash) VALUES ($1, $2, $3, $4)", site_id, n.level,
                     static_cast<std::int64_t>(n.index), Bytes(n.hash));
    // Pages show ledger positions: rendered pages of the old revision are stale.
    tx.exec_params("UPDATE sites SET revision = revision + 1 WHERE id = $1", site_id);
    tx.commit();
    return Ok();
  });
  // A leaf or node already there (a site row missing, so no lock taken):
  // the same answer as a size mismatch.
  if (!done && done.error().code == ErrorCode::kConflict && done.error().message.starts_with("数据已存在"))
    return Unexpected(Error::Conflict(fmt::format("账本不能从第{}条追加（可能有另一个进程正在写入）", first)));
  return done;
}

Result<std::vector<LedgerLeaf>> PgStore::ListLedgerLeaves(std::int64_t site_id, std::uint64_t start, int limit) {
  return WithConnection(*pool_, "ListLedgerLeaves", [&](pqxx::connection& c) -> Result<std::vector<LedgerLeaf>> {
    pqxx::read_transaction tx(c);
    std::optional<int> lim;  // SQLite: a negative LIMIT is none
    if (limit >= 0) lim = limit;
    return ReadLeaves(tx.exec_params(
        fmt::format("SELECT {} FROM ledger_leaves WHERE site_id = $1 AND leaf_index >= $2 ORDER BY leaf_index LIMIT $3",
                    kLeafColumns),
        site_id, static_cast<std::int64_t>(start), lim));
  });
}

Result<std::vector<LedgerLeaf>> PgStore::LedgerLeavesOfRecord(std::int64_t site_id, std::int64_t record_id) {
  return WithConnection(*pool_, "LedgerLeavesOfRecord", [&](pqxx::connection& c) -> Result<std::vector<LedgerLeaf>> {
    pqxx::read_transaction tx(c);
    return ReadLeaves(tx.exec_params(
        fmt::format("SELECT {} FROM ledger_leaves WHERE record_id = $1 AND site_id = $2 ORDER BY leaf_index",
                    kLeafColumns),
        record_id, site_id));
  });
}

Status PgStore::SaveTreeHead(std::int64_t site_id, const SignedTreeHead& h) {
  return WithConnection(*pool_, "SaveTreeHead", [&](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    tx.exec_params("INSERT INTO ledger_heads (site_id, size, time, root, note) VALUES ($1, $2, $3, $4, $5)", site_id,
                   static_cast<std::int64_t>(h.size), h.time, Bytes(h.root), h.note);
    tx.commit();
    return Ok();
  });
}

Result<std::vector<SignedTreeHead>> PgStore::ListTreeHeads(std::int64_t site_id, int limit) {
  return WithConnection(*pool_, "ListTreeHeads", [&](pqxx::connection& c) -> Result<std::vector<SignedTreeHead>> {
    pqxx::read_transaction tx(c);
    std::optional<int> lim;
    if (limit >= 0) lim = limit;
    std::vector<SignedTreeHead> out;
    for (const auto& r :
         tx.exec_params("SELECT size, time, root, note FROM ledger_heads WHERE site_id = $1 ORDER BY id DESC LIMIT $2",
                        site_id, lim)) {
      SignedTreeHead h;
      h.size = static_cast<std::uint64_t>(r[0].as<std::int64_t>());
      h.time = r[1].as<std::int64_t>();
      GK_TRY(root, ReadDigest(r[2]));
      h.root = root;
      h.note = r[3].as<std::string>();
      out.push_back(std::move(h));
    }
    return out;
  });
}

Status PgStore::AddLedgerKey(std::int64_t site_id, const std::string& verifier_key, const std::string& at) {
  return WithConnection(*pool_, "AddLedgerKey", [&](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    tx.exec_params(
        "UPDATE ledger_keys SET retired_at = $1 WHERE site_id = $2 AND retired_at = '' AND verifier_key <> $3", at,
        site_id, verifier_key);
    // A key taken back into use (an old key file restored) is current again.
    auto added = tx.exec_params(
        "INSERT INTO ledger_keys (site_id, verifier_key, created_at) VALUES ($1, $2, $3) "
        "ON CONFLICT (site_id, verifier_key) DO UPDATE SET retired_at = '' WHERE ledger_keys.retired_at <> ''",
        site_id, verifier_key, at);
    if (added.affected_rows() > 0)  // the 公开指南 page shows the keys
      tx.exec_params("UPDATE sites SET revision = revision + 1 WHERE id = $1", site_id);
    tx.commit();
    return Ok();
  });
}

Result<std::vector<LedgerKeyInfo>> PgStore::ListLedgerKeys(std::int64_t site_id) {
  return WithConnection(*pool_, "ListLedgerKeys", [&](pqxx::connection& c) -> Result<std::vector<LedgerKeyInfo>> {
    pqxx::read_transaction tx(c);
    std::vector<LedgerKeyInfo> out;
    // Retired keys first (false sorts before true, as SQLite's 0 before 1), current last.
    for (const auto& r :
         tx.exec_params("SELECT verifier_key, created_at, retired_at FROM ledger_keys WHERE site_id = $1 "
                        "ORDER BY retired_at = '', created_at",
                        site_id))
      out.push_back(LedgerKeyInfo{r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>()});
    return out;
  });
}

}  // namespace gongkai
