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

TEST(ParseDraftEditJson, ReadsContentAndChangeNote) {
  auto e = ParseDraftEditJson(
      R"({"title":"更正公告","body":"第一段\n第二段","doc_number":"示财〔2026〕3号","genre":"公告",)"
      R"("channels":["门户网站","公示栏"],"change_note":"更正金额"})");
  ASSERT_TRUE(e.has_value()) << e.error().message;
  EXPECT_EQ(e->content.title, "更正公告");
  EXPECT_EQ(e->content.body, "第一段\n第二段");
  EXPECT_EQ(e->content.doc_number, "示财〔2026〕3号");
  EXPECT_EQ(e->content.channels, (std::vector<std::string>{"门户网站", "公示栏"}));
  EXPECT_EQ(e->change_note, "更正金额");
  auto bare = ParseDraftEditJson(R"({"title":"只有标题"})");
  ASSERT_TRUE(bare.has_value());
  EXPECT_TRUE(bare->change_note.empty());
  EXPECT_TRUE(bare->content.body.empty());
}

TEST(ParseDraftEditJson, RefusesWhatCannotChangeAndNamesTheField) {
  struct Case {
    const char* body;
    const char* field;
  };
  for (const Case& k : {Case{R"({"title":"x","unit":"区发改局"})", "unit"}, Case{R"({"title":"x","item":3})", "item"},
                        Case{R"({"title":"x","obligation_id":1})", "obligation_id"},
                        Case{R"({"title":"x","formed_on":"2026-01-01"})", "formed_on"},
                        Case{R"({"body":"x"})", "title"}, Case{R"({"title":"x","change_note":7})", "change_note"},
                        Case{R"({"title":"x","written_on":"2026-13-01"})", "written_on"},
                        Case{R"({"title":"x","extra":1})", "extra"}}) {
    auto e = ParseDraftEditJson(k.body);
    ASSERT_FALSE(e.has_value()) << k.body;
    EXPECT_EQ(e.error().code, ErrorCode::kInvalidInput) << k.body;
    EXPECT_EQ(e.error().field, k.field) << k.body << ": " << e.error().message;
  }
  auto note = ParseDraftEditJson(R"({"title":"x","change_note":7})");
  EXPECT_NE(note.error().message.find("修订说明"), std::string::npos) << note.error().message;
  EXPECT_FALSE(ParseDraftEditJson("[1]").has_value());
}

TEST(ParseWithdrawAndReturnJson, ReadOneTextMember) {
  EXPECT_EQ(*ParseWithdrawJson(R"({"reason":"采购终止"})"), "采购终止");
  EXPECT_EQ(*ParseWithdrawJson(""), "");  // the action refuses an empty reason
  EXPECT_EQ(*ParseWithdrawJson("{}"), "");
  EXPECT_EQ(ParseWithdrawJson(R"({"reason":1})").error().field, "reason");
  EXPECT_EQ(ParseWithdrawJson(R"({"comment":"x"})").error().field, "comment");
  EXPECT_EQ(*ParseReturnJson(R"({"comment":"请补充"})"), "请补充");
  EXPECT_EQ(ParseReturnJson(R"({"reason":"x"})").error().field, "reason");
  auto bad = ParseReturnJson(R"({"comment":false})");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message.find("退回意见"), std::string::npos) << bad.error().message;
}

}  // namespace
}  // namespace gongkai
