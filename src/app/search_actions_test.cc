#include "app/search_actions.h"

#include <fmt/core.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <random>
#include <set>

#include "app/record_actions.h"
#include "codec/catalog_json.h"
#include "codec/rules_codec.h"
#include "search/normalize.h"
#include "search/query.h"
#include "storage/sqlite/fts.h"
#include "storage/sqlite/sqlite_store.h"

namespace gongkai {
namespace {

class SearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("gongkai-search-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = std::move(*SqliteStore::Open((dir_ / "t.db").string(), 2));
    ASSERT_TRUE(store_->Migrate().has_value());
    site_ = *store_->CreateSite(NewSite{"demo", "示例区", ""});
    catalog_ = *LoadSeedCatalog();
    ASSERT_TRUE(store_->SaveCatalog(site_.id, catalog_).has_value());
    ASSERT_TRUE(EnsureCalendar(*store_).has_value());
    rules_ = *LoadDeadlineRules();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  Context As(Role role) { return Context{*store_, clock_, Actor{1, "t", "t", role, site_.id, "区财政局"}}; }
  std::int64_t Publish(const std::string& title, const std::string& body) {
    NewDraft nd;
    nd.unit = "区财政局";
    nd.item = 12;
    nd.formed_on = "2026-09-25";
    nd.content.title = title;
    nd.content.body = body;
    auto r = CreateDraft(As(Role::kLiaison), catalog_, rules_, nd);
    EXPECT_TRUE(r.has_value());
    EXPECT_TRUE(SubmitRecord(As(Role::kLiaison), r->id).has_value());
    EXPECT_TRUE(ApproveRecord(As(Role::kLeader), catalog_, r->id, ReviewChecklist{true, true, true}).has_value());
    EXPECT_TRUE(PublishRecord(As(Role::kLiaison), r->id).has_value());
    return r->id;
  }
  std::set<std::int64_t> Ids(const std::string& q) {
    std::set<std::int64_t> out;
    SearchParams p;
    p.q = q;
    p.per_page = 100;
    for (p.page = 1;; ++p.page) {
      auto o = RunSearch(*store_, site_, catalog_, p);
      EXPECT_TRUE(o.has_value()) << q << ": " << (o ? "" : o.error().Describe());
      if (!o) break;
      for (const auto& h : o->hits) out.insert(h.record.id);
      if (p.page >= o->pages) break;
    }
    return out;
  }
  std::filesystem::path dir_;
  std::unique_ptr<SqliteStore> store_;
  Site site_;
  Catalog catalog_;
  std::vector<DeadlineRule> rules_;
  SystemClock clock_;
};

// Every query of 1-4 characters (and two-term queries) returns exactly the
// records a plain substring scan of the normalised text returns.
TEST_F(SearchTest, RecallEqualsASubstringScan) {
  const std::vector<std::string> vocab = {"扶贫", "资金", "金桥村", "征地", "补偿", "国有", "土地", "出让", "采购",
                                          "结果", "公告", "项目", "攻坚", "脱贫", "年", "2024", "GB/T", "37668",
                                          "安置", "方案", "中心", "小学", "道路", "改造", "工程", "预算"};
  std::mt19937 rng(7);
  std::map<std::int64_t, std::string> texts;  // normalised title + body
  for (int i = 0; i < 120; ++i) {
    std::string title, body;
    for (int k = 0; k < 3; ++k) title += vocab[rng() % vocab.size()];
    for (int k = 0; k < 40; ++k) body += vocab[rng() % vocab.size()] + (rng() % 5 == 0 ? "，" : "");
    std::int64_t id = Publish(title, body);
    // What the index holds: title, body, unit and the item's name.
    texts[id] = search::NormalizeForSearch(title + "\n" + body + "\n" + "区财政局" + "\n" + "政府采购领域");
  }
  // Substring semantics; runs of Latin letters and runs of digits match as
  // whole words only (docs/search.md), so such a term must not continue a
  // letter run with a letter, or a digit run with a digit.
  auto kind = [](char c) { return c >= 'a' && c <= 'z' ? 1 : c >= '0' && c <= '9' ? 2 : 0; };
  auto cuts = [&](char a, char b) { return kind(a) != 0 && kind(a) == kind(b); };
  auto contains = [&](const std::string& t, const std::string& term) {
    for (std::size_t pos = t.find(term); pos != std::string::npos; pos = t.find(term, pos + 1)) {
      bool left_ok = pos == 0 || !cuts(t[pos - 1], term.front());
      bool right_ok = pos + term.size() >= t.size() || !cuts(term.back(), t[pos + term.size()]);
      if (left_ok && right_ok) return true;
    }
    return false;
  };
  auto scan = [&](const std::vector<std::string>& terms) {
    std::set<std::int64_t> out;
    for (const auto& [id, t] : texts) {
      bool all = true;
      for (const auto& term : terms) all = all && contains(t, search::NormalizeForSearch(term));
      if (all) out.insert(id);
    }
    return out;
  };
  int checked = 0;
  for (int q = 0; q < 150; ++q) {
    // A random CJK substring of a random record, 1-4 characters.
    const std::string& src = texts.begin()->second;
    (void)src;
    auto it = texts.begin();
    std::advance(it, rng() % texts.size());
    std::u32string chars;
    for (std::size_t i = 0; i < it->second.size();) {
      unsigned char c = static_cast<unsigned char>(it->second[i]);
      std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
      if (n == 3) chars.push_back(static_cast<char32_t>(i));
      i += n;
    }
    if (chars.size() < 5) continue;
    std::size_t start = rng() % (chars.size() - 4);
    std::size_t len = 1 + rng() % 4;
    std::string query;
    for (std::size_t k = 0; k < len; ++k) query += it->second.substr(chars[start + k], 3);
    // Only contiguous CJK (no punctuation inside).
    if (query.find("，") != std::string::npos) continue;
    EXPECT_EQ(Ids(query), scan({query})) << "query " << query;
    ++checked;
  }
  EXPECT_GT(checked, 100);
  // Two terms ANDed; Latin and numbers kept whole; traditional and full-width input.
  EXPECT_EQ(Ids("扶贫 金桥村"), scan({"扶贫", "金桥村"}));
  EXPECT_EQ(Ids("GB/T 37668"), scan({"gb/t", "37668"}));
  EXPECT_EQ(Ids("扶貧 資金"), scan({"扶贫", "资金"}));
  EXPECT_EQ(Ids("２０２４"), scan({"2024"}));
  // Exclusion.
  auto with = scan({"征地"});
  auto without_compensation = with;
  for (auto id : scan({"征地", "补偿"})) without_compensation.erase(id);
  EXPECT_EQ(Ids("征地 -补偿"), without_compensation);
}

TEST_F(SearchTest, IndexFollowsPublishReviseWithdrawAndFailedTransactions) {
  std::int64_t id = Publish("金桥村征地补偿公告", "征地补偿安置方案。");
  EXPECT_EQ(Ids("征地补偿"), std::set<std::int64_t>{id});
  // Revise: the new title is found, the old one no more.
  ASSERT_TRUE(StartRevision(As(Role::kLiaison), id).has_value());
  RecordContent c = store_->GetRecord(id)->draft;
  c.title = "金桥村土地出让公告";
  c.body = "国有土地出让。";
  ASSERT_TRUE(UpdateDraft(As(Role::kLiaison), id, c, "更正").has_value());
  EXPECT_EQ(Ids("出让"), std::set<std::int64_t>{});  // not public until published
  ASSERT_TRUE(SubmitRecord(As(Role::kLiaison), id).has_value());
  ASSERT_TRUE(ApproveRecord(As(Role::kLeader), catalog_, id, ReviewChecklist{true, true, true}).has_value());
  ASSERT_TRUE(PublishRecord(As(Role::kLiaison), id).has_value());
  EXPECT_EQ(Ids("出让"), std::set<std::int64_t>{id});
  EXPECT_TRUE(Ids("征地补偿").empty());
  auto check = store_->CheckIndex(site_.id);
  ASSERT_TRUE(check.has_value());
  EXPECT_TRUE(check->missing.empty());
  EXPECT_TRUE(check->stale.empty());
  // A publication that fails halfway (not approved) changes nothing.
  auto refused = PublishRecord(As(Role::kLiaison), id);
  EXPECT_FALSE(refused.has_value());
  EXPECT_EQ(Ids("出让"), std::set<std::int64_t>{id});
  // Withdraw: gone from the index at once.
  ASSERT_TRUE(WithdrawRecord(As(Role::kLeader), id, "取消").has_value());
  EXPECT_TRUE(Ids("出让").empty());
  check = store_->CheckIndex(site_.id);
  EXPECT_TRUE(check->missing.empty());
  EXPECT_TRUE(check->stale.empty());
  EXPECT_EQ(check->indexed, 0);
  // Reindex rebuilds the same.
  Publish("扶贫资金分配公示", "扶贫资金。");
  EXPECT_EQ(*store_->Reindex(site_.id), 1);
  EXPECT_EQ(Ids("扶贫资金").size(), 1u);
}

// The order of hits is FTS5's own bm25() with the title boost, then newest,
// then highest id: compared with that SQL on a second connection.
TEST_F(SearchTest, RankingIsBm25WithTitleBoostThenRecency) {
  const std::vector<std::string> vocab = {"扶贫", "资金", "金桥村", "征地", "补偿", "土地", "出让", "采购",
                                          "公告", "项目", "道路", "改造"};
  std::mt19937 rng(5);
  for (int i = 0; i < 40; ++i) {
    std::string title, body;
    for (int k = 0; k < 1 + static_cast<int>(rng() % 3); ++k) title += vocab[rng() % vocab.size()];
    for (int k = 0; k < 3 + static_cast<int>(rng() % 30); ++k) body += vocab[rng() % vocab.size()] + "。";
    Publish(title, body);
  }
  // Identical records tie on BM25: the newer (here: higher id) first.
  std::int64_t a = Publish("道路改造", "道路改造。");
  std::int64_t b = Publish("道路改造", "道路改造。");
  auto other = sqlite::Connection::Open((dir_ / "t.db").string());
  ASSERT_TRUE(other.has_value());
  ASSERT_TRUE(sqlite::RegisterSearchTokenizer(**other).has_value());
  auto ordered = [&](const std::string& q) {
    SearchParams p;
    p.q = q;
    p.per_page = 100;
    auto o = RunSearch(*store_, site_, catalog_, p);
    EXPECT_TRUE(o.has_value());
    std::vector<std::int64_t> ids;
    if (o)
      for (const auto& h : o->hits) ids.push_back(h.record.id);
    return ids;
  };
  auto bm25 = [&](const std::string& q) {
    auto st = (*other)->Prepare(
        "SELECT m.record_id FROM search_index JOIN search_meta m ON m.record_id = search_index.rowid "
        "WHERE search_index MATCH ? ORDER BY bm25(search_index, 10.0, 5.0, 1.0, 2.0, 2.0, 1.0), "
        "m.published_at DESC, m.record_id DESC");
    EXPECT_TRUE(st.has_value());
    st->Bind(1, search::ToFts5Match(*search::ParseSearchQuery(q)));
    std::vector<std::int64_t> ids;
    while (*st->Step()) ids.push_back(st->Int(0));
    return ids;
  };
  int compared = 0;
  for (const auto& q : vocab) {
    EXPECT_EQ(ordered(q), bm25(q)) << q;
    compared += static_cast<int>(bm25(q).size());
  }
  for (const char* q : {"扶贫 资金", "征地 -补偿", "\"道路改造\" 项目", "地", "金"}) EXPECT_EQ(ordered(q), bm25(q)) << q;
  EXPECT_GT(compared, 100);
  auto top = ordered("道路改造");
  auto pa = std::find(top.begin(), top.end(), a), pb = std::find(top.begin(), top.end(), b);
  ASSERT_TRUE(pa != top.end() && pb != top.end());
  EXPECT_EQ(pb + 1, pa);
}

TEST_F(SearchTest, MalformedQueriesAreClearErrorsAndHighlightsAreEscaped) {
  Publish("<script>alert(1)</script>采购公告", "正文<b>加粗</b>采购结果。");
  for (const char* q : {"\"未闭合", "-", "\"\"", "-采购"}) {
    SearchParams p;
    p.q = q;
    auto o = RunSearch(*store_, site_, catalog_, p);
    ASSERT_FALSE(o.has_value()) << q;
    EXPECT_EQ(o.error().code, ErrorCode::kInvalidInput);
    EXPECT_EQ(o.error().field, "q");
  }
  SearchParams p;
  p.q = std::string(10 * 1024, 'a');
  EXPECT_FALSE(RunSearch(*store_, site_, catalog_, p).has_value());
  p.q = "采购";
  auto o = RunSearch(*store_, site_, catalog_, p);
  ASSERT_TRUE(o.has_value());
  ASSERT_EQ(o->hits.size(), 1u);
  EXPECT_EQ(o->hits[0].title_html.find("<script>"), std::string::npos);
  EXPECT_NE(o->hits[0].title_html.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(o->hits[0].title_html.find("<mark>采购</mark>"), std::string::npos);
  EXPECT_EQ(o->hits[0].snippet_html.find("<b>"), std::string::npos);
  // Injection attempts are plain text.
  for (const char* q : {"采购 OR 1", "采购\" OR \"x", "NEAR(采购 公告)", "采购*", "title:采购"}) {
    SearchParams pp;
    pp.q = q;
    auto r = RunSearch(*store_, site_, catalog_, pp);
    if (r) {
      EXPECT_LE(r->total, 1) << q;
    }
  }
}

// A catalogue of more items than a facet lists: the area counts still add
// up to every match (they are summed from the full per-item counts), and
// the item facet shows the 50 largest.
TEST_F(SearchTest, AreaFacetCountsEveryItemBeyondTheListedFifty) {
  const Item* base = catalog_.FindItem(12);
  ASSERT_NE(base, nullptr);
  Area& area = catalog_.areas.back();
  int next = 0;
  for (const auto& a : catalog_.areas)
    for (const auto& it : a.items) next = std::max(next, it.number);
  for (int k = 0; k < 50; ++k) {
    Item extra = *base;
    extra.number = ++next;
    extra.title = fmt::format("{}（第{}批）", base->title, k + 1);
    area.items.push_back(extra);
  }
  ASSERT_TRUE(store_->SaveCatalog(site_.id, catalog_).has_value());
  int published = 0;
  for (const auto& a : catalog_.areas)
    for (const auto& it : a.items) {
      if (std::find(it.units.begin(), it.units.end(), "区财政局") == it.units.end()) continue;
      NewDraft nd;
      nd.unit = "区财政局";
      nd.item = it.number;
      nd.formed_on = "2026-09-25";
      nd.content.title = fmt::format("事项{}的扶贫资金公示", it.number);
      nd.content.body = "扶贫资金安排情况。";
      auto r = CreateDraft(As(Role::kLiaison), catalog_, rules_, nd);
      ASSERT_TRUE(r.has_value()) << it.number << ": " << r.error().Describe();
      ASSERT_TRUE(SubmitRecord(As(Role::kLiaison), r->id).has_value());
      ASSERT_TRUE(ApproveRecord(As(Role::kLeader), catalog_, r->id, ReviewChecklist{true, true, true}).has_value());
      ASSERT_TRUE(PublishRecord(As(Role::kLiaison), r->id).has_value());
      ++published;
    }
  ASSERT_GT(published, 50);
  SearchParams p;
  p.q = "扶贫资金";
  auto o = RunSearch(*store_, site_, catalog_, p);
  ASSERT_TRUE(o.has_value()) << o.error().Describe();
  EXPECT_EQ(o->total, published);
  int in_areas = 0;
  for (const auto& f : o->by_area) in_areas += f.count;
  EXPECT_EQ(in_areas, published);
  EXPECT_EQ(o->by_item.size(), SearchResult::kMaxFacetValues);
}

}  // namespace
}  // namespace gongkai

namespace gongkai {
namespace {

class SearchFilterTest : public SearchTest {
 protected:
  std::int64_t PublishAs(const std::string& unit, int item, const std::string& title) {
    Context liaison{*store_, clock_, Actor{1, "t", "t", Role::kLiaison, site_.id, unit}};
    Context leader{*store_, clock_, Actor{2, "l", "l", Role::kLeader, site_.id, unit}};
    NewDraft nd;
    nd.unit = unit;
    nd.item = item;
    nd.formed_on = "2026-09-25";
    nd.content.title = title;
    nd.content.body = "正文。";
    auto r = CreateDraft(liaison, catalog_, rules_, nd);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().Describe());
    if (!r) return 0;
    EXPECT_TRUE(SubmitRecord(liaison, r->id).has_value());
    EXPECT_TRUE(ApproveRecord(leader, catalog_, r->id, ReviewChecklist{true, true, true}).has_value());
    EXPECT_TRUE(PublishRecord(liaison, r->id).has_value());
    return r->id;
  }
  Result<SearchOutcome> Run(const std::string& q, const std::string& unit = "", int page = 1) {
    SearchParams p;
    p.q = q;
    p.unit = unit;
    p.page = page;
    return RunSearch(*store_, site_, catalog_, p);
  }
  static std::set<std::int64_t> IdsOf(const SearchOutcome& o) {
    std::set<std::int64_t> out;
    for (const auto& h : o.hits) out.insert(h.record.id);
    return out;
  }
};

// 单位: takes every unit whose name contains the text (as 事项: takes every
// item), the one whose name it is when there is one; the page's unit facet
// narrows within them; and filters alone list what they allow, newest first.
TEST_F(SearchFilterTest, UnitFilterTakesEveryUnitItNamesAndFiltersAloneList) {
  const auto land = PublishAs("区国土分局", 4, "征地补偿安置公告");
  const auto enforcement = PublishAs("区城管执法分局", 5, "征地范围内违法建设处置公告");
  const auto finance = PublishAs("区财政局", 12, "征地补偿资金拨付情况");
  ASSERT_TRUE(land && enforcement && finance);

  auto both = Run("单位:分局 征地");
  ASSERT_TRUE(both.has_value()) << both.error().Describe();
  EXPECT_EQ(both->total, 2);
  EXPECT_EQ(IdsOf(*both), (std::set<std::int64_t>{land, enforcement}));

  auto one = Run("单位:区财政局 征地");
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ(IdsOf(*one), std::set<std::int64_t>{finance});

  auto narrowed = Run("单位:分局 征地", "区国土分局");
  ASSERT_TRUE(narrowed.has_value());
  EXPECT_EQ(IdsOf(*narrowed), std::set<std::int64_t>{land});
  auto contradictory = Run("单位:分局 征地", "区财政局");
  ASSERT_TRUE(contradictory.has_value());
  EXPECT_EQ(contradictory->total, 0);

  auto alone = Run("单位:分局");
  ASSERT_TRUE(alone.has_value()) << alone.error().Describe();
  ASSERT_EQ(alone->total, 2);
  EXPECT_EQ(alone->hits[0].record.id, enforcement);  // newest first
  EXPECT_EQ(alone->hits[1].record.id, land);
  auto item = Run("事项:12");
  ASSERT_TRUE(item.has_value()) << item.error().Describe();
  EXPECT_EQ(IdsOf(*item), std::set<std::int64_t>{finance});

  auto unknown = Run("单位:没有这个");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().field, "q");
}

// Words found only in an attachment are shown in a passage of its text,
// named; words in its name, by the name.
TEST_F(SearchFilterTest, AttachmentOnlyMatchesShowThePassage) {
  Context liaison{*store_, clock_, Actor{1, "t", "t", Role::kLiaison, site_.id, "区财政局"}};
  Context leader{*store_, clock_, Actor{2, "l", "l", Role::kLeader, site_.id, "区财政局"}};
  NewDraft nd;
  nd.unit = "区财政局";
  nd.item = 12;
  nd.formed_on = "2026-09-25";
  nd.content.title = "预算公开";
  nd.content.body = "正文只有这些。";
  auto r = CreateDraft(liaison, catalog_, rules_, nd);
  ASSERT_TRUE(r.has_value());
  ASSERT_TRUE(AddAttachment(liaison, r->id, "明细&汇总.txt", "第一段。\n保护区内藏羚羊种群的监测经费为12万元。\n", 1 << 20)
                  .has_value());
  ASSERT_TRUE(SubmitRecord(liaison, r->id).has_value());
  ASSERT_TRUE(ApproveRecord(leader, catalog_, r->id, ReviewChecklist{true, true, true}).has_value());
  ASSERT_TRUE(PublishRecord(liaison, r->id).has_value());
  auto o = Run("监测经费");
  ASSERT_TRUE(o.has_value()) << o.error().Describe();
  ASSERT_EQ(o->hits.size(), 1u);
  EXPECT_EQ(o->hits[0].snippet_html,
            "附件《明细&amp;汇总.txt》：第一段。\n保护区内藏羚羊种群的<mark>监测经费</mark>为12万元。\n");
  auto by_name = Run("明细");
  ASSERT_TRUE(by_name.has_value());
  ASSERT_EQ(by_name->hits.size(), 1u);
  EXPECT_EQ(by_name->hits[0].snippet_html, "附件《<mark>明细</mark>&amp;汇总.txt》");
  // A match in the body keeps the body's passage.
  auto body = Run("正文");
  ASSERT_TRUE(body.has_value());
  ASSERT_EQ(body->hits.size(), 1u);
  EXPECT_EQ(body->hits[0].snippet_html, "<mark>正文</mark>只有这些。");
}

// A page far past the last one is empty, never an error or page 1 again
// (the offset is computed without overflowing).
TEST_F(SearchFilterTest, PagesFarPastTheEndAreEmpty) {
  for (int i = 0; i < 3; ++i) PublishAs("区财政局", 12, fmt::format("扶贫资金公示第{}批", i + 1));
  for (int page : {2, 52659397, 107374184, std::numeric_limits<int>::max()}) {
    auto o = Run("扶贫", "", page);
    ASSERT_TRUE(o.has_value()) << page << ": " << o.error().Describe();
    EXPECT_EQ(o->total, 3) << page;
    EXPECT_EQ(o->pages, 1) << page;
    EXPECT_EQ(o->page, page);
    EXPECT_TRUE(o->hits.empty()) << page;
  }
}

// "GB/T37668" and its full-width form find "GB/T 37668", and a number finds
// the digits of a letter-digit word ("iPhone15").
TEST_F(SearchFilterTest, LettersAndDigitsAreSeparateWords) {
  const auto standard = PublishAs("区财政局", 12, "执行GB/T 37668-2019标准的说明");
  const auto phone = PublishAs("区财政局", 12, "采购iPhone15的公示");
  for (const char* q : {"GB/T37668", "ＧＢ／Ｔ３７６６８", "gb/t 37668", "37668"}) {
    auto o = Run(q);
    ASSERT_TRUE(o.has_value()) << q << ": " << o.error().Describe();
    EXPECT_EQ(IdsOf(*o), std::set<std::int64_t>{standard}) << q;
  }
  auto o = Run("15");
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(IdsOf(*o), std::set<std::int64_t>{phone});
  ASSERT_EQ(o->hits.size(), 1u);
  EXPECT_NE(o->hits[0].title_html.find("iPhone<mark>15</mark>"), std::string::npos) << o->hits[0].title_html;
  EXPECT_EQ(Run("3766")->total, 0);  // still whole numbers only
}

}  // namespace
}  // namespace gongkai
