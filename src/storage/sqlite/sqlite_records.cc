// SqliteStore: obligations, records, versions and the 索引号 serials.
#include <fmt/core.h>

#include <future>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <system_error>

#include <algorithm>
#include <variant>
#include <unordered_map>

#include "core/timestamp.h"

#include "search/query.h"
#include "storage/sqlite/fts.h"
#include "storage/sqlite/migrations.h"
#include "storage/sqlite/sqlite_store.h"

namespace gongkai {

using sqlite::JoinLines;
using sqlite::SplitLines;
using storage::AttachmentsJson;
using storage::ChecklistJson;
using storage::ParseAttachments;
using storage::ParseChecklist;

namespace {

Date DateOr(std::string_view s) {
  auto d = Date::Parse(s);
  return d ? *d : Date();
}

constexpr std::string_view kObligationSelect =
    "SELECT o.id, o.site_id, o.unit_name, o.item_number, o.element, o.title, o.formed_on, o.deadline_id, "
    "d.due_date, d.provisional, o.state, o.record_id, o.reason, o.ground, o.created_at, o.created_by "
    "FROM obligations o JOIN deadlines d ON d.id = o.deadline_id";

Obligation ReadObligation(const sqlite::Statement& st) {
  Obligation o;
  o.id = st.Int(0);
  o.site_id = st.Int(1);
  o.unit = st.Text(2);
  o.item_number = static_cast<int>(st.Int(3));
  o.element = st.Text(4);
  o.title = st.Text(5);
  o.formed_on = DateOr(st.Text(6));
  o.deadline_id = st.Int(7);
  o.due_on = DateOr(st.Text(8));
  o.provisional = st.Bool(9);
  o.state = ParseObligationState(st.Text(10)).value_or(ObligationState::kOpen);
  o.record_id = st.Int(11);
  o.reason = st.Text(12);
  o.ground = st.Text(13);
  o.created_at = st.Text(14);
  o.created_by = st.Text(15);
  return o;
}

constexpr std::string_view kRecordColumns =
    "id, site_id, unit_name, item_number, element, obligation_id, formed_on, status, title, body, doc_number, "
    "written_on, genre, topic, validity, disclosure_mode, scope, channels, attachments, change_note, "
    "review_comment, checklist, approved_by, index_number, published_version, due_on, provisional, "
    "first_published_at, late_days, withdrawn_reason, withdrawn_at, created_at, created_by, updated_at, "
    "published_title";

Record ReadRecord(const sqlite::Statement& st) {
  Record r;
  r.id = st.Int(0);
  r.site_id = st.Int(1);
  r.unit = st.Text(2);
  r.item_number = static_cast<int>(st.Int(3));
  r.element = st.Text(4);
  r.obligation_id = st.Int(5);
  r.formed_on = DateOr(st.Text(6));
  r.status = ParseRecordStatus(st.Text(7)).value_or(RecordStatus::kDraft);
  r.draft.title = st.Text(8);
  r.draft.body = st.Text(9);
  r.draft.doc_number = st.Text(10);
  r.draft.written_on = st.Text(11);
  r.draft.genre = st.Text(12);
  r.draft.topic = st.Text(13);
  r.draft.validity = st.Text(14);
  r.draft.disclosure_mode = st.Text(15);
  r.draft.scope = st.Text(16);
  r.draft.channels = SplitLines(st.Text(17));
  r.draft.attachments = ParseAttachments(st.Text(18));
  r.change_note = st.Text(19);
  r.review_comment = st.Text(20);
  r.checklist = ParseChecklist(st.Text(21));
  r.approved_by = st.Text(22);
  r.index_number = st.Text(23);
  r.published_version = static_cast<int>(st.Int(24));
  r.due_on = DateOr(st.Text(25));
  r.provisional = st.Bool(26);
  r.first_published_at = st.Text(27);
  r.late_days = static_cast<int>(st.Int(28));
  r.withdrawn_reason = st.Text(29);
  r.withdrawn_at = st.Text(30);
  r.created_at = st.Text(31);
  r.created_by = st.Text(32);
  r.updated_at = st.Text(33);
  r.published_title = st.Text(34);
  return r;
}

// Binds the mutable columns of a record, starting at parameter `i`.
int BindRecordBody(sqlite::Statement& st, int i, const Record& r) {
  st.Bind(i++, RecordStatusName(r.status));
  st.Bind(i++, r.draft.title);
  st.Bind(i++, r.draft.body);
  st.Bind(i++, r.draft.doc_number);
  st.Bind(i++, r.draft.written_on);
  st.Bind(i++, r.draft.genre);
  st.Bind(i++, r.draft.topic);
  st.Bind(i++, r.draft.validity);
  st.Bind(i++, r.draft.disclosure_mode);
  st.Bind(i++, r.draft.scope);
  st.Bind(i++, JoinLines(r.draft.channels));
  st.Bind(i++, AttachmentsJson(r.draft.attachments));
  st.Bind(i++, r.change_note);
  st.Bind(i++, r.review_comment);
  st.Bind(i++, ChecklistJson(r.checklist));
  st.Bind(i++, r.approved_by);
  st.Bind(i++, r.due_on.ToString());
  st.Bind(i++, r.provisional);
  st.Bind(i++, r.withdrawn_reason);
  st.Bind(i++, r.withdrawn_at);
  st.Bind(i++, r.updated_at);
  return i;
}

constexpr std::string_view kRecordBodySet =
    "status = ?, title = ?, body = ?, doc_number = ?, written_on = ?, genre = ?, topic = ?, validity = ?, "
    "disclosure_mode = ?, scope = ?, channels = ?, attachments = ?, change_note = ?, review_comment = ?, "
    "checklist = ?, approved_by = ?, due_on = ?, provisional = ?, withdrawn_reason = ?, withdrawn_at = ?, "
    "updated_at = ?";

// The text the index holds for a version: title, 文号, body, unit, item and
// element, and the public attachments' names and extracted text.
Result<sqlite::IndexedRecord> IndexedFor(sqlite::Connection& c, std::int64_t site_id, std::int64_t record_id,
                                         const std::string& unit, int item_number, const std::string& element,
                                         const RecordContent& content, const std::string& first_published_at) {
  sqlite::IndexedRecord ir;
  ir.record_id = record_id;
  ir.site_id = site_id;
  ir.item_number = item_number;
  ir.genre = content.genre;
  ir.published_at = first_published_at;
  if (auto t = ParseTimestamp(first_published_at, "first_published_at")) ir.year = BeijingDate(*t).year();
  ir.title = content.title;
  ir.doc_number = content.doc_number;
  ir.body = content.body;
  ir.unit = unit;
  GK_TRY(item, c.PrepareCached("SELECT title FROM items WHERE site_id = ? AND number = ?"));
  item.Bind(1, site_id).Bind(2, item_number);
  GK_TRY(row, item.Step());
  ir.item = (row ? item.Text(0) : std::string()) + " " + element;
  item.Reset();
  for (const auto& a : PublicAttachments(content.attachments)) {
    ir.attachments += a.filename + "\n";
    // The text extracted at upload; plain text stored before extraction
    // existed is read as it is.
    GK_TRY(f, c.PrepareCached(
                  "SELECT CASE WHEN text_status = '' AND mime LIKE 'text/plain%' THEN substr(content, 1, 4194304) "
                  "ELSE text END FROM files WHERE sha256 = ?"));
    f.Bind(1, a.sha256);
    GK_TRY(frow, f.Step());
    if (frow) ir.attachments += f.Text(0) + "\n";
    f.Reset();
  }
  return ir;
}

// A WHERE clause with its arguments in the order they are bound.
struct FilterSql {
  std::string where;
  std::vector<std::variant<std::int64_t, std::string>> args;

  void Bind(sqlite::Statement& st, int& i) const {
    for (const auto& a : args) {
      if (const auto* n = std::get_if<std::int64_t>(&a)) st.Bind(i++, *n);
      else st.Bind(i++, std::get<std::string>(a));
    }
  }
};

FilterSql RecordFilterSql(std::int64_t site_id, const RecordFilter& f) {
  FilterSql out;
  // With a cursor the rows are read in id order from the cursor on: '+' keeps
  // SQLite from choosing a site index (and a sort of every later row) over
  // the rowid range. Without table statistics it would (measured: O(N) per page).
  const bool cursor = f.after_id >= 0;
  out.where = cursor ? " WHERE +site_id = ?" : " WHERE site_id = ?";
  out.args.emplace_back(site_id);
  auto add = [&](std::string_view clause, auto value) {
    out.where += clause;
    out.args.emplace_back(value);
  };
  if (f.item > 0) add(" AND item_number = ?", static_cast<std::int64_t>(f.item));
  if (!f.items.empty()) {
    out.where += " AND item_number IN (";
    for (std::size_t i = 0; i < f.items.size(); ++i) {
      out.where += i ? ",?" : "?";
      out.args.emplace_back(static_cast<std::int64_t>(f.items[i]));
    }
    out.where += ")";
  }
  if (!f.unit.empty()) add(" AND unit_name = ?", f.unit);
  if (!f.element.empty()) add(" AND element = ?", f.element);
  if (f.published_only) out.where += cursor ? " AND +published_version > 0" : " AND published_version > 0";
  if (!f.statuses.empty()) {
    out.where += " AND status IN (";
    for (std::size_t i = 0; i < f.statuses.size(); ++i) out.where += (i ? ",'" : "'") + std::string(RecordStatusName(f.statuses[i])) + "'";
    out.where += ")";
  }
  if (!f.published_from.empty()) add(" AND first_published_at >= ?", f.published_from);
  if (!f.published_before.empty()) add(" AND first_published_at < ?", f.published_before);
  if (!f.changed_since.empty())
    add(" AND id IN (SELECT record_id FROM publication_events WHERE site_id = records.site_id AND at >= ?)",
        f.changed_since);
  if (f.after_id >= 0) add(" AND id > ?", f.after_id);
  if (f.max_id > 0) add(" AND id <= ?", f.max_id);
  return out;
}

constexpr std::string_view kEventColumns =
    "seq, site_id, record_id, version, kind, at, index_number, unit_name, item_number, title";

PublicationEvent ReadEvent(const sqlite::Statement& st) {
  PublicationEvent e;
  e.seq = st.Int(0);
  e.site_id = st.Int(1);
  e.record_id = st.Int(2);
  e.version = static_cast<int>(st.Int(3));
  e.kind = ParsePublicationKind(st.Text(4)).value_or(PublicationKind::kPublish);
  e.at = st.Text(5);
  e.index_number = st.Text(6);
  e.unit = st.Text(7);
  e.item_number = static_cast<int>(st.Int(8));
  e.title = st.Text(9);
  return e;
}

// Appends a publication event inside the caller's transaction.
Status WriteEvent(sqlite::Connection& c, const PublicationEvent& e) {
  GK_TRY(st, c.PrepareCached(
                 "INSERT INTO publication_events (site_id, record_id, version, kind, at, index_number, unit_name, "
                 "item_number, title) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  st.Bind(1, e.site_id).Bind(2, e.record_id).Bind(3, e.version).Bind(4, PublicationKindName(e.kind)).Bind(5, e.at);
  st.Bind(6, e.index_number).Bind(7, e.unit).Bind(8, e.item_number).Bind(9, e.title);
  return st.Run();
}


}  // namespace

Result<Obligation> SqliteStore::CreateObligation(const Obligation& o, const TrackedDeadline& d,
                                                 const AuditEntry& audit) {
  auto c = pool_->Acquire();
  sqlite::Transaction tx(*c);
  GK_CHECK(tx.Begin());
  GK_TRY(dl, c->PrepareCached(
                 "INSERT INTO deadlines (site_id, subject, item_number, element, rule_id, rule_days, event_date, "
                 "due_date, provisional, calendar_version, open, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)"));
  dl.Bind(1, d.site_id).Bind(2, d.subject).Bind(3, d.item_number).Bind(4, d.element).Bind(5, d.rule_id);
  dl.Bind(6, d.rule_days).Bind(7, d.event.ToString()).Bind(8, d.due.ToString()).Bind(9, d.provisional);
  dl.Bind(10, d.calendar_version).Bind(11, o.created_at);
  GK_CHECK(dl.Run());
  std::int64_t deadline_id = c->LastInsertId();
  GK_TRY(st, c->PrepareCached(
                 "INSERT INTO obligations (site_id, unit_name, item_number, element, title, formed_on, deadline_id, "
                 "state, record_id, reason, ground, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                 "?, ?)"));
  st.Bind(1, o.site_id).Bind(2, o.unit).Bind(3, o.item_number).Bind(4, o.element).Bind(5, o.title);
  st.Bind(6, o.formed_on.ToString()).Bind(7, deadline_id).Bind(8, ObligationStateName(o.state)).Bind(9, o.record_id);
  st.Bind(10, o.reason).Bind(11, o.ground).Bind(12, o.created_at).Bind(13, o.created_by);
  GK_CHECK(st.Run());
  Obligation out = o;
  out.id = c->LastInsertId();
  out.deadline_id = deadline_id;
  out.due_on = d.due;
  out.provisional = d.provisional;
  AuditEntry a = audit;
  a.target = fmt::format("待公开事项:{}", out.id);
  GK_CHECK(WriteAudit(*c, a));
  GK_CHECK(tx.Commit());
  return out;
}

Result<Obligation> SqliteStore::GetObligation(std::int64_t id) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached(fmt::format("{} WHERE o.id = ?", kObligationSelect)));
  st.Bind(1, id);
  GK_TRY(row, st.Step());
  if (!row) return Unexpected(Error::NotFound(fmt::format("待公开事项{}不存在", id)));
  return ReadObligation(st);
}

Result<std::vector<Obligation>> SqliteStore::ListObligations(std::int64_t site_id, const std::string& unit,
                                                             std::optional<ObligationState> state) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached(fmt::format(
                 "{} WHERE o.site_id = ? AND (? = '' OR o.unit_name = ?) AND (? = '' OR o.state = ?) "
                 "ORDER BY d.due_date, o.id",
                 kObligationSelect)));
  std::string s = state ? ObligationStateName(*state) : "";
  st.Bind(1, site_id).Bind(2, unit).Bind(3, unit).Bind(4, s).Bind(5, s);
  std::vector<Obligation> out;
  while (true) {
    GK_TRY(row, st.Step());
    if (!row) break;
    out.push_back(ReadObligation(st));
  }
  return out;
}

Status SqliteStore::UpdateObligation(const Obligation& o, const AuditEntry& audit) {
  auto c = pool_->Acquire();
  sqlite::Transaction tx(*c);
  GK_CHECK(tx.Begin());
  GK_TRY(st, c->PrepareCached("UPDATE obligations SET state = ?, record_id = ?, reason = ?, ground = ? WHERE id = ?"));
  st.Bind(1, ObligationStateName(o.state)).Bind(2, o.record_id).Bind(3, o.reason).Bind(4, o.ground).Bind(5, o.id);
  GK_CHECK(st.Run());
  if (c->Changes() == 0) return Unexpected(Error::NotFound(fmt::format("待公开事项{}不存在", o.id)));
  GK_TRY(dl, c->PrepareCached("UPDATE deadlines SET open = ? WHERE id = (SELECT deadline_id FROM obligations WHERE id = ?)"));
  dl.Bind(1, o.state == ObligationState::kOpen).Bind(2, o.id);
  GK_CHECK(dl.Run());
  GK_CHECK(WriteAudit(*c, audit));
  return tx.Commit();
}

Result<Record> SqliteStore::CreateRecord(const Record& r, const AuditEntry& audit) {
  auto c = pool_->Acquire();
  sqlite::Transaction tx(*c);
  GK_CHECK(tx.Begin());
  GK_TRY(st, c->PrepareCached(fmt::format(
                 "INSERT INTO records (site_id, unit_name, item_number, element, obligation_id, formed_on, "
                 "published_version, first_published_at, late_days, created_at, created_by, index_number, status, "
                 "title, body, doc_number, written_on, genre, topic, validity, disclosure_mode, scope, channels, "
                 "attachments, change_note, review_comment, checklist, approved_by, due_on, provisional, "
                 "withdrawn_reason, withdrawn_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, '', 0, ?, ?, NULL, "
                 "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")));
  st.Bind(1, r.site_id).Bind(2, r.unit).Bind(3, r.item_number).Bind(4, r.element).Bind(5, r.obligation_id);
  st.Bind(6, r.formed_on.ToString()).Bind(7, r.created_at).Bind(8, r.created_by);
  BindRecordBody(st, 9, r);
  GK_CHECK(st.Run());
  Record out = r;
  out.id = c->LastInsertId();
  AuditEntry a = audit;
  a.target = fmt::format("公开信息:{}", out.id);
  GK_CHECK(WriteAudit(*c, a));
  GK_CHECK(tx.Commit());
  return out;
}

Result<Record> SqliteStore::GetRecord(std::int64_t id) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached(fmt::format("SELECT {} FROM records WHERE id = ?", kRecordColumns)));
  st.Bind(1, id);
  GK_TRY(row, st.Step());
  if (!row) return Unexpected(Error::NotFound(fmt::format("公开信息{}不存在", id)));
  return ReadRecord(st);
}

Status SqliteStore::SaveRecord(const Record& r, const AuditEntry& audit) {
  auto c = pool_->Acquire();
  sqlite::Transaction tx(*c);
  GK_CHECK(tx.Begin());
  GK_TRY(st, c->PrepareCached(fmt::format("UPDATE records SET {} WHERE id = ?", kRecordBodySet)));
  int next = BindRecordBody(st, 1, r);
  st.Bind(next, r.id);
  GK_CHECK(st.Run());
  if (c->Changes() == 0) return Unexpected(Error::NotFound(fmt::format("公开信息{}不存在", r.id)));
  if (r.status == RecordStatus::kWithdrawn) {
    // A withdrawn record leaves the public index at once.
    GK_CHECK(sqlite::UnindexRecord(*c, r.id));
    GK_TRY(seen, c->PrepareCached(
                     "SELECT count(*) FROM publication_events WHERE record_id = ? AND version = ? AND kind = 'withdraw'"));
    seen.Bind(1, r.id).Bind(2, r.published_version);
    GK_TRY(srow, seen.Step());
    const bool already = srow && seen.Int(0) > 0;
    seen.Reset();
    if (!already)
      GK_CHECK(WriteEvent(*c, PublicationEvent{0, r.site_id, r.id, r.published_version, PublicationKind::kWithdraw,
                                               r.withdrawn_at, r.index_number, r.unit, r.item_number,
                                               r.published_title}));
    GK_TRY(rev, c->PrepareCached("UPDATE sites SET revision = revision + 1 WHERE id = ?"));
    rev.Bind(1, r.site_id);
    GK_CHECK(rev.Run());
  }
  GK_CHECK(WriteAudit(*c, audit));
  return tx.Commit();
}

namespace {

// One publication inside the caller's transaction (see Store::PublishRecord).
Result<Record> PublishIn(sqlite::Connection* c, const Record& r, const RecordVersion& v, int year,
                         const AuditEntry& audit) {
  Record out = r;
  GK_TRY(cur, c->PrepareCached("SELECT published_version, index_number, first_published_at, status FROM records WHERE id = ?"));
  cur.Bind(1, r.id);
  GK_TRY(has, cur.Step());
  if (!has) return Unexpected(Error::NotFound(fmt::format("公开信息{}不存在", r.id)));
  int stored_version = static_cast<int>(cur.Int(0));
  std::string index = cur.Text(1);
  std::string first_published = cur.Text(2);
  if (cur.Text(3) != RecordStatusName(RecordStatus::kApproved))
    return Unexpected(Error::Conflict("该信息未经审核，不能发布", "status"));
  cur.Reset();
  if (index.empty()) {
    GK_TRY(site, c->PrepareCached("SELECT index_pattern FROM sites WHERE id = ?"));
    site.Bind(1, r.site_id);
    GK_TRY(srow, site.Step());
    if (!srow) return Unexpected(Error::NotFound("站点不存在"));
    std::string pattern = site.Text(0);
    GK_TRY(unit, c->PrepareCached("SELECT id, org_code FROM units WHERE site_id = ? AND name = ?"));
    unit.Bind(1, r.site_id).Bind(2, r.unit);
    GK_TRY(urow, unit.Step());
    if (!urow) return Unexpected(Error::NotFound(fmt::format("没有名为“{}”的责任单位", r.unit)));
    std::string org = unit.Text(1).empty() ? fmt::format("U{:04}", unit.Int(0)) : unit.Text(1);
    GK_TRY(serial, c->PrepareCached(
                       "INSERT INTO index_serials (site_id, unit_name, year, last) VALUES (?, ?, ?, 1) "
                       "ON CONFLICT (site_id, unit_name, year) DO UPDATE SET last = last + 1 RETURNING last"));
    serial.Bind(1, r.site_id).Bind(2, r.unit).Bind(3, year);
    GK_TRY(sr, serial.Step());
    if (!sr) return Unexpected(Error::Internal("索引号序号分配失败"));
    int seq = static_cast<int>(serial.Int(0));
    serial.Reset();
    GK_TRY(formatted, FormatIndexNumber(pattern, org, year, seq));
    index = std::move(formatted);
    first_published = v.published_at;
  }
  out.index_number = index;
  out.first_published_at = first_published;
  out.published_version = stored_version + 1;
  out.status = RecordStatus::kPublished;
  out.updated_at = v.published_at;
  GK_TRY(ver, c->PrepareCached(
                  "INSERT INTO record_versions (record_id, version, title, body, doc_number, written_on, genre, topic, "
                  "validity, disclosure_mode, scope, channels, attachments, change_note, published_at, published_by, "
                  "approved_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  const RecordContent& cc = v.content;
  ver.Bind(1, r.id).Bind(2, out.published_version).Bind(3, cc.title).Bind(4, cc.body).Bind(5, cc.doc_number);
  ver.Bind(6, cc.written_on).Bind(7, cc.genre).Bind(8, cc.topic).Bind(9, cc.validity).Bind(10, cc.disclosure_mode);
  ver.Bind(11, cc.scope).Bind(12, JoinLines(cc.channels)).Bind(13, AttachmentsJson(cc.attachments));
  ver.Bind(14, v.change_note).Bind(15, v.published_at).Bind(16, v.published_by).Bind(17, v.approved_by);
  GK_CHECK(ver.Run());
  GK_TRY(upd, c->PrepareCached(fmt::format(
                  "UPDATE records SET {}, index_number = ?, published_version = ?, first_published_at = ?, "
                  "late_days = ?, published_title = ? WHERE id = ?",
                  kRecordBodySet)));
  int next = BindRecordBody(upd, 1, out);
  upd.Bind(next, out.index_number).Bind(next + 1, out.published_version).Bind(next + 2, out.first_published_at);
  out.published_title = v.content.title;
  upd.Bind(next + 3, out.late_days).Bind(next + 4, out.published_title).Bind(next + 5, out.id);
  GK_CHECK(upd.Run());
  GK_CHECK(WriteEvent(*c, PublicationEvent{0, r.site_id, r.id, out.published_version,
                                           stored_version > 0 ? PublicationKind::kRevise : PublicationKind::kPublish,
                                           v.published_at, out.index_number, r.unit, r.item_number,
                                           out.published_title}));
  if (r.obligation_id > 0) {
    GK_TRY(ob, c->PrepareCached("UPDATE obligations SET state = 'published', record_id = ? WHERE id = ?"));
    ob.Bind(1, r.id).Bind(2, r.obligation_id);
    GK_CHECK(ob.Run());
    GK_TRY(dl, c->PrepareCached("UPDATE deadlines SET open = 0 WHERE id = (SELECT deadline_id FROM obligations WHERE id = ?)"));
    dl.Bind(1, r.obligation_id);
    GK_CHECK(dl.Run());
  }
  GK_TRY(indexed, IndexedFor(*c, r.site_id, r.id, r.unit, r.item_number, r.element, v.content,
                             out.first_published_at));
  GK_CHECK(sqlite::IndexRecord(*c, indexed, stored_version > 0));
  GK_TRY(rev, c->PrepareCached("UPDATE sites SET revision = revision + 1 WHERE id = ?"));
  rev.Bind(1, r.site_id);
  GK_CHECK(rev.Run());
  AuditEntry a = audit;
  a.target = fmt::format("公开信息:{} 索引号:{} 版本:{}", r.id, out.index_number, out.published_version);
  GK_CHECK(SqliteStore::WriteAudit(*c, a));
  return out;
}

}  // namespace

Result<Record> SqliteStore::PublishRecord(const Record& r, const RecordVersion& v, int year, const AuditEntry& audit) {
  auto c = pool_->Acquire();
  sqlite::Transaction tx(*c);
  GK_CHECK(tx.Begin());
  GK_TRY(out, PublishIn(&*c, r, v, year, audit));
  GK_CHECK(tx.Commit());
  return out;
}

Result<std::vector<Record>> SqliteStore::PublishRecords(std::span<const Publication> batch) {
  auto c = pool_->Acquire();
  sqlite::Transaction tx(*c);
  GK_CHECK(tx.Begin());
  std::vector<Record> out;
  out.reserve(batch.size());
  for (const auto& p : batch) {
    GK_TRY(one, PublishIn(&*c, p.record, p.version, p.year, p.audit));
    out.push_back(std::move(one));
  }
  GK_CHECK(tx.Commit());
  return out;
}

Result<std::vector<ComplianceRow>> SqliteStore::ListComplianceRows(std::int64_t site_id,
                                                                  const ComplianceRowQuery& q) {
  auto c = pool_->Acquire();
  std::string sql = fmt::format(
      "SELECT obligation_id, record_id, unit_name, item_number, {}, formed_on, due_on, provisional, state, "
      "published_on, late_days FROM compliance_facts WHERE site_id = ?1",
      q.with_text ? "element, title" : "'', ''");
  if (!q.unit.empty()) sql += " AND unit_name = ?2";
  if (q.since) sql += " AND horizon >= ?3";
  GK_TRY(st, c->PrepareCached(sql));
  st.Bind(1, site_id);
  if (!q.unit.empty()) st.Bind(2, q.unit);
  if (q.since) st.Bind(3, q.since->ToString());
  std::vector<ComplianceRow> out;
  while (true) {
    GK_TRY(row, st.Step());
    if (!row) break;
    ComplianceRow x;
    x.obligation_id = st.Int(0);
    x.record_id = st.Int(1);
    x.unit = st.Text(2);
    x.item_number = static_cast<int>(st.Int(3));
    if (q.with_text) {
      x.element = st.Text(4);
      x.title = st.Text(5);
    }
    x.formed_on = DateOr(st.TextView(6));
    x.due_on = DateOr(st.TextView(7));
    x.provisional = st.Bool(8);
    x.state = ParseObligationState(st.TextView(9)).value_or(ObligationState::kOpen);
    if (const std::string_view pub = st.TextView(10); !pub.empty()) x.published_on = DateOr(pub);
    x.late_days = static_cast<int>(st.Int(11));
    out.push_back(std::move(x));
  }
  return out;
}

namespace {

// Per (unit, item) pair, by index seeks on compliance_facts_tally (migration
// 10): the latest counted publication before `before` and, when
// `with_backlog`, the pair's unpublished rows due before it.
Result<Store::ComplianceSummary> SummariseFacts(sqlite::Connection& c, std::int64_t site_id, Date before,
                                               bool with_backlog) {
  GK_TRY(next, c.PrepareCached(
                   "SELECT unit_name, item_number FROM compliance_facts WHERE site_id = ?1 AND "
                   "(unit_name, item_number) > (?2, ?3) ORDER BY unit_name, item_number LIMIT 1"));
  GK_TRY(latest, c.PrepareCached(
                     "SELECT tally_day FROM compliance_facts WHERE site_id = ?1 AND unit_name = ?2 AND "
                     "item_number = ?3 AND tally = 3 AND tally_day < ?4 ORDER BY tally_day DESC LIMIT 1"));
  GK_TRY(kept, c.PrepareCached(
                   "SELECT 1 FROM compliance_facts WHERE site_id = ?1 AND unit_name = ?2 AND item_number = ?3 "
                   "AND tally > 0 LIMIT 1"));
  GK_TRY(backlog, c.PrepareCached(
                      "SELECT count(*) FROM compliance_facts WHERE site_id = ?1 AND unit_name = ?2 AND "
                      "item_number = ?3 AND tally = 2 AND tally_day < ?4"));
  Store::ComplianceSummary out;
  std::string unit;
  std::int64_t item = std::numeric_limits<std::int64_t>::min();
  while (true) {
    next.Reset();
    next.Bind(1, site_id).Bind(2, unit).Bind(3, item);
    GK_TRY(row, next.Step());
    if (!row) break;
    unit = next.Text(0);
    item = next.Int(1);
    latest.Reset();
    latest.Bind(1, site_id).Bind(2, unit).Bind(3, item).Bind(4, before.serial());
    GK_TRY(found, latest.Step());
    if (found)
      out.publications.push_back(
          PriorPublication{unit, static_cast<int>(item), Date::FromSerial(static_cast<int>(latest.Int(0)))});
    if (!with_backlog) continue;
    kept.Reset();
    kept.Bind(1, site_id).Bind(2, unit).Bind(3, item);
    GK_TRY(any, kept.Step());
    if (!any) continue;  // only cancelled rows: they count for nothing
    backlog.Reset();
    backlog.Bind(1, site_id).Bind(2, unit).Bind(3, item).Bind(4, before.serial());
    GK_TRY(counted, backlog.Step());
    out.backlog.push_back(PriorBacklog{unit, static_cast<int>(item), counted ? static_cast<int>(backlog.Int(0)) : 0});
  }
  return out;
}

ObligationState StateOfCode(std::int64_t code) {
  switch (code) {
    case 1:
      return ObligationState::kPublished;
    case 2:
      return ObligationState::kWithheld;
    case 3:
      return ObligationState::kCancelled;
    default:
      return ObligationState::kOpen;
  }
}

}  // namespace

Result<std::vector<PriorPublication>> SqliteStore::ListPriorPublications(std::int64_t site_id, Date before) {
  auto c = pool_->Acquire();
  GK_TRY(summary, SummariseFacts(*c, site_id, before, false));
  return std::move(summary.publications);
}

Result<Store::ComplianceSummary> SqliteStore::SummariseComplianceRows(std::int64_t site_id, Date cutoff) {
  auto c = pool_->Acquire();
  return SummariseFacts(*c, site_id, cutoff, true);
}

Status SqliteStore::VisitNeededComplianceRows(std::int64_t site_id, Date cutoff,
                                              const std::function<void(const ComplianceRow&)>& visit) {
  auto c = pool_->Acquire();
  // One range of the covering index compliance_facts_need, integers only.
  GK_TRY(st, c->PrepareCached(
                 "SELECT fact_key, record_id, unit_name, item_number, formed_day, due_day, provisional, state_code, "
                 "pub_day, late_days FROM compliance_facts WHERE site_id = ?1 AND need_day >= ?2"));
  st.Bind(1, site_id).Bind(2, cutoff.serial());
  ComplianceRow x;
  while (true) {
    GK_TRY(row, st.Step());
    if (!row) break;
    const std::int64_t key = st.Int(0);
    x.obligation_id = key > 0 ? key : 0;
    x.record_id = st.Int(1);
    x.unit.assign(st.TextView(2));
    x.item_number = static_cast<int>(st.Int(3));
    x.formed_on = Date::FromSerial(static_cast<int>(st.Int(4)));
    x.due_on = Date::FromSerial(static_cast<int>(st.Int(5)));
    x.provisional = st.Bool(6);
    x.state = StateOfCode(st.Int(7));
    if (st.IsNull(8)) {
      x.published_on.reset();
    } else {
      x.published_on = Date::FromSerial(static_cast<int>(st.Int(8)));
    }
    x.late_days = static_cast<int>(st.Int(9));
    visit(x);
  }
  return Ok();
}

namespace {

constexpr std::string_view kVersionColumns =
    "record_id, version, title, body, doc_number, written_on, genre, topic, validity, disclosure_mode, scope, "
    "channels, attachments, change_note, published_at, published_by, approved_by";

RecordVersion ReadVersion(const sqlite::Statement& st) {
  RecordVersion v;
  v.record_id = st.Int(0);
  v.version = static_cast<int>(st.Int(1));
  v.content = RecordContent{st.Text(2), st.Text(3), st.Text(4), st.Text(5), st.Text(6), st.Text(7), st.Text(8),
                            st.Text(9), st.Text(10), SplitLines(st.Text(11)), ParseAttachments(st.Text(12))};
  v.change_note = st.Text(13);
  v.published_at = st.Text(14);
  v.published_by = st.Text(15);
  v.approved_by = st.Text(16);
  return v;
}

}  // namespace

Result<std::vector<RecordVersion>> SqliteStore::ListVersions(std::int64_t record_id) {
  auto c = pool_->Acquire();
  GK_TRY(st, c->PrepareCached(
                 fmt::format("SELECT {} FROM record_versions WHERE record_id = ? ORDER BY version", kVersionColumns)));
  st.Bind(1, record_id);
  std::vector<RecordVersion> out;
  while (true) {
    GK_TRY(row, st.Step());
    if (!row) break;
    out.push_back(ReadVersion(st));
  }
  return out;
}

Result<std::vector<Record>> SqliteStore::ListRecords(std::int64_t site_id, const RecordFilter& f) {
  auto c = pool_->Acquire();
  FilterSql q = RecordFilterSql(site_id, f);
  const bool cursor = f.after_id >= 0;
  GK_TRY(st, c->PrepareCached(fmt::format("SELECT {} FROM records{} ORDER BY {} LIMIT ? OFFSET ?", kRecordColumns,
                                          q.where, cursor ? "id" : "first_published_at DESC, id DESC")));
  int i = 1;
  q.Bind(st, i);
  st.Bind(i++, f.limit);
  st.Bind(i++, f.offset);
  std::vector<Record> out;
  while (true) {
    GK_TRY(row, st.Step());
    if (!row) break;
    out.push_back(ReadRecord(st));
  }
  return out;
}

Result<int> SqliteStore::CountRecords(std::int64_t site_id, const RecordFilter& f) {
  auto c = pool_->Acquire();
  RecordFilter all = f;
  all.after_id = -1;  // a count is of the whole list, not of one page
  FilterSql q = RecordFilterSql(site_id, all);
  GK_TRY(st, c->PrepareCached(fmt::format("SELECT count(*) FROM records{}", q.where)));
  int i = 1;
  q.Bind(st, i);
  GK_TRY(row, st.Step());
  return row ? static_cast<int>(st.Int(0)) : 0;
}


Result<std::vector<PublicationEvent>> SqliteStore::ListPublicationEvents(std::int64_t site_id, const EventQuery& q) {
  auto c = pool_->Acquire();
  FilterSql f;
  f.where = " WHERE site_id = ?";
  f.args.emplace_back(site_id);
  if (!q.items.empty()) {
    f.where += " AND item_number IN (";
    for (std::size_t i = 0; i < q.items.size(); ++i) {
      f.where += i ? ",?" : "?";
      f.args.emplace_back(static_cast<std::int64_t>(q.items[i]));
    }
    f.where += ")";
  }
  if (!q.unit.empty()) {
    f.where += " AND unit_name = ?";
    f.args.emplace_back(q.unit);
  }
  if (q.record_id > 0) {
    f.where += " AND record_id = ?";
    f.args.emplace_back(q.record_id);
  }
  if (q.after_seq > 0) {
    f.where += " AND seq > ?";
    f.args.emplace_back(q.after_seq);
  }
  GK_TRY(st, c->PrepareCached(fmt::format("SELECT {} FROM publication_events{} ORDER BY seq {} LIMIT ?", kEventColumns,
                                          f.where, q.newest_first ? "DESC" : "ASC")));
  int i = 1;
  f.Bind(st, i);
  st.Bind(i++, q.limit);
  std::vector<PublicationEvent> out;
  while (true) {
    GK_TRY(row, st.Step());
    if (!row) break;
    out.push_back(ReadEvent(st));
  }
  return out;
}

Result<std::vector<LedgerSource>> SqliteStore::ListLedgerSources(std::int64_t site_id, std::int64_t after_seq,
                                                                 int limit) {
  auto c = sequencer_pool_->Acquire();
  // One read transaction: the events, records and versions of one snapshot.
  sqlite::ReadTransaction snapshot(*c);
  GK_CHECK(snapshot.Begin());
  std::vector<LedgerSource> out;
  {
    GK_TRY(ev, c->PrepareCached(fmt::format(
                   "SELECT {} FROM publication_events WHERE site_id = ? AND seq > ? ORDER BY seq LIMIT ?", kEventColumns)));
    ev.Bind(1, site_id).Bind(2, after_seq).Bind(3, limit);
    while (true) {
      GK_TRY(row, ev.Step());
      if (!row) break;
      out.push_back(LedgerSource{ReadEvent(ev), {}, {}});
    }
  }
  GK_TRY(rec, c->PrepareCached(fmt::format("SELECT {} FROM records WHERE id = ?", kRecordColumns)));
  GK_TRY(ver, c->PrepareCached(
                  fmt::format("SELECT {} FROM record_versions WHERE record_id = ? AND version = ?", kVersionColumns)));
  for (auto& s : out) {
    rec.Bind(1, s.event.record_id);
    GK_TRY(has_record, rec.Step());
    if (!has_record)
      return Unexpected(Error::Internal(fmt::format("公开信息{}不存在，无法写入账本", s.event.record_id)));
    s.record = ReadRecord(rec);
    rec.Reset();
    ver.Bind(1, s.event.record_id).Bind(2, s.event.version);
    GK_TRY(has_version, ver.Step());
    if (!has_version)
      return Unexpected(
          Error::Internal(fmt::format("公开信息{}没有第{}版，无法写入账本", s.event.record_id, s.event.version)));
    s.version = ReadVersion(ver);
    ver.Reset();
  }
  return out;
}

namespace {

struct Scored {
  double score = 0;            // negated BM25: lower is better
  std::int64_t published = 0;  // newer first on ties
  std::int64_t id = 0;
};
bool Better(const Scored& a, const Scored& b) {
  if (a.score != b.score) return a.score < b.score;
  if (a.published != b.published) return a.published > b.published;
  return a.id > b.id;
}

// The `limit` largest counts, then by value.
template <typename Name>
std::vector<FacetCount> Facets(const std::vector<int>& counts, Name name,
                               std::size_t limit = SearchResult::kMaxFacetValues) {
  std::vector<FacetCount> out;
  for (std::size_t k = 0; k < counts.size(); ++k)
    if (counts[k] > 0) out.push_back(FacetCount{name(k), counts[k]});
  std::sort(out.begin(), out.end(), [](const FacetCount& a, const FacetCount& b) {
    return a.count != b.count ? a.count > b.count : a.value < b.value;
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

}  // namespace

// One pass over the matches inside one read transaction: FTS5 yields each
// match's rowid and gongkai_rank() (which also applies the filters, from
// the in-memory columns); the total, the facet counts and the best
// offset+limit hits (a bounded heap) come from the same rows and the
// columns; only the hits shown are then read from the records table.
Result<SearchResult> SqliteStore::Search(std::int64_t site_id, const SearchRequest& q) {
  auto c = pool_->Acquire();
  sqlite::ReadTransaction snapshot(*c);
  GK_CHECK(snapshot.Begin());
  GK_TRY(cols, search_cache_.Current(*c));
  sqlite::RankQuery rq;
  rq.columns = cols.get();
  rq.site = static_cast<std::int32_t>(site_id);
  constexpr std::int64_t kNone = std::int64_t{1} << 40;  // an interned id no row has
  if (!q.units.empty()) {
    rq.by_unit = true;
    rq.units.assign(cols->units.size(), 0);
    for (const auto& name : q.units)
      if (auto it = cols->unit_ids.find(name); it != cols->unit_ids.end() && it->second < rq.units.size())
        rq.units[it->second] = 1;
  }
  if (!q.genre.empty()) {
    auto it = cols->genre_ids.find(q.genre);
    rq.genre = it == cols->genre_ids.end() ? kNone : it->second;
  }
  rq.year = q.year;
  if (!q.items.empty()) {
    rq.items.assign(static_cast<std::size_t>(cols->max_item) + 1, 0);
    for (int n : q.items)
      if (n >= 0 && n <= cols->max_item) rq.items[static_cast<std::size_t>(n)] = 1;
  }
  const std::size_t keep = static_cast<std::size_t>(std::max(0, q.offset) + std::max(0, q.limit));
  std::vector<Scored> heap;  // a max-heap by Better: the worst kept hit on top
  // Not reserved up front: a page far past the end asks for a huge `keep`.
  heap.reserve(std::min<std::size_t>(keep, 4096) + 1);
  std::vector<int> by_item(static_cast<std::size_t>(cols->max_item) + 1), by_year(static_cast<std::size_t>(cols->max_year) + 1);
  std::vector<int> by_unit(cols->units.size()), by_genre(cols->genres.size());
  SearchResult out;
  auto count = [&](std::int64_t id, const sqlite::SearchRow* r, double score) {
    ++out.total;
    if (r->item >= 0) ++by_item[static_cast<std::size_t>(r->item)];
    ++by_year[static_cast<std::size_t>(r->year)];
    ++by_unit[r->unit];
    ++by_genre[r->genre];
    if (keep == 0) return;
    Scored s{score, r->published, id};
    if (heap.size() < keep) {
      heap.push_back(s);
      std::push_heap(heap.begin(), heap.end(), Better);
    } else if (Better(s, heap.front())) {
      std::pop_heap(heap.begin(), heap.end(), Better);
      heap.back() = s;
      std::push_heap(heap.begin(), heap.end(), Better);
    }
  };
  if (q.match.empty()) {
    // Filters only (单位:, 事项:): every indexed record they allow, newest first.
    if (q.units.empty() && q.items.empty()) return Unexpected(Error::Invalid("请输入要搜索的词语", "q"));
    if (!q.excluded.empty()) return Unexpected(Error::Invalid(search::kOnlyExclusions, "q"));
    for (std::size_t id = 0; id < cols->rows.size(); ++id)
      if (rq.Accept(cols->rows[id])) count(static_cast<std::int64_t>(id), &cols->rows[id], 0.0);
  } else {
    GK_TRY(st, c->PrepareCached(
                   "SELECT rowid, gongkai_rank(search_index, ?2) FROM search_index WHERE search_index MATCH ?1"));
    st.Bind(1, q.match).BindPointer(2, &rq, sqlite::kRankQueryType);
    while (true) {
      auto row = st.Step();
      if (!row) {
        st.Reset();
        return Unexpected(Error::Invalid("无法理解搜索条件，请换一种写法", "q"));
      }
      if (!*row) break;
      if (st.IsNull(1)) continue;  // filtered out
      const std::int64_t id = st.Int(0);
      if (const sqlite::SearchRow* r = cols->Find(id)) count(id, r, st.Double(1));
    }
    st.Reset();
  }
  std::sort_heap(heap.begin(), heap.end(), Better);
  GK_TRY(rec, c->PrepareCached(fmt::format("SELECT {} FROM records WHERE id = ?", kRecordColumns)));
  for (std::size_t i = static_cast<std::size_t>(std::max(0, q.offset)); i < heap.size(); ++i) {
    rec.Bind(1, heap[i].id);
    GK_TRY(found, rec.Step());
    if (found) out.hits.push_back(ReadRecord(rec));
    rec.Reset();
  }
  auto number = [](std::size_t k) { return std::to_string(k); };
  out.by_item = Facets(by_item, number, by_item.size());  // all: summed per area
  out.by_year = Facets(by_year, number);
  out.by_unit = Facets(by_unit, [&](std::size_t k) { return cols->units[k]; });
  out.by_genre = Facets(by_genre, [&](std::size_t k) { return cols->genres[k]; });
  return out;
}

namespace {

// The published, not withdrawn records of a site as the index holds them,
// in id order; `where` narrows them ("r.id > ?1 ... LIMIT"), its first
// parameter bound to `from`.
template <typename Sink>
Status ForEachIndexed(sqlite::Connection& c, std::int64_t site_id, std::string_view where, std::int64_t from,
                      Sink&& sink) {
  GK_TRY(st, c.PrepareCached(fmt::format(
                 "SELECT r.id, r.unit_name, r.item_number, r.element, r.first_published_at, v.title, v.body, "
                 "v.doc_number, v.attachments, v.genre FROM records r JOIN record_versions v ON v.record_id = r.id AND "
                 "v.version = r.published_version WHERE r.site_id = ?2 AND r.published_version > 0 AND "
                 "r.status <> 'withdrawn' AND {}",
                 where)));
  st.Bind(1, from).Bind(2, site_id);
  while (true) {
    auto row = st.Step();
    if (!row) return st.Reset(), Unexpected(row.error());
    if (!*row) break;
    RecordContent content;
    content.title = st.Text(5);
    content.body = st.Text(6);
    content.doc_number = st.Text(7);
    content.attachments = ParseAttachments(st.Text(8));
    content.genre = st.Text(9);
    auto ir = IndexedFor(c, site_id, st.Int(0), st.Text(1), static_cast<int>(st.Int(2)), st.Text(3), content,
                         st.Text(4));
    if (!ir) return st.Reset(), Unexpected(ir.error());
    if (auto done = sink(std::move(*ir)); !done) return st.Reset(), done;
  }
  st.Reset();
  return Ok();
}

// A rebuild of a database whose index holds only this site writes the new
// index beside the one in use, a batch of records per transaction
// (SqliteStore::rebuild_batch_, 200,000), and renames it into place in one
// last transaction. One transaction for the whole rebuild wrote gigabytes
// of write-ahead log at a million records, and SQLite looks every page it
// reads up in that log: in a profile, 73% of the time went there. Searches
// use the old index until the swap; records published, revised or
// withdrawn meanwhile are noted in search_changes and indexed again from
// their current state in the swap. While it is built, the new index keeps
// up to kRebuildPending of new entries in memory before writing a segment
// (FTS5's default is 1 MiB) and does not merge segments as it goes
// (automerge 0; FTS5 still merges when 16 pile up on one level): fewer
// writes of the same entries. Both are set back to FTS5's defaults in the
// swap, for the publications that follow.
constexpr std::int64_t kRebuildPending = std::int64_t{256} << 20;
constexpr std::int64_t kDefaultPending = std::int64_t{1} << 20;
constexpr std::int64_t kDefaultAutomerge = 4;

// Whether the database has a table or index of that name.
Result<bool> HasTable(sqlite::Connection& c, const std::string& name) {
  GK_TRY(st, c.PrepareCached("SELECT count(*) FROM sqlite_master WHERE name = ?"));
  st.Bind(1, name);
  GK_TRY(row, st.Step());
  const bool found = row && st.Int(0) > 0;
  st.Reset();
  return found;
}

// Drops an FTS5 table nobody searches any more (the index a rebuild
// replaced, or one a rebuild cut short left), if it exists. Debian's SQLite
// deletes securely (freed pages are overwritten), so dropping a big index
// writes all of it once more: its rows go first, a chunk per transaction,
// so that no transaction writes gigabytes of log or holds up publications.
Status DropIndexTable(sqlite::Connection& c, const std::string& name) {
  // (The rows of %_data up to id 10 describe the index; FTS5 reads them
  // to open the table it drops.)
  for (const char* shadow : {"_data", "_content", "_docsize"}) {
    const std::string table = name + shadow;
    const int keep = shadow == std::string_view("_data") ? 10 : 0;
    GK_TRY(found, HasTable(c, table));
    while (found) {
      GK_CHECK(c.Exec(fmt::format(
          "DELETE FROM {0} WHERE rowid IN (SELECT rowid FROM {0} WHERE rowid > {1} LIMIT 20000)", table, keep)));
      if (sqlite3_changes(c.raw()) == 0) break;
      (void)c.Exec("PRAGMA wal_checkpoint(PASSIVE)");
    }
  }
  GK_TRY(found, HasTable(c, name));
  return found ? c.Exec("DROP TABLE " + name) : Ok();
}

// Writes records into the new index of a rebuild. Each chunk of 256 is
// normalised and tokenised on another thread (sqlite::PrepareRow) while the
// chunk before is written: tokenising was about a tenth of the build's time.
class RebuildWriter {
 public:
  explicit RebuildWriter(sqlite::Connection& c) : c_(c) {}

  Status Add(sqlite::IndexedRecord&& r) {
    collected_->push_back(std::move(r));
    return collected_->size() >= kChunk ? Launch() : Ok();
  }
  // Writes what is left.
  Status Finish() {
    if (!collected_->empty()) GK_CHECK(Launch());
    if (!ahead_) return Ok();
    Chunk last = std::move(*ahead_);
    ahead_.reset();
    return Write(last);
  }

 private:
  static constexpr std::size_t kChunk = 256;
  using Records = std::vector<sqlite::IndexedRecord>;
  struct Chunk {
    std::shared_ptr<const Records> records;
    std::future<std::vector<sqlite::PreparedRow>> rows;
  };

  Status Launch() {
    std::shared_ptr<const Records> records = std::move(collected_);
    collected_ = std::make_shared<Records>();
    auto prepare = [records] {
      std::vector<sqlite::PreparedRow> rows;
      rows.reserve(records->size());
      for (const auto& r : *records) rows.push_back(sqlite::PrepareRow(r));
      return rows;
    };
    Chunk next{records, {}};
    try {
      next.rows = std::async(std::launch::async, prepare);
    } catch (const std::system_error&) {
      next.rows = std::async(std::launch::deferred, prepare);  // no thread to be had: here, when written
    }
    if (ahead_) GK_CHECK(Write(*ahead_));
    ahead_ = std::move(next);
    return Ok();
  }
  Status Write(Chunk& chunk) {
    const auto rows = chunk.rows.get();
    for (std::size_t i = 0; i < rows.size(); ++i) {
      sqlite::PreparedRowScope scope(&rows[i]);
      GK_CHECK(sqlite::IndexRecordInto(c_, (*chunk.records)[i], "search_index_new", "search_meta_new"));
    }
    return Ok();
  }

  sqlite::Connection& c_;
  std::shared_ptr<Records> collected_ = std::make_shared<Records>();
  std::optional<Chunk> ahead_;
};

}  // namespace

// Rebuilds the site's part of the index. When the site owns every row, the
// index is built anew beside the old one (above); otherwise, in one
// transaction, its rows are deleted (one by one: deleting FTS rows
// re-tokenises them) and written again.
Result<int> SqliteStore::Reindex(std::int64_t site_id) {
  auto c = pool_->Acquire();
  (void)c->Exec("PRAGMA cache_size = -262144");  // 256 MiB while merging index segments
  struct CacheBack {
    sqlite::Connection& c;
    ~CacheBack() { (void)c.Exec("PRAGMA cache_size = -32768"); }
  } cache_back{*c};
  auto alone = [&]() -> Result<bool> {
    GK_TRY(others, c->PrepareCached("SELECT count(*) FROM search_meta WHERE site_id <> ?"));
    others.Bind(1, site_id);
    GK_TRY(row, others.Step());
    const bool none = row && others.Int(0) == 0;
    others.Reset();
    return none;
  };
  auto reset_changes = [&]() -> Status {
    // Every process's search columns reload after this (search_cache.h).
    GK_CHECK(c->Exec("DELETE FROM search_changes"));
    return c->Exec("INSERT INTO search_changes (record_id) VALUES (0)");
  };
  auto count_site = [&]() -> Result<int> {
    GK_TRY(count, c->PrepareCached("SELECT count(*) FROM search_meta WHERE site_id = ?"));
    count.Bind(1, site_id);
    GK_TRY(row, count.Step());
    const int n = row ? static_cast<int>(count.Int(0)) : 0;
    count.Reset();
    return n;
  };
  auto in_place = [&]() -> Result<int> {
    sqlite::Transaction tx(*c);
    GK_CHECK(tx.Begin());
    GK_TRY(old, c->Prepare("SELECT record_id FROM search_meta WHERE site_id = ?"));
    old.Bind(1, site_id);
    std::vector<std::int64_t> ids;
    while (true) {
      GK_TRY(row, old.Step());
      if (!row) break;
      ids.push_back(old.Int(0));
    }
    old.Reset();
    for (auto id : ids) GK_CHECK(sqlite::UnindexRecord(*c, id, false));
    GK_CHECK(ForEachIndexed(*c, site_id, "?1 = ?1 ORDER BY r.id", 0, [&](const sqlite::IndexedRecord& ir) {
      return sqlite::IndexRecord(*c, ir, false, false);
    }));
    GK_CHECK(reset_changes());
    GK_TRY(n, count_site());
    GK_CHECK(tx.Commit());
    return n;
  };
  // 1. Empty new tables (a rebuild cut short left its own: dropped), where
  //    the change log stands, and this rebuild's mark: a row 0 in
  //    search_meta_new that a later rebuild replaces, so that of two
  //    rebuilds at once the earlier stops instead of swapping in a mix.
  GK_CHECK(DropIndexTable(*c, "search_index_old"));
  GK_CHECK(DropIndexTable(*c, "search_index_new"));
  // An FTS5 setting of the new index (kept in its %_config table).
  auto set_option = [&](std::string_view key, std::int64_t value) {
    return c->Exec(fmt::format("INSERT INTO search_index_new (search_index_new, rank) VALUES ('{}', {})", key, value));
  };
  std::int64_t start_seq = 0;
  std::random_device random;
  const std::string mark = fmt::format("{:08x}{:08x}", random(), random());
  bool shared = false;  // the index holds other sites too: rebuilt in place
  {
    sqlite::Transaction tx(*c);
    GK_CHECK(tx.Begin());
    GK_TRY(still_alone, alone());
    shared = !still_alone;
    if (still_alone) {
      GK_CHECK(c->Exec("DROP TABLE IF EXISTS search_meta_new"));
      GK_CHECK(
          c->Exec(fmt::format("CREATE VIRTUAL TABLE search_index_new USING fts5({})", sqlite::kSearchIndexColumns)));
      GK_CHECK(set_option("hashsize", kRebuildPending));
      GK_CHECK(set_option("automerge", 0));
      GK_CHECK(c->Exec("CREATE TABLE search_meta_new (record_id INTEGER PRIMARY KEY, site_id INTEGER NOT NULL, "
                       "item_number INTEGER NOT NULL, unit_name TEXT NOT NULL, year INTEGER NOT NULL, "
                       "genre TEXT NOT NULL, published_at TEXT NOT NULL)"));
      GK_TRY(put_mark, c->Prepare("INSERT INTO search_meta_new VALUES (0, 0, 0, '', 0, '', ?)"));
      put_mark.Bind(1, mark);
      GK_CHECK(put_mark.Run());
      GK_TRY(seq, c->Prepare("SELECT coalesce(max(seq), 0) FROM search_changes"));
      GK_TRY(srow, seq.Step());
      start_seq = srow ? seq.Int(0) : 0;
      seq.Reset();
      GK_CHECK(tx.Commit());
    }
  }
  if (shared) return in_place();
  // Inside each later transaction: still this rebuild's tables, and nobody
  // has rebuilt the index (or reset the log) since step 1.
  auto still_ours = [&]() -> Status {
    auto owner = c->Prepare("SELECT published_at FROM search_meta_new WHERE record_id = 0");
    bool ours = false;
    if (owner) {
      auto row = owner->Step();
      ours = row && *row && owner->Text(0) == mark;
    }
    if (!ours) return Unexpected(Error::Conflict("另一次索引重建已经开始，本次重建停止"));
    GK_TRY(reset, c->Prepare("SELECT count(*) FROM search_changes WHERE record_id = 0 AND seq > ?"));
    reset.Bind(1, start_seq);
    GK_TRY(rrow, reset.Step());
    if (rrow && reset.Int(0) > 0)
      return Unexpected(Error::Conflict("重建期间索引已被另一次重建或迁移重置，请重新运行 search reindex"));
    return Ok();
  };
  // 2. The records in batches, each its own transaction; the log the batch
  //    wrote is copied into the database and can start again.
  std::int64_t last = 0;
  while (true) {
    sqlite::Transaction tx(*c);
    GK_CHECK(tx.Begin());
    GK_CHECK(still_ours());
    std::int64_t in_batch = 0;
    RebuildWriter writer(*c);
    GK_CHECK(ForEachIndexed(*c, site_id, fmt::format("r.id > ?1 ORDER BY r.id LIMIT {}", rebuild_batch_), last,
                            [&](sqlite::IndexedRecord&& ir) {
                              last = ir.record_id;
                              ++in_batch;
                              return writer.Add(std::move(ir));
                            }));
    GK_CHECK(writer.Finish());
    GK_CHECK(tx.Commit());
    (void)c->Exec("PRAGMA wal_checkpoint(PASSIVE)");
    if (after_rebuild_batch_) after_rebuild_batch_();
    if (in_batch < rebuild_batch_) break;
  }
  // 3. The swap (renames: nothing copied), and the records changed since
  //    step 1 from their current state. (A record of another site counts
  //    too: one published meanwhile was the first of its site in the index.)
  sqlite::Transaction tx(*c);
  GK_CHECK(tx.Begin());
  GK_CHECK(still_ours());
  GK_CHECK(c->Exec("DELETE FROM search_meta_new WHERE record_id = 0"));
  GK_CHECK(set_option("hashsize", kDefaultPending));
  GK_CHECK(set_option("automerge", kDefaultAutomerge));
  GK_CHECK(c->Exec("ALTER TABLE search_index RENAME TO search_index_old"));
  GK_CHECK(c->Exec("ALTER TABLE search_index_new RENAME TO search_index"));
  GK_CHECK(c->Exec("ALTER TABLE search_meta RENAME TO search_meta_old"));
  GK_CHECK(c->Exec("ALTER TABLE search_meta_new RENAME TO search_meta"));
  GK_CHECK(c->Exec("DROP TABLE search_meta_old"));
  GK_TRY(changed, c->Prepare(
                      "SELECT DISTINCT c.record_id, r.site_id FROM search_changes c JOIN records r ON r.id = c.record_id "
                      "WHERE c.seq > ?"));
  changed.Bind(1, start_seq);
  std::vector<std::pair<std::int64_t, std::int64_t>> ids;
  while (true) {
    GK_TRY(row, changed.Step());
    if (!row) break;
    ids.emplace_back(changed.Int(0), changed.Int(1));
  }
  changed.Reset();
  for (auto [id, site] : ids) {
    GK_CHECK(sqlite::UnindexRecord(*c, id, false));
    GK_CHECK(ForEachIndexed(*c, site, "r.id = ?1", id, [&](const sqlite::IndexedRecord& ir) {
      return sqlite::IndexRecord(*c, ir, false, false);
    }));
  }
  GK_CHECK(reset_changes());
  GK_TRY(indexed, count_site());
  GK_CHECK(tx.Commit());
  // 4. The old index, now unused. The new one is in use whatever happens
  //    here; what is not dropped now, the next rebuild drops.
  (void)DropIndexTable(*c, "search_index_old");
  return indexed;
}

Result<IndexCheck> SqliteStore::CheckIndex(std::int64_t site_id) {
  auto c = pool_->Acquire();
  IndexCheck out;
  GK_TRY(missing, c->Prepare(
                      "SELECT r.id FROM records r WHERE r.site_id = ? AND r.published_version > 0 AND "
                      "r.status <> 'withdrawn' AND (NOT EXISTS (SELECT 1 FROM search_index s WHERE s.rowid = r.id) OR "
                      "NOT EXISTS (SELECT 1 FROM search_meta m WHERE m.record_id = r.id))"));
  missing.Bind(1, site_id);
  while (true) {
    GK_TRY(row, missing.Step());
    if (!row) break;
    out.missing.push_back(missing.Int(0));
  }
  GK_TRY(stale, c->Prepare(
                    "SELECT s.rowid FROM search_index s JOIN records r ON r.id = s.rowid WHERE r.site_id = ? AND "
                    "(r.published_version = 0 OR r.status = 'withdrawn' OR s.title <> r.published_title)"));
  stale.Bind(1, site_id);
  while (true) {
    GK_TRY(row, stale.Step());
    if (!row) break;
    out.stale.push_back(stale.Int(0));
  }
  GK_TRY(count, c->Prepare(
                    "SELECT count(*) FROM search_index s JOIN records r ON r.id = s.rowid WHERE r.site_id = ?"));
  count.Bind(1, site_id);
  GK_TRY(crow, count.Step());
  out.indexed = crow ? static_cast<int>(count.Int(0)) : 0;
  return out;
}

}  // namespace gongkai
