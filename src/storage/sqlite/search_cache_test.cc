// The in-memory search columns (search_cache.h) against the tables: totals
// and facets equal a brute-force count, and changes made through another
// connection (as another server process would) are seen by the next search.
#include "storage/sqlite/search_cache.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <random>
#include <set>

#include "search/query.h"
#include "storage/sqlite/fts.h"
#include "storage/sqlite/sqlite_store.h"

namespace gongkai {
namespace {

TEST(SearchColumns, PublishedKeyOrdersLikeTheTimestamps) {
  EXPECT_LT(sqlite::PublishedKey("2024-03-05T02:13:00Z"), sqlite::PublishedKey("2024-03-05T02:13:01Z"));
  EXPECT_LT(sqlite::PublishedKey("2023-12-31T23:59:59Z"), sqlite::PublishedKey("2024-01-01T00:00:00Z"));
  EXPECT_LT(sqlite::PublishedKey("2024-03-05"), sqlite::PublishedKey("2024-03-05T00:00:01Z"));
  EXPECT_EQ(sqlite::PublishedKey("2024-03-05T02:13:00Z"), sqlite::PublishedKey("2024-03-05T02:13:00Z"));
}

TEST(SearchColumns, DocsizeTotalSumsVarints) {
  EXPECT_EQ(sqlite::DocsizeTotal(""), 0u);
  EXPECT_EQ(sqlite::DocsizeTotal(std::string("\x05\x00\x7f", 3)), 132u);
  EXPECT_EQ(sqlite::DocsizeTotal(std::string("\x81\x00\x02", 3)), 130u);  // 0x81 0x00 = 128
  EXPECT_EQ(sqlite::DocsizeTotal(std::string("\x83\x68\x01", 3)), 489u);  // 3*128 + 0x68, then 1
}

struct Doc {
  std::int64_t site = 0;
  std::string title, body, unit, genre, published;
  int item = 0, year = 0;
};

class SearchColumnsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("gongkai-searchcols-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "t.db").string();
    auto s = SqliteStore::Open(path_, 2);
    ASSERT_TRUE(s.has_value());
    store_ = std::move(*s);
    ASSERT_TRUE(store_->Migrate().has_value());
    // Another connection, as another server process on the same file.
    auto other = sqlite::Connection::Open(path_);
    ASSERT_TRUE(other.has_value());
    other_ = std::move(*other);
    ASSERT_TRUE(sqlite::RegisterSearchTokenizer(*other_).has_value());
  }
  void TearDown() override {
    other_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Put(std::int64_t id, const Doc& d, bool replace = true) {
    sqlite::IndexedRecord r;
    r.record_id = id;
    r.site_id = d.site;
    r.title = d.title;
    r.body = d.body;
    r.unit = d.unit;
    r.item = "事项";
    r.item_number = d.item;
    r.year = d.year;
    r.genre = d.genre;
    r.published_at = d.published;
    sqlite::Transaction tx(*other_);
    ASSERT_TRUE(tx.Begin().has_value());
    ASSERT_TRUE(sqlite::IndexRecord(*other_, r, replace).has_value());
    ASSERT_TRUE(tx.Commit().has_value());
    docs_[id] = d;
  }
  void Remove(std::int64_t id) {
    sqlite::Transaction tx(*other_);
    ASSERT_TRUE(tx.Begin().has_value());
    ASSERT_TRUE(sqlite::UnindexRecord(*other_, id).has_value());
    ASSERT_TRUE(tx.Commit().has_value());
    docs_.erase(id);
  }
  std::set<std::int64_t> Matching(const std::string& match) {
    std::set<std::int64_t> out;
    auto st = other_->Prepare("SELECT rowid FROM search_index WHERE search_index MATCH ?");
    EXPECT_TRUE(st.has_value());
    st->Bind(1, match);
    while (*st->Step()) out.insert(st->Int(0));
    return out;
  }
  // Total and facets counted from the documents the test wrote.
  SearchResult BruteForce(std::int64_t site, const SearchRequest& q) {
    SearchResult out;
    std::map<std::string, int> items, units, years, genres;
    for (auto id : Matching(q.match)) {
      auto it = docs_.find(id);
      if (it == docs_.end()) continue;
      const Doc& d = it->second;
      if (d.site != site || (!q.units.empty() && std::find(q.units.begin(), q.units.end(), d.unit) == q.units.end()) || (!q.genre.empty() && d.genre != q.genre) ||
          (q.year > 0 && d.year != q.year) ||
          (!q.items.empty() && std::find(q.items.begin(), q.items.end(), d.item) == q.items.end()))
        continue;
      ++out.total;
      ++items[std::to_string(d.item)];
      ++units[d.unit];
      ++years[std::to_string(d.year)];
      ++genres[d.genre];
    }
    auto facets = [](const std::map<std::string, int>& m) {
      std::vector<FacetCount> v;
      for (const auto& [k, n] : m) v.push_back(FacetCount{k, n});
      std::stable_sort(v.begin(), v.end(), [](const FacetCount& a, const FacetCount& b) { return a.count > b.count; });
      return v;
    };
    out.by_item = facets(items);
    out.by_unit = facets(units);
    out.by_year = facets(years);
    out.by_genre = facets(genres);
    return out;
  }
  static std::string Describe(const std::vector<FacetCount>& v) {
    std::string s;
    for (const auto& f : v) s += f.value + "=" + std::to_string(f.count) + " ";
    return s;
  }
  void ExpectSame(std::int64_t site, const SearchRequest& q) {
    auto got = store_->Search(site, q);
    ASSERT_TRUE(got.has_value()) << got.error().Describe();
    SearchResult want = BruteForce(site, q);
    EXPECT_EQ(got->total, want.total) << q.match;
    EXPECT_EQ(Describe(got->by_item), Describe(want.by_item)) << q.match;
    EXPECT_EQ(Describe(got->by_unit), Describe(want.by_unit)) << q.match;
    EXPECT_EQ(Describe(got->by_year), Describe(want.by_year)) << q.match;
    EXPECT_EQ(Describe(got->by_genre), Describe(want.by_genre)) << q.match;
  }
  static SearchRequest Query(const std::string& text) {
    SearchRequest q;
    q.match = search::ToFts5Match(*search::ParseSearchQuery(text));
    return q;
  }

  std::filesystem::path dir_;
  std::string path_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<sqlite::Connection> other_;
  std::map<std::int64_t, Doc> docs_;
};

const std::vector<std::string> kWords = {"扶贫", "资金", "金桥村", "征地", "补偿", "国有", "土地", "出让",
                                         "采购", "结果", "公告", "项目", "年",   "道路", "改造", "预算"};
const std::vector<std::string> kUnits = {"区财政局", "区教育局", "区自然资源局", "金桥镇人民政府"};
const std::vector<std::string> kGenres = {"公告", "通知", "报告"};

Doc RandomDoc(std::mt19937& rng) {
  Doc d;
  d.site = rng() % 5 == 0 ? 2 : 1;
  for (int k = 0; k < 2; ++k) d.title += kWords[rng() % kWords.size()];
  for (int k = 0; k < 5 + static_cast<int>(rng() % 20); ++k) d.body += kWords[rng() % kWords.size()] + "，";
  d.unit = kUnits[rng() % kUnits.size()];
  d.genre = kGenres[rng() % kGenres.size()];
  d.item = 1 + static_cast<int>(rng() % 6);
  d.year = 2019 + static_cast<int>(rng() % 6);
  d.published = std::to_string(d.year) + "-0" + std::to_string(1 + rng() % 9) + "-1" + std::to_string(rng() % 9) +
                "T02:00:00Z";
  return d;
}

TEST_F(SearchColumnsTest, TotalsAndFacetsEqualABruteForceCount) {
  std::mt19937 rng(11);
  for (int i = 1; i <= 300; ++i) Put(i, RandomDoc(rng), false);
  for (int round = 0; round < 60; ++round) {
    SearchRequest q = Query(kWords[rng() % kWords.size()] + (rng() % 3 == 0 ? " " + kWords[rng() % kWords.size()] : ""));
    switch (rng() % 5) {
      case 0:
        q.units = {kUnits[rng() % kUnits.size()]};
        if (rng() % 2 == 0) q.units.push_back(kUnits[rng() % kUnits.size()]);  // any of two
        break;
      case 1: q.genre = kGenres[rng() % kGenres.size()]; break;
      case 2: q.year = 2019 + static_cast<int>(rng() % 6); break;
      case 3: q.items = {1 + static_cast<int>(rng() % 6), 1 + static_cast<int>(rng() % 6)}; break;
      default: break;
    }
    ExpectSame(1 + (round % 2), q);
  }
  // Filters naming nothing that exists match nothing.
  SearchRequest none = Query("资金");
  none.units = {"不存在的单位"};
  EXPECT_EQ(store_->Search(1, none)->total, 0);
  none = Query("资金");
  none.items = {999};
  EXPECT_EQ(store_->Search(1, none)->total, 0);
}

TEST_F(SearchColumnsTest, ChangesThroughAnotherConnectionAreSeenByTheNextSearch) {
  Doc d{1, "金桥村征地补偿公告", "征地补偿安置方案。", "区财政局", "公告", "2024-05-01T02:00:00Z", 3, 2024};
  Put(1, d, false);
  ExpectSame(1, Query("征地"));
  ASSERT_EQ(store_->Search(1, Query("征地"))->total, 1);
  // Published elsewhere: a new record.
  Doc e{1, "金桥村征地公示", "征地范围。", "区教育局", "公示", "2025-02-01T02:00:00Z", 4, 2025};
  Put(2, e, false);
  ExpectSame(1, Query("征地"));
  // Revised elsewhere: unit, item, year and 体裁 change.
  d.unit = "区自然资源局";
  d.item = 5;
  d.year = 2026;
  d.genre = "决定";
  d.published = "2026-01-01T02:00:00Z";
  Put(1, d);
  ExpectSame(1, Query("征地"));
  SearchRequest by_unit = Query("征地");
  by_unit.units = {"区自然资源局"};
  EXPECT_EQ(store_->Search(1, by_unit)->total, 1);
  // Withdrawn elsewhere.
  Remove(2);
  ExpectSame(1, Query("征地"));
  EXPECT_EQ(store_->Search(1, Query("征地"))->total, 1);
  // Rebuilt by another process: everything is reloaded.
  {
    auto again = SqliteStore::Open(path_, 1);
    ASSERT_TRUE(again.has_value());
    ASSERT_TRUE((*again)->Reindex(1).has_value());  // no published records rows: an empty index
  }
  docs_.clear();
  EXPECT_EQ(store_->Search(1, Query("征地"))->total, 0);
  Put(7, e, false);
  ExpectSame(1, Query("征地"));
  EXPECT_EQ(store_->Search(1, Query("征地"))->total, 1);
}

}  // namespace
}  // namespace gongkai
