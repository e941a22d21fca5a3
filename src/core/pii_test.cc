#include "core/pii.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

namespace gongkai {
namespace {

// Check characters are computed here independently of pii.cc: the weight of
// position i (0-based from the left) is 2^(17 - i) mod 11, and the check
// character c satisfies sum + c' = 1 (mod 11), i.e. c' = (12 - sum % 11) % 11,
// written 'X' for 10.
std::string WithIdCheck(const std::string& seventeen) {
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    int weight = 1;
    for (int k = 0; k < 17 - i; ++k) weight = weight * 2 % 11;
    sum += (seventeen[static_cast<std::size_t>(i)] - '0') * weight;
  }
  const int check = (12 - sum % 11) % 11;
  return seventeen + (check == 10 ? 'X' : static_cast<char>('0' + check));
}

// Appends the digit that makes `body` pass the Luhn check: tries all ten.
bool LuhnOk(const std::string& digits) {
  int sum = 0;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    int d = digits[digits.size() - 1 - i] - '0';
    if (i % 2 == 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 == 0;
}
std::string WithLuhn(const std::string& body) {
  for (char c = '0'; c <= '9'; ++c) {
    if (LuhnOk(body + c)) return body + c;
  }
  return body;
}

// A changed check character: any other one of "0123456789X".
std::string WrongCheck(std::string id) {
  id[17] = id[17] == '0' ? '1' : '0';
  return id;
}

struct Found {
  PiiKind kind;
  std::string raw;  // the finding's bytes in the text
  std::string mask;
};

std::vector<Found> Scan(const std::string& text) {
  std::vector<Found> out;
  for (const PiiFinding& f : ScanPersonalInfo(text)) {
    out.push_back(Found{f.kind, text.substr(f.offset, f.length), f.masked_preview});
  }
  return out;
}

void ExpectOne(const std::string& text, PiiKind kind, const std::string& raw, const std::string& mask) {
  SCOPED_TRACE(text);
  const std::vector<Found> found = Scan(text);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].kind, kind);
  EXPECT_EQ(found[0].raw, raw);
  EXPECT_EQ(found[0].mask, mask);
}

void ExpectNone(const std::string& text) {
  SCOPED_TRACE(text);
  EXPECT_TRUE(ScanPersonalInfo(text).empty());
}

TEST(PiiTest, CheckHelperAgreesWithKnownIds) {
  EXPECT_EQ(WithIdCheck("11010519491231002"), "11010519491231002X");
  EXPECT_EQ(WithIdCheck("11010119900307451"), "110101199003074514");
}

TEST(PiiTest, FindsValidId18) {
  const std::string cases[] = {
      "11010519491231002X",
      "11010519491231002x",
      "110101199003074514",
      WithIdCheck("35052419800101123"),
      WithIdCheck("44030420000229001"),  // leap day
      WithIdCheck("81000020991231999"),  // area 8, year 2099
      WithIdCheck("11010519000101000"),  // year 1900
  };
  for (const std::string& id : cases) {
    std::string mask = id.substr(0, 2) + std::string(13, '*') + id.substr(15);
    if (mask.back() == 'x') mask.back() = 'X';
    ExpectOne(id, PiiKind::kIdCard18, id, mask);
    ExpectOne("身份证号" + id + "，", PiiKind::kIdCard18, id, mask);
  }
}

TEST(PiiTest, RefusesInvalidId18) {
  const std::string cases[] = {
      WrongCheck("11010519491231002X"),
      WrongCheck("110101199003074514"),
      "110105194912310021",              // wrong check digit
      WithIdCheck("01010519491231002"),  // area starts with 0
      WithIdCheck("91010519491231002"),  // area starts with 9
      WithIdCheck("11010518991231002"),  // year 1899
      WithIdCheck("11010521000101002"),  // year 2100
      WithIdCheck("11010519900230002"),  // 30 February
      WithIdCheck("11010519000229002"),  // 1900 is not a leap year
      WithIdCheck("11010519901301002"),  // month 13
      WithIdCheck("11010519900100002"),  // day 0
  };
  for (const std::string& id : cases) {
    SCOPED_TRACE(id);
    for (const Found& f : Scan("证号：" + id)) EXPECT_NE(f.kind, PiiKind::kIdCard18);
  }
}

TEST(PiiTest, NumbersInsideLongerDigitRunsAreNotFound) {
  ExpectNone("91101011990030745141");  // 20 digits
  // A digit before or after an ID makes 19 digits: never an ID (at most a
  // card number, if the Luhn check passes).
  for (const std::string text : {"0110101199003074514", "1101011990030745149", "9110101199003074514",
                                 "1101011990030745140", "1101011990030745145"}) {
    SCOPED_TRACE(text);
    const std::vector<Found> found = Scan(text);
    EXPECT_EQ(found.size(), LuhnOk(text) ? 1u : 0u);
    for (const Found& f : found) EXPECT_EQ(f.kind, PiiKind::kBankCard);
  }
  ExpectNone("11010519491231002X5");  // check letter followed by a digit
  ExpectNone("138123456789");         // 12 digits
  ExpectNone("913812345678");
  ExpectNone("2138 1234 5678");        // first group of 4
  ExpectNone("138 1234 56789");        // last group of 5
  ExpectNone("138  1234  5678");       // double spaces do not join groups
  ExpectNone("12812345678");           // 1[3-9] required
  ExpectNone("4111111111111112");      // Luhn fails
  ExpectNone("411111111311111");       // 15 digits, month 13
  ExpectNone("41111111111111111111");  // 20 digits
  ExpectNone("");
  ExpectNone("没有个人信息。");
  // Boundaries that are not digits are fine.
  ExpectOne("abc11010519491231002Xdef", PiiKind::kIdCard18, "11010519491231002X", "11*************02X");
  ExpectOne("（110101199003074514）", PiiKind::kIdCard18, "110101199003074514", "11*************514");
  ExpectOne("tel:13812345678.", PiiKind::kMobile, "13812345678", "138****5678");
}

TEST(PiiTest, FullWidthDigits) {
  const std::string id = "１１０１０５１９４９１２３１００２Ｘ";
  ExpectOne("身份证：" + id + "。", PiiKind::kIdCard18, id, "11*************02X");
  ExpectOne("１１０１０５１９４９１２３１００２ｘ", PiiKind::kIdCard18, "１１０１０５１９４９１２３１００２ｘ",
            "11*************02X");
  ExpectOne("１３８１２３４５６７８", PiiKind::kMobile, "１３８１２３４５６７８", "138****5678");
  // Mixed widths are one run too.
  ExpectNone("１１０１０５１９４９１２３１００２Ｘ1");
  ExpectOne("138１２３４5678", PiiKind::kMobile, "138１２３４5678", "138****5678");
}

TEST(PiiTest, Id15) {
  ExpectOne("旧证号110105490101002号", PiiKind::kIdCard15, "110105490101002", "11**********002");
  ExpectOne("440301000228123", PiiKind::kIdCard15, "440301000228123", "44**********123");
  ExpectNone("440301000229123");   // 1900-02-29 does not exist
  ExpectNone("110105491301002");   // month 13
  ExpectNone("910105490101002");   // area 9
  ExpectNone("1101054901010021");  // 16 digits, Luhn fails
}

TEST(PiiTest, Mobiles) {
  struct Case {
    const char* text;
    const char* raw;
    const char* mask;
  };
  const Case cases[] = {
      {"13812345678", "13812345678", "138****5678"},         {"联系电话：13812345678。", "13812345678", "138****5678"},
      {"+8613812345678", "13812345678", "138****5678"},      {"8613812345678", "13812345678", "138****5678"},
      {"008613812345678", "13812345678", "138****5678"},     {"＋86 138 1234 5678", "138 1234 5678", "138****5678"},
      {"+86 138-1234-5678", "138-1234-5678", "138****5678"}, {"+86-13812345678", "13812345678", "138****5678"},
      {"138 1234 5678", "138 1234 5678", "138****5678"},     {"138-1234-5678", "138-1234-5678", "138****5678"},
      {"138－1234－5678", "138－1234－5678", "138****5678"}, {"138　1234　5678", "138　1234　5678", "138****5678"},
      {"1381234-5678", "1381234-5678", "138****5678"},       {"138 12345678", "138 12345678", "138****5678"},
      {"86138 1234 5678", "138 1234 5678", "138****5678"},   {"电话19987654321", "19987654321", "199****4321"},
      {"13012345678 人", "13012345678", "130****5678"},
  };
  for (const Case& c : cases) ExpectOne(c.text, PiiKind::kMobile, c.raw, c.mask);
}

TEST(PiiTest, BankCards) {
  ExpectOne("4111 1111 1111 1111", PiiKind::kBankCard, "4111 1111 1111 1111", "************1111");
  ExpectOne("卡号4111111111111111。", PiiKind::kBankCard, "4111111111111111", "************1111");
  ExpectOne("4111-1111-1111-1111", PiiKind::kBankCard, "4111-1111-1111-1111", "************1111");
  const std::string card19 = WithLuhn("622202123456789012");
  ExpectOne("卡号" + card19, PiiKind::kBankCard, card19, std::string(15, '*') + card19.substr(15));
  const std::string grouped19 = card19.substr(0, 4) + " " + card19.substr(4, 4) + " " + card19.substr(8, 4) + " " +
                                card19.substr(12, 4) + " " + card19.substr(16);
  ExpectOne(grouped19 + "，", PiiKind::kBankCard, grouped19, std::string(15, '*') + card19.substr(15));
  const std::string card17 = WithLuhn("6222021234567890");
  ExpectOne(card17, PiiKind::kBankCard, card17, std::string(13, '*') + card17.substr(13));
  // Luhn fails: nothing.
  std::string bad = card19;
  bad.back() = bad.back() == '9' ? '0' : static_cast<char>(bad.back() + 1);
  ExpectNone(bad);
  ExpectNone("4111 1111 1111 1112");
  ExpectNone("4111 1111 1111 111");  // 15 digits
  ExpectNone("41111 1111 1111 1111");
}

TEST(PiiTest, ValidIdIsNeverAlsoABankCard) {
  // Find an ID that also passes the Luhn check; it must be reported once,
  // as an ID.
  std::string both;
  for (int seq = 0; seq < 1000 && both.empty(); ++seq) {
    char body[32];
    std::snprintf(body, sizeof body, "35052419800101%03d", seq);
    const std::string id = WithIdCheck(body);
    if (id.back() != 'X' && LuhnOk(id)) both = id;
  }
  ASSERT_FALSE(both.empty());
  ExpectOne("号码" + both, PiiKind::kIdCard18, both, both.substr(0, 2) + std::string(13, '*') + both.substr(15));
  // An 18-digit number passing Luhn whose ID check character is wrong is a
  // card number.
  std::string card;
  for (int seq = 0; seq < 1000 && card.empty(); ++seq) {
    char body[32];
    std::snprintf(body, sizeof body, "35052419800101%03d", seq);
    const std::string luhn = WithLuhn(body);
    if (luhn != WithIdCheck(body)) card = luhn;
  }
  ASSERT_FALSE(card.empty());
  ExpectOne(card, PiiKind::kBankCard, card, std::string(14, '*') + card.substr(14));
}

TEST(PiiTest, OverlapsPreferMobileOverCard) {
  // "xxxx xxxx xxxx xxxx 138" would be a 19-digit card if Luhn passed, but
  // the mobile "138 1234 5678" takes the 138; the first 16 digits may still
  // be a card of their own.
  const std::string card16 = WithLuhn("622202123456789");
  std::string head =
      card16.substr(0, 4) + " " + card16.substr(4, 4) + " " + card16.substr(8, 4) + " " + card16.substr(12, 4);
  const std::string text = head + " 138 1234 5678";
  const std::vector<Found> found = Scan(text);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].kind, PiiKind::kBankCard);
  EXPECT_EQ(found[0].raw, head);
  EXPECT_EQ(found[1].kind, PiiKind::kMobile);
  EXPECT_EQ(found[1].raw, "138 1234 5678");
}

TEST(PiiTest, FindingsAreSortedWithPositions) {
  const std::string text =
      "2024年低保名单\r\n"
      "张三，身份证11010519491231002X，电话138 1234 5678\n"
      "\n"
      "李四　卡号4111111111111111\r"
      "王五 旧证110105490101002";
  const std::vector<PiiFinding> found = ScanPersonalInfo(text);
  ASSERT_EQ(found.size(), 4u);
  struct Want {
    PiiKind kind;
    int line;
    int column;
    const char* raw;
  };
  const Want want[] = {
      {PiiKind::kIdCard18, 2, 7, "11010519491231002X"},
      {PiiKind::kMobile, 2, 28, "138 1234 5678"},
      {PiiKind::kBankCard, 4, 6, "4111111111111111"},
      {PiiKind::kIdCard15, 5, 6, "110105490101002"},
  };
  for (std::size_t i = 0; i < found.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(found[i].kind, want[i].kind);
    EXPECT_EQ(found[i].line, want[i].line);
    EXPECT_EQ(found[i].column, want[i].column);
    EXPECT_EQ(text.substr(found[i].offset, found[i].length), want[i].raw);
    if (i > 0) {
      EXPECT_GE(found[i].offset, found[i - 1].offset + found[i - 1].length);
    }
  }
}

TEST(PiiTest, MaskingIsIdempotentAndLeavesNothing) {
  const std::string card16 = WithLuhn("123456789012345");
  const std::string texts[] = {
      "张三，身份证11010519491231002X，电话+86 138 1234 5678，卡号4111 1111 1111 1111。",
      "１１０１０５１９４９１２３１００２Ｘ／１３８１２３４５６７８",
      "8613812345678 0086-13912345678 110105490101002",
      // After masking the mobile, its remnant "1234" must not join the
      // following groups into a card number.
      "13800001234 " + card16.substr(4, 4) + " " + card16.substr(8, 4) + " " + card16.substr(12, 4),
      "4111111111111111 4111111111111111",
      // An ID followed by a card number: masking the card must not free the
      // ID's check letter (fuzzer find).
      "11010519491231002X" + WithLuhn("101051949123100"),
      "无",
      "",
  };
  // (The groups of the fourth text are a card number when not joined to a
  // mask remnant.)
  EXPECT_EQ(Scan("卡1234 " + card16.substr(4, 4) + " " + card16.substr(8, 4) + " " + card16.substr(12, 4)).size(), 1u);
  for (const std::string& text : texts) {
    SCOPED_TRACE(text);
    const std::string masked = MaskPersonalInfo(text);
    EXPECT_TRUE(ScanPersonalInfo(masked).empty()) << masked;
    EXPECT_EQ(MaskPersonalInfo(masked), masked);
  }
  EXPECT_EQ(MaskPersonalInfo("张三，身份证11010519491231002X，电话+86 138 1234 5678，卡号4111 1111 1111 1111。"),
            "张三，身份证11*************02X，电话+86 138****5678，卡号************1111。");
  EXPECT_EQ(MaskPersonalInfo("8613812345678"), "86138****5678");
  EXPECT_EQ(MaskPersonalInfo("１３８１２３４５６７８号"), "138****5678号");
}

TEST(PiiTest, MaskFindingMasksOnlyThatOne) {
  const std::string text = "身份证11010519491231002X，电话138-1234-5678";
  const std::vector<PiiFinding> found = ScanPersonalInfo(text);
  ASSERT_EQ(found.size(), 2u);
  const std::string one = MaskFinding(text, found[1]);
  EXPECT_EQ(one, "身份证11010519491231002X，电话138****5678");
  const std::vector<PiiFinding> left = ScanPersonalInfo(one);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].kind, PiiKind::kIdCard18);
  EXPECT_EQ(MaskFinding(one, left[0]), MaskPersonalInfo(text));

  // A forged preview is ignored; a finding outside the text changes nothing.
  PiiFinding forged = found[0];
  forged.masked_preview = "11010519491231002X";
  EXPECT_EQ(MaskFinding(text, forged), "身份证11*************02X，电话138-1234-5678");
  PiiFinding outside = found[0];
  outside.offset = text.size();
  outside.length = 1;
  EXPECT_EQ(MaskFinding(text, outside), text);
}

TEST(PiiTest, PreviewNeverHoldsTheRawMiddle) {
  const std::string text =
      "11010519491231002X 110101199003074514 110105490101002 13812345678 +86 139-8765-4321 4111 1111 1111 1111 " +
      WithLuhn("622202123456789012");
  const std::vector<PiiFinding> found = ScanPersonalInfo(text);
  ASSERT_EQ(found.size(), 7u);
  for (const PiiFinding& f : found) {
    std::string digits;
    for (char c : text.substr(f.offset, f.length)) {
      if (c != ' ' && c != '-') digits += c;
    }
    SCOPED_TRACE(digits);
    const std::size_t head = f.kind == PiiKind::kMobile ? 3 : f.kind == PiiKind::kBankCard ? 0 : 2;
    const std::size_t tail = f.kind == PiiKind::kMobile || f.kind == PiiKind::kBankCard ? 4 : 3;
    const std::string middle = digits.substr(head, digits.size() - head - tail);
    EXPECT_EQ(f.masked_preview.size(), digits.size());
    EXPECT_EQ(f.masked_preview.find(digits), std::string::npos);
    EXPECT_EQ(f.masked_preview.substr(head, middle.size()), std::string(middle.size(), '*'));
    EXPECT_EQ(f.masked_preview.find_first_of("0123456789", head), f.masked_preview.size() - tail);
  }
}

TEST(PiiTest, Labels) {
  EXPECT_STREQ(PiiKindLabel(PiiKind::kIdCard18), "身份证号码");
  EXPECT_STREQ(PiiKindLabel(PiiKind::kIdCard15), "15位旧身份证号码");
  EXPECT_STREQ(PiiKindLabel(PiiKind::kMobile), "手机号码");
  EXPECT_STREQ(PiiKindLabel(PiiKind::kBankCard), "银行卡号");
}

TEST(PiiTest, InvalidUtf8IsScannedAroundBrokenBytes) {
  ExpectOne(
      "\xff\xfe"
      "13812345678\x80",
      PiiKind::kMobile, "13812345678", "138****5678");
  const std::vector<PiiFinding> found = ScanPersonalInfo(
      "\xe4\xb8"
      "13812345678");  // truncated CJK
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].column, 3);
}

}  // namespace
}  // namespace gongkai
