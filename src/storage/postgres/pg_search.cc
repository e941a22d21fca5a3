// PostgreSQL full-text search (see pg_search.h).
//
// Design. One row per published record in search_docs (pg_schema.cc):
//   * `tokens`: the record's token stream. Each column (title, 文号, unit,
//     item, body, attachments) is normalised (search/normalize.h) and cut by
//     the project's tokenizer (search/tokenizer.h), exactly as the SQLite
//     adapter's FTS5 tokenizer does, and written as
//        \x03 \x02 t1 \x02 t2 \x02 ... tn \x02
//     Tokens never hold \x02 or \x03 (they are letters, digits, ideographs
//     and the \x01 marker), so a query term whose QueryTokens are q1..qk
//     occurs in one column at consecutive positions - FTS5's phrase match -
//     exactly when strpos(tokens, '\x02q1\x02...\x02qk\x02') > 0, and a term
//     ending in the one-character marker \x01c (tokenizer.h) matches FTS5's
//     `"... \x01c" OR "... c"*` exactly when that pattern or
//     '\x02q1...\x02c' (a token beginning with c) occurs. This check is
//     exact whatever the document's length: no position limit is involved.
//   * `vector`: a tsvector of the same tokens, built here as a tsvector
//     literal (PostgreSQL's parser and dictionaries never see the text), with
//     weights per column (title A, 文号 B, unit and item C, body and
//     attachments D) and positions for ts_rank, under a GIN index. It only
//     selects candidates: the AND of the query's tokens (a trailing marker
//     as `'\x01c' | 'c':*`), a superset of the phrase matches, which the
//     strpos check above then narrows to the matches FTS5 finds.
// PostgreSQL's tsvector limits cannot make a match go missing:
//   * positions above 16383 are clamped and at most 255 are kept per lexeme:
//     they only feed the ranking;
//   * a lexeme longer than kMaxLexemeBytes is left out: a query is at most
//     search::kMaxQueryBytes (1000) bytes, so no query token can equal it;
//   * once the lexemes and their positions reach kVectorBudget bytes
//     (PostgreSQL refuses a tsvector whose lexemes and positions take more
//     than 1 MiB) no more lexemes are added and the lexeme \x02,
//     which no query token can be, is added instead: every query's candidate
//     condition ORs it in, so such a document is always checked by strpos.
// Ranking: ts_rank with weights {D 0.1, C 0.2, B 0.5, A 1.0} (the ratios
// of the SQLite adapter's kRankWeights: title 10, 文号 5, unit/item 2,
// body/attachments 1), over the OR of the query's tokens, normalisation 1
// (divided by 1 + log of the document's length): per-token frequency with
// saturation, column weights and a length penalty, as BM25; then newest
// first, then the larger id, as SqliteStore::Search.
#include "storage/postgres/pg_search.h"

#include <fmt/core.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "core/timestamp.h"
#include "search/normalize.h"
#include "search/query.h"
#include "search/tokenizer.h"
#include "storage/postgres/pg_pool.h"
#include "storage/postgres/pg_store.h"
#include "storage/stored_text.h"

namespace gongkai::pg {

namespace {

constexpr char kTokenSeparator = '\x02';
constexpr char kColumnSeparator = '\x03';
// The lexeme of a document whose vector could not hold all its lexemes.
constexpr std::string_view kOverflowLexeme = "\x02";
constexpr std::size_t kMaxLexemeBytes = 2046;    // PostgreSQL: 2047
constexpr std::size_t kVectorBudget = 1000000;   // PostgreSQL: 1 MiB - 1
constexpr int kMaxPosition = 16383;
constexpr std::size_t kMaxPositions = 255;       // PostgreSQL keeps 256
// ts_rank's weights, in PostgreSQL's order {D, C, B, A}.
constexpr const char* kRankWeights = "'{0.1, 0.2, 0.5, 1.0}'";

// A quoted lexeme for a tsvector or tsquery literal.
std::string QuoteLexeme(std::string_view lexeme) {
  std::string out = "'";
  for (char c : lexeme) {
    if (c == '\'' || c == '\\') out += c == '\'' ? '\'' : '\\';
    out += c;
  }
  out += '\'';
  return out;
}

struct Lexeme {
  std::string text;
  std::vector<std::pair<int, char>> positions;  // increasing, with weight
};

struct BuiltDoc {
  std::string tokens;  // the token stream (see the top of the file)
  std::string vector;  // tsvector literal
};

BuiltDoc Build(const IndexedDoc& d) {
  const std::pair<const std::string*, char> columns[] = {{&d.title, 'A'}, {&d.doc_number, 'B'}, {&d.unit, 'C'},
                                                         {&d.item, 'C'},  {&d.body, 'D'},       {&d.attachments, 'D'}};
  BuiltDoc out;
  std::vector<Lexeme> lexemes;
  std::unordered_map<std::string, std::size_t> index;
  // What PostgreSQL counts against its limit: each lexeme (aligned to 2
  // bytes) with a 2-byte count of positions, and 2 bytes per position.
  std::size_t budget = kVectorBudget;
  bool overflow = false;
  int position = 0;
  for (const auto& column : columns) {
    const auto& text = column.first;
    const auto weight = column.second;  // a plain variable: lambdas may capture it (clang 14)
    out.tokens += kColumnSeparator;
    out.tokens += kTokenSeparator;
    const std::string normalized = search::NormalizeForSearch(*text);
    search::Tokenize(normalized, [&](const search::Token& t) {
      out.tokens += t.text;
      out.tokens += kTokenSeparator;
      position = std::min(position + 1, kMaxPosition);
      if (t.text.size() > kMaxLexemeBytes) return;
      auto it = index.find(t.text);
      if (it == index.end()) {
        const std::size_t cost = t.text.size() + 1 + 2;
        if (cost > budget) {
          overflow = true;
          return;
        }
        budget -= cost;
        it = index.emplace(t.text, lexemes.size()).first;
        lexemes.push_back(Lexeme{t.text, {}});
      }
      auto& pos = lexemes[it->second].positions;
      if (pos.size() < kMaxPositions && (pos.empty() || pos.back().first < position) && budget >= 2) {
        pos.emplace_back(position, weight);  // positions only feed the ranking
        budget -= 2;
      }
    });
  }
  for (const auto& l : lexemes) {
    if (!out.vector.empty()) out.vector += ' ';
    out.vector += QuoteLexeme(l.text);
    char separator = ':';
    for (const auto& [p, w] : l.positions) {
      out.vector += separator;
      out.vector += std::to_string(p);
      out.vector += w;
      separator = ',';
    }
  }
  if (overflow) {
    if (!out.vector.empty()) out.vector += ' ';
    out.vector += QuoteLexeme(kOverflowLexeme);
  }
  return out;
}

// One required or excluded query term: its strpos patterns and tsquery parts.
struct TermQuery {
  std::string exact;   // '\x02q1\x02...\x02qk\x02'
  std::string prefix;  // '\x02q1...\x02c' for a trailing marker, else ""
  std::string all;     // tsquery: the AND of its tokens
  std::string any;     // tsquery: the OR of its tokens, for ranking
};

std::optional<TermQuery> ForTerm(const std::string& normalized) {
  const std::vector<std::string> tokens = search::QueryTokens(normalized);
  if (tokens.empty()) return std::nullopt;
  TermQuery q;
  q.exact += kTokenSeparator;
  for (const auto& t : tokens) {
    q.exact += t;
    q.exact += kTokenSeparator;
  }
  const bool marker = search::EndsWithUnigram(tokens);
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    std::string operand = QuoteLexeme(tokens[i]);
    if (marker && i + 1 == tokens.size()) {
      const std::string character = tokens[i].substr(search::kUnigramMarker.size());
      operand = "(" + operand + " | " + QuoteLexeme(character) + ":*)";
      q.prefix = q.exact.substr(0, q.exact.size() - tokens[i].size() - 1) + character;
    }
    q.all += (i > 0 ? " & " : "") + operand;
    q.any += (i > 0 ? " | " : "") + operand;
  }
  return q;
}

// The SQL condition that `tokens` holds the term (see the top of the file).
std::string Holds(pqxx::transaction_base& tx, const TermQuery& q) {
  std::string sql = "(strpos(tokens, " + tx.quote(q.exact) + ") > 0";
  if (!q.prefix.empty()) sql += " OR strpos(tokens, " + tx.quote(q.prefix) + ") > 0";
  return sql + ")";
}

struct Match {
  std::int64_t id = 0;
  int item = 0;
  std::string unit;
  int year = 0;
  std::string genre;
  std::string published_at;
  double rank = 0;
};

// Best first: higher rank, then newer, then the larger id (as SQLite).
bool Better(const Match& a, const Match& b) {
  if (a.rank != b.rank) return a.rank > b.rank;
  if (a.published_at != b.published_at) return a.published_at > b.published_at;
  return a.id > b.id;
}

// The `limit` largest counts, ties by value (as SQLite's facets).
std::vector<FacetCount> Facets(const std::map<std::string, int>& counts, std::size_t limit) {
  std::vector<FacetCount> out;
  for (const auto& [value, count] : counts) out.push_back(FacetCount{value, count});
  std::sort(out.begin(), out.end(), [](const FacetCount& a, const FacetCount& b) {
    return a.count != b.count ? a.count > b.count : a.value < b.value;
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

}  // namespace

IndexedDoc IndexedFor(pqxx::work& tx, std::int64_t site_id, std::int64_t record_id, const std::string& unit,
                      int item_number, const std::string& element, const RecordContent& content,
                      const std::string& first_published_at) {
  IndexedDoc d;
  d.record_id = record_id;
  d.site_id = site_id;
  d.item_number = item_number;
  d.genre = content.genre;
  d.published_at = first_published_at;
  if (auto t = ParseTimestamp(first_published_at, "first_published_at")) d.year = BeijingDate(*t).year();
  d.title = content.title;
  d.doc_number = content.doc_number;
  d.body = content.body;
  d.unit = unit;
  auto item = tx.exec_params("SELECT title FROM items WHERE site_id = $1 AND number = $2", site_id, item_number);
  d.item = (item.empty() ? std::string() : item[0][0].as<std::string>()) + " " + element;
  for (const auto& a : PublicAttachments(content.attachments)) {
    d.attachments += a.filename + "\n";
    // The text extracted at upload; plain text stored before extraction
    // existed is read as it is (its first 4 MiB).
    auto f = tx.exec_params(
        "SELECT CASE WHEN text_status = '' AND mime LIKE 'text/plain%' THEN substring(content FROM 1 FOR 4194304) "
        "END, text FROM files WHERE sha256 = $1",
        a.sha256);
    if (f.empty()) continue;
    d.attachments += (f[0][0].is_null() ? f[0][1].as<std::string>() : pqxx::binarystring(f[0][0]).str()) + "\n";
  }
  return d;
}

void IndexRecord(pqxx::work& tx, const IndexedDoc& doc) {
  const BuiltDoc built = Build(doc);
  tx.exec_params(
      "INSERT INTO search_docs (record_id, site_id, item_number, unit_name, year, genre, published_at, title, "
      "tokens, vector) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::tsvector) ON CONFLICT (record_id) DO UPDATE "
      "SET site_id = EXCLUDED.site_id, item_number = EXCLUDED.item_number, unit_name = EXCLUDED.unit_name, "
      "year = EXCLUDED.year, genre = EXCLUDED.genre, published_at = EXCLUDED.published_at, title = EXCLUDED.title, "
      "tokens = EXCLUDED.tokens, vector = EXCLUDED.vector",
      doc.record_id, doc.site_id, doc.item_number, doc.unit, doc.year, doc.genre, doc.published_at, doc.title,
      built.tokens, built.vector);
}

void UnindexRecord(pqxx::work& tx, std::int64_t record_id) {
  tx.exec_params("DELETE FROM search_docs WHERE record_id = $1", record_id);
}

Result<IndexMatches> MatchIndex(pqxx::transaction_base& tx, std::int64_t site_id, const SearchRequest& request) {
  std::string candidates, rank, holds;
  for (const auto* list : {&request.terms, &request.phrases}) {
    for (const auto& term : *list) {
      auto q = ForTerm(term);
      if (!q) continue;
      candidates += (candidates.empty() ? "(" : " & (") + q->all + ")";
      rank += (rank.empty() ? "" : " | ") + q->any;
      holds += " AND " + Holds(tx, *q);
    }
  }
  for (const auto& term : request.excluded) {
    if (auto q = ForTerm(term)) holds += " AND NOT " + Holds(tx, *q);
  }
  std::string sql;
  if (candidates.empty()) {
    // Filters only (单位:, 事项:): every published record they allow, newest first.
    if (request.units.empty() && request.items.empty())
      return Unexpected(Error::Invalid("请输入要搜索的词语", "q"));
    if (!request.excluded.empty()) return Unexpected(Error::Invalid(search::kOnlyExclusions, "q"));
    sql = fmt::format(
        "SELECT record_id, item_number, unit_name, year, genre, published_at, 0::real FROM search_docs "
        "WHERE site_id = {}{}",
        site_id, holds);
  } else {
    candidates = "(" + candidates + ") | " + QuoteLexeme(kOverflowLexeme);
    sql = fmt::format(
        "SELECT record_id, item_number, unit_name, year, genre, published_at, ts_rank({}, vector, {}::tsquery, 1) "
        "FROM search_docs WHERE site_id = {} AND vector @@ {}::tsquery{}",
        kRankWeights, tx.quote(rank), site_id, tx.quote(candidates), holds);
  }
  if (!request.units.empty()) {
    std::string list;
    for (const auto& u : request.units) list += (list.empty() ? "" : ",") + tx.quote(u);
    sql += " AND unit_name IN (" + list + ")";
  }
  if (!request.genre.empty()) sql += " AND genre = " + tx.quote(request.genre);
  if (request.year > 0) sql += fmt::format(" AND year = {}", request.year);
  if (!request.items.empty()) {
    std::string list;
    for (int n : request.items) list += (list.empty() ? "" : ",") + std::to_string(n);
    sql += " AND item_number IN (" + list + ")";
  }
  std::vector<Match> matches;
  std::map<std::string, int> by_item, by_unit, by_year, by_genre;
  for (const auto& row : tx.exec(sql)) {
    Match m{row[0].as<std::int64_t>(), row[1].as<int>(),         row[2].as<std::string>(), row[3].as<int>(),
            row[4].as<std::string>(),  row[5].as<std::string>(), row[6].as<double>()};
    if (m.item >= 0) ++by_item[std::to_string(m.item)];
    ++by_unit[m.unit];
    ++by_year[std::to_string(m.year)];
    ++by_genre[m.genre];
    matches.push_back(std::move(m));
  }
  IndexMatches out;
  out.total = static_cast<int>(matches.size());
  const std::size_t offset = static_cast<std::size_t>(std::max(0, request.offset));
  const std::size_t end = std::min(matches.size(), offset + static_cast<std::size_t>(std::max(0, request.limit)));
  if (offset < end) {
    std::partial_sort(matches.begin(), matches.begin() + static_cast<std::ptrdiff_t>(end), matches.end(), Better);
    for (std::size_t i = offset; i < end; ++i) out.ids.push_back(matches[i].id);
  }
  out.by_item = Facets(by_item, by_item.size());  // all: callers sum them per area
  out.by_unit = Facets(by_unit, SearchResult::kMaxFacetValues);
  out.by_year = Facets(by_year, SearchResult::kMaxFacetValues);
  out.by_genre = Facets(by_genre, SearchResult::kMaxFacetValues);
  return out;
}

}  // namespace gongkai::pg

namespace gongkai {

// The page of hits is read in the snapshot that found them, in one query
// (as SQLite's search reads them in its one read transaction).
Result<SearchResult> PgStore::Search(std::int64_t site_id, const SearchRequest& request) {
  return pg::WithConnection(*pool_, "Search", [&](pqxx::connection& c) -> Result<SearchResult> {
    pg::Snapshot tx(c);
    GK_TRY(found, pg::MatchIndex(tx, site_id, request));
    SearchResult out;
    out.total = found.total;
    out.by_item = std::move(found.by_item);
    out.by_unit = std::move(found.by_unit);
    out.by_year = std::move(found.by_year);
    out.by_genre = std::move(found.by_genre);
    out.hits = pg::ReadRecordsByIds(tx, found.ids);
    return out;
  });
}

// Rebuilds the site's rows in one transaction. The table lock (which
// IndexRecord's inserts wait for) keeps a record published meanwhile from
// being indexed from a stale read: it is either committed before the
// rebuild reads the records, or indexed after the rebuild commits.
Result<int> PgStore::Reindex(std::int64_t site_id) {
  return pg::WithConnection(*pool_, "Reindex", [&](pqxx::connection& c) -> Result<int> {
    pqxx::work tx(c);
    tx.exec("LOCK TABLE search_docs IN SHARE ROW EXCLUSIVE MODE");
    tx.exec_params("DELETE FROM search_docs WHERE site_id = $1", site_id);
    auto ids = tx.exec_params(
        "SELECT id FROM records WHERE site_id = $1 AND published_version > 0 AND status <> 'withdrawn' ORDER BY id",
        site_id);
    int indexed = 0;
    // One record at a time: the rows hold whole bodies.
    for (const auto& id_row : ids) {
      const auto id = id_row[0].as<std::int64_t>();
      auto r = tx.exec_params(
          "SELECT r.unit_name, r.item_number, r.element, r.first_published_at, v.title, v.body, v.doc_number, "
          "v.attachments, v.genre FROM records r JOIN record_versions v ON v.record_id = r.id AND "
          "v.version = r.published_version WHERE r.id = $1",
          id);
      if (r.empty()) continue;
      const auto& row = r[0];
      RecordContent content;
      content.title = row[4].as<std::string>();
      content.body = row[5].as<std::string>();
      content.doc_number = row[6].as<std::string>();
      content.attachments = storage::ParseAttachments(row[7].as<std::string>());
      content.genre = row[8].as<std::string>();
      pg::IndexRecord(tx, pg::IndexedFor(tx, site_id, id, row[0].as<std::string>(), row[1].as<int>(),
                                         row[2].as<std::string>(), content, row[3].as<std::string>()));
      ++indexed;
    }
    tx.commit();
    return indexed;
  });
}

Result<IndexCheck> PgStore::CheckIndex(std::int64_t site_id) {
  return pg::WithConnection(*pool_, "CheckIndex", [&](pqxx::connection& c) -> Result<IndexCheck> {
    pg::Snapshot tx(c);
    IndexCheck out;
    for (const auto& row : tx.exec_params(
             "SELECT r.id FROM records r WHERE r.site_id = $1 AND r.published_version > 0 AND r.status <> 'withdrawn' "
             "AND NOT EXISTS (SELECT 1 FROM search_docs s WHERE s.record_id = r.id) ORDER BY r.id",
             site_id))
      out.missing.push_back(row[0].as<std::int64_t>());
    for (const auto& row : tx.exec_params(
             "SELECT s.record_id FROM search_docs s JOIN records r ON r.id = s.record_id WHERE r.site_id = $1 AND "
             "(r.published_version = 0 OR r.status = 'withdrawn' OR s.title <> r.published_title) ORDER BY s.record_id",
             site_id))
      out.stale.push_back(row[0].as<std::int64_t>());
    out.indexed = tx.exec_params(
                        "SELECT count(*) FROM search_docs s JOIN records r ON r.id = s.record_id WHERE r.site_id = $1",
                        site_id)[0][0]
                      .as<int>();
    return out;
  });
}

}  // namespace gongkai
