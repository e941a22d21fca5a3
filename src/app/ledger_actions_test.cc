// The publication ledger through the store: sequencing, signed heads,
// proofs, key rotation, and the dump's offline verification catching every
// kind of tampering.
#include "app/ledger_actions.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <sstream>

#include "app/crypto.h"
#include "app/dump.h"
#include "app/ledger_verify.h"
#include "app/record_json.h"
#include "app/test_site.h"
#include "codec/rules_codec.h"

namespace gongkai {
namespace {

using testing_support::TempSiteTest;

std::string Slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void Spit(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

bool Mentions(const VerifyReport& r, const std::string& needle) {
  for (const auto& f : r.failed)
    if (f.find(needle) != std::string::npos) return true;
  return false;
}

class LedgerTest : public TempSiteTest {
 protected:
  void SetUp() override {
    TempSiteTest::SetUp();
    auto key = EnsureLedgerKey(*store_, site_, dir_ / "ledger.key", true, clock_.now);
    ASSERT_TRUE(key.has_value()) << key.error().Describe();
    key_ = *key;
    keys_ = {ledger::VerifierKey(key_)};
  }
  std::int64_t Published(const std::string& title, bool with_file = false) {
    const std::int64_t id = Draft("区财政局", 12, title);
    if (with_file) {
      auto a = AddAttachment(As(Role::kLiaison, "区财政局"), id, "名单.txt", "附件正文：采购结果一览\n", 1 << 20);
      EXPECT_TRUE(a.has_value()) << a.error().Describe();
    }
    EXPECT_TRUE(Publish(id, "区财政局").has_value());
    return id;
  }
  SequenceOutcome Sequence() {
    auto s = SequenceLedger(*store_, site_, &key_, clock_.now);
    EXPECT_TRUE(s.has_value()) << s.error().Describe();
    return s.value_or(SequenceOutcome{});
  }
  SignedTreeHead LatestHead() { return store_->ListTreeHeads(site_.id, 1)->at(0); }
  ledger::SigningKey key_;
  std::vector<std::string> keys_;
};

TEST_F(LedgerTest, EveryEventBecomesALeafInOrderAndHeadsAreSigned) {
  const auto a = Published("采购公告一");
  const auto b = Published("采购公告二");
  auto first = Sequence();
  EXPECT_EQ(first.appended, 2u);
  EXPECT_EQ(first.size, 2u);
  EXPECT_TRUE(first.signed_head);
  // Nothing new: nothing appended and no new head (the last is fresh).
  auto again = Sequence();
  EXPECT_EQ(again.appended, 0u);
  EXPECT_FALSE(again.signed_head);
  // A day later a head is signed again even without news.
  clock_.now += std::chrono::hours(25);
  EXPECT_TRUE(Sequence().signed_head);

  ASSERT_TRUE(WithdrawRecord(As(Role::kLeader, "区财政局"), a, "信息有误").has_value());
  auto third = Sequence();
  EXPECT_EQ(third.appended, 1u);
  auto leaves = *store_->ListLedgerLeaves(site_.id, 0, 10);
  ASSERT_EQ(leaves.size(), 3u);
  EXPECT_EQ(leaves[0].record_id, a);
  EXPECT_EQ(leaves[1].record_id, b);
  EXPECT_NE(leaves[2].data.find("\"kind\":\"withdraw\""), std::string::npos);
  // The leaf names the canonical hash of the version it published.
  auto rec = *store_->GetRecord(b);
  auto versions = *store_->ListVersions(b);
  EXPECT_NE(leaves[1].data.find(RecordVersionSha256("demo", rec, versions[0])), std::string::npos);
  EXPECT_EQ(leaves[1].hash, merkle::LeafHash(leaves[1].data));

  // The newest head verifies with the site's key and commits to all three leaves.
  auto head = ledger::VerifyTreeHead(LatestHead().note, keys_);
  ASSERT_TRUE(head.has_value()) << head.error().Describe();
  EXPECT_EQ(head->size, 3u);
  EXPECT_EQ(head->origin, "gongkai/demo");
  std::vector<merkle::Hash> hashes;
  for (const auto& l : leaves) hashes.push_back(l.hash);
  EXPECT_EQ(head->root, merkle::RootOfLeaves(hashes));
}

TEST_F(LedgerTest, ProofsFromTheStoreVerifyAgainstSignedHeads) {
  for (int i = 0; i < 13; ++i) Published(fmt::format("信息{}", i));
  Sequence();
  const auto old_head = *ledger::VerifyTreeHead(LatestHead().note, keys_);
  for (int i = 13; i < 21; ++i) Published(fmt::format("信息{}", i));
  Sequence();
  const auto new_head = *ledger::VerifyTreeHead(LatestHead().note, keys_);
  ASSERT_EQ(old_head.size, 13u);
  ASSERT_EQ(new_head.size, 21u);
  for (std::uint64_t i = 0; i < 21; ++i) {
    auto p = ProveInclusion(*store_, site_, i, 0);
    ASSERT_TRUE(p.has_value()) << p.error().Describe();
    EXPECT_EQ(p->root, new_head.root);
    EXPECT_TRUE(merkle::VerifyInclusion(p->leaf.hash, i, 21, p->path, new_head.root)) << i;
    if (i < 13) {
      auto q = ProveInclusion(*store_, site_, i, 13);
      ASSERT_TRUE(q.has_value());
      EXPECT_TRUE(merkle::VerifyInclusion(q->leaf.hash, i, 13, q->path, old_head.root)) << i;
    }
  }
  auto c = ProveConsistency(*store_, site_, 13, 21);
  ASSERT_TRUE(c.has_value()) << c.error().Describe();
  EXPECT_EQ(c->first_root, old_head.root);
  EXPECT_TRUE(merkle::VerifyConsistency(13, 21, old_head.root, new_head.root, c->proof));
  // Out of range: refused, naming the parameter.
  EXPECT_EQ(ProveInclusion(*store_, site_, 21, 0).error().field, "index");
  EXPECT_EQ(ProveInclusion(*store_, site_, 0, 22).error().field, "tree_size");
  EXPECT_EQ(ProveConsistency(*store_, site_, 0, 21).error().field, "first");
  EXPECT_EQ(ProveConsistency(*store_, site_, 22, 21).error().field, "first");
  EXPECT_EQ(ProveConsistency(*store_, site_, 1, 22).error().field, "second");
}

// One event per run, as the server's sequencer mostly sees them: each run
// reads the tree's frontier once and appends from memory; the stored nodes
// and every signed root must be those of the tree built in memory.
TEST_F(LedgerTest, OneAtATimeStoresTheNodesOfTheTreeInMemory) {
  merkle::MemoryTree tree;
  constexpr std::uint64_t kLeaves = 23;
  for (std::uint64_t i = 0; i < kLeaves; ++i) {
    Published(fmt::format("信息{}", i));
    auto s = Sequence();
    ASSERT_EQ(s.appended, 1u);
    auto leaf = store_->ListLedgerLeaves(site_.id, i, 1);
    ASSERT_TRUE(leaf.has_value() && leaf->size() == 1u);
    tree.AppendHash(leaf->at(0).hash);
    EXPECT_EQ(LatestHead().root, tree.Root()) << i;
  }
  // Every complete node, and none more.
  for (int level = 0; level < 6; ++level) {
    for (std::uint64_t index = 0; index <= (kLeaves >> level); ++index) {
      auto expected = tree.node(level, index);
      auto stored = store_->LedgerNodeHash(site_.id, level, index);
      ASSERT_EQ(stored.has_value(), expected.has_value()) << level << "/" << index;
      if (expected) {
        EXPECT_EQ(*stored, *expected) << level << "/" << index;
      }
    }
  }
  // Several at once, in the order asked; an absent one is NotFound.
  const auto frontier = merkle::Frontier(kLeaves);
  auto nodes = store_->LedgerNodes(site_.id, frontier);
  ASSERT_TRUE(nodes.has_value()) << nodes.error().Describe();
  ASSERT_EQ(nodes->size(), frontier.size());
  for (std::size_t k = 0; k < frontier.size(); ++k) {
    EXPECT_EQ((*nodes)[k].level, frontier[k].first);
    EXPECT_EQ((*nodes)[k].index, frontier[k].second);
    EXPECT_EQ((*nodes)[k].hash, tree.node(frontier[k].first, frontier[k].second));
  }
  const std::vector<std::pair<int, std::uint64_t>> absent = {{0, 0}, {0, kLeaves}};
  auto missing = store_->LedgerNodes(site_.id, absent);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

// The sequencer reads, per event, only the version the event names.
TEST_F(LedgerTest, SourcesCarryTheVersionTheEventNames) {
  const auto a = Published("采购公告");
  auto rev = StartRevision(As(Role::kLiaison, "区财政局"), a);
  ASSERT_TRUE(rev.has_value()) << rev.error().Describe();
  RecordContent c = rev->draft;
  c.title = "采购公告（更正）";
  ASSERT_TRUE(UpdateDraft(As(Role::kLiaison, "区财政局"), a, c, "更正标题").has_value());
  ASSERT_TRUE(Publish(a, "区财政局").has_value());
  auto sources = store_->ListLedgerSources(site_.id, 0, 10);
  ASSERT_TRUE(sources.has_value()) << sources.error().Describe();
  ASSERT_EQ(sources->size(), 2u);
  EXPECT_EQ((*sources)[0].event.version, 1);
  EXPECT_EQ((*sources)[0].version.version, 1);
  EXPECT_EQ((*sources)[0].version.content.title, "采购公告");
  EXPECT_EQ((*sources)[1].event.version, 2);
  EXPECT_EQ((*sources)[1].version.version, 2);
  EXPECT_EQ((*sources)[1].version.content.title, "采购公告（更正）");
  EXPECT_EQ((*sources)[1].record.id, a);
  auto after = store_->ListLedgerSources(site_.id, (*sources)[0].event.seq, 10);
  ASSERT_TRUE(after.has_value());
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ((*after)[0].event.seq, (*sources)[1].event.seq);
}

// An event whose version is missing (a damaged database) stops the
// sequencer before anything is written: the ledger never skips an event.
TEST_F(LedgerTest, AnEventWithoutItsVersionStopsTheSequencer) {
  const auto a = Published("一");
  Sequence();
  {
    auto raw = sqlite::Connection::Open(store_->path());
    ASSERT_TRUE(raw.has_value());
    ASSERT_TRUE((*raw)->Exec(fmt::format(
                    "INSERT INTO publication_events (site_id, record_id, version, kind, at, index_number, unit_name, "
                    "item_number, title) VALUES ({}, {}, 9, 'revise', '2026-09-25T03:00:00Z', '', '区财政局', 12, '一')",
                    site_.id, a)).has_value());
  }
  Published("二");  // a good event after the bad one
  auto s = SequenceLedger(*store_, site_, &key_, clock_.now);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kInternal);
  EXPECT_EQ(store_->LedgerSize(site_.id)->first, 1u);
}

TEST_F(LedgerTest, AConcurrentAppendIsRefusedWithoutWriting) {
  Published("一");
  Sequence();
  LedgerLeaf stale;
  stale.index = 0;  // the ledger already has leaf 0
  stale.data = "{}";
  auto r = store_->AppendLedger(site_.id, std::span<const LedgerLeaf>(&stale, 1), {});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
  EXPECT_EQ(store_->LedgerSize(site_.id)->first, 1u);
}

TEST_F(LedgerTest, RotationKeepsOldHeadsVerifiable) {
  Published("一");
  Sequence();
  const std::string old_note = LatestHead().note;
  const std::string old_key = keys_[0];
  auto fresh = RotateLedgerKey(*store_, site_, dir_ / "ledger.key", false, clock_.now);
  ASSERT_TRUE(fresh.has_value()) << fresh.error().Describe();
  EXPECT_TRUE(std::filesystem::exists(dir_ / ("ledger.key.retired-" + old_key.substr(old_key.find('+') + 1, 8))));
  ASSERT_TRUE(SequenceLedger(*store_, site_, &*fresh, clock_.now, true).has_value());
  const std::string new_note = LatestHead().note;
  auto listed = *store_->ListLedgerKeys(site_.id);
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].verifier_key, old_key);
  EXPECT_FALSE(listed[0].retired_at.empty());
  EXPECT_TRUE(listed[1].retired_at.empty());
  std::vector<std::string> both{listed[0].verifier_key, listed[1].verifier_key};
  EXPECT_TRUE(ledger::VerifyTreeHead(old_note, both).has_value());
  EXPECT_TRUE(ledger::VerifyTreeHead(new_note, both).has_value());
  // The new key alone cannot vouch for the old head, nor the old for the new.
  EXPECT_FALSE(ledger::VerifyTreeHead(old_note, std::vector<std::string>{listed[1].verifier_key}).has_value());
  EXPECT_FALSE(ledger::VerifyTreeHead(new_note, std::vector<std::string>{old_key}).has_value());
  // The key file is the new one, private to its owner.
  auto loaded = ledger::LoadKey(dir_ / "ledger.key");
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(ledger::VerifierKey(*loaded), listed[1].verifier_key);
}

// Which file holds a site's signing key, and what happens when it is not
// there: regression tests for a migrated site signing with another
// district's key, and for a mistyped --ledger-key retiring the published key.
class LedgerKeyFileTest : public TempSiteTest {
 protected:
  void SetUp() override {
    TempSiteTest::SetUp();
    base_ = dir_ / "gk.ledger-key";
  }
  std::filesystem::path At(const std::string& suffix) const { return base_.string() + suffix; }
  Site AddSite(const std::string& slug) {
    auto s = store_->CreateSite(NewSite{slug, slug + "区人民政府", ""});
    EXPECT_TRUE(s.has_value());
    return s.value_or(Site{});
  }
  // The site's registered keys as "verifier|retired?" lines, for "unchanged" checks.
  std::vector<std::string> Keys(const Site& site) {
    std::vector<std::string> out;
    auto listed = store_->ListLedgerKeys(site.id);
    EXPECT_TRUE(listed.has_value());
    if (!listed) return out;
    for (const auto& k : *listed)
      out.push_back(k.verifier_key + (k.retired_at.empty() ? "|current" : "|retired"));
    return out;
  }
  static std::string IdOf(const ledger::SigningKey& key) {
    const std::string v = ledger::VerifierKey(key);
    return v.substr(v.find('+') + 1, 8);
  }
  std::filesystem::path base_;
};

TEST_F(LedgerKeyFileTest, TheFileHoldingTheSitesRegisteredKeyIsItsKeyFileWhicheverSiteIsFirst) {
  // demo is first in this database, but came from one where it was not:
  // its key is in "<base>.demo", and "<base>" is another district's key.
  auto demo_key = EnsureLedgerKey(*store_, site_, At(".demo"), true, clock_.now);
  ASSERT_TRUE(demo_key.has_value()) << demo_key.error().Describe();
  auto other = ledger::GenerateKey("gongkai/west");
  ASSERT_TRUE(other.has_value());
  ASSERT_TRUE(ledger::SaveKey(base_, *other).has_value());
  // east is not first, but its key is "<base>" itself.
  const Site east = AddSite("east");
  std::filesystem::create_directories(dir_ / "east");
  const std::filesystem::path east_base = dir_ / "east" / "gk.ledger-key";
  ASSERT_TRUE(EnsureLedgerKey(*store_, east, east_base, true, clock_.now).has_value());
  // A site without a key yet: the first site's rule (not first: "<base>.<slug>").
  const Site north = AddSite("north");
  struct Case {
    const Site* site;
    std::filesystem::path base, want;
  } cases[] = {
      {&site_, base_, At(".demo")},
      {&east, east_base, east_base},
      {&north, base_, At(".north")},
      {&site_, dir_ / "elsewhere.key", dir_ / "elsewhere.key"},  // no file holds it: the old rule
  };
  for (const auto& c : cases) {
    auto path = SiteLedgerKeyPath(*store_, *c.site, c.base);
    ASSERT_TRUE(path.has_value()) << path.error().Describe();
    EXPECT_EQ(*path, c.want) << c.site->slug << " with base " << c.base;
  }
  // The server's way in: path, then key; nothing else registered or retired.
  const auto before = Keys(site_);
  auto path = SiteLedgerKeyPath(*store_, site_, base_);
  ASSERT_TRUE(path.has_value());
  auto key = EnsureLedgerKey(*store_, site_, *path, true, clock_.now);
  ASSERT_TRUE(key.has_value()) << key.error().Describe();
  EXPECT_EQ(ledger::VerifierKey(*key), ledger::VerifierKey(*demo_key));
  EXPECT_EQ(Keys(site_), before);
}

TEST_F(LedgerKeyFileTest, AMissingKeyFileOfASiteWithAKeyIsRefusedAndNothingIsCreated) {
  auto key = EnsureLedgerKey(*store_, site_, base_, true, clock_.now);
  ASSERT_TRUE(key.has_value()) << key.error().Describe();
  const auto before = Keys(site_);
  const std::filesystem::path typo = dir_ / "gk.ledger-kye";
  auto r = EnsureLedgerKey(*store_, site_, typo, true, clock_.now);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  for (const std::string& needle : {std::string("“demo”"), IdOf(*key), typo.string(), std::string("rotate-key"),
                                    std::string("--ledger-key")})
    EXPECT_NE(r.error().message.find(needle), std::string::npos) << needle << " not in: " << r.error().message;
  EXPECT_FALSE(std::filesystem::exists(typo));
  EXPECT_EQ(Keys(site_), before);
}

TEST_F(LedgerKeyFileTest, AKeyFileWithAnotherKeyIsRefusedAndTheCurrentKeyStays) {
  auto key = EnsureLedgerKey(*store_, site_, base_, true, clock_.now);
  ASSERT_TRUE(key.has_value()) << key.error().Describe();
  // Another server's own key file, and an old key of the site brought back.
  auto stranger = ledger::GenerateKey("gongkai/demo");
  ASSERT_TRUE(stranger.has_value());
  ASSERT_TRUE(ledger::SaveKey(dir_ / "other.key", *stranger).has_value());
  const auto before = Keys(site_);
  for (int round = 0; round < 2; ++round) {  // two servers taking turns
    auto r = EnsureLedgerKey(*store_, site_, dir_ / "other.key", true, clock_.now);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::kConflict);
    EXPECT_NE(r.error().message.find(IdOf(*key)), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find(IdOf(*stranger)), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find((dir_ / "other.key").string()), std::string::npos) << r.error().message;
    EXPECT_EQ(Keys(site_), before);
    ASSERT_TRUE(EnsureLedgerKey(*store_, site_, base_, true, clock_.now).has_value());
    EXPECT_EQ(Keys(site_), before);
  }
}

TEST_F(LedgerKeyFileTest, ASiteWithoutAKeyGetsOneOrRegistersItsFile) {
  auto made = EnsureLedgerKey(*store_, site_, base_, true, clock_.now);
  ASSERT_TRUE(made.has_value()) << made.error().Describe();
  EXPECT_TRUE(std::filesystem::exists(base_));
  EXPECT_EQ(Keys(site_), std::vector<std::string>{ledger::VerifierKey(*made) + "|current"});
  // Without `create` a missing file is NotFound and nothing is made.
  const Site east = AddSite("east");
  auto none = EnsureLedgerKey(*store_, east, At(".east"), false, clock_.now);
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(At(".east")));
  EXPECT_TRUE(Keys(east).empty());
  // A file already there (copied by hand) is registered as it is.
  auto copied = ledger::GenerateKey("gongkai/east");
  ASSERT_TRUE(copied.has_value());
  ASSERT_TRUE(ledger::SaveKey(At(".east"), *copied).has_value());
  ASSERT_TRUE(EnsureLedgerKey(*store_, east, At(".east"), false, clock_.now).has_value());
  EXPECT_EQ(Keys(east), std::vector<std::string>{ledger::VerifierKey(*copied) + "|current"});
}

TEST_F(LedgerKeyFileTest, RotationReplacesALostKeyButNotAFileWithAnotherKey) {
  auto key = EnsureLedgerKey(*store_, site_, base_, true, clock_.now);
  ASSERT_TRUE(key.has_value()) << key.error().Describe();
  auto stranger = ledger::GenerateKey("gongkai/west");
  ASSERT_TRUE(stranger.has_value());
  ASSERT_TRUE(ledger::SaveKey(dir_ / "west.key", *stranger).has_value());
  const auto before = Keys(site_);
  auto refused = RotateLedgerKey(*store_, site_, dir_ / "west.key", false, clock_.now);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
  EXPECT_EQ(Keys(site_), before);
  EXPECT_EQ(ledger::VerifierKey(*ledger::LoadKey(dir_ / "west.key")), ledger::VerifierKey(*stranger));
  // --key-lost with the file present: the key is not lost, nothing changes.
  auto not_lost = RotateLedgerKey(*store_, site_, base_, true, clock_.now);
  ASSERT_FALSE(not_lost.has_value());
  EXPECT_EQ(not_lost.error().code, ErrorCode::kConflict);
  EXPECT_EQ(Keys(site_), before);
  EXPECT_EQ(ledger::VerifierKey(*ledger::LoadKey(base_)), ledger::VerifierKey(*key));
  EXPECT_FALSE(std::filesystem::exists(At(".retired-" + IdOf(*key))));
  // The key file is missing (a forgotten --ledger-key, say): refused without
  // the confirmation, naming the site, the path and the current key id.
  std::filesystem::remove(base_);
  ASSERT_FALSE(EnsureLedgerKey(*store_, site_, base_, true, clock_.now).has_value());
  auto unconfirmed = RotateLedgerKey(*store_, site_, base_, false, clock_.now);
  ASSERT_FALSE(unconfirmed.has_value());
  EXPECT_EQ(unconfirmed.error().code, ErrorCode::kNotFound);
  for (const std::string& needle : {std::string("“demo”"), base_.string(), IdOf(*key), std::string("--ledger-key"),
                                    std::string("--key-lost")})
    EXPECT_NE(unconfirmed.error().message.find(needle), std::string::npos) << needle << ": " << unconfirmed.error().message;
  EXPECT_EQ(Keys(site_), before);
  EXPECT_FALSE(std::filesystem::exists(base_));
  // Confirmed lost: rotation is the deliberate way to a new key.
  auto fresh = RotateLedgerKey(*store_, site_, base_, true, clock_.now);
  ASSERT_TRUE(fresh.has_value()) << fresh.error().Describe();
  EXPECT_EQ(Keys(site_), (std::vector<std::string>{ledger::VerifierKey(*key) + "|retired",
                                                   ledger::VerifierKey(*fresh) + "|current"}));
  EXPECT_TRUE(EnsureLedgerKey(*store_, site_, base_, true, clock_.now).has_value());
}

TEST_F(LedgerKeyFileTest, RotationPutsTheFilesBackWhenTheNewKeyCannotBeRegistered) {
  auto key = EnsureLedgerKey(*store_, site_, base_, true, clock_.now);
  ASSERT_TRUE(key.has_value()) << key.error().Describe();
  const auto before = Keys(site_);
  // The database refuses any new key (from outside, as a full disk would).
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "t.db").string().c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "CREATE TRIGGER no_new_keys BEFORE INSERT ON ledger_keys "
                         "BEGIN SELECT RAISE(ABORT, 'refused'); END;",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto rotated = RotateLedgerKey(*store_, site_, base_, false, clock_.now);
  ASSERT_FALSE(rotated.has_value());
  EXPECT_EQ(Keys(site_), before);
  ASSERT_TRUE(std::filesystem::exists(base_));
  EXPECT_EQ(ledger::VerifierKey(*ledger::LoadKey(base_)), ledger::VerifierKey(*key));
  EXPECT_FALSE(std::filesystem::exists(At(".retired-" + IdOf(*key))));
  // The lost-key path leaves no new file behind either.
  std::filesystem::remove(base_);
  auto replaced = RotateLedgerKey(*store_, site_, base_, true, clock_.now);
  ASSERT_FALSE(replaced.has_value());
  EXPECT_EQ(Keys(site_), before);
  EXPECT_FALSE(std::filesystem::exists(base_));
}

class DumpTest : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    with_file_ = Published("带附件的采购结果", true);
    for (int i = 0; i < 5; ++i) Published(fmt::format("信息{}", i));
    ASSERT_TRUE(StartRevision(As(Role::kLiaison, "区财政局"), with_file_).has_value());
    ASSERT_TRUE(UpdateDraft(As(Role::kLiaison, "区财政局"), with_file_, Content("带附件的采购结果（更正）"), "更正").has_value());
    ASSERT_TRUE(Publish(with_file_, "区财政局").has_value());
    Sequence();
    good_ = dir_ / "dump";
    auto sum = WriteDump(*store_, site_, good_, true);
    ASSERT_TRUE(sum.has_value()) << sum.error().Describe();
    EXPECT_EQ(sum->versions, 7);
    EXPECT_EQ(sum->leaves, 7u);
    EXPECT_EQ(sum->files, 1);
  }
  // A copy of the good dump to tamper with.
  std::filesystem::path Copy(const std::string& name) {
    auto to = dir_ / name;
    std::filesystem::copy(good_, to, std::filesystem::copy_options::recursive);
    return to;
  }
  std::vector<std::string> Lines(const std::filesystem::path& p) {
    std::vector<std::string> out;
    std::istringstream in(Slurp(p));
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
  }
  void WriteLines(const std::filesystem::path& p, const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& l : lines) text += l + "\n";
    Spit(p, text);
  }
  std::int64_t with_file_ = 0;
  std::filesystem::path good_;
};

TEST_F(DumpTest, AnUntouchedDumpVerifies) {
  auto r = VerifyDump(good_, keys_);
  EXPECT_TRUE(r.ok()) << (r.failed.empty() ? "" : r.failed[0]);
  EXPECT_GE(r.passed.size(), 4u);
}

TEST_F(DumpTest, OneChangedByteOfARecordIsNamed) {
  auto d = Copy("t1");
  auto lines = Lines(d / "records.jsonl");
  auto pos = lines[2].find("信息");
  ASSERT_NE(pos, std::string::npos);
  lines[2][pos + 3] ^= 0x01;  // one byte of the title's second character
  WriteLines(d / "records.jsonl", lines);
  auto r = VerifyDump(d, keys_);
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(Mentions(r, "records.jsonl第3行")) << r.failed[0];
}

TEST_F(DumpTest, OneChangedByteOfAnAttachmentIsNamed) {
  auto d = Copy("t2");
  std::filesystem::path file;
  for (const auto& e : std::filesystem::directory_iterator(d / "files")) file = e.path();
  std::string bytes = Slurp(file);
  bytes[0] ^= 0x20;
  Spit(file, bytes);
  auto r = VerifyDump(d, keys_);
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(Mentions(r, "名单.txt")) << r.failed[0];
}

TEST_F(DumpTest, OneChangedByteOfALedgerEntryIsDetected) {
  auto d = Copy("t3");
  auto lines = Lines(d / "ledger.jsonl");
  auto pos = lines[3].find("\"at\":\"");
  lines[3][pos + 6 + 3] = lines[3][pos + 6 + 3] == '1' ? '2' : '1';  // a digit of the year
  WriteLines(d / "ledger.jsonl", lines);
  auto r = VerifyDump(d, keys_);
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(Mentions(r, "根哈希")) << r.failed[0];
}

TEST_F(DumpTest, ReorderedAndDroppedEntriesAreNamed) {
  auto d = Copy("t4");
  auto lines = Lines(d / "ledger.jsonl");
  std::swap(lines[1], lines[2]);
  WriteLines(d / "ledger.jsonl", lines);
  auto r = VerifyDump(d, keys_);
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(Mentions(r, "账本第2行")) << r.failed[0];
  EXPECT_TRUE(Mentions(r, "账本第3行"));

  auto e = Copy("t5");
  auto fewer = Lines(e / "ledger.jsonl");
  fewer.erase(fewer.begin() + 4);
  WriteLines(e / "ledger.jsonl", fewer);
  auto dropped = VerifyDump(e, keys_);
  EXPECT_FALSE(dropped.ok());
  EXPECT_TRUE(Mentions(dropped, "有记录缺失"));
  EXPECT_TRUE(Mentions(dropped, "账本第5行"));

  // A record dropped from records.jsonl is noticed too.
  auto f = Copy("t6");
  auto recs = Lines(f / "records.jsonl");
  recs.erase(recs.begin());
  WriteLines(f / "records.jsonl", recs);
  EXPECT_TRUE(Mentions(VerifyDump(f, keys_), "不在导出文件中"));
}

TEST_F(DumpTest, AForgedHeadOrAnotherKeyIsRefused) {
  auto d = Copy("t7");
  std::string note = Slurp(d / "checkpoint.txt");
  note[note.find('\n') + 1] = '9';  // the size line
  Spit(d / "checkpoint.txt", note);
  EXPECT_TRUE(Mentions(VerifyDump(d, keys_), "签名树头未通过验证"));
  auto other = ledger::GenerateKey("gongkai/demo");
  std::vector<std::string> wrong{ledger::VerifierKey(*other)};
  EXPECT_TRUE(Mentions(VerifyDump(good_, wrong), "签名树头未通过验证"));
}

TEST_F(DumpTest, ARecordFileAndItsProofVerifyOfflineAndTamperingIsCaught) {
  auto rec = *store_->GetRecord(with_file_);
  auto versions = *store_->ListVersions(with_file_);
  const std::string record_json = RecordDetailDoc("demo", rec, versions).dump();
  const auto head = LatestHead();
  auto leaves = *store_->LedgerLeavesOfRecord(site_.id, with_file_);
  ASSERT_EQ(leaves.size(), 2u);
  auto proof = ProveInclusion(*store_, site_, leaves[1].index, head.size);
  ASSERT_TRUE(proof.has_value());
  nlohmann::json pj;
  pj["leaf_index"] = proof->leaf.index;
  pj["tree_size"] = proof->tree_size;
  pj["leaf"] = {{"data", proof->leaf.data}};
  pj["audit_path"] = nlohmann::json::array();
  for (const auto& h : proof->path) pj["audit_path"].push_back(merkle::ToHex(h));
  auto ok = VerifyRecord(record_json, pj.dump(), head.note, keys_);
  EXPECT_TRUE(ok.ok()) << (ok.failed.empty() ? "" : ok.failed[0]);

  std::string changed = record_json;
  // The last occurrence is in version 2's content (the first is the list title).
  changed.replace(changed.rfind("（更正）"), std::string("（更正）").size(), "（更改）");
  auto bad = VerifyRecord(changed, pj.dump(), head.note, keys_);
  EXPECT_FALSE(bad.ok());
  EXPECT_TRUE(Mentions(bad, "内容已被改动"));

  auto path_changed = pj;
  std::string h = path_changed["audit_path"][0];
  h[0] = h[0] == 'a' ? 'b' : 'a';
  path_changed["audit_path"][0] = h;
  EXPECT_TRUE(Mentions(VerifyRecord(record_json, path_changed.dump(), head.note, keys_), "包含证明无效"));
}

}  // namespace
}  // namespace gongkai
