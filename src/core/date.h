// Date: a civil calendar date (proleptic Gregorian, no time, no time zone),
// the unit of every deadline in gongkai. Written as "YYYY-MM-DD" everywhere
// (DOMAIN.md: "Dates are written YYYY-MM-DD").
//
// A Date is a small value type over std::chrono::sys_days: cheap to copy,
// totally ordered, hashable through serial(). It never reads the clock.
#pragma once

#include <chrono>
#include <compare>
#include <string>
#include <string_view>

#include "core/error.h"

namespace gongkai {

class Date {
 public:
  // 1970-01-01. Prefer Parse() or FromYmd(); the default exists so Date can
  // live in structs and containers.
  constexpr Date() = default;
  constexpr explicit Date(std::chrono::sys_days days) : days_(days) {}

  // Strictly parses "YYYY-MM-DD": exactly 10 characters, four-digit year
  // 0001..9999, two-digit month and day, '-' separators, and a real calendar
  // date (no 2026-02-30). No surrounding spaces, no other separators.
  // On failure returns Error::Invalid whose message (Chinese) quotes `text`.
  [[nodiscard]] static Result<Date> Parse(std::string_view text);

  // The date year-month-day, or Error::Invalid if it does not exist.
  [[nodiscard]] static Result<Date> FromYmd(int year, int month, int day);

  // Days since 1970-01-01 (negative before), and back.
  constexpr int serial() const { return static_cast<int>(days_.time_since_epoch().count()); }
  static constexpr Date FromSerial(int serial) { return Date(std::chrono::sys_days(std::chrono::days(serial))); }

  constexpr std::chrono::sys_days sys_days() const { return days_; }
  constexpr std::chrono::year_month_day ymd() const { return std::chrono::year_month_day(days_); }
  constexpr int year() const { return static_cast<int>(ymd().year()); }
  constexpr int month() const { return static_cast<int>(static_cast<unsigned>(ymd().month())); }
  constexpr int day() const { return static_cast<int>(static_cast<unsigned>(ymd().day())); }
  constexpr std::chrono::weekday weekday() const { return std::chrono::weekday(days_); }
  // Saturday or Sunday.
  constexpr bool IsWeekend() const {
    const unsigned wd = weekday().c_encoding();  // 0 = Sunday
    return wd == 0 || wd == 6;
  }

  // `n` calendar days later (earlier when n < 0).
  constexpr Date AddDays(int n) const { return Date(days_ + std::chrono::days(n)); }

  // "2026-09-25". Years outside 0..9999 are printed as they are.
  std::string ToString() const;

  // "星期五".
  std::string WeekdayName() const;

  friend constexpr bool operator==(Date a, Date b) = default;
  friend constexpr auto operator<=>(Date a, Date b) = default;

  // Calendar days from b to a (a - b); negative when a is before b.
  friend constexpr int operator-(Date a, Date b) { return a.serial() - b.serial(); }

 private:
  std::chrono::sys_days days_{};
};

// Makes outside text safe to quote inside a user-facing message: invalid
// UTF-8 becomes U+FFFD, control characters become \xNN, and text longer than
// `max_bytes` is cut at a character boundary and ends in "…". The result is
// always valid UTF-8 (so it can go into JSON). Used by every parser here.
std::string QuoteInput(std::string_view text, std::size_t max_bytes = 40);

}  // namespace gongkai
