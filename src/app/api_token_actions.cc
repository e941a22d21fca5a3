#include "app/api_token_actions.h"

#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "app/crypto.h"
#include "core/timestamp.h"

namespace gongkai {

namespace {

constexpr std::size_t kMaxNameBytes = 300;  // 100 Chinese characters
constexpr std::size_t kSecretBytes = 32;

std::string TokenJson(const ApiToken& t) {
  nlohmann::ordered_json j;
  j["id"] = t.id;
  j["name"] = t.name;
  j["unit"] = t.unit;
  j["role"] = RoleName(t.role);
  j["revoked_at"] = t.revoked_at;
  return j.dump();  // never the secret, nor its hash
}

Error Unauthenticated(std::string message) { return Error{ErrorCode::kUnauthenticated, std::move(message), "", 0}; }

}  // namespace

Actor ActorOfToken(const ApiToken& t) {
  return Actor{0, fmt::format("api-token-{}", t.id), "接口：" + t.name, t.role, t.site_id, t.unit};
}

Result<CreatedApiToken> CreateApiToken(const Context& ctx, const Catalog& catalog, const NewApiToken& in) {
  GK_CHECK(Authorize(ctx.actor, Action::kManageApiTokens));
  if (in.name.empty()) return Unexpected(Error::Invalid("请填写令牌名称（如“财政局业务系统”）", "name"));
  if (in.name.size() > kMaxNameBytes) return Unexpected(Error::Invalid("令牌名称过长（最多100个字）", "name"));
  for (unsigned char ch : in.name)
    if (ch < 0x20 || ch == 0x7f) return Unexpected(Error::Invalid("令牌名称不能包含控制字符", "name"));
  if (in.role != Role::kLiaison && in.role != Role::kLeader)
    return Unexpected(Error::Invalid("接口令牌的角色只能是联络员或分管领导", "role"));
  if (!catalog.FindUnit(in.unit))
    return Unexpected(Error::Invalid(fmt::format("请选择目录中的责任单位（“{}”不存在）", in.unit), "unit"));
  CreatedApiToken out;
  out.secret = std::string(kApiTokenPrefix) + RandomToken(kSecretBytes);
  ApiToken& t = out.token;
  t.site_id = ctx.actor.site_id;
  t.name = in.name;
  t.unit = in.unit;
  t.role = in.role;
  t.token_hash = Sha256Hex(out.secret);
  t.created_by = ctx.actor.username;
  t.created_at = ctx.NowUtc();
  GK_TRY(stored, ctx.store.CreateApiToken(t, ctx.Audit("创建接口令牌", "接口令牌:" + t.name, "null", TokenJson(t))));
  t = std::move(stored);
  return out;
}

Status RevokeApiToken(const Context& ctx, std::int64_t id) {
  GK_CHECK(Authorize(ctx.actor, Action::kManageApiTokens));
  GK_TRY(t, ctx.store.GetApiToken(id));
  if (t.site_id != ctx.actor.site_id) return Unexpected(Error::NotFound("接口令牌不存在"));
  if (t.revoked()) return Unexpected(Error::Conflict(fmt::format("接口令牌“{}”已被吊销", t.name)));
  ApiToken after = t;
  after.revoked_at = ctx.NowUtc();
  return ctx.store.RevokeApiToken(id, after.revoked_at,
                                  ctx.Audit("吊销接口令牌", "接口令牌:" + t.name, TokenJson(t), TokenJson(after)));
}

Result<std::vector<ApiToken>> ListApiTokens(const Context& ctx) {
  GK_CHECK(Authorize(ctx.actor, Action::kManageApiTokens));
  return ctx.store.ListApiTokens(ctx.actor.site_id);
}

Result<Actor> ResolveApiToken(Store& store, const Clock& clock, std::int64_t site_id, std::string_view secret) {
  if (secret.empty())
    return Unexpected(Unauthenticated("缺少接口令牌：请在请求头中提供“Authorization: Bearer 令牌”"));
  if (!secret.starts_with(kApiTokenPrefix) || secret.size() > 200)
    return Unexpected(Unauthenticated("接口令牌格式不正确"));
  const std::string hash = Sha256Hex(secret);
  auto found = store.FindApiToken(hash);
  if (!found) {
    if (found.error().code == ErrorCode::kNotFound) return Unexpected(Unauthenticated("接口令牌无效"));
    return Unexpected(found.error());
  }
  // The lookup is by hash; compare again in constant time so that no
  // index or collation quirk can let a near miss through.
  if (!ConstantTimeEquals(found->token_hash, hash) || found->site_id != site_id)
    return Unexpected(Unauthenticated("接口令牌无效"));
  if (found->revoked()) {
    auto at = ParseTimestamp(found->revoked_at, "revoked_at");
    return Unexpected(Unauthenticated(
        fmt::format("接口令牌已于{}被吊销，请向公开办申请新令牌", at ? FormatBeijing(*at) : found->revoked_at)));
  }
  if (found->role != Role::kLiaison && found->role != Role::kLeader)
    return Unexpected(Unauthenticated("接口令牌无效"));
  GK_CHECK(store.TouchApiToken(found->id, FormatUtc(clock.Now())));
  return ActorOfToken(*found);
}

}  // namespace gongkai
