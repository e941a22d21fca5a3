// Storage conformance for full-text search: the same tests against the
// SQLite adapter (FTS5) and the PostgreSQL adapter (pg_search.cc).
//
// Every result is compared with an oracle: a plain substring scan of each
// document's normalised columns (search/normalize.h), with the query parsed
// as the search page parses it. Both backends must return exactly the
// oracle's ids, totals and facets, hence the same as each other.
//
// Most documents are indexed directly (sqlite::IndexRecord,
// pg::IndexRecord) with their records rows written by SQL, so that a few
// hundred of them take a moment; Reindex and CheckIndex read those rows.
// One test goes through the records methods (PublishRecord, SaveRecord).
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <map>
#include <optional>

#include "core/timestamp.h"
#include "search/normalize.h"
#include "search/query.h"
#include "storage/postgres/pg_search.h"
#include "storage/sqlite/fts.h"
#include "tests/storage/store_fixture.h"

namespace gongkai {
namespace {

using namespace storage_test;

// One published record as the index sees it.
struct Doc {
  std::int64_t id = 0;
  std::int64_t site_id = 0;
  std::string unit = "示例区财政局";
  int item = 1;
  std::string element = "要素";
  std::string title, doc_number, body, attachments;
  std::string genre = "通知";
  std::string published_at = "2024-03-01T04:00:00Z";
  int year = 2024;  // Beijing year of published_at (noon in Beijing: the UTC year)
};

// What a search returned, or what the oracle expects.
struct Found {
  std::vector<std::int64_t> ids;  // in the backend's order
  int total = 0;
  std::vector<FacetCount> by_item, by_unit, by_year, by_genre;
};

Found FromResult(const SearchResult& r) {
  Found f{{}, r.total, r.by_item, r.by_unit, r.by_year, r.by_genre};
  for (const auto& h : r.hits) f.ids.push_back(h.id);
  return f;
}

std::vector<std::int64_t> Sorted(std::vector<std::int64_t> v) {
  std::sort(v.begin(), v.end());
  return v;
}

std::string Describe(const std::vector<FacetCount>& facets) {
  std::string out;
  for (const auto& f : facets) out += f.value + "=" + std::to_string(f.count) + " ";
  return out;
}

// A search request as RunSearch (app/search_actions.cc) makes it.
SearchRequest Request(const std::string& q) {
  auto parsed = search::ParseSearchQuery(q);
  EXPECT_TRUE(parsed) << q;
  SearchRequest r;
  if (!parsed) return r;
  r.match = search::ToFts5Match(*parsed);
  r.terms = parsed->terms;
  r.phrases = parsed->phrases;
  r.excluded = parsed->excluded;
  r.limit = 100000;
  return r;
}

// The oracle: every term and phrase a substring of some normalised column,
// no exclusion a substring of any, the filters met.
bool Matches(const Doc& d, const SearchRequest& r) {
  const std::string columns[] = {search::NormalizeForSearch(d.title), search::NormalizeForSearch(d.doc_number),
                                 search::NormalizeForSearch(d.body),  search::NormalizeForSearch(d.unit),
                                 search::NormalizeForSearch(" " + d.element), search::NormalizeForSearch(d.attachments)};
  auto holds = [&](const std::string& term) {
    return std::any_of(std::begin(columns), std::end(columns),
                       [&](const std::string& c) { return c.find(term) != std::string::npos; });
  };
  for (const auto* list : {&r.terms, &r.phrases})
    for (const auto& t : *list)
      if (!holds(t)) return false;
  for (const auto& t : r.excluded)
    if (holds(t)) return false;
  if (!r.units.empty() && std::find(r.units.begin(), r.units.end(), d.unit) == r.units.end()) return false;
  if (!r.genre.empty() && d.genre != r.genre) return false;
  if (r.year > 0 && d.year != r.year) return false;
  if (!r.items.empty() && std::find(r.items.begin(), r.items.end(), d.item) == r.items.end()) return false;
  return true;
}

std::vector<FacetCount> OracleFacets(const std::map<std::string, int>& counts, std::size_t limit) {
  std::vector<FacetCount> out;
  for (const auto& [v, n] : counts) out.push_back(FacetCount{v, n});
  std::stable_sort(out.begin(), out.end(), [](const FacetCount& a, const FacetCount& b) { return a.count > b.count; });
  if (out.size() > limit) out.resize(limit);
  return out;
}

Found Oracle(const std::vector<Doc>& docs, std::int64_t site_id, const SearchRequest& r) {
  Found f;
  std::map<std::string, int> items, units, years, genres;
  for (const auto& d : docs) {
    if (d.site_id != site_id || !Matches(d, r)) continue;
    f.ids.push_back(d.id);
    ++f.total;
    ++items[std::to_string(d.item)];
    ++units[d.unit];
    ++years[std::to_string(d.year)];
    ++genres[d.genre];
  }
  f.by_item = OracleFacets(items, items.size());
  f.by_unit = OracleFacets(units, SearchResult::kMaxFacetValues);
  f.by_year = OracleFacets(years, SearchResult::kMaxFacetValues);
  f.by_genre = OracleFacets(genres, SearchResult::kMaxFacetValues);
  return f;
}

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// The records rows of `docs` by SQL (the same for both backends).
std::string RecordRowsSql(const std::vector<Doc>& docs, const std::string& status = "published", int version = 1,
                          const std::string& attachments_json = "[]") {
  std::string sql;
  for (const auto& d : docs) {
    sql += fmt::format(
        "INSERT INTO records (id, site_id, unit_name, item_number, element, obligation_id, formed_on, status, "
        "title, body, doc_number, written_on, genre, topic, validity, disclosure_mode, scope, channels, "
        "attachments, change_note, review_comment, checklist, approved_by, index_number, published_version, "
        "published_title, due_on, provisional, first_published_at, late_days, withdrawn_reason, withdrawn_at, "
        "created_at, created_by, updated_at) VALUES ({}, {}, {}, {}, {}, 0, '2024-01-02', {}, {}, {}, {}, '', {}, "
        "'', '', '主动公开', '全社会', '', {}, '', '', '{{}}', '', NULL, {}, {}, '2024-01-20', false, {}, 0, '', "
        "'', '2024-01-02T00:00:00Z', 'admin', '2024-01-02T00:00:00Z');\n",
        d.id, d.site_id, Quote(d.unit), d.item, Quote(d.element), Quote(status), Quote(d.title), Quote(d.body),
        Quote(d.doc_number), Quote(d.genre), Quote(attachments_json), version, Quote(version > 0 ? d.title : ""),
        Quote(d.published_at));
    if (version > 0)
      sql += fmt::format(
          "INSERT INTO record_versions (record_id, version, title, body, doc_number, written_on, genre, topic, "
          "validity, disclosure_mode, scope, channels, attachments, change_note, published_at, published_by, "
          "approved_by) VALUES ({}, {}, {}, {}, {}, '', {}, '', '', '主动公开', '全社会', '', {}, '', {}, 'admin', "
          "'');\n",
          d.id, version, Quote(d.title), Quote(d.body), Quote(d.doc_number), Quote(d.genre), Quote(attachments_json),
          Quote(d.published_at));
  }
  return sql;
}

// Writes the records rows of `docs` (unless `rows` is false) and puts them
// into the SQLite index of the database file `path`, in one transaction.
::testing::AssertionResult IndexIntoSqlite(const std::string& path, const std::vector<Doc>& docs, bool rows) {
  auto c = sqlite::Connection::Open(path);
  if (!c) return ::testing::AssertionFailure() << c.error().Describe();
  if (!sqlite::RegisterSearchTokenizer(**c) || !(*c)->Exec("BEGIN"))
    return ::testing::AssertionFailure() << "no tokenizer or transaction";
  if (rows) {
    if (auto s = (*c)->Exec(RecordRowsSql(docs)); !s) return ::testing::AssertionFailure() << s.error().Describe();
  }
  for (const auto& d : docs) {
    sqlite::IndexedRecord r;
    r.record_id = d.id;
    r.title = d.title;
    r.doc_number = d.doc_number;
    r.body = d.body;
    r.unit = d.unit;
    r.item = " " + d.element;
    r.attachments = d.attachments;
    r.site_id = d.site_id;
    r.item_number = d.item;
    r.year = d.year;
    r.genre = d.genre;
    r.published_at = d.published_at;
    if (auto s = sqlite::IndexRecord(**c, r); !s) return ::testing::AssertionFailure() << s.error().Describe();
  }
  if (auto s = (*c)->Exec("COMMIT"); !s) return ::testing::AssertionFailure() << s.error().Describe();
  return ::testing::AssertionSuccess();
}

class SearchStoreTest : public StoreTest {
 protected:
  // The records rows of `docs` by SQL, in one go.
  void AddRecordRows(const std::vector<Doc>& docs, const std::string& status = "published", int version = 1,
                     const std::string& attachments_json = "[]") {
    const std::string sql = RecordRowsSql(docs, status, version, attachments_json);
    Exec(GetParam() == Backend::kSqlite ? "BEGIN;\n" + sql + "COMMIT;" : sql);
  }

  // Puts `docs` into the backend's index (its IndexRecord), in one
  // transaction, after writing their records rows unless `rows` is false.
  void Index(const std::vector<Doc>& docs, bool rows = true) {
    if (GetParam() == Backend::kSqlite) {
      ASSERT_TRUE(IndexIntoSqlite(location_, docs, rows));
      return;
    }
    if (rows) AddRecordRows(docs);
    pqxx::connection c(location_);
    pqxx::work tx(c);
    for (const auto& d : docs) {
      pg::IndexedDoc p;
      p.record_id = d.id;
      p.site_id = d.site_id;
      p.item_number = d.item;
      p.year = d.year;
      p.genre = d.genre;
      p.published_at = d.published_at;
      p.title = d.title;
      p.doc_number = d.doc_number;
      p.body = d.body;
      p.unit = d.unit;
      p.item = " " + d.element;
      p.attachments = d.attachments;
      pg::IndexRecord(tx, p);
    }
    tx.commit();
  }

  void Unindex(std::int64_t id) {
    if (GetParam() == Backend::kSqlite) {
      auto c = sqlite::Connection::Open(location_);
      ASSERT_TRUE(c);
      ASSERT_TRUE(sqlite::RegisterSearchTokenizer(**c));
      auto s = sqlite::UnindexRecord(**c, id);
      ASSERT_TRUE(s) << s.error().Describe();
      return;
    }
    pqxx::connection c(location_);
    pqxx::work tx(c);
    pg::UnindexRecord(tx, id);
    tx.commit();
  }

  // Searches the backend with Store::Search.
  std::optional<Found> Find(SearchRequest r, std::int64_t site_id = 0) {
    if (!site_id) site_id = site_.id;
    auto result = store_->Search(site_id, r);
    EXPECT_TRUE(result) << result.error().Describe();
    if (!result) return std::nullopt;
    return FromResult(*result);
  }

  std::vector<std::int64_t> Ids(const std::string& q) {
    auto f = Find(Request(q));
    return f ? Sorted(f->ids) : std::vector<std::int64_t>{-1};
  }
};

// A deterministic corpus: words run together or separated, traditional and
// full-width spellings, Latin and number terms.
std::vector<Doc> Corpus(std::int64_t site_id, int n, std::int64_t first_id) {
  const std::vector<std::string> words = {
      "扶贫", "资金", "土地", "出让", "国有", "财政", "预算", "决算", "公开", "政府", "信息", "采购", "项目",
      "招标", "环境", "保护", "教育", "医疗", "卫生", "年度", "报告", "工作", "计划", "规划", "建设", "交通",
      "水利", "农业", "补贴", "社会", "保障", "住房", "改造", "乡村", "振兴", "管理", "安全", "应急", "國有",
      "預算", "資金", "年",   "省",   "区",   "金",   "绩效评价"};
  const std::vector<std::string> latin = {"2024年", "2023年", "GB/T 37668", "ＧＢ／Ｔ 37668", "ISO 9001", "covid",
                                          "5G",     "第3号",  "ＣＯＶＩＤ"};
  const std::vector<std::string> separators = {"", "", "", "，", "。", " ", "、", "\n"};
  const std::vector<std::string> units = {"示例区财政局", "示例区教育局", "示例区卫生健康委员会", "示例区交通运输局",
                                          "示例区农业农村局"};
  const std::vector<std::string> genres = {"通知", "公告", "报告", "意见", ""};
  std::mt19937 rng(20241128);
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  auto text = [&](int count) {
    std::string out;
    for (int i = 0; i < count; ++i) {
      if (rng() % 9 == 0) {
        out += " " + pick(latin) + " ";
      } else {
        out += pick(words);
      }
      out += pick(separators);
    }
    return out;
  };
  std::vector<Doc> docs;
  for (int i = 0; i < n; ++i) {
    Doc d;
    d.id = first_id + i;
    d.site_id = site_id;
    d.unit = pick(units);
    d.item = 1 + static_cast<int>(rng() % 8);
    d.element = text(2);
    d.title = text(2 + static_cast<int>(rng() % 3));
    d.doc_number = rng() % 3 == 0 ? "示财〔2024〕" + std::to_string(rng() % 50 * 2) + "号" : "";
    d.body = text(10 + static_cast<int>(rng() % 60));
    d.attachments = rng() % 4 == 0 ? "附件.pdf\n" + text(20) + "\n" : "";
    d.genre = pick(genres);
    d.year = 2022 + static_cast<int>(rng() % 4);
    d.published_at = fmt::format("{}-{:02}-{:02}T04:{:02}:{:02}Z", d.year, 1 + rng() % 12, 1 + rng() % 28,
                                 rng() % 60, rng() % 60);
    docs.push_back(std::move(d));
  }
  return docs;
}

void ExpectSame(const Found& got, const Found& want, const std::string& what) {
  EXPECT_EQ(Sorted(got.ids), Sorted(want.ids)) << what;
  EXPECT_EQ(got.total, want.total) << what;
  EXPECT_EQ(Describe(got.by_item), Describe(want.by_item)) << what;
  EXPECT_EQ(Describe(got.by_unit), Describe(want.by_unit)) << what;
  EXPECT_EQ(Describe(got.by_year), Describe(want.by_year)) << what;
  EXPECT_EQ(Describe(got.by_genre), Describe(want.by_genre)) << what;
}

const std::vector<std::string> kQueries = {
    "年", "金", "区", "省", "资金", "土地出让", "国有土地出让", "扶贫资金", "國有土地", "资金土地", "金土",
    "政府信息公开", "绩效评价", "評價", "2024年", "2024", "2023年", "ＧＢ／Ｔ 37668", "\"GB/T 37668\"", "gb/t",
    "37668", "iso", "9001", "5g", "\"5G\"", "ｃｏｖｉｄ", "COVID", "預算", "第3号", "3号", "扶贫 资金",
    "公开 信息 工作", "资金 -扶贫", "资金 -\"土地出让\"", "年 -2024年", "财政 2023年", "采购项目招标",
    "“乡村振兴”", "示例区财政局", "财政局", "示财", "附件", "要素",
    "保障住房改造乡村", "年度报告工作计划"};

// ---- recall ----------------------------------------------------------------------------

TEST_P(SearchStoreTest, FindsExactlyWhatASubstringScanFinds) {
  const auto docs = Corpus(site_.id, 300, 1);
  Index(docs);
  int nonempty = 0;
  for (const auto& q : kQueries) {
    const SearchRequest r = Request(q);
    const Found want = Oracle(docs, site_.id, r);
    if (want.total > 0 && want.total < 300) ++nonempty;
    auto got = Find(r);
    ASSERT_TRUE(got) << q;
    ExpectSame(*got, want, q);
  }
  // The queries select: most find some documents and not all.
  EXPECT_GE(nonempty, static_cast<int>(kQueries.size()) * 3 / 4);
}

TEST_P(SearchStoreTest, FiltersAndFacetsAsTheOracle) {
  const auto docs = Corpus(site_.id, 300, 1);
  Index(docs);
  // Another site's documents are never found.
  auto other = store_->CreateSite(NewSite{"other", "另一区人民政府", ""});
  ASSERT_TRUE(other);
  Index(Corpus(other->id, 30, 1001));
  struct Case {
    std::string q;
    std::vector<std::string> units;
    std::vector<int> items;
    int year = 0;
    std::string genre;
  };
  const std::vector<Case> cases = {
      {"资金", {"示例区教育局"}, {}, 0, ""},
      {"资金", {"示例区教育局", "示例区财政局"}, {}, 0, ""},
      {"资金", {}, {2, 3}, 0, ""},
      {"年", {}, {}, 2023, ""},
      {"公开", {}, {}, 0, "公告"},
      {"公开", {}, {}, 0, ""},
      {"土地", {"示例区财政局"}, {1, 4, 5}, 2024, "通知"},
      {"资金", {"没有这个单位"}, {}, 0, ""},
      {"资金", {"没有这个单位", "示例区交通运输局"}, {}, 0, ""},
      {"资金", {}, {-1}, 0, ""},
  };
  for (const auto& c : cases) {
    SearchRequest r = Request(c.q);
    r.units = c.units;
    r.items = c.items;
    r.year = c.year;
    r.genre = c.genre;
    auto got = Find(r);
    ASSERT_TRUE(got);
    ExpectSame(*got, Oracle(docs, site_.id, r), c.q + " " + fmt::format("{}", fmt::join(c.units, "|")) + " " + std::to_string(c.year) + " " + c.genre);
  }
  // Filters alone (单位:…, 事项:… without a term): every record they allow,
  // newest first (then the highest id), on both backends.
  std::map<std::int64_t, std::string> published;
  for (const auto& d : docs) published[d.id] = d.published_at;
  const std::vector<std::pair<std::vector<std::string>, std::vector<int>>> filters = {
      {{"示例区教育局"}, {}}, {{}, {2, 3}}, {{"示例区教育局", "示例区财政局"}, {1, 4}}, {{"没有这个单位"}, {}}};
  for (const auto& [units, items] : filters) {
    SearchRequest r;
    r.units = units;
    r.items = items;
    r.limit = 100000;
    const std::string what = fmt::format("filters only: {} / {}", fmt::join(units, "|"), fmt::join(items, ","));
    auto got = Find(r);
    ASSERT_TRUE(got) << what;
    ExpectSame(*got, Oracle(docs, site_.id, r), what);
    for (std::size_t i = 1; i < got->ids.size(); ++i) {
      const auto &a = published[got->ids[i - 1]], &b = published[got->ids[i]];
      EXPECT_TRUE(a > b || (a == b && got->ids[i - 1] > got->ids[i])) << what << " at " << i;
    }
  }
  SearchRequest only_excluded;
  only_excluded.units = {"示例区教育局"};
  only_excluded.excluded = {"资金"};
  auto refused = store_->Search(site_.id, only_excluded);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().field, "q");
  auto elsewhere = Find(Request("资金"), other->id);
  ASSERT_TRUE(elsewhere);
  EXPECT_GT(elsewhere->total, 0);
  for (auto id : elsewhere->ids) EXPECT_GT(id, 1000);
}

// PostgreSQL against SQLite directly: the same corpus in an SQLite file
// gives the same ids, totals and facets for every query and filter.
TEST_P(SearchStoreTest, PostgresFindsWhatSqliteFinds) {
  if (GetParam() == Backend::kSqlite) GTEST_SKIP() << "compares PostgreSQL with SQLite";
  const auto docs = Corpus(site_.id, 300, 1);
  Index(docs);
  const auto dir = std::filesystem::temp_directory_path() / fmt::format("gongkai-search-cross-{}", ::getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "t.db").string();
  {
    auto lite = SqliteStore::Open(path, 1);
    ASSERT_TRUE(lite) << lite.error().Describe();
    ASSERT_TRUE((*lite)->Migrate());
    auto site = (*lite)->CreateSite(NewSite{"demo", "示例区人民政府", ""});
    ASSERT_TRUE(site);
    ASSERT_EQ(site->id, site_.id);
    ASSERT_TRUE(IndexIntoSqlite(path, docs, true));
    std::vector<SearchRequest> requests;
    for (const auto& q : kQueries) requests.push_back(Request(q));
    SearchRequest f = Request("资金");
    f.units = {"示例区教育局"};
    f.items = {1, 2, 3};
    requests.push_back(f);
    f = Request("年 -国有");
    f.year = 2023;
    f.genre = "公告";
    requests.push_back(f);
    for (const auto& r : requests) {
      auto from_pg = store_->Search(site_.id, r);
      auto from_sqlite = (*lite)->Search(site_.id, r);
      ASSERT_TRUE(from_pg) << from_pg.error().Describe();
      ASSERT_TRUE(from_sqlite) << from_sqlite.error().Describe();
      EXPECT_EQ(from_pg->total, from_sqlite->total) << r.match;
      ExpectSame(FromResult(*from_pg), FromResult(*from_sqlite), r.match);
    }
  }
  std::filesystem::remove_all(dir);
}

// Pages (offset, limit) cut one order: best first, then newest.
TEST_P(SearchStoreTest, PagesFollowTheRanking) {
  const auto docs = Corpus(site_.id, 200, 1);
  Index(docs);
  SearchRequest all = Request("资金");
  auto full = Find(all);
  ASSERT_TRUE(full);
  ASSERT_GT(full->total, 20);
  ASSERT_EQ(static_cast<int>(full->ids.size()), full->total);
  std::vector<std::int64_t> paged;
  for (int offset = 0; offset < full->total; offset += 7) {
    SearchRequest r = all;
    r.offset = offset;
    r.limit = 7;
    auto page = Find(r);
    ASSERT_TRUE(page);
    EXPECT_EQ(page->total, full->total);
    paged.insert(paged.end(), page->ids.begin(), page->ids.end());
  }
  EXPECT_EQ(paged, full->ids);
  SearchRequest none = all;
  none.limit = 0;
  auto counted = Find(none);
  ASSERT_TRUE(counted);
  EXPECT_TRUE(counted->ids.empty());
  EXPECT_EQ(counted->total, full->total);
}

TEST_P(SearchStoreTest, TitleMatchesRankFirstThenNewest) {
  Doc in_title{.id = 1, .site_id = site_.id, .title = "水利工程验收公告", .body = "关于本区若干事项的说明。"};
  Doc in_body{.id = 2, .site_id = site_.id, .title = "若干事项的说明", .body = "关于本区水利工程验收的公告。"};
  Doc older{.id = 3, .site_id = site_.id, .title = "其他事项", .body = "关于本区水利工程验收的公告。"};
  in_body.published_at = "2024-05-01T04:00:00Z";
  older.title = in_body.title;
  older.published_at = "2024-04-01T04:00:00Z";
  Index({older, in_body, in_title});
  auto f = Find(Request("水利工程"));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->ids, (std::vector<std::int64_t>{1, 2, 3}));
}

// A phrase far into a long document (beyond PostgreSQL's 16383 tsvector
// positions), and one at the end of attachment text with more distinct
// tokens than a tsvector holds (1 MiB).
TEST_P(SearchStoreTest, FindsPhrasesFarIntoLongDocuments) {
  std::string body;
  for (int i = 0; body.size() < 75000; ++i) body += "本区持续推进各项工作，" + std::to_string(i) + "。";
  body += "国有土地使用权出让收支情况";
  std::mt19937 rng(7);
  std::string attachment;
  for (int i = 0; i < 250000; ++i) {
    std::string c;
    const char32_t cp = 0x4E00 + rng() % 0x5000;
    c += static_cast<char>(0xE0 | (cp >> 12));
    c += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    c += static_cast<char>(0x80 | (cp & 0x3F));
    attachment += c;
  }
  attachment += "。扶贫资金绩效评价结果";
  Doc longbody{.id = 1, .site_id = site_.id, .title = "工作情况", .body = body};
  Doc huge{.id = 2, .site_id = site_.id, .title = "附件材料", .body = "见附件。", .attachments = attachment};
  Doc plain{.id = 3, .site_id = site_.id, .title = "其他", .body = "土地出让收入，扶贫与资金。"};
  ASSERT_GT(longbody.body.size(), 20000u * 3);
  Index({longbody, huge, plain});
  if (GetParam() == Backend::kPostgres) {
    // The attachment's tokens overflowed the tsvector: it holds the marker
    // lexeme \x02 that makes every search check the document.
    EXPECT_EQ(QueryInt("SELECT count(*) FROM search_docs WHERE vector @@ (chr(39) || chr(2) || chr(39))::tsquery"), 1);
  }
  EXPECT_EQ(Ids("\"使用权出让收支\""), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(Ids("国有土地使用权"), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(Ids("绩效评价结果"), (std::vector<std::int64_t>{2}));
  EXPECT_EQ(Ids("扶贫资金绩效"), (std::vector<std::int64_t>{2}));
  EXPECT_EQ(Ids("资金"), (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(Ids("土地出让"), (std::vector<std::int64_t>{3}));
  EXPECT_EQ(Ids("结果 -扶贫资金"), (std::vector<std::int64_t>{}));
}

TEST_P(SearchStoreTest, UnindexAndReindexOneRecord) {
  Doc d{.id = 5, .site_id = site_.id, .title = "农村公路养护计划", .body = "养护资金安排。"};
  Index({d});
  EXPECT_EQ(Ids("公路养护"), (std::vector<std::int64_t>{5}));
  d.title = "城市道路维修计划";  // a new version replaces the row
  Index({d}, false);
  EXPECT_EQ(Ids("公路养护"), (std::vector<std::int64_t>{}));
  EXPECT_EQ(Ids("道路维修"), (std::vector<std::int64_t>{5}));
  Unindex(5);
  EXPECT_EQ(Ids("道路维修"), (std::vector<std::int64_t>{}));
  EXPECT_EQ(Ids("资金"), (std::vector<std::int64_t>{}));
  Unindex(5);  // again: nothing to remove
  EXPECT_EQ(Ids("资金"), (std::vector<std::int64_t>{}));
}

// ---- Reindex, CheckIndex -------------------------------------------------------------

// Migration 17 (the tokenizer splits letters from digits) leaves each
// PostgreSQL site on a list that Migrate rebuilds from the records, since
// the tokens are made in C++; a site left on it (a start cut short) is
// rebuilt at the next Migrate. (SQLite rebuilds inside the migration.)
TEST_P(SearchStoreTest, MigrateRebuildsTheSitesMigrationsList) {
  if (GetParam() == Backend::kSqlite) GTEST_SKIP() << "SQLite rebuilds in the migration's SQL";
  ASSERT_TRUE(store_->SaveCatalog(site_.id, seed_));
  const auto& item = seed_.areas.front().items.front();
  Doc d{.id = 1, .site_id = site_.id, .item = item.number, .title = "执行GB/T37668标准", .body = "正文。"};
  Index({d});
  {
    // What an index made by the old tokenizer holds for the letters and
    // digits: "t37668" as one token.
    pqxx::connection c(location_);
    pqxx::work tx(c);
    tx.exec("UPDATE search_docs SET tokens = replace(tokens, E'\\x02t\\x0237668', E'\\x02t37668'), "
            "vector = to_tsvector('simple', 'gb t37668')");
    tx.exec_params("INSERT INTO search_rebuild (site_id) VALUES ($1)", site_.id);
    tx.commit();
  }
  EXPECT_TRUE(Ids("37668").empty());
  auto migrated = store_->Migrate();
  ASSERT_TRUE(migrated) << migrated.error().Describe();
  EXPECT_EQ(Ids("37668"), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(Ids("gb/t 37668"), (std::vector<std::int64_t>{1}));
  pqxx::connection c(location_);
  pqxx::work tx(c);
  EXPECT_EQ(tx.exec("SELECT count(*) FROM search_rebuild")[0][0].as<int>(), 0);
}

TEST_P(SearchStoreTest, CheckIndexListsMissingAndStaleAndReindexRepairs) {
  ASSERT_TRUE(store_->SaveCatalog(site_.id, seed_));
  const auto& item = seed_.areas.front().items.front();
  const std::string public_text = "附件正文：水利工程竣工验收报告";
  const std::string evidence_text = "公示照片里的姓名张三";
  StoredFile pub{std::string(64, 'a'), "application/pdf", 10, "%PDF-1.4", "2024-01-02T00:00:00Z", public_text, "ok",
                 ""};
  StoredFile photo{std::string(64, 'b'), "image/jpeg", 10, "jpegdata", "2024-01-02T00:00:00Z", evidence_text, "ok",
                   ""};
  StoredFile plain{std::string(64, 'c'), "text/plain", 30, "旧式纯文本附件：河道清淤", "2024-01-02T00:00:00Z", "",
                   "", ""};
  ASSERT_TRUE(store_->PutFile(pub));
  ASSERT_TRUE(store_->PutFile(photo));
  ASSERT_TRUE(store_->PutFile(plain));
  // Snippets read the start of a file's text, in characters, not the file.
  auto start = store_->GetFileTextStart(pub.sha256, 4);
  ASSERT_TRUE(start) << start.error().Describe();
  EXPECT_EQ(*start, "附件正文");
  EXPECT_EQ(*store_->GetFileTextStart(plain.sha256, 100), "");
  EXPECT_FALSE(store_->GetFileTextStart(std::string(64, 'f'), 10));
  const nlohmann::json attachments = nlohmann::json::array(
      {{{"sha256", pub.sha256}, {"filename", "验收报告.pdf"}, {"mime", pub.mime}, {"size", 10}},
       {{"sha256", photo.sha256}, {"filename", "公示.jpg"}, {"mime", photo.mime}, {"size", 10}, {"evidence", true}},
       {{"sha256", plain.sha256}, {"filename", "清淤.txt"}, {"mime", plain.mime}, {"size", 30}}});

  Doc ok{.id = 1, .site_id = site_.id, .item = item.number, .title = "道路养护公告", .body = "养护安排。"};
  Doc missing{.id = 2, .site_id = site_.id, .item = item.number, .title = "水利工程验收", .body = "见附件。"};
  Doc renamed{.id = 3, .site_id = site_.id, .item = item.number, .title = "新标题", .body = "正文。"};
  Doc withdrawn{.id = 4, .site_id = site_.id, .item = item.number, .title = "已撤回", .body = "撤回的正文。"};
  Doc draft{.id = 5, .site_id = site_.id, .item = item.number, .title = "草稿", .body = "草稿正文。"};
  AddRecordRows({ok, renamed});
  AddRecordRows({missing}, "published", 1, attachments.dump());
  AddRecordRows({withdrawn}, "withdrawn");
  AddRecordRows({draft}, "draft", 0);
  Doc old_title = renamed;
  old_title.title = "旧标题";
  Index({ok, old_title, withdrawn}, false);

  auto check = store_->CheckIndex(site_.id);
  ASSERT_TRUE(check) << check.error().Describe();
  EXPECT_EQ(check->indexed, 3);
  EXPECT_EQ(Sorted(check->missing), (std::vector<std::int64_t>{2}));
  EXPECT_EQ(Sorted(check->stale), (std::vector<std::int64_t>{3, 4}));

  // Another site's row survives this site's rebuild.
  auto other = store_->CreateSite(NewSite{"other", "另一区人民政府", ""});
  ASSERT_TRUE(other);
  Index({Doc{.id = 100, .site_id = other->id, .title = "另一区的道路养护", .body = "正文。"}});

  auto n = store_->Reindex(site_.id);
  ASSERT_TRUE(n) << n.error().Describe();
  EXPECT_EQ(*n, 3);
  check = store_->CheckIndex(site_.id);
  ASSERT_TRUE(check);
  EXPECT_EQ(check->indexed, 3);
  EXPECT_TRUE(check->missing.empty());
  EXPECT_TRUE(check->stale.empty());
  EXPECT_EQ(Ids("竣工验收报告"), (std::vector<std::int64_t>{2}));  // public attachment text
  EXPECT_EQ(Ids("验收报告.pdf"), (std::vector<std::int64_t>{2}));  // its file name
  EXPECT_EQ(Ids("河道清淤"), (std::vector<std::int64_t>{2}));      // plain text read from the file
  EXPECT_EQ(Ids("张三"), (std::vector<std::int64_t>{}));           // evidence is not public
  EXPECT_EQ(Ids("新标题"), (std::vector<std::int64_t>{3}));
  EXPECT_EQ(Ids("旧标题"), (std::vector<std::int64_t>{}));
  EXPECT_EQ(Ids("撤回"), (std::vector<std::int64_t>{}));
  EXPECT_EQ(Ids("草稿"), (std::vector<std::int64_t>{}));
  // The item's title and the element are searchable; the year is Beijing's.
  EXPECT_EQ(Ids("\"" + item.title + " 要素\""), (std::vector<std::int64_t>{1, 2, 3}));
  SearchRequest y = Request("养护");
  y.year = 2024;
  auto f = Find(y);
  ASSERT_TRUE(f);
  EXPECT_EQ(Sorted(f->ids), (std::vector<std::int64_t>{1}));
  auto elsewhere = Find(Request("道路养护"), other->id);
  ASSERT_TRUE(elsewhere);
  EXPECT_EQ(elsewhere->ids, (std::vector<std::int64_t>{100}));
}

// SQLite rebuilds a one-site index beside the one in use, in batches, and
// swaps it in at the end: tables a rebuild cut short left (a real FTS5
// index among them) are dropped by the next one; records written by others
// between the batches (one retitled and one withdrawn in a batch already
// indexed, one published after, and the first record of another site) are
// indexed from their current state.
TEST_P(SearchStoreTest, SqliteRebuildInBatchesKeepsChangesMadeMeanwhile) {
  if (GetParam() != Backend::kSqlite) GTEST_SKIP() << "PostgreSQL rebuilds in one transaction";
  auto* sqlite_store = dynamic_cast<SqliteStore*>(store_.get());
  ASSERT_NE(sqlite_store, nullptr);
  ASSERT_TRUE(store_->SaveCatalog(site_.id, seed_));
  auto other = store_->CreateSite(NewSite{"other", "另一区人民政府", ""});
  ASSERT_TRUE(other);
  const int item = seed_.areas.front().items.front().number;
  std::vector<Doc> docs;
  for (int i = 1; i <= 7; ++i)
    docs.push_back(Doc{.id = i, .site_id = site_.id, .item = item, .title = fmt::format("第{}号桥梁检测公告", i),
                       .body = "桥梁检测结果。"});
  Index(docs);
  EXPECT_EQ(Ids("桥梁"), (std::vector<std::int64_t>{1, 2, 3, 4, 5, 6, 7}));  // the search columns are loaded
  // Left by rebuilds cut short; the FTS5 one is more than one chunk of rows.
  Exec("CREATE TABLE search_index_new (x); CREATE TABLE search_meta_new (x); "
       "CREATE VIRTUAL TABLE search_index_old USING fts5(x); "
       "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 25000) "
       "INSERT INTO search_index_old (rowid, x) SELECT i, 'word' || i FROM n;");
  int batches = 0;
  sqlite_store->SetRebuildBatchForTesting(2, [&] {
    if (++batches != 2) return;  // records 1-4 are in the new index now
    auto c = sqlite::Connection::Open(location_);
    ASSERT_TRUE(c);
    ASSERT_TRUE(sqlite::RegisterSearchTokenizer(**c));
    ASSERT_TRUE((*c)->Exec("BEGIN; UPDATE records SET published_title = '隧道检测公告' WHERE id = 1; "
                           "UPDATE record_versions SET title = '隧道检测公告' WHERE record_id = 1; "
                           "UPDATE records SET status = 'withdrawn' WHERE id = 3;"));
    ASSERT_TRUE(sqlite::UnindexRecord(**c, 1));  // as the revision and the withdrawal note them
    ASSERT_TRUE(sqlite::UnindexRecord(**c, 3));
    ASSERT_TRUE((*c)->Exec("COMMIT"));
    AddRecordRows({Doc{.id = 9, .site_id = site_.id, .item = item, .title = "新发布的桥梁公告", .body = "正文。"}});
    ASSERT_TRUE(IndexIntoSqlite(location_, {Doc{.id = 8, .site_id = other->id, .title = "另一区的桥梁公告", .body = "正文。"}},
                                true));
  });
  auto n = store_->Reindex(site_.id);
  sqlite_store->SetRebuildBatchForTesting(50000);
  ASSERT_TRUE(n) << n.error().Describe();
  EXPECT_GE(batches, 4);
  EXPECT_EQ(*n, 7);  // 1-7 without 3, with 9
  EXPECT_EQ(Ids("隧道检测"), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(Ids("第1号"), (std::vector<std::int64_t>{}));
  EXPECT_EQ(Ids("桥梁"), (std::vector<std::int64_t>{1, 2, 4, 5, 6, 7, 9}));  // 1 in its body
  auto elsewhere = Find(Request("桥梁"), other->id);
  ASSERT_TRUE(elsewhere);
  EXPECT_EQ(elsewhere->ids, (std::vector<std::int64_t>{8}));
  auto check = store_->CheckIndex(site_.id);
  ASSERT_TRUE(check) << check.error().Describe();
  EXPECT_EQ(check->indexed, 7);
  EXPECT_TRUE(check->missing.empty());
  EXPECT_TRUE(check->stale.empty());
  EXPECT_EQ(QueryInt("SELECT count(*) FROM sqlite_master WHERE name LIKE 'search_index_old%' OR name LIKE "
                     "'search_index_new%' OR name LIKE 'search_meta_%'"),
            0);
  // The index is back on FTS5's defaults for later writes; the rebuild's
  // mark row is gone.
  EXPECT_EQ(QueryInt("SELECT v FROM search_index_config WHERE k = 'hashsize'"), 1048576);
  EXPECT_EQ(QueryInt("SELECT v FROM search_index_config WHERE k = 'automerge'"), 4);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM search_meta WHERE record_id = 0"), 0);
}

// Of two rebuilds at once, the one a later one overtook stops (its tables
// are the later one's now), as does one during which the index was reset;
// the index in use is untouched and the next rebuild succeeds.
TEST_P(SearchStoreTest, SqliteRebuildOvertakenByAnotherStops) {
  if (GetParam() != Backend::kSqlite) GTEST_SKIP() << "PostgreSQL rebuilds in one transaction";
  auto* sqlite_store = dynamic_cast<SqliteStore*>(store_.get());
  ASSERT_NE(sqlite_store, nullptr);
  std::vector<Doc> docs;
  for (int i = 1; i <= 5; ++i)
    docs.push_back(Doc{.id = i, .site_id = site_.id, .title = fmt::format("第{}号河道公告", i), .body = "河道整治。"});
  Index(docs);
  for (const char* meanwhile : {"UPDATE search_meta_new SET published_at = 'someone else' WHERE record_id = 0",
                                "INSERT INTO search_changes (record_id) VALUES (0)"}) {
    sqlite_store->SetRebuildBatchForTesting(2, [&] { Exec(meanwhile); });
    auto n = store_->Reindex(site_.id);
    ASSERT_FALSE(n) << meanwhile;
    EXPECT_EQ(n.error().code, ErrorCode::kConflict) << n.error().Describe();
    EXPECT_EQ(Ids("河道"), (std::vector<std::int64_t>{1, 2, 3, 4, 5})) << meanwhile;
  }
  sqlite_store->SetRebuildBatchForTesting(2);
  auto n = store_->Reindex(site_.id);
  sqlite_store->SetRebuildBatchForTesting(50000);
  ASSERT_TRUE(n) << n.error().Describe();
  EXPECT_EQ(*n, 5);
  EXPECT_EQ(Ids("河道"), (std::vector<std::int64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(QueryInt("SELECT count(*) FROM sqlite_master WHERE name LIKE 'search_index_new%'"), 0);
}

// Through the records methods: publishing indexes the public version (with
// its public attachments' text), a revision replaces it, a withdrawal
// removes it; the hits are the records.
TEST_P(SearchStoreTest, PublishingReviseAndWithdrawKeepTheIndex) {
  ASSERT_TRUE(store_->SaveCatalog(site_.id, seed_));
  const auto& item = seed_.areas.front().items.front();
  ASSERT_TRUE(store_->PutFile(StoredFile{std::string(64, 'a'), "application/pdf", 3, "pdf", "2026-09-01T00:00:00Z",
                                         "附件里的河道整治工程清单", "ok", ""}));
  auto publish = [&](Record r, const std::string& at) {
    RecordVersion v;
    v.record_id = r.id;
    v.content = r.draft;
    v.published_at = at;
    v.published_by = "liaison";
    v.approved_by = r.approved_by;
    return store_->PublishRecord(r, v, 2026, Audit("发布"));
  };
  auto draft = [&](const std::string& title, const std::string& body) {
    Record r;
    r.site_id = site_.id;
    r.unit = seed_.units.front().name;
    r.item_number = item.number;
    r.element = "部门预算";
    r.formed_on = *Date::Parse("2026-09-01");
    r.status = RecordStatus::kApproved;
    r.draft.title = title;
    r.draft.body = body;
    r.draft.genre = "通知";
    r.draft.disclosure_mode = "主动公开";
    r.draft.scope = "全社会";
    r.draft.attachments = {Attachment{std::string(64, 'a'), "清单.pdf", "application/pdf", 3, false}};
    r.approved_by = "leader";
    r.due_on = *Date::Parse("2026-09-29");
    r.created_at = "2026-09-01T01:00:00Z";
    r.created_by = "liaison";
    r.updated_at = r.created_at;
    auto created = store_->CreateRecord(r, Audit("创建公开信息"));
    EXPECT_TRUE(created) << created.error().Describe();
    return created ? *created : Record{};
  };
  auto a = publish(draft("河道整治工程公告", "本区河道整治工程的安排。"), "2026-09-10T02:00:00Z");
  ASSERT_TRUE(a) << a.error().Describe();
  auto b = publish(draft("部门预算公开", "预算说明。"), "2026-09-11T02:00:00Z");
  ASSERT_TRUE(b) << b.error().Describe();
  auto hits = store_->Search(site_.id, Request("河道整治"));
  ASSERT_TRUE(hits) << hits.error().Describe();
  EXPECT_EQ(hits->total, 2);  // b through its attachment's text
  ASSERT_EQ(hits->hits.size(), 2u);
  EXPECT_EQ(hits->hits[0].id, a->id);  // in the title: first
  EXPECT_EQ(hits->hits[0].published_title, "河道整治工程公告");
  EXPECT_EQ(hits->hits[1].id, b->id);
  ASSERT_EQ(hits->by_year.size(), 1u);
  EXPECT_EQ(hits->by_year[0].value, "2026");

  Record revised = *a;
  revised.draft.title = "水库除险加固公告";
  revised.draft.attachments.clear();
  revised.draft.body = "水库安排。";
  revised.status = RecordStatus::kApproved;
  ASSERT_TRUE(store_->SaveRecord(revised, Audit("修订")));
  ASSERT_TRUE(publish(revised, "2026-09-12T02:00:00Z"));
  EXPECT_EQ(Ids("除险加固"), (std::vector<std::int64_t>{a->id}));
  EXPECT_EQ(Ids("河道整治"), (std::vector<std::int64_t>{b->id}));

  auto current = store_->GetRecord(b->id);
  ASSERT_TRUE(current);
  Record withdrawn = *current;
  withdrawn.status = RecordStatus::kWithdrawn;
  withdrawn.withdrawn_reason = "内容有误";
  withdrawn.withdrawn_at = "2026-09-13T02:00:00Z";
  withdrawn.updated_at = withdrawn.withdrawn_at;
  ASSERT_TRUE(store_->SaveRecord(withdrawn, Audit("撤回")));
  EXPECT_EQ(Ids("河道整治"), (std::vector<std::int64_t>{}));

  auto check = store_->CheckIndex(site_.id);
  ASSERT_TRUE(check) << check.error().Describe();
  EXPECT_EQ(check->indexed, 1);
  EXPECT_TRUE(check->missing.empty());
  EXPECT_TRUE(check->stale.empty());
  auto n = store_->Reindex(site_.id);
  ASSERT_TRUE(n) << n.error().Describe();
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(Ids("除险加固"), (std::vector<std::int64_t>{a->id}));
}

TEST_P(SearchStoreTest, ARequestWithoutTermsIsRefused) {
  Index({Doc{.id = 1, .site_id = site_.id, .title = "标题", .body = "正文"}});
  SearchRequest r;
  r.limit = 10;
  EXPECT_FALSE(store_->Search(site_.id, r));
}

INSTANTIATE_TEST_SUITE_P(Backends, SearchStoreTest, kBothBackends, BackendName);

// The index functions the records code calls, on PostgreSQL: IndexedFor
// reads the item's title and the public attachments' text.
TEST(PgSearchTest, IndexedForReadsItemAndPublicAttachments) {
  // Covered through Reindex above on both backends; here the fields.
  const std::string url = PgUrl();
  if (url.empty()) GTEST_SKIP() << "no PostgreSQL test server";
  std::random_device rd;
  const std::string db = fmt::format("t_{}_{:08x}_idx", ::getpid(), rd());
  pqxx::connection admin(url);
  {
    pqxx::nontransaction tx(admin);
    tx.exec("CREATE DATABASE " + tx.quote_name(db));
  }
  {
    auto store = PgStore::Open(WithDatabase(url, db), 1);
    ASSERT_TRUE(store);
    ASSERT_TRUE((*store)->Migrate());
    auto site = (*store)->CreateSite(NewSite{"demo", "示例区人民政府", ""});
    ASSERT_TRUE(site);
    auto seed = LoadSeedCatalog();
    ASSERT_TRUE(seed);
    ASSERT_TRUE((*store)->SaveCatalog(site->id, *seed));
    const auto& item = seed->areas.front().items.front();
    ASSERT_TRUE((*store)->PutFile(StoredFile{std::string(64, 'a'), "application/pdf", 3, "pdf",
                                             "2024-01-01T00:00:00Z", "提取的文字", "ok", ""}));
    RecordContent content;
    content.title = "标题";
    content.body = "正文";
    content.doc_number = "示财〔2024〕1号";
    content.genre = "通知";
    content.attachments = {Attachment{std::string(64, 'a'), "a.pdf", "application/pdf", 3, false},
                           Attachment{std::string(64, 'b'), "photo.jpg", "image/jpeg", 3, true}};
    pqxx::connection c(WithDatabase(url, db));
    pqxx::work tx(c);
    // 2023-12-31 17:00 UTC is 2024-01-01 01:00 in Beijing.
    const auto d = pg::IndexedFor(tx, site->id, 9, "示例区财政局", item.number, "要素", content, "2023-12-31T17:00:00Z");
    EXPECT_EQ(d.record_id, 9);
    EXPECT_EQ(d.year, 2024);
    EXPECT_EQ(d.item, item.title + " 要素");
    EXPECT_EQ(d.attachments, "a.pdf\n提取的文字\n");
    EXPECT_EQ(d.doc_number, content.doc_number);
    EXPECT_EQ(d.genre, "通知");
  }
  pqxx::nontransaction tx(admin);
  tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(db) + " WITH (FORCE)");
}

}  // namespace
}  // namespace gongkai
