// Black-box test helpers for the signed-in web UI: log in through the real
// login form (with its CSRF cookie), then GET and POST with the session
// cookie and the session's CSRF token. Header-only.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <optional>
#include <regex>
#include <string>

#include "tests/blackbox/harness.h"

namespace gongkai::testing {


struct WebSession {
  std::string username;
  std::string token;
  std::string csrf;
};

inline std::optional<std::string> SetCookieValue(const httplib::Response& res, const std::string& name) {
  auto [b, e] = res.headers.equal_range("Set-Cookie");
  for (auto it = b; it != e; ++it) {
    const std::string& v = it->second;
    if (v.rfind(name + "=", 0) != 0) continue;
    auto end = v.find(';');
    return v.substr(name.size() + 1, end == std::string::npos ? std::string::npos : end - name.size() - 1);
  }
  return std::nullopt;
}

inline std::string CsrfIn(const std::string& html) {
  static const std::regex re(R"re(name="_csrf" value="([^"]*)")re");
  std::smatch m;
  return std::regex_search(html, m, re) ? m[1].str() : std::string();
}

inline httplib::Headers SessionCookies(const WebSession* s) {
  if (!s || s->token.empty()) return {};
  return {{"Cookie", "gk_session=" + s->token}};
}

inline httplib::Result WebGet(const ServerProcess& server, const std::string& path, const WebSession* s = nullptr) {
  return server.Client()->Get(path.c_str(), SessionCookies(s));
}

// A POST with the session's CSRF token added.
inline httplib::Result WebPost(const ServerProcess& server, const std::string& path, httplib::Params params,
                        const WebSession& s) {
  params.emplace("_csrf", s.csrf);
  return server.Client()->Post(path.c_str(), SessionCookies(&s), params);
}

inline httplib::Result WebPostMultipart(const ServerProcess& server, const std::string& path,
                                 httplib::MultipartFormDataItems items, const WebSession& s) {
  items.push_back({"_csrf", s.csrf, "", ""});
  return server.Client()->Post(path.c_str(), SessionCookies(&s), items);
}

inline WebSession WebLogin(const ServerProcess& server, const std::string& username, const std::string& password) {
  WebSession s;
  s.username = username;
  auto form = server.Client()->Get("/login");
  if (!form || form->status != 200) {
    ADD_FAILURE() << "GET /login failed";
    return s;
  }
  std::string csrf = CsrfIn(form->body);
  std::string cookie = SetCookieValue(*form, "gk_login_csrf").value_or("");
  httplib::Headers h = {{"Cookie", "gk_login_csrf=" + cookie}};
  httplib::Params p = {{"_csrf", csrf}, {"username", username}, {"password", password}, {"next", "/admin"}};
  auto res = server.Client()->Post("/login", h, p);
  if (!res) {
    ADD_FAILURE() << username << ": POST /login: no response";
    return s;
  }
  EXPECT_EQ(res->status, 303) << username << ": " << res->body.substr(0, 2000);
  auto token = SetCookieValue(*res, "gk_session");
  if (!token || token->empty()) {
    ADD_FAILURE() << username << ": login set no gk_session cookie";
    return s;
  }
  s.token = *token;
  auto admin = WebGet(server, "/admin", &s);
  if (!admin || admin->status != 200) {
    ADD_FAILURE() << username << ": GET /admin after login failed";
    s.token.clear();
    return s;
  }
  s.csrf = CsrfIn(admin->body);
  EXPECT_FALSE(s.csrf.empty()) << username << ": no session CSRF token on /admin";
  return s;
}

}  // namespace gongkai::testing
