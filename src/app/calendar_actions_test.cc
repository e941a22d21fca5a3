#include "app/calendar_actions.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "codec/catalog_json.h"
#include "codec/rules_codec.h"
#include "storage/sqlite/sqlite_store.h"

namespace gongkai {
namespace {

Date D(const char* s) { return *Date::Parse(s); }

class CalendarActionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("gongkai-cal-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = std::move(*SqliteStore::Open((dir_ / "t.db").string(), 2));
    ASSERT_TRUE(store_->Migrate().has_value());
    site_ = *store_->CreateSite(NewSite{"demo", "示例区", ""});
    catalog_ = *LoadSeedCatalog();
    ASSERT_TRUE(store_->SaveCatalog(site_.id, catalog_).has_value());
    rules_ = *LoadDeadlineRules();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  std::unique_ptr<SqliteStore> store_;
  Site site_;
  Catalog catalog_;
  std::vector<DeadlineRule> rules_;
};

// A 2027 notice for tests only: the real one is not published yet.
const char* k2027Json = R"({"year": 2027, "papers": ["https://example.invalid/2027"],
  "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}]})";

TEST_F(CalendarActionsTest, EnsureStoresTheBuiltInCalendarOnce) {
  auto a = EnsureCalendar(*store_);
  ASSERT_TRUE(a.has_value()) << a.error().Describe();
  EXPECT_EQ(a->version, 1);
  EXPECT_TRUE(a->calendar.IsOfficialYear(2018));
  EXPECT_TRUE(a->calendar.IsOfficialYear(2026));
  EXPECT_FALSE(a->calendar.IsOfficialYear(2027));
  auto b = EnsureCalendar(*store_);
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->version, 1);
  EXPECT_EQ(store_->ListCalendarVersions()->size(), 1u);
}

TEST_F(CalendarActionsTest, ExplainsTheIssueExampleByItemAndElement) {
  auto cal = EnsureCalendar(*store_);
  ASSERT_TRUE(cal.has_value());
  // Item 12, element 采购结果: 2 working days (政府采购法实施条例第四十三条).
  auto r = ExplainDeadline(cal->calendar, rules_, catalog_, {D("2026-09-25"), 12, "采购结果", ""});
  ASSERT_TRUE(r.has_value()) << r.error().Describe();
  EXPECT_EQ(r->rule.id, "procurement-result");
  EXPECT_EQ(r->due, D("2026-09-29"));  // 09-26/27 中秋节 off, 09-28 (1), 09-29 (2)
  // Another element of item 12 follows the default 20 working days.
  auto d = ExplainDeadline(cal->calendar, rules_, catalog_, {D("2026-09-25"), 12, "采购文件", ""});
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->rule.id, "default-20-working-days");
  EXPECT_EQ(d->due, D("2026-10-29"));  // skips 国庆节 10-01..07, counts 10-10 (调休上班)
  EXPECT_FALSE(d->provisional);
  bool national_day = false;
  for (const auto& range : d->non_working)
    if (range.first == D("2026-10-01") && range.last == D("2026-10-07")) national_day = true;
  EXPECT_TRUE(national_day);
}

TEST_F(CalendarActionsTest, UnknownItemElementOrRuleIsNamed) {
  auto cal = EnsureCalendar(*store_);
  auto a = ExplainDeadline(cal->calendar, rules_, catalog_, {D("2026-09-25"), 99, "", ""});
  ASSERT_FALSE(a.has_value());
  EXPECT_EQ(a.error().field, "item");
  auto b = ExplainDeadline(cal->calendar, rules_, catalog_, {D("2026-09-25"), 12, "不存在的要素", ""});
  ASSERT_FALSE(b.has_value());
  EXPECT_EQ(b.error().field, "element");
  auto c = ExplainDeadline(cal->calendar, rules_, catalog_, {D("2026-09-25"), 0, "", "no-such-rule"});
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().field, "rule");
}

TEST_F(CalendarActionsTest, ProvisionalDeadlineIsRecomputedAndLoggedOnImport) {
  auto t = TrackDeadline(*store_, site_, catalog_, rules_, {D("2026-12-15"), 1, "", ""}, "测试事项");
  ASSERT_TRUE(t.has_value()) << t.error().Describe();
  EXPECT_TRUE(t->provisional);
  EXPECT_EQ(t->due, D("2027-01-12"));  // weekends only: 2027-01-01 counted as a working day
  auto closed = TrackDeadline(*store_, site_, catalog_, rules_, {D("2026-03-02"), 1, "", ""}, "不受影响");
  ASSERT_TRUE(closed.has_value());
  EXPECT_FALSE(closed->provisional);

  auto imp = ImportCalendarNotice(*store_, k2027Json, NoticeFormat::kJson, 2027, "2027.json");
  ASSERT_TRUE(imp.has_value()) << imp.error().Describe();
  EXPECT_TRUE(imp->changed);
  EXPECT_EQ(imp->version, 2);
  ASSERT_EQ(imp->changes.size(), 1u);
  EXPECT_EQ(imp->changes[0].deadline_id, t->id);
  EXPECT_EQ(imp->changes[0].old_due, D("2027-01-12"));
  EXPECT_EQ(imp->changes[0].new_due, D("2027-01-13"));
  EXPECT_TRUE(imp->changes[0].old_provisional);
  auto after = store_->GetDeadline(t->id);
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->due, D("2027-01-13"));
  EXPECT_EQ(after->calendar_version, 2);
  // The unaffected deadline was recomputed but not logged.
  EXPECT_TRUE(store_->DeadlineChanges(closed->id)->empty());
  EXPECT_EQ(store_->GetDeadline(closed->id)->due, closed->due);

  // Re-importing the same notice changes nothing.
  auto again = ImportCalendarNotice(*store_, k2027Json, NoticeFormat::kJson, 0, "2027.json");
  ASSERT_TRUE(again.has_value());
  EXPECT_FALSE(again->changed);
  EXPECT_EQ(store_->ListCalendarVersions()->size(), 2u);
  EXPECT_EQ(store_->DeadlineChanges(0)->size(), 1u);
}

TEST_F(CalendarActionsTest, BadImportsChangeNothing) {
  ASSERT_TRUE(EnsureCalendar(*store_).has_value());
  struct Case {
    std::string text;
    NoticeFormat format;
    int year;
  } cases[] = {
      {"date,type,name\n2027-01-01,off,元旦\n2027-01-01,off,元旦\n", NoticeFormat::kCsv, 0},  // a date twice
      {"date,type,name\n2027-01-05,work,春节\n", NoticeFormat::kCsv, 0},  // makeup day on a Tuesday
      {"date,type,name\n2027-01-01,off,元旦\n", NoticeFormat::kCsv, 2028},  // year mismatch
      {k2027Json, NoticeFormat::kJson, 2028},                              // year mismatch (JSON)
      {"{\"year\": 2027, \"days\": [", NoticeFormat::kJson, 0},              // broken JSON
      {"date,type,name\n2027-13-01,off,元旦\n", NoticeFormat::kCsv, 0},      // impossible date
      {"date,type,name\n2027-01-01,holiday,元旦\n", NoticeFormat::kCsv, 0},  // unknown type
      // A date outside the notice's year and the previous December.
      {"date,type,name\n2026-10-01,off,国庆节\n2027-01-01,off,元旦\n", NoticeFormat::kCsv, 2027},
  };
  for (const auto& k : cases) {
    auto r = ImportCalendarNotice(*store_, k.text, k.format, k.year, "x");
    EXPECT_FALSE(r.has_value()) << k.text;
    if (!r) {
      EXPECT_FALSE(r.error().message.empty());
    }
  }
  EXPECT_EQ(store_->ListCalendarVersions()->size(), 1u);
}

}  // namespace
}  // namespace gongkai
