// SqliteStore: site settings, reminder marks and notices.
#include <fmt/core.h>

#include "storage/sqlite/sqlite_store.h"

namespace gongkai {

namespace {

constexpr std::string_view kNoticeColumns =
    "id, site_id, account_id, created_at, on_day, subject, body, read_at, email_to, email_status, email_error, "
    "email_attempts";

Result<Notice> ReadNotice(const sqlite::Statement& st) {
  Notice n;
  n.id = st.Int(0);
  n.site_id = st.Int(1);
  n.account_id = st.Int(2);
  n.created_at = st.Text(3);
  auto day = Date::Parse(st.Text(4));
  if (!day) return Unexpected(Error::Internal("数据库中的提醒日期无效"));
  n.on_day = *day;
  n.subject = st.Text(5);
  n.body = st.Text(6);
  n.read_at = st.Text(7);
  n.email_to = st.Text(8);
  auto status = ParseEmailStatus(st.Text(9));
  if (!status) return Unexpected(Error::Internal("数据库中的邮件状态无效"));
  n.email_status = *status;
  n.email_error = st.Text(10);
  n.email_attempts = static_cast<int>(st.Int(11));
  return n;
}

Result<std::vector<Notice>> ReadNotices(sqlite::Statement& st) {
  std::vector<Notice> out;
  while (true) {
    GK_TRY(row, st.Step());
    if (!row) break;
    GK_TRY(n, ReadNotice(st));
    out.push_back(std::move(n));
  }
  return out;
}

}  // namespace

Result<std::vector<AnnualRecordRow>> SqliteStore::ListAnnualRecordRows(std::int64_t site_id) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached(
                 "SELECT r.id, coalesce(r.index_number, ''), r.published_title, r.unit_name, r.item_number, r.element, "
                 "v.genre, v.validity, date(r.first_published_at, '+8 hours'), date(v.published_at, '+8 hours'), "
                 "r.status, CASE WHEN r.withdrawn_at = '' THEN '' ELSE date(r.withdrawn_at, '+8 hours') END "
                 "FROM records r JOIN record_versions v ON v.record_id = r.id AND v.version = r.published_version "
                 "WHERE r.site_id = ? AND r.published_version > 0 ORDER BY r.id"));
  st.Bind(1, site_id);
  std::vector<AnnualRecordRow> out;
  while (true) {
    GK_TRY(row, st.Step());
    if (!row) break;
    AnnualRecordRow a;
    a.record_id = st.Int(0);
    a.index_number = st.Text(1);
    a.title = st.Text(2);
    a.unit = st.Text(3);
    a.item_number = static_cast<int>(st.Int(4));
    a.element = st.Text(5);
    a.genre = st.Text(6);
    a.validity = st.Text(7);
    auto first = Date::Parse(st.Text(8));
    auto last = Date::Parse(st.Text(9));
    if (!first || !last) return Unexpected(Error::Internal("数据库中的发布时间无效"));
    a.first_published_on = *first;
    a.last_published_on = *last;
    a.withdrawn = st.Text(10) == "withdrawn";
    if (const std::string w = st.Text(11); !w.empty()) {
      auto d = Date::Parse(w);
      if (!d) return Unexpected(Error::Internal("数据库中的撤回时间无效"));
      a.withdrawn_on = *d;
    }
    out.push_back(std::move(a));
  }
  return out;
}

Result<std::string> SqliteStore::GetSiteSetting(std::int64_t site_id, const std::string& key) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached("SELECT value FROM site_settings WHERE site_id = ? AND key = ?"));
  st.Bind(1, site_id).Bind(2, key);
  GK_TRY(row, st.Step());
  return row ? st.Text(0) : std::string();
}

Status SqliteStore::SetSiteSetting(std::int64_t site_id, const std::string& key, const std::string& value,
                                   const AuditEntry& audit) {
  auto c = pool_->Acquire();
  sqlite::Transaction tx(*c);
  GK_CHECK(tx.Begin());
  GK_TRY(st, c->PrepareCached(
                 "INSERT INTO site_settings (site_id, key, value, updated_at) VALUES (?, ?, ?, ?) "
                 "ON CONFLICT (site_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at"));
  st.Bind(1, site_id).Bind(2, key).Bind(3, value).Bind(4, audit.at);
  GK_CHECK(st.Run());
  GK_CHECK(WriteAudit(*c, audit));
  return tx.Commit();
}

Result<std::vector<ReminderMark>> SqliteStore::ListReminderMarks(std::int64_t site_id) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached(
                 "SELECT account_id, obligation_id, kind, due_on FROM reminder_marks WHERE site_id = ?"));
  st.Bind(1, site_id);
  std::vector<ReminderMark> out;
  while (true) {
    GK_TRY(row, st.Step());
    if (!row) break;
    auto kind = ParseReminderKind(st.Text(2));
    auto due = Date::Parse(st.Text(3));
    if (!kind || !due) return Unexpected(Error::Internal("数据库中的提醒记录无效"));
    out.push_back(ReminderMark{st.Int(0), st.Int(1), *kind, *due});
  }
  return out;
}

Result<std::vector<Notice>> SqliteStore::SaveNotices(std::span<const Notice> notices, const AuditEntry& audit) {
  auto c = pool_->Acquire();
  sqlite::Transaction tx(*c);
  GK_CHECK(tx.Begin());
  GK_TRY(exists, c->PrepareCached(
                     "SELECT 1 FROM reminder_marks WHERE account_id = ? AND obligation_id = ? AND kind = ? "
                     "AND due_on = ?"));
  GK_TRY(ins, c->PrepareCached(
                  "INSERT INTO notices (site_id, account_id, created_at, on_day, subject, body, email_to, "
                  "email_status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  GK_TRY(mark, c->PrepareCached(
                   "INSERT OR IGNORE INTO reminder_marks (site_id, account_id, obligation_id, kind, due_on, "
                   "notice_id) VALUES (?, ?, ?, ?, ?, ?)"));
  std::vector<Notice> out;
  for (const auto& n : notices) {
    bool any_new = n.marks.empty();
    for (const auto& m : n.marks) {
      exists.Reset();
      exists.Bind(1, m.account_id).Bind(2, m.obligation_id).Bind(3, ReminderKindName(m.kind))
          .Bind(4, m.due_on.ToString());
      GK_TRY(row, exists.Step());
      if (!row) {
        any_new = true;
        break;
      }
    }
    if (!any_new) continue;
    ins.Reset();
    ins.Bind(1, n.site_id).Bind(2, n.account_id).Bind(3, n.created_at).Bind(4, n.on_day.ToString());
    ins.Bind(5, n.subject).Bind(6, n.body).Bind(7, n.email_to).Bind(8, EmailStatusName(n.email_status));
    GK_CHECK(ins.Run());
    Notice stored = n;
    stored.id = c->LastInsertId();
    for (const auto& m : n.marks) {
      mark.Reset();
      mark.Bind(1, n.site_id).Bind(2, m.account_id).Bind(3, m.obligation_id).Bind(4, ReminderKindName(m.kind));
      mark.Bind(5, m.due_on.ToString()).Bind(6, stored.id);
      GK_CHECK(mark.Run());
    }
    out.push_back(std::move(stored));
  }
  GK_CHECK(WriteAudit(*c, audit));
  GK_CHECK(tx.Commit());
  return out;
}

Result<std::vector<Notice>> SqliteStore::ListNotices(std::int64_t site_id, std::int64_t account_id, int limit) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached(fmt::format(
                 "SELECT {} FROM notices WHERE site_id = ? AND (? = 0 OR account_id = ?) ORDER BY id DESC LIMIT ?",
                 kNoticeColumns)));
  st.Bind(1, site_id).Bind(2, account_id).Bind(3, account_id).Bind(4, static_cast<std::int64_t>(limit));
  return ReadNotices(st);
}

Result<int> SqliteStore::CountUnreadNotices(std::int64_t account_id) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached("SELECT count(*) FROM notices WHERE account_id = ? AND read_at = ''"));
  st.Bind(1, account_id);
  GK_TRY(row, st.Step());
  return row ? static_cast<int>(st.Int(0)) : 0;
}

Status SqliteStore::MarkNoticesRead(std::int64_t account_id, std::int64_t notice_id, const std::string& at) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached(
                 "UPDATE notices SET read_at = ? WHERE account_id = ? AND read_at = '' AND (? = 0 OR id = ?)"));
  st.Bind(1, at).Bind(2, account_id).Bind(3, notice_id).Bind(4, notice_id);
  return st.Run();
}

Result<std::vector<Notice>> SqliteStore::ListUndeliveredEmails(std::int64_t site_id, int max_attempts) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached(fmt::format(
                 "SELECT {} FROM notices WHERE site_id = ? AND (email_status = 'pending' OR "
                 "(email_status = 'failed' AND email_attempts < ?)) ORDER BY id",
                 kNoticeColumns)));
  st.Bind(1, site_id).Bind(2, static_cast<std::int64_t>(max_attempts));
  return ReadNotices(st);
}

Result<bool> SqliteStore::ClaimEmail(std::int64_t notice_id) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached(
                 "UPDATE notices SET email_status = 'sending' WHERE id = ? AND email_status IN ('pending', 'failed')"));
  st.Bind(1, notice_id);
  GK_CHECK(st.Run());
  return c->Changes() == 1;
}

Status SqliteStore::RecordEmailAttempt(std::int64_t notice_id, EmailStatus status, const std::string& error) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached(
                 "UPDATE notices SET email_status = ?, email_error = ?, email_attempts = email_attempts + 1 "
                 "WHERE id = ?"));
  st.Bind(1, EmailStatusName(status)).Bind(2, error).Bind(3, notice_id);
  GK_CHECK(st.Run());
  if (c->Changes() == 0) return Unexpected(Error::NotFound("提醒不存在"));
  return Ok();
}

}  // namespace gongkai
