#include "tests/blackbox/harness.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <pqxx/pqxx>
#include <set>
#include <sstream>
#include <string_view>
#include <thread>

namespace gongkai::testing {

namespace {

std::vector<char*> Argv(std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return argv;
}

// The PostgreSQL server's maintenance URL, "" when the tests run on SQLite.
const std::string& PgAdminUrl() {
  static const std::string url = [] {
    // "postgres", or "postgres:FILE" naming the URL file itself (one
    // variable, as ctest's ENVIRONMENT property of discovered tests keeps
    // only one).
    const char* backend = std::getenv("GONGKAI_TEST_BACKEND");
    if (!backend || std::string_view(backend).substr(0, 8) != "postgres") return std::string();
    if (const char* u = std::getenv("GONGKAI_TEST_PG_URL"); u && *u) return std::string(u);
    std::string file = std::string_view(backend).size() > 9 ? std::string(backend + 9) : "";
    if (file.empty())
      if (const char* f = std::getenv("GONGKAI_TEST_PG_URL_FILE"); f) file = f;
    if (!file.empty()) {
      std::ifstream in(file);
      std::string line;
      if (in && std::getline(in, line)) return line;
    }
    return std::string();
  }();
  return url;
}

// Subcommands that sign the ledger and so need --ledger-key on PostgreSQL.
bool NeedsLedgerKey(const std::vector<std::string>& args) {
  if (args.empty()) return false;
  const std::string& cmd = args[0];
  if (cmd == "init" || cmd == "serve" || cmd == "dump") return true;
  if (args.size() > 1 && ((cmd == "site" && args[1] == "add") || cmd == "ledger")) return true;
  return false;
}

// `args` with the database path behind --db replaced by DbLocation, and
// the ledger key the embedded database would use by default given
// explicitly when the backend is PostgreSQL.
std::vector<std::string> WithBackend(std::vector<std::string> args) {
  if (!PgBackend()) return args;
  std::string db_path;
  bool has_key = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--ledger-key") has_key = true;
    // "sqlite:FILE" names an embedded database on purpose (gongkai migrate's source).
    if (args[i] == "--db" && i + 1 < args.size() && !args[i + 1].starts_with("sqlite:")) {
      db_path = args[i + 1];
      args[i + 1] = DbLocation(db_path);
    }
  }
  if (!db_path.empty() && !has_key && NeedsLedgerKey(args)) {
    args.push_back("--ledger-key");
    args.push_back(db_path + ".ledger-key");
  }
  return args;
}

// Runs `read` on the result of `sql` on the PostgreSQL database of `db`;
// false when the query fails.
template <typename F>
bool PgQuery(const std::filesystem::path& db, const std::string& sql, F read) {
  try {
    pqxx::connection c(DbLocation(db));
    pqxx::read_transaction tx(c);
    read(tx.exec(sql));
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

// A field as text, with booleans as SQLite stores them (0/1).
std::string FieldText(const pqxx::field& f) {
  if (f.is_null()) return "NULL";
  if (f.type() == 16) return std::string(f.c_str()) == "t" ? "1" : "0";  // 16: bool's type oid
  return f.c_str();
}

}  // namespace

bool PgBackend() { return !PgAdminUrl().empty(); }

namespace {

// True when `db` is read from PostgreSQL: the backend is, and the path is
// not marked "sqlite:" (an embedded database on purpose).
bool OnPg(const std::filesystem::path& db) { return PgBackend() && !db.string().starts_with("sqlite:"); }

// The file of an embedded database ("sqlite:" removed).
std::filesystem::path LiteFile(const std::filesystem::path& db) {
  const std::string s = db.string();
  return s.starts_with("sqlite:") ? std::filesystem::path(s.substr(7)) : db;
}

}  // namespace

namespace {

// Asked for PostgreSQL where there is no server (the machine lacks
// PostgreSQL's binaries, so ctest's `pg` fixture started none): every test
// is skipped rather than run on SQLite a second time.
class PgBackendEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    const char* backend = std::getenv("GONGKAI_TEST_BACKEND");
    if (backend && std::string_view(backend).substr(0, 8) == "postgres" && !PgBackend())
      GTEST_SKIP() << "GONGKAI_TEST_BACKEND=postgres but no PostgreSQL test server (GONGKAI_TEST_PG_URL[_FILE])";
  }
};
[[maybe_unused]] ::testing::Environment* const kPgBackendEnvironment =
    ::testing::AddGlobalTestEnvironment(new PgBackendEnvironment);

}  // namespace

std::string DbLocation(const std::filesystem::path& db) {
  if (!PgBackend()) return db.string();
  // One database per path: FNV-1a of the path names it.
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char ch : db.string()) h = (h ^ ch) * 1099511628211ull;
  char name[32];
  std::snprintf(name, sizeof name, "bb_%016llx", static_cast<unsigned long long>(h));
  const std::string& admin = PgAdminUrl();
  const std::string url = admin.substr(0, admin.rfind('/') + 1) + name;
  static std::mutex mu;
  static std::set<std::string> created;
  std::lock_guard lock(mu);
  if (created.insert(name).second) {
    try {
      pqxx::connection c(admin);
      pqxx::nontransaction tx(c);
      if (tx.exec("SELECT 1 FROM pg_database WHERE datname = " + tx.quote(name)).empty())
        tx.exec(std::string("CREATE DATABASE ") + name);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "cannot create the test database %s: %s\n", name, e.what());
    }
  }
  return url;
}

CommandResult RunGongkai(const std::vector<std::string>& args, const std::filesystem::path& cwd,
                         const std::string& stdin_data) {
  TempDir io;
  auto out_path = io / "out", err_path = io / "err", in_path = io / "in";
  WriteFile(in_path, stdin_data);
  std::vector<std::string> full = {GONGKAI_BIN};
  auto given = WithBackend(args);
  full.insert(full.end(), given.begin(), given.end());
  pid_t pid = fork();
  if (pid == 0) {
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(127);
    int in = open(in_path.c_str(), O_RDONLY);
    int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    auto argv = Argv(full);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = ReadFile(out_path);
  r.err = ReadFile(err_path);
  return r;
}

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "gongkai-bb-XXXXXX").string();
  char* p = mkdtemp(tmpl.data());
  path_ = p ? p : tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

pid_t SpawnWithLog(std::vector<std::string> args, const std::filesystem::path& log, bool append) {
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0600);
    dup2(fd, 1);
    dup2(fd, 2);
    auto argv = Argv(args);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

ServerProcess::ServerProcess(std::filesystem::path db, std::vector<std::string> extra_args)
    : db_(std::move(db)), extra_(std::move(extra_args)) {}

ServerProcess::~ServerProcess() { Stop(); }

bool ServerProcess::Start() {
  auto port_file = dir_ / "port";
  std::vector<std::string> args = {"serve", "--db", db_.string(), "--listen", "127.0.0.1:0",
                                   "--port-file", port_file.string(), "--threads", "16"};
  args.insert(args.end(), extra_.begin(), extra_.end());
  args = WithBackend(std::move(args));
  args.insert(args.begin(), GONGKAI_BIN);
  pid_ = SpawnWithLog(std::move(args), dir_ / "server.log");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      fprintf(stderr, "server exited early:\n%s\n", ReadFile(log_path()).c_str());
      return false;
    }
    if (std::filesystem::exists(port_file)) {
      port_ = std::atoi(ReadFile(port_file).c_str());
      if (port_ > 0) {
        auto c = Client();
        if (auto res = c->Get("/healthz"); res && res->status == 200) return true;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

void ServerProcess::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 500; ++i) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::unique_ptr<httplib::Client> ServerProcess::Client() const {
  auto c = std::make_unique<httplib::Client>("127.0.0.1", port_);
  c->set_connection_timeout(5, 0);
  c->set_read_timeout(10, 0);
  return c;
}

std::string ServerProcess::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

bool WaitForLedgerSettled(const std::filesystem::path& db) {
  constexpr const char* kSettled =
      "SELECT (SELECT count(*) FROM publication_events) = (SELECT count(*) FROM ledger_leaves) AND "
      "(NOT EXISTS (SELECT 1 FROM ledger_keys) OR (SELECT count(*) FROM ledger_leaves) = 0 OR "
      "(SELECT coalesce(max(size), -1) FROM ledger_heads) = (SELECT count(*) FROM ledger_leaves))";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (PgBackend()) {
      if (DbScalar(db, kSettled) == 1) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    sqlite3* h = nullptr;
    bool settled = false;
    if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
      sqlite3_stmt* st = nullptr;
      if (sqlite3_prepare_v2(h, kSettled, -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
        settled = sqlite3_column_int(st, 0) == 1;
      }
      sqlite3_finalize(st);
    }
    sqlite3_close(h);
    if (settled) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

namespace {

// Runs `read` on the first row of `sql`, if there is one.
template <typename F>
void FirstRow(const std::filesystem::path& db, const char* sql, F read) {
  sqlite3* h = nullptr;
  if (sqlite3_open_v2(db.string().starts_with("sqlite:") ? db.string().substr(7).c_str() : db.c_str(), &h,
                      SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(h, sql, -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) read(st);
    sqlite3_finalize(st);
  }
  sqlite3_close(h);
}

}  // namespace

long long DbScalar(const std::filesystem::path& db, const char* sql) {
  long long v = -1;
  if (OnPg(db)) {
    PgQuery(db, sql, [&](const pqxx::result& r) {
      if (r.empty() || r[0][0].is_null()) return;
      std::string t = FieldText(r[0][0]);
      v = std::strtoll(t.c_str(), nullptr, 10);
    });
    return v;
  }
  FirstRow(db, sql, [&](sqlite3_stmt* st) { v = sqlite3_column_int64(st, 0); });
  return v;
}

std::string DbText(const std::filesystem::path& db, const char* sql) {
  std::string v;
  if (OnPg(db)) {
    PgQuery(db, sql, [&](const pqxx::result& r) {
      if (!r.empty() && !r[0][0].is_null()) v = FieldText(r[0][0]);
    });
    return v;
  }
  FirstRow(db, sql, [&](sqlite3_stmt* st) {
    const auto* t = sqlite3_column_text(st, 0);
    v = t ? reinterpret_cast<const char*>(t) : "";
  });
  return v;
}

std::vector<std::vector<std::string>> DbRows(const std::filesystem::path& db, const std::string& sql) {
  std::vector<std::vector<std::string>> rows;
  if (OnPg(db)) {
    const bool ok = PgQuery(db, sql, [&](const pqxx::result& r) {
      for (const auto& row : r) {
        auto& out = rows.emplace_back();
        for (pqxx::row::size_type i = 0; i < row.size(); ++i) out.push_back(row[i].is_null() ? "" : FieldText(row[i]));
      }
    });
    if (!ok) ADD_FAILURE() << "query failed: " << sql;
    return rows;
  }
  sqlite3* h = nullptr;
  if (sqlite3_open_v2(LiteFile(db).c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr) == SQLITE_OK) {
      while (sqlite3_step(st) == SQLITE_ROW) {
        auto& out = rows.emplace_back();
        for (int i = 0; i < sqlite3_column_count(st); ++i) {
          const unsigned char* t = sqlite3_column_text(st, i);
          out.emplace_back(t ? reinterpret_cast<const char*>(t) : "");
        }
      }
    } else {
      ADD_FAILURE() << "bad SQL: " << sql << ": " << sqlite3_errmsg(h);
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(h);
  return rows;
}

std::string DumpDatabase(const std::filesystem::path& db) {
  if (OnPg(db)) {
    std::string out = "<cannot open>";
    PgQuery(db, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
            [&](const pqxx::result& tables) {
              out.clear();
              for (const auto& t : tables) {
                out += std::string("## ") + t[0].c_str() + "\n";
                // Ordered by the whole row: PostgreSQL has no rowid order, and rows
                // with equal first columns come back in any order after updates.
                const std::string table = std::string("\"") + t[0].c_str() + "\"";
                PgQuery(db, "SELECT * FROM " + table + " ORDER BY " + table + "::text", [&](const pqxx::result& r) {
                  for (const auto& row : r) {
                    for (pqxx::row::size_type i = 0; i < row.size(); ++i) out += FieldText(row[i]) + "|";
                    out += "\n";
                  }
                });
              }
            });
    return out;
  }
  sqlite3* h = nullptr;
  if (sqlite3_open_v2(LiteFile(db).c_str(), &h, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(h);
    return "<cannot open>";
  }
  std::string out;
  std::vector<std::string> tables;
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(h, "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name", -1, &st, nullptr);
  while (sqlite3_step(st) == SQLITE_ROW) tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
  sqlite3_finalize(st);
  for (const auto& t : tables) {
    out += "## " + t + "\n";
    std::string sql = "SELECT * FROM \"" + t + "\" ORDER BY 1";
    sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr);
    int cols = sqlite3_column_count(st);
    while (sqlite3_step(st) == SQLITE_ROW) {
      for (int i = 0; i < cols; ++i) {
        const unsigned char* v = sqlite3_column_text(st, i);
        out += v ? reinterpret_cast<const char*>(v) : "NULL";
        out += '|';
      }
      out += '\n';
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(h);
  return out;
}

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::filesystem::path& p, const std::string& data) {
  std::ofstream out(p, std::ios::binary);
  out << data;
}

std::string UrlEncode(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out.push_back(static_cast<char>(c));
    else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace gongkai::testing
