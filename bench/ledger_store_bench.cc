// Publication ledger and open-data dump on the real SQLite store, at N
// records (bench/ledger_bench.cc measures the Merkle tree alone, in memory).
//
// Setup (timed separately, not part of the figures): a fresh database in a
// temporary directory with one site, the seed catalogue and the official
// calendar; 4 reference records published through the app itself (draft,
// attachments, review, publication; one revised, one withdrawn) with a fake
// clock; then N - 4 records written straight into records,
// record_versions, publication_events and index_serials with bulk SQL in
// large transactions (synchronous=OFF on that connection only), in the
// exact row format of SqliteStore::PublishRecord / SaveRecord (columns,
// JSON columns, timestamps, 索引号 serials). Publication times are spread
// over 2021-01-05 .. 2025-10-31; 2% of the records get a second version
// (revise event), 2% are withdrawn, 0.4% are revised and then withdrawn;
// events are written in time order. 10% of the versions carry one or two of
// the reference records' attachment files. Not written for the generated
// records: the search index and the audit log (neither is read here).
//
// Timed, with the store's production settings (WAL, synchronous=FULL, its
// page cache and mmap):
//   1. SequenceLedger over every event from an empty ledger (one signed
//      head at the end);
//   2. one more publication: SequenceLedger for 1 new event, repeated,
//      without a key (append only) and with one (append + sign a head);
//      after each, timed apart, Store::MaintainStorage() as the server's
//      sequencer runs it (the WAL checkpoint the append defers, when due);
//   3. ProveInclusion for 1000 random leaves at the full size, each proof
//      checked with merkle::VerifyInclusion against the signed root; the
//      same by record (LedgerLeavesOfRecord + ProveInclusion, as
//      /api/v1/ledger/proof/inclusion?record= does); ProveConsistency for
//      1000 random pairs, checked with merkle::VerifyConsistency;
//   4. WriteDump of the whole site (without files) and its size on disk;
//   5. VerifyDump of that dump with the site's verifier key (must pass),
//      and the pure ledger part of it: read ledger.jsonl, hash every leaf,
//      RootOfLeaves, compare with the verified checkpoint.
// Timings on a shared machine are noisy: the load average is printed with
// the figures.
//
// Usage: ledger_store_bench [N=1000000] [--keep]   (--keep leaves the
// temporary directory with the database and the dump in place)
#include <fcntl.h>
#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <queue>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/calendar_actions.h"
#include "app/context.h"
#include "app/dump.h"
#include "app/ledger_actions.h"
#include "app/ledger_verify.h"
#include "app/merkle.h"
#include "app/record_actions.h"
#include "codec/catalog_json.h"
#include "codec/rules_codec.h"
#include "core/timestamp.h"
#include "storage/sqlite/db.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/stored_text.h"

using namespace gongkai;
using SteadyClock = std::chrono::steady_clock;
using std::chrono::sys_seconds;

namespace {

class FakeClock : public Clock {
 public:
  sys_seconds now{};
  sys_seconds Now() const override { return now; }
};

double Ms(SteadyClock::time_point a, SteadyClock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}
double Sec(SteadyClock::time_point a, SteadyClock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

struct Stats {
  double mean = 0, p50 = 0, p95 = 0, p99 = 0, max = 0;
  std::size_t n = 0;
};

Stats Summarize(std::vector<double> v) {
  Stats s;
  s.n = v.size();
  if (v.empty()) return s;
  double sum = 0;
  for (double x : v) sum += x;
  s.mean = sum / static_cast<double>(v.size());
  std::sort(v.begin(), v.end());
  auto at = [&](std::size_t pct) { return v[std::min(v.size() - 1, v.size() * pct / 100)]; };
  s.p50 = at(50);
  s.p95 = at(95);
  s.p99 = at(99);
  s.max = v.back();
  return s;
}

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a.empty() ? "?" : fmt::format("{} {} {}", a, b, c);
}

std::uintmax_t FileBytes(const std::filesystem::path& p) {
  std::error_code ec;
  auto n = std::filesystem::file_size(p, ec);
  return ec ? 0 : n;
}

std::uintmax_t DirBytes(const std::filesystem::path& dir) {
  std::uintmax_t total = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file()) total += e.file_size();
  return total;
}

// fdatasync of a 4 KiB append to a file in `dir`, `runs` times: the floor
// under every durable commit (WAL, synchronous=FULL) on this disk.
std::vector<double> SyncProbe(const std::filesystem::path& dir, int runs) {
  const auto path = dir / "sync-probe";
  std::vector<double> out;
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return out;
  const std::string block(4096, 'x');
  for (int i = 0; i < runs; ++i) {
    if (::write(fd, block.data(), block.size()) != static_cast<ssize_t>(block.size())) break;
    const auto t0 = SteadyClock::now();
    if (::fdatasync(fd) != 0) break;
    out.push_back(Ms(t0, SteadyClock::now()));
  }
  ::close(fd);
  std::filesystem::remove(path);
  return out;
}

double MiB(std::uintmax_t bytes) { return static_cast<double>(bytes) / (1024.0 * 1024.0); }

int Fail(const std::string& what) {
  fmt::print(stderr, "ledger_store_bench: {}\n", what);
  return 1;
}
int Fail(const std::string& what, const Error& e) { return Fail(what + ": " + e.Describe()); }

// ---- the data ----------------------------------------------------------------

struct UnitRef {
  std::string name;
  std::string org;  // the 索引号's {org}: org_code, or U<id> as PublishIn formats it
};

struct Slot {
  const UnitRef* unit = nullptr;
  int item = 0;
};

constexpr const char* kGenres[] = {"公告", "通知", "公示", "报告", "意见", "决定"};
constexpr const char* kTopics[] = {"财政预决算", "教育", "卫生健康", "城乡建设", "社会保障", "生态环境", "交通运输"};
constexpr const char* kSentences[] = {
    "根据《中华人民共和国政府信息公开条例》和上级有关工作部署，现将有关情况公告如下。",
    "本项工作由责任单位牵头组织实施，相关部门按照职责分工配合落实，确保各项措施按期完成。",
    "实施过程中严格执行政府采购和财务管理有关规定，资金使用情况接受审计监督和社会监督。",
    "公众对上述内容如有意见或建议，可在公示期内通过门户网站留言或到政务服务中心窗口反映。",
    "本公告自发布之日起施行，原有规定与本公告不一致的，以本公告为准。",
    "各乡镇（街道）要结合实际抓好贯彻落实，工作中遇到的问题请及时报告。",
    "相关数据已经统计部门审核，具体明细见附件。",
    "特此公告。",
};

RecordContent MakeContent(std::mt19937_64& rng, std::int64_t id, const Slot& slot, Date formed) {
  RecordContent c;
  const char* topic = kTopics[rng() % std::size(kTopics)];
  c.genre = kGenres[rng() % std::size(kGenres)];
  c.topic = topic;
  c.title = fmt::format("{}关于{}{}年度第{}批事项的{}", slot.unit->name, topic, formed.year(), id % 97 + 1, c.genre);
  const int paragraphs = 2 + static_cast<int>(rng() % 5);
  for (int p = 0; p < paragraphs; ++p) {
    if (p) c.body += "\n\n";
    c.body += kSentences[rng() % std::size(kSentences)];
    if (rng() % 2) c.body += kSentences[rng() % std::size(kSentences)];
  }
  c.body += fmt::format("\n\n（编号{}）", id);
  if (rng() % 3 == 0) c.doc_number = fmt::format("示政发〔{}〕{}号", formed.year(), id % 500 + 1);
  c.written_on = rng() % 2 ? formed.ToString() : "";
  c.validity = rng() % 4 ? "有效" : "";
  c.channels = {"门户网站"};
  if (rng() % 3 == 0) c.channels.push_back("政务新媒体");
  return c;
}

enum class Fate { kPublish, kRevise, kWithdraw, kReviseWithdraw };

// A revise or withdraw event scheduled for later.
struct Pending {
  std::int64_t at = 0;
  std::int64_t record_id = 0;
  int version = 0;
  PublicationKind kind = PublicationKind::kRevise;
  std::string index_number, unit;
  int item = 0;
  std::string title;
  bool operator>(const Pending& o) const {
    return std::tie(at, record_id, version) > std::tie(o.at, o.record_id, o.version);
  }
};

// Writes published records in the app's row format through its own
// connection; the caller opens and commits the transactions.
class Generator {
 public:
  Generator(sqlite::Connection& db, const Site& site, const WorkingCalendar& calendar, std::vector<Slot> slots,
            std::vector<Attachment> files, std::string checklist, std::int64_t next_id)
      : db_(db),
        site_(site),
        calendar_(calendar),
        slots_(std::move(slots)),
        files_(std::move(files)),
        checklist_(std::move(checklist)),
        next_id_(next_id) {}

  Status LoadSerials() {
    GK_TRY(st, db_.Prepare("SELECT unit_name, year, last FROM index_serials WHERE site_id = ?"));
    st.Bind(1, site_.id);
    while (true) {
      GK_TRY(row, st.Step());
      if (!row) break;
      serials_[{st.Text(0), static_cast<int>(st.Int(1))}] = static_cast<int>(st.Int(2));
    }
    return Ok();
  }

  // One record first published at `t`; its revision and withdrawal (per
  // `fate`) are scheduled for later. Writes every scheduled event due up to
  // `t` first, so publication_events stays in time order.
  Status Add(std::int64_t t, Fate fate) {
    const std::int64_t id = next_id_++;
    const Slot& slot = slots_[rng_() % slots_.size()];
    const Date pub_day = BeijingDate(sys_seconds{std::chrono::seconds{t}});
    const Date formed = Date::FromSerial(pub_day.serial() - 3 - static_cast<int>(rng_() % 20));
    auto due_r = calendar_.AddWorkingDays(formed, 20);
    const Date due = due_r ? *due_r : Date::FromSerial(formed.serial() + 28);
    int late = 0;
    if (pub_day > due) {
      auto days = calendar_.WorkingDaysBetween(due, pub_day);
      late = std::max(1, days ? *days : 1);
    }
    const int year = pub_day.year();
    const int serial = ++serials_[{slot.unit->name, year}];
    GK_TRY(index, FormatIndexNumber(site_.index_pattern, slot.unit->org, year, serial));

    std::vector<RecordVersion> versions;
    RecordVersion v1;
    v1.record_id = id;
    v1.version = 1;
    v1.content = MakeContent(rng_, id, slot, formed);
    if (const auto r = rng_() % 100; r < 10) {
      v1.content.attachments.push_back(files_[rng_() % files_.size()]);
      if (r == 0) v1.content.attachments.push_back(files_[rng_() % files_.size()]);
    }
    v1.change_note = "首次发布";
    v1.published_at = FormatUtc(sys_seconds{std::chrono::seconds{t}});
    v1.published_by = "liaison";
    v1.approved_by = "leader";
    versions.push_back(v1);
    std::int64_t last_at = t;
    const bool revised = fate == Fate::kRevise || fate == Fate::kReviseWithdraw;
    const bool withdrawn = fate == Fate::kWithdraw || fate == Fate::kReviseWithdraw;
    if (revised) {
      RecordVersion v2 = v1;
      v2.version = 2;
      v2.content.title += "（更正）";
      v2.content.body += "\n\n更正说明：第一段中的文字错误已更正。";
      v2.change_note = "更正正文中的文字错误";
      last_at = t + 86400 * (1 + static_cast<std::int64_t>(rng_() % (withdrawn ? 30 : 60))) + 3600;
      v2.published_at = FormatUtc(sys_seconds{std::chrono::seconds{last_at}});
      versions.push_back(v2);
    }
    const RecordVersion& current = versions.back();
    std::int64_t withdrawn_at = 0;
    if (withdrawn) withdrawn_at = last_at + 86400 * (1 + static_cast<std::int64_t>(rng_() % 90)) + 7200;
    const std::string updated_at = FormatUtc(sys_seconds{std::chrono::seconds{withdrawn ? withdrawn_at : last_at}});

    GK_TRY(rec, db_.PrepareCached(
                    "INSERT INTO records (id, site_id, unit_name, item_number, element, obligation_id, formed_on, "
                    "status, title, body, doc_number, written_on, genre, topic, validity, disclosure_mode, scope, "
                    "channels, attachments, change_note, review_comment, checklist, approved_by, index_number, "
                    "published_version, published_title, due_on, provisional, first_published_at, late_days, "
                    "withdrawn_reason, withdrawn_at, created_at, created_by, updated_at) VALUES (?, ?, ?, ?, '', 0, "
                    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', '', ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, 'liaison', ?)"));
    const RecordContent& c = current.content;
    rec.Bind(1, id).Bind(2, site_.id).Bind(3, slot.unit->name).Bind(4, slot.item).Bind(5, formed.ToString());
    rec.Bind(6, withdrawn ? "withdrawn" : "published").Bind(7, c.title).Bind(8, c.body).Bind(9, c.doc_number);
    rec.Bind(10, c.written_on).Bind(11, c.genre).Bind(12, c.topic).Bind(13, c.validity).Bind(14, c.disclosure_mode);
    rec.Bind(15, c.scope).Bind(16, sqlite::JoinLines(c.channels)).Bind(17, storage::AttachmentsJson(c.attachments));
    rec.Bind(18, checklist_).Bind(19, current.approved_by).Bind(20, index).Bind(21, current.version);
    rec.Bind(22, c.title).Bind(23, due.ToString()).Bind(24, v1.published_at).Bind(25, late);
    rec.Bind(26, withdrawn ? "信息有误，予以撤回" : "");
    rec.Bind(27, withdrawn ? FormatUtc(sys_seconds{std::chrono::seconds{withdrawn_at}}) : std::string());
    rec.Bind(28, FormatUtc(sys_seconds{std::chrono::seconds{t - 2 * 86400}})).Bind(29, updated_at);
    GK_CHECK(rec.Run());
    for (const auto& v : versions) {
      GK_TRY(ver, db_.PrepareCached(
                      "INSERT INTO record_versions (record_id, version, title, body, doc_number, written_on, genre, "
                      "topic, validity, disclosure_mode, scope, channels, attachments, change_note, published_at, "
                      "published_by, approved_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
      const RecordContent& vc = v.content;
      ver.Bind(1, id).Bind(2, v.version).Bind(3, vc.title).Bind(4, vc.body).Bind(5, vc.doc_number);
      ver.Bind(6, vc.written_on).Bind(7, vc.genre).Bind(8, vc.topic).Bind(9, vc.validity);
      ver.Bind(10, vc.disclosure_mode).Bind(11, vc.scope).Bind(12, sqlite::JoinLines(vc.channels));
      ver.Bind(13, storage::AttachmentsJson(vc.attachments)).Bind(14, v.change_note).Bind(15, v.published_at);
      ver.Bind(16, v.published_by).Bind(17, v.approved_by);
      GK_CHECK(ver.Run());
    }

    GK_CHECK(Flush(t));
    GK_CHECK(WriteEvent(Pending{t, id, 1, PublicationKind::kPublish, index, slot.unit->name, slot.item,
                                v1.content.title}));
    if (revised)
      pending_.push(Pending{last_at, id, 2, PublicationKind::kRevise, index, slot.unit->name, slot.item, c.title});
    if (withdrawn)
      pending_.push(Pending{withdrawn_at, id, current.version, PublicationKind::kWithdraw, index, slot.unit->name,
                            slot.item, c.title});
    ++records_;
    return Ok();
  }

  // Writes the scheduled events due up to `t`.
  Status Flush(std::int64_t t) {
    while (!pending_.empty() && pending_.top().at <= t) {
      GK_CHECK(WriteEvent(pending_.top()));
      pending_.pop();
    }
    return Ok();
  }

  // The serials and the site's revision, as PublishIn leaves them.
  Status Finish() {
    GK_TRY(st, db_.Prepare(
                   "INSERT INTO index_serials (site_id, unit_name, year, last) VALUES (?, ?, ?, ?) "
                   "ON CONFLICT (site_id, unit_name, year) DO UPDATE SET last = excluded.last"));
    for (const auto& [key, last] : serials_) {
      st.Bind(1, site_.id).Bind(2, key.first).Bind(3, key.second).Bind(4, last);
      GK_CHECK(st.Run());
      st.Reset();
    }
    GK_TRY(rev, db_.Prepare("UPDATE sites SET revision = revision + ? WHERE id = ?"));
    rev.Bind(1, events_ - counted_events_).Bind(2, site_.id);
    counted_events_ = events_;
    return rev.Run();
  }

  std::int64_t records() const { return records_; }
  std::int64_t events() const { return events_; }

 private:
  Status WriteEvent(const Pending& e) {
    GK_TRY(st, db_.PrepareCached(
                   "INSERT INTO publication_events (site_id, record_id, version, kind, at, index_number, unit_name, "
                   "item_number, title) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    st.Bind(1, site_.id).Bind(2, e.record_id).Bind(3, e.version).Bind(4, PublicationKindName(e.kind));
    st.Bind(5, FormatUtc(sys_seconds{std::chrono::seconds{e.at}})).Bind(6, e.index_number).Bind(7, e.unit);
    st.Bind(8, e.item).Bind(9, e.title);
    GK_CHECK(st.Run());
    ++events_;
    return Ok();
  }

  sqlite::Connection& db_;
  const Site& site_;
  const WorkingCalendar& calendar_;
  std::vector<Slot> slots_;
  std::vector<Attachment> files_;
  std::string checklist_;
  std::int64_t next_id_;
  std::mt19937_64 rng_{20251120};
  std::map<std::pair<std::string, int>, int> serials_;
  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> pending_;
  std::int64_t records_ = 0, events_ = 0, counted_events_ = 0;
};

std::int64_t Epoch(const char* iso) { return ParseTimestamp(iso, "t")->time_since_epoch().count(); }

// ---- the report --------------------------------------------------------------

void Header() {
  fmt::print("  {:<66} {:>9} {:>9} {:>9} {:>9} {:>9}   {}\n", "operation (milliseconds)", "mean", "p50", "p95", "p99",
             "max", "target");
}

void Row(const std::string& what, const Stats& s, const char* target = "") {
  fmt::print("  {:<66} {:>9.3f} {:>9.3f} {:>9.3f} {:>9.3f} {:>9.3f}   {}\n", what, s.mean, s.p50, s.p95, s.p99, s.max,
             target);
}

}  // namespace

int main(int argc, char** argv) {
  const long long arg = argc > 1 ? std::atoll(argv[1]) : 1000000;
  const bool keep = argc > 2 && std::string(argv[2]) == "--keep";
  if (arg < 100) return fmt::print(stderr, "usage: ledger_store_bench [N>=100, default 1000000] [--keep]\n"), 2;
  const auto n = static_cast<std::int64_t>(arg);
  const std::string load_start = LoadAverage();
  const auto dir = std::filesystem::temp_directory_path() / fmt::format("gongkai-ledger-store-bench-{}", ::getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  // Removes the directory (database, dump: gigabytes at 1M) on every exit,
  // failures included, unless --keep; after the store below has closed.
  struct Cleanup {
    std::filesystem::path dir;
    bool keep;
    ~Cleanup() {
      std::error_code ec;
      if (keep) fmt::print("\nkept: {}\n", dir.string());
      else std::filesystem::remove_all(dir, ec);
    }
  } cleanup{dir, keep};
  const std::string db_path = (dir / "bench.db").string();

  // ---- the site ----------------------------------------------------------------
  auto catalog = LoadSeedCatalog();
  auto rules = LoadDeadlineRules();
  if (!catalog || !rules) return Fail("seed catalogue or deadline rules");
  auto opened = SqliteStore::Open(db_path, 2);
  if (!opened) return Fail("open", opened.error());
  SqliteStore& store = **opened;
  if (auto m = store.Migrate(); !m) return Fail("migrate", m.error());
  auto site_r = store.CreateSite(NewSite{"bench", "示例区人民政府", ""});
  if (!site_r) return Fail("site", site_r.error());
  const Site site = *site_r;
  if (auto s = store.SaveCatalog(site.id, *catalog); !s) return Fail("catalogue", s.error());
  if (auto c = EnsureCalendar(store); !c) return Fail("calendar", c.error());
  auto calendar = CurrentCalendar(store);
  if (!calendar) return Fail("calendar", calendar.error());

  auto raw = sqlite::Connection::Open(db_path);
  if (!raw) return Fail("open", raw.error());
  sqlite::Connection& db = **raw;
  std::vector<UnitRef> units;
  {
    auto st = db.Prepare("SELECT id, name, org_code FROM units WHERE site_id = ? ORDER BY id");
    if (!st) return Fail("units", st.error());
    st->Bind(1, site.id);
    while (true) {
      auto row = st->Step();
      if (!row) return Fail("units", row.error());
      if (!*row) break;
      const std::string org = st->Text(2).empty() ? fmt::format("U{:04}", st->Int(0)) : st->Text(2);
      units.push_back(UnitRef{st->Text(1), org});
    }
  }
  std::vector<Slot> slots;  // (unit, item) pairs of the catalogue
  for (const auto& a : catalog->areas)
    for (const auto& it : a.items)
      for (const auto& u : it.units)
        for (const auto& ur : units)
          if (ur.name == u) slots.push_back(Slot{&ur, it.number});
  if (slots.empty()) return Fail("the seed catalogue has no (unit, item) pairs");

  // ---- reference records, through the app ----------------------------------------
  const auto g0 = SteadyClock::now();
  FakeClock clock;
  clock.now = *ParseTimestamp("2021-01-04T09:00:00+08:00", "now");
  auto as = [&](Role role, const std::string& unit) {
    return Context{store, clock, Actor{role == Role::kLeader ? 2 : 1, RoleName(role), "基准", role, site.id, unit}};
  };
  std::vector<std::int64_t> refs;
  std::mt19937_64 ref_rng(1);
  for (int k = 0; k < 4; ++k) {
    const Slot& slot = slots[static_cast<std::size_t>(k * 7) % slots.size()];
    const std::string& unit = slot.unit->name;
    NewDraft nd;
    nd.unit = unit;
    nd.item = slot.item;
    nd.formed_on = "2021-01-04";
    nd.content = MakeContent(ref_rng, k + 1, slot, *Date::Parse("2021-01-04"));
    auto r = CreateDraft(as(Role::kLiaison, unit), *catalog, *rules, nd);
    if (!r) return Fail("reference draft", r.error());
    for (int a = 1; a <= 2; ++a) {
      std::string text;
      for (int line = 0; line < 20 + 10 * a + k; ++line)
        text += fmt::format("参考附件{}-{}第{}行：{}\n", k + 1, a, line + 1, kSentences[line % std::size(kSentences)]);
      auto added = AddAttachment(as(Role::kLiaison, unit), r->id, fmt::format("附件{}-{}.txt", k + 1, a), text, 1 << 20);
      if (!added) return Fail("reference attachment", added.error());
    }
    auto publish = [&]() -> Status {
      GK_TRY(s, SubmitRecord(as(Role::kLiaison, unit), r->id));
      GK_TRY(ap, ApproveRecord(as(Role::kLeader, unit), *catalog, r->id, ReviewChecklist{true, true, true}));
      GK_TRY(p, PublishRecord(as(Role::kLiaison, unit), r->id));
      (void)s, (void)ap, (void)p;
      return Ok();
    };
    if (auto p = publish(); !p) return Fail("reference publication", p.error());
    clock.now += std::chrono::minutes(10);
    if (k == 0) {
      auto rev = StartRevision(as(Role::kLiaison, unit), r->id);
      if (!rev) return Fail("reference revision", rev.error());
      RecordContent c = rev->draft;
      c.title += "（更正）";
      c.body += "\n\n更正说明：标题中的文字错误已更正。";
      auto upd = UpdateDraft(as(Role::kLiaison, unit), r->id, c, "更正标题中的文字错误");
      if (!upd) return Fail("reference revision", upd.error());
      if (auto p = publish(); !p) return Fail("reference revision", p.error());
      clock.now += std::chrono::minutes(10);
    }
    if (k == 1) {
      auto w = WithdrawRecord(as(Role::kLeader, unit), r->id, "信息有误，予以撤回");
      if (!w) return Fail("reference withdrawal", w.error());
      clock.now += std::chrono::minutes(10);
    }
    refs.push_back(r->id);
  }
  // The attachment files the generated versions may refer to, as the app
  // stored them; and a check that the generator writes the app's JSON.
  std::vector<Attachment> files;
  for (std::int64_t id : refs) {
    auto r = store.GetRecord(id);
    if (!r) return Fail("reference record", r.error());
    for (const auto& a : PublicAttachments(r->draft.attachments)) files.push_back(a);
  }
  std::string checklist;
  {
    auto st = db.Prepare("SELECT checklist, attachments FROM records WHERE id = ?");
    if (!st) return Fail("reference record", st.error());
    st->Bind(1, refs[2]);
    auto row = st->Step();
    if (!row || !*row) return Fail("reference record row");
    checklist = st->Text(0);
    auto r = store.GetRecord(refs[2]);
    if (!r || storage::AttachmentsJson(r->draft.attachments) != st->Text(1))
      return Fail("the generator's attachments JSON differs from the app's: " + st->Text(1));
  }
  const double ref_s = Sec(g0, SteadyClock::now());

  // ---- bulk records, straight into the tables ------------------------------------------
  (void)db.Exec("PRAGMA synchronous = OFF");  // this connection only
  Generator gen(db, site, calendar->calendar, slots, files, checklist, refs.back() + 1);
  if (auto s = gen.LoadSerials(); !s) return Fail("serials", s.error());
  const std::int64_t generated = n - static_cast<std::int64_t>(refs.size());
  const std::int64_t t_first = Epoch("2021-01-05T01:00:00Z"), t_last = Epoch("2025-10-31T09:00:00Z");
  std::mt19937_64 fate_rng(99);
  const auto b0 = SteadyClock::now();
  constexpr std::int64_t kTx = 20000;
  for (std::int64_t j = 0; j < generated; ++j) {
    if (j % kTx == 0)
      if (auto s = db.Exec("BEGIN"); !s) return Fail("begin", s.error());
    const std::int64_t t = t_first + j * (t_last - t_first) / generated;
    const auto r = fate_rng() % 1000;
    const Fate fate = r < 20 ? Fate::kRevise : r < 40 ? Fate::kWithdraw : r < 44 ? Fate::kReviseWithdraw : Fate::kPublish;
    if (auto s = gen.Add(t, fate); !s) return Fail(fmt::format("record {}", j), s.error());
    if ((j + 1) % kTx == 0 || j + 1 == generated) {
      if (j + 1 == generated) {
        if (auto s = gen.Flush(std::numeric_limits<std::int64_t>::max()); !s) return Fail("events", s.error());
        if (auto s = gen.Finish(); !s) return Fail("serials", s.error());
      }
      if (auto s = db.Exec("COMMIT"); !s) return Fail("commit", s.error());
    }
  }
  (void)db.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  (void)db.Exec("PRAGMA synchronous = FULL");
  const double bulk_s = Sec(b0, SteadyClock::now());
  auto count = [&](const char* sql) -> std::int64_t {
    auto st = db.Prepare(sql);
    if (!st) return -1;
    auto row = st->Step();
    return row && *row ? st->Int(0) : -1;
  };
  const std::int64_t records = count("SELECT count(*) FROM records");
  const std::int64_t versions = count("SELECT count(*) FROM record_versions");
  const std::int64_t events = count("SELECT count(*) FROM publication_events");
  const std::int64_t withdrawn = count("SELECT count(*) FROM records WHERE status = 'withdrawn'");
  const std::uintmax_t db_before_ledger = FileBytes(db_path) + FileBytes(db_path + "-wal");
  fmt::print(stderr, "generated {} records, {} versions, {} events in {:.1f} s; sequencing...\n", records, versions,
             events, ref_s + bulk_s);

  // ---- 1. SequenceLedger from empty ----------------------------------------------------
  clock.now = *ParseTimestamp("2026-06-01T08:00:00Z", "now");
  auto key = EnsureLedgerKey(store, site, dir / "ledger.key", true, clock.now);
  if (!key) return Fail("ledger key", key.error());
  const auto s0 = SteadyClock::now();
  auto seq = SequenceLedger(store, site, &*key, clock.now);
  const double seq_s = Sec(s0, SteadyClock::now());
  if (!seq) return Fail("SequenceLedger", seq.error());
  if (seq->size != static_cast<std::uint64_t>(events) || !seq->signed_head)
    return Fail(fmt::format("SequenceLedger: {} leaves for {} events", seq->size, events));

  // ---- 2. one more publication -----------------------------------------------------------
  constexpr int kSingles = 100;
  std::vector<double> single_nokey, single_key, maintain_ms;
  std::int64_t t_single = Epoch("2026-06-01T09:00:00Z");
  for (int pass = 0; pass < 2; ++pass) {
    for (int k = 0; k < kSingles; ++k) {
      t_single += 60;
      if (auto s = db.Exec("BEGIN"); !s) return Fail("begin", s.error());
      if (auto s = gen.Add(t_single, Fate::kPublish); !s) return Fail("single", s.error());
      if (auto s = gen.Finish(); !s) return Fail("single", s.error());
      if (auto s = db.Exec("COMMIT"); !s) return Fail("commit", s.error());
      clock.now = sys_seconds{std::chrono::seconds{t_single + 1}};
      const auto a0 = SteadyClock::now();
      auto one = SequenceLedger(store, site, pass == 0 ? nullptr : &*key, clock.now);
      const double ms = Ms(a0, SteadyClock::now());
      if (!one) return Fail("single SequenceLedger", one.error());
      if (one->appended != 1 || one->signed_head != (pass == 1)) return Fail("single SequenceLedger: unexpected outcome");
      (pass == 0 ? single_nokey : single_key).push_back(ms);
      const auto m0 = SteadyClock::now();
      if (auto m = store.MaintainStorage(); !m) return Fail("MaintainStorage", m.error());
      maintain_ms.push_back(Ms(m0, SteadyClock::now()));
    }
  }
  auto heads = store.ListTreeHeads(site.id, 1);
  if (!heads || heads->empty()) return Fail("no tree head");
  const SignedTreeHead head = (*heads)[0];
  const std::uint64_t size = head.size;
  if (size != static_cast<std::uint64_t>(events + 2 * kSingles)) return Fail("the newest head does not cover the ledger");

  // What a signed head adds to an append, and the disk's commit floor.
  std::vector<double> root_ms, sign_ms;
  for (int k = 0; k < 200; ++k) {
    const auto c0 = SteadyClock::now();
    auto root = merkle::Root(size, LedgerReader(store, site.id));
    const auto c1 = SteadyClock::now();
    if (!root || *root != head.root) return Fail("merkle::Root over the store differs from the signed root");
    const std::string signed_note =
        ledger::SignTreeHead(ledger::TreeHead{LedgerOrigin(site), size, *root, head.time}, *key);
    const auto c2 = SteadyClock::now();
    if (signed_note.empty()) return Fail("SignTreeHead");
    root_ms.push_back(Ms(c0, c1));
    sign_ms.push_back(Ms(c1, c2));
  }
  const std::vector<double> sync_ms = SyncProbe(dir, 30);

  // ---- 3. proofs ----------------------------------------------------------------------------
  std::mt19937_64 rng(42);
  std::vector<double> incl_ms, incl_verify_ms, by_record_ms, cons_ms, cons_verify_ms;
  std::size_t incl_len = 0, cons_len = 0;
  for (int k = 0; k < 1000; ++k) {
    const std::uint64_t index = rng() % size;
    const auto p0 = SteadyClock::now();
    auto a = ProveInclusion(store, site, index, 0);
    const auto p1 = SteadyClock::now();
    if (!a) return Fail("ProveInclusion", a.error());
    const merkle::Hash leaf = merkle::LeafHash(a->leaf.data);
    const bool ok = leaf == a->leaf.hash && a->root == head.root && a->tree_size == size &&
                    merkle::VerifyInclusion(leaf, index, size, a->path, head.root);
    const auto p2 = SteadyClock::now();
    if (!ok) return Fail(fmt::format("inclusion proof of leaf {} does not verify", index));
    incl_ms.push_back(Ms(p0, p1));
    incl_verify_ms.push_back(Ms(p1, p2));
    incl_len = std::max(incl_len, a->path.size());
  }
  for (int k = 0; k < 1000; ++k) {
    const std::int64_t record = 1 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(records));
    const auto p0 = SteadyClock::now();
    auto leaves = store.LedgerLeavesOfRecord(site.id, record);
    if (!leaves || leaves->empty()) return Fail(fmt::format("no ledger leaf for record {}", record));
    auto a = ProveInclusion(store, site, leaves->back().index, 0);
    const double ms = Ms(p0, SteadyClock::now());
    if (!a || !merkle::VerifyInclusion(merkle::LeafHash(a->leaf.data), a->leaf.index, size, a->path, head.root))
      return Fail(fmt::format("inclusion proof of record {} does not verify", record));
    by_record_ms.push_back(ms);
  }
  for (int k = 0; k < 1000; ++k) {
    const std::uint64_t first = 1 + rng() % size;
    const std::uint64_t second = first + rng() % (size - first + 1);
    const auto p0 = SteadyClock::now();
    auto c = ProveConsistency(store, site, first, second);
    const auto p1 = SteadyClock::now();
    if (!c) return Fail("ProveConsistency", c.error());
    const bool ok = merkle::VerifyConsistency(first, second, c->first_root, c->second_root, c->proof) &&
                    (second != size || c->second_root == head.root);
    const auto p2 = SteadyClock::now();
    if (!ok) return Fail(fmt::format("consistency proof {} -> {} does not verify", first, second));
    cons_ms.push_back(Ms(p0, p1));
    cons_verify_ms.push_back(Ms(p1, p2));
    cons_len = std::max(cons_len, c->proof.size());
  }

  // ---- 4. WriteDump ----------------------------------------------------------------------------
  const auto dump_dir = dir / "dump";
  const auto d0 = SteadyClock::now();
  auto sum = WriteDump(store, site, dump_dir, false);
  const double dump_s = Sec(d0, SteadyClock::now());
  if (!sum) return Fail("WriteDump", sum.error());
  const std::uintmax_t dump_bytes = DirBytes(dump_dir);

  // ---- 5. VerifyDump, and its pure ledger part ---------------------------------------------
  const std::vector<std::string> keys = {ledger::VerifierKey(*key)};
  const auto v0 = SteadyClock::now();
  const VerifyReport report = VerifyDump(dump_dir, keys);
  const double verify_s = Sec(v0, SteadyClock::now());
  if (!report.ok()) {
    for (std::size_t i = 0; i < report.failed.size() && i < 10; ++i) fmt::print(stderr, "FAILED: {}\n", report.failed[i]);
    return Fail("VerifyDump did not pass");
  }
  const auto l0 = SteadyClock::now();
  std::string note, ledger_text;
  {
    std::ifstream cp(dump_dir / "checkpoint.txt", std::ios::binary);
    std::ostringstream ss;
    ss << cp.rdbuf();
    note = ss.str();
    std::ifstream lj(dump_dir / "ledger.jsonl", std::ios::binary);
    ledger_text.resize(FileBytes(dump_dir / "ledger.jsonl"));
    lj.read(ledger_text.data(), static_cast<std::streamsize>(ledger_text.size()));
  }
  auto checked = ledger::VerifyTreeHead(note, keys);
  if (!checked) return Fail("checkpoint", checked.error());
  const auto l1 = SteadyClock::now();
  std::vector<merkle::Hash> hashes;
  hashes.reserve(checked->size);
  for (std::size_t start = 0; start < ledger_text.size() && hashes.size() < checked->size;) {
    std::size_t nl = ledger_text.find('\n', start);
    if (nl == std::string::npos) nl = ledger_text.size();
    hashes.push_back(merkle::LeafHash(std::string_view(ledger_text).substr(start, nl - start)));
    start = nl + 1;
  }
  const auto l2 = SteadyClock::now();
  const bool ledger_ok = hashes.size() == checked->size && merkle::RootOfLeaves(hashes) == checked->root;
  const auto l3 = SteadyClock::now();
  if (!ledger_ok) return Fail("ledger.jsonl does not hash to the signed root");

  // VerifyDump's own ledger section: the same call on a directory holding
  // only checkpoint.txt and ledger.jsonl (hard links). It reports the
  // missing records.jsonl as its one failure.
  const auto ledger_only = dir / "ledger-only";
  std::filesystem::create_directories(ledger_only);
  for (const char* f : {"checkpoint.txt", "ledger.jsonl"})
    std::filesystem::create_hard_link(dump_dir / f, ledger_only / f);
  const auto o0 = SteadyClock::now();
  const VerifyReport ledger_report = VerifyDump(ledger_only, keys);
  const double ledger_verify_s = Sec(o0, SteadyClock::now());
  if (ledger_report.failed.size() != 1 || ledger_report.passed.size() < 2)
    return Fail("VerifyDump of the ledger alone: unexpected report");

  // ---- sizes --------------------------------------------------------------------------------------
  (void)db.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  const std::uintmax_t db_bytes = FileBytes(db_path), wal_bytes = FileBytes(db_path + "-wal");
  std::map<std::string, std::int64_t> table_bytes;  // needs SQLITE_ENABLE_DBSTAT_VTAB
  if (auto st = db.Prepare("SELECT name, sum(pgsize) FROM dbstat GROUP BY name")) {
    while (true) {
      auto row = st->Step();
      if (!row || !*row) break;
      table_bytes[st->Text(0)] = st->Int(1);
    }
  }
  auto tb = [&](std::initializer_list<const char*> names) {
    std::int64_t s = 0;
    for (const char* nm : names)
      if (auto it = table_bytes.find(nm); it != table_bytes.end()) s += it->second;
    return s;
  };

  // ---- the table ----------------------------------------------------------------------------------
  const std::string load_end = LoadAverage();
  fmt::print("ledger_store_bench: N = {} records on SQLite (WAL, synchronous=FULL) in {}; {} cores; load average "
             "(1/5/15 min) at start {}, at end {}\n",
             n, dir.parent_path().string(), std::thread::hardware_concurrency(), load_start, load_end);
  fmt::print("data: {} records ({} withdrawn), {} versions, {} publication events; + {} single publications = {} "
             "ledger leaves\n",
             records, withdrawn, versions, events, 2 * kSingles, size);
  fmt::print("generation (not a figure): {:.1f} s = {} reference records through the app {:.2f} s + {} records by "
             "bulk SQL {:.1f} s ({:.0f} records/s)\n",
             ref_s + bulk_s, refs.size(), ref_s, generated, bulk_s, static_cast<double>(generated) / bulk_s);
  fmt::print("database: {:.1f} MiB before the ledger, {:.1f} MiB after (WAL {:.1f} MiB)", MiB(db_before_ledger),
             MiB(db_bytes), MiB(wal_bytes));
  if (!table_bytes.empty())
    fmt::print("; ledger_leaves {:.1f} MiB + indexes {:.1f} MiB, ledger_nodes {:.1f} MiB; records + record_versions "
               "{:.1f} MiB; publication_events + indexes {:.1f} MiB",
               MiB(tb({"ledger_leaves"})),
               MiB(tb({"ledger_leaves_record", "sqlite_autoindex_ledger_leaves_1", "sqlite_autoindex_ledger_leaves_2"})),
               MiB(tb({"ledger_nodes"})), MiB(tb({"records", "record_versions", "sqlite_autoindex_record_versions_1"})),
               MiB(tb({"publication_events", "publication_events_site", "publication_events_item",
                       "publication_events_unit", "publication_events_record", "publication_events_at"})));
  fmt::print("\n\n");

  auto line = [](const std::string& what, const std::string& value, const char* target = "") {
    fmt::print("  {:<66} {:>12}   {}\n", what, value, target);
  };
  line("whole-site figures", "value", "target");
  line(fmt::format("SequenceLedger from empty: {} leaves + 1 signed head", seq->size), fmt::format("{:.1f} s", seq_s));
  line("  per leaf = append cost per publication in bulk",
       fmt::format("{:.1f} us", 1e6 * seq_s / static_cast<double>(seq->size)), "< 1 ms per publication");
  line("  leaves per second", fmt::format("{:.0f}", static_cast<double>(seq->size) / seq_s));
  line(fmt::format("WriteDump, no files: {} records, {} versions, {} leaves", sum->records, sum->versions, sum->leaves),
       fmt::format("{:.1f} s", dump_s));
  line(fmt::format("  dump size on disk ({} attachment lines)", sum->attachments), fmt::format("{:.1f} MiB", MiB(dump_bytes)));
  line("VerifyDump with the site's verifier key (report.ok())", fmt::format("{:.1f} s", verify_s),
       report.ok() ? "passes" : "FAILS");
  line("  its ledger part alone (dir with checkpoint.txt + ledger.jsonl)", fmt::format("{:.2f} s", ledger_verify_s),
       "< 10 s (full ledger verification)");
  line("  pure ledger check: read ledger.jsonl, hash leaves, RootOfLeaves", fmt::format("{:.2f} s", Sec(l0, l3)),
       "< 10 s (full ledger verification)");
  line("    of which read ledger.jsonl + verify the checkpoint", fmt::format("{:.2f} s", Sec(l0, l1)));
  line("    of which hash every leaf", fmt::format("{:.2f} s", Sec(l1, l2)));
  line("    of which RootOfLeaves", fmt::format("{:.2f} s", Sec(l2, l3)));
  fmt::print("\n");
  Header();
  Row(fmt::format("append 1 publication, no key (append only), {} runs", kSingles), Summarize(single_nokey),
      "< 1 ms");
  Row(fmt::format("append 1 publication + sign a head, {} runs", kSingles), Summarize(single_key), "< 1 ms");
  Row(fmt::format("  then MaintainStorage (deferred WAL checkpoint when due), {} runs", 2 * kSingles),
      Summarize(maintain_ms));
  Row("  of which merkle::Root over the store (200 runs)", Summarize(root_ms));
  Row("  of which SignTreeHead (Ed25519, 200 runs)", Summarize(sign_ms));
  Row("  fdatasync of 4 KiB on this disk (floor of 1 commit, 30 runs)", Summarize(sync_ms));
  Row(fmt::format("ProveInclusion at {} leaves, 1000 random ({} hashes max)", size, incl_len), Summarize(incl_ms),
      "< 5 ms");
  Row("  VerifyInclusion of those proofs", Summarize(incl_verify_ms));
  Row("inclusion proof by record: LedgerLeavesOfRecord + ProveInclusion", Summarize(by_record_ms), "< 5 ms");
  Row(fmt::format("ProveConsistency, 1000 random pairs ({} hashes max)", cons_len), Summarize(cons_ms));
  Row("  VerifyConsistency of those proofs", Summarize(cons_verify_ms));

  raw->reset();
  opened->reset();
  return 0;
}
