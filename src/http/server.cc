#include "http/server.h"

#include <fmt/core.h>
#include <httplib.h>
#include <spdlog/sinks/ostream_sink.h>
#include <sys/resource.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <iostream>
#include <atomic>
#include <cctype>
#include <charconv>
#include <condition_variable>
#include <optional>
#include <thread>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "app/calendar_actions.h"
#include "app/compliance_actions.h"
#include "app/ledger_actions.h"
#include "app/webhook_actions.h"
#include "app/reminder_actions.h"
#include "app/search_actions.h"
#include "core/timestamp.h"
#include "codec/rules_codec.h"
#include "core/resources.h"
#include "core/site_routing.h"
#include "http/admin.h"
#include "http/bounded_server.h"
#include "http/api.h"
#include "http/api_write_routes.h"
#include "http/display_prefs.h"
#include "http/metrics.h"
#include "http/open_data_routes.h"
#include "http/request_text.h"
#include "http/snapshot.h"
#include "http/views.h"
#include "net/http_poster.h"

namespace gongkai {

namespace {

constexpr const char* kHtml = "text/html; charset=utf-8";
constexpr const char* kJson = "application/json; charset=utf-8";
constexpr std::size_t kMaxCachedResponses = 4096;

void SetSecurityHeaders(httplib::Response& res) {
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "strict-origin-when-cross-origin");
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                 "frame-ancestors 'none'; base-uri 'self'; form-action 'self'");
  res.set_header("X-Frame-Options", "DENY");
}

// What the request log and the metrics need of the request the calling
// thread answers: set before routing, completed after it, consumed by the
// logger (called once the response is written), then cleared. A request
// refused before routing (malformed) reaches the logger with `active` false.
struct RequestTrace {
  bool active = false;
  std::chrono::steady_clock::time_point start;
  std::string id;
  std::string site;
};
thread_local RequestTrace trace;

std::string UtcNowMillis() {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  return fmt::format("{}.{:03d}Z", FormatUtc(std::chrono::floor<std::chrono::seconds>(now)).substr(0, 19),
                     static_cast<int>(ms));
}

struct CachedResponse {
  std::int64_t revision = -1;
  int status = 200;
  std::string content_type;
  std::string body;
};

}  // namespace

struct PortalServer::Impl {
  Store& store;
  ServerOptions options;
  BoundedServer http;  // workers cannot be held by slow clients
  int port = 0;

  // One deployment serves every site in the database, each on its host name
  // (core/site_routing.h); a request for no site's host goes to the default
  // site (options.site_slug). Per site: rendered responses and the parsed
  // catalogue, valid for one revision of the site's content, checked against
  // the database on every request, so several server processes on one
  // database stay consistent.
  struct SiteState {
    explicit SiteState(Site s) : site(std::move(s)) {}
    const Site site;
    std::shared_mutex cache_mu;
    std::unordered_map<std::string, CachedResponse> cache;
    std::shared_ptr<const Snapshot> snapshot;
  };
  // Sites are never removed, so a SiteState lives as long as the server.
  std::shared_mutex sites_mu;
  std::vector<std::shared_ptr<SiteState>> sites;  // guarded by sites_mu
  std::vector<Site> site_list;                     // the same sites' values, for ResolveSiteIndex
  std::shared_ptr<SiteState> default_site;
  std::chrono::steady_clock::time_point sites_loaded{};
  // The site of the request the calling thread serves (set before routing).
  static inline thread_local SiteState* request_site = nullptr;
  std::vector<DeadlineRule> rules;  // immutable, from the binary
  SystemClock clock;
  std::shared_ptr<void> admin;  // owns the admin handlers

  // Operations: /metrics, the request log, shutdown.
  metrics::Registry registry;
  std::atomic<std::uint64_t> request_counter{0};
  std::shared_ptr<spdlog::logger> request_log;  // kJson: bare lines on stdout; kText: spdlog's default
  std::mutex overdue_mu;
  std::optional<std::chrono::steady_clock::time_point> overdue_at;  // guarded by overdue_mu
  std::vector<metrics::SiteGauge> overdue;                          // guarded by overdue_mu
  std::atomic<bool> stop_requested{false};
  std::mutex stop_mu;
  bool http_stopped = false;  // guarded by stop_mu: httplib's stop() must run once

  // Per site, the compliance dashboard's 当前逾期未公开 and 期末逾期未公开
  // for this year (metrics::SiteGauge); computed at most every overdue_cache_seconds (a
  // scrape in between gets the cached figures). A site whose figures fail
  // is left out (and logged).
  std::vector<metrics::SiteGauge> OverdueGauges() {
    std::lock_guard lock(overdue_mu);
    const auto now = std::chrono::steady_clock::now();
    if (overdue_at && now - *overdue_at < std::chrono::seconds(std::max(0, options.overdue_cache_seconds)))
      return overdue;
    std::vector<metrics::SiteGauge> fresh;
    for (const auto& state : AllSites()) {
      auto snap = Current(*state);
      auto view = snap ? LoadCompliance(Context{store, clock, Actor::Console(state->site.id)}, (*snap)->catalog, "", "")
                       : Result<ComplianceView>(Unexpected(snap.error()));
      if (!view) {
        spdlog::warn("监测指标：站点{}的逾期数未能计算 (metrics: overdue count failed): {}", state->site.slug,
                     view.error().Describe());
        continue;
      }
      const auto& f = view->report.site.figures;
      fresh.push_back({state->site.slug, f.overdue_now(), f.overdue_at_end()});
    }
    overdue = std::move(fresh);
    overdue_at = now;
    return overdue;
  }

  // Called by httplib after each response is written (in the worker thread
  // that answered it): counts it and writes its log line.
  void LogRequest(const httplib::Request& req, const httplib::Response& res) {
    metrics::RequestLogEntry e;
    e.time = UtcNowMillis();
    e.id = trace.id.empty() ? metrics::RequestId("", ++request_counter) : trace.id;
    e.method = std::string(metrics::MethodLabel(req.method));
    e.route = metrics::RouteLabel(req.path, req.matches);
    e.status = res.status;
    const double seconds =
        trace.active ? std::chrono::duration<double>(std::chrono::steady_clock::now() - trace.start).count() : 0.0;
    e.duration_ms = seconds * 1000;
    e.bytes = req.method == "HEAD" ? 0 : (res.body.empty() ? res.content_length_ : res.body.size());
    e.site = trace.site;
    trace = RequestTrace{};
    registry.Observe(e.route, e.method, e.status, seconds);
    if (options.log_format == ServerOptions::LogFormat::kJson && request_log)
      request_log->info(metrics::FormatRequestJson(e));
    else
      spdlog::info(metrics::FormatRequestText(e));
  }

  // The ledger sequencer: appends new publication events to the ledger and
  // signs tree heads (after each burst, and at least daily).
  // Each site's signing key (SiteLedgerKeyPath), loaded (or, for a site
  // without one, created) at start-up, and loaded when the sequencer first
  // meets a site added later; none when options.ledger_key_path is "".
  std::mutex keys_mu;
  std::unordered_map<std::int64_t, ledger::SigningKey> site_keys;
  // The last key error logged per site, so that it is logged once, not every second.
  std::unordered_map<std::int64_t, std::string> key_errors;
  std::thread sequencer;
  CurlPoster poster;  // pushes events to the subscribers (webhooks)

  void SequencerLoop() {
    std::unique_lock lock(timer_mu);
    while (!timer_stop) {
      lock.unlock();
      if (auto listed = RefreshSites(false); !listed)
        spdlog::warn("站点列表读取失败 (site list): {}", listed.error().Describe());
      for (const auto& state : AllSites()) {
        const Site& site = state->site;
        // Without its key a site's ledger still grows, but is not signed
        // until the key file is there (checked again every round).
        auto key = KeyOf(site, false);
        const ledger::SigningKey* signing = key ? *key : nullptr;
        NoteKeyError(site, key ? std::string() : key.error().Describe());
        auto done = SequenceLedger(store, site, signing, clock.Now());
        if (!done) {
          if (done.error().code == ErrorCode::kConflict) spdlog::debug("账本（{}）：{}", site.slug, done.error().message);
          else spdlog::error("账本写入失败 (ledger sequencing failed, site {}): {}", site.slug, done.error().Describe());
        } else if (done->appended > 0) {
          spdlog::info("账本（{}）：追加{}条，共{}条{} (ledger appended)", site.slug, done->appended, done->size,
                       done->signed_head ? "，已签署新树头" : "");
        }
        // What the append left for later (a WAL checkpoint), here rather than in a request.
        if (auto kept = store.MaintainStorage(); !kept)
          spdlog::warn("存储维护失败 (storage maintenance failed): {}", kept.error().Describe());
        // The same events go to the subscribers, in order, with backoff.
        auto pushed = DeliverWebhooks(store, site, poster, clock.Now());
        if (!pushed)
          spdlog::error("信息推送失败 (webhook delivery failed, site {}): {}", site.slug, pushed.error().Describe());
        else if (pushed->failed > 0)
          spdlog::warn("信息推送（{}）：{}次失败，稍后重试 (webhook attempts failed)", site.slug, pushed->failed);
      }
      if (request_log) request_log->flush();
      lock.lock();
      timer_cv.wait_for(lock, std::chrono::milliseconds(std::max(50, options.ledger_interval_ms)),
                        [this] { return timer_stop; });
    }
  }

  // The reminder timer (options.remind_at).
  int remind_minute = -1;
  std::mutex timer_mu;
  std::condition_variable timer_cv;
  bool timer_stop = false;
  std::thread timer;

  // The reminder settings for `site` (its name signs the e-mails).
  ReminderSettings Reminders(const Site& site) const {
    ReminderSettings r;
    r.site_name = site.name;
    r.mailer = options.mailer;
    r.from = options.mail_from;
    r.from_name = options.mail_from_name;
    return r;
  }

  // Checks every 20 seconds (and at once) whether today's reminders are due
  // and not yet run by this process; the marks in the database keep a
  // restart or a second server from sending anything twice.
  void TimerLoop() {
    std::optional<Date> last_day;
    std::unique_lock lock(timer_mu);
    while (!timer_stop) {
      const auto now = clock.Now();
      const Date today = BeijingDate(now);
      const auto since_midnight = (now.time_since_epoch() + std::chrono::hours(8)) % std::chrono::days(1);
      const int minute = static_cast<int>(std::chrono::duration_cast<std::chrono::minutes>(since_midnight).count());
      if (minute >= remind_minute && last_day != today) {
        last_day = today;
        lock.unlock();
        RunTimedReminders();
        lock.lock();
        continue;
      }
      timer_cv.wait_for(lock, std::chrono::seconds(20), [this] { return timer_stop; });
    }
  }

  void RunTimedReminders() {
    if (auto listed = RefreshSites(false); !listed)
      spdlog::warn("站点列表读取失败 (site list): {}", listed.error().Describe());
    for (const auto& state : AllSites()) RunTimedReminders(*state);
  }

  void RunTimedReminders(SiteState& state) {
    const Site& site = state.site;
    auto snap = Current(state);
    if (!snap) {
      spdlog::error("到期提醒未运行 (reminders failed, site {}): {}", site.slug, snap.error().Describe());
      return;
    }
    Context ctx{store, clock, Actor::Console(site.id)};
    ctx.actor.username = "timer";
    ctx.actor.display_name = "定时提醒";
    auto run = RunReminders(ctx, (*snap)->catalog, Reminders(site), false);
    if (!run) {
      spdlog::error("到期提醒未运行 (reminders failed, site {}): {}", site.slug, run.error().Describe());
      return;
    }
    if (!run->working_day) {
      spdlog::info("到期提醒（{}）：{}不是工作日，未生成提醒 (day off; {} e-mails retried)", site.slug, run->today.ToString(),
                   run->emails_sent + run->emails_failed);
      return;
    }
    spdlog::info("到期提醒（{}）：{}生成{}条提醒（{}项），邮件成功{}封、失败{}封 (reminders sent)", site.slug,
                 run->today.ToString(), run->notices, run->lines, run->emails_sent, run->emails_failed);
    for (const auto& e : run->email_errors) spdlog::warn("提醒邮件发送失败 (e-mail failed): {}", e);
  }

  // --- sites ---
  std::vector<std::shared_ptr<SiteState>> AllSites() {
    std::shared_lock lock(sites_mu);
    return sites;
  }

  // Reads the site list again (sites added with `gongkai site add` while the
  // server runs); unless `now`, at most every 5 seconds. Existing states are
  // kept (sites are never removed or renamed).
  Status RefreshSites(bool now) {
    const auto t = std::chrono::steady_clock::now();
    {
      std::shared_lock lock(sites_mu);
      if (!now && t - sites_loaded < std::chrono::seconds(5)) return Ok();
    }
    GK_TRY(listed, store.ListSites());
    std::unique_lock lock(sites_mu);
    sites_loaded = t;
    for (auto& s : listed) {
      bool known = false;
      for (const auto& have : sites) known = known || have->site.id == s.id;
      if (!known) sites.push_back(std::make_shared<SiteState>(std::move(s)));
    }
    site_list.clear();
    for (const auto& have : sites) {
      site_list.push_back(have->site);
      // Set once, at Bind (before any request): read without the lock.
      if (!default_site && have->site.slug == options.site_slug) default_site = have;
    }
    if (!default_site) return Unexpected(Error::NotFound(fmt::format("站点“{}”不存在", options.site_slug)));
    return Ok();
  }

  // The site a request with this Host header is for.
  SiteState* Resolve(const std::string& host_header) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      {
        std::shared_lock lock(sites_mu);
        int i = ResolveSiteIndex(site_list, host_header, options.site_slug);
        // A host that names a site: done. Otherwise the list may be stale.
        if (i >= 0 && (sites[i] != default_site || attempt == 1)) return sites[i].get();
      }
      if (attempt == 0 && !RefreshSites(false)) break;
    }
    std::shared_lock lock(sites_mu);
    return default_site.get();
  }

  SiteState& Here() { return request_site ? *request_site : *default_site; }
  const Site& site() { return Here().site; }

  // The site's signing key (nullptr when the server signs nothing). A new
  // key is created only with `create` (at start-up, for a site that has no
  // registered key): a site added later by `site add` gets its key from
  // that command, which this server must not race to replace.
  Result<const ledger::SigningKey*> KeyOf(const Site& site, bool create) {
    if (options.ledger_key_path.empty()) return nullptr;
    std::lock_guard lock(keys_mu);
    if (auto it = site_keys.find(site.id); it != site_keys.end()) return &it->second;
    GK_TRY(path, SiteLedgerKeyPath(store, site, options.ledger_key_path));
    GK_TRY(key, EnsureLedgerKey(store, site, path, create, clock.Now()));
    return &site_keys.emplace(site.id, std::move(key)).first->second;
  }

  // Logs a site's key error when it first appears or changes, and when it is gone ("" = none).
  void NoteKeyError(const Site& site, const std::string& error) {
    std::lock_guard lock(keys_mu);
    auto it = key_errors.find(site.id);
    const std::string before = it == key_errors.end() ? std::string() : it->second;
    if (error == before) return;
    if (error.empty())
      spdlog::info("账本签名密钥已可用，恢复签名 (ledger key available, site {})", site.slug);
    else
      spdlog::error("账本签名密钥不可用，该站点的账本暂不签名 (ledger key unavailable, site {}): {}", site.slug,
                    error);
    key_errors[site.id] = error;
  }

  Impl(Store& s, ServerOptions o) : store(s), options(std::move(o)) {}

  // The current snapshot; reloaded when the site's revision moved (a
  // catalogue or calendar change by any process on the same database).
  Result<std::shared_ptr<const Snapshot>> Current() { return Current(Here()); }
  Result<std::shared_ptr<const Snapshot>> Current(SiteState& st) {
    GK_TRY(rev, store.Revision(st.site.id));
    {
      std::shared_lock lock(st.cache_mu);
      if (st.snapshot && st.snapshot->revision == rev) return st.snapshot;
    }
    auto fresh = std::make_shared<Snapshot>();
    fresh->revision = rev;
    GK_TRY(loaded, store.LoadCatalog(st.site.id));
    fresh->catalog = std::move(loaded);
    GK_TRY(cal, CurrentCalendar(store));
    fresh->calendar = std::move(cal);
    std::unique_lock lock(st.cache_mu);
    if (!st.snapshot || rev >= st.snapshot->revision) {
      st.snapshot = fresh;
      st.cache.clear();
    }
    return std::shared_ptr<const Snapshot>(fresh);
  }
  // The current site's last snapshot, if any (for error pages).
  std::shared_ptr<const Snapshot> LastSnapshot() {
    SiteState& st = Here();
    std::shared_lock lock(st.cache_mu);
    return st.snapshot;
  }

  // `status` (when not 0) replaces the one the error's code maps to.
  void SendError(const httplib::Request& req, httplib::Response& res, const Error& error,
                 const Catalog* cat = nullptr, int status = 0) {
    if (status == 0) status = api::HttpStatus(error.code);
    // The route pattern, never the path itself (it may hold a name); the id
    // ties this line to the request's log line.
    if (status >= 500)
      spdlog::error("请求{}（{} {}）失败 (request failed): {}", trace.id, metrics::MethodLabel(req.method),
                    metrics::RouteLabel(req.path, req.matches), error.Describe());
    res.status = status;
    // A 414 is answered before the request line is parsed: no path yet.
    if (req.path.starts_with("/api/") || (req.path.empty() && RequestLineTargetsApi())) {
      Error shown = error;
      if (status >= 500) shown.message = "服务器内部错误，请稍后再试";
      // Replacing invalid UTF-8 (never expected: requests are checked
      // before routing) rather than throwing from inside the error path.
      res.set_content(api::ErrorDoc(shown).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace),
                      kJson);
    } else {
      std::string message = status >= 500 ? "服务器暂时无法处理您的请求，请稍后再试。" : error.message;
      res.set_content(views::ErrorPage(site(), cat, status, message), kHtml);
    }
  }

  // Serves a GET from the cache or renders it with `render`, which returns
  // (status, content type, body) or an Error.
  // Responses that depend on the query string are rendered every time.
  // Pages differ by the 适老化 display preferences (a class on <html>).
  static std::string CacheKey(const httplib::Request& req) {
    std::string prefs = display::FormatPrefs(display::CurrentPrefs());
    return prefs.empty() ? req.target : req.target + '\x1f' + prefs;
  }

  template <typename Render>
  void Cached(const httplib::Request& req, httplib::Response& res, Render render, bool cacheable = true) {
    auto current = Current();
    if (!current) return SendError(req, res, current.error());
    const auto& snap = *current;
    std::int64_t rev = snap->revision;
    SiteState& st = Here();
    if (cacheable) {
      std::shared_lock lock(st.cache_mu);
      auto it = st.cache.find(CacheKey(req));
      if (it != st.cache.end() && it->second.revision == rev) {
        res.status = it->second.status;
        res.set_content(it->second.body, it->second.content_type.c_str());
        return;
      }
    }
    Result<CachedResponse> out = render(*snap);
    if (!out) return SendError(req, res, out.error(), &snap->catalog);
    out->revision = rev;
    res.status = out->status;
    res.set_content(out->body, out->content_type.c_str());
    if (cacheable && out->status == 200) {
      std::unique_lock lock(st.cache_mu);
      if (st.cache.size() >= kMaxCachedResponses) st.cache.clear();
      st.cache[CacheKey(req)] = std::move(*out);
    }
  }

  // The 期限计算 form's fields to a query: target "12/采购结果", "12/" or "rule:ID".
  static Result<DeadlineQuery> ParseTarget(const std::string& from, const std::string& target) {
    DeadlineQuery q;
    if (from.empty()) return Unexpected(Error::Invalid("请填写信息形成或变更日期", "from"));
    auto d = Date::Parse(from);
    if (!d) return Unexpected(Error::Invalid(d.error().message, "from"));
    q.from = *d;
    if (target.starts_with("rule:")) {
      q.rule_id = target.substr(5);
    } else if (!target.empty()) {
      auto slash = target.find('/');
      auto n = ItemNumber(target.substr(0, slash));
      if (!n) return Unexpected(Error::Invalid(fmt::format("无法识别的事项“{}”", target), "target"));
      q.item = *n;
      if (slash != std::string::npos) q.element = target.substr(slash + 1);
    }
    return q;
  }

  static std::string DescribeTarget(const Catalog& c, const DeadlineQuery& q) {
    const Item* it = q.item ? c.FindItem(q.item) : nullptr;
    if (!it) return {};
    std::string s = fmt::format("{}.{}", it->number, it->title);
    if (!q.element.empty()) s += " — " + q.element;
    return s;
  }

  static std::string ApiUrl(const DeadlineQuery& q) {
    std::string url = "/api/v1/deadline?from=" + q.from.ToString();
    if (!q.rule_id.empty()) url += "&rule=" + httplib::detail::encode_query_param(q.rule_id);
    if (q.item) url += fmt::format("&item={}", q.item);
    if (!q.element.empty()) url += "&element=" + httplib::detail::encode_query_param(q.element);
    return url;
  }

  // A record the public may see: published at least once, of this site.
  Result<Record> PublicRecord(std::int64_t id) {
    GK_TRY(r, store.GetRecord(id));
    if (r.site_id != site().id || r.published_version == 0)
      return Unexpected(Error::NotFound(fmt::format("公开信息{}不存在", id)));
    return r;
  }

  // The search form's parameters; a number that is not one is refused
  // (naming the parameter) rather than silently ignored.
  static Result<SearchParams> SearchParamsOf(const httplib::Request& req) {
    SearchParams p;
    p.q = req.get_param_value("q");
    auto number = [&](const char* name, const char* label, int& out) -> Status {
      const std::string v = req.get_param_value(name);
      if (v.empty()) return Ok();
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
      if (ec != std::errc() || end != v.data() + v.size() || out <= 0)
        return Unexpected(Error::Invalid(fmt::format("{}（{}）“{}”应为正整数", label, name, QuoteInput(v)), name));
      return Ok();
    };
    GK_CHECK(number("area", "领域", p.area));
    GK_CHECK(number("item", "事项", p.item));
    GK_CHECK(number("year", "年份", p.year));
    GK_CHECK(number("page", "页码", p.page));
    p.unit = req.get_param_value("unit");
    p.genre = req.get_param_value("genre");
    p.page = std::max(1, p.page);
    return p;
  }

  static Result<int> ItemNumber(const std::string& s) {
    int n = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc() || p != s.data() + s.size() || n <= 0)
      return Unexpected(Error::NotFound(fmt::format("事项“{}”不存在", s)));
    return n;
  }

  void Routes() {
    auto html = [](std::string body) { return CachedResponse{0, 200, kHtml, std::move(body)}; };
    auto json = [](const nlohmann::ordered_json& j) { return CachedResponse{0, 200, kJson, j.dump()}; };

    http.Get("/", [this, html](const httplib::Request& req, httplib::Response& res) {
      Cached(req, res, [&](const Snapshot& sn) -> Result<CachedResponse> {
        const Catalog& c = sn.catalog; return html(views::Home(site(), c)); });
    });
    http.Get("/guide", [this, html](const httplib::Request& req, httplib::Response& res) {
      Cached(req, res, [&](const Snapshot& sn) -> Result<CachedResponse> {
        GK_TRY(keys, store.ListLedgerKeys(site().id));
        return html(views::GuidePage(site(), sn.catalog, keys));
      });
    });
    http.Get("/units", [this, html](const httplib::Request& req, httplib::Response& res) {
      Cached(req, res, [&](const Snapshot& sn) -> Result<CachedResponse> {
        const Catalog& c = sn.catalog; return html(views::UnitsPage(site(), c)); });
    });
    http.Get(R"(/items/([^/]+))", [this, html](const httplib::Request& req, httplib::Response& res) {
      Cached(req, res, [&](const Snapshot& sn) -> Result<CachedResponse> {
        const Catalog& c = sn.catalog;
        GK_TRY(n, ItemNumber(req.matches[1]));
        if (!c.FindItem(n)) return Unexpected(Error::NotFound(fmt::format("目录中没有序号为{}的事项", n)));
        constexpr int kPerPage = 20;
        int page = std::max(1, std::atoi(req.get_param_value("page").c_str()));
        RecordFilter filter;
        filter.item = n;
        GK_TRY(total, store.CountRecords(site().id, filter));
        views::RecordListing listing;
        listing.total = total;
        listing.pages = std::max(1, (total + kPerPage - 1) / kPerPage);
        listing.page = std::min(page, listing.pages);
        filter.limit = kPerPage;
        filter.offset = (listing.page - 1) * kPerPage;
        GK_TRY(records, store.ListRecords(site().id, filter));
        listing.records = std::move(records);
        return html(views::ItemPage(site(), c, rules, n, listing));
      });
    });
    http.Get(R"(/units/([^/]+))", [this, html](const httplib::Request& req, httplib::Response& res) {
      Cached(req, res, [&](const Snapshot& sn) -> Result<CachedResponse> {
        const Catalog& c = sn.catalog;
        std::string name = req.matches[1];
        if (!c.FindUnit(name)) return Unexpected(Error::NotFound(fmt::format("没有名为“{}”的责任单位", name)));
        return html(views::UnitPage(site(), c, name));
      });
    });

    http.Get("/api/v1/catalog", [this, json](const httplib::Request& req, httplib::Response& res) {
      Cached(req, res, [&](const Snapshot& sn) -> Result<CachedResponse> {
        const Catalog& c = sn.catalog; return json(api::CatalogDoc(site(), c)); });
    });
    http.Get(R"(/api/v1/items/([^/]+))", [this, json](const httplib::Request& req, httplib::Response& res) {
      Cached(req, res, [&](const Snapshot& sn) -> Result<CachedResponse> {
        const Catalog& c = sn.catalog;
        GK_TRY(n, ItemNumber(req.matches[1]));
        const Item* it = c.FindItem(n);
        if (!it) return Unexpected(Error::NotFound(fmt::format("目录中没有序号为{}的事项", n)));
        return json(api::ItemDoc(c, *it));
      });
    });
    http.Get("/api/v1/units", [this, json](const httplib::Request& req, httplib::Response& res) {
      Cached(req, res, [&](const Snapshot& sn) -> Result<CachedResponse> {
        const Catalog& c = sn.catalog; return json(api::UnitsDoc(c)); });
    });
    http.Get(R"(/api/v1/units/([^/]+))", [this, json](const httplib::Request& req, httplib::Response& res) {
      Cached(req, res, [&](const Snapshot& sn) -> Result<CachedResponse> {
        const Catalog& c = sn.catalog;
        std::string name = req.matches[1];
        const UnitInfo* u = c.FindUnit(name);
        if (!u) return Unexpected(Error::NotFound(fmt::format("没有名为“{}”的责任单位", name)));
        return json(api::UnitDoc(c, *u));
      });
    });

    http.Get(R"(/records/(\d+)(?:/versions/(\d+))?)", [this, html](const httplib::Request& req, httplib::Response& res) {
      Cached(req, res, [&](const Snapshot& sn) -> Result<CachedResponse> {
        GK_TRY(id, ItemNumber(req.matches[1]));
        GK_TRY(r, PublicRecord(id));
        GK_TRY(versions, store.ListVersions(r.id));
        int version = r.published_version;
        if (req.matches[2].length() > 0) {
          GK_TRY(v, ItemNumber(req.matches[2]));
          version = v;
        }
        if (version < 1 || version > r.published_version)
          return Unexpected(Error::NotFound(fmt::format("该信息没有第{}版", version)));
        GK_TRY(leaves, store.LedgerLeavesOfRecord(site().id, r.id));
        return html(views::RecordPage(site(), sn.catalog, r, versions, version, leaves));
      });
    });
    http.Get(R"(/records/(\d+)/files/([0-9a-f]{64}))", [this](const httplib::Request& req, httplib::Response& res) {
      auto id = ItemNumber(req.matches[1]);
      auto r = id ? PublicRecord(*id) : Result<Record>(Unexpected(id.error()));
      if (!r) return SendError(req, res, r.error());
      auto versions = store.ListVersions(r->id);
      if (!versions) return SendError(req, res, versions.error());
      const Attachment* found = nullptr;
      for (const auto& v : *versions)
        for (const auto& a : v.content.attachments)
          if (a.sha256 == req.matches[2].str() && !a.evidence) found = &a;
      if (!found) return SendError(req, res, Error::NotFound("该信息没有这个附件"));
      auto file = store.GetFile(found->sha256);
      if (!file) return SendError(req, res, file.error());
      bool inline_ok = file->mime.starts_with("image/") || file->mime == "application/pdf";
      res.set_header("Content-Disposition",
                     fmt::format("{}; filename=\"{}\"; filename*=UTF-8''{}", inline_ok ? "inline" : "attachment",
                                 found->sha256.substr(0, 16), httplib::detail::encode_query_param(found->filename)));
      res.set_header("Cache-Control", "public, max-age=86400, immutable");
      res.set_content(file->content, file->mime.c_str());
    });
    http.Get("/search", [this](const httplib::Request& req, httplib::Response& res) {
      Cached(
          req, res,
          [&](const Snapshot& sn) -> Result<CachedResponse> {
            auto parsed = SearchParamsOf(req);
            if (!parsed)
              return CachedResponse{0, 400, kHtml,
                                    views::SearchPage(site(), sn.catalog, SearchParams{}, nullptr, parsed.error().message)};
            SearchParams p = std::move(*parsed);
            if (p.q.empty()) return CachedResponse{0, 200, kHtml, views::SearchPage(site(), sn.catalog, p, nullptr, "")};
            auto outcome = RunSearch(store, site(), sn.catalog, p);
            if (!outcome) {
              if (outcome.error().code != ErrorCode::kInvalidInput) return Unexpected(outcome.error());
              return CachedResponse{0, 400, kHtml, views::SearchPage(site(), sn.catalog, p, nullptr, outcome.error().message)};
            }
            return CachedResponse{0, 200, kHtml, views::SearchPage(site(), sn.catalog, p, &*outcome, "")};
          },
          false);
    });
    http.Get("/api/v1/search", [this](const httplib::Request& req, httplib::Response& res) {
      Cached(
          req, res,
          [&](const Snapshot& sn) -> Result<CachedResponse> {
            GK_TRY(p, SearchParamsOf(req));
            if (p.q.empty()) return Unexpected(Error::Invalid("缺少参数q（搜索词）", "q"));
            GK_TRY(o, RunSearch(store, site(), sn.catalog, p));
            nlohmann::ordered_json j;
            j["q"] = p.q;
            j["total"] = o.total;
            j["page"] = o.page;
            j["pages"] = o.pages;
            nlohmann::ordered_json hits = nlohmann::ordered_json::array();
            for (const auto& h : o.hits)
              hits.push_back({{"id", h.record.id},
                              {"url", fmt::format("/records/{}", h.record.id)},
                              {"title", h.record.published_title},
                              {"title_html", h.title_html},
                              {"snippet_html", h.snippet_html},
                              {"index_number", h.record.index_number},
                              {"unit", h.record.unit},
                              {"item", h.record.item_number},
                              {"published_on", h.published_on}});
            j["results"] = std::move(hits);
            auto facet = [](const std::vector<FacetCount>& v) {
              nlohmann::ordered_json a = nlohmann::ordered_json::array();
              for (const auto& f : v) a.push_back({{"value", f.value}, {"count", f.count}});
              return a;
            };
            j["facets"] = {{"area", facet(o.by_area)}, {"item", facet(o.by_item)}, {"unit", facet(o.by_unit)},
                           {"year", facet(o.by_year)}, {"genre", facet(o.by_genre)}};
            return CachedResponse{0, 200, kJson, j.dump()};
          },
          false);
    });
    http.Get("/deadline", [this](const httplib::Request& req, httplib::Response& res) {
      Cached(
          req, res,
          [&](const Snapshot& sn) -> Result<CachedResponse> {
            views::DeadlinePageData page;
            page.from = req.get_param_value("from");
            page.target = req.get_param_value("target");
            page.calendar_version = sn.calendar.version;
            page.calendar_note = sn.calendar.note;
            std::optional<DeadlineResult> result;
            int status = 200;
            if (req.has_param("from")) {
              auto query = ParseTarget(page.from, page.target);
              auto computed = query ? ExplainDeadline(sn.calendar.calendar, rules, sn.catalog, *query)
                                    : Result<DeadlineResult>(Unexpected(query.error()));
              if (computed) {
                result = std::move(*computed);
                page.result = &*result;
                page.item_text = DescribeTarget(sn.catalog, *query);
                page.api_url = ApiUrl(*query);
              } else {
                page.error = computed.error().message;
                page.error_field = computed.error().field;
                status = 400;
              }
            }
            return CachedResponse{0, status, kHtml, views::DeadlinePage(site(), sn.catalog, rules, page)};
          },
          false);
    });
    http.Get("/api/v1/deadline", [this](const httplib::Request& req, httplib::Response& res) {
      Cached(
          req, res,
          [&](const Snapshot& sn) -> Result<CachedResponse> {
            DeadlineQuery q;
            if (!req.has_param("from"))
              return Unexpected(Error::Invalid("缺少参数from（信息形成或变更日期，格式为YYYY-MM-DD）", "from"));
            auto from = Date::Parse(req.get_param_value("from"));
            if (!from) return Unexpected(Error::Invalid(from.error().message, "from"));
            q.from = *from;
            if (req.has_param("item")) {
              auto n = ItemNumber(req.get_param_value("item"));
              if (!n) return Unexpected(Error::Invalid(
                  fmt::format("参数item“{}”应为事项序号", req.get_param_value("item")), "item"));
              q.item = *n;
            }
            q.element = req.get_param_value("element");
            q.rule_id = req.get_param_value("rule");
            if (!q.element.empty() && q.item == 0)
              return Unexpected(Error::Invalid("指定element时必须同时指定item", "item"));
            auto r = ExplainDeadline(sn.calendar.calendar, rules, sn.catalog, q);
            if (!r) {
              // The engine names its own inputs; here the date came from `from`.
              Error e = r.error();
              if (e.code == ErrorCode::kInvalidInput && (e.field.empty() || e.field == "event")) e.field = "from";
              return Unexpected(std::move(e));
            }
            return CachedResponse{0, 200, kJson, api::DeadlineDoc(*r, q.item, q.element, sn.calendar.version).dump()};
          },
          false);
    });
    http.Get("/api/v1/deadline-rules", [this, json](const httplib::Request& req, httplib::Response& res) {
      Cached(req, res, [&](const Snapshot&) -> Result<CachedResponse> {
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (const auto& r : rules) list.push_back(api::RuleDoc(r));
        return json({{"rules", std::move(list)}});
      });
    });
    http.Get(R"(/api/v1/calendar/(\d{4}))", [this, json](const httplib::Request& req, httplib::Response& res) {
      Cached(req, res, [&](const Snapshot& sn) -> Result<CachedResponse> {
        int year = std::stoi(req.matches[1]);
        if (year < WorkingCalendar::kFirstCoveredYear || year > WorkingCalendar::kLastCoveredYear)
          return Unexpected(Error::NotFound(fmt::format("日历不包含{}年", year)));
        return json(api::CalendarYearDoc(sn.calendar.calendar, year, sn.calendar.version, sn.calendar.note));
      });
    });

    http.Get("/static/site.css", [](const httplib::Request& req, httplib::Response& res) {
      static const std::string etag = [] {
        auto css = FindResource("static/site.css");
        return fmt::format("\"{:x}\"", std::hash<std::string_view>{}(css ? *css : std::string_view()));
      }();
      res.set_header("Cache-Control", "public, max-age=3600");
      res.set_header("ETag", etag);
      if (req.get_header_value("If-None-Match") == etag) {
        res.status = 304;
        return;
      }
      auto css = FindResource("static/site.css");
      res.set_content(std::string(css ? *css : std::string_view()), "text/css; charset=utf-8");
    });
    display::RegisterDisplayRoutes(http);
    http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      trace.active = true;
      trace.start = std::chrono::steady_clock::now();
      trace.id = metrics::RequestId(req.get_header_value("X-Request-Id"), ++request_counter);
      request_site = Resolve(req.get_header_value("Host"));
      display::BeginRequest(req);
      if (auto bad = BadTextPart(req)) {
        SendError(req, res, Error::Invalid(fmt::format("{}{}，请检查后重试", bad->part, bad->what), bad->field));
        return httplib::Server::HandlerResponse::Handled;
      }
      return httplib::Server::HandlerResponse::Unhandled;
    });
    // 200 "ok" when the database answers one cheap read (the default site's
    // revision, which every page reads anyway); 503 otherwise.
    http.Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
      res.set_header("Cache-Control", "no-store");
      if (auto rev = store.Revision(default_site->site.id); !rev) {
        spdlog::error("健康检查：数据库无法读取 (healthz: store unreadable): {}", rev.error().Describe());
        res.status = 503;
        res.set_content("数据库无法读取，服务暂不可用\n", "text/plain; charset=utf-8");
        return;
      }
      res.set_content("ok\n", "text/plain; charset=utf-8");
    });
    // Prometheus text format; loopback peers and options.metrics_allow only,
    // never through a proxy (deploy/nginx/gongkai.conf denies it as well).
    http.Get("/metrics", [this](const httplib::Request& req, httplib::Response& res) {
      res.set_header("Cache-Control", "no-store");
      const bool forwarded = req.has_header("X-Forwarded-For") || req.has_header("Forwarded");
      if (!metrics::MetricsPeerAllowed(req.remote_addr, options.metrics_allow, forwarded)) {
        res.status = 403;
        res.set_content("禁止访问：/metrics 只对本机直接访问和 serve --metrics-allow 列出的地址开放\n",
                        "text/plain; charset=utf-8");
        return;
      }
      res.set_content(registry.Render(OverdueGauges()), "text/plain; version=0.0.4; charset=utf-8");
    });

    http.set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
      // Only fill in bodies the handlers did not set (unknown routes, 405...).
      if (!res.body.empty()) return;
      Error e = res.status == 404 ? Error::NotFound("您访问的页面不存在，可能已被移除或地址有误。")
                                  : Error::Invalid("请求有误，服务器无法处理。");
      if (res.status == 413)  // a URL-encoded form over 8 KiB, or a body over the attachment limit
        e = Error::Invalid("提交的内容超过了服务器允许的大小。请刷新页面后重新提交；附件请通过“上传附件”提交。");
      if (res.status == 414)  // a request line over 8 KiB (cpp-httplib's limit)
        e = Error::Invalid("网址过长，服务器无法处理。搜索内容请不要超过1000字节（约300个汉字）。");
      if (res.status >= 500) e = Error::Internal("服务器内部错误");
      const int status = res.status;
      auto snap = LastSnapshot();
      SendError(req, res, e, snap ? &snap->catalog : nullptr, status != 404 && status < 500 ? status : 0);
    });
    http.set_exception_handler([this](const httplib::Request& req, httplib::Response& res, std::exception_ptr) {
      auto snap = LastSnapshot();  // for the office's name and telephone on the page
      SendError(req, res, Error::Internal("未处理的异常"), snap ? &snap->catalog : nullptr);
    });
    AuthPolicy policy;
    policy.session_ttl = std::chrono::seconds(options.session_ttl_seconds);
    // The handlers in other files see the request's site through these.
    auto current_site = [this]() -> const Site& { return site(); };
    admin = RegisterAdminRoutes(http, AdminDeps{store, clock, current_site, policy, [this] { return Current(); },
                                                static_cast<std::size_t>(options.max_attachment_mb) * 1024 * 1024,
                                                [this] { return Reminders(site()); }, &poster});

    RegisterOpenDataRoutes(
        http, OpenDataDeps{store, clock, current_site, [this] { return Current(); },
                           [this](const httplib::Request& req, httplib::Response& res, const Error& e) {
                             auto snap = LastSnapshot();
                             SendError(req, res, e, snap ? &snap->catalog : nullptr);
                           },
                           // The configured public URL is the default site's; another
                           // site's absolute URLs come from its own Host header.
                           [this] { return &Here() == default_site.get() ? options.public_url : std::string(); }});
    RegisterApiWriteRoutes(http, ApiWriteDeps{store, clock, current_site, [this] { return Current(); },
                                              [this](const httplib::Request& req, httplib::Response& res,
                                                     const Error& e) { SendError(req, res, e); }});

    http.set_post_routing_handler([this](const httplib::Request&, httplib::Response& res) {
      SetSecurityHeaders(res);
      if (trace.id.empty()) trace.id = metrics::RequestId("", ++request_counter);
      res.set_header("X-Request-Id", trace.id);
      trace.site = request_site ? request_site->site.slug : std::string();
      // A request refused before routing (malformed) must not inherit this
      // one's display mode or site.
      display::SetCurrentPrefs({});
      request_site = nullptr;
    });
  }
};

PortalServer::PortalServer(Store& store, ServerOptions options)
    : impl_(std::make_unique<Impl>(store, std::move(options))) {}

PortalServer::~PortalServer() { Stop(); }

Status PortalServer::Bind() {
  auto& im = *impl_;
  GK_CHECK(im.RefreshSites(true));
  ConnectionLimits limits;
  limits.threads = std::max(1, im.options.threads);
  limits.max_connections = im.options.max_connections;
  limits.header_timeout_seconds = im.options.header_timeout_seconds;
  limits.min_rate_bytes_per_second = im.options.min_rate_bytes_per_second;
  limits.listen_backlog = im.options.listen_backlog;
  {
    // Every accepted connection is a file descriptor: raise the soft limit to
    // the hard one, and keep the connection limit below it.
    rlimit nofile{};
    if (::getrlimit(RLIMIT_NOFILE, &nofile) == 0) {
      if (nofile.rlim_cur < nofile.rlim_max) {
        nofile.rlim_cur = nofile.rlim_max;
        (void)::setrlimit(RLIMIT_NOFILE, &nofile);
        (void)::getrlimit(RLIMIT_NOFILE, &nofile);
      }
      // Room for the database, attachments and the listener.
      const auto room = nofile.rlim_cur > 256 ? nofile.rlim_cur - 128 : nofile.rlim_cur / 2;
      if (nofile.rlim_cur != RLIM_INFINITY && static_cast<rlim_t>(limits.max_connections) > room) {
        spdlog::warn("连接上限{}超过文件描述符上限，改为{} (max connections lowered to the open-files limit)",
                     limits.max_connections, room);
        limits.max_connections = static_cast<int>(room);
      }
    }
  }
  im.http.SetLimits(limits);
  im.http.set_tcp_nodelay(true);
  im.http.set_keep_alive_max_count(static_cast<std::size_t>(std::max(1, im.options.keep_alive_max_requests)));
  im.http.set_keep_alive_timeout(im.options.keep_alive_seconds);
  im.http.set_read_timeout(im.options.read_timeout_seconds, 0);
  im.http.set_write_timeout(im.options.write_timeout_seconds, 0);
  // Room for the largest attachment plus the multipart envelope.
  im.http.set_payload_max_length(static_cast<std::size_t>(std::max(16, im.options.max_attachment_mb + 1)) * 1024 * 1024);
  GK_TRY(rules, LoadDeadlineRules());
  im.rules = std::move(rules);
  if (!im.options.remind_at.empty()) {
    GK_TRY(minute, ParseTimeOfDay(im.options.remind_at, "remind-at"));
    im.remind_minute = minute;
  }
  if (im.options.mailer != nullptr && im.options.mail_from.empty())
    return Unexpected(Error::Invalid("配置了邮件服务器时必须设置发件人地址", "smtp-from"));
  // Every site's key now, so that a bad key file stops the start.
  for (const auto& st : im.AllSites()) GK_CHECK(im.KeyOf(st->site, true));
  im.Routes();
  if (im.options.log_format == ServerOptions::LogFormat::kJson)
    // Not flushed per line (spdlog's stdout sink flushes every line: a
    // write under a lock per request cost 15-20% of the portal's
    // throughput in bench/http_bench.sh). The sequencer flushes it every
    // ledger interval, Run() when the server stops, and any spdlog message
    // on stdout flushes the shared buffer; a SIGKILL can lose the last
    // second of request lines.
    im.request_log = std::make_shared<spdlog::logger>(
        "request", std::make_shared<spdlog::sinks::ostream_sink_mt>(std::cout, false));
  if (im.request_log) im.request_log->set_pattern("%v");
  im.http.set_logger([&im](const httplib::Request& req, const httplib::Response& res) { im.LogRequest(req, res); });
  if (im.options.port == 0) {
    im.port = im.http.bind_to_any_port(im.options.host);
    if (im.port <= 0)
      return Unexpected(Error::Invalid(fmt::format("无法在{}上监听", im.options.host), "listen"));
  } else {
    if (!im.http.bind_to_port(im.options.host, im.options.port))
      return Unexpected(Error::Invalid(
          fmt::format("无法监听{}:{}（端口可能已被占用）", im.options.host, im.options.port), "listen"));
    im.port = im.options.port;
  }
  if (!im.http.ApplyBacklog()) spdlog::warn("无法调整监听队列长度 (listen backlog unchanged)");
  return Ok();
}

int PortalServer::bound_port() const { return impl_->port; }

Status PortalServer::Run() {
  auto& im = *impl_;
  if (im.remind_minute >= 0) im.timer = std::thread([&im] { im.TimerLoop(); });
  im.sequencer = std::thread([&im] { im.SequencerLoop(); });
  // A Stop() before this point finds httplib not yet running: honoured here.
  const bool ok = im.stop_requested ? true : im.http.listen_after_bind();
  {
    std::lock_guard lock(im.timer_mu);
    im.timer_stop = true;
  }
  im.timer_cv.notify_all();
  if (im.timer.joinable()) im.timer.join();
  if (im.sequencer.joinable()) im.sequencer.join();
  if (im.request_log) im.request_log->flush();
  if (!ok) return Unexpected(Error::Internal("HTTP服务异常退出"));
  return Ok();
}

void PortalServer::Stop() {
  if (!impl_) return;
  impl_->stop_requested = true;
  std::lock_guard lock(impl_->stop_mu);
  if (!impl_->http_stopped && impl_->http.is_running()) {
    impl_->http.stop();
    impl_->http_stopped = true;
  }
}

Result<int> ParseTimeOfDay(const std::string& text, const std::string& field) {
  int h = 0, m = 0;
  if (text.size() != 5 || text[2] != ':' || !std::isdigit(static_cast<unsigned char>(text[0])) ||
      !std::isdigit(static_cast<unsigned char>(text[1])) || !std::isdigit(static_cast<unsigned char>(text[3])) ||
      !std::isdigit(static_cast<unsigned char>(text[4])))
    return Unexpected(Error::Invalid(fmt::format("时间“{}”应为HH:MM（北京时间，如08:30）", text), field));
  h = (text[0] - '0') * 10 + (text[1] - '0');
  m = (text[3] - '0') * 10 + (text[4] - '0');
  if (h > 23 || m > 59)
    return Unexpected(Error::Invalid(fmt::format("时间“{}”超出范围（00:00至23:59）", text), field));
  return h * 60 + m;
}

}  // namespace gongkai
