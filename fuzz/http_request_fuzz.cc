// libFuzzer target: whole HTTP requests from anyone. Everything the portal
// parses itself from a request (path parameters, query strings, form fields,
// JSON bodies, cookies and tokens) is reached through the real server: a
// PortalServer on an embedded database with the seed catalogue and demo
// records answers each input over loopback, as the office (signed in, with
// the form's CSRF token), as a unit's API token, or as the public.
//
// A finding is a crash or sanitizer report in the server, a request the
// server does not answer, or any 5xx answer: bad input must get a 4xx with
// a message naming what is wrong.
//
// Input: byte 0 picks the route (table below) and byte 1 the caller; the
// rest is split at the first two NUL bytes into the path parameter, the
// query string and the body. Parameters, query strings and form bodies are
// percent-encoded on the wire (except '=' and '&', which keep the fuzzer's
// structure), so every byte value reaches the server's decoders.
#include <httplib.h>
#include <unistd.h>

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "app/account_actions.h"
#include "app/api_token_actions.h"
#include "app/calendar_actions.h"
#include "app/catalog_actions.h"
#include "app/context.h"
#include "app/demo.h"
#include "codec/catalog_json.h"
#include "codec/rules_codec.h"
#include "core/timestamp.h"
#include "http/server.h"
#include "storage/sqlite/sqlite_store.h"

namespace {

using namespace gongkai;

enum class Body { kNone, kForm, kJson };

struct Route {
  const char* method;
  const char* path;  // "{}" is replaced by the input's path parameter
  const char* fallback;  // the parameter when the input gives none
  Body body;
};

// Every route that parses something from the request. Left out on purpose:
// those that end the office's session or lock its account (logout, password
// change, deactivating accounts), which would leave later inputs anonymous.
constexpr Route kRoutes[] = {
    {"GET", "/", "", Body::kNone},
    {"GET", "/search", "", Body::kNone},
    {"GET", "/api/v1/search", "", Body::kNone},
    {"GET", "/deadline", "", Body::kNone},
    {"GET", "/api/v1/deadline", "", Body::kNone},
    {"GET", "/api/v1/calendar/{}", "2026", Body::kNone},
    {"GET", "/items/{}", "12", Body::kNone},
    {"GET", "/api/v1/items/{}", "12", Body::kNone},
    {"GET", "/units/{}", "区财政局", Body::kNone},
    {"GET", "/api/v1/units/{}", "区财政局", Body::kNone},
    {"GET", "/records/{}", "1", Body::kNone},
    {"GET", "/records/{}/versions/1", "1", Body::kNone},
    {"GET", "/api/v1/records", "", Body::kNone},
    {"GET", "/api/v1/records/{}", "1", Body::kNone},
    {"GET", "/api/v1/records.csv", "", Body::kNone},
    {"GET", "/api/v1/statistics", "", Body::kNone},
    {"GET", "/api/v1/events", "", Body::kNone},
    {"GET", "/api/v1/ledger/leaves", "", Body::kNone},
    {"GET", "/api/v1/ledger/checkpoint", "", Body::kNone},
    {"GET", "/api/v1/ledger/proof/inclusion", "", Body::kNone},
    {"GET", "/api/v1/ledger/proof/consistency", "", Body::kNone},
    {"GET", "/feeds/items/{}.atom", "12", Body::kNone},
    {"GET", "/feeds/units/{}.atom", "区财政局", Body::kNone},
    {"GET", "/display", "", Body::kNone},
    {"GET", "/login", "", Body::kNone},
    {"POST", "/login", "", Body::kForm},
    {"GET", "/admin", "", Body::kNone},
    {"GET", "/admin/work", "", Body::kNone},
    {"GET", "/admin/audit", "", Body::kNone},
    {"GET", "/admin/compliance", "", Body::kNone},
    {"GET", "/admin/compliance/rows", "", Body::kNone},
    {"GET", "/admin/compliance.csv", "", Body::kNone},
    {"GET", "/admin/annual", "", Body::kNone},
    {"GET", "/admin/annual/records", "", Body::kNone},
    {"GET", "/admin/records/new", "", Body::kNone},
    {"GET", "/admin/records/{}", "1", Body::kNone},
    {"GET", "/admin/obligations/{}", "1", Body::kNone},
    {"GET", "/admin/units/{}", "区财政局", Body::kNone},
    {"GET", "/admin/rounds/{}", "1", Body::kNone},
    {"POST", "/admin/records", "", Body::kForm},
    {"POST", "/admin/records/{}", "1", Body::kForm},
    {"POST", "/admin/records/{}/submit", "1", Body::kForm},
    {"POST", "/admin/records/{}/approve", "1", Body::kForm},
    {"POST", "/admin/records/{}/return", "1", Body::kForm},
    {"POST", "/admin/records/{}/revise", "1", Body::kForm},
    {"POST", "/admin/records/{}/mask", "1", Body::kForm},
    {"POST", "/admin/records/{}/withdraw", "1", Body::kForm},
    {"POST", "/admin/obligations", "", Body::kForm},
    {"POST", "/admin/obligations/{}/withhold", "1", Body::kForm},
    {"POST", "/admin/accounts", "", Body::kForm},
    {"POST", "/admin/tokens", "", Body::kForm},
    {"POST", "/admin/webhooks", "", Body::kForm},
    {"POST", "/admin/rounds", "", Body::kForm},
    {"POST", "/admin/rounds/{}/units/区财政局", "1", Body::kForm},
    {"POST", "/admin/units/{}", "区财政局", Body::kForm},
    {"POST", "/admin/units/{}/items", "区财政局", Body::kForm},
    {"POST", "/admin/annual/mapping", "", Body::kForm},
    {"POST", "/admin/compliance/event-driven", "", Body::kForm},
    {"POST", "/admin/work/publish", "", Body::kForm},
    {"POST", "/admin/notices/read", "", Body::kForm},
    {"POST", "/api/v1/records", "", Body::kJson},
    {"POST", "/api/v1/records/{}/submit", "1", Body::kJson},
    {"POST", "/api/v1/records/{}/approve", "1", Body::kJson},
    {"POST", "/api/v1/records/{}/publish", "1", Body::kJson},
    {"PUT", "/api/v1/records/{}", "1", Body::kJson},
    {"POST", "/api/v1/records/{}/return", "1", Body::kJson},
    {"POST", "/api/v1/records/{}/revise", "1", Body::kJson},
    {"POST", "/api/v1/records/{}/withdraw", "1", Body::kJson},
};
constexpr std::size_t kRouteCount = sizeof(kRoutes) / sizeof(kRoutes[0]);

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "http_request_fuzz: %s\n", what.c_str());
  std::abort();
}

template <typename T>
T Must(Result<T> r, const char* step) {
  if (!r) Die(std::string(step) + ": " + r.error().Describe());
  return std::move(*r);
}

// The server, its database and the callers' credentials, made once.
struct Portal {
  std::filesystem::path dir;
  std::unique_ptr<SqliteStore> store;
  std::unique_ptr<PortalServer> server;
  std::thread runner;
  int port = 0;
  std::string session_token, csrf, bearer;

  Portal() {
    char tmpl[] = "/tmp/gongkai-http-fuzz-XXXXXX";
    if (!mkdtemp(tmpl)) Die("mkdtemp");
    dir = tmpl;
    static std::filesystem::path to_remove;
    to_remove = dir;
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(to_remove, ec);
    });
    store = Must(SqliteStore::Open((dir / "fuzz.db").string(), 4), "open");
    (void)Must(store->Migrate(), "migrate");
    Catalog seed = Must(LoadSeedCatalog(), "seed catalogue");
    Site site = Must(InitSite(*store, InitOptions{"demo", "示例区人民政府", ""}, seed, false), "init site");
    (void)Must(EnsureCalendar(*store), "calendar");
    Catalog catalog = Must(store->LoadCatalog(site.id), "catalogue");
    auto rules = Must(LoadDeadlineRules(), "rules");
    SystemClock clock;
    const Date today = BeijingDate(clock.Now());
    (void)Must(FillDemo(*store, site, catalog, rules, today.year() - 1, today), "demo data");

    Context office{*store, clock, Actor::Console(site.id)};
    NewAccount acc;
    acc.username = "fuzz-office";
    acc.display_name = "模糊测试";
    acc.role = Role::kAdmin;
    acc.password = "Fuzz-Office-2026-pass";
    (void)Must(AddAccount(office, catalog, acc), "account");
    auto login = Must(Login(*store, clock, site.id, acc.username, acc.password, AuthPolicy{}), "login");
    session_token = login.token;
    csrf = login.session.csrf_token;
    NewApiToken tok;
    tok.name = "fuzz";
    tok.unit = catalog.units.empty() ? "" : catalog.units.front().name;
    tok.role = Role::kLiaison;
    bearer = Must(CreateApiToken(office, catalog, tok), "api token").secret;

    ServerOptions options;
    options.port = 0;
    options.threads = 4;
    options.site_slug = "demo";
    server = std::make_unique<PortalServer>(*store, options);
    if (auto bound = server->Bind(); !bound) Die("bind: " + bound.error().Describe());
    port = server->bound_port();
    runner = std::thread([this] { (void)server->Run(); });
    httplib::Client probe("127.0.0.1", port);
    for (int i = 0; i < 200; ++i) {
      if (auto r = probe.Get("/healthz"); r && r->status == 200) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    Die("the server did not answer /healthz");
  }
};

// Percent-encodes every byte except unreserved characters and `keep`.
std::string Encode(std::string_view in, std::string_view keep) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(in.size() * 3);
  for (unsigned char c : in) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || keep.find(static_cast<char>(c)) != std::string_view::npos) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string_view NextPart(std::string_view& rest) {
  auto nul = rest.find('\0');
  std::string_view part = rest.substr(0, nul);
  rest = nul == std::string_view::npos ? std::string_view() : rest.substr(nul + 1);
  return part;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Portal* portal = new Portal();  // lives until the process exits
  if (size < 2) return 0;
  const Route& route = kRoutes[data[0] % kRouteCount];
  const int caller = data[1] % 4;  // 0 public, 1 office, 2 office without CSRF, 3 API token
  std::string_view rest(reinterpret_cast<const char*>(data) + 2, size - 2);
  std::string_view param = NextPart(rest);
  std::string_view query = NextPart(rest);
  std::string_view body = rest;

  std::string path = route.path;
  if (auto at = path.find("{}"); at != std::string::npos)
    path.replace(at, 2, param.empty() ? std::string(route.fallback) : Encode(param, ""));
  if (!query.empty()) path += "?" + Encode(query, "=&");

  httplib::Client client("127.0.0.1", portal->port);
  client.set_url_encode(false);
  client.set_connection_timeout(5);
  client.set_read_timeout(30);
  httplib::Headers headers;
  if (caller == 1 || caller == 2) headers.emplace("Cookie", std::string("gk_session=") + portal->session_token);
  if (caller == 3) headers.emplace("Authorization", "Bearer " + portal->bearer);

  httplib::Result res{nullptr, httplib::Error::Unknown};
  if (std::string_view(route.method) == "GET") {
    res = client.Get(path, headers);
  } else if (std::string_view(route.method) == "PUT") {
    res = client.Put(path, headers, std::string(body), "application/json");
  } else if (route.body == Body::kJson) {
    res = client.Post(path, headers, std::string(body), "application/json");
  } else {
    std::string form = Encode(body, "=&");
    if (caller == 1) form = "_csrf=" + portal->csrf + (form.empty() ? "" : "&" + form);
    res = client.Post(path, headers, form, "application/x-www-form-urlencoded");
  }
  if (!res) Die(std::string("no answer to ") + route.method + " " + path + ": " + httplib::to_string(res.error()));
  if (res->status >= 500)
    Die(std::string(route.method) + " " + path + " answered " + std::to_string(res->status) + ": " + res->body.substr(0, 2000));
  return 0;
}
