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

// Runs the gongkai binary with `args` in `cwd`, capturing output.
CommandResult RunGongkai(const std::vector<std::string>& args, const std::filesystem::path& cwd = {},
                         const std::string& stdin_data = "");

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
std::string DumpDatabase(const std::filesystem::path& db);

// Waits (up to 20 s) until the server's background ledger sequencer has
// caught up with every publication event and, when the site has a key,
// signed a head over all leaves: after that nothing writes to the database
// until the next publication. For tests that compare dumps. False on timeout.
bool WaitForLedgerSettled(const std::filesystem::path& db);

// The first column of the first row of `sql` on the database, opened
// read-only: as an integer (-1 when there is no row or the query fails) or
// as text ("" then).
long long DbScalar(const std::filesystem::path& db, const char* sql);
std::string DbText(const std::filesystem::path& db, const char* sql);

std::string ReadFile(const std::filesystem::path& p);
void WriteFile(const std::filesystem::path& p, const std::string& data);

// Percent-encodes a path segment.
std::string UrlEncode(const std::string& s);

}  // namespace gongkai::testing
