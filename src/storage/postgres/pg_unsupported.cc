// PgStore methods not yet implemented (issue 10, later parts): each fails
// with a Storage error naming itself, so that a caller reaching one sees
// clearly that the PostgreSQL backend is incomplete, never a silent no-op.
#include <fmt/core.h>

#include <string_view>

#include "storage/postgres/pg_store.h"

namespace gongkai {

namespace {

auto NotYet(std::string_view method) {
  return Unexpected(Error::Storage(fmt::format("PostgreSQL 存储尚未支持此操作：{}", method)));
}

}  // namespace

Result<Record> PgStore::CreateRecord(const Record&, const AuditEntry&) { return NotYet("CreateRecord"); }
Result<Record> PgStore::GetRecord(std::int64_t) { return NotYet("GetRecord"); }
Status PgStore::SaveRecord(const Record&, const AuditEntry&) { return NotYet("SaveRecord"); }
Result<Record> PgStore::PublishRecord(const Record&, const RecordVersion&, int, const AuditEntry&) {
  return NotYet("PublishRecord");
}
Result<std::vector<ComplianceRow>> PgStore::ListComplianceRows(std::int64_t, const ComplianceRowQuery&) {
  return NotYet("ListComplianceRows");
}
Result<std::vector<PriorPublication>> PgStore::ListPriorPublications(std::int64_t, Date) {
  return NotYet("ListPriorPublications");
}
Status PgStore::VisitNeededComplianceRows(std::int64_t, Date, const std::function<void(const ComplianceRow&)>&) {
  return NotYet("VisitNeededComplianceRows");
}
Result<Store::ComplianceSummary> PgStore::SummariseComplianceRows(std::int64_t, Date) {
  return NotYet("SummariseComplianceRows");
}
Result<std::vector<AnnualRecordRow>> PgStore::ListAnnualRecordRows(std::int64_t) {
  return NotYet("ListAnnualRecordRows");
}
Result<std::vector<Record>> PgStore::PublishRecords(std::span<const Publication>) { return NotYet("PublishRecords"); }
Result<std::vector<RecordVersion>> PgStore::ListVersions(std::int64_t) { return NotYet("ListVersions"); }
Result<std::vector<Record>> PgStore::ListRecords(std::int64_t, const RecordFilter&) { return NotYet("ListRecords"); }
Result<int> PgStore::CountRecords(std::int64_t, const RecordFilter&) { return NotYet("CountRecords"); }
Result<std::vector<LedgerSource>> PgStore::ListLedgerSources(std::int64_t, std::int64_t, int) {
  return NotYet("ListLedgerSources");
}

}  // namespace gongkai
