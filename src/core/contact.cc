#include "core/contact.h"

#include <cctype>

#include <fmt/core.h>

#include "core/date.h"  // QuoteInput

namespace gongkai {
namespace {

constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Internal stand-in for "转" after ToAscii(); '#' itself is refused there.
constexpr char kExtMark = '#';

constexpr std::string_view kBadChars = "含有数字、空格、“-”、“+”、括号和“转”以外的字符";
constexpr std::string_view kBadShape =
    "格式不正确，应为手机号码（如13812345678）或固定电话（如0471-2836212、(0471)2836212、2836212）";

// How a message names the input: a Chinese label ("联系电话") is the subject
// itself; an ASCII identifier ("leader_phone") follows the generic noun in
// parentheses ("电话号码（leader_phone）"); no field gives the noun alone.
std::string FieldSubject(std::string_view noun, std::string_view field) {
  if (field.empty()) return std::string(noun);
  for (const char c : field) {
    if (static_cast<unsigned char>(c) >= 0x80) return std::string(field);
  }
  return fmt::format("{}（{}）", noun, field);
}

class PhoneParser {
 public:
  // What Unexpected(Error) returns (std::unexpected or the compat shim).
  using Failure = decltype(Unexpected(Error{}));

  PhoneParser(std::string_view text, std::string_view field) : text_(text), field_(field) {}

  Result<std::string> Run() {
    if (!ToAscii()) return Fail(kBadChars);
    Trim();
    if (text_.empty()) {
      return Unexpected(Error::Invalid(fmt::format("{}不能为空", Label()), std::string(field_)));
    }
    if (s_.empty()) return Fail("只有空格，没有号码");
    if (s_.find_first_of("()#") == std::string::npos) {
      // Separators (runs of spaces and '-') only between digits; '+' only first.
      for (std::size_t k = 0; k < s_.size(); ++k) {
        const char c = s_[k];
        if (c == '+') {
          if (k != 0 || s_.size() < 2 || !IsDigit(s_[1])) return Fail(kBadShape);
        } else if (c == ' ' || c == '-') {
          if (k == 0 || k + 1 == s_.size()) return Fail(kBadShape);
        }
      }
      if (!IsDigit(s_.back())) return Fail(kBadShape);
      std::string digits;
      for (const char c : s_) {
        if (IsDigit(c)) digits += c;
      }
      if (s_[0] == '+') {
        if (digits.size() < 2 || digits.compare(0, 2, "86") != 0) return Fail("只支持中国大陆号码（+86）");
        return Mobile(std::string_view(digits).substr(2));
      }
      const std::string_view d = digits;
      if (d.size() == 11 && d[0] == '1') return Mobile(d);
      if (d.size() == 13 && d.starts_with("86") && d[2] == '1') return Mobile(d.substr(2));
      if (d.size() == 15 && d.starts_with("0086") && d[4] == '1') return Mobile(d.substr(4));
    }
    return Landline();
  }

 private:
  // Maps the full-width forms people type with a Chinese input method to
  // ASCII and "转" to kExtMark into s_. False on any other character.
  bool ToAscii() {
    const std::string_view t = text_;
    for (std::size_t i = 0; i < t.size();) {
      const auto c = static_cast<unsigned char>(t[i]);
      if (c < 0x80) {
        if (!IsDigit(static_cast<char>(c)) &&
            std::string_view(" -+()").find(static_cast<char>(c)) == std::string_view::npos) {
          return false;
        }
        s_ += static_cast<char>(c);
        ++i;
        continue;
      }
      if (i + 3 > t.size()) return false;
      const auto c1 = static_cast<unsigned char>(t[i + 1]);
      const auto c2 = static_cast<unsigned char>(t[i + 2]);
      if (c == 0xEF && c1 == 0xBC && c2 >= 0x90 && c2 <= 0x99) {
        s_ += static_cast<char>('0' + (c2 - 0x90));  // U+FF10..U+FF19
      } else if (c == 0xEF && c1 == 0xBC && c2 == 0x8D) {
        s_ += '-';  // U+FF0D
      } else if (c == 0xEF && c1 == 0xBC && c2 == 0x8B) {
        s_ += '+';  // U+FF0B
      } else if (c == 0xEF && c1 == 0xBC && c2 == 0x88) {
        s_ += '(';  // U+FF08
      } else if (c == 0xEF && c1 == 0xBC && c2 == 0x89) {
        s_ += ')';  // U+FF09
      } else if (c == 0xE3 && c1 == 0x80 && c2 == 0x80) {
        s_ += ' ';  // U+3000
      } else if (c == 0xE8 && c1 == 0xBD && c2 == 0xAC) {
        s_ += kExtMark;  // U+8F6C 转
      } else {
        return false;
      }
      i += 3;
    }
    return true;
  }

  void Trim() {
    const std::size_t b = s_.find_first_not_of(' ');
    if (b == std::string::npos) {
      s_.clear();
      return;
    }
    s_ = s_.substr(b, s_.find_last_not_of(' ') - b + 1);
  }

  std::string Label() const { return FieldSubject("电话号码", field_); }

  Failure Fail(std::string_view reason) const {
    return Unexpected(Error::Invalid(fmt::format("{}“{}”不是有效的电话号码：{}", Label(), QuoteInput(text_), reason),
                                     std::string(field_)));
  }

  // `d`: 11 digits starting with '1'.
  Result<std::string> Mobile(std::string_view d) const {
    if (d.size() != 11 || d[0] != '1') return Fail("手机号码应为11位数字");
    if (d[1] < '3' || d[1] > '9') return Fail("手机号码应以13–19开头");
    return std::string(d);
  }

  std::string_view Digits() {
    const std::size_t b = i_;
    while (i_ < s_.size() && IsDigit(s_[i_])) ++i_;
    return std::string_view(s_).substr(b, i_ - b);
  }

  void SkipSpaces() {
    while (i_ < s_.size() && s_[i_] == ' ') ++i_;
  }

  // Spaces with at most one '-' among them. Returns whether anything was
  // consumed; sets *ok to false on a second '-'.
  bool Separator(bool* ok) {
    const std::size_t b = i_;
    int hyphens = 0;
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '-')) {
      if (s_[i_] == '-') ++hyphens;
      ++i_;
    }
    *ok = hyphens <= 1;
    return i_ != b;
  }

  Result<std::string> Landline() {
    std::string_view area;
    std::string_view local;
    bool sep_ok = true;
    if (s_[0] == '(') {
      ++i_;
      area = Digits();
      if (i_ >= s_.size() || s_[i_] != ')') return Fail(kBadShape);
      ++i_;
      Separator(&sep_ok);
      if (!sep_ok) return Fail(kBadShape);
      if (area.size() < 3 || area.size() > 4 || area[0] != '0') return Fail("区号应为以0开头的3或4位数字");
    } else {
      const std::string_view first = Digits();
      if (first.empty()) return Fail(kBadShape);
      if (first[0] == '0') {
        area = first;
        const bool separated = Separator(&sep_ok);
        if (!sep_ok) return Fail(kBadShape);
        if (area.size() < 3 || area.size() > 4) {
          if (!separated && area.size() >= 10 && area.size() <= 12) {
            return Fail("区号与号码之间应以“-”分隔，如0471-2836212");
          }
          return Fail("区号应为以0开头的3或4位数字");
        }
        if (!separated && i_ < s_.size()) return Fail(kBadShape);
      } else {
        local = first;
      }
    }
    if (local.empty()) {
      if (i_ == s_.size()) return Fail("区号后缺少号码");
      local = Digits();
      if (local.empty()) return Fail(kBadShape);
    }
    if (local[0] == '1' && area.empty()) return Fail("以1开头的应为11位手机号码");
    if (local.size() < 7 || local.size() > 8 || local[0] == '0' || local[0] == '1') {
      return Fail("号码应为7或8位数字，且不以0或1开头");
    }
    std::string out = area.empty() ? std::string(local) : fmt::format("{}-{}", area, local);
    if (i_ == s_.size()) return out;

    // Extension.
    if (area.empty()) {
      SkipSpaces();
      if (i_ < s_.size() && IsDigit(s_[i_])) return Fail("一次只能填写一个号码");
      return Fail("只有带区号的固定电话才能加分机号，如0471-2836212转123");
    }
    SkipSpaces();
    if (i_ < s_.size() && (s_[i_] == kExtMark || s_[i_] == '-')) {
      ++i_;
    } else {
      return Fail(kBadShape);
    }
    SkipSpaces();
    const std::string_view ext = Digits();
    if (ext.empty() || ext.size() > 6) return Fail("分机号应为1至6位数字");
    if (i_ != s_.size()) return Fail(kBadShape);
    out += "转";
    out += ext;
    return out;
  }

  std::string_view text_;
  std::string_view field_;
  std::string s_;      // text_ after ToAscii() and Trim()
  std::size_t i_ = 0;  // read position in s_ (Landline)
};

}  // namespace

Result<std::string> NormalizePhone(std::string_view text, std::string_view field) {
  return PhoneParser(text, field).Run();
}

bool IsMobile(std::string_view normalized) {
  if (normalized.size() != 11 || normalized[0] != '1' || normalized[1] < '3' || normalized[1] > '9') return false;
  for (const char c : normalized) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

Result<std::string> NormalizeEmail(std::string_view text, std::string_view field) {
  auto trim_front = [&] {
    while (true) {
      if (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
      else if (text.starts_with("\u3000")) text.remove_prefix(3);
      else break;
    }
  };
  auto trim_back = [&] {
    while (true) {
      if (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
      else if (text.ends_with("\u3000")) text.remove_suffix(3);
      else break;
    }
  };
  trim_front();
  trim_back();
  if (text.empty()) return std::string();
  auto bad = [&](std::string_view why) {
    return Unexpected(Error::Invalid(fmt::format("电子邮箱“{}”无效：{}", text, why), std::string(field)));
  };
  if (text.size() > 254) return bad("地址长度超过254个字符");
  const auto at = text.rfind('@');
  if (at == std::string_view::npos) return bad("缺少@");
  std::string_view local = text.substr(0, at), domain = text.substr(at + 1);
  if (local.empty() || local.size() > 64) return bad("@前应为1至64个字符");
  static constexpr std::string_view kLocalExtra = "!#$%&'*+-/=?^_`{|}~.";
  for (char ch : local) {
    const auto u = static_cast<unsigned char>(ch);
    if (!(std::isalnum(u) && u < 0x80) && kLocalExtra.find(ch) == std::string_view::npos)
      return bad("@前含有不允许的字符");
  }
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos)
    return bad("@前的点号位置不对");
  if (domain.empty() || domain.size() > 253 || domain.find('.') == std::string_view::npos)
    return bad("@后应为域名，如 example.gov.cn");
  std::string lower;
  std::size_t label = 0;
  for (std::size_t i = 0; i <= domain.size(); ++i) {
    if (i == domain.size() || domain[i] == '.') {
      if (label == 0) return bad("域名中有空的部分");
      if (lower.back() == '-' || lower[lower.size() - label] == '-') return bad("域名的部分不能以连字符开头或结尾");
      label = 0;
      if (i < domain.size()) lower += '.';
      continue;
    }
    const auto u = static_cast<unsigned char>(domain[i]);
    if (!((std::isalnum(u) && u < 0x80) || domain[i] == '-')) return bad("域名含有不允许的字符");
    if (++label > 63) return bad("域名的部分过长");
    lower += static_cast<char>(std::tolower(u));
  }
  return fmt::format("{}@{}", local, lower);
}

}  // namespace gongkai
