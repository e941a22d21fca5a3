#include "core/date.h"

#include <gtest/gtest.h>

#include <string>

namespace gongkai {
namespace {

TEST(DateTest, ParsesAndFormatsValidDates) {
  struct Case {
    const char* text;
    int year, month, day;
    const char* weekday;
  };
  const Case cases[] = {
      {"2026-09-25", 2026, 9, 25, "星期五"}, {"2018-12-29", 2018, 12, 29, "星期六"},
      {"2024-02-29", 2024, 2, 29, "星期四"}, {"2000-02-29", 2000, 2, 29, "星期二"},
      {"1990-01-01", 1990, 1, 1, "星期一"},  {"2100-12-31", 2100, 12, 31, "星期五"},
      {"0001-01-01", 1, 1, 1, "星期一"},     {"9999-12-31", 9999, 12, 31, "星期五"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    auto d = Date::Parse(c.text);
    ASSERT_TRUE(d.has_value()) << d.error().message;
    EXPECT_EQ(d->year(), c.year);
    EXPECT_EQ(d->month(), c.month);
    EXPECT_EQ(d->day(), c.day);
    EXPECT_EQ(d->WeekdayName(), c.weekday);
    EXPECT_EQ(d->ToString(), c.text);
    auto again = Date::FromYmd(c.year, c.month, c.day);
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(*again, *d);
  }
}

TEST(DateTest, RefusesMalformedOrImpossibleDates) {
  const char* errors[] = {
      "",           "2026-9-25",  "2026/09/25",  "20260925",       " 2026-09-25",   "2026-09-25 ",
      "2026-09-2x", "2026-02-30", "2025-02-29",  "1900-02-29",     "2026-13-01",    "2026-00-10",
      "2026-01-00", "0000-01-01", "2026-09-25T", "２０２６-09-25", "2026年9月25日", "-026-09-25",
      "+026-09-25", "2026-09-32", "2026-04-31",  "2026--9-25",
  };
  for (const char* text : errors) {
    SCOPED_TRACE(text);
    auto d = Date::Parse(text);
    ASSERT_FALSE(d.has_value());
    EXPECT_EQ(d.error().code, ErrorCode::kInvalidInput);
    // The message quotes the bad value (ASCII ones verbatim).
    if (std::string(text).find_first_not_of("0123456789-/ Tx+") == std::string::npos && *text != '\0') {
      EXPECT_NE(d.error().message.find(text), std::string::npos) << d.error().message;
    }
  }
}

TEST(DateTest, ArithmeticWeekdaysAndOrder) {
  const Date a = *Date::Parse("2018-12-29");
  EXPECT_TRUE(a.IsWeekend());
  EXPECT_EQ(a.AddDays(3).ToString(), "2019-01-01");
  EXPECT_EQ(a.AddDays(-29).ToString(), "2018-11-30");
  EXPECT_EQ(*Date::Parse("2019-01-01") - a, 3);
  EXPECT_EQ(a - *Date::Parse("2019-01-01"), -3);
  EXPECT_LT(a, a.AddDays(1));
  EXPECT_EQ(Date::FromSerial(a.serial()), a);
  EXPECT_FALSE(Date::Parse("2026-09-28")->IsWeekend());  // Monday
  EXPECT_TRUE(Date::Parse("2026-09-27")->IsWeekend());   // Sunday
  EXPECT_EQ(Date().ToString(), "1970-01-01");
  EXPECT_EQ(Date::Parse("2024-03-01")->AddDays(-1).ToString(), "2024-02-29");
}

TEST(DateTest, QuoteInputKeepsMessagesValidUtf8) {
  EXPECT_EQ(QuoteInput("国庆节"), "国庆节");
  EXPECT_EQ(QuoteInput("a\nb"), "a\\x0ab");
  EXPECT_EQ(QuoteInput("\xff"), "\xEF\xBF\xBD");
  EXPECT_EQ(QuoteInput("\xE5\x9B"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // truncated sequence
  EXPECT_EQ(QuoteInput("\xC0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // overlong NUL
  EXPECT_EQ(QuoteInput("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_EQ(QuoteInput("0123456789", 4), "0123…");
  EXPECT_EQ(QuoteInput("国庆节快乐", 4), "国庆…");  // cut at a character boundary
}

}  // namespace
}  // namespace gongkai
