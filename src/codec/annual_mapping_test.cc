#include "codec/annual_mapping.h"

#include <gtest/gtest.h>

#include "codec/catalog_json.h"
#include "core/resources.h"

namespace gongkai {
namespace {

const Catalog& Seed() {
  static const Catalog c = [] {
    auto loaded = LoadSeedCatalog();
    EXPECT_TRUE(loaded.has_value()) << loaded.error().Describe();
    return loaded ? *loaded : Catalog{};
  }();
  return c;
}

// The field and message of the error ParseAnnualMapping gives for `json`.
Error ErrorOf(const std::string& json) {
  auto m = ParseAnnualMapping(json, Seed());
  EXPECT_FALSE(m.has_value()) << "accepted: " << json;
  if (m) return Error{};
  EXPECT_EQ(m.error().code, ErrorCode::kInvalidInput) << m.error().Describe();
  return m.error();
}

std::string WithRows(const std::string& rows) { return R"({"version":1,"rows":[)" + rows + "]}"; }

TEST(AnnualMappingCodec, DefaultMappingFitsTheSeedCatalogue) {
  auto m = DefaultAnnualMapping(Seed());
  ASSERT_TRUE(m.has_value()) << m.error().Describe();
  ASSERT_EQ(m->rows.size(), 6u);
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(m->rows[i].row, AllAnnualRowKinds()[i]);
    EXPECT_FALSE(m->rows[i].note.empty()) << AnnualRowKindId(m->rows[i].row);
  }
  const auto& licensing = m->rows[2].selectors;
  ASSERT_EQ(licensing.size(), 3u);
  EXPECT_EQ(licensing[0], (AnnualSelector{2, "", "", ""}));
  EXPECT_EQ(licensing[1], (AnnualSelector{11, "审批结果信息", "", ""}));
  EXPECT_EQ(licensing[2], (AnnualSelector{19, "建设项目环境影响评价审批", "", ""}));
  const auto& punishment = m->rows[3].selectors;
  ASSERT_EQ(punishment.size(), 2u);
  EXPECT_EQ(punishment[0], (AnnualSelector{3, "招标投标违法处罚信息", "", ""}));
  EXPECT_EQ(punishment[1], (AnnualSelector{7, "质量安全行政处罚情况", "", ""}));
  // Filled by hand: no genre tells 行政规范性文件 apart, no 规章, no 行政强制, no amounts.
  EXPECT_TRUE(m->rows[0].selectors.empty());
  EXPECT_TRUE(m->rows[1].selectors.empty());
  EXPECT_TRUE(m->rows[4].selectors.empty());
  EXPECT_TRUE(m->rows[5].selectors.empty());
  EXPECT_TRUE(ValidateAnnualMapping(*m).has_value());
}

TEST(AnnualMappingCodec, DefaultMappingIsRefusedByAnUnrelatedCatalogue) {
  Catalog other = Seed();
  for (auto& area : other.areas)
    for (auto& item : area.items)
      if (item.number == 11) item.elements = {Element{"出让公告公示", ""}};
  auto m = DefaultAnnualMapping(other);
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.error().field, "rows[2].selectors[1].element");
  EXPECT_NE(m.error().message.find("内置"), std::string::npos) << m.error().message;
}

TEST(AnnualMappingCodec, RoundTrips) {
  auto m = DefaultAnnualMapping(Seed());
  ASSERT_TRUE(m.has_value());
  const std::string json = AnnualMappingToJson(*m);
  auto again = ParseAnnualMapping(json, Seed());
  ASSERT_TRUE(again.has_value()) << again.error().Describe() << "\n" << json;
  EXPECT_EQ(*again, *m);
  EXPECT_EQ(AnnualMappingToJson(*again), json);
  EXPECT_NE(json.find("审批结果信息"), std::string::npos) << "UTF-8 written as is, not \\u escapes";

  AnnualMapping every;
  for (AnnualRowKind k : AllAnnualRowKinds()) every.rows.push_back({k, {}, std::string("说明：") + AnnualRowKindId(k)});
  every.rows[1].selectors = {AnnualSelector{0, "", "规范性文件", ""}, AnnualSelector{0, "", "决定", "区教育局"},
                             AnnualSelector{17, "相关政策", "通知", "区教育局"}, AnnualSelector{0, "招标公告", "", ""}};
  auto back = ParseAnnualMapping(AnnualMappingToJson(every), Seed());
  ASSERT_TRUE(back.has_value()) << back.error().Describe();
  EXPECT_EQ(*back, every);
}

TEST(AnnualMappingCodec, MissingRowsAreUnmappedAndOrderIsFixed) {
  auto m = ParseAnnualMapping(WithRows(R"({"row":"punishment","selectors":[{"item":7}]},
                                          {"row":"licensing","note":"许可","selectors":[{"item":2}]})"),
                              Seed());
  ASSERT_TRUE(m.has_value()) << m.error().Describe();
  ASSERT_EQ(m->rows.size(), 6u);
  for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(m->rows[i].row, AllAnnualRowKinds()[i]);
  EXPECT_EQ(m->rows[2].note, "许可");
  EXPECT_EQ(m->rows[2].selectors, std::vector<AnnualSelector>{(AnnualSelector{2, "", "", ""})});
  EXPECT_EQ(m->rows[3].selectors, std::vector<AnnualSelector>{(AnnualSelector{7, "", "", ""})});
  EXPECT_TRUE(m->rows[0].selectors.empty());
  EXPECT_TRUE(m->rows[0].note.empty());

  auto empty = ParseAnnualMapping(R"({"version":1,"rows":[]})", Seed());
  ASSERT_TRUE(empty.has_value());
  for (const auto& r : empty->rows) EXPECT_TRUE(r.selectors.empty());
  // A row with no "selectors" key, and fees with an empty list, are fine.
  EXPECT_TRUE(ParseAnnualMapping(WithRows(R"({"row":"fees","selectors":[]},{"row":"regulation"})"), Seed()));
}

TEST(AnnualMappingCodec, UnitAliasesAndSpacesBecomeTheUnitName) {
  auto m = ParseAnnualMapping(WithRows(R"({"row":"licensing","selectors":[{"unit":"区 供销社"}]})"), Seed());
  ASSERT_TRUE(m.has_value()) << m.error().Describe();
  EXPECT_EQ(m->rows[2].selectors[0].unit, "区供销社");
  const UnitInfo* with_alias = nullptr;
  for (const auto& u : Seed().units)
    if (!u.aliases.empty()) with_alias = &u;
  if (with_alias) {
    auto a = ParseAnnualMapping(
        WithRows(R"({"row":"licensing","selectors":[{"unit":")" + with_alias->aliases[0] + R"("}]})"), Seed());
    ASSERT_TRUE(a.has_value()) << a.error().Describe();
    EXPECT_EQ(a->rows[2].selectors[0].unit, with_alias->name);
  }
}

TEST(AnnualMappingCodec, ItemNotInCatalogue) {
  Error e = ErrorOf(WithRows(R"({"row":"punishment"},{"row":"licensing","selectors":[{"item":21}]})"));
  EXPECT_EQ(e.field, "rows[1].selectors[0].item");
  EXPECT_EQ(e.message, "事项序号 21 不在目录中");
  EXPECT_EQ(ErrorOf(WithRows(R"({"row":"licensing","selectors":[{"item":0}]})")).field, "rows[0].selectors[0].item");
  EXPECT_EQ(ErrorOf(WithRows(R"({"row":"licensing","selectors":[{"item":-3}]})")).field,
            "rows[0].selectors[0].item");
  EXPECT_EQ(ErrorOf(WithRows(R"({"row":"licensing","selectors":[{"item":18446744073709551615}]})")).field,
            "rows[0].selectors[0].item");
}

TEST(AnnualMappingCodec, ElementMustBelongToTheItemOrToSomeItem) {
  Error e = ErrorOf(WithRows(R"({"row":"licensing","selectors":[{"item":2},{"item":11,"element":"项目核准结果"}]})"));
  EXPECT_EQ(e.field, "rows[0].selectors[1].element");
  EXPECT_NE(e.message.find("项目核准结果"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("矿业权出让领域"), std::string::npos) << e.message;
  Error any = ErrorOf(WithRows(R"({"row":"licensing","selectors":[{"element":"行政许可决定"}]})"));
  EXPECT_EQ(any.field, "rows[0].selectors[0].element");
  EXPECT_NE(any.message.find("任何事项"), std::string::npos) << any.message;
  // An element of some item is fine without an item.
  EXPECT_TRUE(ParseAnnualMapping(WithRows(R"({"row":"licensing","selectors":[{"element":"项目核准结果"}]})"), Seed()));
}

TEST(AnnualMappingCodec, UnknownRowAndRowTwice) {
  Error unknown = ErrorOf(WithRows(R"({"row":"licensing"},{"row":"permits"})"));
  EXPECT_EQ(unknown.field, "rows[1].row");
  EXPECT_NE(unknown.message.find("permits"), std::string::npos) << unknown.message;
  Error twice = ErrorOf(WithRows(R"({"row":"licensing"},{"row":"fees"},{"row":"licensing","selectors":[{"item":2}]})"));
  EXPECT_EQ(twice.field, "rows[2].row");
  EXPECT_NE(twice.message.find("rows[0]"), std::string::npos) << twice.message;
}

TEST(AnnualMappingCodec, FeesCannotHaveSelectors) {
  Error e = ErrorOf(WithRows(R"({"row":"licensing"},{"row":"fees","selectors":[{"item":2}]})"));
  EXPECT_EQ(e.field, "rows[1].selectors");
  EXPECT_NE(e.message.find("收费金额"), std::string::npos) << e.message;
}

TEST(AnnualMappingCodec, SelectorNeedsAField) {
  EXPECT_EQ(ErrorOf(WithRows(R"({"row":"licensing","selectors":[{"item":2},{}]})")).field,
            "rows[0].selectors[1]");
  Error blank = ErrorOf(WithRows(R"({"row":"licensing","selectors":[{"genre":""}]})"));
  EXPECT_EQ(blank.field, "rows[0].selectors[0].genre");
  EXPECT_EQ(ErrorOf(WithRows(R"({"row":"licensing","selectors":[{"item":2},{"item":2}]})")).field,
            "rows[0].selectors[1]");
}

TEST(AnnualMappingCodec, UnitNotInCatalogue) {
  Error e = ErrorOf(WithRows(R"({"row":"licensing","selectors":[{"unit":"区公安分局"}]})"));
  EXPECT_EQ(e.field, "rows[0].selectors[0].unit");
  EXPECT_NE(e.message.find("区公安分局"), std::string::npos) << e.message;
}

TEST(AnnualMappingCodec, UnknownKeys) {
  EXPECT_EQ(ErrorOf(R"({"version":1,"rows":[],"comment":"x"})").field, "comment");
  EXPECT_EQ(ErrorOf(WithRows(R"({"row":"licensing","notes":"x"})")).field, "rows[0].notes");
  Error sel = ErrorOf(WithRows(R"({"row":"licensing","selectors":[{"item":2,"elements":"x"}]})"));
  EXPECT_EQ(sel.field, "rows[0].selectors[0].elements");
  EXPECT_NE(sel.message.find("未知字段"), std::string::npos) << sel.message;
}

TEST(AnnualMappingCodec, WrongTypes) {
  EXPECT_EQ(ErrorOf(R"([1,2])").field, "(根)");
  EXPECT_EQ(ErrorOf(R"({"version":"1","rows":[]})").field, "version");
  EXPECT_EQ(ErrorOf(R"({"version":2,"rows":[]})").field, "version");
  EXPECT_EQ(ErrorOf(R"({"rows":[]})").field, "version");
  EXPECT_EQ(ErrorOf(R"({"version":1})").field, "rows");
  EXPECT_EQ(ErrorOf(R"({"version":1,"rows":{}})").field, "rows");
  EXPECT_EQ(ErrorOf(WithRows(R"("licensing")")).field, "rows[0]");
  EXPECT_EQ(ErrorOf(WithRows(R"({"row":3})")).field, "rows[0].row");
  EXPECT_EQ(ErrorOf(WithRows(R"({"note":"x"})")).field, "rows[0].row");
  EXPECT_EQ(ErrorOf(WithRows(R"({"row":"licensing","note":1})")).field, "rows[0].note");
  EXPECT_EQ(ErrorOf(WithRows(R"({"row":"licensing","selectors":{"item":2}})")).field, "rows[0].selectors");
  EXPECT_EQ(ErrorOf(WithRows(R"({"row":"licensing","selectors":[2]})")).field, "rows[0].selectors[0]");
  Error item = ErrorOf(WithRows(R"({"row":"licensing","selectors":[{"item":"2"}]})"));
  EXPECT_EQ(item.field, "rows[0].selectors[0].item");
  EXPECT_EQ(item.message, "应为整数");
  EXPECT_EQ(ErrorOf(WithRows(R"({"row":"licensing","selectors":[{"item":2.5}]})")).field,
            "rows[0].selectors[0].item");
  EXPECT_EQ(ErrorOf(WithRows(R"({"row":"licensing","selectors":[{"genre":["通知"]}]})")).field,
            "rows[0].selectors[0].genre");
  EXPECT_EQ(ErrorOf(WithRows(R"({"row":"licensing","selectors":[{"unit":null}]})")).field,
            "rows[0].selectors[0].unit");
}

TEST(AnnualMappingCodec, SyntaxErrorsNameLineAndColumn) {
  Error e = ErrorOf("{\n  \"version\": 1,\n  \"rows\": [,]\n}");
  EXPECT_EQ(e.line, 3);
  EXPECT_NE(e.message.find("第3行第12列"), std::string::npos) << e.message;
  // Columns count characters, not bytes.
  Error cn = ErrorOf("{\"version\":1,\"rows\":[{\"row\":\"规章\" x}]}");
  EXPECT_EQ(cn.line, 1);
  EXPECT_NE(cn.message.find("第1行第34列"), std::string::npos) << cn.message;
  Error truncated = ErrorOf("{\"version\":1,");
  EXPECT_EQ(truncated.line, 1);
  EXPECT_NE(truncated.message.find("JSON格式错误"), std::string::npos);
  EXPECT_NE(ErrorOf("").message.find("JSON格式错误"), std::string::npos);
  EXPECT_NE(ErrorOf("{\"version\":1,\"rows\":[{\"row\":\"\xff\"}]}").message.find("UTF-8"), std::string::npos);
  // A UTF-8 byte order mark is allowed.
  EXPECT_TRUE(ParseAnnualMapping("\xEF\xBB\xBF{\"version\":1,\"rows\":[]}", Seed()).has_value());
}

TEST(AnnualMappingCodec, ResourceIsEmbedded) {
  EXPECT_TRUE(FindResource("data/annual-report-mapping.json").has_value());
}

}  // namespace
}  // namespace gongkai
