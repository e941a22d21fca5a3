#include "app/calendar_actions.h"

#include <fmt/core.h>

#include <algorithm>
#include <memory>
#include <mutex>

#include "codec/calendar_codec.h"
#include "codec/rules_codec.h"

namespace gongkai {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

Result<DeadlineRule> RuleById(std::span<const DeadlineRule> rules, std::string_view id) {
  const DeadlineRule* r = FindRule(rules, id);
  if (!r) return Unexpected(Error::Invalid(fmt::format("没有名为“{}”的时限规则", id), "rule"));
  return *r;
}

// Recomputes `d` under `calendar` with the rule it was registered with.
Result<TrackedDeadline> Recompute(const TrackedDeadline& d, const WorkingCalendar& calendar,
                                  std::span<const DeadlineRule> rules) {
  GK_TRY(rule, RuleById(rules, d.rule_id));
  if (d.rule_days > 0) rule.days = d.rule_days;
  GK_TRY(result, ComputeDeadline(rule, calendar, d.event));
  TrackedDeadline out = d;
  out.due = result.due;
  out.provisional = result.provisional;
  return out;
}

}  // namespace

namespace {

// The last calendar built, by version: versions never change once stored,
// so a process may keep one. Guarded for use from server threads.
struct CalendarCache {
  std::mutex mu;
  std::uint64_t store = 0;  // Store::instance_id()
  std::int64_t version = -1;
  std::shared_ptr<const CalendarInForce> value;
};
CalendarCache& Cache() {
  static CalendarCache cache;
  return cache;
}

}  // namespace

Result<CalendarInForce> CurrentCalendar(Store& store) {
  GK_TRY(version, store.LatestCalendarVersion());
  {
    std::lock_guard lock(Cache().mu);
    if (Cache().value && Cache().store == store.instance_id() && Cache().version == version && version > 0) return *Cache().value;
  }
  GK_TRY(loaded, LoadCurrentCalendar(store));
  if (loaded.version > 0) {
    std::lock_guard lock(Cache().mu);
    Cache().store = store.instance_id();
    Cache().version = loaded.version;
    Cache().value = std::make_shared<const CalendarInForce>(loaded);
  }
  return loaded;
}

Result<CalendarInForce> LoadCurrentCalendar(Store& store) {
  GK_TRY(latest, store.LatestCalendar());
  if (!latest) {
    GK_TRY(official, LoadOfficialCalendar());
    return CalendarInForce{std::move(official), 0, "程序内置的国务院办公厅节假日安排", ""};
  }
  GK_TRY(cal, WorkingCalendar::Build(latest->notices));
  return CalendarInForce{std::move(cal), latest->id, latest->note, latest->created_at};
}

Result<CalendarInForce> EnsureCalendar(Store& store) {
  GK_TRY(latest, store.LatestCalendar());
  if (latest) return CurrentCalendar(store);
  GK_TRY(official, LoadOfficialCalendar());
  auto years = official.OfficialYears();
  std::string note = years.empty() ? "程序内置日历"
                                   : fmt::format("程序内置：国务院办公厅{}—{}年部分节假日安排", years.front(), years.back());
  GK_TRY(v, store.AddCalendarVersion(official.notices(), note));
  return CalendarInForce{std::move(official), v.id, v.note, v.created_at};
}

NoticeFormat NoticeFormatFromFileName(std::string_view file_name) {
  std::string n = Lower(file_name);
  return n.ends_with(".csv") ? NoticeFormat::kCsv : NoticeFormat::kJson;
}

Result<CalendarImportResult> ImportCalendarNotice(Store& store, std::string_view bytes, NoticeFormat format,
                                                  int expected_year, const std::string& source_name) {
  CalendarNotice notice;
  if (format == NoticeFormat::kJson) {
    GK_TRY(n, ParseHolidayCnJson(bytes));
    notice = std::move(n);
  } else {
    GK_TRY(n, ParseNoticeCsv(bytes, expected_year, source_name));
    notice = std::move(n);
  }
  if (expected_year != 0 && notice.year != expected_year)
    return Unexpected(Error::Invalid(
        fmt::format("文件中的放假安排是{}年的，与指定的{}年不符", notice.year, expected_year), "year"));

  GK_TRY(current, EnsureCalendar(store));
  std::vector<CalendarNotice> notices = current.calendar.notices();
  CalendarImportResult result;
  result.year = notice.year;
  auto same_year = std::find_if(notices.begin(), notices.end(), [&](const auto& n) { return n.year == notice.year; });
  if (same_year != notices.end() && *same_year == notice) {
    result.version = current.version;
    return result;  // identical: nothing to do
  }
  if (same_year != notices.end()) *same_year = notice;
  else notices.push_back(notice);
  // Validates across notices (one date in two notices) before storing.
  GK_TRY(built, WorkingCalendar::Build(notices));
  (void)built;
  std::string note = fmt::format("导入{}年放假安排{}", notice.year,
                                 source_name.empty() ? std::string() : fmt::format("（{}）", source_name));
  GK_TRY(version, store.AddCalendarVersion(notices, note));
  result.changed = true;
  result.version = version.id;
  GK_TRY(changes, RecomputeDeadlines(store, &result.recomputed));
  result.changes = std::move(changes);
  return result;
}

Result<std::vector<DeadlineChange>> RecomputeDeadlines(Store& store, int* recomputed) {
  GK_TRY(current, CurrentCalendar(store));
  GK_TRY(rules, LoadDeadlineRules());
  GK_TRY(stale, store.OpenDeadlinesBefore(current.version));
  std::vector<TrackedDeadline> updated;
  std::vector<std::int64_t> ids;
  for (const auto& d : stale) {
    GK_TRY(r, Recompute(d, current.calendar, rules));
    updated.push_back(std::move(r));
    ids.push_back(d.id);
  }
  if (recomputed) *recomputed = static_cast<int>(updated.size());
  if (updated.empty()) return std::vector<DeadlineChange>{};
  GK_CHECK(store.ApplyRecomputedDeadlines(updated, current.version));
  GK_TRY(all, store.DeadlineChanges(0));
  std::vector<DeadlineChange> mine;
  for (const auto& c : all)
    if (c.calendar_version == current.version && std::find(ids.begin(), ids.end(), c.deadline_id) != ids.end())
      mine.push_back(c);
  return mine;
}

Result<DeadlineRule> RuleFor(const Catalog& catalog, std::span<const DeadlineRule> rules, int item,
                             std::string_view element) {
  const Item* it = catalog.FindItem(item);
  if (!it) return Unexpected(Error::Invalid(fmt::format("目录中没有序号为{}的事项", item), "item"));
  std::string rule_id;
  if (!element.empty()) {
    auto e = std::find_if(it->elements.begin(), it->elements.end(), [&](const Element& x) { return x.name == element; });
    if (e == it->elements.end())
      return Unexpected(Error::Invalid(
          fmt::format("事项{}（{}）没有名为“{}”的公开要素", item, it->title, element), "element"));
    rule_id = e->rule;
  }
  if (!rule_id.empty()) return RuleById(rules, rule_id);
  GK_TRY(rule, RuleById(rules, kDefaultRuleId));
  if (it->timeliness.working_days != rule.days) {
    rule.text = fmt::format("自信息形成或变更之日起{}个工作日内公开（本目录对该事项的规定）。",
                            it->timeliness.working_days);
    rule.days = it->timeliness.working_days;
  }
  return rule;
}

Result<DeadlineResult> ExplainDeadline(const WorkingCalendar& calendar, std::span<const DeadlineRule> rules,
                                       const Catalog& catalog, const DeadlineQuery& query) {
  DeadlineRule rule;
  if (!query.rule_id.empty()) {
    GK_TRY(r, RuleById(rules, query.rule_id));
    rule = std::move(r);
  } else if (query.item > 0) {
    GK_TRY(r, RuleFor(catalog, rules, query.item, query.element));
    rule = std::move(r);
  } else {
    GK_TRY(r, RuleById(rules, kDefaultRuleId));
    rule = std::move(r);
  }
  return ComputeDeadline(rule, calendar, query.from);
}

Result<TrackedDeadline> TrackDeadline(Store& store, const Site& site, const Catalog& catalog,
                                      std::span<const DeadlineRule> rules, const DeadlineQuery& query,
                                      const std::string& subject) {
  GK_TRY(current, EnsureCalendar(store));
  GK_TRY(result, ExplainDeadline(current.calendar, rules, catalog, query));
  TrackedDeadline d;
  d.site_id = site.id;
  d.subject = subject;
  d.item_number = query.item;
  d.element = query.element;
  d.rule_id = result.rule.id;
  d.rule_days = result.rule.days;
  d.event = query.from;
  d.due = result.due;
  d.provisional = result.provisional;
  d.calendar_version = current.version;
  d.open = true;
  return store.AddDeadline(d);
}

}  // namespace gongkai
