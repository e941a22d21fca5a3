#include "codec/rules_codec.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace gongkai {
namespace {

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(RulesCodecTest, EmbeddedRulesMatchDomain) {
  auto rules = LoadDeadlineRules();
  ASSERT_TRUE(rules.has_value()) << rules.error().Describe();
  struct Expected {
    const char* id;
    int days;
    DayKind kind;
    Direction direction;
    int display_days;
    DayKind display_kind;
    bool check;
    const char* basis_part;
  };
  const Expected expected[] = {
      {"default-20-working-days", 20, DayKind::kWorking, Direction::kAfter, 0, DayKind::kCalendar, false,
       "政府信息公开条例》第二十六条"},
      {"procurement-result", 2, DayKind::kWorking, Direction::kAfter, 0, DayKind::kCalendar, false,
       "政府采购法实施条例》第四十三条"},
      {"procurement-contract", 2, DayKind::kWorking, Direction::kAfter, 0, DayKind::kCalendar, false,
       "政府采购法实施条例》第五十条"},
      {"bid-candidates", 3, DayKind::kCalendar, Direction::kAfter, 3, DayKind::kCalendar, false,
       "招标投标法实施条例》第五十四条"},
      {"land-expropriation-prenotice", 20, DayKind::kWorking, Direction::kAfter, 10, DayKind::kWorking, true,
       "土地管理法实施条例》第二十六条"},
      {"land-compensation-plan", 20, DayKind::kWorking, Direction::kAfter, 30, DayKind::kCalendar, true,
       "土地管理法实施条例》第二十八条"},
      {"land-transfer-notice", 20, DayKind::kCalendar, Direction::kBefore, 10, DayKind::kCalendar, true,
       "国土资源部令第39号"},
      {"eia-draft", 20, DayKind::kWorking, Direction::kAfter, 10, DayKind::kWorking, true, "生态环境部令第4号"},
      {"eia-pre-approval", 20, DayKind::kWorking, Direction::kAfter, 5, DayKind::kWorking, true, "生态环境部令第4号"},
  };
  ASSERT_EQ(rules->size(), std::size(expected));
  for (std::size_t i = 0; i < rules->size(); ++i) {
    const DeadlineRule& rule = (*rules)[i];
    const Expected& e = expected[i];
    SCOPED_TRACE(e.id);
    EXPECT_EQ(rule.id, e.id);
    EXPECT_EQ(rule.days, e.days);
    EXPECT_EQ(rule.day_kind, e.kind);
    EXPECT_EQ(rule.direction, e.direction);
    EXPECT_EQ(rule.display_days, e.display_days);
    EXPECT_EQ(rule.display_day_kind, e.display_kind);
    EXPECT_EQ(rule.check, e.check);
    EXPECT_TRUE(Contains(rule.basis, e.basis_part)) << rule.basis;
    EXPECT_FALSE(rule.name.empty());
    EXPECT_FALSE(rule.start_event.empty());
    // Every rule states its counting convention; calendar-day ones the move.
    EXPECT_TRUE(Contains(rule.text, "第0日") || Contains(rule.text, "往前数")) << rule.text;
    if (rule.day_kind == DayKind::kCalendar || (rule.display_days > 0 && rule.display_day_kind == DayKind::kCalendar)) {
      EXPECT_TRUE(Contains(rule.text, "顺延")) << rule.text;
    }
  }
  EXPECT_EQ((*rules)[6].display_from, DisplayFrom::kEvent);  // listing counts from its start
}

TEST(RulesCodecTest, RoundTrip) {
  auto rules = LoadDeadlineRules();
  ASSERT_TRUE(rules.has_value());
  auto back = ParseDeadlineRules(DeadlineRulesToJson(*rules));
  ASSERT_TRUE(back.has_value()) << back.error().Describe();
  EXPECT_EQ(*back, *rules);
}

// A valid one-rule file with `member` set to `value` (raw JSON), or
// removed when value is nullptr.
std::string RulesWith(const std::string& member, const char* value, const std::string& extra = "") {
  std::vector<std::pair<std::string, std::string>> members = {
      {"id", "\"default-20-working-days\""},
      {"name", "\"一般时限\""},
      {"start_event", "\"形成之日\""},
      {"days", "20"},
      {"day_kind", "\"working\""},
      {"direction", "\"after\""},
      {"display_days", "0"},
      {"display_day_kind", "\"calendar\""},
      {"basis", "\"条例第二十六条\""},
      {"text", "\"20个工作日内\""},
      {"check", "false"},
  };
  std::string out = R"({"format": "gongkai-deadline-rules", "version": 1, "rules": [{)";
  bool first = true;
  bool replaced = false;
  for (const auto& [key, json] : members) {
    if (key == member) replaced = true;
    if (key == member && value == nullptr) continue;
    out += (first ? "" : ", ") + ("\"" + key + "\": ") + (key == member ? std::string(value) : json);
    first = false;
  }
  if (!replaced && value != nullptr) out += ", \"" + member + "\": " + value;  // an optional member
  return out + "}" + extra + "]}";
}

TEST(RulesCodecTest, MinimalFileParses) {
  auto rules = ParseDeadlineRules(RulesWith("", nullptr));
  ASSERT_TRUE(rules.has_value()) << rules.error().Describe();
  EXPECT_EQ((*rules)[0].display_from, DisplayFrom::kPublication);  // optional member
}

TEST(RulesCodecTest, ErrorsNameTheField) {
  struct Case {
    const char* what;
    std::string json;
    const char* field;
    const char* message_part;
  };
  const std::string second_default =
      R"(, {"id": "default-20-working-days", "name": "x", "start_event": "x", "days": 1, "day_kind": "working",
         "direction": "after", "display_days": 0, "display_day_kind": "calendar", "basis": "x", "text": "x",
         "check": false})";
  const Case cases[] = {
      {"bad JSON", "{", "", "JSON格式错误"},
      {"wrong format", R"({"format": "x", "version": 1, "rules": []})", "format", "gongkai-deadline-rules"},
      {"wrong version", R"({"format": "gongkai-deadline-rules", "version": 3, "rules": []})", "version", "3"},
      {"no default rule", R"({"format": "gongkai-deadline-rules", "version": 1, "rules": []})", "rules",
       "缺少默认时限规则"},
      {"missing days", RulesWith("days", nullptr), "rules[0].days", "缺少此字段"},
      {"negative days", RulesWith("days", "-1"), "rules[0].days", "-1"},
      {"days as string", RulesWith("days", "\"20\""), "rules[0].days", "应为整数"},
      {"unknown day kind", RulesWith("day_kind", "\"workday\""), "rules[0].day_kind", "workday"},
      {"unknown direction", RulesWith("direction", "\"around\""), "rules[0].direction", "around"},
      {"unknown display_from", RulesWith("display_from", "\"never\""), "rules[0].display_from", "never"},
      {"check not boolean", RulesWith("check", "\"yes\""), "rules[0].check", "true或false"},
      {"bad id", RulesWith("id", "\"Default Rule\""), "rules[0].id", "小写英文字母"},
      {"empty text", RulesWith("text", "\"\""), "rules[0].text", "缺少规则说明"},
      {"unknown member", RulesWith("", nullptr).insert(RulesWith("", nullptr).size() - 3, ", \"dayz\": 1"),
       "rules[0].dayz", "未知字段"},
      {"duplicate id", RulesWith("", nullptr, second_default), "rules[1].id", "重复"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    auto rules = ParseDeadlineRules(c.json);
    ASSERT_FALSE(rules.has_value()) << c.json;
    EXPECT_EQ(rules.error().field, c.field) << rules.error().Describe();
    EXPECT_TRUE(Contains(rules.error().message, c.message_part)) << rules.error().message;
  }
}

}  // namespace
}  // namespace gongkai
