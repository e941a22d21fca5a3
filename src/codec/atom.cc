#include "codec/atom.h"

#include <cstdint>

#include "core/utf8.h"

namespace gongkai {

namespace {

void Element(std::string& out, std::string_view name, std::string_view text, std::string_view indent = "  ") {
  out += indent;
  out += '<';
  out += name;
  out += '>';
  out += XmlText(text);
  out += "</";
  out += name;
  out += ">\n";
}

}  // namespace

std::string XmlText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    const std::size_t n = DecodeUtf8(text, i, cp);
    if (n == 0) {
      ++i;  // an invalid byte: dropped
      continue;
    }
    const bool allowed = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp != 0xFFFE && cp != 0xFFFF);
    if (allowed) {
      switch (cp) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        default: out.append(text.substr(i, n));
      }
    }
    i += n;
  }
  return out;
}

std::string RenderAtom(const Feed& feed) {
  std::string out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n";
  Element(out, "id", feed.id);
  Element(out, "title", feed.title);
  if (!feed.subtitle.empty()) Element(out, "subtitle", feed.subtitle);
  Element(out, "updated", feed.updated);
  out += "  <link rel=\"self\" type=\"application/atom+xml\" href=\"" + XmlText(feed.self_url) + "\"/>\n";
  out += "  <link rel=\"alternate\" type=\"text/html\" href=\"" + XmlText(feed.page_url) + "\"/>\n";
  out += "  <author>\n";
  Element(out, "name", feed.author, "    ");
  out += "  </author>\n";
  out += "  <generator>gongkai</generator>\n";
  for (const auto& e : feed.entries) {
    out += "  <entry>\n";
    Element(out, "id", e.id, "    ");
    Element(out, "title", e.title, "    ");
    out += "    <link rel=\"alternate\" type=\"text/html\" href=\"" + XmlText(e.link) + "\"/>\n";
    Element(out, "updated", e.updated, "    ");
    if (!e.published.empty()) Element(out, "published", e.published, "    ");
    for (const auto& c : e.categories) out += "    <category term=\"" + XmlText(c) + "\"/>\n";
    if (!e.summary.empty()) out += "    <summary type=\"text\">" + XmlText(e.summary) + "</summary>\n";
    out += "  </entry>\n";
  }
  out += "</feed>\n";
  return out;
}

std::string RenderSitemap(std::span<const SitemapUrl> urls) {
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
  for (const auto& u : urls) {
    out += "  <url>\n";
    Element(out, "loc", u.loc, "    ");
    if (!u.lastmod.empty()) Element(out, "lastmod", u.lastmod, "    ");
    out += "  </url>\n";
  }
  out += "</urlset>\n";
  return out;
}

std::string RenderSitemapIndex(std::span<const SitemapUrl> sitemaps) {
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
  for (const auto& u : sitemaps) {
    out += "  <sitemap>\n";
    Element(out, "loc", u.loc, "    ");
    if (!u.lastmod.empty()) Element(out, "lastmod", u.lastmod, "    ");
    out += "  </sitemap>\n";
  }
  out += "</sitemapindex>\n";
  return out;
}

}  // namespace gongkai
