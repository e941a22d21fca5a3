#include "app/webhook_actions.h"

#include <fmt/core.h>
#include <sodium.h>

#include "app/crypto.h"
#include "app/record_json.h"
#include "core/auth.h"
#include "core/timestamp.h"

namespace gongkai {

namespace {

constexpr int kBatch = 100;

const char* EventType(PublicationKind k) {
  switch (k) {
    case PublicationKind::kPublish: return "record.published";
    case PublicationKind::kRevise: return "record.revised";
    case PublicationKind::kWithdraw: return "record.withdrawn";
  }
  return "record.published";
}

Status CheckUrl(const std::string& url) {
  const bool scheme = url.starts_with("http://") || url.starts_with("https://");
  bool clean = url.size() <= 2000;
  for (unsigned char c : url) clean = clean && c > 0x20 && c < 0x7F;
  if (!scheme || !clean || url.size() < 10)
    return Unexpected(Error::Invalid(
        fmt::format("接收地址“{}”无效：应为http://或https://开头、不含空格的网址（最多2000个字符）", QuoteInput(url)),
        "url"));
  return Ok();
}

// POSTs one event; the attempt, with what the subscriber's progress becomes.
WebhookDelivery Attempt(WebhookPoster& poster, const WebhookSubscriber& s, const std::string& site_slug,
                        const PublicationEvent& e, std::chrono::sys_seconds now) {
  const std::string body = WebhookBody(site_slug, e);
  const std::int64_t ts = now.time_since_epoch().count();
  WebhookDelivery d;
  d.subscriber_id = s.id;
  d.event_seq = e.seq;
  d.at = FormatUtc(now);
  auto status = poster.Post(s.url,
                            {{"X-Gongkai-Event-Id", fmt::format("{}-{}", site_slug, e.seq)},
                             {"X-Gongkai-Timestamp", std::to_string(ts)},
                             {"X-Gongkai-Signature", WebhookSignature(s.secret, ts, body)}},
                            body);
  if (!status) {
    d.error = status.error().message;
  } else {
    d.http_status = *status;
    d.ok = *status >= 200 && *status < 300;
    if (!d.ok) d.error = fmt::format("接收方返回HTTP {}", *status);
  }
  return d;
}

}  // namespace

Result<WebhookSubscriber> AddWebhook(const Context& ctx, const std::string& url, const std::string& description) {
  GK_CHECK(Authorize(ctx.actor, Action::kManageWebhooks));
  GK_CHECK(CheckUrl(url));
  if (description.size() > 200) return Unexpected(Error::Invalid("说明最多200个字节", "description"));
  EventQuery newest;
  newest.limit = 1;
  GK_TRY(events, ctx.store.ListPublicationEvents(ctx.actor.site_id, newest));
  WebhookSubscriber s;
  s.site_id = ctx.actor.site_id;
  s.url = url;
  s.description = description;
  s.secret = "whsec_" + RandomToken(32);
  s.delivered_seq = events.empty() ? 0 : events[0].seq;
  s.created_at = ctx.NowUtc();
  s.created_by = ctx.actor.username;
  nlohmann::json after{{"url", url}, {"description", description}, {"from_seq", s.delivered_seq}};
  return ctx.store.CreateSubscriber(s, ctx.Audit("添加信息推送订阅", "推送订阅", "null", after.dump()));
}

Status SetWebhookActive(const Context& ctx, std::int64_t id, bool active) {
  GK_CHECK(Authorize(ctx.actor, Action::kManageWebhooks));
  GK_TRY(s, ctx.store.GetSubscriber(id));
  if (s.site_id != ctx.actor.site_id) return Unexpected(Error::NotFound(fmt::format("推送订阅{}不存在", id)));
  return ctx.store.SetSubscriberActive(
      id, active, ctx.Audit(active ? "恢复信息推送" : "暂停信息推送", fmt::format("推送订阅:{}", id)));
}

Result<WebhookOverview> ListWebhooks(const Context& ctx, int log_limit) {
  GK_CHECK(Authorize(ctx.actor, Action::kManageWebhooks));
  WebhookOverview out;
  GK_TRY(subscribers, ctx.store.ListSubscribers(ctx.actor.site_id));
  for (auto& s : subscribers) s.secret.clear();
  out.subscribers = std::move(subscribers);
  GK_TRY(log, ctx.store.ListDeliveries(ctx.actor.site_id, 0, log_limit));
  out.log = std::move(log);
  EventQuery newest;
  newest.limit = 1;
  GK_TRY(events, ctx.store.ListPublicationEvents(ctx.actor.site_id, newest));
  out.newest_seq = events.empty() ? 0 : events[0].seq;
  return out;
}

std::string WebhookBody(const std::string& site_slug, const PublicationEvent& e) {
  nlohmann::ordered_json j;
  j["id"] = fmt::format("{}-{}", site_slug, e.seq);
  j["type"] = EventType(e.kind);
  j["site"] = site_slug;
  j["event"] = EventDoc(e);
  return j.dump();
}

std::string WebhookSignature(const std::string& secret, std::int64_t timestamp, const std::string& body) {
  const std::string message = fmt::format("{}.{}", timestamp, body);
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(message.data()), message.size());
  crypto_auth_hmacsha256_final(&st, mac);
  std::string hex = "sha256=";
  for (unsigned char c : mac) hex += fmt::format("{:02x}", c);
  return hex;
}

Result<DeliveryRun> DeliverWebhooks(Store& store, const Site& site, WebhookPoster& poster,
                                    std::chrono::sys_seconds now) {
  DeliveryRun run;
  GK_TRY(subscribers, store.ListSubscribers(site.id));
  const std::string now_text = FormatUtc(now);
  for (auto s : subscribers) {
    if (!s.active || (!s.next_attempt_at.empty() && s.next_attempt_at > now_text)) continue;
    EventQuery q;
    q.after_seq = s.delivered_seq;
    q.newest_first = false;
    q.limit = kBatch;
    GK_TRY(events, store.ListPublicationEvents(site.id, q));
    for (const auto& e : events) {
      WebhookDelivery d = Attempt(poster, s, site.slug, e, now);
      if (d.ok) {
        s.delivered_seq = e.seq;
        s.failures = 0;
        s.next_attempt_at.clear();
        s.last_error.clear();
        ++run.delivered;
      } else {
        ++s.failures;
        s.next_attempt_at = FormatUtc(now + WebhookBackoff(s.failures));
        s.last_error = d.error;
        ++run.failed;
      }
      GK_CHECK(store.RecordDelivery(d, s));
      if (!d.ok) break;  // order: nothing after an event that was not acknowledged
    }
  }
  return run;
}

Result<WebhookDelivery> ReplayWebhook(const Context& ctx, const Site& site, WebhookPoster& poster,
                                      std::int64_t subscriber_id, std::int64_t event_seq) {
  GK_CHECK(Authorize(ctx.actor, Action::kManageWebhooks));
  GK_TRY(s, ctx.store.GetSubscriber(subscriber_id));
  if (s.site_id != site.id) return Unexpected(Error::NotFound(fmt::format("推送订阅{}不存在", subscriber_id)));
  EventQuery q;
  q.after_seq = event_seq - 1;
  q.newest_first = false;
  q.limit = 1;
  GK_TRY(events, ctx.store.ListPublicationEvents(site.id, q));
  if (events.empty() || events[0].seq != event_seq)
    return Unexpected(Error::NotFound(fmt::format("事件{}不存在", event_seq)));
  WebhookDelivery d = Attempt(poster, s, site.slug, events[0], ctx.clock.Now());
  d.replay = true;
  GK_CHECK(ctx.store.RecordDelivery(d, s));
  return d;
}

}  // namespace gongkai
