#pragma once
// 适老化 display preferences: large text and high contrast.
//
// They live in a cookie (kDisplayCookie) that GET /display sets, so they work
// without JavaScript and persist across pages and visits. The server parses
// the cookie before routing and records it for the thread that serves the
// request; views::RenderPage renders it as classes on <html>, which
// static/site.css styles. A preference changes only how pages look, never
// what they say, so the switch is a plain link (no CSRF token needed).
#include <string>
#include <string_view>

namespace httplib {
class Server;
struct Request;
}  // namespace httplib

namespace gongkai::display {

inline constexpr std::string_view kDisplayCookie = "gk_display";

struct DisplayPrefs {
  bool large = false;     // 大字版
  bool contrast = false;  // 高对比度
  bool operator==(const DisplayPrefs&) const = default;
};

// The cookie's value: tokens "large" and "contrast" joined by '.'; unknown
// tokens are ignored, so a malformed cookie means the default display.
DisplayPrefs ParsePrefs(std::string_view value);
// The cookie's value for `p`; empty for the default display.
std::string FormatPrefs(const DisplayPrefs& p);
// The classes for <html>: "gk-large", "gk-contrast", space-separated; empty
// for the default display.
std::string HtmlClass(const DisplayPrefs& p);
// The value of cookie `name` in a Cookie header, or empty.
std::string CookieValue(std::string_view header, std::string_view name);
// Where to send the browser back to after a switch: the path and query of
// `referer` when it is a URL on `host` (the request's Host header), otherwise
// "/". Never another site ("//x", "/\x"), never control characters.
std::string BackPath(std::string_view referer, std::string_view host);

// The preferences of the request this thread is serving (set by the server
// before routing each request; the default display outside a request).
void SetCurrentPrefs(const DisplayPrefs& p);
DisplayPrefs CurrentPrefs();
// Parses the request's cookie and records it with SetCurrentPrefs.
void BeginRequest(const httplib::Request& req);

// GET /display?large=1|0&contrast=1|0: updates the cookie (only the
// parameters given) and answers 303 back to the referring page.
void RegisterDisplayRoutes(httplib::Server& http);

}  // namespace gongkai::display
