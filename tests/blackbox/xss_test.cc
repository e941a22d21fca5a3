// The XSS probe set: script tags, attribute break-outs (both quotes),
// "</textarea>" and javascript: URLs put into every text field a user can
// write — record fields, attachment names, 文号, reasons and comments,
// obligation titles, account and contact names, the liaison registration,
// rounds, units, catalogue and calendar imports, push subscribers, token
// names, search queries, the annual report mapping, the login form — and
// then every page, feed, JSON and CSV where they are displayed is fetched:
// no probe may appear unescaped, and no href/src/action may be a
// javascript: URL. The real binary, `init --demo` data, one server.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "tests/blackbox/harness.h"
#include "tests/blackbox/web_session.h"

namespace gongkai::testing {
namespace {

using json = nlohmann::json;

// Every probe at once, so that one field carries them all.
const std::string kProbe =
    "甲<script>alert(1)</script>\"><img src=x onerror=alert(1)>'onmouseover='alert(1)'</textarea><script>alert(2)</script>";
// How kProbe's first part must look once escaped for HTML.
const std::string kEscaped = "&lt;script&gt;alert(1)&lt;/script&gt;";
const std::string kJsUrl = "javascript:alert(1)";
// For fields of at most 50 characters (names, a unit's short name).
const std::string kShortProbe = "<script>alert(1)</script>'onmouseover='x'";

const std::string kUnitA = "区财政局";  // answers for item 12
const std::string kUnitB = "区发改局";

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// What must never be in an HTML page or XML document, whatever was typed.
void ExpectNoRawProbe(const std::string& where, const std::string& body) {
  const std::string low = Lower(body);
  EXPECT_EQ(low.find("<script"), std::string::npos) << where << ": a raw <script>";
  EXPECT_EQ(low.find("<img src=x"), std::string::npos) << where << ": a raw <img> break-out";
  EXPECT_EQ(body.find("'onmouseover='"), std::string::npos) << where << ": a raw ' attribute break-out";
  EXPECT_EQ(body.find("\"onmouseover=\""), std::string::npos) << where << ": a raw \" attribute break-out";
  EXPECT_EQ(low.find("</textarea><script"), std::string::npos) << where << ": a raw </textarea> break-out";
  static const std::regex js(R"re((href|src|action|formaction|xlink:href)\s*=\s*["']?\s*(javascript|vbscript|data):)re",
                             std::regex::icase);
  EXPECT_FALSE(std::regex_search(body, js)) << where << ": a script URL in an attribute";
}

class XssTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    db_ = new std::filesystem::path(*dir_ / "xss.db");
    auto r = RunGongkai({"init", "--db", db_->string(), "--demo"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_NO_FATAL_FAILURE(ImportHostileCatalogue());
    ASSERT_NO_FATAL_FAILURE(ImportHostileCalendar());
    ASSERT_TRUE(AddAccount(*db_, "xss_admin", "admin", "", "Xss-Admin-Pass-2026"));
    ASSERT_TRUE(AddAccount(*db_, "xss_liaison", "liaison", kUnitA, "Xss-Liaison-Pass-2026"));
    ASSERT_TRUE(AddAccount(*db_, "xss_leader", "leader", kUnitA, "Xss-Leader-Pass-2026"));
    // An auditor whose display name is the probe (shown in every admin page's header).
    auto named = RunGongkai({"user", "add", "--db", db_->string(), "--username", "xss_named", "--role", "auditor",
                             "--name", kProbe},
                            {}, "Xss-Named-Pass-2026\n");
    ASSERT_EQ(named.exit_code, 0) << named.err;
    server_ = new ServerProcess(*db_);
    ASSERT_TRUE(server_->Start());
    admin_ = new WebSession(WebLogin(*server_, "xss_admin", "Xss-Admin-Pass-2026"));
    liaison_ = new WebSession(WebLogin(*server_, "xss_liaison", "Xss-Liaison-Pass-2026"));
    leader_ = new WebSession(WebLogin(*server_, "xss_leader", "Xss-Leader-Pass-2026"));
    named_ = new WebSession(WebLogin(*server_, "xss_named", "Xss-Named-Pass-2026"));
    for (auto* s : {admin_, liaison_, leader_, named_}) ASSERT_FALSE(s->token.empty()) << s->username;
    ASSERT_NO_FATAL_FAILURE(WriteProbesThroughTheForms());
    ready_ = true;
  }
  static void TearDownTestSuite() {
    delete admin_;
    delete liaison_;
    delete leader_;
    delete named_;
    delete server_;
    delete db_;
    delete dir_;
    admin_ = liaison_ = leader_ = named_ = nullptr;
    server_ = nullptr;
    db_ = nullptr;
    dir_ = nullptr;
    ready_ = false;
  }
  void SetUp() override { ASSERT_TRUE(ready_) << "suite set-up failed"; }

  // The catalogue with the probe in the site title, the office, an area, an
  // item's title and content, and an element's name (element names become
  // <option> values on the 期限计算 and work pages).
  static void ImportHostileCatalogue() {
    auto exported = RunGongkai({"catalog", "export", "--db", db_->string()});
    ASSERT_EQ(exported.exit_code, 0) << exported.err;
    json doc = json::parse(exported.out);
    doc["title"] = doc["title"].get<std::string>() + kProbe;
    if (doc.contains("office") && doc["office"].is_object()) doc["office"]["address"] = kProbe;
    json& area = doc["areas"][0];
    area["title"] = area["title"].get<std::string>() + kProbe;
    json& item = area["items"][0];
    item["title"] = item["title"].get<std::string>() + kProbe;
    item["content"] = kProbe;
    if (!item["elements"].empty()) item["elements"][0]["name"] = "要素" + kProbe;
    WriteFile(*dir_ / "catalog.json", doc.dump());
    auto imported = RunGongkai({"catalog", "import", (*dir_ / "catalog.json").string(), "--db", db_->string()});
    ASSERT_EQ(imported.exit_code, 0) << imported.out << imported.err;
  }

  // A 2027 notice whose holiday name is the probe, from a file whose name
  // carries one too (the calendar version's note names the file).
  static void ImportHostileCalendar() {
    const auto file = *dir_ / "2027<img src=x onerror=alert(1)>.csv";
    WriteFile(file, "date,type,name\n2027-01-01,off,元旦" + std::string("<script>alert(1)</script>") + "\n");
    auto imported = RunGongkai({"calendar", "import", file.string(), "--year", "2027", "--db", db_->string()});
    ASSERT_EQ(imported.exit_code, 0) << imported.out << imported.err;
  }

  static httplib::Result Post(const std::string& path, httplib::Params p, const WebSession& s) {
    auto res = WebPost(*server_, path, std::move(p), s);
    if (res) ExpectNoRawProbe("POST " + path + " (the answer)", res->body);
    return res;
  }

  // A draft of 区财政局 with the probe in every text field, made by the
  // liaison, with an attachment whose name is the probe; its id.
  static std::int64_t HostileDraft(const std::string& label) {
    auto made = Post("/admin/records",
                     {{"unit", kUnitA},
                      {"target", "12/采购合同"},
                      {"formed_on", "2026-11-02"},
                      {"title", label + kProbe},
                      {"body", kProbe + "\n\n[点我](" + kJsUrl + ")\n[再点](JaVaScRiPt:alert(1))\n[站内](/x\"onmouseover=\"alert(1))"},
                      {"doc_number", "财〔2026〕" + kShortProbe},
                      {"genre", "公告"},
                      {"topic", kShortProbe},
                      {"scope", kShortProbe},
                      {"channels", "门户网站、" + kShortProbe},
                      {"change_note", kProbe}},
                     *liaison_);
    EXPECT_TRUE(made && made->status == 303) << (made ? made->body.substr(0, 3000) : "no response");
    if (!made) return 0;
    std::smatch m;
    const std::string loc = made->get_header_value("Location");
    if (!std::regex_match(loc, m, std::regex(R"(/admin/records/(\d+))"))) return 0;
    const std::int64_t id = std::stoll(m[1].str());
    httplib::MultipartFormDataItems items = {{"file", std::string("%PDF-1.4\n%%EOF\n"), kProbe + ".pdf", "application/pdf"}};
    auto up = WebPostMultipart(*server_, "/admin/records/" + std::to_string(id) + "/attachments", items, *liaison_);
    EXPECT_TRUE(up && up->status == 200) << (up ? up->body.substr(0, 3000) : "no response");
    if (up) ExpectNoRawProbe("the attachment upload's answer", up->body);
    return id;
  }

  static void Step(const std::string& path, httplib::Params p, const WebSession& s, int expect = 200) {
    auto res = Post(path, std::move(p), s);
    ASSERT_TRUE(res) << path;
    const auto alert = res->body.find("role=\"alert\"");
    EXPECT_EQ(res->status, expect) << path << ": "
                                   << res->body.substr(alert == std::string::npos ? 0 : alert, 1500);
  }

  static void WriteProbesThroughTheForms() {
    const std::string kChecklist[][2] = {
        {"no_state_secret", "1"}, {"no_commercial_secret", "1"}, {"personal_info_handled", "1"}};
    httplib::Params checklist;
    for (const auto& c : kChecklist) checklist.emplace(c[0], c[1]);
    // A published record, a withdrawn one (reason shown publicly), one sent back with a comment.
    published_ = HostileDraft("已公开");
    const std::string pub = "/admin/records/" + std::to_string(published_);
    Step(pub + "/submit", {}, *liaison_);
    Step(pub + "/approve", checklist, *leader_);
    Step(pub + "/publish", {}, *liaison_);
    withdrawn_ = HostileDraft("已撤回");
    const std::string wd = "/admin/records/" + std::to_string(withdrawn_);
    Step(wd + "/submit", {}, *liaison_);
    Step(wd + "/approve", checklist, *leader_);
    Step(wd + "/publish", {}, *liaison_);
    Step(wd + "/withdraw", {{"reason", kProbe}}, *leader_);
    returned_ = HostileDraft("已退回");
    const std::string rt = "/admin/records/" + std::to_string(returned_);
    Step(rt + "/submit", {}, *liaison_);
    Step(rt + "/return", {{"comment", kProbe}}, *leader_);
    // Obligations: one open, one cancelled with a reason.
    Step("/admin/obligations",
         {{"unit", kUnitA}, {"target", "12/采购合同"}, {"title", kProbe}, {"formed_on", "2026-11-02"}}, *liaison_);
    Step("/admin/obligations",
         {{"unit", kUnitA}, {"target", "12/采购合同"}, {"title", "撤销" + kProbe}, {"formed_on", "2026-11-02"}}, *liaison_);
    obligation_ = DbScalar(*db_, "SELECT max(id) FROM obligations");
    Step("/admin/obligations/" + std::to_string(obligation_) + "/cancel", {{"reason", kProbe}}, *liaison_, 303);
    // Accounts: a display name and an e-mail address.
    Step("/admin/accounts",
         {{"username", "xss-web"}, {"display_name", kProbe}, {"role", "liaison"}, {"unit", kUnitB},
          {"password", "Xss-Web-Pass-2026"}, {"email", ""}},
         *admin_);
    Step("/admin/notices/email", {{"email", kProbe}}, *liaison_, 400);
    // A unit's short name and an item change's reason.
    auto edit = WebGet(*server_, "/admin/units/" + UrlEncode(kUnitB), admin_);
    ASSERT_TRUE(edit && edit->status == 200);
    std::smatch m;
    std::string kind, open_item;
    if (std::regex_search(edit->body, m, std::regex(R"re(<select id="kind" name="kind">.*?<option value="([^"]*)" selected>)re")))
      kind = m[1].str();
    if (std::regex_search(edit->body, m, std::regex(R"re(id="add-item" name="item"><option value="(\d+)")re")))
      open_item = m[1].str();
    ASSERT_FALSE(kind.empty());
    auto saved = Post("/admin/units/" + UrlEncode(kUnitB),
                      {{"name", kUnitB}, {"short_name", kShortProbe}, {"org_code", kShortProbe}, {"kind", kind}, {"parent", ""},
                       {"active", "1"}},
                      *admin_);
    ASSERT_TRUE(saved);
    if (saved->status != 303) {  // the organisation code is checked: keep the short name
      Step("/admin/units/" + UrlEncode(kUnitB),
           {{"name", kUnitB}, {"short_name", kShortProbe}, {"org_code", ""}, {"kind", kind}, {"parent", ""}, {"active", "1"}},
           *admin_, 303);
    }
    if (!open_item.empty())
      Step("/admin/units/" + UrlEncode(kUnitB) + "/items", {{"op", "add"}, {"item", open_item}, {"reason", kProbe}},
           *admin_, 303);
    // A registration round and 区财政局's registration, its paper form sent back with a note.
    auto round = Post("/admin/rounds",
                      {{"title", kProbe}, {"deadline", "2099-12-31 17:30"}, {"paper_address", kProbe},
                       {"paper_phones", "2836212"}},
                      *admin_);
    ASSERT_TRUE(round && round->status == 303) << (round ? round->body.substr(0, 3000) : "");
    const std::string loc = round->get_header_value("Location");
    ASSERT_TRUE(std::regex_match(loc, m, std::regex(R"(/admin/rounds/(\d+))"))) << loc;
    round_ = std::stoll(m[1].str());
    Step(loc + "/units/" + UrlEncode(kUnitA),
         {{"leader_name", kShortProbe}, {"leader_post", kShortProbe}, {"leader_phone", "13600000002"},
          {"liaison_name", kShortProbe}, {"liaison_post", kShortProbe}, {"liaison_phone", "0471-6612345"},
          {"affiliation", kShortProbe}},
         *liaison_);
    Step(loc + "/units/" + UrlEncode(kUnitA) + "/paper", {{"status", "returned"}, {"note", kProbe}}, *admin_);
    // Push subscribers: a javascript: URL is refused; a URL with a break-out and a description.
    Step("/admin/webhooks", {{"url", kJsUrl}, {"description", kProbe}}, *admin_, 400);
    auto hook = Post("/admin/webhooks", {{"url", "http://127.0.0.1:9/\"><img src=x onerror=alert(1)>"}, {"description", kProbe}},
                     *admin_);
    ASSERT_TRUE(hook);
    if (hook->status != 200) Step("/admin/webhooks", {{"url", "http://127.0.0.1:9/x"}, {"description", kProbe}}, *admin_);
    for (const auto& row : DbRows(*db_, "SELECT id FROM webhook_subscribers"))
      Step("/admin/webhooks/" + row[0] + "/pause", {}, *admin_, 303);
    // An API token's name.
    Step("/admin/tokens", {{"name", kProbe}, {"unit", kUnitA}, {"role", "liaison"}}, *admin_);
    // The annual report mapping (echoed in its <textarea> when refused).
    Step("/admin/annual/mapping", {{"mapping", kProbe}}, *admin_, 400);
    // Reminders: the open obligation's title reaches the notices.
    Step("/admin/reminders/run", {}, *admin_);
    ASSERT_TRUE(WaitForLedgerSettled(*db_));
  }

  // GETs `path` (as `s`, or anonymously) and checks the answer by its type.
  // Returns the body.
  static std::string Fetch(const std::string& path, const WebSession* s = nullptr, int expect = 200) {
    auto res = WebGet(*server_, path, s);
    if (!res) {
      ADD_FAILURE() << "GET " << path << ": no response";
      return {};
    }
    const std::string where = "GET " + path + (s ? " as " + s->username : "");
    EXPECT_EQ(res->status, expect) << where << ": " << res->body.substr(0, 1000);
    const std::string type = res->get_header_value("Content-Type");
    EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff") << where;
    if (type.starts_with("application/json")) {
      EXPECT_FALSE(json::parse(res->body, nullptr, false).is_discarded()) << where;
    } else if (type.starts_with("text/csv") || type.starts_with("application/vnd.openxmlformats")) {
      // Data, never rendered by a browser (nosniff, above).
    } else {
      EXPECT_TRUE(type.starts_with("text/html") || type.find("xml") != std::string::npos || type.starts_with("text/plain"))
          << where << ": " << type;
      ExpectNoRawProbe(where, res->body);
    }
    return res->body;
  }

  static inline TempDir* dir_ = nullptr;
  static inline std::filesystem::path* db_ = nullptr;
  static inline ServerProcess* server_ = nullptr;
  static inline WebSession *admin_ = nullptr, *liaison_ = nullptr, *leader_ = nullptr, *named_ = nullptr;
  static inline std::int64_t published_ = 0, withdrawn_ = 0, returned_ = 0, obligation_ = 0, round_ = 0;
  static inline bool ready_ = false;
};

TEST_F(XssTest, PublicPagesFeedsAndExportsShowTheProbesEscaped) {
  const std::string pub = std::to_string(published_);
  const std::string q = UrlEncode("已公开");
  // Pages that must show the probe (escaped): it reached them.
  for (const std::string& path :
       {std::string("/"), std::string("/items/1"), std::string("/guide"), "/records/" + pub,
        "/records/" + pub + "/versions/1", "/records/" + std::to_string(withdrawn_), "/search?q=" + q,
        "/deadline?from=2026-12-25&target=" + UrlEncode("1/要素" + kProbe)}) {
    const std::string body = Fetch(path);
    EXPECT_NE(body.find(kEscaped), std::string::npos) << path << " does not show the probe";
  }
  // Everything else a visitor can fetch that shows these fields.
  for (const std::string& path :
       {std::string("/units"), "/units/" + UrlEncode(kUnitA), "/units/" + UrlEncode(kUnitB), std::string("/items/12"),
        std::string("/deadline"), "/search?q=" + q + "&unit=" + UrlEncode(kProbe) +
        "&genre=" + UrlEncode(kProbe), std::string("/feeds/site.atom"), std::string("/feeds/areas/1.atom"),
        std::string("/feeds/items/12.atom"), std::string("/feeds/items/1.atom"),
        "/feeds/units/" + UrlEncode(kUnitA) + ".atom", std::string("/sitemap.xml"), std::string("/sitemaps/pages.xml"),
        std::string("/sitemaps/records-1.xml"), std::string("/api/v1/catalog"), std::string("/api/v1/items/1"),
        "/api/v1/records/" + pub, std::string("/api/v1/records?limit=100&unit=") + UrlEncode(kUnitA),
        std::string("/api/v1/records.csv?unit=") + UrlEncode(kUnitA), "/api/v1/search?q=" + q,
        std::string("/api/v1/calendar/2027"), std::string("/api/v1/events?limit=500"), std::string("/api/v1/statistics"),
        "/api/v1/deadline?from=2026-12-25&item=1&element=" + UrlEncode("要素" + kProbe)})
    Fetch(path);
  // The record's files: the probe-named attachment is served as a download
  // or a PDF, never as HTML.
  auto page = Fetch("/records/" + pub);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(page, m, std::regex(R"(/records/\d+/files/[0-9a-f]{64})")));
  auto file = WebGet(*server_, m[0].str());
  ASSERT_TRUE(file);
  EXPECT_EQ(file->get_header_value("Content-Type"), "application/pdf");
  ExpectNoRawProbe("the attachment's Content-Disposition", file->get_header_value("Content-Disposition"));
  // The javascript: links in the body stayed text.
  EXPECT_NE(page.find("[点我](javascript:alert(1))"), std::string::npos);
}

TEST_F(XssTest, ErrorPagesAndFormsEchoTheProbesEscaped) {
  Fetch("/units/" + UrlEncode(kProbe), nullptr, 404);
  Fetch("/items/" + UrlEncode(kProbe), nullptr, 404);
  Fetch("/feeds/units/" + UrlEncode(kProbe) + ".atom", nullptr, 404);
  Fetch("/api/v1/units/" + UrlEncode(kProbe), nullptr, 404);
  Fetch("/deadline?from=" + UrlEncode(kProbe) + "&target=" + UrlEncode(kProbe), nullptr, 400);
  Fetch("/search?q=x&page=" + UrlEncode(kProbe), nullptr, 400);
  Fetch("/search?q=" + UrlEncode(kProbe), nullptr, 400);  // the query's syntax (an unclosed quote) is refused
  Fetch("/api/v1/search?q=" + UrlEncode(kProbe), nullptr, 400);
  Fetch("/admin/rounds/1/units/" + UrlEncode(kProbe), admin_, 404);
  // The login form: the typed user name comes back, `next` never becomes a script URL.
  LoginForm f = GetLoginForm(*server_);
  auto res = PostLogin(*server_, f.csrf, "gk_login_csrf=" + f.cookie, kProbe, "wrong", kJsUrl);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  ExpectNoRawProbe("POST /login", res->body);
  for (const std::string& next : {kJsUrl, kProbe, std::string("//evil.example/")}) {
    auto form = Fetch("/login?next=" + UrlEncode(next));
    EXPECT_EQ(form.find("value=\"" + kJsUrl), std::string::npos);
  }
  LoginForm g = GetLoginForm(*server_);
  auto in = PostLogin(*server_, g.csrf, "gk_login_csrf=" + g.cookie, "xss_admin", "Xss-Admin-Pass-2026", kJsUrl);
  ASSERT_TRUE(in);
  EXPECT_EQ(in->get_header_value("Location"), "/admin");
  // The 适老化 switch goes back to its Referer only on this site.
  auto back = server_->Client()->Get("/display?large=1", {{"Referer", kJsUrl}});
  ASSERT_TRUE(back);
  EXPECT_EQ(Lower(back->get_header_value("Location")).find("javascript"), std::string::npos);
}

TEST_F(XssTest, AdminPagesShowTheProbesEscaped) {
  const std::string round = "/admin/rounds/" + std::to_string(round_);
  const std::string unit_form = round + "/units/" + UrlEncode(kUnitA);
  // Pages that must show the probe (escaped): it reached them.
  for (const auto& [path, who] : std::vector<std::pair<std::string, const WebSession*>>{
           {"/admin/records/" + std::to_string(published_), liaison_},
           {"/admin/records/" + std::to_string(returned_), liaison_},
           {"/admin/work?unit=" + UrlEncode(kUnitA), admin_},
           {"/admin/obligations/" + std::to_string(obligation_), admin_},
           {"/admin/accounts", admin_},
           {"/admin/units", admin_},
           {"/admin/units/" + UrlEncode(kUnitB), admin_},
           {"/admin/rounds", admin_},
           {round, admin_},
           {unit_form, liaison_},
           {unit_form + "/print", admin_},
           {"/admin/webhooks", admin_},
           {"/admin/tokens", admin_},
           {"/admin/audit", admin_},
           {"/admin", named_}}) {
    const std::string body = Fetch(path, who);
    EXPECT_NE(body.find(kEscaped), std::string::npos) << path << " does not show the probe";
  }
  for (const auto& [path, who] : std::vector<std::pair<std::string, const WebSession*>>{
           {"/admin/records/" + std::to_string(withdrawn_), leader_},
           {"/admin/records/new?unit=" + UrlEncode(kUnitA), admin_},
           {"/admin/work", liaison_},
           {"/admin/compliance", admin_},
           {"/admin/compliance.csv", admin_},
           {"/admin/compliance/rows?unit=" + UrlEncode(kUnitA), admin_},
           {"/admin/compliance/rows?unit=" + UrlEncode(kProbe), admin_},
           {"/admin/annual", admin_},
           {"/admin/annual/records", admin_},
           {"/admin/annual/mapping", admin_},
           {"/admin/password", named_},
           {"/admin/notices", liaison_},
           {"/admin/audit?page=2", admin_}}) {
    auto res = WebGet(*server_, path, who);
    ASSERT_TRUE(res) << path;
    if (res->get_header_value("Content-Type").starts_with("text/html")) ExpectNoRawProbe("GET " + path, res->body);
    EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff") << path;
  }
  // The draft's attachment, for staff: a PDF or a download, never HTML.
  auto page = Fetch("/admin/records/" + std::to_string(returned_), liaison_);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(page, m, std::regex(R"(/admin/records/\d+/files/[0-9a-f]{64})")));
  auto file = WebGet(*server_, m[0].str(), liaison_);
  ASSERT_TRUE(file);
  EXPECT_EQ(file->get_header_value("Content-Type"), "application/pdf");
}

}  // namespace
}  // namespace gongkai::testing
