// Crash safety of the running server: `gongkai serve` is SIGKILLed at random
// moments (at least kKills times, plus some kills during start-up) while
// several clients publish new records and revise published ones, as units'
// systems and liaisons do: the API with unit tokens for create, submit,
// approve and publish; the admin pages (session and CSRF token) for what the
// API has no endpoint for (registering a 待公开事项, starting a revision,
// editing the revision's draft). The server is restarted after each kill.
//
// Each client keeps a journal of every change acknowledged to it (a 2xx
// answer to a publication: record id, version, 索引号, the content sent). A
// request that got no answer is ambiguous: the client leaves that record
// alone from then on (it stays in whatever state the kill left it in, which
// the consistency checks below cover too). A connection refused while the
// server is down never reached it, and is retried.
//
// At the end: every acknowledged change is stored with its content (in the
// tables and in the open-data dump); every record's versions, working copy,
// publication events, audit entries, obligation and 索引号 agree; 索引号 never
// repeat and the per-unit serials count exactly the numbers given;
// `gongkai search check` finds nothing missing or stale; the ledger has one
// leaf per publication event and `gongkai verify` accepts the dump; on
// SQLite `PRAGMA integrity_check` is ok.
//
// Also runs in the PostgreSQL pass (the database server is not killed,
// only gongkai: the transactions of the PostgreSQL store are what is tested
// there); integrity_check is SQLite's own and is skipped on PostgreSQL.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/blackbox/harness.h"
#include "tests/blackbox/web_session.h"

namespace gongkai::testing {
namespace {

using json = nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

constexpr int kKills = 50;   // kills of a server that was answering requests
constexpr int kWorkers = 4;  // concurrent clients
const std::string kChecklist = R"({"no_state_secret":true,"no_commercial_secret":true,"personal_info_handled":true})";

// `gongkai serve` on a fixed loopback port (after the first start), which
// the test kills with SIGKILL and starts again.
class KillableServer {
 public:
  KillableServer(std::filesystem::path db, std::filesystem::path dir) : db_(std::move(db)), dir_(std::move(dir)) {}
  ~KillableServer() { Kill(); }

  // Starts the process without waiting for it.
  void Spawn() {
    std::error_code ec;
    std::filesystem::remove(dir_ / "port", ec);
    std::vector<std::string> args = {GONGKAI_BIN,   "serve",
                                     "--db",        DbLocation(db_),
                                     "--listen",    "127.0.0.1:" + std::to_string(port_),
                                     "--port-file", (dir_ / "port").string(),
                                     "--threads",   "16"};
    if (PgBackend()) {
      args.push_back("--ledger-key");
      args.push_back(db_.string() + ".ledger-key");
    }
    pid_ = SpawnWithLog(std::move(args), dir_ / "server.log", /*append=*/true);
  }

  // Starts the server and waits (up to 30 s) until /healthz answers. False
  // if it exits or never answers.
  bool Start() {
    Spawn();
    const auto deadline = SteadyClock::now() + std::chrono::seconds(30);
    while (SteadyClock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      if (port_ == 0 && std::filesystem::exists(dir_ / "port")) port_ = std::atoi(ReadFile(dir_ / "port").c_str());
      if (port_ > 0 && std::filesystem::exists(dir_ / "port")) {
        httplib::Client c("127.0.0.1", port_);
        c.set_connection_timeout(1, 0);
        if (auto res = c.Get("/healthz"); res && res->status == 200) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  // SIGKILL. True if the server was still running: false if it had ended
  // on its own (crashed or exited) before.
  bool Kill() {
    if (pid_ <= 0) return true;
    int status = 0;
    const bool ended = waitpid(pid_, &status, WNOHANG) == pid_;
    if (!ended) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
    }
    pid_ = -1;
    if (ended)
      died_ += "exit status " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ", signal " +
               std::to_string(WIFSIGNALED(status) ? WTERMSIG(status) : 0) + "; ";
    return !ended;
  }
  // How the server ended when it ended on its own, "" if it never did.
  const std::string& died() const { return died_; }

  // SIGTERM: the graceful stop (in-flight requests finish).
  void Stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 1000; ++i) {
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    Kill();
  }

  int port() const { return port_; }
  std::string Log() const { return ReadFile(dir_ / "server.log"); }

 private:
  std::filesystem::path db_;
  std::filesystem::path dir_;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string died_;
};

// A unit whose systems and liaison publish in the test.
struct UnitSetup {
  std::string unit;
  std::string target;  // "item/element" as the obligation form takes it
  int item = 0;
  std::string element;
  std::string liaison_token;
  std::string leader_token;
  WebSession web;  // the unit's liaison, signed in on the admin pages
};

// One change acknowledged to a client: a publication answered 200.
struct Ack {
  long long id = 0;
  int version = 0;
  std::string index_number;
  std::string title;
  std::string body;
};

// What a request came to.
struct Reply {
  enum Kind { kAnswered, kLost } kind = kLost;
  int status = 0;
  std::string body;
};

struct Shared {
  std::atomic<int> port{0};
  // Odd while a kill is under way (from kill() until the process is
  // reaped), even otherwise: a request that overlaps no kill must be answered.
  std::atomic<int> epoch{0};
  std::atomic<bool> stop{false};   // finish the current change, then return
  std::atomic<bool> abort{false};  // give up at once (the server cannot start)
  std::mutex mu;
  std::vector<Ack> journal;
  std::vector<std::string> failures;  // answers no change in flight explains
  int lost = 0;                       // requests the kills left unanswered
  std::vector<std::string> dropped;   // requests lost with no kill under way
  int refused = 0;                    // connections refused while the server was down
  int new_records = 0, revisions = 0, with_obligation = 0;
};

// Sends one request, retrying while the server is down (connection refused
// or not accepted in time: the request never reached it). A request sent and
// not answered is lost.
template <typename F>
Reply Send(Shared& sh, F request) {
  while (true) {
    httplib::Client c("127.0.0.1", sh.port.load());
    c.set_connection_timeout(5, 0);
    c.set_read_timeout(30, 0);
    c.set_keep_alive(false);
    const int epoch = sh.epoch.load();
    httplib::Result res = request(c);
    if (res) return Reply{Reply::kAnswered, res->status, res->body};
    if (res.error() != httplib::Error::Connection && res.error() != httplib::Error::ConnectionTimeout) {
      std::lock_guard lock(sh.mu);
      ++sh.lost;
      if (epoch % 2 == 0 && sh.epoch.load() == epoch)
        sh.dropped.push_back(httplib::to_string(res.error()) + " between kills " + std::to_string(epoch / 2) + " and " +
                             std::to_string(epoch / 2 + 1));
      return Reply{};
    }
    {
      std::lock_guard lock(sh.mu);
      ++sh.refused;
    }
    if (sh.abort) return Reply{};
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

class Client {
 public:
  Client(Shared& sh, const UnitSetup& u, int n) : sh_(sh), u_(u), n_(n), rng_(4242 + n) {}

  void Run() {
    while (!sh_.stop && !sh_.abort) {
      if (!mine_.empty() && rng_() % 100 < 40) {
        std::size_t pick = rng_() % mine_.size();
        if (!Revise(mine_[pick])) mine_.erase(mine_.begin() + static_cast<std::ptrdiff_t>(pick));
      } else if (auto a = PublishNew()) {
        mine_.push_back(*a);
      }
    }
  }

 private:
  Reply Api(const std::string& path, const std::string& token, const std::string& body) {
    httplib::Headers h{{"Authorization", "Bearer " + token}};
    return Send(sh_, [&](httplib::Client& c) { return c.Post(path.c_str(), h, body, "application/json"); });
  }

  Reply Web(const std::string& path, httplib::Params params) {
    params.emplace("_csrf", u_.web.csrf);
    return Send(sh_, [&](httplib::Client& c) { return c.Post(path.c_str(), SessionCookies(&u_.web), params); });
  }

  // True when the step was answered `want`; a lost request is counted by
  // Send, any other answer is a failure (every earlier step of this record
  // was acknowledged, so nothing explains it).
  bool Expect(const Reply& r, int want, const std::string& what) {
    if (r.kind == Reply::kLost) return false;
    if (r.status == want) return true;
    std::lock_guard lock(sh_.mu);
    sh_.failures.push_back(Describe(what, r));
    return false;
  }

  static std::string Describe(const std::string& what, const Reply& r) {
    return what + ": HTTP " + std::to_string(r.status) + " " + r.body.substr(0, 400);
  }

  // The publication's answer checked and journalled.
  std::optional<Ack> Published(const Reply& r, long long id, int want_version, const std::string& want_index,
                               const std::string& title, const std::string& body, const std::string& what) {
    if (!Expect(r, 200, what)) return std::nullopt;
    json doc = json::parse(r.body, nullptr, false);
    Ack a;
    a.id = id;
    a.title = title;
    a.body = body;
    if (!doc.is_discarded() && doc["version"].is_number_integer() && doc["index_number"].is_string()) {
      a.version = doc["version"].get<int>();
      a.index_number = doc["index_number"].get<std::string>();
    }
    std::lock_guard lock(sh_.mu);
    if (a.version != want_version || a.index_number.empty() || (!want_index.empty() && a.index_number != want_index))
      sh_.failures.push_back(what + ": unexpected answer " + r.body.substr(0, 400));
    sh_.journal.push_back(a);
    return a;
  }

  // The obligation's id, from the work page the registration answers with.
  std::optional<long long> RegisterObligation(const std::string& title) {
    Reply r = Web("/admin/obligations",
                  {{"unit", u_.unit}, {"target", u_.target}, {"title", title}, {"formed_on", "2026-11-02"}});
    if (!Expect(r, 200, "register obligation " + title)) return std::nullopt;
    std::smatch m;
    const std::regex re("/admin/records/new\\?obligation=(\\d+)\">起草公开信息<span class=\"visually-hidden\">：" +
                        title + "<");
    if (!std::regex_search(r.body, m, re)) {
      std::lock_guard lock(sh_.mu);
      sh_.failures.push_back("the work page lists no obligation " + title);
      return std::nullopt;
    }
    return std::stoll(m[1].str());
  }

  std::optional<Ack> PublishNew() {
    const std::string marker = "C" + std::to_string(n_) + "-" + std::to_string(seq_++);
    const std::string title = "崩溃测试采购公告" + marker;
    const std::string body = "采购公告正文，标记" + marker + "，第1版。";
    json draft = {{"title", title}, {"body", body}, {"genre", "公告"}, {"channels", {"门户网站"}}};
    const bool obligation = rng_() % 4 == 0;
    if (obligation) {
      auto o = RegisterObligation("待公开" + marker);
      if (!o) return std::nullopt;
      draft["obligation_id"] = *o;
    } else {
      draft["unit"] = u_.unit;
      draft["item"] = u_.item;
      if (!u_.element.empty()) draft["element"] = u_.element;
      draft["formed_on"] = "2026-11-02";
    }
    Reply created = Api("/api/v1/records", u_.liaison_token, draft.dump());
    if (!Expect(created, 201, "create " + marker)) return std::nullopt;
    json doc = json::parse(created.body, nullptr, false);
    if (doc.is_discarded() || !doc["id"].is_number_integer()) {
      std::lock_guard lock(sh_.mu);
      sh_.failures.push_back("create " + marker + " answered no id: " + created.body.substr(0, 400));
      return std::nullopt;
    }
    const long long id = doc["id"].get<long long>();
    const std::string base = "/api/v1/records/" + std::to_string(id);
    if (!Expect(Api(base + "/submit", u_.liaison_token, ""), 200, "submit " + marker)) return std::nullopt;
    if (!Expect(Api(base + "/approve", u_.leader_token, kChecklist), 200, "approve " + marker)) return std::nullopt;
    auto a = Published(Api(base + "/publish", u_.liaison_token, ""), id, 1, "", title, body, "publish " + marker);
    if (a) {
      std::lock_guard lock(sh_.mu);
      ++sh_.new_records;
      if (obligation) ++sh_.with_obligation;
    }
    return a;
  }

  // Publishes a new version of `a` (updated on success). False when the
  // record's state is no longer known.
  bool Revise(Ack& a) {
    const int v = a.version + 1;
    const std::string marker = "C" + std::to_string(n_) + "-" + std::to_string(seq_++);
    const std::string title = "崩溃测试采购公告（修订" + std::to_string(v) + "）" + marker;
    const std::string body = "采购公告正文，标记" + marker + "，第" + std::to_string(v) + "版。";
    const std::string page = "/admin/records/" + std::to_string(a.id);
    if (!Expect(Web(page + "/revise", {}), 200, "revise " + marker)) return false;
    Reply edited = Web(page, {{"title", title},
                              {"body", body},
                              {"genre", "公告"},
                              {"channels", "门户网站"},
                              {"disclosure_mode", "主动公开"},
                              {"scope", "全社会"},
                              {"change_note", "更正采购公告内容" + marker}});
    if (!Expect(edited, 200, "edit " + marker)) return false;
    const std::string base = "/api/v1/records/" + std::to_string(a.id);
    if (!Expect(Api(base + "/submit", u_.liaison_token, ""), 200, "submit " + marker)) return false;
    if (!Expect(Api(base + "/approve", u_.leader_token, kChecklist), 200, "approve " + marker)) return false;
    auto next = Published(Api(base + "/publish", u_.liaison_token, ""), a.id, v, a.index_number, title, body,
                          "publish " + marker);
    if (!next) return false;
    a = *next;
    std::lock_guard lock(sh_.mu);
    ++sh_.revisions;
    return true;
  }

  Shared& sh_;
  const UnitSetup& u_;
  int n_;
  std::mt19937 rng_;
  int seq_ = 0;
  std::vector<Ack> mine_;  // published records whose state this client knows
};

std::string Token(const std::filesystem::path& db, const std::string& name, const std::string& unit,
                  const std::string& role) {
  auto r = RunGongkai(
      {"token", "add", "--db", db.string(), "--name", name, "--unit", unit, "--role", role, "--secret-only"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out.substr(0, r.out.find_first_of("\r\n"));
}

long long Count(const std::filesystem::path& db, const char* sql) { return DbScalar(db, sql); }

TEST(ServerCrashSafety, KilledServerLosesNoAcknowledgedChangeAndLeavesNothingHalfWritten) {
  const auto t0 = SteadyClock::now();
  TempDir dir;
  const auto db = dir / "crash.db";
  auto init = RunGongkai({"init", "--db", db.string()});
  ASSERT_EQ(init.exit_code, 0) << init.err;

  // Two units, two clients each: the same unit's 索引号 serial is contended.
  std::vector<UnitSetup> units(2);
  units[0].unit = "区财政局";
  units[0].item = 12;
  units[0].element = "采购合同";
  units[0].target = "12/采购合同";
  units[1].unit = "区发改局";
  units[1].item = 1;
  units[1].target = "1/";
  for (std::size_t i = 0; i < units.size(); ++i) {
    auto& u = units[i];
    u.liaison_token = Token(db, "采购系统" + std::to_string(i), u.unit, "liaison");
    u.leader_token = Token(db, "审批系统" + std::to_string(i), u.unit, "leader");
    ASSERT_FALSE(u.liaison_token.empty());
    ASSERT_FALSE(u.leader_token.empty());
    ASSERT_TRUE(AddAccount(db, "crash_liaison" + std::to_string(i), "liaison", u.unit, "Crash-Liaison-2026"));
  }
  // Sessions live in the database: signed in once, they survive the kills.
  {
    ServerProcess login(db);
    ASSERT_TRUE(login.Start());
    for (std::size_t i = 0; i < units.size(); ++i) {
      units[i].web = WebLogin(login, "crash_liaison" + std::to_string(i), "Crash-Liaison-2026");
      ASSERT_FALSE(units[i].web.token.empty());
    }
  }

  KillableServer server(db, dir.path());
  ASSERT_TRUE(server.Start()) << server.Log();
  Shared sh;
  sh.port = server.port();
  std::vector<std::unique_ptr<Client>> clients;
  std::vector<std::thread> threads;
  for (int n = 0; n < kWorkers; ++n) {
    clients.push_back(std::make_unique<Client>(sh, units[static_cast<std::size_t>(n) % units.size()], n));
    threads.emplace_back([c = clients.back().get()] { c->Run(); });
  }

  std::mt19937 rng(20261129);
  int kills = 0, startup_kills = 0;
  bool restarted = true;
  while (kills < kKills) {
    // Up for 100-1000 ms with the clients at work, then killed.
    std::this_thread::sleep_for(std::chrono::milliseconds(100 + rng() % 900));
    ++sh.epoch;
    server.Kill();
    ++sh.epoch;
    ++kills;
    // Now and then also killed while it starts (recovery, the sequencer catching up).
    if (rng() % 6 == 0) {
      server.Spawn();
      std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 150));
      ++sh.epoch;
      server.Kill();
      ++sh.epoch;
      ++startup_kills;
    }
    if (!server.Start()) {
      restarted = false;
      break;
    }
  }
  if (!restarted) {
    sh.abort = true;
    for (auto& t : threads) t.join();
    FAIL() << "the server did not start again after kill " << kills << ":\n" << server.Log();
  }
  // The last server stays up: the clients finish the change in hand.
  sh.stop = true;
  for (auto& t : threads) t.join();
  const double run_s = std::chrono::duration<double>(SteadyClock::now() - t0).count();

  EXPECT_EQ(server.died(), "") << "the server ended without being killed:\n" << server.Log();
  // The server never drops a request on its own.
  EXPECT_TRUE(sh.dropped.empty()) << sh.dropped.size()
                                  << " requests unanswered with no kill under way, first: " << sh.dropped.front();
  EXPECT_TRUE(sh.failures.empty()) << sh.failures.size() << " unexplained answers, first: " << sh.failures.front();
  // The kills must have landed while changes were in flight, and work must
  // have been acknowledged between them.
  EXPECT_GT(sh.lost, 0);
  EXPECT_GT(sh.new_records, 0);
  EXPECT_GT(sh.revisions, 0);
  EXPECT_GT(sh.with_obligation, 0);
  std::printf(
      "[ server_crash ] kills %d (+%d during start-up), acknowledged %zu (%d new, %d with obligation, %d revisions), "
      "requests lost %d, refused while down %d, %.1f s\n",
      kills, startup_kills, sh.journal.size(), sh.new_records, sh.with_obligation, sh.revisions, sh.lost, sh.refused,
      run_s);

  // The sequencer of the last server catches up, then a graceful stop.
  ASSERT_TRUE(WaitForLedgerSettled(db)) << "the ledger sequencer did not catch up";
  server.Stop();

  // 1. Every acknowledged change is there with its content.
  std::map<long long, std::pair<int, std::string>> current;  // id -> published_version, 索引号
  for (const auto& row : DbRows(db, "SELECT id, published_version, coalesce(index_number, '') FROM records"))
    current[std::stoll(row[0])] = {std::stoi(row[1]), row[2]};
  std::map<std::pair<long long, int>, std::pair<std::string, std::string>> versions;  // -> title, body
  for (const auto& row : DbRows(db, "SELECT record_id, version, title, body FROM record_versions"))
    versions[{std::stoll(row[0]), std::stoi(row[1])}] = {row[2], row[3]};
  std::map<std::string, long long> index_owner;
  int checked = 0;
  for (const auto& a : sh.journal) {
    SCOPED_TRACE("record " + std::to_string(a.id) + " version " + std::to_string(a.version));
    auto cur = current.find(a.id);
    ASSERT_NE(cur, current.end()) << "an acknowledged record is gone";
    EXPECT_GE(cur->second.first, a.version);
    EXPECT_EQ(cur->second.second, a.index_number);
    auto v = versions.find({a.id, a.version});
    ASSERT_NE(v, versions.end()) << "an acknowledged version is gone";
    EXPECT_EQ(v->second.first, a.title);
    EXPECT_EQ(v->second.second, a.body);
    auto [owner, fresh] = index_owner.emplace(a.index_number, a.id);
    EXPECT_TRUE(fresh || owner->second == a.id) << "索引号 " << a.index_number << " given to two records";
    ++checked;
  }
  EXPECT_EQ(checked, static_cast<int>(sh.journal.size()));

  // 2. Nothing half-written: versions, working copy, events, audit, 索引号, obligations.
  EXPECT_EQ(Count(db,
                  "SELECT count(*) FROM records r WHERE r.published_version <> "
                  "(SELECT count(*) FROM record_versions v WHERE v.record_id = r.id)"),
            0);
  EXPECT_EQ(Count(db,
                  "SELECT count(*) FROM records r WHERE r.published_version > 0 AND r.published_version <> "
                  "(SELECT max(version) FROM record_versions v WHERE v.record_id = r.id)"),
            0);
  EXPECT_EQ(Count(db,
                  "SELECT count(*) FROM record_versions v WHERE NOT EXISTS "
                  "(SELECT 1 FROM records r WHERE r.id = v.record_id)"),
            0);
  EXPECT_EQ(Count(db, "SELECT count(*) FROM records WHERE (published_version > 0) <> (index_number IS NOT NULL)"), 0);
  EXPECT_EQ(Count(db, "SELECT count(*) FROM records WHERE status = 'published' AND published_version = 0"), 0);
  EXPECT_EQ(Count(db,
                  "SELECT count(*) FROM records r JOIN record_versions v ON v.record_id = r.id AND "
                  "v.version = r.published_version WHERE r.published_title <> v.title OR "
                  "(r.status = 'published' AND (r.title <> v.title OR r.body <> v.body))"),
            0);
  // One publication event per version, of the right kind, with the record's 索引号; none without a version.
  EXPECT_EQ(Count(db,
                  "SELECT count(*) FROM record_versions v JOIN records r ON r.id = v.record_id WHERE "
                  "(SELECT count(*) FROM publication_events e WHERE e.record_id = v.record_id AND "
                  "e.version = v.version AND e.index_number = r.index_number AND e.kind = "
                  "CASE WHEN v.version = 1 THEN 'publish' ELSE 'revise' END) <> 1"),
            0);
  EXPECT_EQ(Count(db,
                  "SELECT count(*) FROM publication_events e WHERE NOT EXISTS (SELECT 1 FROM record_versions v "
                  "WHERE v.record_id = e.record_id AND v.version = e.version)"),
            0);
  EXPECT_EQ(Count(db, "SELECT count(*) FROM record_versions"),
            Count(db, "SELECT count(*) FROM audit_log WHERE action = '发布公开信息'"));
  // 索引号 never repeat, and each unit's serial counts exactly the numbers given.
  EXPECT_EQ(Count(db, "SELECT count(*) - count(DISTINCT index_number) FROM records WHERE index_number IS NOT NULL"), 0);
  EXPECT_EQ(Count(db, "SELECT coalesce(sum(last), 0) FROM index_serials"),
            Count(db, "SELECT count(*) FROM records WHERE index_number IS NOT NULL"));
  // An obligation is published exactly when its record is, and its deadline is then closed.
  EXPECT_EQ(Count(db,
                  "SELECT count(*) FROM obligations o WHERE o.state = 'published' AND NOT EXISTS "
                  "(SELECT 1 FROM records r WHERE r.id = o.record_id AND r.obligation_id = o.id AND "
                  "r.published_version > 0)"),
            0);
  EXPECT_EQ(Count(db,
                  "SELECT count(*) FROM records r WHERE r.published_version > 0 AND r.obligation_id > 0 AND "
                  "NOT EXISTS (SELECT 1 FROM obligations o WHERE o.id = r.obligation_id AND "
                  "o.state = 'published' AND o.record_id = r.id)"),
            0);
  for (const auto& row : DbRows(db,
                                "SELECT o.id, o.state, d.open FROM obligations o JOIN deadlines d ON "
                                "d.id = o.deadline_id"))
    EXPECT_EQ(row[2], row[1] == "open" ? "1" : "0") << "obligation " << row[0] << " " << row[1];
  EXPECT_GT(Count(db, "SELECT count(*) FROM obligations WHERE state = 'published'"), 0);

  // 3. The database's own check.
  if (!PgBackend()) {
    EXPECT_EQ(DbText(db, "PRAGMA integrity_check"), "ok");
  }

  // 4. The search index agrees with the records.
  auto search = RunGongkai({"search", "check", "--db", db.string()});
  EXPECT_EQ(search.exit_code, 0) << search.out << search.err;
  EXPECT_NE(search.out.find("缺漏0条；过时0条"), std::string::npos) << search.out;

  // 5. The ledger: one leaf per publication event, in order, no gap; the dump verifies offline
  // and holds every acknowledged version as it was sent.
  EXPECT_EQ(Count(db,
                  "SELECT count(*) FROM publication_events e WHERE NOT EXISTS "
                  "(SELECT 1 FROM ledger_leaves l WHERE l.event_seq = e.seq)"),
            0);
  EXPECT_EQ(Count(db, "SELECT count(*) FROM ledger_leaves"), Count(db, "SELECT count(*) FROM publication_events"));
  EXPECT_EQ(Count(db, "SELECT coalesce(max(leaf_index) + 1, 0) FROM ledger_leaves"),
            Count(db, "SELECT count(*) FROM ledger_leaves"));
  auto dump = RunGongkai({"dump", "--db", db.string(), "--out", (dir / "dump").string()});
  ASSERT_EQ(dump.exit_code, 0) << dump.err;
  auto verify = RunGongkai({"verify", "--dir", (dir / "dump").string()});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  std::map<std::pair<long long, int>, json> dumped;
  std::istringstream lines(ReadFile(dir / "dump" / "records.jsonl"));
  for (std::string line; std::getline(lines, line);) {
    json doc = json::parse(line, nullptr, false);
    if (doc.is_discarded()) continue;
    dumped[{doc.value("record_id", 0LL), doc.value("version", 0)}] = doc;
  }
  EXPECT_EQ(static_cast<long long>(dumped.size()), Count(db, "SELECT count(*) FROM record_versions"));
  for (const auto& a : sh.journal) {
    auto d = dumped.find({a.id, a.version});
    ASSERT_NE(d, dumped.end()) << "record " << a.id << " version " << a.version << " is not in the dump";
    EXPECT_EQ(d->second.value("title", ""), a.title);
    EXPECT_EQ(d->second.value("body", ""), a.body);
    EXPECT_EQ(d->second.value("index_number", ""), a.index_number);
  }
  std::printf("[ server_crash ] checked %d acknowledged changes, %lld records, %lld versions; total %.1f s\n", checked,
              Count(db, "SELECT count(*) FROM records"), Count(db, "SELECT count(*) FROM record_versions"),
              std::chrono::duration<double>(SteadyClock::now() - t0).count());
}

}  // namespace
}  // namespace gongkai::testing
