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

// GET /login: the form's hidden _csrf and the gk_login_csrf cookie.
struct LoginForm {
  std::string csrf;
  std::string cookie;
};

inline LoginForm GetLoginForm(const ServerProcess& server) {
  LoginForm f;
  auto res = server.Client()->Get("/login");
  if (!res || res->status != 200) {
    ADD_FAILURE() << "GET /login failed";
    return f;
  }
  f.csrf = CsrfIn(res->body);
  f.cookie = SetCookieValue(*res, "gk_login_csrf").value_or("");
  EXPECT_FALSE(f.csrf.empty()) << "no _csrf on the login page";
  EXPECT_EQ(f.csrf, f.cookie) << "login form token and gk_login_csrf cookie differ";
  return f;
}

// POSTs the login form; `cookie` is the whole Cookie header ("" sends none).
inline httplib::Result PostLogin(const ServerProcess& server, const std::string& csrf, const std::string& cookie,
                                 const std::string& username, const std::string& password,
                                 const std::string& next = "/admin") {
  httplib::Headers h;
  if (!cookie.empty()) h.emplace("Cookie", cookie);
  httplib::Params p = {{"_csrf", csrf}, {"username", username}, {"password", password}, {"next", next}};
  return server.Client()->Post("/login", h, p);
}

// A full login as a browser does it: GET /login, POST /login, then GET
// /admin for the session's CSRF token. Empty token on failure.
inline WebSession WebLogin(const ServerProcess& server, const std::string& username, const std::string& password) {
  WebSession s;
  s.username = username;
  LoginForm f = GetLoginForm(server);
  auto res = PostLogin(server, f.csrf, "gk_login_csrf=" + f.cookie, username, password);
  if (!res) {
    ADD_FAILURE() << username << ": POST /login: no response";
    return s;
  }
  EXPECT_EQ(res->status, 303) << username << ": " << res->body.substr(0, 2000);
  EXPECT_EQ(res->get_header_value("Location"), "/admin") << username;
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

// Adds an account with `gongkai user add` (the password on standard input);
// `unit` "" for the office's and auditors' accounts. False (with a test
// failure naming the account) when the command fails.
inline bool AddAccount(const std::filesystem::path& db, const std::string& username, const std::string& role,
                       const std::string& unit, const std::string& password) {
  std::vector<std::string> args = {"user", "add", "--username", username, "--role", role,
                                   "--name", username, "--db", db.string()};
  if (!unit.empty()) {
    args.push_back("--unit");
    args.push_back(unit);
  }
  auto r = RunGongkai(args, {}, password + "\n");
  EXPECT_EQ(r.exit_code, 0) << username << ": " << r.err;
  return r.exit_code == 0;
}

}  // namespace gongkai::testing
