#include "app/api_token_actions.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "app/crypto.h"
#include "app/test_site.h"
#include "codec/rules_codec.h"

namespace gongkai {
namespace {

using testing_support::TempSiteTest;

const std::string kCzj = "区财政局";  // answers for item 12
const std::string kFgj = "区发改局";

class ApiTokensTest : public TempSiteTest {
 protected:
  std::vector<DeadlineRule> rules_ = LoadDeadlineRules().value_or(std::vector<DeadlineRule>{});
  Context Office() { return As(Role::kAdmin, "", 1); }
  CreatedApiToken Make(const std::string& unit, Role role, const std::string& name = "业务系统") {
    auto t = CreateApiToken(Office(), catalog_, NewApiToken{name, unit, role});
    EXPECT_TRUE(t.has_value()) << t.error().Describe();
    return t.value_or(CreatedApiToken{});
  }
  Context AsToken(const std::string& secret) {
    auto actor = ResolveApiToken(*store_, clock_, site_.id, secret);
    EXPECT_TRUE(actor.has_value()) << actor.error().Describe();
    return Context{*store_, clock_, actor.value_or(Actor::Public(site_.id))};
  }
  NewDraft Draft(const std::string& unit) {
    NewDraft n;
    n.unit = unit;
    n.item = 12;
    n.formed_on = "2026-09-21";
    n.content = Content("区财政局2026年政府采购意向公开");
    return n;
  }
};

TEST_F(ApiTokensTest, SecretIsShownOnceAndOnlyItsHashIsStored) {
  auto t = Make(kCzj, Role::kLiaison);
  ASSERT_TRUE(t.secret.starts_with("gk_"));
  EXPECT_EQ(t.secret.size(), 3u + 43u);
  EXPECT_EQ(t.token.token_hash, Sha256Hex(t.secret));
  auto stored = store_->GetApiToken(t.token.id);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->token_hash, Sha256Hex(t.secret));
  EXPECT_EQ(stored->unit, kCzj);
  EXPECT_EQ(stored->role, Role::kLiaison);
  EXPECT_EQ(stored->created_by, "admin");
  EXPECT_TRUE(stored->last_used_at.empty());
  // The database file holds neither the secret nor its random part.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "t.db").c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT count(*) FROM api_tokens WHERE instr(token_hash || name, ?) > 0", -1,
                               &st, nullptr),
            SQLITE_OK);
  const std::string random_part = t.secret.substr(3);
  sqlite3_bind_text(st, 1, random_part.c_str(), -1, SQLITE_TRANSIENT);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  // Two tokens never share a secret.
  EXPECT_NE(Make(kCzj, Role::kLiaison).secret, t.secret);
}

TEST_F(ApiTokensTest, ResolvesToAnActorOfItsUnitAndRoleAndNotesItsUse) {
  auto t = Make(kCzj, Role::kLeader, "财政审批系统");
  clock_.SetBeijing("2026-09-26T09:30:00+08:00");
  auto actor = ResolveApiToken(*store_, clock_, site_.id, t.secret);
  ASSERT_TRUE(actor.has_value()) << actor.error().Describe();
  EXPECT_EQ(actor->role, Role::kLeader);
  EXPECT_EQ(actor->unit, kCzj);
  EXPECT_EQ(actor->site_id, site_.id);
  EXPECT_EQ(actor->account_id, 0);
  EXPECT_EQ(actor->display_name, "接口：财政审批系统");
  EXPECT_EQ(actor->username, "api-token-" + std::to_string(t.token.id));
  EXPECT_EQ(store_->GetApiToken(t.token.id)->last_used_at, "2026-09-26T01:30:00Z");
}

TEST_F(ApiTokensTest, UnknownMalformedForeignAndRevokedTokensAreRefused) {
  auto t = Make(kCzj, Role::kLiaison);
  for (std::string bad : {std::string(), std::string("gk_"), std::string("nonsense"), t.secret + "x",
                          "gk_" + std::string(43, 'A'), std::string(500, 'g')}) {
    auto r = ResolveApiToken(*store_, clock_, site_.id, bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated) << bad;
    EXPECT_FALSE(r.error().message.empty());
  }
  // Another site's token is unknown here.
  auto other = ResolveApiToken(*store_, clock_, site_.id + 1, t.secret);
  ASSERT_FALSE(other.has_value());
  EXPECT_EQ(other.error().code, ErrorCode::kUnauthenticated);

  ASSERT_TRUE(RevokeApiToken(Office(), t.token.id).has_value());
  auto revoked = ResolveApiToken(*store_, clock_, site_.id, t.secret);
  ASSERT_FALSE(revoked.has_value());
  EXPECT_EQ(revoked.error().code, ErrorCode::kUnauthenticated);
  EXPECT_NE(revoked.error().message.find("吊销"), std::string::npos) << revoked.error().message;
  // Revoking twice is a conflict; an unknown token is not found.
  EXPECT_EQ(RevokeApiToken(Office(), t.token.id).error().code, ErrorCode::kConflict);
  EXPECT_EQ(RevokeApiToken(Office(), 9999).error().code, ErrorCode::kNotFound);
}

TEST_F(ApiTokensTest, OnlyTheOfficeManagesTokensAndEveryChangeIsAudited) {
  for (Role r : {Role::kLiaison, Role::kLeader, Role::kAuditor}) {
    auto c = CreateApiToken(As(r, r == Role::kAuditor ? "" : kCzj, 2), catalog_, NewApiToken{"x", kCzj, Role::kLiaison});
    ASSERT_FALSE(c.has_value()) << RoleName(r);
    EXPECT_EQ(c.error().code, ErrorCode::kForbidden);
    EXPECT_FALSE(ListApiTokens(As(r, kCzj, 2)).has_value());
  }
  EXPECT_EQ(CreateApiToken(Context{*store_, clock_, Actor::Public(site_.id)}, catalog_,
                           NewApiToken{"x", kCzj, Role::kLiaison})
                .error()
                .code,
            ErrorCode::kUnauthenticated);
  auto t = Make(kCzj, Role::kLiaison, "采购系统");
  EXPECT_EQ(RevokeApiToken(As(Role::kLiaison, kCzj, 2), t.token.id).error().code, ErrorCode::kForbidden);
  ASSERT_TRUE(RevokeApiToken(Office(), t.token.id).has_value());
  auto audit = store_->ListAudit(site_.id, 10, 0);
  ASSERT_TRUE(audit.has_value());
  ASSERT_GE(audit->size(), 2u);
  EXPECT_EQ((*audit)[0].action, "吊销接口令牌");
  EXPECT_EQ((*audit)[1].action, "创建接口令牌");
  EXPECT_EQ((*audit)[1].target, "接口令牌:采购系统");
  for (const auto& e : *audit) {
    EXPECT_EQ(e.after_json.find(t.secret.substr(3)), std::string::npos);
    EXPECT_EQ(e.after_json.find(t.token.token_hash), std::string::npos);
  }
  auto list = ListApiTokens(Office());
  ASSERT_TRUE(list.has_value());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_TRUE((*list)[0].revoked());
}

TEST_F(ApiTokensTest, ValidatesNameUnitAndRole) {
  struct Case {
    NewApiToken in;
    const char* field;
  } cases[] = {
      {{"", kCzj, Role::kLiaison}, "name"},
      {{std::string(400, 'a'), kCzj, Role::kLiaison}, "name"},
      {{"a\nb", kCzj, Role::kLiaison}, "name"},
      {{"系统", "不存在的局", Role::kLiaison}, "unit"},
      {{"系统", "", Role::kLiaison}, "unit"},
      {{"系统", kCzj, Role::kAdmin}, "role"},
      {{"系统", kCzj, Role::kAuditor}, "role"},
      {{"系统", kCzj, Role::kPublic}, "role"},
  };
  for (const auto& c : cases) {
    auto r = CreateApiToken(Office(), catalog_, c.in);
    ASSERT_FALSE(r.has_value()) << c.field;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput);
    EXPECT_EQ(r.error().field, c.field);
  }
}

TEST_F(ApiTokensTest, ATokenActsOnlyForItsUnitAndRole) {
  auto czj_liaison = Make(kCzj, Role::kLiaison);
  auto czj_leader = Make(kCzj, Role::kLeader);
  auto fgj_liaison = Make(kFgj, Role::kLiaison);
  auto fgj_leader = Make(kFgj, Role::kLeader);

  // Unit B's token cannot draft for unit A.
  auto foreign = CreateDraft(AsToken(fgj_liaison.secret), catalog_, rules_, Draft(kCzj));
  ASSERT_FALSE(foreign.has_value());
  EXPECT_EQ(foreign.error().code, ErrorCode::kForbidden);

  auto draft = CreateDraft(AsToken(czj_liaison.secret), catalog_, rules_, Draft(kCzj));
  ASSERT_TRUE(draft.has_value()) << draft.error().Describe();
  EXPECT_EQ(draft->created_by, "api-token-" + std::to_string(czj_liaison.token.id));
  // Nor submit, approve or publish unit A's record.
  EXPECT_EQ(SubmitRecord(AsToken(fgj_liaison.secret), draft->id).error().code, ErrorCode::kForbidden);
  ASSERT_TRUE(SubmitRecord(AsToken(czj_liaison.secret), draft->id).has_value());
  // A liaison's token cannot approve; another unit's leader cannot either.
  EXPECT_EQ(ApproveRecord(AsToken(czj_liaison.secret), catalog_, draft->id, ReviewChecklist{true, true, true})
                .error()
                .code,
            ErrorCode::kForbidden);
  EXPECT_EQ(ApproveRecord(AsToken(fgj_leader.secret), catalog_, draft->id, ReviewChecklist{true, true, true})
                .error()
                .code,
            ErrorCode::kForbidden);
  ASSERT_TRUE(
      ApproveRecord(AsToken(czj_leader.secret), catalog_, draft->id, ReviewChecklist{true, true, true}).has_value());
  EXPECT_EQ(PublishRecord(AsToken(fgj_liaison.secret), draft->id).error().code, ErrorCode::kForbidden);
  auto published = PublishRecord(AsToken(czj_liaison.secret), draft->id);
  ASSERT_TRUE(published.has_value()) << published.error().Describe();
  EXPECT_EQ(published->status, RecordStatus::kPublished);
  EXPECT_FALSE(published->index_number.empty());
}

}  // namespace
}  // namespace gongkai
