// PgStore: records, their published versions, the 索引号 serials, the
// publication events written with them, the ledger's sources, and the rows
// of the compliance figures and the annual report. Mirrors
// sqlite_records.cc (and ListAnnualRecordRows of sqlite_notices.cc).
//
// Concurrency (several server processes on one database): a publication
// locks its record row (SELECT ... FOR UPDATE), so two publications of one
// record queue and the second sees it already published; the per (site,
// unit, year) serial is taken with INSERT ... ON CONFLICT DO UPDATE ...
// RETURNING, which locks the serial row until the transaction ends, so no
// two transactions get the same number and a rolled-back one gives its
// number back.
//
// The compliance rows are computed from obligations, deadlines and records
// by one query (SQLite keeps them precomputed in compliance_facts); the
// derived day numbers and selection keys are SQLite's (migrations 9 and 10),
// computed here in C++ with the same Date::Parse the application reads with.
#include <fmt/core.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/timestamp.h"
#include "storage/postgres/pg_search.h"
#include "storage/postgres/pg_store.h"

namespace gongkai {

using pg::WithConnection;
using storage::AttachmentsJson;
using storage::ChecklistJson;
using storage::ParseAttachments;
using storage::ParseChecklist;

namespace {

// As SQLite's reader: a stored date that does not parse reads as the epoch.
Date DateOr(const std::string& s) {
  auto d = Date::Parse(s);
  return d ? *d : Date();
}

Error NoRecord(std::int64_t id) { return Error::NotFound(fmt::format("公开信息{}不存在", id)); }

// Statement parameters only known at run time, as text (PostgreSQL infers
// each one's type from where it stands; a null is absent text).
struct Params {
  std::vector<std::optional<std::string>> values;

  void append(std::string v) { values.emplace_back(std::move(v)); }
  void append(std::int64_t v) { values.emplace_back(std::to_string(v)); }
  void append(int v) { values.emplace_back(std::to_string(v)); }
  void append(bool v) { values.emplace_back(v ? "true" : "false"); }
  void append(std::optional<int> v) {
    if (v) append(*v);
    else values.emplace_back(std::nullopt);
  }
  auto get() const { return pqxx::prepare::make_dynamic_params(values); }
};

constexpr const char* kRecordColumns =
    "id, site_id, unit_name, item_number, element, obligation_id, formed_on, status, title, body, doc_number, "
    "written_on, genre, topic, validity, disclosure_mode, scope, channels, attachments, change_note, "
    "review_comment, checklist, approved_by, coalesce(index_number, ''), published_version, due_on, provisional, "
    "first_published_at, late_days, withdrawn_reason, withdrawn_at, created_at, created_by, updated_at, "
    "published_title";

Record ReadRecord(const pqxx::row& f) {
  Record r;
  r.id = f[0].as<std::int64_t>();
  r.site_id = f[1].as<std::int64_t>();
  r.unit = f[2].as<std::string>();
  r.item_number = f[3].as<int>();
  r.element = f[4].as<std::string>();
  r.obligation_id = f[5].as<std::int64_t>();
  r.formed_on = DateOr(f[6].as<std::string>());
  r.status = ParseRecordStatus(f[7].as<std::string>()).value_or(RecordStatus::kDraft);
  r.draft.title = f[8].as<std::string>();
  r.draft.body = f[9].as<std::string>();
  r.draft.doc_number = f[10].as<std::string>();
  r.draft.written_on = f[11].as<std::string>();
  r.draft.genre = f[12].as<std::string>();
  r.draft.topic = f[13].as<std::string>();
  r.draft.validity = f[14].as<std::string>();
  r.draft.disclosure_mode = f[15].as<std::string>();
  r.draft.scope = f[16].as<std::string>();
  r.draft.channels = pg::SplitLines(f[17].as<std::string>());
  r.draft.attachments = ParseAttachments(f[18].as<std::string>());
  r.change_note = f[19].as<std::string>();
  r.review_comment = f[20].as<std::string>();
  r.checklist = ParseChecklist(f[21].as<std::string>());
  r.approved_by = f[22].as<std::string>();
  r.index_number = f[23].as<std::string>();
  r.published_version = f[24].as<int>();
  r.due_on = DateOr(f[25].as<std::string>());
  r.provisional = f[26].as<bool>();
  r.first_published_at = f[27].as<std::string>();
  r.late_days = f[28].as<int>();
  r.withdrawn_reason = f[29].as<std::string>();
  r.withdrawn_at = f[30].as<std::string>();
  r.created_at = f[31].as<std::string>();
  r.created_by = f[32].as<std::string>();
  r.updated_at = f[33].as<std::string>();
  r.published_title = f[34].as<std::string>();
  return r;
}

// The mutable columns of a record, as statement parameters $first.. in this order.
constexpr const char* kRecordBodyNames[] = {
    "status",      "title",          "body",      "doc_number",  "written_on",       "genre",        "topic",
    "validity",    "disclosure_mode", "scope",    "channels",    "attachments",      "change_note",  "review_comment",
    "checklist",   "approved_by",    "due_on",    "provisional", "withdrawn_reason", "withdrawn_at", "updated_at"};
constexpr int kRecordBodyCount = static_cast<int>(std::size(kRecordBodyNames));

// "status = $first, title = $first+1, ..."
std::string RecordBodySet(int first) {
  std::string out;
  for (int i = 0; i < kRecordBodyCount; ++i)
    out += fmt::format("{}{} = ${}", i ? ", " : "", kRecordBodyNames[i], first + i);
  return out;
}

// "$first, $first+1, ..." for an INSERT.
std::string Placeholders(int first, int count) {
  std::string out;
  for (int i = 0; i < count; ++i) out += fmt::format("{}${}", i ? ", " : "", first + i);
  return out;
}

// Appends the mutable columns' values (see kRecordBodyNames).
void AddRecordBody(Params& p, const Record& r) {
  p.append(std::string(RecordStatusName(r.status)));
  p.append(r.draft.title);
  p.append(r.draft.body);
  p.append(r.draft.doc_number);
  p.append(r.draft.written_on);
  p.append(r.draft.genre);
  p.append(r.draft.topic);
  p.append(r.draft.validity);
  p.append(r.draft.disclosure_mode);
  p.append(r.draft.scope);
  p.append(pg::JoinLines(r.draft.channels));
  p.append(AttachmentsJson(r.draft.attachments));
  p.append(r.change_note);
  p.append(r.review_comment);
  p.append(ChecklistJson(r.checklist));
  p.append(r.approved_by);
  p.append(r.due_on.ToString());
  p.append(r.provisional);
  p.append(r.withdrawn_reason);
  p.append(r.withdrawn_at);
  p.append(r.updated_at);
}

constexpr const char* kVersionColumns =
    "record_id, version, title, body, doc_number, written_on, genre, topic, validity, disclosure_mode, scope, "
    "channels, attachments, change_note, published_at, published_by, approved_by";

RecordVersion ReadVersion(const pqxx::row& f) {
  RecordVersion v;
  v.record_id = f[0].as<std::int64_t>();
  v.version = f[1].as<int>();
  v.content = RecordContent{f[2].as<std::string>(),
                            f[3].as<std::string>(),
                            f[4].as<std::string>(),
                            f[5].as<std::string>(),
                            f[6].as<std::string>(),
                            f[7].as<std::string>(),
                            f[8].as<std::string>(),
                            f[9].as<std::string>(),
                            f[10].as<std::string>(),
                            pg::SplitLines(f[11].as<std::string>()),
                            ParseAttachments(f[12].as<std::string>())};
  v.change_note = f[13].as<std::string>();
  v.published_at = f[14].as<std::string>();
  v.published_by = f[15].as<std::string>();
  v.approved_by = f[16].as<std::string>();
  return v;
}

constexpr const char* kEventColumns =
    "seq, site_id, record_id, version, kind, at, index_number, unit_name, item_number, title";

PublicationEvent ReadEvent(const pqxx::row& f) {
  PublicationEvent e;
  e.seq = f[0].as<std::int64_t>();
  e.site_id = f[1].as<std::int64_t>();
  e.record_id = f[2].as<std::int64_t>();
  e.version = f[3].as<int>();
  e.kind = ParsePublicationKind(f[4].as<std::string>()).value_or(PublicationKind::kPublish);
  e.at = f[5].as<std::string>();
  e.index_number = f[6].as<std::string>();
  e.unit = f[7].as<std::string>();
  e.item_number = f[8].as<int>();
  e.title = f[9].as<std::string>();
  return e;
}

// Appends a publication event inside the caller's transaction.
void WriteEvent(pqxx::work& tx, const PublicationEvent& e) {
  tx.exec_params(
      "INSERT INTO publication_events (site_id, record_id, version, kind, at, index_number, unit_name, item_number, "
      "title) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
      e.site_id, e.record_id, e.version, std::string(PublicationKindName(e.kind)), e.at, e.index_number, e.unit,
      e.item_number, e.title);
}

// Locks the site row until the transaction ends (nothing if there is none).
// NO KEY UPDATE serialises the site's writers as SQLite's write lock does,
// yet lets inserts that only check a foreign key to the site (KEY SHARE)
// go on: with FOR UPDATE, a reindex holding search_docs and a publication
// holding the site row could deadlock.
void LockSite(pqxx::work& tx, std::int64_t site_id) {
  tx.exec_params("SELECT 1 FROM sites WHERE id = $1 FOR NO KEY UPDATE", site_id);
}

void BumpRevision(pqxx::work& tx, std::int64_t site_id) {
  tx.exec_params("UPDATE sites SET revision = revision + 1 WHERE id = $1", site_id);
}

// One publication inside the caller's transaction (see Store::PublishRecord).
Result<Record> PublishIn(pqxx::work& tx, const Record& r, const RecordVersion& v, int year, const AuditEntry& audit) {
  Record out = r;
  // Every publication ends by bumping the site's revision, which locks the
  // site row: taking that lock first orders all the locks a publication
  // takes (site, record, serial), so concurrent publications of one site
  // queue here instead of deadlocking on each other's serial or record rows.
  LockSite(tx, r.site_id);
  // The record row lock (already ours under the site lock, but stated):
  // a second publication of the record reads the status the first committed.
  auto cur = tx.exec_params(
      "SELECT published_version, coalesce(index_number, ''), first_published_at, status FROM records WHERE id = $1 "
      "FOR UPDATE",
      r.id);
  if (cur.empty()) return Unexpected(NoRecord(r.id));
  const int stored_version = cur[0][0].as<int>();
  std::string index = cur[0][1].as<std::string>();
  std::string first_published = cur[0][2].as<std::string>();
  if (cur[0][3].as<std::string>() != RecordStatusName(RecordStatus::kApproved))
    return Unexpected(Error::Conflict("该信息未经审核，不能发布", "status"));
  if (index.empty()) {
    auto site = tx.exec_params("SELECT index_pattern FROM sites WHERE id = $1", r.site_id);
    if (site.empty()) return Unexpected(Error::NotFound("站点不存在"));
    const std::string pattern = site[0][0].as<std::string>();
    auto unit = tx.exec_params("SELECT id, org_code FROM units WHERE site_id = $1 AND name = $2", r.site_id, r.unit);
    if (unit.empty()) return Unexpected(Error::NotFound(fmt::format("没有名为“{}”的责任单位", r.unit)));
    const std::string org_code = unit[0][1].as<std::string>();
    const std::string org = org_code.empty() ? fmt::format("U{:04}", unit[0][0].as<std::int64_t>()) : org_code;
    // Inserting or updating locks the serial row until commit: concurrent
    // publications of the same unit and year take their numbers in turn.
    auto serial = tx.exec_params(
        "INSERT INTO index_serials (site_id, unit_name, year, last) VALUES ($1, $2, $3, 1) "
        "ON CONFLICT (site_id, unit_name, year) DO UPDATE SET last = index_serials.last + 1 RETURNING last",
        r.site_id, r.unit, year);
    if (serial.empty()) return Unexpected(Error::Internal("索引号序号分配失败"));
    GK_TRY(formatted, FormatIndexNumber(pattern, org, year, serial[0][0].as<int>()));
    index = std::move(formatted);
    first_published = v.published_at;
  }
  out.index_number = index;
  out.first_published_at = first_published;
  out.published_version = stored_version + 1;
  out.status = RecordStatus::kPublished;
  out.updated_at = v.published_at;
  const RecordContent& cc = v.content;
  tx.exec_params(fmt::format("INSERT INTO record_versions ({}) VALUES ({})", kVersionColumns, Placeholders(1, 17)),
                 r.id, out.published_version, cc.title, cc.body, cc.doc_number, cc.written_on, cc.genre, cc.topic,
                 cc.validity, cc.disclosure_mode, cc.scope, pg::JoinLines(cc.channels),
                 AttachmentsJson(cc.attachments), v.change_note, v.published_at, v.published_by, v.approved_by);
  out.published_title = v.content.title;
  Params p;
  AddRecordBody(p, out);
  p.append(out.index_number);
  p.append(out.published_version);
  p.append(out.first_published_at);
  p.append(out.late_days);
  p.append(out.published_title);
  p.append(out.id);
  const int n = kRecordBodyCount;
  tx.exec_params(fmt::format("UPDATE records SET {}, index_number = ${}, published_version = ${}, "
                             "first_published_at = ${}, late_days = ${}, published_title = ${} WHERE id = ${}",
                             RecordBodySet(1), n + 1, n + 2, n + 3, n + 4, n + 5, n + 6),
                 p.get());
  WriteEvent(tx, PublicationEvent{0, r.site_id, r.id, out.published_version,
                                  stored_version > 0 ? PublicationKind::kRevise : PublicationKind::kPublish,
                                  v.published_at, out.index_number, r.unit, r.item_number, out.published_title});
  if (r.obligation_id > 0) {
    tx.exec_params("UPDATE obligations SET state = 'published', record_id = $1 WHERE id = $2", r.id,
                   r.obligation_id);
    tx.exec_params(
        "UPDATE deadlines SET open = FALSE WHERE id = (SELECT deadline_id FROM obligations WHERE id = $1)",
        r.obligation_id);
  }
  pg::IndexRecord(tx, pg::IndexedFor(tx, r.site_id, r.id, r.unit, r.item_number, r.element, v.content,
                                     out.first_published_at));
  BumpRevision(tx, r.site_id);
  AuditEntry a = audit;
  a.target = fmt::format("公开信息:{} 索引号:{} 版本:{}", r.id, out.index_number, out.published_version);
  PgStore::WriteAudit(tx, a);
  return out;
}

// A WHERE clause over records with its parameters (SQLite's RecordFilterSql).
struct FilterSql {
  std::string where;
  Params args;
  int next = 1;  // the next parameter number

  void Add(std::string_view clause_before, auto value, std::string_view clause_after = "") {
    where += fmt::format("{}${}{}", clause_before, next++, clause_after);
    args.append(value);
  }
};

FilterSql RecordFilterSql(std::int64_t site_id, const RecordFilter& f) {
  FilterSql out;
  out.Add(" WHERE site_id = ", site_id);
  if (f.item > 0) out.Add(" AND item_number = ", f.item);
  if (!f.items.empty()) {
    out.where += " AND item_number IN (";
    for (std::size_t i = 0; i < f.items.size(); ++i) out.Add(i ? "," : "", f.items[i]);
    out.where += ")";
  }
  if (!f.unit.empty()) out.Add(" AND unit_name = ", f.unit);
  if (!f.element.empty()) out.Add(" AND element = ", f.element);
  if (f.published_only) out.where += " AND published_version > 0";
  if (!f.statuses.empty()) {
    out.where += " AND status IN (";
    for (std::size_t i = 0; i < f.statuses.size(); ++i)
      out.where += (i ? ",'" : "'") + std::string(RecordStatusName(f.statuses[i])) + "'";
    out.where += ")";
  }
  if (!f.published_from.empty()) out.Add(" AND first_published_at >= ", f.published_from);
  if (!f.published_before.empty()) out.Add(" AND first_published_at < ", f.published_before);
  if (!f.changed_since.empty())
    out.Add(" AND id IN (SELECT record_id FROM publication_events WHERE site_id = records.site_id AND at >= ",
            f.changed_since, ")");
  if (f.after_id >= 0) out.Add(" AND id > ", f.after_id);
  if (f.max_id > 0) out.Add(" AND id <= ", f.max_id);
  return out;
}

}  // namespace

namespace pg {

std::vector<Record> ReadRecordsByIds(pqxx::transaction_base& tx, const std::vector<std::int64_t>& ids) {
  std::vector<Record> out;
  if (ids.empty()) return out;
  std::string list;
  for (auto id : ids) list += (list.empty() ? "" : ",") + std::to_string(id);
  std::unordered_map<std::int64_t, Record> found;
  for (const auto& row : tx.exec(fmt::format("SELECT {} FROM records WHERE id IN ({})", kRecordColumns, list))) {
    Record r = ReadRecord(row);
    found.emplace(r.id, std::move(r));
  }
  for (auto id : ids) {
    auto it = found.find(id);
    if (it != found.end()) out.push_back(std::move(it->second));
  }
  return out;
}

}  // namespace pg

Result<Record> PgStore::CreateRecord(const Record& r, const AuditEntry& audit) {
  return WithConnection(*pool_, "CreateRecord", [&](pqxx::connection& c) -> Result<Record> {
    pqxx::work tx(c);
    std::string columns =
        "site_id, unit_name, item_number, element, obligation_id, formed_on, created_at, created_by, "
        "published_version, first_published_at, late_days, index_number";
    for (const char* name : kRecordBodyNames) columns += fmt::format(", {}", name);
    Params p;
    p.append(r.site_id);
    p.append(r.unit);
    p.append(r.item_number);
    p.append(r.element);
    p.append(r.obligation_id);
    p.append(r.formed_on.ToString());
    p.append(r.created_at);
    p.append(r.created_by);
    AddRecordBody(p, r);
    Record out = r;
    out.id = tx.exec_params1(fmt::format("INSERT INTO records ({}) VALUES ({}, 0, '', 0, NULL, {}) RETURNING id",
                                         columns, Placeholders(1, 8), Placeholders(9, kRecordBodyCount)),
                             p.get())[0]
                 .as<std::int64_t>();
    AuditEntry a = audit;
    a.target = fmt::format("公开信息:{}", out.id);
    WriteAudit(tx, a);
    tx.commit();
    return out;
  });
}

Result<Record> PgStore::GetRecord(std::int64_t id) {
  return WithConnection(*pool_, "GetRecord", [&](pqxx::connection& c) -> Result<Record> {
    pqxx::read_transaction tx(c);
    auto rows = tx.exec_params(fmt::format("SELECT {} FROM records WHERE id = $1", kRecordColumns), id);
    if (rows.empty()) return Unexpected(NoRecord(id));
    return ReadRecord(rows[0]);
  });
}

Status PgStore::SaveRecord(const Record& r, const AuditEntry& audit) {
  return WithConnection(*pool_, "SaveRecord", [&](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    // A withdrawal bumps the site's revision: the site row is locked before
    // the record's, in the order publications take them (PublishIn).
    if (r.status == RecordStatus::kWithdrawn) LockSite(tx, r.site_id);
    Params p;
    AddRecordBody(p, r);
    p.append(r.id);
    auto updated = tx.exec_params(
        fmt::format("UPDATE records SET {} WHERE id = ${}", RecordBodySet(1), kRecordBodyCount + 1), p.get());
    if (updated.affected_rows() == 0) return Unexpected(NoRecord(r.id));
    if (r.status == RecordStatus::kWithdrawn) {
      // A withdrawn record leaves the public index at once.
      pg::UnindexRecord(tx, r.id);
      const bool already =
          tx.exec_params1("SELECT count(*) FROM publication_events WHERE record_id = $1 AND version = $2 AND "
                          "kind = 'withdraw'",
                          r.id, r.published_version)[0]
              .as<std::int64_t>() > 0;
      if (!already)
        WriteEvent(tx, PublicationEvent{0, r.site_id, r.id, r.published_version, PublicationKind::kWithdraw,
                                        r.withdrawn_at, r.index_number, r.unit, r.item_number, r.published_title});
      BumpRevision(tx, r.site_id);
    }
    WriteAudit(tx, audit);
    tx.commit();
    return Ok();
  });
}

Result<Record> PgStore::PublishRecord(const Record& r, const RecordVersion& v, int year, const AuditEntry& audit) {
  return WithConnection(*pool_, "PublishRecord", [&](pqxx::connection& c) -> Result<Record> {
    pqxx::work tx(c);
    GK_TRY(out, PublishIn(tx, r, v, year, audit));
    tx.commit();
    return out;
  });
}

Result<std::vector<Record>> PgStore::PublishRecords(std::span<const Publication> batch) {
  return WithConnection(*pool_, "PublishRecords", [&](pqxx::connection& c) -> Result<std::vector<Record>> {
    // One transaction: an error returns before commit and the work's
    // destructor rolls every earlier publication of the batch back.
    pqxx::work tx(c);
    // The sites' rows first, in id order, so that two batches spanning the
    // same sites cannot wait for each other crosswise.
    std::vector<std::int64_t> sites;
    for (const auto& p : batch) sites.push_back(p.record.site_id);
    std::sort(sites.begin(), sites.end());
    sites.erase(std::unique(sites.begin(), sites.end()), sites.end());
    for (auto id : sites) LockSite(tx, id);
    std::vector<Record> out;
    out.reserve(batch.size());
    for (const auto& p : batch) {
      GK_TRY(one, PublishIn(tx, p.record, p.version, p.year, p.audit));
      out.push_back(std::move(one));
    }
    tx.commit();
    return out;
  });
}

Result<std::vector<RecordVersion>> PgStore::ListVersions(std::int64_t record_id) {
  return WithConnection(*pool_, "ListVersions", [&](pqxx::connection& c) -> Result<std::vector<RecordVersion>> {
    pqxx::read_transaction tx(c);
    std::vector<RecordVersion> out;
    for (const auto& row : tx.exec_params(
             fmt::format("SELECT {} FROM record_versions WHERE record_id = $1 ORDER BY version", kVersionColumns),
             record_id))
      out.push_back(ReadVersion(row));
    return out;
  });
}

Result<std::vector<Record>> PgStore::ListRecords(std::int64_t site_id, const RecordFilter& f) {
  return WithConnection(*pool_, "ListRecords", [&](pqxx::connection& c) -> Result<std::vector<Record>> {
    pqxx::read_transaction tx(c);
    FilterSql q = RecordFilterSql(site_id, f);
    const bool cursor = f.after_id >= 0;
    // SQLite: a negative LIMIT is none, a negative OFFSET is 0.
    std::optional<int> limit;
    if (f.limit >= 0) limit = f.limit;
    const int lim_param = q.next++;
    const int off_param = q.next++;
    q.args.append(limit);
    q.args.append(std::max(0, f.offset));
    std::vector<Record> out;
    for (const auto& row : tx.exec_params(fmt::format("SELECT {} FROM records{} ORDER BY {} LIMIT ${} OFFSET ${}",
                                                      kRecordColumns, q.where,
                                                      cursor ? "id" : "first_published_at DESC, id DESC", lim_param,
                                                      off_param),
                                          q.args.get()))
      out.push_back(ReadRecord(row));
    return out;
  });
}

Result<int> PgStore::CountRecords(std::int64_t site_id, const RecordFilter& f) {
  return WithConnection(*pool_, "CountRecords", [&](pqxx::connection& c) -> Result<int> {
    pqxx::read_transaction tx(c);
    RecordFilter all = f;
    all.after_id = -1;  // a count is of the whole list, not of one page
    FilterSql q = RecordFilterSql(site_id, all);
    return static_cast<int>(
        tx.exec_params1(fmt::format("SELECT count(*) FROM records{}", q.where), q.args.get())[0].as<std::int64_t>());
  });
}

Result<std::vector<LedgerSource>> PgStore::ListLedgerSources(std::int64_t site_id, std::int64_t after_seq,
                                                             int limit) {
  return WithConnection(*pool_, "ListLedgerSources", [&](pqxx::connection& c) -> Result<std::vector<LedgerSource>> {
    // One snapshot: the events, records and versions agree.
    pg::Snapshot tx(c);
    std::optional<int> lim;  // SQLite: a negative LIMIT is none
    if (limit >= 0) lim = limit;
    std::vector<LedgerSource> out;
    for (const auto& row : tx.exec_params(
             fmt::format("SELECT {} FROM publication_events WHERE site_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
                         kEventColumns),
             site_id, after_seq, lim))
      out.push_back(LedgerSource{ReadEvent(row), {}, {}});
    for (auto& s : out) {
      auto rec = tx.exec_params(fmt::format("SELECT {} FROM records WHERE id = $1", kRecordColumns),
                                s.event.record_id);
      if (rec.empty())
        return Unexpected(Error::Internal(fmt::format("公开信息{}不存在，无法写入账本", s.event.record_id)));
      s.record = ReadRecord(rec[0]);
      auto ver = tx.exec_params(
          fmt::format("SELECT {} FROM record_versions WHERE record_id = $1 AND version = $2", kVersionColumns),
          s.event.record_id, s.event.version);
      if (ver.empty())
        return Unexpected(
            Error::Internal(fmt::format("公开信息{}没有第{}版，无法写入账本", s.event.record_id, s.event.version)));
      s.version = ReadVersion(ver[0]);
    }
    return out;
  });
}

// ---- compliance rows --------------------------------------------------------

namespace {

// The Beijing date (YYYY-MM-DD) of a stored ISO 8601 UTC time, "" for text
// that is not one (SQLite: coalesce(date(t, '+8 hours'), '')).
std::string BeijingDay(const std::string& at) {
  if (at.empty()) return "";
  auto t = ParseTimestamp(at, "at");
  return t ? BeijingDate(*t).ToString() : "";
}

// One compliance row with SQLite's derived columns (compliance_facts,
// migrations 9 and 10).
struct Fact {
  std::int64_t fact_key = 0;  // the obligation's id, or -record id
  ComplianceRow row;          // as ListComplianceRows returns it (with text)
  std::string due_text;       // due_on as stored
  std::string published_on;   // Beijing date of first publication, "" = none
  std::string horizon;        // RowMatters(row, F) <=> horizon >= F
  int state_code = 0;         // 0 open, 1 published, 2 withheld, 3 cancelled
  std::optional<int> need_day;  // RowNeeded(row, C) <=> need_day >= C; none for cancelled
  int tally = 0;              // 0 cancelled, 1 withheld, 2 unpublished, 3 counted publication
  int tally_day = 0;
};

// Days since 1970-01-01 of a date text, 0 when Date::Parse refuses it.
int DaySerial(const std::string& text) {
  auto d = Date::Parse(text);
  return d ? d->serial() : 0;
}

// The site's compliance rows (of one unit when `unit` is not ""), read in
// one statement: every obligation with its deadline and published record,
// and every published record without an obligation.
std::vector<Fact> ReadFacts(pqxx::transaction_base& tx, std::int64_t site_id, const std::string& unit) {
  auto rows = tx.exec_params(
      "SELECT o.id, o.id, coalesce(r.id, 0), o.unit_name, o.item_number, o.element, o.title, o.formed_on, "
      "d.due_date, d.provisional, o.state, coalesce(r.first_published_at, ''), coalesce(r.late_days, 0) "
      "FROM obligations o JOIN deadlines d ON d.id = o.deadline_id "
      "LEFT JOIN records r ON r.id = o.record_id AND r.published_version > 0 "
      "WHERE o.site_id = $1 AND ($2::text = '' OR o.unit_name = $2::text) "
      "UNION ALL "
      "SELECT -r.id, 0, r.id, r.unit_name, r.item_number, r.element, r.published_title, r.formed_on, r.due_on, "
      "r.provisional, 'published', r.first_published_at, r.late_days FROM records r "
      "WHERE r.site_id = $1 AND ($2::text = '' OR r.unit_name = $2::text) AND r.obligation_id = 0 AND r.published_version > 0 "
      "ORDER BY 1",
      site_id, unit);
  std::vector<Fact> out;
  out.reserve(rows.size());
  for (const auto& f : rows) {
    Fact x;
    x.fact_key = f[0].as<std::int64_t>();
    ComplianceRow& row = x.row;
    row.obligation_id = f[1].as<std::int64_t>();
    row.record_id = f[2].as<std::int64_t>();
    row.unit = f[3].as<std::string>();
    row.item_number = f[4].as<int>();
    row.element = f[5].as<std::string>();
    row.title = f[6].as<std::string>();
    const std::string formed = f[7].as<std::string>();
    x.due_text = f[8].as<std::string>();
    row.formed_on = DateOr(formed);
    row.due_on = DateOr(x.due_text);
    row.provisional = f[9].as<bool>();
    const std::string state = f[10].as<std::string>();
    row.state = ParseObligationState(state).value_or(ObligationState::kOpen);
    x.published_on = BeijingDay(f[11].as<std::string>());
    if (!x.published_on.empty()) row.published_on = DateOr(x.published_on);
    row.late_days = f[12].as<int>();
    // Migration 9's views (text comparisons, as SQLite makes them).
    const bool obligation = x.fact_key > 0;
    if ((obligation && state == "withheld") || x.published_on.empty()) x.horizon = "9999-12-31";
    else x.horizon = x.published_on > x.due_text ? x.published_on : x.due_text;
    // Migration 10's integer columns.
    const int due_day = DaySerial(x.due_text);
    std::optional<int> pub_day;
    if (!x.published_on.empty()) pub_day = DaySerial(x.published_on);
    x.state_code = state == "published" ? 1 : state == "withheld" ? 2 : state == "cancelled" ? 3 : 0;
    if (x.state_code == 3) x.need_day.reset();
    else if (x.state_code == 2 || !pub_day) x.need_day = due_day;
    else x.need_day = std::max(*pub_day, due_day);
    x.tally = x.state_code == 3 ? 0 : x.state_code == 2 ? 1 : !pub_day ? 2 : 3;
    x.tally_day = x.state_code >= 2 ? 0 : !pub_day ? due_day : *pub_day;
    out.push_back(std::move(x));
  }
  return out;
}

// Per (unit, item) pair in (unit, item) order: the latest counted
// publication before `before` and, when `with_backlog`, for pairs with a
// row that is not cancelled, the unpublished rows due before it.
Store::ComplianceSummary Summarise(const std::vector<Fact>& facts, Date before, bool with_backlog) {
  struct Pair {
    std::optional<int> latest;
    bool kept = false;
    int backlog = 0;
  };
  std::map<std::pair<std::string, int>, Pair> pairs;  // std::string orders bytewise, as SQLite's BINARY
  const int cut = before.serial();
  for (const auto& f : facts) {
    Pair& p = pairs[{f.row.unit, f.row.item_number}];
    if (f.tally == 3 && f.tally_day < cut && (!p.latest || f.tally_day > *p.latest)) p.latest = f.tally_day;
    if (f.tally > 0) p.kept = true;
    if (f.tally == 2 && f.tally_day < cut) ++p.backlog;
  }
  Store::ComplianceSummary out;
  for (const auto& [key, p] : pairs) {
    if (p.latest) out.publications.push_back(PriorPublication{key.first, key.second, Date::FromSerial(*p.latest)});
    if (with_backlog && p.kept) out.backlog.push_back(PriorBacklog{key.first, key.second, p.backlog});
  }
  return out;
}

}  // namespace

Result<std::vector<ComplianceRow>> PgStore::ListComplianceRows(std::int64_t site_id, const ComplianceRowQuery& q) {
  return WithConnection(*pool_, "ListComplianceRows", [&](pqxx::connection& c) -> Result<std::vector<ComplianceRow>> {
    pqxx::read_transaction tx(c);
    const std::string since = q.since ? q.since->ToString() : "";
    std::vector<ComplianceRow> out;
    for (auto& f : ReadFacts(tx, site_id, q.unit)) {
      if (q.since && f.horizon < since) continue;
      ComplianceRow x = std::move(f.row);
      if (!q.with_text) {
        x.element.clear();
        x.title.clear();
      }
      out.push_back(std::move(x));
    }
    return out;
  });
}

Result<std::vector<PriorPublication>> PgStore::ListPriorPublications(std::int64_t site_id, Date before) {
  return WithConnection(*pool_, "ListPriorPublications",
                        [&](pqxx::connection& c) -> Result<std::vector<PriorPublication>> {
                          pqxx::read_transaction tx(c);
                          return Summarise(ReadFacts(tx, site_id, ""), before, false).publications;
                        });
}

Result<Store::ComplianceSummary> PgStore::SummariseComplianceRows(std::int64_t site_id, Date cutoff) {
  return WithConnection(*pool_, "SummariseComplianceRows", [&](pqxx::connection& c) -> Result<ComplianceSummary> {
    pqxx::read_transaction tx(c);
    return Summarise(ReadFacts(tx, site_id, ""), cutoff, true);
  });
}

Status PgStore::VisitNeededComplianceRows(std::int64_t site_id, Date cutoff,
                                          const std::function<void(const ComplianceRow&)>& visit) {
  return WithConnection(*pool_, "VisitNeededComplianceRows", [&](pqxx::connection& c) -> Status {
    std::vector<Fact> facts;
    {
      pqxx::read_transaction tx(c);
      facts = ReadFacts(tx, site_id, "");
    }
    const int cut = cutoff.serial();
    // The figures need no text (SQLite's covering index holds none).
    for (auto& f : facts) {
      if (!f.need_day || *f.need_day < cut) continue;
      f.row.element.clear();
      f.row.title.clear();
      visit(f.row);
    }
    return Ok();
  });
}

Result<std::vector<AnnualRecordRow>> PgStore::ListAnnualRecordRows(std::int64_t site_id) {
  return WithConnection(*pool_, "ListAnnualRecordRows", [&](pqxx::connection& c) -> Result<std::vector<AnnualRecordRow>> {
    pqxx::read_transaction tx(c);
    std::vector<AnnualRecordRow> out;
    for (const auto& f : tx.exec_params(
             "SELECT r.id, coalesce(r.index_number, ''), r.published_title, r.unit_name, r.item_number, r.element, "
             "v.genre, v.validity, r.first_published_at, v.published_at, r.status, r.withdrawn_at "
             "FROM records r JOIN record_versions v ON v.record_id = r.id AND v.version = r.published_version "
             "WHERE r.site_id = $1 AND r.published_version > 0 ORDER BY r.id",
             site_id)) {
      AnnualRecordRow a;
      a.record_id = f[0].as<std::int64_t>();
      a.index_number = f[1].as<std::string>();
      a.title = f[2].as<std::string>();
      a.unit = f[3].as<std::string>();
      a.item_number = f[4].as<int>();
      a.element = f[5].as<std::string>();
      a.genre = f[6].as<std::string>();
      a.validity = f[7].as<std::string>();
      auto first = Date::Parse(BeijingDay(f[8].as<std::string>()));
      auto last = Date::Parse(BeijingDay(f[9].as<std::string>()));
      if (!first || !last) return Unexpected(Error::Internal("数据库中的发布时间无效"));
      a.first_published_on = *first;
      a.last_published_on = *last;
      a.withdrawn = f[10].as<std::string>() == "withdrawn";
      if (const std::string w = f[11].as<std::string>(); !w.empty()) {
        auto d = Date::Parse(BeijingDay(w));
        if (!d) return Unexpected(Error::Internal("数据库中的撤回时间无效"));
        a.withdrawn_on = *d;
      }
      out.push_back(std::move(a));
    }
    return out;
  });
}

}  // namespace gongkai
