#include "app/compliance_actions.h"

#include <fmt/core.h>

#include "app/calendar_actions.h"
#include "app/reminder_actions.h"
#include "codec/csv.h"
#include "core/auth.h"
#include "core/timestamp.h"

namespace gongkai {
namespace {

std::string Num(const std::optional<double>& v) { return v ? fmt::format("{:g}", *v) : std::string("—"); }

std::vector<std::string> FigureHeader(const std::string& first) {
  return {first,    "应公开", "按时公开", "逾期公开", "逾期工作日中位数", "逾期工作日最大值", "当前逾期未公开",
          "最长逾期工作日", "待到期", "不予公开", "按时率", "期内发布", "形成至发布工作日中位数"};
}

std::vector<std::string> FigureRow(const std::string& label, const ComplianceFigures& f) {
  return {label,
          std::to_string(f.due()),
          std::to_string(f.on_time()),
          std::to_string(f.late()),
          Num(f.late_days_median),
          std::to_string(f.late_days_max),
          std::to_string(f.overdue_now()),
          std::to_string(f.overdue_days_max),
          std::to_string(f.pending()),
          std::to_string(f.withheld()),
          FormatOnTimeRate(f.on_time_rate),
          std::to_string(f.published_in_period()),
          Num(f.formation_to_publication_median)};
}

}  // namespace

namespace {

// LoadCompliance without the permission check.
Result<ComplianceView> ComputeView(const Context& ctx, const Catalog& catalog, const std::string& from,
                                   const std::string& to, const ComplianceLoad& load) {
  const Date today = BeijingDate(ctx.clock.Now());
  CompliancePeriod period;
  if (from.empty()) {
    GK_TRY(jan1, Date::FromYmd(today.year(), 1, 1));
    period.from = jan1;
  } else {
    auto d = Date::Parse(from);
    if (!d) return Unexpected(Error::Invalid(fmt::format("起始日期“{}”应为YYYY-MM-DD", from), "from"));
    period.from = *d;
  }
  if (to.empty()) {
    period.to = today;
  } else {
    auto d = Date::Parse(to);
    if (!d) return Unexpected(Error::Invalid(fmt::format("截止日期“{}”应为YYYY-MM-DD", to), "to"));
    period.to = *d;
  }
  GK_TRY(calendar, CurrentCalendar(ctx.store));
  ComplianceView view;
  ComplianceOptions options;
  options.today = today;
  GK_TRY(event_driven, EventDrivenItems(ctx.store, ctx.actor.site_id));
  options.event_driven_items = std::move(event_driven);
  if (load.figures && load.unit.empty()) {
    // The whole site's figures: the rows they need, streamed into the tally
    // (no row kept), and the older ones summarised per (unit, item).
    const Date cutoff = SummaryCutoff(period, today);
    GK_TRY(summary, ctx.store.SummariseComplianceRows(ctx.actor.site_id, cutoff));
    options.prior_publications = std::move(summary.publications);
    options.prior_backlog = std::move(summary.backlog);
    GK_TRY(tally, ComplianceTally::Start(catalog, calendar.calendar, period, options));
    GK_CHECK(ctx.store.VisitNeededComplianceRows(ctx.actor.site_id, cutoff,
                                                 [&tally](const ComplianceRow& row) { tally.Add(row); }));
    view.rows_read = tally.rows_added();
    view.report = tally.Finish();
  } else {
    GK_TRY(rows, ctx.store.ListComplianceRows(ctx.actor.site_id,
                                              ComplianceRowQuery{load.unit, period.from, load.with_text}));
    view.rows = std::move(rows);
    view.rows_read = view.rows.size();
    if (load.figures) {
      GK_TRY(prior, ctx.store.ListPriorPublications(ctx.actor.site_id, period.from));
      options.prior_publications = std::move(prior);
    }
    GK_TRY(report, ComputeCompliance(catalog, calendar.calendar,
                                     load.figures ? std::span<const ComplianceRow>(view.rows)
                                                  : std::span<const ComplianceRow>(),
                                     period, options));
    view.report = std::move(report);
  }
  view.calendar_version = calendar.version == 0
                              ? std::string("内置官方日历")
                              : fmt::format("第{}版（{}）", calendar.version, calendar.note);
  return view;
}

}  // namespace

Result<ComplianceView> LoadCompliance(const Context& ctx, const Catalog& catalog, const std::string& from,
                                      const std::string& to, const ComplianceLoad& load) {
  GK_CHECK(Authorize(ctx.actor, Action::kViewCompliance));
  return ComputeView(ctx, catalog, from, to, load);
}

Result<ComplianceView> LoadPublicStatistics(const Context& ctx, const Catalog& catalog, const std::string& from,
                                            const std::string& to) {
  return ComputeView(ctx, catalog, from, to, ComplianceLoad{});
}

std::vector<XlsxSheet> ComplianceSheets(const ComplianceView& view, const Catalog& catalog) {
  const ComplianceReport& r = view.report;
  std::vector<XlsxSheet> out;
  XlsxSheet site{"全区", {FigureHeader("范围")}, {}};
  site.rows.push_back(FigureRow(fmt::format("全区（{}至{}）", r.period.from.ToString(), r.period.to.ToString()),
                                r.site.figures));
  out.push_back(std::move(site));
  XlsxSheet units{"单位", {FigureHeader("单位")}, {}};
  for (const GroupCompliance* g : RankGroups(r.units)) units.rows.push_back(FigureRow(g->label, g->figures));
  out.push_back(std::move(units));
  XlsxSheet items{"事项", {FigureHeader("事项")}, {}};
  for (const auto& g : r.items)
    items.rows.push_back(FigureRow(fmt::format("{}. {}", g.key.number, g.label), g.figures));
  out.push_back(std::move(items));
  XlsxSheet areas{"领域", {FigureHeader("领域")}, {}};
  for (const auto& g : r.areas) areas.rows.push_back(FigureRow(g.label, g.figures));
  out.push_back(std::move(areas));
  XlsxSheet coverage{"公开空白", {{"单位", "事项", "期内发布", "应公开", "最近发布日期", "按事件公开", "是否空白"}}, {}};
  for (const auto& c : r.coverage) {
    const Item* item = catalog.FindItem(c.item_number);
    coverage.rows.push_back({c.unit, fmt::format("{}. {}", c.item_number, item ? item->title : std::string()),
                             std::to_string(c.published_in_period), std::to_string(c.due),
                             c.last_published_on ? c.last_published_on->ToString() : std::string("—"),
                             c.event_driven ? "是" : "否", c.gap ? "空白" : "—"});
  }
  out.push_back(std::move(coverage));
  XlsxSheet trend{"月度趋势", {{"月份", "应公开", "按时公开", "逾期公开", "月末逾期未公开"}}, {}};
  for (const auto& m : r.trend)
    trend.rows.push_back({fmt::format("{}-{:02}", m.year, m.month), std::to_string(m.due), std::to_string(m.on_time),
                          std::to_string(m.late), std::to_string(m.overdue_at_end)});
  out.push_back(std::move(trend));
  XlsxSheet notes{"统计口径", {{"项目", "说明"}}, {}};
  notes.rows.push_back({"统计期间", fmt::format("{}至{}（含起止日），统计日{}", r.period.from.ToString(),
                                               r.period.to.ToString(), r.today.ToString())});
  notes.rows.push_back({"工作日历", view.calendar_version});
  for (const auto& [term, text] : FigureDefinitions()) notes.rows.push_back({term, text});
  out.push_back(std::move(notes));
  return out;
}

std::string SheetsAsCsv(const std::vector<XlsxSheet>& sheets) {
  std::string out = "\xEF\xBB\xBF";
  for (const auto& sheet : sheets) {
    out += csv::FormatRow({"【" + sheet.name + "】"});
    for (const auto& row : sheet.rows) out += csv::FormatRow(row);
    out += "\r\n";
  }
  return out;
}

}  // namespace gongkai
