// Which site a request is for. One deployment can host many districts' portals
// (a provincial platform, 集约化平台): each site may name the host it answers
// to; a request whose Host header names none of them goes to the server's
// default site (`serve --site`), so a single-site portal keeps answering on
// any address (an IP, localhost) exactly as before.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/store.h"

namespace gongkai {

// The host name of a Host header: lower case, without the port, without the
// brackets of an IPv6 literal and without a trailing dot. "" when the header
// is empty or malformed (then no site's host can match).
std::string HostOfHeader(std::string_view header);

// A site's configured host name, checked and normalised the same way
// (lower case; letters, digits, '-' and '.' only; at most 253 characters).
// "" stays "" (the site has no host of its own). Error::Invalid names `field`.
[[nodiscard]] Result<std::string> NormaliseSiteHost(std::string_view host, const std::string& field);

// The index in `sites` of the site for `host_header`: the one whose host is
// the header's host name, else the one whose slug is `default_slug`; -1 when
// neither exists.
int ResolveSiteIndex(std::span<const Site> sites, std::string_view host_header, std::string_view default_slug);

}  // namespace gongkai
