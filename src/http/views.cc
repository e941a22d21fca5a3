#include "http/views.h"
#include "http/display_prefs.h"

#include <algorithm>
#include <fmt/core.h>
#include <kainjow/mustache.hpp>

#include "core/markdown.h"
#include "core/resources.h"
#include "core/timestamp.h"

namespace gongkai::views {

namespace {

using Data = kainjow::mustache::data;
using Mustache = kainjow::mustache::mustache;

}  // namespace

std::string RenderTemplate(std::string_view template_name, const Data& data) {
  auto text = FindResource(fmt::format("templates/{}.mustache", template_name));
  if (!text) return fmt::format("<!-- missing template {} -->", template_name);
  Mustache tmpl{std::string(*text)};
  if (!tmpl.is_valid()) return fmt::format("<!-- template {} invalid: {} -->", template_name, tmpl.error_message());
  return tmpl.render(data);
}

std::string Join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out += sep;
    out += v[i];
  }
  return out;
}

std::string RenderPage(const Site& site, const Catalog* catalog, std::string_view title, std::string_view nav,
                       const std::vector<Crumb>& crumbs, const std::string& content, const Viewer* viewer) {
  Data d;
  d.set("page_title", std::string(title));
  if (auto cls = display::HtmlClass(display::CurrentPrefs()); !cls.empty()) d.set("html_class", cls);
  d.set("site_name", site.name);
  d.set("content", content);
  d.set("office_name", catalog ? catalog->office.name : std::string("政务公开办公室"));
  d.set("office_address", catalog ? catalog->office.address : std::string());
  d.set("office_phones", catalog ? Join(catalog->office.phones, "、") : std::string());
  if (!nav.empty()) d.set(fmt::format("nav_{}", nav), true);
  if (!crumbs.empty()) {
    Data list{Data::type::list};
    for (const auto& c : crumbs) {
      Data cd;
      cd.set("label", c.label);
      if (!c.url.empty()) cd.set("url", c.url);
      list.push_back(cd);
    }
    d.set("has_breadcrumbs", true);
    d.set("breadcrumbs", list);
  }
  if (viewer && !viewer->username.empty()) {
    Data v;
    v.set("name", viewer->display_name.empty() ? viewer->username : viewer->display_name);
    v.set("role", viewer->role_label);
    v.set("csrf", viewer->csrf);
    d.set("viewer", v);
  }
  return RenderTemplate("layout", d);
}

namespace {

std::string Render(std::string_view name, const Data& data) { return RenderTemplate(name, data); }

std::string Page(const Site& site, const Catalog* catalog, std::string_view title, std::string_view nav,
                 const std::vector<Crumb>& crumbs, const std::string& content, const Viewer* viewer = nullptr) {
  return RenderPage(site, catalog, title, nav, crumbs, content, viewer);
}

std::string AreaHeading(const Area& a) { return fmt::format("{}、{}", ChineseNumeral(a.number), a.title); }

}  // namespace

std::string PercentEncode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

namespace {

Data UnitLinks(const std::vector<std::string>& names) {
  Data list{Data::type::list};
  for (std::size_t i = 0; i < names.size(); ++i) {
    Data u;
    u.set("name", names[i]);
    u.set("url", UnitUrl(names[i]));
    if (i + 1 == names.size()) u.set("last", true);
    list.push_back(u);
  }
  return list;
}

std::string TimelinessShort(const Item& item) {
  return fmt::format("{}个工作日内{}", item.timeliness.working_days, item.timeliness.law_overrides ? "（法律另有规定的从其规定）" : "");
}

}  // namespace

std::string UnitUrl(std::string_view unit_name) { return "/units/" + PercentEncode(unit_name); }

std::string Home(const Site& site, const Catalog& catalog) {
  Data d;
  d.set("site_name", site.name);
  d.set("catalog_title", catalog.title);
  d.set("area_count", fmt::format("{}", catalog.areas.size()));
  d.set("item_count", fmt::format("{}", catalog.ItemCount()));
  Data areas{Data::type::list};
  for (const auto& a : catalog.areas) {
    Data ad;
    ad.set("number", fmt::format("{}", a.number));
    ad.set("numeral", ChineseNumeral(a.number));
    ad.set("title", a.title);
    ad.set("item_count", fmt::format("{}", a.items.size()));
    Data items{Data::type::list};
    for (const auto& it : a.items) {
      Data id;
      id.set("number", fmt::format("{}", it.number));
      id.set("title", it.title);
      id.set("units", UnitLinks(it.units));
      if (it.units_open_ended) id.set("units_open_ended", true);
      id.set("timeliness_short", TimelinessShort(it));
      items.push_back(id);
    }
    ad.set("items", items);
    areas.push_back(ad);
  }
  d.set("areas", areas);
  return Page(site, &catalog, "信息公开目录", "home", {}, Render("home", d));
}

namespace {

std::string QueryString(const SearchParams& p, int page) {
  std::string out = "/search?q=" + PercentEncode(p.q);
  if (p.area) out += fmt::format("&area={}", p.area);
  if (p.item) out += fmt::format("&item={}", p.item);
  if (!p.unit.empty()) out += "&unit=" + PercentEncode(p.unit);
  if (p.year) out += fmt::format("&year={}", p.year);
  if (!p.genre.empty()) out += "&genre=" + PercentEncode(p.genre);
  if (page > 1) out += fmt::format("&page={}", page);
  return out;
}

}  // namespace

std::string SearchPage(const Site& site, const Catalog& catalog, const SearchParams& p, const SearchOutcome* o,
                       const std::string& error) {
  Data d;
  d.set("q", p.q);
  if (!error.empty()) d.set("error", error);
  if (o) {
    d.set("searched", true);
    d.set("total", fmt::format("{}", o->total));
    d.set("page", fmt::format("{}", o->page));
    d.set("pages", fmt::format("{}", o->pages));
    d.set("first_index", fmt::format("{}", std::int64_t{o->page - 1} * p.per_page + 1));  // page may be near INT_MAX
    if (o->page > 1) d.set("prev_url", QueryString(p, o->page - 1));
    if (o->page < o->pages) d.set("next_url", QueryString(p, o->page + 1));
    Data hits{Data::type::list};
    for (const auto& h : o->hits) {
      Data hd;
      hd.set("id", fmt::format("{}", h.record.id));
      hd.set("title_html", h.title_html);
      hd.set("snippet_html", h.snippet_html);
      hd.set("unit", h.record.unit);
      const Item* it = catalog.FindItem(h.record.item_number);
      hd.set("item", it ? fmt::format("{}.{}", it->number, it->title) : std::string());
      hd.set("index_number", h.record.index_number);
      hd.set("published_on", h.published_on);
      hits.push_back(hd);
    }
    if (!o->hits.empty()) d.set("has_hits", true);
    if (o->hits.empty() && o->total > 0) {  // a page past the last one
      d.set("past_end", true);
      d.set("first_url", QueryString(p, 1));
      d.set("last_url", QueryString(p, o->pages));
    }
    // The filters in force, each with a link that drops it: shown on a
    // page without results, where the facets that carry them are empty.
    Data active{Data::type::list};
    auto filter = [&](bool on, std::string text, auto clear) {
      if (!on) return;
      SearchParams without = p;
      clear(without);
      Data f;
      f.set("text", std::move(text));
      f.set("clear_url", QueryString(without, 1));
      active.push_back(f);
    };
    const Area* area = nullptr;
    for (const auto& a : catalog.areas)
      if (a.number == p.area) area = &a;
    filter(p.area > 0, "领域：" + (area ? AreaHeading(*area) : std::to_string(p.area)), [](SearchParams& s) { s.area = 0; });
    const Item* chosen = p.item > 0 ? catalog.FindItem(p.item) : nullptr;
    filter(p.item > 0, "公开事项：" + (chosen ? fmt::format("{}.{}", chosen->number, chosen->title) : std::to_string(p.item)),
           [](SearchParams& s) { s.item = 0; });
    filter(!p.unit.empty(), "发布机构：" + p.unit, [](SearchParams& s) { s.unit.clear(); });
    filter(p.year > 0, fmt::format("年份：{}年", p.year), [](SearchParams& s) { s.year = 0; });
    filter(!p.genre.empty(), "体裁：" + p.genre, [](SearchParams& s) { s.genre.clear(); });
    if (!active.is_empty_list()) d.set("has_filters", true);
    d.set("active_filters", active);
    d.set("hits", hits);
    Data groups{Data::type::list};
    auto group = [&](const char* label, const std::vector<FacetCount>& values, auto label_of, auto set, auto is_active) {
      if (values.empty()) return;
      Data g;
      g.set("label", std::string(label));
      Data vals{Data::type::list};
      for (const auto& f : values) {
        Data v;
        v.set("text", label_of(f.value));
        v.set("count", fmt::format("{}", f.count));
        SearchParams with = p;
        set(with, f.value);
        with.page = 1;
        // An empty value (体裁 未标注) cannot be chosen: "" means any.
        if (!f.value.empty()) v.set("url", QueryString(with, 1));
        if (!f.value.empty() && is_active(f.value)) {
          v.set("active", true);
          SearchParams without = p;
          set(without, std::string());
          v.set("clear_url", QueryString(without, 1));
        }
        vals.push_back(v);
      }
      g.set("values", vals);
      groups.push_back(g);
    };
    group("领域", o->by_area,
          [&](const std::string& v) {
            for (const auto& a : catalog.areas)
              if (std::to_string(a.number) == v) return AreaHeading(a);
            return v;
          },
          [](SearchParams& s, const std::string& v) { s.area = std::atoi(v.c_str()); },
          [&](const std::string& v) { return std::to_string(p.area) == v; });
    group("公开事项", o->by_item,
          [&](const std::string& v) {
            const Item* it = catalog.FindItem(std::atoi(v.c_str()));
            return it ? fmt::format("{}.{}", it->number, it->title) : v;
          },
          [](SearchParams& s, const std::string& v) { s.item = std::atoi(v.c_str()); },
          [&](const std::string& v) { return std::to_string(p.item) == v; });
    group("发布机构", o->by_unit, [](const std::string& v) { return v; },
          [](SearchParams& s, const std::string& v) { s.unit = v; }, [&](const std::string& v) { return p.unit == v; });
    group("年份", o->by_year, [](const std::string& v) { return v + "年"; },
          [](SearchParams& s, const std::string& v) { s.year = std::atoi(v.c_str()); },
          [&](const std::string& v) { return std::to_string(p.year) == v; });
    group("体裁", o->by_genre, [](const std::string& v) { return v.empty() ? std::string("未标注") : v; },
          [](SearchParams& s, const std::string& v) { s.genre = v; }, [&](const std::string& v) { return p.genre == v; });
    d.set("facet_groups", groups);
  }
  std::string title = p.q.empty() ? std::string("搜索") : "搜索：" + p.q;
  return Page(site, &catalog, title, "", {{"首页", "/"}, {"搜索", ""}}, Render("search", d));
}

std::string HumanSize(std::int64_t bytes) {
  if (bytes < 1024) return fmt::format("{} B", bytes);
  if (bytes < 1024 * 1024) return fmt::format("{:.1f} KB", static_cast<double>(bytes) / 1024);
  return fmt::format("{:.1f} MB", static_cast<double>(bytes) / (1024 * 1024));
}

namespace {
std::string BeijingDateOf(const std::string& iso) {
  auto t = ParseTimestamp(iso, "t");
  return t ? BeijingDate(*t).ToString() : std::string();
}
std::string BeijingTimeOf(const std::string& iso) {
  auto t = ParseTimestamp(iso, "t");
  return t ? FormatBeijing(*t) : iso;
}
}  // namespace

std::string RecordPage(const Site& site, const Catalog& catalog, const Record& r,
                       const std::vector<RecordVersion>& versions, int version,
                       const std::vector<LedgerLeaf>& leaves) {
  const RecordVersion* v = nullptr;
  for (const auto& x : versions)
    if (x.version == version) v = &x;
  if (!v) return ErrorPage(site, &catalog, 404, "没有找到该版本。");
  const RecordContent& c = v->content;
  Data d;
  d.set("id", fmt::format("{}", r.id));
  d.set("record_id_plain", fmt::format("{}", r.id));
  d.set("version", fmt::format("{}", version));
  if (version != r.published_version) d.set("old_version", true);
  if (r.status == RecordStatus::kWithdrawn) {
    d.set("withdrawn", true);
    d.set("withdrawn_at", BeijingTimeOf(r.withdrawn_at));
    d.set("withdrawn_reason", r.withdrawn_reason);
  }
  d.set("title", c.title);
  d.set("index_number", r.index_number);
  d.set("topic", c.topic.empty() ? std::string("—") : c.topic);
  d.set("unit", r.unit);
  d.set("unit_url", UnitUrl(r.unit));
  d.set("genre", c.genre.empty() ? std::string("—") : c.genre);
  d.set("doc_number", c.doc_number.empty() ? std::string("—") : c.doc_number);
  d.set("validity", c.validity.empty() ? std::string("—") : c.validity);
  d.set("written_on", c.written_on.empty() ? std::string("—") : c.written_on);
  d.set("published_on", BeijingDateOf(v->published_at));
  d.set("item_number", fmt::format("{}", r.item_number));
  const Item* item = catalog.FindItem(r.item_number);
  d.set("item_title", item ? item->title : std::string());
  if (!r.element.empty()) d.set("element", r.element);
  d.set("disclosure_mode", c.disclosure_mode);
  d.set("scope", c.scope);
  {
    std::vector<std::string> channels = c.channels;
    bool has_evidence = std::any_of(c.attachments.begin(), c.attachments.end(), [](const Attachment& a) { return a.evidence; });
    for (auto& ch : channels)
      if (ch == kNoticeBoardChannel && has_evidence) ch += "（张贴照片已存档备查）";
    d.set("channels", channels.empty() ? std::string("门户网站") : Join(channels, "、"));
  }
  d.set("body_html", RenderBody(c.body));
  Data atts{Data::type::list};
  const std::vector<Attachment> public_attachments = PublicAttachments(c.attachments);
  for (const auto& a : public_attachments) {
    Data ad;
    ad.set("url", fmt::format("/records/{}/files/{}", r.id, a.sha256));
    ad.set("filename", a.filename);
    ad.set("type", a.mime);
    ad.set("size", HumanSize(a.size));
    atts.push_back(ad);
  }
  if (!public_attachments.empty()) d.set("has_attachments", true);
  d.set("attachments", atts);
  d.set("formed_on", r.formed_on.ToString());
  d.set("due_on", r.due_on.ToString());
  if (r.provisional) d.set("provisional", true);
  d.set("first_published_on", BeijingDateOf(r.first_published_at));
  d.set("timeliness", r.late_days == 0 ? std::string("按时公开") : fmt::format("逾期{}个工作日", r.late_days));
  Data vers{Data::type::list};
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    Data vd;
    vd.set("record_id", fmt::format("{}", r.id));
    vd.set("version", fmt::format("{}", it->version));
    vd.set("published_at", BeijingTimeOf(it->published_at));
    vd.set("change_note", it->change_note);
    if (it->version == r.published_version) vd.set("current", true);
    for (const auto& l : leaves) {
      if (l.version != it->version || l.data.find("\"kind\":\"withdraw\"") != std::string::npos) continue;
      vd.set("ledger_index", fmt::format("{}", l.index));
      vd.set("proof_url", fmt::format("/api/v1/ledger/proof/inclusion?record={}&version={}", r.id, it->version));
    }
    vers.push_back(vd);
  }
  d.set("versions", vers);
  std::vector<Crumb> crumbs = {{"首页", "/"}};
  if (item) crumbs.push_back({fmt::format("{}.{}", item->number, item->title), fmt::format("/items/{}", item->number)});
  crumbs.push_back({c.title, ""});
  return Page(site, &catalog, c.title, "home", crumbs, Render("record", d));
}

std::string ItemPage(const Site& site, const Catalog& catalog, std::span<const DeadlineRule> rules,
                     int item_number, const RecordListing& listing) {
  const Item* item = catalog.FindItem(item_number);
  const Area* area = catalog.AreaOf(item_number);
  if (!item || !area) return ErrorPage(site, &catalog, 404, "没有找到该公开事项。");
  Data d;
  d.set("number", fmt::format("{}", item->number));
  d.set("title", item->title);
  d.set("area_number", fmt::format("{}", area->number));
  d.set("area_numeral", ChineseNumeral(area->number));
  d.set("area_title", area->title);
  d.set("content", item->content);
  Data elements{Data::type::list};
  for (const auto& e : item->elements) {
    Data ed;
    ed.set("name", e.name);
    if (const DeadlineRule* r = e.rule.empty() ? nullptr : FindRule(rules, e.rule)) {
      ed.set("rule_name", r->name);
      ed.set("rule_text", r->text);
      ed.set("rule_basis", r->basis);
    }
    elements.push_back(ed);
  }
  d.set("elements", elements);
  d.set("channel", item->channel);
  d.set("units", UnitLinks(item->units));
  if (item->units_open_ended) d.set("units_open_ended", true);
  d.set("timeliness_text", item->timeliness.text);
  d.set("working_days", fmt::format("{}", item->timeliness.working_days));
  if (item->timeliness.law_overrides) d.set("law_overrides", true);
  Data reqs{Data::type::list};
  bool any = false;
  auto add = [&](bool on, const char* text) {
    if (!on) return;
    reqs.push_back(Data(std::string(text)));
    any = true;
  };
  add(item->privacy_protection, "公开时应保护好相关人员个人隐私，个人信息须去标识化处理");
  add(item->specific_groups, "部分信息向特定区域、特定群体公开");
  add(item->excludes_commercial_secrets, "涉及商业秘密的信息除外");
  add(item->excludes_state_secrets, "涉及国家秘密的信息除外");
  if (any) {
    d.set("has_requirements", true);
    d.set("requirements", reqs);
  }
  if (!item->notes.empty()) d.set("notes", item->notes);
  d.set("record_count", fmt::format("{}", listing.total));
  Data recs{Data::type::list};
  for (const auto& r : listing.records) {
    Data rd;
    rd.set("id", fmt::format("{}", r.id));
    rd.set("title", r.published_title);
    rd.set("index_number", r.index_number);
    rd.set("unit", r.unit);
    rd.set("published_on", BeijingDateOf(r.first_published_at));
    if (r.status == RecordStatus::kWithdrawn) rd.set("withdrawn", true);
    recs.push_back(rd);
  }
  if (!listing.records.empty()) d.set("has_records", true);
  d.set("records", recs);
  d.set("page", fmt::format("{}", listing.page));
  d.set("pages", fmt::format("{}", listing.pages));
  if (listing.page > 1) d.set("prev_page", fmt::format("{}", listing.page - 1));
  if (listing.page < listing.pages) d.set("next_page", fmt::format("{}", listing.page + 1));
  // Neighbours in catalogue order.
  const Item* prev = nullptr;
  const Item* next = nullptr;
  bool found = false;
  for (const auto& a : catalog.areas)
    for (const auto& it : a.items) {
      if (found && !next) next = &it;
      if (&it == item) found = true;
      if (!found) prev = &it;
    }
  auto link = [](const Item* it) {
    Data l;
    l.set("number", fmt::format("{}", it->number));
    l.set("title", it->title);
    return l;
  };
  if (prev) d.set("prev", link(prev));
  if (next) d.set("next", link(next));
  std::string title = fmt::format("{}.{}", item->number, item->title);
  return Page(site, &catalog, title, "home",
              {{"首页", "/"}, {AreaHeading(*area), fmt::format("/#area-{}", area->number)}, {title, ""}},
              Render("item", d));
}

std::string UnitPage(const Site& site, const Catalog& catalog, const std::string& unit_name) {
  const UnitInfo* unit = catalog.FindUnit(unit_name);
  if (!unit) return ErrorPage(site, &catalog, 404, "没有找到该责任单位。");
  Data d;
  d.set("name", unit->name);
  d.set("unit_url", UnitUrl(unit->name));
  d.set("unit_param", PercentEncode(unit->name));
  if (!unit->short_name.empty()) d.set("short_name", unit->short_name);
  d.set("kind", unit->kind);
  if (!unit->aliases.empty()) {
    d.set("has_aliases", true);
    d.set("aliases", Join(unit->aliases, "、"));
  }
  auto items = catalog.ItemsOfUnit(unit->name);
  d.set("item_count", fmt::format("{}", items.size()));
  Data list{Data::type::list};
  for (const Item* it : items) {
    Data id;
    id.set("number", fmt::format("{}", it->number));
    id.set("title", it->title);
    id.set("area", AreaHeading(*catalog.AreaOf(it->number)));
    list.push_back(id);
  }
  if (!items.empty()) d.set("has_items", true);
  d.set("items", list);
  return Page(site, &catalog, unit->name, "units", {{"首页", "/"}, {"责任单位", "/units"}, {unit->name, ""}},
              Render("unit", d));
}

std::string UnitsPage(const Site& site, const Catalog& catalog) {
  Data d;
  d.set("unit_count", fmt::format("{}", catalog.units.size()));
  Data list{Data::type::list};
  for (const auto& u : catalog.units) {
    Data ud;
    ud.set("name", u.name);
    ud.set("url", UnitUrl(u.name));
    ud.set("kind", u.kind);
    ud.set("item_count", fmt::format("{}", catalog.ItemsOfUnit(u.name).size()));
    list.push_back(ud);
  }
  d.set("units", list);
  return Page(site, &catalog, "责任单位", "units", {{"首页", "/"}, {"责任单位", ""}}, Render("units", d));
}

std::string GuidePage(const Site& site, const Catalog& catalog, const std::vector<LedgerKeyInfo>& keys) {
  Data d;
  d.set("site_name", site.name);
  d.set("catalog_title", catalog.title);
  d.set("area_count", fmt::format("{}", catalog.areas.size()));
  d.set("item_count", fmt::format("{}", catalog.ItemCount()));
  Data areas{Data::type::list};
  for (const auto& a : catalog.areas) {
    Data ad;
    ad.set("number", fmt::format("{}", a.number));
    ad.set("numeral", ChineseNumeral(a.number));
    ad.set("title", a.title);
    ad.set("item_count", fmt::format("{}", a.items.size()));
    areas.push_back(ad);
  }
  d.set("areas", areas);
  d.set("office_name", catalog.office.name);
  d.set("office_address", catalog.office.address);
  d.set("office_phones", Join(catalog.office.phones, "、"));
  d.set("office_hours", catalog.office.hours);
  Data key_list{Data::type::list};
  for (auto it = keys.rbegin(); it != keys.rend(); ++it) {
    Data kd;
    kd.set("key", it->verifier_key);
    kd.set("since", BeijingTimeOf(it->created_at));
    if (!it->retired_at.empty()) kd.set("retired", BeijingTimeOf(it->retired_at));
    key_list.push_back(kd);
  }
  if (!keys.empty()) d.set("has_keys", true);
  d.set("keys", key_list);
  return Page(site, &catalog, "政府信息公开指南", "guide", {{"首页", "/"}, {"公开指南", ""}}, Render("guide", d));
}

std::string DeadlinePage(const Site& site, const Catalog& catalog, std::span<const DeadlineRule> rules,
                         const DeadlinePageData& in) {
  Data d;
  d.set("from", in.from);
  Data groups{Data::type::list};
  auto option = [&](const std::string& value, const std::string& text) {
    Data o;
    o.set("value", value);
    o.set("text", text);
    if (value == in.target) o.set("selected", true);
    return o;
  };
  for (const auto& a : catalog.areas) {
    for (const auto& it : a.items) {
      Data g;
      g.set("label", fmt::format("{}.{}", it.number, it.title));
      Data options{Data::type::list};
      options.push_back(option(fmt::format("{}/", it.number),
                               fmt::format("{}.{}（本事项默认时限：{}个工作日）", it.number, it.title,
                                           it.timeliness.working_days)));
      for (const auto& e : it.elements) {
        std::string text = fmt::format("{}.{} — {}", it.number, it.title, e.name);
        if (const DeadlineRule* r = e.rule.empty() ? nullptr : FindRule(rules, e.rule))
          text += fmt::format("（{}）", r->name);
        options.push_back(option(fmt::format("{}/{}", it.number, e.name), text));
      }
      g.set("options", options);
      groups.push_back(g);
    }
  }
  Data rule_group;
  rule_group.set("label", "按时限规则");
  Data rule_options{Data::type::list};
  for (const auto& r : rules) rule_options.push_back(option("rule:" + r.id, r.name));
  rule_group.set("options", rule_options);
  groups.push_back(rule_group);
  d.set("groups", groups);
  if (!in.error.empty()) {
    d.set("error", in.error);
    if (in.error_field == "from") d.set("error_from", true);
  }
  if (const DeadlineResult* r = in.result) {
    Data res;
    res.set("from_text", r->event.ToString() + "（" + r->event.WeekdayName() + "）");
    res.set("due_text", r->due.ToString() + "（" + r->due.WeekdayName() + "）");
    if (!in.item_text.empty()) res.set("item_text", in.item_text);
    res.set("rule_name", r->rule.name);
    res.set("rule_text", r->rule.text);
    res.set("rule_basis", r->rule.basis);
    Data skipped{Data::type::list};
    for (const auto& range : r->non_working) skipped.push_back(Data(DescribeRange(range)));
    if (!r->non_working.empty()) res.set("has_skipped", true);
    res.set("skipped", skipped);
    Data makeup{Data::type::list};
    for (const auto& day : r->makeup_days) makeup.push_back(Data(day.ToString() + "（" + day.WeekdayName() + "）"));
    if (!r->makeup_days.empty()) res.set("has_makeup", true);
    res.set("makeup", makeup);
    if (r->display) res.set("display", r->display->explanation);
    res.set("explanation", r->explanation);
    if (r->provisional) {
      res.set("provisional", true);
      res.set("provisional_note", ProvisionalNote(r->provisional_years));
    }
    res.set("calendar_version", fmt::format("{}", in.calendar_version));
    res.set("calendar_note", in.calendar_note);
    res.set("api_url", in.api_url);
    d.set("result", res);
  }
  return Page(site, &catalog, "期限计算", "deadline", {{"首页", "/"}, {"期限计算", ""}}, Render("deadline", d));
}

std::string ErrorPage(const Site& site, const Catalog* catalog, int status, const std::string& message,
                      const Viewer* viewer) {
  std::string heading;
  switch (status) {
    case 400:
    case 405:
    case 411:
    case 413:
    case 414:
    case 431: heading = "请求有误"; break;
    case 401: heading = "请先登录"; break;
    case 403: heading = "无权访问"; break;
    case 404: heading = "页面不存在"; break;
    default: heading = "服务暂时出现问题"; break;
  }
  // What the reader can do next, first the step most likely to help.
  std::vector<std::string> steps;
  switch (status) {
    case 400:
    case 405:
    case 411:
    case 413:
    case 414:
    case 431:
      steps.push_back("检查网址或您填写的内容是否完整、格式是否正确（日期请写成“2026-03-02”），然后重新提交；");
      break;
    case 401: steps.push_back("工作人员请先<a href=\"/login\">登录</a>，登录后将回到此页面；"); break;
    case 403:
      steps.push_back("此页面只对具有相应权限的工作人员开放；如确需办理，请联系公开办管理员为您的账号开通权限；");
      steps.push_back("返回<a href=\"/admin\">管理后台首页</a>查看您可以办理的事项；");
      break;
    case 404:
      steps.push_back("检查网址是否输入正确；信息可能已经撤回或地址已经变更；");
      steps.push_back("使用页面顶部的搜索框，按标题、文号或索引号搜索已公开的信息；");
      break;
    default: steps.push_back("稍等片刻后刷新页面再试；问题持续出现时，请将下方的错误代码告诉我们；"); break;
  }
  steps.push_back("返回<a href=\"/\">信息公开目录首页</a>，按领域和事项浏览；");
  steps.push_back("查看<a href=\"/guide\">政府信息公开指南</a>，了解获取信息的方式；");
  Data step_list{Data::type::list};
  for (const auto& st : steps) step_list.push_back(Data{st});
  Data d;
  d.set("heading", heading);
  d.set("message", message);
  d.set("steps", step_list);
  d.set("status", fmt::format("{}", status));
  d.set("office_name", catalog ? catalog->office.name : std::string("政务公开办公室"));
  d.set("office_phones", catalog ? Join(catalog->office.phones, "、") : std::string());
  return Page(site, catalog, heading, "", {{"首页", "/"}, {heading, ""}}, Render("error", d), viewer);
}

}  // namespace gongkai::views
