#include "app/open_data.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <map>

#include "app/record_json.h"
#include "app/test_site.h"
#include "codec/csv.h"
#include "codec/rules_codec.h"
#include "codec/xlsx.h"
#include "app/crypto.h"

namespace gongkai {
namespace {

using testing_support::TempSiteTest;

class OpenDataTest : public TempSiteTest {
 protected:
  void SetUp() override {
    TempSiteTest::SetUp();
    rules_ = *LoadDeadlineRules();
  }
  // A published record of `unit` for `item`, published at the clock's time.
  std::int64_t Published(const std::string& unit, int item, const std::string& title,
                         const std::string& formed_on = "2026-09-01") {
    return DraftAndPublish(unit, item, title, formed_on);
  }
  Result<RecordFilter> Parse(RecordQueryInput in) { return ParseRecordQuery(catalog_, in); }
  std::vector<DeadlineRule> rules_;
};

TEST_F(OpenDataTest, EveryPublicationWritesOneEventInOrder) {
  clock_.SetBeijing("2026-09-25T10:00:00+08:00");
  const auto a = Published("区财政局", 12, "采购公告一");
  clock_.SetBeijing("2026-09-25T11:00:00+08:00");
  const auto b = Published("区发改局", 1, "批复一");
  // Revise a, then withdraw b (twice saved as withdrawn: still one event).
  ASSERT_TRUE(StartRevision(As(Role::kLiaison, "区财政局"), a).has_value());
  auto edited = Content("采购公告一（更正）");
  ASSERT_TRUE(UpdateDraft(As(Role::kLiaison, "区财政局"), a, edited, "更正金额").has_value());
  clock_.SetBeijing("2026-09-26T09:00:00+08:00");
  ASSERT_TRUE(Publish(a, "区财政局").has_value());
  ASSERT_TRUE(WithdrawRecord(As(Role::kLeader, "区发改局"), b, "信息有误").has_value());
  auto withdrawn = *store_->GetRecord(b);
  ASSERT_TRUE(store_->SaveRecord(withdrawn, As(Role::kLeader, "区发改局").Audit("x", "y", "", "")).has_value());

  EventQuery q;
  q.newest_first = false;
  auto events = store_->ListPublicationEvents(site_.id, q);
  ASSERT_TRUE(events.has_value()) << events.error().Describe();
  ASSERT_EQ(events->size(), 4u);
  EXPECT_EQ((*events)[0].record_id, a);
  EXPECT_EQ((*events)[0].kind, PublicationKind::kPublish);
  EXPECT_EQ((*events)[1].record_id, b);
  EXPECT_EQ((*events)[2].record_id, a);
  EXPECT_EQ((*events)[2].kind, PublicationKind::kRevise);
  EXPECT_EQ((*events)[2].version, 2);
  EXPECT_EQ((*events)[2].title, "采购公告一（更正）");
  EXPECT_EQ((*events)[3].kind, PublicationKind::kWithdraw);
  EXPECT_EQ((*events)[3].version, 1);
  for (std::size_t i = 1; i < events->size(); ++i) EXPECT_GT((*events)[i].seq, (*events)[i - 1].seq);

  // Filters: by unit, by item, after a sequence number, newest first.
  EventQuery by_unit;
  by_unit.unit = "区发改局";
  EXPECT_EQ(store_->ListPublicationEvents(site_.id, by_unit)->size(), 2u);
  EventQuery by_item;
  by_item.items = {12};
  EXPECT_EQ(store_->ListPublicationEvents(site_.id, by_item)->size(), 2u);
  EventQuery after;
  after.after_seq = (*events)[1].seq;
  after.newest_first = true;
  auto later = *store_->ListPublicationEvents(site_.id, after);
  ASSERT_EQ(later.size(), 2u);
  EXPECT_EQ(later[0].kind, PublicationKind::kWithdraw);
}

// /api/v1/statistics: anyone reads them; they count publications and the
// timeliness of published records, and say nothing of unpublished ones.
TEST_F(OpenDataTest, PublicStatisticsCountPublishedRecordsOnly) {
  clock_.SetBeijing("2026-09-25T10:00:00+08:00");
  Published("区财政局", 12, "按时的采购公告");
  Published("区财政局", 12, "逾期的采购公告", "2026-06-01");
  Published("区发改局", 1, "按时的批复");
  // A draft long overdue: a backlog the public figures must not show.
  NewDraft nd;
  nd.unit = "区发改局";
  nd.item = 1;
  nd.formed_on = "2026-03-02";
  nd.content = Content("未发布的草稿");
  ASSERT_TRUE(CreateDraft(As(Role::kLiaison, "区发改局"), catalog_, rules_, nd).has_value());
  clock_.SetBeijing("2026-10-10T10:00:00+08:00");

  Context pub{*store_, clock_, Actor::Public(site_.id)};
  auto refused = LoadCompliance(pub, catalog_, "2026-01-01", "2026-09-30");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kUnauthenticated);  // the dashboard needs a signed-in office member
  auto view = LoadPublicStatistics(pub, catalog_, "2026-01-01", "2026-09-30");
  ASSERT_TRUE(view.has_value()) << view.error().Describe();
  auto j = nlohmann::json::parse(PublicStatisticsJson(*view));
  EXPECT_EQ(j["from"], "2026-01-01");
  EXPECT_EQ(j["to"], "2026-09-30");
  EXPECT_EQ(j["site"]["published"], 3);
  EXPECT_EQ(j["site"]["on_time"], 2);
  EXPECT_EQ(j["site"]["late"], 1);
  EXPECT_NEAR(j["site"]["on_time_rate"].get<double>(), 2.0 / 3.0, 1e-9);
  std::map<std::string, int> published, late;
  for (const auto& u : j["units"]) {
    published[u["unit"]] = u["published"];
    late[u["unit"]] = u["late"];
  }
  EXPECT_EQ(published["区财政局"], 2);
  EXPECT_EQ(late["区财政局"], 1);
  EXPECT_EQ(published["区发改局"], 1);
  EXPECT_EQ(late["区发改局"], 0);
  EXPECT_EQ(j["units"].size(), catalog_.units.size());
  int by_item = 0;
  for (const auto& it : j["items"]) by_item += it["published"].get<int>();
  EXPECT_EQ(by_item, 3);
  // Nothing about obligations still open, anywhere in the document.
  const std::string text = j.dump();
  for (const char* hidden : {"overdue", "pending", "due\"", "withheld", "backlog"})
    EXPECT_EQ(text.find(hidden), std::string::npos) << hidden;
  // Same validation as the dashboard.
  auto bad = LoadPublicStatistics(pub, catalog_, "2026-13-01", "");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().field, "from");
}

// Sitemaps' lastmod: a record's latest publication event (revision or
// withdrawal), not its first publication.
TEST_F(OpenDataTest, LastPublicationTimesFollowRevisionsAndWithdrawals) {
  clock_.SetBeijing("2026-09-25T10:00:00+08:00");
  const auto a = Published("区财政局", 12, "采购公告");
  const auto b = Published("区发改局", 1, "批复");
  clock_.SetBeijing("2026-09-25T11:00:00+08:00");
  const auto c = Published("区发改局", 1, "未改动的批复");
  clock_.SetBeijing("2026-10-09T09:30:00+08:00");
  ASSERT_TRUE(StartRevision(As(Role::kLiaison, "区财政局"), a).has_value());
  ASSERT_TRUE(UpdateDraft(As(Role::kLiaison, "区财政局"), a, Content("采购公告（更正）"), "更正").has_value());
  ASSERT_TRUE(Publish(a, "区财政局").has_value());
  clock_.SetBeijing("2026-10-10T15:00:00+08:00");
  ASSERT_TRUE(WithdrawRecord(As(Role::kLeader, "区发改局"), b, "信息有误").has_value());
  // A draft never published has no time.
  NewDraft nd;
  nd.unit = "区财政局";
  nd.item = 12;
  nd.formed_on = "2026-09-01";
  nd.content = Content("草稿");
  auto draft = CreateDraft(As(Role::kLiaison, "区财政局"), catalog_, rules_, nd);
  ASSERT_TRUE(draft.has_value());

  auto times = store_->ListLastPublicationTimes(site_.id, 0, 1'000'000, 100);
  ASSERT_TRUE(times.has_value()) << times.error().Describe();
  ASSERT_EQ(times->size(), 3u);
  EXPECT_EQ((*times)[0], std::make_pair(a, std::string("2026-10-09T01:30:00Z")));
  EXPECT_EQ((*times)[1], std::make_pair(b, std::string("2026-10-10T07:00:00Z")));
  EXPECT_EQ((*times)[2], std::make_pair(c, std::string("2026-09-25T03:00:00Z")));
  // The id range and the limit.
  auto only_b = store_->ListLastPublicationTimes(site_.id, a, b, 100);
  ASSERT_TRUE(only_b.has_value());
  ASSERT_EQ(only_b->size(), 1u);
  EXPECT_EQ((*only_b)[0].first, b);
  EXPECT_EQ(store_->ListLastPublicationTimes(site_.id, 0, 1'000'000, 2)->size(), 2u);
  EXPECT_TRUE(store_->ListLastPublicationTimes(site_.id + 1, 0, 1'000'000, 100)->empty());
}

TEST_F(OpenDataTest, RecordQueryErrorsNameTheParameter) {
  struct Case {
    RecordQueryInput in;
    std::string field;
  };
  std::vector<Case> cases;
  cases.push_back({{.item = "99"}, "item"});
  cases.push_back({{.item = "x"}, "item"});
  cases.push_back({{.element = "采购结果"}, "element"});
  cases.push_back({{.item = "12", .element = "没有这个"}, "element"});
  cases.push_back({{.unit = "区不存在局"}, "unit"});
  cases.push_back({{.area = "9"}, "area"});
  cases.push_back({{.from = "2026-13-01"}, "from"});
  cases.push_back({{.from = "2026-02-01", .to = "2026-01-01"}, "to"});
  cases.push_back({{.status = "deleted"}, "status"});
  cases.push_back({{.updated_since = "yesterday"}, "updated_since"});
  cases.push_back({{.cursor = "12"}, "cursor"});
  cases.push_back({{.cursor = "r-1"}, "cursor"});
  cases.push_back({{.limit = "0"}, "limit"});
  cases.push_back({{.limit = "501"}, "limit"});
  for (const auto& c : cases) {
    auto f = Parse(c.in);
    ASSERT_FALSE(f.has_value()) << c.field;
    EXPECT_EQ(f.error().code, ErrorCode::kInvalidInput);
    EXPECT_EQ(f.error().field, c.field);
    EXPECT_NE(f.error().message.find(c.field), std::string::npos) << f.error().message;
  }
  auto ok = Parse({.item = "12", .area = "2", .from = "2026-01-01", .to = "2026-01-31", .status = "withdrawn",
                   .updated_since = "2026-01-05", .cursor = "r40", .limit = "7"});
  ASSERT_TRUE(ok.has_value()) << ok.error().Describe();
  EXPECT_EQ(ok->item, 12);
  EXPECT_FALSE(ok->items.empty());
  EXPECT_EQ(ok->published_from, "2025-12-31T16:00:00Z");  // Beijing midnight
  EXPECT_EQ(ok->published_before, "2026-01-31T16:00:00Z");
  EXPECT_EQ(ok->changed_since, "2026-01-04T16:00:00Z");
  EXPECT_EQ(ok->after_id, 40);
  EXPECT_EQ(ok->limit, 7);
}

TEST_F(OpenDataTest, CursorPagesVisitEveryRecordOnceAndFiltersApply) {
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 7; ++i) {
    clock_.SetBeijing(i < 4 ? "2026-03-02T10:00:00+08:00" : "2026-04-01T00:30:00+08:00");
    ids.push_back(Published(i % 2 ? "区财政局" : "区发改局", i % 2 ? 12 : 1, fmt::format("信息{}", i)));
  }
  // Not yet published: never listed.
  NewDraft nd;
  nd.unit = "区财政局";
  nd.item = 12;
  nd.formed_on = "2026-09-01";
  nd.content = Content("草稿");
  ASSERT_TRUE(CreateDraft(As(Role::kLiaison, "区财政局"), catalog_, rules_, nd).has_value());

  std::vector<std::int64_t> seen;
  RecordQueryInput in{.limit = "3"};
  int pages = 0;
  while (true) {
    auto f = Parse(in);
    ASSERT_TRUE(f.has_value());
    auto page = ListPublicRecords(*store_, site_.id, *f);
    ASSERT_TRUE(page.has_value());
    EXPECT_EQ(page->total, 7);
    for (const auto& r : page->records) seen.push_back(r.id);
    ++pages;
    if (page->next_cursor.empty()) break;
    in.cursor = page->next_cursor;
  }
  EXPECT_EQ(seen, ids);
  EXPECT_EQ(pages, 3);

  // A date range in Beijing days: 2026-04-01 00:30 Beijing is 2026-03-31 UTC.
  auto april = ListPublicRecords(*store_, site_.id, *Parse({.from = "2026-04-01", .to = "2026-04-01"}));
  EXPECT_EQ(april->total, 3);
  auto march = ListPublicRecords(*store_, site_.id, *Parse({.to = "2026-03-31"}));
  EXPECT_EQ(march->total, 4);
  auto unit = ListPublicRecords(*store_, site_.id, *Parse({.unit = "区财政局"}));
  EXPECT_EQ(unit->total, 3);
  // Withdraw one: it moves from "published" to "withdrawn".
  ASSERT_TRUE(WithdrawRecord(As(Role::kLeader, "区财政局"), ids[1], "错误").has_value());
  EXPECT_EQ(ListPublicRecords(*store_, site_.id, *Parse({.status = "withdrawn"}))->total, 1);
  EXPECT_EQ(ListPublicRecords(*store_, site_.id, *Parse({.status = "published"}))->total, 6);
  // Changed since: only records with a publication event since then.
  clock_.SetBeijing("2026-05-01T10:00:00+08:00");
  ASSERT_TRUE(WithdrawRecord(As(Role::kLeader, "区发改局"), ids[0], "错误").has_value());
  auto changed = ListPublicRecords(*store_, site_.id, *Parse({.updated_since = "2026-04-15"}));
  ASSERT_EQ(changed->total, 1);  // the first withdrawal was on 2026-04-01
  EXPECT_EQ(changed->records[0].id, ids[0]);
}

TEST_F(OpenDataTest, ExportsCarryTheSameRowsAsCsvAndXlsx) {
  Published("区财政局", 12, "含,逗号和\"引号\"的标题");
  Published("区发改局", 1, "第二条");
  auto all = AllPublicRecords(*store_, site_.id, *Parse({}), 100);
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(all->size(), 2u);
  const std::string csv_text = RecordCsv(catalog_, *all);
  ASSERT_TRUE(csv_text.starts_with(csv::kUtf8Bom));
  auto rows = csv::Parse(csv_text);
  ASSERT_TRUE(rows.has_value());
  auto xlsx = RecordXlsx(catalog_, *all);
  ASSERT_TRUE(xlsx.has_value());
  auto back = ReadXlsxFirstSheet(*xlsx);
  ASSERT_TRUE(back.has_value());
  ASSERT_EQ(rows->size(), 3u);
  ASSERT_EQ(back->size(), rows->size());
  for (std::size_t i = 0; i < rows->size(); ++i) EXPECT_EQ((*back)[i].fields, (*rows)[i].fields) << i;
  EXPECT_EQ((*rows)[1].fields[1], "含,逗号和\"引号\"的标题");
  // A title that a spreadsheet would evaluate: text in the CSV, as typed in
  // the workbook.
  Published("区财政局", 12, "=HYPERLINK(\"http://example.com\",\"点击\")");
  auto three = AllPublicRecords(*store_, site_.id, *Parse({}), 100);
  ASSERT_TRUE(three.has_value());
  auto guarded = csv::Parse(RecordCsv(catalog_, *three));
  ASSERT_TRUE(guarded.has_value());
  auto book = ReadXlsxFirstSheet(*RecordXlsx(catalog_, *three));
  ASSERT_TRUE(book.has_value());
  ASSERT_EQ(guarded->size(), 4u);
  ASSERT_EQ(book->size(), 4u);
  EXPECT_EQ((*guarded)[3].fields[1], "'=HYPERLINK(\"http://example.com\",\"点击\")");
  EXPECT_EQ((*book)[3].fields[1], "=HYPERLINK(\"http://example.com\",\"点击\")");
  // Over the cap: refused, naming the limit.
  auto capped = AllPublicRecords(*store_, site_.id, *Parse({}), 1);
  ASSERT_FALSE(capped.has_value());
  EXPECT_EQ(capped.error().code, ErrorCode::kInvalidInput);
  EXPECT_NE(capped.error().message.find("最多导出1条"), std::string::npos);
}

TEST_F(OpenDataTest, CanonicalVersionJsonIsSortedCompactAndStable) {
  const auto id = Published("区财政局", 12, "标题\n\"引号\"");
  auto r = *store_->GetRecord(id);
  auto versions = *store_->ListVersions(id);
  ASSERT_EQ(versions.size(), 1u);
  const std::string text = CanonicalJson(RecordVersionDoc("demo", r, versions[0]));
  EXPECT_EQ(text.find("\": "), std::string::npos);
  EXPECT_EQ(text.find(", \""), std::string::npos);
  EXPECT_TRUE(text.starts_with("{\"attachments\":[],\"body\":"));
  EXPECT_NE(text.find("\"title\":\"标题\\n\\\"引号\\\"\""), std::string::npos) << text;
  // Keys in byte order.
  auto doc = nlohmann::json::parse(text);
  std::string prev;
  for (const auto& [k, v] : doc.items()) {
    EXPECT_LT(prev, k);
    prev = k;
  }
  EXPECT_EQ(RecordVersionSha256("demo", r, versions[0]), Sha256Hex(text));
  // Another site slug or a changed byte changes the hash.
  EXPECT_NE(RecordVersionSha256("other", r, versions[0]), Sha256Hex(text));
  versions[0].content.body += " ";
  EXPECT_NE(RecordVersionSha256("demo", r, versions[0]), Sha256Hex(text));
}

}  // namespace
}  // namespace gongkai
