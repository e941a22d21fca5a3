// Signed event pushes to other channels: the office adds a subscriber (URL
// and a secret it gives the receiver); every publication event is then
// POSTed to it as JSON, signed with HMAC-SHA256, in order, retried with
// backoff, each attempt logged; the office can read the log and replay an
// event (receivers deduplicate by the event id).
//
// Request: POST <url>, Content-Type: application/json, body (UTF-8 JSON):
//   {"id": "<site>-<seq>", "type": "record.published" | "record.revised" |
//    "record.withdrawn", "site": "<slug>", "event": <EventDoc>}
// Headers: X-Gongkai-Event-Id: <id>; X-Gongkai-Timestamp: <unix seconds>;
//   X-Gongkai-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>.
// A 2xx answer acknowledges the event; anything else (or no answer within
// 10 s) is a failure, retried after WebhookBackoff.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "app/context.h"
#include "core/webhooks.h"

namespace gongkai {

// Registers a subscriber for events after the newest one (kManageWebhooks).
// The URL must be http:// or https:// (at most 2,000 characters, no spaces);
// the returned subscriber carries its generated secret.
[[nodiscard]] Result<WebhookSubscriber> AddWebhook(const Context& ctx, const std::string& url,
                                                   const std::string& description);
// Pauses or resumes a subscriber (resuming retries at once).
[[nodiscard]] Status SetWebhookActive(const Context& ctx, std::int64_t id, bool active);

// What the office sees of the pushes: every subscriber (secrets blanked),
// the newest attempts (newest first, at most `log_limit`) and the newest
// event's sequence number, to tell how far behind each subscriber is.
struct WebhookOverview {
  std::vector<WebhookSubscriber> subscribers;
  std::vector<WebhookDelivery> log;
  std::int64_t newest_seq = 0;
};
[[nodiscard]] Result<WebhookOverview> ListWebhooks(const Context& ctx, int log_limit = 50);

// The JSON body for `event` and its signature header value.
std::string WebhookBody(const std::string& site_slug, const PublicationEvent& event);
std::string WebhookSignature(const std::string& secret, std::int64_t timestamp, const std::string& body);

struct DeliveryRun {
  int delivered = 0;
  int failed = 0;
};
// Delivers pending events to every active subscriber whose backoff has
// passed: in order, stopping at a subscriber's first failure.
[[nodiscard]] Result<DeliveryRun> DeliverWebhooks(Store& store, const Site& site, WebhookPoster& poster,
                                                  std::chrono::sys_seconds now);
// Sends one past event again (kManageWebhooks), logged as a replay; the
// subscriber's progress is not changed.
[[nodiscard]] Result<WebhookDelivery> ReplayWebhook(const Context& ctx, const Site& site, WebhookPoster& poster,
                                                    std::int64_t subscriber_id, std::int64_t event_seq);

}  // namespace gongkai
