#include "http/api.h"

#include <fmt/core.h>

#include "http/views.h"

namespace gongkai::api {

using ojson = nlohmann::ordered_json;

namespace {

ojson ItemSummary(const Item& it) {
  ojson j;
  j["number"] = it.number;
  j["title"] = it.title;
  j["url"] = "/items/" + std::to_string(it.number);
  j["api_url"] = "/api/v1/items/" + std::to_string(it.number);
  return j;
}

ojson ItemBody(const Catalog& catalog, const Item& it) {
  ojson j = ItemSummary(it);
  j["content"] = it.content;
  ojson elements = ojson::array();
  for (const auto& e : it.elements) elements.push_back({{"name", e.name}, {"rule", e.rule}});
  j["elements"] = std::move(elements);
  j["channel"] = it.channel;
  ojson units = ojson::array();
  for (const auto& u : it.units) {
    const UnitInfo* info = catalog.FindUnit(u);
    units.push_back({{"name", u},
                     {"short_name", info ? info->short_name : ""},
                     {"url", views::UnitUrl(u)},
                     {"api_url", "/api/v1" + views::UnitUrl(u)}});
  }
  j["units"] = std::move(units);
  j["units_open_ended"] = it.units_open_ended;
  j["timeliness"] = {{"text", it.timeliness.text},
                     {"working_days", it.timeliness.working_days},
                     {"law_overrides", it.timeliness.law_overrides}};
  j["privacy_protection"] = it.privacy_protection;
  j["specific_groups"] = it.specific_groups;
  j["excludes_commercial_secrets"] = it.excludes_commercial_secrets;
  j["excludes_state_secrets"] = it.excludes_state_secrets;
  j["notes"] = it.notes;
  return j;
}

ojson AreaRef(const Area& a) {
  return {{"number", a.number}, {"numeral", ChineseNumeral(a.number)}, {"title", a.title}};
}

}  // namespace

ojson CatalogDoc(const Site& site, const Catalog& catalog) {
  ojson j;
  j["site"] = {{"slug", site.slug}, {"name", site.name}};
  j["title"] = catalog.title;
  j["office"] = {{"name", catalog.office.name},
                 {"address", catalog.office.address},
                 {"phones", catalog.office.phones},
                 {"hours", catalog.office.hours}};
  ojson areas = ojson::array();
  for (const auto& a : catalog.areas) {
    ojson aj = AreaRef(a);
    ojson items = ojson::array();
    for (const auto& it : a.items) items.push_back(ItemBody(catalog, it));
    aj["items"] = std::move(items);
    areas.push_back(std::move(aj));
  }
  j["areas"] = std::move(areas);
  j["item_count"] = catalog.ItemCount();
  j["unit_count"] = catalog.units.size();
  return j;
}

ojson ItemDoc(const Catalog& catalog, const Item& item) {
  ojson j = ItemBody(catalog, item);
  if (const Area* a = catalog.AreaOf(item.number)) j["area"] = AreaRef(*a);
  return j;
}

ojson UnitsDoc(const Catalog& catalog) {
  ojson list = ojson::array();
  for (const auto& u : catalog.units) {
    ojson items = ojson::array();
    for (const Item* it : catalog.ItemsOfUnit(u.name)) items.push_back(it->number);
    list.push_back({{"name", u.name},
                    {"short_name", u.short_name},
                    {"kind", u.kind},
                    {"url", views::UnitUrl(u.name)},
                    {"api_url", "/api/v1" + views::UnitUrl(u.name)},
                    {"item_numbers", std::move(items)}});
  }
  return {{"units", std::move(list)}, {"count", catalog.units.size()}};
}

ojson UnitDoc(const Catalog& catalog, const UnitInfo& unit) {
  ojson items = ojson::array();
  for (const Item* it : catalog.ItemsOfUnit(unit.name)) {
    ojson s = ItemSummary(*it);
    if (const Area* a = catalog.AreaOf(it->number)) s["area"] = AreaRef(*a);
    items.push_back(std::move(s));
  }
  return {{"name", unit.name},
          {"short_name", unit.short_name},
          {"kind", unit.kind},
          {"parent", unit.parent},
          {"aliases", unit.aliases},
          {"items", std::move(items)}};
}

ojson RuleDoc(const DeadlineRule& r) {
  ojson j;
  j["id"] = r.id;
  j["name"] = r.name;
  j["start_event"] = r.start_event;
  j["days"] = r.days;
  j["day_kind"] = DayKindName(r.day_kind);
  j["direction"] = DirectionName(r.direction);
  j["display_days"] = r.display_days;
  j["display_day_kind"] = DayKindName(r.display_day_kind);
  j["display_from"] = DisplayFromName(r.display_from);
  j["basis"] = r.basis;
  j["text"] = r.text;
  j["to_be_confirmed_locally"] = r.check;
  return j;
}

ojson DeadlineDoc(const DeadlineResult& r, int item, const std::string& element, std::int64_t calendar_version) {
  ojson j;
  j["from"] = r.event.ToString();
  j["due"] = r.due.ToString();
  j["unadjusted_due"] = r.unadjusted_due.ToString();
  j["moved_off_non_working_day"] = r.moved;
  j["provisional"] = r.provisional;
  j["provisional_years"] = r.provisional_years;
  if (r.provisional) j["provisional_note"] = ProvisionalNote(r.provisional_years);
  if (item > 0) j["item"] = item;
  if (!element.empty()) j["element"] = element;
  j["rule"] = RuleDoc(r.rule);
  ojson skipped = ojson::array();
  for (const auto& range : r.non_working)
    skipped.push_back({{"first", range.first.ToString()},
                       {"last", range.last.ToString()},
                       {"days", range.days()},
                       {"name", range.name},
                       {"text", DescribeRange(range)}});
  j["non_working_days"] = std::move(skipped);
  ojson makeup = ojson::array();
  for (const auto& d : r.makeup_days) makeup.push_back(d.ToString());
  j["makeup_working_days"] = std::move(makeup);
  if (r.display) {
    j["display"] = {{"start", r.display->start.ToString()},
                    {"until", r.display->until.ToString()},
                    {"earliest_takedown", r.display->earliest_takedown.ToString()},
                    {"provisional", r.display->provisional},
                    {"explanation", r.display->explanation}};
  } else {
    j["display"] = nullptr;
  }
  j["explanation"] = r.explanation;
  j["calendar_version"] = calendar_version;
  return j;
}

ojson CalendarYearDoc(const WorkingCalendar& calendar, int year, std::int64_t version, const std::string& note) {
  ojson j;
  j["year"] = year;
  j["official"] = calendar.IsOfficialYear(year);
  j["calendar_version"] = version;
  j["calendar_note"] = note;
  ojson days = ojson::array();
  for (const auto& n : calendar.notices()) {
    if (n.year != year) continue;
    j["source"] = n.source;
    for (const auto& d : n.days)
      days.push_back({{"date", d.date.ToString()}, {"type", d.off ? "off" : "work"}, {"name", d.name}});
  }
  j["days"] = std::move(days);
  if (!calendar.IsOfficialYear(year))
    j["note"] = fmt::format("{}年放假安排尚未公布，按周末推算，结果为暂定日期", year);
  return j;
}

ojson ErrorDoc(const Error& error) {
  ojson e;
  e["code"] = ErrorCodeName(error.code);
  e["message"] = error.message;
  if (!error.field.empty()) e["field"] = error.field;
  if (error.line > 0) e["line"] = error.line;
  return {{"error", std::move(e)}};
}

int HttpStatus(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidInput: return 400;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kForbidden: return 403;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kConflict: return 409;
    case ErrorCode::kStorage:
    case ErrorCode::kInternal: return 500;
  }
  return 500;
}

}  // namespace gongkai::api
