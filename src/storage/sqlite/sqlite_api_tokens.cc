// The units' API tokens (migration 12). Only the SHA-256 of a token's secret
// is stored; lookups are by that hash.
#include <fmt/core.h>

#include "storage/sqlite/sqlite_store.h"

namespace gongkai {

namespace {

constexpr std::string_view kTokenColumns =
    "id, site_id, name, unit_name, role, token_hash, created_by, created_at, last_used_at, revoked_at";

ApiToken ReadToken(const sqlite::Statement& st) {
  ApiToken t;
  t.id = st.Int(0);
  t.site_id = st.Int(1);
  t.name = st.Text(2);
  t.unit = st.Text(3);
  t.role = ParseRole(st.Text(4)).value_or(Role::kPublic);
  t.token_hash = st.Text(5);
  t.created_by = st.Text(6);
  t.created_at = st.Text(7);
  t.last_used_at = st.Text(8);
  t.revoked_at = st.Text(9);
  return t;
}

Error NoToken() { return Error::NotFound("接口令牌不存在"); }

}  // namespace

Result<ApiToken> SqliteStore::CreateApiToken(const ApiToken& t, const AuditEntry& audit) {
  auto c = pool_->Acquire();
  sqlite::Transaction tx(*c);
  GK_CHECK(tx.Begin());
  GK_TRY(st, c->PrepareCached(
                 "INSERT INTO api_tokens (site_id, name, unit_name, role, token_hash, created_by, created_at, "
                 "last_used_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  st.Bind(1, t.site_id).Bind(2, t.name).Bind(3, t.unit).Bind(4, RoleName(t.role)).Bind(5, t.token_hash);
  st.Bind(6, t.created_by).Bind(7, t.created_at).Bind(8, t.last_used_at).Bind(9, t.revoked_at);
  GK_CHECK(st.Run());
  ApiToken out = t;
  out.id = c->LastInsertId();
  GK_CHECK(WriteAudit(*c, audit));
  GK_CHECK(tx.Commit());
  return out;
}

Result<ApiToken> SqliteStore::GetApiToken(std::int64_t id) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached(fmt::format("SELECT {} FROM api_tokens WHERE id = ?", kTokenColumns)));
  st.Bind(1, id);
  GK_TRY(row, st.Step());
  if (!row) return Unexpected(NoToken());
  return ReadToken(st);
}

Result<ApiToken> SqliteStore::FindApiToken(const std::string& token_hash) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached(fmt::format("SELECT {} FROM api_tokens WHERE token_hash = ?", kTokenColumns)));
  st.Bind(1, token_hash);
  GK_TRY(row, st.Step());
  if (!row) return Unexpected(NoToken());
  return ReadToken(st);
}

Result<std::vector<ApiToken>> SqliteStore::ListApiTokens(std::int64_t site_id) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached(fmt::format("SELECT {} FROM api_tokens WHERE site_id = ? ORDER BY id", kTokenColumns)));
  st.Bind(1, site_id);
  std::vector<ApiToken> out;
  while (true) {
    GK_TRY(row, st.Step());
    if (!row) break;
    out.push_back(ReadToken(st));
  }
  return out;
}

Status SqliteStore::RevokeApiToken(std::int64_t id, const std::string& at, const AuditEntry& audit) {
  auto c = pool_->Acquire();
  sqlite::Transaction tx(*c);
  GK_CHECK(tx.Begin());
  GK_TRY(st, c->PrepareCached("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at = ''"));
  st.Bind(1, at).Bind(2, id);
  GK_CHECK(st.Run());
  if (c->Changes() == 0) return Unexpected(Error::Conflict("接口令牌不存在或已被吊销"));
  GK_CHECK(WriteAudit(*c, audit));
  return tx.Commit();
}

Status SqliteStore::TouchApiToken(std::int64_t id, const std::string& at) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached("UPDATE api_tokens SET last_used_at = ? WHERE id = ?"));
  st.Bind(1, at).Bind(2, id);
  return st.Run();
}

}  // namespace gongkai
