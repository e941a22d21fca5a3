// Black-box tests of the disclosure work over HTTP: obligations (待公开事项),
// drafts, review (保密审查), publication with the 索引号, revision,
// withdrawal, personal-information masking, attachments and escaping. The
// real binary, a fresh database (`gongkai init`, no demo records), one server
// for the suite and one session per role; no cookie jar (cookies by hand).
#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <cctype>
#include <cstdio>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "codec/xlsx.h"
#include "codec/zip_test_util.h"
#include "tests/blackbox/harness.h"
#include "tests/blackbox/web_session.h"

namespace gongkai::testing {
namespace {

const std::string kCzj = "区财政局";  // answers for item 12 (政府采购领域)
const std::string kFgj = "区发改局";  // another unit (its leader must not review 区财政局's records)
const std::string kMzj = "区民政局";  // answers for item 16 (社会救助和社会福利领域: privacy-protecting)

// ---------------------------------------------------------------------------
// Page helpers.

bool Has(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

std::size_t Count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto p = haystack.find(needle); p != std::string::npos; p = haystack.find(needle, p + needle.size())) ++n;
  return n;
}

// The text from the end of `start` to the next `end`, or "" without `start`.
std::string After(const std::string& html, const std::string& start, const std::string& end) {
  auto b = html.find(start);
  if (b == std::string::npos) return {};
  b += start.size();
  auto e = html.find(end, b);
  return html.substr(b, e == std::string::npos ? std::string::npos : e - b);
}

// The <td> after a row header <th scope="row">label</th>.
std::string Cell(const std::string& html, const std::string& label) {
  return After(html, "<th scope=\"row\">" + label + "</th><td>", "</td>");
}

// The table row whose row header is `title` (from the <th> to </tr>).
std::string RowOf(const std::string& html, const std::string& title) {
  return After(html, "<th scope=\"row\">" + title + "</th>", "</tr>");
}

// The status of a record on its admin page: "草稿", "待审核", ...
std::string StatusOf(const std::string& admin_html) {
  return After(admin_html, "<th scope=\"row\">状态</th><td><strong>", "</strong>");
}

// The error box of an admin form page.
std::string ErrorBox(const std::string& html) { return After(html, "<h2>操作未完成</h2><p>", "</p>"); }

// The "lead" message of an error page (403/404).
std::string ErrorLead(const std::string& html) { return After(html, "<p class=\"lead\">", "</p>"); }

// The lines of `after` not in `before` ("+ ") and those gone ("- "): what a
// request changed in DumpDatabase's text.
std::string DbChanges(const std::string& before, const std::string& after) {
  auto lines = [](const std::string& s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < s.size()) {
      auto nl = s.find('\n', start);
      out.push_back(s.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  auto b = lines(before), a = lines(after);
  std::vector<std::string> gone, added;
  std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::back_inserter(gone));
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(added));
  std::string out;
  for (const auto& l : gone) out += "- " + l.substr(0, 300) + "\n";
  for (const auto& l : added) out += "+ " + l.substr(0, 300) + "\n";
  if (out.empty() && before != after) out = "(the order of rows changed)\n";
  return out;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// A record's content as the draft form sends it.
httplib::Params Content(const std::string& title, const std::string& body) {
  return {{"title", title},
          {"body", body},
          {"doc_number", "区财采〔2026〕12号"},
          {"written_on", "2026-09-25"},
          {"genre", "公告"},
          {"topic", "财政、审计"},
          {"validity", "有效"},
          {"disclosure_mode", "主动公开"},
          {"scope", "全社会"},
          {"channels", "门户网站、政务新媒体"}};
}

httplib::Params With(httplib::Params p, const httplib::Params& more) {
  for (const auto& kv : more) p.insert(kv);
  return p;
}

const httplib::Params kFullChecklist = {
    {"no_state_secret", "1"}, {"no_commercial_secret", "1"}, {"personal_info_handled", "1"}};

// A small but well-formed PDF and its SHA-256 (computed with sha256sum).
const std::string kPdf = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";
const std::string kPdfSha = "68d3dbe223d4659eb030429ecc280a437eb6e9b042a59797cbbd9e16f56c1d56";
// A valid 1x1 PNG (standing in for a photo of a notice board) and its SHA-256.
const std::string kPng(
    "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\nIDATx\x9c"
    "c\0\x01\0\0\x05\0\x01\r\n-\xb4\0\0\0\0IEND\xae" "B`\x82",
    67);
const std::string kPngSha = "ebf4f635a17d10d6eb46ba680b70142419aa3220f228001a036d311a22ee9d2a";

// ---------------------------------------------------------------------------
// The suite: one database, one server, one session per role.

struct RecAccount {
  const char* username;
  const char* role;
  const char* unit;
  const char* name;
  const char* password;
};

const RecAccount kRecAccounts[] = {
    {"rec_admin", "admin", "", "公开办管理员", "Rec-Admin-Pass-2026"},
    {"czj_liaison", "liaison", "区财政局", "财政联络员", "Czj-Liaison-2026"},
    {"czj_leader", "leader", "区财政局", "财政分管领导", "Czj-Leader-2026"},
    {"fgj_leader", "leader", "区发改局", "发改分管领导", "Fgj-Leader-2026"},
    {"mzj_liaison", "liaison", "区民政局", "民政联络员", "Mzj-Liaison-2026"},
    {"mzj_leader", "leader", "区民政局", "民政分管领导", "Mzj-Leader-2026"},
};

class RecordsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    db_ = new std::filesystem::path(*dir_ / "records.db");
    auto r = RunGongkai({"init", "--db", db_->string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const auto& a : kRecAccounts) {
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
    WebSession* s[6];
    for (int i = 0; i < 6; ++i) {
      s[i] = new WebSession(WebLogin(*server_, kRecAccounts[i].username, kRecAccounts[i].password));
      ASSERT_FALSE(s[i]->token.empty()) << kRecAccounts[i].username;
    }
    admin_ = s[0];
    czj_liaison_ = s[1];
    czj_leader_ = s[2];
    fgj_leader_ = s[3];
    mzj_liaison_ = s[4];
    mzj_leader_ = s[5];
    ready_ = true;
  }
  static void TearDownTestSuite() {
    for (WebSession* s : {admin_, czj_liaison_, czj_leader_, fgj_leader_, mzj_liaison_, mzj_leader_}) delete s;
    delete server_;
    delete db_;
    delete dir_;
    admin_ = czj_liaison_ = czj_leader_ = fgj_leader_ = mzj_liaison_ = mzj_leader_ = nullptr;
    server_ = nullptr;
    db_ = nullptr;
    dir_ = nullptr;
    ready_ = false;
  }
  void SetUp() override { ASSERT_TRUE(ready_) << "suite set-up failed"; }

  // The database once the background ledger sequencer is idle (it writes
  // after every publication, on its own schedule).
  static std::string Dump() {
    EXPECT_TRUE(WaitForLedgerSettled(*db_)) << "the ledger did not catch up with the publications";
    return DumpDatabase(*db_);
  }

  // "U" + the unit's id in 4 digits: the 索引号 prefix of a unit without an
  // organisation code (read from the database, which the seed numbers).
  static std::string UnitCode(const std::string& unit) {
    std::string out;
    std::string quoted = unit;
    for (std::size_t i = quoted.find('\''); i != std::string::npos; i = quoted.find('\'', i + 2)) quoted.insert(i, 1, '\'');
    auto rows = DbRows(*db_, "SELECT id, org_code FROM units WHERE name = '" + quoted + "'");
    if (!rows.empty()) {
      EXPECT_TRUE(rows[0][1].empty()) << unit << " has an organisation code in the seed";
      char buf[16];
      std::snprintf(buf, sizeof buf, "U%04lld", std::atoll(rows[0][0].c_str()));
      out = buf;
    }
    if (out.empty()) ADD_FAILURE() << "no unit " << unit << " in the database";
    return out;
  }
  static std::string RecordPath(std::int64_t id) { return "/admin/records/" + std::to_string(id); }
  static std::string PublicPath(std::int64_t id) { return "/records/" + std::to_string(id); }

  // GET as `s` (or the public): the body; the status must be `status`.
  static std::string Page(const std::string& path, const WebSession* s = nullptr, int status = 200) {
    auto res = WebGet(*server_, path, s);
    if (!res) {
      ADD_FAILURE() << "GET " << path << ": no response";
      return {};
    }
    EXPECT_EQ(res->status, status) << "GET " << path << ": " << res->body.substr(0, 3000);
    return res->body;
  }

  // The liaison registers an obligation; its id from the work page the POST
  // answers with (0 on failure).
  static std::int64_t RegisterObligation(const WebSession& s, const std::string& unit, const std::string& target,
                                         const std::string& title, const std::string& formed_on,
                                         std::string* page = nullptr) {
    auto res = WebPost(*server_, "/admin/obligations",
                       {{"unit", unit}, {"target", target}, {"title", title}, {"formed_on", formed_on}}, s);
    if (!res) {
      ADD_FAILURE() << "POST /admin/obligations: no response";
      return 0;
    }
    EXPECT_EQ(res->status, 200) << res->body.substr(0, 3000);
    if (page) *page = res->body;
    const std::string anchor = "<span class=\"visually-hidden\">：" + title + "</span></a></td>";
    static const std::regex re(R"re(<a href="/admin/obligations/(\d+)">撤销或不予公开$)re");
    auto pos = res->body.find(anchor);
    if (pos == std::string::npos) {
      ADD_FAILURE() << "the work page after registering lists no obligation '" << title << "'";
      return 0;
    }
    std::string before = res->body.substr(0, pos);
    std::smatch m;
    if (!std::regex_search(before, m, re)) {
      ADD_FAILURE() << "no /admin/obligations/<id> link for '" << title << "'";
      return 0;
    }
    return std::stoll(m[1].str());
  }

  // POST /admin/records; the new record's id from the 303 (0 on failure).
  static std::int64_t CreateDraft(const WebSession& s, const httplib::Params& params) {
    auto res = WebPost(*server_, "/admin/records", params, s);
    if (!res) {
      ADD_FAILURE() << "POST /admin/records: no response";
      return 0;
    }
    EXPECT_EQ(res->status, 303) << res->body.substr(0, 3000);
    static const std::regex re(R"(^/admin/records/(\d+)$)");
    std::smatch m;
    std::string loc = res->get_header_value("Location");
    if (!std::regex_match(loc, m, re)) {
      ADD_FAILURE() << "Location after creating a draft: '" << loc << "'";
      return 0;
    }
    return std::stoll(m[1].str());
  }

  // A direct draft of 区财政局 for item 12 (no obligation).
  static std::int64_t CzjDraft(const std::string& title, const std::string& body,
                               const std::string& target = "12/采购合同", const std::string& formed_on = "2026-11-02") {
    return CreateDraft(*czj_liaison_,
                       With(Content(title, body), {{"unit", kCzj}, {"target", target}, {"formed_on", formed_on}}));
  }

  // POST /admin/records/<id>[/<action>]: the response (status checked by the caller).
  static httplib::Result Act(const WebSession& s, std::int64_t id, const std::string& action,
                             const httplib::Params& params = {}) {
    std::string path = RecordPath(id) + (action.empty() ? "" : "/" + action);
    return WebPost(*server_, path, params, s);
  }

  // An action that must succeed with a 200 page showing `status_after`.
  static void MustAct(const WebSession& s, std::int64_t id, const std::string& action, const httplib::Params& params,
                      const std::string& status_after) {
    SCOPED_TRACE(s.username + " " + action + " record " + std::to_string(id));
    auto res = Act(s, id, action, params);
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << ErrorBox(res->body) << ErrorLead(res->body);
    EXPECT_EQ(StatusOf(res->body), status_after);
  }

  // submit (liaison) -> approve (leader) -> publish (liaison).
  static void SubmitApprovePublish(std::int64_t id, const WebSession& liaison, const WebSession& leader) {
    ASSERT_NO_FATAL_FAILURE(MustAct(liaison, id, "submit", {}, "待审核"));
    ASSERT_NO_FATAL_FAILURE(MustAct(leader, id, "approve", kFullChecklist, "已审核待发布"));
    ASSERT_NO_FATAL_FAILURE(MustAct(liaison, id, "publish", {}, "已发布"));
  }

  // A refused POST: its status, a message, and the database unchanged.
  static void MustRefuse(const WebSession& s, const std::string& path, const httplib::Params& params, int status,
                         const std::string& message_part, std::string* body = nullptr) {
    SCOPED_TRACE(s.username + " POST " + path);
    std::string before = Dump();
    auto res = WebPost(*server_, path, params, s);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, status) << res->body.substr(0, 3000);
    std::string message = status == 400 ? ErrorBox(res->body) : ErrorLead(res->body);
    EXPECT_FALSE(message.empty()) << "no message on the refusal page";
    EXPECT_TRUE(Has(message, message_part)) << "message: '" << message << "', expected to contain '" << message_part
                                             << "'";
    std::string changes = DbChanges(before, Dump());
    EXPECT_TRUE(changes.empty()) << "a refused POST changed the database:\n" << changes;
    if (body) *body = res->body;
  }

  static TempDir* dir_;
  static std::filesystem::path* db_;
  static ServerProcess* server_;
  static WebSession *admin_, *czj_liaison_, *czj_leader_, *fgj_leader_, *mzj_liaison_, *mzj_leader_;
  static bool ready_;
};
TempDir* RecordsTest::dir_ = nullptr;
std::filesystem::path* RecordsTest::db_ = nullptr;
ServerProcess* RecordsTest::server_ = nullptr;
WebSession *RecordsTest::admin_ = nullptr, *RecordsTest::czj_liaison_ = nullptr, *RecordsTest::czj_leader_ = nullptr,
           *RecordsTest::fgj_leader_ = nullptr, *RecordsTest::mzj_liaison_ = nullptr,
           *RecordsTest::mzj_leader_ = nullptr;
bool RecordsTest::ready_ = false;

// The number N of "逾期N个工作日" / "已逾期N个工作日" in `text`, or -1.
int LateDays(const std::string& text) {
  static const std::regex re("逾期(\\d+)个工作日");
  std::smatch m;
  return std::regex_search(text, m, re) ? std::stoi(m[1].str()) : -1;
}

// ---------------------------------------------------------------------------
// 1. Obligation -> draft -> submit -> approve -> publish, seen from outside.

TEST_F(RecordsTest, FullWorkflowOverHttp) {
  const std::string title = "区财政局2026年办公设备采购项目中标结果公告";
  const std::string body = "经评审，确定**某某科技有限公司**为中标供应商。\n\n中标金额：人民币壹佰贰拾万元整。";

  // The liaison registers the obligation: item 12, element 采购结果 (2
  // working days, 政府采购法实施条例 Art. 43), formed Friday 2026-09-25
  // before the weekend of 中秋节: due Tuesday 2026-09-29.
  std::string reg_page;
  std::int64_t ob = RegisterObligation(*czj_liaison_, kCzj, "12/采购结果", title, "2026-09-25", &reg_page);
  ASSERT_GT(ob, 0);
  EXPECT_TRUE(Has(reg_page, "应于2026-09-29前公开")) << After(reg_page, "<p class=\"notice\" role=\"status\">", "</p>");

  std::string work = Page("/admin/work", czj_liaison_);
  std::string row = RowOf(work, title);
  ASSERT_FALSE(row.empty()) << "the work page does not list the obligation";
  EXPECT_TRUE(Has(row, "<td>12.政府采购领域 — 采购结果</td>")) << row;
  EXPECT_TRUE(Has(row, "<td>2026-09-25</td><td>2026-09-29</td>")) << row;
  // Today is after 2026-09-29: the obligation is overdue by N working days.
  const int overdue = LateDays(row);
  EXPECT_GT(overdue, 0) << row;
  EXPECT_TRUE(Has(row, "state-late")) << row;
  EXPECT_TRUE(Has(row, "/admin/records/new?obligation=" + std::to_string(ob))) << row;

  // The new-draft form for the obligation carries it and its title.
  std::string form = Page("/admin/records/new?obligation=" + std::to_string(ob), czj_liaison_);
  EXPECT_TRUE(Has(form, "<input type=\"hidden\" name=\"obligation\" value=\"" + std::to_string(ob) + "\">"));
  EXPECT_TRUE(Has(form, "<input id=\"title\" name=\"title\" value=\"" + title + "\" required>"));

  std::int64_t id = CreateDraft(*czj_liaison_, With(Content(title, body), {{"obligation", std::to_string(ob)}}));
  ASSERT_GT(id, 0);
  std::string draft = Page(RecordPath(id), czj_liaison_);
  EXPECT_EQ(StatusOf(draft), "草稿");
  EXPECT_EQ(Cell(draft, "单位"), kCzj);
  EXPECT_EQ(Cell(draft, "公开事项"), "12.政府采购领域 — 采购结果");
  EXPECT_EQ(Cell(draft, "形成日期 / 应公开日期"), "2026-09-25 / 2026-09-29");
  EXPECT_FALSE(Has(draft, "<th scope=\"row\">索引号</th>")) << "a draft has no 索引号";
  // Nothing is public before publication.
  Page(PublicPath(id), nullptr, 404);

  ASSERT_NO_FATAL_FAILURE(MustAct(*czj_liaison_, id, "submit", {}, "待审核"));
  // The leader sees the content and the checklist form.
  std::string review = Page(RecordPath(id), czj_leader_);
  EXPECT_TRUE(Has(review, "action=\"/admin/records/" + std::to_string(id) + "/approve\"")) << "no approval form";
  EXPECT_TRUE(Has(review, "<strong>某某科技有限公司</strong>"));
  ASSERT_NO_FATAL_FAILURE(MustAct(*czj_leader_, id, "approve", kFullChecklist, "已审核待发布"));
  Page(PublicPath(id), nullptr, 404);
  ASSERT_NO_FATAL_FAILURE(MustAct(*czj_liaison_, id, "publish", {}, "已发布"));

  // The public record page.
  std::string pub = Page(PublicPath(id));
  std::string index = Cell(pub, "索引号");
  EXPECT_TRUE(std::regex_match(index, std::regex(R"(^U\d{4}/\d{4}-\d{5}$)"))) << "索引号: '" << index << "'";
  const std::string first_published = Cell(pub, "实际发布日期");
  ASSERT_EQ(first_published.size(), 10u) << first_published;
  EXPECT_EQ(index.substr(6, 4), first_published.substr(0, 4)) << "the 索引号's year is the year of publication";
  EXPECT_EQ(index.substr(0, 5), UnitCode(kCzj)) << "no organisation code: \"U\" and the unit's id";
  EXPECT_EQ(Cell(pub, "发布日期"), first_published);
  EXPECT_TRUE(Has(Cell(pub, "发布机构"), ">" + kCzj + "</a>")) << Cell(pub, "发布机构");
  EXPECT_TRUE(Has(pub, "<h1>" + title + "</h1>"));
  EXPECT_TRUE(Has(pub, "经评审，确定<strong>某某科技有限公司</strong>为中标供应商。"));
  EXPECT_TRUE(Has(pub, "中标金额：人民币壹佰贰拾万元整。"));
  EXPECT_EQ(Cell(pub, "文号"), "区财采〔2026〕12号");
  EXPECT_EQ(Cell(pub, "成文日期"), "2026-09-25");
  EXPECT_EQ(Cell(pub, "公开渠道"), "门户网站、政务新媒体");
  EXPECT_EQ(Cell(pub, "信息形成（变更）日期"), "2026-09-25");
  EXPECT_EQ(Cell(pub, "应公开日期"), "2026-09-29");
  std::string timeliness = Cell(pub, "是否按时");
  EXPECT_TRUE(Has(timeliness, "逾期")) << timeliness;
  EXPECT_TRUE(Has(timeliness, "个工作日")) << timeliness;
  // Published the day the work page was read: as late as the work page said.
  EXPECT_EQ(LateDays(timeliness), overdue) << timeliness;
  EXPECT_EQ(Count(pub, "<td class=\"num\">"), 1u) << "one version";
  EXPECT_TRUE(Has(pub, "<td>首次发布</td>"));

  // The item page lists it with its 索引号 and publisher.
  std::string item = Page("/items/12");
  std::string listed = After(item, "<a href=\"/records/" + std::to_string(id) + "\">", "</tr>");
  EXPECT_TRUE(Has(listed, title + "</a>")) << listed;
  EXPECT_TRUE(Has(listed, "<td>" + index + "</td><td>" + kCzj + "</td><td>" + first_published + "</td>")) << listed;
  EXPECT_FALSE(Has(listed, "（已撤回）"));

  // The obligation is fulfilled: no longer open, the record among the published.
  work = Page("/admin/work", czj_liaison_);
  EXPECT_FALSE(Has(work, "/admin/records/new?obligation=" + std::to_string(ob)));
  std::string published = After(work, "<caption>最近发布的信息</caption>", "</table>");
  std::string prow = RowOf(published, "<a href=\"/admin/records/" + std::to_string(id) + "\">" + title + "</a>");
  EXPECT_TRUE(Has(prow, "<td>" + index + "</td><td>已发布</td>")) << prow;
  EXPECT_EQ(LateDays(prow), overdue) << prow;
  std::string obligation = Page("/admin/obligations/" + std::to_string(ob), czj_liaison_);
  EXPECT_EQ(Cell(obligation, "状态"), "已公开");
}

// ---------------------------------------------------------------------------
// 2. Transitions the workflow forbids, and who may not review.

TEST_F(RecordsTest, ForbiddenTransitionsAreRefused) {
  std::int64_t id = CzjDraft("区财政局2026年第二批采购合同公告", "采购合同已签订，现予公告。");
  ASSERT_GT(id, 0);
  const std::string rec = RecordPath(id);

  // Publishing a draft directly.
  MustRefuse(*czj_liaison_, rec + "/publish", {}, 400, "草稿");
  Page(PublicPath(id), nullptr, 404);
  // Withdrawing something never published (leader and admin may withdraw).
  MustRefuse(*czj_leader_, rec + "/withdraw", {{"reason", "测试撤回"}}, 400, "不能改为");
  MustRefuse(*admin_, rec + "/withdraw", {{"reason", "测试撤回"}}, 400, "不能改为");
  // Approving a draft that was never submitted.
  MustRefuse(*czj_leader_, rec + "/approve", kFullChecklist, 400, "草稿");

  ASSERT_NO_FATAL_FAILURE(MustAct(*czj_liaison_, id, "submit", {}, "待审核"));

  // Only the unit's own leader reviews.
  MustRefuse(*czj_liaison_, rec + "/approve", kFullChecklist, 403, "联络员无权");
  MustRefuse(*fgj_leader_, rec + "/approve", kFullChecklist, 403, "只能为本单位（区发改局）");
  MustRefuse(*admin_, rec + "/approve", kFullChecklist, 403, "公开办管理员无权");
  MustRefuse(*czj_liaison_, rec + "/return", {{"comment", "自己退回"}}, 403, "联络员无权");
  MustRefuse(*admin_, rec + "/return", {{"comment", "管理员退回"}}, 403, "公开办管理员无权");
  // ...and only with the whole checklist.
  MustRefuse(*czj_leader_, rec + "/approve", {{"no_state_secret", "1"}, {"no_commercial_secret", "1"}}, 400,
             "保密审查清单");
  MustRefuse(*czj_leader_, rec + "/approve", {}, 400, "保密审查清单");
  MustRefuse(*czj_leader_, rec + "/approve",
             {{"no_state_secret", "1"}, {"no_commercial_secret", "0"}, {"personal_info_handled", "1"}}, 400,
             "保密审查清单");
  // Submitting twice; editing or publishing what is under review.
  MustRefuse(*czj_liaison_, rec + "/submit", {}, 400, "待审核");
  std::string edit_page;
  MustRefuse(*czj_liaison_, rec, Content("改过的标题", "改过的正文"), 400, "只有草稿可以修改", &edit_page);
  MustRefuse(*czj_liaison_, rec + "/publish", {}, 400, "待审核");
  MustRefuse(*czj_liaison_, rec + "/withdraw", {{"reason", "联络员撤回"}}, 403, "联络员无权");
  MustRefuse(*czj_leader_, rec + "/withdraw", {{"reason", "测试撤回"}}, 400, "不能改为");
  Page(PublicPath(id), nullptr, 404);

  // Other units' accounts do not even see the record.
  Page(rec, fgj_leader_, 403);
  Page(rec, mzj_liaison_, 403);
  // Drafting is for the unit's liaison (and the admin), within the unit's items.
  const httplib::Params direct = {{"target", "12/采购合同"}, {"formed_on", "2026-11-02"}};
  MustRefuse(*czj_leader_, "/admin/records", With(With(Content("分管领导起草", "正文"), direct), {{"unit", kCzj}}), 403,
             "分管领导无权");
  MustRefuse(*mzj_liaison_, "/admin/records", With(With(Content("他单位起草", "正文"), direct), {{"unit", kCzj}}), 403,
             "只能为本单位（区民政局）");
  MustRefuse(*admin_, "/admin/records",
             With(Content("不属本单位的事项", "正文"), {{"unit", kCzj}, {"target", "16/"}, {"formed_on", "2026-11-02"}}),
             400, "不是事项16");
  MustRefuse(*mzj_liaison_, "/admin/obligations",
             {{"unit", kCzj}, {"target", "12/采购结果"}, {"title", "他单位登记"}, {"formed_on", "2026-11-02"}}, 403,
             "只能为本单位（区民政局）");

  // None of it stuck: the record is still submitted with its own title.
  std::string page = Page(rec, czj_leader_);
  EXPECT_EQ(StatusOf(page), "待审核");
  EXPECT_TRUE(Has(page, "<p><strong>区财政局2026年第二批采购合同公告</strong></p>"));
  EXPECT_FALSE(Has(page, "改过的标题"));
  // Without the session's CSRF token nothing happens either.
  {
    std::string before = Dump();
    auto res = server_->Client()->Post((rec + "/approve").c_str(), SessionCookies(czj_leader_),
                                       httplib::Params{kFullChecklist.begin(), kFullChecklist.end()});
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 403);
    std::string changes = DbChanges(before, Dump());
    EXPECT_TRUE(changes.empty()) << changes;
  }
  // The public cannot act at all: sent to the login page.
  {
    std::string before = Dump();
    auto res = server_->Client()->Post((rec + "/approve").c_str(), httplib::Params{{"_csrf", czj_leader_->csrf}});
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 303);
    EXPECT_TRUE(res->get_header_value("Location").starts_with("/login?next=")) << res->get_header_value("Location");
    std::string changes = DbChanges(before, Dump());
    EXPECT_TRUE(changes.empty()) << changes;
  }
  // The record's own leader approves; the liaison publishes.
  ASSERT_NO_FATAL_FAILURE(MustAct(*czj_leader_, id, "approve", kFullChecklist, "已审核待发布"));
  MustRefuse(*czj_leader_, rec + "/approve", kFullChecklist, 400, "已审核待发布");
  ASSERT_NO_FATAL_FAILURE(MustAct(*czj_liaison_, id, "publish", {}, "已发布"));
  MustRefuse(*czj_liaison_, rec + "/publish", {}, 400, "已发布");
  EXPECT_TRUE(Has(Page(PublicPath(id)), "<h1>区财政局2026年第二批采购合同公告</h1>"));
}

// ---------------------------------------------------------------------------
// 3. The leader returns a record with a comment; the liaison fixes it.

TEST_F(RecordsTest, ReturnAndResubmit) {
  std::int64_t id = CzjDraft("区财政局2026年物业服务采购合同公告", "合同金额待补充。");
  ASSERT_GT(id, 0);
  const std::string rec = RecordPath(id);
  ASSERT_NO_FATAL_FAILURE(MustAct(*czj_liaison_, id, "submit", {}, "待审核"));

  // A return needs a comment.
  MustRefuse(*czj_leader_, rec + "/return", {{"comment", ""}}, 400, "退回时请填写意见");

  const std::string comment = "请补充合同金额和履约期限";
  ASSERT_NO_FATAL_FAILURE(MustAct(*czj_leader_, id, "return", {{"comment", comment}}, "草稿"));
  std::string page = Page(rec, czj_liaison_);
  EXPECT_EQ(StatusOf(page), "草稿");
  EXPECT_EQ(Cell(page, "审核意见"), comment);
  // Returned means draft again: the leader cannot approve it now.
  MustRefuse(*czj_leader_, rec + "/approve", kFullChecklist, 400, "草稿");

  // The liaison edits and resubmits.
  auto saved = Act(*czj_liaison_, id, "", Content("区财政局2026年物业服务采购合同公告",
                                                  "合同金额：人民币叁拾陆万元整。\n\n履约期限：2026年10月1日至2027年9月30日。"));
  ASSERT_TRUE(saved);
  ASSERT_EQ(saved->status, 200) << ErrorBox(saved->body);
  EXPECT_TRUE(Has(saved->body, "草稿已保存。"));
  EXPECT_TRUE(Has(saved->body, "合同金额：人民币叁拾陆万元整。")) << "the saved body is shown in the form";
  ASSERT_NO_FATAL_FAILURE(MustAct(*czj_liaison_, id, "submit", {}, "待审核"));

  std::string review = Page(rec, czj_leader_);
  EXPECT_EQ(StatusOf(review), "待审核");
  EXPECT_TRUE(Has(review, "<p>合同金额：人民币叁拾陆万元整。</p>")) << "the leader reviews the edited text";
  EXPECT_FALSE(Has(review, "合同金额待补充。"));
  EXPECT_TRUE(Cell(review, "审核意见").empty()) << "the old comment is cleared on resubmission";
  ASSERT_NO_FATAL_FAILURE(MustAct(*czj_leader_, id, "approve", kFullChecklist, "已审核待发布"));
}

// ---------------------------------------------------------------------------
// 4. A revision is a new version under the same 索引号.

TEST_F(RecordsTest, RevisionKeepsIndexNumberAndHistory) {
  const std::string v1_title = "区财政局2026年印刷服务采购合同公告";
  const std::string v2_title = "区财政局2026年印刷服务采购合同公告（更正）";
  std::int64_t id = CzjDraft(v1_title, "合同金额：人民币拾万元整。");
  ASSERT_GT(id, 0);
  const std::string rec = RecordPath(id);
  ASSERT_NO_FATAL_FAILURE(SubmitApprovePublish(id, *czj_liaison_, *czj_leader_));
  std::string v1_page = Page(PublicPath(id));
  const std::string index = Cell(v1_page, "索引号");
  ASSERT_FALSE(index.empty());
  const std::string first_published = Cell(v1_page, "实际发布日期");

  // Start a revision: the working copy is a draft again; the public page is unchanged.
  ASSERT_NO_FATAL_FAILURE(MustAct(*czj_liaison_, id, "revise", {}, "草稿"));
  std::string page = Page(rec, czj_liaison_);
  EXPECT_TRUE(Has(page, "（正在修订已发布的第1版）"));
  EXPECT_TRUE(Has(page, "name=\"change_note\"")) << "a revision asks for a change note";
  EXPECT_TRUE(Has(Page(PublicPath(id)), "<h1>" + v1_title + "</h1>"));

  // Edit the title without a change note: saving works, submitting does not.
  auto saved = Act(*czj_liaison_, id, "", With(Content(v2_title, "合同金额：人民币拾贰万元整。"), {{"change_note", ""}}));
  ASSERT_TRUE(saved);
  ASSERT_EQ(saved->status, 200) << ErrorBox(saved->body);
  std::string refusal;
  MustRefuse(*czj_liaison_, rec + "/submit", {}, 400, "修订已发布的信息时", &refusal);
  EXPECT_TRUE(Has(Page(PublicPath(id)), "<h1>" + v1_title + "</h1>"));

  const std::string note = "更正合同金额";
  saved = Act(*czj_liaison_, id, "", With(Content(v2_title, "合同金额：人民币拾贰万元整。"), {{"change_note", note}}));
  ASSERT_TRUE(saved);
  ASSERT_EQ(saved->status, 200) << ErrorBox(saved->body);
  ASSERT_NO_FATAL_FAILURE(MustAct(*czj_liaison_, id, "submit", {}, "待审核"));
  // Still version 1 in public while the revision is reviewed.
  EXPECT_TRUE(Has(Page(PublicPath(id)), "<h1>" + v1_title + "</h1>"));
  ASSERT_NO_FATAL_FAILURE(MustAct(*czj_leader_, id, "approve", kFullChecklist, "已审核待发布"));
  ASSERT_NO_FATAL_FAILURE(MustAct(*czj_liaison_, id, "publish", {}, "已发布"));

  std::string pub = Page(PublicPath(id));
  EXPECT_TRUE(Has(pub, "<h1>" + v2_title + "</h1>"));
  EXPECT_TRUE(Has(pub, "合同金额：人民币拾贰万元整。"));
  EXPECT_FALSE(Has(pub, "合同金额：人民币拾万元整。"));
  EXPECT_EQ(Cell(pub, "索引号"), index) << "a revision keeps the 索引号";
  EXPECT_EQ(Cell(pub, "实际发布日期"), first_published) << "timeliness stays with the first publication";
  EXPECT_FALSE(Has(pub, "历史版本"));
  std::string versions = After(pub, "<caption>本信息的全部发布版本</caption>", "</table>");
  EXPECT_EQ(Count(versions, "<td class=\"num\">"), 2u) << versions;
  EXPECT_TRUE(Has(versions, "<td class=\"num\">2</td>")) << versions;
  EXPECT_TRUE(Has(versions, "<td>" + note + "</td><td>当前版本</td>")) << versions;
  EXPECT_TRUE(Has(versions, "<td>首次发布</td><td><a href=\"/records/" + std::to_string(id) + "/versions/1\">"))
      << versions;

  // Version 1 stays readable, marked as history.
  std::string old = Page(PublicPath(id) + "/versions/1");
  EXPECT_TRUE(Has(old, "<h1>" + v1_title + "</h1>"));
  EXPECT_TRUE(Has(old, "您正在查看第1版（历史版本）"));
  EXPECT_TRUE(Has(old, "合同金额：人民币拾万元整。"));
  EXPECT_EQ(Cell(old, "索引号"), index);
  std::string current = Page(PublicPath(id) + "/versions/2");
  EXPECT_TRUE(Has(current, "<h1>" + v2_title + "</h1>"));
  EXPECT_FALSE(Has(current, "历史版本"));
  Page(PublicPath(id) + "/versions/3", nullptr, 404);
  Page(PublicPath(id) + "/versions/0", nullptr, 404);

  // The item page shows the current title once, under the same 索引号.
  std::string item = Page("/items/12");
  EXPECT_EQ(Count(item, "<a href=\"/records/" + std::to_string(id) + "\">"), 1u);
  EXPECT_TRUE(Has(item, "<a href=\"/records/" + std::to_string(id) + "\">" + v2_title + "</a>"));
  EXPECT_EQ(Count(item, "<td>" + index + "</td>"), 1u);
}

// ---------------------------------------------------------------------------
// 5. Withdrawal keeps the page, with the reason.

TEST_F(RecordsTest, WithdrawShowsTheReason) {
  const std::string title = "区财政局2026年绿化养护服务采购合同公告";
  std::int64_t id = CzjDraft(title, "合同已签订。");
  ASSERT_GT(id, 0);
  const std::string rec = RecordPath(id);
  ASSERT_NO_FATAL_FAILURE(SubmitApprovePublish(id, *czj_liaison_, *czj_leader_));
  const std::string index = Cell(Page(PublicPath(id)), "索引号");

  MustRefuse(*czj_liaison_, rec + "/withdraw", {{"reason", "联络员撤回"}}, 403, "联络员无权");
  MustRefuse(*fgj_leader_, rec + "/withdraw", {{"reason", "他单位撤回"}}, 403, "只能为本单位（区发改局）");
  MustRefuse(*czj_leader_, rec + "/withdraw", {{"reason", ""}}, 400, "请填写撤回理由");

  const std::string reason = "采购合同已依法解除，原公告不再有效";
  ASSERT_NO_FATAL_FAILURE(MustAct(*czj_leader_, id, "withdraw", {{"reason", reason}}, "已撤回"));
  MustRefuse(*czj_leader_, rec + "/withdraw", {{"reason", reason}}, 400, "已撤回");
  MustRefuse(*czj_liaison_, rec + "/revise", {}, 400, "只有已发布的信息可以修订");

  std::string pub = Page(PublicPath(id));
  std::string notice = After(pub, "<div class=\"warning\" role=\"note\">", "</div>");
  EXPECT_TRUE(Has(notice, "<strong>已撤回</strong>")) << notice;
  EXPECT_TRUE(Has(notice, "撤回理由：" + reason)) << notice;
  EXPECT_TRUE(Has(pub, "<h1>" + title + "</h1>"));
  EXPECT_EQ(Cell(pub, "索引号"), index);

  std::string item = Page("/items/12");
  EXPECT_TRUE(Has(item, "<a href=\"/records/" + std::to_string(id) + "\">" + title + "</a>（已撤回）"));
}

// ---------------------------------------------------------------------------
// 6. Obligations that end without a publication.

TEST_F(RecordsTest, WithheldAndCancelledObligations) {
  const std::string withheld_title = "区财政局2026年信息系统运维采购项目预算明细";
  const std::string cancelled_title = "区财政局2026年会议服务采购项目公告（重复登记）";
  std::int64_t a = RegisterObligation(*czj_liaison_, kCzj, "12/采购项目预算金额", withheld_title, "2026-11-20");
  std::int64_t b = RegisterObligation(*czj_liaison_, kCzj, "12/采购项目公告", cancelled_title, "2026-11-20");
  ASSERT_GT(a, 0);
  ASSERT_GT(b, 0);
  std::string work = Page("/admin/work", czj_liaison_);
  ASSERT_FALSE(RowOf(work, withheld_title).empty());
  ASSERT_FALSE(RowOf(work, cancelled_title).empty());
  const std::string pa = "/admin/obligations/" + std::to_string(a);
  const std::string pb = "/admin/obligations/" + std::to_string(b);

  // Withholding needs a legal ground and a reason, and is the leader's decision.
  const std::string reason = "预算明细含供应商报价构成，公开会损害其合法权益";
  MustRefuse(*czj_leader_, pa + "/withhold", {{"ground", ""}, {"reason", reason}}, 400, "法律依据");
  MustRefuse(*czj_leader_, pa + "/withhold", {{"ground", "art99-made-up"}, {"reason", reason}}, 400, "法律依据");
  MustRefuse(*czj_leader_, pa + "/withhold", {{"ground", "art15-commercial-secret"}, {"reason", ""}}, 400,
             "具体理由");
  MustRefuse(*czj_liaison_, pa + "/withhold", {{"ground", "art15-commercial-secret"}, {"reason", reason}}, 403,
             "联络员无权");
  MustRefuse(*admin_, pa + "/withhold", {{"ground", "art15-commercial-secret"}, {"reason", reason}}, 403,
             "公开办管理员无权");
  MustRefuse(*fgj_leader_, pa + "/withhold", {{"ground", "art15-commercial-secret"}, {"reason", reason}}, 403,
             "只能为本单位（区发改局）");

  {
    auto res = WebPost(*server_, pa + "/withhold", {{"ground", "art15-commercial-secret"}, {"reason", reason}},
                       *czj_leader_);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 303) << ErrorBox(res->body);
    EXPECT_EQ(res->get_header_value("Location"), "/admin/work?unit=" + kCzj);  // httplib decodes Location
  }
  std::string pa_page = Page(pa, czj_liaison_);
  EXPECT_EQ(Cell(pa_page, "状态"), "不予公开（" + reason + "）");
  EXPECT_FALSE(Has(pa_page, "/withhold\"")) << "a decided obligation offers no more forms";
  // A withheld obligation cannot be drafted or withheld again.
  MustRefuse(*czj_liaison_, "/admin/records",
             With(Content(withheld_title, "正文"), {{"obligation", std::to_string(a)}}), 400, "不予公开");
  MustRefuse(*czj_leader_, pa + "/withhold", {{"ground", "art16-internal"}, {"reason", "再次决定"}}, 400,
             "不予公开");
  MustRefuse(*czj_liaison_, pa + "/cancel", {{"reason", "撤销"}}, 400, "不予公开");

  MustRefuse(*mzj_liaison_, pb + "/cancel", {{"reason", "他单位撤销"}}, 403, "只能为本单位（区民政局）");
  Page(pb, mzj_liaison_, 403);
  // Cancelling needs a reason.
  MustRefuse(*czj_liaison_, pb + "/cancel", {{"reason", ""}}, 400, "撤销理由");
  {
    auto res = WebPost(*server_, pb + "/cancel", {{"reason", "与第一批会议服务采购重复登记"}}, *czj_liaison_);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 303) << ErrorBox(res->body);
  }
  std::string pb_page = Page(pb, czj_leader_);
  EXPECT_EQ(Cell(pb_page, "状态"), "已撤销（与第一批会议服务采购重复登记）");
  MustRefuse(*czj_leader_, pb + "/withhold", {{"ground", "art16-internal"}, {"reason", "内部事务"}}, 400, "已撤销");

  // Both leave the open list.
  work = Page("/admin/work", czj_liaison_);
  EXPECT_TRUE(RowOf(work, withheld_title).empty()) << "a withheld obligation is still listed as open";
  EXPECT_TRUE(RowOf(work, cancelled_title).empty()) << "a cancelled obligation is still listed as open";
  EXPECT_FALSE(Has(work, "/admin/obligations/" + std::to_string(a) + "\""));
  EXPECT_FALSE(Has(work, "/admin/obligations/" + std::to_string(b) + "\""));
  // And nothing of them reaches the public.
  std::string item = Page("/items/12");
  EXPECT_FALSE(Has(item, withheld_title));
  EXPECT_FALSE(Has(item, cancelled_title));
}

// ---------------------------------------------------------------------------
// 7. Item 16 protects privacy: unmasked personal information blocks approval.

TEST_F(RecordsTest, PersonalInformationOnPrivacyItems) {
  const std::string raw_id = "11010519491231002X";
  const std::string raw_mobile = "13812345678";
  const std::string body = "2026年11月临时救助发放名单\n\n张某，身份证号" + raw_id + "，联系电话" + raw_mobile +
                           "，救助金额800元。";
  std::int64_t id = CreateDraft(*mzj_liaison_, With(Content("区民政局2026年11月临时救助发放情况", body),
                                                    {{"unit", kMzj},
                                                     {"target", "16/福利补贴发放情况"},
                                                     {"formed_on", "2026-11-20"}}));
  ASSERT_GT(id, 0);
  const std::string rec = RecordPath(id);

  std::string page = Page(rec, mzj_liaison_);
  std::string findings = After(page, "<section class=\"warning\" aria-labelledby=\"pii-h\">", "</section>");
  ASSERT_FALSE(findings.empty()) << "no findings section";
  EXPECT_TRUE(Has(findings, "发现2处个人信息")) << findings;
  EXPECT_TRUE(Has(findings, "本事项要求保护个人隐私")) << findings;
  EXPECT_EQ(Count(findings, "<li>"), 2u) << findings;
  EXPECT_TRUE(Has(findings, "身份证号码（11*************02X）")) << findings;
  EXPECT_TRUE(Has(findings, "手机号码（138****5678）")) << findings;
  EXPECT_FALSE(Has(findings, raw_id)) << "the findings show a raw ID number";
  EXPECT_FALSE(Has(findings, raw_mobile)) << "the findings show a raw mobile number";
  EXPECT_FALSE(Has(findings, "010519491231")) << "the findings show the ID's middle digits";
  EXPECT_TRUE(Has(findings, "action=\"/admin/records/" + std::to_string(id) + "/mask\""));
  // The draft's own text still holds them (the liaison's textarea).
  EXPECT_TRUE(Has(After(page, "<textarea id=\"body\" name=\"body\" rows=\"12\">", "</textarea>"), raw_id));

  ASSERT_NO_FATAL_FAILURE(MustAct(*mzj_liaison_, id, "submit", {}, "待审核"));
  // The leader sees the findings too, and cannot approve even with the checklist.
  std::string review = Page(rec, mzj_leader_);
  EXPECT_TRUE(Has(review, "发现2处个人信息"));
  MustRefuse(*mzj_leader_, rec + "/approve", kFullChecklist, 400, "未去标识化");
  // Masking is for drafts only.
  MustRefuse(*mzj_liaison_, rec + "/mask", {}, 400, "只有草稿可以修改");

  ASSERT_NO_FATAL_FAILURE(MustAct(*mzj_leader_, id, "return", {{"comment", "请对身份证号和电话去标识化"}}, "草稿"));
  ASSERT_NO_FATAL_FAILURE(MustAct(*mzj_liaison_, id, "mask", {}, "草稿"));
  page = Page(rec, mzj_liaison_);
  std::string textarea = After(page, "<textarea id=\"body\" name=\"body\" rows=\"12\">", "</textarea>");
  EXPECT_TRUE(Has(textarea, "身份证号11*************02X，联系电话138****5678，救助金额800元。")) << textarea;
  EXPECT_FALSE(Has(page, raw_id));
  EXPECT_FALSE(Has(page, raw_mobile));
  EXPECT_FALSE(Has(page, "aria-labelledby=\"pii-h\"")) << "findings remain after masking";
  // Masking twice changes nothing.
  ASSERT_NO_FATAL_FAILURE(MustAct(*mzj_liaison_, id, "mask", {}, "草稿"));
  EXPECT_EQ(After(Page(rec, mzj_liaison_), "<textarea id=\"body\" name=\"body\" rows=\"12\">", "</textarea>"),
            textarea);

  ASSERT_NO_FATAL_FAILURE(MustAct(*mzj_liaison_, id, "submit", {}, "待审核"));
  ASSERT_NO_FATAL_FAILURE(MustAct(*mzj_leader_, id, "approve", kFullChecklist, "已审核待发布"));
  ASSERT_NO_FATAL_FAILURE(MustAct(*mzj_liaison_, id, "publish", {}, "已发布"));
  std::string pub = Page(PublicPath(id));
  EXPECT_TRUE(Has(pub, "身份证号11*************02X，联系电话138****5678"))
      << "the masked numbers are not shown as masked: " << After(pub, "<section class=\"body\" aria-label=\"正文\">", "</section>");
  EXPECT_FALSE(Has(pub, raw_id));
  EXPECT_FALSE(Has(pub, raw_mobile));
  EXPECT_TRUE(Has(Cell(pub, "发布机构"), ">" + kMzj + "</a>"));
  // The database keeps no raw number in the published version either.
  EXPECT_FALSE(Has(Dump(), raw_id)) << "the raw ID number is still stored";
}

// ---------------------------------------------------------------------------
// 8. Attachments: typed by content, served by hash from published versions only.

TEST_F(RecordsTest, Attachments) {
  const std::string title = "区财政局2026年档案数字化采购合同公告";
  std::int64_t id = CzjDraft(title, "合同文本见附件。");
  ASSERT_GT(id, 0);
  const std::string rec = RecordPath(id);

  {
    auto res = WebPostMultipart(*server_, rec + "/attachments", {{"file", kPdf, "采购合同.pdf", "application/pdf"}},
                                *czj_liaison_);
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << ErrorBox(res->body);
    EXPECT_TRUE(Has(res->body, "附件已上传。"));
    EXPECT_TRUE(Has(res->body, ">采购合同.pdf</a>（application/pdf，" + std::to_string(kPdf.size()) + " B）"))
        << After(res->body, "<h2>附件</h2>", "</ul>");
  }
  // HTML dressed up as a PDF is refused, and nothing is stored.
  {
    const std::string html = "<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>\n";
    std::string before = Dump();
    auto res = WebPostMultipart(*server_, rec + "/attachments", {{"file", html, "合同扫描件.pdf", "application/pdf"}},
                                *czj_liaison_);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400) << "an HTML file named .pdf was accepted: "
                                << After(res->body, "<h2>附件</h2>", "</ul>");
    std::string changes = DbChanges(before, Dump());
    EXPECT_TRUE(changes.empty()) << "the refused upload changed the database:\n" << changes;
  }
  const std::string html_sha = "6d1d7d9d482c1a378eb11f0a1fd07e5476a8c731a72726e3378ddd4d6a9dcdad";
  // Nothing uploaded at all.
  MustRefuse(*czj_liaison_, rec + "/attachments", {}, 400, "请选择要上传的文件");

  // Not public before publication, even with the right hash.
  Page(PublicPath(id) + "/files/" + kPdfSha, nullptr, 404);

  ASSERT_NO_FATAL_FAILURE(SubmitApprovePublish(id, *czj_liaison_, *czj_leader_));
  {
    std::string before = Dump();
    auto res = WebPostMultipart(*server_, rec + "/attachments", {{"file", kPdf, "补充.pdf", "application/pdf"}},
                                *czj_liaison_);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400) << "an attachment was added to a published record";
    EXPECT_TRUE(Has(ErrorBox(res->body), "只有草稿可以添加附件")) << ErrorBox(res->body);
    std::string changes = DbChanges(before, Dump());
    EXPECT_TRUE(changes.empty()) << changes;
  }

  std::string pub = Page(PublicPath(id));
  const std::string url = PublicPath(id) + "/files/" + kPdfSha;
  EXPECT_TRUE(Has(pub, "<a href=\"" + url + "\">采购合同.pdf</a>（application/pdf，")) << After(pub, "附件</h2>", "</ul>");

  auto file = WebGet(*server_, url);
  ASSERT_TRUE(file);
  EXPECT_EQ(file->status, 200);
  EXPECT_EQ(file->body, kPdf);
  EXPECT_EQ(file->get_header_value("Content-Type"), "application/pdf");
  const std::string disposition = file->get_header_value("Content-Disposition");
  EXPECT_FALSE(disposition.empty()) << "no Content-Disposition";
  // PDFs open in the browser; the name is the uploaded one (httplib's client
  // percent-decodes header values, so filename* reads decoded here).
  EXPECT_TRUE(disposition.starts_with("inline; filename=\"" + kPdfSha.substr(0, 16) + "\"")) << disposition;
  EXPECT_TRUE(disposition.ends_with("filename*=UTF-8''采购合同.pdf")) << disposition;
  EXPECT_EQ(file->get_header_value("X-Content-Type-Options"), "nosniff");

  // If the HTML file got through (see above), it must never be served as HTML.
  if (Has(pub, "/files/" + html_sha)) {
    auto served = WebGet(*server_, PublicPath(id) + "/files/" + html_sha);
    ASSERT_TRUE(served);
    EXPECT_FALSE(Has(served->get_header_value("Content-Type"), "html")) << served->get_header_value("Content-Type");
    EXPECT_TRUE(served->get_header_value("Content-Disposition").starts_with("attachment"))
        << served->get_header_value("Content-Disposition");
  }

  // Unknown hashes, another record's path, and path tricks: 404, never a file.
  Page(PublicPath(id) + "/files/" + std::string(64, 'a'), nullptr, 404);
  Page(PublicPath(id) + "/files/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", nullptr, 404);
  Page(PublicPath(id) + "/files/" + kPdfSha.substr(0, 63), nullptr, 404);
  Page(PublicPath(id + 100000) + "/files/" + kPdfSha, nullptr, 404);
  for (const std::string& path : {PublicPath(id) + "/files/../../etc/passwd",
                                 PublicPath(id) + "/files/..%2F..%2F..%2Fetc%2Fpasswd",
                                 PublicPath(id) + "/files/%2e%2e/%2e%2e/etc/passwd",
                                 std::string("/records/../../../../etc/passwd")}) {
    SCOPED_TRACE(path);
    auto res = WebGet(*server_, path);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 404);
    EXPECT_FALSE(Has(res->body, "root:")) << "a path-traversal URL served a system file";
  }
  // A published record that does not have this attachment does not serve it.
  std::int64_t other = CzjDraft("区财政局2026年无附件的采购合同公告", "本公告无附件。");
  ASSERT_GT(other, 0);
  ASSERT_NO_FATAL_FAILURE(SubmitApprovePublish(other, *czj_liaison_, *czj_leader_));
  Page(PublicPath(other) + "/files/" + kPdfSha, nullptr, 404);
  // An attachment added in a revision is not public until the revision is published.
  const std::string note = "补充说明：本合同附件共3页。\n";
  const std::string note_sha = "454283d1667bb105563ccfb618a317eadf05a05a1ad9aadee05691ae71b1ee65";
  ASSERT_NO_FATAL_FAILURE(MustAct(*czj_liaison_, id, "revise", {}, "草稿"));
  {
    auto res = WebPostMultipart(*server_, rec + "/attachments", {{"file", note, "补充说明.txt", "text/plain"}},
                                *czj_liaison_);
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << ErrorBox(res->body);
    EXPECT_TRUE(Has(res->body, ">补充说明.txt</a>（text/plain; charset=utf-8，"));
  }
  Page(PublicPath(id) + "/files/" + note_sha, nullptr, 404);
  EXPECT_EQ(WebGet(*server_, url)->body, kPdf) << "the published version's file stays available";

  // Consecutive publications of one unit get consecutive serials.
  const std::string first = Cell(pub, "索引号");
  const std::string second = Cell(Page(PublicPath(other)), "索引号");
  ASSERT_EQ(first.size(), 16u) << first;
  ASSERT_EQ(second.size(), 16u) << second;
  EXPECT_EQ(second.substr(0, 11), first.substr(0, 11));
  EXPECT_EQ(std::stoi(second.substr(11)), std::stoi(first.substr(11)) + 1) << first << " then " << second;
}

// A record posted on the 公示栏 needs a photo of the posting; the photo is
// kept for staff and auditors and never served to the public.
TEST_F(RecordsTest, NoticeBoardPhotoEvidence) {
  const std::string title = "区财政局2026年公示栏张贴的采购合同公告";
  std::int64_t id = CreateDraft(*czj_liaison_, With(Content(title, "合同已张贴于区政务服务中心公示栏。"),
                                                     {{"unit", kCzj}, {"target", "12/采购合同"},
                                                      {"formed_on", "2026-11-02"}}));
  ASSERT_GT(id, 0);
  const std::string rec = RecordPath(id);
  httplib::Params edited = Content(title, "合同已张贴于区政务服务中心公示栏。");
  edited.erase("channels");
  edited.emplace("channels", "门户网站、公示栏");
  ASSERT_NO_FATAL_FAILURE(MustAct(*czj_liaison_, id, "", edited, "草稿"));
  // Without the photo the draft cannot be submitted.
  MustRefuse(*czj_liaison_, rec + "/submit", {}, 400, "公示栏张贴照片");
  // The evidence must be an image.
  {
    std::string before = Dump();
    auto res = WebPostMultipart(*server_, rec + "/attachments",
                                {{"file", kPdf, "照片.pdf", "application/pdf"}, {"purpose", "evidence", "", ""}},
                                *czj_liaison_);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400);
    EXPECT_TRUE(Has(ErrorBox(res->body), "必须是图片")) << ErrorBox(res->body);
    EXPECT_TRUE(DbChanges(before, Dump()).empty());
  }
  {
    auto res = WebPostMultipart(*server_, rec + "/attachments",
                                {{"file", kPng, "公示栏.png", "image/png"}, {"purpose", "evidence", "", ""}},
                                *czj_liaison_);
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << ErrorBox(res->body);
    EXPECT_TRUE(Has(res->body, ">公示栏.png</a>（公示栏张贴照片，不公开；image/png，")) << After(res->body, "<h2>附件</h2>", "</ul>");
  }
  ASSERT_NO_FATAL_FAILURE(SubmitApprovePublish(id, *czj_liaison_, *czj_leader_));

  std::string pub = Page(PublicPath(id));
  EXPECT_TRUE(Has(pub, "公示栏（张贴照片已存档备查）")) << Cell(pub, "公开渠道");
  EXPECT_FALSE(Has(pub, kPngSha)) << "the public page links the evidence photo";
  EXPECT_FALSE(Has(pub, "公示栏.png"));
  Page(PublicPath(id) + "/files/" + kPngSha, nullptr, 404);

  // Staff of the unit see it; another unit's staff do not; the public is sent to log in.
  const std::string staff_url = rec + "/files/" + kPngSha;
  auto mine = WebGet(*server_, staff_url, czj_leader_);
  ASSERT_TRUE(mine);
  EXPECT_EQ(mine->status, 200);
  EXPECT_EQ(mine->body, kPng);
  EXPECT_EQ(mine->get_header_value("Content-Type"), "image/png");
  EXPECT_EQ(mine->get_header_value("Cache-Control"), "private, no-store");
  auto other = WebGet(*server_, staff_url, mzj_liaison_);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 403);
  EXPECT_NE(other->body, kPng);
  auto anonymous = WebGet(*server_, staff_url);
  ASSERT_TRUE(anonymous);
  EXPECT_NE(anonymous->status, 200);
  EXPECT_NE(anonymous->body, kPng);

  // A revision can drop an attachment; the published version keeps it.
  ASSERT_NO_FATAL_FAILURE(MustAct(*czj_liaison_, id, "revise", {}, "草稿"));
  MustAct(*czj_liaison_, id, "attachments/" + kPngSha + "/delete", {}, "草稿");
  MustRefuse(*czj_liaison_, rec + "/attachments/" + kPngSha + "/delete", {}, 404, "没有这个附件");
  EXPECT_EQ(WebGet(*server_, staff_url, czj_leader_)->status, 200) << "the published version's photo must stay";
}

// Text inside attachments is extracted at upload: searched after
// publication, scanned for personal information before it; a file whose
// text cannot be read is kept, and the editor is told.
TEST_F(RecordsTest, AttachmentTextIsSearchedAndScanned) {
  const std::string doc_xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/"
      "wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>附件专有词汇金穗湾补偿明细</w:t></w:r></w:p>"
      "<w:p><w:r><w:t>联系人身份证号：11010119900307803X</w:t></w:r></w:p></w:body></w:document>";
  const std::string rels =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/"
      "2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
      "relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>";
  const std::string types =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/"
      "content-types\"><Override PartName=\"/word/document.xml\" ContentType=\"application/"
      "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>";
  const std::string docx = gongkai::test_zip::Make(
      {{"[Content_Types].xml", types, false}, {"_rels/.rels", rels, false}, {"word/document.xml", doc_xml, true}});
  std::int64_t id = CzjDraft("区财政局2026年补偿明细公告", "明细见附件。");
  ASSERT_GT(id, 0);
  const std::string rec = RecordPath(id);
  {
    auto res = WebPostMultipart(*server_, rec + "/attachments",
                                {{"file", docx, "补偿明细.docx",
                                  "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}},
                                *czj_liaison_);
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << ErrorBox(res->body);
    EXPECT_TRUE(Has(res->body, "已提取文字，可被搜索")) << After(res->body, "<h2>附件</h2>", "</ul>");
    // The ID number inside the attachment is found, and named by the file.
    EXPECT_TRUE(Has(res->body, "附件“补偿明细.docx”第2行")) << After(res->body, "个人信息</h2>", "</section>");
    EXPECT_FALSE(Has(res->body, "11010119900307803X")) << "the page shows the unmasked number";
  }
  {
    auto res = WebPostMultipart(*server_, rec + "/attachments",
                                {{"file", "%PDF-1.7\n这不是一个真正的PDF文件\n", "损坏.pdf", "application/pdf"}},
                                *czj_liaison_);
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << ErrorBox(res->body);
    EXPECT_TRUE(Has(res->body, "未能提取文字（")) << After(res->body, "<h2>附件</h2>", "</ul>");
  }
  ASSERT_NO_FATAL_FAILURE(SubmitApprovePublish(id, *czj_liaison_, *czj_leader_));
  std::string found = Page("/search?q=" + UrlEncode("金穗湾"));
  EXPECT_TRUE(Has(found, "区财政局2026年补偿明细公告")) << "a word inside the .docx does not find the record";
  std::string none = Page("/search?q=" + UrlEncode("金穗湾 -补偿明细"));
  EXPECT_FALSE(Has(none, "区财政局2026年补偿明细公告"));
}

// The compliance dashboard: figures that drill down to exactly the rows
// they count, charts with their tables, and an export whose figures are the
// page's.
TEST_F(RecordsTest, ComplianceDashboard) {
  // Something to count: one record published, one obligation left open.
  std::int64_t id = CzjDraft("区财政局督查统计测试公告", "督查统计。");
  ASSERT_GT(id, 0);
  ASSERT_NO_FATAL_FAILURE(SubmitApprovePublish(id, *czj_liaison_, *czj_leader_));
  ASSERT_GT(RegisterObligation(*czj_liaison_, kCzj, "12/采购合同", "区财政局督查统计未公开事项", "2026-01-05"), 0);
  const std::string q = "from=2026-01-01&to=2026-12-31";
  std::string page = Page("/admin/compliance?" + q, admin_);
  EXPECT_TRUE(Has(page, "<h1>公开工作督查</h1>"));
  EXPECT_TRUE(Has(page, "统计口径"));
  EXPECT_TRUE(Has(page, "role=\"img\"")) << "no accessible charts";
  EXPECT_TRUE(Has(page, "<caption>各单位按时率")) << "no table beside the bar chart";
  // The site row: each figure links to its rows, whose count is the figure.
  static const std::regex cell(R"re(<a href="(/admin/compliance/rows\?site=1&amp;metric=(\w+)&amp;[^"]+)" aria-label="[^"]*">(\d+)</a>)re");
  std::map<std::string, int> site;
  for (auto it = std::sregex_iterator(page.begin(), page.end(), cell); it != std::sregex_iterator(); ++it) {
    std::string url = std::regex_replace((*it)[1].str(), std::regex("&amp;"), "&");
    const int n = std::stoi((*it)[3].str());
    site[(*it)[2].str()] = n;
    std::string rows = Page(url, admin_);
    EXPECT_TRUE(Has(rows, "（" + std::to_string(n) + "件）")) << url;
    EXPECT_EQ(static_cast<int>(Count(rows, "<tr><th scope=\"row\">")), n) << url;
  }
  ASSERT_EQ(site.size(), 7u) << page.substr(0, 2000);
  EXPECT_GE(site["overdue_now"], 1) << "the open obligation from January is overdue";
  EXPECT_GE(site["published_in_period"], 1);
  EXPECT_EQ(site["due"], site["on_time"] + site["late"] + site["overdue_now"] + site["pending"] + site["withheld"]);
  // The workbook's first sheet holds the same site figures.
  auto x = WebGet(*server_, "/admin/compliance.xlsx?" + q, admin_);
  ASSERT_TRUE(x);
  ASSERT_EQ(x->status, 200);
  auto sheet = gongkai::ReadXlsxFirstSheet(x->body);
  ASSERT_TRUE(sheet.has_value()) << sheet.error().message;
  ASSERT_GE(sheet->size(), 2u);
  const auto& header = (*sheet)[0].fields;
  const auto& values = (*sheet)[1].fields;
  auto column = [&](const std::string& name) {
    for (std::size_t i = 0; i < header.size() && i < values.size(); ++i)
      if (header[i] == name) return std::stoi(values[i]);
    ADD_FAILURE() << "no column " << name;
    return -1;
  };
  EXPECT_EQ(column("应公开"), site["due"]);
  EXPECT_EQ(column("按时公开"), site["on_time"]);
  EXPECT_EQ(column("逾期公开"), site["late"]);
  EXPECT_EQ(column("当前逾期未公开"), site["overdue_now"]);
  EXPECT_EQ(column("期内发布"), site["published_in_period"]);
  auto csv = WebGet(*server_, "/admin/compliance.csv?" + q, admin_);
  ASSERT_TRUE(csv);
  EXPECT_EQ(csv->status, 200);
  EXPECT_TRUE(Has(csv->body, "【单位】"));
  // Liaisons do not see other units' figures; a bad date is named.
  Page("/admin/compliance?" + q, czj_liaison_, 403);
  std::string bad = Page("/admin/compliance?from=2026-13-01", admin_, 400);
  EXPECT_TRUE(Has(bad, "2026-13-01"));
}

// The work page publishes all approved records at once: all or none.
TEST_F(RecordsTest, PublishApprovedTogether) {
  std::int64_t a = CzjDraft("区财政局批量发布测试一", "第一条。");
  std::int64_t b = CzjDraft("区财政局批量发布测试二", "第二条。");
  std::int64_t draft = CzjDraft("区财政局批量发布测试三（草稿）", "第三条。");
  ASSERT_GT(a, 0);
  ASSERT_GT(b, 0);
  ASSERT_GT(draft, 0);
  for (auto id : {a, b}) {
    ASSERT_NO_FATAL_FAILURE(MustAct(*czj_liaison_, id, "submit", {}, "待审核"));
    ASSERT_NO_FATAL_FAILURE(MustAct(*czj_leader_, id, "approve", kFullChecklist, "已审核待发布"));
  }
  std::string work = Page("/admin/work?unit=" + UrlEncode(kCzj), czj_liaison_);
  EXPECT_TRUE(Has(work, "条已审核信息</button>")) << "no publish-all button";
  EXPECT_TRUE(Has(work, "name=\"id\" value=\"" + std::to_string(a) + "\""));
  // A draft among them: refused, nothing published.
  httplib::Params with_draft = {{"unit", kCzj}};
  for (auto id : {a, b, draft}) with_draft.emplace("id", std::to_string(id));
  MustRefuse(*czj_liaison_, "/admin/work/publish", with_draft, 400, "公开信息" + std::to_string(draft));
  Page(PublicPath(a), nullptr, 404);
  // The two approved ones: published together.
  httplib::Params both = {{"unit", kCzj}, {"id", std::to_string(a)}, {"id", std::to_string(b)}};
  auto res = WebPost(*server_, "/admin/work/publish", both, *czj_liaison_);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << ErrorBox(res->body);
  EXPECT_TRUE(Has(res->body, "已发布2条信息。"));
  EXPECT_TRUE(Has(Page(PublicPath(a)), "区财政局批量发布测试一"));
  EXPECT_TRUE(Has(Page(PublicPath(b)), "区财政局批量发布测试二"));
  // Another unit's leader cannot publish them (they are published already, and not theirs).
  MustRefuse(*mzj_liaison_, "/admin/work/publish", {{"unit", kCzj}, {"id", std::to_string(draft)}}, 403, "");
}

// ---------------------------------------------------------------------------
// 9. Markup typed into a record is shown as text everywhere.

TEST_F(RecordsTest, XssInRecordFieldsIsEscaped) {
  const std::string title = "采购公告<script>alert(1)</script>\"><img src=x onerror=alert(1)>";
  const std::string body = "正文<script>alert(1)</script>\n\n"
                           "\"><img src=x onerror=alert(1)>\n\n"
                           "[x](javascript:alert(1)) [y](JaVaScRiPt:alert(2)) [z](https://example.com/?q=javascript:alert(3))\n\n"
                           "[合法链接](https://www.example.gov.cn/notice)";
  httplib::Params params = With(Content(title, body), {{"unit", kCzj}, {"target", "12/采购合同"}, {"formed_on", "2026-11-02"}});
  params.erase("doc_number");
  params.emplace("doc_number", "<script>alert(4)</script>");
  params.erase("topic");
  params.emplace("topic", "\"><img src=x onerror=alert(5)>");
  std::int64_t id = CreateDraft(*czj_liaison_, params);
  ASSERT_GT(id, 0);
  {
    auto res = WebPostMultipart(*server_, RecordPath(id) + "/attachments",
                                {{"file", kPdf, "<script>alert(1)</script>\"><img src=x onerror=alert(6)>.pdf",
                                  "application/pdf"}},
                                *czj_liaison_);
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << ErrorBox(res->body);
  }
  ASSERT_NO_FATAL_FAILURE(SubmitApprovePublish(id, *czj_liaison_, *czj_leader_));

  auto check = [](const std::string& what, const std::string& html) {
    SCOPED_TRACE(what);
    ASSERT_FALSE(html.empty());
    const std::string lower = Lower(html);
    EXPECT_FALSE(Has(lower, "<script>alert")) << "unescaped <script>";
    EXPECT_FALSE(Has(lower, "<img src=x")) << "unescaped <img>";
    EXPECT_FALSE(Has(lower, "href=\"javascript:")) << "javascript: link";
    EXPECT_TRUE(Has(html, "&lt;script&gt;alert(1)&lt;/script&gt;")) << "the escaped form is missing";
  };
  std::string pub = Page(PublicPath(id));
  check("public record page", pub);
  EXPECT_TRUE(Has(pub, "&lt;img src=x onerror=alert(1)&gt;"));
  EXPECT_TRUE(Has(pub, "<a href=\"https://www.example.gov.cn/notice\" rel=\"noopener\">合法链接</a>"))
      << "a safe link is rendered";
  EXPECT_FALSE(Has(pub, "<a href=\"https://example.com/?q=javascript:")) << "a link mentioning javascript:";
  EXPECT_EQ(Cell(pub, "文号"), "&lt;script&gt;alert(4)&lt;/script&gt;");
  EXPECT_TRUE(Has(pub, "&lt;img src=x onerror=alert(6)&gt;.pdf</a>")) << After(pub, "附件</h2>", "</ul>");
  {
    auto file = WebGet(*server_, PublicPath(id) + "/files/" + kPdfSha);
    ASSERT_TRUE(file);
    EXPECT_EQ(file->status, 200);
    const std::string cd = file->get_header_value("Content-Disposition");
    // (httplib's client percent-decodes header values: filename* reads decoded here.)
    EXPECT_TRUE(cd.starts_with("inline; filename=\"" + kPdfSha.substr(0, 16) + "\"; filename*=UTF-8''")) << cd;
    EXPECT_EQ(Count(cd, "\""), 2u) << "a quote from the file name breaks the header: " << cd;
  }
  check("item page", Page("/items/12"));
  check("admin record page (liaison)", Page(RecordPath(id), czj_liaison_));
  check("work page", Page("/admin/work", czj_liaison_));

  // The same on a draft the leader reviews (content shown as rendered HTML).
  std::int64_t draft = CreateDraft(*czj_liaison_, params);
  ASSERT_GT(draft, 0);
  ASSERT_NO_FATAL_FAILURE(MustAct(*czj_liaison_, draft, "submit", {}, "待审核"));
  check("admin record page (leader)", Page(RecordPath(draft), czj_leader_));
}

// A record's body of several thousand characters (a subsidy list, a contract
// summary): every Chinese character is 9 bytes in a URL-encoded form, and
// cpp-httplib refuses URL-encoded bodies over 8 KiB, so the record form is
// multipart (as a browser sends it, given the form's enctype).
TEST_F(RecordsTest, LongBodyThroughTheForm) {
  std::string body;
  for (int i = 0; body.size() < 3000 * 3; ++i) body += "第" + std::to_string(i) + "户补助资金已发放到位。";
  body += "长正文结束标记";
  std::string form = Page("/admin/records/new", czj_liaison_);
  static const std::regex record_form(R"re(<form method="post" action="/admin/records" enctype="multipart/form-data")re");
  ASSERT_TRUE(std::regex_search(form, record_form)) << "the record form is not multipart";

  auto multipart = [](const httplib::Params& params) {
    httplib::MultipartFormDataItems items;
    for (const auto& [k, v] : params) items.push_back({k, v, "", ""});
    return items;
  };
  auto res = WebPostMultipart(*server_, "/admin/records",
                              multipart(With(Content("长正文的采购公告", body),
                                             {{"unit", kCzj}, {"target", "12/采购合同"}, {"formed_on", "2026-11-02"}})),
                              *czj_liaison_);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 303) << ErrorBox(res->body);
  static const std::regex re(R"(^/admin/records/(\d+)$)");
  std::smatch m;
  std::string loc = res->get_header_value("Location");
  ASSERT_TRUE(std::regex_match(loc, m, re)) << loc;
  const std::int64_t id = std::stoll(m[1].str());
  std::string page = Page(RecordPath(id), czj_liaison_);
  EXPECT_TRUE(Has(page, "长正文结束标记")) << "the end of the long body was lost";
  EXPECT_TRUE(Has(page, "enctype=\"multipart/form-data\"")) << "the edit form is not multipart";

  // Editing the draft with a longer body, through the same form.
  const std::string longer = body + "修改后追加的段落";
  auto edit = WebPostMultipart(*server_, RecordPath(id), multipart(Content("长正文的采购公告", longer)), *czj_liaison_);
  ASSERT_TRUE(edit);
  EXPECT_EQ(edit->status, 200) << ErrorBox(edit->body);
  EXPECT_TRUE(Has(Page(RecordPath(id), czj_liaison_), "修改后追加的段落"));

  // The same body URL-encoded (an old page, a script) is refused with a
  // message, and nothing is written.
  const std::string before = Dump();
  auto old = WebPost(*server_, "/admin/records",
                     With(Content("不应保存的长正文", body), {{"unit", kCzj}, {"target", "12/采购合同"}, {"formed_on", "2026-11-02"}}),
                     *czj_liaison_);
  ASSERT_TRUE(old);
  EXPECT_EQ(old->status, 413);
  EXPECT_TRUE(Has(old->body, "提交的内容超过了服务器允许的大小")) << ErrorBox(old->body);
  EXPECT_EQ(Dump(), before);
}

}  // namespace
}  // namespace gongkai::testing
