// The portal's HTTP server: public pages, static assets and JSON API v1.
// Handlers only translate between HTTP and the application: they parse the
// request, call one action or store query, and render a page or JSON.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/mail.h"
#include "core/store.h"

namespace gongkai {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;          // 0 = any free port (see bound_port())
  int threads = 64;         // worker threads (cpp-httplib is thread-per-connection)
  int keep_alive_seconds = 5;
  int keep_alive_max_requests = 1000;
  int read_timeout_seconds = 10;   // longest wait for any one recv()
  int write_timeout_seconds = 10;  // longest wait for any one send()
  // Slow clients (http/bounded_server.h): the request line and headers must
  // arrive within header_timeout_seconds of the connection's accept (of the
  // first byte, for a later keep-alive request); bodies and responses must
  // then average min_rate_bytes_per_second. At most max_connections are
  // accepted (served or waiting for a worker); more get 503 at once.
  int header_timeout_seconds = 10;
  int min_rate_bytes_per_second = 1024;
  int max_connections = 2048;
  int listen_backlog = 4096;
  // The default site: for requests whose Host header names no site's host
  // (every site in the database is served; see core/site_routing.h).
  std::string site_slug = "demo";
  int session_ttl_seconds = 8 * 60 * 60;  // signed-in sessions expire after this
  int max_attachment_mb = 50;             // largest attachment accepted
  // Deadline reminders: `mailer` (not owned; nullptr = in-app only) is used
  // by the daily timer and the office's button. `remind_at` "HH:MM" (Beijing
  // time) starts a timer that runs the reminders once each day at or after
  // that time (a working day: see RunReminders); "" = no timer.
  Mailer* mailer = nullptr;
  std::string mail_from;
  std::string mail_from_name;
  std::string remind_at;
  // The portal's public base URL ("https://gk.example.gov.cn"), used for the
  // absolute URLs of feeds and sitemaps; "" = taken from the Host header.
  std::string public_url;
  // The publication ledger's signing key file (created with mode 0600 when
  // missing); "" = the ledger is appended but no tree head is signed.
  std::string ledger_key_path;
  // How often the ledger sequencer looks for new publication events.
  int ledger_interval_ms = 1000;

  // Operations. One request log line per answered request (route pattern,
  // status, duration, bytes, site, request id; never a client address,
  // query string, cookie, token or user): a JSON object (kJson, the
  // default; pair with a JSON spdlog pattern, see cli/main.cc) or a text
  // line through spdlog (kText).
  enum class LogFormat { kJson, kText };
  LogFormat log_format = LogFormat::kJson;
  // Who may read /metrics besides loopback peers: exact IP addresses
  // (e.g. the Prometheus server's). A request forwarded by a proxy
  // (X-Forwarded-For / Forwarded) is always refused.
  std::vector<std::string> metrics_allow;
  // How long /metrics reuses the per-site overdue counts it computed.
  int overdue_cache_seconds = 60;
};

// "HH:MM" (00:00-23:59) as minutes after midnight; Error::Invalid naming `field`.
[[nodiscard]] Result<int> ParseTimeOfDay(const std::string& text, const std::string& field);

class PortalServer {
 public:
  PortalServer(Store& store, ServerOptions options);
  ~PortalServer();
  PortalServer(const PortalServer&) = delete;
  PortalServer& operator=(const PortalServer&) = delete;

  // Binds the listening socket. Fails (with a Chinese message) when the
  // address is in use or the site does not exist.
  [[nodiscard]] Status Bind();
  int bound_port() const;
  // Serves until Stop() is called from another thread or a signal handler.
  [[nodiscard]] Status Run();
  // Thread-safe and idempotent; may be called before Run() (Run() then
  // returns at once). Stops accepting connections at once; Run() returns
  // when the requests in flight have been answered (a keep-alive
  // connection is closed after its current request).
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gongkai
