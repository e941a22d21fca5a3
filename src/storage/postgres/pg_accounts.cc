// PgStore: audit log, unit edits, accounts, sessions, login failures, API
// tokens, site settings and content-addressed files. Mirrors
// sqlite_accounts.cc, sqlite_api_tokens.cc and the settings part of
// sqlite_notices.cc, message for message.
#include <fmt/core.h>

#include "storage/postgres/pg_store.h"

namespace gongkai {

using pg::JoinLines;
using pg::WithConnection;

namespace {

void BumpRevision(pqxx::work& tx, std::int64_t site_id) {
  tx.exec_params("UPDATE sites SET revision = revision + 1 WHERE id = $1", site_id);
}

constexpr const char* kAccountColumns =
    "id, site_id, username, display_name, role, unit_name, password_hash, must_change_password, active, "
    "created_at, email";

Result<Account> ReadAccount(const pqxx::row& r, int base = 0) {
  Account a;
  a.id = r[base + 0].as<std::int64_t>();
  a.site_id = r[base + 1].as<std::int64_t>();
  a.username = r[base + 2].as<std::string>();
  a.display_name = r[base + 3].as<std::string>();
  auto role = ParseRole(r[base + 4].as<std::string>());
  if (!role) return Unexpected(Error::Internal("数据库中的角色无效"));
  a.role = *role;
  a.unit = r[base + 5].as<std::string>();
  a.password_hash = r[base + 6].as<std::string>();
  a.must_change_password = r[base + 7].as<bool>();
  a.active = r[base + 8].as<bool>();
  a.created_at = r[base + 9].as<std::string>();
  a.email = r[base + 10].as<std::string>();
  return a;
}

constexpr const char* kTokenColumns =
    "id, site_id, name, unit_name, role, token_hash, created_by, created_at, last_used_at, revoked_at";

ApiToken ReadToken(const pqxx::row& r) {
  ApiToken t;
  t.id = r[0].as<std::int64_t>();
  t.site_id = r[1].as<std::int64_t>();
  t.name = r[2].as<std::string>();
  t.unit = r[3].as<std::string>();
  t.role = ParseRole(r[4].as<std::string>()).value_or(Role::kPublic);
  t.token_hash = r[5].as<std::string>();
  t.created_by = r[6].as<std::string>();
  t.created_at = r[7].as<std::string>();
  t.last_used_at = r[8].as<std::string>();
  t.revoked_at = r[9].as<std::string>();
  return t;
}

Error NoToken() { return Error::NotFound("接口令牌不存在"); }

}  // namespace

void PgStore::WriteAudit(pqxx::work& tx, const AuditEntry& e) {
  tx.exec_params(
      "INSERT INTO audit_log (site_id, at, actor, actor_role, action, target, before_json, after_json) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      e.site_id, e.at, e.actor, e.actor_role, e.action, e.target, e.before_json, e.after_json);
}

// ---- audit ----------------------------------------------------------------------

Status PgStore::AppendAudit(const AuditEntry& entry) {
  return WithConnection(*pool_, "AppendAudit", [&](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    WriteAudit(tx, entry);
    tx.commit();
    return Ok();
  });
}

Result<std::vector<AuditEntry>> PgStore::ListAudit(std::int64_t site_id, int limit, int offset) {
  return WithConnection(*pool_, "ListAudit", [&](pqxx::connection& c) -> Result<std::vector<AuditEntry>> {
    pqxx::read_transaction tx(c);
    std::vector<AuditEntry> out;
    // SQLite reads LIMIT -1 as "no limit"; PostgreSQL wants NULL for that.
    std::optional<int> lim;
    if (limit >= 0) lim = limit;
    for (const auto& r : tx.exec_params(
             "SELECT id, site_id, at, actor, actor_role, action, target, before_json, after_json FROM audit_log "
             "WHERE site_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3",
             site_id, lim, offset < 0 ? 0 : offset))
      out.push_back(AuditEntry{r[0].as<std::int64_t>(), r[1].as<std::int64_t>(), r[2].as<std::string>(),
                               r[3].as<std::string>(), r[4].as<std::string>(), r[5].as<std::string>(),
                               r[6].as<std::string>(), r[7].as<std::string>(), r[8].as<std::string>()});
    return out;
  });
}

// ---- units ------------------------------------------------------------------------

Status PgStore::UpdateUnit(std::int64_t site_id, const std::string& name, const UnitInfo& u, const AuditEntry& audit) {
  auto done = WithConnection(*pool_, "UpdateUnit", [&](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    auto found = tx.exec_params("SELECT id FROM units WHERE site_id = $1 AND name = $2 FOR UPDATE", site_id, name);
    if (found.empty()) return Unexpected(Error::NotFound(fmt::format("没有名为“{}”的责任单位", name)));
    const auto id = found[0][0].as<std::int64_t>();
    if (u.name != name &&
        !tx.exec_params("SELECT id FROM units WHERE site_id = $1 AND name = $2", site_id, u.name).empty())
      return Unexpected(Error::Conflict(fmt::format("已有名为“{}”的单位", u.name), "name"));
    tx.exec_params(
        "UPDATE units SET name = $1, short_name = $2, kind = $3, parent_name = $4, org_code = $5, aliases = $6, "
        "active = $7 WHERE id = $8",
        u.name, u.short_name, u.kind, u.parent, u.org_code, JoinLines(u.aliases), u.active, id);
    if (u.name != name) {
      // The new name's references follow, as in SQLite (the old name
      // stays findable as an alias in `u.aliases`, which the caller sets).
      for (const char* sql : {"UPDATE accounts SET unit_name = $1 WHERE site_id = $2 AND unit_name = $3",
                              "UPDATE api_tokens SET unit_name = $1 WHERE site_id = $2 AND unit_name = $3",
                              "UPDATE units SET parent_name = $1 WHERE site_id = $2 AND parent_name = $3",
                              "UPDATE unit_item_changes SET unit_name = $1 WHERE site_id = $2 AND unit_name = $3",
                              "UPDATE index_serials SET unit_name = $1 WHERE site_id = $2 AND unit_name = $3",
                              "UPDATE registrations SET unit_name = $1 WHERE unit_name = $3 AND round_id IN "
                              "(SELECT id FROM registration_rounds WHERE site_id = $2)"})
        tx.exec_params(sql, u.name, site_id, name);
    }
    WriteAudit(tx, audit);
    BumpRevision(tx, site_id);
    tx.commit();
    return Ok();
  });
  // A concurrent rename to the same name got there first (unique index).
  if (!done && done.error().code == ErrorCode::kConflict && done.error().field.empty())
    return Unexpected(Error::Conflict(fmt::format("已有名为“{}”的单位", u.name), "name"));
  return done;
}

Status PgStore::ChangeItemUnit(std::int64_t site_id, int item_number, const std::string& unit, bool add,
                               const std::string& reason, const AuditEntry& audit) {
  return WithConnection(*pool_, "ChangeItemUnit", [&](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    // Locking the item row serialises changes to its units (the "at least
    // one unit" check must see the other removals).
    auto item =
        tx.exec_params("SELECT id FROM items WHERE site_id = $1 AND number = $2 FOR UPDATE", site_id, item_number);
    if (item.empty()) return Unexpected(Error::NotFound(fmt::format("目录中没有序号为{}的事项", item_number)));
    const auto item_id = item[0][0].as<std::int64_t>();
    auto unit_row = tx.exec_params("SELECT id FROM units WHERE site_id = $1 AND name = $2", site_id, unit);
    if (unit_row.empty()) return Unexpected(Error::NotFound(fmt::format("没有名为“{}”的责任单位", unit)));
    const auto unit_id = unit_row[0][0].as<std::int64_t>();
    const bool linked =
        !tx.exec_params("SELECT 1 FROM item_units WHERE item_id = $1 AND unit_id = $2", item_id, unit_id).empty();
    if (add) {
      if (linked) return Unexpected(Error::Conflict(fmt::format("{}已是事项{}的责任单位", unit, item_number)));
      tx.exec_params(
          "INSERT INTO item_units (item_id, unit_id, position) SELECT $1, $2, coalesce(max(position), -1) + 1 "
          "FROM item_units WHERE item_id = $1",
          item_id, unit_id);
    } else {
      if (!linked) return Unexpected(Error::Conflict(fmt::format("{}不是事项{}的责任单位", unit, item_number)));
      if (tx.exec_params("SELECT count(*) FROM item_units WHERE item_id = $1", item_id)[0][0].as<int>() <= 1)
        return Unexpected(Error::Conflict(fmt::format("事项{}至少要有一个责任单位", item_number)));
      tx.exec_params("DELETE FROM item_units WHERE item_id = $1 AND unit_id = $2", item_id, unit_id);
    }
    tx.exec_params(
        "INSERT INTO unit_item_changes (site_id, unit_name, item_number, change, reason, actor, changed_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7)",
        site_id, unit, item_number, std::string(add ? "add" : "remove"), reason, audit.actor, audit.at);
    WriteAudit(tx, audit);
    BumpRevision(tx, site_id);
    tx.commit();
    return Ok();
  });
}

Result<std::vector<UnitItemChange>> PgStore::UnitItemHistory(std::int64_t site_id, const std::string& unit) {
  return WithConnection(*pool_, "UnitItemHistory", [&](pqxx::connection& c) -> Result<std::vector<UnitItemChange>> {
    pqxx::read_transaction tx(c);
    std::vector<UnitItemChange> out;
    for (const auto& r :
         tx.exec_params("SELECT unit_name, item_number, change, reason, actor, changed_at FROM unit_item_changes "
                        "WHERE site_id = $1 AND ($2::text = '' OR unit_name = $2::text) ORDER BY id",
                        site_id, unit))
      out.push_back(UnitItemChange{r[0].as<std::string>(), r[1].as<int>(), r[2].as<std::string>(),
                                   r[3].as<std::string>(), r[4].as<std::string>(), r[5].as<std::string>()});
    return out;
  });
}

// ---- accounts and sessions -------------------------------------------------------

Result<Account> PgStore::CreateAccount(const Account& a, const AuditEntry& audit) {
  auto created = WithConnection(*pool_, "CreateAccount", [&](pqxx::connection& c) -> Result<Account> {
    pqxx::work tx(c);
    auto r = tx.exec_params1(
        "INSERT INTO accounts (site_id, username, display_name, role, unit_name, password_hash, "
        "must_change_password, active, created_at, email) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
        "RETURNING id",
        a.site_id, a.username, a.display_name, std::string(RoleName(a.role)), a.unit, a.password_hash,
        a.must_change_password, a.active, a.created_at, a.email);
    WriteAudit(tx, audit);
    tx.commit();
    Account out = a;
    out.id = r[0].as<std::int64_t>();
    return out;
  });
  if (!created && created.error().code == ErrorCode::kConflict)
    return Unexpected(Error::Conflict(fmt::format("用户名“{}”已被使用", a.username), "username"));
  return created;
}

Status PgStore::UpdateAccount(const Account& a, const AuditEntry& audit) {
  return WithConnection(*pool_, "UpdateAccount", [&](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    auto r = tx.exec_params(
        "UPDATE accounts SET display_name = $1, role = $2, unit_name = $3, password_hash = $4, "
        "must_change_password = $5, active = $6, email = $7 WHERE id = $8",
        a.display_name, std::string(RoleName(a.role)), a.unit, a.password_hash, a.must_change_password, a.active,
        a.email, a.id);
    if (r.affected_rows() == 0) return Unexpected(Error::NotFound("账号不存在"));
    WriteAudit(tx, audit);
    tx.commit();
    return Ok();
  });
}

Result<Account> PgStore::GetAccount(std::int64_t id) {
  return WithConnection(*pool_, "GetAccount", [&](pqxx::connection& c) -> Result<Account> {
    pqxx::read_transaction tx(c);
    auto r = tx.exec_params(fmt::format("SELECT {} FROM accounts WHERE id = $1", kAccountColumns), id);
    if (r.empty()) return Unexpected(Error::NotFound("账号不存在"));
    return ReadAccount(r[0]);
  });
}

Result<Account> PgStore::FindAccount(std::int64_t site_id, const std::string& username) {
  return WithConnection(*pool_, "FindAccount", [&](pqxx::connection& c) -> Result<Account> {
    pqxx::read_transaction tx(c);
    auto r =
        tx.exec_params(fmt::format("SELECT {} FROM accounts WHERE site_id = $1 AND username = $2", kAccountColumns),
                       site_id, username);
    if (r.empty()) return Unexpected(Error::NotFound(fmt::format("账号“{}”不存在", username)));
    return ReadAccount(r[0]);
  });
}

Result<std::vector<Account>> PgStore::ListAccounts(std::int64_t site_id) {
  return WithConnection(*pool_, "ListAccounts", [&](pqxx::connection& c) -> Result<std::vector<Account>> {
    pqxx::read_transaction tx(c);
    std::vector<Account> out;
    for (const auto& r : tx.exec_params(
             fmt::format("SELECT {} FROM accounts WHERE site_id = $1 ORDER BY id", kAccountColumns), site_id)) {
      GK_TRY(a, ReadAccount(r));
      out.push_back(std::move(a));
    }
    return out;
  });
}

Status PgStore::CreateSession(const Session& s) {
  return WithConnection(*pool_, "CreateSession", [&](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    tx.exec_params(
        "INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        s.token_hash, s.account_id, s.csrf_token, s.created_at, s.expires_at);
    tx.commit();
    return Ok();
  });
}

Result<std::pair<Session, Account>> PgStore::FindSession(const std::string& token_hash, const std::string& now) {
  return WithConnection(*pool_, "FindSession", [&](pqxx::connection& c) -> Result<std::pair<Session, Account>> {
    pqxx::read_transaction tx(c);
    auto r = tx.exec_params(
        "SELECT s.token_hash, s.account_id, s.csrf_token, s.created_at, s.expires_at, a.id, a.site_id, a.username, "
        "a.display_name, a.role, a.unit_name, a.password_hash, a.must_change_password, a.active, a.created_at, "
        "a.email FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = $1 AND s.expires_at > $2",
        token_hash, now);
    // Unauthenticated, as the SQLite adapter answers (the caller asks
    // the user to log in again).
    if (r.empty()) return Unexpected(Error{ErrorCode::kUnauthenticated, "登录已过期，请重新登录", "", 0});
    Session s{r[0][0].as<std::string>(), r[0][1].as<std::int64_t>(), r[0][2].as<std::string>(),
              r[0][3].as<std::string>(), r[0][4].as<std::string>()};
    GK_TRY(a, ReadAccount(r[0], 5));
    return std::make_pair(std::move(s), std::move(a));
  });
}

Status PgStore::DeleteSession(const std::string& token_hash) {
  return WithConnection(*pool_, "DeleteSession", [&](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    tx.exec_params("DELETE FROM sessions WHERE token_hash = $1", token_hash);
    tx.commit();
    return Ok();
  });
}

Status PgStore::DeleteSessionsOf(std::int64_t account_id) {
  return WithConnection(*pool_, "DeleteSessionsOf", [&](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    tx.exec_params("DELETE FROM sessions WHERE account_id = $1", account_id);
    tx.commit();
    return Ok();
  });
}

Status PgStore::RecordLoginFailure(std::int64_t site_id, const std::string& username, const std::string& at) {
  return WithConnection(*pool_, "RecordLoginFailure", [&](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    tx.exec_params("INSERT INTO login_failures (site_id, username, failed_at) VALUES ($1, $2, $3)", site_id, username,
                   at);
    tx.commit();
    return Ok();
  });
}

Result<int> PgStore::CountLoginFailures(std::int64_t site_id, const std::string& username, const std::string& since) {
  return WithConnection(*pool_, "CountLoginFailures", [&](pqxx::connection& c) -> Result<int> {
    pqxx::read_transaction tx(c);
    return tx
        .exec_params("SELECT count(*) FROM login_failures WHERE site_id = $1 AND username = $2 AND failed_at >= $3",
                     site_id, username, since)[0][0]
        .as<int>();
  });
}

Status PgStore::ClearLoginFailures(std::int64_t site_id, const std::string& username) {
  return WithConnection(*pool_, "ClearLoginFailures", [&](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    tx.exec_params("DELETE FROM login_failures WHERE site_id = $1 AND username = $2", site_id, username);
    tx.commit();
    return Ok();
  });
}

// ---- API tokens -------------------------------------------------------------------

Result<ApiToken> PgStore::CreateApiToken(const ApiToken& t, const AuditEntry& audit) {
  return WithConnection(*pool_, "CreateApiToken", [&](pqxx::connection& c) -> Result<ApiToken> {
    pqxx::work tx(c);
    auto r = tx.exec_params1(
        "INSERT INTO api_tokens (site_id, name, unit_name, role, token_hash, created_by, created_at, last_used_at, "
        "revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        t.site_id, t.name, t.unit, std::string(RoleName(t.role)), t.token_hash, t.created_by, t.created_at,
        t.last_used_at, t.revoked_at);
    WriteAudit(tx, audit);
    tx.commit();
    ApiToken out = t;
    out.id = r[0].as<std::int64_t>();
    return out;
  });
}

Result<ApiToken> PgStore::GetApiToken(std::int64_t id) {
  return WithConnection(*pool_, "GetApiToken", [&](pqxx::connection& c) -> Result<ApiToken> {
    pqxx::read_transaction tx(c);
    auto r = tx.exec_params(fmt::format("SELECT {} FROM api_tokens WHERE id = $1", kTokenColumns), id);
    if (r.empty()) return Unexpected(NoToken());
    return ReadToken(r[0]);
  });
}

Result<ApiToken> PgStore::FindApiToken(const std::string& token_hash) {
  return WithConnection(*pool_, "FindApiToken", [&](pqxx::connection& c) -> Result<ApiToken> {
    pqxx::read_transaction tx(c);
    auto r = tx.exec_params(fmt::format("SELECT {} FROM api_tokens WHERE token_hash = $1", kTokenColumns), token_hash);
    if (r.empty()) return Unexpected(NoToken());
    return ReadToken(r[0]);
  });
}

Result<std::vector<ApiToken>> PgStore::ListApiTokens(std::int64_t site_id) {
  return WithConnection(*pool_, "ListApiTokens", [&](pqxx::connection& c) -> Result<std::vector<ApiToken>> {
    pqxx::read_transaction tx(c);
    std::vector<ApiToken> out;
    for (const auto& r : tx.exec_params(
             fmt::format("SELECT {} FROM api_tokens WHERE site_id = $1 ORDER BY id", kTokenColumns), site_id))
      out.push_back(ReadToken(r));
    return out;
  });
}

Status PgStore::RevokeApiToken(std::int64_t id, const std::string& at, const AuditEntry& audit) {
  return WithConnection(*pool_, "RevokeApiToken", [&](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    auto r = tx.exec_params("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at = ''", at, id);
    // Conflict, not NotFound, for both cases: what the SQLite adapter answers.
    if (r.affected_rows() == 0) return Unexpected(Error::Conflict("接口令牌不存在或已被吊销"));
    WriteAudit(tx, audit);
    tx.commit();
    return Ok();
  });
}

Status PgStore::TouchApiToken(std::int64_t id, const std::string& at) {
  return WithConnection(*pool_, "TouchApiToken", [&](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    tx.exec_params("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2", at, id);
    tx.commit();
    return Ok();
  });
}

// ---- site settings ------------------------------------------------------------

Result<std::string> PgStore::GetSiteSetting(std::int64_t site_id, const std::string& key) {
  return WithConnection(*pool_, "GetSiteSetting", [&](pqxx::connection& c) -> Result<std::string> {
    pqxx::read_transaction tx(c);
    auto r = tx.exec_params("SELECT value FROM site_settings WHERE site_id = $1 AND key = $2", site_id, key);
    return r.empty() ? std::string() : r[0][0].as<std::string>();
  });
}

Status PgStore::SetSiteSetting(std::int64_t site_id, const std::string& key, const std::string& value,
                               const AuditEntry& audit) {
  return WithConnection(*pool_, "SetSiteSetting", [&](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    tx.exec_params(
        "INSERT INTO site_settings (site_id, key, value, updated_at) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (site_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        site_id, key, value, audit.at);
    WriteAudit(tx, audit);
    tx.commit();
    return Ok();
  });
}

// ---- files ------------------------------------------------------------------------

Status PgStore::PutFile(const StoredFile& f) {
  return WithConnection(*pool_, "PutFile", [&](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    // binarystring makes libpqxx send the content as a binary parameter
    // (no escaping, any bytes).
    tx.exec_params(
        "INSERT INTO files (sha256, mime, size, content, created_at, text, text_status, text_note) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (sha256) DO NOTHING",
        f.sha256, f.mime, f.size, pqxx::binarystring(f.content.data(), f.content.size()), f.created_at, f.text,
        f.text_status, f.text_note);
    tx.commit();
    return Ok();
  });
}

Result<StoredFile> PgStore::GetFile(const std::string& sha256) {
  return WithConnection(*pool_, "GetFile", [&](pqxx::connection& c) -> Result<StoredFile> {
    pqxx::read_transaction tx(c);
    auto r = tx.exec_params(
        "SELECT sha256, mime, size, content, created_at, text, text_status, text_note FROM files WHERE sha256 = $1",
        sha256);
    if (r.empty()) return Unexpected(Error::NotFound("文件不存在"));
    const auto& row = r[0];
    return StoredFile{row[0].as<std::string>(),         row[1].as<std::string>(), row[2].as<std::int64_t>(),
                      pqxx::binarystring(row[3]).str(), row[4].as<std::string>(), row[5].as<std::string>(),
                      row[6].as<std::string>(),         row[7].as<std::string>()};
  });
}

Result<std::string> PgStore::GetFileTextStart(const std::string& sha256, int max_chars) {
  return WithConnection(*pool_, "GetFileTextStart", [&](pqxx::connection& c) -> Result<std::string> {
    pqxx::read_transaction tx(c);
    auto r = tx.exec_params("SELECT left(text, $2) FROM files WHERE sha256 = $1", sha256, max_chars);
    if (r.empty()) return Unexpected(Error::NotFound("文件不存在"));
    return r[0][0].as<std::string>();
  });
}

}  // namespace gongkai
