#include "http/open_data_routes.h"

#include <fmt/core.h>

#include <charconv>
#include <map>
#include <unordered_map>
#include <mutex>

#include "app/ledger_actions.h"
#include "app/open_data.h"
#include "app/record_json.h"
#include "codec/atom.h"
#include "core/resources.h"
#include "core/timestamp.h"
#include "http/views.h"

namespace gongkai {

namespace {

constexpr const char* kJson = "application/json; charset=utf-8";
constexpr const char* kAtom = "application/atom+xml; charset=utf-8";
constexpr const char* kXml = "application/xml; charset=utf-8";
constexpr int kFeedEntries = 50;
constexpr int kSitemapUrls = 50000;  // the sitemap protocol's limit per file
constexpr int kExportCap = 200000;

using ojson = nlohmann::ordered_json;

RecordQueryInput QueryInputOf(const httplib::Request& req) {
  RecordQueryInput in;
  in.item = req.get_param_value("item");
  in.element = req.get_param_value("element");
  in.unit = req.get_param_value("unit");
  in.area = req.get_param_value("area");
  in.from = req.get_param_value("from");
  in.to = req.get_param_value("to");
  in.status = req.get_param_value("status");
  in.updated_since = req.get_param_value("updated_since");
  in.cursor = req.get_param_value("cursor");
  in.limit = req.get_param_value("limit");
  return in;
}

// ISO 8601 UTC as RFC 3339 in Beijing time ("…+08:00"); "" stays "".
std::string BeijingRfc3339(const std::string& utc) {
  auto t = ParseTimestamp(utc, "time");
  return t ? FormatBeijingIso(*t) : std::string();
}

Result<std::int64_t> PathNumber(const std::string& s, const char* what) {
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || p != s.data() + s.size() || n <= 0)
    return Unexpected(Error::NotFound(fmt::format("{}“{}”不存在", what, s)));
  return n;
}

// The same list's next page: its record-list parameters, with `cursor` replaced.
std::string NextUrl(const httplib::Request& req, const std::string& cursor) {
  std::string url = req.path + "?";
  for (const char* k : {"item", "element", "unit", "area", "from", "to", "status", "updated_since", "limit"}) {
    if (!req.has_param(k)) continue;
    url += fmt::format("{}={}&", k, httplib::detail::encode_query_param(req.get_param_value(k)));
  }
  return url + "cursor=" + cursor;
}

struct StatsCache {
  struct Entry {
    std::chrono::sys_seconds at;
    std::string json;
  };
  std::mutex mu;
  std::map<std::string, Entry> entries;
};

// Feeds and sitemaps as rendered for one revision of the site's content
// (publishing, revising and withdrawing move it, in any process).
struct XmlCache {
  struct Entry {
    std::int64_t revision = -1;
    std::string body;
  };
  std::mutex mu;
  std::unordered_map<std::string, Entry> entries;
};

struct Routes {
  OpenDataDeps d;
  std::shared_ptr<StatsCache> stats = std::make_shared<StatsCache>();
  std::shared_ptr<XmlCache> xml = std::make_shared<XmlCache>();

  // Serves `render`'s body from the cache while the site's revision has not
  // moved; keyed by base URL and target, since links are absolute.
  template <typename F>
  Status CachedXml(const httplib::Request& req, httplib::Response& res, const char* type, F render) {
    GK_TRY(snap, Snap());
    const std::string key = fmt::format("{}\x1f{}{}", d.site().id, BaseUrl(d.public_url(), req), req.target);
    {
      std::lock_guard lock(xml->mu);
      auto it = xml->entries.find(key);
      if (it != xml->entries.end() && it->second.revision == snap->revision) {
        res.set_content(it->second.body, type);
        return Ok();
      }
    }
    GK_TRY(body, render(*snap));
    res.set_content(body, type);
    std::lock_guard lock(xml->mu);
    if (xml->entries.size() >= 1024) xml->entries.clear();  // bounded
    xml->entries[key] = XmlCache::Entry{snap->revision, std::move(body)};
    return Ok();
  }

  template <typename F>
  void Guard(const httplib::Request& req, httplib::Response& res, F body) {
    Status s = body();
    if (!s) d.send_error(req, res, s.error());
  }

  Result<std::shared_ptr<const Snapshot>> Snap() { return d.snapshot(); }

  Result<Record> PublicRecord(std::int64_t id) {
    GK_TRY(r, d.store.GetRecord(id));
    if (r.site_id != d.site().id || r.published_version == 0)
      return Unexpected(Error::NotFound(fmt::format("公开信息{}不存在", id)));
    return r;
  }

  Status Records(const httplib::Request& req, httplib::Response& res) {
    GK_TRY(snap, Snap());
    GK_TRY(filter, ParseRecordQuery(snap->catalog, QueryInputOf(req)));
    GK_TRY(page, ListPublicRecords(d.store, d.site().id, filter));
    ojson j;
    ojson list = ojson::array();
    for (const auto& r : page.records) list.push_back(RecordSummaryDoc(r));
    j["records"] = std::move(list);
    j["count"] = page.records.size();
    j["total"] = page.total;
    j["next_cursor"] = page.next_cursor.empty() ? ojson(nullptr) : ojson(page.next_cursor);
    j["next"] = page.next_cursor.empty() ? ojson(nullptr) : ojson(NextUrl(req, page.next_cursor));
    res.set_content(j.dump(), kJson);
    return Ok();
  }

  Status Export(const httplib::Request& req, httplib::Response& res, bool xlsx) {
    GK_TRY(snap, Snap());
    RecordQueryInput in = QueryInputOf(req);
    in.limit.clear();
    in.cursor.clear();
    GK_TRY(filter, ParseRecordQuery(snap->catalog, in));
    GK_TRY(records, AllPublicRecords(d.store, d.site().id, filter, kExportCap));
    const std::string name = fmt::format("records-{}", d.site().slug);
    if (xlsx) {
      GK_TRY(bytes, RecordXlsx(snap->catalog, records));
      res.set_header("Content-Disposition", fmt::format("attachment; filename=\"{}.xlsx\"", name));
      res.set_content(bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    } else {
      res.set_header("Content-Disposition", fmt::format("attachment; filename=\"{}.csv\"", name));
      res.set_content(RecordCsv(snap->catalog, records), "text/csv; charset=utf-8");
    }
    return Ok();
  }

  // The public statistics, kept for a minute per period: publication
  // bursts need not recompute them for every reader.
  Status Statistics(const httplib::Request& req, httplib::Response& res) {
    const std::string from = req.get_param_value("from"), to = req.get_param_value("to");
    const auto now = d.clock.Now();
    const std::string key = fmt::format("{}|{}|{}", d.site().id, from, to);
    {
      std::lock_guard lock(stats->mu);
      auto it = stats->entries.find(key);
      if (it != stats->entries.end() && now - it->second.at < std::chrono::seconds(60)) {
        res.set_header("Cache-Control", "public, max-age=60");
        res.set_content(it->second.json, kJson);
        return Ok();
      }
    }
    GK_TRY(snap, Snap());
    Context ctx{d.store, d.clock, Actor::Public(d.site().id)};
    GK_TRY(view, LoadPublicStatistics(ctx, snap->catalog, from, to));
    std::string json = PublicStatisticsJson(view);
    {
      std::lock_guard lock(stats->mu);
      if (stats->entries.size() > 256) stats->entries.clear();  // bounded: odd periods cannot grow it
      stats->entries[key] = StatsCache::Entry{now, json};
    }
    res.set_header("Cache-Control", "public, max-age=60");
    res.set_content(std::move(json), kJson);
    return Ok();
  }

  Status OneRecord(const httplib::Request& req, httplib::Response& res) {
    GK_TRY(id, PathNumber(req.matches[1], "公开信息"));
    GK_TRY(r, PublicRecord(id));
    GK_TRY(versions, d.store.ListVersions(r.id));
    res.set_content(RecordDetailDoc(d.site().slug, r, versions).dump(), kJson);
    return Ok();
  }

  Status Events(const httplib::Request& req, httplib::Response& res) {
    EventQuery q;
    q.newest_first = false;
    q.limit = kDefaultPageSize;
    if (const auto after = req.get_param_value("after"); !after.empty()) {
      std::int64_t n = -1;
      auto [p, ec] = std::from_chars(after.data(), after.data() + after.size(), n);
      if (ec != std::errc() || p != after.data() + after.size() || n < 0)
        return Unexpected(Error::Invalid(fmt::format("事件序号（after）“{}”无效，应为非负整数", QuoteInput(after)), "after"));
      q.after_seq = n;
    }
    if (const auto limit = req.get_param_value("limit"); !limit.empty()) {
      int n = 0;
      auto [p, ec] = std::from_chars(limit.data(), limit.data() + limit.size(), n);
      if (ec != std::errc() || p != limit.data() + limit.size() || n < 1 || n > kMaxPageSize)
        return Unexpected(Error::Invalid(
            fmt::format("每页条数（limit）“{}”无效，应为1至{}", QuoteInput(limit), kMaxPageSize), "limit"));
      q.limit = n;
    }
    GK_TRY(events, d.store.ListPublicationEvents(d.site().id, q));
    ojson list = ojson::array();
    for (const auto& e : events) list.push_back(EventDoc(e));
    ojson j;
    j["events"] = std::move(list);
    j["count"] = events.size();
    j["next_after"] = events.empty() ? q.after_seq : events.back().seq;
    res.set_content(j.dump(), kJson);
    return Ok();
  }

  // --- the publication ledger ---

  static Result<std::uint64_t> SizeParam(const httplib::Request& req, const char* name, const char* label,
                                         std::uint64_t fallback) {
    const std::string text = req.get_param_value(name);
    if (text.empty()) return fallback;
    std::uint64_t n = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || p != text.data() + text.size())
      return Unexpected(Error::Invalid(fmt::format("{}（{}）“{}”应为非负整数", label, name, QuoteInput(text)), name));
    return n;
  }

  static ojson LeafDoc(const LedgerLeaf& l) {
    ojson j;
    j["index"] = l.index;
    j["record_id"] = l.record_id;
    j["version"] = l.version;
    j["data"] = l.data;
    j["leaf_hash"] = merkle::ToHex(l.hash);
    return j;
  }

  static ojson Hashes(const std::vector<merkle::Hash>& v) {
    ojson a = ojson::array();
    for (const auto& h : v) a.push_back(merkle::ToHex(h));
    return a;
  }

  Status LedgerKeys(const httplib::Request&, httplib::Response& res) {
    GK_TRY(keys, d.store.ListLedgerKeys(d.site().id));
    ojson list = ojson::array();
    for (const auto& k : keys)
      list.push_back({{"verifier_key", k.verifier_key},
                      {"status", k.retired_at.empty() ? "current" : "retired"},
                      {"created_at", k.created_at},
                      {"retired_at", k.retired_at.empty() ? ojson(nullptr) : ojson(k.retired_at)}});
    ojson j;
    j["origin"] = LedgerOrigin(d.site());
    j["algorithm"] = "Ed25519 (C2SP signed-note)";
    j["keys"] = std::move(list);
    res.set_content(j.dump(), kJson);
    return Ok();
  }

  Result<SignedTreeHead> LatestHead() {
    GK_TRY(heads, d.store.ListTreeHeads(d.site().id, 1));
    if (heads.empty()) return Unexpected(Error::NotFound("账本尚未签署树头"));
    return heads[0];
  }

  Status Checkpoint(const httplib::Request&, httplib::Response& res) {
    GK_TRY(head, LatestHead());
    res.set_content(head.note, "text/plain; charset=utf-8");
    return Ok();
  }

  Status Head(const httplib::Request&, httplib::Response& res) {
    GK_TRY(head, LatestHead());
    ojson j;
    j["origin"] = LedgerOrigin(d.site());
    j["tree_size"] = head.size;
    j["root_hash"] = merkle::ToHex(head.root);
    j["timestamp"] = head.time;
    j["time"] = FormatBeijingIso(std::chrono::sys_seconds(std::chrono::seconds(head.time)));
    j["checkpoint"] = head.note;
    res.set_content(j.dump(), kJson);
    return Ok();
  }

  Status Leaves(const httplib::Request& req, httplib::Response& res) {
    GK_TRY(start, SizeParam(req, "start", "起始序号", 0));
    GK_TRY(limit, SizeParam(req, "limit", "条数", 100));
    if (limit < 1 || limit > 1000)
      return Unexpected(Error::Invalid(fmt::format("条数（limit）{}无效，应为1至1000", limit), "limit"));
    GK_TRY(size_seq, d.store.LedgerSize(d.site().id));
    std::vector<LedgerLeaf> leaves;
    if (start < size_seq.first) {
      GK_TRY(found, d.store.ListLedgerLeaves(d.site().id, start, static_cast<int>(limit)));
      leaves = std::move(found);
    }
    ojson list = ojson::array();
    for (const auto& l : leaves) list.push_back(LeafDoc(l));
    ojson j;
    j["tree_size"] = size_seq.first;
    j["start"] = start;
    j["leaves"] = std::move(list);
    res.set_content(j.dump(), kJson);
    return Ok();
  }

  Status Inclusion(const httplib::Request& req, httplib::Response& res) {
    GK_TRY(tree_size, SizeParam(req, "tree_size", "树大小", 0));
    std::uint64_t index = 0;
    if (req.has_param("record")) {
      GK_TRY(record, SizeParam(req, "record", "公开信息编号", 0));
      GK_TRY(version, SizeParam(req, "version", "版本", 0));
      GK_TRY(leaves, d.store.LedgerLeavesOfRecord(d.site().id, static_cast<std::int64_t>(record)));
      // The leaf that published that version (the newest version when none is given).
      const LedgerLeaf* found = nullptr;
      for (const auto& l : leaves) {
        if (l.data.find("\"kind\":\"withdraw\"") != std::string::npos) continue;
        if (version == 0 || static_cast<std::uint64_t>(l.version) == version) found = &l;
      }
      if (!found)
        return Unexpected(Error::NotFound(
            fmt::format("账本中没有公开信息{}{}的记录（新发布的信息会在几秒内写入账本）", record,
                        version ? fmt::format("第{}版", version) : "")));
      index = found->index;
      if (tree_size != 0 && index >= tree_size)
        return Unexpected(Error::Invalid(
            fmt::format("公开信息{}的这一版是账本第{}条，大小为{}的树（tree_size）尚不包含它", record, index, tree_size),
            "tree_size"));
    } else {
      GK_TRY(i, SizeParam(req, "index", "叶子序号", 0));
      if (!req.has_param("index"))
        return Unexpected(Error::Invalid("请指定叶子序号（index）或公开信息编号（record）", "index"));
      index = i;
    }
    GK_TRY(a, ProveInclusion(d.store, d.site(), index, tree_size));
    ojson j;
    j["leaf_index"] = a.leaf.index;
    j["tree_size"] = a.tree_size;
    j["leaf"] = LeafDoc(a.leaf);
    j["audit_path"] = Hashes(a.path);
    j["root_hash"] = merkle::ToHex(a.root);
    res.set_content(j.dump(), kJson);
    return Ok();
  }

  Status Consistency(const httplib::Request& req, httplib::Response& res) {
    GK_TRY(first, SizeParam(req, "first", "第一个树大小", 0));
    GK_TRY(second, SizeParam(req, "second", "第二个树大小", 0));
    GK_TRY(a, ProveConsistency(d.store, d.site(), first, second));
    ojson j;
    j["first"] = a.first;
    j["second"] = a.second;
    j["first_root_hash"] = merkle::ToHex(a.first_root);
    j["second_root_hash"] = merkle::ToHex(a.second_root);
    j["proof"] = Hashes(a.proof);
    res.set_content(j.dump(), kJson);
    return Ok();
  }

  // --- feeds ---

  Status SendFeed(const httplib::Request& req, httplib::Response& res, const EventQuery& q, std::string title,
                  std::string page_path) {
    return CachedXml(req, res, kAtom, [&](const Snapshot& s) { return RenderFeed(req, s, q, title, page_path); });
  }

  Result<std::string> RenderFeed(const httplib::Request& req, const Snapshot& snapshot, const EventQuery& q,
                                 const std::string& title, const std::string& page_path) {
    const Snapshot* snap = &snapshot;
    GK_TRY(events, d.store.ListPublicationEvents(d.site().id, q));
    const std::string base = BaseUrl(d.public_url(), req);
    Feed feed;
    feed.id = base + req.path;
    feed.self_url = base + req.path;
    feed.page_url = base + page_path;
    feed.title = title;
    feed.subtitle = fmt::format("{}政府信息公开：新发布、修订和撤回的信息", d.site().name);
    feed.author = snap->catalog.office.name.empty() ? d.site().name : snap->catalog.office.name;
    // A feed with no entries has not changed since the epoch of this software's first release year.
    std::string newest;
    for (const auto& e : events) newest = std::max(newest, e.at);
    feed.updated = newest.empty() ? std::string("2025-01-01T00:00:00+08:00") : BeijingRfc3339(newest);
    for (const auto& e : events) {
      FeedEntry entry;
      const std::string version_url = fmt::format("{}/records/{}/versions/{}", base, e.record_id, e.version);
      entry.id = e.kind == PublicationKind::kWithdraw ? version_url + "#withdrawn" : version_url;
      entry.link = e.kind == PublicationKind::kWithdraw ? fmt::format("{}/records/{}", base, e.record_id) : version_url;
      entry.title = e.kind == PublicationKind::kPublish ? e.title
                                                          : fmt::format("【{}】{}", PublicationKindLabel(e.kind), e.title);
      entry.updated = BeijingRfc3339(e.at);
      entry.published = entry.updated;
      const Item* it = snap->catalog.FindItem(e.item_number);
      entry.summary = fmt::format("索引号：{}；责任单位：{}；事项：{}；{}（第{}版）", e.index_number, e.unit,
                                  it ? it->title : std::to_string(e.item_number), PublicationKindLabel(e.kind),
                                  e.version);
      entry.categories = {e.unit};
      if (it) entry.categories.push_back(it->title);
      feed.entries.push_back(std::move(entry));
    }
    return RenderAtom(feed);
  }

  // --- sitemaps ---

  // Record sitemaps cover blocks of kSitemapUrls record ids: records-k.xml
  // lists the public records with ids in ((k-1)*kSitemapUrls, k*kSitemapUrls].
  Status SitemapIndex(const httplib::Request& req, httplib::Response& res) {
    const std::string base = BaseUrl(d.public_url(), req);
    RecordFilter all;
    GK_TRY(total, d.store.CountRecords(d.site().id, all));
    std::vector<SitemapUrl> maps{{base + "/sitemaps/pages.xml", ""}};
    if (total > 0) {
      RecordFilter last;
      last.after_id = 0;
      last.limit = 1;
      last.offset = total - 1;
      GK_TRY(newest, d.store.ListRecords(d.site().id, last));
      const std::int64_t max_id = newest.empty() ? 0 : newest.back().id;
      for (std::int64_t k = 1; (k - 1) * kSitemapUrls < max_id; ++k) {
        RecordFilter block;
        block.after_id = (k - 1) * kSitemapUrls;
        block.max_id = k * kSitemapUrls;
        GK_TRY(n, d.store.CountRecords(d.site().id, block));
        if (n > 0) maps.push_back({fmt::format("{}/sitemaps/records-{}.xml", base, k), ""});
      }
    }
    res.set_content(RenderSitemapIndex(maps), kXml);
    return Ok();
  }

  Status SitemapPages(const httplib::Request& req, httplib::Response& res) {
    GK_TRY(snap, Snap());
    const std::string base = BaseUrl(d.public_url(), req);
    std::vector<SitemapUrl> urls{{base + "/", ""}, {base + "/units", ""}, {base + "/guide", ""},
                                 {base + "/deadline", ""}};
    for (const auto& a : snap->catalog.areas)
      for (const auto& it : a.items) urls.push_back({fmt::format("{}/items/{}", base, it.number), ""});
    for (const auto& u : snap->catalog.units) urls.push_back({base + views::UnitUrl(u.name), ""});
    res.set_content(RenderSitemap(urls), kXml);
    return Ok();
  }

  Status SitemapRecords(const httplib::Request& req, httplib::Response& res) {
    GK_TRY(k, PathNumber(req.matches[1], "站点地图"));
    const std::string base = BaseUrl(d.public_url(), req);
    // lastmod: the record's latest publication event (its latest revision,
    // or its withdrawal).
    GK_TRY(page, d.store.ListLastPublicationTimes(d.site().id, (k - 1) * kSitemapUrls, k * kSitemapUrls, kSitemapUrls));
    if (page.empty()) return Unexpected(Error::NotFound(fmt::format("站点地图records-{}.xml不存在", k)));
    std::vector<SitemapUrl> urls;
    for (const auto& [id, at] : page) urls.push_back({fmt::format("{}/records/{}", base, id), BeijingRfc3339(at)});
    res.set_content(RenderSitemap(urls), kXml);
    return Ok();
  }
};

}  // namespace

std::string BaseUrl(const std::string& configured, const httplib::Request& req) {
  if (!configured.empty()) return configured.ends_with('/') ? configured.substr(0, configured.size() - 1) : configured;
  std::string host = req.get_header_value("Host");
  // Only a plausible host name (letters, digits, '.', '-', ':', '[', ']').
  bool ok = !host.empty() && host.size() <= 255;
  for (char c : host)
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']');
  return "http://" + (ok ? host : std::string("localhost"));
}

void RegisterOpenDataRoutes(httplib::Server& http, const OpenDataDeps& deps) {
  auto r = std::make_shared<Routes>(Routes{deps});
  auto get = [&http, r](const std::string& pattern, auto handler) {
    http.Get(pattern, [r, handler](const httplib::Request& req, httplib::Response& res) {
      r->Guard(req, res, [&] { return handler(*r, req, res); });
    });
  };
  get("/api/v1/records", [](Routes& x, const httplib::Request& q, httplib::Response& s) { return x.Records(q, s); });
  get(R"(/api/v1/records\.csv)",
      [](Routes& x, const httplib::Request& q, httplib::Response& s) { return x.Export(q, s, false); });
  get(R"(/api/v1/records\.xlsx)",
      [](Routes& x, const httplib::Request& q, httplib::Response& s) { return x.Export(q, s, true); });
  get(R"(/api/v1/records/(\d+))",
      [](Routes& x, const httplib::Request& q, httplib::Response& s) { return x.OneRecord(q, s); });
  get("/api/v1/statistics",
      [](Routes& x, const httplib::Request& q, httplib::Response& s) { return x.Statistics(q, s); });
  get("/api/v1/events", [](Routes& x, const httplib::Request& q, httplib::Response& s) { return x.Events(q, s); });

  get(R"(/feeds/site\.atom)", [](Routes& x, const httplib::Request& q, httplib::Response& s) {
    EventQuery eq;
    eq.limit = kFeedEntries;
    return x.SendFeed(q, s, eq, fmt::format("{}政府信息公开", x.d.site().name), "/");
  });
  get(R"(/feeds/areas/(\d+)\.atom)", [](Routes& x, const httplib::Request& q, httplib::Response& s) -> Status {
    GK_TRY(snap, x.Snap());
    GK_TRY(n, PathNumber(q.matches[1], "领域"));
    for (const auto& a : snap->catalog.areas) {
      if (a.number != n) continue;
      EventQuery eq;
      eq.limit = kFeedEntries;
      for (const auto& it : a.items) eq.items.push_back(it.number);
      return x.SendFeed(q, s, eq, fmt::format("{}政府信息公开 · {}", x.d.site().name, a.title), "/");
    }
    return Unexpected(Error::NotFound(fmt::format("目录中没有第{}个领域", n)));
  });
  get(R"(/feeds/items/(\d+)\.atom)", [](Routes& x, const httplib::Request& q, httplib::Response& s) -> Status {
    GK_TRY(snap, x.Snap());
    GK_TRY(n, PathNumber(q.matches[1], "事项"));
    const Item* it = snap->catalog.FindItem(static_cast<int>(n));
    if (!it) return Unexpected(Error::NotFound(fmt::format("目录中没有序号为{}的事项", n)));
    EventQuery eq;
    eq.limit = kFeedEntries;
    eq.items = {it->number};
    return x.SendFeed(q, s, eq, fmt::format("{}政府信息公开 · {}", x.d.site().name, it->title),
                      fmt::format("/items/{}", it->number));
  });
  get(R"(/feeds/units/([^/]+)\.atom)", [](Routes& x, const httplib::Request& q, httplib::Response& s) -> Status {
    GK_TRY(snap, x.Snap());
    std::string name = q.matches[1];
    if (!snap->catalog.FindUnit(name)) return Unexpected(Error::NotFound(fmt::format("没有名为“{}”的责任单位", name)));
    EventQuery eq;
    eq.limit = kFeedEntries;
    eq.unit = name;
    return x.SendFeed(q, s, eq, fmt::format("{}政府信息公开 · {}", x.d.site().name, name), views::UnitUrl(name));
  });

  // Sitemaps, rendered once per revision of the site's content.
  auto sitemap = [&get](const std::string& pattern, Status (Routes::*render)(const httplib::Request&,
                                                                              httplib::Response&)) {
    get(pattern, [render](Routes& x, const httplib::Request& q, httplib::Response& s) {
      return x.CachedXml(q, s, kXml, [&](const Snapshot&) -> Result<std::string> {
        httplib::Response rendered;
        GK_CHECK((x.*render)(q, rendered));
        return rendered.body;
      });
    });
  };
  sitemap(R"(/sitemap\.xml)", &Routes::SitemapIndex);
  sitemap(R"(/sitemaps/pages\.xml)", &Routes::SitemapPages);
  sitemap(R"(/sitemaps/records-(\d+)\.xml)", &Routes::SitemapRecords);
  get("/api/v1/ledger/key", [](Routes& x, const httplib::Request& q, httplib::Response& s) { return x.LedgerKeys(q, s); });
  get("/api/v1/ledger/checkpoint",
      [](Routes& x, const httplib::Request& q, httplib::Response& s) { return x.Checkpoint(q, s); });
  get("/api/v1/ledger/head", [](Routes& x, const httplib::Request& q, httplib::Response& s) { return x.Head(q, s); });
  get("/api/v1/ledger/leaves", [](Routes& x, const httplib::Request& q, httplib::Response& s) { return x.Leaves(q, s); });
  get("/api/v1/ledger/proof/inclusion",
      [](Routes& x, const httplib::Request& q, httplib::Response& s) { return x.Inclusion(q, s); });
  get("/api/v1/ledger/proof/consistency",
      [](Routes& x, const httplib::Request& q, httplib::Response& s) { return x.Consistency(q, s); });
  get(R"(/api/v1/openapi\.json)", [](Routes&, const httplib::Request&, httplib::Response& s) -> Status {
    auto doc = FindResource("data/openapi.json");
    if (!doc) return Unexpected(Error::Internal("接口说明文档缺失"));
    s.set_content(std::string(*doc), kJson);
    return Ok();
  });
  get(R"(/robots\.txt)", [](Routes& x, const httplib::Request& q, httplib::Response& s) -> Status {
    s.set_content(fmt::format("User-agent: *\nDisallow: /admin\nDisallow: /login\nDisallow: /api/\nAllow: /\n\n"
                              "Sitemap: {}/sitemap.xml\n",
                              BaseUrl(x.d.public_url(), q)),
                  "text/plain; charset=utf-8");
    return Ok();
  });
}

}  // namespace gongkai
