// SqliteStore: audit log, unit edits, accounts, sessions, liaison
// registration and content-addressed files.
#include <fmt/core.h>

#include "storage/sqlite/sqlite_store.h"

namespace gongkai {

using sqlite::JoinLines;
using sqlite::SplitLines;

namespace {

constexpr std::string_view kAccountColumns =
    "id, site_id, username, display_name, role, unit_name, password_hash, must_change_password, active, "
    "created_at, email";

Result<Account> ReadAccount(const sqlite::Statement& st, int base = 0) {
  Account a;
  a.id = st.Int(base + 0);
  a.site_id = st.Int(base + 1);
  a.username = st.Text(base + 2);
  a.display_name = st.Text(base + 3);
  auto role = ParseRole(st.Text(base + 4));
  if (!role) return Unexpected(Error::Internal("数据库中的角色无效"));
  a.role = *role;
  a.unit = st.Text(base + 5);
  a.password_hash = st.Text(base + 6);
  a.must_change_password = st.Bool(base + 7);
  a.active = st.Bool(base + 8);
  a.created_at = st.Text(base + 9);
  a.email = st.Text(base + 10);
  return a;
}

constexpr std::string_view kRegistrationColumns =
    "round_id, unit_name, leader_name, leader_post, leader_phone, liaison_name, liaison_post, liaison_phone, "
    "affiliation, submitted_at, first_submitted_at, submitted_by, paper_status, paper_note, paper_at, scan_sha256";

Registration ReadRegistration(const sqlite::Statement& st) {
  Registration r;
  r.round_id = st.Int(0);
  r.unit = st.Text(1);
  r.leader = Person{st.Text(2), st.Text(3), st.Text(4)};
  r.liaison = Person{st.Text(5), st.Text(6), st.Text(7)};
  r.affiliation = st.Text(8);
  r.submitted_at = st.Text(9);
  r.first_submitted_at = st.Text(10);
  r.submitted_by = st.Text(11);
  r.paper = ParsePaperStatus(st.Text(12)).value_or(PaperStatus::kNone);
  r.paper_note = st.Text(13);
  r.paper_at = st.Text(14);
  r.scan_sha256 = st.Text(15);
  return r;
}

RegistrationRound ReadRound(const sqlite::Statement& st) {
  return RegistrationRound{st.Int(0), st.Int(1), st.Text(2), st.Text(3), st.Text(4), st.Text(5), st.Text(6)};
}

}  // namespace

Status SqliteStore::WriteAudit(sqlite::Connection& c, const AuditEntry& e) {
  GK_TRY(st, c.PrepareCached(
                 "INSERT INTO audit_log (site_id, at, actor, actor_role, action, target, before_json, after_json) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  st.Bind(1, e.site_id).Bind(2, e.at).Bind(3, e.actor).Bind(4, e.actor_role).Bind(5, e.action).Bind(6, e.target);
  st.Bind(7, e.before_json).Bind(8, e.after_json);
  return st.Run();
}

Status SqliteStore::AppendAudit(const AuditEntry& entry) {
  auto c = pool_->Acquire();
  return WriteAudit(*c, entry);
}

Result<std::vector<AuditEntry>> SqliteStore::ListAudit(std::int64_t site_id, int limit, int offset) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached(
                 "SELECT id, site_id, at, actor, actor_role, action, target, before_json, after_json FROM audit_log "
                 "WHERE site_id = ? ORDER BY id DESC LIMIT ? OFFSET ?"));
  st.Bind(1, site_id).Bind(2, limit).Bind(3, offset);
  std::vector<AuditEntry> out;
  while (true) {
    GK_TRY(row, st.Step());
    if (!row) break;
    out.push_back(AuditEntry{st.Int(0), st.Int(1), st.Text(2), st.Text(3), st.Text(4), st.Text(5), st.Text(6),
                             st.Text(7), st.Text(8)});
  }
  return out;
}

Status SqliteStore::UpdateUnit(std::int64_t site_id, const std::string& name, const UnitInfo& u,
                               const AuditEntry& audit) {
  auto c = pool_->Acquire();
  sqlite::Transaction tx(*c);
  GK_CHECK(tx.Begin());
  GK_TRY(find, c->PrepareCached("SELECT id FROM units WHERE site_id = ? AND name = ?"));
  find.Bind(1, site_id).Bind(2, name);
  GK_TRY(row, find.Step());
  if (!row) return Unexpected(Error::NotFound(fmt::format("没有名为“{}”的责任单位", name)));
  std::int64_t id = find.Int(0);
  find.Reset();
  if (u.name != name) {
    find.Bind(1, site_id).Bind(2, u.name);
    GK_TRY(taken, find.Step());
    if (taken) return Unexpected(Error::Conflict(fmt::format("已有名为“{}”的单位", u.name), "name"));
    find.Reset();
  }
  GK_TRY(upd, c->PrepareCached(
                  "UPDATE units SET name = ?, short_name = ?, kind = ?, parent_name = ?, org_code = ?, aliases = ?, "
                  "active = ? WHERE id = ?"));
  upd.Bind(1, u.name).Bind(2, u.short_name).Bind(3, u.kind).Bind(4, u.parent).Bind(5, u.org_code);
  upd.Bind(6, JoinLines(u.aliases)).Bind(7, u.active).Bind(8, id);
  GK_CHECK(upd.Run());
  if (u.name != name) {
    for (const char* sql :
         {"UPDATE accounts SET unit_name = ? WHERE site_id = ? AND unit_name = ?",
          "UPDATE api_tokens SET unit_name = ? WHERE site_id = ? AND unit_name = ?",
          "UPDATE units SET parent_name = ? WHERE site_id = ? AND parent_name = ?",
          "UPDATE unit_item_changes SET unit_name = ? WHERE site_id = ? AND unit_name = ?",
          // The 索引号 serials follow the name, or the next number would
          // restart at 1 and repeat one the unit already used.
          "UPDATE index_serials SET unit_name = ? WHERE site_id = ? AND unit_name = ?",
          "UPDATE registrations SET unit_name = ? WHERE unit_name = ? AND round_id IN "
          "(SELECT id FROM registration_rounds WHERE site_id = ?)"}) {
      GK_TRY(st, c->PrepareCached(sql));
      if (std::string_view(sql).starts_with("UPDATE registrations"))
        st.Bind(1, u.name).Bind(2, name).Bind(3, site_id);
      else
        st.Bind(1, u.name).Bind(2, site_id).Bind(3, name);
      GK_CHECK(st.Run());
    }
  }
  GK_CHECK(WriteAudit(*c, audit));
  GK_TRY(rev, c->PrepareCached("UPDATE sites SET revision = revision + 1 WHERE id = ?"));
  rev.Bind(1, site_id);
  GK_CHECK(rev.Run());
  return tx.Commit();
}

Status SqliteStore::ChangeItemUnit(std::int64_t site_id, int item_number, const std::string& unit, bool add,
                                   const std::string& reason, const AuditEntry& audit) {
  auto c = pool_->Acquire();
  sqlite::Transaction tx(*c);
  GK_CHECK(tx.Begin());
  GK_TRY(item, c->PrepareCached("SELECT id FROM items WHERE site_id = ? AND number = ?"));
  item.Bind(1, site_id).Bind(2, item_number);
  GK_TRY(has_item, item.Step());
  if (!has_item) return Unexpected(Error::NotFound(fmt::format("目录中没有序号为{}的事项", item_number)));
  std::int64_t item_id = item.Int(0);
  GK_TRY(unit_q, c->PrepareCached("SELECT id FROM units WHERE site_id = ? AND name = ?"));
  unit_q.Bind(1, site_id).Bind(2, unit);
  GK_TRY(has_unit, unit_q.Step());
  if (!has_unit) return Unexpected(Error::NotFound(fmt::format("没有名为“{}”的责任单位", unit)));
  std::int64_t unit_id = unit_q.Int(0);
  GK_TRY(linked, c->PrepareCached("SELECT count(*) FROM item_units WHERE item_id = ? AND unit_id = ?"));
  linked.Bind(1, item_id).Bind(2, unit_id);
  GK_TRY(lrow, linked.Step());
  bool is_linked = lrow && linked.Int(0) > 0;
  if (add) {
    if (is_linked) return Unexpected(Error::Conflict(fmt::format("{}已是事项{}的责任单位", unit, item_number)));
    GK_TRY(ins, c->PrepareCached(
                    "INSERT INTO item_units (item_id, unit_id, position) SELECT ?, ?, coalesce(max(position), -1) + 1 "
                    "FROM item_units WHERE item_id = ?"));
    ins.Bind(1, item_id).Bind(2, unit_id).Bind(3, item_id);
    GK_CHECK(ins.Run());
  } else {
    if (!is_linked) return Unexpected(Error::Conflict(fmt::format("{}不是事项{}的责任单位", unit, item_number)));
    GK_TRY(cnt, c->PrepareCached("SELECT count(*) FROM item_units WHERE item_id = ?"));
    cnt.Bind(1, item_id);
    GK_TRY(crow, cnt.Step());
    if (crow && cnt.Int(0) <= 1)
      return Unexpected(Error::Conflict(fmt::format("事项{}至少要有一个责任单位", item_number)));
    GK_TRY(del, c->PrepareCached("DELETE FROM item_units WHERE item_id = ? AND unit_id = ?"));
    del.Bind(1, item_id).Bind(2, unit_id);
    GK_CHECK(del.Run());
  }
  GK_TRY(hist, c->PrepareCached(
                   "INSERT INTO unit_item_changes (site_id, unit_name, item_number, change, reason, actor, changed_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)"));
  hist.Bind(1, site_id).Bind(2, unit).Bind(3, item_number).Bind(4, add ? "add" : "remove").Bind(5, reason);
  hist.Bind(6, audit.actor).Bind(7, audit.at);
  GK_CHECK(hist.Run());
  GK_CHECK(WriteAudit(*c, audit));
  GK_TRY(rev, c->PrepareCached("UPDATE sites SET revision = revision + 1 WHERE id = ?"));
  rev.Bind(1, site_id);
  GK_CHECK(rev.Run());
  return tx.Commit();
}

Result<std::vector<UnitItemChange>> SqliteStore::UnitItemHistory(std::int64_t site_id, const std::string& unit) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached(
                 "SELECT unit_name, item_number, change, reason, actor, changed_at FROM unit_item_changes "
                 "WHERE site_id = ? AND (? = '' OR unit_name = ?) ORDER BY id"));
  st.Bind(1, site_id).Bind(2, unit).Bind(3, unit);
  std::vector<UnitItemChange> out;
  while (true) {
    GK_TRY(row, st.Step());
    if (!row) break;
    out.push_back(UnitItemChange{st.Text(0), static_cast<int>(st.Int(1)), st.Text(2), st.Text(3), st.Text(4),
                                 st.Text(5)});
  }
  return out;
}

Result<Account> SqliteStore::CreateAccount(const Account& a, const AuditEntry& audit) {
  auto c = pool_->Acquire();
  sqlite::Transaction tx(*c);
  GK_CHECK(tx.Begin());
  GK_TRY(st, c->PrepareCached(
                 "INSERT INTO accounts (site_id, username, display_name, role, unit_name, password_hash, "
                 "must_change_password, active, created_at, email) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  st.Bind(1, a.site_id).Bind(2, a.username).Bind(3, a.display_name).Bind(4, RoleName(a.role)).Bind(5, a.unit);
  st.Bind(6, a.password_hash).Bind(7, a.must_change_password).Bind(8, a.active).Bind(9, a.created_at);
  st.Bind(10, a.email);
  if (auto s = st.Run(); !s) {
    if (s.error().code == ErrorCode::kConflict)
      return Unexpected(Error::Conflict(fmt::format("用户名“{}”已被使用", a.username), "username"));
    return Unexpected(s.error());
  }
  Account out = a;
  out.id = c->LastInsertId();
  GK_CHECK(WriteAudit(*c, audit));
  GK_CHECK(tx.Commit());
  return out;
}

Status SqliteStore::UpdateAccount(const Account& a, const AuditEntry& audit) {
  auto c = pool_->Acquire();
  sqlite::Transaction tx(*c);
  GK_CHECK(tx.Begin());
  GK_TRY(st, c->PrepareCached(
                 "UPDATE accounts SET display_name = ?, role = ?, unit_name = ?, password_hash = ?, "
                 "must_change_password = ?, active = ?, email = ? WHERE id = ?"));
  st.Bind(1, a.display_name).Bind(2, RoleName(a.role)).Bind(3, a.unit).Bind(4, a.password_hash);
  st.Bind(5, a.must_change_password).Bind(6, a.active).Bind(7, a.email).Bind(8, a.id);
  GK_CHECK(st.Run());
  if (c->Changes() == 0) return Unexpected(Error::NotFound("账号不存在"));
  GK_CHECK(WriteAudit(*c, audit));
  return tx.Commit();
}

Result<Account> SqliteStore::GetAccount(std::int64_t id) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached(fmt::format("SELECT {} FROM accounts WHERE id = ?", kAccountColumns)));
  st.Bind(1, id);
  GK_TRY(row, st.Step());
  if (!row) return Unexpected(Error::NotFound("账号不存在"));
  return ReadAccount(st);
}

Result<Account> SqliteStore::FindAccount(std::int64_t site_id, const std::string& username) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached(fmt::format("SELECT {} FROM accounts WHERE site_id = ? AND username = ?", kAccountColumns)));
  st.Bind(1, site_id).Bind(2, username);
  GK_TRY(row, st.Step());
  if (!row) return Unexpected(Error::NotFound(fmt::format("账号“{}”不存在", username)));
  return ReadAccount(st);
}

Result<std::vector<Account>> SqliteStore::ListAccounts(std::int64_t site_id) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached(fmt::format("SELECT {} FROM accounts WHERE site_id = ? ORDER BY id", kAccountColumns)));
  st.Bind(1, site_id);
  std::vector<Account> out;
  while (true) {
    GK_TRY(row, st.Step());
    if (!row) break;
    GK_TRY(a, ReadAccount(st));
    out.push_back(std::move(a));
  }
  return out;
}

Status SqliteStore::CreateSession(const Session& s) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached(
                 "INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, expires_at) VALUES "
                 "(?, ?, ?, ?, ?)"));
  st.Bind(1, s.token_hash).Bind(2, s.account_id).Bind(3, s.csrf_token).Bind(4, s.created_at).Bind(5, s.expires_at);
  return st.Run();
}

Result<std::pair<Session, Account>> SqliteStore::FindSession(const std::string& token_hash, const std::string& now) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached(
                 "SELECT s.token_hash, s.account_id, s.csrf_token, s.created_at, s.expires_at, a.id, a.site_id, "
                 "a.username, a.display_name, a.role, a.unit_name, a.password_hash, a.must_change_password, "
                 "a.active, a.created_at, a.email FROM sessions s JOIN accounts a ON a.id = s.account_id "
                 "WHERE s.token_hash = ? AND s.expires_at > ?"));
  st.Bind(1, token_hash).Bind(2, now);
  GK_TRY(row, st.Step());
  if (!row) return Unexpected(Error{ErrorCode::kUnauthenticated, "登录已过期，请重新登录", "", 0});
  Session s{st.Text(0), st.Int(1), st.Text(2), st.Text(3), st.Text(4)};
  GK_TRY(a, ReadAccount(st, 5));
  return std::make_pair(std::move(s), std::move(a));
}

Status SqliteStore::DeleteSession(const std::string& token_hash) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached("DELETE FROM sessions WHERE token_hash = ?"));
  st.Bind(1, token_hash);
  return st.Run();
}

Status SqliteStore::DeleteSessionsOf(std::int64_t account_id) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached("DELETE FROM sessions WHERE account_id = ?"));
  st.Bind(1, account_id);
  return st.Run();
}

Status SqliteStore::RecordLoginFailure(std::int64_t site_id, const std::string& username, const std::string& at) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached("INSERT INTO login_failures (site_id, username, failed_at) VALUES (?, ?, ?)"));
  st.Bind(1, site_id).Bind(2, username).Bind(3, at);
  return st.Run();
}

Result<int> SqliteStore::CountLoginFailures(std::int64_t site_id, const std::string& username,
                                            const std::string& since) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached("SELECT count(*) FROM login_failures WHERE site_id = ? AND username = ? AND failed_at >= ?"));
  st.Bind(1, site_id).Bind(2, username).Bind(3, since);
  GK_TRY(row, st.Step());
  return row ? static_cast<int>(st.Int(0)) : 0;
}

Status SqliteStore::ClearLoginFailures(std::int64_t site_id, const std::string& username) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached("DELETE FROM login_failures WHERE site_id = ? AND username = ?"));
  st.Bind(1, site_id).Bind(2, username);
  return st.Run();
}

Result<RegistrationRound> SqliteStore::CreateRound(const RegistrationRound& r, const AuditEntry& audit) {
  auto c = pool_->Acquire();
  sqlite::Transaction tx(*c);
  GK_CHECK(tx.Begin());
  GK_TRY(st, c->PrepareCached(
                 "INSERT INTO registration_rounds (site_id, title, deadline, paper_address, paper_phones, created_at) "
                 "VALUES (?, ?, ?, ?, ?, ?)"));
  st.Bind(1, r.site_id).Bind(2, r.title).Bind(3, r.deadline).Bind(4, r.paper_address).Bind(5, r.paper_phones);
  st.Bind(6, r.created_at);
  GK_CHECK(st.Run());
  RegistrationRound out = r;
  out.id = c->LastInsertId();
  AuditEntry a = audit;
  a.target = fmt::format("登记轮次:{}", out.id);
  GK_CHECK(WriteAudit(*c, a));
  GK_CHECK(tx.Commit());
  return out;
}

Result<std::vector<RegistrationRound>> SqliteStore::ListRounds(std::int64_t site_id) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached(
                 "SELECT id, site_id, title, deadline, paper_address, paper_phones, created_at FROM "
                 "registration_rounds WHERE site_id = ? ORDER BY id DESC"));
  st.Bind(1, site_id);
  std::vector<RegistrationRound> out;
  while (true) {
    GK_TRY(row, st.Step());
    if (!row) break;
    out.push_back(ReadRound(st));
  }
  return out;
}

Result<RegistrationRound> SqliteStore::GetRound(std::int64_t site_id, std::int64_t round_id) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached(
                 "SELECT id, site_id, title, deadline, paper_address, paper_phones, created_at FROM "
                 "registration_rounds WHERE site_id = ? AND id = ?"));
  st.Bind(1, site_id).Bind(2, round_id);
  GK_TRY(row, st.Step());
  if (!row) return Unexpected(Error::NotFound(fmt::format("登记轮次{}不存在", round_id)));
  return ReadRound(st);
}

Result<std::vector<Registration>> SqliteStore::ListRegistrations(std::int64_t round_id) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached(fmt::format("SELECT {} FROM registrations WHERE round_id = ?", kRegistrationColumns)));
  st.Bind(1, round_id);
  std::vector<Registration> out;
  while (true) {
    GK_TRY(row, st.Step());
    if (!row) break;
    out.push_back(ReadRegistration(st));
  }
  return out;
}

Result<std::optional<Registration>> SqliteStore::GetRegistration(std::int64_t round_id, const std::string& unit) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached(
                 fmt::format("SELECT {} FROM registrations WHERE round_id = ? AND unit_name = ?", kRegistrationColumns)));
  st.Bind(1, round_id).Bind(2, unit);
  GK_TRY(row, st.Step());
  if (!row) return std::optional<Registration>();
  return std::optional<Registration>(ReadRegistration(st));
}

Status SqliteStore::SaveRegistration(const Registration& r, const std::vector<Account>& accounts,
                                     const AuditEntry& audit) {
  auto c = pool_->Acquire();
  sqlite::Transaction tx(*c);
  GK_CHECK(tx.Begin());
  GK_TRY(st, c->PrepareCached(fmt::format(
                 "INSERT OR REPLACE INTO registrations ({}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 kRegistrationColumns)));
  st.Bind(1, r.round_id).Bind(2, r.unit).Bind(3, r.leader.name).Bind(4, r.leader.post).Bind(5, r.leader.phone);
  st.Bind(6, r.liaison.name).Bind(7, r.liaison.post).Bind(8, r.liaison.phone).Bind(9, r.affiliation);
  st.Bind(10, r.submitted_at).Bind(11, r.first_submitted_at).Bind(12, r.submitted_by);
  st.Bind(13, PaperStatusName(r.paper)).Bind(14, r.paper_note).Bind(15, r.paper_at).Bind(16, r.scan_sha256);
  GK_CHECK(st.Run());
  GK_TRY(find, c->PrepareCached("SELECT id FROM accounts WHERE site_id = ? AND username = ?"));
  GK_TRY(ins, c->PrepareCached(
                  "INSERT INTO accounts (site_id, username, display_name, role, unit_name, password_hash, "
                  "must_change_password, active, created_at) VALUES (?, ?, ?, ?, ?, '', 1, 1, ?)"));
  GK_TRY(upd, c->PrepareCached("UPDATE accounts SET display_name = ?, role = ?, unit_name = ? WHERE id = ?"));
  for (const auto& a : accounts) {
    find.Reset();
    find.Bind(1, a.site_id).Bind(2, a.username);
    GK_TRY(row, find.Step());
    if (row) {
      std::int64_t id = find.Int(0);
      upd.Reset();
      upd.Bind(1, a.display_name).Bind(2, RoleName(a.role)).Bind(3, a.unit).Bind(4, id);
      GK_CHECK(upd.Run());
    } else {
      ins.Reset();
      ins.Bind(1, a.site_id).Bind(2, a.username).Bind(3, a.display_name).Bind(4, RoleName(a.role));
      ins.Bind(5, a.unit).Bind(6, a.created_at);
      GK_CHECK(ins.Run());
    }
  }
  GK_CHECK(WriteAudit(*c, audit));
  return tx.Commit();
}

Status SqliteStore::PutFile(const StoredFile& f) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached(
                 "INSERT INTO files (sha256, mime, size, content, created_at, text, text_status, text_note) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING"));
  st.Bind(1, f.sha256).Bind(2, f.mime).Bind(3, f.size).BindBlob(4, f.content);
  st.Bind(5, f.created_at).Bind(6, f.text).Bind(7, f.text_status).Bind(8, f.text_note);
  return st.Run();
}

Result<StoredFile> SqliteStore::GetFile(const std::string& sha256) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached(
                 "SELECT sha256, mime, size, content, created_at, text, text_status, text_note FROM files "
                 "WHERE sha256 = ?"));
  st.Bind(1, sha256);
  GK_TRY(row, st.Step());
  if (!row) return Unexpected(Error::NotFound("文件不存在"));
  return StoredFile{st.Text(0), st.Text(1), st.Int(2), st.Blob(3), st.Text(4), st.Text(5), st.Text(6), st.Text(7)};
}

Result<std::string> SqliteStore::GetFileTextStart(const std::string& sha256, int max_chars) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached("SELECT substr(text, 1, ?) FROM files WHERE sha256 = ?"));
  st.Bind(1, max_chars).Bind(2, sha256);
  GK_TRY(row, st.Step());
  if (!row) return Unexpected(Error::NotFound("文件不存在"));
  return st.Text(0);
}

}  // namespace gongkai
