// compliance_facts (migration 9) stays equal to what it summarises, through
// every write path the workflow uses, and its period and prior-publication
// queries select exactly what core/compliance.h says.
#include <gtest/gtest.h>

#include <map>

#include "app/record_actions.h"
#include "app/test_site.h"
#include "codec/rules_codec.h"
#include "storage/sqlite/db.h"

namespace gongkai {
namespace {

using testing_support::TempSiteTest;

class ComplianceFactsTest : public TempSiteTest {
 protected:
  // Every column of the facts table against the views over the source tables.
  void ExpectFactsMatchSources() {
    auto raw = sqlite::Connection::Open((dir_ / "t.db").string());
    ASSERT_TRUE(raw.has_value());
    auto dump = [&](const std::string& sql) {
      std::string out;
      auto st = (*raw)->Prepare(sql);
      EXPECT_TRUE(st.has_value());
      if (!st) return out;
      while (st->Step().value_or(false)) {
        for (int c = 0; c < 16; ++c) out += st->Text(c) + "|";
        out += "\n";
      }
      return out;
    };
    const std::string cols =
        "fact_key, site_id, obligation_id, record_id, unit_name, item_number, element, title, formed_on, due_on, "
        "provisional, state, published_on, late_days, horizon, counted_pub";
    const std::string facts = dump("SELECT " + cols + " FROM compliance_facts ORDER BY fact_key");
    const std::string source = dump("SELECT " + cols + " FROM (SELECT * FROM compliance_obligation_rows UNION ALL "
                                    "SELECT * FROM compliance_record_rows) ORDER BY fact_key");
    EXPECT_FALSE(facts.empty());
    EXPECT_EQ(facts, source);
  }
};

TEST_F(ComplianceFactsTest, FollowEveryWritePath) {
  const auto rules = *LoadDeadlineRules();
  auto liaison = As(Role::kLiaison, "区财政局");
  std::vector<std::int64_t> ids;
  for (const char* title : {"甲", "乙", "丙", "丁"}) {
    auto o = RegisterObligation(liaison, catalog_, rules, {"区财政局", 12, "采购结果", title, "2026-09-10"});
    ASSERT_TRUE(o.has_value()) << o.error().Describe();
    ids.push_back(o->id);
  }
  ExpectFactsMatchSources();
  NewDraft on_time;
  on_time.obligation_id = ids[0];
  on_time.content = Content("甲结果公告");
  auto r1 = CreateDraft(liaison, catalog_, rules, on_time);
  ASSERT_TRUE(r1.has_value());
  ExpectFactsMatchSources();  // a draft changes nothing
  clock_.SetBeijing("2026-09-11T10:00:00+08:00");
  ASSERT_TRUE(Publish(r1->id, "区财政局").has_value());
  ExpectFactsMatchSources();
  ASSERT_TRUE(WithholdObligation(As(Role::kLeader, "区财政局"), ids[1], "art15-commercial-secret", "涉及商业秘密").has_value());
  ASSERT_TRUE(CancelObligation(liaison, ids[2], "重复登记").has_value());
  ExpectFactsMatchSources();
  NewDraft direct;  // published without a prior obligation
  direct.unit = "区财政局";
  direct.item = 12;
  direct.element = "采购结果";
  direct.formed_on = "2026-09-01";
  direct.content = Content("直接发布的结果");
  auto r2 = CreateDraft(liaison, catalog_, rules, direct);
  ASSERT_TRUE(r2.has_value()) << r2.error().Describe();
  clock_.SetBeijing("2026-09-30T10:00:00+08:00");  // late
  ASSERT_TRUE(Publish(r2->id, "区财政局").has_value());
  ExpectFactsMatchSources();
  // A revision re-publishes with a new title; a withdrawal keeps the first publication.
  ASSERT_TRUE(StartRevision(liaison, r2->id).has_value());
  ExpectFactsMatchSources();
  ASSERT_TRUE(WithdrawRecord(As(Role::kLeader, "区财政局"), r1->id, "内容有误").has_value());
  ExpectFactsMatchSources();
  // A calendar import moves an open obligation's deadline.
  {
    auto raw = sqlite::Connection::Open((dir_ / "t.db").string());
    ASSERT_TRUE(raw.has_value());
    ASSERT_TRUE((*raw)->Exec("UPDATE deadlines SET due_date = '2026-12-01', provisional = 1 WHERE id = "
                             "(SELECT deadline_id FROM obligations WHERE title = '丁')")
                    .has_value());
  }
  ExpectFactsMatchSources();
  auto rows = store_->ListComplianceRows(site_.id);
  ASSERT_TRUE(rows.has_value());
  EXPECT_EQ(rows->size(), 5u);  // 4 obligations + 1 direct record
}

TEST_F(ComplianceFactsTest, PeriodAndPriorQueriesFollowRowMatters) {
  const auto rules = *LoadDeadlineRules();
  // Three units, publications in 2024-2026, some open.
  int n = 0;
  for (const char* unit : {"区财政局", "区发改局", "区房管局"}) {
    for (const char* formed : {"2024-03-04", "2025-03-03", "2025-11-03", "2026-06-01"}) {
      auto liaison = As(Role::kLiaison, unit);
      const int item = std::string(unit) == "区财政局" ? 12 : std::string(unit) == "区发改局" ? 1 : 9;
      auto o = RegisterObligation(liaison, catalog_, rules, {unit, item, "", fmt::format("事项{}", ++n), formed});
      ASSERT_TRUE(o.has_value()) << unit << " " << o.error().Describe();
      if (n % 4 == 0) continue;  // left open
      NewDraft d;
      d.obligation_id = o->id;
      d.content = Content(fmt::format("信息{}", n));
      auto r = CreateDraft(liaison, catalog_, rules, d);
      ASSERT_TRUE(r.has_value());
      auto when = *Date::Parse(formed);
      clock_.now = when.AddDays(10 + n).sys_days() + std::chrono::hours(2);
      ASSERT_TRUE(Publish(r->id, unit).has_value());
    }
  }
  auto all = store_->ListComplianceRows(site_.id);
  ASSERT_TRUE(all.has_value());
  for (const char* since_text : {"2024-01-01", "2025-03-20", "2025-12-01", "2026-07-01"}) {
    const Date since = *Date::Parse(since_text);
    auto kept = store_->ListComplianceRows(site_.id, ComplianceRowQuery{"", since, false});
    ASSERT_TRUE(kept.has_value());
    std::set<std::int64_t> expect_kept, got_kept;
    std::map<std::pair<std::string, int>, Date> expect_prior;
    for (const auto& r : *all) {
      if (RowMatters(r, since)) expect_kept.insert(r.obligation_id);
      if (r.published_on && *r.published_on < since && r.state != ObligationState::kCancelled &&
          r.state != ObligationState::kWithheld) {
        auto [it, fresh] = expect_prior.try_emplace({r.unit, r.item_number}, *r.published_on);
        if (!fresh && it->second < *r.published_on) it->second = *r.published_on;
      }
    }
    for (const auto& r : *kept) got_kept.insert(r.obligation_id);
    EXPECT_EQ(got_kept, expect_kept) << since_text;
    auto prior = store_->ListPriorPublications(site_.id, since);
    ASSERT_TRUE(prior.has_value());
    std::map<std::pair<std::string, int>, Date> got_prior;
    for (const auto& p : *prior) got_prior[{p.unit, p.item_number}] = p.last_published_on;
    EXPECT_EQ(got_prior, expect_prior) << since_text;
    auto unit_rows = store_->ListComplianceRows(site_.id, ComplianceRowQuery{"区发改局", since, true});
    ASSERT_TRUE(unit_rows.has_value());
    for (const auto& r : *unit_rows) {
      EXPECT_EQ(r.unit, "区发改局");
      EXPECT_FALSE(r.title.empty());
    }
  }
}

}  // namespace
}  // namespace gongkai
