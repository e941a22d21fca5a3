// Request telemetry: the Prometheus text exposition of /metrics and the
// structured (JSON) request log line. No HTTP library types: the server
// (http/server.cc) hands over what it knows about each answered request.
//
// Label cardinality is bounded by construction: requests are counted by
// route PATTERN (RouteLabel: the path with every captured group of the
// matched route replaced by "{}"), never by raw path or query string, and a
// registry keeps at most `max_routes` distinct routes (the rest count as
// "other"). Methods outside the HTTP verbs count as "OTHER".
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <regex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace gongkai::metrics {

// The route a request matched: `path` with every participating capture
// group of `matches` (the result of std::regex_match of a route's pattern
// against `path`) replaced by "{}". "unmatched" when `matches` is empty (no
// route matched: 404, or refused before routing).
std::string RouteLabel(const std::string& path, const std::smatch& matches);

// "GET", "POST", ... for the HTTP verbs; "OTHER" for anything else.
std::string_view MethodLabel(std::string_view method);
// "2xx", "4xx", ...; "other" outside 100-599.
std::string_view StatusClass(int status);

// A label value escaped for the text exposition format (\\, \", \n).
std::string EscapeLabelValue(std::string_view value);

// One site's obligation figures, from the compliance dashboard (core/compliance.h).
struct SiteGauge {
  std::string site;          // the site's slug
  std::int64_t overdue = 0;  // 当前逾期未公开: due this year before today, neither published nor withheld
  std::int64_t backlog = 0;  // 期末逾期未公开 as of yesterday, old debts included
};

// Counters and the latency histogram. Thread-safe.
class Registry {
 public:
  // Upper bounds (seconds) of the latency histogram's buckets.
  static constexpr std::array<double, 12> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,   0.25,   0.5,   1.0,  2.5,   10.0};

  explicit Registry(std::size_t max_routes = 256) : max_routes_(max_routes) {}

  // Counts one answered request.
  void Observe(const std::string& route, std::string_view method, int status, double seconds);

  // The exposition (text format 0.0.4): requests by route, method and
  // status class; the latency histogram by route; 5xx answers; and per
  // site gongkai_obligations_overdue and gongkai_obligations_backlog.
  // Series appear in a stable (sorted) order.
  std::string Render(const std::vector<SiteGauge>& overdue) const;

 private:
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> buckets{};  // non-cumulative
    std::uint64_t count = 0;
    double sum = 0;
  };
  const std::size_t max_routes_;
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, std::string>, std::uint64_t> requests_;  // route, method, class
  std::map<std::string, Histogram> latency_;                                             // by route
  std::uint64_t server_errors_ = 0;
};

// Whether a peer may read /metrics: loopback peers (127.0.0.0/8, ::1 and
// IPv4-mapped loopback) and the addresses in `allowed` (exact textual match
// after normalising IPv4-mapped IPv6). A request that came through a proxy
// (`forwarded`: it carries X-Forwarded-For or Forwarded) is refused even
// from loopback, since nginx on the same machine connects from 127.0.0.1.
bool MetricsPeerAllowed(const std::string& remote_addr, const std::vector<std::string>& allowed, bool forwarded);

// A request id for the log and the X-Request-Id header: `offered` (e.g.
// nginx's $request_id) when it is 1-64 characters of [A-Za-z0-9._-], else a
// fresh one from `fallback_counter` and this process's random prefix.
std::string RequestId(std::string_view offered, std::uint64_t fallback_counter);

// What one request log line holds. Deliberately no client address, user,
// query string, cookie or header: see the README (Operations).
struct RequestLogEntry {
  std::string time;  // ISO 8601 UTC with milliseconds
  std::string id;
  std::string method;
  std::string route;  // RouteLabel, never the raw path
  int status = 0;
  double duration_ms = 0;
  std::uint64_t bytes = 0;
  std::string site;  // slug; "" when the request never reached a site
};

// {"time":...,"type":"request","id":...,...} on one line (invalid UTF-8 replaced).
std::string FormatRequestJson(const RequestLogEntry& e);
// "request id=… GET /records/{} 200 1.23ms 5120B site=demo" for --log-format text.
std::string FormatRequestText(const RequestLogEntry& e);

// `s` escaped as the inside of a JSON string (for the log's message field).
std::string JsonEscape(std::string_view s);

}  // namespace gongkai::metrics
