#include "core/compliance.h"

#include <fmt/core.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <tuple>
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

constexpr const char* kA = "甲局";
constexpr const char* kB = "乙局";
constexpr const char* kC = "丙局";  // in the catalogue, no rows at all
constexpr const char* kD = "丁办";  // not in the catalogue
constexpr int kUnknownItem = 99;    // not in the catalogue

// Area 1: items 1 (甲局, 乙局) and 2 (甲局); area 2: items 3 (乙局, 丙局;
// event-driven) and 4 (丙局).
Catalog TestCatalog() {
  Catalog c;
  c.title = "测试目录";
  for (const char* name : {kA, kB, kC}) c.units.push_back(UnitInfo{name, "", "政府部门", "", "", {}, true});
  auto item = [](int number, const char* title, std::vector<std::string> units) {
    Item it;
    it.number = number;
    it.title = title;
    it.content = title;
    it.elements = {Element{"要素", ""}};
    it.channel = "门户网站";
    it.units = std::move(units);
    return it;
  };
  c.areas.push_back(Area{1, "一号领域", {item(1, "事项一", {kA, kB}), item(2, "事项二", {kA})}});
  c.areas.push_back(Area{2, "二号领域", {item(3, "事项三", {kB, kC}), item(4, "事项四", {kC})}});
  return c;
}

ComplianceRow Row(std::int64_t obligation_id, const char* unit, int item, const char* formed, const char* due,
                  ObligationState state, const char* published = nullptr, int late_days = 0) {
  ComplianceRow r;
  r.obligation_id = obligation_id;
  r.record_id = published ? 1000 + obligation_id : 0;
  r.unit = unit;
  r.item_number = item;
  r.element = "要素";
  r.title = fmt::format("事项R{}", obligation_id);
  r.formed_on = D(formed);
  r.due_on = D(due);
  r.state = state;
  if (published) r.published_on = D(published);
  r.late_days = late_days;
  return r;
}

using S = ObligationState;

// Today is Monday 2025-10-20; the period is September-October 2025, across
// 国庆节、中秋节 2025 (10-01..10-08 off; Sunday 09-28 and Saturday 10-11 worked).
// Working days below were counted by hand from the 2025 notice.
std::vector<ComplianceRow> TestRows() {
  std::vector<ComplianceRow> rows = {
      // R1 on time, published on its due date; formation->publication 20.
      Row(1, kA, 1, "2025-08-18", "2025-09-15", S::kPublished, "2025-09-15"),
      // R2 late across the holiday: (09-30, 10-10] holds 10-09 and 10-10 only:
      // 2 working days (8 by weekends alone); formed 09-03 (20 working days
      // before 09-30, Sunday 09-28 included) -> 22.
      Row(2, kA, 1, "2025-09-03", "2025-09-30", S::kPublished, "2025-10-10", 2),
      // R3 late by 1 (Fri -> Mon); formation->publication 21.
      Row(3, kB, 1, "2025-08-08", "2025-09-05", S::kPublished, "2025-09-08", 1),
      // R4 overdue now: (10-09, 10-20] = 10-10, Sat 10-11, 10-13..17, 10-20 = 8.
      Row(4, kB, 3, "2025-09-10", "2025-10-09", S::kOpen),
      // R5 overdue now: 17 working days.
      Row(5, kA, 2, "2025-08-21", "2025-09-19", S::kOpen),
      // R6 pending (due after today).
      Row(6, kA, 2, "2025-09-25", "2025-10-24", S::kOpen),
      // R7 pending: due today (publishing today is still on time).
      Row(7, kB, 1, "2025-09-19", "2025-10-20", S::kOpen),
      // R8 withheld.
      Row(8, kB, 1, "2025-08-13", "2025-09-10", S::kWithheld),
      // R9 cancelled: excluded everywhere, even with a publication date.
      Row(9, kA, 1, "2025-08-15", "2025-09-12", S::kCancelled, "2025-09-11"),
      // R10 published without a prior obligation, on time; formation->publication 15.
      Row(0, kB, 3, "2025-09-16", "2025-10-15", S::kPublished, "2025-10-13"),
      // R11 published and due before the period: only coverage's last date.
      Row(11, kA, 2, "2025-06-12", "2025-07-10", S::kPublished, "2025-07-01"),
      // R12 due after the period, published in it.
      Row(12, kB, 3, "2025-10-16", "2025-11-14", S::kPublished, "2025-10-17"),
      // R13 a unit not in the catalogue, on time; formation->publication 20.
      Row(13, kD, 1, "2025-08-25", "2025-09-22", S::kPublished, "2025-09-22"),
      // R14 an item not in the catalogue, overdue now by 7.
      Row(14, kA, kUnknownItem, "2025-09-11", "2025-10-10", S::kOpen),
      // R15 due before the period, published late in it.
      Row(15, kB, 1, "2025-08-01", "2025-08-29", S::kPublished, "2025-09-03", 3),
      // R16 due before the period, never published: backlog only.
      Row(16, kA, 1, "2025-07-18", "2025-08-15", S::kOpen),
  };
  rows[9].record_id = 2010;
  return rows;
}

CompliancePeriod Period() { return CompliancePeriod{D("2025-09-01"), D("2025-10-31")}; }

ComplianceOptions TestOptions() { return ComplianceOptions{D("2025-10-20"), {3}}; }

ComplianceReport Compute(const std::vector<ComplianceRow>& rows, const CompliancePeriod& period = Period(),
                         const ComplianceOptions& options = TestOptions()) {
  auto report = ComputeCompliance(TestCatalog(), Official(), rows, period, options);
  EXPECT_TRUE(report.has_value()) << (report ? "" : report.error().Describe());
  return report ? std::move(*report) : ComplianceReport{};
}

struct Expected {
  const char* group;
  // due, on_time, late, overdue_now, pending, withheld, published_in_period, overdue_at_end
  int counts[8];
  std::optional<double> rate;
  std::optional<double> late_median;
  int late_max;
  int overdue_max;
  std::optional<double> formation_median;
  std::optional<double> formation_mean;
};

void ExpectFigures(const GroupCompliance& g, const Expected& e) {
  SCOPED_TRACE(e.group);
  const auto& f = g.figures;
  EXPECT_EQ(f.due(), e.counts[0]);
  EXPECT_EQ(f.on_time(), e.counts[1]);
  EXPECT_EQ(f.late(), e.counts[2]);
  EXPECT_EQ(f.overdue_now(), e.counts[3]);
  EXPECT_EQ(f.pending(), e.counts[4]);
  EXPECT_EQ(f.withheld(), e.counts[5]);
  EXPECT_EQ(f.published_in_period(), e.counts[6]);
  EXPECT_EQ(f.overdue_at_end(), e.counts[7]);
  EXPECT_EQ(f.provisional_due(), 0);
  ASSERT_EQ(f.on_time_rate.has_value(), e.rate.has_value());
  if (e.rate) {
    EXPECT_DOUBLE_EQ(*f.on_time_rate, *e.rate);
  }
  EXPECT_EQ(f.late_days_median, e.late_median);
  EXPECT_EQ(f.late_days_max, e.late_max);
  EXPECT_EQ(f.overdue_days_max, e.overdue_max);
  EXPECT_EQ(f.formation_to_publication_median, e.formation_median);
  ASSERT_EQ(f.formation_to_publication_mean.has_value(), e.formation_mean.has_value());
  if (e.formation_mean) {
    EXPECT_DOUBLE_EQ(*f.formation_to_publication_mean, *e.formation_mean);
  }
  // Every due row is exactly one of these.
  EXPECT_EQ(f.due(), f.on_time() + f.late() + f.overdue_now() + f.pending() + f.withheld());
}

// ---------------------------------------------------------------------------

TEST(ComplianceTest, WorkingDaysUseTheOfficialCalendarAcrossNationalDay) {
  const auto rows = TestRows();
  EXPECT_EQ(LateWorkingDays(Official(), rows[1]), 2);                      // R2
  EXPECT_EQ(LateWorkingDays(WorkingCalendar(), rows[1]), 8);               // weekends only: the holiday would count
  EXPECT_EQ(LateWorkingDays(Official(), rows[2]), 1);                      // R3
  EXPECT_EQ(LateWorkingDays(Official(), rows[0]), 0);                      // R1 on time
  EXPECT_EQ(OverdueWorkingDays(Official(), rows[3], D("2025-10-20")), 8);  // R4, Saturday 10-11 worked
  EXPECT_EQ(OverdueWorkingDays(WorkingCalendar(), rows[3], D("2025-10-20")), 7);
  EXPECT_EQ(OverdueWorkingDays(Official(), rows[4], D("2025-10-20")), 17);  // R5, Sunday 09-28 worked
  EXPECT_EQ(OverdueWorkingDays(Official(), rows[5], D("2025-10-20")), 0);   // R6 not yet due
  EXPECT_EQ(FormationToPublicationWorkingDays(Official(), rows[1]), 22);
  EXPECT_EQ(FormationToPublicationWorkingDays(Official(), rows[3]), std::nullopt);
}

TEST(ComplianceTest, LateDaysFallBackToTheStoredValueOutsideTheCalendar) {
  ComplianceRow r = Row(1, kA, 1, "1980-01-01", "1980-02-01", S::kPublished, "1980-02-20", 13);
  EXPECT_EQ(LateWorkingDays(Official(), r), 13);
  r.late_days = 0;  // published after the due date: late by at least 1
  EXPECT_EQ(LateWorkingDays(Official(), r), 1);
  // Overdue and formation->publication count Monday-Friday there:
  // (1980-02-01 Fri, 1980-02-20 Wed] = 2 weeks + Mon..Wed = 13.
  EXPECT_EQ(OverdueWorkingDays(Official(), r, D("1980-02-20")), 13);
  EXPECT_EQ(FormationToPublicationWorkingDays(Official(), r), 36);  // (01-01 Tue, 02-20 Wed]
}

TEST(ComplianceTest, MediansHandleNegativeAndHugeValues) {
  // Formation->publication working days -2 and -1 (published before formed:
  // bad data, kept as counted), 10, and 84966 (formed 1700-01-01, outside the
  // calendar: Monday-Friday). Sorted: -2, -1, 10, 84966.
  const std::vector<ComplianceRow> rows = {
      Row(1, kA, 1, "2025-09-10", "2025-09-15", S::kPublished, "2025-09-08"),
      Row(2, kA, 1, "2025-09-09", "2025-09-15", S::kPublished, "2025-09-08"),
      Row(3, kA, 1, "2025-08-25", "2025-09-15", S::kPublished, "2025-09-08"),
      Row(4, kA, 1, "1700-01-01", "2025-09-15", S::kPublished, "2025-09-08"),
  };
  const auto even = Compute(rows);
  EXPECT_EQ(even.site.figures.formation_to_publication_median, 4.5);
  EXPECT_DOUBLE_EQ(*even.site.figures.formation_to_publication_mean, (-2 - 1 + 10 + 84966) / 4.0);
  const auto odd = Compute({rows[0], rows[1], rows[3]});
  EXPECT_EQ(odd.site.figures.formation_to_publication_median, -1.0);
  const auto high = Compute({rows[2], rows[3]});
  EXPECT_EQ(high.site.figures.formation_to_publication_median, (10 + 84966) / 2.0);
  // Two huge values: 84966 and more (formed 1600-01-01); the median is the smaller.
  const auto huge = Compute({rows[2], rows[3], Row(5, kA, 1, "1600-01-01", "2025-09-15", S::kPublished, "2025-09-08")});
  EXPECT_EQ(huge.site.figures.formation_to_publication_median, 84966.0);
}

TEST(ComplianceTest, ClassifiesEveryKindOfRow) {
  const auto rows = TestRows();
  const Date today = D("2025-10-20");
  auto has = [&](std::size_t i, Metric m) { return ClassifyRow(rows[i], Period(), today).has(m); };
  EXPECT_TRUE(has(0, Metric::kOnTime));
  EXPECT_TRUE(has(1, Metric::kLate));
  EXPECT_TRUE(has(3, Metric::kOverdueNow));
  EXPECT_TRUE(has(5, Metric::kPending));
  EXPECT_TRUE(has(6, Metric::kPending));  // due today
  EXPECT_FALSE(has(6, Metric::kOverdueNow));
  EXPECT_TRUE(has(7, Metric::kWithheld));
  EXPECT_FALSE(has(7, Metric::kOverdueAtEnd));
  EXPECT_TRUE(ClassifyRow(rows[8], Period(), today).empty());  // cancelled
  EXPECT_TRUE(has(9, Metric::kOnTime));                        // no prior obligation
  EXPECT_FALSE(has(11, Metric::kDue));
  EXPECT_TRUE(has(11, Metric::kPublishedInPeriod));
  EXPECT_TRUE(has(15, Metric::kOverdueAtEnd));
  EXPECT_FALSE(has(15, Metric::kOverdueNow));  // due before the period

  // A publication date makes a row published whatever its state (a record
  // without an obligation may keep the default kOpen); a kPublished row
  // without a date is still open; withheld wins over a date.
  ComplianceRow r = Row(0, kA, 1, "2025-08-18", "2025-09-15", S::kOpen, "2025-09-16");
  EXPECT_TRUE(ClassifyRow(r, Period(), today).has(Metric::kLate));
  r.published_on.reset();
  r.state = S::kPublished;
  EXPECT_TRUE(ClassifyRow(r, Period(), today).has(Metric::kOverdueNow));
  r.state = S::kWithheld;
  r.published_on = D("2025-09-10");
  EXPECT_TRUE(ClassifyRow(r, Period(), today).has(Metric::kWithheld));
  EXPECT_FALSE(ClassifyRow(r, Period(), today).has(Metric::kPublishedInPeriod));

  // Published on the Saturday after a Friday due date: late, counted as 1 working day.
  ComplianceRow sat = Row(0, kA, 1, "2025-08-29", "2025-09-26", S::kPublished, "2025-09-27");
  EXPECT_TRUE(ClassifyRow(sat, Period(), today).has(Metric::kLate));
  EXPECT_EQ(LateWorkingDays(Official(), sat), 1);

  // Provisional due dates are counted.
  ComplianceRow prov = Row(0, kA, 1, "2025-10-01", "2025-10-29", S::kOpen);
  prov.provisional = true;
  EXPECT_TRUE(ClassifyRow(prov, Period(), today).has(Metric::kProvisionalDue));
}

TEST(ComplianceTest, SiteFigures) {
  const auto report = Compute(TestRows());
  EXPECT_EQ(report.site.key, GroupKey::Site());
  EXPECT_EQ(report.site.label, "全区");
  // Late days {2, 1}: even count, median 1.5. Formation->publication
  // {20, 22, 21, 15, 20}: odd count, median 20, mean 19.6.
  ExpectFigures(report.site, {"site", {11, 3, 2, 3, 2, 1, 7, 4}, 3.0 / 8, 1.5, 2, 17, 20.0, 19.6});
}

TEST(ComplianceTest, UnitFiguresIncludeUnitsWithoutRowsAndUnknownUnits) {
  const auto report = Compute(TestRows());
  ASSERT_EQ(report.units.size(), 4u);
  // Catalogue order, then units only seen in rows.
  EXPECT_EQ(report.units[0].label, kA);
  EXPECT_EQ(report.units[1].label, kB);
  EXPECT_EQ(report.units[2].label, kC);
  EXPECT_EQ(report.units[3].label, kD);
  EXPECT_TRUE(report.units[2].in_catalog);
  EXPECT_FALSE(report.units[3].in_catalog);
  // 甲局: formation->publication {20, 22}: even count, median 21.
  ExpectFigures(report.units[0], {"甲局", {5, 1, 1, 2, 1, 0, 2, 3}, 0.25, 2.0, 2, 17, 21.0, 21.0});
  ExpectFigures(report.units[1], {"乙局", {5, 1, 1, 1, 1, 1, 4, 1}, 1.0 / 3, 1.0, 1, 8, 18.0, 18.0});
  // No rows: all zeros and no on-time rate.
  ExpectFigures(report.units[2],
                {"丙局", {0, 0, 0, 0, 0, 0, 0, 0}, std::nullopt, std::nullopt, 0, 0, std::nullopt, std::nullopt});
  ExpectFigures(report.units[3], {"丁办", {1, 1, 0, 0, 0, 0, 1, 0}, 1.0, std::nullopt, 0, 0, 20.0, 20.0});
}

TEST(ComplianceTest, ItemAndAreaFigures) {
  const auto report = Compute(TestRows());
  ASSERT_EQ(report.items.size(), 5u);
  EXPECT_EQ(report.items[0].key, GroupKey::Item(1));
  EXPECT_EQ(report.items[0].label, "事项一");
  EXPECT_EQ(report.items[4].key, GroupKey::Item(kUnknownItem));
  EXPECT_FALSE(report.items[4].in_catalog);
  EXPECT_EQ(report.items[4].label, "");
  ExpectFigures(report.items[0], {"item 1", {6, 2, 2, 0, 1, 1, 5, 1}, 0.5, 1.5, 2, 0, 20.5, 20.75});
  // No publication but one overdue: the rate is 0, not undefined.
  ExpectFigures(report.items[1],
                {"item 2", {2, 0, 0, 1, 1, 0, 0, 1}, 0.0, std::nullopt, 0, 17, std::nullopt, std::nullopt});
  ExpectFigures(report.items[2], {"item 3", {2, 1, 0, 1, 0, 0, 2, 1}, 0.5, std::nullopt, 0, 8, 15.0, 15.0});
  ExpectFigures(report.items[3],
                {"item 4", {0, 0, 0, 0, 0, 0, 0, 0}, std::nullopt, std::nullopt, 0, 0, std::nullopt, std::nullopt});
  ExpectFigures(report.items[4],
                {"item 99", {1, 0, 0, 1, 0, 0, 0, 1}, 0.0, std::nullopt, 0, 7, std::nullopt, std::nullopt});

  ASSERT_EQ(report.areas.size(), 2u);
  EXPECT_EQ(report.areas[0].label, "一号领域");
  EXPECT_EQ(report.areas[0].key.area_items, (std::vector<int>{1, 2}));
  ExpectFigures(report.areas[0], {"area 1", {8, 2, 2, 1, 2, 1, 5, 2}, 0.4, 1.5, 2, 17, 20.5, 20.75});
  ExpectFigures(report.areas[1], {"area 2", {2, 1, 0, 1, 0, 0, 2, 1}, 0.5, std::nullopt, 0, 8, 15.0, 15.0});
}

TEST(ComplianceTest, CoverageFlagsGapsForNormalItemsOnly) {
  const auto report = Compute(TestRows());
  struct Want {
    const char* unit;
    int item;
    bool in_catalog;
    bool event_driven;
    int published;
    int due;
    const char* last;  // "" for none
    bool gap;
  };
  const Want want[] = {
      {kA, 1, true, false, 2, 2, "2025-10-10", false},
      {kB, 1, true, false, 2, 3, "2025-09-08", false},
      {kA, 2, true, false, 0, 2, "2025-07-01", true},  // normal item, nothing in the period
      {kB, 3, true, true, 2, 2, "2025-10-17", false},
      {kC, 3, true, true, 0, 0, "", false},  // event-driven, no events: no gap
      {kC, 4, true, false, 0, 0, "", true},  // normal item, nothing published: gap
      {kD, 1, false, false, 1, 1, "2025-09-22", false},
      {kA, kUnknownItem, false, false, 0, 1, "", true},
  };
  ASSERT_EQ(report.coverage.size(), std::size(want));
  for (std::size_t i = 0; i < std::size(want); ++i) {
    const auto& e = report.coverage[i];
    const auto& w = want[i];
    SCOPED_TRACE(fmt::format("{} {}", w.unit, w.item));
    EXPECT_EQ(e.unit, w.unit);
    EXPECT_EQ(e.item_number, w.item);
    EXPECT_EQ(e.in_catalog, w.in_catalog);
    EXPECT_EQ(e.event_driven, w.event_driven);
    EXPECT_EQ(e.published_in_period, w.published);
    EXPECT_EQ(e.due, w.due);
    EXPECT_EQ(e.last_published_on, *w.last ? std::optional<Date>(D(w.last)) : std::nullopt);
    EXPECT_EQ(e.gap, w.gap);
  }
}

TEST(ComplianceTest, EventDrivenItemWithEventsButNoPublicationIsAGap) {
  auto rows = TestRows();
  rows.push_back(Row(20, kC, 3, "2025-09-01", "2025-09-29", S::kOpen));
  const auto report = Compute(rows);
  const CoverageEntry* entry = nullptr;
  for (const auto& e : report.coverage)
    if (e.unit == kC && e.item_number == 3) entry = &e;
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->due, 1);
  EXPECT_EQ(entry->published_in_period, 0);
  EXPECT_TRUE(entry->gap);
}

TEST(ComplianceTest, MonthlyTrend) {
  const auto report = Compute(TestRows());
  ASSERT_EQ(report.trend.size(), 2u);
  const auto& sep = report.trend[0];
  EXPECT_EQ(sep.year, 2025);
  EXPECT_EQ(sep.month, 9);
  EXPECT_EQ(sep.window.from, D("2025-09-01"));
  EXPECT_EQ(sep.window.to, D("2025-09-30"));
  EXPECT_EQ(sep.snapshot, D("2025-09-30"));
  EXPECT_EQ(sep.due, 6);  // R1 R2 R3 R5 R8 R13
  EXPECT_EQ(sep.on_time, 2);
  EXPECT_EQ(sep.late, 2);
  // On 09-30: R2 (due that day, published 10-10), R5, and R16 from August.
  EXPECT_EQ(sep.overdue_at_end, 3);
  const auto& oct = report.trend[1];
  EXPECT_EQ(oct.month, 10);
  EXPECT_EQ(oct.snapshot, D("2025-10-19"));  // the month is not over: yesterday
  EXPECT_EQ(oct.due, 5);                     // R4 R6 R7 R10 R14
  EXPECT_EQ(oct.on_time, 1);
  EXPECT_EQ(oct.late, 0);
  EXPECT_EQ(oct.overdue_at_end, 4);  // R4 R5 R14 R16

  // A period reaching past today: later months are omitted, the first is clipped.
  const auto clipped = Compute(TestRows(), CompliancePeriod{D("2025-09-15"), D("2025-12-31")});
  ASSERT_EQ(clipped.trend.size(), 2u);
  EXPECT_EQ(clipped.trend[0].window.from, D("2025-09-15"));
  EXPECT_EQ(clipped.trend[0].due, 4);  // R1 R2 R5 R13
  EXPECT_EQ(clipped.trend[1].window.to, D("2025-10-31"));
}

TEST(ComplianceTest, EveryFigureMatchesItsDrillDown) {
  const auto rows = TestRows();
  const auto options = TestOptions();
  const auto report = Compute(rows);
  auto check = [&](const GroupCompliance& g) {
    for (Metric m : AllMetrics()) {
      SCOPED_TRACE(fmt::format("{} {}", g.label, MetricName(m)));
      EXPECT_EQ(RowsBehind(rows, Period(), options, g.key, m).size(), static_cast<std::size_t>(g.figures.count(m)));
    }
  };
  check(report.site);
  for (const auto& g : report.units) check(g);
  for (const auto& g : report.items) check(g);
  for (const auto& g : report.areas) check(g);
  for (const auto& e : report.coverage) {
    EXPECT_EQ(RowsBehind(rows, Period(), options, e.key(), Metric::kDue).size(), static_cast<std::size_t>(e.due));
    EXPECT_EQ(RowsBehind(rows, Period(), options, e.key(), Metric::kPublishedInPeriod).size(),
              static_cast<std::size_t>(e.published_in_period));
  }
  for (const auto& m : report.trend) {
    const auto site = GroupKey::Site();
    EXPECT_EQ(RowsBehind(rows, m.window, options, site, Metric::kDue).size(), static_cast<std::size_t>(m.due));
    EXPECT_EQ(RowsBehind(rows, m.window, options, site, Metric::kOnTime).size(), static_cast<std::size_t>(m.on_time));
    EXPECT_EQ(RowsBehind(rows, m.window, options, site, Metric::kLate).size(), static_cast<std::size_t>(m.late));
    EXPECT_EQ(RowsBehind(rows, m.window, options, site, Metric::kOverdueAtEnd).size(),
              static_cast<std::size_t>(m.overdue_at_end));
  }

  // The exact rows, in input order.
  const auto overdue = RowsBehind(rows, Period(), options, GroupKey::Site(), Metric::kOverdueNow);
  ASSERT_EQ(overdue.size(), 3u);
  EXPECT_EQ(overdue[0], &rows[3]);
  EXPECT_EQ(overdue[1], &rows[4]);
  EXPECT_EQ(overdue[2], &rows[13]);
  const auto area2_on_time = RowsBehind(rows, Period(), options, GroupKey::Area(TestCatalog(), 2), Metric::kOnTime);
  ASSERT_EQ(area2_on_time.size(), 1u);
  EXPECT_EQ(area2_on_time[0]->obligation_id, 0);  // R10, published without an obligation
}

// Random rows (unknown units and items, every state, dates around today,
// periods of many shapes): every figure equals its drill-down, and the
// medians and maxima equal a brute-force recount.
TEST(ComplianceTest, RandomRowsAgreeWithDrillDownAndBruteForce) {
  std::mt19937 rng(20251020);
  const Catalog catalog = TestCatalog();
  const char* units[] = {kA, kB, kC, kD, "戊中心"};
  const int items[] = {1, 2, 3, 4, 7, -5, 5000};
  const ObligationState states[] = {S::kOpen, S::kPublished, S::kWithheld, S::kCancelled};
  const Date base = D("2025-01-01");
  std::vector<ComplianceRow> rows;
  for (int k = 0; k < 3000; ++k) {
    ComplianceRow r;
    r.obligation_id = k;
    r.unit = units[rng() % std::size(units)];
    r.item_number = items[rng() % std::size(items)];
    r.formed_on = base.AddDays(static_cast<int>(rng() % 400));
    r.due_on = r.formed_on.AddDays(static_cast<int>(rng() % 40));
    r.state = states[rng() % std::size(states)];
    r.provisional = rng() % 7 == 0;
    // Some publications precede formation (bad data: negative working days).
    if (rng() % 3 != 0) r.published_on = r.formed_on.AddDays(static_cast<int>(rng() % 80) - 10);
    rows.push_back(std::move(r));
  }
  for (int trial = 0; trial < 12; ++trial) {
    const Date from = base.AddDays(static_cast<int>(rng() % 300));
    const CompliancePeriod period{from, from.AddDays(static_cast<int>(rng() % 200))};
    const ComplianceOptions options{base.AddDays(static_cast<int>(rng() % 450)), {3, 7}};
    SCOPED_TRACE(
        fmt::format("{}..{} today {}", period.from.ToString(), period.to.ToString(), options.today.ToString()));
    auto report = ComputeCompliance(catalog, Official(), rows, period, options);
    ASSERT_TRUE(report.has_value());
    std::vector<const GroupCompliance*> groups = {&report->site};
    for (const auto* list : {&report->units, &report->items, &report->areas})
      for (const auto& g : *list) groups.push_back(&g);
    for (const auto* g : groups) {
      for (Metric m : AllMetrics())
        ASSERT_EQ(RowsBehind(rows, period, options, g->key, m).size(), static_cast<std::size_t>(g->figures.count(m)))
            << g->label << " " << MetricName(m);
      std::vector<int> late;
      int overdue_max = 0;
      for (const auto* r : RowsBehind(rows, period, options, g->key, Metric::kLate))
        late.push_back(LateWorkingDays(Official(), *r));
      for (const auto* r : RowsBehind(rows, period, options, g->key, Metric::kOverdueNow))
        overdue_max = std::max(overdue_max, OverdueWorkingDays(Official(), *r, options.today));
      auto median_of = [](std::vector<int> v) -> std::optional<double> {
        if (v.empty()) return std::nullopt;
        std::sort(v.begin(), v.end());
        const std::size_t n = v.size();
        return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
      };
      std::vector<int> formation;
      for (Metric m : {Metric::kOnTime, Metric::kLate})
        for (const auto* r : RowsBehind(rows, period, options, g->key, m))
          formation.push_back(*FormationToPublicationWorkingDays(Official(), *r));
      EXPECT_EQ(g->figures.late_days_median, median_of(late)) << g->label;
      EXPECT_EQ(g->figures.formation_to_publication_median, median_of(formation)) << g->label;
      if (!formation.empty()) {
        long long sum = 0;
        for (int v : formation) sum += v;
        EXPECT_DOUBLE_EQ(*g->figures.formation_to_publication_mean,
                         static_cast<double>(sum) / static_cast<double>(formation.size()))
            << g->label;
      }
      std::sort(late.begin(), late.end());
      EXPECT_EQ(g->figures.late_days_max, late.empty() ? 0 : late.back()) << g->label;
      EXPECT_EQ(g->figures.overdue_days_max, overdue_max) << g->label;
    }
    for (const auto& e : report->coverage) {
      ASSERT_EQ(RowsBehind(rows, period, options, e.key(), Metric::kDue).size(), static_cast<std::size_t>(e.due));
      ASSERT_EQ(RowsBehind(rows, period, options, e.key(), Metric::kPublishedInPeriod).size(),
                static_cast<std::size_t>(e.published_in_period));
    }
    int trend_due = 0;
    for (const auto& m : report->trend) {
      trend_due += m.due;
      for (Metric metric : {Metric::kDue, Metric::kOnTime, Metric::kLate, Metric::kOverdueAtEnd}) {
        const int figure = metric == Metric::kDue      ? m.due
                           : metric == Metric::kOnTime ? m.on_time
                           : metric == Metric::kLate   ? m.late
                                                       : m.overdue_at_end;
        ASSERT_EQ(RowsBehind(rows, m.window, options, GroupKey::Site(), metric).size(),
                  static_cast<std::size_t>(figure))
            << m.year << "-" << m.month << " " << MetricName(metric);
      }
    }
    if (period.to < options.today) {
      EXPECT_EQ(trend_due, report->site.figures.due());
    }
  }
}

TEST(ComplianceTest, RankingByOnTimeRateThenOverdueThenName) {
  const auto report = Compute(TestRows());
  const auto ranked = RankGroups(report.units);
  ASSERT_EQ(ranked.size(), 4u);
  EXPECT_EQ(ranked[0]->label, kD);  // 1
  EXPECT_EQ(ranked[1]->label, kB);  // 1/3
  EXPECT_EQ(ranked[2]->label, kA);  // 1/4
  EXPECT_EQ(ranked[3]->label, kC);  // no rate: last

  auto group = [](const char* label, int on_time, int late, int overdue) {
    GroupCompliance g;
    g.label = label;
    g.figures.counts[static_cast<std::size_t>(Metric::kOnTime)] = on_time;
    g.figures.counts[static_cast<std::size_t>(Metric::kLate)] = late;
    g.figures.counts[static_cast<std::size_t>(Metric::kOverdueNow)] = overdue;
    return g;
  };
  // e: 1/2. b, a, f, d: 1/3 (2/6 is compared exactly), then fewer overdue
  // first (a 1, f and d 2, b 3), then by name (d before f). c: no rate.
  const std::vector<GroupCompliance> groups = {group("c", 0, 0, 0), group("b", 2, 1, 3), group("a", 1, 1, 1),
                                               group("f", 1, 0, 2), group("d", 1, 0, 2), group("e", 2, 2, 0)};
  std::vector<std::string> order;
  for (const auto* g : RankGroups(groups)) order.push_back(g->label);
  EXPECT_EQ(order, (std::vector<std::string>{"e", "a", "d", "f", "b", "c"}));
}

TEST(ComplianceTest, ProvisionalDueDatesAreCounted) {
  auto rows = TestRows();
  rows[5].provisional = true;  // R6
  const auto report = Compute(rows);
  EXPECT_EQ(report.site.figures.provisional_due(), 1);
  EXPECT_EQ(report.units[0].figures.provisional_due(), 1);
  EXPECT_TRUE(report.missing_notice_years.empty());  // 2025 and 2026 notices are in
  auto later = ComputeCompliance(TestCatalog(), Official(), rows, CompliancePeriod{D("2027-01-01"), D("2027-03-31")},
                                 ComplianceOptions{D("2027-02-01"), {}});
  ASSERT_TRUE(later.has_value());
  EXPECT_EQ(later->missing_notice_years, (std::vector<int>{2027}));
}

TEST(ComplianceTest, RefusesAnInvalidPeriod) {
  const auto rows = TestRows();
  struct Case {
    const char* from;
    const char* to;
    const char* today;
    const char* field;
  };
  const Case cases[] = {
      {"2025-10-31", "2025-09-01", "2025-10-20", "to"},
      {"1989-12-31", "2025-09-01", "2025-10-20", "from"},
      {"2025-09-01", "2101-01-01", "2025-10-20", "to"},
      {"2025-09-01", "2025-10-31", "2101-01-01", "today"},
  };
  for (const auto& c : cases) {
    auto r = ComputeCompliance(TestCatalog(), Official(), rows, CompliancePeriod{D(c.from), D(c.to)},
                               ComplianceOptions{D(c.today), {}});
    ASSERT_FALSE(r.has_value()) << c.from << " " << c.to;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput);
    EXPECT_EQ(r.error().field, c.field);
    EXPECT_NE(r.error().message.find("统计"), std::string::npos) << r.error().message;
  }
  // A single day is a valid period.
  EXPECT_TRUE(ComputeCompliance(TestCatalog(), Official(), rows, CompliancePeriod{D("2025-09-15"), D("2025-09-15")},
                                TestOptions())
                  .has_value());
}

TEST(ComplianceTest, EmptyRowsStillListTheCatalogue) {
  auto report = ComputeCompliance(TestCatalog(), Official(), {}, Period(), TestOptions());
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->units.size(), 3u);
  EXPECT_EQ(report->items.size(), 4u);
  EXPECT_EQ(report->areas.size(), 2u);
  EXPECT_EQ(report->coverage.size(), 6u);
  EXPECT_EQ(report->site.figures.on_time_rate, std::nullopt);
  ASSERT_EQ(report->trend.size(), 2u);
  EXPECT_EQ(report->trend[1].overdue_at_end, 0);
}

TEST(ComplianceTest, DefinitionsAndMetricNames) {
  const auto& defs = FigureDefinitions();
  for (Metric m : AllMetrics()) {
    EXPECT_EQ(ParseMetric(MetricName(m)), m);
    const bool defined =
        std::any_of(defs.begin(), defs.end(), [&](const auto& d) { return d.first == MetricLabel(m); });
    EXPECT_TRUE(defined) << MetricLabel(m);
  }
  EXPECT_EQ(ParseMetric("nonsense"), std::nullopt);
  const bool has_rate = std::any_of(defs.begin(), defs.end(), [](const auto& d) { return d.first == "按时率"; });
  EXPECT_TRUE(has_rate);
}

}  // namespace
}  // namespace gongkai

namespace gongkai {
namespace {

std::string Fingerprint(const ComplianceReport& r) {
  auto figures = [](const ComplianceFigures& f) {
    std::string s;
    for (int c : f.counts) s += fmt::format("{},", c);
    s += fmt::format("r{} lm{} lx{} ox{} fm{} fa{}", f.on_time_rate.value_or(-1), f.late_days_median.value_or(-1),
                     f.late_days_max, f.overdue_days_max, f.formation_to_publication_median.value_or(-1),
                     f.formation_to_publication_mean.value_or(-1));
    return s;
  };
  std::string out = "site " + figures(r.site.figures) + "\n";
  for (const auto* list : {&r.units, &r.items, &r.areas})
    for (const auto& g : *list) out += fmt::format("{} {} {}\n", g.label, g.in_catalog, figures(g.figures));
  for (const auto& c : r.coverage)
    out += fmt::format("cov {} {} {} {} {} {} {}\n", c.unit, c.item_number, c.in_catalog, c.published_in_period, c.due,
                       c.last_published_on ? c.last_published_on->ToString() : "-", c.gap);
  for (const auto& m : r.trend)
    out += fmt::format("trend {}-{} {} {} {} {}\n", m.year, m.month, m.due, m.on_time, m.late, m.overdue_at_end);
  return out;
}

// Leaving out the rows RowMatters() rejects, summarised as prior
// publications, gives exactly the report over every row.
TEST(ComplianceTest, RowsBeforeThePeriodCanBeSummarised) {
  std::mt19937 rng(20261128);
  const Catalog catalog = TestCatalog();
  const char* units[] = {kA, kB, kC, kD, "戊中心"};
  const int items[] = {1, 2, 3, 4, 9};
  const ObligationState states[] = {S::kOpen, S::kPublished, S::kWithheld, S::kCancelled};
  const Date base = D("2023-01-01");
  std::vector<ComplianceRow> rows;
  for (int k = 0; k < 4000; ++k) {
    ComplianceRow r;
    r.obligation_id = k;
    r.unit = units[rng() % std::size(units)];
    r.item_number = items[rng() % std::size(items)];
    r.formed_on = base.AddDays(static_cast<int>(rng() % 1000));
    r.due_on = r.formed_on.AddDays(static_cast<int>(rng() % 40));
    r.state = states[rng() % std::size(states)];
    if (rng() % 4 != 0) r.published_on = r.formed_on.AddDays(static_cast<int>(rng() % 80));
    rows.push_back(std::move(r));
  }
  // A unit and an item seen only in old rows still appear.
  ComplianceRow old;
  old.unit = "己所";
  old.item_number = 77;
  old.formed_on = D("2023-02-01");
  old.due_on = D("2023-02-10");
  old.state = S::kPublished;
  old.published_on = D("2023-02-09");
  rows.push_back(old);
  for (int trial = 0; trial < 10; ++trial) {
    const Date from = D("2024-01-01").AddDays(static_cast<int>(rng() % 600));
    const CompliancePeriod period{from, from.AddDays(static_cast<int>(rng() % 300))};
    ComplianceOptions options{from.AddDays(static_cast<int>(rng() % 400)), {3}, {}};
    SCOPED_TRACE(fmt::format("{}..{} today {}", period.from.ToString(), period.to.ToString(), options.today.ToString()));
    auto full = ComputeCompliance(catalog, Official(), rows, period, options);
    ASSERT_TRUE(full.has_value());
    std::vector<ComplianceRow> kept;
    std::map<std::pair<std::string, int>, Date> prior;
    for (const auto& r : rows) {
      if (RowMatters(r, from)) {
        kept.push_back(r);
        continue;
      }
      ASSERT_TRUE(r.published_on.has_value());
      if (r.state == S::kCancelled) continue;
      auto [it, fresh] = prior.try_emplace({r.unit, r.item_number}, *r.published_on);
      if (!fresh && it->second < *r.published_on) it->second = *r.published_on;
    }
    EXPECT_LT(kept.size(), rows.size());
    for (const auto& [key, date] : prior) options.prior_publications.push_back({key.first, key.second, date});
    auto summarised = ComputeCompliance(catalog, Official(), kept, period, options);
    ASSERT_TRUE(summarised.has_value());
    EXPECT_EQ(Fingerprint(*summarised), Fingerprint(*full));
  }
}

// Reading only the rows RowNeeded() keeps for SummaryCutoff(), with the
// others summarised as prior publications and backlog counts, gives exactly
// the report over every row; also for periods that start after today (the
// cutoff is then today) and with rows fed one at a time through one reused
// row object (ComplianceTally keeps nothing that points into it).
TEST(ComplianceTest, RowsBeforeTheCutoffCanBeSummarisedAsCounts) {
  std::mt19937 rng(20261205);
  const Catalog catalog = TestCatalog();
  const char* units[] = {kA, kB, kC, kD, "戊中心", "一个名称很长的不在目录中的单位"};
  const int items[] = {1, 2, 3, 4, 9, -3};
  const ObligationState states[] = {S::kOpen, S::kPublished, S::kWithheld, S::kCancelled};
  const Date base = D("2023-01-01");
  std::vector<ComplianceRow> rows;
  for (int k = 0; k < 4000; ++k) {
    ComplianceRow r;
    r.obligation_id = k;
    r.unit = units[rng() % std::size(units)];
    r.item_number = items[rng() % std::size(items)];
    r.formed_on = base.AddDays(static_cast<int>(rng() % 1000));
    r.due_on = r.formed_on.AddDays(static_cast<int>(rng() % 40));
    r.state = states[rng() % std::size(states)];
    r.provisional = rng() % 9 == 0;
    if (rng() % 4 != 0) r.published_on = r.formed_on.AddDays(static_cast<int>(rng() % 80) - 5);
    rows.push_back(std::move(r));
  }
  // Units and items seen only in old rows: one withheld (named by a backlog
  // entry with no open rows), one unpublished, one cancelled (never listed).
  for (auto [unit, item, state] : {std::tuple{"己所", 77, S::kWithheld}, std::tuple{"庚站", 78, S::kOpen},
                                   std::tuple{"辛队", 79, S::kCancelled}}) {
    ComplianceRow old;
    old.unit = unit;
    old.item_number = item;
    old.formed_on = D("2023-02-01");
    old.due_on = D("2023-02-10");
    old.state = state;
    rows.push_back(old);
  }
  for (int trial = 0; trial < 16; ++trial) {
    const Date from = D("2024-01-01").AddDays(static_cast<int>(rng() % 600));
    const CompliancePeriod period{from, from.AddDays(static_cast<int>(rng() % 300))};
    // Today mostly after the start, sometimes before it.
    const Date today = from.AddDays(static_cast<int>(rng() % 400) - (trial % 4 == 0 ? 420 : 0));
    ComplianceOptions options{today, {3}, {}, {}};
    const Date cutoff = SummaryCutoff(period, today);
    EXPECT_EQ(cutoff, std::min(from, today));
    SCOPED_TRACE(fmt::format("{}..{} today {}", period.from.ToString(), period.to.ToString(), today.ToString()));
    auto full = ComputeCompliance(catalog, Official(), rows, period, options);
    ASSERT_TRUE(full.has_value());
    std::vector<const ComplianceRow*> kept;
    std::map<std::pair<std::string, int>, Date> prior;
    std::map<std::pair<std::string, int>, int> backlog;
    for (const auto& r : rows) {
      if (RowNeeded(r, cutoff)) {
        EXPECT_TRUE(RowMatters(r, cutoff));
        kept.push_back(&r);
        continue;
      }
      if (r.state == S::kCancelled) continue;
      ASSERT_LT(r.due_on, cutoff);
      const std::pair<std::string, int> key{r.unit, r.item_number};
      if (r.state != S::kWithheld && r.published_on) {
        ASSERT_LT(*r.published_on, cutoff);
        auto [it, fresh] = prior.try_emplace(key, *r.published_on);
        if (!fresh && it->second < *r.published_on) it->second = *r.published_on;
      } else {
        backlog[key] += r.state == S::kWithheld ? 0 : 1;
      }
    }
    EXPECT_LT(kept.size(), rows.size());
    for (const auto& [key, date] : prior) options.prior_publications.push_back({key.first, key.second, date});
    for (const auto& [key, open] : backlog) options.prior_backlog.push_back({key.first, key.second, open});
    // Fed backwards through one reused row object.
    auto tally = ComplianceTally::Start(catalog, Official(), period, options);
    ASSERT_TRUE(tally.has_value());
    ComplianceRow reused;
    for (auto it = kept.rbegin(); it != kept.rend(); ++it) {
      reused = **it;
      tally->Add(reused);
    }
    reused.unit = "被改写的名称";
    EXPECT_EQ(tally->rows_added(), kept.size());
    const ComplianceReport summarised = tally->Finish();
    EXPECT_EQ(Fingerprint(summarised), Fingerprint(*full));
    const bool listed = std::any_of(summarised.units.begin(), summarised.units.end(),
                                    [](const GroupCompliance& g) { return g.label == "己所"; });
    const bool cancelled_listed = std::any_of(summarised.units.begin(), summarised.units.end(),
                                              [](const GroupCompliance& g) { return g.label == "辛队"; });
    EXPECT_TRUE(listed);
    EXPECT_FALSE(cancelled_listed);
  }
}

TEST(ComplianceTest, TallyRefusesAnInvalidPeriodAsComputeDoes) {
  const Catalog catalog = TestCatalog();
  ComplianceOptions options;
  options.today = D("2025-06-01");
  auto tally = ComplianceTally::Start(catalog, Official(), CompliancePeriod{D("2025-05-01"), D("2025-04-01")}, options);
  ASSERT_FALSE(tally.has_value());
  EXPECT_EQ(tally.error().field, "to");
}

}  // namespace
}  // namespace gongkai
