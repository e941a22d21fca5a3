// Personal-information scanner run before a disclosure record is submitted
// (DOMAIN.md "Personal information in published lists"): finds mainland ID
// numbers, mobile numbers and bank card numbers in UTF-8 text and masks
// them ("35*************123", "138****1234", "************1234").
// Every function is pure and thread-safe; none of them fails: input that is
// not valid UTF-8 is scanned byte by byte where it is broken.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace gongkai {

enum class PiiKind {
  kIdCard18,  // 18-character resident ID number (GB 11643), check digit valid
  kIdCard15,  // 15-digit ID number issued before 1999
  kMobile,    // 11-digit mainland mobile number 1[3-9]xxxxxxxxx
  kBankCard,  // 16-19 digit card number passing the Luhn check
};

// Name for people, Simplified Chinese: "身份证号码", "15位旧身份证号码",
// "手机号码", "银行卡号". The returned string is static.
[[nodiscard]] const char* PiiKindLabel(PiiKind kind);

struct PiiFinding {
  PiiKind kind = PiiKind::kIdCard18;
  // Bytes [offset, offset + length) of the scanned text hold the number,
  // including any single separators inside it ("138 1234 5678") but not a
  // country prefix ("+86", "86", "0086"), which is left in the text.
  std::size_t offset = 0;
  std::size_t length = 0;
  int line = 0;    // 1-based; "\n", "\r\n" and a lone "\r" end a line
  int column = 0;  // 1-based, in characters (an invalid byte counts as one)
  // The replacement MaskPersonalInfo writes: ASCII digits, 'X' and '*',
  // separators removed, never the whole number. "35*************123".
  std::string masked_preview;
  // Where the scanned text came from, for the editor: empty for the
  // record's own title and body, else an attachment's file name (set by the
  // caller; ScanPersonalInfo leaves it empty).
  std::string where;

  friend bool operator==(const PiiFinding&, const PiiFinding&) = default;
};

// Finds personal information in `text`, sorted by offset, non-overlapping.
//
// Digits may be ASCII or full-width ("０"-"９"); the ID check character may
// be "X", "x", "Ｘ" or "ｘ". A number counts only when it is not part of a
// longer run of digits: letters, CJK, punctuation and spaces around it are
// fine, but "91101011990030745141" (20 digits) holds no 18-digit ID.
// A run of at most 4 digits touching '*' is the remnant of a mask and never
// joins a grouped number, and an ID check letter followed by '*' ends no ID,
// so masked text is not found again.
//
//  * kIdCard18: 17 digits and a check character, in one unbroken run: area
//    code whose first digit is 1-8, birth date YYYYMMDD (1900-2099, a real
//    calendar date), sequence, ISO 7064 MOD 11-2 check character. A wrong
//    check character means it is not an ID (it may still be a bank card).
//  * kIdCard15: 15 digits in one run: area code 1-8xxxxx, birth date YYMMDD
//    valid as 19YYMMDD, 3-digit sequence.
//  * kMobile: 11 digits 1[3-9]xxxxxxxxx, either unbroken or in groups 3-4-4,
//    3-8 or 7-4 separated by a single space or hyphen (ASCII or full-width:
//    " ", "-", "　", "－"). "86" or "0086" may be run together with it
//    ("8613812345678"); it is not part of the finding. "+86 138 1234 5678"
//    finds "138 1234 5678".
//  * kBankCard: 16-19 digits passing the Luhn check, either unbroken or in
//    four groups of 4 and an optional last group of 1-3, separated as for
//    mobiles ("4111 1111 1111 1111"); never a number that is a valid
//    kIdCard18.
//
// When candidates overlap, IDs win over mobiles and mobiles over bank cards;
// among bank cards the leftmost, then the longest, wins.
[[nodiscard]] std::vector<PiiFinding> ScanPersonalInfo(std::string_view text);

// `text` with every finding of ScanPersonalInfo replaced by its
// masked_preview; all other bytes are copied unchanged. Idempotent:
// MaskPersonalInfo(MaskPersonalInfo(x)) == MaskPersonalInfo(x), and
// ScanPersonalInfo(MaskPersonalInfo(x)) is empty.
[[nodiscard]] std::string MaskPersonalInfo(std::string_view text);

// `text` with only `finding` masked (the "one-click masking" of one
// reported number). The mask is recomputed from the bytes the finding
// covers and its kind, so a stale masked_preview cannot leak anything.
// `finding` should come from ScanPersonalInfo(text); if its range is not
// inside `text`, `text` is returned unchanged.
[[nodiscard]] std::string MaskFinding(std::string_view text, const PiiFinding& finding);

}  // namespace gongkai
