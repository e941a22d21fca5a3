#include "codec/atom.h"

#include <gtest/gtest.h>

namespace gongkai {
namespace {

TEST(XmlText, EscapesMarkupAndDropsWhatXmlForbids) {
  EXPECT_EQ(XmlText("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&apos;");
  // C0 controls except tab/LF/CR, U+FFFE/U+FFFF and invalid UTF-8 are dropped.
  EXPECT_EQ(XmlText(std::string("x\x01y\tz\n", 7)), "xy\tz\n");
  EXPECT_EQ(XmlText("a\xEF\xBF\xBE" "b\xEF\xBF\xBF" "c"), "abc");
  EXPECT_EQ(XmlText("\xFF\xC0\x80ok\xE4\xB8"), "ok");
  EXPECT_EQ(XmlText("公开 😀"), "公开 😀");
  EXPECT_EQ(XmlText(std::string("\0a", 2)), "a");
}

TEST(Atom, WritesTheRequiredElementsEscaped) {
  Feed f;
  f.id = "http://x/feeds/site.atom";
  f.title = "示例区 <政府> 信息公开";
  f.self_url = "http://x/feeds/site.atom?a=1&b=2";
  f.page_url = "http://x/";
  f.updated = "2026-01-02T03:04:05+08:00";
  f.author = "公开办";
  FeedEntry e;
  e.id = "http://x/records/1/versions/1";
  e.title = "标题 & <script>";
  e.link = "http://x/records/1/versions/1";
  e.updated = "2026-01-02T03:04:05+08:00";
  e.categories = {"区财政局"};
  e.summary = std::string("摘要\x02");
  f.entries.push_back(e);
  const std::string xml = RenderAtom(f);
  EXPECT_NE(xml.find("<feed xmlns=\"http://www.w3.org/2005/Atom\""), std::string::npos);
  EXPECT_NE(xml.find("<title>示例区 &lt;政府&gt; 信息公开</title>"), std::string::npos);
  EXPECT_NE(xml.find("href=\"http://x/feeds/site.atom?a=1&amp;b=2\""), std::string::npos);
  EXPECT_NE(xml.find("<title>标题 &amp; &lt;script&gt;</title>"), std::string::npos);
  EXPECT_NE(xml.find("<summary type=\"text\">摘要</summary>"), std::string::npos);
  EXPECT_NE(xml.find("<category term=\"区财政局\"/>"), std::string::npos);
  EXPECT_EQ(xml.find("<script>"), std::string::npos);
}

TEST(Sitemap, ListsUrlsAndIndexes) {
  std::vector<SitemapUrl> urls{{"http://x/records/1", "2026-01-02T03:04:05+08:00"}, {"http://x/a?b=1&c=2", ""}};
  const std::string xml = RenderSitemap(urls);
  EXPECT_NE(xml.find("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"), std::string::npos);
  EXPECT_NE(xml.find("<loc>http://x/a?b=1&amp;c=2</loc>"), std::string::npos);
  EXPECT_NE(xml.find("<lastmod>2026-01-02T03:04:05+08:00</lastmod>"), std::string::npos);
  EXPECT_EQ(xml.find("<lastmod></lastmod>"), std::string::npos);
  const std::string index = RenderSitemapIndex(urls);
  EXPECT_NE(index.find("<sitemapindex"), std::string::npos);
  EXPECT_NE(index.find("<sitemap>\n    <loc>http://x/records/1</loc>"), std::string::npos);
}

}  // namespace
}  // namespace gongkai
