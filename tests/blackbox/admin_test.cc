// Black-box tests of the admin area: the real binary, a fresh database,
// HTTP without a cookie jar. Covers who may do what (the permission table in
// src/core/auth.cc seen from outside), CSRF, sessions, login throttling,
// password storage, the liaison registration, paper forms, the Excel roll and
// the audit log.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <regex>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "tests/blackbox/harness.h"
#include "tests/blackbox/web_session.h"

namespace gongkai::testing {
namespace {

using Session = WebSession;

Session Login(const ServerProcess& server, const std::string& username, const std::string& password) {
  return WebLogin(server, username, password);
}

const std::string kFgj = "区发改局";  // the liaison's and leader's own unit
const std::string kCzj = "区财政局";  // another unit

// ---------------------------------------------------------------------------
// Small HTTP helpers (no cookie jar: cookies are parsed and sent by hand).

std::string SetCookieHeader(const httplib::Response& res, const std::string& name) {
  auto [b, e] = res.headers.equal_range("Set-Cookie");
  for (auto it = b; it != e; ++it)
    if (it->second.rfind(name + "=", 0) == 0) return it->second;
  return {};
}

httplib::Headers CookieHeaders(const Session* s) {
  if (!s || s->token.empty()) return {};
  return {{"Cookie", "gk_session=" + s->token}};
}

httplib::Result Get(const ServerProcess& server, const std::string& path, const Session* s = nullptr) {
  return server.Client()->Get(path.c_str(), CookieHeaders(s));
}

httplib::Result Post(const ServerProcess& server, const std::string& path, const httplib::Params& params,
                     const Session* s = nullptr) {
  return server.Client()->Post(path.c_str(), CookieHeaders(s), params);
}

httplib::Result PostMultipart(const ServerProcess& server, const std::string& path,
                              const httplib::MultipartFormDataItems& items, const Session* s = nullptr) {
  return server.Client()->Post(path.c_str(), CookieHeaders(s), items);
}

// `params` plus the session's CSRF token.
httplib::Params WithCsrf(httplib::Params params, const Session& s) {
  params.emplace("_csrf", s.csrf);
  return params;
}

// Where the public is sent for `path`. The server percent-encodes `next`
// (LoginRedirectFor("/admin/rounds")); httplib's client percent-decodes every
// Location header it reads, so the tests compare the decoded form.
std::string LoginRedirectFor(const std::string& decoded_path) { return "/login?next=" + decoded_path; }

// The board's table row of one unit (from its <th> to the row's end).
std::string BoardRow(const std::string& html, const std::string& unit) {
  auto b = html.find("<th scope=\"row\">" + unit + "</th>");
  if (b == std::string::npos) return {};
  auto e = html.find("</tr>", b);
  return html.substr(b, e == std::string::npos ? std::string::npos : e - b);
}

// The whole <input ...> tag with id `id`.
std::string InputTag(const std::string& html, const std::string& id) {
  auto b = html.find("<input id=\"" + id + "\"");
  if (b == std::string::npos) return {};
  auto e = html.find('>', b);
  return html.substr(b, e == std::string::npos ? std::string::npos : e - b + 1);
}

std::vector<std::vector<std::string>> Query(const std::filesystem::path& db, const std::string& sql) {
  return DbRows(db, sql);
}

std::string FromHex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

// A valid 1x1 PNG.
const std::string kPng = FromHex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000a49444154789c63000100000500010d0a2db40000000049454e44ae426082");

// The registration the liaison of 区发改局 submits (valid mobile + landline).
const httplib::Params kFgjForm = {{"leader_name", "张伟"},         {"leader_post", "副局长"},
                                  {"leader_phone", "13912345678"}, {"liaison_name", "李娜"},
                                  {"liaison_post", "办公室科员"},   {"liaison_phone", "0471-2836212"},
                                  {"affiliation", "区发改局"}};

// 区财政局's registration in the matrix round (made by the admin): its
// names and phones must never reach the liaison of 区发改局.
const httplib::Params kCzjForm = {{"leader_name", "钱多多"},       {"leader_post", "财政局副局长"},
                                  {"leader_phone", "13600000002"}, {"liaison_name", "孙理财"},
                                  {"liaison_post", "预算科科员"},   {"liaison_phone", "0471-6612345"},
                                  {"affiliation", "区财政局"}};
const char* kCzjSecrets[] = {"钱多多", "孙理财", "13600000002", "0471-6612345"};

// ---------------------------------------------------------------------------
// One database and server for the suite; one session per role.

struct Account {
  const char* username;
  const char* role;
  const char* unit;
  const char* name;
  const char* password;
};

const Account kAccounts[] = {
    {"gk_admin", "admin", "", "王主任", "Admin-Pass-2024"},
    {"gk_auditor", "auditor", "", "赵审计", "Audit-Pass-2024"},
    {"fgj_liaison", "liaison", "区发改局", "发改联络员", "Fgj-Liaison-01"},
    {"fgj_leader", "leader", "区发改局", "发改分管领导", "Fgj-Leader-001"},
    {"czj_liaison", "liaison", "区财政局", "财政联络员", "财政局联络员Pass1"},
    {"lock_user", "auditor", "", "锁定测试", "Lock-User-Pass1"},
};

class AdminTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    db_ = new std::filesystem::path(*dir_ / "admin.db");
    auto r = RunGongkai({"init", "--db", db_->string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const auto& a : kAccounts) {
      std::vector<std::string> args = {"user", "add", "--username", a.username, "--role", a.role,
                                       "--name", a.name, "--db", db_->string()};
      if (*a.unit) {
        args.push_back("--unit");
        args.push_back(a.unit);
      }
      auto add = RunGongkai(args, {}, std::string(a.password) + "\n");
      ASSERT_EQ(add.exit_code, 0) << a.username << ": " << add.err;
    }
    server_ = new ServerProcess(*db_);
    ASSERT_TRUE(server_->Start());
    admin_ = new Session(Login(*server_, "gk_admin", "Admin-Pass-2024"));
    auditor_ = new Session(Login(*server_, "gk_auditor", "Audit-Pass-2024"));
    liaison_ = new Session(Login(*server_, "fgj_liaison", "Fgj-Liaison-01"));
    leader_ = new Session(Login(*server_, "fgj_leader", "Fgj-Leader-001"));
    czj_ = new Session(Login(*server_, "czj_liaison", "财政局联络员Pass1"));
    for (const Session* s : {admin_, auditor_, liaison_, leader_, czj_}) ASSERT_FALSE(s->token.empty()) << s->username;
    round_id_ = OpenRound("2024年三大领域信息公开联络员登记", "2099-12-31 17:30");
    ASSERT_GT(round_id_, 0);
    matrix_round_id_ = OpenRound("权限测试登记", "2099-12-31 17:30");
    ASSERT_GT(matrix_round_id_, 0);
    ready_ = true;
  }
  static void TearDownTestSuite() {
    for (Session* s : {admin_, auditor_, liaison_, leader_, czj_}) delete s;
    delete server_;
    delete db_;
    delete dir_;
  }
  void SetUp() override { ASSERT_TRUE(ready_) << "suite set-up failed"; }

  // Opens a round as the admin; its id from the 303's Location, 0 on failure.
  static std::int64_t OpenRound(const std::string& title, const std::string& deadline) {
    auto res = Post(*server_, "/admin/rounds",
                    WithCsrf({{"title", title},
                              {"deadline", deadline},
                              {"paper_address", "区党政大楼1号楼212房间"},
                              {"paper_phones", "2836212、2836275"}},
                             *admin_),
                    admin_);
    if (!res) return 0;
    EXPECT_EQ(res->status, 303) << res->body.substr(0, 3000);
    static const std::regex re(R"(^/admin/rounds/(\d+)$)");
    std::smatch m;
    std::string loc = res->get_header_value("Location");
    if (!std::regex_match(loc, m, re)) {
      ADD_FAILURE() << "Location after opening a round: '" << loc << "'";
      return 0;
    }
    return std::stoll(m[1].str());
  }

  static std::string RoundPath(std::int64_t id) { return "/admin/rounds/" + std::to_string(id); }
  static std::string UnitPath(std::int64_t id, const std::string& unit) {
    return RoundPath(id) + "/units/" + UrlEncode(unit);
  }

  // The liaison of 区发改局 submits kFgjForm in the main round.
  static void RegisterFgj() {
    auto res = Post(*server_, UnitPath(round_id_, kFgj), WithCsrf(kFgjForm, *liaison_), liaison_);
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body.substr(0, 3000);
    ASSERT_NE(res->body.find("登记信息已提交"), std::string::npos);
  }

  static std::string Dump() { return DumpDatabase(*db_); }

  static TempDir* dir_;
  static std::filesystem::path* db_;
  static ServerProcess* server_;
  static Session *admin_, *auditor_, *liaison_, *leader_, *czj_;
  static std::int64_t round_id_, matrix_round_id_;
  static bool ready_;
};
TempDir* AdminTest::dir_ = nullptr;
std::filesystem::path* AdminTest::db_ = nullptr;
ServerProcess* AdminTest::server_ = nullptr;
Session *AdminTest::admin_ = nullptr, *AdminTest::auditor_ = nullptr, *AdminTest::liaison_ = nullptr,
        *AdminTest::leader_ = nullptr, *AdminTest::czj_ = nullptr;
std::int64_t AdminTest::round_id_ = 0, AdminTest::matrix_round_id_ = 0;
bool AdminTest::ready_ = false;

// ---------------------------------------------------------------------------
// 1. The authorisation matrix.

enum class Expect { kAllowed, kForbidden, kLogin };
constexpr Expect A = Expect::kAllowed;    // 200 page (or the action's 200/303 success)
constexpr Expect F = Expect::kForbidden;  // 403 page, nothing changed
constexpr Expect L = Expect::kLogin;      // 303 to /login?next=<path>, nothing changed

enum Who { kPublic, kAdmin, kAuditor, kLiaison, kLeader, kWhoCount };
const char* const kWhoNames[kWhoCount] = {"public", "admin", "auditor", "liaison(区发改局)", "leader(区发改局)"};
const char* const kWhoSlugs[kWhoCount] = {"public", "admin", "auditor", "liaison", "leader"};

// Paths: {round} = a round's id, {fgj} = 区发改局, {czj} = 区财政局.
struct PageRule {
  const char* path;
  Expect expect[kWhoCount];
};
const PageRule kPageMatrix[] = {
    //  page                                      public admin auditor liaison leader   permission (auth.cc)
    {"/admin",                                    {L, A, A, A, A}},  // kViewAdmin
    {"/admin/password",                           {L, A, A, A, A}},  // any signed-in account
    {"/admin/units",                              {L, A, A, F, F}},  // kViewRoll
    {"/admin/units/{fgj}",                        {L, A, F, F, F}},  // kEditUnits
    {"/admin/accounts",                           {L, A, F, F, F}},  // kManageAccounts
    {"/admin/rounds",                             {L, A, A, F, F}},  // kViewRoll
    {"/admin/rounds/{round}",                     {L, A, A, F, F}},  // kViewRoll
    {"/admin/rounds/{round}/roll.xlsx",           {L, A, A, F, F}},  // kViewRoll
    {"/admin/rounds/{round}/units/{fgj}",         {L, A, F, A, A}},  // kRegisterUnit, own unit
    {"/admin/rounds/{round}/units/{czj}",         {L, A, F, F, F}},  // kRegisterUnit, other unit
    {"/admin/rounds/{round}/units/{fgj}/print",   {L, A, A, A, A}},  // kViewOwnRegistration, own unit
    {"/admin/rounds/{round}/units/{czj}/print",   {L, A, A, F, F}},  // kViewOwnRegistration, other unit
    {"/admin/audit",                              {L, A, A, F, F}},  // kViewAudit
};

enum class Change { kCreateAccount, kEditUnit, kOpenRound, kRegisterOwnUnit, kRegisterOtherUnit, kReviewPaper };
struct ChangeRule {
  Change change;
  const char* path;
  Expect expect[kWhoCount];
};
// In this order: the paper form can only be reviewed once the unit has registered.
const ChangeRule kChangeMatrix[] = {
    //  state-changing POST                                            public admin auditor liaison leader
    {Change::kCreateAccount,     "/admin/accounts",                    {L, A, F, F, F}},  // kManageAccounts
    {Change::kEditUnit,          "/admin/units/{fgj}",                 {L, A, F, F, F}},  // kEditUnits
    {Change::kOpenRound,         "/admin/rounds",                      {L, A, F, F, F}},  // kManageRounds
    {Change::kRegisterOwnUnit,   "/admin/rounds/{round}/units/{fgj}",  {L, A, F, A, A}},  // kRegisterUnit
    {Change::kRegisterOtherUnit, "/admin/rounds/{round}/units/{czj}",  {L, A, F, F, F}},  // kRegisterUnit
    {Change::kReviewPaper,       "/admin/rounds/{round}/units/{fgj}/paper", {L, A, F, F, F}},  // kReviewPaperForm
};

std::string Expand(std::string path, std::int64_t round, bool encode) {
  auto replace = [&](const std::string& from, const std::string& to) {
    for (auto pos = path.find(from); pos != std::string::npos; pos = path.find(from, pos + to.size()))
      path.replace(pos, from.size(), to);
  };
  replace("{round}", std::to_string(round));
  replace("{fgj}", encode ? UrlEncode(kFgj) : kFgj);
  replace("{czj}", encode ? UrlEncode(kCzj) : kCzj);
  return path;
}

// The selected <option> of a <select id="...">, or "".
std::string SelectedOption(const std::string& html, const std::string& select_id) {
  auto b = html.find("<select id=\"" + select_id + "\"");
  if (b == std::string::npos) return {};
  auto e = html.find("</select>", b);
  std::string sel = html.substr(b, e - b);
  static const std::regex re(R"re(<option value="([^"]*)" selected>)re");
  std::smatch m;
  return std::regex_search(sel, m, re) ? m[1].str() : std::string();
}

std::string InputValue(const std::string& html, const std::string& id) {
  std::string tag = InputTag(html, id);
  static const std::regex re(R"re(value="([^"]*)")re");
  std::smatch m;
  return std::regex_search(tag, m, re) ? m[1].str() : std::string();
}

TEST_F(AdminTest, AuthorisationMatrixFollowsThePermissionTable) {
  const Session* who[kWhoCount] = {nullptr, admin_, auditor_, liaison_, leader_};

  for (const auto& rule : kPageMatrix) {
    const std::string path = Expand(rule.path, matrix_round_id_, true);
    const std::string decoded = Expand(rule.path, matrix_round_id_, false);
    for (int w = 0; w < kWhoCount; ++w) {
      SCOPED_TRACE(std::string("GET ") + decoded + " as " + kWhoNames[w]);
      auto res = Get(*server_, path, who[w]);
      ASSERT_TRUE(res);
      switch (rule.expect[w]) {
        case Expect::kAllowed:
          EXPECT_EQ(res->status, 200) << res->body.substr(0, 2000);
          if (decoded.ends_with(".xlsx")) {
            EXPECT_EQ(res->get_header_value("Content-Type"),
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
            EXPECT_TRUE(res->body.starts_with("PK"));
          } else {
            EXPECT_EQ(res->get_header_value("Content-Type"), "text/html; charset=utf-8");
          }
          break;
        case Expect::kForbidden:
          EXPECT_EQ(res->status, 403) << res->body.substr(0, 2000);
          EXPECT_NE(res->body.find("无权访问"), std::string::npos);
          EXPECT_NE(res->body.find("lang=\"zh-CN\""), std::string::npos);
          break;
        case Expect::kLogin:
          EXPECT_EQ(res->status, 303);
          EXPECT_EQ(res->get_header_value("Location"), LoginRedirectFor(decoded));
          break;
      }
    }
  }

  // Values the admin's own edit page shows for 区发改局: the edit re-saves them.
  auto edit = Get(*server_, "/admin/units/" + UrlEncode(kFgj), admin_);
  ASSERT_TRUE(edit);
  ASSERT_EQ(edit->status, 200);
  const std::string kind = SelectedOption(edit->body, "kind");
  const std::string parent = SelectedOption(edit->body, "parent");
  const std::string short_name = InputValue(edit->body, "short_name");
  const std::string org_code = InputValue(edit->body, "org_code");
  ASSERT_FALSE(kind.empty());

  for (const auto& rule : kChangeMatrix) {
    const std::string path = Expand(rule.path, matrix_round_id_, true);
    const std::string decoded = Expand(rule.path, matrix_round_id_, false);
    for (int w = 0; w < kWhoCount; ++w) {
      SCOPED_TRACE(std::string("POST ") + decoded + " as " + kWhoNames[w]);
      const std::string new_user = std::string("mx-") + kWhoSlugs[w];
      httplib::Params p;
      switch (rule.change) {
        case Change::kCreateAccount:
          p = {{"username", new_user}, {"display_name", "矩阵测试"}, {"role", "auditor"}, {"unit", ""},
               {"password", "Matrix-Pass-2024"}};
          break;
        case Change::kEditUnit:
          p = {{"name", kFgj}, {"short_name", short_name}, {"org_code", org_code}, {"kind", kind},
               {"parent", parent}, {"active", "1"}};
          break;
        case Change::kOpenRound:
          p = {{"title", std::string("矩阵发起的登记-") + kWhoNames[w]}, {"deadline", "2099-06-30 17:30"},
               {"paper_address", "区党政大楼1号楼212房间"}, {"paper_phones", "2836212"}};
          break;
        case Change::kRegisterOwnUnit: p = kFgjForm; break;
        case Change::kRegisterOtherUnit: p = kCzjForm; break;
        case Change::kReviewPaper: p = {{"status", "received"}, {"note", "矩阵签收"}}; break;
      }
      if (who[w]) p = WithCsrf(p, *who[w]);
      const std::string before = Dump();
      auto res = Post(*server_, path, p, who[w]);
      ASSERT_TRUE(res);
      switch (rule.expect[w]) {
        case Expect::kAllowed:
          switch (rule.change) {
            case Change::kCreateAccount:
              EXPECT_EQ(res->status, 200) << res->body.substr(0, 3000);
              EXPECT_NE(res->body.find("已创建账号“" + new_user + "”"), std::string::npos);
              EXPECT_EQ(Query(*db_, "SELECT count(*) FROM accounts WHERE username = '" + new_user + "'")[0][0], "1");
              break;
            case Change::kEditUnit:
              EXPECT_EQ(res->status, 303) << res->body.substr(0, 3000);
              EXPECT_EQ(res->get_header_value("Location"), "/admin/units/" + kFgj);  // decoded by httplib
              break;
            case Change::kOpenRound:
              EXPECT_EQ(res->status, 303) << res->body.substr(0, 3000);
              EXPECT_TRUE(std::regex_match(res->get_header_value("Location"), std::regex(R"(^/admin/rounds/\d+$)")))
                  << res->get_header_value("Location");
              break;
            case Change::kRegisterOwnUnit:
            case Change::kRegisterOtherUnit:
              EXPECT_EQ(res->status, 200) << res->body.substr(0, 3000);
              EXPECT_NE(res->body.find("登记信息已提交"), std::string::npos);
              break;
            case Change::kReviewPaper:
              EXPECT_EQ(res->status, 200) << res->body.substr(0, 3000);
              EXPECT_NE(res->body.find("区发改局的纸质登记表已签收"), std::string::npos);
              break;
          }
          EXPECT_NE(Dump(), before) << "an allowed change changed nothing";
          break;
        case Expect::kForbidden:
          EXPECT_EQ(res->status, 403) << res->body.substr(0, 2000);
          EXPECT_NE(res->body.find("无权访问"), std::string::npos);
          EXPECT_EQ(Dump(), before) << "a refused change changed the database";
          break;
        case Expect::kLogin:
          EXPECT_EQ(res->status, 303);
          EXPECT_EQ(res->get_header_value("Location"), LoginRedirectFor(decoded));
          EXPECT_EQ(Dump(), before) << "a refused change changed the database";
          break;
      }
    }
  }

  // 区财政局 has now registered in the matrix round (by the admin). The
  // pages refused to 区发改局's people carry none of its names or phones.
  auto board = Get(*server_, RoundPath(matrix_round_id_), admin_);
  ASSERT_TRUE(board);
  for (const char* secret : kCzjSecrets) ASSERT_NE(board->body.find(secret), std::string::npos) << secret;
  for (const Session* s : {liaison_, leader_}) {
    for (const std::string& path :
         {RoundPath(matrix_round_id_), RoundPath(matrix_round_id_) + "/roll.xlsx", UnitPath(matrix_round_id_, kCzj),
          UnitPath(matrix_round_id_, kCzj) + "/print", std::string("/admin/units"), std::string("/admin/audit")}) {
      auto res = Get(*server_, path, s);
      ASSERT_TRUE(res);
      EXPECT_EQ(res->status, 403) << s->username << " " << path;
      for (const char* secret : kCzjSecrets)
        EXPECT_EQ(res->body.find(secret), std::string::npos) << s->username << " " << path << " leaks " << secret;
    }
  }
  // The auditor sees the units list but no edit links; the admin does.
  auto units = Get(*server_, "/admin/units", auditor_);
  ASSERT_TRUE(units);
  EXPECT_EQ(units->body.find("href=\"/admin/units/"), std::string::npos);
  auto admin_units = Get(*server_, "/admin/units", admin_);
  ASSERT_TRUE(admin_units);
  EXPECT_NE(admin_units->body.find("href=\"/admin/units/" + UrlEncode(kFgj) + "\""), std::string::npos);
}

// ---------------------------------------------------------------------------
// 2. CSRF.

TEST_F(AdminTest, StateChangingPostsWithoutTheSessionsCsrfTokenAreRefused) {
  // The edit page names an item 区发改局 could be added to.
  auto edit = Get(*server_, "/admin/units/" + UrlEncode(kFgj), admin_);
  ASSERT_TRUE(edit);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(edit->body, m, std::regex(R"re(id="add-item" name="item"><option value="(\d+)")re")));
  const std::string open_item = m[1].str();
  const std::string czj_id =
      Query(*db_, "SELECT id FROM accounts WHERE username = 'czj_liaison'").at(0).at(0);

  struct Form {
    std::string path;
    httplib::Params params;  // valid apart from the token
  };
  const std::vector<Form> forms = {
      {"/logout", {}},
      {"/admin/password", {{"old_password", "Admin-Pass-2024"}, {"new_password", "Changed-Pass-2025"}}},
      {"/admin/units/" + UrlEncode(kFgj),
       {{"name", "区发展和改革局"}, {"short_name", "发改"}, {"org_code", ""}, {"kind", "政府部门"}, {"parent", ""},
        {"active", "1"}}},
      {"/admin/units/" + UrlEncode(kFgj) + "/items", {{"op", "add"}, {"item", open_item}, {"reason", "CSRF测试"}}},
      {"/admin/accounts",
       {{"username", "csrf-victim"}, {"display_name", "不该存在"}, {"role", "admin"}, {"unit", ""},
        {"password", "Csrf-Pass-2024"}}},
      {"/admin/accounts/" + czj_id + "/reset", {}},
      {"/admin/accounts/" + czj_id + "/active", {{"active", "0"}}},
      {"/admin/rounds",
       {{"title", "CSRF登记"}, {"deadline", "2099-12-31 17:30"}, {"paper_address", "某处"}, {"paper_phones", ""}}},
      {UnitPath(round_id_, kFgj), kFgjForm},
      {UnitPath(round_id_, kCzj), kCzjForm},
      {UnitPath(round_id_, kFgj) + "/paper", {{"status", "returned"}, {"note", "CSRF测试"}}},
  };
  const std::string wrong(admin_->csrf.size(), 'A');
  for (const auto& f : forms) {
    // No token, an empty one, a made-up one, and another session's real one.
    std::vector<std::optional<std::string>> tokens = {std::nullopt, std::string(), wrong, liaison_->csrf};
    for (const auto& token : tokens) {
      SCOPED_TRACE("POST " + f.path + " with _csrf=" + (token ? "'" + *token + "'" : "<none>"));
      httplib::Params p = f.params;
      if (token) p.emplace("_csrf", *token);
      const std::string before = Dump();
      auto res = Post(*server_, f.path, p, admin_);
      ASSERT_TRUE(res);
      EXPECT_EQ(res->status, 403) << res->body.substr(0, 2000);
      EXPECT_NE(res->body.find("安全校验未通过"), std::string::npos);
      EXPECT_EQ(Dump(), before);
    }
  }
  // The multipart upload of a paper form, too.
  {
    const std::string before = Dump();
    httplib::MultipartFormDataItems items = {{"_csrf", wrong, "", ""},
                                             {"status", "received", "", ""},
                                             {"note", "", "", ""},
                                             {"scan", kPng, "scan.png", "image/png"}};
    auto res = PostMultipart(*server_, UnitPath(round_id_, kFgj) + "/paper", items, admin_);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 403);
    EXPECT_EQ(Dump(), before);
  }
  // The session survived the refused logout.
  auto still = Get(*server_, "/admin", admin_);
  ASSERT_TRUE(still);
  EXPECT_EQ(still->status, 200);

  // Login needs the gk_login_csrf cookie that matches the form.
  LoginForm lf = GetLoginForm(*server_);
  const std::string before = Dump();
  for (const std::string& cookie : {std::string(), "gk_login_csrf=" + wrong, std::string("gk_login_csrf=")}) {
    SCOPED_TRACE("login with Cookie: '" + cookie + "'");
    auto res = PostLogin(*server_, lf.csrf, cookie, "gk_auditor", "Audit-Pass-2024");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 403);
    EXPECT_NE(res->body.find("安全校验未通过"), std::string::npos);
    EXPECT_FALSE(SetCookieValue(*res, "gk_session").has_value());
  }
  // A matching cookie without the form field is refused as well.
  auto no_field = PostLogin(*server_, "", "gk_login_csrf=" + lf.cookie, "gk_auditor", "Audit-Pass-2024");
  ASSERT_TRUE(no_field);
  EXPECT_EQ(no_field->status, 403);
  EXPECT_FALSE(SetCookieValue(*no_field, "gk_session").has_value());
  EXPECT_EQ(Dump(), before);
}

// ---------------------------------------------------------------------------
// 3. Session expiry.

TEST(AdminSessionTest, SessionsExpireAfterTheConfiguredTimeout) {
  TempDir t;
  auto db = t / "s.db";
  ASSERT_EQ(RunGongkai({"init", "--db", db.string()}).exit_code, 0);
  auto add = RunGongkai({"user", "add", "--username", "short_admin", "--role", "admin", "--db", db.string()}, {},
                        "Short-Lived-01\n");
  ASSERT_EQ(add.exit_code, 0) << add.err;
  ServerProcess server(db, {"--session-timeout", "1"});
  ASSERT_TRUE(server.Start());
  // Only the login here: with a one-second lifetime an extra round trip
  // could already meet the expiry.
  LoginForm f = GetLoginForm(server);
  auto res = PostLogin(server, f.csrf, "gk_login_csrf=" + f.cookie, "short_admin", "Short-Lived-01");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 303) << res->body.substr(0, 2000);
  auto token = SetCookieValue(*res, "gk_session");
  ASSERT_TRUE(token && !token->empty());
  // The stored session lives exactly the configured second.
  auto rows = Query(db, "SELECT created_at, expires_at FROM sessions");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_NE(rows[0][0], rows[0][1]);
  std::this_thread::sleep_for(std::chrono::milliseconds(2200));
  Session s{"short_admin", *token, ""};
  auto later = Get(server, "/admin", &s);
  ASSERT_TRUE(later);
  EXPECT_EQ(later->status, 303);
  EXPECT_EQ(later->get_header_value("Location"), LoginRedirectFor("/admin"));
  // A change with the expired session goes to the login page too.
  const std::string before = DumpDatabase(db);
  auto post = Post(server, "/admin/rounds",
                   {{"_csrf", "whatever"}, {"title", "过期"}, {"deadline", "2099-12-31 17:30"}, {"paper_address", "x"}},
                   &s);
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 303);
  EXPECT_EQ(post->get_header_value("Location"), LoginRedirectFor("/admin/rounds"));
  EXPECT_EQ(DumpDatabase(db), before);
}

// ---------------------------------------------------------------------------
// 4. Logout.

TEST_F(AdminTest, LogoutEndsTheSessionAndClearsTheCookie) {
  Session s = Login(*server_, "gk_admin", "Admin-Pass-2024");
  ASSERT_FALSE(s.token.empty());
  ASSERT_NE(s.token, admin_->token);
  auto res = Post(*server_, "/logout", WithCsrf({}, s), &s);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 303);
  EXPECT_EQ(res->get_header_value("Location"), "/");
  auto cleared = SetCookieValue(*res, "gk_session");
  ASSERT_TRUE(cleared.has_value()) << "logout set no gk_session cookie";
  EXPECT_EQ(*cleared, "");
  EXPECT_NE(SetCookieHeader(*res, "gk_session").find("Max-Age=0"), std::string::npos);
  // The old cookie no longer works, even if the browser kept it.
  auto after = Get(*server_, "/admin", &s);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 303);
  EXPECT_EQ(after->get_header_value("Location"), LoginRedirectFor("/admin"));
  // The admin's other session is untouched.
  auto other = Get(*server_, "/admin", admin_);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 200);
}

TEST_F(AdminTest, LoginSetsAnHttpOnlyCookieAndNeverRedirectsOffSite) {
  LoginForm f = GetLoginForm(*server_);
  auto ok = PostLogin(*server_, f.csrf, "gk_login_csrf=" + f.cookie, "gk_auditor", "Audit-Pass-2024", "/admin/audit");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 303);
  EXPECT_EQ(ok->get_header_value("Location"), "/admin/audit");
  const std::string cookie = SetCookieHeader(*ok, "gk_session");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("SameSite=Lax"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("Path=/"), std::string::npos) << cookie;
  // Browsers read "/\host" and "/<TAB>/host" as "//host": off-site.
  // A line break cannot go into a header at all.
  for (const std::string& next :
       {std::string("//evil.example/"), std::string("https://evil.example/"), std::string("/\\evil.example/"),
        std::string("/\t/evil.example/"), std::string("/a\r\nX-Injected: 1")}) {
    SCOPED_TRACE("next=" + next);
    LoginForm g = GetLoginForm(*server_);
    auto res = PostLogin(*server_, g.csrf, "gk_login_csrf=" + g.cookie, "gk_auditor", "Audit-Pass-2024", next);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 303);
    EXPECT_EQ(res->get_header_value("Location"), "/admin");
  }
}

// ---------------------------------------------------------------------------
// 5. Throttling.

TEST_F(AdminTest, FiveWrongPasswordsLockTheAccountButNotOthers) {
  for (int i = 1; i <= 5; ++i) {
    LoginForm f = GetLoginForm(*server_);
    auto res = PostLogin(*server_, f.csrf, "gk_login_csrf=" + f.cookie, "lock_user", "Wrong-Password-" + std::to_string(i));
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401) << "attempt " << i;
    EXPECT_NE(res->body.find("用户名或密码错误"), std::string::npos) << "attempt " << i;
    EXPECT_FALSE(SetCookieValue(*res, "gk_session").has_value());
  }
  LoginForm f = GetLoginForm(*server_);
  auto locked = PostLogin(*server_, f.csrf, "gk_login_csrf=" + f.cookie, "lock_user", "Lock-User-Pass1");
  ASSERT_TRUE(locked);
  EXPECT_EQ(locked->status, 429);
  EXPECT_NE(locked->body.find("锁定"), std::string::npos);
  EXPECT_FALSE(SetCookieValue(*locked, "gk_session").has_value());
  EXPECT_EQ(Query(*db_,
                  "SELECT count(*) FROM sessions s JOIN accounts a ON a.id = s.account_id "
                  "WHERE a.username = 'lock_user'")[0][0],
            "0");
  // Another account signs in as usual.
  Session other = Login(*server_, "gk_auditor", "Audit-Pass-2024");
  EXPECT_FALSE(other.token.empty());
}

// ---------------------------------------------------------------------------
// 6. Password storage.

TEST_F(AdminTest, PasswordsAreStoredOnlyAsArgon2idHashes) {
  // One more account created over the web, with a non-ASCII password.
  const std::string web_password = "网页创建的密码Abc123";
  auto res = Post(*server_, "/admin/accounts",
                  WithCsrf({{"username", "web-auditor"}, {"display_name", "网页审计"}, {"role", "auditor"},
                            {"unit", ""}, {"password", web_password}},
                           *admin_),
                  admin_);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body.substr(0, 3000);

  std::vector<std::string> plain = {web_password};
  for (const auto& a : kAccounts) plain.push_back(a.password);
  // The database's bytes: the SQLite file and its journals, or on
  // PostgreSQL every table's rows.
  std::string bytes = PgBackend() ? DumpDatabase(*db_) : ReadFile(*db_);
  for (const char* suffix : {"-wal", "-journal"}) {
    std::filesystem::path side = db_->string() + suffix;
    if (!PgBackend() && std::filesystem::exists(side)) bytes += ReadFile(side);
  }
  ASSERT_GT(bytes.size(), 4096u);
  for (const auto& p : plain) EXPECT_EQ(bytes.find(p), std::string::npos) << "plain password in the database: " << p;

  auto rows = Query(*db_,
                    "SELECT username, password_hash FROM accounts WHERE username IN "
                    "('gk_admin','gk_auditor','fgj_liaison','fgj_leader','czj_liaison','lock_user','web-auditor')");
  ASSERT_EQ(rows.size(), 7u);
  std::set<std::string> hashes;
  for (const auto& r : rows) {
    EXPECT_TRUE(r[1].starts_with("$argon2id$")) << r[0] << ": " << r[1];
    hashes.insert(r[1]);
  }
  EXPECT_EQ(hashes.size(), rows.size()) << "hashes are salted, so all differ";
  // The account list shows no hash either.
  auto list = Get(*server_, "/admin/accounts", admin_);
  ASSERT_TRUE(list);
  EXPECT_EQ(list->body.find("$argon2"), std::string::npos);
}

// ---------------------------------------------------------------------------
// 7. Registration.

TEST_F(AdminTest, LiaisonRegistersOwnUnitOnTimeLateAndWithValidPhonesOnly) {
  // Bad phone numbers: 400, the field marked, nothing stored.
  for (const char* bad : {"12345", "1381234567", "abc"}) {
    for (const std::string field : {"leader_phone", "liaison_phone"}) {
      SCOPED_TRACE(field + "=" + bad);
      httplib::Params p = kFgjForm;
      p.erase(field);
      p.emplace(field, bad);
      const std::string before = Dump();
      auto res = Post(*server_, UnitPath(round_id_, kFgj), WithCsrf(p, *liaison_), liaison_);
      ASSERT_TRUE(res);
      EXPECT_EQ(res->status, 400);
      EXPECT_NE(res->body.find("role=\"alert\""), std::string::npos);
      EXPECT_NE(res->body.find("不是有效的电话号码"), std::string::npos);
      const std::string other = field == "leader_phone" ? "liaison_phone" : "leader_phone";
      EXPECT_NE(InputTag(res->body, field).find("aria-invalid=\"true\""), std::string::npos) << InputTag(res->body, field);
      EXPECT_EQ(InputTag(res->body, other).find("aria-invalid"), std::string::npos) << InputTag(res->body, other);
      EXPECT_NE(InputTag(res->body, field).find(std::string("value=\"") + bad + "\""), std::string::npos);
      EXPECT_EQ(Dump(), before);
    }
  }

  // The liaison of 区财政局 may not register for 区发改局.
  {
    const std::string before = Dump();
    auto res = Post(*server_, UnitPath(round_id_, kFgj), WithCsrf(kFgjForm, *czj_), czj_);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 403);
    EXPECT_NE(res->body.find("只能为本单位"), std::string::npos);
    EXPECT_EQ(Dump(), before);
    auto page = Get(*server_, UnitPath(round_id_, kFgj), czj_);
    ASSERT_TRUE(page);
    EXPECT_EQ(page->status, 403);
  }

  // Before the deadline: 按时登记.
  RegisterFgj();
  auto board = Get(*server_, RoundPath(round_id_), admin_);
  ASSERT_TRUE(board);
  ASSERT_EQ(board->status, 200);
  std::string row = BoardRow(board->body, kFgj);
  ASSERT_FALSE(row.empty());
  EXPECT_NE(row.find("按时登记"), std::string::npos) << row;
  EXPECT_NE(row.find("张伟（副局长，13912345678）"), std::string::npos) << row;
  EXPECT_NE(row.find("李娜（办公室科员，0471-2836212）"), std::string::npos) << row;
  EXPECT_NE(BoardRow(board->body, kCzj).find("未登记"), std::string::npos);
  // The liaison sees the stored values on the form again.
  auto form = Get(*server_, UnitPath(round_id_, kFgj), liaison_);
  ASSERT_TRUE(form);
  EXPECT_NE(InputTag(form->body, "liaison_phone").find("value=\"0471-2836212\""), std::string::npos);

  // After the deadline (a round that closed in 2018): 逾期登记. The
  // seed's short landline is accepted.
  std::int64_t late = OpenRound("2018年三大领域信息公开联络员登记", "2018-07-13 17:30");
  ASSERT_GT(late, 0);
  httplib::Params p = kFgjForm;
  p.erase("liaison_phone");
  p.emplace("liaison_phone", "2836212");
  p.erase("leader_phone");
  p.emplace("leader_phone", "13812345678");
  auto res = Post(*server_, UnitPath(late, kFgj), WithCsrf(p, *liaison_), liaison_);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body.substr(0, 3000);
  auto late_board = Get(*server_, RoundPath(late), admin_);
  ASSERT_TRUE(late_board);
  std::string late_row = BoardRow(late_board->body, kFgj);
  EXPECT_NE(late_row.find("逾期登记"), std::string::npos) << late_row;
  EXPECT_NE(late_row.find("state-late"), std::string::npos) << late_row;
  EXPECT_NE(late_row.find("2836212"), std::string::npos) << late_row;

  // The phones became (password-less) accounts of the unit.
  auto list = RunGongkai({"user", "list", "--db", db_->string()});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  for (const std::string& line : {std::string("13912345678\t张伟\t分管领导\t区发改局\t待设置密码"),
                                  std::string("0471-2836212\t李娜\t联络员\t区发改局\t待设置密码"),
                                  std::string("13812345678\t张伟\t分管领导\t区发改局\t待设置密码"),
                                  std::string("2836212\t李娜\t联络员\t区发改局\t待设置密码")})
    EXPECT_NE(list.out.find(line + "\n"), std::string::npos) << line << "\n---\n" << list.out;
}

// ---------------------------------------------------------------------------
// 8. Paper forms.

TEST_F(AdminTest, AdminSignsForPaperFormsWithAScanAndSendsThemBack) {
  RegisterFgj();
  const std::string paper = UnitPath(round_id_, kFgj) + "/paper";
  auto items = [&](const std::string& status, const std::string& note, const std::string& scan,
                   const std::string& filename) {
    httplib::MultipartFormDataItems v = {{"_csrf", admin_->csrf, "", ""},
                                         {"status", status, "", ""},
                                         {"note", note, "", ""}};
    if (!scan.empty()) v.push_back({"scan", scan, filename, "image/png"});
    return v;
  };

  auto res = PostMultipart(*server_, paper, items("received", "原件已收", kPng, "scan.png"), admin_);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body.substr(0, 3000);
  EXPECT_NE(res->body.find("区发改局的纸质登记表已签收"), std::string::npos);
  auto board = Get(*server_, RoundPath(round_id_), admin_);
  ASSERT_TRUE(board);
  std::string row = BoardRow(board->body, kFgj);
  EXPECT_NE(row.find("已签收（原件已收）"), std::string::npos) << row;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(row, m, std::regex(R"re(href="(/admin/files/[0-9a-f]{64})")re"))) << row;
  const std::string scan_url = m[1].str();

  auto scan = Get(*server_, scan_url, admin_);
  ASSERT_TRUE(scan);
  EXPECT_EQ(scan->status, 200);
  EXPECT_EQ(scan->body, kPng);
  EXPECT_EQ(scan->get_header_value("Content-Type"), "image/png");
  EXPECT_TRUE(scan->get_header_value("Content-Disposition").starts_with("attachment"))
      << scan->get_header_value("Content-Disposition");
  // The auditor may read it; the unit's liaison and the public may not.
  auto as_auditor = Get(*server_, scan_url, auditor_);
  ASSERT_TRUE(as_auditor);
  EXPECT_EQ(as_auditor->status, 200);
  auto as_liaison = Get(*server_, scan_url, liaison_);
  ASSERT_TRUE(as_liaison);
  EXPECT_EQ(as_liaison->status, 403);
  EXPECT_NE(as_liaison->body, kPng);
  auto as_public = Get(*server_, scan_url);
  ASSERT_TRUE(as_public);
  EXPECT_EQ(as_public->status, 303);

  // An HTML page named .png is refused by its content.
  {
    const std::string before = Dump();
    auto bad = PostMultipart(*server_, paper,
                             items("received", "", "<!DOCTYPE html><html><body>不是图片</body></html>\n", "scan.png"),
                             admin_);
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->status, 400);
    EXPECT_NE(bad->body.find("PDF、JPEG或PNG"), std::string::npos) << bad->body.substr(0, 3000);
    EXPECT_EQ(Dump(), before);
  }
  // Over 10 MB, even a real PDF signature is refused.
  {
    std::string big = "%PDF-1.4\n";
    big.resize(10 * 1024 * 1024 + 1, 'x');
    const std::string before = Dump();
    auto bad = PostMultipart(*server_, paper, items("received", "", big, "scan.pdf"), admin_);
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->status, 400);
    EXPECT_NE(bad->body.find("10MB"), std::string::npos);
    EXPECT_EQ(Dump(), before);
  }
  // Sending back needs a reason.
  {
    const std::string before = Dump();
    auto bad = PostMultipart(*server_, paper, items("returned", "", "", ""), admin_);
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->status, 400);
    EXPECT_NE(bad->body.find("退回纸质登记表时请填写理由"), std::string::npos);
    EXPECT_EQ(Dump(), before);
  }
  auto back = PostMultipart(*server_, paper, items("returned", "缺少单位公章", "", ""), admin_);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->status, 200) << back->body.substr(0, 3000);
  EXPECT_NE(back->body.find("区发改局的纸质登记表已退回"), std::string::npos);
  board = Get(*server_, RoundPath(round_id_), admin_);
  ASSERT_TRUE(board);
  row = BoardRow(board->body, kFgj);
  EXPECT_NE(row.find("已退回（缺少单位公章）"), std::string::npos) << row;
}

// ---------------------------------------------------------------------------
// 9. The Excel roll.

TEST_F(AdminTest, ExcelRollListsEveryActiveUnitWithTheSubmittedContacts) {
  RegisterFgj();
  auto res = Get(*server_, RoundPath(round_id_) + "/roll.xlsx", admin_);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_TRUE(res->get_header_value("Content-Disposition").starts_with("attachment"));
  TempDir t;
  WriteFile(t / "roll.xlsx", res->body);
  WriteFile(t / "dump.py",
            "import sys\n"
            "try:\n"
            "    import openpyxl\n"
            "except ImportError:\n"
            "    sys.exit(77)\n"
            "wb = openpyxl.load_workbook(sys.argv[1], read_only=True)\n"
            "ws = wb.worksheets[0]\n"
            "print('#sheet\\t' + ws.title)\n"
            "for row in ws.iter_rows(values_only=True):\n"
            "    print('\\t'.join('' if v is None else str(v) for v in row))\n");
  std::string cmd = "/usr/bin/python3 " + (t / "dump.py").string() + " " + (t / "roll.xlsx").string() + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[4096];
  for (std::size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  int status = pclose(p);
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (code == 77 || code == 127) GTEST_SKIP() << "python3-openpyxl is not installed";
  ASSERT_EQ(code, 0) << out;

  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    std::vector<std::string> cells;
    std::size_t b = 0;
    for (std::size_t e; (e = line.find('\t', b)) != std::string::npos; b = e + 1) cells.push_back(line.substr(b, e - b));
    cells.push_back(line.substr(b));
    rows.push_back(cells);
  }
  ASSERT_GE(rows.size(), 2u) << out;
  EXPECT_EQ(rows[0][1], "联络员名册");
  const auto& header = rows[1];
  auto col = [&](const std::string& name) -> std::size_t {
    auto it = std::find(header.begin(), header.end(), name);
    EXPECT_NE(it, header.end()) << "no column " << name;
    return static_cast<std::size_t>(it - header.begin());
  };
  const std::size_t unit = col("单位"), leader_name = col("分管领导姓名"), leader_phone = col("分管领导电话"),
                    liaison_name = col("联络员姓名"), liaison_phone = col("联络员电话"), state = col("登记状态");
  ASSERT_LT(std::max({unit, leader_name, leader_phone, liaison_name, liaison_phone, state}), header.size());

  std::set<std::string> units;
  const std::vector<std::string>* fgj = nullptr;
  for (std::size_t i = 2; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].size(), header.size()) << "row " << i;
    units.insert(rows[i][unit]);
    if (rows[i][unit] == kFgj) fgj = &rows[i];
  }
  EXPECT_EQ(rows.size() - 2, 26u);
  EXPECT_EQ(units.size(), 26u);
  // The same units as the portal's list.
  auto api = Get(*server_, "/api/v1/units");
  ASSERT_TRUE(api);
  for (const auto& u : units) EXPECT_NE(api->body.find("\"" + u + "\""), std::string::npos) << u;
  ASSERT_NE(fgj, nullptr);
  EXPECT_EQ((*fgj)[leader_name], "张伟");
  EXPECT_EQ((*fgj)[leader_phone], "13912345678");
  EXPECT_EQ((*fgj)[liaison_name], "李娜");
  EXPECT_EQ((*fgj)[liaison_phone], "0471-2836212");
  EXPECT_EQ((*fgj)[state], "按时登记");
  for (std::size_t i = 2; i < rows.size(); ++i) {
    if (rows[i][unit] == kCzj) {
      EXPECT_EQ(rows[i][state], "未登记");
    }
  }
}

// ---------------------------------------------------------------------------
// 10. The audit log.

TEST_F(AdminTest, AuditorReadsTheAuditLogButChangesNothing) {
  RegisterFgj();
  auto sign = Post(*server_, UnitPath(round_id_, kFgj) + "/paper",
                   WithCsrf({{"status", "received"}, {"note", "审计测试签收"}}, *admin_), admin_);
  ASSERT_TRUE(sign);
  ASSERT_EQ(sign->status, 200) << sign->body.substr(0, 3000);

  auto res = Get(*server_, "/admin/audit", auditor_);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  const std::string target = "登记轮次:" + std::to_string(round_id_) + " 单位:区发改局";
  EXPECT_NE(res->body.find("fgj_liaison（联络员）</td><td>填报联络员登记表</td><td>" + target + "</td>"),
            std::string::npos);
  EXPECT_NE(res->body.find("gk_admin（公开办管理员）</td><td>签收纸质登记表</td><td>" + target + "</td>"),
            std::string::npos);
  EXPECT_NE(res->body.find("审计测试签收"), std::string::npos);
  EXPECT_EQ(res->body.find("$argon2"), std::string::npos);

  // The auditor changes nothing.
  const std::string before = Dump();
  auto create = Post(*server_, "/admin/accounts",
                     WithCsrf({{"username", "auditor-made"}, {"display_name", "审计建的"}, {"role", "admin"},
                               {"unit", ""}, {"password", "Auditor-Made-01"}},
                              *auditor_),
                     auditor_);
  ASSERT_TRUE(create);
  EXPECT_EQ(create->status, 403);
  auto review = Post(*server_, UnitPath(round_id_, kFgj) + "/paper",
                     WithCsrf({{"status", "returned"}, {"note", "审计退回"}}, *auditor_), auditor_);
  ASSERT_TRUE(review);
  EXPECT_EQ(review->status, 403);
  EXPECT_EQ(Dump(), before);
}

}  // namespace
}  // namespace gongkai::testing
