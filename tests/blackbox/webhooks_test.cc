// Black-box tests of the office's page for pushes to other channels
// (/admin/webhooks): a subscriber added on the page receives, from the real
// server, a signed event for a record published through API v1; the page
// shows the delivery, replays an event with the same id, pauses and
// resumes; bad input is named; only the office may use it.
#include <gtest/gtest.h>
#include <httplib.h>
#include <sodium.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <mutex>
#include <regex>
#include <thread>

#include "tests/blackbox/harness.h"
#include "tests/blackbox/web_session.h"

namespace gongkai::testing {
namespace {

using json = nlohmann::json;

struct Received {
  std::string id, timestamp, signature, body;
};

// A receiver on a free loopback port that records every POST and answers 204.
class Receiver {
 public:
  Receiver() {
    server_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      got_.push_back({req.get_header_value("X-Gongkai-Event-Id"), req.get_header_value("X-Gongkai-Timestamp"),
                      req.get_header_value("X-Gongkai-Signature"), req.body});
      res.status = 204;
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int i = 0; i < 200 && !server_.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ~Receiver() {
    server_.stop();
    thread_.join();
  }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  std::vector<Received> Got() {
    std::lock_guard lock(mu_);
    return got_;
  }
  // Waits up to 15 s for at least `n` requests.
  std::vector<Received> WaitFor(std::size_t n) {
    for (int i = 0; i < 150; ++i) {
      auto g = Got();
      if (g.size() >= n) return g;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return Got();
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  std::mutex mu_;
  std::vector<Received> got_;
  int port_ = 0;
};

std::string Hmac(const std::string& secret, const std::string& message) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(message.data()), message.size());
  crypto_auth_hmacsha256_final(&st, mac);
  std::string hex = "sha256=";
  static const char* digits = "0123456789abcdef";
  for (unsigned char c : mac) {
    hex += digits[c >> 4];
    hex += digits[c & 15];
  }
  return hex;
}

std::string Token(const std::filesystem::path& db, const std::string& unit, const std::string& role) {
  auto r = RunGongkai({"token", "add", "--db", db.string(), "--name", "测试系统" + role, "--unit", unit, "--role", role,
                       "--secret-only"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out.substr(0, r.out.find('\n'));
}

httplib::Result ApiPost(const ServerProcess& server, const std::string& path, const std::string& token,
                        const std::string& body) {
  return server.Client()->Post(path.c_str(), {{"Authorization", "Bearer " + token}}, body, "application/json");
}

TEST(WebhooksPageTest, TheOfficeSubscribesSeesDeliveriesReplaysAndPauses) {
  ASSERT_EQ(sodium_init() >= 0, true);
  TempDir dir;
  const auto db = dir / "w.db";
  ASSERT_EQ(RunGongkai({"init", "--db", db.string()}).exit_code, 0);
  ASSERT_TRUE(AddAccount(db, "wh_admin", "admin", "", "Wh-Admin-Pass-2026"));
  ASSERT_TRUE(AddAccount(db, "wh_liaison", "liaison", "区财政局", "Wh-Liaison-2026"));
  const std::string liaison_token = Token(db, "区财政局", "liaison");
  const std::string leader_token = Token(db, "区财政局", "leader");
  Receiver receiver;
  ServerProcess server(db);
  ASSERT_TRUE(server.Start());
  WebSession office = WebLogin(server, "wh_admin", "Wh-Admin-Pass-2026");
  ASSERT_FALSE(office.token.empty());

  // The admin home links the page.
  auto home = WebGet(server, "/admin", &office);
  ASSERT_TRUE(home);
  EXPECT_NE(home->body.find("href=\"/admin/webhooks\""), std::string::npos);

  // Bad URL: 400, named, nothing added.
  auto bad = WebPost(server, "/admin/webhooks", {{"url", "ftp://example.org/x"}, {"description", "错的"}}, office);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("尚未添加推送订阅"), std::string::npos);

  // Add: the secret is shown once.
  auto added = WebPost(server, "/admin/webhooks", {{"url", receiver.Url()}, {"description", "政务微信公众号"}}, office);
  ASSERT_TRUE(added);
  ASSERT_EQ(added->status, 200) << added->body.substr(0, 2000);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(added->body, m, std::regex("value=\"(whsec_[A-Za-z0-9_-]+)\""))) << added->body;
  const std::string secret = m[1];
  auto page = WebGet(server, "/admin/webhooks", &office);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->body.find(secret), std::string::npos) << "the secret must not be shown again";
  EXPECT_NE(page->body.find("政务微信公众号"), std::string::npos);

  // The feed and the sitemaps before (cached per content revision: they
  // must change when a record is published).
  auto feed_before = server.Client()->Get("/feeds/site.atom");
  ASSERT_TRUE(feed_before);
  ASSERT_EQ(feed_before->status, 200);
  EXPECT_EQ(feed_before->body.find("推送测试公告"), std::string::npos);
  auto index_before = server.Client()->Get("/sitemap.xml");
  ASSERT_TRUE(index_before);
  EXPECT_EQ(index_before->body.find("records-1.xml"), std::string::npos) << "no public record yet";

  // A unit's system publishes a record through API v1.
  auto created = ApiPost(server, "/api/v1/records", liaison_token,
                         R"({"unit":"区财政局","item":12,"formed_on":"2026-11-20","title":"推送测试公告","body":"为测试推送发布的公告。"})");
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  const auto id = json::parse(created->body)["id"].get<std::int64_t>();
  const std::string base = "/api/v1/records/" + std::to_string(id);
  auto submitted = ApiPost(server, base + "/submit", liaison_token, "{}");
  ASSERT_EQ(submitted->status, 200) << submitted->body;
  ASSERT_EQ(ApiPost(server, base + "/approve", leader_token,
                    R"({"no_state_secret":true,"no_commercial_secret":true,"personal_info_handled":true})")
                ->status,
            200);
  ASSERT_EQ(ApiPost(server, base + "/publish", liaison_token, "{}")->status, 200);

  auto feed_after = server.Client()->Get("/feeds/site.atom");
  ASSERT_TRUE(feed_after);
  EXPECT_NE(feed_after->body.find("推送测试公告"), std::string::npos) << "a stale cached feed";
  auto unit_feed = server.Client()->Get("/feeds/units/区财政局.atom");
  ASSERT_TRUE(unit_feed);
  EXPECT_NE(unit_feed->body.find("推送测试公告"), std::string::npos);
  auto index_after = server.Client()->Get("/sitemap.xml");
  ASSERT_TRUE(index_after);
  EXPECT_NE(index_after->body.find("records-1.xml"), std::string::npos) << index_after->body;
  auto records_map = server.Client()->Get("/sitemaps/records-1.xml");
  ASSERT_TRUE(records_map);
  EXPECT_NE(records_map->body.find("/records/" + std::to_string(id) + "</loc>"), std::string::npos)
      << records_map->body;

  // The server pushes it, signed.
  auto got = receiver.WaitFor(1);
  ASSERT_EQ(got.size(), 1u) << "no event pushed within 15 s";
  auto event = json::parse(got[0].body);
  EXPECT_EQ(event["type"], "record.published");
  EXPECT_EQ(event["event"]["record_id"], id);
  EXPECT_EQ(got[0].id, event["id"]);
  EXPECT_EQ(got[0].signature, Hmac(secret, got[0].timestamp + "." + got[0].body));
  const auto seq = event["event"]["seq"].get<std::int64_t>();

  // The page shows the delivery and that the subscriber is up to date.
  for (int i = 0; i < 50; ++i) {  // the log row is written right after the receiver answers
    page = WebGet(server, "/admin/webhooks", &office);
    if (page && page->body.find("已是最新") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(page);
  EXPECT_NE(page->body.find("已是最新"), std::string::npos) << page->body;
  EXPECT_NE(page->body.find("<td>" + std::to_string(seq) + "</td><td>成功"), std::string::npos) << page->body;

  // Replay: the same event id again, logged as a replay.
  auto replay = WebPost(server, "/admin/webhooks/1/replay", {{"event", std::to_string(seq)}}, office);
  ASSERT_TRUE(replay);
  EXPECT_EQ(replay->status, 200) << replay->body.substr(0, 2000);
  EXPECT_NE(replay->body.find("对方已确认"), std::string::npos);
  EXPECT_NE(replay->body.find("成功（重发）"), std::string::npos);
  got = receiver.Got();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].id, got[0].id);
  EXPECT_EQ(got[1].body, got[0].body);

  // Bad replays are named and send nothing.
  auto word = WebPost(server, "/admin/webhooks/1/replay", {{"event", "abc"}}, office);
  ASSERT_TRUE(word);
  EXPECT_EQ(word->status, 400);
  EXPECT_NE(word->body.find("事件序号“abc”应为正整数"), std::string::npos);
  auto missing = WebPost(server, "/admin/webhooks/1/replay", {{"event", "999999"}}, office);
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_NE(missing->body.find("事件999999不存在"), std::string::npos);
  auto nobody = WebPost(server, "/admin/webhooks/77/replay", {{"event", std::to_string(seq)}}, office);
  ASSERT_TRUE(nobody);
  EXPECT_EQ(nobody->status, 404);
  EXPECT_EQ(receiver.Got().size(), 2u);

  // Pause and resume.
  auto paused = WebPost(server, "/admin/webhooks/1/pause", {}, office);
  ASSERT_TRUE(paused);
  EXPECT_EQ(paused->status, 303);
  page = WebGet(server, "/admin/webhooks", &office);
  EXPECT_NE(page->body.find("已暂停"), std::string::npos);
  EXPECT_NE(page->body.find("/admin/webhooks/1/resume"), std::string::npos);
  ASSERT_EQ(WebPost(server, "/admin/webhooks/1/resume", {}, office)->status, 303);
  page = WebGet(server, "/admin/webhooks", &office);
  EXPECT_EQ(page->body.find("已暂停"), std::string::npos);

  // Only the office: a liaison is refused; a POST without the CSRF token is refused.
  WebSession liaison = WebLogin(server, "wh_liaison", "Wh-Liaison-2026");
  ASSERT_FALSE(liaison.token.empty());
  auto forbidden = WebGet(server, "/admin/webhooks", &liaison);
  ASSERT_TRUE(forbidden);
  EXPECT_EQ(forbidden->status, 403);
  auto sneaky = WebPost(server, "/admin/webhooks", {{"url", "http://example.org/x"}}, liaison);
  ASSERT_TRUE(sneaky);
  EXPECT_EQ(sneaky->status, 403);
  auto no_csrf = server.Client()->Post("/admin/webhooks", SessionCookies(&office),
                                       httplib::Params{{"url", "http://example.org/y"}});
  ASSERT_TRUE(no_csrf);
  EXPECT_NE(no_csrf->status, 200);
  page = WebGet(server, "/admin/webhooks", &office);
  EXPECT_NE(page->body.find("共1个"), std::string::npos) << "nothing else was added";
}

}  // namespace
}  // namespace gongkai::testing
