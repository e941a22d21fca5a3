#include "core/auth.h"

#include <fmt/core.h>

namespace gongkai {

namespace {

struct Permission {
  Action action;
  bool admin, liaison, leader, auditor;
  bool own_unit_only;  // for liaison/leader: only their own unit
};

// The one table. The public may do none of these.
constexpr Permission kPermissions[] = {
    // action                          admin  liaison leader auditor own-unit
    {Action::kViewAdmin,               true,  true,   true,  true,   false},
    {Action::kViewAudit,               true,  false,  false, true,   false},
    {Action::kEditUnits,               true,  false,  false, false,  false},
    {Action::kManageAccounts,          true,  false,  false, false,  false},
    {Action::kImportCatalog,           true,  false,  false, false,  false},
    {Action::kImportCalendar,          true,  false,  false, false,  false},
    {Action::kManageRounds,            true,  false,  false, false,  false},
    {Action::kViewRoll,                true,  false,  false, true,   false},
    {Action::kRegisterUnit,            true,  true,   true,  false,  true},
    {Action::kViewOwnRegistration,     true,  true,   true,  true,   true},
    {Action::kReviewPaperForm,         true,  false,  false, false,  false},
    {Action::kViewUnitWork,            true,  true,   true,  true,   true},
    {Action::kRegisterObligation,      true,  true,   false, false,  true},
    {Action::kEditDraft,               true,  true,   false, false,  true},
    {Action::kSubmitRecord,            true,  true,   false, false,  true},
    {Action::kApproveRecord,           false, false,  true,  false,  true},
    {Action::kPublishRecord,           true,  true,   true,  false,  true},
    {Action::kWithdrawRecord,          true,  false,  true,  false,  true},
    {Action::kCancelObligation,        true,  true,   true,  false,  true},
    {Action::kViewCompliance,          true,  false,  false, true,   false},
    {Action::kConfigureCompliance,     true,  false,  false, false,  false},
    {Action::kSendReminders,           true,  false,  false, false,  false},
    {Action::kManageApiTokens,         true,  false,  false, false,  false},
    {Action::kManageWebhooks,          true,  false,  false, false,  false},
};

const Permission* Find(Action a) {
  for (const auto& p : kPermissions)
    if (p.action == a) return &p;
  return nullptr;
}

}  // namespace

const char* RoleName(Role role) {
  switch (role) {
    case Role::kPublic: return "public";
    case Role::kAdmin: return "admin";
    case Role::kLiaison: return "liaison";
    case Role::kLeader: return "leader";
    case Role::kAuditor: return "auditor";
  }
  return "public";
}

const char* RoleLabel(Role role) {
  switch (role) {
    case Role::kPublic: return "公众";
    case Role::kAdmin: return "公开办管理员";
    case Role::kLiaison: return "联络员";
    case Role::kLeader: return "分管领导";
    case Role::kAuditor: return "审计人员";
  }
  return "公众";
}

std::optional<Role> ParseRole(std::string_view t) {
  for (Role r : AllRoles())
    if (t == RoleName(r) || t == RoleLabel(r)) return r;
  if (t == "公开办") return Role::kAdmin;
  if (t == "审计") return Role::kAuditor;
  return std::nullopt;
}

const char* ActionLabel(Action action) {
  switch (action) {
    case Action::kViewAdmin: return "进入管理后台";
    case Action::kViewAudit: return "查看操作日志";
    case Action::kEditUnits: return "编辑责任单位";
    case Action::kManageAccounts: return "管理账号";
    case Action::kImportCatalog: return "导入目录";
    case Action::kImportCalendar: return "导入工作日历";
    case Action::kManageRounds: return "管理联络员登记";
    case Action::kViewRoll: return "查看联络员名册";
    case Action::kRegisterUnit: return "填报联络员登记表";
    case Action::kViewOwnRegistration: return "查看本单位登记信息";
    case Action::kReviewPaperForm: return "签收纸质登记表";
    case Action::kViewUnitWork: return "查看单位待办";
    case Action::kRegisterObligation: return "登记待公开事项";
    case Action::kEditDraft: return "编辑公开信息草稿";
    case Action::kSubmitRecord: return "提交审核";
    case Action::kApproveRecord: return "审核（保密审查）";
    case Action::kPublishRecord: return "发布公开信息";
    case Action::kWithdrawRecord: return "撤回公开信息";
    case Action::kCancelObligation: return "撤销待公开事项";
    case Action::kViewCompliance: return "查看公开工作督查统计";
    case Action::kConfigureCompliance: return "设置督查统计口径";
    case Action::kSendReminders: return "发送到期提醒";
    case Action::kManageApiTokens: return "管理接口令牌";
    case Action::kManageWebhooks: return "管理信息推送订阅";
  }
  return "操作";
}

bool RoleMay(Role role, Action action) {
  const Permission* p = Find(action);
  if (!p) return false;
  switch (role) {
    case Role::kPublic: return false;
    case Role::kAdmin: return p->admin;
    case Role::kLiaison: return p->liaison;
    case Role::kLeader: return p->leader;
    case Role::kAuditor: return p->auditor;
  }
  return false;
}

Status Authorize(const Actor& actor, Action action, std::string_view unit) {
  if (actor.role == Role::kPublic)
    return Unexpected(Error{ErrorCode::kUnauthenticated, fmt::format("请先登录后再{}", ActionLabel(action)), "", 0});
  if (!RoleMay(actor.role, action))
    return Unexpected(Error{ErrorCode::kForbidden,
                            fmt::format("{}无权{}", RoleLabel(actor.role), ActionLabel(action)), "", 0});
  const Permission* p = Find(action);
  bool unit_bound = actor.role == Role::kLiaison || actor.role == Role::kLeader;
  if (p->own_unit_only && unit_bound && (unit.empty() || unit != actor.unit))
    return Unexpected(Error{ErrorCode::kForbidden,
                            fmt::format("{}只能为本单位（{}）{}", RoleLabel(actor.role), actor.unit,
                                        ActionLabel(action)),
                            "", 0});
  return Ok();
}

std::vector<Action> AllActions() {
  std::vector<Action> out;
  for (const auto& p : kPermissions) out.push_back(p.action);
  return out;
}

std::vector<Role> AllRoles() { return {Role::kPublic, Role::kAdmin, Role::kLiaison, Role::kLeader, Role::kAuditor}; }

}  // namespace gongkai
