// Event subscribers (webhooks) and their delivery log (migration 13).
#include <fmt/core.h>

#include "storage/sqlite/sqlite_store.h"

namespace gongkai {

namespace {

constexpr std::string_view kSubscriberColumns =
    "id, site_id, url, description, secret, active, delivered_seq, failures, next_attempt_at, last_error, "
    "created_at, created_by";

WebhookSubscriber ReadSubscriber(const sqlite::Statement& st) {
  WebhookSubscriber s;
  s.id = st.Int(0);
  s.site_id = st.Int(1);
  s.url = st.Text(2);
  s.description = st.Text(3);
  s.secret = st.Text(4);
  s.active = st.Int(5) != 0;
  s.delivered_seq = st.Int(6);
  s.failures = static_cast<int>(st.Int(7));
  s.next_attempt_at = st.Text(8);
  s.last_error = st.Text(9);
  s.created_at = st.Text(10);
  s.created_by = st.Text(11);
  return s;
}

}  // namespace

Result<WebhookSubscriber> SqliteStore::CreateSubscriber(const WebhookSubscriber& s, const AuditEntry& audit) {
  auto c = pool_->Acquire();
  sqlite::Transaction tx(*c);
  GK_CHECK(tx.Begin());
  GK_TRY(st, c->PrepareCached(
                 "INSERT INTO webhook_subscribers (site_id, url, description, secret, active, delivered_seq, "
                 "created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  st.Bind(1, s.site_id).Bind(2, s.url).Bind(3, s.description).Bind(4, s.secret).Bind(5, s.active);
  st.Bind(6, s.delivered_seq).Bind(7, s.created_at).Bind(8, s.created_by);
  GK_CHECK(st.Run());
  WebhookSubscriber out = s;
  out.id = c->LastInsertId();
  AuditEntry a = audit;
  a.target = fmt::format("推送订阅:{}", out.id);
  GK_CHECK(WriteAudit(*c, a));
  GK_CHECK(tx.Commit());
  return out;
}

Result<std::vector<WebhookSubscriber>> SqliteStore::ListSubscribers(std::int64_t site_id) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached(
                 fmt::format("SELECT {} FROM webhook_subscribers WHERE site_id = ? ORDER BY id", kSubscriberColumns)));
  st.Bind(1, site_id);
  std::vector<WebhookSubscriber> out;
  while (true) {
    GK_TRY(row, st.Step());
    if (!row) break;
    out.push_back(ReadSubscriber(st));
  }
  return out;
}

Result<WebhookSubscriber> SqliteStore::GetSubscriber(std::int64_t id) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached(fmt::format("SELECT {} FROM webhook_subscribers WHERE id = ?", kSubscriberColumns)));
  st.Bind(1, id);
  GK_TRY(row, st.Step());
  if (!row) return Unexpected(Error::NotFound(fmt::format("推送订阅{}不存在", id)));
  return ReadSubscriber(st);
}

Status SqliteStore::SetSubscriberActive(std::int64_t id, bool active, const AuditEntry& audit) {
  auto c = pool_->Acquire();
  sqlite::Transaction tx(*c);
  GK_CHECK(tx.Begin());
  GK_TRY(st, c->PrepareCached(
                 "UPDATE webhook_subscribers SET active = ?, failures = 0, next_attempt_at = '' WHERE id = ?"));
  st.Bind(1, active).Bind(2, id);
  GK_CHECK(st.Run());
  if (c->Changes() == 0) return Unexpected(Error::NotFound(fmt::format("推送订阅{}不存在", id)));
  GK_CHECK(WriteAudit(*c, audit));
  return tx.Commit();
}

Status SqliteStore::RecordDelivery(const WebhookDelivery& d, const WebhookSubscriber& p) {
  auto c = pool_->Acquire();
  sqlite::Transaction tx(*c);
  GK_CHECK(tx.Begin());
  GK_TRY(log, c->PrepareCached(
                  "INSERT INTO webhook_deliveries (subscriber_id, event_seq, at, http_status, ok, replay, error) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?)"));
  log.Bind(1, d.subscriber_id).Bind(2, d.event_seq).Bind(3, d.at).Bind(4, d.http_status).Bind(5, d.ok);
  log.Bind(6, d.replay).Bind(7, d.error);
  GK_CHECK(log.Run());
  if (!d.replay) {
    GK_TRY(up, c->PrepareCached(
                   "UPDATE webhook_subscribers SET delivered_seq = ?, failures = ?, next_attempt_at = ?, "
                   "last_error = ? WHERE id = ?"));
    up.Bind(1, p.delivered_seq).Bind(2, p.failures).Bind(3, p.next_attempt_at).Bind(4, p.last_error).Bind(5, p.id);
    GK_CHECK(up.Run());
  }
  return tx.Commit();
}

Result<std::vector<WebhookDelivery>> SqliteStore::ListDeliveries(std::int64_t site_id, std::int64_t subscriber_id,
                                                                 int limit) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached(
                 "SELECT d.id, d.subscriber_id, d.event_seq, d.at, d.http_status, d.ok, d.replay, d.error "
                 "FROM webhook_deliveries d JOIN webhook_subscribers s ON s.id = d.subscriber_id "
                 "WHERE s.site_id = ? AND (? = 0 OR d.subscriber_id = ?) ORDER BY d.id DESC LIMIT ?"));
  st.Bind(1, site_id).Bind(2, subscriber_id).Bind(3, subscriber_id).Bind(4, limit);
  std::vector<WebhookDelivery> out;
  while (true) {
    GK_TRY(row, st.Step());
    if (!row) break;
    WebhookDelivery d;
    d.id = st.Int(0);
    d.subscriber_id = st.Int(1);
    d.event_seq = st.Int(2);
    d.at = st.Text(3);
    d.http_status = static_cast<int>(st.Int(4));
    d.ok = st.Int(5) != 0;
    d.replay = st.Int(6) != 0;
    d.error = st.Text(7);
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace gongkai
