#include "app/site_actions.h"

#include <gtest/gtest.h>

#include "app/test_site.h"

namespace gongkai {
namespace {

using testing_support::FakeClock;

class SiteActionsTest : public testing_support::TempSiteTest {
 protected:
  FakeClock clock_;
};

TEST_F(SiteActionsTest, AddsASiteWithTheGivenCatalogueAndAnAuditEntry) {
  auto site = AddSite(*store_, clock_, AddSiteOptions{"pudong", "浦东新区人民政府", "GK.Pudong.example.cn", ""}, catalog_);
  ASSERT_TRUE(site.has_value()) << site.error().Describe();
  EXPECT_EQ(site->slug, "pudong");
  EXPECT_EQ(site->host, "gk.pudong.example.cn");  // normalised
  EXPECT_NE(site->id, site_.id);
  auto cat = store_->LoadCatalog(site->id);
  ASSERT_TRUE(cat.has_value());
  EXPECT_EQ(*cat, catalog_);
  auto audit = store_->ListAudit(site->id, 10, 0);
  ASSERT_TRUE(audit.has_value());
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ((*audit)[0].action, "创建站点");
  EXPECT_NE((*audit)[0].after_json.find("gk.pudong.example.cn"), std::string::npos);
  // The first site's log is untouched.
  auto first = store_->ListAudit(site_.id, 10, 0);
  ASSERT_TRUE(first.has_value());
  EXPECT_TRUE(first->empty());
}

TEST_F(SiteActionsTest, CopiesAnotherSitesCurrentCatalogue) {
  Catalog smaller = catalog_;
  smaller.areas.resize(1);
  ASSERT_TRUE(store_->SaveCatalog(site_.id, smaller).has_value());
  auto site = AddSite(*store_, clock_, AddSiteOptions{"minhang", "闵行区人民政府", "", "demo"}, catalog_);
  ASSERT_TRUE(site.has_value()) << site.error().Describe();
  auto cat = store_->LoadCatalog(site->id);
  ASSERT_TRUE(cat.has_value());
  EXPECT_EQ(*cat, smaller);
  EXPECT_NE(*cat, catalog_);
}

TEST_F(SiteActionsTest, RefusesBadInputNamingTheFieldAndLeavesNothing) {
  struct Case {
    AddSiteOptions options;
    std::string field;
    ErrorCode code;
  };
  const Case cases[] = {
      {{"P", "名称", "", ""}, "slug", ErrorCode::kInvalidInput},
      {{"1abc", "名称", "", ""}, "slug", ErrorCode::kInvalidInput},
      {{"a", "名称", "", ""}, "slug", ErrorCode::kInvalidInput},
      {{"ok-site", "", "", ""}, "name", ErrorCode::kInvalidInput},
      {{"ok-site", "名称", "http://x.cn", ""}, "host", ErrorCode::kInvalidInput},
      {{"demo", "名称", "", ""}, "slug", ErrorCode::kConflict},
      {{"ok-site", "名称", "", "nowhere"}, "", ErrorCode::kNotFound},
  };
  for (const auto& c : cases) {
    auto r = AddSite(*store_, clock_, c.options, catalog_);
    ASSERT_FALSE(r.has_value()) << c.options.slug;
    EXPECT_EQ(r.error().code, c.code) << c.options.slug << " " << r.error().Describe();
    EXPECT_EQ(r.error().field, c.field) << c.options.slug;
    EXPECT_FALSE(r.error().message.empty());
  }
  Catalog bad = catalog_;
  bad.areas[1].items[0].number = 1;  // duplicate item number
  EXPECT_FALSE(AddSite(*store_, clock_, AddSiteOptions{"ok-site", "名称", "", ""}, bad).has_value());
  auto sites = store_->ListSites();
  ASSERT_TRUE(sites.has_value());
  EXPECT_EQ(sites->size(), 1u);
}

TEST_F(SiteActionsTest, AHostNameServesOneSiteOnly) {
  ASSERT_TRUE(AddSite(*store_, clock_, AddSiteOptions{"pudong", "浦东", "pd.example.cn", ""}, catalog_).has_value());
  auto again = AddSite(*store_, clock_, AddSiteOptions{"other", "其他", "PD.example.cn", ""}, catalog_);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(again.error().field, "host");
  EXPECT_NE(again.error().message.find("pudong"), std::string::npos);
}

}  // namespace
}  // namespace gongkai
