#include "core/timestamp.h"

#include <fmt/core.h>

namespace gongkai {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::sys_seconds;

constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly two digits at text[pos]; false if they are not both there.
bool TwoDigits(std::string_view text, std::size_t pos, int* out) {
  if (pos + 2 > text.size() || !IsDigit(text[pos]) || !IsDigit(text[pos + 1])) return false;
  *out = (text[pos] - '0') * 10 + (text[pos + 1] - '0');
  return true;
}

// How a message names the input: a Chinese label ("发布时间") is the subject
// itself; an ASCII identifier ("deadline") follows the generic noun in
// parentheses ("时间（deadline）"); no field gives the noun alone.
std::string FieldSubject(std::string_view noun, std::string_view field) {
  if (field.empty()) return std::string(noun);
  for (const char c : field) {
    if (static_cast<unsigned char>(c) >= 0x80) return std::string(field);
  }
  return fmt::format("{}（{}）", noun, field);
}

// "发布时间“2018-02-30 10:00”", "时间（deadline）“…”".
std::string Subject(std::string_view text, std::string_view field) {
  return fmt::format("{}“{}”", FieldSubject("时间", field), QuoteInput(text));
}

Error Invalid(std::string_view text, std::string_view field, std::string_view reason) {
  return Error::Invalid(fmt::format("{}{}", Subject(text, field), reason), std::string(field));
}

constexpr std::string_view kShapeHint =
    "格式不正确，应为“2018-07-13 17:30”（北京时间）或“2018-07-13T09:30:00Z”、“2018-07-13T17:30:00+08:00”";

struct Civil {
  int year, month, day, hour, minute, second;
};

Civil ToCivil(sys_seconds t) {
  const sys_days day = std::chrono::floor<days>(t);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss<seconds> hms{t - day};
  return Civil{static_cast<int>(ymd.year()),
               static_cast<int>(static_cast<unsigned>(ymd.month())),
               static_cast<int>(static_cast<unsigned>(ymd.day())),
               static_cast<int>(hms.hours().count()),
               static_cast<int>(hms.minutes().count()),
               static_cast<int>(hms.seconds().count())};
}

}  // namespace

Result<sys_seconds> ParseTimestamp(std::string_view text, std::string_view field) {
  // Fixed part: "YYYY-MM-DD?HH:MM" (16 characters).
  int y_hi = 0, y_lo = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  const bool head_ok = text.size() >= 16 && TwoDigits(text, 0, &y_hi) && TwoDigits(text, 2, &y_lo) && text[4] == '-' &&
                       TwoDigits(text, 5, &month) && text[7] == '-' && TwoDigits(text, 8, &day) &&
                       (text[10] == 'T' || text[10] == ' ') && TwoDigits(text, 11, &hour) && text[13] == ':' &&
                       TwoDigits(text, 14, &minute);
  if (!head_ok) return Unexpected(Invalid(text, field, kShapeHint));
  std::size_t pos = 16;
  if (pos < text.size() && text[pos] == ':') {
    if (!TwoDigits(text, pos + 1, &second)) return Unexpected(Invalid(text, field, kShapeHint));
    pos += 3;
  }

  // Optional offset; none means Beijing time.
  seconds offset = kBeijingOffset;
  if (pos < text.size()) {
    const char sign = text[pos];
    if (sign == 'Z' && pos + 1 == text.size()) {
      offset = seconds{0};
    } else if ((sign == '+' || sign == '-') && pos + 6 == text.size() && text[pos + 3] == ':') {
      int off_h = 0, off_m = 0;
      if (!TwoDigits(text, pos + 1, &off_h) || !TwoDigits(text, pos + 4, &off_m)) {
        return Unexpected(Invalid(text, field, kShapeHint));
      }
      if (off_h > 23 || off_m > 59) {
        return Unexpected(Invalid(text, field, "中的时区偏移无效（应在-23:59到+23:59之间）"));
      }
      offset = hours{off_h} + minutes{off_m};
      if (sign == '-') offset = -offset;
    } else {
      return Unexpected(Invalid(text, field, kShapeHint));
    }
  }

  const int year = y_hi * 100 + y_lo;
  const std::chrono::year_month_day ymd{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                                        std::chrono::day{static_cast<unsigned>(day)}};
  if (year < 1 || !ymd.ok()) return Unexpected(Invalid(text, field, "中的日期不存在（年、月或日超出范围）"));
  if (hour > 23 || minute > 59 || second > 59) {
    return Unexpected(Invalid(text, field, "中的时刻不存在（时应为00–23，分、秒应为00–59）"));
  }

  const sys_seconds instant = sys_days{ymd} + hours{hour} + minutes{minute} + seconds{second} - offset;
  if (instant < kMinTimestamp || instant > kMaxTimestamp) {
    return Unexpected(Invalid(text, field, "超出支持的范围（0001年至9999年）"));
  }
  return instant;
}

std::string FormatUtc(sys_seconds t) {
  const Civil c = ToCivil(t);
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z", c.year, c.month, c.day, c.hour, c.minute, c.second);
}

std::string FormatBeijing(sys_seconds t) {
  const Civil c = ToCivil(t + kBeijingOffset);
  return fmt::format("{:04d}-{:02d}-{:02d} {:02d}:{:02d}", c.year, c.month, c.day, c.hour, c.minute);
}

std::string FormatBeijingIso(sys_seconds t) {
  const Civil c = ToCivil(t + kBeijingOffset);
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}+08:00", c.year, c.month, c.day, c.hour, c.minute,
                     c.second);
}

Date BeijingDate(sys_seconds t) { return Date(std::chrono::floor<days>(t + kBeijingOffset)); }

}  // namespace gongkai
