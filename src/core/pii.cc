#include "core/pii.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <tuple>
#include <utility>

#include "core/utf8.h"

namespace gongkai {
namespace {

// ---- characters -------------------------------------------------------------

enum class UnitClass : std::uint8_t { kDigit, kCheckX, kSeparator, kAsterisk, kOther };

// One character of the scanned text (or one byte that is not valid UTF-8).
struct Unit {
  std::size_t offset = 0;  // in bytes
  std::uint8_t size = 0;   // in bytes, 1-4
  UnitClass cls = UnitClass::kOther;
  char ascii = 0;  // '0'-'9' for kDigit, 'X' for kCheckX
};

void Classify(char32_t cp, Unit* unit) {
  if (cp >= U'0' && cp <= U'9') {
    unit->cls = UnitClass::kDigit;
    unit->ascii = static_cast<char>('0' + (cp - U'0'));
  } else if (cp >= 0xFF10 && cp <= 0xFF19) {  // full-width digits
    unit->cls = UnitClass::kDigit;
    unit->ascii = static_cast<char>('0' + (cp - 0xFF10));
  } else if (cp == U'X' || cp == U'x' || cp == 0xFF38 || cp == 0xFF58) {
    unit->cls = UnitClass::kCheckX;
    unit->ascii = 'X';
  } else if (cp == U' ' || cp == U'-' || cp == 0x3000 || cp == 0xFF0D) {
    unit->cls = UnitClass::kSeparator;
  } else if (cp == U'*' || cp == 0xFF0A) {
    unit->cls = UnitClass::kAsterisk;
  }
}

std::vector<Unit> Decode(std::string_view text) {
  std::vector<Unit> units;
  units.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    Unit unit;
    unit.offset = i;
    char32_t cp = 0;
    const std::size_t len = DecodeUtf8(text, i, cp);
    unit.size = static_cast<std::uint8_t>(len == 0 ? 1 : len);
    if (len != 0) Classify(cp, &unit);
    units.push_back(unit);
    i += unit.size;
  }
  return units;
}

// Fills in line and column of `findings` (sorted by offset) in one pass.
void Locate(std::string_view text, std::vector<PiiFinding>* findings) {
  int line = 1;
  int column = 1;
  std::size_t i = 0;
  for (PiiFinding& f : *findings) {
    while (i < f.offset) {
      char32_t cp = 0;
      const std::size_t len = DecodeUtf8(text, i, cp);
      i += len == 0 ? 1 : len;
      // "\r\n" is one line end: the "\r" then counts as a column.
      const bool line_end = len == 1 && (cp == U'\n' || (cp == U'\r' && (i == text.size() || text[i] != '\n')));
      if (line_end) {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    f.line = line;
    f.column = column;
  }
}

// ---- number rules -----------------------------------------------------------

int DigitsValue(std::string_view digits) {
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

bool IsValidDate(int year, int month, int day) {
  if (year < 1900 || year > 2099 || month < 1 || month > 12 || day < 1) return false;
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  const int days = kDays[static_cast<std::size_t>(month - 1)] + (month == 2 && leap ? 1 : 0);
  return day <= days;
}

// `id` is 18 characters: 17 ASCII digits and a digit or 'X'.
bool IsValidId18(std::string_view id) {
  if (id.size() != 18 || id[0] < '1' || id[0] > '8') return false;
  if (!IsValidDate(DigitsValue(id.substr(6, 4)), DigitsValue(id.substr(10, 2)), DigitsValue(id.substr(12, 2)))) {
    return false;
  }
  static constexpr std::array<int, 17> kWeights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (std::size_t k = 0; k < 17; ++k) sum += (id[k] - '0') * kWeights[k];
  return id[17] == "10X98765432"[sum % 11];
}

// `id` is 15 ASCII digits.
bool IsValidId15(std::string_view id) {
  return id.size() == 15 && id[0] >= '1' && id[0] <= '8' &&
         IsValidDate(1900 + DigitsValue(id.substr(6, 2)), DigitsValue(id.substr(8, 2)), DigitsValue(id.substr(10, 2)));
}

bool IsMobileNumber(std::string_view digits) {
  return digits.size() == 11 && digits[0] == '1' && digits[1] >= '3' && digits[1] <= '9';
}

// `digits` are ASCII digits.
bool PassesLuhn(std::string_view digits) {
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int d = *it - '0';
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

bool IsBankCard(std::string_view digits) {
  return digits.size() >= 16 && digits.size() <= 19 && PassesLuhn(digits) && !IsValidId18(digits);
}

// The mask of a number whose digits (and check 'X') are `chars`.
std::string MaskChars(PiiKind kind, std::string_view chars) {
  std::size_t head = 0;
  std::size_t tail = 0;
  switch (kind) {
    case PiiKind::kIdCard18:
    case PiiKind::kIdCard15:
      head = 2, tail = 3;
      break;
    case PiiKind::kMobile:
      head = 3, tail = 4;
      break;
    case PiiKind::kBankCard:
      head = 0, tail = 4;
      break;
  }
  std::string mask(chars.size(), '*');
  if (chars.size() > head + tail) {  // never reveal a short number whole
    for (std::size_t k = 0; k < head; ++k) mask[k] = chars[k];
    for (std::size_t k = chars.size() - tail; k < chars.size(); ++k) mask[k] = chars[k];
  }
  return mask;
}

// ---- candidates -------------------------------------------------------------

// A maximal run of digit units [begin, end).
struct Run {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::string digits;    // ASCII
  bool remnant = false;  // at most 4 digits touching '*': part of a mask
};

struct Candidate {
  PiiKind kind = PiiKind::kIdCard18;
  std::size_t first_run = 0;  // runs [first_run, end_run) are used up
  std::size_t end_run = 0;
  std::size_t begin = 0;  // units [begin, end) are the finding
  std::size_t end = 0;
  std::string chars;  // digits and check 'X', ASCII
};

int Priority(PiiKind kind) {
  switch (kind) {
    case PiiKind::kIdCard18:
      return 0;
    case PiiKind::kIdCard15:
      return 1;
    case PiiKind::kMobile:
      return 2;
    case PiiKind::kBankCard:
      return 3;
  }
  return 3;
}

class CandidateFinder {
 public:
  CandidateFinder(const std::vector<Unit>& units, const std::vector<Run>& runs) : units_(units), runs_(runs) {}

  std::vector<Candidate> FindAll() {
    for (std::size_t r = 0; r < runs_.size(); ++r) {
      AddIds(r);
      AddMobiles(r);
      AddBankCards(r);
    }
    return std::move(candidates_);
  }

 private:
  // Runs r and r + 1 are separated by exactly one separator.
  bool Joined(std::size_t r) const {
    return r + 1 < runs_.size() && runs_[r].end + 1 == runs_[r + 1].begin &&
           units_[runs_[r].end].cls == UnitClass::kSeparator;
  }

  // Runs [r, r + lengths.size()) are joined, not remnants, and have these
  // lengths (the first one `extra` digits longer).
  bool Grouped(std::size_t r, std::span<const std::size_t> lengths, std::size_t extra = 0) const {
    std::size_t k = 0;
    for (std::size_t want : lengths) {
      const std::size_t at = r + k;
      if (at >= runs_.size() || runs_[at].remnant || runs_[at].digits.size() != want + (k == 0 ? extra : 0)) {
        return false;
      }
      if (k > 0 && !Joined(at - 1)) return false;
      ++k;
    }
    return true;
  }

  void Add(PiiKind kind, std::size_t first_run, std::size_t run_count, std::size_t skip, std::size_t end_unit,
           std::string chars) {
    candidates_.push_back(
        Candidate{kind, first_run, first_run + run_count, runs_[first_run].begin + skip, end_unit, std::move(chars)});
  }

  std::string Concat(std::size_t r, std::size_t count, std::size_t skip) const {
    std::string digits;
    for (std::size_t k = 0; k < count; ++k) digits += runs_[r + k].digits;
    return digits.substr(skip);
  }

  void AddIds(std::size_t r) {
    const Run& run = runs_[r];
    if (run.digits.size() == 18 && IsValidId18(run.digits)) {
      Add(PiiKind::kIdCard18, r, 1, 0, run.end, run.digits);
    }
    // After the check letter, '*' counts like a digit: "X****1234" is the
    // masked continuation of a longer number, as was "X12341234...".
    if (run.digits.size() == 17 && run.end < units_.size() && units_[run.end].cls == UnitClass::kCheckX &&
        (run.end + 1 == units_.size() ||
         (units_[run.end + 1].cls != UnitClass::kDigit && units_[run.end + 1].cls != UnitClass::kAsterisk))) {
      std::string id = run.digits + 'X';
      if (IsValidId18(id)) Add(PiiKind::kIdCard18, r, 1, 0, run.end + 1, std::move(id));
    }
    if (run.digits.size() == 15 && IsValidId15(run.digits)) {
      Add(PiiKind::kIdCard15, r, 1, 0, run.end, run.digits);
    }
  }

  void AddMobiles(std::size_t r) {
    static constexpr std::array<std::string_view, 3> kPrefixes = {"", "86", "0086"};
    static constexpr std::array<std::size_t, 1> kWhole = {11};
    static constexpr std::array<std::size_t, 2> kThreeEight = {3, 8};
    static constexpr std::array<std::size_t, 2> kSevenFour = {7, 4};
    static constexpr std::array<std::size_t, 3> kThreeFourFour = {3, 4, 4};
    static constexpr std::array<std::span<const std::size_t>, 4> kGroupings = {kWhole, kThreeEight, kSevenFour,
                                                                               kThreeFourFour};
    for (std::string_view prefix : kPrefixes) {
      if (!runs_[r].digits.starts_with(prefix)) continue;
      for (std::span<const std::size_t> grouping : kGroupings) {
        if (!Grouped(r, grouping, prefix.size())) continue;
        std::string digits = Concat(r, grouping.size(), prefix.size());
        if (!IsMobileNumber(digits)) continue;
        Add(PiiKind::kMobile, r, grouping.size(), prefix.size(), runs_[r + grouping.size() - 1].end, std::move(digits));
      }
    }
  }

  void AddBankCards(std::size_t r) {
    const Run& run = runs_[r];
    if (IsBankCard(run.digits)) Add(PiiKind::kBankCard, r, 1, 0, run.end, run.digits);
    static constexpr std::array<std::size_t, 4> kFours = {4, 4, 4, 4};
    if (!Grouped(r, kFours)) return;
    std::string digits = Concat(r, 4, 0);
    if (IsBankCard(digits)) Add(PiiKind::kBankCard, r, 4, 0, runs_[r + 3].end, digits);
    if (Joined(r + 3) && !runs_[r + 4].remnant && runs_[r + 4].digits.size() <= 3) {
      digits += runs_[r + 4].digits;
      if (IsBankCard(digits)) Add(PiiKind::kBankCard, r, 5, 0, runs_[r + 4].end, std::move(digits));
    }
  }

  const std::vector<Unit>& units_;
  const std::vector<Run>& runs_;
  std::vector<Candidate> candidates_;
};

std::vector<Run> FindRuns(const std::vector<Unit>& units) {
  std::vector<Run> runs;
  std::size_t i = 0;
  while (i < units.size()) {
    if (units[i].cls != UnitClass::kDigit) {
      ++i;
      continue;
    }
    Run run;
    run.begin = i;
    while (i < units.size() && units[i].cls == UnitClass::kDigit) run.digits += units[i++].ascii;
    run.end = i;
    const bool after_star = run.begin > 0 && units[run.begin - 1].cls == UnitClass::kAsterisk;
    const bool before_star = run.end < units.size() && units[run.end].cls == UnitClass::kAsterisk;
    run.remnant = run.digits.size() <= 4 && (after_star || before_star);
    runs.push_back(std::move(run));
  }
  return runs;
}

}  // namespace

const char* PiiKindLabel(PiiKind kind) {
  switch (kind) {
    case PiiKind::kIdCard18:
      return "身份证号码";
    case PiiKind::kIdCard15:
      return "15位旧身份证号码";
    case PiiKind::kMobile:
      return "手机号码";
    case PiiKind::kBankCard:
      return "银行卡号";
  }
  return "个人信息";
}

std::vector<PiiFinding> ScanPersonalInfo(std::string_view text) {
  const std::vector<Unit> units = Decode(text);
  const std::vector<Run> runs = FindRuns(units);
  std::vector<Candidate> candidates = CandidateFinder(units, runs).FindAll();

  // Greedy choice by kind, then position, then length: every candidate left
  // out overlaps a chosen one, which is what makes masking idempotent.
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    return std::make_tuple(Priority(a.kind), a.begin, b.end) < std::make_tuple(Priority(b.kind), b.begin, a.end);
  });
  std::vector<bool> used(runs.size(), false);
  std::vector<PiiFinding> findings;
  for (const Candidate& c : candidates) {
    if (std::any_of(used.begin() + static_cast<std::ptrdiff_t>(c.first_run),
                    used.begin() + static_cast<std::ptrdiff_t>(c.end_run), [](bool u) { return u; })) {
      continue;
    }
    std::fill(used.begin() + static_cast<std::ptrdiff_t>(c.first_run),
              used.begin() + static_cast<std::ptrdiff_t>(c.end_run), true);
    const Unit& first = units[c.begin];
    const Unit& last = units[c.end - 1];
    findings.push_back(
        PiiFinding{c.kind, first.offset, last.offset + last.size - first.offset, 0, 0, MaskChars(c.kind, c.chars)});
  }
  std::sort(findings.begin(), findings.end(),
            [](const PiiFinding& a, const PiiFinding& b) { return a.offset < b.offset; });
  Locate(text, &findings);
  return findings;
}

std::string MaskPersonalInfo(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t copied = 0;
  for (const PiiFinding& f : ScanPersonalInfo(text)) {
    out.append(text.substr(copied, f.offset - copied));
    out += f.masked_preview;
    copied = f.offset + f.length;
  }
  out.append(text.substr(copied));
  return out;
}

std::string MaskFinding(std::string_view text, const PiiFinding& finding) {
  if (finding.offset > text.size() || finding.length > text.size() - finding.offset) return std::string(text);
  std::string chars;
  for (const Unit& unit : Decode(text.substr(finding.offset, finding.length))) {
    if (unit.cls == UnitClass::kDigit || unit.cls == UnitClass::kCheckX) chars += unit.ascii;
  }
  std::string out(text.substr(0, finding.offset));
  out += MaskChars(finding.kind, chars);
  out.append(text.substr(finding.offset + finding.length));
  return out;
}

}  // namespace gongkai
