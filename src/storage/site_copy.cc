#include "storage/site_copy.h"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <filesystem>
#include <map>
#include <optional>
#include <pqxx/pqxx>
#include <set>

#include "storage/postgres/pg_pool.h"
#include "storage/postgres/pg_store.h"
#include "storage/sqlite/db.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/stored_text.h"
#include "storage/table_digest.h"

namespace gongkai {

namespace {

// The site's rows of each table, in an order that satisfies the foreign
// keys. `where` selects them in both databases; {site} is the site's id.
struct TablePart {
  const char* table;
  const char* where;
};
constexpr TablePart kSiteTables[] = {
    {"sites", "id = {site}"},
    {"catalogs", "site_id = {site}"},
    {"units", "site_id = {site}"},
    {"areas", "site_id = {site}"},
    {"items", "site_id = {site}"},
    {"elements", "item_id IN (SELECT id FROM items WHERE site_id = {site})"},
    {"item_units", "item_id IN (SELECT id FROM items WHERE site_id = {site})"},
    {"deadlines", "site_id = {site}"},
    {"deadline_changes", "deadline_id IN (SELECT id FROM deadlines WHERE site_id = {site})"},
    {"unit_item_changes", "site_id = {site}"},
    {"accounts", "site_id = {site}"},
    {"audit_log", "site_id = {site}"},
    {"registration_rounds", "site_id = {site}"},
    {"registrations", "round_id IN (SELECT id FROM registration_rounds WHERE site_id = {site})"},
    {"obligations", "site_id = {site}"},
    {"records", "site_id = {site}"},
    {"record_versions", "record_id IN (SELECT id FROM records WHERE site_id = {site})"},
    {"index_serials", "site_id = {site}"},
    {"site_settings", "site_id = {site}"},
    {"notices", "site_id = {site}"},
    {"reminder_marks", "site_id = {site}"},
    {"publication_events", "site_id = {site}"},
    {"ledger_leaves", "site_id = {site}"},
    {"ledger_nodes", "site_id = {site}"},
    {"ledger_keys", "site_id = {site}"},
    {"ledger_heads", "site_id = {site}"},
    {"api_tokens", "site_id = {site}"},
    {"webhook_subscribers", "site_id = {site}"},
    {"webhook_deliveries", "subscriber_id IN (SELECT id FROM webhook_subscribers WHERE site_id = {site})"},
};

std::string Where(const TablePart& t, std::int64_t site_id) {
  std::string w = t.where;
  const std::string key = "{site}";
  for (auto at = w.find(key); at != std::string::npos; at = w.find(key)) w.replace(at, key.size(), std::to_string(site_id));
  return w;
}

struct Column {
  std::string name;
  std::string type;  // PostgreSQL data_type
  bool serial = false;
  bool key = false;  // part of the primary key
};

// The target table's columns (the SQLite table has the same names).
std::vector<Column> ColumnsOf(pqxx::work& tx, const std::string& table) {
  std::vector<Column> out;
  for (const auto& r : tx.exec_params(
           "SELECT c.column_name, c.data_type, coalesce(c.column_default, '') LIKE 'nextval(%', "
           "c.column_name::name = ANY (SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
           "AND a.attnum = ANY (i.indkey) WHERE i.indrelid = to_regclass(quote_ident($1)) AND i.indisprimary) "
           "FROM information_schema.columns c "
           "WHERE c.table_schema = current_schema() AND c.table_name = $1 ORDER BY c.ordinal_position",
           table)) {
    out.push_back({r[0].c_str(), r[1].c_str(), r[2].as<bool>(), r[3].as<bool>()});
  }
  return out;
}

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

// Reads `sql` from SQLite and calls `row(statement)` for each row.
template <typename F>
Status EachRow(sqlite::Connection& c, const std::string& sql, F row) {
  GK_TRY(st, c.Prepare(sql));
  while (true) {
    GK_TRY(more, st.Step());
    if (!more) return {};
    GK_CHECK(row(st));
  }
}

// The value of SQLite column `i` as a PostgreSQL literal of `col`'s type.
std::string Literal(pqxx::work& tx, const sqlite::Statement& st, int i, const Column& col) {
  if (st.IsNull(i)) return "NULL";
  if (col.type == "bytea") return "decode('" + Hex(st.Blob(i)) + "', 'hex')";
  if (col.type == "boolean") return st.Int(i) != 0 ? "TRUE" : "FALSE";
  return tx.quote(st.Text(i));
}

std::string ColumnList(const std::vector<Column>& cols) {
  std::string out;
  for (const auto& c : cols) out += (out.empty() ? "" : ", ") + c.name;
  return out;
}

// Copies the SQLite rows chosen by `where` into the same table in `tx`, a
// few hundred rows per statement (one per statement for files, which may
// be large). `conflict` is appended to each INSERT. Returns rows read.
Result<long long> CopyRows(sqlite::Connection& lite, pqxx::work& tx, const std::string& table, const std::string& where,
                           const std::string& conflict = "") {
  const auto cols = ColumnsOf(tx, table);
  if (cols.empty()) return Unexpected(Error::Storage(fmt::format("目标数据库没有表 {}", table)));
  const std::string head = fmt::format("INSERT INTO {} ({}) VALUES ", table, ColumnList(cols));
  const std::size_t batch = table == "files" ? 1 : 200;
  std::string values;
  std::size_t pending = 0;
  long long copied = 0;
  auto flush = [&] {
    if (pending == 0) return;
    tx.exec(head + values + conflict);
    values.clear();
    pending = 0;
  };
  GK_CHECK(EachRow(lite, fmt::format("SELECT {} FROM {} WHERE {}", ColumnList(cols), table, where),
                   [&](const sqlite::Statement& st) -> Status {
                     std::string row;
                     for (std::size_t i = 0; i < cols.size(); ++i)
                       row += (i ? ", " : "") + Literal(tx, st, static_cast<int>(i), cols[i]);
                     values += (pending ? ", (" : "(") + row + ")";
                     ++copied;
                     if (++pending >= batch) flush();
                     return {};
                   }));
  flush();
  return copied;
}

Result<long long> LiteCount(sqlite::Connection& c, const std::string& table, const std::string& where) {
  long long n = 0;
  GK_CHECK(EachRow(c, fmt::format("SELECT count(*) FROM {} WHERE {}", table, where), [&](const sqlite::Statement& st) -> Status {
    n = st.Int(0);
    return {};
  }));
  return n;
}

long long PgCount(pqxx::work& tx, const std::string& table, const std::string& where) {
  return tx.exec(fmt::format("SELECT count(*) FROM {} WHERE {}", table, where))[0][0].as<long long>();
}

// Content comparison. Every field is read in one canonical text form from
// either database, the form in which CopyRows wrote it: NULL as nullopt,
// booleans "1"/"0" (SQLite stores 0/1), bytes as lowercase hex (bytea and
// blob), anything else as its text (the schema's other columns are TEXT,
// INTEGER and BIGINT, whose text is the same decimal in both).

// The columns that name a row in messages: the primary key, or the first
// column when the table has none.
std::vector<std::size_t> LabelColumns(const std::vector<Column>& cols) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < cols.size(); ++i)
    if (cols[i].key) out.push_back(i);
  if (out.empty() && !cols.empty()) out.push_back(0);
  return out;
}

// "record_id = 3, version = 2".
std::string RowLabel(const std::vector<Column>& cols, const std::vector<std::size_t>& label,
                     const std::vector<std::optional<std::string>>& fields) {
  std::string out;
  for (auto i : label)
    out += fmt::format("{}{} = {}", out.empty() ? "" : ", ", cols[i].name, fields[i] ? *fields[i] : "NULL");
  return out;
}

// The SQLite rows of `table` chosen by `where`, over the columns `cols`.
Result<storage::TableDigest> LiteDigest(sqlite::Connection& lite, const std::string& table,
                                        const std::vector<Column>& cols, const std::string& where) {
  storage::TableDigest digest;
  std::vector<std::optional<std::string>> fields(cols.size());
  const auto label = LabelColumns(cols);
  GK_CHECK(EachRow(lite, fmt::format("SELECT {} FROM {} WHERE {}", ColumnList(cols), table, where),
                   [&](const sqlite::Statement& st) -> Status {
                     for (std::size_t i = 0; i < cols.size(); ++i) {
                       const int at = static_cast<int>(i);
                       if (st.IsNull(at))
                         fields[i].reset();
                       else if (cols[i].type == "bytea")
                         fields[i] = Hex(st.Blob(at));
                       else if (cols[i].type == "boolean")
                         fields[i] = st.Int(at) != 0 ? "1" : "0";
                       else
                         fields[i] = st.Text(at);
                     }
                     digest.AddRow(fields, RowLabel(cols, label, fields));
                     return {};
                   }));
  return digest;
}

// The same rows in PostgreSQL, read through a cursor a few hundred at a
// time (record versions hold whole bodies).
storage::TableDigest PgDigest(pqxx::work& tx, const std::string& table, const std::vector<Column>& cols,
                              const std::string& where) {
  std::string select;
  for (const auto& c : cols) {
    select += select.empty() ? "" : ", ";
    if (c.type == "bytea")
      select += fmt::format("encode({}, 'hex')", c.name);
    else if (c.type == "boolean")
      select += fmt::format("CASE WHEN {0} IS NULL THEN NULL WHEN {0} THEN '1' ELSE '0' END", c.name);
    else
      select += c.name + "::text";
  }
  storage::TableDigest digest;
  std::vector<std::optional<std::string>> fields(cols.size());
  const auto label = LabelColumns(cols);
  tx.exec(fmt::format("DECLARE gk_site_digest NO SCROLL CURSOR FOR SELECT {} FROM {} WHERE {}", select, table, where));
  while (true) {
    auto part = tx.exec("FETCH 500 FROM gk_site_digest");
    if (part.empty()) break;
    for (const auto& r : part) {
      for (std::size_t i = 0; i < cols.size(); ++i) {
        const auto f = r[static_cast<pqxx::row::size_type>(i)];
        if (f.is_null())
          fields[i].reset();
        else
          fields[i] = std::string(f.c_str(), f.size());
      }
      digest.AddRow(fields, RowLabel(cols, label, fields));
    }
  }
  tx.exec("CLOSE gk_site_digest");
  return digest;
}

// The ledger's size and newest signed root (hex) of a site, in SQLite.
Result<std::pair<long long, std::string>> LiteLedger(sqlite::Connection& c, std::int64_t site_id) {
  std::pair<long long, std::string> out;
  GK_TRY(size, LiteCount(c, "ledger_leaves", fmt::format("site_id = {}", site_id)));
  out.first = size;
  GK_CHECK(EachRow(c, fmt::format("SELECT root FROM ledger_heads WHERE site_id = {} ORDER BY id DESC LIMIT 1", site_id),
                   [&](const sqlite::Statement& st) -> Status {
                     out.second = Hex(st.Blob(0));
                     return {};
                   }));
  return out;
}

std::pair<long long, std::string> PgLedger(pqxx::work& tx, std::int64_t site_id) {
  std::pair<long long, std::string> out;
  out.first = PgCount(tx, "ledger_leaves", fmt::format("site_id = {}", site_id));
  auto head = tx.exec_params("SELECT encode(root, 'hex') FROM ledger_heads WHERE site_id = $1 ORDER BY id DESC LIMIT 1",
                             site_id);
  if (!head.empty()) out.second = head[0][0].c_str();
  return out;
}

// The site's tables whose rows differ between the two databases (the site
// has the same id in both), in number or in content, one line each; and
// the ledger's size and newest root. Fills report.rows with the source's
// counts and the ledger's size and root.
Result<std::vector<std::string>> SiteDifferences(sqlite::Connection& lite, pqxx::work& tx, std::int64_t site_id,
                                                 SiteCopyReport& report) {
  std::vector<std::string> diffs;
  report.rows.clear();
  for (const auto& t : kSiteTables) {
    const std::string where = Where(t, site_id);
    const auto cols = ColumnsOf(tx, t.table);
    if (cols.empty()) return Unexpected(Error::Storage(fmt::format("目标数据库没有表 {}", t.table)));
    GK_TRY(want, LiteDigest(lite, t.table, cols, where));
    auto have = PgDigest(tx, t.table, cols, where);
    report.rows.emplace_back(t.table, want.rows());
    if (want.rows() != have.rows()) {
      diffs.push_back(fmt::format("{}：源{}行，目标{}行", t.table, want.rows(), have.rows()));
    } else if (!want.SameAs(have)) {
      const auto missing = want.RowsNotIn(have);
      diffs.push_back(fmt::format("{}：{}行内容不同（首个为源数据库的 {} 行）", t.table, missing.count, missing.first_label));
    }
  }
  GK_TRY(ledger, LiteLedger(lite, site_id));
  auto pg_ledger = PgLedger(tx, site_id);
  report.ledger_size = ledger.first;
  report.ledger_root_hex = ledger.second;
  if (ledger != pg_ledger)
    diffs.push_back(fmt::format("公开账本：源{}条、树根{}，目标{}条、树根{}", ledger.first, ledger.second.substr(0, 16),
                                pg_ledger.first, pg_ledger.second.substr(0, 16)));
  return diffs;
}

// A calendar version's days, one "day|off|name|notice year|position" line
// each, in date order; the same text from either database when the days are
// the same.
Result<std::string> LiteCalendarDays(sqlite::Connection& lite, std::int64_t version_id) {
  std::string out;
  GK_CHECK(EachRow(lite,
                   fmt::format("SELECT day, off, name, notice_year, position FROM calendar_days WHERE version_id = {} "
                               "ORDER BY day",
                               version_id),
                   [&](const sqlite::Statement& st) -> Status {
                     out += fmt::format("{}|{}|{}|{}|{}\n", st.Text(0), st.Int(1) != 0 ? 1 : 0, st.Text(2), st.Int(3),
                                        st.Int(4));
                     return {};
                   }));
  return out;
}

std::string PgCalendarDays(pqxx::work& tx, std::int64_t version_id) {
  std::string out;
  for (const auto& r : tx.exec_params(
           "SELECT day, off, name, notice_year, position FROM calendar_days WHERE version_id = $1 ORDER BY day",
           version_id))
    out += fmt::format("{}|{}|{}|{}|{}\n", r[0].c_str(), r[1].as<bool>() ? 1 : 0, r[2].c_str(), r[3].as<long long>(),
                       r[4].as<long long>());
  return out;
}

// The first line of `a` that `b` does not have at the same place.
std::string FirstDifferentLine(const std::string& a, const std::string& b) {
  std::size_t at = 0;
  while (at < a.size() && at < b.size() && a[at] == b[at]) ++at;
  const std::size_t begin = at == 0 ? std::string::npos : a.rfind('\n', at - 1);
  const std::size_t from = begin == std::string::npos ? 0 : begin + 1;
  const std::size_t end = a.find('\n', from);
  return a.substr(from, end == std::string::npos ? std::string::npos : end - from);
}

// "" when the version's days are the same in both databases; otherwise
// what differs, naming the source's first differing day.
Result<std::string> SameCalendarDays(sqlite::Connection& lite, pqxx::work& tx, std::int64_t version_id) {
  GK_TRY(lite_days, LiteCalendarDays(lite, version_id));
  const std::string pg_days = PgCalendarDays(tx, version_id);
  if (lite_days == pg_days) return std::string();
  return fmt::format("日期内容与源数据库的同版日历不同（源数据库的首个不同处：{}）", FirstDifferentLine(lite_days, pg_days));
}

// The source's calendar versions: (id, note), by id. A version is its note
// and its days; its creation time is not compared, because every database
// made by `gongkai init` gets the program's built-in calendar as version 1,
// stamped with the time it was made.
Result<std::vector<std::pair<std::int64_t, std::string>>> LiteCalendarVersions(sqlite::Connection& lite) {
  std::vector<std::pair<std::int64_t, std::string>> versions;
  GK_CHECK(EachRow(lite, "SELECT id, note FROM calendar_versions ORDER BY id", [&](const sqlite::Statement& st) -> Status {
    versions.emplace_back(st.Int(0), st.Text(1));
    return {};
  }));
  return versions;
}

// For a site copied before: each calendar version of the source must be in
// the target, the same (calendar tables are shared, so they are not among
// the site's tables that SiteDifferences compares).
Result<std::vector<std::string>> CalendarDifferences(sqlite::Connection& lite, pqxx::work& tx) {
  std::vector<std::string> diffs;
  GK_TRY(versions, LiteCalendarVersions(lite));
  for (const auto& [id, note] : versions) {
    auto have = tx.exec_params("SELECT note FROM calendar_versions WHERE id = $1", id);
    if (have.empty()) {
      diffs.push_back(fmt::format("工作日历第{}版：目标数据库没有", id));
      continue;
    }
    if (have[0][0].c_str() != note) {
      diffs.push_back(fmt::format("工作日历第{}版：源为“{}”，目标为“{}”", id, note, have[0][0].c_str()));
      continue;
    }
    GK_TRY(same, SameCalendarDays(lite, tx, id));
    if (!same.empty()) diffs.push_back(fmt::format("工作日历第{}版：{}", id, same));
  }
  return diffs;
}

// Calendar versions are shared by every site of a database: each one the
// source has is copied unless the target has it already, in which case it
// must be the same version (same note and days; the creation time may
// differ, see LiteCalendarVersions).
Result<int> CopyCalendars(sqlite::Connection& lite, pqxx::work& tx) {
  int copied = 0;
  GK_TRY(versions, LiteCalendarVersions(lite));
  for (const auto& [id, note] : versions) {
    auto have = tx.exec_params("SELECT note, (SELECT count(*) FROM calendar_days WHERE version_id = $1) "
                               "FROM calendar_versions WHERE id = $1",
                               id);
    const std::string where = fmt::format("version_id = {}", id);
    if (!have.empty()) {
      GK_TRY(days, LiteCount(lite, "calendar_days", where));
      const long long pg_days = have[0][1].as<long long>();
      if (have[0][0].c_str() != note || pg_days != days)
        return Unexpected(Error::Conflict(
            fmt::format("目标数据库已有另一个第{}版工作日历（“{}”，{}天），与源数据库的（“{}”，{}天）不同，无法合并", id,
                        have[0][0].c_str(), pg_days, note, days)));
      // Same note and size: the days themselves must be the same too.
      GK_TRY(same, SameCalendarDays(lite, tx, id));
      if (!same.empty())
        return Unexpected(Error::Conflict(fmt::format("目标数据库已有第{}版工作日历（“{}”），但{}，无法合并", id, note, same)));
      continue;
    }
    GK_CHECK(CopyRows(lite, tx, "calendar_versions", fmt::format("id = {}", id)));
    GK_CHECK(CopyRows(lite, tx, "calendar_notices", where));
    GK_CHECK(CopyRows(lite, tx, "calendar_days", where));
    ++copied;
  }
  return copied;
}

// Refuses, naming the first one, if any id the site's rows would bring is
// already used in the target.
Status CheckIdsFree(sqlite::Connection& lite, pqxx::work& tx, std::int64_t site_id) {
  for (const auto& t : kSiteTables) {
    for (const auto& col : ColumnsOf(tx, t.table)) {
      if (!col.serial) continue;
      std::vector<std::int64_t> ids;
      GK_CHECK(EachRow(lite, fmt::format("SELECT {} FROM {} WHERE {}", col.name, t.table, Where(t, site_id)),
                       [&](const sqlite::Statement& st) -> Status {
                         ids.push_back(st.Int(0));
                         return {};
                       }));
      for (std::size_t from = 0; from < ids.size(); from += 5000) {
        std::vector<std::int64_t> part(ids.begin() + static_cast<std::ptrdiff_t>(from),
                                       ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), from + 5000)));
        auto used = tx.exec_params(fmt::format("SELECT {0} FROM {1} WHERE {0} = ANY($1::bigint[]) ORDER BY 1 LIMIT 1",
                                               col.name, t.table),
                                   pg::IdArray(part));
        if (!used.empty())
          return Unexpected(Error::Conflict(fmt::format(
              "目标数据库的表 {} 已有 {} = {} 的行（属于另一个站点）：编号按数据库唯一，该站点无法原样迁入此数据库",
              t.table, col.name, used[0][0].c_str())));
      }
    }
  }
  return {};
}

// After rows were inserted with their own ids, each id sequence of the
// copied tables continues after the largest id. Sequences only move
// forward (setval is not undone by a rollback, and a running server may
// have taken values already).
void AdvanceSequences(pqxx::work& tx) {
  std::set<std::string> copied = {"calendar_versions"};
  for (const auto& t : kSiteTables) copied.insert(t.table);
  for (const auto& r : tx.exec(
           "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND "
           "column_default LIKE 'nextval(%'")) {
    const std::string table = r[0].c_str(), column = r[1].c_str();
    if (!copied.contains(table)) continue;
    const std::string seq = tx.exec_params("SELECT pg_get_serial_sequence($1, $2)", table, column)[0][0].c_str();
    tx.exec(fmt::format("SELECT setval('{0}', (SELECT max({1}) FROM {2})) WHERE (SELECT max({1}) FROM {2}) > "
                        "(SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM {0})",
                        seq, column, table));
  }
}

// The stored files the site refers to: its records' and versions'
// attachments and the registration scans (files are shared by content, so
// another site's files stay behind).
Result<std::vector<std::string>> SiteFiles(sqlite::Connection& lite, std::int64_t site_id) {
  std::set<std::string> hashes;
  auto add_attachments = [&](const sqlite::Statement& st) -> Status {
    for (const auto& a : storage::ParseAttachments(st.Text(0))) hashes.insert(a.sha256);
    return {};
  };
  GK_CHECK(EachRow(lite, fmt::format("SELECT attachments FROM records WHERE site_id = {}", site_id), add_attachments));
  GK_CHECK(EachRow(lite,
                   fmt::format("SELECT attachments FROM record_versions WHERE record_id IN (SELECT id FROM records WHERE "
                               "site_id = {})",
                               site_id),
                   add_attachments));
  GK_CHECK(EachRow(lite,
                   fmt::format("SELECT scan_sha256 FROM registrations WHERE scan_sha256 <> '' AND round_id IN (SELECT id "
                               "FROM registration_rounds WHERE site_id = {})",
                               site_id),
                   [&](const sqlite::Statement& st) -> Status {
                     hashes.insert(st.Text(0));
                     return {};
                   }));
  std::vector<std::string> out;
  for (const auto& h : hashes) {
    // Content hashes are lowercase hex; anything else is not a file key.
    if (h.size() == 64 && h.find_first_not_of("0123456789abcdef") == std::string::npos) out.push_back(h);
  }
  return out;
}

}  // namespace

Result<SiteCopyReport> CopySiteToPostgres(const std::string& sqlite_path, const std::string& pg_url,
                                          const std::string& slug) {
  std::error_code ec;
  const auto kind = std::filesystem::status(sqlite_path, ec).type();
  if (kind == std::filesystem::file_type::not_found)
    return Unexpected(Error::NotFound(fmt::format("源数据库文件“{}”不存在", sqlite_path)));
  if (kind == std::filesystem::file_type::directory)
    return Unexpected(Error::Invalid(fmt::format("源数据库“{}”是目录，不是数据库文件", sqlite_path)));
  if (kind != std::filesystem::file_type::regular)
    return Unexpected(Error::Invalid(
        ec ? fmt::format("无法读取源数据库“{}”：{}", sqlite_path, ec.message())
           : fmt::format("源数据库“{}”不是普通文件", sqlite_path)));
  // Both schemas brought to the current version, so the tables agree.
  {
    GK_TRY(source, SqliteStore::Open(sqlite_path, 1));
    GK_TRY(version, source->Migrate());
    (void)version;
  }
  std::int64_t site_id = 0;
  std::string host;
  {
    GK_TRY(source, SqliteStore::Open(sqlite_path, 1));
    GK_TRY(site, source->FindSite(slug));
    site_id = site.id;
    host = site.host;
  }
  GK_TRY(target, PgStore::Open(pg_url, 1));
  GK_TRY(target_version, target->Migrate());
  (void)target_version;
  GK_TRY(lite, sqlite::Connection::Open(sqlite_path));
  sqlite::ReadTransaction snapshot(*lite);  // one consistent view of the source
  GK_CHECK(snapshot.Begin());

  SiteCopyReport report;
  auto copied = [&]() -> Result<bool> {
    GK_TRY(c, pg::Connect(pg_url));
    pqxx::work tx(*c);
    // One migration at a time per database.
    tx.exec("SELECT pg_advisory_xact_lock(727274)");
    auto existing = tx.exec_params("SELECT id FROM sites WHERE slug = $1", slug);
    if (!existing.empty()) {
      if (existing[0][0].as<std::int64_t>() != site_id)
        return Unexpected(Error::Conflict(fmt::format("目标数据库已有标识为“{}”的另一个站点，未作任何修改", slug)));
      GK_TRY(diffs, SiteDifferences(*lite, tx, site_id, report));
      GK_TRY(calendar_diffs, CalendarDifferences(*lite, tx));
      diffs.insert(diffs.end(), calendar_diffs.begin(), calendar_diffs.end());
      if (!diffs.empty())
        return Unexpected(Error::Conflict(fmt::format(
            "目标数据库已有站点“{}”，但与源数据库不一致，未作任何修改：{}", slug, fmt::join(diffs, "；"))));
      report.already_present = true;
      return false;
    }
    if (!host.empty()) {
      auto taken = tx.exec_params("SELECT slug FROM sites WHERE host = $1", host);
      if (!taken.empty())
        return Unexpected(Error::Conflict(fmt::format("目标数据库的站点“{}”已使用域名“{}”，未作任何修改",
                                                      taken[0][0].c_str(), host)));
    }
    GK_CHECK(CheckIdsFree(*lite, tx, site_id));
    GK_TRY(calendars, CopyCalendars(*lite, tx));
    report.calendars_copied = calendars;
    GK_TRY(files, SiteFiles(*lite, site_id));
    for (const auto& sha : files)
      GK_CHECK(CopyRows(*lite, tx, "files", fmt::format("sha256 = '{}'", sha), " ON CONFLICT (sha256) DO NOTHING"));
    report.files = static_cast<long long>(files.size());
    for (const auto& t : kSiteTables) GK_CHECK(CopyRows(*lite, tx, t.table, Where(t, site_id)));
    AdvanceSequences(tx);
    // Verified before anything is committed.
    GK_TRY(diffs, SiteDifferences(*lite, tx, site_id, report));
    if (!diffs.empty())
      return Unexpected(Error::Storage(fmt::format("复制后核对不一致，已撤销：{}", fmt::join(diffs, "；"))));
    tx.commit();
    return true;
  };
  Result<bool> done = [&]() -> Result<bool> {
    try {
      return copied();
    } catch (...) {
      return Unexpected(pg::ErrorFromException(std::current_exception(), "迁移站点"));
    }
  }();
  if (!done) return Unexpected(std::move(done).error());
  // The PostgreSQL search index is built from the copied records.
  if (*done) {
    auto built = target->Reindex(site_id);
    if (!built)
      return Unexpected(Error::Storage(fmt::format(
          "站点“{}”已迁入并提交，但重建搜索索引失败：{}；请再次运行同一 migrate 命令（或 gongkai search reindex）补建",
          slug, built.error().message)));
  }
  GK_TRY(check, target->CheckIndex(site_id));
  if (!*done && (!check.missing.empty() || !check.stale.empty())) {
    // The site was copied before, but its index was not finished (that
    // migrate was stopped after its commit, or another one is still
    // building it): build it now. Reindex replaces the site's index in one
    // transaction and takes a table lock, so two builders take turns.
    report.index_missing = static_cast<long long>(check.missing.size());
    report.index_stale = static_cast<long long>(check.stale.size());
    GK_CHECK(target->Reindex(site_id));
    report.reindexed = true;
    GK_TRY(again, target->CheckIndex(site_id));
    check = std::move(again);
  }
  if (!check.missing.empty() || !check.stale.empty())
    return Unexpected(Error::Storage(fmt::format("目标数据库的搜索索引不完整：缺{}条，过期{}条；请运行 gongkai search reindex",
                                                 check.missing.size(), check.stale.size())));
  report.indexed = check.indexed;
  return report;
}

}  // namespace gongkai
