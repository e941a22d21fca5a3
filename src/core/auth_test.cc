#include "core/auth.h"

#include <gtest/gtest.h>

namespace gongkai {
namespace {

Actor As(Role role, std::string unit = "") { return Actor{1, "u", "用户", role, 1, std::move(unit)}; }

TEST(Authorize, PublicIsAskedToLogIn) {
  for (Action a : AllActions()) {
    auto s = Authorize(Actor::Public(1), a);
    ASSERT_FALSE(s.has_value());
    EXPECT_EQ(s.error().code, ErrorCode::kUnauthenticated);
  }
}

TEST(Authorize, AdminMayDoEverythingButApproveForAUnit) {
  for (Action a : AllActions()) {
    if (a == Action::kApproveRecord) continue;
    EXPECT_TRUE(Authorize(As(Role::kAdmin), a, "区发改局").has_value()) << ActionLabel(a);
  }
  // Approval (保密审查) is the unit's leader's alone.
  EXPECT_FALSE(Authorize(As(Role::kAdmin), Action::kApproveRecord, "区发改局").has_value());
}

TEST(Authorize, OnlyTheUnitsLeaderApprovesAndLiaisonsDraft) {
  EXPECT_TRUE(Authorize(As(Role::kLeader, "区发改局"), Action::kApproveRecord, "区发改局").has_value());
  EXPECT_FALSE(Authorize(As(Role::kLeader, "区财政局"), Action::kApproveRecord, "区发改局").has_value());
  EXPECT_FALSE(Authorize(As(Role::kLiaison, "区发改局"), Action::kApproveRecord, "区发改局").has_value());
  EXPECT_TRUE(Authorize(As(Role::kLiaison, "区发改局"), Action::kEditDraft, "区发改局").has_value());
  EXPECT_FALSE(Authorize(As(Role::kLeader, "区发改局"), Action::kEditDraft, "区发改局").has_value());
  EXPECT_FALSE(Authorize(As(Role::kAuditor), Action::kPublishRecord, "区发改局").has_value());
  EXPECT_TRUE(Authorize(As(Role::kAuditor), Action::kViewUnitWork, "区发改局").has_value());
}

TEST(Authorize, AuditorReadsButChangesNothing) {
  Actor auditor = As(Role::kAuditor);
  EXPECT_TRUE(Authorize(auditor, Action::kViewAudit).has_value());
  EXPECT_TRUE(Authorize(auditor, Action::kViewRoll).has_value());
  EXPECT_TRUE(Authorize(auditor, Action::kViewOwnRegistration, "区发改局").has_value());
  for (Action a : {Action::kEditUnits, Action::kManageAccounts, Action::kImportCatalog, Action::kImportCalendar,
                   Action::kManageRounds, Action::kRegisterUnit, Action::kReviewPaperForm, Action::kRegisterObligation,
                   Action::kEditDraft, Action::kSubmitRecord, Action::kApproveRecord, Action::kPublishRecord,
                   Action::kWithdrawRecord, Action::kCancelObligation}) {
    auto s = Authorize(auditor, a, "区发改局");
    ASSERT_FALSE(s.has_value()) << ActionLabel(a);
    EXPECT_EQ(s.error().code, ErrorCode::kForbidden);
  }
}

TEST(Authorize, LiaisonAndLeaderActOnlyForTheirOwnUnit) {
  for (Role r : {Role::kLiaison, Role::kLeader}) {
    Actor a = As(r, "区发改局");
    EXPECT_TRUE(Authorize(a, Action::kRegisterUnit, "区发改局").has_value());
    auto other = Authorize(a, Action::kRegisterUnit, "区财政局");
    ASSERT_FALSE(other.has_value());
    EXPECT_EQ(other.error().code, ErrorCode::kForbidden);
    EXPECT_NE(other.error().message.find("区发改局"), std::string::npos);
    EXPECT_FALSE(Authorize(a, Action::kRegisterUnit, "").has_value());
    EXPECT_FALSE(Authorize(a, Action::kViewRoll).has_value());
    EXPECT_FALSE(Authorize(a, Action::kViewAudit).has_value());
    EXPECT_FALSE(Authorize(a, Action::kReviewPaperForm, "区发改局").has_value());
    EXPECT_TRUE(Authorize(a, Action::kViewAdmin).has_value());
  }
}

TEST(Roles, NamesRoundTrip) {
  for (Role r : AllRoles()) {
    EXPECT_EQ(ParseRole(RoleName(r)), r);
    EXPECT_EQ(ParseRole(RoleLabel(r)), r);
  }
  EXPECT_EQ(ParseRole("公开办"), Role::kAdmin);
  EXPECT_FALSE(ParseRole("root").has_value());
}

}  // namespace
}  // namespace gongkai
