#include "storage/open_store.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace gongkai {
namespace {

TEST(StoreLocation, PicksTheBackendFromTheLocation) {
  auto file = ParseStoreLocation("gongkai.db");
  ASSERT_TRUE(file);
  EXPECT_EQ(file->kind, StoreKind::kSqlite);
  EXPECT_EQ(file->target, "gongkai.db");
  auto marked = ParseStoreLocation("sqlite:/var/lib/gongkai/g.db");
  ASSERT_TRUE(marked);
  EXPECT_EQ(marked->kind, StoreKind::kSqlite);
  EXPECT_EQ(marked->target, "/var/lib/gongkai/g.db");
  for (const char* url : {"postgresql://gk@127.0.0.1:5432/gongkai", "postgres://gk@db/gongkai"}) {
    auto pg = ParseStoreLocation(url);
    ASSERT_TRUE(pg) << url;
    EXPECT_EQ(pg->kind, StoreKind::kPostgres);
    EXPECT_EQ(pg->target, url);
  }
  // A relative path with "://" further on is still a file.
  auto odd = ParseStoreLocation("data/a://b.db");
  ASSERT_TRUE(odd);
  EXPECT_EQ(odd->kind, StoreKind::kSqlite);
}

TEST(StoreLocation, MistakesAreNamed) {
  for (const char* bad : {"", "sqlite:", "mysql://u:pw@h/db", "postgresq://h/db", "host=db dbname=gongkai password=pw",
                          "dbname=gongkai user=gk"}) {
    auto r = ParseStoreLocation(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().field, "--db") << bad;
    EXPECT_EQ(r.error().message.find("pw"), std::string::npos) << "the password is not repeated: " << r.error().message;
  }
}

TEST(StoreLocation, RedactsPasswordsOnly) {
  EXPECT_EQ(RedactedLocation("postgresql://gk:s3cret@db:5432/gongkai"), "postgresql://gk@db:5432/gongkai");
  EXPECT_EQ(RedactedLocation("postgresql://gk@db/gongkai"), "postgresql://gk@db/gongkai");
  EXPECT_EQ(RedactedLocation("postgresql://db/gongkai?user=a"), "postgresql://db/gongkai?user=a");
  EXPECT_EQ(RedactedLocation("gongkai.db"), "gongkai.db");
  EXPECT_EQ(RedactedLocation("postgresql://gk:p@ss@db/x"), "postgresql://gk@db/x");
  EXPECT_EQ(RedactedLocation("postgresql://db/x?user=gk&password=s3cret&sslmode=require"),
            "postgresql://db/x?user=gk&password=***&sslmode=require");
  EXPECT_EQ(RedactedLocation("postgres://gk:a@db?password=b"), "postgres://gk@db?password=***");
  EXPECT_EQ(RedactedLocation("postgresql://db/x?password="), "postgresql://db/x?password=***");
}

TEST(StoreLocation, OpensTheEmbeddedDatabase) {
  auto dir = std::filesystem::temp_directory_path() / "gongkai-open-store-test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto store = OpenStoreAt("sqlite:" + (dir / "t.db").string(), 1);
  ASSERT_TRUE(store) << store.error().Describe();
  auto v = (*store)->Migrate();
  ASSERT_TRUE(v) << v.error().Describe();
  EXPECT_TRUE(std::filesystem::exists(dir / "t.db"));
  store->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace gongkai
