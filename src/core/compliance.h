// Compliance supervision (公开工作督查): for a period, how every responsible
// unit, catalogue item, area and the whole site did against the disclosure
// deadlines; the monthly trend; which (unit, item) pairs published nothing;
// and, for every figure, exactly the rows it counts (drill-down).
//
// Pure computation over rows the storage layer prepares: no I/O, no clock
// ("today" is a parameter). One predicate, ClassifyRow(), decides which
// figures a row counts toward; ComputeCompliance() and RowsBehind() both use
// it, so a figure and its drill-down list cannot disagree.
//
// Definitions (FigureDefinitions() states them in Chinese for the page):
//  - A row is cancelled (excluded from everything), withheld (state
//    kWithheld; wins over a publication date), published (published_on is
//    set, whatever the state: a record published without an obligation may
//    keep the default kOpen), or open (everything else, including a
//    kPublished row without a publication date).
//  - Due in the period: from <= due_on <= to and not cancelled. Every due row
//    is exactly one of on time, late, overdue now, pending, withheld:
//    due == on_time + late + overdue_now + pending + withheld.
//  - On time: published_on <= due_on (publishing on the due date is on
//    time). Late: published_on > due_on; late by the working days in
//    (due_on, published_on], at least 1 (a publication on the day off after
//    the due date is late by 1, as on the record page).
//  - Overdue now: open and due_on < today. Pending: open and due_on >= today.
//  - Overdue at the end of the period ("期末逾期未公开", the backlog): the
//    snapshot day is E = min(to, today - 1); a row that is neither cancelled
//    nor withheld counts when due_on <= E and it was not published by E
//    (no publication, or published_on > E). The due date may lie before the
//    period: the backlog includes old debts.
//  - Published in the period: published and from <= published_on <= to,
//    whatever the due date.
//  - Working days use the calendar's (a, b] convention
//    (WorkingCalendar::WorkingDaysBetween): late days = (due_on, published_on],
//    overdue days = (due_on, today], formation to publication =
//    (formed_on, published_on]. When the calendar cannot answer (a date
//    outside 1990..2100) late days fall back to the stored late_days, the
//    other two to a Monday-Friday count.
//  - On-time rate = on_time / (on_time + late + overdue_now); std::nullopt
//    when that sum is 0. Pending and withheld rows do not count.
//  - Medians of an even count are the mean of the two middle values.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/calendar.h"
#include "core/catalog.h"
#include "core/date.h"
#include "core/error.h"
#include "core/records.h"

namespace gongkai {

// One thing that had to be published: an obligation (待公开事项), or a
// record published without a prior obligation.
struct ComplianceRow {
  std::int64_t obligation_id = 0;  // 0: a record published without a prior obligation
  std::int64_t record_id = 0;      // 0: nothing published yet
  std::string unit;                // responsible unit name, normalised as in the catalogue
  int item_number = 0;             // catalogue item 1..20
  std::string element;
  std::string title;
  Date formed_on;            // day 0 (formation/change or statutory event date)
  Date due_on;               // 应公开日期
  bool provisional = false;  // due date falls in a year without an official holiday notice
  ObligationState state = ObligationState::kOpen;
  std::optional<Date> published_on;  // Beijing date of first publication, if published
  int late_days = 0;                 // working days after due_on at publication (0 = on time), as stored
};

// Inclusive on both ends.
struct CompliancePeriod {
  Date from;
  Date to;
};

// The latest publication of one (unit, item) pair among rows a caller left
// out because they cannot change the period's figures (see RowMatters).
struct PriorPublication {
  std::string unit;
  int item_number = 0;
  Date last_published_on;
};

// The unpublished rows of one (unit, item) pair that RowNeeded(row, cutoff)
// leaves out (see SummaryCutoff): how many are neither withheld nor
// cancelled. An entry with open == 0 only names the unit and item (e.g.
// the pair's only old rows are withheld).
struct PriorBacklog {
  std::string unit;
  int item_number = 0;
  int open = 0;
};

struct ComplianceOptions {
  Date today;                        // for "overdue now" and the snapshot days
  std::set<int> event_driven_items;  // items published only when something happens: no events, no gap
  // Rows left out by RowMatters(row, period.from), summarised: they only
  // feed the coverage's "last published" dates (and name their unit and
  // item). With them, the report equals the one over every row.
  std::vector<PriorPublication> prior_publications;
  // With RowNeeded(row, SummaryCutoff(period, today)) instead, fewer rows
  // are read: the left-out published rows go into prior_publications as
  // above (latest counted publication per pair), and the left-out
  // unpublished ones here. Each such row counts only toward the backlog
  // (期末逾期未公开, and every month's) of its unit, item, area and the site.
  std::vector<PriorBacklog> prior_backlog;
};

// Whether `row` can change any figure of a period starting on `from`:
// withheld, or due on or after `from`, or not published, or published on or
// after `from`. A row that fails this (due and published before the period)
// only contributes its publication date to coverage, unless it is cancelled
// (then it counts for nothing): pass the latest such date per (unit, item)
// as a PriorPublication instead, so storage can read far fewer rows for a
// recent period.
bool RowMatters(const ComplianceRow& row, Date from);

// The figures alone need fewer rows than RowMatters() keeps (drill-down
// lists need those). For a period and today, the cutoff is
// min(period.from, today); a row is needed when it is not cancelled and is
// due on or after the cutoff, or published (not withheld) on or after it.
// Every other row that is not cancelled is due before the cutoff and counts
// toward nothing but, when unpublished and not withheld, the backlog: pass
// them summarised (ComplianceOptions::prior_publications for published
// rows, prior_backlog for the rest) and the report equals the one over every
// row. RowNeeded(row, c) implies RowMatters(row, c).
Date SummaryCutoff(const CompliancePeriod& period, Date today);
bool RowNeeded(const ComplianceRow& row, Date cutoff);

// ---- metrics and the shared predicate ---------------------------------------

// Every counted figure. The order is the page's column order.
enum class Metric {
  kDue,                // 应公开
  kOnTime,             // 按时公开
  kLate,               // 逾期公开
  kOverdueNow,         // 当前逾期未公开
  kPending,            // 待到期
  kWithheld,           // 不予公开
  kPublishedInPeriod,  // 期内发布
  kOverdueAtEnd,       // 期末逾期未公开
  kProvisionalDue,     // 应公开日期暂定 (due rows whose due date is provisional)
};
inline constexpr int kMetricCount = 9;
const std::vector<Metric>& AllMetrics();
const char* MetricName(Metric m);   // "due", "on_time", ... (stable, for URLs and JSON)
const char* MetricLabel(Metric m);  // "应公开", "按时公开", ...
std::optional<Metric> ParseMetric(std::string_view token);

// The set of metrics one row counts toward.
class MetricSet {
 public:
  constexpr MetricSet() = default;
  constexpr bool has(Metric m) const { return (bits_ >> static_cast<int>(m)) & 1U; }
  constexpr void add(Metric m) { bits_ |= 1U << static_cast<int>(m); }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr std::uint32_t bits() const { return bits_; }
  friend constexpr bool operator==(MetricSet, MetricSet) = default;

 private:
  std::uint32_t bits_ = 0;
};

// THE predicate: which figures `row` counts toward for `period` as of
// `today` (see the definitions at the top of this file).
MetricSet ClassifyRow(const ComplianceRow& row, const CompliancePeriod& period, Date today);

// Working days `row` was published late: (due_on, published_on] on the
// calendar, or the stored late_days if the calendar cannot count them.
// 0 for a row that is not published or not late.
int LateWorkingDays(const WorkingCalendar& calendar, const ComplianceRow& row);
// Working days an unpublished row is overdue on `today`: (due_on, today];
// 0 if due_on >= today. Monday-Friday outside the calendar's range.
int OverdueWorkingDays(const WorkingCalendar& calendar, const ComplianceRow& row, Date today);
// Working days from formation to first publication: (formed_on, published_on];
// std::nullopt if not published. Negative if published before formed (bad data).
std::optional<int> FormationToPublicationWorkingDays(const WorkingCalendar& calendar, const ComplianceRow& row);

// ---- groups -----------------------------------------------------------------

enum class GroupKind { kSite, kUnit, kItem, kArea, kUnitItem };

// Selects the rows of one group. Build it with the factories. An area is
// selected through its items (Area() copies the catalogue's item numbers),
// so rows whose item is not in the catalogue belong to no area.
struct GroupKey {
  GroupKind kind = GroupKind::kSite;
  std::string unit;             // kUnit, kUnitItem
  int number = 0;               // kItem, kUnitItem: item number; kArea: area number
  std::vector<int> area_items;  // kArea: the area's item numbers

  static GroupKey Site();
  static GroupKey Unit(std::string unit);
  static GroupKey Item(int item_number);
  // An area number that is not in the catalogue selects no rows.
  static GroupKey Area(const Catalog& catalog, int area_number);
  static GroupKey UnitItem(std::string unit, int item_number);

  bool Contains(const ComplianceRow& row) const;
  bool operator==(const GroupKey&) const = default;
};

struct ComplianceFigures {
  std::array<int, kMetricCount> counts{};  // indexed by Metric; use count()
  int count(Metric m) const { return counts[static_cast<std::size_t>(m)]; }
  int due() const { return count(Metric::kDue); }
  int on_time() const { return count(Metric::kOnTime); }
  int late() const { return count(Metric::kLate); }
  int overdue_now() const { return count(Metric::kOverdueNow); }
  int pending() const { return count(Metric::kPending); }
  int withheld() const { return count(Metric::kWithheld); }
  int published_in_period() const { return count(Metric::kPublishedInPeriod); }
  int overdue_at_end() const { return count(Metric::kOverdueAtEnd); }
  int provisional_due() const { return count(Metric::kProvisionalDue); }

  // on_time / (on_time + late + overdue_now); nullopt when the sum is 0.
  std::optional<double> on_time_rate;
  // Over late rows: working days late. Median nullopt and max 0 when none.
  std::optional<double> late_days_median;
  int late_days_max = 0;
  // Over rows overdue now: working days overdue. 0 when none.
  int overdue_days_max = 0;
  // Over published rows due in the period (on time + late): working days
  // from formation to publication. nullopt when none.
  std::optional<double> formation_to_publication_median;
  std::optional<double> formation_to_publication_mean;
};

struct GroupCompliance {
  GroupKey key;
  std::string label;       // unit name, item title, area title, or "全区"; "" for an unknown item
  bool in_catalog = true;  // false: only seen in rows (an unknown unit or item number)
  ComplianceFigures figures;
};

// One (unit, item) pair: does the unit publish under the item?
struct CoverageEntry {
  std::string unit;
  int item_number = 0;
  bool in_catalog = true;                 // the catalogue lists the unit for the item
  bool event_driven = false;              // the item is in ComplianceOptions::event_driven_items
  int published_in_period = 0;            // rows published in [from, to]
  int due = 0;                            // rows due in the period
  std::optional<Date> last_published_on;  // latest publication <= to, any year
  // Normal item: nothing published in the period. Event-driven item: rows
  // were due in the period but nothing was published in it.
  bool gap = false;

  GroupKey key() const { return GroupKey::UnitItem(unit, item_number); }
};

// One calendar month of the period, clipped to it (`window`), site-wide.
// due/on_time/late are the period figures for `window`; overdue_at_end is
// the backlog on `snapshot` = min(window.to, today - 1). So each number is
// RowsBehind(rows, window, options, GroupKey::Site(), metric).size().
struct MonthTrend {
  int year = 0;
  int month = 0;  // 1..12
  CompliancePeriod window;
  Date snapshot;
  int due = 0;
  int on_time = 0;
  int late = 0;
  int overdue_at_end = 0;
};

struct ComplianceReport {
  CompliancePeriod period;
  Date today;
  GroupCompliance site;
  // Catalogue units in catalogue order (then units named only by items),
  // then units seen only in (not cancelled) rows, by name. Units with no
  // rows are all zeros.
  std::vector<GroupCompliance> units;
  // Catalogue items in catalogue order, then unknown item numbers ascending.
  std::vector<GroupCompliance> items;
  // Catalogue areas in catalogue order.
  std::vector<GroupCompliance> areas;
  // Catalogue pairs (items in catalogue order, each item's units in its
  // order), then pairs seen only in rows, by unit name and item number.
  std::vector<CoverageEntry> coverage;
  // Months overlapping the period, oldest first; months starting after
  // today are omitted.
  std::vector<MonthTrend> trend;
  // Years without a holiday notice between period.from and max(to, today):
  // working-day figures touching them are provisional (暂定).
  std::vector<int> missing_notice_years;
};

// Validates the period (from <= to, both and today inside the calendar's
// coverage; Error::Invalid naming "from", "to" or "today") and computes the
// report. Rows may be in any order. Runs in one pass over the rows with
// O(1) calendar calls; the catalogue is read once.
[[nodiscard]] Result<ComplianceReport> ComputeCompliance(const Catalog& catalog, const WorkingCalendar& calendar,
                                                         std::span<const ComplianceRow> rows,
                                                         const CompliancePeriod& period,
                                                         const ComplianceOptions& options);

// ComputeCompliance() a row at a time, for rows streamed from storage
// without keeping them: Start() validates as ComputeCompliance() does; Add()
// takes each row (it keeps nothing that points into the row, so the caller
// may reuse it); Finish() returns the report, once. `catalog` and
// `calendar` must outlive the tally. ComputeCompliance(rows) equals Start,
// Add of every row in any order, Finish.
class ComplianceTally {
 public:
  [[nodiscard]] static Result<ComplianceTally> Start(const Catalog& catalog, const WorkingCalendar& calendar,
                                                     const CompliancePeriod& period, const ComplianceOptions& options);
  ComplianceTally(ComplianceTally&&) noexcept;
  ComplianceTally& operator=(ComplianceTally&&) noexcept;
  ~ComplianceTally();

  void Add(const ComplianceRow& row);
  std::size_t rows_added() const;
  [[nodiscard]] ComplianceReport Finish();

 private:
  struct State;
  explicit ComplianceTally(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// The rows behind one figure, in input order: those `key` contains whose
// ClassifyRow() has `metric`. Pointers point into `rows` (keep it alive).
// For every group of a report, RowsBehind(...).size() == figures.count(metric).
std::vector<const ComplianceRow*> RowsBehind(std::span<const ComplianceRow> rows, const CompliancePeriod& period,
                                             const ComplianceOptions& options, const GroupKey& key, Metric metric);

// Groups ranked best first: on-time rate descending (compared exactly, as
// fractions; no rate last), then overdue_now ascending, then label
// ascending (byte order). Pointers point into `groups`.
std::vector<const GroupCompliance*> RankGroups(std::span<const GroupCompliance> groups);

// An on-time rate for display: "85.1%", or "—" when there is none.
std::string FormatOnTimeRate(const std::optional<double>& rate);

// (term, definition) pairs in Simplified Chinese, for the page's notes.
const std::vector<std::pair<std::string, std::string>>& FigureDefinitions();

}  // namespace gongkai
