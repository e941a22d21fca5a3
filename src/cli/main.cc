// gongkai: the composition root. Parses the command line (CLI11), opens the
// store and calls the same actions the pages and the API use.
#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <arpa/inet.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <pthread.h>
#include <sstream>
#include <thread>

#include "app/account_actions.h"
#include "app/annual_report_actions.h"
#include "app/backup.h"
#include "app/calendar_actions.h"
#include "app/catalog_actions.h"
#include "app/compliance_actions.h"
#include "app/demo.h"
#include "app/dump.h"
#include "app/ledger_actions.h"
#include "app/ledger_verify.h"
#include "app/api_token_actions.h"
#include "app/webhook_actions.h"
#include "net/http_poster.h"
#include "app/reminder_actions.h"
#include "app/search_actions.h"
#include "app/site_actions.h"
#include "core/timestamp.h"
#include "codec/catalog_json.h"
#include "codec/rules_codec.h"
#include "http/annual_view.h"
#include "http/api.h"
#include "http/metrics.h"
#include "http/server.h"
#include "net/smtp_mailer.h"
#include "storage/open_store.h"
#include "storage/site_copy.h"
#include "storage/sqlite/snapshot.h"

namespace {

using namespace gongkai;

constexpr const char* kDefaultDb = "gongkai.db";
constexpr const char* kDbHelp = "数据库：文件路径，或 postgresql://用户@主机/库名 (SQLite file or PostgreSQL URL)";

int Fail(const Error& e) {
  fmt::print(stderr, "错误 (error): {}\n", e.Describe());
  return e.code == ErrorCode::kInvalidInput || e.code == ErrorCode::kNotFound ? 2 : 1;
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Unexpected(Error::Invalid(fmt::format("无法读取文件“{}”", path), "FILE"));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<std::unique_ptr<Store>> OpenStore(const std::string& db, bool migrate, int connections = 4) {
  GK_TRY(store, OpenStoreAt(db, connections));
  if (migrate) {
    GK_TRY(v, store->Migrate());
    (void)v;
  } else {
    GK_TRY(v, store->SchemaVersion());
    if (v == 0)
      return Unexpected(Error::NotFound(
          fmt::format("数据库“{}”尚未初始化，请先运行 gongkai init --db {}", RedactedLocation(db),
                      RedactedLocation(db))));
  }
  return store;
}

// A site's database, the site and its catalogue: what most commands start with.
struct OpenedSite {
  std::unique_ptr<Store> store;
  Site site;
  Catalog catalog;
};
Result<OpenedSite> OpenSite(const std::string& db, const std::string& site_slug) {
  GK_TRY(store, OpenStore(db, false));
  GK_TRY(site, store->FindSite(site_slug));
  GK_TRY(catalog, store->LoadCatalog(site.id));
  return OpenedSite{std::move(store), std::move(site), std::move(catalog)};
}

// "127.0.0.1:8080", ":8080", "8080" -> host, port.
Result<std::pair<std::string, int>> ParseListen(const std::string& listen) {
  std::string host = "127.0.0.1";
  std::string port_text = listen;
  auto colon = listen.rfind(':');
  if (colon != std::string::npos) {
    if (colon > 0) host = listen.substr(0, colon);
    port_text = listen.substr(colon + 1);
  }
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = -1;
  try {
    std::size_t used = 0;
    port = std::stoi(port_text, &used);
    if (used != port_text.size()) port = -1;
  } catch (...) {
  }
  if (port < 0 || port > 65535)
    return Unexpected(Error::Invalid(fmt::format("监听地址“{}”无效，应为“主机:端口”，如127.0.0.1:8080", listen),
                                          "--listen"));
  return std::make_pair(host, port);
}

// SMTP settings shared by `serve` and `remind`.
struct MailOptions {
  std::string url;  // "" = no e-mail
  std::string user;
  std::string password_file;
  bool starttls = false;
  std::string from;
  std::string from_name;
};

void AddMailOptions(CLI::App* cmd, MailOptions& m) {
  cmd->add_option("--smtp-url", m.url, "邮件服务器 smtp://主机:端口 或 smtps://主机:端口，省略则只发站内提醒 (SMTP server)");
  cmd->add_option("--smtp-user", m.user, "邮件服务器登录名 (SMTP user name)");
  cmd->add_option("--smtp-password-file", m.password_file, "存放邮件服务器密码的文件 (file holding the SMTP password)");
  cmd->add_flag("--smtp-starttls", m.starttls, "要求STARTTLS加密 (require STARTTLS)");
  cmd->add_option("--smtp-from", m.from, "发件人地址 (sender address)");
  cmd->add_option("--smtp-from-name", m.from_name, "发件人名称，如“示例区政务公开办” (sender name)");
}

// nullptr when no SMTP server is configured.
Result<std::unique_ptr<SmtpMailer>> MakeMailer(const MailOptions& m) {
  if (m.url.empty()) return std::unique_ptr<SmtpMailer>();
  SmtpConfig config;
  config.url = m.url;
  config.username = m.user;
  config.starttls = m.starttls;
  if (!m.password_file.empty()) {
    GK_TRY(pw, ReadFile(m.password_file));
    while (!pw.empty() && (pw.back() == '\n' || pw.back() == '\r')) pw.pop_back();
    config.password = std::move(pw);
  }
  GK_CHECK(ValidateSmtpConfig(config));
  if (m.from.empty()) return Unexpected(Error::Invalid("配置了邮件服务器时必须用 --smtp-from 设置发件人地址", "--smtp-from"));
  GK_CHECK(ValidateMailAddress(m.from, "--smtp-from"));
  return std::make_unique<SmtpMailer>(std::move(config));
}

// spdlog's message as a JSON string's contents (the `%*` flag of the JSON pattern).
class JsonMessageFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    const std::string escaped = metrics::JsonEscape(std::string_view(msg.payload.data(), msg.payload.size()));
    dest.append(escaped.data(), escaped.data() + escaped.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<JsonMessageFlag>(); }
};

// `serve --log-format json`: every spdlog message as one JSON object per
// line, like the request lines (time in UTC).
void UseJsonLogs() {
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  formatter->add_flag<JsonMessageFlag>('*').set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","msg":"%*"})");
  spdlog::set_formatter(std::move(formatter));
}

// What `serve` adds for operations (logs, metrics, shutdown).
struct OpsOptions {
  std::string log_format = "json";
  std::vector<std::string> metrics_allow;
  int shutdown_timeout = 20;
};

// `options` carries what the command line set directly (threads, site,
// session TTL, attachment limit, reminder time, public URL).
int RunServe(const std::string& db, const std::string& listen, const std::string& port_file, const MailOptions& mail,
             ServerOptions options, const OpsOptions& ops) {
  for (const auto& a : ops.metrics_allow) {
    in_addr v4{};
    in6_addr v6{};
    if (inet_pton(AF_INET, a.c_str(), &v4) != 1 && inet_pton(AF_INET6, a.c_str(), &v6) != 1)
      return Fail(Error::Invalid(fmt::format("--metrics-allow 的值“{}”不是IP地址（如10.0.0.5或fd00::5）", a),
                                 "--metrics-allow"));
  }
  options.metrics_allow = ops.metrics_allow;
  options.log_format = ops.log_format == "text" ? ServerOptions::LogFormat::kText : ServerOptions::LogFormat::kJson;
  if (options.log_format == ServerOptions::LogFormat::kJson) UseJsonLogs();
  const int threads = options.threads;
  auto mailer = MakeMailer(mail);
  if (!mailer) return Fail(mailer.error());
  auto addr = ParseListen(listen);
  if (!addr) return Fail(addr.error());
  auto store = OpenStore(db, true, std::max(2, std::min(threads, 16)));
  if (!store) return Fail(store.error());

  // Signals are taken by a dedicated thread so Stop() runs in normal context.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  options.host = addr->first;
  options.port = addr->second;
  options.mailer = mailer->get();
  options.mail_from = mail.from;
  options.mail_from_name = mail.from_name;
  PortalServer server(**store, options);
  if (auto s = server.Bind(); !s) return Fail(s.error());
  if (!port_file.empty()) {
    std::ofstream out(port_file + ".tmp");
    out << server.bound_port() << "\n";
    out.close();
    std::rename((port_file + ".tmp").c_str(), port_file.c_str());
  }
  spdlog::info("gongkai {} 门户已启动 (portal listening): http://{}:{}/ 数据库 (database): {}", GONGKAI_VERSION,
               options.host, server.bound_port(), RedactedLocation(db));
  // SIGTERM/SIGINT: stop accepting at once, let the requests in flight
  // finish, exit 0. If they have not finished after --shutdown-timeout
  // seconds, or a second signal comes, exit 1 without waiting (what was not
  // committed is rolled back by the database, as after a crash).
  auto finished = std::make_shared<std::atomic<bool>>(false);
  std::thread signals([&server, set, finished, timeout = ops.shutdown_timeout] {
    int sig = 0;
    sigwait(&set, &sig);
    spdlog::info("收到信号{}，停止接受新连接，等待进行中的请求完成（最多{}秒） (stopping)", sig, timeout);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout);
    while (!*finished) {
      server.Stop();  // again in case the first came before the server ran
      const timespec tick{0, 100 * 1000 * 1000};
      if (sigtimedwait(&set, nullptr, &tick) > 0) {
        spdlog::warn("再次收到信号，立即退出 (second signal: exiting now)");
        spdlog::default_logger()->flush();
        std::_Exit(1);
      }
      if (std::chrono::steady_clock::now() >= deadline && !*finished) {
        spdlog::error("{}秒内仍有请求未完成，强制退出 (shutdown timeout: exiting)", timeout);
        spdlog::default_logger()->flush();
        std::_Exit(1);
      }
    }
  });
  signals.detach();
  auto ran = server.Run();
  *finished = true;
  if (!ran) return Fail(ran.error());
  spdlog::info("已停止 (stopped)");
  return 0;
}

// Writes a report to `out` (stdout when empty); `done` is printed after a file is written.
int EmitReport(const std::string& bytes, const std::string& out, const std::string& done) {
  if (out.empty()) {
    fmt::print("{}", bytes);
    return 0;
  }
  std::ofstream f(out, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!f) return Fail(Error::Invalid(fmt::format("无法写入文件“{}”", out), "--out"));
  fmt::print("{}\n", done);
  return 0;
}

// Refuses a --format outside `allowed` (named in the message), and xlsx
// without --out (a workbook is not for a terminal).
Status CheckReportFormat(const std::string& format, const std::vector<std::string>& allowed, const std::string& out) {
  if (std::find(allowed.begin(), allowed.end(), format) == allowed.end()) {
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : "、") + a;
    return Unexpected(Error::Invalid(fmt::format("不支持的格式“{}”（可选 {}）", format, list), "--format"));
  }
  if (format == "xlsx" && out.empty()) return Unexpected(Error::Invalid("导出Excel时请用--out指定文件", "--out"));
  return Ok();
}

// The bytes of `sheets` as "xlsx" or "csv".
Result<std::string> SheetsFile(const std::vector<XlsxSheet>& sheets, const std::string& format) {
  if (format == "xlsx") return WriteXlsx(sheets);
  return SheetsAsCsv(sheets);
}

// gongkai report compliance: the dashboard's figures as text, CSV or Excel.
int RunComplianceReport(const std::string& db, const std::string& site_slug, const std::string& from,
                        const std::string& to, const std::string& format, const std::string& out) {
  if (auto ok = CheckReportFormat(format, {"text", "csv", "xlsx"}, out); !ok) return Fail(ok.error());
  auto opened = OpenSite(db, site_slug);
  if (!opened) return Fail(opened.error());
  SystemClock clock;
  Context ctx{*opened->store, clock, Actor::Console(opened->site.id)};
  auto view = LoadCompliance(ctx, opened->catalog, from, to);
  if (!view) return Fail(view.error());
  auto sheets = ComplianceSheets(*view, opened->catalog);
  std::string bytes;
  if (format == "xlsx" || format == "csv") {
    auto file = SheetsFile(sheets, format);
    if (!file) return Fail(file.error());
    bytes = std::move(*file);
  } else {
    for (const auto& sheet : sheets) {
      if (sheet.name == "统计口径" || sheet.name == "公开空白") continue;
      bytes += fmt::format("== {} ==\n", sheet.name);
      for (const auto& row : sheet.rows) {
        for (std::size_t k = 0; k < row.size(); ++k) bytes += (k ? "\t" : "") + row[k];
        bytes += "\n";
      }
    }
    int gaps = 0;
    for (const auto& c : view->report.coverage) gaps += c.gap ? 1 : 0;
    bytes += fmt::format("公开空白：{}处（单位与其负责事项的组合，期内未发布）\n工作日历：{}\n", gaps,
                         view->calendar_version);
  }
  return EmitReport(bytes, out, fmt::format("已导出：{}（{}至{}）", out, view->report.period.from.ToString(),
                                           view->report.period.to.ToString()));
}

// gongkai report annual: section 二 of the annual report with the timeliness
// annex, as text, HTML, CSV or Excel.
int RunAnnualReport(const std::string& db, const std::string& site_slug, int year, const std::string& format,
                    const std::string& out) {
  if (auto ok = CheckReportFormat(format, {"text", "html", "csv", "xlsx"}, out); !ok) return Fail(ok.error());
  auto opened = OpenSite(db, site_slug);
  if (!opened) return Fail(opened.error());
  SystemClock clock;
  Context ctx{*opened->store, clock, Actor::Console(opened->site.id)};
  auto view = LoadAnnualReport(ctx, opened->catalog, year);
  if (!view) return Fail(view.error());
  auto sheets = AnnualReportSheets(*view, opened->catalog);
  std::string bytes;
  if (format == "xlsx" || format == "csv") {
    auto file = SheetsFile(sheets, format);
    if (!file) return Fail(file.error());
    bytes = std::move(*file);
  } else if (format == "html") {
    bytes = AnnualReportDocument(*view, opened->catalog, opened->site.name);
  } else {
    bytes = fmt::format("{}{}年政府信息公开工作年度报告 二、主动公开政府信息情况\n", opened->site.name, year);
    for (const auto& row : view->table.rows)
      for (const auto& cell : row.cells)
        bytes += fmt::format("{}\t{}\t{}\t{}\n", AnnualRowClause(row.kind), row.label, cell.label,
                             AnnualCellText(cell));
    const auto& f = view->timeliness.report.site.figures;
    bytes += fmt::format("附：公开时效（{}至{}）应公开{}，按时公开{}，逾期公开{}，当前逾期未公开{}，不予公开{}，按时率{}\n",
                         view->timeliness.report.period.from.ToString(), view->timeliness.report.period.to.ToString(),
                         f.due(), f.on_time(), f.late(), f.overdue_now(), f.withheld(),
                         FormatOnTimeRate(f.on_time_rate));
  }
  return EmitReport(bytes, out, fmt::format("已导出：{}（{}年）", out, year));
}

int RunDeadline(const std::string& db, const std::string& site_slug, const std::string& from, int item,
                const std::string& element, const std::string& rule, bool json) {
  auto date = Date::Parse(from);
  if (!date) return Fail(Error::Invalid(date.error().message, "--from"));
  if (!element.empty() && item == 0) return Fail(Error::Invalid("指定--element时必须同时指定--item", "--item"));
  auto store = OpenStore(db, false);
  if (!store) return Fail(store.error());
  auto site = (*store)->FindSite(site_slug);
  if (!site) return Fail(site.error());
  auto catalog = (*store)->LoadCatalog(site->id);
  if (!catalog) return Fail(catalog.error());
  auto cal = CurrentCalendar(**store);
  if (!cal) return Fail(cal.error());
  auto rules = LoadDeadlineRules();
  if (!rules) return Fail(rules.error());
  auto r = ExplainDeadline(cal->calendar, *rules, *catalog, DeadlineQuery{*date, item, element, rule});
  if (!r) return Fail(r.error());
  if (json) {
    fmt::print("{}\n", api::DeadlineDoc(*r, item, element, cal->version).dump(2));
    return 0;
  }
  fmt::print("应公开日期 (due):     {}（{}）{}\n", r->due.ToString(), r->due.WeekdayName(),
             r->provisional ? "（暂定 provisional）" : "");
  fmt::print("起算日 (day 0):       {}（{}）\n", r->event.ToString(), r->event.WeekdayName());
  if (item) {
    const Item* it = catalog->FindItem(item);
    fmt::print("事项 (item):          {}.{}{}\n", item, it ? it->title : "", element.empty() ? "" : " — " + element);
  }
  fmt::print("适用规则 (rule):      {}（{}）\n", r->rule.name, r->rule.id);
  fmt::print("规则 (text):          {}\n", r->rule.text);
  fmt::print("法律依据 (basis):     {}\n", r->rule.basis);
  if (r->non_working.empty()) {
    fmt::print("期间内的非工作日 (non-working days): 无\n");
  } else {
    fmt::print("期间内的非工作日 (non-working days):\n");
    for (const auto& range : r->non_working) fmt::print("  {}\n", DescribeRange(range));
  }
  for (const auto& d : r->makeup_days) fmt::print("调休上班 (makeup working day): {}（{}）\n", d.ToString(), d.WeekdayName());
  if (r->display) fmt::print("公示期 (display):     {}\n", r->display->explanation);
  fmt::print("计算过程 (explanation): {}\n", r->explanation);
  if (r->provisional) fmt::print("注意 (note): {}\n", ProvisionalNote(r->provisional_years));
  fmt::print("工作日历版本 (calendar version): {}（{}）\n", cal->version, cal->note);
  return 0;
}

int RunCalendarImport(const std::string& db, const std::string& file, const std::string& format, int year) {
  NoticeFormat f = NoticeFormatFromFileName(file);
  if (!format.empty()) {
    if (format == "json") f = NoticeFormat::kJson;
    else if (format == "csv") f = NoticeFormat::kCsv;
    else return Fail(Error::Invalid(fmt::format("不支持的格式“{}”（可选：json、csv）", format), "--format"));
  }
  auto bytes = ReadFile(file);
  if (!bytes) return Fail(bytes.error());
  auto store = OpenStore(db, false);
  if (!store) return Fail(store.error());
  std::string name = file.substr(file.find_last_of('/') == std::string::npos ? 0 : file.find_last_of('/') + 1);
  auto r = ImportCalendarNotice(**store, *bytes, f, year, name);
  if (!r) {
    fmt::print(stderr, "导入失败，日历未作任何修改 (import refused; nothing was changed)\n");
    return Fail(r.error());
  }
  if (!r->changed) {
    fmt::print("{}年放假安排与现行日历相同，未作修改（日历版本{}）。\n", r->year, r->version);
    return 0;
  }
  fmt::print("已导入{}年放假安排，日历版本{}。重新计算了{}个未完成的期限，其中{}个发生变化：\n", r->year, r->version,
             r->recomputed, r->changes.size());
  for (const auto& c : r->changes)
    fmt::print("  期限#{}：{}{} → {}{}\n", c.deadline_id, c.old_due.ToString(), c.old_provisional ? "（暂定）" : "",
               c.new_due.ToString(), c.new_provisional ? "（暂定）" : "");
  return 0;
}

int RunCalendarList(const std::string& db) {
  auto store = OpenStore(db, false);
  if (!store) return Fail(store.error());
  auto versions = (*store)->ListCalendarVersions();
  if (!versions) return Fail(versions.error());
  if (versions->empty()) fmt::print("数据库中尚无日历，使用程序内置的国务院办公厅节假日安排。\n");
  for (const auto& v : *versions) fmt::print("版本{}\t{}\t{}\n", v.id, v.created_at, v.note);
  auto cal = CurrentCalendar(**store);
  if (!cal) return Fail(cal.error());
  auto years = cal->calendar.OfficialYears();
  if (!years.empty())
    fmt::print("现行版本{}包含{}—{}年的正式放假安排（共{}年）；其他年份按周末推算，为暂定日期。\n", cal->version,
               years.front(), years.back(), years.size());
  return 0;
}

int RunCalendarShow(const std::string& db, int year) {
  auto store = OpenStore(db, false);
  if (!store) return Fail(store.error());
  auto cal = CurrentCalendar(**store);
  if (!cal) return Fail(cal.error());
  if (!cal->calendar.IsOfficialYear(year)) {
    fmt::print("{}年放假安排尚未公布（或未导入）：该年按周末推算，结果为暂定日期。\n", year);
    return 0;
  }
  for (const auto& n : cal->calendar.notices()) {
    if (n.year != year) continue;
    fmt::print("{}年放假安排（来源：{}）\n", year, n.source);
    for (const auto& d : n.days)
      fmt::print("  {}（{}）\t{}\t{}\n", d.date.ToString(), d.date.WeekdayName(), d.off ? "放假" : "调休上班", d.name);
  }
  return 0;
}

int RunUserAdd(const std::string& db, const std::string& site_slug, const std::string& username,
               const std::string& display, const std::string& role_text, const std::string& unit,
               const std::string& email) {
  auto role = ParseRole(role_text);
  if (!role || *role == Role::kPublic)
    return Fail(Error::Invalid(fmt::format("角色“{}”无效（可选：admin、liaison、leader、auditor）", role_text), "--role"));
  std::string password;
  if (!std::getline(std::cin, password) || password.empty())
    return Fail(Error::Invalid("请在标准输入中提供密码（一行）", "password"));
  if (!password.empty() && password.back() == '\r') password.pop_back();
  auto opened = OpenSite(db, site_slug);
  if (!opened) return Fail(opened.error());
  SystemClock clock;
  Context ctx{*opened->store, clock, Actor::Console(opened->site.id)};
  auto a = AddAccount(ctx, opened->catalog, NewAccount{username, display.empty() ? username : display, *role, unit, password, email});
  if (!a) return Fail(a.error());
  fmt::print("已创建账号“{}”（{}{}）。\n", a->username, RoleLabel(a->role), a->unit.empty() ? "" : "，" + a->unit);
  return 0;
}

// gongkai remind: today's deadline reminders (for cron, each working day).
// The ledger key file: --ledger-key, or the database's path + ".ledger-key"
// (a PostgreSQL database has no path: main() requires --ledger-key then).
std::string LedgerKeyPath(const std::string& db, const std::string& configured) {
  if (!configured.empty()) return configured;
  auto where = ParseStoreLocation(db);  // "sqlite:FILE" -> FILE
  return (where ? where->target : db) + ".ledger-key";
}

void PrintSequence(const SequenceOutcome& s) {
  fmt::print("账本：追加{}条，现有{}条{}。\nLedger: {} appended, {} leaves{}.\n", s.appended, s.size,
             s.signed_head ? "，已签署新的树头" : "", s.appended, s.size, s.signed_head ? ", new tree head signed" : "");
}

// Opens the site and brings its ledger up to date with its signing key
// (created if missing): what `ledger sync` does, and `dump` first.
Result<OpenedSite> OpenAndSequence(const std::string& db, const std::string& site_slug, const std::string& key_path) {
  GK_TRY(opened, OpenSite(db, site_slug));
  SystemClock clock;
  GK_TRY(path, SiteLedgerKeyPath(*opened.store, opened.site, LedgerKeyPath(db, key_path)));
  GK_TRY(key, EnsureLedgerKey(*opened.store, opened.site, path, true, clock.Now()));
  GK_TRY(done, SequenceLedger(*opened.store, opened.site, &key, clock.Now()));
  PrintSequence(done);
  return opened;
}

int RunLedgerSync(const std::string& db, const std::string& site_slug, const std::string& key_path) {
  auto opened = OpenAndSequence(db, site_slug, key_path);
  return opened ? 0 : Fail(opened.error());
}

int RunLedgerRotate(const std::string& db, const std::string& site_slug, const std::string& key_path,
                    bool key_lost) {
  auto opened = OpenSite(db, site_slug);
  if (!opened) return Fail(opened.error());
  SystemClock clock;
  auto path = SiteLedgerKeyPath(*opened->store, opened->site, LedgerKeyPath(db, key_path));
  if (!path) return Fail(path.error());
  auto key = RotateLedgerKey(*opened->store, opened->site, *path, key_lost, clock.Now());
  if (!key) return Fail(key.error());
  if (key_lost)
    fmt::print("未找到原签名密钥文件，新密钥已写入“{}”；已登记的旧公钥已停用（仍可验证旧的树头）。\n", path->string());
  // A head signed by the new key at once (the old heads stay valid under the old key).
  auto done = SequenceLedger(*opened->store, opened->site, &*key, clock.Now(), true);
  if (!done) return Fail(done.error());
  fmt::print("已启用新的签名密钥，请在公开指南中公布新公钥（旧公钥仍可验证旧的树头）：\n{}\n", ledger::VerifierKey(*key));
  return 0;
}

int RunDump(const std::string& db, const std::string& site_slug, const std::string& key_path, const std::string& out,
            bool with_files) {
  auto opened = OpenAndSequence(db, site_slug, key_path);
  if (!opened) return Fail(opened.error());
  auto sum = WriteDump(*opened->store, opened->site, out, with_files);
  if (!sum) return Fail(sum.error());
  fmt::print("已导出到{}：公开信息{}条（{}个版本），账本{}条，附件{}条{}。\n", out, sum->records, sum->versions,
             sum->leaves, sum->attachments, with_files ? fmt::format("（含{}个文件）", sum->files) : "");
  return 0;
}

// --key values: verifier key strings, or files holding one per line.
Result<std::vector<std::string>> VerifierKeys(const std::vector<std::string>& given) {
  std::vector<std::string> keys;
  for (const auto& k : given) {
    if (std::count(k.begin(), k.end(), '+') >= 2 && k.find('\n') == std::string::npos && !std::filesystem::exists(k)) {
      keys.push_back(k);
      continue;
    }
    GK_TRY(text, ReadFile(k));
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
      if (!line.empty()) keys.push_back(line);
  }
  return keys;
}

int RunVerify(const std::string& dir, const std::string& record, const std::string& proof,
              const std::string& checkpoint, const std::vector<std::string>& key_args) {
  auto keys = VerifierKeys(key_args);
  if (!keys) return Fail(keys.error());
  VerifyReport report;
  if (!dir.empty()) {
    if (keys->empty()) {
      auto own = VerifierKeys({(std::filesystem::path(dir) / "keys.txt").string()});
      if (!own) return Fail(own.error());
      *keys = *own;
      fmt::print("注意：未用 --key 指定公钥，使用导出文件自带的keys.txt。这只能发现意外损坏；"
                 "要防伪造，请使用公开指南页面公布的公钥。\n");
    }
    report = VerifyDump(dir, *keys);
  } else {
    if (record.empty() || proof.empty() || checkpoint.empty())
      return Fail(Error::Invalid("请指定 --dir，或同时指定 --record、--proof 和 --checkpoint", "--dir"));
    if (keys->empty()) return Fail(Error::Invalid("请用 --key 指定站点公布的公钥（或公钥文件）", "--key"));
    auto r = ReadFile(record);
    auto p = r ? ReadFile(proof) : Result<std::string>(Unexpected(r.error()));
    auto c = p ? ReadFile(checkpoint) : Result<std::string>(Unexpected(p.error()));
    if (!c) return Fail(c.error());
    report = VerifyRecord(*r, *p, *c, *keys);
  }
  for (const auto& line : report.passed) fmt::print("通过 (ok)：{}\n", line);
  for (const auto& line : report.failed) fmt::print("不符 (FAILED)：{}\n", line);
  if (report.ok())
    fmt::print("验证通过：内容与签名账本一致。\nVerified.\n");
  else
    fmt::print("验证未通过：{}处不符。\nNOT verified: {} problem(s).\n", report.failed.size(), report.failed.size());
  return report.ok() ? 0 : 1;
}

// gongkai token add|list|revoke: the units' API tokens, as on /admin/tokens.
int RunTokenAdd(const std::string& db, const std::string& site_slug, const std::string& name, const std::string& unit,
                const std::string& role_text, bool secret_only) {
  auto role = ParseRole(role_text);
  if (!role) return Fail(Error::Invalid(fmt::format("角色“{}”无效（可选：liaison、leader）", role_text), "--role"));
  auto opened = OpenSite(db, site_slug);
  if (!opened) return Fail(opened.error());
  SystemClock clock;
  Context ctx{*opened->store, clock, Actor::Console(opened->site.id)};
  auto t = CreateApiToken(ctx, opened->catalog, NewApiToken{name, unit, *role});
  if (!t) return Fail(t.error());
  if (secret_only) {
    fmt::print("{}\n", t->secret);
    return 0;
  }
  fmt::print("已创建接口令牌{}“{}”（{}，{}）。令牌只显示这一次，请交给该单位的系统保管：\n{}\n", t->token.id, t->token.name,
             t->token.unit, RoleLabel(t->token.role), t->secret);
  return 0;
}

int RunTokenList(const std::string& db, const std::string& site_slug) {
  auto opened = OpenSite(db, site_slug);
  if (!opened) return Fail(opened.error());
  SystemClock clock;
  Context ctx{*opened->store, clock, Actor::Console(opened->site.id)};
  auto tokens = ListApiTokens(ctx);
  if (!tokens) return Fail(tokens.error());
  for (const auto& t : *tokens)
    fmt::print("{}\t{}\t{}\t{}\t创建于{}\t{}\t{}\n", t.id, t.name, t.unit, RoleLabel(t.role), t.created_at,
               t.last_used_at.empty() ? "从未使用" : "最近使用" + t.last_used_at,
               t.revoked() ? "已吊销" + t.revoked_at : "有效");
  return 0;
}

int RunTokenRevoke(const std::string& db, const std::string& site_slug, std::int64_t id) {
  auto opened = OpenSite(db, site_slug);
  if (!opened) return Fail(opened.error());
  SystemClock clock;
  Context ctx{*opened->store, clock, Actor::Console(opened->site.id)};
  if (auto s = RevokeApiToken(ctx, id); !s) return Fail(s.error());
  fmt::print("已吊销接口令牌{}，自下一个请求起失效。\n", id);
  return 0;
}

int RunWebhookAdd(const std::string& db, const std::string& site_slug, const std::string& url,
                  const std::string& description) {
  auto opened = OpenSite(db, site_slug);
  if (!opened) return Fail(opened.error());
  SystemClock clock;
  Context ctx{*opened->store, clock, Actor::Console(opened->site.id)};
  auto s = AddWebhook(ctx, url, description);
  if (!s) return Fail(s.error());
  fmt::print("已添加推送订阅{}：{}\n从事件{}之后开始推送。请把以下密钥交给接收方，用于核验签名（只显示这一次）：\n{}\n", s->id,
             s->url, s->delivered_seq, s->secret);
  return 0;
}

int RunWebhookList(const std::string& db, const std::string& site_slug) {
  auto opened = OpenSite(db, site_slug);
  if (!opened) return Fail(opened.error());
  auto subs = opened->store->ListSubscribers(opened->site.id);
  if (!subs) return Fail(subs.error());
  for (const auto& s : *subs)
    fmt::print("{}\t{}\t{}\t已推送至事件{}\t连续失败{}次\t{}\t{}\n", s.id, s.active ? "启用" : "暂停", s.url, s.delivered_seq,
               s.failures, s.next_attempt_at.empty() ? "-" : "下次重试 " + s.next_attempt_at, s.last_error);
  auto log = opened->store->ListDeliveries(opened->site.id, 0, 50);
  if (!log) return Fail(log.error());
  if (!log->empty()) fmt::print("最近的推送记录：\n");
  for (const auto& d : *log)
    fmt::print("{}\t订阅{}\t事件{}\t{}\tHTTP {}\t{}{}\n", d.at, d.subscriber_id, d.event_seq, d.ok ? "成功" : "失败",
               d.http_status, d.replay ? "（重发）" : "", d.error);
  return 0;
}

int RunWebhookReplay(const std::string& db, const std::string& site_slug, std::int64_t id, std::int64_t seq) {
  auto opened = OpenSite(db, site_slug);
  if (!opened) return Fail(opened.error());
  SystemClock clock;
  Context ctx{*opened->store, clock, Actor::Console(opened->site.id)};
  CurlPoster poster;
  auto d = ReplayWebhook(ctx, opened->site, poster, id, seq);
  if (!d) return Fail(d.error());
  fmt::print("已重发事件{}到订阅{}：{}\n", seq, id, d->ok ? fmt::format("成功（HTTP {}）", d->http_status) : d->error);
  return d->ok ? 0 : 1;
}

int RunRemind(const std::string& db, const std::string& site_slug, const MailOptions& mail, bool force) {
  auto mailer = MakeMailer(mail);
  if (!mailer) return Fail(mailer.error());
  auto opened = OpenSite(db, site_slug);
  if (!opened) return Fail(opened.error());
  SystemClock clock;
  Context ctx{*opened->store, clock, Actor::Console(opened->site.id)};
  ReminderSettings settings;
  settings.site_name = opened->site.name;
  settings.mailer = mailer->get();
  settings.from = mail.from;
  settings.from_name = mail.from_name;
  auto run = RunReminders(ctx, opened->catalog, settings, force);
  if (!run) return Fail(run.error());
  if (!run->working_day && !force)
    fmt::print("{}不是工作日，未生成新的提醒（可用 --force 强制生成）。\n", run->today.ToString());
  else
    fmt::print("{}：生成{}条提醒，共{}项。\n", run->today.ToString(), run->notices, run->lines);
  if (*mailer) fmt::print("邮件：成功{}封，失败{}封。\n", run->emails_sent, run->emails_failed);
  for (const auto& e : run->email_errors) fmt::print(stderr, "邮件发送失败 (e-mail failed): {}\n", e);
  return run->emails_failed > 0 ? 1 : 0;
}

// A `--catalog FILE` option's catalogue (JSON), or the built-in seed's when "".
Result<Catalog> CatalogArg(const std::string& file) {
  if (file.empty()) return LoadSeedCatalog();
  GK_TRY(bytes, ReadFile(file));
  return ParseCatalogJson(bytes);
}

// `gongkai site add`: another district's portal on this deployment.
int RunSiteAdd(const std::string& db, const AddSiteOptions& options, const std::string& catalog_file,
               const std::string& key_base) {
  auto catalog = CatalogArg(catalog_file);
  if (!catalog) return Fail(catalog.error());
  auto store = OpenStore(db, true);
  if (!store) return Fail(store.error());
  SystemClock clock;
  auto site = AddSite(**store, clock, options, *catalog);
  if (!site) return Fail(site.error());
  if (auto cal = EnsureCalendar(**store); !cal) return Fail(cal.error());
  auto path = SiteLedgerKeyPath(**store, *site, key_base);
  if (!path) return Fail(path.error());
  auto key = EnsureLedgerKey(**store, *site, *path, true, clock.Now());
  if (!key) return Fail(key.error());
  auto cat = (*store)->LoadCatalog(site->id);
  if (!cat) return Fail(cat.error());
  fmt::print("已创建站点“{}”（{}）：{}个领域、{}个事项、{}个责任单位；域名：{}。\n", site->name, site->slug, cat->areas.size(),
             cat->ItemCount(), cat->units.size(), site->host.empty() ? "（无，仅作为默认站点时可访问）" : site->host);
  fmt::print("账本签名密钥：{}；公钥：{}\n", path->string(), ledger::VerifierKey(*key));
  fmt::print("下一步：gongkai user add --db {} --site {} --role admin ... 创建该站点的管理员账号。\n", RedactedLocation(db), site->slug);
  fmt::print("Created site {} (host {}).\n", site->slug, site->host.empty() ? "-" : site->host);
  return 0;
}

// After `gongkai migrate`: the serve command for the copy. Its --ledger-key
// is the file that holds the site's registered key beside the embedded
// database (FILE.ledger-key or FILE.ledger-key.<slug>), which
// SiteLedgerKeyPath resolves to that same file whichever site is first in
// the target.
void PrintMigratedServeHint(const std::string& source_file, const std::string& to, const std::string& slug) {
  const std::string base = source_file + ".ledger-key";
  auto look = [&]() -> Result<std::pair<std::optional<std::filesystem::path>, std::string>> {
    GK_TRY(store, OpenStoreAt("sqlite:" + source_file, 1));
    GK_TRY(site, store->FindSite(slug));
    GK_TRY(file, FindSiteLedgerKey(*store, site, base));
    GK_TRY(id, CurrentLedgerKeyId(*store, site));
    return std::pair{file, id};
  }();
  if (look && look->first) {
    const std::string file = look->first->string();
    fmt::print("请让各应用服务器使用该站点原来的签名密钥文件“{}”（密钥编号{}）：\n"
               "gongkai serve --db {} --site {} --ledger-key {}\n"
               "（该数据库若还服务其他站点，请把此文件复制为它们所用的 --ledger-key 路径加“.{}”。）\n",
               file, look->second, RedactedLocation(to), slug, file, slug);
    fmt::print("Serve it with the site's own key file (key id {}): --ledger-key {}\n", look->second, file);
  } else if (look && !look->second.empty()) {
    fmt::print(stderr,
               "注意：“{}”和“{}.{}”中都没有站点“{}”已登记的签名密钥（密钥编号{}）。请找到该站点原来所用的密钥文件，"
               "并用 gongkai serve --db {} --site {} --ledger-key 指向它；没有它，serve 会拒绝启动。\n",
               base, base, slug, slug, look->second, RedactedLocation(to), slug);
  } else {
    fmt::print("请让各应用服务器使用原来的签名密钥文件：gongkai serve --db {} --site {} --ledger-key {}\n",
               RedactedLocation(to), slug, base);
  }
}

// gongkai migrate: one site from an embedded database into PostgreSQL.
int RunMigrate(const std::string& from, const std::string& to, const std::string& slug) {
  auto source = ParseStoreLocation(from);
  if (!source) return Fail(Error::Invalid(source.error().message, "--from"));
  if (source->kind != StoreKind::kSqlite)
    return Fail(Error::Invalid("--from 应为嵌入式数据库：sqlite:文件路径", "--from"));
  auto target = ParseStoreLocation(to);
  if (!target) return Fail(Error::Invalid(target.error().message, "--to"));
  if (target->kind != StoreKind::kPostgres)
    return Fail(Error::Invalid("--to 应为 PostgreSQL 数据库地址：postgresql://用户@主机/库名", "--to"));
  auto report = CopySiteToPostgres(source->target, target->target, slug);
  if (!report) return Fail(report.error());
  long long rows = 0;
  for (const auto& [table, n] : report->rows) rows += n;
  if (report->already_present && report->reindexed) {
    fmt::print("目标数据库已有站点“{}”，且与源数据库一致（{}行内容核对一致，账本{}条）；其搜索索引不完整（缺{}条，过期{}条），"
               "已重建：{}条。\n",
               slug, rows, report->ledger_size, report->index_missing, report->index_stale, report->indexed);
    fmt::print("Site {} is already in {} and matches the source ({} rows, {} ledger leaves); its search index was "
               "incomplete ({} missing, {} stale) and was rebuilt: {} records indexed.\n",
               slug, RedactedLocation(to), rows, report->ledger_size, report->index_missing, report->index_stale,
               report->indexed);
  } else if (report->already_present) {
    fmt::print("目标数据库已有站点“{}”，且与源数据库一致（{}行内容核对一致，账本{}条），未作修改。\n", slug, rows,
               report->ledger_size);
    fmt::print("Site {} is already in {} and matches the source ({} rows, {} ledger leaves): nothing written.\n", slug,
               RedactedLocation(to), rows, report->ledger_size);
  } else {
    fmt::print("已把站点“{}”迁入{}：{}行，核对一致；公开账本{}条，树根{}；搜索索引{}条。\n", slug, RedactedLocation(to),
               rows, report->ledger_size, report->ledger_root_hex.empty() ? "（尚无）" : report->ledger_root_hex,
               report->indexed);
    fmt::print("Copied site {} to {}: {} rows verified; ledger {} leaves, root {}; {} records indexed.\n", slug,
               RedactedLocation(to), rows, report->ledger_size, report->ledger_root_hex, report->indexed);
    fmt::print("附件文件{}个；新增工作日历{}版（工作日历由该数据库的全部站点共用）。\n", report->files,
               report->calendars_copied);
  }
  PrintMigratedServeHint(source->target, to, slug);
  for (const auto& [table, n] : report->rows) fmt::print("  {:<22} {}\n", table, n);
  return 0;
}

// `gongkai backup` / `gongkai restore` (app/backup.h): the embedded
// database's files; PostgreSQL is refused with the pg_dump procedure.
BackupStorage MakeBackupStorage() {
  BackupStorage storage;
  storage.sqlite_file = [](const std::string& location, const std::string& option) -> Result<std::string> {
    GK_TRY(where, ParseStoreLocation(location));
    if (where.kind == StoreKind::kPostgres)
      return Unexpected(Error::Invalid(
          fmt::format("{}“{}”是 PostgreSQL 数据库：gongkai backup/restore 只用于嵌入式数据库。PostgreSQL 请用 "
                      "pg_dump -Fc 在线备份、pg_restore 恢复，并另行保存 --ledger-key 指定的签名密钥文件"
                      "（见 README“PostgreSQL”一节）",
                      option, RedactedLocation(location)),
          option));
    return where.target;
  };
  storage.open = [](const std::string& path) -> Result<std::unique_ptr<Store>> {
    GK_TRY(lite, OpenStoreAt("sqlite:" + path, 2));
    return lite;
  };
  storage.snapshot = sqlite::SnapshotDatabase;
  return storage;
}

void PrintSites(const std::vector<BackupSite>& sites) {
  for (const auto& s : sites)
    fmt::print("  站点“{}”（{}）：信息{}条（已发布{}条），公开账本{}条，树根{}，附件{}个（{}字节）\n", s.slug, s.name,
               s.records, s.published, s.ledger_size, s.ledger_root, s.attachments, s.attachment_bytes);
}

int RunBackup(const std::string& db, const std::string& key_path, const std::string& out) {
  SystemClock clock;
  auto m = CreateBackup(MakeBackupStorage(), BackupRequest{db, LedgerKeyPath(db, key_path), out, GONGKAI_VERSION},
                        clock.Now());
  if (!m) {
    fmt::print(stderr, "备份失败 (backup failed)\n");
    return Fail(m.error());
  }
  std::int64_t bytes = 0;
  for (const auto& f : m->files) bytes += f.size;
  fmt::print("已备份到{}：{}个文件，共{}字节（数据库快照、{}个签名密钥），清单 {}/manifest.json。\n", out,
             m->files.size(), bytes, m->keys.size(), out);
  PrintSites(m->sites);
  fmt::print("Backup written to {}: {} files, {} bytes.\n", out, m->files.size(), bytes);
  return 0;
}

int RunRestore(const std::string& from, const std::string& db, const std::string& key_path) {
  auto r = RestoreBackup(MakeBackupStorage(), RestoreRequest{from, db, LedgerKeyPath(db, key_path)});
  if (!r) {
    fmt::print(stderr, "恢复失败，未写入任何文件 (restore refused; nothing was written)\n");
    return Fail(r.error());
  }
  fmt::print("已从{}恢复（备份时间{}，{}个文件的校验和全部相符）：\n  数据库：{}\n", from, r->manifest.created_at,
             r->manifest.files.size(), r->db_file);
  for (const auto& k : r->key_files) fmt::print("  签名密钥：{}\n", k);
  PrintSites(r->manifest.sites);
  fmt::print("启动：gongkai serve --db {}{}\n", r->db_file, key_path.empty() ? "" : " --ledger-key " + key_path);
  fmt::print("Restored {} from {}.\n", r->db_file, from);
  return 0;
}

int RunSiteList(const std::string& db) {
  auto store = OpenStore(db, false);
  if (!store) return Fail(store.error());
  auto sites = (*store)->ListSites();
  if (!sites) return Fail(sites.error());
  fmt::print("{:<6}{:<20}{:<32}{}\n", "编号", "标识", "域名", "名称");
  for (const auto& s : *sites)
    fmt::print("{:<8}{:<22}{:<34}{}\n", s.id, s.slug, s.host.empty() ? "-" : s.host, s.name);
  return 0;
}

int RunUserList(const std::string& db, const std::string& site_slug) {
  auto store = OpenStore(db, false);
  if (!store) return Fail(store.error());
  auto site = (*store)->FindSite(site_slug);
  if (!site) return Fail(site.error());
  auto accounts = (*store)->ListAccounts(site->id);
  if (!accounts) return Fail(accounts.error());
  for (const auto& a : *accounts)
    fmt::print("{}\t{}\t{}\t{}\t{}{}\n", a.username, a.display_name, RoleLabel(a.role), a.unit,
               !a.active ? "已停用" : a.password_hash.empty() ? "待设置密码" : "正常",
               a.email.empty() ? std::string() : "\t" + a.email);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "gongkai 政务公开平台：信息公开目录、门户网站与开放接口\n"
      "gongkai: a district's proactive government information disclosure portal",
      "gongkai"};
  app.set_version_flag("-V,--version", std::string("gongkai ") + GONGKAI_VERSION, "显示版本 (show version)");
  app.set_help_flag("-h,--help", "显示帮助 (show help)");
  app.require_subcommand(1);

  std::string db = kDefaultDb;
  std::string site = "demo";

  // init
  auto* init = app.add_subcommand("init", "初始化数据库并载入信息公开目录 (create the database and load the catalogue)");
  std::string init_catalog, site_name = "示例区人民政府";
  bool force = false;
  init->add_option("--db", db, kDbHelp)->capture_default_str();
  init->add_option("--site", site, "站点标识 (site slug)")->capture_default_str();
  init->add_option("--site-name", site_name, "站点名称 (site name)")->capture_default_str();
  init->add_option("--catalog", init_catalog, "目录文件，默认为内置的种子目录 (catalogue file; default: built-in seed)");
  init->add_flag("--force", force, "覆盖已有目录 (replace an existing catalogue)");
  bool demo = false;
  init->add_flag("--demo", demo, "填充演示数据（虚构的公开信息） (fill the site with fictitious demo records)");
  std::string ledger_key;
  const char* ledger_key_help = "公开账本签名密钥文件，默认为数据库文件名加.ledger-key (ledger signing key file)";
  init->add_option("--ledger-key", ledger_key, ledger_key_help);

  // serve
  auto* serve = app.add_subcommand("serve", "启动门户网站 (start the portal web server)");
  std::string listen = "127.0.0.1:8080", port_file;
  int threads = 64;
  serve->set_config("--config", "", "配置文件，键为 db、listen、threads、site (config file: db, listen, threads, site)");
  serve->add_option("--db", db, kDbHelp)->capture_default_str();
  serve->add_option("--listen", listen, "监听地址 主机:端口，端口0为任意空闲端口 (host:port; port 0 = any free port)")
      ->capture_default_str();
  serve->add_option("--threads", threads, "工作线程数 (worker threads)")->capture_default_str()->check(CLI::Range(1, 1024));
  serve->add_option("--site", site, "站点标识 (site slug)")->capture_default_str();
  serve->add_option("--port-file", port_file, "启动后把实际端口写入此文件 (write the bound port to this file)");
  int max_attachment_mb = 50;
  serve->add_option("--max-attachment-mb", max_attachment_mb, "附件大小上限（MB） (largest attachment, MB)")
      ->capture_default_str()
      ->check(CLI::Range(1, 2048));
  int session_ttl = 8 * 3600;
  serve->add_option("--session-timeout", session_ttl, "登录会话有效期（秒） (session lifetime in seconds)")
      ->capture_default_str()
      ->check(CLI::Range(1, 30 * 24 * 3600));
  // Slow clients and connection limits (http/bounded_server.h).
  int max_connections = 2048, header_timeout = 10, min_rate = 1024;
  serve->add_option("--max-connections", max_connections,
                    "同时接受的连接数上限（处理中与排队），超出时返回503 (accepted connections, served or waiting)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  serve->add_option("--header-timeout", header_timeout,
                    "请求行和请求头须在此秒数内收齐，否则断开连接 (seconds for the request line and headers)")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  serve->add_option("--min-rate", min_rate,
                    "请求体和响应的最低平均速率（字节/秒），低于则断开 (minimum body/response rate, bytes/s)")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000000));
  MailOptions serve_mail;
  AddMailOptions(serve, serve_mail);
  std::string remind_at;
  serve->add_option("--remind-at", remind_at,
                    "每个工作日此时（北京时间HH:MM）自动生成到期提醒，省略则不启用 (daily reminder time)");
  serve->add_option("--ledger-key", ledger_key, ledger_key_help);
  OpsOptions ops;
  serve->add_option("--log-format", ops.log_format,
                    "日志格式：json（每行一个JSON对象，默认）或text (log format: json or text)")
      ->capture_default_str()
      ->check(CLI::IsMember({"json", "text"}));
  serve->add_option("--metrics-allow", ops.metrics_allow,
                    "除本机外允许读取/metrics的IP地址，可重复 (addresses besides loopback allowed to read /metrics)")
      ->delimiter(',');
  serve->add_option("--shutdown-timeout", ops.shutdown_timeout,
                    "收到停止信号后等待进行中请求完成的最长秒数 (seconds to wait for requests in flight on SIGTERM)")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  std::string public_url;
  serve->add_option("--public-url", public_url,
                    "门户对外访问地址，如https://gk.example.gov.cn，用于订阅源和站点地图中的绝对链接；省略则取请求的Host "
                    "(public base URL for feeds and sitemaps)")
      ->check([](const std::string& v) -> std::string {
        if (v.starts_with("http://") || v.starts_with("https://")) return {};
        return "门户地址应以http://或https://开头";
      });

  // site
  auto* site_cmd = app.add_subcommand("site", "站点：一个部署承载多个区县的门户 (sites on one deployment)");
  site_cmd->require_subcommand(1);
  auto* site_add = site_cmd->add_subcommand("add", "新建站点，载入种子目录或另一站点的目录 (add a site)");
  AddSiteOptions new_site;
  std::string site_catalog;
  site_add->add_option("--db", db, kDbHelp)->capture_default_str();
  site_add->add_option("--slug", new_site.slug, "站点标识，如pudong (site slug)")->required();
  site_add->add_option("--name", new_site.name, "站点名称，如“浦东新区人民政府” (site name)")->required();
  site_add->add_option("--host", new_site.host, "站点域名，如gk.pudong.gov.cn (host name routed to the site)");
  auto* from_opt = site_add->add_option("--from-site", new_site.from_site,
                                        "复制该站点当前的信息公开目录 (copy this site's catalogue)");
  site_add->add_option("--catalog", site_catalog, "目录文件（JSON），默认为内置的种子目录 (catalogue file; default: seed)")
      ->excludes(from_opt);
  site_add->add_option("--ledger-key", ledger_key, ledger_key_help);
  auto* site_list = site_cmd->add_subcommand("list", "列出全部站点 (list sites)");
  site_list->add_option("--db", db, kDbHelp)->capture_default_str();

  // ledger, dump, verify
  auto* ledger_cmd = app.add_subcommand("ledger", "公开账本：写入新发布的信息、签署树头、更换密钥 (the publication ledger)");
  ledger_cmd->require_subcommand(1);
  auto* l_sync = ledger_cmd->add_subcommand("sync", "把尚未写入账本的发布、修订、撤回写入账本并签署树头 (append and sign)");
  auto* l_rotate = ledger_cmd->add_subcommand("rotate-key", "更换签名密钥；旧公钥仍可验证旧树头 (rotate the signing key)");
  for (auto* c : {l_sync, l_rotate}) {
    c->add_option("--db", db, kDbHelp)->capture_default_str();
    c->add_option("--site", site, "站点标识 (site slug)")->capture_default_str();
    c->add_option("--ledger-key", ledger_key, ledger_key_help);
  }
  bool key_lost = false;
  l_rotate->add_flag("--key-lost", key_lost,
                     "确认原密钥文件已丢失：生成新密钥并停用已登记的旧公钥 (the key file is lost: replace it)");
  auto* migrate = app.add_subcommand(
      "migrate", "把一个站点从嵌入式数据库原样迁入 PostgreSQL，并核对 (copy a site from SQLite into PostgreSQL)");
  std::string migrate_from, migrate_to;
  migrate->add_option("--from", migrate_from, "源数据库 sqlite:文件路径 (source: sqlite:FILE)")->required();
  migrate->add_option("--to", migrate_to, "目标数据库 postgresql://用户@主机/库名 (target PostgreSQL URL)")->required();
  migrate->add_option("--site", site, "站点标识 (site slug)")->capture_default_str();
  auto* dump = app.add_subcommand("dump", "导出全部公开信息、公开账本和附件校验值，供离线核验 (open-data dump)");
  std::string dump_out;
  bool dump_files = false;
  dump->add_option("--db", db, kDbHelp)->capture_default_str();
  dump->add_option("--site", site, "站点标识 (site slug)")->capture_default_str();
  dump->add_option("--ledger-key", ledger_key, ledger_key_help);
  dump->add_option("--out", dump_out, "输出目录 (output directory)")->required();
  dump->add_flag("--with-files", dump_files, "同时导出附件文件 (include the attachment files)");
  auto* verify = app.add_subcommand(
      "verify", "离线核验：下载的公开信息或导出文件是否与签名账本一致 (verify a record or a dump against the ledger)");
  std::string v_dir, v_record, v_proof, v_checkpoint;
  std::vector<std::string> v_keys;
  verify->add_option("--dir", v_dir, "gongkai dump 导出的目录 (a dump directory)");
  verify->add_option("--record", v_record, "公开信息JSON文件（/api/v1/records/{id}） (a record document)");
  verify->add_option("--proof", v_proof, "包含证明JSON文件（/api/v1/ledger/proof/inclusion） (an inclusion proof)");
  verify->add_option("--checkpoint", v_checkpoint, "签名树头文件（/api/v1/ledger/checkpoint） (a signed tree head)");
  verify->add_option("--key", v_keys, "站点公布的公钥，或每行一个公钥的文件；可重复 (verifier key or file; repeatable)");

  // backup, restore
  auto* backup = app.add_subcommand(
      "backup", "在线备份：数据库快照、附件、签名密钥及校验清单，服务运行时也可执行 (consistent online backup)");
  std::string backup_out;
  backup->add_option("--db", db, kDbHelp)->capture_default_str();
  backup->add_option("--ledger-key", ledger_key, ledger_key_help);
  backup->add_option("--out", backup_out, "备份目录，须为新的或空的目录 (a new or empty directory)")->required();
  auto* restore = app.add_subcommand(
      "restore", "从备份恢复到新的数据库：先核对全部校验和，不覆盖已有文件 (restore a backup into a new database)");
  std::string restore_from, restore_db;
  restore->add_option("--from", restore_from, "gongkai backup 写出的备份目录 (backup directory)")->required();
  restore->add_option("--db", restore_db, "新的数据库文件，不得已存在 (new database file)")->required();
  restore->add_option("--ledger-key", ledger_key,
                      "签名密钥的恢复位置，默认为数据库文件名加.ledger-key (where the ledger keys go)");

  auto* webhook = app.add_subcommand(
      "webhook", "信息推送：发布、修订、撤回时向政务新媒体等渠道推送签名事件 (signed event pushes)");
  webhook->require_subcommand(1);
  auto* w_add = webhook->add_subcommand("add", "添加接收地址 (add a subscriber)");
  auto* w_list = webhook->add_subcommand("list", "列出订阅和最近的推送记录 (subscribers and delivery log)");
  auto* w_replay = webhook->add_subcommand("replay", "重发一个事件 (send one event again)");
  std::string w_url, w_description;
  std::int64_t w_id = 0, w_seq = 0;
  for (auto* c : {w_add, w_list, w_replay}) {
    c->add_option("--db", db, kDbHelp)->capture_default_str();
    c->add_option("--site", site, "站点标识 (site slug)")->capture_default_str();
  }
  w_add->add_option("--url", w_url, "接收地址 http(s)://… (receiver URL)")->required();
  w_add->add_option("--description", w_description, "说明，如“政务微信公众号” (description)");
  w_replay->add_option("--id", w_id, "订阅编号 (subscriber id)")->required();
  w_replay->add_option("--event", w_seq, "事件序号 (event sequence number)")->required();

  auto* token = app.add_subcommand("token", "单位接口令牌：创建、列出、吊销 (the units' API tokens)");
  token->require_subcommand(1);
  auto* t_add = token->add_subcommand("add", "创建令牌，只显示一次 (create a token; the secret is shown once)");
  auto* t_list = token->add_subcommand("list", "列出令牌（不含密钥） (list tokens, without secrets)");
  auto* t_revoke = token->add_subcommand("revoke", "吊销令牌 (revoke a token)");
  std::string t_name, t_unit, t_role = "liaison";
  std::int64_t t_id = 0;
  bool t_secret_only = false;
  for (auto* c : {t_add, t_list, t_revoke}) {
    c->add_option("--db", db, kDbHelp)->capture_default_str();
    c->add_option("--site", site, "站点标识 (site slug)")->capture_default_str();
  }
  t_add->add_option("--name", t_name, "名称，如“财政局业务系统” (a label)")->required();
  t_add->add_option("--unit", t_unit, "所属单位 (the unit it acts for)")->required();
  t_add->add_option("--role", t_role, "liaison（联络员）或 leader（分管领导） (role)")->capture_default_str();
  t_add->add_flag("--secret-only", t_secret_only, "只输出令牌本身，供脚本使用 (print only the secret)");
  t_revoke->add_option("--id", t_id, "令牌编号 (token id)")->required();

  // remind
  auto* remind = app.add_subcommand(
      "remind", "生成今日到期提醒：站内提醒，配置邮件服务器时同时发邮件；供cron每个工作日调用 (deadline reminders)");
  remind->set_config("--config", "", "配置文件 (config file)");
  remind->add_option("--db", db, kDbHelp)->capture_default_str();
  remind->add_option("--site", site, "站点标识 (site slug)")->capture_default_str();
  MailOptions remind_mail;
  AddMailOptions(remind, remind_mail);
  bool remind_force = false;
  remind->add_flag("--force", remind_force, "非工作日也生成 (run on a day off too)");

  // catalog export / import
  auto* catalog = app.add_subcommand("catalog", "信息公开目录的导出与导入 (export or import the catalogue)");
  catalog->require_subcommand(1);
  auto* exp = catalog->add_subcommand("export", "导出目录 (export the catalogue: json, csv or xlsx)");
  std::string format = "json", output;
  exp->add_option("--db", db, kDbHelp)->capture_default_str();
  exp->add_option("--site", site, "站点标识 (site slug)")->capture_default_str();
  exp->add_option("-f,--format", format, "格式 json|csv|xlsx (format)")->capture_default_str();
  exp->add_option("-o,--output", output, "输出文件，默认为标准输出 (output file; default stdout)");
  auto* imp = catalog->add_subcommand("import", "导入目录，出错时不做任何修改 (import a catalogue; all or nothing)");
  std::string import_file, import_format;
  imp->add_option("FILE", import_file, "目录文件 .json/.csv/.xlsx (catalogue file)")->required();
  imp->add_option("--db", db, kDbHelp)->capture_default_str();
  imp->add_option("--site", site, "站点标识 (site slug)")->capture_default_str();
  imp->add_option("-f,--format", import_format, "格式，默认按扩展名 (format; default from the extension)");

  // deadline
  auto* deadline = app.add_subcommand(
      "deadline", "计算公开期限并说明跳过的非工作日 (compute a disclosure deadline and explain it)");
  std::string dl_from, dl_element, dl_rule;
  int dl_item = 0;
  bool dl_json = false;
  deadline->add_option("--from", dl_from, "信息形成或变更日期 YYYY-MM-DD (date formed/changed: day 0)")->required();
  deadline->add_option("--item", dl_item, "目录事项序号 (catalogue item number)");
  deadline->add_option("--element", dl_element, "公开要素名称 (content element)");
  deadline->add_option("--rule", dl_rule, "时限规则标识，代替事项 (rule id instead of an item)");
  deadline->add_flag("--json", dl_json, "以JSON输出 (print JSON, as the API does)");
  deadline->add_option("--db", db, kDbHelp)->capture_default_str();
  deadline->add_option("--site", site, "站点标识 (site slug)")->capture_default_str();

  // calendar
  auto* calendar = app.add_subcommand("calendar", "工作日历：导入放假安排、查看版本 (the working-day calendar)");
  calendar->require_subcommand(1);
  auto* cal_import = calendar->add_subcommand(
      "import", "导入国务院办公厅某年放假安排（JSON或CSV），出错时不做任何修改 (import a year's notice)");
  std::string cal_file, cal_format;
  int cal_year = 0;
  cal_import->add_option("FILE", cal_file, "放假安排文件 .json（holiday-cn格式）或 .csv（date,type,name）")->required();
  cal_import->add_option("--year", cal_year, "核对文件的年份 (refuse the file if it is for another year)");
  cal_import->add_option("-f,--format", cal_format, "json|csv，默认按扩展名 (default from the extension)");
  cal_import->add_option("--db", db, kDbHelp)->capture_default_str();
  auto* cal_list = calendar->add_subcommand("list", "列出日历版本 (list calendar versions)");
  cal_list->add_option("--db", db, kDbHelp)->capture_default_str();
  auto* cal_show = calendar->add_subcommand("show", "显示某年的放假和调休安排 (show a year's dates)");
  int show_year = 0;
  cal_show->add_option("--year", show_year, "年份 (year)")->required();
  cal_show->add_option("--db", db, kDbHelp)->capture_default_str();

  // search
  auto* search_cmd = app.add_subcommand("search", "全文检索索引的维护与查询 (the full-text search index)");
  search_cmd->require_subcommand(1);
  auto* s_reindex = search_cmd->add_subcommand("reindex", "按已发布的信息重建索引 (rebuild the index from the records)");
  auto* s_check = search_cmd->add_subcommand("check", "检查索引是否缺漏或过时 (report missing or stale entries)");
  auto* s_query = search_cmd->add_subcommand("query", "搜索已公开的信息 (search published records)");
  std::string s_q;
  s_query->add_option("QUERY", s_q, "搜索词 (query)")->required();
  for (auto* sub : {s_reindex, s_check, s_query}) {
    sub->add_option("--db", db, kDbHelp)->capture_default_str();
    sub->add_option("--site", site, "站点标识 (site slug)")->capture_default_str();
  }

  // report compliance
  auto* report = app.add_subcommand("report", "统计报表 (reports)");
  report->require_subcommand(1);
  auto* r_comp = report->add_subcommand("compliance", "公开工作督查统计 (compliance figures: text, csv or xlsx)");
  std::string r_from, r_to, r_format = "text", r_out;
  r_comp->add_option("--from", r_from, "起始日期 YYYY-MM-DD，默认今年1月1日 (first day)");
  r_comp->add_option("--to", r_to, "截止日期 YYYY-MM-DD，默认今天 (last day)");
  r_comp->add_option("--format", r_format, "text、csv 或 xlsx (output format)")->capture_default_str();
  r_comp->add_option("--out", r_out, "输出文件，省略则打印 (output file; stdout if omitted)");
  r_comp->add_option("--db", db, kDbHelp)->capture_default_str();
  r_comp->add_option("--site", site, "站点标识 (site slug)")->capture_default_str();

  auto* r_annual = report->add_subcommand(
      "annual", "年度报告“主动公开政府信息情况”表及公开时效附表 (annual report, section 二: text, html, csv or xlsx)");
  int ra_year = 0;
  std::string ra_format = "text", ra_out;
  r_annual->add_option("--year", ra_year, "年度，如2025 (year)")->required();
  r_annual->add_option("--format", ra_format, "text、html、csv 或 xlsx (output format)")->capture_default_str();
  r_annual->add_option("--out", ra_out, "输出文件，省略则打印 (output file; stdout if omitted)");
  r_annual->add_option("--db", db, kDbHelp)->capture_default_str();
  r_annual->add_option("--site", site, "站点标识 (site slug)")->capture_default_str();

  // user
  auto* user = app.add_subcommand("user", "账号管理 (accounts)");
  user->require_subcommand(1);
  auto* user_add = user->add_subcommand(
      "add", "新建账号，密码从标准输入读取一行 (create an account; the password is read from stdin)");
  std::string u_name, u_display, u_role = "admin", u_unit;
  user_add->add_option("--username", u_name, "用户名 (username)")->required();
  user_add->add_option("--name", u_display, "姓名，默认同用户名 (display name)");
  user_add->add_option("--role", u_role, "角色 admin|liaison|leader|auditor（公开办/联络员/分管领导/审计）")
      ->capture_default_str();
  user_add->add_option("--unit", u_unit, "所属单位（联络员、分管领导必填） (unit)");
  std::string u_email;
  user_add->add_option("--email", u_email, "接收提醒的电子邮箱 (e-mail for reminders)");
  user_add->add_option("--db", db, kDbHelp)->capture_default_str();
  user_add->add_option("--site", site, "站点标识 (site slug)")->capture_default_str();
  auto* user_list = user->add_subcommand("list", "列出账号 (list accounts)");
  user_list->add_option("--db", db, kDbHelp)->capture_default_str();
  user_list->add_option("--site", site, "站点标识 (site slug)")->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  // The signing key lives beside an SQLite file by default; a PostgreSQL
  // database has no directory, and every app server must be given the same key.
  if (ledger_key.empty() && (init->parsed() || serve->parsed() || site_add->parsed() || l_sync->parsed() ||
                             l_rotate->parsed() || dump->parsed())) {
    auto where = ParseStoreLocation(db);
    if (!where) return Fail(where.error());
    if (where->kind == StoreKind::kPostgres)
      return Fail(Error::Invalid("使用 PostgreSQL 数据库时须用 --ledger-key 指定公开账本签名密钥文件（各应用服务器使用同一文件）",
                                 "--ledger-key"));
  }
  if (init->parsed()) {
    auto cat = CatalogArg(init_catalog);
    if (!cat) return Fail(cat.error());
    auto store = OpenStore(db, true);
    if (!store) return Fail(store.error());
    auto s = InitSite(**store, InitOptions{site, site_name, ""}, *cat, force);
    if (!s) return Fail(s.error());
    auto cal = EnsureCalendar(**store);
    if (!cal) return Fail(cal.error());
    if (demo) {
      RecordFilter any;
      any.published_only = false;
      auto existing = (*store)->CountRecords(s->id, any);
      if (!existing) return Fail(existing.error());
      if (*existing > 0) {
        fmt::print("站点已有{}条公开信息，未再生成演示数据。\n", *existing);
      } else {
        auto rules = LoadDeadlineRules();
        if (!rules) return Fail(rules.error());
        auto seeded = (*store)->LoadCatalog(s->id);
        if (!seeded) return Fail(seeded.error());
        SystemClock clock;
        Date today = BeijingDate(clock.Now());
        auto sum = FillDemo(**store, *s, *seeded, *rules, today.year() - 2, today);
        if (!sum) return Fail(sum.error());
        fmt::print("已生成演示数据：发布{}条（逾期{}条、撤回{}条、修订{}条），待公开{}项，不予公开{}项。\n", sum->published,
                   sum->late, sum->withdrawn, sum->revised, sum->open_obligations, sum->withheld);
      }
    }
    {
      // The ledger's signing key (kept if it exists) and the ledger itself.
      SystemClock clock;
      auto path = SiteLedgerKeyPath(**store, *s, LedgerKeyPath(db, ledger_key));
      if (!path) return Fail(path.error());
      auto key = EnsureLedgerKey(**store, *s, *path, true, clock.Now());
      if (!key) return Fail(key.error());
      auto done = SequenceLedger(**store, *s, &*key, clock.Now());
      if (!done) return Fail(done.error());
      fmt::print("公开账本：{}条记录；签名公钥（请在公开指南中公布）：{}\n", done->size, ledger::VerifierKey(*key));
    }
    auto stored = (*store)->LoadCatalog(s->id);
    if (!stored) return Fail(stored.error());
    fmt::print("已初始化站点“{}”（{}）：{}个领域、{}个事项、{}个责任单位。数据库：{}\n", s->name, s->slug,
               stored->areas.size(), stored->ItemCount(), stored->units.size(), RedactedLocation(db));
    fmt::print("Initialised site {}: {} areas, {} items, {} units in {}\n", s->slug, stored->areas.size(),
               stored->ItemCount(), stored->units.size(), RedactedLocation(db));
    return 0;
  }
  if (serve->parsed()) {
    ServerOptions options;
    options.threads = threads;
    options.site_slug = site;
    options.session_ttl_seconds = session_ttl;
    options.max_connections = max_connections;
    options.header_timeout_seconds = header_timeout;
    options.min_rate_bytes_per_second = min_rate;
    options.max_attachment_mb = max_attachment_mb;
    options.remind_at = remind_at;
    options.public_url = public_url;
    options.ledger_key_path = LedgerKeyPath(db, ledger_key);
    return RunServe(db, listen, port_file, serve_mail, std::move(options), ops);
  }
  if (site_add->parsed()) return RunSiteAdd(db, new_site, site_catalog, LedgerKeyPath(db, ledger_key));
  if (site_list->parsed()) return RunSiteList(db);
  if (t_add->parsed()) return RunTokenAdd(db, site, t_name, t_unit, t_role, t_secret_only);
  if (t_list->parsed()) return RunTokenList(db, site);
  if (t_revoke->parsed()) return RunTokenRevoke(db, site, t_id);
  if (w_add->parsed()) return RunWebhookAdd(db, site, w_url, w_description);
  if (w_list->parsed()) return RunWebhookList(db, site);
  if (w_replay->parsed()) return RunWebhookReplay(db, site, w_id, w_seq);
  if (l_sync->parsed()) return RunLedgerSync(db, site, ledger_key);
  if (l_rotate->parsed()) return RunLedgerRotate(db, site, ledger_key, key_lost);
  if (migrate->parsed()) return RunMigrate(migrate_from, migrate_to, site);
  if (dump->parsed()) return RunDump(db, site, ledger_key, dump_out, dump_files);
  if (backup->parsed()) return RunBackup(db, ledger_key, backup_out);
  if (restore->parsed()) return RunRestore(restore_from, restore_db, ledger_key);
  if (verify->parsed()) return RunVerify(v_dir, v_record, v_proof, v_checkpoint, v_keys);
  if (remind->parsed()) return RunRemind(db, site, remind_mail, remind_force);
  if (s_reindex->parsed() || s_check->parsed() || s_query->parsed()) {
    auto store = OpenStore(db, false);
    if (!store) return Fail(store.error());
    auto st = (*store)->FindSite(site);
    if (!st) return Fail(st.error());
    if (s_reindex->parsed()) {
      auto n = (*store)->Reindex(st->id);
      if (!n) return Fail(n.error());
      fmt::print("已重建索引：{}条公开信息。\n", *n);
      return 0;
    }
    if (s_check->parsed()) {
      auto c = (*store)->CheckIndex(st->id);
      if (!c) return Fail(c.error());
      fmt::print("索引中有{}条；缺漏{}条；过时{}条。\n", c->indexed, c->missing.size(), c->stale.size());
      for (auto id : c->missing) fmt::print("  缺漏：公开信息{}\n", id);
      for (auto id : c->stale) fmt::print("  过时：公开信息{}\n", id);
      if (!c->missing.empty() || !c->stale.empty()) {
        fmt::print("请运行 gongkai search reindex 重建索引。\n");
        return 1;
      }
      return 0;
    }
    auto loaded = (*store)->LoadCatalog(st->id);
    if (!loaded) return Fail(loaded.error());
    SearchParams p;
    p.q = s_q;
    auto o = RunSearch(**store, *st, *loaded, p);
    if (!o) return Fail(o.error());
    fmt::print("找到{}条结果：\n", o->total);
    for (const auto& h : o->hits)
      fmt::print("  /records/{}\t{}\t{}\t{}\n", h.record.id, h.record.index_number, h.published_on,
                 h.record.published_title);
    return 0;
  }
  if (r_comp->parsed()) return RunComplianceReport(db, site, r_from, r_to, r_format, r_out);
  if (r_annual->parsed()) return RunAnnualReport(db, site, ra_year, ra_format, ra_out);
  if (user_add->parsed()) return RunUserAdd(db, site, u_name, u_display, u_role, u_unit, u_email);
  if (user_list->parsed()) return RunUserList(db, site);
  if (deadline->parsed()) return RunDeadline(db, site, dl_from, dl_item, dl_element, dl_rule, dl_json);
  if (cal_import->parsed()) return RunCalendarImport(db, cal_file, cal_format, cal_year);
  if (cal_list->parsed()) return RunCalendarList(db);
  if (cal_show->parsed()) return RunCalendarShow(db, show_year);

  if (exp->parsed()) {
    auto fmt_r = ParseCatalogFormat(format);
    if (!fmt_r) return Fail(fmt_r.error());
    auto store = OpenStore(db, false);
    if (!store) return Fail(store.error());
    auto s = (*store)->FindSite(site);
    if (!s) return Fail(s.error());
    auto bytes = ExportCatalog(**store, *s, *fmt_r);
    if (!bytes) return Fail(bytes.error());
    if (output.empty() || output == "-") {
      std::fwrite(bytes->data(), 1, bytes->size(), stdout);
    } else {
      std::ofstream out(output, std::ios::binary);
      out.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
      if (!out) return Fail(Error::Invalid(fmt::format("无法写入文件“{}”", output), "--output"));
      fmt::print(stderr, "已导出到 (exported to) {}\n", output);
    }
    return 0;
  }
  if (imp->parsed()) {
    CatalogFormat f = CatalogFormatFromFileName(import_file);
    if (!import_format.empty()) {
      auto fr = ParseCatalogFormat(import_format);
      if (!fr) return Fail(fr.error());
      f = *fr;
    }
    auto bytes = ReadFile(import_file);
    if (!bytes) return Fail(bytes.error());
    auto store = OpenStore(db, false);
    if (!store) return Fail(store.error());
    auto s = (*store)->FindSite(site);
    if (!s) return Fail(s.error());
    auto c = ImportCatalog(**store, *s, *bytes, f);
    if (!c) {
      fmt::print(stderr, "导入失败，目录未作任何修改 (import refused; nothing was changed)\n");
      return Fail(c.error());
    }
    fmt::print("已导入目录：{}个领域、{}个事项、{}个责任单位\n", c->areas.size(), c->ItemCount(), c->units.size());
    return 0;
  }
  return 0;
}
