// compliance_facts (migration 9) stays equal to what it summarises, through
// every write path the workflow uses, and its period and prior-publication
// queries select exactly what core/compliance.h says.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "app/calendar_actions.h"
#include "app/compliance_actions.h"
#include "app/record_actions.h"
#include "app/test_site.h"
#include "codec/rules_codec.h"
#include "core/timestamp.h"
#include "storage/sqlite/db.h"

namespace gongkai {
namespace {

using testing_support::TempSiteTest;

class ComplianceFactsTest : public TempSiteTest {
 protected:
  // Every column of the facts table against the views over the source
  // tables, and the integer columns (migration 10) against the text ones
  // as the application reads them (Date::Parse, ParseObligationState) and
  // against RowNeeded(): a trigger that forgot a derived column, or a view
  // that derives it differently from the C++ code, fails here.
  void ExpectFactsMatchSources() {
    auto raw = sqlite::Connection::Open((dir_ / "t.db").string());
    ASSERT_TRUE(raw.has_value());
    const std::string cols =
        "fact_key, site_id, obligation_id, record_id, unit_name, item_number, element, title, formed_on, due_on, "
        "provisional, state, published_on, late_days, horizon, counted_pub, formed_day, due_day, pub_day, "
        "state_code, need_day, tally, tally_day";
    constexpr int kCols = 23;
    auto dump = [&](const std::string& sql) {
      std::string out;
      auto st = (*raw)->Prepare(sql);
      EXPECT_TRUE(st.has_value());
      if (!st) return out;
      while (st->Step().value_or(false)) {
        for (int c = 0; c < kCols; ++c) out += (st->IsNull(c) ? std::string("NULL") : st->Text(c)) + "|";
        out += "\n";
      }
      return out;
    };
    const std::string facts = dump("SELECT " + cols + " FROM compliance_facts ORDER BY fact_key");
    const std::string source = dump("SELECT " + cols + " FROM (SELECT * FROM compliance_obligation_facts UNION ALL "
                                    "SELECT * FROM compliance_record_facts) ORDER BY fact_key");
    EXPECT_FALSE(facts.empty());
    EXPECT_EQ(facts, source);

    auto st = (*raw)->Prepare(
        "SELECT fact_key, formed_on, due_on, published_on, state, formed_day, due_day, pub_day, state_code, need_day, "
        "tally, tally_day FROM compliance_facts");
    ASSERT_TRUE(st.has_value());
    auto day = [](std::string_view text) {
      auto d = Date::Parse(text);
      return d ? d->serial() : 0;
    };
    while (st->Step().value_or(false)) {
      SCOPED_TRACE(fmt::format("fact {}", st->Int(0)));
      ComplianceRow r;
      r.formed_on = Date::FromSerial(day(st->Text(1)));
      r.due_on = Date::FromSerial(day(st->Text(2)));
      if (!st->Text(3).empty()) r.published_on = Date::FromSerial(day(st->Text(3)));
      r.state = ParseObligationState(st->Text(4)).value_or(ObligationState::kOpen);
      EXPECT_EQ(st->Int(5), r.formed_on.serial());
      EXPECT_EQ(st->Int(6), r.due_on.serial());
      EXPECT_EQ(st->IsNull(7), !r.published_on);
      if (r.published_on) {
        EXPECT_EQ(st->Int(7), r.published_on->serial());
      }
      const int code = r.state == ObligationState::kPublished   ? 1
                       : r.state == ObligationState::kWithheld  ? 2
                       : r.state == ObligationState::kCancelled ? 3
                                                                : 0;
      EXPECT_EQ(st->Int(8), code);
      if (r.state == ObligationState::kCancelled) {
        EXPECT_TRUE(st->IsNull(9));
      } else {
        ASSERT_FALSE(st->IsNull(9));
        const Date need = Date::FromSerial(static_cast<int>(st->Int(9)));
        EXPECT_TRUE(RowNeeded(r, need));
        EXPECT_FALSE(RowNeeded(r, need.AddDays(1)));
      }
      const bool withheld = r.state == ObligationState::kWithheld;
      const int tally = r.state == ObligationState::kCancelled ? 0 : withheld ? 1 : r.published_on ? 3 : 2;
      EXPECT_EQ(st->Int(10), tally);
      EXPECT_EQ(st->Int(11), tally == 2 ? r.due_on.serial() : tally == 3 ? r.published_on->serial() : 0);
    }
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

// Text Date::Parse refuses reads as day 0 (1970-01-01), in SQL as in C++;
// editing a source column through SQL keeps every derived column in step.
TEST_F(ComplianceFactsTest, DerivedDaysFollowOddTextAndDirectEdits) {
  const auto rules = *LoadDeadlineRules();
  auto liaison = As(Role::kLiaison, "区财政局");
  std::vector<std::int64_t> ids;
  for (const char* title : {"甲", "乙", "丙", "丁", "戊", "己"}) {
    auto o = RegisterObligation(liaison, catalog_, rules, {"区财政局", 12, "采购结果", title, "2024-02-28"});
    ASSERT_TRUE(o.has_value()) << o.error().Describe();
    ids.push_back(o->id);
  }
  ExpectFactsMatchSources();
  auto raw = sqlite::Connection::Open((dir_ / "t.db").string());
  ASSERT_TRUE(raw.has_value());
  const char* odd[] = {"2026-02-30", "2026-2-01", "", "0000-01-01", "2024-02-29", "1969-12-31"};
  for (std::size_t k = 0; k < ids.size(); ++k) {
    auto st = (*raw)->Prepare("UPDATE obligations SET formed_on = ? WHERE id = ?");
    ASSERT_TRUE(st.has_value());
    st->Bind(1, odd[k]).Bind(2, ids[k]);
    ASSERT_TRUE(st->Run().has_value());
  }
  ASSERT_TRUE((*raw)->Exec("UPDATE deadlines SET due_date = '2025-13-01' WHERE id = "
                           "(SELECT deadline_id FROM obligations WHERE title = '甲')").has_value());
  ASSERT_TRUE((*raw)->Exec("UPDATE obligations SET state = 'withheld' WHERE title = '乙'").has_value());
  ASSERT_TRUE((*raw)->Exec("UPDATE obligations SET state = 'cancelled' WHERE title = '丙'").has_value());
  ASSERT_TRUE((*raw)->Exec("UPDATE obligations SET state = 'odd' WHERE title = '丁'").has_value());
  ExpectFactsMatchSources();
  auto days = (*raw)->Prepare("SELECT formed_day FROM compliance_facts ORDER BY fact_key");
  ASSERT_TRUE(days.has_value());
  std::vector<std::int64_t> got;
  while (days->Step().value_or(false)) got.push_back(days->Int(0));
  const std::vector<std::int64_t> expect = {0, 0, 0, 0, Date::Parse("2024-02-29")->serial(), -1};
  EXPECT_EQ(got, expect);
}

// Describes every figure of a report, for comparing two ways of computing it.
std::string Describe(const ComplianceReport& r) {
  auto figures = [](const GroupCompliance& g) {
    std::string s = g.label + (g.in_catalog ? " " : " * ");
    for (int c : g.figures.counts) s += fmt::format("{},", c);
    s += fmt::format(" {} {} {} {} {} {}\n", g.figures.on_time_rate.value_or(-1),
                     g.figures.late_days_median.value_or(-1), g.figures.late_days_max, g.figures.overdue_days_max,
                     g.figures.formation_to_publication_median.value_or(-1),
                     g.figures.formation_to_publication_mean.value_or(-1));
    return s;
  };
  std::string out = figures(r.site);
  for (const auto* list : {&r.units, &r.items, &r.areas})
    for (const auto& g : *list) out += figures(g);
  for (const auto& c : r.coverage)
    out += fmt::format("{} {} {} {} {} {} {}\n", c.unit, c.item_number, c.in_catalog, c.published_in_period, c.due,
                       c.last_published_on ? c.last_published_on->ToString() : "-", c.gap);
  for (const auto& m : r.trend) out += fmt::format("{}-{} {} {} {} {}\n", m.year, m.month, m.due, m.on_time, m.late,
                                                    m.overdue_at_end);
  return out;
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
    // The figures' read: exactly the rows RowNeeded() keeps, as integers,
    // and per pair the latest publication and the unpublished rows before.
    std::vector<ComplianceRow> needed;
    ASSERT_TRUE(store_->VisitNeededComplianceRows(site_.id, since, [&](const ComplianceRow& r) { needed.push_back(r); })
                    .has_value());
    std::map<std::int64_t, const ComplianceRow*> by_id;
    for (const auto& r : *all) by_id[r.obligation_id] = &r;
    std::set<std::int64_t> expect_needed, got_needed;
    std::map<std::pair<std::string, int>, int> expect_backlog;
    for (const auto& r : *all) {
      if (RowNeeded(r, since)) expect_needed.insert(r.obligation_id);
      if (r.state == ObligationState::kCancelled) continue;
      expect_backlog.try_emplace({r.unit, r.item_number}, 0);
      if (r.state != ObligationState::kWithheld && !r.published_on && r.due_on < since)
        ++expect_backlog[{r.unit, r.item_number}];
    }
    for (const auto& r : needed) {
      got_needed.insert(r.obligation_id);
      const ComplianceRow* full = by_id[r.obligation_id];
      ASSERT_NE(full, nullptr);
      EXPECT_EQ(r.record_id, full->record_id);
      EXPECT_EQ(r.unit, full->unit);
      EXPECT_EQ(r.item_number, full->item_number);
      EXPECT_EQ(r.formed_on, full->formed_on);
      EXPECT_EQ(r.due_on, full->due_on);
      EXPECT_EQ(r.provisional, full->provisional);
      EXPECT_EQ(r.state, full->state);
      EXPECT_EQ(r.published_on, full->published_on);
      EXPECT_EQ(r.late_days, full->late_days);
      EXPECT_TRUE(r.title.empty());
    }
    EXPECT_EQ(got_needed, expect_needed) << since_text;
    auto summary = store_->SummariseComplianceRows(site_.id, since);
    ASSERT_TRUE(summary.has_value());
    std::map<std::pair<std::string, int>, Date> got_summary_prior;
    for (const auto& p : summary->publications) got_summary_prior[{p.unit, p.item_number}] = p.last_published_on;
    EXPECT_EQ(got_summary_prior, expect_prior) << since_text;
    std::map<std::pair<std::string, int>, int> got_backlog;
    for (const auto& b : summary->backlog) got_backlog[{b.unit, b.item_number}] = b.open;
    EXPECT_EQ(got_backlog, expect_backlog) << since_text;
    // LoadCompliance (the figures streamed from those) equals the figures
    // over every row, for periods starting on `since` as of several days.
    for (int days_after : {-30, 0, 45, 400}) {
      clock_.now = since.AddDays(days_after).sys_days() + std::chrono::hours(3);
      const Date today = BeijingDate(clock_.Now());
      const CompliancePeriod period{since, since.AddDays(200)};
      auto view = LoadCompliance(As(Role::kAdmin), catalog_, period.from.ToString(), period.to.ToString());
      ASSERT_TRUE(view.has_value()) << view.error().Describe();
      EXPECT_TRUE(view->rows.empty());
      auto calendar = CurrentCalendar(*store_);
      ASSERT_TRUE(calendar.has_value());
      ComplianceOptions options;
      options.today = today;
      auto over_all = ComputeCompliance(catalog_, calendar->calendar, *all, period, options);
      ASSERT_TRUE(over_all.has_value());
      EXPECT_EQ(Describe(view->report), Describe(*over_all)) << since_text << " today " << today.ToString();
      EXPECT_EQ(view->rows_read, static_cast<std::size_t>(std::count_if(all->begin(), all->end(), [&](const auto& r) {
                                   return RowNeeded(r, SummaryCutoff(period, today));
                                 })));
    }
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
