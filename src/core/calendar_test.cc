#include "core/calendar.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "codec/calendar_codec.h"

namespace gongkai {
namespace {

Date D(const char* text) {
  auto d = Date::Parse(text);
  EXPECT_TRUE(d.has_value()) << text;
  return d.value_or(Date());
}

CalendarDay Off(const char* date, const char* name) { return CalendarDay{D(date), true, name}; }
CalendarDay Work(const char* date, const char* name) { return CalendarDay{D(date), false, name}; }

const WorkingCalendar& Official() {
  static const WorkingCalendar* calendar = [] {
    auto loaded = LoadOfficialCalendar();
    EXPECT_TRUE(loaded.has_value()) << (loaded ? "" : loaded.error().Describe());
    return new WorkingCalendar(loaded ? std::move(*loaded) : WorkingCalendar());
  }();
  return *calendar;
}

// ---------------------------------------------------------------------------
// Every holiday period 2018-2026, written out from the State Council notices
// (as transcribed by holiday-cn). A period is the whole run of consecutive
// non-working days around the holiday, including weekend days joined to it.
struct HolidayPeriod {
  const char* last_working_before;  // the day before the period
  const char* first_off;
  const char* last_off;
  const char* first_working_after;
  const char* name;  // as NonWorkingDays names the run
  int days;
};

constexpr HolidayPeriod kPeriods[] = {
    {"2017-12-29", "2017-12-30", "2018-01-01", "2018-01-02", "元旦", 3},
    {"2018-02-14", "2018-02-15", "2018-02-21", "2018-02-22", "春节", 7},
    {"2018-04-04", "2018-04-05", "2018-04-07", "2018-04-08", "清明节", 3},
    {"2018-04-28", "2018-04-29", "2018-05-01", "2018-05-02", "劳动节", 3},
    {"2018-06-15", "2018-06-16", "2018-06-18", "2018-06-19", "端午节", 3},
    {"2018-09-21", "2018-09-22", "2018-09-24", "2018-09-25", "中秋节", 3},
    {"2018-09-30", "2018-10-01", "2018-10-07", "2018-10-08", "国庆节", 7},
    {"2018-12-29", "2018-12-30", "2019-01-01", "2019-01-02", "元旦", 3},
    {"2019-02-03", "2019-02-04", "2019-02-10", "2019-02-11", "春节", 7},
    {"2019-04-04", "2019-04-05", "2019-04-07", "2019-04-08", "清明节", 3},
    {"2019-04-30", "2019-05-01", "2019-05-04", "2019-05-05", "劳动节", 4},
    {"2019-06-06", "2019-06-07", "2019-06-09", "2019-06-10", "端午节", 3},
    {"2019-09-12", "2019-09-13", "2019-09-15", "2019-09-16", "中秋节", 3},
    {"2019-09-30", "2019-10-01", "2019-10-07", "2019-10-08", "国庆节", 7},
    {"2019-12-31", "2020-01-01", "2020-01-01", "2020-01-02", "元旦", 1},
    {"2020-01-23", "2020-01-24", "2020-02-02", "2020-02-03", "春节", 10},
    {"2020-04-03", "2020-04-04", "2020-04-06", "2020-04-07", "清明节", 3},
    {"2020-04-30", "2020-05-01", "2020-05-05", "2020-05-06", "劳动节", 5},
    {"2020-06-24", "2020-06-25", "2020-06-27", "2020-06-28", "端午节", 3},
    {"2020-09-30", "2020-10-01", "2020-10-08", "2020-10-09", "国庆节、中秋节", 8},
    {"2020-12-31", "2021-01-01", "2021-01-03", "2021-01-04", "元旦", 3},
    {"2021-02-10", "2021-02-11", "2021-02-17", "2021-02-18", "春节", 7},
    {"2021-04-02", "2021-04-03", "2021-04-05", "2021-04-06", "清明节", 3},
    {"2021-04-30", "2021-05-01", "2021-05-05", "2021-05-06", "劳动节", 5},
    {"2021-06-11", "2021-06-12", "2021-06-14", "2021-06-15", "端午节", 3},
    {"2021-09-18", "2021-09-19", "2021-09-21", "2021-09-22", "中秋节", 3},
    {"2021-09-30", "2021-10-01", "2021-10-07", "2021-10-08", "国庆节", 7},
    {"2021-12-31", "2022-01-01", "2022-01-03", "2022-01-04", "元旦", 3},
    {"2022-01-30", "2022-01-31", "2022-02-06", "2022-02-07", "春节", 7},
    {"2022-04-02", "2022-04-03", "2022-04-05", "2022-04-06", "清明节", 3},
    {"2022-04-29", "2022-04-30", "2022-05-04", "2022-05-05", "劳动节", 5},
    {"2022-06-02", "2022-06-03", "2022-06-05", "2022-06-06", "端午节", 3},
    {"2022-09-09", "2022-09-10", "2022-09-12", "2022-09-13", "中秋节", 3},
    {"2022-09-30", "2022-10-01", "2022-10-07", "2022-10-08", "国庆节", 7},
    {"2022-12-30", "2022-12-31", "2023-01-02", "2023-01-03", "元旦", 3},
    {"2023-01-20", "2023-01-21", "2023-01-27", "2023-01-28", "春节", 7},
    {"2023-04-04", "2023-04-05", "2023-04-05", "2023-04-06", "清明节", 1},
    {"2023-04-28", "2023-04-29", "2023-05-03", "2023-05-04", "劳动节", 5},
    {"2023-06-21", "2023-06-22", "2023-06-24", "2023-06-25", "端午节", 3},
    {"2023-09-28", "2023-09-29", "2023-10-06", "2023-10-07", "中秋节、国庆节", 8},
    {"2023-12-29", "2023-12-30", "2024-01-01", "2024-01-02", "元旦", 3},
    {"2024-02-09", "2024-02-10", "2024-02-17", "2024-02-18", "春节", 8},
    {"2024-04-03", "2024-04-04", "2024-04-06", "2024-04-07", "清明节", 3},
    {"2024-04-30", "2024-05-01", "2024-05-05", "2024-05-06", "劳动节", 5},
    {"2024-06-07", "2024-06-08", "2024-06-10", "2024-06-11", "端午节", 3},
    {"2024-09-14", "2024-09-15", "2024-09-17", "2024-09-18", "中秋节", 3},
    {"2024-09-30", "2024-10-01", "2024-10-07", "2024-10-08", "国庆节", 7},
    {"2024-12-31", "2025-01-01", "2025-01-01", "2025-01-02", "元旦", 1},
    {"2025-01-27", "2025-01-28", "2025-02-04", "2025-02-05", "春节", 8},
    {"2025-04-03", "2025-04-04", "2025-04-06", "2025-04-07", "清明节", 3},
    {"2025-04-30", "2025-05-01", "2025-05-05", "2025-05-06", "劳动节", 5},
    {"2025-05-30", "2025-05-31", "2025-06-02", "2025-06-03", "端午节", 3},
    {"2025-09-30", "2025-10-01", "2025-10-08", "2025-10-09", "国庆节、中秋节", 8},
    {"2025-12-31", "2026-01-01", "2026-01-03", "2026-01-04", "元旦", 3},
    {"2026-02-14", "2026-02-15", "2026-02-23", "2026-02-24", "春节", 9},
    {"2026-04-03", "2026-04-04", "2026-04-06", "2026-04-07", "清明节", 3},
    {"2026-04-30", "2026-05-01", "2026-05-05", "2026-05-06", "劳动节", 5},
    {"2026-06-18", "2026-06-19", "2026-06-21", "2026-06-22", "端午节", 3},
    {"2026-09-24", "2026-09-25", "2026-09-27", "2026-09-28", "中秋节", 3},
    {"2026-09-30", "2026-10-01", "2026-10-07", "2026-10-08", "国庆节", 7},
};

// Every makeup working day (调休上班, always a Saturday or Sunday) 2018-2026.
struct Makeup {
  const char* date;
  const char* name;
};

constexpr Makeup kMakeups[] = {
    {"2018-02-11", "春节"},           {"2018-02-24", "春节"},           {"2018-04-08", "清明节"},
    {"2018-04-28", "劳动节"},         {"2018-09-29", "国庆节"},         {"2018-09-30", "国庆节"},
    {"2018-12-29", "元旦"},           {"2019-02-02", "春节"},           {"2019-02-03", "春节"},
    {"2019-04-28", "劳动节"},         {"2019-05-05", "劳动节"},         {"2019-09-29", "国庆节"},
    {"2019-10-12", "国庆节"},         {"2020-01-19", "春节"},           {"2020-04-26", "劳动节"},
    {"2020-05-09", "劳动节"},         {"2020-06-28", "端午节"},         {"2020-09-27", "国庆节、中秋节"},
    {"2020-10-10", "国庆节、中秋节"}, {"2021-02-07", "春节"},           {"2021-02-20", "春节"},
    {"2021-04-25", "劳动节"},         {"2021-05-08", "劳动节"},         {"2021-09-18", "中秋节"},
    {"2021-09-26", "国庆节"},         {"2021-10-09", "国庆节"},         {"2022-01-29", "春节"},
    {"2022-01-30", "春节"},           {"2022-04-02", "清明节"},         {"2022-04-24", "劳动节"},
    {"2022-05-07", "劳动节"},         {"2022-10-08", "国庆节"},         {"2022-10-09", "国庆节"},
    {"2023-01-28", "春节"},           {"2023-01-29", "春节"},           {"2023-04-23", "劳动节"},
    {"2023-05-06", "劳动节"},         {"2023-06-25", "端午节"},         {"2023-10-07", "中秋节、国庆节"},
    {"2023-10-08", "中秋节、国庆节"}, {"2024-02-04", "春节"},           {"2024-02-18", "春节"},
    {"2024-04-07", "清明节"},         {"2024-04-28", "劳动节"},         {"2024-05-11", "劳动节"},
    {"2024-09-14", "中秋节"},         {"2024-09-29", "国庆节"},         {"2024-10-12", "国庆节"},
    {"2025-01-26", "春节"},           {"2025-02-08", "春节"},           {"2025-04-27", "劳动节"},
    {"2025-09-28", "国庆节、中秋节"}, {"2025-10-11", "国庆节、中秋节"}, {"2026-01-04", "元旦"},
    {"2026-02-14", "春节"},           {"2026-02-28", "春节"},           {"2026-05-09", "劳动节"},
    {"2026-09-20", "国庆节"},         {"2026-10-10", "国庆节"},
};

TEST(OfficialCalendarTest, EveryHolidayPeriod2018To2026) {
  const WorkingCalendar& cal = Official();
  for (const HolidayPeriod& p : kPeriods) {
    SCOPED_TRACE(std::string(p.first_off) + " " + p.name);
    const Date before = D(p.last_working_before);
    const Date first = D(p.first_off);
    const Date last = D(p.last_off);
    const Date after = D(p.first_working_after);
    EXPECT_TRUE(cal.IsWorkingDay(before));
    EXPECT_FALSE(cal.IsWorkingDay(first));
    EXPECT_FALSE(cal.IsWorkingDay(last));
    EXPECT_TRUE(cal.IsWorkingDay(after));
    EXPECT_EQ(last - first + 1, p.days);
    for (Date d = first; d <= last; d = d.AddDays(1)) EXPECT_FALSE(cal.IsWorkingDay(d)) << d.ToString();

    EXPECT_EQ(cal.NextWorkingDay(before), after);
    EXPECT_EQ(cal.AddWorkingDays(before, 1), after);
    EXPECT_EQ(cal.AddWorkingDays(after, -1), before);
    EXPECT_EQ(cal.NextWorkingDay(first), after);
    EXPECT_EQ(cal.NextWorkingDay(last), after);
    EXPECT_EQ(cal.NextWorkingDayOnOrAfter(first), after);
    EXPECT_EQ(cal.NextWorkingDayOnOrAfter(before), before);
    EXPECT_EQ(cal.PreviousWorkingDayOnOrBefore(last), before);
    EXPECT_EQ(cal.WorkingDaysBetween(before, after), 1);
    EXPECT_EQ(cal.WorkingDaysBetween(before, last), 0);
    EXPECT_EQ(cal.WorkingDaysBetween(after, before), -1);
    // Starting on the holiday itself: day 0 is the holiday, day 1 the first day back.
    EXPECT_EQ(cal.AddWorkingDays(first, 1), after);

    const auto ranges = cal.NonWorkingDays(before, after);
    ASSERT_EQ(ranges.size(), 1u);
    EXPECT_EQ(ranges[0], (NonWorkingRange{first, last, p.name}));
  }
}

TEST(OfficialCalendarTest, EveryMakeupWorkingDay2018To2026) {
  const WorkingCalendar& cal = Official();
  int count = 0;
  for (const Makeup& m : kMakeups) {
    SCOPED_TRACE(m.date);
    const Date d = D(m.date);
    EXPECT_TRUE(d.IsWeekend());
    EXPECT_TRUE(cal.IsWorkingDay(d));
    const CalendarDay* listed = cal.FindListedDay(d);
    ASSERT_NE(listed, nullptr);
    EXPECT_FALSE(listed->off);
    EXPECT_EQ(listed->name, m.name);
    EXPECT_EQ(cal.NextWorkingDayOnOrAfter(d), d);
    EXPECT_EQ(cal.WorkingDaysBetween(d.AddDays(-1), d), 1);
    ++count;
  }
  // And no other weekend day 2018-2026 is a working day.
  int weekend_working = 0;
  for (Date d = D("2018-01-01"); d <= D("2026-12-31"); d = d.AddDays(1)) {
    if (d.IsWeekend() && cal.IsWorkingDay(d)) ++weekend_working;
  }
  EXPECT_EQ(weekend_working, count);
  EXPECT_EQ(count, 59);
}

// Facts checked by hand against the notices' text, independent of the tables.
TEST(OfficialCalendarTest, HandCheckedFacts) {
  const WorkingCalendar& cal = Official();
  // The 2019 notice made Saturday 2018-12-29 a working day (元旦 2018-12-30..2019-01-01).
  EXPECT_TRUE(cal.IsWorkingDay(D("2018-12-29")));
  EXPECT_FALSE(cal.IsWorkingDay(D("2018-12-31")));  // a Monday off
  EXPECT_EQ(cal.NextWorkingDay(D("2018-12-28")), D("2018-12-29"));
  EXPECT_EQ(cal.NextWorkingDay(D("2018-12-29")), D("2019-01-02"));
  EXPECT_EQ(cal.DescribeDay(D("2018-12-29")), "2018-12-29（星期六，元旦调休上班）");
  EXPECT_EQ(cal.DescribeDay(D("2018-12-31")), "2018-12-31（星期一，元旦放假）");
  // 国庆节 2026: 10-01..10-07 off, Saturday 10-10 and Sunday 09-20 working.
  for (Date d = D("2026-10-01"); d <= D("2026-10-07"); d = d.AddDays(1)) {
    EXPECT_FALSE(cal.IsWorkingDay(d)) << d.ToString();
  }
  EXPECT_TRUE(cal.IsWorkingDay(D("2026-10-10")));
  EXPECT_FALSE(cal.IsWorkingDay(D("2026-10-11")));
  EXPECT_EQ(cal.DescribeDay(D("2026-10-11")), "2026-10-11（星期日，休息日）");
  EXPECT_EQ(cal.DescribeDay(D("2026-10-12")), "2026-10-12（星期一，工作日）");
  // 中秋节 2026 falls on Friday 09-25.
  EXPECT_FALSE(cal.IsWorkingDay(D("2026-09-25")));
  // 2020: the Spring Festival was extended to 02-02 (second notice of 2020-01-27).
  EXPECT_FALSE(cal.IsWorkingDay(D("2020-01-31")));
  EXPECT_FALSE(cal.IsWorkingDay(D("2020-02-02")));
  EXPECT_TRUE(cal.IsWorkingDay(D("2020-02-03")));
  // 2024 春节 02-10..02-17 with Sundays 02-04 and 02-18 worked.
  EXPECT_EQ(cal.WorkingDaysBetween(D("2024-02-09"), D("2024-02-18")), 1);
  EXPECT_EQ(cal.WorkingDaysBetween(D("2024-02-03"), D("2024-02-04")), 1);
  // 2025 国庆节+中秋节 10-01..10-08, Sunday 09-28 and Saturday 10-11 worked.
  EXPECT_EQ(cal.AddWorkingDays(D("2025-09-26"), 1), D("2025-09-28"));
  EXPECT_EQ(cal.AddWorkingDays(D("2025-09-30"), 1), D("2025-10-09"));
  EXPECT_EQ(cal.AddWorkingDays(D("2025-10-10"), 1), D("2025-10-11"));
  // Whole years: 2019 had 250 working days, 2024 had 251, 2025 had 248.
  EXPECT_EQ(cal.WorkingDaysBetween(D("2018-12-31"), D("2019-12-31")), 250);
  EXPECT_EQ(cal.WorkingDaysBetween(D("2023-12-31"), D("2024-12-31")), 251);
  EXPECT_EQ(cal.WorkingDaysBetween(D("2024-12-31"), D("2025-12-31")), 248);
}

TEST(OfficialCalendarTest, NoticesAndProvisionalYears) {
  const WorkingCalendar& cal = Official();
  EXPECT_EQ(cal.OfficialYears(), (std::vector<int>{2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026}));
  EXPECT_TRUE(cal.IsOfficialYear(2026));
  EXPECT_FALSE(cal.IsOfficialYear(2027));
  EXPECT_FALSE(cal.IsOfficialYear(2017));
  EXPECT_FALSE(cal.IsProvisional(D("2026-06-01")));
  EXPECT_FALSE(cal.IsProvisional(D("2026-12-24")));
  // The 2027 notice may still change the last days of December 2026.
  EXPECT_TRUE(cal.IsProvisional(D("2026-12-25")));
  EXPECT_TRUE(cal.IsProvisional(D("2026-12-31")));
  EXPECT_TRUE(cal.IsProvisional(D("2027-01-04")));
  EXPECT_TRUE(cal.IsProvisional(D("2017-06-01")));
  EXPECT_FALSE(cal.IsProvisional(D("2025-12-31")));  // the 2026 notice is known
  EXPECT_TRUE(cal.MissingNoticeYears(D("2026-01-01"), D("2026-12-24")).empty());
  EXPECT_EQ(cal.MissingNoticeYears(D("2026-12-01"), D("2026-12-28")), std::vector<int>{2027});
  EXPECT_EQ(cal.MissingNoticeYears(D("2027-03-01"), D("2026-12-01")), std::vector<int>{2027});
  EXPECT_EQ(cal.MissingNoticeYears(D("2016-12-30"), D("2018-01-02")), (std::vector<int>{2016, 2017}));
  // A 2027 weekday is computed with weekends only.
  EXPECT_TRUE(cal.IsWorkingDay(D("2027-01-01")));
}

// ---------------------------------------------------------------------------
// Property: the fast queries agree with a plain day-by-day walk over an
// oracle built directly from the notices' entries.
class WalkOracle {
 public:
  explicit WalkOracle(const WorkingCalendar& cal) {
    for (const CalendarNotice& n : cal.notices()) {
      for (const CalendarDay& day : n.days) status_[day.date.serial()] = !day.off;
    }
  }
  bool Working(Date d) const {
    auto it = status_.find(d.serial());
    return it != status_.end() ? it->second : !d.IsWeekend();
  }
  Date Add(Date d, int n) const {
    const int step = n >= 0 ? 1 : -1;
    for (int left = n >= 0 ? n : -n; left > 0;) {
      d = d.AddDays(step);
      if (Working(d)) --left;
    }
    return d;
  }
  int Between(Date a, Date b) const {
    if (b < a) return -Between(b, a);
    int count = 0;
    for (Date d = a.AddDays(1); d <= b; d = d.AddDays(1)) count += Working(d) ? 1 : 0;
    return count;
  }

 private:
  std::map<int, bool> status_;
};

TEST(OfficialCalendarTest, FastQueriesAgreeWithDayByDayWalk) {
  const WorkingCalendar& cal = Official();
  const WalkOracle oracle(cal);
  std::mt19937 rng(20260925);
  const int first = D("2018-01-01").serial();
  const int last = D("2026-12-31").serial();
  std::uniform_int_distribution<int> day(first, last);
  std::uniform_int_distribution<int> count(1, 60);
  for (int i = 0; i < 20000; ++i) {
    const Date d = Date::FromSerial(day(rng));
    const int n = count(rng);
    SCOPED_TRACE(d.ToString() + " n=" + std::to_string(n));
    ASSERT_EQ(cal.IsWorkingDay(d), oracle.Working(d));
    const Date forward = oracle.Add(d, n);
    ASSERT_EQ(cal.AddWorkingDays(d, n), forward);
    ASSERT_EQ(cal.AddWorkingDays(d, -n), oracle.Add(d, -n));
    ASSERT_EQ(cal.WorkingDaysBetween(d, forward), n);
    const Date other = Date::FromSerial(day(rng));
    ASSERT_EQ(cal.WorkingDaysBetween(d, other), oracle.Between(d, other)) << other.ToString();
    ASSERT_EQ(cal.NextWorkingDay(d), oracle.Add(d, 1));
    ASSERT_EQ(cal.NextWorkingDayOnOrAfter(d), oracle.Working(d) ? d : oracle.Add(d, 1));
    ASSERT_EQ(cal.PreviousWorkingDayOnOrBefore(d), oracle.Working(d) ? d : oracle.Add(d, -1));
    // NonWorkingDays covers exactly the non-working days of (d, forward].
    int non_working = 0;
    Date previous_last = d;
    for (const NonWorkingRange& r : cal.NonWorkingDays(d, forward)) {
      ASSERT_GT(r.first, previous_last);
      ASSERT_LE(r.first, r.last);
      ASSERT_TRUE(r.first.AddDays(-1) == d || oracle.Working(r.first.AddDays(-1)));
      ASSERT_TRUE(r.last == forward || oracle.Working(r.last.AddDays(1)));
      for (Date x = r.first; x <= r.last; x = x.AddDays(1)) ASSERT_FALSE(oracle.Working(x));
      non_working += r.days();
      previous_last = r.last;
    }
    ASSERT_EQ(non_working + n, forward - d);
  }
}

// ---------------------------------------------------------------------------
// Calendars built from small hand-made notices.

CalendarNotice TestNotice2027() {
  return CalendarNotice{
      2027, "test", {Off("2027-01-01", "元旦"), Off("2027-01-02", "元旦"), Off("2027-01-03", "元旦")}};
}

TEST(WorkingCalendarTest, EmptyCalendarUsesWeekendsOnly) {
  const WorkingCalendar cal;
  EXPECT_TRUE(cal.OfficialYears().empty());
  EXPECT_TRUE(cal.IsWorkingDay(D("2026-10-01")));  // Thursday, no notice
  EXPECT_FALSE(cal.IsWorkingDay(D("2026-10-03")));
  EXPECT_TRUE(cal.IsProvisional(D("2026-10-01")));
  EXPECT_EQ(cal.AddWorkingDays(D("2026-10-02"), 1), D("2026-10-05"));
  EXPECT_EQ(cal.AddWorkingDays(D("2026-10-02"), 0), D("2026-10-02"));
  EXPECT_EQ(cal.AddWorkingDays(D("2026-10-05"), -1), D("2026-10-02"));
  EXPECT_EQ(cal.AddWorkingDays(D("2026-10-03"), -1), D("2026-10-02"));
  EXPECT_EQ(cal.WorkingDaysBetween(D("2026-10-02"), D("2026-10-02")), 0);
  EXPECT_EQ(cal.WorkingDaysBetween(D("2026-10-03"), D("2026-10-04")), 0);
  EXPECT_EQ(cal.WorkingDaysBetween(D("2026-10-02"), D("2026-10-09")), 5);
  EXPECT_EQ(cal.WorkingDaysBetween(D("2026-10-09"), D("2026-10-02")), -5);
  const auto ranges = cal.NonWorkingDays(D("2026-10-01"), D("2026-10-11"));
  ASSERT_EQ(ranges.size(), 2u);
  EXPECT_EQ(ranges[0], (NonWorkingRange{D("2026-10-03"), D("2026-10-04"), "周末"}));
  EXPECT_EQ(ranges[1], (NonWorkingRange{D("2026-10-10"), D("2026-10-11"), "周末"}));
  EXPECT_EQ(DescribeRange(ranges[0]), "2026-10-03至2026-10-04（周末，2天）");
  // Clipped to the interval; the start itself is excluded.
  EXPECT_EQ(cal.NonWorkingDays(D("2026-10-03"), D("2026-10-10")),
            (std::vector<NonWorkingRange>{{D("2026-10-04"), D("2026-10-04"), "周末"},
                                          {D("2026-10-10"), D("2026-10-10"), "周末"}}));
  EXPECT_EQ(DescribeRange({D("2026-10-04"), D("2026-10-04"), "周末"}), "2026-10-04（周末）");
  EXPECT_TRUE(cal.NonWorkingDays(D("2026-10-11"), D("2026-10-01")).empty());
}

TEST(WorkingCalendarTest, OutOfRangeIsAnError) {
  const WorkingCalendar cal;
  EXPECT_FALSE(cal.AddWorkingDays(D("1989-12-29"), 1).has_value());
  EXPECT_FALSE(cal.AddWorkingDays(D("2100-12-31"), 1).has_value());
  EXPECT_FALSE(cal.AddWorkingDays(D("1990-01-01"), -1).has_value());
  EXPECT_FALSE(cal.WorkingDaysBetween(D("2026-01-01"), D("2101-01-01")).has_value());
  EXPECT_FALSE(cal.NextWorkingDay(D("2101-01-01")).has_value());
  EXPECT_FALSE(cal.PreviousWorkingDayOnOrBefore(D("1989-01-01")).has_value());
  auto huge = cal.AddWorkingDays(D("2026-01-01"), 2'000'000'000);
  ASSERT_FALSE(huge.has_value());
  EXPECT_NE(huge.error().message.find("超出"), std::string::npos);
  EXPECT_EQ(cal.AddWorkingDays(D("2026-01-01"), -2'000'000'000).has_value(), false);
  // Outside the range IsWorkingDay still answers with the normal week.
  EXPECT_TRUE(cal.IsWorkingDay(D("2200-01-01")));  // a Wednesday
  EXPECT_TRUE(cal.IsProvisional(D("2200-01-01")));
  EXPECT_TRUE(cal.NonWorkingDays(D("2101-01-01"), D("2101-02-01")).empty());
}

TEST(WorkingCalendarTest, AddingANoticeChangesTheAnswer) {
  auto with = WorkingCalendar::Build({TestNotice2027()});
  ASSERT_TRUE(with.has_value()) << with.error().Describe();
  EXPECT_TRUE(with->IsOfficialYear(2027));
  EXPECT_FALSE(with->IsWorkingDay(D("2027-01-01")));
  EXPECT_FALSE(with->IsProvisional(D("2027-01-01")));
  EXPECT_TRUE(with->IsProvisional(D("2027-12-31")));  // no 2028 notice
  EXPECT_EQ(with->NextWorkingDay(D("2026-12-31")), D("2027-01-04"));
  const auto ranges = with->NonWorkingDays(D("2026-12-31"), D("2027-01-04"));
  ASSERT_EQ(ranges.size(), 1u);
  EXPECT_EQ(ranges[0].name, "元旦");
  EXPECT_EQ(with->DescribeDay(D("2027-01-01")), "2027-01-01（星期五，元旦放假）");
}

TEST(WorkingCalendarTest, RunNamesJoinDistinctHolidays) {
  auto cal = WorkingCalendar::Build({CalendarNotice{2023,
                                                    "",
                                                    {Off("2023-09-29", "中秋节"), Off("2023-09-30", "中秋节"),
                                                     Off("2023-10-01", "国庆节"), Off("2023-10-02", "国庆节")}}});
  ASSERT_TRUE(cal.has_value());
  const auto ranges = cal->NonWorkingDays(D("2023-09-28"), D("2023-10-03"));
  ASSERT_EQ(ranges.size(), 1u);
  EXPECT_EQ(ranges[0].name, "中秋节、国庆节");
  EXPECT_EQ(ranges[0].days(), 4);
}

TEST(WorkingCalendarTest, BuildRefusesConflicts) {
  // The same year twice.
  auto twice = WorkingCalendar::Build({TestNotice2027(), TestNotice2027()});
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.error().code, ErrorCode::kConflict);
  EXPECT_NE(twice.error().message.find("2027"), std::string::npos);
  // One date in two notices (2027's December entry against the 2028 notice).
  CalendarNotice a{2027, "", {Off("2027-12-31", "元旦")}};
  CalendarNotice b{2028, "", {Off("2027-12-31", "元旦"), Off("2028-01-01", "元旦")}};
  auto both = WorkingCalendar::Build({a, b});
  ASSERT_FALSE(both.has_value());
  EXPECT_NE(both.error().message.find("2027-12-31"), std::string::npos) << both.error().message;
  // An invalid notice names its year.
  auto bad = WorkingCalendar::Build({CalendarNotice{2027, "", {}}});
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message.find("2027年"), std::string::npos);
}

// ---------------------------------------------------------------------------
// ValidateNotice.

TEST(ValidateNoticeTest, AcceptsWeekendDaysOffAndPreviousDecember) {
  CalendarNotice n{
      2019,
      "",
      {Work("2018-12-29", "元旦"), Off("2018-12-30", "元旦"), Off("2018-12-31", "元旦"), Off("2019-01-01", "元旦")}};
  EXPECT_TRUE(ValidateNotice(n).has_value());
}

TEST(ValidateNoticeTest, RefusesBadNotices) {
  struct Case {
    const char* what;
    CalendarNotice notice;
    const char* message_part;  // must appear in the message
    const char* field;
  };
  const Case cases[] = {
      {"empty", {2027, "", {}}, "没有列出任何日期", "days"},
      {"date twice", {2027, "", {Off("2027-01-01", "元旦"), Off("2027-01-01", "元旦")}}, "2027-01-01重复", "days[1]"},
      {"makeup on a weekday", {2027, "", {Work("2027-01-04", "元旦")}}, "2027-01-04是星期一", "days[0]"},
      {"next year's date", {2027, "", {Off("2028-01-01", "元旦")}}, "2028-01-01不属于2027年", "days[0]"},
      {"previous November", {2027, "", {Off("2026-11-30", "元旦")}}, "2026-11-30不属于2027年", "days[0]"},
      {"two years back", {2027, "", {Off("2025-12-31", "元旦")}}, "2025-12-31不属于", "days[0]"},
      {"no name", {2027, "", {Off("2027-01-01", "")}}, "缺少节日名称", "days[0]"},
      {"bad UTF-8 name", {2027, "", {Off("2027-01-01", "\xff")}}, "无效字符", "days[0]"},
      {"year too early", {1900, "", {Off("1900-01-01", "元旦")}}, "超出支持的范围", "year"},
      {"year too late", {2101, "", {Off("2101-01-01", "元旦")}}, "超出支持的范围", "year"},
      {"source with a tab", {2027, "a\tb", {Off("2027-01-01", "元旦")}}, "来源", "source"},
      {"source with two spaces", {2027, "a  b", {Off("2027-01-01", "元旦")}}, "来源", "source"},
      {"source ending in a space", {2027, "a ", {Off("2027-01-01", "元旦")}}, "来源", "source"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    auto status = ValidateNotice(c.notice);
    ASSERT_FALSE(status.has_value());
    EXPECT_EQ(status.error().code, ErrorCode::kInvalidInput);
    EXPECT_NE(status.error().message.find(c.message_part), std::string::npos) << status.error().message;
    EXPECT_EQ(status.error().field, c.field);
  }
}

TEST(ValidateNoticeTest, ReportsSourceLinesWhenGiven) {
  CalendarNotice n{2027, "", {Off("2027-01-01", "元旦"), Work("2027-01-05", "元旦")}};
  const int lines[] = {2, 7};
  auto status = ValidateNotice(n, lines);
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().line, 7);
  EXPECT_EQ(status.error().field, "date");
  // A duplicate names the line of the first occurrence too.
  CalendarNotice dup{2027, "", {Off("2027-01-01", "元旦"), Off("2027-01-01", "元旦")}};
  const int dup_lines[] = {3, 9};
  auto dup_status = ValidateNotice(dup, dup_lines);
  ASSERT_FALSE(dup_status.has_value());
  EXPECT_EQ(dup_status.error().line, 9);
  EXPECT_NE(dup_status.error().message.find("第3行"), std::string::npos);
}

}  // namespace
}  // namespace gongkai
