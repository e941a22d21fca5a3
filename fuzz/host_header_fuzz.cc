// libFuzzer target: the Host header parser and the site host name check
// (core/site_routing.h) must never crash; a parsed host has only host-name
// characters and parses to itself again; an accepted site host is routed
// to its own site.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "core/site_routing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string host = gongkai::HostOfHeader(text);
  for (char c : host)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == ':')) std::abort();
  if (!host.empty() && host.find(':') == std::string::npos && gongkai::HostOfHeader(host) != host) std::abort();
  auto site_host = gongkai::NormaliseSiteHost(text, "host");
  if (site_host && !site_host->empty()) {
    std::vector<gongkai::Site> sites(2);
    sites[0].slug = "default";
    sites[1].slug = "other";
    sites[1].host = *site_host;
    if (gongkai::ResolveSiteIndex(sites, *site_host, "default") != 1) std::abort();
  }
  return 0;
}
