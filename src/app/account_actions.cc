#include "app/account_actions.h"

#include "core/contact.h"

#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "app/crypto.h"
#include "core/timestamp.h"

namespace gongkai {

namespace {

std::string AccountJson(const Account& a) {
  nlohmann::ordered_json j;
  j["id"] = a.id;
  j["username"] = a.username;
  j["display_name"] = a.display_name;
  j["role"] = RoleName(a.role);
  j["unit"] = a.unit;
  j["active"] = a.active;
  j["must_change_password"] = a.must_change_password;
  j["email"] = a.email;
  return j.dump();  // never the password hash
}

Error BadLogin() { return Error{ErrorCode::kUnauthenticated, "用户名或密码错误", "password", 0}; }

}  // namespace

Status SetAccountEmail(const Context& ctx, std::int64_t account_id, const std::string& email) {
  if (ctx.actor.account_id != account_id || account_id == 0) GK_CHECK(Authorize(ctx.actor, Action::kManageAccounts));
  GK_TRY(account, ctx.store.GetAccount(account_id));
  if (account.site_id != ctx.actor.site_id) return Unexpected(Error::NotFound("账号不存在"));
  GK_TRY(normalized, NormalizeEmail(email, "email"));
  Account updated = account;
  updated.email = std::move(normalized);
  return ctx.store.UpdateAccount(updated, ctx.Audit("设置提醒邮箱", "账号:" + account.username, AccountJson(account),
                                                    AccountJson(updated)));
}

Actor ActorOf(const Account& a) {
  return Actor{a.id, a.username, a.display_name, a.role, a.site_id, a.unit};
}

Result<Account> AddAccount(const Context& ctx, const Catalog& catalog, const NewAccount& in) {
  GK_CHECK(Authorize(ctx.actor, Action::kManageAccounts));
  GK_CHECK(ValidateUsername(in.username));
  if (in.display_name.empty()) return Unexpected(Error::Invalid("请填写姓名", "display_name"));
  if (in.role == Role::kPublic) return Unexpected(Error::Invalid("请选择角色", "role"));
  bool unit_bound = in.role == Role::kLiaison || in.role == Role::kLeader;
  if (unit_bound && !catalog.FindUnit(in.unit))
    return Unexpected(Error::Invalid(fmt::format("联络员和分管领导必须属于目录中的单位（“{}”不存在）", in.unit), "unit"));
  if (!unit_bound && !in.unit.empty())
    return Unexpected(Error::Invalid("只有联络员和分管领导属于某个单位", "unit"));
  GK_TRY(email, NormalizeEmail(in.email, "email"));
  GK_CHECK(CheckPasswordStrength(in.password, "password"));
  GK_TRY(hash, HashPassword(in.password));
  Account a;
  a.site_id = ctx.actor.site_id;
  a.username = in.username;
  a.display_name = in.display_name;
  a.role = in.role;
  a.unit = in.unit;
  a.password_hash = std::move(hash);
  a.active = true;
  a.created_at = ctx.NowUtc();
  a.email = std::move(email);
  return ctx.store.CreateAccount(a, ctx.Audit("创建账号", "账号:" + a.username, "null", AccountJson(a)));
}

Result<LoginResult> Login(Store& store, const Clock& clock, std::int64_t site_id, const std::string& username,
                          const std::string& password, const AuthPolicy& policy) {
  auto now = clock.Now();
  GK_TRY(failures, store.CountLoginFailures(site_id, username, FormatUtc(now - policy.failure_window)));
  if (failures >= policy.max_failures)
    return Unexpected(Error{ErrorCode::kForbidden,
                            fmt::format("登录失败次数过多，该账号已暂时锁定，请{}分钟后再试",
                                        policy.failure_window.count() / 60),
                            "username", 0});
  auto account = store.FindAccount(site_id, username);
  bool ok = account && account->active && !account->password_hash.empty() &&
            VerifyPassword(account->password_hash, password);
  if (!ok) {
    GK_CHECK(store.RecordLoginFailure(site_id, username, FormatUtc(now)));
    return Unexpected(BadLogin());
  }
  GK_CHECK(store.ClearLoginFailures(site_id, username));
  LoginResult r;
  r.token = RandomToken();
  r.session = Session{Sha256Hex(r.token), account->id, RandomToken(), FormatUtc(now), FormatUtc(now + policy.session_ttl)};
  GK_CHECK(store.CreateSession(r.session));
  r.account = *account;
  Context ctx{store, clock, ActorOf(*account)};
  GK_CHECK(store.AppendAudit(ctx.Audit("登录", "账号:" + username)));
  return r;
}

Result<std::pair<Session, Actor>> ResolveSession(Store& store, const Clock& clock, const std::string& token) {
  if (token.empty() || token.size() > 200)
    return Unexpected(Error{ErrorCode::kUnauthenticated, "请先登录", "", 0});
  GK_TRY(found, store.FindSession(Sha256Hex(token), FormatUtc(clock.Now())));
  if (!found.second.active) return Unexpected(Error{ErrorCode::kUnauthenticated, "账号已停用", "", 0});
  return std::make_pair(std::move(found.first), ActorOf(found.second));
}

Status Logout(Store& store, const std::string& token) { return store.DeleteSession(Sha256Hex(token)); }

Result<std::string> ResetPassword(const Context& ctx, std::int64_t account_id) {
  GK_CHECK(Authorize(ctx.actor, Action::kManageAccounts));
  GK_TRY(a, ctx.store.GetAccount(account_id));
  if (a.site_id != ctx.actor.site_id) return Unexpected(Error::NotFound("账号不存在"));
  std::string before = AccountJson(a);
  std::string one_time = RandomToken(9);  // 12 URL-safe characters
  GK_TRY(hash, HashPassword(one_time));
  a.password_hash = std::move(hash);
  a.must_change_password = true;
  GK_CHECK(ctx.store.UpdateAccount(a, ctx.Audit("重置密码", "账号:" + a.username, before, AccountJson(a))));
  GK_CHECK(ctx.store.DeleteSessionsOf(a.id));
  return one_time;
}

Status ChangeOwnPassword(const Context& ctx, const std::string& old_password, const std::string& new_password) {
  if (ctx.actor.account_id == 0) return Unexpected(Error{ErrorCode::kUnauthenticated, "请先登录", "", 0});
  GK_TRY(a, ctx.store.GetAccount(ctx.actor.account_id));
  if (!VerifyPassword(a.password_hash, old_password))
    return Unexpected(Error::Invalid("原密码不正确", "old_password"));
  GK_CHECK(CheckPasswordStrength(new_password, "new_password"));
  if (new_password == old_password) return Unexpected(Error::Invalid("新密码不能与原密码相同", "new_password"));
  std::string before = AccountJson(a);
  GK_TRY(hash, HashPassword(new_password));
  a.password_hash = std::move(hash);
  a.must_change_password = false;
  return ctx.store.UpdateAccount(a, ctx.Audit("修改密码", "账号:" + a.username, before, AccountJson(a)));
}

Status SetAccountActive(const Context& ctx, std::int64_t account_id, bool active) {
  GK_CHECK(Authorize(ctx.actor, Action::kManageAccounts));
  GK_TRY(a, ctx.store.GetAccount(account_id));
  if (a.site_id != ctx.actor.site_id) return Unexpected(Error::NotFound("账号不存在"));
  if (a.id == ctx.actor.account_id && !active) return Unexpected(Error::Invalid("不能停用自己的账号", "active"));
  std::string before = AccountJson(a);
  a.active = active;
  GK_CHECK(ctx.store.UpdateAccount(a, ctx.Audit(active ? "启用账号" : "停用账号", "账号:" + a.username, before,
                                                AccountJson(a))));
  if (!active) GK_CHECK(ctx.store.DeleteSessionsOf(a.id));
  return Ok();
}

}  // namespace gongkai
