#include "http/metrics.h"

#include <arpa/inet.h>
#include <fmt/core.h>
#include <sodium.h>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace gongkai::metrics {

std::string RouteLabel(const std::string& path, const std::smatch& matches) {
  if (matches.empty()) return "unmatched";
  std::string out;
  std::size_t pos = 0;
  for (std::size_t i = 1; i < matches.size(); ++i) {
    if (!matches[i].matched) continue;
    const auto begin = static_cast<std::size_t>(matches.position(i));
    const auto length = static_cast<std::size_t>(matches.length(i));
    if (begin < pos || begin + length > path.size()) continue;  // nested in an earlier group
    out.append(path, pos, begin - pos);
    out += "{}";
    pos = begin + length;
  }
  if (pos < path.size()) out.append(path, pos);
  return out;
}

std::string_view MethodLabel(std::string_view method) {
  static constexpr std::string_view kKnown[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"};
  for (auto m : kKnown)
    if (m == method) return m;
  return "OTHER";
}

std::string_view StatusClass(int status) {
  static constexpr std::string_view kClasses[] = {"1xx", "2xx", "3xx", "4xx", "5xx"};
  if (status < 100 || status > 599) return "other";
  return kClasses[status / 100 - 1];
}

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

void Registry::Observe(const std::string& route, std::string_view method, int status, double seconds) {
  std::lock_guard lock(mu_);
  std::string r = route;
  if (!latency_.contains(r) && latency_.size() >= max_routes_) r = "other";
  ++requests_[{r, std::string(MethodLabel(method)), std::string(StatusClass(status))}];
  Histogram& h = latency_[r];
  ++h.count;
  h.sum += std::max(0.0, seconds);
  for (std::size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) {
      ++h.buckets[i];
      break;
    }
  if (status >= 500 && status <= 599) ++server_errors_;
}

namespace {

// Prometheus floats: shortest round-trip form; integers without a fraction.
std::string Number(double v) { return fmt::format("{}", v); }

}  // namespace

std::string Registry::Render(const std::vector<SiteGauge>& overdue) const {
  std::string out;
  std::lock_guard lock(mu_);
  out +=
      "# HELP gongkai_http_requests_total HTTP requests answered, by route pattern, method and status class.\n"
      "# TYPE gongkai_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    const auto& [route, method, cls] = key;
    out += fmt::format("gongkai_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
                       EscapeLabelValue(route), method, cls, n);
  }
  out +=
      "# HELP gongkai_http_request_duration_seconds Time from the request's headers to its last byte written, "
      "by route pattern.\n"
      "# TYPE gongkai_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    const std::string r = EscapeLabelValue(route);
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += h.buckets[i];
      out += fmt::format("gongkai_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n", r,
                         Number(kBuckets[i]), cumulative);
    }
    out += fmt::format("gongkai_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n", r, h.count);
    out += fmt::format("gongkai_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", r, Number(h.sum));
    out += fmt::format("gongkai_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", r, h.count);
  }
  out +=
      "# HELP gongkai_http_server_errors_total Requests answered with a 5xx status.\n"
      "# TYPE gongkai_http_server_errors_total counter\n";
  out += fmt::format("gongkai_http_server_errors_total {}\n", server_errors_);
  std::vector<SiteGauge> sorted = overdue;
  std::sort(sorted.begin(), sorted.end(), [](const SiteGauge& a, const SiteGauge& b) { return a.site < b.site; });
  out +=
      "# HELP gongkai_obligations_overdue Publication obligations due this year before today and neither "
      "published nor withheld (the compliance dashboard's 当前逾期未公开), per site.\n"
      "# TYPE gongkai_obligations_overdue gauge\n";
  for (const auto& g : sorted)
    out += fmt::format("gongkai_obligations_overdue{{site=\"{}\"}} {}\n", EscapeLabelValue(g.site), g.overdue);
  out +=
      "# HELP gongkai_obligations_backlog Publication obligations overdue and unpublished as of yesterday, "
      "old debts included (the compliance dashboard's 期末逾期未公开), per site.\n"
      "# TYPE gongkai_obligations_backlog gauge\n";
  for (const auto& g : sorted)
    out += fmt::format("gongkai_obligations_backlog{{site=\"{}\"}} {}\n", EscapeLabelValue(g.site), g.backlog);
  return out;
}

namespace {

// The address without an IPv4-mapped IPv6 prefix ("::ffff:127.0.0.1" -> "127.0.0.1").
std::string Normalised(const std::string& addr) {
  constexpr std::string_view kMapped = "::ffff:";
  if (addr.size() > kMapped.size() && std::equal(kMapped.begin(), kMapped.end(), addr.begin(), [](char a, char b) {
        return a == std::tolower(static_cast<unsigned char>(b));
      })) {
    std::string v4 = addr.substr(kMapped.size());
    in_addr probe{};
    if (inet_pton(AF_INET, v4.c_str(), &probe) == 1) return v4;
  }
  return addr;
}

bool IsLoopback(const std::string& addr) {
  in_addr v4{};
  if (inet_pton(AF_INET, addr.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, addr.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
  return false;
}

}  // namespace

bool MetricsPeerAllowed(const std::string& remote_addr, const std::vector<std::string>& allowed, bool forwarded) {
  if (forwarded) return false;
  const std::string peer = Normalised(remote_addr);
  if (IsLoopback(peer)) return true;
  for (const auto& a : allowed)
    if (!a.empty() && Normalised(a) == peer) return true;
  return false;
}

std::string RequestId(std::string_view offered, std::uint64_t fallback_counter) {
  bool ok = !offered.empty() && offered.size() <= 64;
  for (char c : offered)
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-');
  if (ok) return std::string(offered);
  static const std::uint32_t prefix = randombytes_random();
  return fmt::format("{:08x}-{:06x}", prefix, fallback_counter);
}

std::string JsonEscape(std::string_view s) {
  std::string quoted = nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return quoted.substr(1, quoted.size() - 2);
}

std::string FormatRequestJson(const RequestLogEntry& e) {
  nlohmann::ordered_json j;
  j["time"] = e.time;
  j["level"] = "info";
  j["type"] = "request";
  j["id"] = e.id;
  j["method"] = e.method;
  j["route"] = e.route;
  j["status"] = e.status;
  j["duration_ms"] = static_cast<double>(static_cast<std::int64_t>(e.duration_ms * 1000 + 0.5)) / 1000;
  j["bytes"] = e.bytes;
  j["site"] = e.site;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string FormatRequestText(const RequestLogEntry& e) {
  return fmt::format("request id={} {} {} {} {:.3f}ms {}B site={}", e.id, e.method, e.route, e.status, e.duration_ms,
                     e.bytes, e.site.empty() ? "-" : e.site);
}

}  // namespace gongkai::metrics
