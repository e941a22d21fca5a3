// The annual report mapping file (年度报告统计口径, src/core/annual_report.h):
// which published records feed which row of section 二.
//   {"version": 1,
//    "rows": [{"row": "licensing", "note": "…",
//              "selectors": [{"item": 2}, {"item": 11, "element": "审批结果信息"},
//                            {"genre": "…"}, {"unit": "区环保局"}]}, ...]}
// "version" and "rows" are required; in a row "row" is required, "note" and
// "selectors" are optional (no selectors = the row is filled by hand). A
// selector has at least one of "item" (a catalogue item number), "element"
// (an element of that item, or of any item when "item" is absent), "genre"
// (free text, as typed on records) and "unit" (a unit of the catalogue; an
// alias is stored as the unit's name). Unknown keys, unknown or repeated row
// ids, names not in the catalogue, selectors on "fees" (the system stores no
// amounts), empty strings and wrong types are refused with Error::Invalid
// whose field is the JSON path ("rows[1].selectors[0].item") and whose
// message is Chinese; syntax errors give the line and column. Never throws.
#pragma once

#include <string>
#include <string_view>

#include "core/annual_report.h"
#include "core/catalog.h"
#include "core/error.h"

namespace gongkai {

// Parses and validates a mapping against `catalog`. The result lists all six
// row kinds in AllAnnualRowKinds() order; a kind missing from the file comes
// back with no selectors and an empty note (not mapped).
[[nodiscard]] Result<AnnualMapping> ParseAnnualMapping(std::string_view json, const Catalog& catalog);

// Serialises a mapping (2-space indent, UTF-8, rows in the order given,
// selector fields left out when empty). For every m that ParseAnnualMapping
// returns, ParseAnnualMapping(AnnualMappingToJson(m), same catalog) == m.
std::string AnnualMappingToJson(const AnnualMapping& mapping);

// The default mapping, data/annual-report-mapping.json embedded in the
// binary, checked against `catalog`. Error::Internal if the file is missing;
// Error::Invalid (field = JSON path) if it does not fit `catalog`, e.g. after
// an element it names was renamed.
[[nodiscard]] Result<AnnualMapping> DefaultAnnualMapping(const Catalog& catalog);

}  // namespace gongkai
