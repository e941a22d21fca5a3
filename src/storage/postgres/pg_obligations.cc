// PgStore: obligations (待公开事项) with their tracked deadlines. Mirrors
// the obligation part of sqlite_records.cc. SQLite's compliance-facts
// triggers have no counterpart: pg_records.cc reads the compliance rows
// from these tables and records.
#include <fmt/core.h>

#include "storage/postgres/pg_store.h"

namespace gongkai {

using pg::WithConnection;

namespace {

constexpr const char* kObligationSelect =
    "SELECT o.id, o.site_id, o.unit_name, o.item_number, o.element, o.title, o.formed_on, o.deadline_id, "
    "d.due_date, d.provisional, o.state, o.record_id, o.reason, o.ground, o.created_at, o.created_by "
    "FROM obligations o JOIN deadlines d ON d.id = o.deadline_id";

// As SQLite's reader: a stored date that does not parse reads as the epoch
// rather than failing the whole list.
Date DateOr(const std::string& s) {
  auto d = Date::Parse(s);
  return d ? *d : Date();
}

Obligation ReadObligation(const pqxx::row& r) {
  Obligation o;
  o.id = r[0].as<std::int64_t>();
  o.site_id = r[1].as<std::int64_t>();
  o.unit = r[2].as<std::string>();
  o.item_number = r[3].as<int>();
  o.element = r[4].as<std::string>();
  o.title = r[5].as<std::string>();
  o.formed_on = DateOr(r[6].as<std::string>());
  o.deadline_id = r[7].as<std::int64_t>();
  o.due_on = DateOr(r[8].as<std::string>());
  o.provisional = r[9].as<bool>();
  o.state = ParseObligationState(r[10].as<std::string>()).value_or(ObligationState::kOpen);
  o.record_id = r[11].as<std::int64_t>();
  o.reason = r[12].as<std::string>();
  o.ground = r[13].as<std::string>();
  o.created_at = r[14].as<std::string>();
  o.created_by = r[15].as<std::string>();
  return o;
}

Error NoObligation(std::int64_t id) { return Error::NotFound(fmt::format("待公开事项{}不存在", id)); }

}  // namespace

Result<Obligation> PgStore::CreateObligation(const Obligation& o, const TrackedDeadline& d, const AuditEntry& audit) {
  return WithConnection(*pool_, "CreateObligation", [&](pqxx::connection& c) -> Result<Obligation> {
    pqxx::work tx(c);
    // The deadline is always created open, whatever d.open says (as SQLite).
    const auto deadline_id =
        tx.exec_params1(
              "INSERT INTO deadlines (site_id, subject, item_number, element, rule_id, rule_days, event_date, "
              "due_date, provisional, calendar_version, open, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
              "$9, $10, TRUE, $11) RETURNING id",
              d.site_id, d.subject, d.item_number, d.element, d.rule_id, d.rule_days, d.event.ToString(),
              d.due.ToString(), d.provisional, d.calendar_version, o.created_at)[0]
            .as<std::int64_t>();
    Obligation out = o;
    out.id =
        tx.exec_params1(
              "INSERT INTO obligations (site_id, unit_name, item_number, element, title, formed_on, deadline_id, "
              "state, record_id, reason, ground, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, "
              "$8, $9, $10, $11, $12, $13) RETURNING id",
              o.site_id, o.unit, o.item_number, o.element, o.title, o.formed_on.ToString(), deadline_id,
              std::string(ObligationStateName(o.state)), o.record_id, o.reason, o.ground, o.created_at, o.created_by)[0]
            .as<std::int64_t>();
    out.deadline_id = deadline_id;
    out.due_on = d.due;
    out.provisional = d.provisional;
    AuditEntry a = audit;
    a.target = fmt::format("待公开事项:{}", out.id);
    WriteAudit(tx, a);
    tx.commit();
    return out;
  });
}

Result<Obligation> PgStore::GetObligation(std::int64_t id) {
  return WithConnection(*pool_, "GetObligation", [&](pqxx::connection& c) -> Result<Obligation> {
    pqxx::read_transaction tx(c);
    auto r = tx.exec_params(fmt::format("{} WHERE o.id = $1", kObligationSelect), id);
    if (r.empty()) return Unexpected(NoObligation(id));
    return ReadObligation(r[0]);
  });
}

Result<std::vector<Obligation>> PgStore::ListObligations(std::int64_t site_id, const std::string& unit,
                                                         std::optional<ObligationState> state) {
  return WithConnection(*pool_, "ListObligations", [&](pqxx::connection& c) -> Result<std::vector<Obligation>> {
    pqxx::read_transaction tx(c);
    const std::string s = state ? ObligationStateName(*state) : "";
    std::vector<Obligation> out;
    for (const auto& r :
         tx.exec_params(fmt::format("{} WHERE o.site_id = $1 AND ($2::text = '' OR o.unit_name = $2::text) "
                                    "AND ($3::text = '' OR o.state = $3::text) ORDER BY d.due_date, o.id",
                                    kObligationSelect),
                        site_id, unit, s))
      out.push_back(ReadObligation(r));
    return out;
  });
}

Status PgStore::UpdateObligation(const Obligation& o, const AuditEntry& audit) {
  return WithConnection(*pool_, "UpdateObligation", [&](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    auto r = tx.exec_params("UPDATE obligations SET state = $1, record_id = $2, reason = $3, ground = $4 WHERE id = $5",
                            std::string(ObligationStateName(o.state)), o.record_id, o.reason, o.ground, o.id);
    if (r.affected_rows() == 0) return Unexpected(NoObligation(o.id));
    // A closed obligation's deadline stops following calendar imports.
    tx.exec_params("UPDATE deadlines SET open = $1 WHERE id = (SELECT deadline_id FROM obligations WHERE id = $2)",
                   o.state == ObligationState::kOpen, o.id);
    WriteAudit(tx, audit);
    tx.commit();
    return Ok();
  });
}

}  // namespace gongkai
