// Publishing throughput with the embedded database (issue: records).
// Prints records per second for the publish step alone (索引号, version,
// obligation, audit entry in one transaction) and for the whole workflow
// (register obligation, draft, submit, approve, publish: 5 audited
// transactions per record). Durable settings as in production
// (WAL, synchronous=FULL).
// Usage: publish_bench [COUNT] [DB_PATH]
#include <fmt/core.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <span>

#include "app/calendar_actions.h"
#include "app/record_actions.h"
#include "codec/catalog_json.h"
#include "codec/rules_codec.h"
#include "core/timestamp.h"
#include "storage/sqlite/sqlite_store.h"

using namespace gongkai;

int main(int argc, char** argv) {
  int count = argc > 1 ? std::atoi(argv[1]) : 2000;
  std::string path = argc > 2 ? argv[2] : (std::filesystem::temp_directory_path() /
                                           fmt::format("gongkai-publish-bench-{}.db", ::getpid())).string();
  std::filesystem::remove(path);
  auto store = SqliteStore::Open(path, 2);
  if (!store || !(*store)->Migrate()) return 1;
  auto site = (*store)->CreateSite(NewSite{"demo", "示例区", ""});
  auto catalog = LoadSeedCatalog();
  auto rules = LoadDeadlineRules();
  if (!site || !catalog || !rules || !(*store)->SaveCatalog(site->id, *catalog) || !EnsureCalendar(**store)) return 1;
  SystemClock clock;
  auto as = [&](Role role) { return Context{**store, clock, Actor{0, "bench", "bench", role, site->id, "区财政局"}}; };
  using Clock = std::chrono::steady_clock;
  auto seconds = [](Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); };

  // Whole workflow, record by record.
  std::vector<std::int64_t> ready;
  auto t0 = Clock::now();
  for (int i = 0; i < 2 * count; ++i) {
    auto o = RegisterObligation(as(Role::kLiaison), *catalog, *rules,
                                NewObligation{"区财政局", 12, "采购结果", fmt::format("采购结果{}", i), "2026-09-25"});
    if (!o) return fmt::print(stderr, "{}\n", o.error().Describe()), 1;
    NewDraft nd;
    nd.obligation_id = o->id;
    nd.content.title = o->title;
    nd.content.body = "某项目采购结果公告正文。\n\n中标供应商：某公司（虚构）。";
    auto r = CreateDraft(as(Role::kLiaison), *catalog, *rules, nd);
    if (!r || !SubmitRecord(as(Role::kLiaison), r->id) ||
        !ApproveRecord(as(Role::kLeader), *catalog, r->id, ReviewChecklist{true, true, true}))
      return 1;
    ready.push_back(r->id);
  }
  auto t1 = Clock::now();
  // The publish step alone: the first half one by one, the second half in
  // batches of 100 (PublishRecords: one transaction per batch).
  for (int i = 0; i < count; ++i)
    if (auto p = PublishRecord(as(Role::kLiaison), ready[static_cast<std::size_t>(i)]); !p)
      return fmt::print(stderr, "{}\n", p.error().Describe()), 1;
  auto t2 = Clock::now();
  for (int i = count; i < 2 * count; i += 100) {
    std::span<const std::int64_t> batch(ready.data() + i, static_cast<std::size_t>(std::min(100, 2 * count - i)));
    if (auto p = PublishRecords(as(Role::kLiaison), batch); !p)
      return fmt::print(stderr, "{}\n", p.error().Describe()), 1;
  }
  auto t3 = Clock::now();
  double prepare = seconds(t0, t1) / 2, publish = seconds(t1, t2), batched = seconds(t2, t3);
  fmt::print("records: {} one by one, {} in batches of 100\n", count, count);
  fmt::print("publish step (索引号 + version + obligation + search index + audit, 1 transaction each): {:.0f} records/s "
             "({:.2f} ms each)\n",
             count / publish, 1000 * publish / count);
  fmt::print("publish in batches of 100 (PublishRecords, 1 transaction per batch, 1 audit entry per record): {:.0f} "
             "records/s\n",
             count / batched);
  fmt::print("whole workflow (obligation, draft, submit, approve, publish: 5 transactions): {:.0f} records/s\n",
             count / (prepare + publish));
  store->reset();
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  return 0;
}
