#include "core/site_routing.h"

#include <gtest/gtest.h>

#include <vector>

namespace gongkai {
namespace {

Site MakeSite(std::int64_t id, std::string slug, std::string host) {
  Site s;
  s.id = id;
  s.slug = std::move(slug);
  s.host = std::move(host);
  return s;
}

TEST(SiteRoutingTest, HostOfHeaderDropsPortCaseAndTrailingDot) {
  EXPECT_EQ(HostOfHeader("GK.Example.gov.cn"), "gk.example.gov.cn");
  EXPECT_EQ(HostOfHeader("gk.example.gov.cn:8080"), "gk.example.gov.cn");
  EXPECT_EQ(HostOfHeader("gk.example.gov.cn."), "gk.example.gov.cn");
  EXPECT_EQ(HostOfHeader(" a.b "), "a.b");
  EXPECT_EQ(HostOfHeader("[::1]:8080"), "::1");
  EXPECT_EQ(HostOfHeader("127.0.0.1:80"), "127.0.0.1");
}

TEST(SiteRoutingTest, HostOfHeaderRefusesMalformedHeaders) {
  EXPECT_EQ(HostOfHeader(""), "");
  EXPECT_EQ(HostOfHeader("a.b:"), "");
  EXPECT_EQ(HostOfHeader("a.b:80x"), "");
  EXPECT_EQ(HostOfHeader("a b"), "");
  EXPECT_EQ(HostOfHeader("a/b"), "");
  EXPECT_EQ(HostOfHeader("[::1"), "");
  EXPECT_EQ(HostOfHeader("[::1]x"), "");
  EXPECT_EQ(HostOfHeader("user@a.b"), "");
  EXPECT_EQ(HostOfHeader(".."), "");
  EXPECT_EQ(HostOfHeader("[.]"), "");
  EXPECT_EQ(HostOfHeader("a.b.."), "");
  EXPECT_EQ(HostOfHeader(".a.b"), "");
  EXPECT_EQ(HostOfHeader("a..b"), "");
  EXPECT_EQ(HostOfHeader(std::string(300, 'a')), "");
}

TEST(SiteRoutingTest, NormaliseSiteHostChecksAndLowersNames) {
  auto ok = NormaliseSiteHost("GK.Pudong.Example.CN", "host");
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(*ok, "gk.pudong.example.cn");
  auto empty = NormaliseSiteHost("", "host");
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(*empty, "");
  for (const char* bad : {"http://a.b", "a.b:80", "a..b", ".a.b", "a_b.cn", "政府.cn", "a b"}) {
    auto r = NormaliseSiteHost(bad, "host");
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput);
    EXPECT_EQ(r.error().field, "host");
    EXPECT_NE(r.error().message.find("域名"), std::string::npos);
  }
}

TEST(SiteRoutingTest, ResolvesByHostElseTheDefaultSite) {
  std::vector<Site> sites{MakeSite(1, "demo", ""), MakeSite(2, "pudong", "pd.example.cn"),
                          MakeSite(3, "minhang", "mh.example.cn")};
  EXPECT_EQ(ResolveSiteIndex(sites, "pd.example.cn", "demo"), 1);
  EXPECT_EQ(ResolveSiteIndex(sites, "MH.example.cn:8443", "demo"), 2);
  EXPECT_EQ(ResolveSiteIndex(sites, "127.0.0.1:8080", "demo"), 0);
  EXPECT_EQ(ResolveSiteIndex(sites, "", "demo"), 0);
  EXPECT_EQ(ResolveSiteIndex(sites, "evil.example.cn", "demo"), 0);
  // The default can be any site, also one with a host of its own.
  EXPECT_EQ(ResolveSiteIndex(sites, "localhost", "minhang"), 2);
  EXPECT_EQ(ResolveSiteIndex(sites, "localhost", "nowhere"), -1);
  // A site without a host is never chosen by an empty Host header alone.
  EXPECT_EQ(ResolveSiteIndex(sites, "", "nowhere"), -1);
}

}  // namespace
}  // namespace gongkai
