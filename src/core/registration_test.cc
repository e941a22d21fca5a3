#include "core/registration.h"

#include <gtest/gtest.h>

#include "core/timestamp.h"

namespace gongkai {
namespace {

std::chrono::sys_seconds T(const char* s) { return *ParseTimestamp(s, "t"); }

TEST(ClassifyRegistration, DeadlineInstantIsOnTimeOneSecondLaterIsLate) {
  auto deadline = T("2018-07-13T17:30:00+08:00");
  EXPECT_EQ(ClassifyRegistration(T("2018-07-13T17:29:59+08:00"), deadline), RegistrationState::kOnTime);
  EXPECT_EQ(ClassifyRegistration(T("2018-07-13T17:30:00+08:00"), deadline), RegistrationState::kOnTime);
  EXPECT_EQ(ClassifyRegistration(T("2018-07-13T09:30:00Z"), deadline), RegistrationState::kOnTime);
  EXPECT_EQ(ClassifyRegistration(T("2018-07-13T17:30:01+08:00"), deadline), RegistrationState::kLate);
  EXPECT_EQ(ClassifyRegistration(std::nullopt, deadline), RegistrationState::kMissing);
}

RegistrationForm Good() {
  return RegistrationForm{{"张三", "副局长", "138 1234 5678"}, {"李四", "办公室主任", "0471-2836212"}, "区发改局"};
}

TEST(ValidateRegistrationForm, NormalisesPhonesAndTrims) {
  RegistrationForm f = Good();
  f.leader.name = "  张三 ";
  auto r = ValidateRegistrationForm(f);
  ASSERT_TRUE(r.has_value()) << r.error().Describe();
  EXPECT_EQ(r->leader.name, "张三");
  EXPECT_EQ(r->leader.phone, "13812345678");
  EXPECT_EQ(r->liaison.phone, "0471-2836212");
  f = Good();
  f.liaison.phone = "2836212";  // the seed's own local number
  EXPECT_TRUE(ValidateRegistrationForm(f).has_value());
}

TEST(ValidateRegistrationForm, NamesTheBadField) {
  struct Case {
    void (*mutate)(RegistrationForm&);
    const char* field;
  } cases[] = {
      {[](RegistrationForm& f) { f.leader.name = ""; }, "leader_name"},
      {[](RegistrationForm& f) { f.leader.post = " "; }, "leader_post"},
      {[](RegistrationForm& f) { f.leader.phone = "12345"; }, "leader_phone"},
      {[](RegistrationForm& f) { f.liaison.phone = "1381234567"; }, "liaison_phone"},
      {[](RegistrationForm& f) { f.liaison.phone = "abc"; }, "liaison_phone"},
      {[](RegistrationForm& f) { f.liaison.name = std::string(60, 'x'); }, "liaison_name"},
      {[](RegistrationForm& f) { f.affiliation = ""; }, "affiliation"},
  };
  for (const auto& k : cases) {
    RegistrationForm f = Good();
    k.mutate(f);
    auto r = ValidateRegistrationForm(f);
    ASSERT_FALSE(r.has_value()) << k.field;
    EXPECT_EQ(r.error().field, k.field);
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput);
  }
}

}  // namespace
}  // namespace gongkai
