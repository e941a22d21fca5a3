// The units' API tokens (接口令牌): the office creates and revokes them; a
// unit's own system presents one as "Authorization: Bearer <secret>" and
// then acts, through the write endpoints of API v1, as an actor of the
// token's unit and role, so Authorize() and the record actions enforce its
// scope exactly as for a signed-in liaison or leader.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "app/context.h"
#include "core/accounts.h"
#include "core/catalog.h"

namespace gongkai {

// Every secret starts with this, so that a leaked one is easy to recognise.
inline constexpr std::string_view kApiTokenPrefix = "gk_";

struct NewApiToken {
  std::string name;  // 1-100 characters, no control characters
  std::string unit;  // a unit of the catalogue
  Role role = Role::kLiaison;  // kLiaison or kLeader: the roles that act for a unit
};

struct CreatedApiToken {
  ApiToken token;
  std::string secret;  // "gk_" + 43 URL-safe characters; shown once, never stored
};

// Creates a token (kManageApiTokens) and writes the audit log (without the
// secret). Invalid naming the field for a bad name, unit or role.
[[nodiscard]] Result<CreatedApiToken> CreateApiToken(const Context& ctx, const Catalog& catalog,
                                                     const NewApiToken& in);
// Revokes a token of the actor's site (kManageApiTokens); it fails from the
// next request on. NotFound for another site's or an unknown token;
// Conflict if already revoked.
[[nodiscard]] Status RevokeApiToken(const Context& ctx, std::int64_t id);
// The site's tokens, oldest first (kManageApiTokens).
[[nodiscard]] Result<std::vector<ApiToken>> ListApiTokens(const Context& ctx);

// The actor a bearer secret stands for in `site_id`, and notes its use
// (last_used_at). Unauthenticated, with a Chinese message, when the secret
// is empty, malformed, unknown, of another site, or revoked.
[[nodiscard]] Result<Actor> ResolveApiToken(Store& store, const Clock& clock, std::int64_t site_id,
                                            std::string_view secret);

// The actor of a token: account 0, username "api-token-<id>", display name
// "接口：<name>", the token's role and unit.
Actor ActorOfToken(const ApiToken& token);

}  // namespace gongkai
