#include "app/annual_report_actions.h"

#include <fmt/core.h>

#include "codec/annual_mapping.h"
#include "core/auth.h"
#include "core/timestamp.h"

namespace gongkai {
namespace {

constexpr const char* kMappingKey = "annual_report.mapping";

}  // namespace

std::string AnnualCellText(const AnnualCell& c) {
  if (!c.mapped) return "—（需人工填报）";
  return c.value ? fmt::format("{}", *c.value) : std::string("—");
}

const char* AnnualRowClause(AnnualRowKind kind) {
  switch (kind) {
    case AnnualRowKind::kRegulation:
    case AnnualRowKind::kNormativeDocument: return "第二十条第（一）项";
    case AnnualRowKind::kLicensing: return "第二十条第（五）项";
    case AnnualRowKind::kPunishment:
    case AnnualRowKind::kEnforcement: return "第二十条第（六）项";
    case AnnualRowKind::kFees: return "第二十条第（八）项";
  }
  return "";
}

Result<AnnualMapping> CurrentAnnualMapping(Store& store, std::int64_t site_id, const Catalog& catalog,
                                           bool* is_default) {
  GK_TRY(stored, store.GetSiteSetting(site_id, kMappingKey));
  if (is_default) *is_default = stored.empty();
  if (stored.empty()) return DefaultAnnualMapping(catalog);
  auto parsed = ParseAnnualMapping(stored, catalog);
  if (!parsed)
    return Unexpected(Error::Invalid(
        fmt::format("已保存的年度报告统计口径与当前目录不符（{}），请重新设置", parsed.error().message), "mapping"));
  return parsed;
}

Status SetAnnualMapping(const Context& ctx, const Catalog& catalog, const std::string& json) {
  GK_CHECK(Authorize(ctx.actor, Action::kConfigureCompliance));
  GK_TRY(before, ctx.store.GetSiteSetting(ctx.actor.site_id, kMappingKey));
  std::string after;
  if (json.find_first_not_of(" \t\r\n") != std::string::npos) {
    GK_TRY(mapping, ParseAnnualMapping(json, catalog));
    after = AnnualMappingToJson(mapping);
  }
  return ctx.store.SetSiteSetting(ctx.actor.site_id, kMappingKey, after,
                                  ctx.Audit(after.empty() ? "恢复默认年度报告统计口径" : "设置年度报告统计口径",
                                            "年度报告", before.empty() ? "null" : before,
                                            after.empty() ? "null" : after));
}

Result<AnnualReportView> LoadAnnualReport(const Context& ctx, const Catalog& catalog, int year) {
  GK_CHECK(Authorize(ctx.actor, Action::kViewCompliance));
  const Date today = BeijingDate(ctx.clock.Now());
  if (year < kAnnualReportMinYear || year > today.year())
    return Unexpected(Error::Invalid(fmt::format("年份{}无效：应在{}至{}之间", year, kAnnualReportMinYear, today.year()),
                                     "year"));
  AnnualReportView view;
  view.year = year;
  GK_TRY(mapping, CurrentAnnualMapping(ctx.store, ctx.actor.site_id, catalog, &view.default_mapping));
  view.mapping = std::move(mapping);
  GK_TRY(records, ctx.store.ListAnnualRecordRows(ctx.actor.site_id));
  view.records = std::move(records);
  GK_TRY(table, ComputeAnnualTable(view.mapping, view.records, year));
  view.table = std::move(table);
  const std::string to = year == today.year() ? today.ToString() : fmt::format("{}-12-31", year);
  GK_TRY(timeliness, LoadCompliance(ctx, catalog, fmt::format("{}-01-01", year), to));
  view.timeliness = std::move(timeliness);
  return view;
}

std::vector<XlsxSheet> AnnualReportSheets(const AnnualReportView& view, const Catalog& catalog) {
  std::vector<XlsxSheet> out;
  XlsxSheet main{"二、主动公开政府信息情况", {{"条款", "信息内容", "指标", fmt::format("{}年", view.year), "统计说明"}},
                 {18, 16, 22, 16, 60}};
  for (const auto& row : view.table.rows)
    for (const auto& cell : row.cells)
      main.rows.push_back({AnnualRowClause(row.kind), row.label, cell.label, AnnualCellText(cell), row.note});
  out.push_back(std::move(main));
  XlsxSheet notes{"统计口径", {{"项目", "说明"}}, {24, 80}};
  notes.rows.push_back({"统计年度", fmt::format("{}年1月1日至12月31日（北京时间）", view.year)});
  notes.rows.push_back({"统计口径来源", view.default_mapping ? "系统默认（data/annual-report-mapping.json）"
                                                         : "本站设置"});
  for (const auto& d : AnnualDefinitions()) notes.rows.push_back({d.term, d.text});
  out.push_back(std::move(notes));
  for (auto& sheet : ComplianceSheets(view.timeliness, catalog)) {
    if (sheet.name != "全区" && sheet.name != "领域" && sheet.name != "事项" && sheet.name != "统计口径") continue;
    sheet.name = "附-" + sheet.name;
    out.push_back(std::move(sheet));
  }
  return out;
}

}  // namespace gongkai
