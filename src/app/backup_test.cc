#include "app/backup.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "app/ledger_actions.h"
#include "app/test_site.h"
#include "storage/sqlite/snapshot.h"

namespace gongkai {
namespace {

namespace fs = std::filesystem;

const std::string kPdf = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";

BackupStorage TestStorage() {
  BackupStorage s;
  s.sqlite_file = [](const std::string& location, const std::string& option) -> Result<std::string> {
    if (location.starts_with("postgresql://")) return Unexpected(Error::Invalid("PostgreSQL：请用 pg_dump", option));
    return location;
  };
  s.open = [](const std::string& path) -> Result<std::unique_ptr<Store>> {
    GK_TRY(lite, SqliteStore::Open(path, 2));
    return std::unique_ptr<Store>(std::move(lite));
  };
  s.snapshot = sqlite::SnapshotDatabase;
  return s;
}

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class BackupTest : public testing_support::TempSiteTest {
 protected:
  void SetUp() override {
    TempSiteTest::SetUp();
    key_ = dir_ / "t.db.ledger-key";
    auto key = EnsureLedgerKey(*store_, site_, key_, true, clock_.now);
    ASSERT_TRUE(key.has_value()) << key.error().Describe();
    const std::int64_t id = Draft("区财政局", 12, "采购合同公告");
    ASSERT_GT(id, 0);
    auto att = AddAttachment(As(Role::kLiaison, "区财政局"), id, "合同.pdf", kPdf, 1 << 20);
    ASSERT_TRUE(att.has_value()) << att.error().Describe();
    ASSERT_TRUE(Publish(id, "区财政局").has_value());
    ASSERT_GT(DraftAndPublish("区财政局", 12, "第二份采购合同公告"), 0);
    ASSERT_GT(Draft("区财政局", 12, "尚未发布的草稿"), 0);
    auto seq = SequenceLedger(*store_, site_, &*key, clock_.now);
    ASSERT_TRUE(seq.has_value()) << seq.error().Describe();
  }

  Result<BackupManifest> Backup(const fs::path& out) {
    return CreateBackup(TestStorage(), BackupRequest{(dir_ / "t.db").string(), key_, out, "test"}, clock_.now);
  }

  fs::path key_;
};

TEST_F(BackupTest, ManifestRecordsTheSnapshotAndRestoreBringsItBack) {
  auto m = Backup(dir_ / "b");
  ASSERT_TRUE(m.has_value()) << m.error().Describe();
  ASSERT_EQ(m->sites.size(), 1u);
  const BackupSite& s = m->sites[0];
  EXPECT_EQ(s.slug, "demo");
  EXPECT_EQ(s.records, 3);
  EXPECT_EQ(s.published, 2);
  EXPECT_EQ(s.ledger_size, 2u);
  EXPECT_EQ(s.signed_size, 2u);
  EXPECT_EQ(s.attachments, 1);
  EXPECT_EQ(s.attachment_bytes, static_cast<std::int64_t>(kPdf.size()));
  ASSERT_EQ(m->keys.size(), 1u);
  EXPECT_EQ(m->keys[0].suffix, "");
  EXPECT_TRUE(m->keys[0].current);
  // Every listed file is there with its checksum; the manifest reads back the same.
  ASSERT_EQ(m->files.size(), 2u);
  for (const auto& f : m->files) {
    auto h = HashFile(dir_ / "b" / f.path);
    ASSERT_TRUE(h.has_value()) << f.path;
    EXPECT_EQ(h->sha256, f.sha256) << f.path;
    EXPECT_EQ(h->size, f.size) << f.path;
  }
  auto parsed = ParseManifest(Slurp(dir_ / "b" / "manifest.json"));
  ASSERT_TRUE(parsed.has_value()) << parsed.error().Describe();
  EXPECT_EQ(ManifestJson(*parsed), ManifestJson(*m));
  EXPECT_FALSE(fs::exists(dir_ / "b" / "gongkai.db.partial"));
  EXPECT_FALSE(fs::exists(dir_ / "b" / "gongkai.db-wal"));

  fs::create_directories(dir_ / "new");
  auto r = RestoreBackup(TestStorage(), RestoreRequest{dir_ / "b", (dir_ / "new" / "r.db").string(),
                                                       dir_ / "new" / "r.db.ledger-key"});
  ASSERT_TRUE(r.has_value()) << r.error().Describe();
  EXPECT_EQ(r->key_files, std::vector<std::string>{(dir_ / "new" / "r.db.ledger-key").string()});
  EXPECT_EQ(Slurp(dir_ / "new" / "r.db.ledger-key"), Slurp(key_));
  EXPECT_EQ(fs::status(dir_ / "new" / "r.db.ledger-key").permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
  auto restored = SqliteStore::Open((dir_ / "new" / "r.db").string(), 2);
  ASSERT_TRUE(restored.has_value());
  auto site = (*restored)->FindSite("demo");
  ASSERT_TRUE(site.has_value());
  auto size = (*restored)->LedgerSize(site->id);
  ASSERT_TRUE(size.has_value());
  EXPECT_EQ(size->first, 2u);
  restored->reset();  // its -wal and -shm go with it
  // Nothing but the database and its key was written beside it.
  int entries = 0;
  for (const auto& e : fs::directory_iterator(dir_ / "new")) entries += e.path().filename().string().starts_with(".") ? 100 : 1;
  EXPECT_EQ(entries, 2);
}

TEST_F(BackupTest, TamperedOrMissingFilesAreNamedAndNothingIsWritten) {
  ASSERT_TRUE(Backup(dir_ / "b").has_value());
  fs::create_directories(dir_ / "new");
  const auto target = (dir_ / "new" / "r.db").string();
  {
    std::ofstream f(dir_ / "b" / "keys" / "demo.ledger-key", std::ios::app);
    f << "x";
  }
  fs::remove(dir_ / "b" / "gongkai.db");
  auto r = RestoreBackup(TestStorage(), RestoreRequest{dir_ / "b", target, dir_ / "new" / "k"});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput);
  EXPECT_NE(r.error().message.find("缺少备份文件“gongkai.db”"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("“keys/demo.ledger-key”的大小不符"), std::string::npos) << r.error().message;
  EXPECT_TRUE(fs::is_empty(dir_ / "new"));
}

TEST_F(BackupTest, RefusesToOverwrite) {
  ASSERT_TRUE(Backup(dir_ / "b").has_value());
  // A backup directory that is not empty.
  auto again = Backup(dir_ / "b");
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_NE(again.error().message.find((dir_ / "b").string()), std::string::npos);
  // An existing database, and an existing key file.
  const auto existing = (dir_ / "t.db").string();
  auto r = RestoreBackup(TestStorage(), RestoreRequest{dir_ / "b", existing, dir_ / "elsewhere.key"});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
  EXPECT_NE(r.error().message.find("“" + existing + "”已存在"), std::string::npos) << r.error().message;
  r = RestoreBackup(TestStorage(), RestoreRequest{dir_ / "b", (dir_ / "fresh.db").string(), key_});
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("“" + key_.string() + "”已存在"), std::string::npos) << r.error().message;
  EXPECT_FALSE(fs::exists(dir_ / "fresh.db"));
}

TEST_F(BackupTest, PostgresIsRefused) {
  auto m = CreateBackup(TestStorage(), BackupRequest{"postgresql://u@h/db", key_, dir_ / "b", "test"}, clock_.now);
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.error().field, "--db");
  EXPECT_FALSE(fs::exists(dir_ / "b"));
}

TEST_F(BackupTest, MissingKeyFileIsNamed) {
  fs::remove(key_);
  auto m = Backup(dir_ / "b");
  ASSERT_FALSE(m.has_value());
  EXPECT_NE(m.error().message.find(key_.string()), std::string::npos) << m.error().message;
  EXPECT_FALSE(fs::exists(dir_ / "b" / "manifest.json"));
  EXPECT_FALSE(fs::exists(dir_ / "b" / "gongkai.db"));
}

TEST(ParseManifestTest, RefusesMalformedManifests) {
  const char* ok_files = R"("files":[{"path":"gongkai.db","sha256":"00","size":1}])";
  struct Case {
    std::string text;
    std::string field;
  } cases[] = {
      {"not json", "manifest.json"},
      {R"({"format":"other"})", "format"},
      {R"({"format":"gongkai-backup 1","created_at":"x","gongkai_version":"1","schema_version":1,"files":[{"path":"../etc/passwd","sha256":"00","size":1}],"keys":[],"sites":[]})",
       "files"},
      {R"({"format":"gongkai-backup 1","created_at":"x","gongkai_version":"1","schema_version":1,"files":[],"keys":[],"sites":[]})",
       "files"},
      {std::string(R"({"format":"gongkai-backup 1","created_at":"x","gongkai_version":"1","schema_version":1,)") +
           ok_files + R"(,"keys":[{"site":"demo","path":"keys/x","suffix":"","verifier":"v","current":true}],"sites":[]})",
       "keys"},
      {std::string(R"({"format":"gongkai-backup 1","created_at":"x","gongkai_version":"1","schema_version":"1",)") +
           ok_files + R"(,"keys":[],"sites":[]})",
       "schema_version"},
  };
  for (const auto& c : cases) {
    auto m = ParseManifest(c.text);
    ASSERT_FALSE(m.has_value()) << c.text;
    EXPECT_EQ(m.error().field, c.field) << c.text << ": " << m.error().message;
  }
  auto ok = ParseManifest(std::string(R"({"format":"gongkai-backup 1","created_at":"x","gongkai_version":"1","schema_version":1,)") +
                          ok_files + R"(,"keys":[],"sites":[]})");
  EXPECT_TRUE(ok.has_value()) << ok.error().Describe();
}

}  // namespace
}  // namespace gongkai
