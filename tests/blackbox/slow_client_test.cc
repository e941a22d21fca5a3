// Slow clients cannot exhaust the server (issue 11, load): connections that
// trickle a request one byte a second, more of them than the server has
// worker threads, must not keep ordinary requests from being answered, and
// the server must close them (serve --header-timeout, --min-rate,
// --max-connections; src/http/bounded_server.h).
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/blackbox/harness.h"

namespace gongkai::testing {
namespace {

// The harness starts the server with --threads 16.
constexpr int kWorkers = 16;

int Connect(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// True once the peer has closed (or reset) the connection. Reads and drops
// whatever the server sent first (a 400 or 408 before it closes is fine).
bool PeerClosed(int fd) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, 0) <= 0) return false;
  char buf[4096];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n == 0) return true;
    if (n < 0) return errno != EAGAIN && errno != EWOULDBLOCK;
  }
}

// Connections that each send their request `script` one byte a second and
// then keep trickling `filler` bytes, until the server closes them or Stop().
class Tricklers {
 public:
  Tricklers(int port, const std::vector<std::string>& scripts) {
    for (const auto& s : scripts) {
      Conn c;
      c.fd = Connect(port);
      c.script = s;
      conns_.push_back(std::move(c));
    }
    thread_ = std::thread([this] { Run(); });
  }
  ~Tricklers() {
    Stop();
    for (auto& c : conns_)
      if (c.fd >= 0) ::close(c.fd);
  }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int connected() const {
    int n = 0;
    for (const auto& c : conns_) n += c.fd >= 0;
    return n;
  }
  int closed() const { return closed_.load(); }
  int bytes_sent() const { return sent_.load(); }

 private:
  struct Conn {
    int fd = -1;
    std::string script;
    std::size_t pos = 0;
    bool closed = false;
  };
  void Run() {
    while (!stop_) {
      for (auto& c : conns_) {
        if (c.fd < 0 || c.closed) continue;
        if (PeerClosed(c.fd)) {
          c.closed = true;
          ++closed_;
          continue;
        }
        // After the script: endless header lines, or body bytes.
        char byte = c.pos < c.script.size() ? c.script[c.pos] : 'a';
        if (::send(c.fd, &byte, 1, MSG_NOSIGNAL | MSG_DONTWAIT) == 1) {
          ++c.pos;
          ++sent_;
        } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
          c.closed = true;
          ++closed_;
        }
      }
      for (int i = 0; i < 10 && !stop_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  std::vector<Conn> conns_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int> closed_{0};
  std::atomic<int> sent_{0};
};

TEST(SlowClientTest, TricklingClientsDoNotStarveOthersAndAreClosed) {
  TempDir dir;
  auto r = RunGongkai({"init", "--db", (dir / "g.db").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ServerProcess server(dir / "g.db", {"--header-timeout", "3", "--min-rate", "100"});
  ASSERT_TRUE(server.Start());

  // Twice as many slow connections as workers: half send a GET one byte a
  // second and never finish its headers (slowloris); half send a POST's
  // headers at once and then its body one byte a second.
  std::vector<std::string> heads(kWorkers, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
  Tricklers slow(server.port(), heads);
  const std::string post =
      "POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
      "Content-Length: 100000\r\n\r\nusername=";
  std::vector<int> posts;
  for (int i = 0; i < kWorkers; ++i) {
    int fd = Connect(server.port());
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::send(fd, post.data(), post.size(), MSG_NOSIGNAL), static_cast<ssize_t>(post.size()));
    posts.push_back(fd);
  }
  ASSERT_EQ(slow.connected(), kWorkers);
  std::this_thread::sleep_for(std::chrono::seconds(2));  // let them take the workers

  // Ordinary requests are answered while the slow connections trickle.
  for (const char* path : {"/healthz", "/", "/api/v1/catalog"}) {
    httplib::Client c("127.0.0.1", server.port());
    c.set_connection_timeout(30, 0);
    c.set_read_timeout(60, 0);
    auto res = c.Get(path);
    ASSERT_TRUE(res) << path << ": " << httplib::to_string(res.error());
    EXPECT_EQ(res->status, 200) << path;
  }

  // Every slow connection is closed by the server (a generous bound for a
  // loaded machine; the server's own limits are seconds).
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  int posts_closed = 0;
  std::vector<bool> post_done(posts.size(), false);
  while (std::chrono::steady_clock::now() < until) {
    // The POST bodies trickle one byte a second too.
    for (std::size_t i = 0; i < posts.size(); ++i) {
      if (post_done[i]) continue;
      if (PeerClosed(posts[i])) {
        post_done[i] = true;
        ++posts_closed;
        continue;
      }
      char b = 'a';
      if (::send(posts[i], &b, 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 && errno != EAGAIN) {
        post_done[i] = true;
        ++posts_closed;
      }
    }
    if (slow.closed() == kWorkers && posts_closed == kWorkers) break;
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  EXPECT_EQ(slow.closed(), kWorkers) << "slowloris connections still open";
  EXPECT_EQ(posts_closed, kWorkers) << "slow-body connections still open";
  for (int fd : posts) ::close(fd);
  slow.Stop();

  // And the server still serves.
  auto res = server.Client()->Get("/healthz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

TEST(SlowClientTest, ConnectionsBeyondTheLimitAreRefusedWith503) {
  TempDir dir;
  auto r = RunGongkai({"init", "--db", (dir / "g.db").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The limit counts served and waiting connections; it is never below the
  // worker count.
  ServerProcess server(dir / "g.db", {"--max-connections", "20", "--header-timeout", "3"});
  ASSERT_TRUE(server.Start());
  std::vector<int> idle;
  for (int i = 0; i < 30; ++i) {
    int fd = Connect(server.port());
    ASSERT_GE(fd, 0);
    idle.push_back(fd);
  }
  // Some of the 30 silent connections get a 503 at once.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  int refused = 0;
  for (int fd : idle) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0) continue;
    char buf[512] = {};
    ssize_t n = ::recv(fd, buf, sizeof buf - 1, MSG_DONTWAIT);
    if (n > 0 && std::string(buf, static_cast<std::size_t>(n)).starts_with("HTTP/1.1 503")) ++refused;
  }
  EXPECT_GT(refused, 0);
  // The silent ones are closed after the header timeout; then the server serves again.
  httplib::Client c("127.0.0.1", server.port());
  c.set_connection_timeout(30, 0);
  c.set_read_timeout(60, 0);
  int status = 0;
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  do {
    if (auto res = c.Get("/healthz")) status = res->status;
    if (status == 200) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  } while (std::chrono::steady_clock::now() < until);
  EXPECT_EQ(status, 200);
  for (int fd : idle) ::close(fd);
}

}  // namespace
}  // namespace gongkai::testing
