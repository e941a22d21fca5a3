#include "http/admin.h"

#include <fmt/core.h>
#include <kainjow/mustache.hpp>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <optional>

#include "app/annual_report_actions.h"
#include "app/api_token_actions.h"
#include "app/webhook_actions.h"
#include "app/compliance_actions.h"
#include "codec/annual_mapping.h"
#include "http/annual_view.h"
#include "app/crypto.h"
#include "app/record_actions.h"
#include "app/registration_actions.h"
#include "codec/rules_codec.h"
#include "core/markdown.h"
#include "app/unit_actions.h"
#include "core/timestamp.h"
#include "codec/xlsx.h"
#include "http/request_text.h"
#include "http/svg_chart.h"
#include "http/views.h"

namespace gongkai {

namespace {

using Data = kainjow::mustache::data;

// The <option>s of a role select ({value, label}) and a unit select (names).
Data RoleOptions(std::initializer_list<Role> roles) {
  Data list{Data::type::list};
  for (Role r : roles) {
    Data rd;
    rd.set("value", RoleName(r));
    rd.set("label", RoleLabel(r));
    list.push_back(rd);
  }
  return list;
}

Data UnitNames(const Catalog& catalog) {
  Data list{Data::type::list};
  for (const auto& u : catalog.units) list.push_back(Data(u.name));
  return list;
}

constexpr const char* kHtml = "text/html; charset=utf-8";

// The signed-in state of one request.
struct Auth {
  bool signed_in = false;
  Actor actor;
  std::string csrf;
  std::string token;
  bool must_change_password = false;
};

// A form field, from a URL-encoded body or a multipart one. Forms with long
// text (a record's body, the annual mapping) are sent multipart: cpp-httplib
// refuses URL-encoded bodies over 8 KiB (a compile-time limit of Debian's
// library), which is about 900 Chinese characters once percent-encoded.
std::string Field(const httplib::Request& req, const std::string& name) {
  if (req.has_param(name.c_str())) return req.get_param_value(name.c_str());
  if (req.has_file(name.c_str())) return req.get_file_value(name.c_str()).content;
  return {};
}

bool HasField(const httplib::Request& req, const std::string& name) {
  return req.has_param(name.c_str()) || req.has_file(name.c_str());
}

bool IsSecure(const httplib::Request& req) { return req.get_header_value("X-Forwarded-Proto") == "https"; }

std::string CookieAttributes(const httplib::Request& req) {
  return std::string("; Path=/; HttpOnly; SameSite=Lax") + (IsSecure(req) ? "; Secure" : "");
}

Result<std::int64_t> ParseId(const std::string& s) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v <= 0) return Unexpected(Error::NotFound("编号无效"));
  return v;
}

// A local path to go back to after login, or "/admin". Refuses anything a
// browser could read as another site ("//x", "/\\x") and control characters.
std::string SafeNext(const std::string& next) {
  if (next.empty() || next[0] != '/' || next.size() > 2000) return "/admin";
  if (next.size() > 1 && (next[1] == '/' || next[1] == '\\')) return "/admin";
  for (unsigned char c : next)
    if (c < 0x20 || c == 0x7f || c == '\\') return "/admin";
  return next;
}

std::string Beijing(const std::string& iso) {
  auto t = ParseTimestamp(iso, "time");
  return t ? FormatBeijing(*t) : iso;
}

class Admin {
 public:
  explicit Admin(const AdminDeps& d) : d_(d) {}

  Auth Authenticate(const httplib::Request& req) const {
    Auth a;
    a.actor = Actor::Public(d_.site().id);
    std::string token = CookieValue(req, kSessionCookie);
    if (token.empty()) return a;
    auto s = ResolveSession(d_.store, d_.clock, token);
    if (!s || s->second.site_id != d_.site().id) return a;
    a.signed_in = true;
    a.actor = s->second;
    a.csrf = s->first.csrf_token;
    a.token = token;
    auto account = d_.store.GetAccount(a.actor.account_id);
    a.must_change_password = account && account->must_change_password;
    return a;
  }

  views::Viewer ViewerOf(const Auth& a) const {
    if (!a.signed_in) return {};
    return views::Viewer{a.actor.username, a.actor.display_name, RoleLabel(a.actor.role), a.csrf};
  }

  Context Ctx(const Auth& a) const { return Context{d_.store, d_.clock, a.actor}; }

  // Renders an admin page with the layout.
  void Send(httplib::Response& res, const Auth& a, const Catalog* cat, const std::string& title,
            const std::string& template_name, const Data& data, int status = 200,
            std::vector<views::Crumb> crumbs = {}) const {
    views::Viewer v = ViewerOf(a);
    if (crumbs.empty()) crumbs = {{"首页", "/"}, {"管理后台", "/admin"}, {title, ""}};
    res.status = status;
    res.set_header("Cache-Control", "no-store");
    res.set_content(views::RenderPage(d_.site(), cat, title, "", crumbs, views::RenderTemplate(template_name, data), &v),
                    kHtml);
  }

  // Maps an action's error to a response: login redirect, 403/404 page.
  void SendError(const httplib::Request& req, httplib::Response& res, const Auth& a, const Error& e,
                 const Catalog* cat = nullptr) const {
    if (e.code == ErrorCode::kUnauthenticated && !a.signed_in) return RedirectToLogin(req, res);
    int status = e.code == ErrorCode::kForbidden || e.code == ErrorCode::kUnauthenticated ? 403
                 : e.code == ErrorCode::kNotFound                                          ? 404
                 : e.code == ErrorCode::kInvalidInput || e.code == ErrorCode::kConflict    ? 400
                                                                                           : 500;
    std::string message = status == 500 ? "服务器暂时无法处理您的请求，请稍后再试。" : e.message;
    views::Viewer v = ViewerOf(a);
    res.status = status;
    res.set_header("Cache-Control", "no-store");
    res.set_content(views::ErrorPage(d_.site(), cat, status, message, &v), kHtml);
  }

  static void RedirectToLogin(const httplib::Request& req, httplib::Response& res) {
    res.status = 303;
    res.set_header("Location", "/login?next=" + httplib::detail::encode_query_param(req.path));
  }

  static void Redirect(httplib::Response& res, const std::string& to) {
    res.status = 303;
    res.set_header("Location", to);
  }

  // Every state-changing request must echo the session's CSRF token.
  bool CheckCsrf(const httplib::Request& req, httplib::Response& res, const Auth& a) const {
    if (!a.signed_in) {
      RedirectToLogin(req, res);
      return false;
    }
    if (!ConstantTimeEquals(Field(req, "_csrf"), a.csrf)) {
      SendError(req, res, a, Error{ErrorCode::kForbidden, "表单已过期或来源不明（安全校验未通过），请返回页面刷新后重新提交。", "_csrf", 0});
      return false;
    }
    // The body's fields are read after routing, so the server's UTF-8
    // check before routing saw only the path and query string.
    if (auto bad = BadTextPart(req)) {
      SendError(req, res, a, Error::Invalid(fmt::format("{}{}，请检查后重试", bad->part, bad->what), bad->field));
      return false;
    }
    return true;
  }

  Result<std::shared_ptr<const Snapshot>> Snap() const { return d_.snapshot(); }

  void Register(httplib::Server& http) {
    http.Get("/login", [this](const httplib::Request& req, httplib::Response& res) { LoginPage(req, res, "", ""); });
    http.Post("/login", [this](const httplib::Request& req, httplib::Response& res) { DoLogin(req, res); });
    http.Post("/logout", [this](const httplib::Request& req, httplib::Response& res) {
      Auth a = Authenticate(req);
      if (!CheckCsrf(req, res, a)) return;
      (void)Logout(d_.store, a.token);
      res.set_header("Set-Cookie", std::string(kSessionCookie) + "=" + CookieAttributes(req) + "; Max-Age=0");
      Redirect(res, "/");
    });
    http.Get("/admin", [this](const httplib::Request& req, httplib::Response& res) { Home(req, res); });
    http.Get("/admin/password", [this](const httplib::Request& req, httplib::Response& res) {
      Auth a = Authenticate(req);
      if (!a.signed_in) return RedirectToLogin(req, res);
      Data d;
      d.set("csrf", a.csrf);
      Send(res, a, nullptr, "修改密码", "admin_password", d);
    });
    http.Post("/admin/password", [this](const httplib::Request& req, httplib::Response& res) {
      Auth a = Authenticate(req);
      if (!CheckCsrf(req, res, a)) return;
      Data d;
      d.set("csrf", a.csrf);
      auto s = ChangeOwnPassword(Ctx(a), Field(req, "old_password"), Field(req, "new_password"));
      if (s) d.set("message", "密码已修改。");
      else d.set("error", s.error().message);
      Send(res, a, nullptr, "修改密码", "admin_password", d, s ? 200 : 400);
    });
    http.Get("/admin/units", [this](const httplib::Request& req, httplib::Response& res) { Units(req, res); });
    http.Get(R"(/admin/units/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
      UnitEdit(req, res, req.matches[1], "", "");
    });
    http.Post(R"(/admin/units/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
      SaveUnit(req, res, req.matches[1]);
    });
    http.Post(R"(/admin/units/([^/]+)/items)", [this](const httplib::Request& req, httplib::Response& res) {
      SaveUnitItems(req, res, req.matches[1]);
    });
    http.Get("/admin/accounts", [this](const httplib::Request& req, httplib::Response& res) {
      Accounts(req, res, "", "", 200);
    });
    http.Post("/admin/accounts", [this](const httplib::Request& req, httplib::Response& res) { CreateAccount(req, res); });
    http.Post(R"(/admin/accounts/(\d+)/reset)", [this](const httplib::Request& req, httplib::Response& res) {
      Auth a = Authenticate(req);
      if (!CheckCsrf(req, res, a)) return;
      auto id = ParseId(req.matches[1]);
      auto pw = id ? ResetPassword(Ctx(a), *id) : Result<std::string>(Unexpected(id.error()));
      if (!pw) {
        if (pw.error().code == ErrorCode::kForbidden || pw.error().code == ErrorCode::kUnauthenticated ||
            pw.error().code == ErrorCode::kNotFound)
          return SendError(req, res, a, pw.error());
        return Accounts(req, res, "", pw.error().message, 400);
      }
      auto acc = d_.store.GetAccount(*id);
      Accounts(req, res,
               fmt::format("已为账号“{}”设置初始密码：{}（仅显示这一次，请当面或通过安全渠道告知本人；首次登录后须修改）",
                           acc ? acc->username : "", *pw),
               "", 200);
    });
    http.Post(R"(/admin/accounts/(\d+)/active)", [this](const httplib::Request& req, httplib::Response& res) {
      Auth a = Authenticate(req);
      if (!CheckCsrf(req, res, a)) return;
      auto id = ParseId(req.matches[1]);
      auto s = id ? SetAccountActive(Ctx(a), *id, Field(req, "active") == "1") : Status(Unexpected(id.error()));
      if (!s) {
        if (s.error().code == ErrorCode::kForbidden || s.error().code == ErrorCode::kUnauthenticated ||
            s.error().code == ErrorCode::kNotFound)
          return SendError(req, res, a, s.error());
        return Accounts(req, res, "", s.error().message, 400);
      }
      Redirect(res, "/admin/accounts");
    });
    http.Get("/admin/webhooks", [this](const httplib::Request& req, httplib::Response& res) {
      Webhooks(req, res, WebhookPage{});
    });
    http.Post("/admin/webhooks", [this](const httplib::Request& req, httplib::Response& res) {
      Auth a = Authenticate(req);
      if (!CheckCsrf(req, res, a)) return;
      auto s = AddWebhook(Ctx(a), Field(req, "url"), Field(req, "description"));
      if (!s) {
        if (s.error().code == ErrorCode::kForbidden || s.error().code == ErrorCode::kUnauthenticated)
          return SendError(req, res, a, s.error());
        return Webhooks(req, res, WebhookPage{.error = s.error().message, .status = 400});
      }
      Webhooks(req, res,
               WebhookPage{.message = fmt::format("已添加推送订阅{}（{}），从事件{}之后开始推送。", s->id, s->url,
                                                  s->delivered_seq),
                           .secret = s->secret});
    });
    http.Post(R"(/admin/webhooks/(\d+)/(pause|resume))", [this](const httplib::Request& req, httplib::Response& res) {
      Auth a = Authenticate(req);
      if (!CheckCsrf(req, res, a)) return;
      auto id = ParseId(req.matches[1]);
      const bool resume = req.matches[2] == "resume";
      auto s = id ? SetWebhookActive(Ctx(a), *id, resume) : Status(Unexpected(id.error()));
      if (!s) return SendError(req, res, a, s.error());
      Redirect(res, "/admin/webhooks");
    });
    http.Post(R"(/admin/webhooks/(\d+)/replay)", [this](const httplib::Request& req, httplib::Response& res) {
      Auth a = Authenticate(req);
      if (!CheckCsrf(req, res, a)) return;
      auto id = ParseId(req.matches[1]);
      if (!id) return SendError(req, res, a, id.error());
      const std::string seq_text = Field(req, "event");
      std::int64_t seq = 0;
      auto [p, ec] = std::from_chars(seq_text.data(), seq_text.data() + seq_text.size(), seq);
      if (ec != std::errc() || p != seq_text.data() + seq_text.size() || seq <= 0)
        return Webhooks(req, res,
                        WebhookPage{.error = fmt::format("事件序号“{}”应为正整数", seq_text.substr(0, 40)), .status = 400});
      if (!d_.poster) return SendError(req, res, a, Error::Internal("本服务未配置推送"));
      auto sent = ReplayWebhook(Ctx(a), d_.site(), *d_.poster, *id, seq);
      if (!sent) {
        if (sent.error().code == ErrorCode::kNotFound)
          return Webhooks(req, res, WebhookPage{.error = sent.error().message, .status = 404});
        return SendError(req, res, a, sent.error());
      }
      if (sent->ok)
        return Webhooks(req, res, WebhookPage{.message = fmt::format("已向订阅{}重发事件{}：对方已确认（HTTP {}）。", *id, seq,
                                                                     sent->http_status)});
      Webhooks(req, res, WebhookPage{.error = fmt::format("已向订阅{}重发事件{}，但未成功：{}", *id, seq, sent->error),
                                     .status = 502});
    });
    http.Get("/admin/tokens", [this](const httplib::Request& req, httplib::Response& res) {
      Tokens(req, res, "", "", "", 200);
    });
    http.Post("/admin/tokens", [this](const httplib::Request& req, httplib::Response& res) { CreateToken(req, res); });
    http.Post(R"(/admin/tokens/(\d+)/revoke)", [this](const httplib::Request& req, httplib::Response& res) {
      Auth a = Authenticate(req);
      if (!CheckCsrf(req, res, a)) return;
      auto id = ParseId(req.matches[1]);
      auto s = id ? RevokeApiToken(Ctx(a), *id) : Status(Unexpected(id.error()));
      if (!s) {
        if (s.error().code == ErrorCode::kForbidden || s.error().code == ErrorCode::kUnauthenticated ||
            s.error().code == ErrorCode::kNotFound)
          return SendError(req, res, a, s.error());
        return Tokens(req, res, "", "", s.error().message, 409);
      }
      Tokens(req, res, "接口令牌已吊销，使用它的请求将被拒绝。", "", "", 200);
    });
    http.Get("/admin/rounds", [this](const httplib::Request& req, httplib::Response& res) { Rounds(req, res, ""); });
    http.Post("/admin/rounds", [this](const httplib::Request& req, httplib::Response& res) { CreateRound(req, res); });
    http.Get(R"(/admin/rounds/(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
      Board(req, res, "", "", 200);
    });
    http.Get(R"(/admin/rounds/(\d+)/roll\.xlsx)", [this](const httplib::Request& req, httplib::Response& res) {
      ExportRoll(req, res);
    });
    http.Get(R"(/admin/rounds/(\d+)/units/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
      RegisterPage(req, res, nullptr, "", "");
    });
    http.Post(R"(/admin/rounds/(\d+)/units/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
      SubmitRegister(req, res);
    });
    http.Get(R"(/admin/rounds/(\d+)/units/([^/]+)/print)", [this](const httplib::Request& req, httplib::Response& res) {
      PrintForm(req, res);
    });
    http.Post(R"(/admin/rounds/(\d+)/units/([^/]+)/paper)", [this](const httplib::Request& req, httplib::Response& res) {
      ReviewPaper(req, res);
    });
    http.Get(R"(/admin/files/([0-9a-f]{64}))", [this](const httplib::Request& req, httplib::Response& res) {
      Auth a = Authenticate(req);
      auto f = LoadPaperFormScan(Ctx(a), req.matches[1]);
      if (!f) return SendError(req, res, a, f.error());
      res.set_header("Content-Disposition", fmt::format("attachment; filename=\"scan-{}\"", f->sha256.substr(0, 12)));
      res.set_header("Cache-Control", "private, no-store");
      res.set_content(f->content, f->mime.c_str());
    });
    http.Get("/admin/audit", [this](const httplib::Request& req, httplib::Response& res) { Audit(req, res); });
    http.Get("/admin/compliance", [this](const httplib::Request& req, httplib::Response& res) { Compliance(req, res); });
    http.Get("/admin/compliance.xlsx", [this](const httplib::Request& req, httplib::Response& res) {
      ComplianceExport(req, res, true);
    });
    http.Get("/admin/compliance.csv", [this](const httplib::Request& req, httplib::Response& res) {
      ComplianceExport(req, res, false);
    });
    http.Get("/admin/compliance/rows", [this](const httplib::Request& req, httplib::Response& res) {
      ComplianceRows(req, res);
    });
    http.Post("/admin/compliance/event-driven", [this](const httplib::Request& req, httplib::Response& res) {
      Auth a = Authenticate(req);
      if (!CheckCsrf(req, res, a)) return;
      auto snap = Snap();
      if (!snap) return SendError(req, res, a, snap.error());
      std::set<int> items;
      for (std::size_t i = 0; i < req.get_param_value_count("item"); ++i) {
        const std::string v = req.get_param_value("item", i);
        auto n = ParseId(v);
        if (!n || *n > 1000000) return SendError(req, res, a, Error::Invalid(fmt::format("事项序号“{}”无效", v), "item"));
        items.insert(static_cast<int>(*n));
      }
      if (auto s = SetEventDrivenItems(Ctx(a), (*snap)->catalog, items); !s) return SendError(req, res, a, s.error(), &(*snap)->catalog);
      Redirect(res, "/admin/compliance#ev-h");
    });
    http.Get("/admin/annual", [this](const httplib::Request& req, httplib::Response& res) { Annual(req, res); });
    http.Get("/admin/annual.xlsx", [this](const httplib::Request& req, httplib::Response& res) {
      auto ar = OpenAnnual(req, res);
      if (!ar) return;
      auto bytes = WriteXlsx(AnnualReportSheets(ar->view, ar->snap->catalog));
      if (!bytes) return SendError(req, res, ar->a, bytes.error());
      res.set_header("Cache-Control", "private, no-store");
      res.set_header("Content-Disposition", fmt::format("attachment; filename=\"annual-report-{}.xlsx\"", ar->view.year));
      res.set_content(*bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    });
    http.Get("/admin/annual/records", [this](const httplib::Request& req, httplib::Response& res) {
      AnnualRecords(req, res);
    });
    http.Get("/admin/annual/mapping", [this](const httplib::Request& req, httplib::Response& res) {
      AnnualMappingPage(req, res, "", "", "", 200);
    });
    http.Post("/admin/annual/mapping", [this](const httplib::Request& req, httplib::Response& res) {
      Auth a = Authenticate(req);
      if (!CheckCsrf(req, res, a)) return;
      auto snap = Snap();
      if (!snap) return SendError(req, res, a, snap.error());
      const std::string json = Field(req, "mapping");
      auto s = SetAnnualMapping(Ctx(a), (*snap)->catalog, json);
      if (!s) {
        if (s.error().code != ErrorCode::kInvalidInput) return SendError(req, res, a, s.error());
        std::string where = s.error().field.empty() ? "" : fmt::format("（位置：{}）", s.error().field);
        return AnnualMappingPage(req, res, "", s.error().message + where, json, 400);
      }
      AnnualMappingPage(req, res, json.find_first_not_of(" \t\r\n") == std::string::npos ? "已恢复系统默认统计口径。"
                                                                                       : "统计口径已保存。",
                        "", "", 200);
    });
    http.Get("/admin/notices", [this](const httplib::Request& req, httplib::Response& res) {
      Notices(req, res, "", "", 200);
    });
    http.Post("/admin/notices/read", [this](const httplib::Request& req, httplib::Response& res) {
      Auth a = Authenticate(req);
      if (!CheckCsrf(req, res, a)) return;
      if (auto s = MarkNoticesRead(Ctx(a), 0); !s) return SendError(req, res, a, s.error());
      Redirect(res, "/admin/notices");
    });
    http.Post("/admin/notices/email", [this](const httplib::Request& req, httplib::Response& res) {
      Auth a = Authenticate(req);
      if (!CheckCsrf(req, res, a)) return;
      auto s = SetAccountEmail(Ctx(a), a.actor.account_id, Field(req, "email"));
      if (!s) {
        if (s.error().code != ErrorCode::kInvalidInput) return SendError(req, res, a, s.error());
        return Notices(req, res, "", s.error().message, 400);
      }
      Notices(req, res, "提醒邮箱已保存。", "", 200);
    });
    http.Post("/admin/reminders/run", [this](const httplib::Request& req, httplib::Response& res) {
      Auth a = Authenticate(req);
      if (!CheckCsrf(req, res, a)) return;
      auto snap = Snap();
      if (!snap) return SendError(req, res, a, snap.error());
      auto run = RunReminders(Ctx(a), (*snap)->catalog, d_.reminders(), false);
      if (!run) return SendError(req, res, a, run.error(), &(*snap)->catalog);
      std::string message =
          !run->working_day
              ? fmt::format("今天（{}）不是工作日，未生成新的提醒。", run->today.ToString())
              : fmt::format("已生成{}条提醒（{}项）。", run->notices, run->lines);
      if (run->emails_sent + run->emails_failed > 0)
        message += fmt::format("邮件发送成功{}封，失败{}封。", run->emails_sent, run->emails_failed);
      Notices(req, res, message, "", 200);
    });
    RegisterRecords(http);
  }

  // ---- disclosure work: obligations and records ------------------------------

  void RegisterRecords(httplib::Server& http) {
    http.Get("/admin/work", [this](const httplib::Request& req, httplib::Response& res) { Work(req, res, "", "", 200); });
    http.Post("/admin/obligations", [this](const httplib::Request& req, httplib::Response& res) {
      Auth a = Authenticate(req);
      if (!CheckCsrf(req, res, a)) return;
      auto snap = Snap();
      if (!snap) return SendError(req, res, a, snap.error());
      auto [item, element] = SplitTarget(Field(req, "target"));
      NewObligation n{Field(req, "unit"), item, element, Field(req, "title"), Field(req, "formed_on")};
      auto o = RegisterObligation(Ctx(a), (*snap)->catalog, rules_, n);
      if (!o) return ActionFailed(req, res, a, o.error(), [&](const std::string& e) { Work(req, res, "", e, 400, n.unit); });
      Work(req, res, fmt::format("已登记“{}”，应于{}前公开{}。", o->title, o->due_on.ToString(),
                                 o->provisional ? "（暂定）" : ""),
           "", 200, n.unit);
    });
    // Publishes every approved record listed on the work page at once (one
    // transaction: all or none).
    http.Post("/admin/work/publish", [this](const httplib::Request& req, httplib::Response& res) {
      Auth a = Authenticate(req);
      if (!CheckCsrf(req, res, a)) return;
      std::string unit = Field(req, "unit");
      std::vector<std::int64_t> ids;
      for (std::size_t i = 0; i < req.get_param_value_count("id"); ++i) {
        auto id = ParseId(req.get_param_value("id", i));
        if (!id) return SendError(req, res, a, id.error());
        ids.push_back(*id);
      }
      auto done = PublishRecords(Ctx(a), ids);
      if (!done) return ActionFailed(req, res, a, done.error(), [&](const std::string& e) { Work(req, res, "", e, 400, unit); });
      Work(req, res, fmt::format("已发布{}条信息。", done->size()), "", 200, unit);
    });
    http.Get(R"(/admin/obligations/(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
      ObligationPage(req, res, "", 200);
    });
    http.Post(R"(/admin/obligations/(\d+)/(cancel|withhold))", [this](const httplib::Request& req, httplib::Response& res) {
      Auth a = Authenticate(req);
      if (!CheckCsrf(req, res, a)) return;
      auto id = ParseId(req.matches[1]);
      if (!id) return SendError(req, res, a, id.error());
      auto o = req.matches[2] == "cancel" ? CancelObligation(Ctx(a), *id, Field(req, "reason"))
                                          : WithholdObligation(Ctx(a), *id, Field(req, "ground"), Field(req, "reason"));
      if (!o) return ActionFailed(req, res, a, o.error(), [&](const std::string& e) { ObligationPage(req, res, e, 400); });
      Redirect(res, "/admin/work?unit=" + httplib::detail::encode_query_param(o->unit));
    });
    http.Get("/admin/records/new", [this](const httplib::Request& req, httplib::Response& res) {
      RecordPage(req, res, 0, "", "", 200, nullptr);
    });
    http.Post("/admin/records", [this](const httplib::Request& req, httplib::Response& res) {
      Auth a = Authenticate(req);
      if (!CheckCsrf(req, res, a)) return;
      auto snap = Snap();
      if (!snap) return SendError(req, res, a, snap.error());
      NewDraft n;
      n.obligation_id = std::atoll(Field(req, "obligation").c_str());
      n.unit = Field(req, "unit");
      std::tie(n.item, n.element) = SplitTarget(Field(req, "target"));
      n.formed_on = Field(req, "formed_on");
      n.content = ContentFromForm(req);
      auto r = CreateDraft(Ctx(a), (*snap)->catalog, rules_, n);
      if (!r) return ActionFailed(req, res, a, r.error(), [&](const std::string& e) {
        RecordPage(req, res, 0, "", e, 400, &n.content);
      });
      Redirect(res, fmt::format("/admin/records/{}", r->id));
    });
    http.Get(R"(/admin/records/(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
      auto id = ParseId(req.matches[1]);
      RecordPage(req, res, id ? *id : -1, "", "", 200, nullptr);
    });
    http.Post(R"(/admin/records/(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
      RecordAction(req, res, [&](const Context& ctx, std::int64_t id) {
        return UpdateDraft(ctx, id, ContentFromForm(req), Field(req, "change_note"));
      }, "草稿已保存。");
    });
    http.Post(R"(/admin/records/(\d+)/attachments)", [this](const httplib::Request& req, httplib::Response& res) {
      RecordAction(req, res, [&](const Context& ctx, std::int64_t id) -> Result<Record> {
        if (!req.has_file("file") || req.get_file_value("file").content.empty())
          return Unexpected(Error::Invalid("请选择要上传的文件", "file"));
        auto f = req.get_file_value("file");
        return AddAttachment(ctx, id, f.filename, f.content, d_.max_attachment_bytes, Field(req, "purpose") == "evidence");
      }, "附件已上传。");
    });
    http.Post(R"(/admin/records/(\d+)/attachments/([0-9a-f]{64})/delete)",
              [this](const httplib::Request& req, httplib::Response& res) {
                RecordAction(req, res, [&](const Context& ctx, std::int64_t id) {
                  return RemoveAttachment(ctx, id, req.matches[2]);
                }, "附件已删除。");
              });
    // Any file of a record (draft or published version, evidence photos
    // included) for the people who may see the unit's work.
    http.Get(R"(/admin/records/(\d+)/files/([0-9a-f]{64}))", [this](const httplib::Request& req, httplib::Response& res) {
      Auth a = Authenticate(req);
      if (!a.signed_in) return RedirectToLogin(req, res);
      auto id = ParseId(req.matches[1]);
      if (!id) return SendError(req, res, a, id.error());
      auto r = d_.store.GetRecord(*id);
      if (!r || r->site_id != d_.site().id) return SendError(req, res, a, Error::NotFound("公开信息不存在"));
      if (auto s = Authorize(a.actor, Action::kViewUnitWork, r->unit); !s) return SendError(req, res, a, s.error());
      auto versions = d_.store.ListVersions(*id);
      if (!versions) return SendError(req, res, a, versions.error());
      std::optional<Attachment> found;
      auto look = [&](const std::vector<Attachment>& list) {
        for (const auto& at : list)
          if (at.sha256 == req.matches[2].str()) found = at;
      };
      look(r->draft.attachments);
      for (const auto& v : *versions) look(v.content.attachments);
      if (!found) return SendError(req, res, a, Error::NotFound("该信息没有这个附件"));
      auto f = d_.store.GetFile(found->sha256);
      if (!f) return SendError(req, res, a, f.error());
      bool inline_ok = f->mime.starts_with("image/") || f->mime == "application/pdf";
      res.set_header("Content-Disposition",
                     fmt::format("{}; filename=\"{}\"; filename*=UTF-8''{}", inline_ok ? "inline" : "attachment",
                                 found->sha256.substr(0, 16), httplib::detail::encode_query_param(found->filename)));
      res.set_header("Cache-Control", "private, no-store");
      res.set_content(f->content, f->mime.c_str());
    });
    http.Post(R"(/admin/records/(\d+)/mask)", [this](const httplib::Request& req, httplib::Response& res) {
      RecordAction(req, res, [&](const Context& ctx, std::int64_t id) { return MaskDraft(ctx, id); },
                   "已对个人信息去标识化。");
    });
    http.Post(R"(/admin/records/(\d+)/submit)", [this](const httplib::Request& req, httplib::Response& res) {
      RecordAction(req, res, [&](const Context& ctx, std::int64_t id) { return SubmitRecord(ctx, id); },
                   "已提交分管领导审核。");
    });
    http.Post(R"(/admin/records/(\d+)/return)", [this](const httplib::Request& req, httplib::Response& res) {
      RecordAction(req, res, [&](const Context& ctx, std::int64_t id) { return ReturnRecord(ctx, id, Field(req, "comment")); },
                   "已退回联络员修改。");
    });
    http.Post(R"(/admin/records/(\d+)/approve)", [this](const httplib::Request& req, httplib::Response& res) {
      RecordAction(req, res, [&](const Context& ctx, std::int64_t id) -> Result<Record> {
        auto snap = Snap();
        if (!snap) return Unexpected(snap.error());
        ReviewChecklist c{Field(req, "no_state_secret") == "1", Field(req, "no_commercial_secret") == "1",
                          Field(req, "personal_info_handled") == "1"};
        return ApproveRecord(ctx, (*snap)->catalog, id, c);
      }, "审核通过。");
    });
    http.Post(R"(/admin/records/(\d+)/publish)", [this](const httplib::Request& req, httplib::Response& res) {
      RecordAction(req, res, [&](const Context& ctx, std::int64_t id) { return PublishRecord(ctx, id); },
                   "已发布。");
    });
    http.Post(R"(/admin/records/(\d+)/revise)", [this](const httplib::Request& req, httplib::Response& res) {
      RecordAction(req, res, [&](const Context& ctx, std::int64_t id) { return StartRevision(ctx, id); },
                   "已开始修订：当前公开版本保持不变，修订稿发布后成为新版本。");
    });
    http.Post(R"(/admin/records/(\d+)/withdraw)", [this](const httplib::Request& req, httplib::Response& res) {
      RecordAction(req, res, [&](const Context& ctx, std::int64_t id) { return WithdrawRecord(ctx, id, Field(req, "reason")); },
                   "已撤回。");
    });
  }

  static std::pair<int, std::string> SplitTarget(const std::string& target) {
    auto slash = target.find('/');
    int item = std::atoi(target.substr(0, slash).c_str());
    return {item, slash == std::string::npos ? std::string() : target.substr(slash + 1)};
  }

  static RecordContent ContentFromForm(const httplib::Request& req) {
    RecordContent c;
    c.title = Field(req, "title");
    c.body = Field(req, "body");
    c.doc_number = Field(req, "doc_number");
    c.written_on = Field(req, "written_on");
    c.genre = Field(req, "genre");
    c.topic = Field(req, "topic");
    c.validity = Field(req, "validity");
    c.disclosure_mode = Field(req, "disclosure_mode").empty() ? "主动公开" : Field(req, "disclosure_mode");
    c.scope = Field(req, "scope").empty() ? "全社会" : Field(req, "scope");
    std::string ch = Field(req, "channels");
    std::size_t start = 0;
    while (start <= ch.size()) {
      auto pos = ch.find("、", start);
      std::string part = ch.substr(start, pos == std::string::npos ? std::string::npos : pos - start);
      while (!part.empty() && part.front() == ' ') part.erase(0, 1);
      while (!part.empty() && part.back() == ' ') part.pop_back();
      if (!part.empty()) c.channels.push_back(part);
      if (pos == std::string::npos) break;
      start = pos + 3;
    }
    return c;
  }

  // Permission errors become 403/login; others re-render with the message.
  template <typename Rerender>
  void ActionFailed(const httplib::Request& req, httplib::Response& res, const Auth& a, const Error& e,
                    Rerender rerender) {
    if (e.code == ErrorCode::kForbidden || e.code == ErrorCode::kUnauthenticated || e.code == ErrorCode::kNotFound ||
        e.code == ErrorCode::kStorage || e.code == ErrorCode::kInternal)
      return SendError(req, res, a, e);
    rerender(e.message);
  }

  template <typename F>
  void RecordAction(const httplib::Request& req, httplib::Response& res, F action, const std::string& done) {
    Auth a = Authenticate(req);
    if (!CheckCsrf(req, res, a)) return;
    auto id = ParseId(req.matches[1]);
    if (!id) return SendError(req, res, a, id.error());
    Result<Record> r = action(Ctx(a), *id);
    if (!r) {
      RecordContent typed = ContentFromForm(req);
      bool edit = HasField(req, "title");
      return ActionFailed(req, res, a, r.error(), [&](const std::string& e) {
        RecordPage(req, res, *id, "", e, 400, edit ? &typed : nullptr);
      });
    }
    RecordPage(req, res, *id, done, "", 200, nullptr);
  }

  Data TargetsFor(const Catalog& c, const std::string& unit) const {
    Data list{Data::type::list};
    for (const auto& area : c.areas)
      for (const auto& it : area.items) {
        if (std::find(it.units.begin(), it.units.end(), unit) == it.units.end()) continue;
        Data o;
        o.set("value", fmt::format("{}/", it.number));
        o.set("text", fmt::format("{}.{}（一般时限）", it.number, it.title));
        list.push_back(o);
        for (const auto& e : it.elements) {
          Data eo;
          eo.set("value", fmt::format("{}/{}", it.number, e.name));
          eo.set("text", fmt::format("{}.{} — {}", it.number, it.title, e.name));
          list.push_back(eo);
        }
      }
    return list;
  }

  void Work(const httplib::Request& req, httplib::Response& res, const std::string& message, const std::string& error,
            int status, std::string unit = "") {
    Auth a = Authenticate(req);
    if (!a.signed_in) return RedirectToLogin(req, res);
    auto snap = Snap();
    if (!snap) return SendError(req, res, a, snap.error());
    const Catalog& c = (*snap)->catalog;
    bool unit_bound = a.actor.role == Role::kLiaison || a.actor.role == Role::kLeader;
    if (unit.empty()) unit = unit_bound ? a.actor.unit : req.get_param_value("unit");
    if (unit.empty() && !c.units.empty()) unit = c.units.front().name;
    if (auto s = Authorize(a.actor, Action::kViewUnitWork, unit); !s) return SendError(req, res, a, s.error());
    if (!c.FindUnit(unit)) return SendError(req, res, a, Error::NotFound(fmt::format("没有名为“{}”的责任单位", unit)), &c);
    Data d;
    d.set("unit", unit);
    d.set("unit_q", httplib::detail::encode_query_param(unit));
    d.set("csrf", a.csrf);
    if (!message.empty()) d.set("message", message);
    if (!error.empty()) d.set("error", error);
    if (!unit_bound) {
      d.set("choose_unit", true);
      Data units{Data::type::list};
      for (const auto& u : c.units) {
        Data ud;
        ud.set("name", u.name);
        if (u.name == unit) ud.set("selected", true);
        units.push_back(ud);
      }
      d.set("units", units);
    }
    bool can_register = Authorize(a.actor, Action::kRegisterObligation, unit).has_value();
    if (can_register) d.set("can_register", true);
    d.set("targets", TargetsFor(c, unit));
    Date today = BeijingDate(d_.clock.Now());
    auto obligations = d_.store.ListObligations(d_.site().id, unit, ObligationState::kOpen);
    if (!obligations) return SendError(req, res, a, obligations.error());
    Data obs{Data::type::list};
    for (const auto& o : *obligations) {
      Data od;
      od.set("id", fmt::format("{}", o.id));
      od.set("title", o.title);
      const Item* it = c.FindItem(o.item_number);
      od.set("item", fmt::format("{}.{}", o.item_number, it ? it->title : ""));
      if (!o.element.empty()) od.set("element", o.element);
      od.set("formed_on", o.formed_on.ToString());
      od.set("due_on", o.due_on.ToString());
      if (o.provisional) od.set("provisional", true);
      auto left = (*snap)->calendar.calendar.WorkingDaysBetween(today, o.due_on);
      int n = left ? *left : 0;
      od.set("left", n > 0 ? fmt::format("还剩{}个工作日", n) : n == 0 ? std::string("今天到期") : fmt::format("已逾期{}个工作日", -n));
      od.set("left_class", n < 0 ? "state-late" : n <= 5 ? "state-missing" : "state-ontime");
      if (Authorize(a.actor, Action::kEditDraft, unit)) od.set("can_draft", true);
      obs.push_back(od);
    }
    if (!obligations->empty()) d.set("has_obligations", true);
    d.set("obligations", obs);
    RecordFilter working;
    working.unit = unit;
    working.published_only = false;
    working.statuses = {RecordStatus::kDraft, RecordStatus::kSubmitted, RecordStatus::kApproved};
    working.limit = 200;
    auto records = d_.store.ListRecords(d_.site().id, working);
    if (!records) return SendError(req, res, a, records.error());
    Data recs{Data::type::list};
    Data approved{Data::type::list};
    int approved_count = 0;
    for (const auto& r : *records) {
      Data rd;
      rd.set("id", fmt::format("{}", r.id));
      rd.set("title", r.draft.title);
      rd.set("status", RecordStatusLabel(r.status));
      if (r.published_version > 0) rd.set("revision", true);
      rd.set("due_on", r.due_on.ToString());
      rd.set("updated", Beijing(r.updated_at));
      recs.push_back(rd);
      if (r.status == RecordStatus::kApproved) {
        Data ad;
        ad.set("id", fmt::format("{}", r.id));
        approved.push_back(ad);
        ++approved_count;
      }
    }
    if (approved_count > 0 && Authorize(a.actor, Action::kPublishRecord, unit)) {
      d.set("can_publish_all", true);
      d.set("approved", approved);
      d.set("approved_count", fmt::format("{}", approved_count));
    }
    if (!records->empty()) d.set("has_records", true);
    d.set("records", recs);
    RecordFilter pub;
    pub.unit = unit;
    pub.limit = 20;
    auto published = d_.store.ListRecords(d_.site().id, pub);
    if (!published) return SendError(req, res, a, published.error());
    Data pubs{Data::type::list};
    for (const auto& r : *published) {
      Data pd;
      pd.set("id", fmt::format("{}", r.id));
      pd.set("title", r.published_title);
      pd.set("index_number", r.index_number);
      pd.set("status", RecordStatusLabel(r.status));
      pd.set("timeliness", r.late_days == 0 ? std::string("按时") : fmt::format("逾期{}个工作日", r.late_days));
      pubs.push_back(pd);
    }
    if (!published->empty()) d.set("has_published", true);
    d.set("published", pubs);
    Send(res, a, &c, unit + "：公开工作", "admin_work", d, status);
  }

  void ObligationPage(const httplib::Request& req, httplib::Response& res, const std::string& error, int status) {
    Auth a = Authenticate(req);
    if (!a.signed_in) return RedirectToLogin(req, res);
    auto snap = Snap();
    if (!snap) return SendError(req, res, a, snap.error());
    auto id = ParseId(req.matches[1]);
    if (!id) return SendError(req, res, a, id.error());
    auto o = d_.store.GetObligation(*id);
    if (!o || o->site_id != d_.site().id) return SendError(req, res, a, Error::NotFound("待公开事项不存在"));
    if (auto s = Authorize(a.actor, Action::kViewUnitWork, o->unit); !s) return SendError(req, res, a, s.error());
    Data d;
    d.set("id", fmt::format("{}", o->id));
    d.set("csrf", a.csrf);
    d.set("title", o->title);
    d.set("unit", o->unit);
    const Item* it = (*snap)->catalog.FindItem(o->item_number);
    d.set("item", fmt::format("{}.{}", o->item_number, it ? it->title : ""));
    if (!o->element.empty()) d.set("element", o->element);
    d.set("formed_on", o->formed_on.ToString());
    d.set("due_on", o->due_on.ToString());
    d.set("state", ObligationStateLabel(o->state));
    if (!o->reason.empty()) d.set("reason", o->reason);
    if (o->state == ObligationState::kOpen) d.set("open", true);
    if (!error.empty()) d.set("error", error);
    Data grounds{Data::type::list};
    for (const auto& g : WithholdingGrounds()) {
      Data gd;
      gd.set("id", g.id);
      gd.set("label", g.label);
      grounds.push_back(gd);
    }
    d.set("grounds", grounds);
    Send(res, a, &(*snap)->catalog, "待公开事项", "admin_obligation", d, status);
  }

  // The record's admin page; id 0 = the new-draft form.
  void RecordPage(const httplib::Request& req, httplib::Response& res, std::int64_t id, const std::string& message,
                  const std::string& error, int status, const RecordContent* typed) {
    Auth a = Authenticate(req);
    if (!a.signed_in) return RedirectToLogin(req, res);
    if (id < 0) return SendError(req, res, a, Error::NotFound("公开信息不存在"));
    auto snap = Snap();
    if (!snap) return SendError(req, res, a, snap.error());
    const Catalog& c = (*snap)->catalog;
    Data d;
    d.set("csrf", a.csrf);
    d.set("max_attachment_mb", fmt::format("{}", d_.max_attachment_bytes / (1024 * 1024)));
    if (!message.empty()) d.set("message", message);
    if (!error.empty()) d.set("error", error);
    Record r;
    if (id > 0) {
      auto loaded = d_.store.GetRecord(id);
      if (!loaded || loaded->site_id != d_.site().id) return SendError(req, res, a, Error::NotFound("公开信息不存在"));
      r = *loaded;
      if (auto s = Authorize(a.actor, Action::kViewUnitWork, r.unit); !s) return SendError(req, res, a, s.error());
      d.set("exists", true);
      d.set("id", fmt::format("{}", r.id));
      d.set("heading", r.draft.title);
      d.set("form_action", fmt::format("/admin/records/{}", r.id));
    } else {
      // New draft: for an obligation, or directly for a unit.
      std::int64_t ob = std::atoll(Field(req, "obligation").c_str());
      if (ob > 0) {
        auto o = d_.store.GetObligation(ob);
        if (!o || o->site_id != d_.site().id) return SendError(req, res, a, Error::NotFound("待公开事项不存在"));
        r.unit = o->unit;
        r.item_number = o->item_number;
        r.element = o->element;
        d.set("obligation_id", fmt::format("{}", ob));
        r.draft.title = o->title;
      } else {
        r.unit = a.actor.unit.empty() ? Field(req, "unit") : a.actor.unit;
        d.set("new_direct", true);
        d.set("targets", TargetsFor(c, r.unit));
        d.set("formed_on", Field(req, "formed_on"));
      }
      if (auto s = Authorize(a.actor, Action::kEditDraft, r.unit); !s) return SendError(req, res, a, s.error());
      d.set("heading", "起草公开信息");
      d.set("form_action", "/admin/records");
      d.set("unit", r.unit);
    }
    const RecordContent& shown = typed ? *typed : r.draft;
    d.set("unit", r.unit);
    const Item* item = c.FindItem(r.item_number);
    d.set("item", fmt::format("{}.{}", r.item_number, item ? item->title : ""));
    if (!r.element.empty()) d.set("element", r.element);
    d.set("formed_on", r.formed_on.ToString());
    d.set("due_on", r.due_on.ToString());
    if (r.provisional) d.set("provisional", true);
    d.set("status", RecordStatusLabel(r.status));
    if (r.published_version > 0 && r.status != RecordStatus::kPublished && r.status != RecordStatus::kWithdrawn) {
      d.set("revision", true);
      d.set("published_version", fmt::format("{}", r.published_version));
    }
    if (!r.index_number.empty()) d.set("index_number", r.index_number);
    if (!r.review_comment.empty()) d.set("review_comment", r.review_comment);
    d.set("title", shown.title);
    d.set("body", shown.body);
    d.set("body_html", RenderBody(shown.body));
    d.set("doc_number", shown.doc_number);
    d.set("written_on", shown.written_on);
    d.set("genre", shown.genre);
    d.set("topic", shown.topic);
    d.set(shown.validity.empty() ? "v_none" : shown.validity == "有效" ? "v_valid" : shown.validity == "失效" ? "v_expired" : "v_repealed", true);
    d.set(shown.disclosure_mode == "依申请公开" ? "m_request" : "m_active", true);
    d.set("scope", shown.scope);
    std::string channels;
    for (std::size_t i = 0; i < shown.channels.size(); ++i) channels += (i ? "、" : "") + shown.channels[i];
    d.set("channels", channels.empty() && id == 0 ? std::string("门户网站") : channels);
    d.set("change_note", typed ? Field(req, "change_note") : r.change_note);
    Data atts{Data::type::list};
    for (const auto& at : r.draft.attachments) {
      Data ad;
      ad.set("url", fmt::format("/admin/records/{}/files/{}", r.id, at.sha256));
      ad.set("sha256", at.sha256);
      if (at.evidence) ad.set("evidence", true);
      ad.set("filename", at.filename);
      if (auto f = d_.store.GetFile(at.sha256); f && !at.evidence) {
        if (f->text_status == "ok") ad.set("text_state", "已提取文字，可被搜索");
        if (f->text_status == "truncated") ad.set("text_state", "已提取部分文字（文件过大、页数过多或超时），其余部分不能被搜索");
        if (f->text_status == "failed") ad.set("text_state", fmt::format("未能提取文字（{}），只能按文件名搜索", f->text_note));
      }
      ad.set("type", at.mime);
      ad.set("size", views::HumanSize(at.size));
      atts.push_back(ad);
    }
    if (!r.draft.attachments.empty()) d.set("has_attachments", true);
    d.set("attachments", atts);
    bool is_draft = id == 0 || r.status == RecordStatus::kDraft;
    if (is_draft && Authorize(a.actor, Action::kEditDraft, r.unit)) d.set("can_edit", true);
    if (id > 0) {
      if (r.status == RecordStatus::kDraft && Authorize(a.actor, Action::kSubmitRecord, r.unit)) d.set("can_submit", true);
      if (r.status == RecordStatus::kSubmitted && Authorize(a.actor, Action::kApproveRecord, r.unit)) d.set("can_review", true);
      if (r.status == RecordStatus::kApproved && Authorize(a.actor, Action::kPublishRecord, r.unit)) d.set("can_publish", true);
      if (r.status == RecordStatus::kPublished && Authorize(a.actor, Action::kEditDraft, r.unit)) d.set("can_revise", true);
      if (r.published_version > 0 && r.status != RecordStatus::kWithdrawn &&
          Authorize(a.actor, Action::kWithdrawRecord, r.unit))
        d.set("can_withdraw", true);
      if (r.status != RecordStatus::kPublished && r.status != RecordStatus::kWithdrawn) {
        Context ctx = Ctx(a);
        auto findings = FindingsOf(ctx, r);
        if (findings && !findings->empty()) {
          d.set("has_findings", true);
          d.set("finding_count", fmt::format("{}", findings->size()));
          if (item && item->privacy_protection) d.set("privacy_item", true);
          Data fl{Data::type::list};
          for (const auto& f : *findings) {
            Data fd;
            fd.set("line", fmt::format("{}", f.line));
            fd.set("column", fmt::format("{}", f.column));
            fd.set("kind", PiiKindLabel(f.kind));
            fd.set("preview", f.masked_preview);
            if (!f.where.empty()) fd.set("where", f.where);
            fl.push_back(fd);
          }
          d.set("findings", fl);
        }
      }
    }
    Send(res, a, &c, id > 0 ? r.draft.title : std::string("起草公开信息"), "admin_record", d, status,
         {{"首页", "/"}, {"管理后台", "/admin"},
          {r.unit + "：公开工作", "/admin/work?unit=" + httplib::detail::encode_query_param(r.unit)},
          {id > 0 ? r.draft.title : std::string("起草"), ""}});
  }

 private:
  void LoginPage(const httplib::Request& req, httplib::Response& res, const std::string& error,
                 const std::string& username, int status = 200) {
    std::string csrf = RandomToken(24);
    res.set_header("Set-Cookie", std::string(kLoginCsrfCookie) + "=" + csrf + CookieAttributes(req));
    Data d;
    d.set("csrf", csrf);
    d.set("next", SafeNext(req.has_param("next") ? req.get_param_value("next") : "/admin"));
    d.set("username", username);
    if (!error.empty()) d.set("error", error);
    d.set("max_failures", fmt::format("{}", d_.policy.max_failures));
    d.set("lock_minutes", fmt::format("{}", d_.policy.failure_window.count() / 60));
    Auth none;
    Send(res, none, nullptr, "工作人员登录", "login", d, status, {{"首页", "/"}, {"工作人员登录", ""}});
  }

  void DoLogin(const httplib::Request& req, httplib::Response& res) {
    std::string expected = CookieValue(req, kLoginCsrfCookie);
    if (expected.empty() || !ConstantTimeEquals(Field(req, "_csrf"), expected))
      return LoginPage(req, res, "登录表单已过期（安全校验未通过），请重新输入。", Field(req, "username"), 403);
    if (auto bad = BadTextPart(req))
      return LoginPage(req, res, fmt::format("{}{}，请重新输入。", bad->part, bad->what), "", 400);
    std::string username = Field(req, "username");
    auto r = Login(d_.store, d_.clock, d_.site().id, username, Field(req, "password"), d_.policy);
    if (!r) return LoginPage(req, res, r.error().message, username, r.error().code == ErrorCode::kForbidden ? 429 : 401);
    res.set_header("Set-Cookie", std::string(kSessionCookie) + "=" + r->token + CookieAttributes(req));
    Redirect(res, r->account.must_change_password ? "/admin/password" : SafeNext(Field(req, "next")));
  }

  void Home(const httplib::Request& req, httplib::Response& res) {
    Auth a = Authenticate(req);
    if (auto s = Authorize(a.actor, Action::kViewAdmin); !s) return SendError(req, res, a, s.error());
    Data d;
    d.set("name", a.actor.display_name);
    d.set("role", RoleLabel(a.actor.role));
    if (!a.actor.unit.empty()) d.set("unit", a.actor.unit);
    if (a.must_change_password) d.set("must_change", true);
    Data links{Data::type::list};
    auto add = [&](Action action, const std::string& url, const std::string& label, const std::string& hint) {
      if (!RoleMay(a.actor.role, action)) return;
      Data l;
      l.set("url", url);
      l.set("label", label);
      if (!hint.empty()) l.set("hint", hint);
      links.push_back(l);
    };
    auto rounds = d_.store.ListRounds(d_.site().id);
    if (rounds && !rounds->empty()) {
      const auto& latest = rounds->front();
      if (a.actor.role == Role::kLiaison || a.actor.role == Role::kLeader)
        add(Action::kRegisterUnit,
            fmt::format("/admin/rounds/{}/units/{}", latest.id, views::PercentEncode(a.actor.unit)),
            "填报本单位联络员登记表", fmt::format("{}，截止{}", latest.title, Beijing(latest.deadline)));
    }
    add(Action::kViewUnitWork, "/admin/work", "公开工作", "待公开事项（按应公开日期）、草稿、审核、发布");
    add(Action::kViewRoll, "/admin/rounds", "联络员登记", "发起登记、查看各单位登记和纸质表签收情况、导出名册");
    add(Action::kEditUnits, "/admin/units", "责任单位", "单位信息、组织机构代码、负责事项");
    add(Action::kManageAccounts, "/admin/accounts", "账号管理", "新建账号、设置初始密码、停用账号");
    add(Action::kManageWebhooks, "/admin/webhooks", "信息推送", "向政务新媒体、省级平台等渠道推送发布、修订、撤回事件：订阅、推送记录、重发");
    add(Action::kManageApiTokens, "/admin/tokens", "接口令牌", "为各单位业务系统创建、吊销接口令牌（按单位和角色授权）");
    add(Action::kViewAudit, "/admin/audit", "操作日志", "所有变更的记录");
    add(Action::kViewCompliance, "/admin/compliance", "公开工作督查", "各单位、各事项按时公开情况，公开空白，月度趋势，导出Excel");
    add(Action::kViewCompliance, "/admin/annual", "年度报告", "政府信息公开工作年度报告“主动公开政府信息情况”表及公开时效附表，导出Excel");
    {
      auto unread = UnreadNoticeCount(Ctx(a));
      Data l;
      l.set("url", "/admin/notices");
      l.set("label", unread && *unread > 0 ? fmt::format("我的提醒（{}条未读）", *unread) : std::string("我的提醒"));
      l.set("hint", "即将到期和已逾期的待公开事项；设置接收提醒的邮箱");
      links.push_back(l);
    }
    Data pw;
    pw.set("url", "/admin/password");
    pw.set("label", "修改密码");
    links.push_back(pw);
    d.set("links", links);
    Send(res, a, nullptr, "管理后台", "admin_home", d, 200, {{"首页", "/"}, {"管理后台", ""}});
  }

  void Units(const httplib::Request& req, httplib::Response& res) {
    Auth a = Authenticate(req);
    if (auto s = Authorize(a.actor, Action::kViewRoll); !s) return SendError(req, res, a, s.error());
    auto snap = Snap();
    if (!snap) return SendError(req, res, a, snap.error());
    const Catalog& c = (*snap)->catalog;
    Data d;
    d.set("count", fmt::format("{}", c.units.size()));
    bool can_edit = RoleMay(a.actor.role, Action::kEditUnits);
    if (can_edit) d.set("can_edit", true);
    Data list{Data::type::list};
    for (const auto& u : c.units) {
      Data ud;
      ud.set("name", u.name);
      ud.set("short_name", u.short_name);
      ud.set("kind", u.kind);
      ud.set("parent", u.parent);
      ud.set("org_code", u.org_code);
      ud.set("status", u.active ? "在用" : "停用");
      ud.set("item_count", fmt::format("{}", c.ItemsOfUnit(u.name).size()));
      ud.set("edit_url", "/admin/units/" + views::PercentEncode(u.name));
      if (can_edit) ud.set("can_edit", true);
      list.push_back(ud);
    }
    d.set("units", list);
    Send(res, a, &c, "责任单位管理", "admin_units", d);
  }

  void UnitEdit(const httplib::Request& req, httplib::Response& res, const std::string& name,
                const std::string& error, const std::string& saved, int status = 200,
                const UnitInfo* typed = nullptr) {
    Auth a = Authenticate(req);
    if (auto s = Authorize(a.actor, Action::kEditUnits); !s) return SendError(req, res, a, s.error());
    auto snap = Snap();
    if (!snap) return SendError(req, res, a, snap.error());
    const Catalog& c = (*snap)->catalog;
    const UnitInfo* u = c.FindUnit(name);
    if (!u) return SendError(req, res, a, Error::NotFound(fmt::format("没有名为“{}”的责任单位", name)), &c);
    const UnitInfo& shown = typed ? *typed : *u;
    Data d;
    d.set("csrf", a.csrf);
    d.set("name", shown.name);
    d.set("short_name", shown.short_name);
    d.set("org_code", shown.org_code);
    if (shown.active) d.set("active", true);
    d.set("action", "/admin/units/" + views::PercentEncode(u->name));
    d.set("items_action", "/admin/units/" + views::PercentEncode(u->name) + "/items");
    if (!error.empty()) d.set("error", error);
    if (!saved.empty()) d.set("saved", saved);
    Data kinds{Data::type::list};
    for (const auto& k : UnitKinds()) {
      Data kd;
      kd.set("value", k);
      if (k == shown.kind) kd.set("selected", true);
      kinds.push_back(kd);
    }
    d.set("kinds", kinds);
    Data parents{Data::type::list};
    for (const auto& other : c.units) {
      if (other.name == u->name) continue;
      Data pd;
      pd.set("value", other.name);
      if (other.name == shown.parent) pd.set("selected", true);
      parents.push_back(pd);
    }
    d.set("parents", parents);
    Data items{Data::type::list}, open_items{Data::type::list};
    for (const auto& area : c.areas)
      for (const auto& it : area.items) {
        Data id;
        id.set("number", fmt::format("{}", it.number));
        id.set("title", it.title);
        id.set("csrf", a.csrf);
        id.set("items_action", "/admin/units/" + views::PercentEncode(u->name) + "/items");
        bool mine = std::find(it.units.begin(), it.units.end(), u->name) != it.units.end();
        if (mine) items.push_back(id);
        else if (it.units_open_ended) open_items.push_back(id);
      }
    d.set("items", items);
    d.set("open_items", open_items);
    auto history = d_.store.UnitItemHistory(d_.site().id, u->name);
    Data hist{Data::type::list};
    if (history) {
      for (const auto& h : *history) {
        Data hd;
        hd.set("at", Beijing(h.changed_at));
        hd.set("item", fmt::format("{}", h.item_number));
        hd.set("change", h.change == "add" ? "增补" : "移除");
        hd.set("reason", h.reason);
        hd.set("actor", h.actor);
        hist.push_back(hd);
      }
      if (!history->empty()) d.set("has_history", true);
    }
    d.set("history", hist);
    Send(res, a, &c, "编辑责任单位", "admin_unit_edit", d, status,
         {{"首页", "/"}, {"管理后台", "/admin"}, {"责任单位管理", "/admin/units"}, {u->name, ""}});
  }

  void SaveUnit(const httplib::Request& req, httplib::Response& res, const std::string& name) {
    Auth a = Authenticate(req);
    if (!CheckCsrf(req, res, a)) return;
    auto snap = Snap();
    if (!snap) return SendError(req, res, a, snap.error());
    UnitInfo u;
    u.name = Field(req, "name");
    u.short_name = Field(req, "short_name");
    u.org_code = Field(req, "org_code");
    u.kind = Field(req, "kind");
    u.parent = Field(req, "parent");
    u.active = Field(req, "active") != "0";
    auto s = EditUnit(Ctx(a), (*snap)->catalog, name, u);
    if (!s) {
      if (s.error().code == ErrorCode::kForbidden || s.error().code == ErrorCode::kUnauthenticated ||
          s.error().code == ErrorCode::kNotFound)
        return SendError(req, res, a, s.error());
      return UnitEdit(req, res, name, s.error().message, "", 400, &u);
    }
    Redirect(res, "/admin/units/" + views::PercentEncode(NormalizeUnitName(u.name)));
  }

  void SaveUnitItems(const httplib::Request& req, httplib::Response& res, const std::string& name) {
    Auth a = Authenticate(req);
    if (!CheckCsrf(req, res, a)) return;
    auto snap = Snap();
    if (!snap) return SendError(req, res, a, snap.error());
    int item = std::atoi(Field(req, "item").c_str());
    bool add = Field(req, "op") == "add";
    auto s = ChangeItemUnit(Ctx(a), (*snap)->catalog, item, name, add, Field(req, "reason"));
    if (!s) {
      if (s.error().code == ErrorCode::kForbidden || s.error().code == ErrorCode::kUnauthenticated)
        return SendError(req, res, a, s.error());
      return UnitEdit(req, res, name, s.error().message, "", 400);
    }
    Redirect(res, "/admin/units/" + views::PercentEncode(name));
  }

  void Accounts(const httplib::Request& req, httplib::Response& res, const std::string& message,
                const std::string& error, int status) {
    Auth a = Authenticate(req);
    if (auto s = Authorize(a.actor, Action::kManageAccounts); !s) return SendError(req, res, a, s.error());
    auto snap = Snap();
    if (!snap) return SendError(req, res, a, snap.error());
    auto accounts = d_.store.ListAccounts(d_.site().id);
    if (!accounts) return SendError(req, res, a, accounts.error());
    Data d;
    d.set("csrf", a.csrf);
    if (!message.empty()) d.set("message", message);
    if (!error.empty()) d.set("error", error);
    d.set("count", fmt::format("{}", accounts->size()));
    Data list{Data::type::list};
    for (const auto& acc : *accounts) {
      Data ad;
      ad.set("id", fmt::format("{}", acc.id));
      ad.set("username", acc.username);
      ad.set("display_name", acc.display_name);
      ad.set("role", RoleLabel(acc.role));
      ad.set("unit", acc.unit);
      ad.set("email", acc.email);
      ad.set("status", !acc.active ? "已停用" : acc.password_hash.empty() ? "待设置密码" : "正常");
      ad.set("toggle_value", acc.active ? "0" : "1");
      ad.set("toggle_label", acc.active ? "停用" : "启用");
      ad.set("csrf", a.csrf);
      list.push_back(ad);
    }
    d.set("accounts", list);
    d.set("roles", RoleOptions({Role::kAdmin, Role::kLiaison, Role::kLeader, Role::kAuditor}));
    d.set("units", UnitNames((*snap)->catalog));
    Send(res, a, &(*snap)->catalog, "账号管理", "admin_accounts", d, status);
  }

  void CreateAccount(const httplib::Request& req, httplib::Response& res) {
    Auth a = Authenticate(req);
    if (!CheckCsrf(req, res, a)) return;
    auto snap = Snap();
    if (!snap) return SendError(req, res, a, snap.error());
    NewAccount n;
    n.username = Field(req, "username");
    n.display_name = Field(req, "display_name");
    n.role = ParseRole(Field(req, "role")).value_or(Role::kPublic);
    n.unit = Field(req, "unit");
    n.password = Field(req, "password");
    n.email = Field(req, "email");
    auto acc = AddAccount(Ctx(a), (*snap)->catalog, n);
    if (!acc) {
      if (acc.error().code == ErrorCode::kForbidden || acc.error().code == ErrorCode::kUnauthenticated)
        return SendError(req, res, a, acc.error());
      return Accounts(req, res, "", acc.error().message, 400);
    }
    Accounts(req, res, fmt::format("已创建账号“{}”。", acc->username), "", 200);
  }

  // The pushes to other channels (webhooks). `secret` is a subscriber's
  // secret just created, shown once.
  struct WebhookPage {
    std::string message, secret, error;
    int status = 200;
  };
  void Webhooks(const httplib::Request& req, httplib::Response& res, const WebhookPage& page) {
    Auth a = Authenticate(req);
    auto overview = ListWebhooks(Ctx(a));
    if (!overview) return SendError(req, res, a, overview.error());
    auto snap = Snap();
    if (!snap) return SendError(req, res, a, snap.error());
    Data d;
    d.set("csrf", a.csrf);
    if (!page.message.empty()) d.set("message", page.message);
    if (!page.secret.empty()) d.set("secret", page.secret);
    if (!page.error.empty()) d.set("error", page.error);
    d.set("newest", fmt::format("{}", overview->newest_seq));
    d.set("count", fmt::format("{}", overview->subscribers.size()));
    std::map<std::int64_t, std::string> names;
    Data list{Data::type::list};
    for (const auto& s : overview->subscribers) {
      names[s.id] = s.description.empty() ? s.url : s.description;
      Data sd;
      sd.set("id", fmt::format("{}", s.id));
      sd.set("url", s.url);
      sd.set("description", s.description.empty() ? std::string("（无说明）") : s.description);
      sd.set("active", s.active);
      sd.set("delivered", fmt::format("{}", s.delivered_seq));
      const std::int64_t behind = std::max<std::int64_t>(0, overview->newest_seq - s.delivered_seq);
      sd.set("behind", fmt::format("{}", behind));
      if (behind == 0) sd.set("caught_up", true);
      if (s.failures > 0) sd.set("failures", fmt::format("{}", s.failures));
      if (!s.next_attempt_at.empty()) sd.set("next_attempt", Beijing(s.next_attempt_at));
      if (!s.last_error.empty()) sd.set("last_error", s.last_error);
      sd.set("created", Beijing(s.created_at));
      sd.set("created_by", s.created_by);
      sd.set("csrf", a.csrf);
      list.push_back(sd);
    }
    d.set("subscribers", list);
    if (overview->subscribers.empty()) d.set("none", true);
    Data log{Data::type::list};
    for (const auto& e : overview->log) {
      Data ed;
      ed.set("at", Beijing(e.at));
      ed.set("subscriber", names.count(e.subscriber_id) ? names[e.subscriber_id] : fmt::format("{}", e.subscriber_id));
      ed.set("event", fmt::format("{}", e.event_seq));
      ed.set("ok", e.ok);
      ed.set("http", e.http_status > 0 ? fmt::format("{}", e.http_status) : std::string("无应答"));
      ed.set("replay", e.replay);
      ed.set("error", e.error);
      log.push_back(ed);
    }
    d.set("log", log);
    if (overview->log.empty()) d.set("no_log", true);
    Send(res, a, &(*snap)->catalog, "信息推送", "admin_webhooks", d, page.status);
  }

  // The units' API tokens. `secret` is a token just created, shown once.
  void Tokens(const httplib::Request& req, httplib::Response& res, const std::string& message,
              const std::string& secret, const std::string& error, int status) {
    Auth a = Authenticate(req);
    auto tokens = ListApiTokens(Ctx(a));
    if (!tokens) return SendError(req, res, a, tokens.error());
    auto snap = Snap();
    if (!snap) return SendError(req, res, a, snap.error());
    Data d;
    d.set("csrf", a.csrf);
    if (!message.empty()) d.set("message", message);
    if (!secret.empty()) d.set("secret", secret);
    if (!error.empty()) d.set("error", error);
    d.set("count", fmt::format("{}", tokens->size()));
    Data list{Data::type::list};
    for (const auto& t : *tokens) {
      Data td;
      td.set("id", fmt::format("{}", t.id));
      td.set("name", t.name);
      td.set("unit", t.unit);
      td.set("role", RoleLabel(t.role));
      td.set("created", Beijing(t.created_at));
      td.set("created_by", t.created_by);
      td.set("last_used", t.last_used_at.empty() ? std::string("从未使用") : Beijing(t.last_used_at));
      if (t.revoked()) td.set("revoked", Beijing(t.revoked_at));
      td.set("csrf", a.csrf);
      list.push_back(td);
    }
    d.set("tokens", list);
    if (tokens->empty()) d.set("none", true);
    d.set("roles", RoleOptions({Role::kLiaison, Role::kLeader}));
    d.set("units", UnitNames((*snap)->catalog));
    Send(res, a, &(*snap)->catalog, "接口令牌", "admin_tokens", d, status);
  }

  void CreateToken(const httplib::Request& req, httplib::Response& res) {
    Auth a = Authenticate(req);
    if (!CheckCsrf(req, res, a)) return;
    auto snap = Snap();
    if (!snap) return SendError(req, res, a, snap.error());
    NewApiToken n;
    n.name = Field(req, "name");
    n.unit = Field(req, "unit");
    n.role = ParseRole(Field(req, "role")).value_or(Role::kPublic);
    auto created = CreateApiToken(Ctx(a), (*snap)->catalog, n);
    if (!created) {
      if (created.error().code == ErrorCode::kForbidden || created.error().code == ErrorCode::kUnauthenticated)
        return SendError(req, res, a, created.error());
      return Tokens(req, res, "", "", created.error().message, 400);
    }
    Tokens(req, res,
           fmt::format("已为{}（{}）创建接口令牌“{}”。", created->token.unit, RoleLabel(created->token.role),
                       created->token.name),
           created->secret, "", 200);
  }

  void Rounds(const httplib::Request& req, httplib::Response& res, const std::string& error, int status = 200) {
    Auth a = Authenticate(req);
    if (auto s = Authorize(a.actor, Action::kViewRoll); !s) return SendError(req, res, a, s.error());
    auto rounds = d_.store.ListRounds(d_.site().id);
    if (!rounds) return SendError(req, res, a, rounds.error());
    Data d;
    d.set("csrf", a.csrf);
    if (!error.empty()) d.set("error", error);
    if (RoleMay(a.actor.role, Action::kManageRounds)) d.set("can_manage", true);
    Data list{Data::type::list};
    for (const auto& r : *rounds) {
      Data rd;
      rd.set("id", fmt::format("{}", r.id));
      rd.set("title", r.title);
      rd.set("deadline", Beijing(r.deadline));
      rd.set("paper_address", r.paper_address);
      rd.set("paper_phones", r.paper_phones);
      rd.set("link_label", "登记情况");
      list.push_back(rd);
    }
    if (!rounds->empty()) d.set("has_rounds", true);
    d.set("rounds", list);
    RegistrationRound seed = SeedRound();
    d.set("seed_title", seed.title);
    d.set("seed_deadline", "2018-07-13 17:30");
    d.set("seed_address", seed.paper_address);
    d.set("seed_phones", seed.paper_phones);
    Send(res, a, nullptr, "联络员登记", "admin_rounds", d, status);
  }

  void CreateRound(const httplib::Request& req, httplib::Response& res) {
    Auth a = Authenticate(req);
    if (!CheckCsrf(req, res, a)) return;
    RegistrationRound r;
    r.title = Field(req, "title");
    r.deadline = Field(req, "deadline");
    r.paper_address = Field(req, "paper_address");
    r.paper_phones = Field(req, "paper_phones");
    auto created = OpenRound(Ctx(a), r);
    if (!created) {
      if (created.error().code == ErrorCode::kForbidden || created.error().code == ErrorCode::kUnauthenticated)
        return SendError(req, res, a, created.error());
      return Rounds(req, res, created.error().message, 400);
    }
    Redirect(res, fmt::format("/admin/rounds/{}", created->id));
  }

  void Board(const httplib::Request& req, httplib::Response& res, const std::string& message,
             const std::string& error, int status) {
    Auth a = Authenticate(req);
    auto snap = Snap();
    if (!snap) return SendError(req, res, a, snap.error());
    auto id = ParseId(req.matches[1]);
    if (!id) return SendError(req, res, a, id.error());
    auto roll = LoadRoll(Ctx(a), (*snap)->catalog, *id);
    if (!roll) return SendError(req, res, a, roll.error(), &(*snap)->catalog);
    Data d;
    d.set("id", fmt::format("{}", roll->round.id));
    d.set("title", roll->round.title);
    d.set("deadline", Beijing(roll->round.deadline));
    d.set("paper_address", roll->round.paper_address);
    d.set("paper_phones", roll->round.paper_phones);
    d.set("on_time", fmt::format("{}", roll->on_time));
    d.set("late", fmt::format("{}", roll->late));
    d.set("missing", fmt::format("{}", roll->missing));
    d.set("paper_received", fmt::format("{}", roll->paper_received));
    if (!message.empty()) d.set("message", message);
    if (!error.empty()) d.set("error", error);
    bool can_review = RoleMay(a.actor.role, Action::kReviewPaperForm);
    Data rows{Data::type::list};
    int index = 0;
    for (const auto& row : roll->rows) {
      Data rd;
      std::string base = fmt::format("/admin/rounds/{}/units/{}", roll->round.id, views::PercentEncode(row.unit.name));
      rd.set("index", fmt::format("{}", ++index));
      rd.set("unit", row.unit.name);
      rd.set("state", RegistrationStateLabel(row.state));
      rd.set("state_class", row.state == RegistrationState::kOnTime ? "state-ontime"
                            : row.state == RegistrationState::kLate  ? "state-late"
                                                                     : "state-missing");
      rd.set("register_url", base);
      rd.set("print_url", base + "/print");
      rd.set("paper_url", base + "/paper");
      rd.set("csrf", a.csrf);
      if (can_review) rd.set("can_review", true);
      if (row.registration) {
        const auto& r = *row.registration;
        rd.set("registered", true);
        rd.set("submitted", Beijing(r.first_submitted_at));
        rd.set("leader", fmt::format("{}（{}，{}）", r.leader.name, r.leader.post, r.leader.phone));
        rd.set("liaison", fmt::format("{}（{}，{}）", r.liaison.name, r.liaison.post, r.liaison.phone));
        rd.set("paper", PaperStatusLabel(r.paper));
        if (!r.paper_note.empty()) rd.set("paper_note", r.paper_note);
        if (!r.scan_sha256.empty()) rd.set("scan_url", "/admin/files/" + r.scan_sha256);
      } else {
        rd.set("paper", PaperStatusLabel(PaperStatus::kNone));
      }
      rows.push_back(rd);
    }
    d.set("rows", rows);
    Send(res, a, &(*snap)->catalog, roll->round.title, "admin_round", d, status,
         {{"首页", "/"}, {"管理后台", "/admin"}, {"联络员登记", "/admin/rounds"}, {roll->round.title, ""}});
  }

  void ExportRoll(const httplib::Request& req, httplib::Response& res) {
    Auth a = Authenticate(req);
    auto snap = Snap();
    if (!snap) return SendError(req, res, a, snap.error());
    auto id = ParseId(req.matches[1]);
    if (!id) return SendError(req, res, a, id.error());
    auto bytes = ExportRollXlsx(Ctx(a), (*snap)->catalog, *id);
    if (!bytes) return SendError(req, res, a, bytes.error());
    res.set_header("Content-Disposition",
                   fmt::format("attachment; filename=\"roll-{}.xlsx\"; filename*=UTF-8''{}", *id,
                               httplib::detail::encode_query_param("联络员名册.xlsx")));
    res.set_header("Cache-Control", "private, no-store");
    res.set_content(*bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  }

  void RegisterPage(const httplib::Request& req, httplib::Response& res, const RegistrationForm* typed,
                    const std::string& error, const std::string& error_field, int status = 200,
                    const std::string& message = "") {
    Auth a = Authenticate(req);
    auto snap = Snap();
    if (!snap) return SendError(req, res, a, snap.error());
    auto id = ParseId(req.matches[1]);
    if (!id) return SendError(req, res, a, id.error());
    std::string unit = req.matches[2];
    if (auto s = Authorize(a.actor, Action::kRegisterUnit, unit); !s) return SendError(req, res, a, s.error());
    auto row = LoadUnitRegistration(Ctx(a), (*snap)->catalog, *id, unit);
    if (!row) return SendError(req, res, a, row.error(), &(*snap)->catalog);
    auto round = d_.store.GetRound(d_.site().id, *id);
    if (!round) return SendError(req, res, a, round.error());
    Data d;
    d.set("csrf", a.csrf);
    d.set("unit", unit);
    d.set("deadline", Beijing(round->deadline));
    d.set("state", RegistrationStateLabel(row->state));
    std::string base = fmt::format("/admin/rounds/{}/units/{}", *id, views::PercentEncode(unit));
    d.set("action", base);
    d.set("print_url", base + "/print");
    RegistrationForm shown;
    if (typed) {
      shown = *typed;
    } else if (row->registration) {
      shown = RegistrationForm{row->registration->leader, row->registration->liaison, row->registration->affiliation};
      d.set("submitted", Beijing(row->registration->submitted_at));
    } else {
      shown.affiliation = unit;
    }
    d.set("leader_name", shown.leader.name);
    d.set("leader_post", shown.leader.post);
    d.set("leader_phone", shown.leader.phone);
    d.set("liaison_name", shown.liaison.name);
    d.set("liaison_post", shown.liaison.post);
    d.set("liaison_phone", shown.liaison.phone);
    d.set("affiliation", shown.affiliation);
    if (!error.empty()) {
      d.set("error", error);
      if (!error_field.empty()) d.set("err_" + error_field, true);
    }
    if (!message.empty()) d.set("message", message);
    Send(res, a, &(*snap)->catalog, "填报联络员登记表", "admin_register", d, status,
         {{"首页", "/"}, {"管理后台", "/admin"}, {round->title, fmt::format("/admin/rounds/{}", *id)}, {unit, ""}});
  }

  void SubmitRegister(const httplib::Request& req, httplib::Response& res) {
    Auth a = Authenticate(req);
    if (!CheckCsrf(req, res, a)) return;
    auto snap = Snap();
    if (!snap) return SendError(req, res, a, snap.error());
    auto id = ParseId(req.matches[1]);
    if (!id) return SendError(req, res, a, id.error());
    std::string unit = req.matches[2];
    RegistrationForm form{{Field(req, "leader_name"), Field(req, "leader_post"), Field(req, "leader_phone")},
                          {Field(req, "liaison_name"), Field(req, "liaison_post"), Field(req, "liaison_phone")},
                          Field(req, "affiliation")};
    auto r = SubmitRegistration(Ctx(a), (*snap)->catalog, *id, unit, form);
    if (!r) {
      const Error& e = r.error();
      if (e.code == ErrorCode::kForbidden || e.code == ErrorCode::kUnauthenticated || e.code == ErrorCode::kNotFound)
        return SendError(req, res, a, e);
      return RegisterPage(req, res, &form, e.message, e.field, 400);
    }
    RegisterPage(req, res, nullptr, "", "", 200, "登记信息已提交。请打印登记表，由分管领导签字并加盖单位公章后报送。");
  }

  void PrintForm(const httplib::Request& req, httplib::Response& res) {
    Auth a = Authenticate(req);
    auto snap = Snap();
    if (!snap) return SendError(req, res, a, snap.error());
    auto id = ParseId(req.matches[1]);
    if (!id) return SendError(req, res, a, id.error());
    std::string unit = req.matches[2];
    auto row = LoadUnitRegistration(Ctx(a), (*snap)->catalog, *id, unit);
    if (!row) return SendError(req, res, a, row.error(), &(*snap)->catalog);
    auto round = d_.store.GetRound(d_.site().id, *id);
    if (!round) return SendError(req, res, a, round.error());
    Data d;
    d.set("unit", unit);
    d.set("round_id", fmt::format("{}", *id));
    if (row->registration) {
      const auto& r = *row->registration;
      d.set("leader_name", r.leader.name);
      d.set("leader_post", r.leader.post);
      d.set("leader_phone", r.leader.phone);
      d.set("liaison_name", r.liaison.name);
      d.set("liaison_post", r.liaison.post);
      d.set("liaison_phone", r.liaison.phone);
      d.set("affiliation", r.affiliation);
    }
    auto deadline = ParseTimestamp(round->deadline, "deadline");
    if (deadline) {
      Date day = BeijingDate(*deadline);
      d.set("deadline_text", fmt::format("{}年{}月{}日（{}）", day.year(), day.month(), day.day(), day.WeekdayName()));
    }
    d.set("paper_address", round->paper_address);
    d.set("paper_phones", round->paper_phones);
    Send(res, a, &(*snap)->catalog, "联络员登记表", "admin_print", d, 200,
         {{"首页", "/"}, {"管理后台", "/admin"}, {round->title, fmt::format("/admin/rounds/{}", *id)},
          {unit + "登记表", ""}});
  }

  void ReviewPaper(const httplib::Request& req, httplib::Response& res) {
    Auth a = Authenticate(req);
    if (!CheckCsrf(req, res, a)) return;
    auto id = ParseId(req.matches[1]);
    if (!id) return SendError(req, res, a, id.error());
    std::string unit = req.matches[2];
    auto status = ParsePaperStatus(Field(req, "status"));
    std::string scan = req.has_file("scan") ? req.get_file_value("scan").content : std::string();
    auto r = ReviewPaperForm(Ctx(a), *id, unit, status.value_or(PaperStatus::kNone), Field(req, "note"), scan);
    if (!r) {
      const Error& e = r.error();
      if (e.code == ErrorCode::kForbidden || e.code == ErrorCode::kUnauthenticated || e.code == ErrorCode::kNotFound)
        return SendError(req, res, a, e);
      return Board(req, res, "", fmt::format("{}：{}", unit, e.message), 400);
    }
    Board(req, res,
          fmt::format("{}的纸质登记表已{}。", unit, r->paper == PaperStatus::kReceived ? "签收" : "退回"), "", 200);
  }

  void Audit(const httplib::Request& req, httplib::Response& res) {
    Auth a = Authenticate(req);
    if (auto s = Authorize(a.actor, Action::kViewAudit); !s) return SendError(req, res, a, s.error());
    int page = std::max(1, std::atoi(req.get_param_value("page").c_str()));
    constexpr int kPerPage = 50;
    auto entries = d_.store.ListAudit(d_.site().id, kPerPage + 1, (page - 1) * kPerPage);
    if (!entries) return SendError(req, res, a, entries.error());
    Data d;
    d.set("page", fmt::format("{}", page));
    Data list{Data::type::list};
    for (int i = 0; i < static_cast<int>(entries->size()) && i < kPerPage; ++i) {
      const auto& e = (*entries)[static_cast<std::size_t>(i)];
      Data ed;
      ed.set("at", Beijing(e.at));
      ed.set("actor", e.actor);
      ed.set("role", ParseRole(e.actor_role) ? RoleLabel(*ParseRole(e.actor_role)) : e.actor_role);
      ed.set("action", e.action);
      ed.set("target", e.target);
      ed.set("before", e.before_json);
      ed.set("after", e.after_json);
      list.push_back(ed);
    }
    d.set("entries", list);
    if (page > 1) d.set("prev", fmt::format("{}", page - 1));
    if (static_cast<int>(entries->size()) > kPerPage) d.set("next", fmt::format("{}", page + 1));
    Send(res, a, nullptr, "操作日志", "admin_audit", d);
  }

  // ---- compliance dashboard ---------------------------------------------------

  std::string PeriodQuery(const ComplianceView& v) const {
    return fmt::format("from={}&to={}", v.report.period.from.ToString(), v.report.period.to.ToString());
  }

  // One figure cell: the number, linking to the rows it counts.
  Data FigureCells(const ComplianceView& v, const GroupKey& key, const std::string& label, const ComplianceFigures& f) {
    Data row;
    row.set("label", label);
    std::string group = key.kind == GroupKind::kUnit   ? "unit=" + httplib::detail::encode_query_param(key.unit)
                        : key.kind == GroupKind::kItem ? fmt::format("item={}", key.number)
                        : key.kind == GroupKind::kArea ? fmt::format("area={}", key.number)
                                                       : std::string("site=1");
    Data cells{Data::type::list};
    for (Metric m : {Metric::kDue, Metric::kOnTime, Metric::kLate, Metric::kOverdueNow, Metric::kPending,
                     Metric::kWithheld, Metric::kPublishedInPeriod}) {
      Data c;
      c.set("n", fmt::format("{}", f.count(m)));
      c.set("url", fmt::format("/admin/compliance/rows?{}&metric={}&{}", group, MetricName(m), PeriodQuery(v)));
      c.set("what", MetricLabel(m));
      cells.push_back(c);
    }
    row.set("cells", cells);
    row.set("rate", FormatOnTimeRate(f.on_time_rate));
    row.set("late_median", f.late_days_median ? fmt::format("{:g}", *f.late_days_median) : std::string("—"));
    row.set("late_max", fmt::format("{}", f.late_days_max));
    row.set("overdue_max", fmt::format("{}", f.overdue_days_max));
    return row;
  }

  // The signed-in user and the current catalogue snapshot; nullopt when a
  // login redirect or an error page has been sent.
  std::optional<std::pair<Auth, std::shared_ptr<const Snapshot>>> OpenSignedIn(const httplib::Request& req,
                                                                               httplib::Response& res) {
    Auth a = Authenticate(req);
    if (!a.signed_in) {
      RedirectToLogin(req, res);
      return std::nullopt;
    }
    auto snap = Snap();
    if (!snap) {
      SendError(req, res, a, snap.error());
      return std::nullopt;
    }
    return std::make_pair(std::move(a), std::move(*snap));
  }

  // What every compliance handler starts with: the signed-in user, the
  // catalogue snapshot and the figures for the requested period. nullopt
  // when the response (login redirect or error page) has been sent.
  struct ComplianceRequest {
    Auth a;
    std::shared_ptr<const Snapshot> snap;
    ComplianceView view;
  };
  std::optional<ComplianceRequest> OpenCompliance(const httplib::Request& req, httplib::Response& res,
                                                  const ComplianceLoad& load = {}) {
    auto opened = OpenSignedIn(req, res);
    if (!opened) return std::nullopt;
    auto& [a, snap] = *opened;
    auto v = LoadCompliance(Ctx(a), snap->catalog, req.get_param_value("from"), req.get_param_value("to"), load);
    if (!v) {
      SendError(req, res, a, v.error());
      return std::nullopt;
    }
    return ComplianceRequest{std::move(a), std::move(snap), std::move(*v)};
  }

  void Compliance(const httplib::Request& req, httplib::Response& res) {
    auto cr = OpenCompliance(req, res);
    if (!cr) return;
    const Auth& a = cr->a;
    const Catalog& c = cr->snap->catalog;
    const ComplianceView* v = &cr->view;
    const ComplianceReport& r = v->report;
    Data d;
    d.set("from", r.period.from.ToString());
    d.set("to", r.period.to.ToString());
    d.set("today", r.today.ToString());
    d.set("calendar", v->calendar_version);
    d.set("query", PeriodQuery(*v));
    d.set("site", FigureCells(*v, GroupKey::Site(), "全区", r.site.figures));
    Data units{Data::type::list};
    chart::BarChartData bars;
    bars.value_header = "按时率";
    bars.count_noun = "个单位";
    bars.reference = 0.9;
    for (const GroupCompliance* g : RankGroups(r.units)) {
      units.push_back(FigureCells(*v, g->key, g->label, g->figures));
      if (g->figures.due() > 0) bars.bars.push_back({g->label, g->figures.on_time_rate});
    }
    d.set("units", units);
    Data items{Data::type::list};
    for (const auto& g : r.items)
      items.push_back(FigureCells(*v, g.key, fmt::format("{}. {}", g.key.number, g.label), g.figures));
    d.set("items", items);
    Data areas{Data::type::list};
    for (const auto& g : r.areas) areas.push_back(FigureCells(*v, g.key, g.label, g.figures));
    d.set("areas", areas);
    chart::ChartOptions bar_opts{"ontime", "各单位按时率（应公开事项大于0的单位）", "", 0, 0};
    d.set("bar_svg", chart::BarChart(bars, bar_opts));
    d.set("bar_table", chart::BarChartTable(bars, bar_opts));
    chart::LineChartData line;
    line.format = chart::ValueFormat{chart::ValueFormat::Kind::kInteger, "件"};
    chart::LineSeries overdue{"月末逾期未公开", {}}, late{"逾期公开", {}};
    for (const auto& m : r.trend) {
      line.categories.push_back(fmt::format("{}-{:02}", m.year, m.month));
      overdue.values.push_back(static_cast<double>(m.overdue_at_end));
      late.values.push_back(static_cast<double>(m.late));
    }
    line.series = {overdue, late};
    chart::ChartOptions line_opts{"trend", "逾期情况月度趋势", "", 0, 0};
    d.set("line_svg", chart::LineChart(line, line_opts));
    d.set("line_table", chart::LineChartTable(line, line_opts));
    chart::HeatMapData heat;
    heat.count_noun = "条";
    for (const auto& it : c.areas)
      for (const auto& item : it.items) heat.columns.push_back({fmt::format("{}", item.number),
                                                                fmt::format("{}. {}", item.number, item.title)});
    std::vector<std::string> unit_names;
    for (const auto& u : c.units) unit_names.push_back(u.name);
    int gaps = 0;
    for (const auto& name : unit_names) {
      std::vector<chart::HeatCell> row;
      bool any = false;
      for (const auto& col : heat.columns) {
        const int number = std::atoi(col.label.c_str());
        chart::HeatCell cell{chart::HeatClass::kNotApplicable, std::nullopt};
        for (const auto& e : r.coverage)
          if (e.unit == name && e.item_number == number && e.in_catalog) {
            any = true;
            cell.count = e.published_in_period;
            cell.value_class = e.gap ? chart::HeatClass::kGap
                               : (e.event_driven && e.due == 0 && e.published_in_period == 0)
                                   ? chart::HeatClass::kEventDrivenNoEvents
                                   : chart::HeatClass::kCovered;
            if (e.gap) ++gaps;
          }
        row.push_back(cell);
      }
      if (!any) continue;
      heat.rows.push_back(name);
      heat.cells.push_back(std::move(row));
    }
    d.set("gaps", fmt::format("{}", gaps));
    chart::ChartOptions heat_opts{"coverage", "各单位负责事项的公开覆盖情况", "", 0, 0};
    d.set("heat_svg", chart::HeatMap(heat, heat_opts));
    d.set("heat_table", chart::HeatMapTable(heat, heat_opts));
    Data defs{Data::type::list};
    for (const auto& [term, text] : FigureDefinitions()) {
      Data dd;
      dd.set("term", term);
      dd.set("text", text);
      defs.push_back(dd);
    }
    d.set("definitions", defs);
    d.set("csrf", a.csrf);
    if (RoleMay(a.actor.role, Action::kConfigureCompliance)) d.set("can_configure", true);
    Data event_items{Data::type::list};
    std::string event_summary;
    for (const auto& area : c.areas)
      for (const auto& item : area.items) {
        const bool on = r.coverage.end() != std::find_if(r.coverage.begin(), r.coverage.end(), [&](const CoverageEntry& e) {
                          return e.item_number == item.number && e.event_driven;
                        });
        Data ed;
        ed.set("number", fmt::format("{}", item.number));
        ed.set("title", item.title);
        if (on) {
          ed.set("checked", true);
          event_summary += fmt::format("{}{}. {}", event_summary.empty() ? "" : "；", item.number, item.title);
        }
        event_items.push_back(ed);
      }
    d.set("event_items", event_items);
    d.set("event_summary", event_summary.empty() ? std::string("无（所有事项按期内是否发布判断空白）") : event_summary);
    Send(res, a, &c, "公开工作督查", "admin_compliance", d, 200,
         {{"首页", "/"}, {"管理后台", "/admin"}, {"公开工作督查", ""}});
  }

  // ---- annual report (年度报告, section 二) -------------------------------------

  struct AnnualRequest {
    Auth a;
    std::shared_ptr<const Snapshot> snap;
    AnnualReportView view;
  };
  // ?year= (default: last year). nullopt when a response has been sent.
  std::optional<AnnualRequest> OpenAnnual(const httplib::Request& req, httplib::Response& res) {
    auto opened = OpenSignedIn(req, res);
    if (!opened) return std::nullopt;
    auto& [a, snap] = *opened;
    int year = BeijingDate(d_.clock.Now()).year() - 1;
    if (req.has_param("year")) {
      const std::string text = req.get_param_value("year");
      auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), year);
      if (ec != std::errc() || p != text.data() + text.size()) {
        SendError(req, res, a, Error::Invalid(fmt::format("年份“{}”无效", text), "year"), &snap->catalog);
        return std::nullopt;
      }
    }
    auto v = LoadAnnualReport(Ctx(a), snap->catalog, year);
    if (!v) {
      SendError(req, res, a, v.error(), &snap->catalog);
      return std::nullopt;
    }
    return AnnualRequest{std::move(a), std::move(snap), std::move(*v)};
  }

  void Annual(const httplib::Request& req, httplib::Response& res) {
    auto ar = OpenAnnual(req, res);
    if (!ar) return;
    Data d;
    d.set("year", fmt::format("{}", ar->view.year));
    d.set("report", AnnualReportFragment(ar->view, ar->snap->catalog, true));
    if (RoleMay(ar->a.actor.role, Action::kConfigureCompliance)) d.set("can_configure", true);
    Send(res, ar->a, &ar->snap->catalog, fmt::format("{}年度报告（主动公开部分）", ar->view.year), "admin_annual", d, 200,
         {{"首页", "/"}, {"管理后台", "/admin"}, {"年度报告", ""}});
  }

  void AnnualRecords(const httplib::Request& req, httplib::Response& res) {
    auto ar = OpenAnnual(req, res);
    if (!ar) return;
    auto row = ParseAnnualRowKind(req.get_param_value("row"));
    std::optional<AnnualMeasure> measure;
    for (auto m : {AnnualMeasure::kIssued, AnnualMeasure::kRepealed, AnnualMeasure::kInForce, AnnualMeasure::kDecisions,
                   AnnualMeasure::kAmount})
      if (req.get_param_value("measure") == AnnualMeasureId(m)) measure = m;
    const AnnualCell* cell = row && measure ? FindAnnualCell(ar->view.table, *row, *measure) : nullptr;
    if (!cell) return SendError(req, res, ar->a, Error::Invalid("统计项row或measure无效", "row"), &ar->snap->catalog);
    std::map<std::int64_t, const AnnualRecordRow*> by_id;
    for (const auto& r : ar->view.records) by_id[r.record_id] = &r;
    Data d;
    d.set("year", fmt::format("{}", ar->view.year));
    d.set("what", fmt::format("{}·{}", AnnualRowKindLabel(*row), cell->label));
    d.set("count", fmt::format("{}", cell->record_ids.size()));
    Data list{Data::type::list};
    for (auto id : cell->record_ids) {
      auto it = by_id.find(id);
      if (it == by_id.end()) continue;
      const AnnualRecordRow& r = *it->second;
      Data rd;
      rd.set("url", fmt::format("/admin/records/{}", r.record_id));
      rd.set("index_number", r.index_number);
      rd.set("title", r.title);
      rd.set("unit", r.unit);
      rd.set("item", fmt::format("{}", r.item_number));
      rd.set("element", r.element);
      rd.set("genre", r.genre);
      rd.set("first", r.first_published_on.ToString());
      rd.set("state", r.withdrawn ? fmt::format("已撤回（{}）", r.withdrawn_on ? r.withdrawn_on->ToString() : "")
                                  : r.validity.empty() ? std::string("公开中") : r.validity);
      list.push_back(rd);
    }
    d.set("records", list);
    Send(res, ar->a, &ar->snap->catalog, "年度报告统计明细", "admin_annual_records", d, 200,
         {{"首页", "/"}, {"管理后台", "/admin"}, {"年度报告", fmt::format("/admin/annual?year={}", ar->view.year)},
          {"统计明细", ""}});
  }

  void AnnualMappingPage(const httplib::Request& req, httplib::Response& res, const std::string& message,
                         const std::string& error, const std::string& submitted, int status) {
    Auth a = Authenticate(req);
    if (auto s = Authorize(a.actor, Action::kConfigureCompliance); !s) return SendError(req, res, a, s.error());
    auto snap = Snap();
    if (!snap) return SendError(req, res, a, snap.error());
    bool is_default = true;
    auto mapping = CurrentAnnualMapping(d_.store, d_.site().id, (*snap)->catalog, &is_default);
    Data d;
    d.set("csrf", a.csrf);
    if (!message.empty()) d.set("message", message);
    if (!error.empty()) d.set("error", error);
    d.set("source", is_default ? "系统默认" : "本站设置");
    d.set("mapping", !submitted.empty() ? submitted : mapping ? AnnualMappingToJson(*mapping) : std::string());
    Send(res, a, &(*snap)->catalog, "年度报告统计口径", "admin_annual_mapping", d, status,
         {{"首页", "/"}, {"管理后台", "/admin"}, {"年度报告", "/admin/annual"}, {"统计口径", ""}});
  }

  // 我的提醒: the signed-in user's notices; the office and auditors may
  // list every notice of the site (?all=1).
  void Notices(const httplib::Request& req, httplib::Response& res, const std::string& message,
               const std::string& error, int status) {
    Auth a = Authenticate(req);
    if (auto s = Authorize(a.actor, Action::kViewAdmin); !s) return SendError(req, res, a, s.error());
    const bool can_all = RoleMay(a.actor.role, Action::kViewCompliance);
    const bool all = can_all && req.get_param_value("all") == "1";
    auto list = all ? SiteNotices(Ctx(a), 500) : MyNotices(Ctx(a), 200);
    if (!list) return SendError(req, res, a, list.error());
    std::map<std::int64_t, std::string> names;
    if (all)
      if (auto accounts = d_.store.ListAccounts(d_.site().id))
        for (const auto& acc : *accounts) names[acc.id] = fmt::format("{}（{}{}）", acc.display_name, acc.unit, RoleLabel(acc.role));
    Data d;
    d.set("csrf", a.csrf);
    if (!message.empty()) d.set("message", message);
    if (!error.empty()) d.set("error", error);
    if (all) d.set("all", true);
    if (can_all) d.set("can_all", true);
    if (RoleMay(a.actor.role, Action::kSendReminders)) d.set("can_run", true);
    if (d_.reminders().mailer != nullptr) d.set("mail_configured", true);
    if (auto me = d_.store.GetAccount(a.actor.account_id)) d.set("email", me->email);
    int unread = 0;
    Data items{Data::type::list};
    for (const auto& n : *list) {
      Data nd;
      nd.set("id", fmt::format("{}", n.id));
      nd.set("subject", n.subject);
      nd.set("body", n.body);
      nd.set("day", n.on_day.ToString());
      nd.set("created", Beijing(n.created_at));
      if (n.read_at.empty()) {
        nd.set("unread", true);
        ++unread;
      }
      if (all) nd.set("recipient", names.contains(n.account_id) ? names[n.account_id] : fmt::format("账号{}", n.account_id));
      switch (n.email_status) {
        case EmailStatus::kNone: nd.set("mail", "仅站内"); break;
        case EmailStatus::kPending: nd.set("mail", fmt::format("待发送至{}", n.email_to)); break;
        case EmailStatus::kSending: nd.set("mail", fmt::format("正在发送至{}", n.email_to)); break;
        case EmailStatus::kSent: nd.set("mail", fmt::format("已发送至{}", n.email_to)); break;
        case EmailStatus::kFailed:
          nd.set("mail", fmt::format("发送至{}失败（已尝试{}次）：{}", n.email_to, n.email_attempts, n.email_error));
          break;
      }
      items.push_back(nd);
    }
    d.set("notices", items);
    d.set("count", fmt::format("{}", list->size()));
    d.set("unread", fmt::format("{}", unread));
    if (!all && unread > 0) d.set("has_unread", true);
    Send(res, a, nullptr, all ? "全部提醒记录" : "我的提醒", "admin_notices", d, status,
         {{"首页", "/"}, {"管理后台", "/admin"}, {all ? "全部提醒记录" : "我的提醒", ""}});
  }

  void ComplianceExport(const httplib::Request& req, httplib::Response& res, bool xlsx) {
    auto cr = OpenCompliance(req, res);
    if (!cr) return;
    const Auth& a = cr->a;
    const ComplianceView* v = &cr->view;
    auto sheets = ComplianceSheets(*v, cr->snap->catalog);
    const std::string stem = fmt::format("compliance-{}-{}", v->report.period.from.ToString(),
                                         v->report.period.to.ToString());
    res.set_header("Cache-Control", "private, no-store");
    if (xlsx) {
      auto bytes = WriteXlsx(sheets);
      if (!bytes) return SendError(req, res, a, bytes.error());
      res.set_header("Content-Disposition", fmt::format("attachment; filename=\"{}.xlsx\"", stem));
      res.set_content(*bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
      return;
    }
    res.set_header("Content-Disposition", fmt::format("attachment; filename=\"{}.csv\"", stem));
    res.set_content(SheetsAsCsv(sheets), "text/csv; charset=utf-8");
  }

  void ComplianceRows(const httplib::Request& req, httplib::Response& res) {
    // A unit's list reads only that unit's rows; every list needs titles, not figures.
    ComplianceLoad load;
    load.unit = req.has_param("unit") ? req.get_param_value("unit") : std::string();
    load.figures = false;
    load.with_text = true;
    auto cr = OpenCompliance(req, res, load);
    if (!cr) return;
    const Auth& a = cr->a;
    const Catalog& c = cr->snap->catalog;
    const ComplianceView* v = &cr->view;
    auto metric = ParseMetric(req.get_param_value("metric"));
    if (!metric) return SendError(req, res, a, Error::Invalid("统计项metric无效", "metric"));
    GroupKey key = GroupKey::Site();
    std::string scope = "全区";
    if (req.has_param("unit")) {
      key = GroupKey::Unit(req.get_param_value("unit"));
      scope = key.unit;
    } else if (req.has_param("item")) {
      key = GroupKey::Item(std::atoi(req.get_param_value("item").c_str()));
      const Item* item = c.FindItem(key.number);
      scope = fmt::format("事项{}{}", key.number, item ? " " + item->title : std::string());
    } else if (req.has_param("area")) {
      key = GroupKey::Area(c, std::atoi(req.get_param_value("area").c_str()));
      scope = fmt::format("领域{}", req.get_param_value("area"));
    }
    ComplianceOptions options;
    options.today = v->report.today;
    auto rows = RowsBehind(v->rows, v->report.period, options, key, *metric);
    Data d;
    d.set("scope", scope);
    d.set("metric", MetricLabel(*metric));
    d.set("count", fmt::format("{}", rows.size()));
    d.set("from", v->report.period.from.ToString());
    d.set("to", v->report.period.to.ToString());
    d.set("query", PeriodQuery(*v));
    Data list{Data::type::list};
    for (const ComplianceRow* row : rows) {
      Data rd;
      rd.set("title", row->title);
      rd.set("unit", row->unit);
      rd.set("item", fmt::format("{}", row->item_number));
      rd.set("formed_on", row->formed_on.ToString());
      rd.set("due_on", row->due_on.ToString());
      rd.set("published_on", row->published_on ? row->published_on->ToString() : std::string("—"));
      rd.set("state", ObligationStateLabel(row->state));
      rd.set("url", row->record_id > 0 ? fmt::format("/admin/records/{}", row->record_id)
                                       : fmt::format("/admin/obligations/{}", row->obligation_id));
      list.push_back(rd);
    }
    d.set("rows", list);
    Send(res, a, &c, "督查明细", "admin_compliance_rows", d, 200,
         {{"首页", "/"}, {"管理后台", "/admin"}, {"公开工作督查", "/admin/compliance?" + PeriodQuery(*v)}, {"明细", ""}});
  }

  AdminDeps d_;
  std::vector<DeadlineRule> rules_ = LoadDeadlineRules().value_or(std::vector<DeadlineRule>{});
};

}  // namespace

std::string CookieValue(const httplib::Request& req, std::string_view name) {
  std::string header = req.get_header_value("Cookie");
  std::string_view h = header;
  while (!h.empty()) {
    auto semi = h.find(';');
    std::string_view part = h.substr(0, semi);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    auto eq = part.find('=');
    if (eq != std::string_view::npos && part.substr(0, eq) == name) return std::string(part.substr(eq + 1));
    if (semi == std::string_view::npos) break;
    h.remove_prefix(semi + 1);
  }
  return {};
}

std::shared_ptr<void> RegisterAdminRoutes(httplib::Server& server, const AdminDeps& deps) {
  auto admin = std::make_shared<Admin>(deps);
  admin->Register(server);
  return admin;
}

}  // namespace gongkai
