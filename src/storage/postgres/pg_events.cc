// PgStore: reading publication events (written by PublishRecord(s) and
// SaveRecord, pg_records.cc). Mirrors the readers in
// sqlite_records.cc and sqlite_ledger.cc.
#include <fmt/core.h>

#include "storage/postgres/pg_store.h"

namespace gongkai {

using pg::WithConnection;

namespace {

// A PostgreSQL array literal of item numbers ("{1,3}").
std::string IntArray(const std::vector<int>& v) {
  std::string out = "{";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + std::to_string(v[i]);
  return out + "}";
}

}  // namespace

Result<std::vector<PublicationEvent>> PgStore::ListPublicationEvents(std::int64_t site_id, const EventQuery& q) {
  return WithConnection(
      *pool_, "ListPublicationEvents", [&](pqxx::connection& c) -> Result<std::vector<PublicationEvent>> {
        pqxx::read_transaction tx(c);
        // One statement text for every query: an empty filter value means "any"
        // (seq > 0 holds for every event: sequences start at 1).
        std::optional<int> lim;  // SQLite: a negative LIMIT is none
        if (q.limit >= 0) lim = q.limit;
        std::vector<PublicationEvent> out;
        for (const auto& r : tx.exec_params(
                 fmt::format("SELECT seq, site_id, record_id, version, kind, at, index_number, unit_name, item_number, "
                             "title FROM publication_events WHERE site_id = $1 "
                             "AND (cardinality($2::int[]) = 0 OR item_number = ANY($2::int[])) "
                             "AND ($3::text = '' OR unit_name = $3::text) "
                             "AND ($4::bigint <= 0 OR record_id = $4::bigint) AND seq > $5 ORDER BY seq {} LIMIT $6",
                             q.newest_first ? "DESC" : "ASC"),
                 site_id, IntArray(q.items), q.unit, q.record_id, q.after_seq > 0 ? q.after_seq : 0, lim)) {
          PublicationEvent e;
          e.seq = r[0].as<std::int64_t>();
          e.site_id = r[1].as<std::int64_t>();
          e.record_id = r[2].as<std::int64_t>();
          e.version = r[3].as<int>();
          e.kind = ParsePublicationKind(r[4].as<std::string>()).value_or(PublicationKind::kPublish);
          e.at = r[5].as<std::string>();
          e.index_number = r[6].as<std::string>();
          e.unit = r[7].as<std::string>();
          e.item_number = r[8].as<int>();
          e.title = r[9].as<std::string>();
          out.push_back(std::move(e));
        }
        return out;
      });
}

Result<std::vector<std::pair<std::int64_t, std::string>>> PgStore::ListLastPublicationTimes(std::int64_t site_id,
                                                                                            std::int64_t after_id,
                                                                                            std::int64_t max_id,
                                                                                            int limit) {
  using Times = std::vector<std::pair<std::int64_t, std::string>>;
  return WithConnection(*pool_, "ListLastPublicationTimes", [&](pqxx::connection& c) -> Result<Times> {
    pqxx::read_transaction tx(c);
    std::optional<int> lim;
    if (limit >= 0) lim = limit;
    Times out;
    // max(at) compares bytewise (the column is COLLATE "C"): ISO times in order.
    for (const auto& r :
         tx.exec_params("SELECT record_id, max(at) FROM publication_events WHERE record_id > $1 AND record_id <= $2 "
                        "AND site_id = $3 GROUP BY record_id ORDER BY record_id LIMIT $4",
                        after_id, max_id, site_id, lim))
      out.emplace_back(r[0].as<std::int64_t>(), r[1].as<std::string>());
    return out;
  });
}

}  // namespace gongkai
