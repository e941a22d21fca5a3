#include "core/registration.h"

#include <fmt/core.h>

#include "core/contact.h"

namespace gongkai {

const char* PaperStatusName(PaperStatus s) {
  switch (s) {
    case PaperStatus::kNone: return "none";
    case PaperStatus::kReceived: return "received";
    case PaperStatus::kReturned: return "returned";
  }
  return "none";
}

const char* PaperStatusLabel(PaperStatus s) {
  switch (s) {
    case PaperStatus::kNone: return "未收到";
    case PaperStatus::kReceived: return "已签收";
    case PaperStatus::kReturned: return "已退回";
  }
  return "未收到";
}

std::optional<PaperStatus> ParsePaperStatus(std::string_view t) {
  for (PaperStatus s : {PaperStatus::kNone, PaperStatus::kReceived, PaperStatus::kReturned})
    if (t == PaperStatusName(s)) return s;
  return std::nullopt;
}

const char* RegistrationStateLabel(RegistrationState s) {
  switch (s) {
    case RegistrationState::kOnTime: return "按时登记";
    case RegistrationState::kLate: return "逾期登记";
    case RegistrationState::kMissing: return "未登记";
  }
  return "未登记";
}

namespace {

std::size_t CodePoints(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return std::string(s);
}

Status CheckText(std::string& value, std::string_view field, std::string_view label) {
  value = Trim(value);
  if (value.empty()) return Unexpected(Error::Invalid(fmt::format("请填写{}", label), std::string(field)));
  if (CodePoints(value) > 50)
    return Unexpected(Error::Invalid(fmt::format("{}不能超过50个字", label), std::string(field)));
  for (unsigned char c : value)
    if (c < 0x20) return Unexpected(Error::Invalid(fmt::format("{}含有控制字符", label), std::string(field)));
  return Ok();
}

Status CheckPerson(Person& p, std::string_view prefix, std::string_view who) {
  GK_CHECK(CheckText(p.name, fmt::format("{}_name", prefix), fmt::format("{}姓名", who)));
  GK_CHECK(CheckText(p.post, fmt::format("{}_post", prefix), fmt::format("{}职务", who)));
  GK_TRY(phone, NormalizePhone(Trim(p.phone), fmt::format("{}_phone", prefix)));
  p.phone = std::move(phone);
  return Ok();
}

}  // namespace

Result<RegistrationForm> ValidateRegistrationForm(const RegistrationForm& in) {
  RegistrationForm f = in;
  GK_CHECK(CheckPerson(f.leader, "leader", "分管领导"));
  GK_CHECK(CheckPerson(f.liaison, "liaison", "联络员"));
  GK_CHECK(CheckText(f.affiliation, "affiliation", "所属单位"));
  return f;
}

RegistrationState ClassifyRegistration(const std::optional<std::chrono::sys_seconds>& first_submitted,
                                       std::chrono::sys_seconds deadline) {
  if (!first_submitted) return RegistrationState::kMissing;
  return *first_submitted <= deadline ? RegistrationState::kOnTime : RegistrationState::kLate;
}

}  // namespace gongkai
