// The authorisation walk: every route the server registers, with every role,
// against the declared table tests/blackbox/authz_routes.txt (its header
// says what the columns mean). Also: the table covers every route in
// src/http/*.cc and names no route the source no longer has; credentials of
// another site count for nothing on this site's host; every state-changing
// form is refused (403, database unchanged) without the session's CSRF token.
// The real binary, `init --demo` data plus a second site, one server.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <array>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/blackbox/harness.h"
#include "tests/blackbox/web_session.h"

namespace gongkai::testing {
namespace {

using json = nlohmann::json;

const std::string kUnitA = "区财政局";
const std::string kUnitB = "区发改局";
constexpr const char* kOtherHost = "gk.other.example.test";

std::string FromHex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

// A valid 1x1 PNG.
const std::string kPng = FromHex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000a49444154789c63000100000500010d0a2db40000000049454e44ae426082");

// ---------------------------------------------------------------------------
// The declared table.

constexpr int kRoles = 11;
const std::array<const char*, kRoles> kRoleNames = {"anon", "admin", "audit", "liai", "lead", "liaiB",
                                                     "leadB", "tok", "tokL", "oAdm", "oTok"};
enum RoleIndex { kAnon, kAdmin, kAudit, kLiai, kLead, kLiaiB, kLeadB, kTok, kTokL, kOAdm, kOTok };

struct Row {
  int line = 0;
  std::string method, route, path, body;
  std::array<std::string, kRoles> expect;
};

std::vector<Row> LoadTable(std::string* error) {
  const std::filesystem::path file = std::filesystem::path(GONGKAI_SOURCE_DIR) / "tests/blackbox/authz_routes.txt";
  std::ifstream in(file);
  if (!in) {
    *error = "cannot read " + file.string();
    return {};
  }
  std::vector<Row> rows;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    std::istringstream s(line);
    std::vector<std::string> f;
    for (std::string w; s >> w;) f.push_back(w);
    if (f.size() != 4 + kRoles) {
      *error += "line " + std::to_string(n) + ": " + std::to_string(f.size()) + " columns, expected " +
                std::to_string(4 + kRoles) + "\n";
      continue;
    }
    Row r;
    r.line = n;
    r.method = f[0];
    r.route = f[1];
    r.path = f[2];
    r.body = f[3];
    for (int i = 0; i < kRoles; ++i) r.expect[i] = f[4 + i];
    rows.push_back(std::move(r));
  }
  return rows;
}

// Every (method, pattern) registered in src/http/*.cc: http.Get/Post/...
// with a literal pattern, and open_data_routes.cc's get()/sitemap() helpers
// (GET routes).
std::set<std::pair<std::string, std::string>> SourceRoutes() {
  static const std::regex re(
      R"re((?:\bhttp\.(Get|Post|Put|Delete|Patch|Options)|\b(get|sitemap))\(\s*(?:R"\(([^\n]*?)\)"|"([^"\n]*)"))re");
  std::set<std::pair<std::string, std::string>> out;
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(GONGKAI_SOURCE_DIR) / "src/http")) {
    const std::string name = entry.path().filename().string();
    if (!name.ends_with(".cc") || name.ends_with("_test.cc")) continue;
    const std::string text = ReadFile(entry.path());
    for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it) {
      const auto& m = *it;
      std::string method = m[1].matched ? m[1].str() : "GET";
      for (auto& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      out.insert({method, m[3].matched ? m[3].str() : m[4].str()});
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// The fixture.

struct Who {
  std::string host;      // "" = this (the default) site
  std::string session;   // gk_session cookie
  std::string csrf;
  std::string bearer;    // API token
  std::string username, password;
};

class AuthzTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    db_ = new std::filesystem::path(*dir_ / "authz.db");
    auto r = RunGongkai({"init", "--db", db_->string(), "--demo"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = RunGongkai({"site", "add", "--db", db_->string(), "--slug", "other", "--name", "另一个区人民政府", "--host",
                    kOtherHost, "--from-site", "demo"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    struct Acc {
      int role;
      const char* username;
      const char* role_name;
      std::string unit;
    };
    const Acc accounts[] = {{kAdmin, "walk_admin", "admin", ""},        {kAudit, "walk_auditor", "auditor", ""},
                            {kLiai, "walk_liaison", "liaison", kUnitA}, {kLead, "walk_leader", "leader", kUnitA},
                            {kLiaiB, "walk_liaison_b", "liaison", kUnitB}, {kLeadB, "walk_leader_b", "leader", kUnitB},
                            {-1, "walk_victim", "liaison", kUnitB}};
    who_ = new std::array<Who, kRoles>();
    for (const auto& a : accounts) {
      const std::string pw = std::string("Walk-Pass-") + a.username;
      ASSERT_TRUE(AddAccount(*db_, a.username, a.role_name, a.unit, pw));
      if (a.role >= 0) (*who_)[a.role] = Who{"", "", "", "", a.username, pw};
    }
    auto added = RunGongkai({"user", "add", "--db", db_->string(), "--site", "other", "--username", "other_admin",
                             "--role", "admin", "--name", "另一站点管理员"},
                            {}, "Other-Admin-Pass-2026\n");
    ASSERT_EQ(added.exit_code, 0) << added.err;
    (*who_)[kOAdm] = Who{kOtherHost, "", "", "", "other_admin", "Other-Admin-Pass-2026"};
    auto token = [](const std::string& site, const std::string& name, const std::string& role) {
      auto t = RunGongkai({"token", "add", "--db", db_->string(), "--site", site, "--name", name, "--unit", kUnitA,
                           "--role", role, "--secret-only"});
      EXPECT_EQ(t.exit_code, 0) << t.err;
      return t.out.substr(0, t.out.find_first_of("\r\n"));
    };
    (*who_)[kTok].bearer = token("demo", "走查联络员令牌", "liaison");
    (*who_)[kTokL].bearer = token("demo", "走查领导令牌", "leader");
    (*who_)[kOTok] = Who{kOtherHost, "", "", token("other", "另一站点令牌", "liaison"), "", ""};
    token("demo", "待吊销令牌", "liaison");
    server_ = new ServerProcess(*db_);
    ASSERT_TRUE(server_->Start());
    for (int i : {kAdmin, kAudit, kLiai, kLead, kLiaiB, kLeadB, kOAdm}) {
      ASSERT_TRUE(SignIn((*who_)[i])) << kRoleNames[i];
    }
    ASSERT_NO_FATAL_FAILURE(MakeObjects());
    ready_ = true;
  }
  static void TearDownTestSuite() {
    delete server_;
    delete who_;
    delete fill_;
    delete db_;
    delete dir_;
    server_ = nullptr;
    who_ = nullptr;
    fill_ = nullptr;
    db_ = nullptr;
    dir_ = nullptr;
    ready_ = false;
  }
  void SetUp() override { ASSERT_TRUE(ready_) << "suite set-up failed"; }

  static httplib::Headers HeadersOf(const Who& w, bool own_host = true) {
    httplib::Headers h;
    if (own_host && !w.host.empty()) h.emplace("Host", w.host);
    if (!w.session.empty()) h.emplace("Cookie", "gk_session=" + w.session);
    if (!w.bearer.empty()) h.emplace("Authorization", "Bearer " + w.bearer);
    return h;
  }

  // Signs `w` in through the login form on its host; sets session and csrf.
  static bool SignIn(Who& w) {
    httplib::Headers h;
    if (!w.host.empty()) h.emplace("Host", w.host);
    auto form = server_->Client()->Get("/login", h);
    if (!form || form->status != 200) return false;
    httplib::Headers ph = h;
    ph.emplace("Cookie", "gk_login_csrf=" + SetCookieValue(*form, "gk_login_csrf").value_or(""));
    httplib::Params p{{"_csrf", CsrfIn(form->body)}, {"username", w.username}, {"password", w.password}, {"next", "/admin"}};
    auto res = server_->Client()->Post("/login", ph, p);
    if (!res || res->status != 303) return false;
    w.session = SetCookieValue(*res, "gk_session").value_or("");
    auto admin = server_->Client()->Get("/admin", HeadersOf(w));
    if (!admin || admin->status != 200) return false;
    w.csrf = CsrfIn(admin->body);
    return !w.session.empty() && !w.csrf.empty();
  }

  static Who& As(int role) { return (*who_)[role]; }

  static httplib::Result PostForm(int role, const std::string& path, httplib::Params p) {
    p.emplace("_csrf", As(role).csrf);
    return server_->Client()->Post(path.c_str(), HeadersOf(As(role)), p);
  }

  static json Api(int role, const std::string& path, const std::string& body) {
    auto res = server_->Client()->Post(path.c_str(), HeadersOf(As(role)), body, "application/json");
    if (!res) {
      ADD_FAILURE() << path << ": no response";
      return {};
    }
    EXPECT_LT(res->status, 300) << path << ": " << res->body;
    return json::parse(res->body, nullptr, false);
  }

  // A record of 区财政局 in `state` (draft, submitted, approved, published),
  // made through the write API; its id.
  static std::int64_t NewRecord(const std::string& state) {
    json draft = Api(kTok, "/api/v1/records",
                     json{{"unit", kUnitA}, {"item", 12}, {"element", "采购合同"}, {"formed_on", "2026-11-02"},
                          {"title", "走查用记录"}, {"body", "正文。"}, {"genre", "公告"}, {"channels", {"门户网站"}}}
                         .dump());
    const std::int64_t id = draft.value("id", std::int64_t{0});
    EXPECT_GT(id, 0) << draft.dump();
    const std::string base = "/api/v1/records/" + std::to_string(id);
    if (state == "draft") return id;
    Api(kTok, base + "/submit", "{}");
    if (state == "submitted") return id;
    Api(kTokL, base + "/approve", R"({"no_state_secret":true,"no_commercial_secret":true,"personal_info_handled":true})");
    if (state == "approved") return id;
    Api(kTok, base + "/publish", "{}");
    EXPECT_EQ(state, "published");
    return id;
  }

  static std::int64_t NewObligation() {
    auto res = PostForm(kAdmin, "/admin/obligations",
                        {{"unit", kUnitA}, {"target", "12/采购合同"}, {"title", "走查用待公开事项"}, {"formed_on", "2026-11-02"}});
    EXPECT_TRUE(res && res->status == 200) << (res ? res->body.substr(0, 2000) : "no response");
    return DbScalar(*db_, "SELECT max(id) FROM obligations");
  }

  // A draft of 区财政局 with one attachment, made by the liaison: {id, sha}.
  static std::pair<std::int64_t, std::string> DraftWithAttachment(const std::string& title) {
    auto made = PostForm(kLiai, "/admin/records",
                         {{"unit", kUnitA}, {"target", "12/采购合同"}, {"formed_on", "2026-11-02"}, {"title", title},
                          {"body", "正文。"}, {"genre", "公告"}});
    EXPECT_TRUE(made && made->status == 303) << (made ? made->body.substr(0, 2000) : "no response");
    if (!made) return {0, ""};
    std::smatch m;
    const std::string loc = made->get_header_value("Location");
    if (!std::regex_match(loc, m, std::regex(R"(/admin/records/(\d+))"))) {
      ADD_FAILURE() << "Location " << loc;
      return {0, ""};
    }
    const std::int64_t id = std::stoll(m[1].str());
    httplib::MultipartFormDataItems items = {{"_csrf", As(kLiai).csrf, "", ""}, {"file", kPng, "附件.png", "image/png"}};
    auto up = server_->Client()->Post(("/admin/records/" + std::to_string(id) + "/attachments").c_str(),
                                      HeadersOf(As(kLiai)), items);
    EXPECT_TRUE(up && up->status == 200) << (up ? up->body.substr(0, 2000) : "no response");
    std::string sha;
    if (up && std::regex_search(up->body, m, std::regex(R"(/files/([0-9a-f]{64}))"))) sha = m[1].str();
    EXPECT_FALSE(sha.empty());
    return {id, sha};
  }

  static void MakeObjects() {
    fill_ = new std::map<std::string, std::string>();
    auto& f = *fill_;
    f["{unitA}"] = kUnitA;
    f["{unitB}"] = kUnitB;
    f["{zero}"] = std::string(64, '0');
    // A round; 区财政局 registers; the office signs for the paper form with a scan.
    auto round = PostForm(kAdmin, "/admin/rounds",
                          {{"title", "走查登记"}, {"deadline", "2099-12-31 17:30"}, {"paper_address", "x"}, {"paper_phones", "2836212"}});
    ASSERT_TRUE(round && round->status == 303);
    std::smatch m;
    const std::string loc = round->get_header_value("Location");
    ASSERT_TRUE(std::regex_match(loc, m, std::regex(R"(/admin/rounds/(\d+))"))) << loc;
    f["{round}"] = m[1].str();
    const std::string unit_path = loc + "/units/" + UrlEncode(kUnitA);
    auto reg = PostForm(kLiai, unit_path,
                        {{"leader_name", "钱多多"}, {"leader_post", "副局长"}, {"leader_phone", "13600000002"},
                         {"liaison_name", "孙理财"}, {"liaison_post", "科员"}, {"liaison_phone", "0471-6612345"},
                         {"affiliation", kUnitA}});
    ASSERT_TRUE(reg && reg->status == 200) << (reg ? reg->body.substr(0, 2000) : "");
    httplib::MultipartFormDataItems paper = {{"_csrf", As(kAdmin).csrf, "", ""},
                                             {"status", "received", "", ""},
                                             {"note", "", "", ""},
                                             {"scan", kPng, "scan.png", "image/png"}};
    auto signed_for = server_->Client()->Post((unit_path + "/paper").c_str(), HeadersOf(As(kAdmin)), paper);
    ASSERT_TRUE(signed_for && signed_for->status == 200) << (signed_for ? signed_for->body.substr(0, 2000) : "");
    ASSERT_TRUE(std::regex_search(signed_for->body, m, std::regex(R"(/admin/files/([0-9a-f]{64}))")));
    f["{scan}"] = m[1].str();
    // A published record with an attachment, and a draft with one.
    auto [pub, pubsha] = DraftWithAttachment("走查用已公开记录");
    ASSERT_GT(pub, 0);
    const std::string base = "/api/v1/records/" + std::to_string(pub);
    Api(kTok, base + "/submit", "{}");
    Api(kTokL, base + "/approve", R"({"no_state_secret":true,"no_commercial_secret":true,"personal_info_handled":true})");
    Api(kTok, base + "/publish", "{}");
    f["{pub}"] = std::to_string(pub);
    f["{pubsha}"] = pubsha;
    auto [draft, draftsha] = DraftWithAttachment("走查用草稿");
    ASSERT_GT(draft, 0);
    f["{draft}"] = std::to_string(draft);
    f["{draftsha}"] = draftsha;
    f["{obl}"] = std::to_string(NewObligation());
    f["{account}"] = std::to_string(DbScalar(*db_, "SELECT id FROM accounts WHERE username = 'walk_victim'"));
    f["{token}"] = std::to_string(DbScalar(*db_, "SELECT id FROM api_tokens WHERE name = '待吊销令牌'"));
    // A push subscriber, paused at once: nothing is pushed during the walk.
    auto hook = PostForm(kAdmin, "/admin/webhooks", {{"url", "http://127.0.0.1:9/walk"}, {"description", "走查"}});
    ASSERT_TRUE(hook && hook->status == 200) << (hook ? hook->body.substr(0, 2000) : "");
    f["{webhook}"] = std::to_string(DbScalar(*db_, "SELECT max(id) FROM webhook_subscribers"));
    auto paused = PostForm(kAdmin, "/admin/webhooks/" + f["{webhook}"] + "/pause", {});
    ASSERT_TRUE(paused && paused->status == 303);
    ASSERT_TRUE(WaitForLedgerSettled(*db_));
  }

  // `text` with the fixture's placeholders filled; {new:STATE} makes a new
  // object (once per call: path and body of one request share it through
  // `fresh`). Unit names percent-encoded when `encode`.
  static std::string Fill(std::string text, bool encode, std::map<std::string, std::string>& fresh,
                          const std::string& role) {
    static const std::regex re(R"(\{new:([a-z]+)\})");
    std::smatch m;
    while (std::regex_search(text, m, re)) {
      const std::string key = m[0].str();
      if (!fresh.count(key))
        fresh[key] = std::to_string(m[1].str() == "obligation" ? NewObligation() : NewRecord(m[1].str()));
      text.replace(static_cast<std::size_t>(m.position(0)), static_cast<std::size_t>(m.length(0)), fresh[key]);
    }
    auto replace = [&](const std::string& from, const std::string& to) {
      for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size()))
        text.replace(pos, from.size(), to);
    };
    for (const auto& [k, v] : *fill_) replace(k, encode && (k == "{unitA}" || k == "{unitB}") ? UrlEncode(v) : v);
    replace("{role}", role);
    return text;
  }

  static httplib::Params FormOf(const std::string& body) {
    httplib::Params p;
    if (body.empty() || body == "-") return p;
    std::size_t start = 0;
    while (start <= body.size()) {
      auto amp = body.find('&', start);
      std::string kv = body.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
      auto eq = kv.find('=');
      p.emplace(httplib::detail::decode_url(kv.substr(0, eq), true),
                eq == std::string::npos ? std::string() : httplib::detail::decode_url(kv.substr(eq + 1), true));
      if (amp == std::string::npos) break;
      start = amp + 1;
    }
    return p;
  }

  // Sends a row's request as `w`. `csrf`: the _csrf value to add to a form
  // (nullptr: none). `own_host`: the role's site's host (else this site's).
  static httplib::Result Send(const Row& row, const Who& w, const std::string& role, const std::string* csrf,
                              bool own_host) {
    std::map<std::string, std::string> fresh;
    const std::string path = Fill(row.path, true, fresh, role);
    const std::string body = row.body == "-" ? std::string() : Fill(row.body, false, fresh, role);
    const httplib::Headers h = HeadersOf(w, own_host);
    if (row.method == "GET") return server_->Client()->Get(path.c_str(), h);
    if (row.method == "PUT") return server_->Client()->Put(path.c_str(), h, body.substr(5), "application/json");
    if (body.starts_with("json:")) return server_->Client()->Post(path.c_str(), h, body.substr(5), "application/json");
    if (body.starts_with("multipart:")) {
      httplib::MultipartFormDataItems items;
      for (const auto& [k, v] : FormOf(body.substr(10))) {
        if (v.starts_with("@")) items.push_back({k, kPng, v.substr(1), "image/png"});
        else items.push_back({k, v, "", ""});
      }
      if (csrf) items.push_back({"_csrf", *csrf, "", ""});
      return server_->Client()->Post(path.c_str(), h, items);
    }
    httplib::Params p = FormOf(body);
    if (csrf) p.emplace("_csrf", *csrf);
    return server_->Client()->Post(path.c_str(), h, p);
  }

  // The answer as the table writes it.
  static std::string Answer(const httplib::Result& res) {
    if (!res) return "no-response";
    if (res->status == 303 && res->get_header_value("Location").starts_with("/login?next=")) return "login";
    return std::to_string(res->status);
  }

  static inline TempDir* dir_ = nullptr;
  static inline std::filesystem::path* db_ = nullptr;
  static inline ServerProcess* server_ = nullptr;
  static inline std::array<Who, kRoles>* who_ = nullptr;
  static inline std::map<std::string, std::string>* fill_ = nullptr;
  static inline bool ready_ = false;
};

TEST(AuthzTableTest, DeclaresEveryRouteTheServerRegistersAndNoOther) {
  std::string error;
  const auto rows = LoadTable(&error);
  ASSERT_TRUE(error.empty()) << error;
  const auto source = SourceRoutes();
  ASSERT_GT(source.size(), 90u) << "the route scan of src/http found too few routes";
  std::set<std::pair<std::string, std::string>> declared;
  for (const auto& r : rows) {
    declared.insert({r.method, r.route});
    EXPECT_TRUE(source.count({r.method, r.route})) << "authz_routes.txt line " << r.line << ": " << r.method << " "
                                                   << r.route << " is not registered in src/http";
    // The path must be one the route serves (unit placeholders as the server sees them, decoded).
    std::string path = r.path.substr(0, r.path.find('?'));
    for (const auto& [k, v] : std::map<std::string, std::string>{
             {"{unitA}", kUnitA}, {"{unitB}", kUnitB}, {"{round}", "7"}, {"{pub}", "7"}, {"{draft}", "7"},
             {"{obl}", "7"}, {"{account}", "7"}, {"{token}", "7"}, {"{webhook}", "7"}, {"{new:draft}", "7"},
             {"{new:submitted}", "7"}, {"{new:approved}", "7"}, {"{new:published}", "7"}, {"{new:obligation}", "7"},
             {"{scan}", std::string(64, 'a')}, {"{pubsha}", std::string(64, 'a')},
             {"{draftsha}", std::string(64, 'a')}, {"{zero}", std::string(64, '0')}})
      for (auto pos = path.find(k); pos != std::string::npos; pos = path.find(k)) path.replace(pos, k.size(), v);
    EXPECT_TRUE(std::regex_match(path, std::regex(r.route)))
        << "authz_routes.txt line " << r.line << ": " << r.path << " is not served by " << r.route;
    for (const auto& e : r.expect)
      EXPECT_TRUE(e == "login" || std::regex_match(e, std::regex("[1-5][0-9][0-9]")))
          << "authz_routes.txt line " << r.line << ": answer '" << e << "'";
  }
  for (const auto& [method, route] : source)
    EXPECT_TRUE(declared.count({method, route}))
        << method << " " << route << " is registered in src/http but has no row in tests/blackbox/authz_routes.txt";
}

TEST_F(AuthzTest, EveryRouteAnswersEveryRoleAsTheTableDeclares) {
  std::string error;
  const auto rows = LoadTable(&error);
  ASSERT_TRUE(error.empty()) << error;
  int mismatches = 0;
  for (const auto& row : rows) {
    for (int i = 0; i < kRoles; ++i) {
      Who w = As(i);
      // Logging out ends the session: a fresh one for that request.
      if (row.route == "/logout" && !w.username.empty()) ASSERT_TRUE(SignIn(w)) << kRoleNames[i];
      const std::string got = Answer(Send(row, w, kRoleNames[i], w.csrf.empty() ? nullptr : &w.csrf, true));
      if (got != row.expect[i]) {
        ++mismatches;
        ADD_FAILURE() << "authz_routes.txt line " << row.line << ": " << row.method << " " << row.path << " as "
                      << kRoleNames[i] << ": got " << got << ", declared " << row.expect[i];
      }
    }
    // Another site's session and token, sent to this site's host, are nobody's.
    for (int i : {kOAdm, kOTok}) {
      Who w = As(i);
      if (row.route == "/logout" && !w.username.empty()) ASSERT_TRUE(SignIn(w)) << kRoleNames[i];
      const std::string got = Answer(Send(row, w, kRoleNames[i], w.csrf.empty() ? nullptr : &w.csrf, false));
      EXPECT_EQ(got, row.expect[kAnon]) << "authz_routes.txt line " << row.line << ": " << row.method << " "
                                        << row.path << " as " << kRoleNames[i]
                                        << " on this site's host must answer as anon";
    }
  }
  EXPECT_EQ(mismatches, 0);
}

TEST_F(AuthzTest, EveryStateChangingFormIsRefusedWithoutTheSessionsCsrfToken) {
  std::string error;
  const auto rows = LoadTable(&error);
  ASSERT_TRUE(error.empty()) << error;
  int forms = 0;
  for (const auto& row : rows) {
    if (row.method != "POST" || row.body.starts_with("json:")) continue;
    ++forms;
    // Each signed-in role with no token at all and with another session's
    // real one; the objects the requests would act on are made first.
    struct Attempt {
      int role;
      const std::string* token;
      Row fixed;
    };
    std::vector<Attempt> attempts;
    for (int i : {kAdmin, kAudit, kLiai, kLead, kLiaiB, kLeadB, kOAdm}) {
      const std::string& foreign = As(i == kAdmin ? kAudit : kAdmin).csrf;
      for (const std::string* token : {static_cast<const std::string*>(nullptr), &foreign}) {
        std::map<std::string, std::string> fresh;
        Row fixed = row;
        fixed.path = Fill(row.path, true, fresh, kRoleNames[i]);
        if (row.body != "-") fixed.body = Fill(row.body, false, fresh, kRoleNames[i]);
        attempts.push_back({i, token, std::move(fixed)});
      }
    }
    ASSERT_TRUE(WaitForLedgerSettled(*db_));
    const std::string before = DumpDatabase(*db_);
    for (const auto& a : attempts) {
      auto res = Send(a.fixed, As(a.role), kRoleNames[a.role], a.token, true);
      ASSERT_TRUE(res) << row.path;
      EXPECT_EQ(res->status, 403) << "authz_routes.txt line " << row.line << ": POST " << a.fixed.path << " as "
                                  << kRoleNames[a.role]
                                  << (a.token ? " with another session's _csrf" : " without _csrf") << ": "
                                  << res->body.substr(0, 300);
    }
    EXPECT_EQ(DumpDatabase(*db_), before) << "authz_routes.txt line " << row.line << ": POST " << row.path
                                          << " without a valid _csrf changed the database";
  }
  EXPECT_GE(forms, 30) << "the table declares too few state-changing forms";
}

}  // namespace
}  // namespace gongkai::testing
