// PgStore: reminder marks and notices (in-app, with their e-mail state).
// Mirrors sqlite_notices.cc.
#include <fmt/core.h>

#include "storage/postgres/pg_store.h"

namespace gongkai {

using pg::WithConnection;

namespace {

constexpr const char* kNoticeColumns =
    "id, site_id, account_id, created_at, on_day, subject, body, read_at, email_to, email_status, email_error, "
    "email_attempts";

Result<Notice> ReadNotice(const pqxx::row& r) {
  Notice n;
  n.id = r[0].as<std::int64_t>();
  n.site_id = r[1].as<std::int64_t>();
  n.account_id = r[2].as<std::int64_t>();
  n.created_at = r[3].as<std::string>();
  auto day = Date::Parse(r[4].as<std::string>());
  if (!day) return Unexpected(Error::Internal("数据库中的提醒日期无效"));
  n.on_day = *day;
  n.subject = r[5].as<std::string>();
  n.body = r[6].as<std::string>();
  n.read_at = r[7].as<std::string>();
  n.email_to = r[8].as<std::string>();
  auto status = ParseEmailStatus(r[9].as<std::string>());
  if (!status) return Unexpected(Error::Internal("数据库中的邮件状态无效"));
  n.email_status = *status;
  n.email_error = r[10].as<std::string>();
  n.email_attempts = r[11].as<int>();
  return n;
}

Result<std::vector<Notice>> ReadNotices(const pqxx::result& rows) {
  std::vector<Notice> out;
  for (const auto& r : rows) {
    GK_TRY(n, ReadNotice(r));
    out.push_back(std::move(n));
  }
  return out;
}

}  // namespace

Result<std::vector<ReminderMark>> PgStore::ListReminderMarks(std::int64_t site_id) {
  return WithConnection(*pool_, "ListReminderMarks", [&](pqxx::connection& c) -> Result<std::vector<ReminderMark>> {
    pqxx::read_transaction tx(c);
    std::vector<ReminderMark> out;
    for (const auto& r : tx.exec_params(
             "SELECT account_id, obligation_id, kind, due_on FROM reminder_marks WHERE site_id = $1", site_id)) {
      auto kind = ParseReminderKind(r[2].as<std::string>());
      auto due = Date::Parse(r[3].as<std::string>());
      if (!kind || !due) return Unexpected(Error::Internal("数据库中的提醒记录无效"));
      out.push_back(ReminderMark{r[0].as<std::int64_t>(), r[1].as<std::int64_t>(), *kind, *due});
    }
    return out;
  });
}

Result<std::vector<Notice>> PgStore::SaveNotices(std::span<const Notice> notices, const AuditEntry& audit) {
  return WithConnection(*pool_, "SaveNotices", [&](pqxx::connection& c) -> Result<std::vector<Notice>> {
    pqxx::work tx(c);
    std::vector<Notice> out;
    for (const auto& n : notices) {
      // Skipped when every mark already exists (another process sent it).
      // Two processes saving the same marks at once: the second's mark
      // insert waits on the first's uncommitted row and then does nothing
      // (ON CONFLICT DO NOTHING), as SQLite's INSERT OR IGNORE.
      bool any_new = n.marks.empty();
      for (const auto& m : n.marks) {
        if (tx.exec_params("SELECT 1 FROM reminder_marks WHERE account_id = $1 AND obligation_id = $2 AND kind = $3 "
                           "AND due_on = $4",
                           m.account_id, m.obligation_id, std::string(ReminderKindName(m.kind)), m.due_on.ToString())
                .empty()) {
          any_new = true;
          break;
        }
      }
      if (!any_new) continue;
      Notice stored = n;
      stored.id = tx.exec_params1(
                        "INSERT INTO notices (site_id, account_id, created_at, on_day, subject, body, email_to, "
                        "email_status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                        n.site_id, n.account_id, n.created_at, n.on_day.ToString(), n.subject, n.body, n.email_to,
                        std::string(EmailStatusName(n.email_status)))[0]
                      .as<std::int64_t>();
      for (const auto& m : n.marks)
        tx.exec_params(
            "INSERT INTO reminder_marks (site_id, account_id, obligation_id, kind, due_on, notice_id) "
            "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
            n.site_id, m.account_id, m.obligation_id, std::string(ReminderKindName(m.kind)), m.due_on.ToString(),
            stored.id);
      out.push_back(std::move(stored));
    }
    WriteAudit(tx, audit);
    tx.commit();
    return out;
  });
}

Result<std::vector<Notice>> PgStore::ListNotices(std::int64_t site_id, std::int64_t account_id, int limit) {
  return WithConnection(*pool_, "ListNotices", [&](pqxx::connection& c) -> Result<std::vector<Notice>> {
    pqxx::read_transaction tx(c);
    std::optional<int> lim;  // SQLite: a negative LIMIT is none
    if (limit >= 0) lim = limit;
    return ReadNotices(tx.exec_params(
        fmt::format("SELECT {} FROM notices WHERE site_id = $1 AND ($2::bigint = 0 OR account_id = $2::bigint) "
                    "ORDER BY id DESC LIMIT $3",
                    kNoticeColumns),
        site_id, account_id, lim));
  });
}

Result<int> PgStore::CountUnreadNotices(std::int64_t account_id) {
  return WithConnection(*pool_, "CountUnreadNotices", [&](pqxx::connection& c) -> Result<int> {
    pqxx::read_transaction tx(c);
    return tx.exec_params("SELECT count(*) FROM notices WHERE account_id = $1 AND read_at = ''", account_id)[0][0]
        .as<int>();
  });
}

Status PgStore::MarkNoticesRead(std::int64_t account_id, std::int64_t notice_id, const std::string& at) {
  return WithConnection(*pool_, "MarkNoticesRead", [&](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    tx.exec_params(
        "UPDATE notices SET read_at = $1 WHERE account_id = $2 AND read_at = '' AND ($3::bigint = 0 OR id = "
        "$3::bigint)",
        at, account_id, notice_id);
    tx.commit();
    return Ok();
  });
}

Result<std::vector<Notice>> PgStore::ListUndeliveredEmails(std::int64_t site_id, int max_attempts) {
  return WithConnection(*pool_, "ListUndeliveredEmails", [&](pqxx::connection& c) -> Result<std::vector<Notice>> {
    pqxx::read_transaction tx(c);
    return ReadNotices(
        tx.exec_params(fmt::format("SELECT {} FROM notices WHERE site_id = $1 AND (email_status = 'pending' OR "
                                   "(email_status = 'failed' AND email_attempts < $2)) ORDER BY id",
                                   kNoticeColumns),
                       site_id, max_attempts));
  });
}

Result<bool> PgStore::ClaimEmail(std::int64_t notice_id) {
  return WithConnection(*pool_, "ClaimEmail", [&](pqxx::connection& c) -> Result<bool> {
    pqxx::work tx(c);
    // The row lock makes a concurrent claim wait, re-check the status and
    // find 'sending': exactly one claimant wins.
    auto r = tx.exec_params(
        "UPDATE notices SET email_status = 'sending' WHERE id = $1 AND email_status IN ('pending', 'failed')",
        notice_id);
    tx.commit();
    return r.affected_rows() == 1;
  });
}

Status PgStore::RecordEmailAttempt(std::int64_t notice_id, EmailStatus status, const std::string& error) {
  return WithConnection(*pool_, "RecordEmailAttempt", [&](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    auto r = tx.exec_params(
        "UPDATE notices SET email_status = $1, email_error = $2, email_attempts = email_attempts + 1 WHERE id = $3",
        std::string(EmailStatusName(status)), error, notice_id);
    if (r.affected_rows() == 0) return Unexpected(Error::NotFound("提醒不存在"));
    tx.commit();
    return Ok();
  });
}

}  // namespace gongkai
