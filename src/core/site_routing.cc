#include "core/site_routing.h"

#include <fmt/format.h>

namespace gongkai {

namespace {

bool HostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

std::string HostOfHeader(std::string_view header) {
  while (!header.empty() && (header.front() == ' ' || header.front() == '\t')) header.remove_prefix(1);
  while (!header.empty() && (header.back() == ' ' || header.back() == '\t')) header.remove_suffix(1);
  std::string_view name = header;
  if (name.starts_with('[')) {
    // "[::1]:8080": an IPv6 literal; kept as written inside the brackets.
    auto close = name.find(']');
    if (close == std::string_view::npos) return {};
    std::string_view rest = name.substr(close + 1);
    if (!rest.empty() && !rest.starts_with(':')) return {};
    name = name.substr(1, close - 1);
    if (name.find(':') == std::string_view::npos) return {};  // not an IPv6 address
    std::string out;
    for (char c : name) {
      c = Lower(c);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == ':' || c == '.')) return {};
      out += c;
    }
    return out;
  }
  if (auto colon = name.find(':'); colon != std::string_view::npos) {
    std::string_view port = name.substr(colon + 1);
    if (port.empty() || port.size() > 5) return {};
    for (char c : port)
      if (c < '0' || c > '9') return {};
    name = name.substr(0, colon);
  }
  if (name.ends_with('.')) name.remove_suffix(1);
  // No empty label: a name never starts with a dot or has two in a row.
  if (name.empty() || name.size() > 253 || name.starts_with('.') || name.ends_with('.') ||
      name.find("..") != std::string_view::npos)
    return {};
  std::string out;
  out.reserve(name.size());
  for (char c : name) {
    c = Lower(c);
    if (!HostChar(c)) return {};
    out += c;
  }
  return out;
}

Result<std::string> NormaliseSiteHost(std::string_view host, const std::string& field) {
  if (host.empty()) return std::string();
  std::string out;
  for (char c : host) out += Lower(c);
  bool ok = out.size() <= 253 && !out.starts_with('.') && !out.starts_with('-') && out.find("..") == std::string::npos;
  for (char c : out) ok = ok && HostChar(c);
  if (out.ends_with('.')) out.pop_back();
  if (!ok || out.empty())
    return Unexpected(Error::Invalid(
        fmt::format("域名“{}”无效：只能包含字母、数字、连字符和点，如gk.example.gov.cn（不含http://和端口）",
                    std::string(host.substr(0, 80))),
        field));
  return out;
}

int ResolveSiteIndex(std::span<const Site> sites, std::string_view host_header, std::string_view default_slug) {
  const std::string host = HostOfHeader(host_header);
  int fallback = -1;
  for (std::size_t i = 0; i < sites.size(); ++i) {
    if (!host.empty() && sites[i].host == host) return static_cast<int>(i);
    if (sites[i].slug == default_slug) fallback = static_cast<int>(i);
  }
  return fallback;
}

}  // namespace gongkai
