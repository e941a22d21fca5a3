// PgStore: liaison registration rounds and registrations, event
// subscribers (webhooks) and their delivery log. Mirrors the SQLite
// adapter (sqlite_accounts.cc, sqlite_webhooks.cc).
#include <fmt/core.h>

#include "storage/postgres/pg_store.h"

namespace gongkai {

using pg::WithConnection;

namespace {

constexpr const char* kRoundColumns = "id, site_id, title, deadline, paper_address, paper_phones, created_at";

RegistrationRound ReadRound(const pqxx::row& r) {
  return RegistrationRound{r[0].as<std::int64_t>(), r[1].as<std::int64_t>(), r[2].as<std::string>(),
                           r[3].as<std::string>(),  r[4].as<std::string>(),  r[5].as<std::string>(),
                           r[6].as<std::string>()};
}

constexpr const char* kRegistrationColumns =
    "round_id, unit_name, leader_name, leader_post, leader_phone, liaison_name, liaison_post, liaison_phone, "
    "affiliation, submitted_at, first_submitted_at, submitted_by, paper_status, paper_note, paper_at, scan_sha256";

Registration ReadRegistration(const pqxx::row& r) {
  Registration g;
  g.round_id = r[0].as<std::int64_t>();
  g.unit = r[1].as<std::string>();
  g.leader = Person{r[2].as<std::string>(), r[3].as<std::string>(), r[4].as<std::string>()};
  g.liaison = Person{r[5].as<std::string>(), r[6].as<std::string>(), r[7].as<std::string>()};
  g.affiliation = r[8].as<std::string>();
  g.submitted_at = r[9].as<std::string>();
  g.first_submitted_at = r[10].as<std::string>();
  g.submitted_by = r[11].as<std::string>();
  g.paper = ParsePaperStatus(r[12].as<std::string>()).value_or(PaperStatus::kNone);
  g.paper_note = r[13].as<std::string>();
  g.paper_at = r[14].as<std::string>();
  g.scan_sha256 = r[15].as<std::string>();
  return g;
}

constexpr const char* kSubscriberColumns =
    "id, site_id, url, description, secret, active, delivered_seq, failures, next_attempt_at, last_error, "
    "created_at, created_by";

WebhookSubscriber ReadSubscriber(const pqxx::row& r) {
  WebhookSubscriber s;
  s.id = r[0].as<std::int64_t>();
  s.site_id = r[1].as<std::int64_t>();
  s.url = r[2].as<std::string>();
  s.description = r[3].as<std::string>();
  s.secret = r[4].as<std::string>();
  s.active = r[5].as<bool>();
  s.delivered_seq = r[6].as<std::int64_t>();
  s.failures = r[7].as<int>();
  s.next_attempt_at = r[8].as<std::string>();
  s.last_error = r[9].as<std::string>();
  s.created_at = r[10].as<std::string>();
  s.created_by = r[11].as<std::string>();
  return s;
}

}  // namespace

// ---- liaison registration -------------------------------------------------------------

Result<RegistrationRound> PgStore::CreateRound(const RegistrationRound& r, const AuditEntry& audit) {
  return WithConnection(*pool_, "CreateRound", [&](pqxx::connection& c) -> Result<RegistrationRound> {
    pqxx::work tx(c);
    RegistrationRound out = r;
    out.id = tx.exec_params1(
                   "INSERT INTO registration_rounds (site_id, title, deadline, paper_address, paper_phones, "
                   "created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                   r.site_id, r.title, r.deadline, r.paper_address, r.paper_phones, r.created_at)[0]
                 .as<std::int64_t>();
    AuditEntry a = audit;
    a.target = fmt::format("登记轮次:{}", out.id);
    WriteAudit(tx, a);
    tx.commit();
    return out;
  });
}

Result<std::vector<RegistrationRound>> PgStore::ListRounds(std::int64_t site_id) {
  return WithConnection(*pool_, "ListRounds", [&](pqxx::connection& c) -> Result<std::vector<RegistrationRound>> {
    pqxx::read_transaction tx(c);
    std::vector<RegistrationRound> out;
    for (const auto& r : tx.exec_params(
             fmt::format("SELECT {} FROM registration_rounds WHERE site_id = $1 ORDER BY id DESC", kRoundColumns),
             site_id))
      out.push_back(ReadRound(r));
    return out;
  });
}

Result<RegistrationRound> PgStore::GetRound(std::int64_t site_id, std::int64_t round_id) {
  return WithConnection(*pool_, "GetRound", [&](pqxx::connection& c) -> Result<RegistrationRound> {
    pqxx::read_transaction tx(c);
    auto r =
        tx.exec_params(fmt::format("SELECT {} FROM registration_rounds WHERE site_id = $1 AND id = $2", kRoundColumns),
                       site_id, round_id);
    if (r.empty()) return Unexpected(Error::NotFound(fmt::format("登记轮次{}不存在", round_id)));
    return ReadRound(r[0]);
  });
}

Result<std::vector<Registration>> PgStore::ListRegistrations(std::int64_t round_id) {
  return WithConnection(*pool_, "ListRegistrations", [&](pqxx::connection& c) -> Result<std::vector<Registration>> {
    pqxx::read_transaction tx(c);
    std::vector<Registration> out;
    // By unit name, bytewise: the order SQLite's primary-key index gives.
    for (const auto& r : tx.exec_params(
             fmt::format("SELECT {} FROM registrations WHERE round_id = $1 ORDER BY unit_name", kRegistrationColumns),
             round_id))
      out.push_back(ReadRegistration(r));
    return out;
  });
}

Result<std::optional<Registration>> PgStore::GetRegistration(std::int64_t round_id, const std::string& unit) {
  return WithConnection(*pool_, "GetRegistration", [&](pqxx::connection& c) -> Result<std::optional<Registration>> {
    pqxx::read_transaction tx(c);
    auto r = tx.exec_params(
        fmt::format("SELECT {} FROM registrations WHERE round_id = $1 AND unit_name = $2", kRegistrationColumns),
        round_id, unit);
    if (r.empty()) return std::optional<Registration>();
    return std::optional<Registration>(ReadRegistration(r[0]));
  });
}

Status PgStore::SaveRegistration(const Registration& r, const std::vector<Account>& accounts, const AuditEntry& audit) {
  return WithConnection(*pool_, "SaveRegistration", [&](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    // SQLite's INSERT OR REPLACE, as an upsert of every column.
    tx.exec_params(fmt::format("INSERT INTO registrations ({}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
                               "$11, $12, $13, $14, $15, $16) ON CONFLICT (round_id, unit_name) DO UPDATE SET "
                               "leader_name = excluded.leader_name, leader_post = excluded.leader_post, "
                               "leader_phone = excluded.leader_phone, liaison_name = excluded.liaison_name, "
                               "liaison_post = excluded.liaison_post, liaison_phone = excluded.liaison_phone, "
                               "affiliation = excluded.affiliation, submitted_at = excluded.submitted_at, "
                               "first_submitted_at = excluded.first_submitted_at, "
                               "submitted_by = excluded.submitted_by, paper_status = excluded.paper_status, "
                               "paper_note = excluded.paper_note, paper_at = excluded.paper_at, "
                               "scan_sha256 = excluded.scan_sha256",
                               kRegistrationColumns),
                   r.round_id, r.unit, r.leader.name, r.leader.post, r.leader.phone, r.liaison.name, r.liaison.post,
                   r.liaison.phone, r.affiliation, r.submitted_at, r.first_submitted_at, r.submitted_by,
                   std::string(PaperStatusName(r.paper)), r.paper_note, r.paper_at, r.scan_sha256);
    // Matched by username: a new account cannot log in until a password is
    // set; an existing one keeps its password, state and e-mail. One upsert
    // (not look up, then insert) so that a concurrent save of the same
    // username cannot fail on the unique index.
    for (const auto& a : accounts)
      tx.exec_params(
          "INSERT INTO accounts (site_id, username, display_name, role, unit_name, password_hash, "
          "must_change_password, active, created_at) VALUES ($1, $2, $3, $4, $5, '', TRUE, TRUE, $6) "
          "ON CONFLICT (site_id, username) DO UPDATE SET display_name = excluded.display_name, "
          "role = excluded.role, unit_name = excluded.unit_name",
          a.site_id, a.username, a.display_name, std::string(RoleName(a.role)), a.unit, a.created_at);
    WriteAudit(tx, audit);
    tx.commit();
    return Ok();
  });
}

// ---- event subscribers (webhooks) ---------------------------------------------------

Result<WebhookSubscriber> PgStore::CreateSubscriber(const WebhookSubscriber& s, const AuditEntry& audit) {
  return WithConnection(*pool_, "CreateSubscriber", [&](pqxx::connection& c) -> Result<WebhookSubscriber> {
    pqxx::work tx(c);
    WebhookSubscriber out = s;
    out.id = tx.exec_params1(
                   "INSERT INTO webhook_subscribers (site_id, url, description, secret, active, delivered_seq, "
                   "created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                   s.site_id, s.url, s.description, s.secret, s.active, s.delivered_seq, s.created_at, s.created_by)[0]
                 .as<std::int64_t>();
    AuditEntry a = audit;
    a.target = fmt::format("推送订阅:{}", out.id);
    WriteAudit(tx, a);
    tx.commit();
    return out;
  });
}

Result<std::vector<WebhookSubscriber>> PgStore::ListSubscribers(std::int64_t site_id) {
  return WithConnection(*pool_, "ListSubscribers", [&](pqxx::connection& c) -> Result<std::vector<WebhookSubscriber>> {
    pqxx::read_transaction tx(c);
    std::vector<WebhookSubscriber> out;
    for (const auto& r : tx.exec_params(
             fmt::format("SELECT {} FROM webhook_subscribers WHERE site_id = $1 ORDER BY id", kSubscriberColumns),
             site_id))
      out.push_back(ReadSubscriber(r));
    return out;
  });
}

Result<WebhookSubscriber> PgStore::GetSubscriber(std::int64_t id) {
  return WithConnection(*pool_, "GetSubscriber", [&](pqxx::connection& c) -> Result<WebhookSubscriber> {
    pqxx::read_transaction tx(c);
    auto r = tx.exec_params(fmt::format("SELECT {} FROM webhook_subscribers WHERE id = $1", kSubscriberColumns), id);
    if (r.empty()) return Unexpected(Error::NotFound(fmt::format("推送订阅{}不存在", id)));
    return ReadSubscriber(r[0]);
  });
}

Status PgStore::SetSubscriberActive(std::int64_t id, bool active, const AuditEntry& audit) {
  return WithConnection(*pool_, "SetSubscriberActive", [&](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    auto r = tx.exec_params(
        "UPDATE webhook_subscribers SET active = $1, failures = 0, next_attempt_at = '' WHERE id = $2", active, id);
    if (r.affected_rows() == 0) return Unexpected(Error::NotFound(fmt::format("推送订阅{}不存在", id)));
    WriteAudit(tx, audit);
    tx.commit();
    return Ok();
  });
}

Status PgStore::RecordDelivery(const WebhookDelivery& d, const WebhookSubscriber& p) {
  return WithConnection(*pool_, "RecordDelivery", [&](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    tx.exec_params(
        "INSERT INTO webhook_deliveries (subscriber_id, event_seq, at, http_status, ok, replay, error) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7)",
        d.subscriber_id, d.event_seq, d.at, d.http_status, d.ok, d.replay, d.error);
    if (!d.replay)
      tx.exec_params(
          "UPDATE webhook_subscribers SET delivered_seq = $1, failures = $2, next_attempt_at = $3, last_error = $4 "
          "WHERE id = $5",
          p.delivered_seq, p.failures, p.next_attempt_at, p.last_error, p.id);
    tx.commit();
    return Ok();
  });
}

Result<std::vector<WebhookDelivery>> PgStore::ListDeliveries(std::int64_t site_id, std::int64_t subscriber_id,
                                                             int limit) {
  return WithConnection(*pool_, "ListDeliveries", [&](pqxx::connection& c) -> Result<std::vector<WebhookDelivery>> {
    pqxx::read_transaction tx(c);
    // SQLite reads a negative LIMIT as "no limit"; PostgreSQL wants NULL.
    std::optional<int> lim;
    if (limit >= 0) lim = limit;
    std::vector<WebhookDelivery> out;
    for (const auto& r : tx.exec_params(
             "SELECT d.id, d.subscriber_id, d.event_seq, d.at, d.http_status, d.ok, d.replay, d.error "
             "FROM webhook_deliveries d JOIN webhook_subscribers s ON s.id = d.subscriber_id "
             "WHERE s.site_id = $1 AND ($2::bigint = 0 OR d.subscriber_id = $2::bigint) ORDER BY d.id DESC LIMIT $3",
             site_id, subscriber_id, lim)) {
      WebhookDelivery d;
      d.id = r[0].as<std::int64_t>();
      d.subscriber_id = r[1].as<std::int64_t>();
      d.event_seq = r[2].as<std::int64_t>();
      d.at = r[3].as<std::string>();
      d.http_status = r[4].as<int>();
      d.ok = r[5].as<bool>();
      d.replay = r[6].as<bool>();
      d.error = r[7].as<std::string>();
      out.push_back(std::move(d));
    }
    return out;
  });
}

}  // namespace gongkai
