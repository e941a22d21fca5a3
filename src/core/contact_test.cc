#include "core/contact.h"

#include <gtest/gtest.h>

#include <string>

#include "core/date.h"  // QuoteInput

namespace gongkai {
namespace {

TEST(ContactTest, NormalizesValidPhones) {
  struct Case {
    const char* text;
    const char* want;
    bool mobile;
  };
  const Case cases[] = {
      // Mobiles.
      {"13812345678", "13812345678", true},
      {"19912345678", "19912345678", true},
      {"15047112345", "15047112345", true},
      {"138 1234 5678", "13812345678", true},
      {"138-1234-5678", "13812345678", true},
      {"1-3-8-1-2-3-4-5-6-7-8", "13812345678", true},
      {"138 - 1234 - 5678", "13812345678", true},
      {"+8613812345678", "13812345678", true},
      {"+86 138 1234 5678", "13812345678", true},
      {"+86-138-1234-5678", "13812345678", true},
      {"8613812345678", "13812345678", true},
      {"86 13812345678", "13812345678", true},
      {"008613812345678", "13812345678", true},
      {"0086 138 1234 5678", "13812345678", true},
      {"  13812345678  ", "13812345678", true},
      {"\xEF\xBC\x91\xEF\xBC\x93\xEF\xBC\x98\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93\xEF\xBC\x94\xEF\xBC\x95\xEF\xBC\x96"
       "\xEF\xBC\x97\xEF\xBC\x98",
       "13812345678", true},  // １３８１２３４５６７８
      {"＋86 138－1234－5678", "13812345678", true},
      // Landlines with area code.
      {"0471-2836212", "0471-2836212", false},
      {"0471 2836212", "0471-2836212", false},
      {"0471 - 2836212", "0471-2836212", false},
      {"(0471)2836212", "0471-2836212", false},
      {"(0471) 2836212", "0471-2836212", false},
      {"（0471）2836212", "0471-2836212", false},
      {"（０４７１）２８３６２１２", "0471-2836212", false},
      {"０４７１－２８３６２１２", "0471-2836212", false},
      {"010-88886666", "010-88886666", false},
      {"(010)88886666", "010-88886666", false},
      {"021 62345678", "021-62345678", false},
      {"0755-8765432", "0755-8765432", false},
      {"0471　2836212", "0471-2836212", false},  // ideographic space
      // Extensions.
      {"0471-2836212转123", "0471-2836212转123", false},
      {"0471-2836212-123", "0471-2836212转123", false},
      {"0471-2836212 转 8", "0471-2836212转8", false},
      {"(0471)2836212-123456", "0471-2836212转123456", false},
      {"010-88886666转1", "010-88886666转1", false},
      // Local numbers (the seed's phones).
      {"2836212", "2836212", false},
      {"2836275", "2836275", false},
      {"88886666", "88886666", false},
      {" 2836212 ", "2836212", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    auto p = NormalizePhone(c.text, "联系电话");
    ASSERT_TRUE(p.has_value()) << p.error().message;
    EXPECT_EQ(*p, c.want);
    EXPECT_EQ(IsMobile(*p), c.mobile);
    // The normal form is a fixed point.
    auto again = NormalizePhone(*p, "联系电话");
    ASSERT_TRUE(again.has_value()) << again.error().message;
    EXPECT_EQ(*again, *p);
  }
}

TEST(ContactTest, RefusesInvalidPhones) {
  const char* errors[] = {
      "",
      "   ",
      "abc",
      "1381234567a",
      "138123456789",           // 12-digit mobile
      "1381234567",             // 10 digits
      "12812345678",            // mobile starting 12
      "11012345678",            // mobile starting 11
      "10086",                  // service number, too short
      "+85212345678",           // Hong Kong
      "+1 415 555 0100",        // not mainland
      "+86",                    // nothing after the country code
      "+86 0471 2836212",       // landline with country code
      "86 12812345678",         // prefixed, starting 12
      "0086-1381234567",        // prefixed, 10 digits
      "-13812345678",           // leading separator
      "13812345678-",           // trailing separator
      "+ 8613812345678",        // separator after '+'
      "138+12345678",           // '+' inside
      "0471",                   // area code without number
      "0471-",                  // ditto
      "(0471)",                 // ditto
      "04712836212",            // area code run into the number
      "04-2836212",             // area code too short
      "04711-2836212",          // area code too long
      "(471)2836212",           // area code not starting 0
      "(0471 2836212",          // unclosed parenthesis
      "0471)2836212",           // stray parenthesis
      "0471--2836212",          // two hyphens
      "0471-0836212",           // local number starting 0
      "0471-1836212",           // local number starting 1
      "0471-283621",            // local number 6 digits
      "0471-283621234",         // local number 9 digits
      "283621",                 // bare local 6 digits
      "283621234",              // bare local 9 digits
      "0836212",                // bare local starting 0... is an area code
      "1836212",                // bare local starting 1
      "2836212转123",           // extension without area code
      "2836212-123",            // ditto
      "2836212  2836275",       // two numbers (as in the seed)
      "0471-2836212转",         // empty extension
      "0471-2836212转1234567",  // extension 7 digits
      "0471-2836212-",          // empty extension
      "0471-2836212 123",       // extension without marker
      "0471-2836212转12a",      // letter in extension
      "0471-2836212#123",       // '#' is not allowed
      "0471/2836212",           // other separator
      "0471.2836212",
      "tel:13812345678",
      "13812345678\n",         // control character
      "138１２３４５６７８9",  // 12 digits, mixed widths
      "13812345678转1",        // mobile with extension
      "\xff\xfe",              // invalid UTF-8
      "\xEF\xBC",              // truncated UTF-8
      "电话2836212",
  };
  for (const char* text : errors) {
    SCOPED_TRACE(text);
    auto p = NormalizePhone(text, "联系电话");
    ASSERT_FALSE(p.has_value()) << *p;
    EXPECT_EQ(p.error().code, ErrorCode::kInvalidInput);
    EXPECT_EQ(p.error().field, "联系电话");
    EXPECT_NE(p.error().message.find("联系电话"), std::string::npos) << p.error().message;
    EXPECT_NE(p.error().message.find(QuoteInput(text)), std::string::npos) << p.error().message;
  }
}

TEST(ContactTest, MessagesSayWhatIsWrong) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"", "联系电话不能为空"},
      {"12812345678", "联系电话“12812345678”不是有效的电话号码：手机号码应以13–19开头"},
      {"138123456789", "联系电话“138123456789”不是有效的电话号码：以1开头的应为11位手机号码"},
      {"0471", "联系电话“0471”不是有效的电话号码：区号后缺少号码"},
      {"04712836212", "联系电话“04712836212”不是有效的电话号码：区号与号码之间应以“-”分隔，如0471-2836212"},
      {"0471-2836212转1234567", "联系电话“0471-2836212转1234567”不是有效的电话号码：分机号应为1至6位数字"},
      {"2836212  2836275", "联系电话“2836212  2836275”不是有效的电话号码：一次只能填写一个号码"},
      {"+85212345678", "联系电话“+85212345678”不是有效的电话号码：只支持中国大陆号码（+86）"},
      {"abc", "联系电话“abc”不是有效的电话号码：含有数字、空格、“-”、“+”、括号和“转”以外的字符"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    auto p = NormalizePhone(c.text, "联系电话");
    ASSERT_FALSE(p.has_value());
    EXPECT_EQ(p.error().message, c.message);
  }
  auto identifier = NormalizePhone("12812345678", "leader_phone");
  ASSERT_FALSE(identifier.has_value());
  EXPECT_EQ(identifier.error().message,
            "电话号码（leader_phone）“12812345678”不是有效的电话号码：手机号码应以13–19开头");
  EXPECT_EQ(identifier.error().field, "leader_phone");
  auto empty_identifier = NormalizePhone("", "leader_phone");
  ASSERT_FALSE(empty_identifier.has_value());
  EXPECT_EQ(empty_identifier.error().message, "电话号码（leader_phone）不能为空");

  auto unnamed = NormalizePhone("x", "");
  ASSERT_FALSE(unnamed.has_value());
  EXPECT_EQ(unnamed.error().message.rfind("电话号码“x”", 0), 0u) << unnamed.error().message;
}

TEST(ContactTest, IsMobileOnlyForNormalMobiles) {
  EXPECT_TRUE(IsMobile("13812345678"));
  EXPECT_TRUE(IsMobile("19000000000"));
  EXPECT_FALSE(IsMobile("12812345678"));
  EXPECT_FALSE(IsMobile("138 1234 5678"));
  EXPECT_FALSE(IsMobile("+8613812345678"));
  EXPECT_FALSE(IsMobile("1381234567"));
  EXPECT_FALSE(IsMobile("1381234567x"));
  EXPECT_FALSE(IsMobile("0471-2836212"));
  EXPECT_FALSE(IsMobile("2836212"));
  EXPECT_FALSE(IsMobile(""));
}

}  // namespace
}  // namespace gongkai

namespace gongkai {
namespace {

TEST(NormalizeEmailTest, AcceptsAndNormalises) {
  EXPECT_EQ(*NormalizeEmail("  gkb@Example.GOV.cn\u3000", "email"), "gkb@example.gov.cn");
  EXPECT_EQ(*NormalizeEmail("li.si+gk@mail.example-district.cn", "email"), "li.si+gk@mail.example-district.cn");
  EXPECT_EQ(*NormalizeEmail("", "email"), "");
  EXPECT_EQ(*NormalizeEmail(" \u3000 ", "email"), "");
}

TEST(NormalizeEmailTest, RefusesWithTheField) {
  const std::string label(46, 'd');
  for (const std::string& bad : std::vector<std::string>{"gkb", "gkb@", "@example.cn", "gkb@localhost", "g kb@example.cn", "gkb@exa mple.cn",
                          ".gkb@example.cn", "g..kb@example.cn", "gkb@-example.cn", "gkb@example-.cn",
                          "gkb@example..cn", "联络员@example.cn", "gkb@例子.cn", "a@b@example.cn",
                          "gkb@example.cn\r\nBcc: x@example.cn",
                          // 64 + 1 + 191 = 256 characters: each part within its limit, the whole too long
                          "l" + std::string(63, 'a') + "@" + label + "." + label + "." + label + "." + label + ".gov"}) {
    auto r = NormalizeEmail(bad, "email");
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().field, "email") << bad;
    EXPECT_NE(r.error().message.find("电子邮箱"), std::string::npos) << bad;
  }
}

}  // namespace
}  // namespace gongkai
