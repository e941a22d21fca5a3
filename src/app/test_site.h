// Test support for app-level tests: a fresh SQLite store in a temporary
// directory with one site, the seed catalogue and the official calendar,
// and a clock the test sets. Header-only; include from *_test.cc only.
#pragma once

#include <fmt/core.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "app/calendar_actions.h"
#include "app/context.h"
#include "app/record_actions.h"
#include "codec/catalog_json.h"
#include "codec/rules_codec.h"
#include "core/timestamp.h"
#include "storage/sqlite/sqlite_store.h"

namespace gongkai::testing_support {

class FakeClock : public Clock {
 public:
  std::chrono::sys_seconds now = *ParseTimestamp("2026-09-25T10:00:00+08:00", "now");
  std::chrono::sys_seconds Now() const override { return now; }
  void SetBeijing(const char* s) { now = *ParseTimestamp(s, "now"); }
};

class TempSiteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           fmt::format("gongkai-{}-{}-{}", ::getpid(), info->test_suite_name(), info->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto opened = SqliteStore::Open((dir_ / "t.db").string(), 4);
    ASSERT_TRUE(opened.has_value()) << opened.error().Describe();
    store_ = std::move(*opened);
    ASSERT_TRUE(store_->Migrate().has_value());
    site_ = *store_->CreateSite(NewSite{"demo", "示例区人民政府", ""});
    catalog_ = *LoadSeedCatalog();
    ASSERT_TRUE(store_->SaveCatalog(site_.id, catalog_).has_value());
    ASSERT_TRUE(EnsureCalendar(*store_).has_value());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  // A minimal valid record content.
  static RecordContent Content(const std::string& title, const std::string& body = "正文内容。") {
    RecordContent c;
    c.title = title;
    c.body = body;
    c.genre = "公告";
    c.channels = {"门户网站"};
    return c;
  }
  // draft -> submitted -> approved -> published, as the unit's liaison and leader.
  Result<Record> Publish(std::int64_t id, const std::string& unit) {
    GK_TRY(s, SubmitRecord(As(Role::kLiaison, unit), id));
    (void)s;
    GK_TRY(a, ApproveRecord(As(Role::kLeader, unit), catalog_, id, ReviewChecklist{true, true, true}));
    (void)a;
    return PublishRecord(As(Role::kLiaison, unit), id);
  }
  // A new draft of `unit` for `item`, formed on `formed_on`, with
  // Content(title); its id, or 0 (with a test failure).
  std::int64_t Draft(const std::string& unit, int item, const std::string& title,
                     const std::string& formed_on = "2026-09-01") {
    static const std::vector<DeadlineRule> rules = *LoadDeadlineRules();
    NewDraft nd;
    nd.unit = unit;
    nd.item = item;
    nd.formed_on = formed_on;
    nd.content = Content(title);
    auto r = CreateDraft(As(Role::kLiaison, unit), catalog_, rules, nd);
    EXPECT_TRUE(r.has_value()) << r.error().Describe();
    return r ? r->id : 0;
  }
  // Draft() then Publish(): a published record's id, or 0 (with a test failure).
  std::int64_t DraftAndPublish(const std::string& unit, int item, const std::string& title,
                               const std::string& formed_on = "2026-09-01") {
    const std::int64_t id = Draft(unit, item, title, formed_on);
    if (id == 0) return 0;
    auto p = Publish(id, unit);
    EXPECT_TRUE(p.has_value()) << p.error().Describe();
    return id;
  }
  // An actor of `role` (account id `account_id`) in the site.
  Context As(Role role, const std::string& unit = "", std::int64_t account_id = 1) {
    return Context{*store_, clock_, Actor{account_id, RoleName(role), "x", role, site_.id, unit}};
  }

  std::filesystem::path dir_;
  std::unique_ptr<SqliteStore> store_;
  Site site_;
  Catalog catalog_;
  FakeClock clock_;
};

}  // namespace gongkai::testing_support
