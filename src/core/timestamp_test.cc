#include "core/timestamp.h"

#include <gtest/gtest.h>

#include <string>

namespace gongkai {
namespace {

using std::chrono::sys_days;
using std::chrono::sys_seconds;
using namespace std::chrono_literals;

// 2018-07-13T09:30:00Z, the instant used throughout (17:30 in Beijing).
sys_seconds Deadline() { return sys_days{std::chrono::year{2018} / 7 / 13} + 9h + 30min; }

TEST(TimestampTest, ParsesAcceptedShapes) {
  struct Case {
    const char* text;
    sys_seconds want;
  };
  const sys_seconds d = Deadline();
  const Case cases[] = {
      {"2018-07-13T09:30:00Z", d},
      {"2018-07-13T17:30:00+08:00", d},
      {"2018-07-13T04:30:00-05:00", d},
      {"2018-07-13T09:30:00+00:00", d},
      {"2018-07-13T09:30:00-00:00", d},
      {"2018-07-13T15:00:00+05:30", d},
      {"2018-07-13 17:30", d},  // no offset: Beijing time
      {"2018-07-13T17:30", d},
      {"2018-07-13 17:30:00", d},
      {"2018-07-13T17:30:00", d},
      {"2018-07-13 09:30Z", d},
      {"2018-07-13 17:30:59", d + 59s},
      {"2018-07-14 00:00", sys_days{std::chrono::year{2018} / 7 / 13} + 16h},
      {"2018-07-14T01:00:00+09:00", sys_days{std::chrono::year{2018} / 7 / 13} + 16h},
      {"1970-01-01T00:00:00Z", sys_seconds{}},
      {"1970-01-01 08:00", sys_seconds{}},
      {"2024-02-29T23:59:59Z", sys_days{std::chrono::year{2024} / 2 / 29} + 23h + 59min + 59s},
      {"1969-12-31T23:59:59Z", sys_seconds{} - 1s},
      {"0001-01-01T00:00:00Z", kMinTimestamp},
      {"0001-01-01T08:00", kMinTimestamp},
      {"9999-12-31 23:59:59", kMaxTimestamp},
      {"9999-12-31T15:59:59Z", kMaxTimestamp},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    auto t = ParseTimestamp(c.text, "发布时间");
    ASSERT_TRUE(t.has_value()) << t.error().message;
    EXPECT_EQ(*t, c.want) << FormatUtc(*t);
  }
}

TEST(TimestampTest, RefusesMalformedOrImpossibleValues) {
  const char* errors[] = {
      "",
      "2018-07-13",
      "2018-07-13T",
      "2018-07-13T17",
      "2018-07-13T17:3",
      "2018-07-13T17:30:",
      "2018-07-13T17:30:0",
      "2018-07-13T17:30:00.5Z",
      "2018-07-13t17:30:00Z",
      "2018-07-13T17:30:00z",
      "2018-07-13T17:30:00 Z",
      "2018-07-13T17:30:00+08",
      "2018-07-13T17:30:00+0800",
      "2018-07-13T17:30:00+8:00",
      "2018-07-13T17:30:00+24:00",
      "2018-07-13T17:30:00+08:60",
      "2018-07-13T17:30:00ZZ",
      "2018-07-13T17:30:00+08:00 ",
      " 2018-07-13 17:30",
      "2018-07-13  17:30",
      "2018/07/13 17:30",
      "2018-7-13 17:30",
      "18-07-13 17:30",
      "2018-07-13_17:30",
      "2018-02-30 10:00",
      "2019-02-29 10:00",
      "2018-13-01 10:00",
      "2018-00-01 10:00",
      "2018-07-00 10:00",
      "0000-06-01 10:00",
      "2018-07-13 24:00",
      "2018-07-13 23:60",
      "2018-07-13 23:59:60",
      "2018-07-13 ２３:00",
      "2018年7月13日 17:30",
      "0001-01-01 07:59:59",        // 0000-12-31 in UTC
      "9999-12-31T23:59:59Z",       // 10000-01-01 in Beijing
      "9999-12-31T16:00:00+00:00",  // ditto
      "-018-07-13 17:30",
      "+018-07-13 17:30",
  };
  for (const char* text : errors) {
    SCOPED_TRACE(text);
    auto t = ParseTimestamp(text, "发布时间");
    ASSERT_FALSE(t.has_value()) << FormatUtc(*t);
    EXPECT_EQ(t.error().code, ErrorCode::kInvalidInput);
    EXPECT_EQ(t.error().field, "发布时间");
    EXPECT_NE(t.error().message.find("发布时间"), std::string::npos) << t.error().message;
    EXPECT_NE(t.error().message.find(QuoteInput(text)), std::string::npos) << t.error().message;
  }
}

TEST(TimestampTest, MessagesSayWhatIsWrong) {
  auto shape = ParseTimestamp("2018/07/13", "报送时间");
  ASSERT_FALSE(shape.has_value());
  EXPECT_EQ(shape.error().message,
            "报送时间“2018/07/13”格式不正确，应为“2018-07-13 17:30”（北京时间）或“2018-07-13T09:30:00Z”、"
            "“2018-07-13T17:30:00+08:00”");

  auto date = ParseTimestamp("2018-02-30 10:00", "报送时间");
  ASSERT_FALSE(date.has_value());
  EXPECT_EQ(date.error().message, "报送时间“2018-02-30 10:00”中的日期不存在（年、月或日超出范围）");

  auto time = ParseTimestamp("2018-07-13 25:00", "报送时间");
  ASSERT_FALSE(time.has_value());
  EXPECT_EQ(time.error().message, "报送时间“2018-07-13 25:00”中的时刻不存在（时应为00–23，分、秒应为00–59）");

  auto identifier = ParseTimestamp("2018-02-30 10:00", "deadline");
  ASSERT_FALSE(identifier.has_value());
  EXPECT_EQ(identifier.error().message, "时间（deadline）“2018-02-30 10:00”中的日期不存在（年、月或日超出范围）");
  EXPECT_EQ(identifier.error().field, "deadline");

  auto unnamed = ParseTimestamp("x", "");
  ASSERT_FALSE(unnamed.has_value());
  EXPECT_EQ(unnamed.error().message.rfind("时间“x”格式不正确", 0), 0u) << unnamed.error().message;
  EXPECT_EQ(unnamed.error().field, "");

  // Control characters and invalid UTF-8 are quoted safely.
  auto nasty = ParseTimestamp(std::string("2018\n\xff", 6), "t");
  ASSERT_FALSE(nasty.has_value());
  EXPECT_NE(nasty.error().message.find("2018\\x0a\xEF\xBF\xBD"), std::string::npos) << nasty.error().message;
}

TEST(TimestampTest, Formats) {
  const sys_seconds d = Deadline();
  EXPECT_EQ(FormatUtc(d), "2018-07-13T09:30:00Z");
  EXPECT_EQ(FormatBeijing(d), "2018-07-13 17:30");
  EXPECT_EQ(FormatBeijingIso(d), "2018-07-13T17:30:00+08:00");
  EXPECT_EQ(BeijingDate(d).ToString(), "2018-07-13");

  // Seconds are truncated for people, kept for machines.
  EXPECT_EQ(FormatBeijing(d + 59s), "2018-07-13 17:30");
  EXPECT_EQ(FormatBeijingIso(d + 59s), "2018-07-13T17:30:59+08:00");

  // Beijing midnight is 16:00 UTC the day before.
  const sys_seconds midnight = sys_days{std::chrono::year{2018} / 7 / 13} + 16h;
  EXPECT_EQ(FormatUtc(midnight), "2018-07-13T16:00:00Z");
  EXPECT_EQ(FormatBeijing(midnight), "2018-07-14 00:00");
  EXPECT_EQ(BeijingDate(midnight).ToString(), "2018-07-14");
  EXPECT_EQ(BeijingDate(midnight - 1s).ToString(), "2018-07-13");

  // Before the epoch.
  EXPECT_EQ(FormatUtc(sys_seconds{} - 1s), "1969-12-31T23:59:59Z");
  EXPECT_EQ(FormatBeijing(sys_seconds{} - 1s), "1970-01-01 07:59");
  EXPECT_EQ(BeijingDate(sys_seconds{} - 9h).ToString(), "1969-12-31");

  // The ends of the range.
  EXPECT_EQ(FormatUtc(kMinTimestamp), "0001-01-01T00:00:00Z");
  EXPECT_EQ(FormatBeijingIso(kMaxTimestamp), "9999-12-31T23:59:59+08:00");
  EXPECT_EQ(FormatUtc(kMaxTimestamp), "9999-12-31T15:59:59Z");
}

TEST(TimestampTest, FormattedValuesParseBack) {
  const sys_seconds samples[] = {Deadline(),
                                 Deadline() + 7s,
                                 sys_seconds{},
                                 sys_seconds{} - 1s,
                                 kMinTimestamp,
                                 kMaxTimestamp,
                                 kMinTimestamp + 8h - 1s,
                                 sys_days{std::chrono::year{2000} / 2 / 29} + 23h + 59min + 59s};
  for (const sys_seconds t : samples) {
    SCOPED_TRACE(FormatUtc(t));
    auto utc = ParseTimestamp(FormatUtc(t), "t");
    ASSERT_TRUE(utc.has_value()) << utc.error().message;
    EXPECT_EQ(*utc, t);
    auto iso = ParseTimestamp(FormatBeijingIso(t), "t");
    ASSERT_TRUE(iso.has_value()) << iso.error().message;
    EXPECT_EQ(*iso, t);
    auto human = ParseTimestamp(FormatBeijing(t), "t");
    ASSERT_TRUE(human.has_value()) << human.error().message;
    EXPECT_EQ(*human, std::chrono::floor<std::chrono::minutes>(t));
  }
}

}  // namespace
}  // namespace gongkai
