// The publication ledger's tables (migration 11): leaves, complete-subtree
// hashes, signed tree heads and the public keys.
#include <fmt/core.h>

#include <cstring>

#include "storage/sqlite/sqlite_store.h"

namespace gongkai {

namespace {

std::string_view AsBytes(const Digest& d) {
  return std::string_view(reinterpret_cast<const char*>(d.data()), d.size());
}

Result<Digest> ReadDigest(const sqlite::Statement& st, int col) {
  std::string b = st.Blob(col);
  if (b.size() != 32) return Unexpected(Error::Storage("账本中的哈希值长度不正确"));
  Digest d{};
  std::memcpy(d.data(), b.data(), 32);
  return d;
}

constexpr std::string_view kLeafColumns = "site_id, leaf_index, event_seq, record_id, version, data, hash";

Result<LedgerLeaf> ReadLeaf(const sqlite::Statement& st) {
  LedgerLeaf l;
  l.site_id = st.Int(0);
  l.index = static_cast<std::uint64_t>(st.Int(1));
  l.event_seq = st.Int(2);
  l.record_id = st.Int(3);
  l.version = static_cast<int>(st.Int(4));
  l.data = st.Text(5);
  GK_TRY(h, ReadDigest(st, 6));
  l.hash = h;
  return l;
}

Result<std::vector<LedgerLeaf>> ReadLeaves(sqlite::Statement& st) {
  std::vector<LedgerLeaf> out;
  while (true) {
    GK_TRY(row, st.Step());
    if (!row) break;
    GK_TRY(leaf, ReadLeaf(st));
    out.push_back(std::move(leaf));
  }
  return out;
}

}  // namespace

Result<std::pair<std::uint64_t, std::int64_t>> SqliteStore::LedgerSize(std::int64_t site_id) {
  auto c = sequencer_pool_->Acquire();
  GK_TRY(st, c->PrepareCached(
                 "SELECT leaf_index + 1, event_seq FROM ledger_leaves WHERE site_id = ? ORDER BY leaf_index DESC LIMIT 1"));
  st.Bind(1, site_id);
  GK_TRY(row, st.Step());
  if (!row) return std::pair<std::uint64_t, std::int64_t>{0, 0};
  return std::pair<std::uint64_t, std::int64_t>{static_cast<std::uint64_t>(st.Int(0)), st.Int(1)};
}

Result<Digest> SqliteStore::LedgerNodeHash(std::int64_t site_id, int level, std::uint64_t index) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached("SELECT hash FROM ledger_nodes WHERE site_id = ? AND level = ? AND idx = ?"));
  st.Bind(1, site_id).Bind(2, level).Bind(3, static_cast<std::int64_t>(index));
  GK_TRY(row, st.Step());
  if (!row) return Unexpected(Error::NotFound(fmt::format("账本中没有第{}层第{}个节点", level, index)));
  return ReadDigest(st, 0);
}

Result<std::vector<LedgerNode>> SqliteStore::LedgerNodes(std::int64_t site_id,
                                                         std::span<const std::pair<int, std::uint64_t>> which) {
  auto c = sequencer_pool_->Acquire();
  std::vector<LedgerNode> out;
  out.reserve(which.size());
  if (which.empty()) return out;
  // One read transaction for all of them.
  sqlite::ReadTransaction snapshot(*c);
  GK_CHECK(snapshot.Begin());
  GK_TRY(st, c->PrepareCached("SELECT hash FROM ledger_nodes WHERE site_id = ? AND level = ? AND idx = ?"));
  for (const auto& [level, index] : which) {
    st.Bind(1, site_id).Bind(2, level).Bind(3, static_cast<std::int64_t>(index));
    GK_TRY(row, st.Step());
    if (!row) return Unexpected(Error::NotFound(fmt::format("账本中没有第{}层第{}个节点", level, index)));
    GK_TRY(hash, ReadDigest(st, 0));
    out.push_back(LedgerNode{level, index, hash});
    st.Reset();
  }
  return out;
}

Status SqliteStore::AppendLedger(std::int64_t site_id, std::span<const LedgerLeaf> leaves,
                                 std::span<const LedgerNode> nodes) {
  if (leaves.empty()) return Ok();
  auto c = sequencer_pool_->Acquire();
  // This commit skips the fsync (WAL with synchronous=NORMAL: still atomic
  // and consistent after a crash, but the newest commits may be lost on power
  // failure). What it writes is derived, deterministically, from publication
  // events already committed durably with their records, so a lost append
  // is made again, identically, by the next sequencer run; and the next
  // durable commit (the tree head that signs these leaves, synchronous=FULL)
  // syncs the write-ahead log up to and including it first. Measured: one
  // publication's append drops from ~6 ms (one fsync on this disk) to well
  // under 1 ms (bench/ledger_store_bench.cc).
  GK_CHECK(c->Exec("PRAGMA synchronous=NORMAL"));
  // Nor does it run the WAL checkpoint that may come due with it (a write
  // of up to 1,000 pages into the database and two fsyncs, ~10 ms here,
  // which made the p95 of a single append): MaintainStorage() runs it after
  // the append, or the next commit on another connection does; past
  // 10,000 frames (bulk sequencing with nobody else writing) it runs here.
  c->DeferCheckpoints(&checkpoint_due_);
  struct RestoreFull {
    sqlite::Connection& c;
    ~RestoreFull() {
      (void)c.Exec("PRAGMA synchronous=FULL");
      c.DeferCheckpoints(nullptr);
    }
  } restore{*c};
  sqlite::Transaction tx(*c);
  GK_CHECK(tx.Begin());
  GK_TRY(size, c->PrepareCached("SELECT coalesce(max(leaf_index) + 1, 0) FROM ledger_leaves WHERE site_id = ?"));
  size.Bind(1, site_id);
  GK_TRY(srow, size.Step());
  const auto current = static_cast<std::uint64_t>(srow ? size.Int(0) : 0);
  size.Reset();
  if (current != leaves.front().index)
    return Unexpected(Error::Conflict(
        fmt::format("账本已有{}条记录，不能从第{}条追加（可能有另一个进程正在写入）", current, leaves.front().index)));
  GK_TRY(leaf, c->PrepareCached(fmt::format("INSERT INTO ledger_leaves ({}) VALUES (?, ?, ?, ?, ?, ?, ?)", kLeafColumns)));
  for (const auto& l : leaves) {
    leaf.Bind(1, site_id).Bind(2, static_cast<std::int64_t>(l.index)).Bind(3, l.event_seq).Bind(4, l.record_id);
    leaf.Bind(5, l.version).Bind(6, l.data).BindBlob(7, AsBytes(l.hash));
    GK_CHECK(leaf.Run());
    leaf.Reset();
  }
  GK_TRY(node, c->PrepareCached("INSERT INTO ledger_nodes (site_id, level, idx, hash) VALUES (?, ?, ?, ?)"));
  for (const auto& n : nodes) {
    node.Bind(1, site_id).Bind(2, n.level).Bind(3, static_cast<std::int64_t>(n.index)).BindBlob(4, AsBytes(n.hash));
    GK_CHECK(node.Run());
    node.Reset();
  }
  // Pages show ledger positions: rendered pages of the old revision are stale.
  GK_TRY(rev, c->PrepareCached("UPDATE sites SET revision = revision + 1 WHERE id = ?"));
  rev.Bind(1, site_id);
  GK_CHECK(rev.Run());
  return tx.Commit();
}

Status SqliteStore::MaintainStorage() {
  if (!checkpoint_due_.exchange(false)) return Ok();
  auto c = sequencer_pool_->Acquire();
  return c->Checkpoint();
}

Result<std::vector<LedgerLeaf>> SqliteStore::ListLedgerLeaves(std::int64_t site_id, std::uint64_t start, int limit) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached(fmt::format(
                 "SELECT {} FROM ledger_leaves WHERE site_id = ? AND leaf_index >= ? ORDER BY leaf_index LIMIT ?",
                 kLeafColumns)));
  st.Bind(1, site_id).Bind(2, static_cast<std::int64_t>(start)).Bind(3, limit);
  return ReadLeaves(st);
}

Result<std::vector<LedgerLeaf>> SqliteStore::LedgerLeavesOfRecord(std::int64_t site_id, std::int64_t record_id) {
  auto c = pool_->Acquire();
  // "+site_id": look the record up by ledger_leaves_record. Without it SQLite
  // walks the primary key (site_id, leaf_index) for the ORDER BY, reading
  // every leaf of the site per call.
  GK_TRY(st, c->PrepareCached(fmt::format(
                 "SELECT {} FROM ledger_leaves WHERE record_id = ? AND +site_id = ? ORDER BY leaf_index", kLeafColumns)));
  st.Bind(1, record_id).Bind(2, site_id);
  return ReadLeaves(st);
}

Status SqliteStore::SaveTreeHead(std::int64_t site_id, const SignedTreeHead& h) {
  auto c = sequencer_pool_->Acquire();
  GK_TRY(st, c->PrepareCached(
                 "INSERT INTO ledger_heads (site_id, size, time, root, note) VALUES (?, ?, ?, ?, ?)"));
  st.Bind(1, site_id).Bind(2, static_cast<std::int64_t>(h.size)).Bind(3, h.time).BindBlob(4, AsBytes(h.root));
  st.Bind(5, h.note);
  return st.Run();
}

Result<std::vector<SignedTreeHead>> SqliteStore::ListTreeHeads(std::int64_t site_id, int limit) {
  auto c = sequencer_pool_->Acquire();
  GK_TRY(st, c->PrepareCached(
                 "SELECT size, time, root, note FROM ledger_heads WHERE site_id = ? ORDER BY id DESC LIMIT ?"));
  st.Bind(1, site_id).Bind(2, limit);
  std::vector<SignedTreeHead> out;
  while (true) {
    GK_TRY(row, st.Step());
    if (!row) break;
    SignedTreeHead h;
    h.size = static_cast<std::uint64_t>(st.Int(0));
    h.time = st.Int(1);
    GK_TRY(root, ReadDigest(st, 2));
    h.root = root;
    h.note = st.Text(3);
    out.push_back(std::move(h));
  }
  return out;
}

Status SqliteStore::AddLedgerKey(std::int64_t site_id, const std::string& verifier_key, const std::string& at) {
  auto c = pool_->Acquire();
  sqlite::Transaction tx(*c);
  GK_CHECK(tx.Begin());
  GK_TRY(retire, c->PrepareCached(
                     "UPDATE ledger_keys SET retired_at = ? WHERE site_id = ? AND retired_at = '' AND verifier_key <> ?"));
  retire.Bind(1, at).Bind(2, site_id).Bind(3, verifier_key);
  GK_CHECK(retire.Run());
  // A key taken back into use (an old key file restored) is current again.
  GK_TRY(add, c->PrepareCached(
                  "INSERT INTO ledger_keys (site_id, verifier_key, created_at) VALUES (?, ?, ?) "
                  "ON CONFLICT (site_id, verifier_key) DO UPDATE SET retired_at = '' WHERE retired_at <> ''"));
  add.Bind(1, site_id).Bind(2, verifier_key).Bind(3, at);
  GK_CHECK(add.Run());
  if (c->Changes() > 0) {  // the 公开指南 page shows the keys
    GK_TRY(rev, c->PrepareCached("UPDATE sites SET revision = revision + 1 WHERE id = ?"));
    rev.Bind(1, site_id);
    GK_CHECK(rev.Run());
  }
  return tx.Commit();
}

Result<std::vector<LedgerKeyInfo>> SqliteStore::ListLedgerKeys(std::int64_t site_id) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached(
                 "SELECT verifier_key, created_at, retired_at FROM ledger_keys WHERE site_id = ? "
                 "ORDER BY retired_at = '', created_at"));
  st.Bind(1, site_id);
  std::vector<LedgerKeyInfo> out;
  while (true) {
    GK_TRY(row, st.Step());
    if (!row) break;
    out.push_back(LedgerKeyInfo{st.Text(0), st.Text(1), st.Text(2)});
  }
  return out;
}

Result<std::vector<std::pair<std::int64_t, std::string>>> SqliteStore::ListLastPublicationTimes(
    std::int64_t site_id, std::int64_t after_id, std::int64_t max_id, int limit) {
  auto c = pool_->Acquire();
  // By record id through publication_events_record; the site is checked on each row.
  GK_TRY(st, c->PrepareCached(
                 "SELECT record_id, max(at) FROM publication_events WHERE record_id > ?1 AND record_id <= ?2 "
                 "AND site_id = ?3 GROUP BY record_id ORDER BY record_id LIMIT ?4"));
  st.Bind(1, after_id).Bind(2, max_id).Bind(3, site_id).Bind(4, static_cast<std::int64_t>(limit));
  std::vector<std::pair<std::int64_t, std::string>> out;
  while (true) {
    GK_TRY(row, st.Step());
    if (!row) break;
    out.emplace_back(st.Int(0), st.Text(1));
  }
  return out;
}

Result<int> SqliteStore::SynchronousLevel() {
  auto c = sequencer_pool_->Acquire();
  GK_TRY(st, c->Prepare("PRAGMA synchronous"));
  GK_TRY(row, st.Step());
  if (!row) return Unexpected(Error::Storage("PRAGMA synchronous returned nothing"));
  return static_cast<int>(st.Int(0));
}

Result<std::int64_t> SqliteStore::MmapSize(bool sequencer) {
  auto c = (sequencer ? sequencer_pool_ : pool_)->Acquire();
  GK_TRY(st, c->Prepare("PRAGMA mmap_size"));
  GK_TRY(row, st.Step());
  if (!row) return Unexpected(Error::Storage("PRAGMA mmap_size returned nothing"));
  return st.Int(0);
}

}  // namespace gongkai
