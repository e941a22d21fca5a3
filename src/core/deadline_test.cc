#include "core/deadline.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "codec/calendar_codec.h"
#include "codec/rules_codec.h"

namespace gongkai {
namespace {

Date D(const char* text) {
  auto d = Date::Parse(text);
  EXPECT_TRUE(d.has_value()) << text;
  return d.value_or(Date());
}

std::string S(const Date& d) { return d.ToString(); }

const WorkingCalendar& Official() {
  static const WorkingCalendar* calendar = [] {
    auto loaded = LoadOfficialCalendar();
    EXPECT_TRUE(loaded.has_value()) << (loaded ? "" : loaded.error().Describe());
    return new WorkingCalendar(loaded ? std::move(*loaded) : WorkingCalendar());
  }();
  return *calendar;
}

const std::vector<DeadlineRule>& Rules() {
  static const std::vector<DeadlineRule>* rules = [] {
    auto loaded = LoadDeadlineRules();
    EXPECT_TRUE(loaded.has_value()) << (loaded ? "" : loaded.error().Describe());
    return new std::vector<DeadlineRule>(loaded ? std::move(*loaded) : std::vector<DeadlineRule>());
  }();
  return *rules;
}

const DeadlineRule& Rule(std::string_view id) {
  const DeadlineRule* rule = FindRule(Rules(), id);
  EXPECT_NE(rule, nullptr) << id;
  static const DeadlineRule kEmpty;
  return rule ? *rule : kEmpty;
}

// Due dates computed by hand from the 2018-2026 notices.
struct Case {
  const char* rule;
  const char* event;
  const char* due;
  bool moved;
  const char* display_until;  // "" when the rule has no display period
};

constexpr Case kCases[] = {
    // 中秋节 (Fri) is day 0; skips 中秋节, 国庆节 and Saturday 10-10 is worked.
    {"default-20-working-days", "2026-09-25", "2026-10-29", false, ""},
    // Saturday 2018-12-29 was a working day (2019 notice): it is day 1.
    {"default-20-working-days", "2018-12-28", "2019-01-28", false, ""},
    // Starting on a holiday weekend day.
    {"default-20-working-days", "2026-10-03", "2026-11-03", false, ""},
    // Across a year end into 元旦 2026, Sunday 01-04 worked.
    {"default-20-working-days", "2025-12-31", "2026-01-29", false, ""},
    {"procurement-result", "2026-09-29", "2026-10-08", false, ""},
    {"procurement-result", "2026-10-09", "2026-10-12", false, ""},  // Sat 10-10 counts
    {"procurement-contract", "2026-02-13", "2026-02-24", false, ""},
    // 3 calendar days land on 国庆节 10-01: moved to 10-08; shown until 10-11 (Sun) -> 10-12.
    {"bid-candidates", "2026-09-28", "2026-10-08", true, "2026-10-12"},
    {"bid-candidates", "2026-03-02", "2026-03-05", false, "2026-03-09"},
    // 20 days before 10-21 is 10-01 (国庆节): moved earlier to 09-30; listing
    // from 10-21 for 10 days ends 10-31 (Sat) -> 11-02.
    {"land-transfer-notice", "2026-10-21", "2026-09-30", true, "2026-11-02"},
    {"land-transfer-notice", "2026-11-20", "2026-10-30", true, "2026-11-30"},
    {"land-transfer-notice", "2026-11-25", "2026-11-05", false, "2026-12-07"},
    // Display-only rules: publish within 20 working days, then shown M days.
    {"land-expropriation-prenotice", "2026-09-25", "2026-10-29", false, "2026-11-12"},
    {"land-compensation-plan", "2026-09-25", "2026-10-29", false, "2026-11-30"},
    {"eia-draft", "2026-09-25", "2026-10-29", false, "2026-11-12"},
    {"eia-pre-approval", "2026-09-25", "2026-10-29", false, "2026-11-05"},
};

TEST(DeadlineTest, HandComputedDueDates) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(std::string(c.rule) + " " + c.event);
    auto result = ComputeDeadline(Rule(c.rule), Official(), D(c.event));
    ASSERT_TRUE(result.has_value()) << result.error().Describe();
    EXPECT_EQ(S(result->due), c.due);
    EXPECT_EQ(result->moved, c.moved);
    EXPECT_EQ(result->moved, result->due != result->unadjusted_due);
    EXPECT_FALSE(result->provisional);
    EXPECT_EQ(result->rule.id, c.rule);
    EXPECT_EQ(result->event, D(c.event));
    if (*c.display_until == '\0') {
      EXPECT_FALSE(result->display.has_value());
    } else {
      ASSERT_TRUE(result->display.has_value());
      EXPECT_EQ(S(result->display->until), c.display_until);
      EXPECT_EQ(result->display->earliest_takedown, result->display->until.AddDays(1));
      EXPECT_NE(result->explanation.find(c.display_until), std::string::npos) << result->explanation;
    }
    EXPECT_NE(result->explanation.find(c.due), std::string::npos) << result->explanation;
    EXPECT_EQ(result->explanation.find("暂定"), std::string::npos);
  }
}

TEST(DeadlineTest, FormedOn20260925UnderTheDefaultRule) {
  auto result = ComputeDeadline(Rule(kDefaultRuleId), Official(), D("2026-09-25"));
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(S(result->due), "2026-10-29");
  EXPECT_EQ(Official().WorkingDaysBetween(D("2026-09-25"), result->due), 20);
  const std::vector<NonWorkingRange> skipped = {
      {D("2026-09-26"), D("2026-09-27"), "中秋节"}, {D("2026-10-01"), D("2026-10-07"), "国庆节"},
      {D("2026-10-11"), D("2026-10-11"), "周末"},   {D("2026-10-17"), D("2026-10-18"), "周末"},
      {D("2026-10-24"), D("2026-10-25"), "周末"},
  };
  EXPECT_EQ(result->non_working, skipped);
  EXPECT_EQ(result->explanation,
            "以政府信息形成或者变更之日2026-09-25（星期五，中秋节放假）为第0日（当日不计入），"
            "往后数20个工作日，跳过2026-09-26至2026-09-27（中秋节，2天）、2026-10-01至2026-10-07"
            "（国庆节，7天）、2026-10-11（周末）、2026-10-17至2026-10-18（周末，2天）、2026-10-24至"
            "2026-10-25（周末，2天）；2026-10-10（星期六）为调休上班日，计入；"
            "最迟应于2026-10-29（星期四）公开。");
  EXPECT_EQ(result->makeup_days, std::vector<Date>{D("2026-10-10")});
}

TEST(DeadlineTest, CalendarDayRuleExplainsTheMove) {
  auto result = ComputeDeadline(Rule("bid-candidates"), Official(), D("2026-09-28"));
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(S(result->unadjusted_due), "2026-10-01");
  EXPECT_NE(result->explanation.find("第3日为2026-10-01（星期四），该日为非工作日（国庆节），顺延"), std::string::npos)
      << result->explanation;
  EXPECT_NE(result->explanation.find("应至少公示至2026-10-12（星期一，含当日），2026-10-13起方可撤下"),
            std::string::npos)
      << result->explanation;
}

TEST(DeadlineTest, BeforeRuleMovesEarlier) {
  auto result = ComputeDeadline(Rule("land-transfer-notice"), Official(), D("2026-10-21"));
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(S(result->unadjusted_due), "2026-10-01");
  EXPECT_EQ(S(result->due), "2026-09-30");
  // Publishing on the due date leaves at least 20 calendar days.
  EXPECT_GE(result->event - result->due, 20);
  EXPECT_NE(result->explanation.find("提前至此前最近的工作日"), std::string::npos) << result->explanation;
  EXPECT_NE(result->explanation.find("最迟应于2026-09-30（星期三）公开"), std::string::npos);
  ASSERT_EQ(result->non_working.size(), 3u);  // 国庆节 and two weekends before 10-21
  EXPECT_EQ(result->non_working[0], (NonWorkingRange{D("2026-10-01"), D("2026-10-07"), "国庆节"}));
}

TEST(DeadlineTest, ProvisionalWithoutThe2027Notice) {
  const DeadlineRule& rule = Rule(kDefaultRuleId);
  auto without = ComputeDeadline(rule, Official(), D("2026-12-15"));
  ASSERT_TRUE(without.has_value());
  EXPECT_TRUE(without->provisional);
  EXPECT_EQ(without->provisional_years, std::vector<int>{2027});
  EXPECT_EQ(S(without->due), "2027-01-12");  // 2027-01-01 (Friday) counted as a working day
  EXPECT_NE(without->explanation.find("（2027年放假安排尚未公布，按周末推算，为暂定日期）"), std::string::npos)
      << without->explanation;

  // A (test) 2027 notice makes 2027-01-01..03 days off: no longer provisional, one day later.
  std::vector<CalendarNotice> notices = Official().notices();
  notices.push_back(CalendarNotice{
      2027,
      "test",
      {{D("2027-01-01"), true, "元旦"}, {D("2027-01-02"), true, "元旦"}, {D("2027-01-03"), true, "元旦"}}});
  auto calendar = WorkingCalendar::Build(notices);
  ASSERT_TRUE(calendar.has_value()) << calendar.error().Describe();
  auto with = ComputeDeadline(rule, *calendar, D("2026-12-15"));
  ASSERT_TRUE(with.has_value());
  EXPECT_FALSE(with->provisional);
  EXPECT_EQ(S(with->due), "2027-01-13");
  EXPECT_EQ(with->explanation.find("暂定"), std::string::npos);
}

TEST(DeadlineTest, LateDecemberIsProvisionalUntilTheNextNotice) {
  // Due 2026-12-28: the 2027 notice could still move New Year days into it.
  auto result = ComputeDeadline(Rule(kDefaultRuleId), Official(), D("2026-11-30"));
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(S(result->due), "2026-12-28");
  EXPECT_TRUE(result->provisional);
  EXPECT_EQ(result->provisional_years, std::vector<int>{2027});
  // Due before 12-25: final.
  auto early = ComputeDeadline(Rule(kDefaultRuleId), Official(), D("2026-11-20"));
  ASSERT_TRUE(early.has_value());
  EXPECT_EQ(S(early->due), "2026-12-18");
  EXPECT_FALSE(early->provisional);
}

TEST(DeadlineTest, DisplayPeriodCanMakeAResultProvisional) {
  // Published by 2026-12-14 at the latest; 30 days of display run into 2027.
  auto result = ComputeDeadline(Rule("land-compensation-plan"), Official(), D("2026-11-13"));
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(S(result->due), "2026-12-11");
  ASSERT_TRUE(result->display.has_value());
  EXPECT_EQ(S(result->display->until), "2027-01-11");  // 01-10 is a Sunday
  EXPECT_TRUE(result->display->provisional);
  EXPECT_TRUE(result->provisional);
}

TEST(DeadlineTest, DisplayPeriodFromTheRealPublicationDate) {
  auto period = ComputeDisplayPeriod(Rule("eia-draft"), Official(), D("2026-09-24"));
  ASSERT_TRUE(period.has_value());
  // 09-25..27 中秋节, 10-01..07 国庆节; 10-10 (Sat) is worked.
  EXPECT_EQ(S(period->until), "2026-10-15");
  EXPECT_EQ(S(period->earliest_takedown), "2026-10-16");
  EXPECT_FALSE(ComputeDisplayPeriod(Rule(kDefaultRuleId), Official(), D("2026-09-24")).has_value());
}

TEST(DeadlineTest, ZeroDaysAndInvalidRules) {
  DeadlineRule rule = Rule(kDefaultRuleId);
  rule.days = 0;
  auto same_day = ComputeDeadline(rule, Official(), D("2026-10-01"));
  ASSERT_TRUE(same_day.has_value());
  EXPECT_EQ(S(same_day->due), "2026-10-01");

  rule.days = -1;
  auto bad = ComputeDeadline(rule, Official(), D("2026-10-01"));
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().field, "days");

  rule = Rule(kDefaultRuleId);
  rule.id = "Bad Id";
  EXPECT_FALSE(ComputeDeadline(rule, Official(), D("2026-10-01")).has_value());

  auto far = ComputeDeadline(Rule(kDefaultRuleId), Official(), D("2100-12-20"));
  ASSERT_FALSE(far.has_value());
  EXPECT_NE(far.error().message.find("超出"), std::string::npos);
  EXPECT_FALSE(ComputeDeadline(Rule(kDefaultRuleId), Official(), D("1980-01-01")).has_value());
}

TEST(DeadlineTest, BeforeRuleInWorkingDays) {
  DeadlineRule rule = Rule("land-transfer-notice");
  rule.day_kind = DayKind::kWorking;
  rule.days = 2;
  rule.display_days = 0;
  // Two working days before Thursday 2026-10-08, across 国庆节: 09-30, then 09-29.
  auto result = ComputeDeadline(rule, Official(), D("2026-10-08"));
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(S(result->due), "2026-09-29");
  EXPECT_EQ(Official().WorkingDaysBetween(result->due, D("2026-10-08")), 2);
}

TEST(DeadlineTest, ValidateRulesRefusesDuplicateIds) {
  std::vector<DeadlineRule> rules = {Rule(kDefaultRuleId), Rule(kDefaultRuleId)};
  auto status = ValidateRules(rules);
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code, ErrorCode::kConflict);
  EXPECT_EQ(ProvisionalNote(std::vector<int>{2027, 2028}),
            "（2027年、2028年放假安排尚未公布，按周末推算，为暂定日期）");
  EXPECT_EQ(ProvisionalNote({}), "");
}

}  // namespace
}  // namespace gongkai
