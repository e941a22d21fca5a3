#include "core/deadline.h"

#include <fmt/core.h>

#include <algorithm>
#include <utility>

namespace gongkai {
namespace {

constexpr int kMaxDays = 3660;

void MergeYears(std::vector<int>& into, const std::vector<int>& more) {
  into.insert(into.end(), more.begin(), more.end());
  std::sort(into.begin(), into.end());
  into.erase(std::unique(into.begin(), into.end()), into.end());
}

std::string DayWithWeekday(Date d) { return fmt::format("{}（{}）", d.ToString(), d.WeekdayName()); }

std::string JoinRanges(const std::vector<NonWorkingRange>& ranges) {
  std::string out;
  for (const NonWorkingRange& range : ranges) {
    if (!out.empty()) out += "、";
    out += DescribeRange(range);
  }
  return out;
}

// Names of the non-working days in [a, b], e.g. "国庆节" or "周末".
std::string NamesOf(const WorkingCalendar& calendar, Date a, Date b) {
  std::string out;
  for (const NonWorkingRange& range : calendar.NonWorkingDays(a.AddDays(-1), b)) {
    if (out.find(range.name) != std::string::npos) continue;
    if (!out.empty()) out += "、";
    out += range.name;
  }
  return out;
}

// "；2026-10-10（星期六）为调休上班日，计入；" when `days` is not empty,
// else "，": the separator before the next clause.
std::string MakeupNote(const std::vector<Date>& days) {
  if (days.empty()) return "，";
  std::string list;
  for (Date d : days) {
    if (!list.empty()) list += "、";
    list += DayWithWeekday(d);
  }
  return fmt::format("；{}为调休上班日，计入；", list);
}

std::string DaysPhrase(int days, DayKind kind) {
  return kind == DayKind::kWorking ? fmt::format("{}个工作日", days) : fmt::format("{}日", days);
}

}  // namespace

const char* DayKindName(DayKind kind) { return kind == DayKind::kWorking ? "working" : "calendar"; }
const char* DirectionName(Direction direction) { return direction == Direction::kAfter ? "after" : "before"; }
const char* DisplayFromName(DisplayFrom from) { return from == DisplayFrom::kPublication ? "publication" : "event"; }
std::optional<DayKind> ParseDayKind(std::string_view token) {
  if (token == "working") return DayKind::kWorking;
  if (token == "calendar") return DayKind::kCalendar;
  return std::nullopt;
}
std::optional<Direction> ParseDirection(std::string_view token) {
  if (token == "after") return Direction::kAfter;
  if (token == "before") return Direction::kBefore;
  return std::nullopt;
}
std::optional<DisplayFrom> ParseDisplayFrom(std::string_view token) {
  if (token == "publication") return DisplayFrom::kPublication;
  if (token == "event") return DisplayFrom::kEvent;
  return std::nullopt;
}

Status ValidateRule(const DeadlineRule& rule) {
  const std::string who = rule.id.empty() ? std::string("时限规则") : "时限规则“" + QuoteInput(rule.id) + "”";
  auto invalid = [&](std::string field, std::string message) {
    return Unexpected(Error::Invalid(who + "：" + std::move(message), std::move(field)));
  };
  if (rule.id.empty()) return invalid("id", "缺少规则编号");
  for (char c : rule.id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      return invalid("id", "规则编号只能由小写英文字母、数字和“-”组成");
    }
  }
  if (rule.name.empty()) return invalid("name", "缺少规则名称");
  if (rule.start_event.empty()) return invalid("start_event", "缺少起算事件");
  if (rule.days < 0 || rule.days > kMaxDays) {
    return invalid("days", fmt::format("天数{}超出范围（0至{}）", rule.days, kMaxDays));
  }
  if (rule.display_days < 0 || rule.display_days > kMaxDays) {
    return invalid("display_days", fmt::format("公示天数{}超出范围（0至{}）", rule.display_days, kMaxDays));
  }
  if (rule.basis.empty()) return invalid("basis", "缺少法律依据");
  if (rule.text.empty()) return invalid("text", "缺少规则说明");
  return Ok();
}

Status ValidateRules(std::span<const DeadlineRule> rules) {
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (auto status = ValidateRule(rules[i]); !status) return status;
    for (std::size_t j = 0; j < i; ++j) {
      if (rules[j].id == rules[i].id) {
        return Unexpected(Error::Conflict(fmt::format("时限规则编号“{}”重复", QuoteInput(rules[i].id)), "id"));
      }
    }
  }
  return Ok();
}

const DeadlineRule* FindRule(std::span<const DeadlineRule> rules, std::string_view id) {
  for (const DeadlineRule& rule : rules) {
    if (rule.id == id) return &rule;
  }
  return nullptr;
}

std::string ProvisionalNote(std::span<const int> years) {
  if (years.empty()) return {};
  std::string list;
  for (int year : years) {
    if (!list.empty()) list += "、";
    list += fmt::format("{}年", year);
  }
  return fmt::format("（{}放假安排尚未公布，按周末推算，为暂定日期）", list);
}

Result<DisplayPeriod> ComputeDisplayPeriod(const DeadlineRule& rule, const WorkingCalendar& calendar, Date start) {
  if (auto status = ValidateRule(rule); !status) return Unexpected(status.error());
  if (rule.display_days == 0) {
    return Unexpected(Error::Invalid(fmt::format("时限规则“{}”没有公示期要求", QuoteInput(rule.id)), "display_days"));
  }
  DisplayPeriod period;
  period.start = start;
  Date nominal;
  std::string makeup = "，";
  if (rule.display_day_kind == DayKind::kWorking) {
    auto until = calendar.AddWorkingDays(start, rule.display_days);
    if (!until) return Unexpected(until.error());
    period.until = *until;
    nominal = *until;
    period.provisional_years = calendar.MissingNoticeYears(start.AddDays(1), period.until);
    makeup = MakeupNote(calendar.MakeupWorkingDays(start, period.until));
  } else {
    nominal = start.AddDays(rule.display_days);
    auto until = calendar.NextWorkingDayOnOrAfter(nominal);
    if (!until) return Unexpected(until.error());
    period.until = *until;
    period.provisional_years = calendar.MissingNoticeYears(nominal, period.until);
  }
  period.earliest_takedown = period.until.AddDays(1);
  period.provisional = !period.provisional_years.empty();

  const std::string from = rule.display_from == DisplayFrom::kEvent
                               ? fmt::format("自{}{}起", rule.start_event, start.ToString())
                               : fmt::format("自公开之日{}起", start.ToString());
  std::string moved;
  if (nominal != period.until) {
    moved = fmt::format("第{}日{}为非工作日（{}），顺延至{}，", rule.display_days, nominal.ToString(),
                        NamesOf(calendar, nominal, period.until.AddDays(-1)), period.until.ToString());
  }
  period.explanation = fmt::format(
      "公示期不少于{}：{}计算（当日为第0日）{}{}应至少公示至{}（{}，含当日），{}起方可撤下{}。",
      DaysPhrase(rule.display_days, rule.display_day_kind), from, makeup, moved, period.until.ToString(),
      period.until.WeekdayName(), period.earliest_takedown.ToString(), ProvisionalNote(period.provisional_years));
  return period;
}

Result<DeadlineResult> ComputeDeadline(const DeadlineRule& rule, const WorkingCalendar& calendar, Date event) {
  if (auto status = ValidateRule(rule); !status) return Unexpected(status.error());
  if (!WorkingCalendar::Covers(event)) {
    return Unexpected(Error::Invalid(
        fmt::format("日期{}超出工作日历支持的范围（{}至{}）", event.ToString(),
                    WorkingCalendar::kFirstCoveredDate.ToString(), WorkingCalendar::kLastCoveredDate.ToString()),
        "event"));
  }
  DeadlineResult result;
  result.rule = rule;
  result.event = event;
  const int n = rule.days;
  const std::string origin = fmt::format("以{}{}为第0日（当日不计入）", rule.start_event, calendar.DescribeDay(event));
  std::string body;

  if (rule.direction == Direction::kAfter && rule.day_kind == DayKind::kWorking) {
    auto due = calendar.AddWorkingDays(event, n);
    if (!due) return Unexpected(due.error());
    result.due = result.unadjusted_due = *due;
    result.non_working = calendar.NonWorkingDays(event, result.due);
    if (n > 0) result.provisional_years = calendar.MissingNoticeYears(event.AddDays(1), result.due);
    body = fmt::format("{}，往后数{}", origin, DaysPhrase(n, DayKind::kWorking));
    result.makeup_days = calendar.MakeupWorkingDays(event, result.due);
    if (!result.non_working.empty()) body += "，跳过" + JoinRanges(result.non_working);
    body += MakeupNote(result.makeup_days);
    body += fmt::format("最迟应于{}公开", DayWithWeekday(result.due));
  } else if (rule.direction == Direction::kAfter) {
    result.unadjusted_due = event.AddDays(n);
    auto due = calendar.NextWorkingDayOnOrAfter(result.unadjusted_due);
    if (!due) return Unexpected(due.error());
    result.due = *due;
    result.non_working = calendar.NonWorkingDays(event, result.due);
    result.provisional_years = calendar.MissingNoticeYears(result.unadjusted_due, result.due);
    body = fmt::format("{}，第{}日为{}", origin, n, DayWithWeekday(result.unadjusted_due));
    if (result.due != result.unadjusted_due) {
      body += fmt::format("，该日为非工作日（{}），顺延至其后第一个工作日",
                          NamesOf(calendar, result.unadjusted_due, result.due.AddDays(-1)));
    }
    body += fmt::format("，最迟应于{}公开", DayWithWeekday(result.due));
  } else {
    // Direction::kBefore.
    if (rule.day_kind == DayKind::kWorking) {
      auto due = calendar.AddWorkingDays(event, -n);
      if (!due) return Unexpected(due.error());
      result.unadjusted_due = *due;
      result.makeup_days = calendar.MakeupWorkingDays(result.unadjusted_due, event.AddDays(-1));
    } else {
      result.unadjusted_due = event.AddDays(-n);
    }
    auto due = calendar.PreviousWorkingDayOnOrBefore(result.unadjusted_due);
    if (!due) return Unexpected(due.error());
    result.due = *due;
    result.non_working = calendar.NonWorkingDays(result.due.AddDays(-1), event.AddDays(-1));
    // Calendar days: only the move depends on the calendar. Working days:
    // every day counted back from the event does.
    result.provisional_years = rule.day_kind == DayKind::kCalendar
                                   ? calendar.MissingNoticeYears(result.due, result.unadjusted_due)
                                   : calendar.MissingNoticeYears(result.due, n > 0 ? event.AddDays(-1) : event);
    body =
        fmt::format("应在{}{}前至少{}公开，自该日往前数{}为{}", rule.start_event, DayWithWeekday(event),
                    DaysPhrase(n, rule.day_kind), DaysPhrase(n, rule.day_kind), DayWithWeekday(result.unadjusted_due));
    if (result.due != result.unadjusted_due) {
      body += fmt::format("，该日为非工作日（{}），提前至此前最近的工作日",
                          NamesOf(calendar, result.due.AddDays(1), result.unadjusted_due));
    }
    body += MakeupNote(result.makeup_days);
    body += fmt::format("最迟应于{}公开", DayWithWeekday(result.due));
  }
  result.moved = result.due != result.unadjusted_due;
  const std::string note = ProvisionalNote(result.provisional_years);

  if (rule.display_days > 0) {
    const Date start = rule.display_from == DisplayFrom::kEvent ? event : result.due;
    auto display = ComputeDisplayPeriod(rule, calendar, start);
    if (!display) return Unexpected(display.error());
    MergeYears(result.provisional_years, display->provisional_years);
    result.display = std::move(*display);
  }
  result.provisional = !result.provisional_years.empty();

  result.explanation = body + note + "。";
  if (result.display) {
    result.explanation += rule.display_from == DisplayFrom::kEvent ? result.display->explanation
                                                                   : "如于该日公开，" + result.display->explanation;
  }
  return result;
}

}  // namespace gongkai
