#include "http/display_prefs.h"

#include <httplib.h>

namespace gongkai::display {
namespace {

thread_local DisplayPrefs current_prefs;

constexpr int kCookieMaxAgeSeconds = 365 * 24 * 3600;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

DisplayPrefs ParsePrefs(std::string_view value) {
  DisplayPrefs p;
  while (!value.empty()) {
    auto dot = value.find('.');
    std::string_view token = value.substr(0, dot);
    if (token == "large") p.large = true;
    if (token == "contrast") p.contrast = true;
    if (dot == std::string_view::npos) break;
    value.remove_prefix(dot + 1);
  }
  return p;
}

std::string FormatPrefs(const DisplayPrefs& p) {
  std::string s;
  if (p.large) s = "large";
  if (p.contrast) s += s.empty() ? "contrast" : ".contrast";
  return s;
}

std::string HtmlClass(const DisplayPrefs& p) {
  std::string s;
  if (p.large) s = "gk-large";
  if (p.contrast) s += s.empty() ? "gk-contrast" : " gk-contrast";
  return s;
}

std::string CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    auto semi = header.find(';');
    std::string_view pair = Trim(header.substr(0, semi));
    auto eq = pair.find('=');
    if (eq != std::string_view::npos && Trim(pair.substr(0, eq)) == name) return std::string(Trim(pair.substr(eq + 1)));
    if (semi == std::string_view::npos) break;
    header.remove_prefix(semi + 1);
  }
  return {};
}

std::string BackPath(std::string_view referer, std::string_view host) {
  if (host.empty() || referer.size() > 2000) return "/";
  std::string_view rest;
  for (std::string_view scheme : {"http://", "https://"}) {
    if (referer.starts_with(scheme)) rest = referer.substr(scheme.size());
  }
  if (rest.empty() || !rest.starts_with(host)) return "/";
  rest.remove_prefix(host.size());
  if (rest.empty()) return "/";
  if (rest[0] != '/' || (rest.size() > 1 && (rest[1] == '/' || rest[1] == '\\'))) return "/";
  auto hash = rest.find('#');
  if (hash != std::string_view::npos) rest = rest.substr(0, hash);
  for (unsigned char c : rest)
    if (c < 0x20 || c == 0x7f || c == '\\') return "/";
  // Never back to the switch itself (a bookmarked switch would loop).
  if (rest == "/display" || rest.starts_with("/display?")) return "/";
  return std::string(rest);
}

void SetCurrentPrefs(const DisplayPrefs& p) { current_prefs = p; }
DisplayPrefs CurrentPrefs() { return current_prefs; }

void BeginRequest(const httplib::Request& req) {
  SetCurrentPrefs(ParsePrefs(CookieValue(req.get_header_value("Cookie"), kDisplayCookie)));
}

void RegisterDisplayRoutes(httplib::Server& http) {
  http.Get("/display", [](const httplib::Request& req, httplib::Response& res) {
    DisplayPrefs p = ParsePrefs(CookieValue(req.get_header_value("Cookie"), kDisplayCookie));
    auto flag = [&](const char* name, bool& field) {
      if (!req.has_param(name)) return;
      std::string v = req.get_param_value(name);
      if (v == "1" || v == "on") field = true;
      if (v == "0" || v == "off") field = false;
    };
    flag("large", p.large);
    flag("contrast", p.contrast);
    std::string value = FormatPrefs(p);
    bool secure = req.get_header_value("X-Forwarded-Proto") == "https";
    std::string cookie = std::string(kDisplayCookie) + "=" + value + "; Path=/; HttpOnly; SameSite=Lax" +
                         (value.empty() ? "; Max-Age=0" : "; Max-Age=" + std::to_string(kCookieMaxAgeSeconds)) +
                         (secure ? "; Secure" : "");
    res.set_header("Set-Cookie", cookie);
    res.set_header("Cache-Control", "no-store");
    std::string back = BackPath(req.get_header_value("Referer"), req.get_header_value("Host"));
    res.set_redirect(back.c_str(), 303);
  });
}

}  // namespace gongkai::display
