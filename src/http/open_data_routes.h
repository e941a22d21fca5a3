// Open-data routes: API v1 record lists, one record with its versions,
// publication events, CSV/Excel exports, Atom feeds, sitemaps and
// robots.txt. Handlers translate HTTP to app/open_data.h and back.
#pragma once

#include <httplib.h>

#include <functional>
#include <memory>
#include <string>

#include "app/context.h"
#include "core/error.h"
#include "core/store.h"
#include "http/snapshot.h"

namespace gongkai {

struct OpenDataDeps {
  Store& store;
  const Clock& clock;
  std::function<const Site&()> site;  // the request's site
  std::function<Result<std::shared_ptr<const Snapshot>>()> snapshot;
  // Sends an error (JSON under /api/, an HTML page elsewhere).
  std::function<void(const httplib::Request&, httplib::Response&, const Error&)> send_error;
  // The request's site's public base URL ("https://gk.example.gov.cn"), for
  // the absolute URLs feeds and sitemaps need; "" = from the request's Host.
  std::function<std::string()> public_url;
};

void RegisterOpenDataRoutes(httplib::Server& server, const OpenDataDeps& deps);

// Absolute base URL for a request: `configured` without a trailing slash,
// or "http://" + the Host header (or "http://localhost").
std::string BaseUrl(const std::string& configured, const httplib::Request& req);

}  // namespace gongkai
