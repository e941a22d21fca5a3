#include "http/bounded_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace gongkai {

namespace {

using Clock = std::chrono::steady_clock;

// How long a keep-alive connection may stay idle while other connections
// wait for a worker.
constexpr auto kIdleYield = std::chrono::milliseconds(1000);

// Set on the listener thread while it refuses a connection inline.
thread_local bool tls_refusing = false;

// Waits until `fd` is ready for `events` or `until` passes; true when ready.
bool WaitReady(int fd, short events, Clock::time_point until) {
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
    if (left <= 0) left = 0;
    pollfd p{fd, events, 0};
    int r = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 60'000)));
    if (r > 0) return true;  // ready, or an error/hangup the next call reports
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 || left == 0 || Clock::now() >= until) return false;
  }
}

// The first bytes of the request this thread is reading (its method and the
// start of its target), for answers made before httplib has parsed the
// request line: a 414 has no path, but its error body should still be JSON
// for the API. A connection is served by one thread from start to end.
thread_local std::string t_request_head;
constexpr std::size_t kHeadBytes = 32;

// A socket stream with deadlines (see bounded_server.h). One per connection:
// its read buffer carries pipelined bytes over to the next request.
class DeadlineStream final : public httplib::Stream {
 public:
  DeadlineStream(int fd, std::chrono::seconds read_timeout, std::chrono::seconds write_timeout,
                 std::chrono::seconds header_timeout, int min_rate)
      : fd_(fd),
        read_timeout_(read_timeout),
        write_timeout_(write_timeout),
        header_timeout_(header_timeout),
        min_rate_(std::max(1, min_rate)) {}

  // A new request begins: its header deadline starts at `start`.
  void BeginRequest(Clock::time_point start) {
    request_start_ = start;
    in_headers_ = true;
    t_request_head.clear();
    tail_ = 0;
    body_bytes_ = 0;
    written_bytes_ = 0;
    writing_ = false;
  }
  bool timed_out() const { return timed_out_; }
  bool has_buffered() const { return off_ < size_; }

  bool is_readable() const override {
    if (off_ < size_) return true;
    return WaitReady(fd_, POLLIN, ReadUntil());
  }
  bool is_writable() const override { return WaitReady(fd_, POLLOUT, WriteUntil()); }

  ssize_t read(char* ptr, size_t size) override {
    if (size == 0) return 0;
    if (off_ >= size_) {
      auto until = ReadUntil();
      if (!WaitReady(fd_, POLLIN, until)) {
        if (Clock::now() >= Deadline()) timed_out_ = true;
        return -1;
      }
      ssize_t n;
      do n = ::recv(fd_, buf_, sizeof buf_, 0);
      while (n < 0 && errno == EINTR);
      if (n <= 0) return n;
      off_ = 0;
      size_ = static_cast<size_t>(n);
    }
    size_t n = std::min(size, size_ - off_);
    std::copy(buf_ + off_, buf_ + off_ + n, ptr);
    off_ += n;
    Track(ptr, n);
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (!writing_) {
      writing_ = true;
      write_start_ = Clock::now();
    }
    if (!WaitReady(fd_, POLLOUT, WriteUntil())) {
      if (Clock::now() >= WriteDeadline()) timed_out_ = true;
      return -1;
    }
    ssize_t n;
    do n = ::send(fd_, ptr, size, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n > 0) written_bytes_ += static_cast<size_t>(n);
    return n;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override { Address(true, ip, port); }
  void get_local_ip_and_port(std::string& ip, int& port) const override { Address(false, ip, port); }
  socket_t socket() const override { return fd_; }

 private:
  // Headers: until the request's header deadline. Body: the deadline grows
  // with every byte received at the minimum rate.
  Clock::time_point Deadline() const {
    auto base = request_start_ + header_timeout_;
    if (in_headers_) return base;
    return base + std::chrono::milliseconds(body_bytes_ * 1000 / static_cast<size_t>(min_rate_));
  }
  Clock::time_point ReadUntil() const { return std::min(Clock::now() + read_timeout_, Deadline()); }
  Clock::time_point WriteDeadline() const {
    if (!writing_) return Clock::now() + header_timeout_;
    return write_start_ + header_timeout_ +
           std::chrono::milliseconds(written_bytes_ * 1000 / static_cast<size_t>(min_rate_));
  }
  Clock::time_point WriteUntil() const { return std::min(Clock::now() + write_timeout_, WriteDeadline()); }

  // Finds the blank line that ends the headers in the bytes handed out.
  void Track(const char* p, size_t n) {
    if (!in_headers_) {
      body_bytes_ += n;
      return;
    }
    if (t_request_head.size() < kHeadBytes) t_request_head.append(p, std::min(n, kHeadBytes - t_request_head.size()));
    for (size_t i = 0; i < n; ++i) {
      char c = p[i];
      if (c == '\n') {
        // "\n\n" or "\r\n\r\n": tail_ counts the line's bytes (a '\r' aside).
        if (tail_ == 0) {
          in_headers_ = false;
          body_bytes_ += n - i - 1;
          return;
        }
        tail_ = 0;
      } else if (c != '\r') {
        ++tail_;
      }
    }
  }

  void Address(bool peer, std::string& ip, int& port) const {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    ip.clear();
    port = 0;
    int r = peer ? ::getpeername(fd_, reinterpret_cast<sockaddr*>(&addr), &len)
                 : ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    if (r != 0) return;
    char text[INET6_ADDRSTRLEN] = {};
    if (addr.ss_family == AF_INET) {
      auto* a = reinterpret_cast<sockaddr_in*>(&addr);
      ::inet_ntop(AF_INET, &a->sin_addr, text, sizeof text);
      port = ntohs(a->sin_port);
    } else if (addr.ss_family == AF_INET6) {
      auto* a = reinterpret_cast<sockaddr_in6*>(&addr);
      ::inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof text);
      port = ntohs(a->sin6_port);
    }
    ip = text;
  }

  int fd_;
  std::chrono::seconds read_timeout_, write_timeout_, header_timeout_;
  int min_rate_;
  char buf_[4096];
  size_t off_ = 0, size_ = 0;
  Clock::time_point request_start_ = Clock::now();
  bool in_headers_ = true;
  size_t tail_ = 0;
  size_t body_bytes_ = 0;
  bool writing_ = false;
  Clock::time_point write_start_{};
  size_t written_bytes_ = 0;
  bool timed_out_ = false;
};

}  // namespace

// The worker pool: cpp-httplib's ThreadPool plus the counts the fairness
// rule and the connection limit need.
class BoundedServer::Pool final : public httplib::TaskQueue {
 public:
  Pool(BoundedServer& owner, int threads) : owner_(owner) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Work(); });
  }
  ~Pool() override {
    std::lock_guard lock(owner_mu_);
    if (owner_.pool_ == this) owner_.pool_ = nullptr;
  }

  void enqueue(std::function<void()> fn) override {
    {
      std::unique_lock lock(mu_);
      if (waiting_ + busy_ < static_cast<std::size_t>(owner_.limits_.max_connections)) {
        jobs_.push_back(std::move(fn));
        ++waiting_;
        lock.unlock();
        cv_.notify_one();
        return;
      }
    }
    // Over the limit: the job runs here and only refuses the connection.
    tls_refusing = true;
    fn();
    tls_refusing = false;
  }

  void shutdown() override {
    {
      std::lock_guard lock(mu_);
      shutdown_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
  }

  bool others_waiting() const {
    std::lock_guard lock(mu_);
    return waiting_ > 0;
  }

  static inline std::mutex owner_mu_;

 private:
  void Work() {
    for (;;) {
      std::function<void()> fn;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return !jobs_.empty() || shutdown_; });
        if (shutdown_ && jobs_.empty()) return;
        fn = std::move(jobs_.front());
        jobs_.pop_front();
        --waiting_;
        ++busy_;
      }
      fn();
      std::lock_guard lock(mu_);
      --busy_;
    }
  }

  BoundedServer& owner_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  std::size_t waiting_ = 0;
  std::size_t busy_ = 0;
  bool shutdown_ = false;
  std::vector<std::thread> threads_;
};

BoundedServer::BoundedServer() { SetLimits(ConnectionLimits{}); }

void BoundedServer::SetLimits(const ConnectionLimits& limits) {
  limits_ = limits;
  limits_.threads = std::max(1, limits_.threads);
  limits_.max_connections = std::max(limits_.threads, limits_.max_connections);
  limits_.header_timeout_seconds = std::max(1, limits_.header_timeout_seconds);
  limits_.min_rate_bytes_per_second = std::max(1, limits_.min_rate_bytes_per_second);
  new_task_queue = [this] {
    auto* pool = new Pool(*this, limits_.threads);
    std::lock_guard lock(Pool::owner_mu_);
    pool_ = pool;
    return pool;
  };
}

bool BoundedServer::ApplyBacklog() {
  socket_t fd = svr_sock_;
  if (fd == INVALID_SOCKET) return false;
  // Linux accepts listen() again on a listening socket and takes the new backlog.
  return ::listen(fd, std::max(16, limits_.listen_backlog)) == 0;
}

void BoundedServer::Refuse(socket_t sock) {
  refused_.fetch_add(1);
  // A fresh socket's send buffer is empty: this never blocks for long.
  static const std::string kBody = "服务器繁忙，请稍后再试。\n";
  const std::string response = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
                               "Retry-After: 5\r\nConnection: close\r\nContent-Length: " +
                               std::to_string(kBody.size()) + "\r\n\r\n" + kBody;
  (void)::send(sock, response.data(), response.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
}

bool BoundedServer::process_and_close_socket(socket_t sock) {
  if (tls_refusing) {
    Refuse(sock);
    return false;
  }
  DeadlineStream strm(sock, std::chrono::seconds(read_timeout_sec_), std::chrono::seconds(write_timeout_sec_),
                      std::chrono::seconds(limits_.header_timeout_seconds), limits_.min_rate_bytes_per_second);
  auto others_waiting = [this] {
    std::lock_guard lock(Pool::owner_mu_);
    return pool_ != nullptr && pool_->others_waiting();
  };
  bool ret = false;
  // A new connection's first request must be complete within the header
  // timeout of its accept (an idle connection holds a worker no longer);
  // later requests' deadlines start at their first byte.
  const auto accepted = Clock::now();
  std::size_t left = std::max<std::size_t>(1, keep_alive_max_count_);
  const auto idle_limit = std::chrono::seconds(std::max<time_t>(0, keep_alive_timeout_sec_));
  bool first = true;
  while (svr_sock_ != INVALID_SOCKET && left > 0) {
    // Wait for the next request; an idle keep-alive connection gives its
    // worker up as soon as another connection waits for one.
    if (!strm.has_buffered()) {
      const auto idle_since = Clock::now();
      auto idle_until = idle_since + (first ? std::chrono::seconds(limits_.header_timeout_seconds) : idle_limit);
      bool ready = false;
      while (svr_sock_ != INVALID_SOCKET && Clock::now() < idle_until) {
        auto slice = std::min(idle_until, Clock::now() + std::chrono::milliseconds(50));
        if (WaitReady(sock, POLLIN, slice)) {
          ready = true;
          break;
        }
        // Closing an idle keep-alive connection races with the client's next
        // request (which it then loses); after kIdleYield of silence a
        // client is unlikely to be sending one.
        if (!first && Clock::now() - idle_since >= kIdleYield && others_waiting()) break;
      }
      if (!ready) break;
    }
    strm.BeginRequest(first ? accepted : Clock::now());
    first = false;
    bool close_connection = left == 1 || others_waiting();
    bool connection_closed = false;
    ret = process_request(strm, close_connection, connection_closed, nullptr);
    if (!ret || connection_closed || close_connection) break;
    --left;
  }
  if (strm.timed_out()) timed_out_.fetch_add(1);
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ret;
}

bool RequestLineTargetsApi() {
  const std::string_view head = t_request_head;
  const std::size_t space = head.find(' ');
  return space != std::string_view::npos && head.substr(space + 1).starts_with("/api/");
}

}  // namespace gongkai
