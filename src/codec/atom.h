// Atom 1.0 feeds (RFC 4287) and sitemaps (sitemaps.org 0.9) as XML text.
// Pure: the caller gives absolute URLs and RFC 3339 times; this file only
// writes well-formed XML (text is escaped, and characters XML 1.0 forbids
// are dropped, so no record text can break a feed).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gongkai {

struct FeedEntry {
  std::string id;         // a stable IRI
  std::string title;
  std::string link;       // absolute URL of the page
  std::string updated;    // RFC 3339, e.g. 2025-03-05T10:20:30+08:00
  std::string published;  // RFC 3339, may be empty
  std::string summary;    // plain text, may be empty
  std::vector<std::string> categories;
};

struct Feed {
  std::string id;         // a stable IRI (the feed's own URL)
  std::string title;
  std::string subtitle;
  std::string self_url;   // absolute URL of the feed
  std::string page_url;   // absolute URL of the HTML page it follows
  std::string updated;    // RFC 3339: the newest entry, or when the site began
  std::string author;     // the publishing organisation
  std::vector<FeedEntry> entries;
};

std::string RenderAtom(const Feed& feed);

struct SitemapUrl {
  std::string loc;      // absolute URL
  std::string lastmod;  // W3C datetime (YYYY-MM-DD or RFC 3339), may be empty
};

// A <urlset>; the caller keeps it to at most 50,000 URLs (the protocol's limit).
std::string RenderSitemap(std::span<const SitemapUrl> urls);
// A <sitemapindex> pointing at sitemaps.
std::string RenderSitemapIndex(std::span<const SitemapUrl> sitemaps);

// Escapes &, <, >, " and ' and drops code points XML 1.0 does not allow
// (C0 controls other than tab, LF, CR; U+FFFE, U+FFFF; invalid UTF-8 bytes).
std::string XmlText(std::string_view text);

}  // namespace gongkai
