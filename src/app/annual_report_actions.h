// The annual report's proactive-disclosure table (年度报告 section 二) with
// this system's timeliness figures as an annex: one entry point for the
// admin page, its Excel export and `gongkai report annual`.
#pragma once

#include <string>
#include <vector>

#include "app/compliance_actions.h"
#include "app/context.h"
#include "codec/xlsx.h"
#include "core/annual_report.h"
#include "core/catalog.h"

namespace gongkai {

struct AnnualReportView {
  int year = 0;
  AnnualMapping mapping;
  bool default_mapping = true;  // the site has not configured its own
  AnnualTable table;
  std::vector<AnnualRecordRow> records;  // every published record, for drill-down
  ComplianceView timeliness;             // the annex: 1 January to 31 December (or today)
};

// The site's mapping (stored by SetAnnualMapping) or the built-in default;
// `is_default` tells which.
[[nodiscard]] Result<AnnualMapping> CurrentAnnualMapping(Store& store, std::int64_t site_id, const Catalog& catalog,
                                                         bool* is_default = nullptr);

// Replaces the site's mapping with `json` (codec/annual_mapping.h format;
// "" goes back to the default). kConfigureCompliance. Errors name the JSON
// path as the field, e.g. "rows[1].selectors[0].item".
[[nodiscard]] Status SetAnnualMapping(const Context& ctx, const Catalog& catalog, const std::string& json);

// The report for `year` as of today (kViewCompliance). `year` must not be
// after the current year (field "year").
[[nodiscard]] Result<AnnualReportView> LoadAnnualReport(const Context& ctx, const Catalog& catalog, int year);

// A cell as the report prints it: the count, or "—（需人工填报）" when unmapped.
std::string AnnualCellText(const AnnualCell& cell);

// The 年度报告 clause each row belongs to, e.g. "第二十条第（一）项".
const char* AnnualRowClause(AnnualRowKind kind);

// The workbook: 二、主动公开政府信息情况 (one line per cell, with the
// counting notes), 统计口径, then the annex sheets (附-全区, 附-事项, 附-领域,
// 附-统计口径).
[[nodiscard]] std::vector<XlsxSheet> AnnualReportSheets(const AnnualReportView& view, const Catalog& catalog);

}  // namespace gongkai
