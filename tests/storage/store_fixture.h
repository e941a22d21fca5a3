// The storage conformance fixture: a fresh store of each backend per test
// (see store_conformance_test.cc). Test files derive their own suite from
// StoreTest and instantiate it over both backends:
//   class RecordStoreTest : public StoreTest {};
//   INSTANTIATE_TEST_SUITE_P(Backends, RecordStoreTest, kBothBackends, BackendName);
#pragma once

#include <fmt/core.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <pqxx/pqxx>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "codec/catalog_json.h"
#include "storage/postgres/pg_store.h"
#include "storage/sqlite/db.h"
#include "storage/sqlite/sqlite_store.h"

// AddressSanitizer's leak checker: g++ says so with __SANITIZE_ADDRESS__,
// clang with __has_feature.
#if defined(__SANITIZE_ADDRESS__)
#define GONGKAI_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GONGKAI_LSAN 1
#endif
#endif
#ifdef GONGKAI_LSAN
#include <sanitizer/lsan_interface.h>
#endif

namespace gongkai::storage_test {

enum class Backend { kSqlite, kPostgres };

inline void PrintTo(Backend b, std::ostream* os) { *os << (b == Backend::kSqlite ? "SQLite" : "PostgreSQL"); }

inline std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
}

// The maintenance URL of the test server, "" when there is none.
inline std::string PgUrl() {
  if (const char* url = std::getenv("GONGKAI_TEST_PG_URL"); url && *url) return url;
  if (const char* file = std::getenv("GONGKAI_TEST_PG_URL_FILE"); file && *file) {
    std::ifstream in(file);
    std::string line;
    if (in && std::getline(in, line)) return line;
  }
  return "";
}

// `url` with its database name replaced by `db` (URLs of the form
// postgresql://user@host:port/name, as the cluster script writes them).
inline std::string WithDatabase(const std::string& url, const std::string& db) {
  auto slash = url.rfind('/');
  return url.substr(0, slash + 1) + db;
}

// Allocations made while one of these is alive are not reported as leaks
// by LeakSanitizer (a no-op in builds without it).
#ifdef GONGKAI_LSAN
struct LeakCheckPause {
  LeakCheckPause() { __lsan_disable(); }
  ~LeakCheckPause() { __lsan_enable(); }
  LeakCheckPause(const LeakCheckPause&) = delete;
  LeakCheckPause& operator=(const LeakCheckPause&) = delete;
};
#else
struct LeakCheckPause {};
#endif

class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kSqlite) {
      // Parameterised test names hold a '/' ("SitesRoundTrip/Sqlite").
      std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
      std::replace(name.begin(), name.end(), '/', '_');
      dir_ = std::filesystem::temp_directory_path() / fmt::format("gongkai-conformance-{}-{}", ::getpid(), name);
      std::filesystem::remove_all(dir_);
      std::filesystem::create_directories(dir_);
      location_ = (dir_ / "t.db").string();
    } else {
      admin_url_ = PgUrl();
      if (admin_url_.empty()) GTEST_SKIP() << "no PostgreSQL test server (GONGKAI_TEST_PG_URL[_FILE] unset)";
      std::random_device rd;
      db_name_ = fmt::format("t_{}_{:08x}", ::getpid(), rd());
      try {
        pqxx::connection admin(admin_url_);
        pqxx::nontransaction tx(admin);
        tx.exec("CREATE DATABASE " + tx.quote_name(db_name_));
      } catch (const std::exception& e) {
        FAIL() << "cannot create the test database: " << e.what();
      }
      location_ = WithDatabase(admin_url_, db_name_);
    }
    auto s = OpenStore(4);
    ASSERT_TRUE(s) << s.error().Describe();
    store_ = std::move(*s);
    auto v = store_->Migrate();
    ASSERT_TRUE(v) << v.error().Describe();
    auto site = store_->CreateSite(NewSite{"demo", "示例区人民政府", ""});
    ASSERT_TRUE(site) << site.error().Describe();
    site_ = *site;
    auto seed = LoadSeedCatalog();
    ASSERT_TRUE(seed);
    seed_ = *seed;
  }

  void TearDown() override {
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    if (!db_name_.empty()) {
      try {
        pqxx::connection admin(admin_url_);
        pqxx::nontransaction tx(admin);
        tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(db_name_) + " WITH (FORCE)");
      } catch (const std::exception& e) {
        ADD_FAILURE() << "cannot drop the test database: " << e.what();
      }
    }
  }

  // Another store on the same database (as a second server process would).
  Result<std::unique_ptr<Store>> OpenStore(int connections) {
    if (GetParam() == Backend::kSqlite) {
      GK_TRY(s, SqliteStore::Open(location_, connections));
      return std::unique_ptr<Store>(std::move(s));
    }
    GK_TRY(s, PgStore::Open(location_, connections));
    return std::unique_ptr<Store>(std::move(s));
  }

  // One integer from a query on the backend's own database, for what the
  // port does not show (row identities). The SQL is plain enough for both.
  std::int64_t QueryInt(const std::string& sql) {
    if (GetParam() == Backend::kSqlite) {
      auto c = sqlite::Connection::Open(location_);
      EXPECT_TRUE(c) << c.error().Describe();
      if (!c) return -1;
      auto st = (*c)->Prepare(sql);
      EXPECT_TRUE(st) << st.error().Describe();
      if (!st) return -1;
      auto row = st->Step();
      EXPECT_TRUE(row && *row) << sql;
      return row && *row ? st->Int(0) : -1;
    }
    pqxx::connection c(location_);
    pqxx::read_transaction tx(c);
    auto r = tx.exec(sql);
    EXPECT_EQ(r.size(), 1u) << sql;
    return r.empty() ? -1 : r[0][0].as<std::int64_t>();
  }

  // Runs SQL on the backend's own database, for rows the methods under
  // test need but PgStore cannot write yet (obligations).
  void Exec(const std::string& sql) {
    if (GetParam() == Backend::kSqlite) {
      auto c = sqlite::Connection::Open(location_);
      ASSERT_TRUE(c) << c.error().Describe();
      auto s = (*c)->Exec(sql);
      ASSERT_TRUE(s) << s.error().Describe();
      return;
    }
    pqxx::connection c(location_);
    pqxx::work tx(c);
    tx.exec(sql);
    tx.commit();
  }

  AuditEntry Audit(const std::string& action, std::int64_t site_id = 0) const {
    AuditEntry e;
    e.site_id = site_id ? site_id : site_.id;
    e.at = "2026-09-25T02:00:00Z";
    e.actor = "admin";
    e.actor_role = "admin";
    e.action = action;
    e.target = "测试";
    return e;
  }

  Account MakeAccount(const std::string& username, std::int64_t site_id = 0) const {
    Account a;
    a.site_id = site_id ? site_id : site_.id;
    a.username = username;
    a.display_name = "张三";
    a.role = Role::kLiaison;
    a.unit = seed_.units.front().name;
    a.password_hash = "$argon2id$hash";
    a.must_change_password = true;
    a.created_at = "2026-09-25T02:00:00Z";
    a.email = username + "@example.cn";
    return a;
  }

  std::size_t AuditCount() {
    auto a = store_->ListAudit(site_.id, 1000, 0);
    EXPECT_TRUE(a);
    return a ? a->size() : 0;
  }

  std::int64_t Rev() {
    auto r = store_->Revision(site_.id);
    EXPECT_TRUE(r);
    return r ? *r : -1;
  }

  std::filesystem::path dir_;
  std::string admin_url_, db_name_, location_;
  std::unique_ptr<Store> store_;
  Site site_;
  Catalog seed_;
};

inline const auto kBothBackends = ::testing::Values(Backend::kSqlite, Backend::kPostgres);

}  // namespace gongkai::storage_test
