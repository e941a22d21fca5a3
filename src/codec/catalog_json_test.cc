#include "codec/catalog_json.h"

#include <gtest/gtest.h>

#include <set>

namespace gongkai {
namespace {

// The seed's 20 item titles, in order (item 14 without its trailing "：").
const std::vector<std::string> kSeedTitles = {
    "批准服务信息", "批准结果信息", "招投标信息", "征收土地信息", "重大设计变更信息", "施工有关信息",
    "质量安全监督信息", "竣工有关信息", "住房保障领域", "国有土地使用权出让领域", "矿业权出让领域",
    "政府采购领域", "国有产权交易领域", "工程建设项目招标投标领域", "脱贫攻坚领域",
    "社会救助和社会福利领域", "教育领域", "基本医疗卫生领域", "环境保护领域", "灾害事故救援领域"};

TEST(SeedCatalog, HasThreeAreasTwentyItemsTwentySixUnits) {
  auto c = LoadSeedCatalog();
  ASSERT_TRUE(c.has_value()) << c.error().Describe();
  ASSERT_EQ(c->areas.size(), 3u);
  EXPECT_EQ(c->areas[0].title, "重大建设项目批准和实施");
  EXPECT_EQ(c->areas[1].title, "公共资源配置领域");
  EXPECT_EQ(c->areas[2].title, "社会公益事业建设领域");
  EXPECT_EQ(c->areas[0].items.size(), 8u);
  EXPECT_EQ(c->areas[1].items.size(), 6u);
  EXPECT_EQ(c->areas[2].items.size(), 6u);
  ASSERT_EQ(c->ItemCount(), 20u);
  for (int n = 1; n <= 20; ++n) {
    const Item* it = c->FindItem(n);
    ASSERT_NE(it, nullptr) << n;
    EXPECT_EQ(it->title, kSeedTitles[static_cast<std::size_t>(n - 1)]) << n;
    EXPECT_EQ(it->channel, "区政府门户网站（或政务新媒体等渠道）") << "同上 resolved, item " << n;
    EXPECT_EQ(it->timeliness.working_days, 20);
    EXPECT_NE(it->timeliness.text.find("20个工作日内"), std::string::npos) << "typo corrected, item " << n;
  }
  EXPECT_EQ(c->units.size(), 26u);
  std::set<std::string> names;
  for (const auto& u : c->units) {
    names.insert(u.name);
    EXPECT_EQ(u.name.find(' '), std::string::npos) << u.name;
  }
  EXPECT_EQ(names.size(), 26u);
  EXPECT_TRUE(names.contains("区供销社"));
  EXPECT_TRUE(names.contains("区红十字会"));
}

TEST(SeedCatalog, UnitListsAsTheSeedHasThem) {
  auto c = LoadSeedCatalog();
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->FindItem(1)->units, std::vector<std::string>{"区发改局"});
  EXPECT_EQ(c->FindItem(2)->units,
            (std::vector<std::string>{"区发改局", "区环保局", "区规划局", "区国土分局", "区农牧林水局"}));
  EXPECT_EQ(c->FindItem(4)->units, (std::vector<std::string>{"区国土分局", "区房管局"}));
  EXPECT_EQ(c->FindItem(16)->units,
            (std::vector<std::string>{"区民政局", "区人社局", "区卫计局", "区残联", "区红十字会"}));
  EXPECT_EQ(c->FindItem(20)->units, (std::vector<std::string>{"区农牧林水局", "区卫计局"}));
  EXPECT_EQ(c->FindItem(14)->units.size(), 19u);
  EXPECT_EQ(c->FindItem(14)->units.front(), "区财政局");
  EXPECT_EQ(c->FindItem(8)->units.back(), "区审计局");
  // Open-ended exactly where the seed's list ends in 等.
  std::set<int> open;
  for (const auto& a : c->areas)
    for (const auto& it : a.items)
      if (it.units_open_ended) open.insert(it.number);
  EXPECT_EQ(open, (std::set<int>{2, 5, 6, 7, 8, 13, 14, 16}));
}

TEST(SeedCatalog, FlagsAndCompoundElements) {
  auto c = LoadSeedCatalog();
  ASSERT_TRUE(c.has_value());
  EXPECT_TRUE(c->FindItem(16)->privacy_protection);
  EXPECT_TRUE(c->FindItem(15)->specific_groups);
  EXPECT_TRUE(c->FindItem(16)->specific_groups);
  EXPECT_TRUE(c->FindItem(13)->excludes_commercial_secrets);
  EXPECT_TRUE(c->FindItem(14)->excludes_state_secrets);
  EXPECT_FALSE(c->FindItem(1)->privacy_protection);
  const auto& e2 = c->FindItem(2)->elements;
  EXPECT_EQ(e2.back().name, "取水许可、水土保持方案、洪水影响评价等涉水事项审批结果");
  bool found = false;
  for (const auto& e : c->FindItem(12)->elements)
    if (e.name == "采购结果") found = e.rule == "procurement-result";
  EXPECT_TRUE(found);
}

TEST(CatalogJson, RoundTripIsExact) {
  auto c = LoadSeedCatalog();
  ASSERT_TRUE(c.has_value());
  std::string text = SerializeCatalogJson(*c);
  auto again = ParseCatalogJson(text);
  ASSERT_TRUE(again.has_value()) << again.error().Describe();
  EXPECT_EQ(*again, *c);
  EXPECT_EQ(SerializeCatalogJson(*again), text);
}

struct BadCase {
  const char* name;
  std::string (*mutate)(std::string);
  const char* expect_in_field;
};

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  auto pos = s.find(from);
  if (pos != std::string::npos) s.replace(pos, from.size(), to);
  return s;
}

TEST(CatalogJson, RefusesBadDocumentsNamingTheField) {
  auto c = LoadSeedCatalog();
  ASSERT_TRUE(c.has_value());
  const std::string good = SerializeCatalogJson(*c);
  struct Case {
    std::string text;
    std::string field_contains;
    int line;  // 0 = don't check
  } cases[] = {
      {good.substr(0, good.size() / 2), "", 1},  // truncated: syntax error with a line
      {Replace(good, "\"title\": \"批准服务信息\"", "\"title\": \"\""), "areas[0].items[0].title", 0},
      {Replace(good, "\"number\": 2,", "\"number\": 1,"), "二级标题", 0},  // duplicate item number
      {Replace(good, "\"channel\": ", "\"colour\": \"red\", \"channel\": "), "areas[0].items[0].colour", 0},
      {Replace(good, "\"format\": \"gongkai-catalog\"", "\"format\": \"other\""), "format", 0},
      {Replace(good, "\"working_days\": 20", "\"working_days\": \"20\""), "areas[0].items[0].timeliness.working_days", 0},
      {Replace(good, "\"units\": [\n            \"区发改局\"\n          ]", "\"units\": [\"区不存在局\"]"), "责任单位", 0},
      {"[]", "(根)", 0},
      {"", "", 1},
      {"{\"format\":\"gongkai-catalog\",\"version\":1,\"title\":\"x\",\"units\":[],\"areas\":[]}", "areas", 0},
  };
  for (const auto& k : cases) {
    auto r = ParseCatalogJson(k.text);
    ASSERT_FALSE(r.has_value()) << k.field_contains;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput);
    EXPECT_FALSE(r.error().message.empty());
    if (!k.field_contains.empty()) {
      EXPECT_NE(r.error().field.find(k.field_contains), std::string::npos)
          << "field was '" << r.error().field << "': " << r.error().Describe();
    }
    if (k.line) {
      EXPECT_GE(r.error().line, k.line) << r.error().Describe();
    }
  }
}

TEST(CatalogJson, RefusesInvalidUtf8) {
  auto r = ParseCatalogJson("{\"format\": \"\xff\xfe\"}");
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("UTF-8"), std::string::npos);
}

}  // namespace
}  // namespace gongkai
