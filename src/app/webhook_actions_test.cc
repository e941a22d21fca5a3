// Event pushes: order, backoff, replay, signatures, and a real receiver
// started by the test (delivery over HTTP through libcurl).
#include "app/webhook_actions.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <mutex>
#include <thread>

#include "app/test_site.h"
#include "codec/rules_codec.h"
#include "net/http_poster.h"

namespace gongkai {
namespace {

using testing_support::TempSiteTest;

// A receiver that is down (no answer) until `up`, then answers 200.
class FakePoster : public WebhookPoster {
 public:
  bool up = false;
  std::vector<std::string> ids;  // event ids acknowledged, in order
  int calls = 0;
  Result<int> Post(const std::string&, const std::vector<std::pair<std::string, std::string>>& headers,
                   const std::string&) override {
    ++calls;
    if (!up) return Unexpected(Error::Invalid("无法连接接收方"));
    for (const auto& [k, v] : headers)
      if (k == "X-Gongkai-Event-Id") ids.push_back(v);
    return 200;
  }
};

class WebhookTest : public TempSiteTest {
 protected:
  std::int64_t Published(const std::string& title) {
    return DraftAndPublish("区财政局", 12, title);
  }
};

TEST(WebhookSignature, IsHmacSha256OfTimestampDotBody) {
  // Expected value computed independently (Python's hmac module).
  EXPECT_EQ(WebhookSignature("whsec_test", 1700000000, "{\"a\":1}"),
            "sha256=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789");
  EXPECT_NE(WebhookSignature("whsec_test", 1700000001, "{\"a\":1}"),
            WebhookSignature("whsec_test", 1700000000, "{\"a\":1}"));
}

TEST(WebhookBackoff, DoublesUpToAnHour) {
  EXPECT_EQ(WebhookBackoff(0).count(), 0);
  EXPECT_EQ(WebhookBackoff(1).count(), 1);
  EXPECT_EQ(WebhookBackoff(2).count(), 2);
  EXPECT_EQ(WebhookBackoff(5).count(), 16);
  EXPECT_EQ(WebhookBackoff(40).count(), 3600);
}

TEST_F(WebhookTest, OnlyTheOfficeAddsAndUrlsAreChecked) {
  EXPECT_EQ(AddWebhook(As(Role::kLiaison, "区财政局"), "https://x.example/hook", "").error().code,
            ErrorCode::kForbidden);
  for (const char* bad : {"ftp://x.example/hook", "https://x.example/a b", "http://", "javascript:alert(1)"}) {
    auto r = AddWebhook(As(Role::kAdmin), bad, "");
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().field, "url");
  }
  auto ok = AddWebhook(As(Role::kAdmin), "https://x.example/hook", "政务微信公众号");
  ASSERT_TRUE(ok.has_value());
  EXPECT_TRUE(ok->secret.starts_with("whsec_"));
  EXPECT_EQ(store_->ListSubscribers(site_.id)->size(), 1u);
}

TEST_F(WebhookTest, AReceiverThatIsDownGetsEveryEventInOrderAfterwards) {
  Published("订阅前的信息");  // before the subscriber: not pushed
  auto sub = AddWebhook(As(Role::kAdmin), "https://x.example/hook", "省平台");
  ASSERT_TRUE(sub.has_value());
  const auto a = Published("一");
  Published("二");
  ASSERT_TRUE(WithdrawRecord(As(Role::kLeader, "区财政局"), a, "有误").has_value());
  FakePoster poster;
  auto now = clock_.now;
  // Down: one attempt, then nothing until the backoff has passed.
  auto r1 = DeliverWebhooks(*store_, site_, poster, now);
  ASSERT_TRUE(r1.has_value());
  EXPECT_EQ(r1->failed, 1);
  EXPECT_EQ(DeliverWebhooks(*store_, site_, poster, now)->failed, 0);
  EXPECT_EQ(poster.calls, 1);
  auto s = *store_->GetSubscriber(sub->id);
  EXPECT_EQ(s.failures, 1);
  EXPECT_FALSE(s.last_error.empty());
  now += std::chrono::seconds(1);
  EXPECT_EQ(DeliverWebhooks(*store_, site_, poster, now)->failed, 1);  // second failure: wait 2 s
  EXPECT_EQ(store_->GetSubscriber(sub->id)->failures, 2);
  now += std::chrono::seconds(2);
  poster.up = true;
  auto r2 = DeliverWebhooks(*store_, site_, poster, now);
  ASSERT_TRUE(r2.has_value());
  EXPECT_EQ(r2->delivered, 3);
  EventQuery q;
  q.after_seq = sub->delivered_seq;
  q.newest_first = false;
  auto events = *store_->ListPublicationEvents(site_.id, q);
  ASSERT_EQ(poster.ids.size(), events.size());
  for (std::size_t i = 0; i < events.size(); ++i) EXPECT_EQ(poster.ids[i], fmt::format("demo-{}", events[i].seq));
  EXPECT_EQ(store_->GetSubscriber(sub->id)->failures, 0);
  // Nothing twice.
  EXPECT_EQ(DeliverWebhooks(*store_, site_, poster, now)->delivered, 0);
  // A replay sends the same event id again and is logged as one; progress is unchanged.
  auto replay = ReplayWebhook(As(Role::kAdmin), site_, poster, sub->id, events[0].seq);
  ASSERT_TRUE(replay.has_value());
  EXPECT_TRUE(replay->replay);
  EXPECT_EQ(poster.ids.back(), poster.ids.front());
  auto log = *store_->ListDeliveries(site_.id, sub->id, 10);
  EXPECT_TRUE(log.front().replay);
  EXPECT_EQ(store_->GetSubscriber(sub->id)->delivered_seq, events.back().seq);
  // A paused subscriber gets nothing.
  ASSERT_TRUE(SetWebhookActive(As(Role::kAdmin), sub->id, false).has_value());
  Published("三");
  EXPECT_EQ(DeliverWebhooks(*store_, site_, poster, now)->delivered, 0);
}

TEST_F(WebhookTest, ARealReceiverVerifiesTheSignature) {
  auto sub = AddWebhook(As(Role::kAdmin), "http://127.0.0.1:1/unused", "");
  ASSERT_TRUE(sub.has_value());
  Published("一");
  Published("二");
  httplib::Server receiver;
  std::mutex mu;
  std::vector<std::string> ids;
  int refuse = 2;  // the first two requests get 503
  bool signatures_ok = true;
  receiver.Post("/hook", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mu);
    const std::string expected = WebhookSignature(
        sub->secret, std::stoll(req.get_header_value("X-Gongkai-Timestamp")), req.body);
    signatures_ok = signatures_ok && req.get_header_value("X-Gongkai-Signature") == expected &&
                    req.get_header_value("Content-Type").starts_with("application/json");
    if (refuse > 0) {
      --refuse;
      res.status = 503;
      return;
    }
    ids.push_back(nlohmann::json::parse(req.body)["id"]);
    res.status = 204;
  });
  const int port = receiver.bind_to_any_port("127.0.0.1");
  std::thread t([&] { receiver.listen_after_bind(); });
  while (!receiver.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  // Point the subscriber at the receiver (a second subscriber, same progress).
  WebhookSubscriber real = *sub;
  real.url = fmt::format("http://127.0.0.1:{}/hook", port);
  auto created = store_->CreateSubscriber(real, As(Role::kAdmin).Audit("测试", "推送订阅"));
  ASSERT_TRUE(created.has_value());
  ASSERT_TRUE(SetWebhookActive(As(Role::kAdmin), sub->id, false).has_value());
  CurlPoster poster;
  auto now = clock_.now;
  for (int i = 0; i < 5; ++i, now += std::chrono::hours(1)) ASSERT_TRUE(DeliverWebhooks(*store_, site_, poster, now));
  receiver.stop();
  t.join();
  std::lock_guard lock(mu);
  EXPECT_TRUE(signatures_ok);
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_LT(ids[0], ids[1]);
  auto log = *store_->ListDeliveries(site_.id, created->id, 10);
  ASSERT_EQ(log.size(), 4u);  // two refusals (HTTP 503) and two deliveries
  EXPECT_EQ(log.back().http_status, 503);
  EXPECT_FALSE(log.back().ok);
  EXPECT_TRUE(log.front().ok);
}

}  // namespace
}  // namespace gongkai
