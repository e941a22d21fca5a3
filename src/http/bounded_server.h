// An httplib::Server whose worker threads cannot be held by slow or idle
// clients. cpp-httplib 0.11 (Debian 12) serves one connection per worker
// thread and its read timeout applies to each recv() alone, so a client that
// sends one byte a second keeps a worker forever, and a few hundred such
// clients stop the portal. BoundedServer replaces the library's connection
// loop (process_and_close_socket) with one that enforces:
//
//  - a deadline for the request line and headers (header_timeout_seconds from
//    the request's first byte), like nginx's client_header_timeout;
//  - a minimum average rate for the body and for the response
//    (min_rate_bytes_per_second after a grace of header_timeout_seconds), so
//    a slow upload or a slow reader is cut off too;
//  - fairness: while other connections wait for a worker, a keep-alive
//    connection is answered with "Connection: close" and one that stays
//    idle for a second is closed, so waiting connections get a worker soon;
//  - a limit on accepted connections (served plus waiting): beyond it a
//    connection gets a short 503 and is closed without taking a worker;
//  - a listen backlog (the library's compiled-in backlog is 5, which drops
//    SYNs under a burst of new connections).
#pragma once

#include <httplib.h>

#include <atomic>
#include <cstddef>

namespace gongkai {

struct ConnectionLimits {
  int threads = 64;
  int max_connections = 2048;   // served + waiting; more are refused with 503
  int header_timeout_seconds = 10;
  int min_rate_bytes_per_second = 1024;
  int listen_backlog = 4096;    // the kernel caps it at net.core.somaxconn
};

class BoundedServer : public httplib::Server {
 public:
  BoundedServer();
  // Before Bind: takes effect for the next listen.
  void SetLimits(const ConnectionLimits& limits);
  const ConnectionLimits& limits() const { return limits_; }
  // After bind_to_port / bind_to_any_port: widens the listen backlog.
  // False when the socket could not be changed (the server still works).
  bool ApplyBacklog();

  // Counters, for logs and tests (thread-safe).
  std::size_t refused_connections() const { return refused_.load(); }
  std::size_t timed_out_connections() const { return timed_out_.load(); }

 private:
  class Pool;
  bool process_and_close_socket(socket_t sock) override;
  void Refuse(socket_t sock);

  ConnectionLimits limits_;
  Pool* pool_ = nullptr;  // owned by the library (new_task_queue), valid while listening
  std::atomic<std::size_t> refused_{0};
  std::atomic<std::size_t> timed_out_{0};
};

// True when the request being read on this thread (by a BoundedServer)
// asks for a path under /api/: for errors answered before the request line
// is parsed (414 URI too long), when httplib's request has no path yet.
bool RequestLineTargetsApi();

}  // namespace gongkai
