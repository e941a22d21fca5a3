// Roles and the permission table: who may do what, for which unit.
// Every action in src/app goes through Authorize() before it touches the
// store (STYLE.md: one place that checks, as CKAN's actions do).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace gongkai {

enum class Role {
  kPublic,   // no account
  kAdmin,    // 公开办: the district's disclosure office
  kLiaison,  // 联络员: drafts for their own unit
  kLeader,   // 分管领导: approves for their own unit
  kAuditor,  // 审计: reads everything, changes nothing
};

const char* RoleName(Role role);   // "admin", "liaison", ...
const char* RoleLabel(Role role);  // "公开办管理员", "联络员", ...
std::optional<Role> ParseRole(std::string_view token);  // "admin" or "公开办" ...

// Who is acting. For liaisons and leaders `unit` is their unit's name.
struct Actor {
  std::int64_t account_id = 0;  // 0 for the public and for the CLI operator
  std::string username;         // "cli" for the command line
  std::string display_name;
  Role role = Role::kPublic;
  std::int64_t site_id = 0;
  std::string unit;             // empty unless liaison/leader

  static Actor Public(std::int64_t site_id) { return Actor{0, "", "公众", Role::kPublic, site_id, ""}; }
  // The operator at the server's console (CLI): acts as the office.
  static Actor Console(std::int64_t site_id) { return Actor{0, "cli", "命令行", Role::kAdmin, site_id, ""}; }
};

// Every verb that needs permission. Keep in step with kPermissions in auth.cc.
enum class Action {
  kViewAdmin,          // see the admin area at all
  kViewAudit,          // read the audit log
  kEditUnits,          // edit unit details and item assignments
  kManageAccounts,     // create/disable accounts, reset passwords
  kImportCatalog,
  kImportCalendar,
  kManageRounds,       // open a registration round, edit it
  kViewRoll,           // status board, printed forms, Excel export (all units)
  kRegisterUnit,       // fill in the liaison form for a unit
  kViewOwnRegistration,
  kReviewPaperForm,    // mark the signed paper form received / send it back
  kViewUnitWork,       // a unit's obligations and drafts
  kRegisterObligation, // register that information was formed or changed
  kEditDraft,          // create and edit drafts, attachments, masking
  kSubmitRecord,       // submit a draft for review
  kApproveRecord,      // review (保密审查), approve or return; approve withholding
  kPublishRecord,      // publish an approved record
  kWithdrawRecord,     // withdraw a published record
  kCancelObligation,   // cancel an obligation with a reason
  kViewCompliance,     // the compliance dashboard over all units (公开办, auditors)
  kConfigureCompliance,// which items are event-driven, the annual report mapping (公开办)
  kSendReminders,      // run the deadline reminders (公开办, the console, the server's timer)
  kManageApiTokens,    // create and revoke the units' API tokens (公开办)
  kManageWebhooks,     // add, pause and replay event subscribers (政务新媒体, the province's platform)
};

const char* ActionLabel(Action action);  // Chinese, for messages and the audit log

// Whether `actor` may perform `action`; `unit` names the unit acted on
// ("" when the action is not about one unit). Liaisons and leaders may act
// only on their own unit. Returns Forbidden (or Unauthenticated for the
// public) with a Chinese message saying what is not allowed.
[[nodiscard]] Status Authorize(const Actor& actor, Action action, std::string_view unit = {});

// The declared table, for the authorisation matrix tests and the docs:
// whether `role` may perform `action` at all (own unit assumed).
bool RoleMay(Role role, Action action);
std::vector<Action> AllActions();
std::vector<Role> AllRoles();

}  // namespace gongkai
