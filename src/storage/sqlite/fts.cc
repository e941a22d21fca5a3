#include "storage/sqlite/fts.h"

#include <cmath>
#include <cstring>

#include <fmt/core.h>

#include "search/normalize.h"
#include "search/tokenizer.h"

namespace gongkai::sqlite {

namespace {

struct GongkaiTokenizer {};

thread_local const PreparedRow* prepared = nullptr;

void TokensOf(std::string_view text, PreparedRow::Column& out) {
  out.source.assign(text);
  std::string normalized = search::NormalizeForSearch(text);
  out.tokens.reserve(normalized.size() * 2);
  search::Tokenize(normalized, [&](const search::Token& t) {
    out.tokens.append(t.text);
    out.ends.push_back(static_cast<std::uint32_t>(out.tokens.size()));
  });
}

int Create(void*, const char**, int, Fts5Tokenizer** out) {
  *out = reinterpret_cast<Fts5Tokenizer*>(new GongkaiTokenizer());
  return SQLITE_OK;
}

void Delete(Fts5Tokenizer* t) { delete reinterpret_cast<GongkaiTokenizer*>(t); }

int Tokenize(Fts5Tokenizer*, void* ctx, int flags, const char* text, int length,
             int (*emit)(void*, int, const char*, int, int, int)) {
  std::string_view input(text ? text : "", static_cast<std::size_t>(std::max(0, length)));
  int rc = SQLITE_OK;
  if (flags & FTS5_TOKENIZE_QUERY) {
    // Query phrases are already final tokens (search/query.h ToFts5Match).
    search::TokenizeMatchPhrase(input, [&](const search::Token& t) {
      if (rc != SQLITE_OK) return;
      rc = emit(ctx, 0, t.text.data(), static_cast<int>(t.text.size()), static_cast<int>(t.begin),
                static_cast<int>(t.end));
    });
    return rc;
  }
  // Offsets are not used (snippets are made by the application), so every
  // token reports the whole input.
  if (prepared)
    for (const auto& column : prepared->columns) {
      if (column.source != input) continue;
      std::uint32_t begin = 0;
      for (std::uint32_t end : column.ends) {
        rc = emit(ctx, 0, column.tokens.data() + begin, static_cast<int>(end - begin), 0, length);
        if (rc != SQLITE_OK) return rc;
        begin = end;
      }
      return rc;
    }
  std::string normalized = search::NormalizeForSearch(input);
  search::Tokenize(normalized, [&](const search::Token& t) {
    if (rc != SQLITE_OK) return;
    rc = emit(ctx, 0, t.text.data(), static_cast<int>(t.text.size()), 0, length);
  });
  return rc;
}

int CountRow(const Fts5ExtensionApi*, Fts5Context*, void* n) {
  ++*static_cast<std::int64_t*>(n);
  return SQLITE_OK;
}

void Rank(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* ctx, int n, sqlite3_value** args) {
  auto* q = n >= 1 ? static_cast<RankQuery*>(sqlite3_value_pointer(args[0], kRankQueryType)) : nullptr;
  if (!q || !q->columns) return sqlite3_result_error(ctx, "gongkai_rank: no query state", -1);
  const SearchRow* row = q->columns->Find(api->xRowid(fts));
  if (!row || !q->Accept(*row)) return sqlite3_result_null(ctx);
  const int phrases = api->xPhraseCount(fts);
  if (!q->ready) {
    sqlite3_int64 rows = 0, tokens = 0;
    if (api->xRowCount(fts, &rows) != SQLITE_OK || api->xColumnTotalSize(fts, -1, &tokens) != SQLITE_OK)
      return sqlite3_result_error(ctx, "gongkai_rank: no index statistics", -1);
    q->avgdl = rows > 0 && tokens > 0 ? static_cast<double>(tokens) / static_cast<double>(rows) : 1.0;
    q->idf.assign(static_cast<std::size_t>(phrases), 1.0);
    if (phrases > 1)
      for (int i = 0; i < phrases; ++i) {
        std::int64_t hits = 0;
        if (api->xQueryPhrase(fts, i, &hits, CountRow) != SQLITE_OK)
          return sqlite3_result_error(ctx, "gongkai_rank: phrase count failed", -1);
        double idf = std::log((static_cast<double>(rows) - static_cast<double>(hits) + 0.5) /
                              (static_cast<double>(hits) + 0.5));
        q->idf[static_cast<std::size_t>(i)] = idf <= 0.0 ? 1e-6 : idf;
      }
    q->freq.assign(static_cast<std::size_t>(phrases), 0.0);
    q->ready = true;
  }
  std::fill(q->freq.begin(), q->freq.end(), 0.0);
  int inst = 0;
  if (api->xInstCount(fts, &inst) != SQLITE_OK) return sqlite3_result_error(ctx, "gongkai_rank: xInstCount", -1);
  constexpr int kColumns = static_cast<int>(std::size(kRankWeights));
  for (int i = 0; i < inst; ++i) {
    int phrase = 0, column = 0, offset = 0;
    if (api->xInst(fts, i, &phrase, &column, &offset) != SQLITE_OK) return sqlite3_result_error(ctx, "gongkai_rank: xInst", -1);
    if (phrase >= 0 && phrase < phrases) q->freq[static_cast<std::size_t>(phrase)] += column < kColumns ? kRankWeights[column] : 1.0;
  }
  double length = row->length;
  if (length <= 0) {
    int tokens = 0;
    if (api->xColumnSize(fts, -1, &tokens) == SQLITE_OK) length = tokens;
  }
  constexpr double k1 = 1.2, b = 0.75;
  double score = 0;
  for (std::size_t i = 0; i < q->freq.size(); ++i) {
    const double f = q->freq[i];
    score += q->idf[i] * (f * (k1 + 1.0)) / (f + k1 * (1.0 - b + b * length / q->avgdl));
  }
  sqlite3_result_double(ctx, -score);
}

fts5_api* Api(sqlite3* db) {
  fts5_api* api = nullptr;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, nullptr) != SQLITE_OK) return nullptr;
  sqlite3_bind_pointer(st, 1, reinterpret_cast<void*>(&api), "fts5_api_ptr", nullptr);
  sqlite3_step(st);
  sqlite3_finalize(st);
  return api;
}

}  // namespace

PreparedRow PrepareRow(const IndexedRecord& r) {
  PreparedRow out;
  const std::string* texts[] = {&r.title, &r.doc_number, &r.body, &r.unit, &r.item, &r.attachments};
  for (std::size_t i = 0; i < std::size(texts); ++i) TokensOf(*texts[i], out.columns[i]);
  return out;
}

PreparedRowScope::PreparedRowScope(const PreparedRow* row) : previous_(prepared) { prepared = row; }
PreparedRowScope::~PreparedRowScope() { prepared = previous_; }

Status RegisterSearchTokenizer(Connection& c) {
  fts5_api* api = Api(c.raw());
  if (!api) return Unexpected(Error::Storage("SQLite未启用FTS5全文检索"));
  static fts5_tokenizer tokenizer{Create, Delete, Tokenize};
  if (api->xCreateTokenizer(api, "gongkai", nullptr, &tokenizer, nullptr) != SQLITE_OK)
    return Unexpected(Error::Storage("无法注册中文分词器"));
  if (api->xCreateFunction(api, "gongkai_rank", nullptr, Rank, nullptr) != SQLITE_OK)
    return Unexpected(Error::Storage("无法注册搜索排序函数"));
  return Ok();
}

namespace {

Status LogChange(Connection& c, std::int64_t record_id) {
  GK_TRY(st, c.PrepareCached("INSERT INTO search_changes (record_id) VALUES (?)"));
  st.Bind(1, record_id);
  return st.Run();
}

}  // namespace

namespace {

// Writes the record's index row and meta row with these two INSERTs.
Status InsertIndexed(Connection& c, const IndexedRecord& r, const std::string& index_sql,
                     const std::string& meta_sql) {
  GK_TRY(st, c.PrepareCached(index_sql));
  st.Bind(1, r.record_id).Bind(2, r.title).Bind(3, r.doc_number).Bind(4, r.body).Bind(5, r.unit).Bind(6, r.item);
  st.Bind(7, r.attachments);
  GK_CHECK(st.Run());
  GK_TRY(meta, c.PrepareCached(meta_sql));
  meta.Bind(1, r.record_id).Bind(2, r.site_id).Bind(3, r.item_number).Bind(4, r.unit).Bind(5, r.year);
  meta.Bind(6, r.genre).Bind(7, r.published_at);
  return meta.Run();
}

std::string InsertIndexSql(std::string_view table) {
  return fmt::format(
      "INSERT INTO {} (rowid, title, doc_number, body, unit, item, attachments) VALUES (?, ?, ?, ?, ?, ?, ?)", table);
}

std::string InsertMetaSql(std::string_view table) {
  return fmt::format(
      "INSERT INTO {} (record_id, site_id, item_number, unit_name, year, genre, published_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)",
      table);
}

}  // namespace

Status IndexRecordInto(Connection& c, const IndexedRecord& r, std::string_view index_table,
                       std::string_view meta_table) {
  return InsertIndexed(c, r, InsertIndexSql(index_table), InsertMetaSql(meta_table));
}

Status IndexRecord(Connection& c, const IndexedRecord& r, bool replace, bool log) {
  // Publications' path: the statements are made once.
  static const std::string index_sql = InsertIndexSql("search_index"), meta_sql = InsertMetaSql("search_meta");
  if (replace) GK_CHECK(UnindexRecord(c, r.record_id, false));
  GK_CHECK(InsertIndexed(c, r, index_sql, meta_sql));
  return log ? LogChange(c, r.record_id) : Ok();
}

Status UnindexRecord(Connection& c, std::int64_t record_id, bool log) {
  GK_TRY(st, c.PrepareCached("DELETE FROM search_index WHERE rowid = ?"));
  st.Bind(1, record_id);
  GK_CHECK(st.Run());
  GK_TRY(meta, c.PrepareCached("DELETE FROM search_meta WHERE record_id = ?"));
  meta.Bind(1, record_id);
  GK_CHECK(meta.Run());
  return log ? LogChange(c, record_id) : Ok();
}

}  // namespace gongkai::sqlite
