#include "core/calendar.h"

#include <fmt/core.h>

#include <algorithm>
#include <cstddef>
#include <utility>

namespace gongkai {
namespace {

constexpr std::size_t kMaxNameBytes = 60;  // 20 Chinese characters
constexpr std::size_t kMaxSourceBytes = 2000;

Error DayError(std::string message, std::span<const int> lines, std::size_t index) {
  if (!lines.empty()) return Error::Invalid(std::move(message), "date", lines[index]);
  return Error::Invalid(std::move(message), fmt::format("days[{}]", index));
}

std::string OutOfRange(Date d) {
  return fmt::format("日期{}超出工作日历支持的范围（{}至{}）", d.ToString(),
                     WorkingCalendar::kFirstCoveredDate.ToString(), WorkingCalendar::kLastCoveredDate.ToString());
}

}  // namespace

Status ValidateNotice(const CalendarNotice& notice, std::span<const int> lines) {
  if (!lines.empty() && lines.size() != notice.days.size()) {
    return Unexpected(Error::Internal("ValidateNotice: lines.size() != days.size()"));
  }
  if (notice.year < WorkingCalendar::kFirstCoveredYear || notice.year > WorkingCalendar::kLastCoveredYear) {
    return Unexpected(Error::Invalid(fmt::format("放假安排的年份{}超出支持的范围（{}至{}年）", notice.year,
                                                 WorkingCalendar::kFirstCoveredYear, WorkingCalendar::kLastCoveredYear),
                                     "year"));
  }
  if (notice.source.size() > kMaxSourceBytes) {
    return Unexpected(Error::Invalid("放假安排的来源地址过长", "source"));
  }
  const bool source_ok = QuoteInput(notice.source, notice.source.size() + 1) == notice.source &&
                         !notice.source.starts_with(' ') && !notice.source.ends_with(' ') &&
                         notice.source.find("  ") == std::string::npos;
  if (!source_ok) {
    return Unexpected(Error::Invalid(
        fmt::format("放假安排的来源“{}”格式不正确：应为以单个空格分隔的网址", QuoteInput(notice.source)), "source"));
  }
  if (notice.days.empty()) {
    return Unexpected(Error::Invalid(fmt::format("{}年放假安排没有列出任何日期", notice.year), "days"));
  }
  // Index order by date, to find duplicates without quadratic work.
  std::vector<std::size_t> order(notice.days.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return notice.days[a].date < notice.days[b].date; });

  // Report the first problem in input order, so a user fixes top to bottom.
  for (std::size_t i = 0; i < notice.days.size(); ++i) {
    const CalendarDay& day = notice.days[i];
    const std::string date = day.date.ToString();
    const bool previous_december = day.date.year() == notice.year - 1 && day.date.month() == 12;
    if (day.date.year() != notice.year && !previous_december) {
      return Unexpected(DayError(fmt::format("日期{}不属于{}年放假安排（只能是{}年的日期或{}年12月的日期）", date,
                                             notice.year, notice.year, notice.year - 1),
                                 lines, i));
    }
    if (!WorkingCalendar::Covers(day.date)) {
      return Unexpected(DayError(OutOfRange(day.date), lines, i));
    }
    auto pos = std::lower_bound(order.begin(), order.end(), i, [&](std::size_t a, std::size_t b) {
      return notice.days[a].date < notice.days[b].date;
    });
    // `pos` is the first entry with this date; a later twin is a duplicate.
    if (*pos != i) {
      const std::size_t first = *pos;
      const std::string where = lines.empty() ? fmt::format("第{}项", first + 1) : fmt::format("第{}行", lines[first]);
      return Unexpected(DayError(fmt::format("日期{}重复出现（{}已列出）", date, where), lines, i));
    }
    if (!day.off && !day.date.IsWeekend()) {
      return Unexpected(DayError(
          fmt::format("日期{}是{}，本来就是工作日，不能列为调休上班日", date, day.date.WeekdayName()), lines, i));
    }
    if (day.name.empty()) {
      return Unexpected(DayError(fmt::format("日期{}缺少节日名称", date), lines, i));
    }
    if (day.name.size() > kMaxNameBytes) {
      return Unexpected(DayError(fmt::format("日期{}的节日名称“{}”过长", date, QuoteInput(day.name)), lines, i));
    }
    // QuoteInput leaves valid, printable UTF-8 unchanged.
    if (QuoteInput(day.name, day.name.size() + 1) != day.name) {
      return Unexpected(
          DayError(fmt::format("日期{}的节日名称“{}”含有无效字符", date, QuoteInput(day.name)), lines, i));
    }
  }
  return Ok();
}

WorkingCalendar::WorkingCalendar() { Rebuild(); }

Result<WorkingCalendar> WorkingCalendar::Build(std::vector<CalendarNotice> notices) {
  for (const CalendarNotice& notice : notices) {
    if (auto status = ValidateNotice(notice); !status) {
      Error error = std::move(status.error());
      error.message = fmt::format("{}年放假安排：{}", notice.year, error.message);
      return Unexpected(std::move(error));
    }
  }
  std::stable_sort(notices.begin(), notices.end(),
                   [](const CalendarNotice& a, const CalendarNotice& b) { return a.year < b.year; });
  for (std::size_t i = 1; i < notices.size(); ++i) {
    if (notices[i].year == notices[i - 1].year) {
      return Unexpected(Error::Conflict(fmt::format("{}年放假安排出现了两次", notices[i].year), "year"));
    }
  }
  // Every listed day with the year of its notice, to find cross-notice twins.
  std::vector<std::pair<CalendarDay, int>> all;
  for (const CalendarNotice& notice : notices) {
    for (const CalendarDay& day : notice.days) all.emplace_back(day, notice.year);
  }
  std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first.date < b.first.date; });
  for (std::size_t i = 1; i < all.size(); ++i) {
    if (all[i].first.date == all[i - 1].first.date) {
      return Unexpected(Error::Conflict(fmt::format("日期{}同时出现在{}年和{}年的放假安排中",
                                                    all[i].first.date.ToString(), all[i - 1].second, all[i].second),
                                        "date"));
    }
  }

  WorkingCalendar calendar;
  calendar.notices_ = std::move(notices);
  calendar.official_years_.clear();
  for (const CalendarNotice& notice : calendar.notices_) {
    calendar.official_years_.push_back(notice.year);
  }
  calendar.listed_.clear();
  calendar.listed_.reserve(all.size());
  for (auto& entry : all) calendar.listed_.push_back(std::move(entry.first));
  calendar.Rebuild();
  return calendar;
}

void WorkingCalendar::Rebuild() {
  const int size = Index(kLastCoveredDate) + 1;
  std::vector<char> working(static_cast<std::size_t>(size));
  for (int i = 0; i < size; ++i) {
    working[static_cast<std::size_t>(i)] = kFirstCoveredDate.AddDays(i).IsWeekend() ? 0 : 1;
  }
  for (const CalendarDay& day : listed_) {
    working[static_cast<std::size_t>(Index(day.date))] = day.off ? 0 : 1;
  }
  prefix_.assign(static_cast<std::size_t>(size) + 1, 0);
  working_.clear();
  runs_.clear();
  for (int i = 0; i < size; ++i) {
    const bool is_working = working[static_cast<std::size_t>(i)] != 0;
    prefix_[static_cast<std::size_t>(i) + 1] = prefix_[static_cast<std::size_t>(i)] + (is_working ? 1 : 0);
    if (is_working) {
      working_.push_back(i);
    } else if (!runs_.empty() && runs_.back().last == i - 1) {
      runs_.back().last = i;
    } else {
      runs_.push_back(Run{i, i});
    }
  }
}

bool WorkingCalendar::IsWorkingDay(Date d) const {
  if (!Covers(d)) return !d.IsWeekend();
  const auto i = static_cast<std::size_t>(Index(d));
  return prefix_[i + 1] != prefix_[i];
}

Result<Date> WorkingCalendar::AddWorkingDays(Date d, int n) const {
  if (!Covers(d)) return Unexpected(Error::Invalid(OutOfRange(d)));
  if (n == 0) return d;
  const auto i = static_cast<std::size_t>(Index(d));
  // k: position in working_ of the answer.
  const std::int64_t k = n > 0 ? std::int64_t{prefix_[i + 1]} + n - 1 : std::int64_t{prefix_[i]} + n;
  if (k < 0 || k >= static_cast<std::int64_t>(working_.size())) {
    return Unexpected(Error::Invalid(fmt::format("从{}起{}{}个工作日超出工作日历支持的范围（{}至{}）", d.ToString(),
                                                 n > 0 ? "往后" : "往前", n > 0 ? std::int64_t{n} : -std::int64_t{n},
                                                 kFirstCoveredDate.ToString(), kLastCoveredDate.ToString())));
  }
  return kFirstCoveredDate.AddDays(working_[static_cast<std::size_t>(k)]);
}

Result<Date> WorkingCalendar::NextWorkingDay(Date d) const { return AddWorkingDays(d, 1); }

Result<Date> WorkingCalendar::NextWorkingDayOnOrAfter(Date d) const {
  if (!Covers(d)) return Unexpected(Error::Invalid(OutOfRange(d)));
  if (IsWorkingDay(d)) return d;
  return AddWorkingDays(d, 1);
}

Result<Date> WorkingCalendar::PreviousWorkingDayOnOrBefore(Date d) const {
  if (!Covers(d)) return Unexpected(Error::Invalid(OutOfRange(d)));
  if (IsWorkingDay(d)) return d;
  return AddWorkingDays(d, -1);
}

Result<int> WorkingCalendar::WorkingDaysBetween(Date a, Date b) const {
  if (!Covers(a)) return Unexpected(Error::Invalid(OutOfRange(a)));
  if (!Covers(b)) return Unexpected(Error::Invalid(OutOfRange(b)));
  return prefix_[static_cast<std::size_t>(Index(b)) + 1] - prefix_[static_cast<std::size_t>(Index(a)) + 1];
}

bool WorkingCalendar::IsOfficialYear(int year) const {
  return std::binary_search(official_years_.begin(), official_years_.end(), year);
}

std::vector<int> WorkingCalendar::OfficialYears() const { return official_years_; }

bool WorkingCalendar::IsProvisional(Date d) const {
  if (!Covers(d)) return true;
  if (!IsOfficialYear(d.year())) return true;
  return d.month() == 12 && d.day() >= kPreviousDecemberReachDay && !IsOfficialYear(d.year() + 1);
}

std::vector<int> WorkingCalendar::MissingNoticeYears(Date a, Date b) const {
  if (b < a) std::swap(a, b);
  std::vector<int> years;
  for (int y = a.year(); y <= b.year(); ++y) {
    if (!IsOfficialYear(y)) years.push_back(y);
    // The tail of December y, which the notice for y + 1 may change.
    const Date reach =
        Date(std::chrono::sys_days{std::chrono::year{y} / 12 / static_cast<unsigned>(kPreviousDecemberReachDay)});
    if (b >= reach && !IsOfficialYear(y + 1)) years.push_back(y + 1);
  }
  std::sort(years.begin(), years.end());
  years.erase(std::unique(years.begin(), years.end()), years.end());
  return years;
}

const CalendarDay* WorkingCalendar::FindListedDay(Date d) const {
  auto it = std::lower_bound(listed_.begin(), listed_.end(), d,
                             [](const CalendarDay& day, Date value) { return day.date < value; });
  if (it == listed_.end() || it->date != d) return nullptr;
  return &*it;
}

std::vector<NonWorkingRange> WorkingCalendar::NonWorkingDays(Date a, Date b) const {
  std::vector<NonWorkingRange> out;
  if (b <= a) return out;
  // Clip (a, b] to the covered range, as indexes [lo, hi].
  const int lo = std::max(Index(a) + 1, 0);
  const int hi = std::min(Index(b), Index(kLastCoveredDate));
  if (lo > hi) return out;
  auto it =
      std::lower_bound(runs_.begin(), runs_.end(), lo, [](const Run& run, int value) { return run.last < value; });
  for (; it != runs_.end() && it->first <= hi; ++it) {
    const Date first = kFirstCoveredDate.AddDays(std::max(it->first, lo));
    const Date last = kFirstCoveredDate.AddDays(std::min(it->last, hi));
    std::vector<std::string> names;
    auto day = std::lower_bound(listed_.begin(), listed_.end(), first,
                                [](const CalendarDay& d, Date value) { return d.date < value; });
    for (; day != listed_.end() && day->date <= last; ++day) {
      if (std::find(names.begin(), names.end(), day->name) == names.end()) {
        names.push_back(day->name);
      }
    }
    std::string name;
    for (const std::string& n : names) {
      if (!name.empty()) name += "、";
      name += n;
    }
    out.push_back(NonWorkingRange{first, last, name.empty() ? std::string("周末") : name});
  }
  return out;
}

std::vector<Date> WorkingCalendar::MakeupWorkingDays(Date a, Date b) const {
  std::vector<Date> out;
  if (b <= a) return out;
  auto it = std::upper_bound(listed_.begin(), listed_.end(), a,
                             [](Date value, const CalendarDay& day) { return value < day.date; });
  for (; it != listed_.end() && it->date <= b; ++it) {
    if (!it->off) out.push_back(it->date);
  }
  return out;
}

std::string WorkingCalendar::DescribeDay(Date d) const {
  std::string kind;
  if (const CalendarDay* listed = FindListedDay(d)) {
    kind = listed->name + (listed->off ? "放假" : "调休上班");
  } else {
    kind = IsWorkingDay(d) ? "工作日" : "休息日";
  }
  return fmt::format("{}（{}，{}）", d.ToString(), d.WeekdayName(), kind);
}

std::string DescribeRange(const NonWorkingRange& range) {
  if (range.first == range.last) {
    return fmt::format("{}（{}）", range.first.ToString(), range.name);
  }
  return fmt::format("{}至{}（{}，{}天）", range.first.ToString(), range.last.ToString(), range.name, range.days());
}

}  // namespace gongkai
