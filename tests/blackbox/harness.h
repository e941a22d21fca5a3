// Black-box test harness: runs the real `gongkai` binary as a user would,
// each test with a fresh temporary directory and database, and a server on
// a free loopback port.
#pragma once

#include <httplib.h>
#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace gongkai::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// The backend the black-box tests run against. Tests name their database
// by a file path in their temporary directory (as a user of the embedded
// database would); with GONGKAI_TEST_BACKEND=postgres (and a server from
// GONGKAI_TEST_PG_URL or the file named by GONGKAI_TEST_PG_URL_FILE, as in
// tests/storage), or GONGKAI_TEST_BACKEND=postgres:URL-FILE, every such path stands for its own fresh PostgreSQL
// database instead: RunGongkai and ServerProcess pass its URL as --db, and
// --ledger-key PATH.ledger-key (the embedded default) where a command
// needs the key ("--db sqlite:FILE" is left alone). The Db* helpers below
// read whichever backend it is (a path "sqlite:FILE" always the file).
bool PgBackend();
// What `gongkai --db` is given for the database at `db`: the path itself,
// or (PgBackend) the URL of its database, created when first asked for.
std::string DbLocation(const std::filesystem::path& db);

// Runs the gongkai binary with `args` in `cwd`, capturing output.
CommandResult RunGongkai(const std::vector<std::string>& args, const std::filesystem::path& cwd = {},
                         const std::string& stdin_data = "");

// Starts `args` (args[0] is the program) in a child process with standard
// output and error written to `log` (truncated, or appended to when
// `append`); returns the child's pid (-1 if fork failed).
pid_t SpawnWithLog(std::vector<std::string> args, const std::filesystem::path& log, bool append = false);

// A fresh directory removed at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// `gongkai serve` on 127.0.0.1 with an OS-chosen port. Start() waits until
// the server answers /healthz.
class ServerProcess {
 public:
  ServerProcess(std::filesystem::path db, std::vector<std::string> extra_args = {});
  ~ServerProcess();
  bool Start();
  void Stop();
  int port() const { return port_; }
  std::unique_ptr<httplib::Client> Client() const;
  std::string Url(const std::string& path) const;
  // The server's standard output and error.
  std::filesystem::path log_path() const { return dir_ / "server.log"; }

 private:
  std::filesystem::path db_;
  std::vector<std::string> extra_;
  TempDir dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

// Every table's rows as text, for "the database is unchanged" checks.
// Only comparable with another dump of the same backend.
std::string DumpDatabase(const std::filesystem::path& db);

// Waits (up to 20 s) until the server's background ledger sequencer has
// caught up with every publication event and, when the site has a key,
// signed a head over all leaves: after that nothing writes to the database
// until the next publication. For tests that compare dumps. False on timeout.
bool WaitForLedgerSettled(const std::filesystem::path& db);

// The first column of the first row of `sql` on the database, opened
// read-only: as an integer (-1 when there is no row or the query fails) or
// as text ("" then). The SQL must mean the same on both backends.
long long DbScalar(const std::filesystem::path& db, const char* sql);
std::string DbText(const std::filesystem::path& db, const char* sql);
// Every row of `sql` as text columns (NULL as ""; booleans 0/1 on both).
std::vector<std::vector<std::string>> DbRows(const std::filesystem::path& db, const std::string& sql);

std::string ReadFile(const std::filesystem::path& p);
void WriteFile(const std::filesystem::path& p, const std::string& data);

// Percent-encodes a path segment.
std::string UrlEncode(const std::string& s);

}  // namespace gongkai::testing
