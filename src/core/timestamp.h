// Timestamps: instants in time as std::chrono::sys_seconds (UTC, whole
// seconds), parsed from and written as ISO 8601 / RFC 3339 text.
//
// Beijing time (China Standard Time) is a fixed UTC+08:00 with no daylight
// saving, so everything here is plain <chrono> calendar arithmetic: no time
// zone database, no clock. Every function is pure and thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/date.h"
#include "core/error.h"

namespace gongkai {

// UTC+08:00, the offset of Beijing time all year round.
inline constexpr std::chrono::seconds kBeijingOffset{8 * 60 * 60};

// The range ParseTimestamp accepts: instants whose UTC and Beijing readings
// both fall in years 0001..9999, i.e. 0001-01-01T00:00:00Z up to and
// including 9999-12-31T15:59:59Z (= 9999-12-31T23:59:59+08:00).
inline constexpr std::chrono::sys_seconds kMinTimestamp{
    std::chrono::sys_days{std::chrono::year{1} / 1 / 1}.time_since_epoch()};
inline constexpr std::chrono::sys_seconds kMaxTimestamp{
    std::chrono::sys_days{std::chrono::year{9999} / 12 / 31}.time_since_epoch() + std::chrono::hours{16} -
    std::chrono::seconds{1}};

// Parses a point in time. Accepted shapes (and nothing else):
//
//   YYYY-MM-DD{T| }HH:MM[:SS][OFFSET]
//
// where OFFSET is "Z" or "+HH:MM" / "-HH:MM" (hours 00..23, minutes 00..59),
// so the strict ISO 8601 form "2018-07-13T09:30:00Z" or
// "2018-07-13T17:30:00+08:00", and the form people type,
// "2018-07-13 17:30" or "2018-07-13T17:30".
//
// Without OFFSET the text is read as Beijing time (+08:00): "2018-07-13 17:30"
// is 2018-07-13T09:30:00Z.
//
// Refused: other separators or widths, lower-case 't'/'z', fractional
// seconds, surrounding spaces, leap seconds (:60), 24:00, dates that do not
// exist (2018-02-30), years outside 0001..9999 and instants outside
// [kMinTimestamp, kMaxTimestamp]. On failure returns Error::Invalid whose
// message (Simplified Chinese) names `field` and quotes `text`, e.g.
// "发布时间“2018-02-30 10:00”中的日期不存在…" for the Chinese label "发布时间",
// "时间（deadline）“…”…" for the identifier "deadline", "时间“…”…" for an
// empty field; Error::field is `field`.
[[nodiscard]] Result<std::chrono::sys_seconds> ParseTimestamp(std::string_view text, std::string_view field);

// "2018-07-13T09:30:00Z". For t outside [kMinTimestamp, kMaxTimestamp] the
// year is printed as it is (it may have fewer or more than four digits).
[[nodiscard]] std::string FormatUtc(std::chrono::sys_seconds t);

// Beijing wall-clock time to the minute, for people: "2018-07-13 17:30".
// Seconds are dropped (truncated, not rounded).
[[nodiscard]] std::string FormatBeijing(std::chrono::sys_seconds t);

// Beijing time with offset, for machines: "2018-07-13T17:30:00+08:00".
[[nodiscard]] std::string FormatBeijingIso(std::chrono::sys_seconds t);

// The calendar date in Beijing at instant t (2018-07-13T16:00:00Z is
// already 2018-07-14 in Beijing).
[[nodiscard]] Date BeijingDate(std::chrono::sys_seconds t);

}  // namespace gongkai
