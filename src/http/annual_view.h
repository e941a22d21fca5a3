// HTML of the annual report's section 二 table and its annex, shared by the
// admin page and `gongkai report annual --format html`.
#pragma once

#include <string>

#include "app/annual_report_actions.h"
#include "core/catalog.h"

namespace gongkai {

// The report as an HTML fragment: the table in the 国办公开办函〔2021〕30号
// layout (clauses as row groups), the notes, the counting rules and the
// timeliness annex. With `links`, every mapped number links to
// /admin/annual/records?year=&row=&measure= (its records).
std::string AnnualReportFragment(const AnnualReportView& view, const Catalog& catalog, bool links);

// A complete, printable HTML document (for the CLI): the fragment with a
// title and a minimal inline stylesheet.
std::string AnnualReportDocument(const AnnualReportView& view, const Catalog& catalog, const std::string& site_name);

}  // namespace gongkai
