#include "codec/calendar_codec.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/resources.h"

namespace gongkai {
namespace {

Date D(const char* text) {
  auto d = Date::Parse(text);
  EXPECT_TRUE(d.has_value()) << text;
  return d.value_or(Date());
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// The head of holiday-cn's 2019.json, in its exact shape.
constexpr const char* kHolidayCn2019 = R"({
    "$schema": "https://raw.githubusercontent.com/NateScarlet/holiday-cn/master/schema.json",
    "$id": "https://raw.githubusercontent.com/NateScarlet/holiday-cn/master/2019.json",
    "year": 2019,
    "papers": [
        "http://www.gov.cn/zhengce/zhengceku/2018-12/06/content_5346276.htm",
        "http://www.gov.cn/zhengce/zhengceku/2019-03/22/content_5375877.htm"
    ],
    "days": [
        {"name": "元旦", "date": "2018-12-29", "isOffDay": false},
        {"name": "元旦", "date": "2018-12-30", "isOffDay": true},
        {"name": "元旦", "date": "2018-12-31", "isOffDay": true},
        {"name": "元旦", "date": "2019-01-01", "isOffDay": true}
    ]
})";

TEST(CalendarCodecTest, ParsesHolidayCnShape) {
  auto notice = ParseHolidayCnJson(kHolidayCn2019);
  ASSERT_TRUE(notice.has_value()) << notice.error().Describe();
  EXPECT_EQ(notice->year, 2019);
  EXPECT_EQ(notice->source,
            "http://www.gov.cn/zhengce/zhengceku/2018-12/06/content_5346276.htm "
            "http://www.gov.cn/zhengce/zhengceku/2019-03/22/content_5375877.htm");
  ASSERT_EQ(notice->days.size(), 4u);
  EXPECT_EQ(notice->days[0], (CalendarDay{D("2018-12-29"), false, "元旦"}));
  EXPECT_EQ(notice->days[3], (CalendarDay{D("2019-01-01"), true, "元旦"}));
  // With a byte-order mark too.
  EXPECT_TRUE(ParseHolidayCnJson(std::string("\xEF\xBB\xBF") + kHolidayCn2019).has_value());
}

TEST(CalendarCodecTest, HolidayCnRoundTripOfEveryOfficialNotice) {
  auto calendar = LoadOfficialCalendar();
  ASSERT_TRUE(calendar.has_value()) << calendar.error().Describe();
  ASSERT_EQ(calendar->notices().size(), 9u);
  for (const CalendarNotice& notice : calendar->notices()) {
    SCOPED_TRACE(notice.year);
    const std::string json = NoticeToHolidayCnJson(notice);
    auto back = ParseHolidayCnJson(json);
    ASSERT_TRUE(back.has_value()) << back.error().Describe();
    EXPECT_EQ(*back, notice);
  }
  // The 2019 notice keeps its two papers and its December 2018 dates.
  const CalendarNotice& n2019 = calendar->notices()[1];
  EXPECT_EQ(n2019.year, 2019);
  EXPECT_EQ(n2019.days.size(), 31u);
  EXPECT_EQ(n2019.days[0], (CalendarDay{D("2018-12-29"), false, "元旦"}));
  EXPECT_TRUE(Contains(NoticeToHolidayCnJson(n2019), "content_5375877.htm\""));
}

TEST(CalendarCodecTest, RawHolidayCn2020IsRefusedAtTheWorkingMonday) {
  // holiday-cn marks Monday 2020-02-03 (work resumed after the extended Spring
  // Festival) as isOffDay=false; a makeup entry on a weekday is refused.
  constexpr const char* k2020 = R"({"year": 2020, "papers": [], "days": [
      {"name": "春节", "date": "2020-02-02", "isOffDay": true},
      {"name": "春节", "date": "2020-02-03", "isOffDay": false}]})";
  auto notice = ParseHolidayCnJson(k2020);
  ASSERT_FALSE(notice.has_value());
  EXPECT_EQ(notice.error().field, "days[1]");
  EXPECT_TRUE(Contains(notice.error().message, "2020-02-03是星期一")) << notice.error().message;
}

TEST(CalendarCodecTest, HolidayCnErrorsNameTheField) {
  struct Case {
    const char* what;
    const char* json;
    const char* field;
    const char* message_part;
  };
  const Case cases[] = {
      {"bad JSON", R"({"year": 2019, "days": [)", "", "JSON格式错误"},
      {"not JSON at all", "年份,日期", "", "JSON格式错误"},
      {"empty input", "", "", "JSON格式错误"},
      {"array", "[]", "", "应为JSON对象"},
      {"year as string", R"({"year": "2019", "days": []})", "year", "应为整数"},
      {"year out of range", R"({"year": 1800, "days": []})", "year", "超出范围"},
      {"huge year", R"({"year": 18446744073709551615, "days": []})", "year", "超出范围"},
      {"missing days", R"({"year": 2019})", "days", "缺少此字段"},
      {"days not array", R"({"year": 2019, "days": {}})", "days", "应为数组"},
      {"placeholder 2027.json", R"({"year": 2027, "papers": [], "days": []})", "days", "没有列出任何日期"},
      {"papers not array", R"({"year": 2019, "papers": "x", "days": []})", "papers", "应为数组"},
      {"paper with a space", R"({"year": 2019, "papers": ["a b"], "days": []})", "papers[0]", "空白"},
      {"day not object", R"({"year": 2019, "days": [1]})", "days[0]", "应为对象"},
      {"malformed date", R"({"year": 2019, "days": [{"name": "元旦", "date": "2019-1-01", "isOffDay": true}]})",
       "days[0].date", "2019-1-01"},
      {"impossible date", R"({"year": 2019, "days": [{"name": "元旦", "date": "2019-02-29", "isOffDay": true}]})",
       "days[0].date", "2019-02-29"},
      {"date as number", R"({"year": 2019, "days": [{"name": "元旦", "date": 20190101, "isOffDay": true}]})",
       "days[0].date", "应为字符串"},
      {"isOffDay as string", R"({"year": 2019, "days": [{"name": "元旦", "date": "2019-01-01", "isOffDay": "yes"}]})",
       "days[0].isOffDay", "true或false"},
      {"missing name", R"({"year": 2019, "days": [{"date": "2019-01-01", "isOffDay": true}]})", "days[0].name",
       "缺少此字段"},
      {"date twice", R"({"year": 2019, "days": [{"name": "元旦", "date": "2019-01-01", "isOffDay": true},
                                                {"name": "元旦", "date": "2019-01-01", "isOffDay": true}]})",
       "days[1]", "2019-01-01重复"},
      {"makeup on a weekday", R"({"year": 2019, "days": [{"name": "春节", "date": "2019-02-01", "isOffDay": false}]})",
       "days[0]", "2019-02-01是星期五"},
      {"year mismatch", R"({"year": 2019, "days": [{"name": "元旦", "date": "2020-01-01", "isOffDay": true}]})",
       "days[0]", "2020-01-01不属于2019年"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    auto notice = ParseHolidayCnJson(c.json);
    ASSERT_FALSE(notice.has_value());
    EXPECT_EQ(notice.error().code, ErrorCode::kInvalidInput);
    EXPECT_EQ(notice.error().field, c.field);
    EXPECT_TRUE(Contains(notice.error().message, c.message_part)) << notice.error().message;
  }
}

TEST(CalendarCodecTest, ParsesCsvWithBomCrlfChineseTypesAndQuotes) {
  const std::string csv =
      "\xEF\xBB\xBF"
      "date,type,name\r\n"
      "2018-12-29,班,元旦\r\n"
      "\r\n"
      "2018-12-30, 休 ,元旦\r\n"
      "2018-12-31,off,\"元旦\"\r\n"
      "2019-01-01,OFF,元旦\r\n"
      "2019-10-12,work,\"国庆节, 调休\"\r\n";
  auto notice = ParseNoticeCsv(csv, 0, "https://www.gov.cn/example");
  ASSERT_TRUE(notice.has_value()) << notice.error().Describe();
  EXPECT_EQ(notice->year, 2019);
  EXPECT_EQ(notice->source, "https://www.gov.cn/example");
  ASSERT_EQ(notice->days.size(), 5u);
  EXPECT_EQ(notice->days[0], (CalendarDay{D("2018-12-29"), false, "元旦"}));
  EXPECT_EQ(notice->days[1], (CalendarDay{D("2018-12-30"), true, "元旦"}));
  EXPECT_EQ(notice->days[2].name, "元旦");
  EXPECT_EQ(notice->days[4], (CalendarDay{D("2019-10-12"), false, "国庆节, 调休"}));
  // Plain LF, no BOM, explicit year.
  auto lf = ParseNoticeCsv("date,type,name\n2027-01-01,off,元旦\n", 2027);
  ASSERT_TRUE(lf.has_value());
  EXPECT_EQ(lf->year, 2027);
}

TEST(CalendarCodecTest, CsvErrorsNameTheLine) {
  struct Case {
    const char* what;
    const char* csv;
    int year;
    int line;
    const char* field;
    const char* message_part;
  };
  const Case cases[] = {
      {"empty file", "", 0, 1, "", "文件为空"},
      {"header only", "date,type,name\n", 0, 1, "", "没有列出任何日期"},
      {"wrong header", "日期,类型,名称\n2027-01-01,off,元旦\n", 0, 1, "", "表头应为"},
      {"malformed date", "date,type,name\n2027-01-01,off,元旦\n2027/01/02,off,元旦\n", 0, 3, "date", "2027/01/02"},
      {"impossible date", "date,type,name\n2027-02-30,off,春节\n", 0, 2, "date", "2027-02-30"},
      {"unknown type", "date,type,name\n2027-01-01,假,元旦\n", 0, 2, "type", "类型“假”无法识别"},
      {"too few columns", "date,type,name\n2027-01-01,off\n", 0, 2, "", "应有3列"},
      {"too many columns", "date,type,name\n2027-01-01,off,元旦,x\n", 0, 2, "", "应有3列"},
      {"date twice", "date,type,name\n2027-01-01,off,元旦\n\n2027-01-01,off,元旦\n", 0, 4, "date", "第2行已列出"},
      {"makeup on a weekday", "date,type,name\n2027-01-01,off,元旦\n2027-01-04,work,元旦\n", 0, 3, "date",
       "2027-01-04是星期一"},
      {"year mismatch", "date,type,name\n2027-01-01,off,元旦\n", 2026, 2, "date", "2027-01-01不属于2026年"},
      {"previous year only by inference", "date,type,name\n2025-12-31,off,元旦\n2027-01-01,off,元旦\n", 0, 2, "date",
       "2025-12-31不属于2027年"},
      {"missing name", "date,type,name\n2027-01-01,off,\n", 0, 2, "date", "缺少节日名称"},
      {"unclosed quote", "date,type,name\n2027-01-01,off,\"元旦\n", 0, 2, "", "引号"},
      {"text after a quote", "date,type,name\n2027-01-01,off,\"元旦\"x\n", 0, 2, "", "引号"},
      {"invalid UTF-8", "date,type,name\n2027-01-01,off,\xff\n", 0, 0, "", "UTF-8"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    auto notice = ParseNoticeCsv(c.csv, c.year);
    ASSERT_FALSE(notice.has_value());
    EXPECT_EQ(notice.error().code, ErrorCode::kInvalidInput);
    EXPECT_EQ(notice.error().line, c.line) << notice.error().Describe();
    EXPECT_EQ(notice.error().field, c.field);
    EXPECT_TRUE(Contains(notice.error().message, c.message_part)) << notice.error().message;
  }
}

TEST(CalendarCodecTest, EmbeddedDataFileIsCanonical) {
  auto text = FindResource("data/holidays.json");
  ASSERT_TRUE(text.has_value());
  auto notices = ParseCalendarFile(*text);
  ASSERT_TRUE(notices.has_value()) << notices.error().Describe();
  ASSERT_EQ(notices->size(), 9u);
  EXPECT_EQ((*notices)[0].year, 2018);
  EXPECT_EQ(notices->back().year, 2026);
  // Serialising gives back the file byte for byte.
  EXPECT_EQ(CalendarFileToJson(*notices), std::string(*text));
}

TEST(CalendarCodecTest, CalendarFileErrorsNameThePath) {
  struct Case {
    const char* what;
    const char* json;
    const char* field;
    const char* message_part;
  };
  const Case cases[] = {
      {"bad JSON", "{\"format\": ", "", "JSON格式错误"},
      {"wrong format", R"({"format": "holiday-cn", "version": 1, "notices": []})", "format", "holiday-cn"},
      {"wrong version", R"({"format": "gongkai-calendar", "version": 2, "notices": []})", "version", "不支持的版本2"},
      {"notices not array", R"({"format": "gongkai-calendar", "version": 1, "notices": {}})", "notices", "应为数组"},
      {"missing source", R"({"format": "gongkai-calendar", "version": 1, "notices": [{"year": 2027, "days": []}]})",
       "notices[0].source", "缺少此字段"},
      {"unknown type", R"({"format": "gongkai-calendar", "version": 1, "notices": [{"year": 2027, "source": "",
          "days": [{"date": "2027-01-01", "type": "holiday", "name": "元旦"}]}]})",
       "notices[0].days[0].type", "holiday"},
      {"malformed date", R"({"format": "gongkai-calendar", "version": 1, "notices": [{"year": 2027, "source": "",
          "days": [{"date": "2027-1-1", "type": "off", "name": "元旦"}]}]})",
       "notices[0].days[0].date", "2027-1-1"},
      {"invalid notice", R"({"format": "gongkai-calendar", "version": 1, "notices": [{"year": 2027, "source": "",
          "days": [{"date": "2027-01-01", "type": "off", "name": "元旦"},
                   {"date": "2027-01-05", "type": "work", "name": "元旦"}]}]})",
       "notices[0].days[1]", "2027年放假安排：日期2027-01-05是星期二"},
      {"year twice", R"({"format": "gongkai-calendar", "version": 1, "notices": [
          {"year": 2027, "source": "", "days": [{"date": "2027-01-01", "type": "off", "name": "元旦"}]},
          {"year": 2027, "source": "", "days": [{"date": "2027-01-02", "type": "off", "name": "元旦"}]}]})",
       "notices[1].year", "出现了两次"},
      {"date in two notices", R"({"format": "gongkai-calendar", "version": 1, "notices": [
          {"year": 2026, "source": "", "days": [{"date": "2026-12-31", "type": "off", "name": "元旦"}]},
          {"year": 2027, "source": "", "days": [{"date": "2026-12-31", "type": "off", "name": "元旦"}]}]})",
       "notices", "2026-12-31同时出现在2026年和2027年"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    auto notices = ParseCalendarFile(c.json);
    ASSERT_FALSE(notices.has_value());
    EXPECT_EQ(notices.error().field, c.field);
    EXPECT_TRUE(Contains(notices.error().message, c.message_part)) << notices.error().message;
  }
}

TEST(CalendarCodecTest, CalendarFileRoundTripOfNewNotices) {
  std::vector<CalendarNotice> notices = {
      {2026, "a b", {{D("2025-12-31"), true, "元旦"}, {D("2026-01-04"), false, "元旦\"引号\""}}},
      {2027, "", {{D("2027-01-01"), true, "元旦"}}},
  };
  auto back = ParseCalendarFile(CalendarFileToJson(notices));
  ASSERT_TRUE(back.has_value()) << back.error().Describe();
  EXPECT_EQ(*back, notices);
}

TEST(CalendarCodecTest, LoadOfficialCalendar) {
  auto calendar = LoadOfficialCalendar();
  ASSERT_TRUE(calendar.has_value()) << calendar.error().Describe();
  EXPECT_TRUE(calendar->IsWorkingDay(D("2018-12-29")));
  EXPECT_FALSE(calendar->IsWorkingDay(D("2026-10-07")));
}

}  // namespace
}  // namespace gongkai
