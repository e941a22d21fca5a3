#include "codec/atom.h"

#include <cstdint>

namespace gongkai {

namespace {

// Length of the valid UTF-8 sequence at s[i], or 0.
std::size_t Utf8Length(std::string_view s, std::size_t i, std::uint32_t& cp) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  std::size_t n = 0;
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  if (b0 >= 0xC2 && b0 <= 0xDF) n = 2, cp = b0 & 0x1F;
  else if (b0 >= 0xE0 && b0 <= 0xEF) n = 3, cp = b0 & 0x0F;
  else if (b0 >= 0xF0 && b0 <= 0xF4) n = 4, cp = b0 & 0x07;
  else return 0;
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  const std::uint32_t min = n == 2 ? 0x80 : n == 3 ? 0x800 : 0x10000;
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

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
    std::uint32_t cp = 0;
    const std::size_t n = Utf8Length(text, i, cp);
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
