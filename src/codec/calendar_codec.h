// Reading and writing the working-day calendar (src/core/calendar.h).
//
// Three formats:
//  1. The holiday-cn JSON shape, one notice per file (the format of
//     github.com/NateScarlet/holiday-cn, MIT licence):
//       {"year": 2026, "papers": ["https://www.gov.cn/..."],
//        "days": [{"name": "元旦", "date": "2026-01-01", "isOffDay": true}, ...]}
//     Other members ("$schema", "$id") are ignored.
//  2. A simple CSV an administrator can type, one notice per file, UTF-8 with
//     or without BOM, LF or CRLF, a header row "date,type,name", then one
//     row per date: "2026-10-01,off,国庆节". type is off/休 (day off) or
//     work/班 (makeup working day). Read with csv::Parse (RFC 4180: fields
//     may be double-quoted, "" inside quotes is a quote; blank lines are
//     skipped; invalid UTF-8 is refused); spaces and tabs around each field
//     are then trimmed.
//  3. The project's own data file data/holidays.json, all notices:
//       {"format": "gongkai-calendar", "version": 1,
//        "notices": [{"year": 2018, "source": "<url> [<url>...]",
//                     "days": [{"date": "2018-01-01", "type": "off", "name": "元旦"}]}]}
//
// Every parser returns a notice only if it also passed ValidateNotice, so
// an import either succeeds whole or changes nothing. Errors are
// Error::Invalid with a Chinese message quoting the bad value; CSV errors
// set Error::line (1-based, the header is line 1) and Error::field (column
// name); JSON errors set Error::field to the path, e.g. "days[3].date".
// No function here throws.
//
// data/holidays.json is transcribed from holiday-cn 2018..2026 with one
// deliberate omission: 2020.json lists 2020-02-03 (a Monday, 春节) as
// isOffDay=false, a note that work resumed after the extended 2020 Spring
// Festival; it is a working day anyway and ValidateNotice refuses "makeup"
// entries on Monday-Friday, so it is left out (importing the raw 2020.json
// is refused for that reason).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/calendar.h"
#include "core/error.h"

namespace gongkai {

// Parses one notice in the holiday-cn JSON shape. `papers` become
// CalendarNotice::source joined with single spaces.
[[nodiscard]] Result<CalendarNotice> ParseHolidayCnJson(std::string_view json);

// Serialises a notice to the holiday-cn JSON shape (UTF-8, indented, no
// "$schema"/"$id"). ParseHolidayCnJson(NoticeToHolidayCnJson(n)) == n for
// any valid notice n.
std::string NoticeToHolidayCnJson(const CalendarNotice& notice);

// Parses one notice from CSV (format 2). `year` is the notice's year; 0 means
// "the latest year among the dates" (a notice may start in the previous
// December). `source` is stored as given.
[[nodiscard]] Result<CalendarNotice> ParseNoticeCsv(std::string_view csv, int year = 0, std::string source = {});

// Parses data/holidays.json (format 3): each notice validated, years unique,
// no date in two notices; so WorkingCalendar::Build accepts the result.
[[nodiscard]] Result<std::vector<CalendarNotice>> ParseCalendarFile(std::string_view json);

// Serialises notices to format 3, one day per line, stable for diffs.
// ParseCalendarFile(CalendarFileToJson(v)) == v for valid, year-unique v.
std::string CalendarFileToJson(const std::vector<CalendarNotice>& notices);

// The calendar from the embedded data/holidays.json (FindResource). Parses
// on every call (about a millisecond): keep the result. Error::Internal if
// the file is missing or broken (a build problem, not user input).
[[nodiscard]] Result<WorkingCalendar> LoadOfficialCalendar();

}  // namespace gongkai
