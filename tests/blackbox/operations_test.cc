// Black-box tests of operations (issue 11, item 6): /healthz checks the
// database, /metrics counts requests by route pattern and is closed to
// proxied and foreign peers, the request log holds no personal data or
// secrets, and SIGTERM lets a request in flight finish before exiting 0.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <thread>

#include "tests/blackbox/draft_json.h"
#include "tests/blackbox/harness.h"
#include "tests/blackbox/web_session.h"

namespace gongkai::testing {
namespace {

using json = nlohmann::json;

constexpr const char* kAdmin = "ops_admin";
constexpr const char* kAdminPassword = "Ops-Admin-Secret-2026";
constexpr const char* kWrongPassword = "Not-The-Password-7731";
constexpr const char* kPhone = "13912345678";
constexpr const char* kName = "欧阳秀英";

std::string InitDb(const TempDir& dir, const std::string& name) {
  auto db = (dir / name).string();
  auto r = RunGongkai({"init", "--db", db});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return db;
}

std::string TokenSecret(const std::string& db) {
  auto r = RunGongkai({"token", "add", "--db", db, "--name", "运维测试", "--unit", "区财政局", "--secret-only"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::string s = r.out;
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  EXPECT_TRUE(s.starts_with("gk_")) << s;
  return s;
}

std::string DraftJson(const std::string& title) { return ApiDraftJson("区财政局", title); }

// The value of the sample `series` (name and labels exactly as exposed) in
// an exposition; -1 when absent.
double Sample(const std::string& exposition, const std::string& series) {
  const std::string head = series + " ";
  for (std::size_t at = exposition.find(head); at != std::string::npos; at = exposition.find(head, at + 1)) {
    if (at != 0 && exposition[at - 1] != '\n') continue;
    return std::stod(exposition.substr(at + head.size()));
  }
  return -1;
}

std::string Metrics(const ServerProcess& server) {
  auto res = server.Client()->Get("/metrics");
  if (!res) {
    ADD_FAILURE() << "GET /metrics: no response";
    return {};
  }
  EXPECT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  return res->body;
}

TEST(OperationsTest, MetricsCountRequestsByRoutePattern) {
  TempDir dir;
  auto db = InitDb(dir, "metrics.db");
  ServerProcess server(db);
  ASSERT_TRUE(server.Start());

  const std::string missing = R"(gongkai_http_requests_total{route="/records/{}",method="GET",status="4xx"})";
  const std::string units = R"(gongkai_http_requests_total{route="/units/{}",method="GET",status="2xx"})";
  const std::string search = R"(gongkai_http_requests_total{route="/search",method="GET",status="2xx"})";
  const std::string search_hist = R"(gongkai_http_request_duration_seconds_count{route="/search"})";
  const std::string before = Metrics(server);
  const double missing0 = std::max(0.0, Sample(before, missing));

  auto c = server.Client();
  for (int i = 0; i < 3; ++i) {
    auto r = c->Get(("/records/" + std::to_string(900000 + i)).c_str());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 404);
  }
  auto unit = c->Get(("/units/" + UrlEncode("区财政局")).c_str());
  ASSERT_TRUE(unit);
  EXPECT_EQ(unit->status, 200);
  auto found = c->Get(("/search?q=" + UrlEncode(kPhone)).c_str());
  ASSERT_TRUE(found);
  EXPECT_EQ(found->status, 200);
  auto nowhere = c->Get("/no/such/page/secret-path-segment");
  ASSERT_TRUE(nowhere);
  EXPECT_EQ(nowhere->status, 404);

  // A request is counted just after its last byte is sent, so its client
  // may ask for /metrics a moment before: wait (bounded) for the counts.
  std::string after;
  for (int i = 0; i < 100; ++i) {
    after = Metrics(server);
    if (Sample(after, missing) >= missing0 + 3 && Sample(after, units) >= 1 && Sample(after, search) >= 1 &&
        Sample(after, R"(gongkai_http_requests_total{route="unmatched",method="GET",status="4xx"})") >= 1)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(Sample(after, missing), missing0 + 3) << after;
  EXPECT_EQ(Sample(after, units), 1) << after;
  EXPECT_EQ(Sample(after, search), 1) << after;
  EXPECT_EQ(Sample(after, search_hist), 1) << after;
  EXPECT_GE(Sample(after, R"(gongkai_http_requests_total{route="unmatched",method="GET",status="4xx"})"), 1)
      << after;
  // The first scrape counted itself once it was answered.
  EXPECT_GE(Sample(after, R"(gongkai_http_requests_total{route="/metrics",method="GET",status="2xx"})"), 1);
  EXPECT_GE(Sample(after, "gongkai_http_server_errors_total"), 0) << after;
  EXPECT_GE(Sample(after, R"(gongkai_obligations_overdue{site="demo"})"), 0) << after;
  // Route patterns only: never a path's own value or a query.
  for (const std::string raw : {std::string("900000"), std::string("区财政局"), std::string(kPhone),
                                std::string("secret-path-segment"), std::string("q=")})
    EXPECT_EQ(after.find(raw), std::string::npos) << raw;

  // Through a proxy (nginx connects from loopback too): refused.
  auto proxied = c->Get("/metrics", {{"X-Forwarded-For", "203.0.113.9"}});
  ASSERT_TRUE(proxied);
  EXPECT_EQ(proxied->status, 403);
  EXPECT_NE(proxied->body.find("禁止访问"), std::string::npos) << proxied->body;
  EXPECT_EQ(proxied->body.find("gongkai_http"), std::string::npos);
}

// The overdue gauge is the compliance dashboard's figure: what
// `gongkai report compliance` prints as 当前逾期未公开 for the whole site.
TEST(OperationsTest, OverdueGaugeMatchesComplianceReport) {
  TempDir dir;
  auto db = (dir / "overdue.db").string();
  auto init = RunGongkai({"init", "--db", db, "--demo"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  auto report = RunGongkai({"report", "compliance", "--db", db, "--format", "csv"});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  ServerProcess server(db);
  ASSERT_TRUE(server.Start());
  const std::string exposition = Metrics(server);
  const double gauge = Sample(exposition, R"(gongkai_obligations_overdue{site="demo"})");
  // The first sheet (全区) has a header row and the site's row; find the column.
  std::vector<std::vector<std::string>> rows;
  std::string line;
  for (char ch : report.out + "\n") {
    if (ch == '\n') {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.starts_with("【") && !rows.empty()) break;
      if (!line.empty() && !line.starts_with("【") && !line.starts_with("\xEF\xBB\xBF【")) {
        std::vector<std::string> cells;
        std::string cell;
        for (char x : line + ",") {
          if (x == ',') {
            cells.push_back(cell);
            cell.clear();
          } else if (x != '"') {
            cell += x;
          }
        }
        rows.push_back(cells);
      }
      line.clear();
    } else {
      line += ch;
    }
  }
  ASSERT_GE(rows.size(), 2u) << report.out.substr(0, 2000);
  int column = -1;
  for (std::size_t i = 0; i < rows[0].size(); ++i)
    if (rows[0][i].find("当前逾期未公开") != std::string::npos) column = static_cast<int>(i);
  ASSERT_GE(column, 0) << report.out.substr(0, 2000);
  ASSERT_LT(static_cast<std::size_t>(column), rows[1].size());
  EXPECT_EQ(gauge, std::stod(rows[1][column])) << report.out.substr(0, 2000);
  EXPECT_GT(gauge, 0) << "the demo data should have overdue obligations";
  EXPECT_GE(Sample(exposition, R"(gongkai_obligations_backlog{site="demo"})"), 0) << exposition;
}

TEST(OperationsTest, HealthzAnswers503WhenTheDatabaseCannotBeRead) {
  if (PgBackend()) GTEST_SKIP() << "breaks the SQLite file under the server";
  TempDir dir;
  auto db = InitDb(dir, "health.db");
  ServerProcess server(db);
  ASSERT_TRUE(server.Start());
  auto ok = server.Client()->Get("/healthz");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->body, "ok\n");
  // The file and its write-ahead log emptied under the open connections.
  for (const char* suffix : {"", "-wal"}) {
    const std::string f = db + suffix;
    if (std::filesystem::exists(f)) ASSERT_EQ(truncate(f.c_str(), 0), 0) << f;
  }
  auto bad = server.Client()->Get("/healthz");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 503) << bad->body;
  EXPECT_NE(bad->body.find("数据库无法读取"), std::string::npos) << bad->body;
}

// Every line the server writes is JSON; request lines carry the route
// pattern, and nothing a user typed or holds as a secret shows up.
TEST(OperationsTest, RequestLogHasNoPersonalDataOrSecrets) {
  TempDir dir;
  auto db = InitDb(dir, "logs.db");
  ASSERT_TRUE(AddAccount(db, kAdmin, "admin", "", kAdminPassword));
  const std::string secret = TokenSecret(db);
  ServerProcess server(db);
  ASSERT_TRUE(server.Start());

  // A failed and a successful login with passwords in the form.
  LoginForm form = GetLoginForm(server);
  auto refused = PostLogin(server, form.csrf, "gk_login_csrf=" + form.cookie, kAdmin, kWrongPassword);
  ASSERT_TRUE(refused);
  WebSession session = WebLogin(server, kAdmin, kAdminPassword);
  ASSERT_FALSE(session.token.empty());
  // The API token.
  auto draft = server.Client()->Post("/api/v1/records", {{"Authorization", "Bearer " + secret}},
                                     DraftJson(std::string("关于") + kName + "的采购合同"), "application/json");
  ASSERT_TRUE(draft);
  EXPECT_EQ(draft->status, 201) << draft->body;
  const std::string request_id = draft->get_header_value("X-Request-Id");
  EXPECT_FALSE(request_id.empty());
  // Searches for a phone number and a name, on the page and the API.
  for (const std::string q : {std::string(kPhone), std::string(kName)}) {
    auto page = server.Client()->Get(("/search?q=" + UrlEncode(q)).c_str());
    ASSERT_TRUE(page);
    EXPECT_EQ(page->status, 200);
    auto api = server.Client()->Get(("/api/v1/search?q=" + UrlEncode(q)).c_str());
    ASSERT_TRUE(api);
    EXPECT_EQ(api->status, 200);
  }
  // nginx's id is used when it is offered.
  auto tagged = server.Client()->Get("/guide", {{"X-Request-Id", "nginx-0123456789abcdef"}});
  ASSERT_TRUE(tagged);
  EXPECT_EQ(tagged->get_header_value("X-Request-Id"), "nginx-0123456789abcdef");
  server.Stop();

  const std::string log = ReadFile(server.log_path());
  for (const std::string secret_text :
       {std::string(kAdminPassword), std::string(kWrongPassword), secret, secret.substr(3, 20), session.token,
        session.csrf, form.csrf, std::string(kPhone), std::string(kName), UrlEncode(kName), std::string(kAdmin),
        std::string("q="), std::string("Cookie"), std::string("Bearer")})
    EXPECT_EQ(log.find(secret_text), std::string::npos) << "the server log holds \"" << secret_text << "\":\n" << log;

  int requests = 0;
  bool login = false, api_post = false, search_page = false, search_api = false, tagged_seen = false;
  std::size_t start = 0;
  while (start < log.size()) {
    auto end = log.find('\n', start);
    if (end == std::string::npos) end = log.size();
    const std::string line = log.substr(start, end - start);
    start = end + 1;
    if (line.empty()) continue;
    auto j = json::parse(line, nullptr, false);
    ASSERT_TRUE(j.is_object()) << "not a JSON line: " << line;
    EXPECT_TRUE(j.contains("time") && j.contains("level")) << line;
    if (j.value("type", "") != "request") continue;
    ++requests;
    for (const char* key : {"id", "method", "route", "status", "duration_ms", "bytes", "site"})
      EXPECT_TRUE(j.contains(key)) << key << " missing: " << line;
    EXPECT_FALSE(j.contains("remote_addr") || j.contains("client") || j.contains("ip")) << line;
    const std::string route = j["route"], method = j["method"];
    const int status = j["status"];
    login = login || (method == "POST" && route == "/login" && status == 303 && j["site"] == "demo");
    api_post = api_post || (method == "POST" && route == "/api/v1/records" && status == 201 &&
                            j["id"] == request_id && j["bytes"].get<int>() > 0);
    search_page = search_page || (method == "GET" && route == "/search" && status == 200);
    search_api = search_api || (method == "GET" && route == "/api/v1/search" && status == 200);
    tagged_seen = tagged_seen || (route == "/guide" && j["id"] == "nginx-0123456789abcdef");
  }
  EXPECT_GE(requests, 9) << log;
  EXPECT_TRUE(login) << log;
  EXPECT_TRUE(api_post) << log;
  EXPECT_TRUE(search_page) << log;
  EXPECT_TRUE(search_api) << log;
  EXPECT_TRUE(tagged_seen) << log;
}

TEST(OperationsTest, TextLogFormat) {
  TempDir dir;
  auto db = InitDb(dir, "text.db");
  ServerProcess server(db, {"--log-format", "text"});
  ASSERT_TRUE(server.Start());
  auto r = server.Client()->Get(("/search?q=" + UrlEncode(kName)).c_str());
  ASSERT_TRUE(r);
  server.Stop();
  const std::string log = ReadFile(server.log_path());
  EXPECT_TRUE(std::regex_search(log, std::regex(R"(request id=[0-9a-f]{8}-[0-9a-f]+ GET /search 200 [0-9.]+ms \d+B site=demo)")))
      << log;
  EXPECT_EQ(log.find(kName), std::string::npos) << log;
  EXPECT_EQ(log.find(UrlEncode(kName)), std::string::npos) << log;
}

// --- graceful shutdown: a server of our own, to signal it and see its exit status ---

class OwnServer {
 public:
  OwnServer(const std::string& db, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {GONGKAI_BIN, "serve",       "--db",      DbLocation(db), "--listen",
                                     "127.0.0.1:0", "--port-file", port_file(), "--threads",    "4"};
    if (PgBackend()) {
      args.push_back("--ledger-key");
      args.push_back(db + ".ledger-key");
    }
    args.insert(args.end(), extra.begin(), extra.end());
    pid_ = SpawnWithLog(std::move(args), log_path());
  }
  ~OwnServer() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  std::string port_file() const { return (dir_ / "port").string(); }
  std::string log_path() const { return (dir_ / "server.log").string(); }
  pid_t pid() const { return pid_; }

  // Waits (up to 30 s) for the port file and a 200 from /healthz.
  bool WaitReady() {
    for (int i = 0; i < 1500; ++i) {
      if (std::filesystem::exists(port_file())) {
        port_ = std::atoi(ReadFile(port_file()).c_str());
        httplib::Client c("127.0.0.1", port_);
        if (auto r = c.Get("/healthz"); r && r->status == 200) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }
  int port() const { return port_; }

  // The exit status, waiting up to `seconds`; -1 if still running, 128+N if killed by signal N.
  int WaitExit(int seconds) {
    for (int i = 0; i < seconds * 100; ++i) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }

 private:
  TempDir dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

// A connected TCP socket to 127.0.0.1:port with a 20 s receive timeout; -1 when refused.
int Connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  timeval tv{20, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

bool SendAll(int fd, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

// Reads one response: headers, then Content-Length bytes of body (or until EOF).
std::string ReadResponse(int fd) {
  std::string in;
  char buf[4096];
  for (;;) {
    auto head_end = in.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      std::smatch m;
      const std::string head = in.substr(0, head_end);
      if (std::regex_search(head, m, std::regex(R"(Content-Length: (\d+))", std::regex::icase)) &&
          in.size() >= head_end + 4 + std::stoul(m[1].str()))
        return in;
    }
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return in;
    in.append(buf, static_cast<std::size_t>(n));
  }
}

// Polls (up to 10 s) until a new connection to `port` is refused.
bool RefusesConnections(int port) {
  for (int i = 0; i < 500; ++i) {
    int fd = Connect(port);
    if (fd < 0) return true;
    close(fd);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

TEST(OperationsTest, SigtermFinishesTheRequestInFlight) {
  TempDir dir;
  auto db = InitDb(dir, "shutdown.db");
  const std::string secret = TokenSecret(db);
  OwnServer server(db);
  ASSERT_TRUE(server.WaitReady()) << ReadFile(server.log_path());

  int fd = Connect(server.port());
  ASSERT_GE(fd, 0);
  // A first request on the connection, so a worker is serving it.
  ASSERT_TRUE(SendAll(fd, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  ASSERT_NE(ReadResponse(fd).find("\r\n\r\nok\n"), std::string::npos);
  // Then the headers and half the body of a POST.
  const std::string body = DraftJson("停机时提交的草稿");
  const std::string head = "POST /api/v1/records HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + secret +
                           "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                           "\r\n\r\n";
  ASSERT_TRUE(SendAll(fd, head + body.substr(0, body.size() / 2)));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));

  ASSERT_EQ(kill(server.pid(), SIGTERM), 0);
  // It stops accepting at once, while our request is still open.
  EXPECT_TRUE(RefusesConnections(server.port())) << "the listening socket stayed open after SIGTERM";
  EXPECT_EQ(server.WaitExit(0), -1) << "exited before the request in flight was answered";

  ASSERT_TRUE(SendAll(fd, body.substr(body.size() / 2)));
  const std::string response = ReadResponse(fd);
  close(fd);
  ASSERT_TRUE(response.starts_with("HTTP/1.1 201")) << response;
  auto doc = json::parse(response.substr(response.find("\r\n\r\n") + 4), nullptr, false);
  ASSERT_TRUE(doc.is_object()) << response;
  EXPECT_EQ(doc.value("status", ""), "draft") << response;
  const long long id = doc.value("id", 0LL);
  EXPECT_GT(id, 0);

  EXPECT_EQ(server.WaitExit(20), 0) << ReadFile(server.log_path());
  EXPECT_LT(Connect(server.port()), 0) << "the port is still open after exit";
  // The acknowledged draft is in the database.
  EXPECT_EQ(DbText(db, ("SELECT title FROM records WHERE id = " + std::to_string(id)).c_str()), "停机时提交的草稿");
}

TEST(OperationsTest, ShutdownWaitIsBounded) {
  TempDir dir;
  auto db = InitDb(dir, "stuck.db");
  OwnServer server(db, {"--shutdown-timeout", "1"});
  ASSERT_TRUE(server.WaitReady()) << ReadFile(server.log_path());
  int fd = Connect(server.port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(SendAll(fd, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  ASSERT_NE(ReadResponse(fd).find("ok\n"), std::string::npos);
  // A body that never comes (the read timeout, 10 s, is longer than the wait).
  ASSERT_TRUE(SendAll(fd, "POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\nab"));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ASSERT_EQ(kill(server.pid(), SIGTERM), 0);
  EXPECT_EQ(server.WaitExit(20), 1) << ReadFile(server.log_path());
  close(fd);
  EXPECT_NE(ReadFile(server.log_path()).find("强制退出"), std::string::npos) << ReadFile(server.log_path());
}

}  // namespace
}  // namespace gongkai::testing
