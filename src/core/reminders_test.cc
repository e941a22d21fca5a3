#include "core/reminders.h"

#include <fmt/core.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "codec/test_calendar.h"

namespace gongkai {
namespace {

Date D(const char* text) {
  auto d = Date::Parse(text);
  EXPECT_TRUE(d.has_value()) << text;
  return d.value_or(Date());
}

const WorkingCalendar& Official() { return testing_support::OfficialCalendar(); }

Catalog TestCatalog() {
  Catalog c;
  Item it;
  it.number = 12;
  it.title = "政府采购领域";
  it.elements = {Element{"采购结果", ""}};
  it.units = {"甲局", "乙局"};
  c.areas.push_back(Area{2, "公共资源配置领域", {it}});
  return c;
}

Obligation O(std::int64_t id, const char* unit, const char* due, ObligationState state = ObligationState::kOpen) {
  Obligation o;
  o.id = id;
  o.unit = unit;
  o.item_number = 12;
  o.element = "采购结果";
  o.title = fmt::format("公开事项{}", id);
  o.due_on = D(due);
  o.state = state;
  return o;
}

ReminderRecipient R(std::int64_t id, Role role, const char* unit, const char* email = "") {
  return ReminderRecipient{id, fmt::format("user{}", id), fmt::format("用户{}", id), email, role, unit};
}

std::vector<std::int64_t> Ids(const PlannedNotice& n) {
  std::vector<std::int64_t> out;
  for (const auto& l : n.lines) out.push_back(l.obligation_id);
  return out;
}

// Around 国庆 2025: 28 September (Sunday) is a working day, 1-8 October are
// off, 11 October (Saturday) is a working day. Today is Friday 26 September.
class RemindersTest : public ::testing::Test {
 protected:
  std::vector<Obligation> obligations = {
      O(1, "甲局", "2025-10-10"),  // (26 Sep, 10 Oct] = 28, 29, 30 Sep, 9, 10 Oct = 5 working days: due soon
      O(2, "甲局", "2025-10-11"),  // 6 working days: not yet
      O(3, "甲局", "2025-09-26"),  // due today
      O(4, "甲局", "2025-09-25"),  // overdue by 1
      O(5, "甲局", "2025-09-19"),  // overdue by 22..26 Sep = 5
      O(6, "甲局", "2025-09-01", ObligationState::kWithheld),
      O(7, "甲局", "2025-09-02", ObligationState::kPublished),
      O(8, "乙局", "2025-09-24"),  // overdue by 2
  };
  std::vector<ReminderRecipient> recipients = {
      R(11, Role::kLiaison, "甲局", "a@example.gov.cn"), R(12, Role::kLeader, "甲局"), R(13, Role::kLiaison, "乙局"),
      R(14, Role::kAdmin, ""), R(15, Role::kLiaison, "丙局"), R(16, Role::kAuditor, "")};
  Catalog catalog = TestCatalog();

  std::vector<PlannedNotice> Plan(const std::set<ReminderMark>& sent, const char* today) {
    return PlanReminders(Official(), catalog, obligations, recipients, sent, D(today), ReminderPolicy{}, "示例区");
  }
};

TEST_F(RemindersTest, LiaisonsGetDueSoonAndOverdueLeadersOnlyOverdue) {
  auto plan = Plan({}, "2025-09-26");
  ASSERT_EQ(plan.size(), 3u);
  EXPECT_EQ(plan[0].recipient.account_id, 11);
  EXPECT_EQ(Ids(plan[0]), (std::vector<std::int64_t>{5, 4, 3, 1}));
  EXPECT_EQ(plan[0].lines[0].kind, ReminderKind::kOverdue);
  EXPECT_EQ(plan[0].lines[0].working_days, 5);
  EXPECT_EQ(plan[0].lines[1].working_days, 1);
  EXPECT_EQ(plan[0].lines[2].kind, ReminderKind::kDueSoon);
  EXPECT_EQ(plan[0].lines[2].working_days, 0);
  EXPECT_EQ(plan[0].lines[3].working_days, 5);
  EXPECT_EQ(plan[1].recipient.account_id, 12);
  EXPECT_EQ(Ids(plan[1]), (std::vector<std::int64_t>{5, 4}));
  EXPECT_EQ(plan[2].recipient.account_id, 13);
  EXPECT_EQ(Ids(plan[2]), (std::vector<std::int64_t>{8}));
  EXPECT_EQ(plan[2].lines[0].working_days, 2);
}

TEST_F(RemindersTest, TextNamesCountsDaysAndDates) {
  auto plan = Plan({}, "2025-09-26");
  ASSERT_FALSE(plan.empty());
  EXPECT_EQ(plan[0].subject, "【政务公开提醒】甲局：2项已逾期、2项即将到期");
  const std::string& body = plan[0].body;
  EXPECT_NE(body.find("已逾期5个工作日（应于2025-09-19前公开）"), std::string::npos) << body;
  EXPECT_NE(body.find("今天（2025-09-26）到期"), std::string::npos) << body;
  EXPECT_NE(body.find("还有5个工作日到期（2025-10-10）"), std::string::npos) << body;
  EXPECT_NE(body.find("事项12“政府采购领域”·采购结果"), std::string::npos) << body;
  EXPECT_EQ(body.find("公开事项2"), std::string::npos) << "6 working days away is not due soon";
  EXPECT_EQ(plan[1].subject, "【政务公开提醒】甲局：2项已逾期");
  EXPECT_NE(plan[1].body.find("分管领导"), std::string::npos);
}

TEST_F(RemindersTest, NothingIsSentTwiceForTheSameState) {
  auto first = Plan({}, "2025-09-26");
  std::set<ReminderMark> sent;
  for (const auto& n : first)
    for (const auto& m : n.Marks()) sent.insert(m);
  EXPECT_TRUE(Plan(sent, "2025-09-26").empty());
  // Sunday 28 September is a makeup working day: obligation 3 (due the 26th)
  // is now overdue (new state, to the liaison and the leader); obligation 2
  // is 5 working days away; obligation 1 was already reminded as due soon.
  auto next = Plan(sent, "2025-09-28");
  ASSERT_EQ(next.size(), 2u);
  EXPECT_EQ(Ids(next[0]), (std::vector<std::int64_t>{3, 2}));
  EXPECT_EQ(next[0].lines[0].kind, ReminderKind::kOverdue);
  EXPECT_EQ(next[0].lines[0].working_days, 1);
  EXPECT_EQ(Ids(next[1]), (std::vector<std::int64_t>{3}));
  EXPECT_EQ(next[1].recipient.role, Role::kLeader);
}

TEST_F(RemindersTest, AMovedDueDateIsANewState) {
  std::set<ReminderMark> sent;
  for (const auto& n : Plan({}, "2025-09-26"))
    for (const auto& m : n.Marks()) sent.insert(m);
  obligations[0].due_on = D("2025-10-09");  // a calendar import moved the deadline
  auto plan = Plan(sent, "2025-09-26");
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_EQ(Ids(plan[0]), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(plan[0].lines[0].working_days, 4);
}

TEST_F(RemindersTest, ClosedObligationsAndOtherRolesGetNothing) {
  for (auto& o : obligations)
    if (o.unit == "甲局") o.state = ObligationState::kCancelled;
  auto plan = Plan({}, "2025-09-26");
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_EQ(plan[0].recipient.unit, "乙局");
}

TEST(ReminderKindTest, NamesRoundTrip) {
  for (auto k : {ReminderKind::kDueSoon, ReminderKind::kOverdue})
    EXPECT_EQ(ParseReminderKind(ReminderKindName(k)), k);
  EXPECT_FALSE(ParseReminderKind("soon").has_value());
}

}  // namespace
}  // namespace gongkai
