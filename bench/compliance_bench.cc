// Compliance dashboard benchmark (issue: compliance supervision). Writes N
// obligations (and their records: 85% published, some late; 3% withheld;
// 2% cancelled) and N/10 records published without an obligation, spread
// over 2021-2026 across the seed catalogue's units and items, straight into
// the tables (not timed); then times what /admin/compliance and its
// drill-down run: LoadCompliance (the summaries and the rows needed,
// streamed into the computation) for one year, the reading alone, the pure
// computation alone, and RowsBehind for one unit. At the end it checks that
// the figures equal those computed over every row.
// Usage: compliance_bench [N=1000000] [RUNS=5]
// GONGKAI_BENCH_DB=FILE keeps the generated database in FILE (not deleted at
// the end) and, when FILE already holds a database generated for the same N,
// reuses it instead of generating again (migrations still run, so a newer
// schema is applied to it). Without it: a fresh temporary database, deleted.
#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>

#include "app/calendar_actions.h"
#include "app/compliance_actions.h"
#include "codec/catalog_json.h"
#include "core/timestamp.h"
#include "storage/sqlite/db.h"
#include "storage/sqlite/sqlite_store.h"

using namespace gongkai;
using SteadyClock = std::chrono::steady_clock;

namespace {

class FixedClock : public gongkai::Clock {
 public:
  std::chrono::sys_seconds Now() const override { return *ParseTimestamp("2025-11-20T10:00:00+08:00", "now"); }
};

double Ms(SteadyClock::time_point a, SteadyClock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); }

// Every figure of the report as text, hashed: runs on different code must
// print the same fingerprint.
std::uint64_t Fingerprint(const ComplianceReport& r) {
  std::string text;
  auto figures = [&](const GroupCompliance& g) {
    const ComplianceFigures& f = g.figures;
    text += g.label + ":";
    for (int c : f.counts) text += fmt::format("{},", c);
    text += fmt::format("{}|{}|{}|{}|{}|{}|{}\n", f.on_time_rate.value_or(-1), f.late_days_median.value_or(-1),
                        f.late_days_max, f.overdue_days_max, f.formation_to_publication_median.value_or(-1),
                        f.formation_to_publication_mean.value_or(-1), g.in_catalog);
  };
  figures(r.site);
  for (const auto& g : r.units) figures(g);
  for (const auto& g : r.items) figures(g);
  for (const auto& g : r.areas) figures(g);
  for (const auto& c : r.coverage)
    text += fmt::format("{}/{}:{},{},{},{},{},{}\n", c.unit, c.item_number, c.in_catalog, c.event_driven,
                        c.published_in_period, c.due, c.last_published_on ? c.last_published_on->ToString() : "-",
                        c.gap);
  for (const auto& m : r.trend)
    text += fmt::format("{}-{}:{},{},{},{}\n", m.year, m.month, m.due, m.on_time, m.late, m.overdue_at_end);
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a
  for (unsigned char ch : text) h = (h ^ ch) * 1099511628211ULL;
  return h;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 1000000;
  const int runs = argc > 2 ? std::atoi(argv[2]) : 5;
  const char* keep = std::getenv("GONGKAI_BENCH_DB");
  const bool kept = keep != nullptr && *keep != '\0';
  const std::string path =
      kept ? std::string(keep)
           : (std::filesystem::temp_directory_path() / fmt::format("gongkai-compliance-bench-{}.db", ::getpid())).string();
  const bool reuse = kept && std::filesystem::exists(path);
  auto catalog = LoadSeedCatalog();
  auto opened = SqliteStore::Open(path, 2);
  if (!catalog || !opened) return 1;
  auto m0 = SteadyClock::now();
  if (auto migrated = (*opened)->Migrate(); !migrated)
    return fmt::print(stderr, "{}\n", migrated.error().Describe()), 1;
  const double migrate = Ms(m0, SteadyClock::now()) / 1000;
  SqliteStore& store = **opened;
  auto site = reuse ? store.FindSite("bench") : store.CreateSite(NewSite{"bench", "示例区", ""});
  if (!site) return fmt::print(stderr, "{}: no bench site\n", path), 1;
  if (!reuse && !store.SaveCatalog(site->id, *catalog)) return 1;
  if (!EnsureCalendar(store)) return 1;
  auto calendar = CurrentCalendar(store);
  if (!calendar) return 1;
  std::vector<std::pair<std::string, int>> pairs;  // (unit, item) from the catalogue
  for (const auto& a : catalog->areas)
    for (const auto& it : a.items)
      for (const auto& u : it.units) pairs.emplace_back(u, it.number);

  auto raw = sqlite::Connection::Open(path);
  if (!raw) return 1;
  auto& db = **raw;
  (void)db.Exec("PRAGMA synchronous = OFF");
  std::mt19937 rng(7);
  const Date first = *Date::Parse("2021-01-04");
  auto g0 = SteadyClock::now();
  std::int64_t record_id = 0;
  const int direct = n / 10;
  if (reuse) {
    auto count = db.Prepare("SELECT count(*) FROM obligations WHERE site_id = ?");
    if (!count) return 1;
    count->Bind(1, site->id);
    if (!count->Step().value_or(false) || count->Int(0) != n)
      return fmt::print(stderr, "{} was generated for another N; delete it or choose another file\n", path), 1;
    fmt::print("reusing {} (migrations took {:.1f} s)\n", path, migrate);
  }
  for (int i = 1; !reuse && i <= n + direct; ++i) {
    if ((i - 1) % 5000 == 0 && !db.Exec("BEGIN")) return 1;
    const auto& [unit, item] = pairs[rng() % pairs.size()];
    Date formed = Date::FromSerial(first.serial() + static_cast<int>(rng() % 1780));
    auto due = calendar->calendar.AddWorkingDays(formed, 20);
    if (!due) return 1;
    const int fate = static_cast<int>(rng() % 100);
    const bool obligation = i <= n;
    const bool withheld = obligation && fate < 3, cancelled = obligation && fate >= 3 && fate < 5;
    bool published = !obligation || fate >= 20 || (fate >= 5 && rng() % 2);
    int offset = rng() % 8 == 0 ? 1 + static_cast<int>(rng() % 10) : -static_cast<int>(rng() % 10);
    auto pub_day = calendar->calendar.AddWorkingDays(*due, offset);
    if (!pub_day) return 1;
    if (*pub_day > *Date::Parse("2025-11-19")) published = false;
    std::int64_t rec = 0;
    if (published && !withheld && !cancelled) {
      rec = ++record_id;
      auto late = calendar->calendar.WorkingDaysBetween(*due, *pub_day);
      auto r = db.PrepareCached(
          "INSERT INTO records (id, site_id, unit_name, item_number, element, obligation_id, formed_on, status, "
          "title, body, doc_number, written_on, genre, topic, validity, disclosure_mode, scope, channels, "
          "attachments, change_note, review_comment, checklist, approved_by, index_number, published_version, "
          "published_title, due_on, provisional, first_published_at, late_days, withdrawn_reason, withdrawn_at, "
          "created_at, created_by, updated_at) VALUES (?, ?, ?, ?, '', ?, ?, 'published', ?, '', '', '', '公告', '', "
          "'', '主动公开', '全社会', '门户网站', '[]', '', '', '{}', 'bench', ?, 1, ?, ?, 0, ?, ?, '', '', ?, 'bench', "
          "?)");
      if (!r) return 1;
      const std::string title = fmt::format("督查基准{}", i);
      const std::string at = pub_day->ToString() + "T02:00:00Z";
      r->Bind(1, rec).Bind(2, site->id).Bind(3, unit).Bind(4, item).Bind(5, obligation ? i : 0);
      r->Bind(6, formed.ToString()).Bind(7, title).Bind(8, fmt::format("B/{}", rec)).Bind(9, title);
      r->Bind(10, due->ToString()).Bind(11, at).Bind(12, *pub_day > *due ? std::max(1, late ? *late : 1) : 0);
      r->Bind(13, at).Bind(14, at);
      if (!r->Run()) return fmt::print(stderr, "record {}\n", i), 1;
    }
    if (!obligation) {
      if (i % 5000 == 0 || i == n + direct)
        if (!db.Exec("COMMIT")) return 1;
      continue;
    }
    auto d = db.PrepareCached(
        "INSERT INTO deadlines (id, site_id, subject, item_number, element, rule_id, rule_days, event_date, "
        "due_date, provisional, calendar_version, open, created_at) VALUES (?, ?, '', ?, '', 'default', 20, ?, ?, "
        "0, 0, ?, '')");
    if (!d) return 1;
    d->Bind(1, i).Bind(2, site->id).Bind(3, item).Bind(4, formed.ToString()).Bind(5, due->ToString());
    d->Bind(6, rec == 0 && !withheld && !cancelled);
    if (!d->Run()) return 1;
    auto o = db.PrepareCached(
        "INSERT INTO obligations (id, site_id, unit_name, item_number, element, title, formed_on, deadline_id, "
        "state, record_id, reason, ground, created_at, created_by) VALUES (?, ?, ?, ?, '', ?, ?, ?, ?, ?, '', '', "
        "'', 'bench')");
    if (!o) return 1;
    o->Bind(1, i).Bind(2, site->id).Bind(3, unit).Bind(4, item).Bind(5, fmt::format("督查基准事项{}", i));
    o->Bind(6, formed.ToString()).Bind(7, i);
    o->Bind(8, withheld ? "withheld" : cancelled ? "cancelled" : rec ? "published" : "open").Bind(9, rec);
    if (!o->Run()) return 1;
    if (i % 5000 == 0 || i == n + direct)
      if (!db.Exec("COMMIT")) return 1;
  }
  const double generate = Ms(g0, SteadyClock::now()) / 1000;

  FixedClock clock;
  Context ctx{store, clock, Actor::Console(site->id)};
  std::vector<double> load_ms, compute_ms, unit_ms, read_ms;
  std::size_t rows = 0;
  int due = 0;
  std::uint64_t fingerprint = 0;
  for (int run = 0; run < runs; ++run) {
    auto t0 = SteadyClock::now();
    auto view = LoadCompliance(ctx, *catalog, "2025-01-01", "2025-12-31");
    auto t1 = SteadyClock::now();
    if (!view) return fmt::print(stderr, "{}\n", view.error().Describe()), 1;
    load_ms.push_back(Ms(t0, t1));
    rows = view->rows_read;
    due = view->report.site.figures.due();
    fingerprint = Fingerprint(view->report);
    // The same read without the computation, then the computation alone
    // over the same rows held in memory.
    ComplianceOptions options;
    options.today = view->report.today;
    const Date cutoff = SummaryCutoff(view->report.period, options.today);
    auto t6 = SteadyClock::now();
    auto summary = store.SummariseComplianceRows(site->id, cutoff);
    std::size_t visited = 0;
    auto read = store.VisitNeededComplianceRows(site->id, cutoff, [&](const ComplianceRow&) { ++visited; });
    read_ms.push_back(Ms(t6, SteadyClock::now()));
    if (!summary || !read || visited != rows) return 1;
    std::vector<ComplianceRow> held;
    if (!store.VisitNeededComplianceRows(site->id, cutoff, [&](const ComplianceRow& r) { held.push_back(r); }))
      return 1;
    ComplianceOptions with_summary = options;
    with_summary.prior_publications = summary->publications;
    with_summary.prior_backlog = summary->backlog;
    auto t2 = SteadyClock::now();
    auto again = ComputeCompliance(*catalog, calendar->calendar, held, view->report.period, with_summary);
    auto t3 = SteadyClock::now();
    if (!again || Fingerprint(*again) != fingerprint) return fmt::print(stderr, "ComputeCompliance differs\n"), 1;
    compute_ms.push_back(Ms(t2, t3));
    // The drill-down page for one unit: that unit's rows (with titles), then
    // the rows behind one figure; as /admin/compliance/rows?unit= does.
    const std::string& unit = view->report.units[static_cast<std::size_t>(run) % view->report.units.size()].label;
    auto t4 = SteadyClock::now();
    ComplianceLoad load;
    load.unit = unit;
    load.figures = false;
    load.with_text = true;
    auto unit_view = LoadCompliance(ctx, *catalog, "2025-01-01", "2025-12-31", load);
    if (!unit_view) return 1;
    auto behind = RowsBehind(unit_view->rows, unit_view->report.period, options, GroupKey::Unit(unit), Metric::kLate);
    auto t5 = SteadyClock::now();
    unit_ms.push_back(Ms(t4, t5));
    (void)behind;
  }
  // The figures over every row, summarising nothing, must be the same.
  bool equal = false;
  {
    auto every = store.ListComplianceRows(site->id);
    if (!every) return 1;
    ComplianceOptions options;
    options.today = BeijingDate(clock.Now());
    auto full = ComputeCompliance(*catalog, calendar->calendar, *every,
                                  CompliancePeriod{*Date::Parse("2025-01-01"), *Date::Parse("2025-12-31")}, options);
    if (!full) return 1;
    equal = Fingerprint(*full) == fingerprint;
  }
  fmt::print("rows: {} obligations + {} direct records ({} rows read for 2025), {} in {:.0f} s; 2025 due: {}\n", n,
             direct, rows, reuse ? "reused" : "generated", generate, due);
  fmt::print("figures fingerprint: {:016x} ({} the figures over every row)\n", fingerprint,
             equal ? "equal to" : "DIFFERENT FROM");
  fmt::print("whole-site dashboard for 2025 (LoadCompliance: read rows + compute), median of {}: {:.0f} ms\n", runs,
             Median(load_ms));
  fmt::print("  of which reading (the summaries and the rows needed): {:.0f} ms; ComputeCompliance: {:.0f} ms\n",
             Median(read_ms), Median(compute_ms));
  fmt::print("unit drill-down (that unit's rows with titles + RowsBehind for its late rows): {:.0f} ms\n", Median(unit_ms));
  raw->reset();
  opened->reset();
  if (!kept)
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  return 0;
}
