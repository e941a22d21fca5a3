// Search benchmark (issue: Chinese full-text search). Generates N plausible
// records (300-2,000 characters, built from the catalogue's vocabulary,
// place names and document templates), builds the embedded FTS5 index with
// the project's tokenizer, and runs a query set: prints the index build
// rate, index size, query latency p50/p95/p99, and, for a sample of the
// queries, a plain substring scan of the normalised text as the baseline
// and the recall against it.
// Usage: search_bench [N=100000] [QUERIES=300] [SCAN_SAMPLE=30]
#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <random>
#include <set>

#include "codec/catalog_json.h"
#include "search/normalize.h"
#include "search/query.h"
#include "storage/sqlite/db.h"
#include "storage/sqlite/fts.h"

using namespace gongkai;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 100000;
  int queries = argc > 2 ? std::atoi(argv[2]) : 300;
  int scan_sample = argc > 3 ? std::atoi(argv[3]) : 30;
  auto catalog = LoadSeedCatalog();
  if (!catalog) return 1;
  std::vector<std::string> vocab;
  for (const auto& a : catalog->areas)
    for (const auto& it : a.items) {
      vocab.push_back(it.title);
      for (const auto& e : it.elements) vocab.push_back(e.name);
    }
  const std::vector<std::string> places = {"金桥村", "河东街道", "城关镇", "新华社区", "北山村", "滨河路", "南湖街道",
                                           "工业园区", "东风村", "红星社区", "西关街道", "柳林镇"};
  const std::vector<std::string> templates = {
      "根据《中华人民共和国政府信息公开条例》，现将{}{}有关情况公开如下。",
      "经研究，{}的{}已于近日完成，现予公示，公示期为5个工作日。",
      "为做好{}{}工作，区有关部门开展了专项检查，结果如下。",
      "{}扶贫资金分配和使用情况：{}项目共投入资金2024万元。",
      "征地补偿安置方案：{}范围内{}的补偿标准按GB/T 37668有关规定执行。"};
  std::mt19937 rng(42);
  auto pick = [&](const std::vector<std::string>& v) -> const std::string& { return v[rng() % v.size()]; };

  std::string path = (std::filesystem::temp_directory_path() / fmt::format("gongkai-search-bench-{}.db", getpid())).string();
  std::filesystem::remove(path);
  auto c = sqlite::Connection::Open(path);
  if (!c || !sqlite::RegisterSearchTokenizer(**c)) return 1;
  auto& db = **c;
  (void)db.Exec("PRAGMA synchronous=NORMAL");
  if (!db.Exec("CREATE TABLE docs (id INTEGER PRIMARY KEY, normalized TEXT NOT NULL)") ||
      !db.Exec("CREATE VIRTUAL TABLE search_index USING fts5(title, doc_number, body, unit, item, attachments, "
               "tokenize = 'gongkai')"))
    return 1;

  std::vector<std::string> sample_texts;
  auto t0 = Clock::now();
  std::size_t text_bytes = 0;
  for (int i = 1; i <= n; ++i) {
    if ((i - 1) % 1000 == 0 && !db.Exec("BEGIN")) return 1;
    std::string title = pick(places) + pick(vocab) + "公告";
    std::string body;
    std::size_t target = 900 + rng() % 5100;  // bytes: about 300-2,000 characters
    while (body.size() < target) {
      std::string t = pick(templates);
      auto p1 = t.find("{}");
      t.replace(p1, 2, pick(places));
      auto p2 = t.find("{}");
      t.replace(p2, 2, pick(vocab));
      body += t;
    }
    text_bytes += title.size() + body.size();
    sqlite::IndexedRecord r{i, title, "", body, "区财政局", "政府采购领域", ""};
    if (!sqlite::IndexRecord(db, r)) return 1;
    auto ins = db.PrepareCached("INSERT INTO docs (id, normalized) VALUES (?, ?)");
    std::string normalized = search::NormalizeForSearch(title + "\n" + body + "\n区财政局\n政府采购领域");
    ins->Bind(1, i).Bind(2, normalized);
    if (!ins->Run()) return 1;
    if (sample_texts.size() < 2000 && rng() % 10 == 0) sample_texts.push_back(normalized);
    if (i % 1000 == 0 || i == n)
      if (!db.Exec("COMMIT")) return 1;
  }
  double build = std::chrono::duration<double>(Clock::now() - t0).count();
  (void)db.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  auto size = std::filesystem::file_size(path);

  // Query set: substrings of 1-4 characters of generated text, and two-term queries.
  std::vector<std::string> qs;
  while (static_cast<int>(qs.size()) < queries) {
    const std::string& t = sample_texts[rng() % sample_texts.size()];
    std::vector<std::size_t> starts;
    for (std::size_t i = 0; i + 3 <= t.size(); ++i)
      if ((static_cast<unsigned char>(t[i]) >> 4) == 0xE) starts.push_back(i);
    if (starts.size() < 10) continue;
    std::size_t k = rng() % (starts.size() - 5);
    std::size_t len = 1 + rng() % 4;
    std::string q = t.substr(starts[k], starts[k + len] - starts[k]);
    if (q.find("，") != std::string::npos || q.find("。") != std::string::npos || q.find("《") != std::string::npos ||
        q.find("》") != std::string::npos || q.find("：") != std::string::npos)
      continue;
    if (qs.size() % 5 == 4) q += " " + pick(places);
    qs.push_back(q);
  }
  std::vector<double> latencies;
  std::vector<std::set<std::int64_t>> results;
  for (const auto& q : qs) {
    auto parsed = search::ParseSearchQuery(q);
    if (!parsed) continue;
    std::string match = search::ToFts5Match(*parsed);
    auto t1 = Clock::now();
    auto count = db.Prepare("SELECT rowid FROM search_index WHERE search_index MATCH ?");
    count->Bind(1, match);
    std::set<std::int64_t> ids;
    while (*count->Step()) ids.insert(count->Int(0));
    auto top = db.Prepare(
        "SELECT rowid FROM search_index WHERE search_index MATCH ? ORDER BY bm25(search_index, 10.0, 5.0, 1.0, 2.0, "
        "2.0, 1.0) LIMIT 20");
    top->Bind(1, match);
    while (*top->Step()) {
    }
    latencies.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t1).count());
    results.push_back(std::move(ids));
  }
  std::sort(latencies.begin(), latencies.end());
  auto pct = [&](double p) { return latencies[static_cast<std::size_t>(p * (latencies.size() - 1))]; };

  // Baseline: substring scan over the normalised text, for a sample; recall.
  double scan_ms = 0;
  std::size_t expected = 0, found = 0;
  int sampled = 0;
  for (std::size_t i = 0; i < qs.size() && sampled < scan_sample; ++i, ++sampled) {
    auto parsed = search::ParseSearchQuery(qs[i]);
    if (!parsed) continue;
    std::string sql = "SELECT id FROM docs WHERE 1";
    for (std::size_t k = 0; k < parsed->terms.size(); ++k) sql += fmt::format(" AND instr(normalized, ?{}) > 0", k + 1);
    auto t1 = Clock::now();
    auto st = db.Prepare(sql);
    for (std::size_t k = 0; k < parsed->terms.size(); ++k) st->Bind(static_cast<int>(k + 1), parsed->terms[k]);
    std::set<std::int64_t> truth;
    while (*st->Step()) truth.insert(st->Int(0));
    scan_ms += std::chrono::duration<double, std::milli>(Clock::now() - t1).count();
    expected += truth.size();
    for (auto id : truth) found += results[i].count(id);
  }
  fmt::print("records: {} ({:.0f} MB of text)\n", n, text_bytes / 1048576.0);
  fmt::print("index build: {:.0f} records/s ({:.1f} s); database with index and normalised copy: {:.0f} MB\n", n / build,
             build, size / 1048576.0);
  fmt::print("queries: {}  FTS5 latency (all matches + top 20 by BM25): p50 {:.2f} ms  p95 {:.2f} ms  p99 {:.2f} ms\n",
             latencies.size(), pct(0.5), pct(0.95), pct(0.99));
  fmt::print("substring scan baseline: {:.1f} ms per query (mean of {})\n", sampled ? scan_ms / sampled : 0.0, sampled);
  fmt::print("recall against the scan on those queries: {}/{} = {:.2f}%\n", found, expected,
             expected ? 100.0 * found / expected : 100.0);
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  return found == expected ? 0 : 2;
}
