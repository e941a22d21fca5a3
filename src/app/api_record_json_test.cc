#include "app/api_record_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace gongkai {
namespace {

const char* kMinimal = R"({"unit":"区财政局","item":12,"formed_on":"2026-09-21","title":"采购意向"})";

TEST(ParseNewDraftJson, ReadsEveryField) {
  auto n = ParseNewDraftJson(R"({
    "unit": "区财政局", "item": 12, "element": "采购意向", "formed_on": "2026-09-21",
    "title": "关于2026年采购意向的公告", "body": "第一段。\n\n第二段。", "doc_number": "区财采〔2026〕12号",
    "written_on": "2026-09-20", "genre": "公告", "topic": "财政、审计", "validity": "有效",
    "disclosure_mode": "主动公开", "scope": "全社会", "channels": ["门户网站", "政务新媒体"]})");
  ASSERT_TRUE(n.has_value()) << n.error().Describe();
  EXPECT_EQ(n->obligation_id, 0);
  EXPECT_EQ(n->unit, "区财政局");
  EXPECT_EQ(n->item, 12);
  EXPECT_EQ(n->element, "采购意向");
  EXPECT_EQ(n->formed_on, "2026-09-21");
  EXPECT_EQ(n->content.title, "关于2026年采购意向的公告");
  EXPECT_EQ(n->content.body, "第一段。\n\n第二段。");
  EXPECT_EQ(n->content.doc_number, "区财采〔2026〕12号");
  EXPECT_EQ(n->content.written_on, "2026-09-20");
  EXPECT_EQ(n->content.genre, "公告");
  EXPECT_EQ(n->content.topic, "财政、审计");
  EXPECT_EQ(n->content.validity, "有效");
  EXPECT_EQ(n->content.channels, (std::vector<std::string>{"门户网站", "政务新媒体"}));
}

TEST(ParseNewDraftJson, DefaultsAndObligation) {
  auto n = ParseNewDraftJson(kMinimal);
  ASSERT_TRUE(n.has_value()) << n.error().Describe();
  EXPECT_EQ(n->content.disclosure_mode, "主动公开");
  EXPECT_EQ(n->content.scope, "全社会");
  EXPECT_TRUE(n->content.channels.empty());
  auto o = ParseNewDraftJson(R"({"obligation_id": 7, "title": "按事项起草", "element": null})");
  ASSERT_TRUE(o.has_value()) << o.error().Describe();
  EXPECT_EQ(o->obligation_id, 7);
  EXPECT_TRUE(o->unit.empty());
}

// Bodies that must fail, and the field each error must name ("" = none).
TEST(ParseNewDraftJson, ErrorsNameTheField) {
  struct Case {
    const char* body;
    const char* field;
  } cases[] = {
      {"", ""},
      {"   ", ""},
      {"{", ""},
      {"{\"unit\": \"区财政局\",}", ""},
      {"[1, 2]", ""},
      {"\"text\"", ""},
      {"null", ""},
      {"{\"a\":\"\xff\"}", ""},
      {"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", ""},
      {"{\"n\": 1e999999}", ""},
      {R"({"item":12,"formed_on":"2026-09-21","title":"t"})", "unit"},
      {R"({"unit":"","item":12,"formed_on":"2026-09-21","title":"t"})", "unit"},
      {R"({"unit":5,"item":12,"formed_on":"2026-09-21","title":"t"})", "unit"},
      {R"({"unit":"区财政局","formed_on":"2026-09-21","title":"t"})", "item"},
      {R"({"unit":"区财政局","item":"12","formed_on":"2026-09-21","title":"t"})", "item"},
      {R"({"unit":"区财政局","item":12.5,"formed_on":"2026-09-21","title":"t"})", "item"},
      {R"({"unit":"区财政局","item":0,"formed_on":"2026-09-21","title":"t"})", "item"},
      {R"({"unit":"区财政局","item":-3,"formed_on":"2026-09-21","title":"t"})", "item"},
      {R"({"unit":"区财政局","item":18446744073709551615,"formed_on":"2026-09-21","title":"t"})", "item"},
      {R"({"unit":"区财政局","item":12,"title":"t"})", "formed_on"},
      {R"({"unit":"区财政局","item":12,"formed_on":"2026/09/21","title":"t"})", "formed_on"},
      {R"({"unit":"区财政局","item":12,"formed_on":"2026-09-21"})", "title"},
      {R"({"unit":"区财政局","item":12,"formed_on":"2026-09-21","title":""})", "title"},
      {R"({"unit":"区财政局","item":12,"formed_on":"2026-09-21","title":["t"]})", "title"},
      {R"({"unit":"区财政局","item":12,"formed_on":"2026-09-21","title":"a\u0007b"})", "title"},
      {R"({"unit":"区财政局","item":12,"formed_on":"2026-09-21","title":"t","written_on":"昨天"})", "written_on"},
      {R"({"unit":"区财政局","item":12,"formed_on":"2026-09-21","title":"t","channels":"门户网站"})", "channels"},
      {R"({"unit":"区财政局","item":12,"formed_on":"2026-09-21","title":"t","channels":["门户网站",3]})", "channels[1]"},
      {R"({"unit":"区财政局","item":12,"formed_on":"2026-09-21","title":"t","channels":[""]})", "channels[0]"},
      {R"({"unit":"区财政局","item":12,"formed_on":"2026-09-21","title":"t","tittle":"x"})", "tittle"},
      {R"({"obligation_id":7,"unit":"区财政局","title":"t"})", "unit"},
      {R"({"obligation_id":"7","title":"t"})", "obligation_id"},
      {R"({"obligation_id":true,"title":"t"})", "obligation_id"},
  };
  for (const auto& c : cases) {
    auto n = ParseNewDraftJson(c.body);
    ASSERT_FALSE(n.has_value()) << c.body;
    EXPECT_EQ(n.error().code, ErrorCode::kInvalidInput) << c.body;
    EXPECT_EQ(n.error().field, c.field) << c.body << ": " << n.error().message;
    EXPECT_FALSE(n.error().message.empty());
    // The message is valid UTF-8 (it goes into a JSON error document).
    EXPECT_NO_THROW((void)nlohmann::json(n.error().message).dump()) << c.body;
  }
}

TEST(ParseNewDraftJson, MessagesAreClear) {
  auto bad = ParseNewDraftJson("{\"unit\": }");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message.find("不是有效的JSON"), std::string::npos) << bad.error().message;
  auto type = ParseNewDraftJson(R"({"unit":"区财政局","item":"12","formed_on":"2026-09-21","title":"t"})");
  EXPECT_NE(type.error().message.find("应为正整数，实际为字符串"), std::string::npos) << type.error().message;
  auto missing = ParseNewDraftJson(R"({"unit":"区财政局","item":12,"title":"t"})");
  EXPECT_NE(missing.error().message.find("缺少字段“formed_on”"), std::string::npos) << missing.error().message;
  // A long unknown key is cut at a character boundary.
  std::string key;
  for (int i = 0; i < 40; ++i) key += "字";
  auto unknown = ParseNewDraftJson("{\"" + key + "\": 1}");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_NO_THROW((void)nlohmann::json(unknown.error().message).dump());
  EXPECT_NO_THROW((void)nlohmann::json(unknown.error().field).dump());
}

TEST(ParseChecklistJson, NeedsThreeBooleans) {
  auto ok = ParseChecklistJson(R"({"no_state_secret":true,"no_commercial_secret":true,"personal_info_handled":false})");
  ASSERT_TRUE(ok.has_value()) << ok.error().Describe();
  EXPECT_TRUE(ok->no_state_secret);
  EXPECT_TRUE(ok->no_commercial_secret);
  EXPECT_FALSE(ok->personal_info_handled);
  struct Case {
    const char* body;
    const char* field;
  } cases[] = {
      {"", ""},
      {"{}", "no_state_secret"},
      {R"({"no_state_secret":true,"no_commercial_secret":true})", "personal_info_handled"},
      {R"({"no_state_secret":"true","no_commercial_secret":true,"personal_info_handled":true})", "no_state_secret"},
      {R"({"no_state_secret":true,"no_commercial_secret":1,"personal_info_handled":true})", "no_commercial_secret"},
      {R"({"no_state_secret":true,"no_commercial_secret":true,"personal_info_handled":true,"x":1})", "x"},
  };
  for (const auto& c : cases) {
    auto r = ParseChecklistJson(c.body);
    ASSERT_FALSE(r.has_value()) << c.body;
    EXPECT_EQ(r.error().field, c.field) << c.body;
  }
}

TEST(ParseEmptyJson, AcceptsNothingOrAnEmptyObject) {
  EXPECT_TRUE(ParseEmptyJson("").has_value());
  EXPECT_TRUE(ParseEmptyJson(" \n").has_value());
  EXPECT_TRUE(ParseEmptyJson("{}").has_value());
  EXPECT_EQ(ParseEmptyJson(R"({"comment":"x"})").error().field, "comment");
  EXPECT_FALSE(ParseEmptyJson("nope").has_value());
}

}  // namespace
}  // namespace gongkai
