// Search benchmark (issue: Chinese full-text search), through the product's
// own code paths:
//   1. generates N plausible published records (300-2,000 characters each,
//      built from the catalogue's items and elements, generated place,
//      project and company names, amounts, dates, document numbers and
//      sentence templates) straight into the records tables (not timed);
//   2. times `SqliteStore::Reindex` (what `gongkai search reindex` runs):
//      the index build rate;
//   3. runs a query set through `RunSearch` (what /search and
//      /api/v1/search run: parse, one pass over the matches for the count
//      and the facets, the top 20 by BM25 with the title boost, highlighted
//      snippets) and prints latency p50/p95/p99, overall and per kind;
//   4. as the baseline, for a sample of the queries, a plain substring scan
//      (instr) over a normalised copy of every record's indexed text, and
//      the recall of the index against it.
// Usage: search_bench [N=100000] [QUERIES=300] [SCAN_SAMPLE=20] [DB_PATH]
//   (GONGKAI_BENCH_REUSE=1 and GONGKAI_BENCH_SKIP_BUILD=1 reuse DB_PATH from
//   an earlier run, for profiling one phase; see main.) Wall and CPU time are
//   both printed: on a shared machine the wall time includes waiting.
// The query set mixes what citizens type (see kinds below); it is drawn
// from the generated vocabulary so every query has hits.
#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <random>
#include <cstdlib>
#include <ctime>
#include <cstring>
#include <set>

#include "app/search_actions.h"
#include "codec/catalog_json.h"
#include "search/normalize.h"
#include "search/query.h"
#include "storage/sqlite/db.h"
#include "storage/sqlite/fts.h"
#include "storage/sqlite/migrations.h"
#include "storage/sqlite/sqlite_store.h"

using namespace gongkai;
using Clock = std::chrono::steady_clock;

namespace {

const char* const kChars[] = {"金", "桥", "河", "东", "城", "关", "新", "华", "北", "山", "南", "湖", "西", "柳",
                              "林", "红", "星", "青", "石", "白", "沙", "马", "王", "李", "张", "大", "上", "前",
                              "后", "中", "黄", "杨", "高", "田", "花", "桃", "梅", "竹", "松", "平", "安", "和",
                              "丰", "兴", "龙", "凤", "云", "阳", "泉", "溪"};
const char* const kPlaceSuffix[] = {"村", "社区", "街道", "镇", "乡"};
const char* const kProjectKinds[] = {"道路改造工程", "污水管网建设项目", "中心小学教学楼建设项目", "保障性住房项目",
                                     "农田水利工程", "老旧小区改造项目", "垃圾中转站建设工程", "公园提升工程",
                                     "供水管网改造项目", "卫生院迁建项目", "养老服务中心建设项目", "文化广场建设工程"};
const char* const kCompanyKinds[] = {"建设工程", "市政工程", "建筑安装", "环境科技", "信息技术", "园林绿化", "水利工程"};
const char* const kGenres[] = {"公告", "公示", "通知", "公告", "公示", "报告", "决定"};
const char* const kTemplates[] = {
    "根据《中华人民共和国政府信息公开条例》，现将{place}{project}{element}有关情况公开如下。",
    "经研究，{project}的{element}已于{date}完成，现予公示，公示期为5个工作日。",
    "为做好{item}工作，区有关部门于{date}开展了专项检查，共检查{count}个点位，发现问题{small}个，均已整改。",
    "{place}{project}由{company}承建，合同金额{amount}万元，计划工期{small}个月。",
    "中标（成交）供应商：{company}；中标金额：{amount}万元；项目负责人：（略）。",
    "征地补偿安置方案：{place}范围内{element}的补偿标准按有关规定执行，涉及土地{count}亩。",
    "本年度{place}扶贫资金共安排{amount}万元，用于{project}等{small}个项目。",
    "如对{element}有异议，请于{date}前以书面形式向区政务服务中心反映，联系电话：0000-0000000。",
    "{item}的{element}按照GB/T 37668和DB33/T 2013有关要求执行，文号：区发改〔{year}〕{count}号。",
    "截至{date}，{place}共有{count}户居民受益，资金拨付率达到{pct}%。",
    "附件：{project}{element}明细表（共{small}页）。",
    "特此公告。{place}人民政府，{date}。"};

struct Vocab {
  std::vector<std::string> places, projects, companies, items, elements;
};

std::string Fill(std::string t, const std::map<std::string, std::string>& values) {
  for (const auto& [k, v] : values) {
    const std::string key = "{" + k + "}";
    for (auto p = t.find(key); p != std::string::npos; p = t.find(key, p + v.size())) t.replace(p, key.size(), v);
  }
  return t;
}

struct Generated {
  int item = 0;
  std::string unit, element, title, body, doc_number, genre, published_at;
};

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 100000;
  const int queries = argc > 2 ? std::atoi(argv[2]) : 300;
  const int scan_sample = argc > 3 ? std::atoi(argv[3]) : 20;
  const std::string path = argc > 4 ? argv[4]
                                    : (std::filesystem::temp_directory_path() /
                                       fmt::format("gongkai-search-bench-{}.db", ::getpid()))
                                          .string();
  // GONGKAI_BENCH_REUSE=1 with DB_PATH: keep the records a previous run
  // generated there (the same ones: the generator still runs, without
  // writing); GONGKAI_BENCH_SKIP_BUILD=1 also keeps its index. For profiling
  // one phase; the figures in the README come from fresh runs.
  const bool reuse = argc > 4 && std::getenv("GONGKAI_BENCH_REUSE") && std::filesystem::exists(path);
  const bool skip_build = reuse && std::getenv("GONGKAI_BENCH_SKIP_BUILD");
  if (!reuse)
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  auto catalog = LoadSeedCatalog();
  if (!catalog) return 1;
  auto opened = SqliteStore::Open(path, 2);
  if (!opened || !(*opened)->Migrate()) return fmt::print(stderr, "cannot open {}\n", path), 1;
  SqliteStore& store = **opened;
  auto site = reuse ? store.FindSite("bench") : store.CreateSite(NewSite{"bench", "示例区", ""});
  if (!site || (!reuse && !store.SaveCatalog(site->id, *catalog))) return 1;

  std::mt19937 rng(42);
  auto pick = [&](const auto& v) -> const auto& { return v[rng() % std::size(v)]; };
  Vocab vocab;
  {
    std::set<std::string> seen;
    while (vocab.places.size() < 3000) {
      std::string p = std::string(pick(kChars)) + pick(kChars) + pick(kPlaceSuffix);
      if (seen.insert(p).second) vocab.places.push_back(p);
    }
    for (int i = 0; i < 4000; ++i) vocab.projects.push_back(pick(vocab.places) + pick(kProjectKinds));
    for (int i = 0; i < 1500; ++i)
      vocab.companies.push_back(std::string("示例") + pick(kChars) + pick(kChars) + pick(kCompanyKinds) + "有限公司");
  }
  std::vector<const Item*> items;
  for (const auto& a : catalog->areas)
    for (const auto& it : a.items) {
      items.push_back(&it);
      vocab.items.push_back(it.title);
      for (const auto& e : it.elements) vocab.elements.push_back(e.name);
    }

  // 1. Records and their published versions (not timed), and a normalised
  //    copy of the indexed text for the baseline scan.
  auto raw = sqlite::Connection::Open(path);
  if (!raw || !sqlite::RegisterSearchTokenizer(**raw)) return 1;
  auto& db = **raw;
  (void)db.Exec("PRAGMA synchronous = OFF");
  if (!reuse && !db.Exec("CREATE TABLE bench_text (id INTEGER PRIMARY KEY, normalized TEXT NOT NULL)")) return 1;
  auto g0 = Clock::now();
  std::size_t text_bytes = 0;
  for (int i = 1; i <= n; ++i) {
    if (!reuse && (i - 1) % 2000 == 0 && !db.Exec("BEGIN")) return 1;
    const Item& item = *pick(items);
    Generated g;
    g.item = item.number;
    g.unit = item.units.empty() ? std::string("区政府办公室") : pick(item.units);
    g.element = item.elements.empty() ? std::string() : pick(item.elements).name;
    const int year = 2019 + static_cast<int>(rng() % 8);
    const std::string date = fmt::format("{}年{}月{}日", year, 1 + rng() % 12, 1 + rng() % 28);
    std::map<std::string, std::string> values = {
        {"place", pick(vocab.places)},       {"project", pick(vocab.projects)},
        {"company", pick(vocab.companies)},  {"element", g.element.empty() ? item.title : g.element},
        {"item", item.title},                {"date", date},
        {"year", std::to_string(year)},      {"count", std::to_string(10 + rng() % 990)},
        {"small", std::to_string(2 + rng() % 20)}, {"amount", fmt::format("{}.{}", 10 + rng() % 9000, rng() % 100)},
        {"pct", std::to_string(60 + rng() % 40)}};
    g.title = Fill(std::string("{place}{project}") + (g.element.empty() ? item.title : g.element) + pick(kGenres),
                   values);
    const std::size_t target = 900 + rng() % 5100;  // bytes: about 300-2,000 characters
    while (g.body.size() < target) {
      g.body += Fill(pick(kTemplates), values);
      if (rng() % 4 == 0) g.body += "\n\n";
      if (rng() % 3 == 0) values["place"] = pick(vocab.places);
      if (rng() % 3 == 0) values["project"] = pick(vocab.projects);
    }
    g.doc_number = fmt::format("区财采〔{}〕{}号", year, 1 + rng() % 300);
    g.genre = pick(kGenres);
    g.published_at = fmt::format("{}-{:02}-{:02}T02:{:02}:00Z", year, 1 + rng() % 12, 1 + rng() % 28, rng() % 60);
    text_bytes += g.title.size() + g.body.size();
    if (reuse) continue;
    auto rec = db.PrepareCached(
        "INSERT INTO records (id, site_id, unit_name, item_number, element, obligation_id, formed_on, status, title, "
        "body, doc_number, written_on, genre, topic, validity, disclosure_mode, scope, channels, attachments, "
        "change_note, review_comment, checklist, approved_by, index_number, published_version, published_title, "
        "due_on, provisional, first_published_at, late_days, withdrawn_reason, withdrawn_at, created_at, created_by, "
        "updated_at) VALUES (?, ?, ?, ?, ?, 0, '2020-01-01', 'published', ?, '', ?, '', ?, '', '', '主动公开', "
        "'全社会', '门户网站', '[]', '', '', '{}', 'bench', ?, 1, ?, '2020-01-01', 0, ?, 0, '', '', ?, 'bench', ?)");
    if (!rec) return 1;
    rec->Bind(1, i).Bind(2, site->id).Bind(3, g.unit).Bind(4, g.item).Bind(5, g.element).Bind(6, g.title);
    rec->Bind(7, g.doc_number).Bind(8, g.genre).Bind(9, fmt::format("BENCH/{}-{:07}", year, i)).Bind(10, g.title);
    rec->Bind(11, g.published_at).Bind(12, g.published_at).Bind(13, g.published_at);
    if (!rec->Run()) return fmt::print(stderr, "insert record {} failed\n", i), 1;
    auto ver = db.PrepareCached(
        "INSERT INTO record_versions (record_id, version, title, body, doc_number, written_on, genre, topic, "
        "validity, disclosure_mode, scope, channels, attachments, change_note, published_at, published_by, "
        "approved_by) VALUES (?, 1, ?, ?, ?, '', ?, '', '', '主动公开', '全社会', '门户网站', '[]', '', ?, 'bench', "
        "'bench')");
    if (!ver) return 1;
    ver->Bind(1, i).Bind(2, g.title).Bind(3, g.body).Bind(4, g.doc_number).Bind(5, g.genre).Bind(6, g.published_at);
    if (!ver->Run()) return 1;
    // The text the index holds (title, 文号, body, unit, item + element).
    auto txt = db.PrepareCached("INSERT INTO bench_text (id, normalized) VALUES (?, ?)");
    if (!txt) return 1;
    txt->Bind(1, i).Bind(2, search::NormalizeForSearch(g.title + "\n" + g.doc_number + "\n" + g.body + "\n" + g.unit +
                                                       "\n" + item.title + " " + g.element));
    if (!txt->Run()) return 1;
    if (i % 2000 == 0 || i == n)
      if (!db.Exec("COMMIT")) return 1;
  }
  const double generate = std::chrono::duration<double>(Clock::now() - g0).count();
  const auto before_index = std::filesystem::file_size(path);

  // GONGKAI_BENCH_REUSE: the old index is emptied first, untimed, so that
  // the rebuild is timed as on a fresh database (otherwise it also times
  // the secure deletion of the old index).
  if (reuse && !skip_build) {
    (void)db.Exec("PRAGMA secure_delete = OFF");
    if (!db.Exec("BEGIN; DROP TABLE search_index; " + std::string(sqlite::kSearchIndexDdl) +
                 " DELETE FROM search_meta; COMMIT; PRAGMA wal_checkpoint(TRUNCATE);"))
      return 1;
  }
  // 2. The index build, as `gongkai search reindex` runs it.
  auto t0 = Clock::now();
  const std::clock_t cpu0 = std::clock();
  auto indexed = skip_build ? Result<int>(n) : store.Reindex(site->id);
  const double build = std::chrono::duration<double>(Clock::now() - t0).count();
  const double build_cpu = static_cast<double>(std::clock() - cpu0) / CLOCKS_PER_SEC;
  if (!indexed) return fmt::print(stderr, "reindex: {}\n", indexed.error().Describe()), 1;
  (void)db.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  const auto after_index = std::filesystem::file_size(path);

  // 3. The query set.
  struct Query {
    std::string kind, q;
  };
  std::vector<Query> qs;
  auto traditional = [](std::string s) {
    static const std::pair<const char*, const char*> kT2s[] = {
        {"国", "國"}, {"地", "地"}, {"让", "讓"}, {"资", "資"}, {"补", "補"}, {"偿", "償"}, {"项", "項"},
        {"设", "設"}, {"规", "規"}, {"划", "劃"}, {"采", "採"}, {"购", "購"}, {"结", "結"}, {"贫", "貧"},
        {"金", "金"}, {"东", "東"}, {"关", "關"}, {"华", "華"}, {"湖", "湖"}, {"区", "區"}, {"镇", "鎮"},
        {"乡", "鄉"}, {"龙", "龍"}, {"凤", "鳳"}, {"云", "雲"}, {"阳", "陽"}, {"兴", "興"}, {"丰", "豐"},
        {"杨", "楊"}, {"马", "馬"}, {"张", "張"}, {"华", "華"}, {"务", "務"}, {"征", "徵"}, {"拆", "拆"}};
    for (const auto& [simp, trad] : kT2s)
      for (auto p = s.find(simp); p != std::string::npos; p = s.find(simp, p + std::strlen(trad)))
        s.replace(p, std::strlen(simp), trad);
    return s;
  };
  // A random run of `chars` Chinese characters of `s` (digits and
  // punctuation avoided: numbers are whole words in the index, by design).
  auto cut = [&](const std::string& s, int chars) {
    std::vector<std::size_t> starts;
    for (std::size_t i = 0; i < s.size(); ++i)
      if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) starts.push_back(i);
    starts.push_back(s.size());
    auto han = [](std::string_view piece) {
      for (std::size_t i = 0; i < piece.size(); i += 3) {
        auto b = static_cast<unsigned char>(piece[i]);
        if (b < 0xE4 || b > 0xE9 || i + 3 > piece.size()) return false;
      }
      return true;
    };
    for (int attempt = 0; attempt < 50; ++attempt) {
      if (static_cast<int>(starts.size()) - 1 <= chars) break;
      std::size_t k = rng() % (starts.size() - 1 - static_cast<std::size_t>(chars));
      std::string piece = s.substr(starts[k], starts[k + static_cast<std::size_t>(chars)] - starts[k]);
      if (han(piece)) return piece;
    }
    return std::string("公开");
  };
  while (static_cast<int>(qs.size()) < queries) {
    const int r = static_cast<int>(rng() % 100);
    if (r < 25) qs.push_back({"place", pick(vocab.places)});
    else if (r < 40) qs.push_back({"term", cut(pick(vocab.elements), 2 + static_cast<int>(rng() % 3))});
    else if (r < 55) qs.push_back({"two-terms", pick(vocab.places) + " " + cut(pick(vocab.elements), 2 + static_cast<int>(rng() % 3))});
    else if (r < 70) qs.push_back({"name", rng() % 2 ? pick(vocab.projects) : pick(vocab.companies)});
    else if (r < 80) qs.push_back({"traditional", traditional(rng() % 2 ? pick(vocab.places) : pick(vocab.projects))});
    else if (r < 85) qs.push_back({"doc-number", fmt::format("区财采〔{}〕{}号", 2019 + rng() % 8, 1 + rng() % 300)});
    else if (r < 90) qs.push_back({"phrase/exclude", "\"" + pick(vocab.projects) + "\" -" + pick(vocab.places)});
    else if (r < 95) qs.push_back({"3-4 chars", cut(pick(vocab.items), 3 + static_cast<int>(rng() % 2))});
    else qs.push_back({"1 char", cut(pick(vocab.places), 1)});
  }
  // GONGKAI_BENCH_KIND=KIND runs only the queries of that kind (profiling).
  if (const char* only = std::getenv("GONGKAI_BENCH_KIND"))
    std::erase_if(qs, [&](const Query& x) { return x.kind != only; });
  SearchParams warm;
  warm.q = "示例";
  (void)RunSearch(store, *site, *catalog, warm);
  std::vector<double> all, cpu_ms;
  std::map<std::string, std::vector<double>> by_kind;
  std::map<std::string, std::vector<int>> totals;
  std::vector<int> total_of(qs.size(), 0);
  for (std::size_t i = 0; i < qs.size(); ++i) {
    SearchParams p;
    p.q = qs[i].q;
    auto t1 = Clock::now();
    const std::clock_t c1 = std::clock();
    auto out = RunSearch(store, *site, *catalog, p);
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t1).count();
    cpu_ms.push_back(1000.0 * static_cast<double>(std::clock() - c1) / CLOCKS_PER_SEC);
    if (!out) return fmt::print(stderr, "query '{}': {}\n", p.q, out.error().Describe()), 1;
    total_of[i] = out->total;
    all.push_back(ms);
    by_kind[qs[i].kind].push_back(ms);
    totals[qs[i].kind].push_back(out->total);
  }

  // 4. Baseline and recall, for a sample: every record that contains every
  //    term (and no excluded one), by instr() on the normalised copy.
  double scan_ms = 0;
  std::size_t expected = 0, found = 0;
  int sampled = 0;
  for (std::size_t i = 0; i < qs.size() && sampled < scan_sample; ++i) {
    auto parsed = search::ParseSearchQuery(qs[i].q);
    if (!parsed) continue;
    ++sampled;
    std::vector<std::string> need = parsed->terms;
    need.insert(need.end(), parsed->phrases.begin(), parsed->phrases.end());
    std::string sql = "SELECT id FROM bench_text WHERE 1";
    int k = 1;
    for (std::size_t j = 0; j < need.size(); ++j) sql += fmt::format(" AND instr(normalized, ?{}) > 0", k++);
    for (std::size_t j = 0; j < parsed->excluded.size(); ++j) sql += fmt::format(" AND instr(normalized, ?{}) = 0", k++);
    auto t1 = Clock::now();
    auto st = db.Prepare(sql);
    if (!st) return 1;
    k = 1;
    for (const auto& t : need) st->Bind(k++, t);
    for (const auto& t : parsed->excluded) st->Bind(k++, t);
    std::set<std::int64_t> truth;
    while (*st->Step()) truth.insert(st->Int(0));
    scan_ms += std::chrono::duration<double, std::milli>(Clock::now() - t1).count();
    auto ix = db.Prepare("SELECT rowid FROM search_index WHERE search_index MATCH ?");
    ix->Bind(1, search::ToFts5Match(*parsed));
    std::set<std::int64_t> got;
    while (*ix->Step()) got.insert(ix->Int(0));
    expected += truth.size();
    for (auto id : truth) found += got.count(id);
    if (got.size() != truth.size())
      fmt::print("  differs: '{}' index {} scan {}\n", qs[i].q, got.size(), truth.size());
    if (static_cast<int>(got.size()) != total_of[i])
      fmt::print("  RunSearch total {} != index {} for '{}'\n", total_of[i], got.size(), qs[i].q);
  }

  fmt::print("records: {} ({:.0f} MB of title and body text); generated and stored in {:.0f} s\n", n,
             text_bytes / 1048576.0, generate);
  fmt::print("index build (SqliteStore::Reindex): {:.0f} records/s ({:.1f} s, {} records; {:.1f} s of CPU: {:.0f} "
             "records per CPU second); index adds {:.0f} MB (database {:.0f} MB before, {:.0f} MB after)\n",
             n / build, build, *indexed, build_cpu, n / std::max(build_cpu, 1e-9), (static_cast<double>(after_index) - static_cast<double>(before_index)) / 1048576.0,
             before_index / 1048576.0, after_index / 1048576.0);
  fmt::print("queries: {} through RunSearch (count + facets + top 20 + snippets): p50 {:.2f} ms  p95 {:.2f} ms  "
             "p99 {:.2f} ms  max {:.2f} ms\n",
             all.size(), Percentile(all, 0.5), Percentile(all, 0.95), Percentile(all, 0.99), Percentile(all, 1.0));
  fmt::print("  CPU time per query (same queries; wall time above includes waiting for the cores): p50 {:.2f} ms  "
             "p95 {:.2f} ms  p99 {:.2f} ms\n",
             Percentile(cpu_ms, 0.5), Percentile(cpu_ms, 0.95), Percentile(cpu_ms, 0.99));
  for (const auto& [kind, v] : by_kind) {
    auto t = totals[kind];
    std::sort(t.begin(), t.end());
    fmt::print("  {:<15} {:>4} queries  p50 {:8.2f} ms  p99 {:8.2f} ms  median hits {}\n", kind, v.size(),
               Percentile(v, 0.5), Percentile(v, 0.99), t[t.size() / 2]);
  }
  {
    std::vector<std::size_t> order(qs.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return all[a] > all[b]; });
    fmt::print("  slowest:");
    for (std::size_t k = 0; k < std::min<std::size_t>(6, order.size()); ++k)
      fmt::print(" {} '{}' {:.0f} ms ({} hits);", qs[order[k]].kind, qs[order[k]].q, all[order[k]], total_of[order[k]]);
    fmt::print("\n");
  }
  fmt::print("substring scan baseline: {:.1f} ms per query (mean of {})\n", sampled ? scan_ms / sampled : 0.0, sampled);
  fmt::print("recall against the scan on those queries: {}/{} = {:.2f}%\n", found, expected,
             expected ? 100.0 * static_cast<double>(found) / static_cast<double>(expected) : 100.0);
  if (argc <= 4)
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  return found == expected ? 0 : 2;
}
