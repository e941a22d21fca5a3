// The liaison registration (《三大领域信息公开联络员登记表》): rounds opened by
// the office, each unit's form, and the status board. Plain data and rules.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace gongkai {

struct RegistrationRound {
  std::int64_t id = 0;
  std::int64_t site_id = 0;
  std::string title;
  std::string deadline;       // ISO 8601 with offset, e.g. "2018-07-13T17:30:00+08:00"
  std::string paper_address;  // where the signed and stamped paper form goes
  std::string paper_phones;   // contact phones, "2836212、2836275"
  std::string created_at;
};

struct Person {
  std::string name;   // 姓名
  std::string post;   // 职务
  std::string phone;  // 联系电话, normalised
  bool operator==(const Person&) const = default;
};

enum class PaperStatus { kNone, kReceived, kReturned };
const char* PaperStatusName(PaperStatus s);   // "none", "received", "returned"
const char* PaperStatusLabel(PaperStatus s);  // "未收到", "已签收", "已退回"
std::optional<PaperStatus> ParsePaperStatus(std::string_view token);

struct Registration {
  std::int64_t round_id = 0;
  std::string unit;               // the unit's name
  Person leader;                  // 分管领导
  Person liaison;                 // 三大领域信息公开联络员
  std::string affiliation;        // 所属单位 as written on the form
  std::string submitted_at;       // last submission, ISO 8601 UTC
  std::string first_submitted_at; // first submission: decides on time / late
  std::string submitted_by;       // username
  PaperStatus paper = PaperStatus::kNone;
  std::string paper_note;         // reason when returned, remark when received
  std::string paper_at;
  std::string scan_sha256;        // optional scan of the paper form
};

// What a unit types into the form (raw, before validation).
struct RegistrationForm {
  Person leader;
  Person liaison;
  std::string affiliation;
};

// Validates and normalises a form: every name and post present and at most
// 50 characters; phones valid mainland mobile or landline numbers (see
// core/contact.h), normalised. Errors name the field, e.g. "liaison_phone".
[[nodiscard]] Result<RegistrationForm> ValidateRegistrationForm(const RegistrationForm& form);

enum class RegistrationState { kOnTime, kLate, kMissing };
const char* RegistrationStateLabel(RegistrationState s);  // "按时登记", "逾期登记", "未登记"

// On time when the first submission is at or before the deadline (the
// deadline instant itself counts as on time); late after it.
RegistrationState ClassifyRegistration(const std::optional<std::chrono::sys_seconds>& first_submitted,
                                       std::chrono::sys_seconds deadline);

}  // namespace gongkai
