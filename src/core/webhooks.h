// Pushing publication events to other channels (政务新媒体, the province's
// aggregation platform): subscribers, their delivery log, and the outbound
// port. The delivery logic is in app/webhook_actions.h; plain data here.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"

namespace gongkai {

// A receiver of signed event POSTs. Events are delivered one at a time in
// order; `delivered_seq` is the last event it acknowledged (2xx), so a
// receiver that is down gets every later event, in order, once it is back.
struct WebhookSubscriber {
  std::int64_t id = 0;
  std::int64_t site_id = 0;
  std::string url;             // http:// or https://
  std::string description;     // "政务微信公众号", "省级政务公开平台"
  std::string secret;          // HMAC-SHA256 key, shown to the office once
  bool active = true;
  std::int64_t delivered_seq = 0;
  int failures = 0;            // consecutive failed attempts
  std::string next_attempt_at; // ISO 8601 UTC; "" = now
  std::string last_error;
  std::string created_at;
  std::string created_by;
};

// One attempt to deliver one event (a replay is an attempt too).
struct WebhookDelivery {
  std::int64_t id = 0;
  std::int64_t subscriber_id = 0;
  std::int64_t event_seq = 0;
  std::string at;       // ISO 8601 UTC
  int http_status = 0;  // 0 = no answer
  bool ok = false;
  bool replay = false;
  std::string error;    // Chinese, "" when ok
};

// Wait before the next attempt after `failures` consecutive failures:
// 2^(failures-1) seconds, at most one hour.
std::chrono::seconds WebhookBackoff(int failures);

// The outbound HTTP port (net/http_poster.h; tests use fakes).
class WebhookPoster {
 public:
  virtual ~WebhookPoster() = default;
  // POSTs `body` (application/json) with `headers`; the HTTP status, or an
  // error (Chinese) when there was no answer (refused, timeout, TLS...).
  [[nodiscard]] virtual Result<int> Post(const std::string& url,
                                         const std::vector<std::pair<std::string, std::string>>& headers,
                                         const std::string& body) = 0;
};

}  // namespace gongkai
