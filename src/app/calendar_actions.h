// Use cases on the working-day calendar and deadlines, shared by the CLI,
// the pages and the API.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/calendar.h"
#include "core/catalog.h"
#include "core/deadline.h"
#include "core/error.h"
#include "core/store.h"

namespace gongkai {

// The calendar in force: the newest stored version or, when the database
// has none, the official calendar built into the binary (version 0).
struct CalendarInForce {
  WorkingCalendar calendar;
  std::int64_t version = 0;
  std::string note;
  std::string created_at;
};
// Cached per process by version id (stored versions never change).
[[nodiscard]] Result<CalendarInForce> CurrentCalendar(Store& store);
// The same without the cache: always reads and builds.
[[nodiscard]] Result<CalendarInForce> LoadCurrentCalendar(Store& store);

// Stores the built-in official calendar (2018-2026) as the first version if
// the database has no calendar yet. Idempotent.
[[nodiscard]] Result<CalendarInForce> EnsureCalendar(Store& store);

enum class NoticeFormat { kJson, kCsv };
// From a file name: ".csv" -> CSV, anything else JSON.
NoticeFormat NoticeFormatFromFileName(std::string_view file_name);

struct CalendarImportResult {
  bool changed = false;        // false: identical to the notice in force; nothing stored
  int year = 0;                // the notice's year
  std::int64_t version = 0;    // the calendar version in force afterwards
  std::vector<DeadlineChange> changes;  // tracked deadlines that moved
  int recomputed = 0;          // open deadlines recomputed
};

// Imports one year's State Council notice (holiday-cn JSON or CSV). If
// `expected_year` is not 0 the notice must be for that year. Validates the
// notice on its own and against the calendar in force (a date listed in two
// notices is refused); on any error nothing changes. A notice identical to
// the one in force changes nothing. Otherwise a new calendar version
// replaces that year's notice, and every open tracked deadline is
// recomputed with it; each that moved is logged (old -> new).
[[nodiscard]] Result<CalendarImportResult> ImportCalendarNotice(Store& store, std::string_view bytes,
                                                                NoticeFormat format, int expected_year,
                                                                const std::string& source_name);

// Recomputes every open tracked deadline computed with an older calendar
// version than the one in force. Idempotent; returns the changes made.
[[nodiscard]] Result<std::vector<DeadlineChange>> RecomputeDeadlines(Store& store, int* recomputed = nullptr);

// What to compute a deadline for: an item (and optionally one of its
// elements), or a rule by id.
struct DeadlineQuery {
  Date from;             // the date formed/changed, or the event date (day 0)
  int item = 0;          // 0 when `rule_id` is given
  std::string element;   // optional, with `item`
  std::string rule_id;   // optional instead of item/element
};

// The rule governing an element: its statutory rule if the catalogue names
// one, else the item's default (the seed's 20 working days, or the item's
// own working_days). Errors name the unknown item, element or rule.
[[nodiscard]] Result<DeadlineRule> RuleFor(const Catalog& catalog, std::span<const DeadlineRule> rules,
                                           int item, std::string_view element);

[[nodiscard]] Result<DeadlineResult> ExplainDeadline(const WorkingCalendar& calendar,
                                                     std::span<const DeadlineRule> rules,
                                                     const Catalog& catalog, const DeadlineQuery& query);

// Computes and stores a deadline that will follow calendar changes.
[[nodiscard]] Result<TrackedDeadline> TrackDeadline(Store& store, const Site& site, const Catalog& catalog,
                                                    std::span<const DeadlineRule> rules, const DeadlineQuery& query,
                                                    const std::string& subject);

}  // namespace gongkai
