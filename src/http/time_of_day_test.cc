#include <gtest/gtest.h>

#include "http/server.h"

namespace gongkai {
namespace {

TEST(ParseTimeOfDayTest, AcceptsHoursAndMinutes) {
  EXPECT_EQ(*ParseTimeOfDay("00:00", "remind-at"), 0);
  EXPECT_EQ(*ParseTimeOfDay("08:30", "remind-at"), 8 * 60 + 30);
  EXPECT_EQ(*ParseTimeOfDay("23:59", "remind-at"), 23 * 60 + 59);
}

TEST(ParseTimeOfDayTest, RefusesWithTheFieldAndValue) {
  for (const char* bad : {"", "8:30", "08:3", "24:00", "12:60", "08-30", "0830", "08:30:00", "ab:cd", "０８:３０"}) {
    auto r = ParseTimeOfDay(bad, "remind-at");
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().field, "remind-at");
    EXPECT_NE(r.error().message.find(std::string("“") + bad + "”"), std::string::npos) << r.error().message;
  }
}

}  // namespace
}  // namespace gongkai
