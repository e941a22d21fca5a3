// API v1 write endpoints for the units' own systems, authenticated only by a
// per-unit API token ("Authorization: Bearer gk_…"; no cookie session, so no
// CSRF either):
//   POST /api/v1/records                 create a draft            → 201
//   POST /api/v1/records/{id}/submit     submit it for review      → 200
//   POST /api/v1/records/{id}/approve    the leader's approval     → 200
//   POST /api/v1/records/{id}/publish    publish an approved record → 200
// Each calls the one record action of src/app/record_actions.h as the
// token's actor. Errors are {"error": {"code", "message", "field"}}: 400 bad
// input (field names the JSON member), 401 missing/unknown/revoked token,
// 403 out of the token's scope, 404 unknown record, 409 workflow conflict,
// 413 body over 1 MiB, 415 not JSON.
#pragma once

#include <httplib.h>

#include <functional>
#include <memory>

#include "app/context.h"
#include "core/store.h"
#include "http/snapshot.h"

namespace gongkai {

struct ApiWriteDeps {
  Store& store;
  const Clock& clock;
  std::function<const Site&()> site;  // the request's site
  std::function<Result<std::shared_ptr<const Snapshot>>()> snapshot;
  // Sends an error as the API's JSON document with its HTTP status.
  std::function<void(const httplib::Request&, httplib::Response&, const Error&)> send_error;
};

void RegisterApiWriteRoutes(httplib::Server& server, const ApiWriteDeps& deps);

}  // namespace gongkai
