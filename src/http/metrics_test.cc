#include "http/metrics.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace gongkai::metrics {
namespace {

struct RouteCase {
  const char* pattern;
  const char* path;
  const char* label;
};

TEST(MetricsTest, RouteLabelReplacesCapturedGroups) {
  const RouteCase cases[] = {
      {"/", "/", "/"},
      {"/search", "/search", "/search"},
      {R"(/records/(\d+)(?:/versions/(\d+))?)", "/records/42", "/records/{}"},
      {R"(/records/(\d+)(?:/versions/(\d+))?)", "/records/42/versions/3", "/records/{}/versions/{}"},
      {R"(/units/([^/]+))", "/units/张三", "/units/{}"},
      {R"(/admin/obligations/(\d+)/(cancel|withhold))", "/admin/obligations/7/cancel", "/admin/obligations/{}/{}"},
      {R"(/feeds/units/([^/]+)\.atom)", "/feeds/units/财政局.atom", "/feeds/units/{}.atom"},
      {R"(/a/((\d+)-(\d+)))", "/a/1-2", "/a/{}"},  // nested groups: the outer one only
  };
  for (const auto& c : cases) {
    const std::string path = c.path;
    std::smatch m;
    ASSERT_TRUE(std::regex_match(path, m, std::regex(c.pattern))) << c.pattern;
    EXPECT_EQ(RouteLabel(path, m), c.label) << c.pattern << " " << c.path;
  }
  const std::string path = "/no/such/page/13800138000";
  std::smatch none;
  EXPECT_FALSE(std::regex_match(path, none, std::regex("/search")));
  EXPECT_EQ(RouteLabel(path, none), "unmatched");
}

TEST(MetricsTest, LabelsAreBounded) {
  EXPECT_EQ(MethodLabel("GET"), "GET");
  EXPECT_EQ(MethodLabel("PATCH"), "PATCH");
  EXPECT_EQ(MethodLabel("PRI"), "OTHER");
  EXPECT_EQ(MethodLabel("get"), "OTHER");
  EXPECT_EQ(StatusClass(200), "2xx");
  EXPECT_EQ(StatusClass(304), "3xx");
  EXPECT_EQ(StatusClass(404), "4xx");
  EXPECT_EQ(StatusClass(503), "5xx");
  EXPECT_EQ(StatusClass(99), "other");
  EXPECT_EQ(StatusClass(600), "other");
  EXPECT_EQ(EscapeLabelValue("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}

TEST(MetricsTest, ExpositionFormat) {
  Registry r;
  r.Observe("/records/{}", "GET", 200, 0.003);
  r.Observe("/records/{}", "GET", 200, 0.2);
  r.Observe("/records/{}", "GET", 404, 0.0005);
  r.Observe("/api/v1/records", "POST", 503, 20.0);
  const std::string text = r.Render({{"pudong", 0, 1}, {"demo", 3, 5}});
  const char* expected[] = {
      "# TYPE gongkai_http_requests_total counter\n",
      "gongkai_http_requests_total{route=\"/records/{}\",method=\"GET\",status=\"2xx\"} 2\n",
      "gongkai_http_requests_total{route=\"/records/{}\",method=\"GET\",status=\"4xx\"} 1\n",
      "gongkai_http_requests_total{route=\"/api/v1/records\",method=\"POST\",status=\"5xx\"} 1\n",
      "# TYPE gongkai_http_request_duration_seconds histogram\n",
      // Cumulative buckets: 0.0005 and 0.003 and 0.2 seconds.
      "gongkai_http_request_duration_seconds_bucket{route=\"/records/{}\",le=\"0.001\"} 1\n",
      "gongkai_http_request_duration_seconds_bucket{route=\"/records/{}\",le=\"0.0025\"} 1\n",
      "gongkai_http_request_duration_seconds_bucket{route=\"/records/{}\",le=\"0.005\"} 2\n",
      "gongkai_http_request_duration_seconds_bucket{route=\"/records/{}\",le=\"0.1\"} 2\n",
      "gongkai_http_request_duration_seconds_bucket{route=\"/records/{}\",le=\"0.25\"} 3\n",
      "gongkai_http_request_duration_seconds_bucket{route=\"/records/{}\",le=\"10\"} 3\n",
      "gongkai_http_request_duration_seconds_bucket{route=\"/records/{}\",le=\"+Inf\"} 3\n",
      "gongkai_http_request_duration_seconds_count{route=\"/records/{}\"} 3\n",
      // 20 s is above every finite bucket: only +Inf holds it.
      "gongkai_http_request_duration_seconds_bucket{route=\"/api/v1/records\",le=\"10\"} 0\n",
      "gongkai_http_request_duration_seconds_bucket{route=\"/api/v1/records\",le=\"+Inf\"} 1\n",
      "gongkai_http_request_duration_seconds_sum{route=\"/api/v1/records\"} 20\n",
      "# TYPE gongkai_http_server_errors_total counter\ngongkai_http_server_errors_total 1\n",
      "# TYPE gongkai_obligations_overdue gauge\n",
      "gongkai_obligations_overdue{site=\"demo\"} 3\ngongkai_obligations_overdue{site=\"pudong\"} 0\n",
      "# TYPE gongkai_obligations_backlog gauge\n",
      "gongkai_obligations_backlog{site=\"demo\"} 5\ngongkai_obligations_backlog{site=\"pudong\"} 1\n",
  };
  for (const char* line : expected) EXPECT_NE(text.find(line), std::string::npos) << line << "\nin:\n" << text;
  // Every line is a comment or "name{labels} value"; HELP before TYPE for each family.
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    ASSERT_NE(end, std::string::npos) << "the exposition must end with a newline";
    const std::string line = text.substr(start, end - start);
    EXPECT_TRUE(line.starts_with("# HELP gongkai_") || line.starts_with("# TYPE gongkai_") ||
                std::regex_match(line, std::regex(R"(gongkai_[a-z_]+(\{([a-z_]+="([^"\\]|\\.)*",?)+\})? [0-9.e+-]+)")))
        << line;
    start = end + 1;
  }
}

TEST(MetricsTest, RouteCountIsCapped) {
  Registry r(2);
  r.Observe("/a", "GET", 200, 0.001);
  r.Observe("/b", "GET", 200, 0.001);
  r.Observe("/c", "GET", 200, 0.001);
  r.Observe("/a", "GET", 200, 0.001);
  const std::string text = r.Render({});
  EXPECT_NE(text.find("route=\"/a\",method=\"GET\",status=\"2xx\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("route=\"other\",method=\"GET\",status=\"2xx\"} 1\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("/c"), std::string::npos) << text;
}

TEST(MetricsTest, MetricsPeers) {
  const std::vector<std::string> allowed = {"10.0.0.5", "fd00::5"};
  struct Case {
    const char* peer;
    bool forwarded;
    bool ok;
  } cases[] = {
      {"127.0.0.1", false, true},   {"127.3.4.5", false, true},  {"::1", false, true},
      {"::ffff:127.0.0.1", false, true}, {"10.0.0.5", false, true}, {"::ffff:10.0.0.5", false, true},
      {"fd00::5", false, true},     {"10.0.0.6", false, false},  {"192.168.1.1", false, false},
      {"127.0.0.1", true, false},   {"10.0.0.5", true, false},   {"", false, false},
      {"not-an-address", false, false},
  };
  for (const auto& c : cases)
    EXPECT_EQ(MetricsPeerAllowed(c.peer, allowed, c.forwarded), c.ok) << c.peer << " forwarded=" << c.forwarded;
}

TEST(MetricsTest, RequestIds) {
  EXPECT_EQ(RequestId("3f2a9c0d11e4b7a8", 1), "3f2a9c0d11e4b7a8");
  const std::string fresh = RequestId("", 7);
  EXPECT_TRUE(std::regex_match(fresh, std::regex("[0-9a-f]{8}-0+7"))) << fresh;
  for (const char* bad : {"a b", "x\ny", "<script>", "a\"b"}) EXPECT_NE(RequestId(bad, 1), bad) << bad;
  EXPECT_NE(RequestId(std::string(65, 'a'), 1), std::string(65, 'a'));
}

TEST(MetricsTest, RequestLogLines) {
  RequestLogEntry e{"2026-11-29T03:00:00.123Z", "abc-1", "GET", "/units/{}", 200, 1.23456, 5120, "demo"};
  auto j = nlohmann::json::parse(FormatRequestJson(e));
  EXPECT_EQ(j["type"], "request");
  EXPECT_EQ(j["time"], "2026-11-29T03:00:00.123Z");
  EXPECT_EQ(j["id"], "abc-1");
  EXPECT_EQ(j["route"], "/units/{}");
  EXPECT_EQ(j["status"], 200);
  EXPECT_DOUBLE_EQ(j["duration_ms"].get<double>(), 1.235);
  EXPECT_EQ(j["bytes"], 5120);
  EXPECT_EQ(j["site"], "demo");
  EXPECT_EQ(FormatRequestJson(e).find('\n'), std::string::npos);
  EXPECT_EQ(FormatRequestText(e), "request id=abc-1 GET /units/{} 200 1.235ms 5120B site=demo");
  // Invalid UTF-8 never breaks the line.
  e.route = "/x\xff";
  EXPECT_TRUE(nlohmann::json::accept(FormatRequestJson(e)));
  EXPECT_EQ(JsonEscape("a\"b\n\\"), "a\\\"b\\n\\\\");
}

}  // namespace
}  // namespace gongkai::metrics
