#include "core/date.h"

#include <fmt/core.h>

#include "core/utf8.h"

namespace gongkai {
namespace {

constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int Digits(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

Result<Date> Date::FromYmd(int year, int month, int day) {
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > 31) {
    return Unexpected(Error::Invalid(fmt::format("日期{:04d}-{:02d}-{:02d}不存在", year, month, day)));
  }
  const std::chrono::year_month_day ymd{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                                        std::chrono::day(static_cast<unsigned>(day))};
  if (!ymd.ok()) {
    return Unexpected(Error::Invalid(fmt::format("日期{:04d}-{:02d}-{:02d}不存在", year, month, day)));
  }
  return Date(std::chrono::sys_days(ymd));
}

Result<Date> Date::Parse(std::string_view text) {
  const bool shape_ok = text.size() == 10 && text[4] == '-' && text[7] == '-' && IsDigit(text[0]) && IsDigit(text[1]) &&
                        IsDigit(text[2]) && IsDigit(text[3]) && IsDigit(text[5]) && IsDigit(text[6]) &&
                        IsDigit(text[8]) && IsDigit(text[9]);
  if (!shape_ok) {
    return Unexpected(
        Error::Invalid(fmt::format("日期“{}”格式不正确，应为YYYY-MM-DD（如2026-09-25）", QuoteInput(text))));
  }
  const int year = Digits(text.substr(0, 4));
  const int month = Digits(text.substr(5, 2));
  const int day = Digits(text.substr(8, 2));
  auto date = FromYmd(year, month, day);
  if (!date) {
    return Unexpected(Error::Invalid(fmt::format("日期“{}”不存在（年、月或日超出范围）", QuoteInput(text))));
  }
  return date;
}

std::string QuoteInput(std::string_view text, std::size_t max_bytes) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (out.size() >= max_bytes) {
      out += "…";
      break;
    }
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7f) {
        out += fmt::format("\\x{:02x}", static_cast<unsigned>(c));
      } else {
        out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    char32_t cp = 0;
    const std::size_t len = DecodeUtf8(text, i, cp);
    const bool valid = len != 0;
    if (valid) {
      out.append(text.substr(i, len));
      i += len;
    } else {
      out += "\xEF\xBF\xBD";  // U+FFFD
      ++i;
    }
  }
  return out;
}

std::string Date::ToString() const {
  const auto ymd_value = ymd();
  return fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(ymd_value.year()),
                     static_cast<unsigned>(ymd_value.month()), static_cast<unsigned>(ymd_value.day()));
}

std::string Date::WeekdayName() const {
  static constexpr const char* kNames[] = {"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"};
  return kNames[weekday().c_encoding()];
}

}  // namespace gongkai
