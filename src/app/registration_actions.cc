#include "app/registration_actions.h"

#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "app/crypto.h"
#include "codec/xlsx.h"
#include "core/file_type.h"
#include "core/timestamp.h"

namespace gongkai {

namespace {

std::string RegistrationJson(const Registration& r) {
  nlohmann::ordered_json j;
  j["unit"] = r.unit;
  j["leader"] = {{"name", r.leader.name}, {"post", r.leader.post}, {"phone", r.leader.phone}};
  j["liaison"] = {{"name", r.liaison.name}, {"post", r.liaison.post}, {"phone", r.liaison.phone}};
  j["affiliation"] = r.affiliation;
  j["first_submitted_at"] = r.first_submitted_at;
  j["submitted_at"] = r.submitted_at;
  j["paper"] = PaperStatusName(r.paper);
  j["paper_note"] = r.paper_note;
  j["scan_sha256"] = r.scan_sha256;
  return j.dump();
}

// "13812345678" -> itself; "0471-2836212转12" -> "0471-2836212x12".
std::string UsernameFromPhone(const std::string& phone) {
  std::string out;
  for (std::size_t i = 0; i < phone.size(); ++i) {
    if (phone.compare(i, 3, "转") == 0) {
      out += 'x';
      i += 2;
    } else {
      out += phone[i];
    }
  }
  return out;
}

Result<std::chrono::sys_seconds> Deadline(const RegistrationRound& r) { return ParseTimestamp(r.deadline, "deadline"); }

RegistrationState StateOf(const std::optional<Registration>& reg, std::chrono::sys_seconds deadline) {
  std::optional<std::chrono::sys_seconds> first;
  if (reg) {
    auto t = ParseTimestamp(reg->first_submitted_at, "first_submitted_at");
    if (t) first = *t;
  }
  return ClassifyRegistration(first, deadline);
}

}  // namespace

RegistrationRound SeedRound() {
  RegistrationRound r;
  r.title = "三大领域信息公开联络员登记";
  r.deadline = "2018-07-13T17:30:00+08:00";
  r.paper_address = "区党政大楼1号楼212房间";
  r.paper_phones = "2836212、2836275";
  return r;
}

Result<RegistrationRound> OpenRound(const Context& ctx, RegistrationRound round) {
  GK_CHECK(Authorize(ctx.actor, Action::kManageRounds));
  if (round.title.empty()) return Unexpected(Error::Invalid("请填写登记名称", "title"));
  GK_TRY(deadline, ParseTimestamp(round.deadline, "deadline"));
  round.deadline = FormatBeijingIso(deadline);
  if (round.paper_address.empty()) return Unexpected(Error::Invalid("请填写纸质登记表的报送地点", "paper_address"));
  round.site_id = ctx.actor.site_id;
  round.created_at = ctx.NowUtc();
  nlohmann::ordered_json after = {{"title", round.title},
                                  {"deadline", round.deadline},
                                  {"paper_address", round.paper_address},
                                  {"paper_phones", round.paper_phones}};
  return ctx.store.CreateRound(round, ctx.Audit("发起联络员登记", "登记轮次", "null", after.dump()));
}

Result<Registration> SubmitRegistration(const Context& ctx, const Catalog& catalog, std::int64_t round_id,
                                        const std::string& unit, const RegistrationForm& form) {
  GK_CHECK(Authorize(ctx.actor, Action::kRegisterUnit, unit));
  GK_TRY(round, ctx.store.GetRound(ctx.actor.site_id, round_id));
  (void)round;
  const UnitInfo* info = catalog.FindUnit(unit);
  if (!info || !info->active) return Unexpected(Error::NotFound(fmt::format("没有名为“{}”的责任单位", unit)));
  GK_TRY(valid, ValidateRegistrationForm(form));
  GK_TRY(existing, ctx.store.GetRegistration(round_id, unit));
  Registration r;
  if (existing) r = *existing;
  std::string before = existing ? RegistrationJson(*existing) : "null";
  r.round_id = round_id;
  r.unit = unit;
  r.leader = valid.leader;
  r.liaison = valid.liaison;
  r.affiliation = valid.affiliation;
  r.submitted_at = ctx.NowUtc();
  if (r.first_submitted_at.empty()) r.first_submitted_at = r.submitted_at;
  r.submitted_by = ctx.actor.username;
  // A form sent back is pending again once the unit resubmits.
  if (r.paper == PaperStatus::kReturned) r.paper = PaperStatus::kNone;

  std::vector<Account> accounts;
  auto make = [&](const Person& p, Role role) {
    Account a;
    a.site_id = ctx.actor.site_id;
    a.username = UsernameFromPhone(p.phone);
    a.display_name = p.name;
    a.role = role;
    a.unit = unit;
    a.created_at = r.submitted_at;
    return a;
  };
  accounts.push_back(make(r.liaison, Role::kLiaison));
  Account leader = make(r.leader, Role::kLeader);
  if (leader.username == accounts.front().username) leader.username += "-leader";
  accounts.push_back(leader);
  for (const auto& a : accounts) {
    auto other = ctx.store.FindAccount(a.site_id, a.username);
    if (other && (other->unit != unit || (other->role != Role::kLiaison && other->role != Role::kLeader)))
      return Unexpected(Error::Conflict(
          fmt::format("电话号码{}已是其他单位或其他角色的登录账号，请核对", a.username),
          a.role == Role::kLiaison ? "liaison_phone" : "leader_phone"));
  }
  GK_CHECK(ctx.store.SaveRegistration(
      r, accounts, ctx.Audit("填报联络员登记表", fmt::format("登记轮次:{} 单位:{}", round_id, unit), before,
                             RegistrationJson(r))));
  return r;
}

Result<Registration> ReviewPaperForm(const Context& ctx, std::int64_t round_id, const std::string& unit,
                                     PaperStatus status, const std::string& note, const std::string& scan) {
  GK_CHECK(Authorize(ctx.actor, Action::kReviewPaperForm, unit));
  GK_TRY(round, ctx.store.GetRound(ctx.actor.site_id, round_id));
  (void)round;
  GK_TRY(existing, ctx.store.GetRegistration(round_id, unit));
  if (!existing) return Unexpected(Error::Conflict(fmt::format("{}尚未在线登记，不能签收纸质登记表", unit), "unit"));
  if (status == PaperStatus::kNone) return Unexpected(Error::Invalid("请选择签收或退回", "status"));
  if (status == PaperStatus::kReturned && note.empty())
    return Unexpected(Error::Invalid("退回纸质登记表时请填写理由", "note"));
  Registration r = *existing;
  std::string before = RegistrationJson(r);
  if (!scan.empty()) {
    if (status != PaperStatus::kReceived) return Unexpected(Error::Invalid("只有签收时才能上传扫描件", "scan"));
    if (scan.size() > kMaxScanBytes)
      return Unexpected(Error::Invalid(fmt::format("扫描件超过10MB（{}字节）", scan.size()), "scan"));
    FileType type = SniffFileType(scan);
    if (type != FileType::kPdf && type != FileType::kJpeg && type != FileType::kPng)
      return Unexpected(Error::Invalid(
          fmt::format("扫描件必须是PDF、JPEG或PNG文件（按文件内容识别为：{}）", FileTypeLabel(type)), "scan"));
    StoredFile f{Sha256Hex(scan), MimeType(type), static_cast<std::int64_t>(scan.size()), scan, ctx.NowUtc()};
    GK_CHECK(ctx.store.PutFile(f));
    r.scan_sha256 = f.sha256;
  }
  r.paper = status;
  r.paper_note = note;
  r.paper_at = ctx.NowUtc();
  GK_CHECK(ctx.store.SaveRegistration(
      r, {}, ctx.Audit(status == PaperStatus::kReceived ? "签收纸质登记表" : "退回纸质登记表",
                       fmt::format("登记轮次:{} 单位:{}", round_id, unit), before, RegistrationJson(r))));
  return r;
}

Result<StoredFile> LoadPaperFormScan(const Context& ctx, const std::string& sha256) {
  GK_CHECK(Authorize(ctx.actor, Action::kViewRoll));
  GK_TRY(rounds, ctx.store.ListRounds(ctx.actor.site_id));
  for (const auto& round : rounds) {
    GK_TRY(regs, ctx.store.ListRegistrations(round.id));
    for (const auto& reg : regs)
      if (!reg.scan_sha256.empty() && reg.scan_sha256 == sha256) return ctx.store.GetFile(sha256);
  }
  return Unexpected(Error::NotFound("没有这份登记表扫描件"));
}

Result<Roll> LoadRoll(const Context& ctx, const Catalog& catalog, std::int64_t round_id) {
  GK_CHECK(Authorize(ctx.actor, Action::kViewRoll));
  GK_TRY(round, ctx.store.GetRound(ctx.actor.site_id, round_id));
  GK_TRY(deadline, Deadline(round));
  GK_TRY(regs, ctx.store.ListRegistrations(round_id));
  Roll roll;
  roll.round = round;
  for (const auto& u : catalog.units) {
    if (!u.active) continue;
    RollRow row;
    row.unit = u;
    for (const auto& r : regs)
      if (r.unit == u.name) row.registration = r;
    row.state = StateOf(row.registration, deadline);
    if (row.state == RegistrationState::kOnTime) ++roll.on_time;
    if (row.state == RegistrationState::kLate) ++roll.late;
    if (row.state == RegistrationState::kMissing) ++roll.missing;
    if (row.registration && row.registration->paper == PaperStatus::kReceived) ++roll.paper_received;
    roll.rows.push_back(std::move(row));
  }
  return roll;
}

Result<RollRow> LoadUnitRegistration(const Context& ctx, const Catalog& catalog, std::int64_t round_id,
                                     const std::string& unit) {
  GK_CHECK(Authorize(ctx.actor, Action::kViewOwnRegistration, unit));
  GK_TRY(round, ctx.store.GetRound(ctx.actor.site_id, round_id));
  GK_TRY(deadline, Deadline(round));
  const UnitInfo* info = catalog.FindUnit(unit);
  if (!info) return Unexpected(Error::NotFound(fmt::format("没有名为“{}”的责任单位", unit)));
  RollRow row;
  row.unit = *info;
  GK_TRY(reg, ctx.store.GetRegistration(round_id, unit));
  row.registration = reg;
  row.state = StateOf(reg, deadline);
  return row;
}

Result<std::string> ExportRollXlsx(const Context& ctx, const Catalog& catalog, std::int64_t round_id) {
  GK_TRY(roll, LoadRoll(ctx, catalog, round_id));
  XlsxSheet sheet;
  sheet.name = "联络员名册";
  sheet.rows.push_back({"序号", "单位", "分管领导姓名", "分管领导职务", "分管领导电话", "联络员姓名", "联络员职务",
                        "联络员电话", "所属单位", "登记时间", "登记状态", "纸质登记表"});
  int n = 0;
  for (const auto& row : roll.rows) {
    std::vector<std::string> cells = {fmt::format("{}", ++n), row.unit.name};
    if (row.registration) {
      const auto& r = *row.registration;
      auto first = ParseTimestamp(r.first_submitted_at, "first_submitted_at");
      cells.insert(cells.end(), {r.leader.name, r.leader.post, r.leader.phone, r.liaison.name, r.liaison.post,
                                 r.liaison.phone, r.affiliation, first ? FormatBeijing(*first) : r.first_submitted_at,
                                 RegistrationStateLabel(row.state), PaperStatusLabel(r.paper)});
    } else {
      cells.insert(cells.end(), {"", "", "", "", "", "", "", "", RegistrationStateLabel(row.state),
                                 PaperStatusLabel(PaperStatus::kNone)});
    }
    sheet.rows.push_back(std::move(cells));
  }
  sheet.column_widths = {6, 22, 12, 16, 16, 12, 16, 16, 22, 18, 12, 12};
  return WriteXlsx({sheet});
}

}  // namespace gongkai
