#include "storage/sqlite/fts.h"

#include <cstring>

#include "search/normalize.h"
#include "search/tokenizer.h"

namespace gongkai::sqlite {

namespace {

struct GongkaiTokenizer {};

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
  std::string normalized = search::NormalizeForSearch(input);
  search::Tokenize(normalized, [&](const search::Token& t) {
    if (rc != SQLITE_OK) return;
    rc = emit(ctx, t.colocated ? FTS5_TOKEN_COLOCATED : 0, t.text.data(), static_cast<int>(t.text.size()), 0, length);
  });
  return rc;
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

Status RegisterSearchTokenizer(Connection& c) {
  fts5_api* api = Api(c.raw());
  if (!api) return Unexpected(Error::Storage("SQLite未启用FTS5全文检索"));
  static fts5_tokenizer tokenizer{Create, Delete, Tokenize};
  if (api->xCreateTokenizer(api, "gongkai", nullptr, &tokenizer, nullptr) != SQLITE_OK)
    return Unexpected(Error::Storage("无法注册中文分词器"));
  return Ok();
}

Status IndexRecord(Connection& c, const IndexedRecord& r, bool replace) {
  if (replace) GK_CHECK(UnindexRecord(c, r.record_id));
  GK_TRY(st, c.PrepareCached(
                 "INSERT INTO search_index (rowid, title, doc_number, body, unit, item, attachments) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?)"));
  st.Bind(1, r.record_id).Bind(2, r.title).Bind(3, r.doc_number).Bind(4, r.body).Bind(5, r.unit).Bind(6, r.item);
  st.Bind(7, r.attachments);
  GK_CHECK(st.Run());
  GK_TRY(meta, c.PrepareCached(
                   "INSERT INTO search_meta (record_id, site_id, item_number, unit_name, year, genre, published_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)"));
  meta.Bind(1, r.record_id).Bind(2, r.site_id).Bind(3, r.item_number).Bind(4, r.unit).Bind(5, r.year);
  meta.Bind(6, r.genre).Bind(7, r.published_at);
  return meta.Run();
}

Status UnindexRecord(Connection& c, std::int64_t record_id) {
  GK_TRY(st, c.PrepareCached("DELETE FROM search_index WHERE rowid = ?"));
  st.Bind(1, record_id);
  GK_CHECK(st.Run());
  GK_TRY(meta, c.PrepareCached("DELETE FROM search_meta WHERE record_id = ?"));
  meta.Bind(1, record_id);
  return meta.Run();
}

}  // namespace gongkai::sqlite
