// Deadline rules (公开时限) and the deadline engine.
//
// A rule says when information must be published relative to an event and,
// for notices with a minimum display period (公示期), how long it must stay
// shown. The default rule is Art. 26 of the 政府信息公开条例: within 20
// working days after the information is formed or changed; statutory rules
// override it (data/deadline-rules.json, read by src/codec/rules_codec.h).
//
// Counting conventions (the same as 民法典 Art. 201-203 for periods in days):
//  - The event date is day 0 and never counts; the deadline is the N-th
//    (working or calendar) day after it, inclusive: publishing on the due
//    date is in time.
//  - Working days: the official calendar (WorkingCalendar).
//  - Calendar days: the N-th calendar day after the event; if it is not a
//    working day the deadline moves to the next working day (顺延).
//  - "before" rules (publish at least N days before the event, e.g. a land
//    auction): the latest publication date is the event minus N calendar days
//    (or the N-th working day before it for working-day rules). If that date
//    is not a working day it moves to the previous working day (提前), the
//    only direction that still keeps the full N days.
//  - Display periods (公示期 >= M days) count from their start date as day 0
//    (the publication date, or the event date for rules whose display is
//    counted from the event); the last day the notice must still be shown is
//    the M-th day after it, moved to the next working day for calendar days
//    (extending, never shortening, the display). It may be taken down from
//    the next calendar day on.
//  - Rules that only fix a display period take the default 20 working days
//    as their publication deadline; the data states this explicitly.
//
// Pure functions of (rule, calendar, dates); no I/O, no clock.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/calendar.h"
#include "core/date.h"
#include "core/error.h"

namespace gongkai {

enum class DayKind {
  kWorking,   // 工作日, "working"
  kCalendar,  // 自然日, "calendar"
};

enum class Direction {
  kAfter,   // publish within N days after the event, "after"
  kBefore,  // publish at least N days before the event, "before"
};

enum class DisplayFrom {
  kPublication,  // the display period starts on the publication date, "publication"
  kEvent,        // it starts on the event date (e.g. a listing period), "event"
};

// The stable English tokens used in data files and APIs, and back.
const char* DayKindName(DayKind kind);           // "working" / "calendar"
const char* DirectionName(Direction direction);  // "after" / "before"
const char* DisplayFromName(DisplayFrom from);   // "publication" / "event"
std::optional<DayKind> ParseDayKind(std::string_view token);
std::optional<Direction> ParseDirection(std::string_view token);
std::optional<DisplayFrom> ParseDisplayFrom(std::string_view token);

// Id of the default rule (政府信息公开条例第二十六条).
inline constexpr std::string_view kDefaultRuleId = "default-20-working-days";

struct DeadlineRule {
  std::string id;           // stable, [a-z0-9-]+, e.g. "procurement-result"
  std::string name;         // Chinese, e.g. "政府采购中标、成交结果公告"
  std::string start_event;  // Chinese description of the event counted from
  int days = 20;            // N, 0..3660
  DayKind day_kind = DayKind::kWorking;
  Direction direction = Direction::kAfter;
  int display_days = 0;  // minimum display period M; 0 = none
  DayKind display_day_kind = DayKind::kCalendar;
  DisplayFrom display_from = DisplayFrom::kPublication;
  std::string basis;   // legal basis, quoted or paraphrased
  std::string text;    // the rule in plain Chinese, shown to users
  bool check = false;  // DOMAIN.md marks the rule "(check)": to be confirmed locally

  bool operator==(const DeadlineRule&) const = default;
};

// Checks one rule: id non-empty of [a-z0-9-]; name, start_event, basis and
// text non-empty; days and display_days within 0..3660. Error::Invalid names
// the field (and the rule id).
[[nodiscard]] Status ValidateRule(const DeadlineRule& rule);

// Each rule valid and ids unique (Error::Conflict on a repeated id).
[[nodiscard]] Status ValidateRules(std::span<const DeadlineRule> rules);

// The rule with `id`, or nullptr. The pointer points into `rules`.
const DeadlineRule* FindRule(std::span<const DeadlineRule> rules, std::string_view id);

// The minimum display period for a notice (公示期).
struct DisplayPeriod {
  Date start;              // day 0: the publication (or event) date
  Date until;              // last day it must still be shown, inclusive
  Date earliest_takedown;  // until + 1 calendar day
  bool provisional = false;
  std::vector<int> provisional_years;  // years without a notice it depended on
  std::string explanation;             // one Chinese sentence
};

struct DeadlineResult {
  DeadlineRule rule;
  Date event;  // day 0
  // after: the last day to publish, inclusive. before: the latest day the
  // publication may happen and still precede the event by the full period.
  Date due;
  // The date before moving off a non-working day (calendar-day and "before"
  // rules); equals `due` when nothing moved or for working-day "after" rules.
  Date unadjusted_due;
  bool moved = false;  // due != unadjusted_due
  // True if any date the result depends on is provisional (its year, or the
  // late December reached by the next year's notice, has no notice yet).
  bool provisional = false;
  std::vector<int> provisional_years;  // those years, ascending
  // Non-working runs between the event and the due date, exclusive of the
  // event: (event, due] for "after", [due, event) for "before". For
  // working-day rules these are the days skipped; for calendar-day rules
  // they are counted, except any after the nominal date, which moved it.
  std::vector<NonWorkingRange> non_working;
  // Weekend days worked (调休上班) that a working-day count went through,
  // in the same interval; always empty for calendar-day rules.
  std::vector<Date> makeup_days;
  // Present when the rule has a display period. Assumes publication on the
  // due date (the latest allowed); for the real publication date call
  // ComputeDisplayPeriod. For DisplayFrom::kEvent it starts at the event.
  std::optional<DisplayPeriod> display;
  // The whole computation in one Chinese paragraph, e.g.
  // "以政府信息形成或者变更之日2026-09-25（星期五，中秋节放假）为第0日（当日不计入），
  // 往后数20个工作日，跳过2026-09-26至2026-09-27（中秋节，2天）、…；2026-10-10（星期六）
  // 为调休上班日，计入；最迟应于2026-10-29（星期四）公开。" followed, when provisional, by
  // ProvisionalNote(...) before the "。", and by the display period's explanation.
  std::string explanation;
};

// Computes the deadline for an event under `rule`. Errors: the rule is
// invalid (ValidateRule), or a date needed lies outside the calendar's
// covered range (Error::Invalid naming it).
[[nodiscard]] Result<DeadlineResult> ComputeDeadline(const DeadlineRule& rule, const WorkingCalendar& calendar,
                                                     Date event);

// The display period of a notice published (or, for DisplayFrom::kEvent,
// whose event happens) on `start`. Error::Invalid if the rule has no
// display period or a date is outside the calendar's range.
[[nodiscard]] Result<DisplayPeriod> ComputeDisplayPeriod(const DeadlineRule& rule, const WorkingCalendar& calendar,
                                                         Date start);

// "（2027年放假安排尚未公布，按周末推算，为暂定日期）" for years {2027}; empty
// for none.
std::string ProvisionalNote(std::span<const int> years);

}  // namespace gongkai
