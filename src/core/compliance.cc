#include "core/compliance.h"

#include <fmt/core.h>

#include <algorithm>
#include <bit>
#include <deque>
#include <unordered_map>

namespace gongkai {

// ---- metrics ------------------------------------------------------------------

const std::vector<Metric>& AllMetrics() {
  static const std::vector<Metric> kAll = {
      Metric::kDue,
      Metric::kOnTime,
      Metric::kLate,
      Metric::kOverdueNow,
      Metric::kPending,
      Metric::kWithheld,
      Metric::kPublishedInPeriod,
      Metric::kOverdueAtEnd,
      Metric::kProvisionalDue,
  };
  return kAll;
}

const char* MetricName(Metric m) {
  switch (m) {
    case Metric::kDue:
      return "due";
    case Metric::kOnTime:
      return "on_time";
    case Metric::kLate:
      return "late";
    case Metric::kOverdueNow:
      return "overdue_now";
    case Metric::kPending:
      return "pending";
    case Metric::kWithheld:
      return "withheld";
    case Metric::kPublishedInPeriod:
      return "published_in_period";
    case Metric::kOverdueAtEnd:
      return "overdue_at_end";
    case Metric::kProvisionalDue:
      return "provisional_due";
  }
  return "due";
}

const char* MetricLabel(Metric m) {
  switch (m) {
    case Metric::kDue:
      return "应公开";
    case Metric::kOnTime:
      return "按时公开";
    case Metric::kLate:
      return "逾期公开";
    case Metric::kOverdueNow:
      return "当前逾期未公开";
    case Metric::kPending:
      return "待到期";
    case Metric::kWithheld:
      return "不予公开";
    case Metric::kPublishedInPeriod:
      return "期内发布";
    case Metric::kOverdueAtEnd:
      return "期末逾期未公开";
    case Metric::kProvisionalDue:
      return "应公开日期暂定";
  }
  return "应公开";
}

std::optional<Metric> ParseMetric(std::string_view token) {
  for (Metric m : AllMetrics())
    if (token == MetricName(m)) return m;
  return std::nullopt;
}

namespace {

// The day the backlog is taken: the period's last day, or yesterday while
// the period is not over.
Date SnapshotDay(const CompliancePeriod& period, Date today) { return std::min(period.to, today.AddDays(-1)); }

// Monday-Friday days in (a, b]; minus the count for (b, a] when b < a.
int WeekdaysBetween(Date a, Date b) {
  if (b < a) return -WeekdaysBetween(b, a);
  // Weekdays among the days before `serial`, counted from Monday 1969-12-29.
  auto before = [](int serial) {
    const long long k = static_cast<long long>(serial) + 3;
    long long q = k / 7;
    long long r = k % 7;
    if (r < 0) {
      r += 7;
      --q;
    }
    return 5 * q + std::min<long long>(r, 5);
  };
  return static_cast<int>(before(b.serial() + 1) - before(a.serial() + 1));
}

int CalendarDaysOrWeekdays(const WorkingCalendar& calendar, Date a, Date b) {
  auto n = calendar.WorkingDaysBetween(a, b);
  return n ? *n : WeekdaysBetween(a, b);
}

}  // namespace

MetricSet ClassifyRow(const ComplianceRow& row, const CompliancePeriod& period, Date today) {
  MetricSet set;
  if (row.state == ObligationState::kCancelled) return set;
  const bool withheld = row.state == ObligationState::kWithheld;
  const bool published = !withheld && row.published_on.has_value();
  if (row.due_on >= period.from && row.due_on <= period.to) {
    set.add(Metric::kDue);
    if (row.provisional) set.add(Metric::kProvisionalDue);
    if (withheld) {
      set.add(Metric::kWithheld);
    } else if (published) {
      set.add(*row.published_on <= row.due_on ? Metric::kOnTime : Metric::kLate);
    } else {
      set.add(row.due_on < today ? Metric::kOverdueNow : Metric::kPending);
    }
  }
  if (published && *row.published_on >= period.from && *row.published_on <= period.to)
    set.add(Metric::kPublishedInPeriod);
  const Date snapshot = SnapshotDay(period, today);
  if (!withheld && row.due_on <= snapshot && !(published && *row.published_on <= snapshot))
    set.add(Metric::kOverdueAtEnd);
  return set;
}

int LateWorkingDays(const WorkingCalendar& calendar, const ComplianceRow& row) {
  if (row.state == ObligationState::kWithheld || row.state == ObligationState::kCancelled) return 0;
  if (!row.published_on || *row.published_on <= row.due_on) return 0;
  // Published after the due date on a day off: late, counted as 1 (the
  // same rule the record's own timeliness uses).
  auto n = calendar.WorkingDaysBetween(row.due_on, *row.published_on);
  return std::max(1, n ? *n : row.late_days);
}

int OverdueWorkingDays(const WorkingCalendar& calendar, const ComplianceRow& row, Date today) {
  if (row.due_on >= today) return 0;
  return CalendarDaysOrWeekdays(calendar, row.due_on, today);
}

std::optional<int> FormationToPublicationWorkingDays(const WorkingCalendar& calendar, const ComplianceRow& row) {
  if (!row.published_on) return std::nullopt;
  return CalendarDaysOrWeekdays(calendar, row.formed_on, *row.published_on);
}

// ---- group keys ---------------------------------------------------------------

GroupKey GroupKey::Site() { return GroupKey{}; }

GroupKey GroupKey::Unit(std::string unit) {
  GroupKey k;
  k.kind = GroupKind::kUnit;
  k.unit = std::move(unit);
  return k;
}

GroupKey GroupKey::Item(int item_number) {
  GroupKey k;
  k.kind = GroupKind::kItem;
  k.number = item_number;
  return k;
}

GroupKey GroupKey::Area(const Catalog& catalog, int area_number) {
  GroupKey k;
  k.kind = GroupKind::kArea;
  k.number = area_number;
  for (const auto& area : catalog.areas) {
    if (area.number != area_number) continue;
    // An item number listed twice belongs to the area AreaOf() names.
    for (const auto& item : area.items)
      if (catalog.AreaOf(item.number) == &area) k.area_items.push_back(item.number);
    break;
  }
  return k;
}

GroupKey GroupKey::UnitItem(std::string unit, int item_number) {
  GroupKey k;
  k.kind = GroupKind::kUnitItem;
  k.unit = std::move(unit);
  k.number = item_number;
  return k;
}

bool GroupKey::Contains(const ComplianceRow& row) const {
  switch (kind) {
    case GroupKind::kSite:
      return true;
    case GroupKind::kUnit:
      return row.unit == unit;
    case GroupKind::kItem:
      return row.item_number == number;
    case GroupKind::kArea:
      return std::find(area_items.begin(), area_items.end(), row.item_number) != area_items.end();
    case GroupKind::kUnitItem:
      return row.item_number == number && row.unit == unit;
  }
  return false;
}

std::vector<const ComplianceRow*> RowsBehind(std::span<const ComplianceRow> rows, const CompliancePeriod& period,
                                             const ComplianceOptions& options, const GroupKey& key, Metric metric) {
  std::vector<const ComplianceRow*> out;
  for (const auto& row : rows)
    if (key.Contains(row) && ClassifyRow(row, period, options.today).has(metric)) out.push_back(&row);
  return out;
}

// ---- computation --------------------------------------------------------------

namespace {

// A multiset of working-day counts: a histogram for the usual small
// non-negative values, a list for the rest (negative from bad data, or huge
// from dates far outside the calendar). Adding is O(1); order statistics
// cost O(largest small value + outliers).
class Distribution {
 public:
  void Add(int v) {
    ++count_;
    sum_ += v;
    if (v >= 0 && v < kDenseLimit) {
      if (static_cast<std::size_t>(v) >= dense_.size()) dense_.resize(static_cast<std::size_t>(v) + 1, 0);
      ++dense_[static_cast<std::size_t>(v)];
    } else {
      outliers_.push_back(v);
    }
  }

  std::size_t count() const { return count_; }

  // The mean of the two middle values when the count is even.
  std::optional<double> Median() {
    if (count_ == 0) return std::nullopt;
    std::sort(outliers_.begin(), outliers_.end());
    const std::size_t mid = count_ / 2;
    if (count_ % 2 == 1) return static_cast<double>(KthSmallest(mid));
    return (static_cast<double>(KthSmallest(mid - 1)) + static_cast<double>(KthSmallest(mid))) / 2.0;
  }

  std::optional<double> Mean() const {
    if (count_ == 0) return std::nullopt;
    return static_cast<double>(sum_) / static_cast<double>(count_);
  }

 private:
  static constexpr int kDenseLimit = 1 << 16;

  // k is 0-based; outliers_ must be sorted.
  int KthSmallest(std::size_t k) const {
    const auto negatives =
        static_cast<std::size_t>(std::lower_bound(outliers_.begin(), outliers_.end(), 0) - outliers_.begin());
    if (k < negatives) return outliers_[k];
    k -= negatives;
    for (std::size_t v = 0; v < dense_.size(); ++v) {
      const auto n = static_cast<std::size_t>(dense_[v]);
      if (k < n) return static_cast<int>(v);
      k -= n;
    }
    return outliers_[negatives + k];
  }

  std::size_t count_ = 0;
  long long sum_ = 0;
  std::vector<int> dense_;     // dense_[v] = how many times v was added
  std::vector<int> outliers_;  // values outside [0, kDenseLimit)
};

// Running figures of one group.
struct Accumulator {
  std::array<int, kMetricCount> counts{};
  int late_max = 0;
  int overdue_max = 0;
  Distribution late_days;
  Distribution formation_days;

  void Add(MetricSet set, int late, int overdue, int formation) {
    for (std::uint32_t bits = set.bits(); bits != 0; bits &= bits - 1)
      ++counts[static_cast<std::size_t>(std::countr_zero(bits))];
    if (set.has(Metric::kLate)) {
      late_days.Add(late);
      late_max = std::max(late_max, late);
    }
    if (set.has(Metric::kOverdueNow)) overdue_max = std::max(overdue_max, overdue);
    if (set.has(Metric::kOnTime) || set.has(Metric::kLate)) formation_days.Add(formation);
  }

  ComplianceFigures Finish() {
    ComplianceFigures f;
    f.counts = counts;
    const int denominator = f.on_time() + f.late() + f.overdue_now();
    if (denominator > 0) f.on_time_rate = static_cast<double>(f.on_time()) / denominator;
    f.late_days_median = late_days.Median();
    f.late_days_max = late_max;
    f.overdue_days_max = overdue_max;
    f.formation_to_publication_median = formation_days.Median();
    f.formation_to_publication_mean = formation_days.Mean();
    return f;
  }
};

struct PairAccumulator {
  int unit = 0;  // unit slot
  int item = 0;  // item slot
  bool in_catalog = false;
  int published = 0;
  int due = 0;
  std::optional<Date> last_published_on;
};

// Maps unit names and item numbers to dense slots: the catalogue's first,
// then those first seen in rows.
class Slots {
 public:
  explicit Slots(const Catalog& catalog) {
    for (const auto& unit : catalog.units) AddUnit(unit.name);
    for (const auto& area : catalog.areas)
      for (const auto& item : area.items)
        for (const auto& name : item.units) AddUnit(name);
    catalog_units_ = unit_names_.size();
    for (std::size_t a = 0; a < catalog.areas.size(); ++a) {
      for (const auto& item : catalog.areas[a].items) {
        if (FindItem(item.number) >= 0) continue;  // a duplicate number: AreaOf() keeps the first
        NewItem(item.number, static_cast<int>(a), item.title);
      }
    }
    catalog_items_ = item_numbers_.size();
  }

  // Rows usually come grouped by unit: the last answer is tried first.
  int Unit(std::string_view name) {
    if (last_unit_ >= 0 && name == unit_names_[static_cast<std::size_t>(last_unit_)]) return last_unit_;
    auto it = unit_index_.find(name);
    if (it != unit_index_.end()) return last_unit_ = it->second;
    // A name first seen in a row: keep a copy (rows may be reused).
    owned_names_.emplace_back(name);
    return last_unit_ = AddUnit(owned_names_.back());
  }

  int Item(int number) {
    const int slot = FindItem(number);
    return slot >= 0 ? slot : NewItem(number, -1, {});
  }

  int FindItem(int number) const {
    if (number >= 0 && static_cast<std::size_t>(number) < direct_.size())
      return direct_[static_cast<std::size_t>(number)];
    auto it = other_items_.find(number);
    return it == other_items_.end() ? -1 : it->second;
  }
  int FindUnit(std::string_view name) const {
    auto it = unit_index_.find(name);
    return it == unit_index_.end() ? -1 : it->second;
  }

  std::size_t unit_count() const { return unit_names_.size(); }
  std::size_t item_count() const { return item_numbers_.size(); }
  std::size_t catalog_units() const { return catalog_units_; }
  std::size_t catalog_items() const { return catalog_items_; }
  std::string_view unit_name(std::size_t slot) const { return unit_names_[slot]; }
  int item_number(std::size_t slot) const { return item_numbers_[slot]; }
  int item_area(std::size_t slot) const { return item_areas_[slot]; }
  std::string_view item_title(std::size_t slot) const { return item_titles_[slot]; }

 private:
  // Item numbers below this are found by direct indexing.
  static constexpr int kDirectLimit = 4096;

  int AddUnit(std::string_view name) {
    auto [it, inserted] = unit_index_.emplace(name, static_cast<int>(unit_names_.size()));
    if (inserted) unit_names_.push_back(name);
    return it->second;
  }

  int NewItem(int number, int area, std::string_view title) {
    const int slot = static_cast<int>(item_numbers_.size());
    item_numbers_.push_back(number);
    item_areas_.push_back(area);
    item_titles_.push_back(title);
    if (number >= 0 && number < kDirectLimit) {
      if (static_cast<std::size_t>(number) >= direct_.size()) direct_.resize(static_cast<std::size_t>(number) + 1, -1);
      direct_[static_cast<std::size_t>(number)] = slot;
    } else {
      other_items_.emplace(number, slot);
    }
    return slot;
  }

  // Views into the catalogue's strings, which outlive *this, or into owned_names_.
  std::deque<std::string> owned_names_;
  std::unordered_map<std::string_view, int> unit_index_;
  std::vector<std::string_view> unit_names_;
  std::size_t catalog_units_ = 0;
  int last_unit_ = -1;
  std::vector<int> direct_;
  std::unordered_map<int, int> other_items_;
  std::vector<int> item_numbers_;
  std::vector<int> item_areas_;                // area index in the catalogue, -1 for none
  std::vector<std::string_view> item_titles_;  // views into the catalogue; empty for unknown items
  std::size_t catalog_items_ = 0;
};

// Months of the period (clipped to it) that start on or before today.
std::vector<MonthTrend> TrendMonths(const CompliancePeriod& period, Date today) {
  using namespace std::chrono;
  std::vector<MonthTrend> out;
  year_month ym = year_month_day(period.from.sys_days()).year() / year_month_day(period.from.sys_days()).month();
  const year_month last = year_month_day(period.to.sys_days()).year() / year_month_day(period.to.sys_days()).month();
  for (; ym <= last; ym += months{1}) {
    const Date first(sys_days(ym / 1));
    const Date end(sys_days(year_month_day_last(ym.year(), month_day_last(ym.month()))));
    MonthTrend m;
    m.year = static_cast<int>(ym.year());
    m.month = static_cast<int>(static_cast<unsigned>(ym.month()));
    m.window = CompliancePeriod{std::max(first, period.from), std::min(end, period.to)};
    if (m.window.from > today) break;
    m.snapshot = SnapshotDay(m.window, today);
    out.push_back(m);
  }
  return out;
}

int MonthOffset(Date d, int base_year, int base_month) {
  return (d.year() - base_year) * 12 + (d.month() - base_month);
}

Status ValidatePeriod(const CompliancePeriod& period, Date today) {
  const std::string range = fmt::format("{}至{}", WorkingCalendar::kFirstCoveredDate.ToString(),
                                        WorkingCalendar::kLastCoveredDate.ToString());
  if (!WorkingCalendar::Covers(period.from))
    return Unexpected(Error::Invalid(
        fmt::format("统计期间的开始日期{}超出工作日历的范围（{}）", period.from.ToString(), range), "from"));
  if (!WorkingCalendar::Covers(period.to))
    return Unexpected(
        Error::Invalid(fmt::format("统计期间的结束日期{}超出工作日历的范围（{}）", period.to.ToString(), range), "to"));
  if (period.from > period.to)
    return Unexpected(Error::Invalid(
        fmt::format("统计期间的结束日期{}早于开始日期{}", period.to.ToString(), period.from.ToString()), "to"));
  if (!WorkingCalendar::Covers(today))
    return Unexpected(
        Error::Invalid(fmt::format("统计基准日（今天）{}超出工作日历的范围（{}）", today.ToString(), range), "today"));
  return Ok();
}

}  // namespace

bool RowMatters(const ComplianceRow& row, Date from) {
  return row.state == ObligationState::kWithheld || row.due_on >= from || !row.published_on ||
         *row.published_on >= from;
}

Date SummaryCutoff(const CompliancePeriod& period, Date today) { return std::min(period.from, today); }

bool RowNeeded(const ComplianceRow& row, Date cutoff) {
  if (row.state == ObligationState::kCancelled) return false;
  if (row.due_on >= cutoff) return true;
  return row.state != ObligationState::kWithheld && row.published_on && *row.published_on >= cutoff;
}

struct ComplianceTally::State {
  State(const Catalog& c, const WorkingCalendar& cal, const CompliancePeriod& p, const ComplianceOptions& o)
      : catalog(c), calendar(cal), period(p), options(o), slots(c) {}

  const Catalog& catalog;
  const WorkingCalendar& calendar;
  CompliancePeriod period;
  ComplianceOptions options;
  Date today;

  Slots slots;
  Accumulator site;
  std::vector<Accumulator> units;
  std::vector<Accumulator> items;
  std::vector<Accumulator> areas;
  std::vector<PairAccumulator> pairs;
  // pair_slots[unit slot][item slot]: index into `pairs`, -1 for none.
  std::vector<std::vector<int>> pair_slots;
  std::vector<MonthTrend> trend;
  std::vector<Date> snapshots;
  // backlog_delta[m]: rows entering minus rows leaving the backlog at month m.
  std::vector<int> backlog_delta;
  int base_year = 0;
  int base_month = 0;
  std::size_t added = 0;

  PairAccumulator& PairOf(int u, int i, bool in_catalog) {
    if (static_cast<std::size_t>(u) >= pair_slots.size()) pair_slots.resize(static_cast<std::size_t>(u) + 1);
    auto& of_unit = pair_slots[static_cast<std::size_t>(u)];
    if (static_cast<std::size_t>(i) >= of_unit.size()) of_unit.resize(static_cast<std::size_t>(i) + 1, -1);
    int& index = of_unit[static_cast<std::size_t>(i)];
    if (index < 0) {
      index = static_cast<int>(pairs.size());
      pairs.push_back(PairAccumulator{u, i, in_catalog, 0, 0, std::nullopt});
    }
    return pairs[static_cast<std::size_t>(index)];
  }

  // The unit and item slots of a row's names, with room for their figures.
  std::pair<int, int> SlotsOf(std::string_view unit, int item_number) {
    const int u = slots.Unit(unit);
    const int i = slots.Item(item_number);
    if (static_cast<std::size_t>(u) >= units.size()) units.resize(static_cast<std::size_t>(u) + 1);
    if (static_cast<std::size_t>(i) >= items.size()) items.resize(static_cast<std::size_t>(i) + 1);
    return {u, i};
  }

  void Init() {
    today = options.today;
    units.resize(slots.unit_count());
    items.resize(slots.item_count());
    areas.resize(catalog.areas.size());
    for (std::size_t i = 0; i < slots.catalog_items(); ++i) {
      const Item* item = catalog.FindItem(slots.item_number(i));
      for (const auto& name : item->units) PairOf(slots.FindUnit(name), static_cast<int>(i), true);
    }
    trend = TrendMonths(period, today);
    for (const auto& m : trend) snapshots.push_back(m.snapshot);
    backlog_delta.assign(trend.size() + 1, 0);
    base_year = period.from.year();
    base_month = period.from.month();
  }

  void Add(const ComplianceRow& row) {
    ++added;
    const MetricSet set = ClassifyRow(row, period, today);
    if (row.state == ObligationState::kCancelled) return;
    const bool withheld = row.state == ObligationState::kWithheld;
    const bool published = !withheld && row.published_on.has_value();

    int late = 0;
    int overdue = 0;
    int formation = 0;
    if (set.has(Metric::kLate)) late = LateWorkingDays(calendar, row);
    if (set.has(Metric::kOverdueNow)) overdue = OverdueWorkingDays(calendar, row, today);
    if (set.has(Metric::kOnTime) || set.has(Metric::kLate))
      formation = CalendarDaysOrWeekdays(calendar, row.formed_on, *row.published_on);

    const auto [u, i] = SlotsOf(row.unit, row.item_number);
    const int a = slots.item_area(static_cast<std::size_t>(i));

    if (!set.empty()) {
      site.Add(set, late, overdue, formation);
      units[static_cast<std::size_t>(u)].Add(set, late, overdue, formation);
      items[static_cast<std::size_t>(i)].Add(set, late, overdue, formation);
      if (a >= 0) areas[static_cast<std::size_t>(a)].Add(set, late, overdue, formation);
    }

    const bool published_by_end = published && *row.published_on <= period.to;
    if (set.has(Metric::kDue) || published_by_end) {
      PairAccumulator& pair = PairOf(u, i, false);
      if (set.has(Metric::kDue)) ++pair.due;
      if (set.has(Metric::kPublishedInPeriod)) ++pair.published;
      if (published_by_end && (!pair.last_published_on || *pair.last_published_on < *row.published_on))
        pair.last_published_on = row.published_on;
    }

    // Trend. A row due in the period is due in exactly one month's window,
    // and ClassifyRow's due/on time/late depend only on due_on being in the
    // window, so the period's bits are that month's.
    if (set.has(Metric::kDue)) {
      const int m = MonthOffset(row.due_on, base_year, base_month);
      if (m >= 0 && static_cast<std::size_t>(m) < trend.size()) {
        ++trend[static_cast<std::size_t>(m)].due;
        if (set.has(Metric::kOnTime)) ++trend[static_cast<std::size_t>(m)].on_time;
        if (set.has(Metric::kLate)) ++trend[static_cast<std::size_t>(m)].late;
      }
    }
    // Backlog on snapshot S (ClassifyRow's kOverdueAtEnd): due_on <= S and
    // not published on or before S. Snapshots ascend, so the months form the
    // range [first S >= due_on, first S >= published_on).
    if (!withheld && !snapshots.empty() && row.due_on <= snapshots.back()) {
      const auto lo = std::lower_bound(snapshots.begin(), snapshots.end(), row.due_on) - snapshots.begin();
      const auto hi = published
                          ? std::lower_bound(snapshots.begin(), snapshots.end(), *row.published_on) - snapshots.begin()
                          : static_cast<std::ptrdiff_t>(snapshots.size());
      if (lo < hi) {
        ++backlog_delta[static_cast<std::size_t>(lo)];
        --backlog_delta[static_cast<std::size_t>(hi)];
      }
    }
  }

  ComplianceReport Finish() {
    // Rows summarised before the cutoff (SummaryCutoff): each unpublished
    // one is due before every snapshot and unpublished on all of them, so
    // it is in the period's backlog and in every month's, and nothing else.
    for (const auto& backlog : options.prior_backlog) {
      const auto [u, i] = SlotsOf(backlog.unit, backlog.item_number);
      if (backlog.open <= 0) continue;
      const int a = slots.item_area(static_cast<std::size_t>(i));
      const auto k = static_cast<std::size_t>(Metric::kOverdueAtEnd);
      site.counts[k] += backlog.open;
      units[static_cast<std::size_t>(u)].counts[k] += backlog.open;
      items[static_cast<std::size_t>(i)].counts[k] += backlog.open;
      if (a >= 0) areas[static_cast<std::size_t>(a)].counts[k] += backlog.open;
      if (!trend.empty()) {
        backlog_delta[0] += backlog.open;
        backlog_delta[trend.size()] -= backlog.open;
      }
    }

    ComplianceReport report;
    report.period = period;
    report.today = today;
    report.site.key = GroupKey::Site();
    report.site.label = "全区";
    report.site.figures = site.Finish();

    for (const auto& prior : options.prior_publications) {
      const auto [u, i] = SlotsOf(prior.unit, prior.item_number);
      if (prior.last_published_on > period.to) continue;
      PairAccumulator& pair = PairOf(u, i, false);
      if (!pair.last_published_on || *pair.last_published_on < prior.last_published_on)
        pair.last_published_on = prior.last_published_on;
    }

    // Units: catalogue first, then the rest by name.
    units.resize(slots.unit_count());
    std::vector<std::size_t> unit_order(slots.unit_count());
    for (std::size_t k = 0; k < unit_order.size(); ++k) unit_order[k] = k;
    std::sort(unit_order.begin() + static_cast<std::ptrdiff_t>(slots.catalog_units()), unit_order.end(),
              [&](std::size_t x, std::size_t y) { return slots.unit_name(x) < slots.unit_name(y); });
    report.units.reserve(unit_order.size());
    for (std::size_t k : unit_order) {
      GroupCompliance g;
      g.key = GroupKey::Unit(std::string(slots.unit_name(k)));
      g.label = std::string(slots.unit_name(k));
      g.in_catalog = k < slots.catalog_units();
      g.figures = units[k].Finish();
      report.units.push_back(std::move(g));
    }

    // Items: catalogue first, then the rest by number.
    items.resize(slots.item_count());
    std::vector<std::size_t> item_order(slots.item_count());
    for (std::size_t k = 0; k < item_order.size(); ++k) item_order[k] = k;
    std::sort(item_order.begin() + static_cast<std::ptrdiff_t>(slots.catalog_items()), item_order.end(),
              [&](std::size_t x, std::size_t y) { return slots.item_number(x) < slots.item_number(y); });
    report.items.reserve(item_order.size());
    for (std::size_t k : item_order) {
      GroupCompliance g;
      g.key = GroupKey::Item(slots.item_number(k));
      g.label = std::string(slots.item_title(k));
      g.in_catalog = k < slots.catalog_items();
      g.figures = items[k].Finish();
      report.items.push_back(std::move(g));
    }

    for (std::size_t a = 0; a < catalog.areas.size(); ++a) {
      GroupCompliance g;
      g.key = GroupKey::Area(catalog, catalog.areas[a].number);
      g.label = catalog.areas[a].title;
      g.figures = areas[a].Finish();
      report.areas.push_back(std::move(g));
    }

    // Coverage: catalogue pairs in their order, then the rest by unit and item.
    auto catalog_end = std::partition_point(pairs.begin(), pairs.end(), [](const auto& p) { return p.in_catalog; });
    std::sort(catalog_end, pairs.end(), [&](const PairAccumulator& x, const PairAccumulator& y) {
      const auto ux = slots.unit_name(static_cast<std::size_t>(x.unit));
      const auto uy = slots.unit_name(static_cast<std::size_t>(y.unit));
      if (ux != uy) return ux < uy;
      return slots.item_number(static_cast<std::size_t>(x.item)) < slots.item_number(static_cast<std::size_t>(y.item));
    });
    report.coverage.reserve(pairs.size());
    for (const auto& p : pairs) {
      CoverageEntry e;
      e.unit = std::string(slots.unit_name(static_cast<std::size_t>(p.unit)));
      e.item_number = slots.item_number(static_cast<std::size_t>(p.item));
      e.in_catalog = p.in_catalog;
      e.event_driven = options.event_driven_items.contains(e.item_number);
      e.published_in_period = p.published;
      e.due = p.due;
      e.last_published_on = p.last_published_on;
      e.gap = e.event_driven ? (e.due > 0 && e.published_in_period == 0) : e.published_in_period == 0;
      report.coverage.push_back(std::move(e));
    }

    int backlog = 0;
    for (std::size_t m = 0; m < trend.size(); ++m) {
      backlog += backlog_delta[m];
      trend[m].overdue_at_end = backlog;
    }
    report.trend = std::move(trend);
    report.missing_notice_years = calendar.MissingNoticeYears(period.from, std::max(period.to, today));
    return report;
  }
};

ComplianceTally::ComplianceTally(std::unique_ptr<State> state) : state_(std::move(state)) {}
ComplianceTally::ComplianceTally(ComplianceTally&&) noexcept = default;
ComplianceTally& ComplianceTally::operator=(ComplianceTally&&) noexcept = default;
ComplianceTally::~ComplianceTally() = default;

Result<ComplianceTally> ComplianceTally::Start(const Catalog& catalog, const WorkingCalendar& calendar,
                                               const CompliancePeriod& period, const ComplianceOptions& options) {
  GK_CHECK(ValidatePeriod(period, options.today));
  auto state = std::make_unique<State>(catalog, calendar, period, options);
  state->Init();
  return ComplianceTally(std::move(state));
}

void ComplianceTally::Add(const ComplianceRow& row) { state_->Add(row); }

std::size_t ComplianceTally::rows_added() const { return state_->added; }

ComplianceReport ComplianceTally::Finish() { return state_->Finish(); }

Result<ComplianceReport> ComputeCompliance(const Catalog& catalog, const WorkingCalendar& calendar,
                                           std::span<const ComplianceRow> rows, const CompliancePeriod& period,
                                           const ComplianceOptions& options) {
  GK_TRY(tally, ComplianceTally::Start(catalog, calendar, period, options));
  for (const auto& row : rows) tally.Add(row);
  return tally.Finish();
}

std::string FormatOnTimeRate(const std::optional<double>& rate) {
  return rate ? fmt::format("{:.1f}%", *rate * 100) : std::string("—");
}

std::vector<const GroupCompliance*> RankGroups(std::span<const GroupCompliance> groups) {
  std::vector<const GroupCompliance*> out;
  out.reserve(groups.size());
  for (const auto& g : groups) out.push_back(&g);
  std::stable_sort(out.begin(), out.end(), [](const GroupCompliance* x, const GroupCompliance* y) {
    const ComplianceFigures& a = x->figures;
    const ComplianceFigures& b = y->figures;
    const long long da = a.on_time() + a.late() + a.overdue_now();
    const long long db = b.on_time() + b.late() + b.overdue_now();
    if ((da > 0) != (db > 0)) return da > 0;
    if (da > 0) {
      const long long lhs = a.on_time() * db;
      const long long rhs = b.on_time() * da;
      if (lhs != rhs) return lhs > rhs;
    }
    if (a.overdue_now() != b.overdue_now()) return a.overdue_now() < b.overdue_now();
    return x->label < y->label;
  });
  return out;
}

const std::vector<std::pair<std::string, std::string>>& FigureDefinitions() {
  static const std::vector<std::pair<std::string, std::string>> kDefinitions = {
      {"应公开",
       "应公开日期在统计期间内（含起止日）的待公开事项数；已撤销的事项不计入任何数字。"
       "未登记待公开事项而直接发布的信息，按其应公开日期一并计入。"},
      {"按时公开", "应公开事项中，首次发布日期不晚于应公开日期的（应公开日期当天发布为按时）。"},
      {"逾期公开",
       "应公开事项中，首次发布日期晚于应公开日期的（在应公开日期后的休息日发布也算逾期）。"
       "逾期工作日数为应公开日期次日至发布日（含）之间的工作日数，按工作日历计算"
       "（法定节假日和周末不计，调休上班日计入；在休息日发布的至少计1个工作日），列出件数、中位数和最大值。"},
      {"当前逾期未公开",
       "应公开事项中，应公开日期早于今天而至今未发布、也未决定不予公开的；"
       "逾期工作日数计算至今天，列出件数和最大值。"},
      {"待到期", "应公开事项中，尚未发布、应公开日期为今天或以后的。"},
      {"不予公开", "应公开事项中，经审查决定不予公开的（依《政府信息公开条例》第十四、十五、十六条）。"},
      {"期内发布", "首次发布日期在统计期间内的信息数，不论其应公开日期。"},
      {"期末逾期未公开",
       "统计期末（期间尚未结束的，为昨天）已过应公开日期而当时仍未发布的事项数，"
       "包括应公开日期早于统计期间的积压事项；不予公开和已撤销的除外。"},
      {"应公开日期暂定",
       "应公开事项中，应公开日期所在年度的国务院节假日安排尚未发布、按周末推算的，"
       "发布安排后可能变动。"},
      {"按时率",
       "按时公开 ÷（按时公开 + 逾期公开 + 当前逾期未公开）。待到期和不予公开的不计入；"
       "分母为零时不计算。"},
      {"形成至发布用时",
       "已发布的应公开事项，自信息形成或变更之日（第0日）至首次发布日的工作日数，"
       "列出中位数和平均数。"},
      {"中位数", "按大小排列后居中的数；件数为偶数时，取中间两个数的平均值。"},
      {"公开空白",
       "目录中每个责任单位与其负责事项的组合：普通事项在统计期间内没有发布任何信息，即为空白；"
       "按事件发生公开的事项，统计期间内有应公开事项却没有发布才算空白，没有发生事件的不算空白。"},
      {"月度趋势",
       "统计期间覆盖的每个自然月（首尾两月按统计期间截取，今天以后的月份不列）："
       "当月应公开、按时公开、逾期公开的件数，以及月末（当月为昨天）的逾期未公开积压数。"},
      {"排名", "按时率从高到低；按时率相同的，当前逾期未公开件数少的在前；无按时率的列在最后。"},
  };
  return kDefinitions;
}

}  // namespace gongkai
