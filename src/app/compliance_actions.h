// The compliance dashboard (公开工作督查): one entry point for the admin
// page, its exports and the CLI.
#pragma once

#include <string>
#include <vector>

#include "app/context.h"
#include "core/catalog.h"
#include "core/compliance.h"
#include "core/error.h"
#include "codec/xlsx.h"

namespace gongkai {

struct ComplianceView {
  ComplianceReport report;
  // The rows that matter for the period (RowMatters), for drill-down; empty
  // for the whole site's figures, which stream their rows without keeping them.
  std::vector<ComplianceRow> rows;
  std::size_t rows_read = 0;     // rows read from storage (the summaries aside)
  std::string calendar_version;  // which working-day calendar the figures use
};

// What to load besides the period.
struct ComplianceLoad {
  std::string unit;        // "" = every unit; else only that unit's rows (for its drill-down)
  bool figures = true;     // false: rows only; the report holds just the period and today
  bool with_text = false;  // rows with element and title (drill-down lists)
};

// Figures for [from, to] (YYYY-MM-DD; empty `from` = 1 January of today's
// year, empty `to` = today, Beijing time), as of today. The office and
// auditors only. Errors name the field ("from", "to") in Chinese. The whole
// site's figures (figures, no unit) read only the rows RowNeeded() keeps
// plus per (unit, item) pair a summary of the others (SummaryCutoff), and
// keep no rows; otherwise the rows that matter for the period (RowMatters)
// are kept in `rows` (a unit's only, with a unit) and the figures, if
// asked for, computed over them plus the prior publications. Either way
// the figures equal those over every row.
[[nodiscard]] Result<ComplianceView> LoadCompliance(const Context& ctx, const Catalog& catalog, const std::string& from,
                                                    const std::string& to, const ComplianceLoad& load = {});

// The public statistics (公开情况统计, API v1 /api/v1/statistics): the whole
// site's figures for [from, to], computed exactly as LoadCompliance computes
// them but readable by anyone, so the caller must show only what published
// records already reveal (PublicStatisticsJson does: publications and the
// timeliness of published records, never unpublished obligations).
[[nodiscard]] Result<ComplianceView> LoadPublicStatistics(const Context& ctx, const Catalog& catalog,
                                                          const std::string& from, const std::string& to);

// The dashboard as a workbook: one sheet per view (全区, 单位, 事项, 领域,
// 公开空白, 月度趋势, 统计口径), Chinese headers, frozen header rows.
[[nodiscard]] std::vector<XlsxSheet> ComplianceSheets(const ComplianceView& view, const Catalog& catalog);

// The same sheets as one CSV file (UTF-8 with a BOM so Excel reads it, CRLF):
// each sheet introduced by a line 【name】 and followed by an empty line.
[[nodiscard]] std::string SheetsAsCsv(const std::vector<XlsxSheet>& sheets);

}  // namespace gongkai
