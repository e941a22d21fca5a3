#include "storage/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "codec/catalog_json.h"
#include "search/query.h"
#include "search/tokenizer.h"
#include "storage/sqlite/db.h"
#include "storage/sqlite/fts.h"
#include "storage/sqlite/migrations.h"

namespace gongkai {
namespace {

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("gongkai-store-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto s = SqliteStore::Open((dir_ / "t.db").string(), 2);
    ASSERT_TRUE(s.has_value()) << s.error().Describe();
    store_ = std::move(*s);
    auto v = store_->Migrate();
    ASSERT_TRUE(v.has_value()) << v.error().Describe();
    auto site = store_->CreateSite(NewSite{"demo", "示例区人民政府", ""});
    ASSERT_TRUE(site.has_value()) << site.error().Describe();
    site_ = *site;
    auto seed = LoadSeedCatalog();
    ASSERT_TRUE(seed.has_value());
    seed_ = *seed;
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  std::unique_ptr<SqliteStore> store_;
  Site site_;
  Catalog seed_;
};

TEST_F(SqliteStoreTest, MigrateIsIdempotentAndReachesLatest) {
  auto again = store_->Migrate();
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(*again, sqlite::Migrations().back().version);
  EXPECT_EQ(*store_->SchemaVersion(), sqlite::Migrations().back().version);
}

TEST_F(SqliteStoreTest, LoadWithoutCatalogueIsNotFound) {
  auto c = store_->LoadCatalog(site_.id);
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, ErrorCode::kNotFound);
}

TEST_F(SqliteStoreTest, SaveThenLoadIsExactAndBumpsRevision) {
  ASSERT_TRUE(store_->SaveCatalog(site_.id, seed_).has_value());
  auto c = store_->LoadCatalog(site_.id);
  ASSERT_TRUE(c.has_value()) << c.error().Describe();
  EXPECT_EQ(*c, seed_);
  EXPECT_EQ(*store_->Revision(site_.id), 1);
  ASSERT_TRUE(store_->SaveCatalog(site_.id, seed_).has_value());
  EXPECT_EQ(*store_->Revision(site_.id), 2);
}

TEST_F(SqliteStoreTest, ReplacingRemovesAndRenamesWithinOneTransaction) {
  ASSERT_TRUE(store_->SaveCatalog(site_.id, seed_).has_value());
  Catalog smaller = seed_;
  smaller.areas.pop_back();  // drop area 3 and its items
  smaller.areas[0].items[0].elements.erase(smaller.areas[0].items[0].elements.begin());
  smaller.areas[0].items[0].elements.push_back(Element{"新增要素", ""});
  std::erase_if(smaller.units, [&](const UnitInfo& u) { return u.name == "区红十字会"; });
  ASSERT_TRUE(store_->SaveCatalog(site_.id, smaller).has_value());
  auto c = store_->LoadCatalog(site_.id);
  ASSERT_TRUE(c.has_value()) << c.error().Describe();
  EXPECT_EQ(*c, smaller);
}

TEST_F(SqliteStoreTest, InvalidCatalogueChangesNothing) {
  ASSERT_TRUE(store_->SaveCatalog(site_.id, seed_).has_value());
  Catalog bad = seed_;
  bad.areas[1].items[0].number = 1;  // duplicate item number
  auto s = store_->SaveCatalog(site_.id, bad);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(*store_->LoadCatalog(site_.id), seed_);
  EXPECT_EQ(*store_->Revision(site_.id), 1);
}

TEST_F(SqliteStoreTest, DuplicateSiteIsConflict) {
  auto s = store_->CreateSite(NewSite{"demo", "另一个", ""});
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kConflict);
  auto sites = store_->ListSites();
  ASSERT_TRUE(sites.has_value());
  EXPECT_EQ(sites->size(), 1u);
}

TEST_F(SqliteStoreTest, TwoSitesCannotShareAHostName) {
  auto a = store_->CreateSite(NewSite{"pudong", "浦东", "pd.example.cn"});
  ASSERT_TRUE(a.has_value()) << a.error().Describe();
  auto b = store_->CreateSite(NewSite{"minhang", "闵行", "pd.example.cn"});
  ASSERT_FALSE(b.has_value());
  EXPECT_EQ(b.error().code, ErrorCode::kConflict);
  EXPECT_EQ(b.error().field, "host");
  // Sites without a host of their own do not collide.
  ASSERT_TRUE(store_->CreateSite(NewSite{"x1", "甲", ""}).has_value());
  ASSERT_TRUE(store_->CreateSite(NewSite{"x2", "乙", ""}).has_value());
  auto sites = store_->ListSites();
  ASSERT_TRUE(sites.has_value());
  EXPECT_EQ(sites->size(), 4u);
  auto found = store_->FindSite("pudong");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->host, "pd.example.cn");
}

TEST_F(SqliteStoreTest, SitesAreIsolated) {
  auto other = store_->CreateSite(NewSite{"other", "另一区", ""});
  ASSERT_TRUE(other.has_value());
  ASSERT_TRUE(store_->SaveCatalog(site_.id, seed_).has_value());
  Catalog small = seed_;
  small.areas.resize(1);
  ASSERT_TRUE(store_->SaveCatalog(other->id, small).has_value());
  EXPECT_EQ(*store_->LoadCatalog(site_.id), seed_);
  EXPECT_EQ(store_->LoadCatalog(other->id)->ItemCount(), 8u);
}

// The ledger append commits without an fsync (its leaves are re-derived
// from durable events if lost); every other commit must stay FULL, so the
// append must hand its connection back as it found it, also when it fails.
TEST_F(SqliteStoreTest, LedgerAppendLeavesTheConnectionFullySynchronous) {
  auto one = SqliteStore::Open((dir_ / "t.db").string(), 1);  // one connection: the append's is the next one's
  ASSERT_TRUE(one.has_value()) << one.error().Describe();
  auto& store = **one;
  ASSERT_EQ(*store.SynchronousLevel(), 2);
  LedgerLeaf leaf;
  leaf.site_id = site_.id;
  leaf.index = 0;
  leaf.event_seq = 1;
  leaf.record_id = 1;
  leaf.version = 1;
  leaf.data = "{}";
  ASSERT_TRUE(store.AppendLedger(site_.id, std::span<const LedgerLeaf>(&leaf, 1), {}).has_value());
  EXPECT_EQ(*store.SynchronousLevel(), 2);
  EXPECT_EQ(store.LedgerSize(site_.id)->first, 1u);
  // Refused (the ledger already has leaf 0): still FULL afterwards.
  auto again = store.AppendLedger(site_.id, std::span<const LedgerLeaf>(&leaf, 1), {});
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(*store.SynchronousLevel(), 2);
}

// The sequencer's connections read without mmap (see sequencer_pool_);
// the others keep it.
TEST_F(SqliteStoreTest, OnlyTheSequencersConnectionsReadWithoutMmap) {
  EXPECT_EQ(*store_->MmapSize(true), 0);
  EXPECT_GT(*store_->MmapSize(false), 0);
}

// Frames in the write-ahead log (and a passive checkpoint of them).
int WalFrames(sqlite::Connection& c) {
  auto st = c.Prepare("PRAGMA wal_checkpoint(PASSIVE)");  // (busy, frames in the log, frames checkpointed)
  EXPECT_TRUE(st.has_value());
  auto row = st->Step();
  EXPECT_TRUE(row.has_value() && *row);
  return static_cast<int>(st->Int(1));
}

// A commit that fills the log past kCheckpointFrames checkpoints it (the
// next commit starts the log over) unless checkpoints are deferred: then
// it only flags one as due, and Checkpoint() runs it later.
TEST_F(SqliteStoreTest, DeferredCheckpointsWaitForCheckpoint) {
  const std::string path = (dir_ / "wal.db").string();
  auto opened = sqlite::Connection::Open(path);
  ASSERT_TRUE(opened.has_value());
  auto& c = **opened;
  ASSERT_TRUE(c.Exec("CREATE TABLE t (x BLOB)").has_value());
  const std::string big = "INSERT INTO t VALUES (zeroblob(6000000))";  // ~1,470 pages of 4 KiB
  // Not deferred: the big commit checkpoints, so the small one restarts the log.
  ASSERT_TRUE(c.Exec(big).has_value());
  ASSERT_TRUE(c.Exec("INSERT INTO t VALUES (1)").has_value());
  EXPECT_LT(WalFrames(c), sqlite::Connection::kCheckpointFrames);
  // Deferred: nothing is checkpointed until Checkpoint().
  std::atomic<bool> due{false};
  c.DeferCheckpoints(&due);
  ASSERT_TRUE(c.Exec(big).has_value());
  EXPECT_TRUE(due.load());
  ASSERT_TRUE(c.Exec("INSERT INTO t VALUES (2)").has_value());
  EXPECT_GT(WalFrames(c), sqlite::Connection::kCheckpointFrames);  // not started over
  // Deferred, then Checkpoint(): the next commit starts the log over.
  due = false;
  ASSERT_TRUE(c.Exec(big).has_value());
  EXPECT_TRUE(due.load());
  ASSERT_TRUE(c.Checkpoint().has_value());
  ASSERT_TRUE(c.Exec("INSERT INTO t VALUES (3)").has_value());
  EXPECT_LT(WalFrames(c), sqlite::Connection::kCheckpointFrames);
  c.DeferCheckpoints(nullptr);
}

// MaintainStorage with nothing due does nothing and succeeds.
TEST_F(SqliteStoreTest, MaintainStorageWithNothingDueIsOk) {
  EXPECT_TRUE(store_->MaintainStorage().has_value());
}

}  // namespace
}  // namespace gongkai

namespace gongkai {
namespace {

// The tokenizer before migration 15: a marker unigram colocated with every
// bigram of a run of ideographs (here only for 3-byte ideographs, enough
// for the text below).
int OldTokenize(Fts5Tokenizer*, void* ctx, int, const char* text, int length,
                int (*emit)(void*, int, const char*, int, int, int)) {
  const std::string s(text, static_cast<std::size_t>(length));
  for (std::size_t i = 0; i + 3 <= s.size(); i += 3) {
    if (i + 6 <= s.size()) {
      if (int rc = emit(ctx, 0, s.data() + i, 6, 0, length); rc != SQLITE_OK) return rc;
    }
    const std::string marker = std::string(search::kUnigramMarker) + s.substr(i, 3);
    const int flags = i + 6 <= s.size() ? FTS5_TOKEN_COLOCATED : 0;
    if (int rc = emit(ctx, flags, marker.data(), static_cast<int>(marker.size()), 0, length); rc != SQLITE_OK) {
      return rc;
    }
  }
  return SQLITE_OK;
}

int OldCreate(void*, const char**, int, Fts5Tokenizer** out) {
  static int dummy = 0;
  *out = reinterpret_cast<Fts5Tokenizer*>(&dummy);
  return SQLITE_OK;
}
void OldDelete(Fts5Tokenizer*) {}

TEST(SqliteMigrationTest, Migration15RebuildsAnOldIndexWithoutColocatedMarkers) {
  const auto dir = std::filesystem::temp_directory_path() / ("gongkai-mig15-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "t.db").string();
  {
    auto store = SqliteStore::Open(path, 1);
    ASSERT_TRUE(store.has_value());
    ASSERT_TRUE((*store)->Migrate().has_value());
  }
  {
    // Write one row with the old tokenizer and step back to version 14.
    auto c = sqlite::Connection::Open(path);
    ASSERT_TRUE(c.has_value());
    fts5_api* api = nullptr;
    sqlite3_stmt* st = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2((*c)->raw(), "SELECT fts5(?1)", -1, &st, nullptr), SQLITE_OK);
    sqlite3_bind_pointer(st, 1, reinterpret_cast<void*>(&api), "fts5_api_ptr", nullptr);
    sqlite3_step(st);
    sqlite3_finalize(st);
    ASSERT_NE(api, nullptr);
    static fts5_tokenizer old{OldCreate, OldDelete, OldTokenize};
    ASSERT_EQ(api->xCreateTokenizer(api, "gongkai", nullptr, &old, nullptr), SQLITE_OK);
    ASSERT_TRUE((*c)->Exec("INSERT INTO search_index (rowid, title, doc_number, body, unit, item, attachments) "
                           "VALUES (7, '扶贫资金', '', '年度', '', '', '')"));
    ASSERT_TRUE((*c)->Exec("DELETE FROM schema_migrations WHERE version >= 15"));
  }
  auto store = SqliteStore::Open(path, 1);
  ASSERT_TRUE(store.has_value());
  auto version = (*store)->Migrate();
  ASSERT_TRUE(version.has_value()) << version.error().Describe();
  EXPECT_EQ(*version, sqlite::Migrations().back().version);
  auto c = sqlite::Connection::Open(path);
  ASSERT_TRUE(c.has_value());
  ASSERT_TRUE(sqlite::RegisterSearchTokenizer(**c));
  ASSERT_TRUE((*c)->Exec("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, search_index, 'row')"));
  auto markers = (*c)->Prepare("SELECT group_concat(substr(term, 2), '') FROM (SELECT term FROM temp.vocab WHERE "
                               "term >= char(1) AND term < char(2) ORDER BY term)");
  ASSERT_TRUE(markers.has_value());
  ASSERT_TRUE(*markers->Step());
  // Only the last characters of the two runs keep a marker (金, 度); the
  // old index had one for each of the six characters.
  const std::string got = markers->Text(0);
  EXPECT_TRUE(got == "金度" || got == "度金") << got;
  markers->Reset();
  // 扶 (inside a run now) is still found, through the bigram prefix.
  auto hit = (*c)->Prepare("SELECT rowid FROM search_index WHERE search_index MATCH ?");
  ASSERT_TRUE(hit.has_value());
  hit->Bind(1, search::ToFts5Match(*search::ParseSearchQuery("扶")));
  ASSERT_TRUE(*hit->Step());
  EXPECT_EQ(hit->Int(0), 7);
  hit->Reset();
  c->reset();
  store->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace gongkai
