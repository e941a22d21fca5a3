// Black-box tests of the units' API tokens and the write endpoints of API
// v1: the office creates and revokes tokens on /admin/tokens; a unit's
// system drafts, submits, approves and publishes with them over HTTP. The
// real binary, a fresh database, one server for the suite.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <regex>
#include <string>

#include "tests/blackbox/draft_json.h"
#include "tests/blackbox/harness.h"
#include "tests/blackbox/web_session.h"

namespace gongkai::testing {
namespace {

using json = nlohmann::json;

const std::string kCzj = "区财政局";  // answers for item 12 (政府采购领域)
const std::string kFgj = "区发改局";

struct TokAccount {
  const char* username;
  const char* role;
  const char* unit;
  const char* password;
};
const TokAccount kAccounts[] = {
    {"tok_admin", "admin", "", "Tok-Admin-Pass-2026"},
    {"tok_liaison", "liaison", "区财政局", "Tok-Liaison-2026"},
};

class ApiTokensTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    db_ = new std::filesystem::path(*dir_ / "tokens.db");
    auto r = RunGongkai({"init", "--db", db_->string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const auto& a : kAccounts) ASSERT_TRUE(AddAccount(*db_, a.username, a.role, a.unit, a.password));
    server_ = new ServerProcess(*db_);
    ASSERT_TRUE(server_->Start());
    office_ = new WebSession(WebLogin(*server_, kAccounts[0].username, kAccounts[0].password));
    ASSERT_FALSE(office_->token.empty());
    liaison_ = new WebSession(WebLogin(*server_, kAccounts[1].username, kAccounts[1].password));
    ASSERT_FALSE(liaison_->token.empty());
    ready_ = true;
  }
  static void TearDownTestSuite() {
    delete office_;
    delete liaison_;
    delete server_;
    delete db_;
    delete dir_;
    office_ = liaison_ = nullptr;
    server_ = nullptr;
    db_ = nullptr;
    dir_ = nullptr;
    ready_ = false;
  }
  void SetUp() override { ASSERT_TRUE(ready_) << "suite set-up failed"; }

  // The office creates a token on the admin page; the secret it shows once.
  static std::string CreateToken(const std::string& name, const std::string& unit, const std::string& role) {
    auto res = WebPost(*server_, "/admin/tokens", {{"name", name}, {"unit", unit}, {"role", role}}, *office_);
    if (!res) {
      ADD_FAILURE() << "POST /admin/tokens: no response";
      return {};
    }
    EXPECT_EQ(res->status, 200) << res->body.substr(0, 3000);
    static const std::regex re(R"re(id="new-token"[^>]* value="(gk_[A-Za-z0-9_-]{43})")re");
    std::smatch m;
    if (!std::regex_search(res->body, m, re)) {
      ADD_FAILURE() << "the page shows no new token: " << res->body.substr(0, 3000);
      return {};
    }
    return m[1].str();
  }

  // The id of the token named `name`, from the revoke form on the admin page.
  static std::string TokenId(const std::string& name) {
    auto res = WebGet(*server_, "/admin/tokens", office_);
    if (!res) return {};
    std::regex re("action=\"/admin/tokens/(\\d+)/revoke\"[^\\n]*：" + name + "</span>");
    std::smatch m;
    if (!std::regex_search(res->body, m, re)) return {};
    return m[1].str();
  }

  struct Reply {
    int status = 0;
    json body;
    std::string raw;
  };

  // A POST to the API with `token` ("" = no Authorization header).
  static Reply Call(const std::string& path, const std::string& token, const std::string& body,
                    const std::string& content_type = "application/json",
                    httplib::Headers extra = {}) {
    httplib::Headers h = std::move(extra);
    if (!token.empty()) h.emplace("Authorization", "Bearer " + token);
    auto res = put_ ? server_->Client()->Put(path.c_str(), h, body, content_type.c_str())
                    : server_->Client()->Post(path.c_str(), h, body, content_type.c_str());
    Reply r;
    if (!res) {
      ADD_FAILURE() << (put_ ? "PUT " : "POST ") << path << ": no response";
      return r;
    }
    r.status = res->status;
    r.raw = res->body;
    r.body = json::parse(res->body, nullptr, false);
    EXPECT_FALSE(r.body.is_discarded()) << "POST " << path << " answered no JSON: " << res->body.substr(0, 500);
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/json; charset=utf-8") << path;
    return r;
  }

  // The same with PUT.
  static Reply Put(const std::string& path, const std::string& token, const std::string& body) {
    put_ = true;
    Reply r = Call(path, token, body);
    put_ = false;
    return r;
  }

  static std::string DraftJson(const std::string& unit, const std::string& title) {
    return ApiDraftJson(unit, title);
  }

  static std::string ErrorField(const Reply& r) { return r.body["error"].value("field", ""); }
  static std::string ErrorCode(const Reply& r) { return r.body["error"].value("code", ""); }
  static std::string ErrorMessage(const Reply& r) { return r.body["error"].value("message", ""); }

  static inline TempDir* dir_ = nullptr;
  static inline std::filesystem::path* db_ = nullptr;
  static inline ServerProcess* server_ = nullptr;
  static inline WebSession* office_ = nullptr;
  static inline WebSession* liaison_ = nullptr;
  static inline bool ready_ = false;
  static inline bool put_ = false;
};

const std::string kChecklist = R"({"no_state_secret":true,"no_commercial_secret":true,"personal_info_handled":true})";

TEST_F(ApiTokensTest, TheTokensPageIsTheOfficesAndLinkedFromTheAdminHome) {
  auto home = WebGet(*server_, "/admin", office_);
  ASSERT_TRUE(home);
  EXPECT_NE(home->body.find("href=\"/admin/tokens\""), std::string::npos);
  auto page = WebGet(*server_, "/admin/tokens", office_);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("<caption>接口令牌"), std::string::npos);
  EXPECT_NE(page->body.find("<label for=\"unit\">"), std::string::npos);
  // Not for a liaison, not for the public, and never without the CSRF token.
  auto liaison = WebGet(*server_, "/admin/tokens", liaison_);
  ASSERT_TRUE(liaison);
  EXPECT_EQ(liaison->status, 403);
  auto liaison_home = WebGet(*server_, "/admin", liaison_);
  ASSERT_TRUE(liaison_home);
  EXPECT_EQ(liaison_home->body.find("href=\"/admin/tokens\""), std::string::npos);
  auto anon = server_->Client()->Get("/admin/tokens");
  ASSERT_TRUE(anon);
  EXPECT_EQ(anon->status, 303);
  auto forged = server_->Client()->Post("/admin/tokens", SessionCookies(office_),
                                        httplib::Params{{"name", "x"}, {"unit", kCzj}, {"role", "liaison"}});
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 403);
  auto by_liaison = WebPost(*server_, "/admin/tokens", {{"name", "x"}, {"unit", kCzj}, {"role", "liaison"}}, *liaison_);
  ASSERT_TRUE(by_liaison);
  EXPECT_EQ(by_liaison->status, 403);
  // A bad form re-renders with the error.
  auto bad = WebPost(*server_, "/admin/tokens", {{"name", "x"}, {"unit", kCzj}, {"role", "admin"}}, *office_);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("联络员或分管领导"), std::string::npos);
}

TEST_F(ApiTokensTest, UnitSystemsDraftSubmitApproveAndPublishWithinTheirScope) {
  const std::string liaison = CreateToken("财政局采购系统", kCzj, "liaison");
  const std::string leader = CreateToken("财政局审批系统", kCzj, "leader");
  const std::string other = CreateToken("发改局业务系统", kFgj, "liaison");
  ASSERT_FALSE(liaison.empty());
  ASSERT_FALSE(leader.empty());
  ASSERT_FALSE(other.empty());

  // Unit B's token cannot draft for unit A.
  auto foreign_create = Call("/api/v1/records", other, DraftJson(kCzj, "越权起草"));
  EXPECT_EQ(foreign_create.status, 403) << foreign_create.raw;
  EXPECT_EQ(ErrorCode(foreign_create), "forbidden");

  auto created = Call("/api/v1/records", liaison, DraftJson(kCzj, "区财政局办公设备采购合同"));
  ASSERT_EQ(created.status, 201) << created.raw;
  const std::int64_t id = created.body.value("id", 0);
  ASSERT_GT(id, 0);
  EXPECT_EQ(created.body["status"], "draft");
  EXPECT_EQ(created.body["unit"], kCzj);
  EXPECT_EQ(created.body["item"], 12);
  EXPECT_EQ(created.body["title"], "区财政局办公设备采购合同");
  EXPECT_TRUE(created.body["index_number"].is_null());
  const std::string base = "/api/v1/records/" + std::to_string(id);

  // A draft is not public.
  auto hidden = server_->Client()->Get(base.c_str());
  ASSERT_TRUE(hidden);
  EXPECT_EQ(hidden->status, 404);

  // Unit B's token gets 403 on unit A's record.
  auto foreign_submit = Call(base + "/submit", other, "");
  EXPECT_EQ(foreign_submit.status, 403) << foreign_submit.raw;
  EXPECT_NE(ErrorMessage(foreign_submit).find(kFgj), std::string::npos) << foreign_submit.raw;

  auto submitted = Call(base + "/submit", liaison, "");
  ASSERT_EQ(submitted.status, 200) << submitted.raw;
  EXPECT_EQ(submitted.body["status"], "submitted");
  // Submitting twice is a workflow conflict.
  auto again = Call(base + "/submit", liaison, "{}");
  EXPECT_EQ(again.status, 409) << again.raw;
  EXPECT_EQ(ErrorCode(again), "conflict");

  // A liaison's token cannot approve.
  auto by_liaison = Call(base + "/approve", liaison, kChecklist);
  EXPECT_EQ(by_liaison.status, 403) << by_liaison.raw;
  // The checklist must be complete and typed.
  auto no_check = Call(base + "/approve", leader, R"({"no_state_secret":true,"no_commercial_secret":true})");
  EXPECT_EQ(no_check.status, 400) << no_check.raw;
  EXPECT_EQ(ErrorField(no_check), "personal_info_handled");
  auto approved = Call(base + "/approve", leader, kChecklist);
  ASSERT_EQ(approved.status, 200) << approved.raw;
  EXPECT_EQ(approved.body["status"], "approved");

  auto foreign_publish = Call(base + "/publish", other, "");
  EXPECT_EQ(foreign_publish.status, 403) << foreign_publish.raw;
  auto published = Call(base + "/publish", liaison, "");
  ASSERT_EQ(published.status, 200) << published.raw;
  EXPECT_EQ(published.body["status"], "published");
  EXPECT_EQ(published.body["version"], 1);
  ASSERT_TRUE(published.body["index_number"].is_string());
  const std::string index = published.body["index_number"];
  EXPECT_FALSE(index.empty());

  // The record appears in the public list.
  auto list = server_->Client()->Get("/api/v1/records?unit=" + UrlEncode(kCzj));
  ASSERT_TRUE(list);
  ASSERT_EQ(list->status, 200);
  auto doc = json::parse(list->body);
  bool found = false;
  for (const auto& r : doc["records"])
    if (r["id"] == id) {
      found = true;
      EXPECT_EQ(r["index_number"], index);
      EXPECT_EQ(r["title"], "区财政局办公设备采购合同");
    }
  EXPECT_TRUE(found) << list->body.substr(0, 2000);

  // Publishing again is a conflict; an unknown record is 404.
  EXPECT_EQ(Call(base + "/publish", liaison, "").status, 409);
  auto unknown = Call("/api/v1/records/999999/submit", liaison, "");
  EXPECT_EQ(unknown.status, 404) << unknown.raw;
  EXPECT_EQ(ErrorCode(unknown), "not_found");

  // The audit log names the token as the actor.
  auto audit = WebGet(*server_, "/admin/audit", office_);
  ASSERT_TRUE(audit);
  EXPECT_NE(audit->body.find("api-token-"), std::string::npos);
}

// A unit's system edits its draft, the leader returns it with a comment,
// and after publication the liaison revises it (new version, same 索引号)
// and the leader withdraws it: the same record actions as the pages.
TEST_F(ApiTokensTest, UnitSystemsEditReturnReviseAndWithdraw) {
  const std::string liaison = CreateToken("修改系统", kCzj, "liaison");
  const std::string leader = CreateToken("修改系统（领导）", kCzj, "leader");
  const std::string other = CreateToken("发改修改", kFgj, "liaison");
  auto made = Call("/api/v1/records", liaison, DraftJson(kCzj, "接口修改前"));
  ASSERT_EQ(made.status, 201) << made.raw;
  const std::string path = "/api/v1/records/" + std::to_string(made.body["id"].get<long long>());

  // Edit: new content; unit and item cannot change; another unit: 403.
  auto edited = Put(path, liaison, R"({"title":"接口修改后","body":"修改后的正文。","genre":"公告","channels":["门户网站"]})");
  ASSERT_EQ(edited.status, 200) << edited.raw;
  EXPECT_EQ(edited.body["title"], "接口修改后");
  EXPECT_EQ(edited.body["status"], "draft");
  auto moved = Put(path, liaison, R"({"title":"x","unit":"区发改局"})");
  EXPECT_EQ(moved.status, 400) << moved.raw;
  EXPECT_EQ(ErrorField(moved), "unit");
  auto unknown = Put(path, liaison, R"({"title":"x","titel":"y"})");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(ErrorField(unknown), "titel");
  auto no_title = Put(path, liaison, R"({"body":"x"})");
  EXPECT_EQ(no_title.status, 400);
  EXPECT_EQ(ErrorField(no_title), "title");
  EXPECT_EQ(Put(path, other, R"({"title":"x","body":"y"})").status, 403);
  EXPECT_EQ(Put(path, leader, R"({"title":"x","body":"y"})").status, 403);
  EXPECT_EQ(Put("/api/v1/records/99999999", liaison, R"({"title":"x","body":"y"})").status, 404);

  // Return: the leader only, with a comment; then it is a draft again.
  ASSERT_EQ(Call(path + "/submit", liaison, "{}").status, 200);
  EXPECT_EQ(Put(path, liaison, R"({"title":"x","body":"y"})").status, 409) << "a submitted record was edited";
  EXPECT_EQ(Call(path + "/return", liaison, R"({"comment":"请补充"})").status, 403);
  auto no_comment = Call(path + "/return", leader, "{}");
  EXPECT_EQ(no_comment.status, 400);
  EXPECT_EQ(ErrorField(no_comment), "comment");
  auto returned = Call(path + "/return", leader, R"({"comment":"请补充采购金额"})");
  ASSERT_EQ(returned.status, 200) << returned.raw;
  EXPECT_EQ(returned.body["status"], "draft");

  // Publish, then revise: a new version with the same 索引号.
  ASSERT_EQ(Call(path + "/submit", liaison, "{}").status, 200);
  ASSERT_EQ(Call(path + "/approve", leader, kChecklist).status, 200);
  auto published = Call(path + "/publish", liaison, "{}");
  ASSERT_EQ(published.status, 200) << published.raw;
  const std::string index_number = published.body["index_number"];
  EXPECT_EQ(published.body["version"], 1);
  EXPECT_EQ(Call(path + "/revise", leader, "{}").status, 403);
  auto revising = Call(path + "/revise", liaison, "{}");
  ASSERT_EQ(revising.status, 200) << revising.raw;
  EXPECT_EQ(revising.body["status"], "draft");
  EXPECT_EQ(Call(path + "/revise", liaison, "{}").status, 409) << "a draft was revised again";
  auto revised = Put(path, liaison,
                     R"({"title":"接口修改后（更正）","body":"更正后的正文。","genre":"公告","channels":["门户网站"],)"
                     R"("change_note":"更正采购金额"})");
  ASSERT_EQ(revised.status, 200) << revised.raw;
  ASSERT_EQ(Call(path + "/submit", liaison, "{}").status, 200);
  ASSERT_EQ(Call(path + "/approve", leader, kChecklist).status, 200);
  auto second = Call(path + "/publish", liaison, "{}");
  ASSERT_EQ(second.status, 200) << second.raw;
  EXPECT_EQ(second.body["version"], 2);
  EXPECT_EQ(second.body["index_number"], index_number);
  auto page = server_->Client()->Get(("/records/" + std::to_string(made.body["id"].get<long long>())).c_str());
  ASSERT_TRUE(page);
  EXPECT_NE(page->body.find("更正后的正文。"), std::string::npos);

  // Withdraw: the leader, with a reason (not the liaison).
  EXPECT_EQ(Call(path + "/withdraw", liaison, R"({"reason":"x"})").status, 403);
  auto no_reason = Call(path + "/withdraw", leader, R"({"reason":""})");
  EXPECT_EQ(no_reason.status, 400);
  EXPECT_EQ(ErrorField(no_reason), "reason");
  auto wrong_type = Call(path + "/withdraw", leader, R"({"reason":5})");
  EXPECT_EQ(wrong_type.status, 400);
  EXPECT_EQ(ErrorField(wrong_type), "reason");
  auto withdrawn = Call(path + "/withdraw", leader, R"({"reason":"采购已终止"})");
  ASSERT_EQ(withdrawn.status, 200) << withdrawn.raw;
  EXPECT_EQ(withdrawn.body["status"], "withdrawn");
  auto gone = server_->Client()->Get(("/records/" + std::to_string(made.body["id"].get<long long>())).c_str());
  ASSERT_TRUE(gone);
  EXPECT_NE(gone->body.find("采购已终止"), std::string::npos) << "the withdrawal reason is shown";
}

TEST_F(ApiTokensTest, NoTokenUnknownTokenOrSessionCookieIsUnauthenticated) {
  auto none = Call("/api/v1/records", "", DraftJson(kCzj, "无令牌"));
  EXPECT_EQ(none.status, 401) << none.raw;
  EXPECT_EQ(ErrorCode(none), "unauthenticated");
  EXPECT_FALSE(ErrorMessage(none).empty());
  auto unknown = Call("/api/v1/records", "gk_" + std::string(43, 'Q'), DraftJson(kCzj, "假令牌"));
  EXPECT_EQ(unknown.status, 401) << unknown.raw;
  // A signed-in liaison's cookie is not a token: the API takes tokens only.
  auto cookie = Call("/api/v1/records", "", DraftJson(kCzj, "用会话"), "application/json", SessionCookies(liaison_));
  EXPECT_EQ(cookie.status, 401) << cookie.raw;
  auto basic = Call("/api/v1/records/1/submit", "", "", "application/json",
                    {{"Authorization", "Basic dG9rX2xpYWlzb246eA=="}});
  EXPECT_EQ(basic.status, 401) << basic.raw;
}

TEST_F(ApiTokensTest, ARevokedTokenFailsAtOnce) {
  const std::string secret = CreateToken("待吊销系统", kCzj, "liaison");
  ASSERT_FALSE(secret.empty());
  auto before = Call("/api/v1/records", secret, DraftJson(kCzj, "吊销前起草"));
  ASSERT_EQ(before.status, 201) << before.raw;
  const std::string id = TokenId("待吊销系统");
  ASSERT_FALSE(id.empty());
  auto revoke = WebPost(*server_, "/admin/tokens/" + id + "/revoke", {}, *office_);
  ASSERT_TRUE(revoke);
  EXPECT_EQ(revoke->status, 200);
  EXPECT_NE(revoke->body.find("吊销"), std::string::npos);
  auto after = Call("/api/v1/records", secret, DraftJson(kCzj, "吊销后起草"));
  EXPECT_EQ(after.status, 401) << after.raw;
  EXPECT_NE(ErrorMessage(after).find("吊销"), std::string::npos) << after.raw;
  auto submit = Call("/api/v1/records/" + std::to_string(before.body.value("id", 0)) + "/submit", secret, "");
  EXPECT_EQ(submit.status, 401) << submit.raw;
  // The list shows it revoked, with no revoke button any more.
  EXPECT_TRUE(TokenId("待吊销系统").empty());
}

TEST_F(ApiTokensTest, BadInputIs400NamingTheProblem) {
  const std::string secret = CreateToken("输入检查系统", kCzj, "liaison");
  ASSERT_FALSE(secret.empty());
  auto malformed = Call("/api/v1/records", secret, R"({"unit": "区财政局", "item": 12,)");
  EXPECT_EQ(malformed.status, 400) << malformed.raw;
  EXPECT_EQ(ErrorCode(malformed), "invalid_input");
  EXPECT_NE(ErrorMessage(malformed).find("不是有效的JSON"), std::string::npos) << malformed.raw;

  auto missing = Call("/api/v1/records", secret, R"({"unit":"区财政局","item":12,"title":"缺日期"})");
  EXPECT_EQ(missing.status, 400) << missing.raw;
  EXPECT_EQ(ErrorField(missing), "formed_on");

  auto wrong_type = Call("/api/v1/records", secret,
                         R"({"unit":"区财政局","item":"十二","formed_on":"2026-11-02","title":"类型错"})");
  EXPECT_EQ(wrong_type.status, 400) << wrong_type.raw;
  EXPECT_EQ(ErrorField(wrong_type), "item");

  auto not_object = Call("/api/v1/records", secret, "[]");
  EXPECT_EQ(not_object.status, 400) << not_object.raw;

  auto not_json = Call("/api/v1/records", secret, "unit=x", "application/x-www-form-urlencoded");
  EXPECT_EQ(not_json.status, 415) << not_json.raw;
  EXPECT_EQ(ErrorField(not_json), "Content-Type");

  auto too_big = Call("/api/v1/records", secret, std::string(1024 * 1024 + 10, ' '));
  EXPECT_EQ(too_big.status, 413) << too_big.raw.substr(0, 300);

  // Validation by the action itself: an item the unit does not answer for.
  auto wrong_item = Call("/api/v1/records", secret,
                         R"({"unit":"区财政局","item":1,"formed_on":"2026-11-02","title":"非本单位事项"})");
  EXPECT_EQ(wrong_item.status, 400) << wrong_item.raw;
  auto bad_id = Call("/api/v1/records/0/submit", secret, "");
  EXPECT_EQ(bad_id.status, 404) << bad_id.raw;
  auto body_on_submit = Call("/api/v1/records/1/submit", secret, R"({"comment":"x"})");
  EXPECT_EQ(body_on_submit.status, 400) << body_on_submit.raw;
  EXPECT_EQ(ErrorField(body_on_submit), "comment");
}

TEST_F(ApiTokensTest, TheSecretIsNotStoredInPlainText) {
  const std::string secret = CreateToken("明文检查系统", kCzj, "leader");
  ASSERT_FALSE(secret.empty());
  // Neither in the api_tokens table nor anywhere else in the database.
  const std::string dump = DumpDatabase(*db_);
  EXPECT_NE(dump.find("明文检查系统"), std::string::npos) << "the dump does not cover api_tokens";
  EXPECT_EQ(dump.find(secret.substr(3)), std::string::npos);
  if (!PgBackend()) {  // on PostgreSQL the dump above reads every table
    const std::string file = ReadFile(*db_) + ReadFile(db_->string() + "-wal");
    EXPECT_EQ(file.find(secret.substr(3)), std::string::npos);
  }
  const std::string hash = DbText(*db_, "SELECT token_hash FROM api_tokens WHERE name = '明文检查系统'");
  EXPECT_EQ(hash.size(), 64u);
  EXPECT_TRUE(std::regex_match(hash, std::regex("[0-9a-f]{64}")));
  EXPECT_EQ(hash.find(secret), std::string::npos);
}

}  // namespace
}  // namespace gongkai::testing
