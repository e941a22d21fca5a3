// The official working-day calendar (工作日历) of mainland China.
//
// A working day is Monday-Friday, except official holidays (放假), plus the
// weekend days a State Council notice declares makeup working days (调休上班).
// Each year's dates come from that year's notice (《国务院办公厅关于…年部分
// 节假日安排的通知》), published in November or December of the year before;
// a notice may also list dates of the previous December (the 2019 notice made
// 2018-12-29 a working Saturday and 2018-12-30/31 days off).
//
// WorkingCalendar answers every query in O(1) (a few array reads) over the
// covered range kFirstCoveredDate..kLastCoveredDate; explanation helpers
// (NonWorkingDays, Describe*) cost time proportional to what they return.
// A year without a notice is computed with weekends only and is
// "provisional": results that depend on it must say so.
//
// Pure data, no I/O and no clock. The data file and the import formats are
// read by src/codec/calendar_codec.h (LoadOfficialCalendar()). A built
// WorkingCalendar is immutable: concurrent const use is safe; it is a
// value (about 300 KB), cheap to move, and copying it copies the tables.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/error.h"

namespace gongkai {

// One date a notice lists.
struct CalendarDay {
  Date date;
  bool off = true;   // true: a day off (放假); false: a makeup working day (调休上班)
  std::string name;  // the holiday it belongs to, e.g. "国庆节"; never empty

  bool operator==(const CalendarDay&) const = default;
};

// One State Council notice: the dates it lists for `year` (and possibly for
// December of year - 1). Dates it does not list follow the normal week.
struct CalendarNotice {
  int year = 0;        // the year in the notice's title
  std::string source;  // URL(s) of the notice; several are separated by one space
  std::vector<CalendarDay> days;

  bool operator==(const CalendarNotice&) const = default;
};

// Checks one notice on its own. Refused, with a Chinese message naming the
// date (and, when `lines` is given, Error::line = lines[i] of the offending
// days[i]; otherwise Error::field = "days[i]"):
//  - an empty notice (no dates) or a year outside the calendar's coverage;
//  - a source that is not URLs separated by single spaces (no other
//    whitespace or control characters, valid UTF-8, at most 2000 bytes);
//  - a date listed twice;
//  - a date outside the notice's year, except December of the previous year;
//  - a makeup working day (off == false) on Monday-Friday: it is a working
//    day anyway, so the entry is a mistake (e.g. a wrong date);
//  - an empty holiday name, or one longer than 60 bytes or not valid
//    printable UTF-8.
// Allowed: a day off on a Saturday or Sunday (holiday-cn lists the weekend
// days inside a holiday, e.g. 2026-10-03/04 国庆节), and days in any order.
// `lines`, if not empty, must have one entry per day.
[[nodiscard]] Status ValidateNotice(const CalendarNotice& notice, std::span<const int> lines = {});

// A run of consecutive non-working days, for explanations.
struct NonWorkingRange {
  Date first;
  Date last;         // inclusive; first <= last
  std::string name;  // "国庆节", "中秋节、国庆节", or "周末" when no listed holiday is in it

  int days() const { return last - first + 1; }
  bool operator==(const NonWorkingRange&) const = default;
};

class WorkingCalendar {
 public:
  // Range of dates the calendar answers for. Notices must lie inside it.
  static constexpr int kFirstCoveredYear = 1990;
  static constexpr int kLastCoveredYear = 2100;
  static constexpr Date kFirstCoveredDate{std::chrono::sys_days{std::chrono::year{kFirstCoveredYear} / 1 / 1}};
  static constexpr Date kLastCoveredDate{std::chrono::sys_days{std::chrono::year{kLastCoveredYear} / 12 / 31}};

  // A notice for year Y may change dates from this day of December of Y - 1
  // on (the earliest such date 2007-2026 was 12-29; the margin is deliberate).
  // Until the notice for Y is known such dates are provisional too.
  static constexpr int kPreviousDecemberReachDay = 25;

  // A calendar with no notices: weekends only, every date provisional.
  WorkingCalendar();

  // Builds a calendar from notices in any order. Each must pass
  // ValidateNotice; two notices for the same year, or one date listed in two
  // notices, are refused (Error::Conflict naming the year or date).
  [[nodiscard]] static Result<WorkingCalendar> Build(std::vector<CalendarNotice> notices);

  // True for dates inside kFirstCoveredDate..kLastCoveredDate.
  static bool Covers(Date d) { return d >= kFirstCoveredDate && d <= kLastCoveredDate; }

  // Whether d is a working day. Outside the covered range: Monday-Friday.
  bool IsWorkingDay(Date d) const;

  // The first working day strictly after d. Error::Invalid if d or the
  // result is outside the covered range.
  [[nodiscard]] Result<Date> NextWorkingDay(Date d) const;
  // d if it is a working day, else NextWorkingDay(d).
  [[nodiscard]] Result<Date> NextWorkingDayOnOrAfter(Date d) const;
  // d if it is a working day, else the last working day before d.
  [[nodiscard]] Result<Date> PreviousWorkingDayOnOrBefore(Date d) const;

  // The n-th working day after d, d being day 0 whatever kind of day it is:
  // AddWorkingDays(d, 0) == d, AddWorkingDays(d, 1) == NextWorkingDay(d).
  // For n < 0, the |n|-th working day before d. Error::Invalid if d or the
  // result is outside the covered range.
  [[nodiscard]] Result<Date> AddWorkingDays(Date d, int n) const;

  // Number of working days in the half-open interval (a, b]: a is not
  // counted, b is. So WorkingDaysBetween(d, AddWorkingDays(d, n)) == n.
  // If b < a the result is minus the count for (b, a]; 0 when a == b.
  // Error::Invalid if a or b is outside the covered range.
  [[nodiscard]] Result<int> WorkingDaysBetween(Date a, Date b) const;

  // Whether a notice for `year` is in the calendar.
  bool IsOfficialYear(int year) const;
  // Every year that has a notice, ascending.
  std::vector<int> OfficialYears() const;
  // The notices the calendar was built from, sorted by year.
  const std::vector<CalendarNotice>& notices() const { return notices_; }

  // Whether d's status is only an estimate from weekends: d's year has no
  // notice, or d is on/after December kPreviousDecemberReachDay and the next
  // year has no notice, or d is outside the covered range.
  bool IsProvisional(Date d) const;
  // The years whose missing notice makes some date of [a, b] (inclusive,
  // either order) provisional, ascending and unique; empty if none.
  std::vector<int> MissingNoticeYears(Date a, Date b) const;

  // The listed entry for d, or nullptr if no notice lists d. The pointer is
  // valid as long as the calendar.
  const CalendarDay* FindListedDay(Date d) const;

  // Runs of non-working days inside (a, b] (a not included), clipped to
  // that interval, in date order. Named after the listed holiday(s) in the
  // clipped run; a run with none is "周末". Empty if b <= a. Only the part
  // of (a, b] inside the covered range is reported.
  std::vector<NonWorkingRange> NonWorkingDays(Date a, Date b) const;

  // Makeup working days (调休上班, listed with off == false) inside (a, b],
  // in date order. Empty if b <= a.
  std::vector<Date> MakeupWorkingDays(Date a, Date b) const;

  // "2026-10-01（星期四，国庆节放假）", "2026-10-10（星期六，国庆节调休上班）",
  // "2026-10-12（星期一，工作日）", "2026-10-11（星期日，休息日）".
  std::string DescribeDay(Date d) const;

 private:
  int Index(Date d) const { return d - kFirstCoveredDate; }
  void Rebuild();

  std::vector<CalendarNotice> notices_;  // sorted by year
  std::vector<int> official_years_;      // sorted
  // Listed days of every notice, sorted by date (for names and lookups).
  std::vector<CalendarDay> listed_;
  // prefix_[i] = working days in [kFirstCoveredDate, kFirstCoveredDate + i).
  std::vector<std::int32_t> prefix_;
  // working_[k] = index (days since kFirstCoveredDate) of the k-th working day.
  std::vector<std::int32_t> working_;
  // Maximal runs of non-working days as [first, last] indexes, ascending.
  struct Run {
    std::int32_t first;
    std::int32_t last;
  };
  std::vector<Run> runs_;
};

// "2026-10-01至2026-10-07（国庆节，7天）" or "2026-10-11（周末）".
std::string DescribeRange(const NonWorkingRange& range);

}  // namespace gongkai
