// The catalogue in the seed's own table shape, for CSV and Excel:
//   一级标题, 二级标题, 公开内容, 公布平台, 责任单位, 公开时效
// followed by the columns this project adds so that a round trip loses
// nothing: 公开要素, 时限（工作日）, 公开要求, 备注. See docs/catalog-format.md.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "codec/csv.h"
#include "core/catalog.h"
#include "core/error.h"

namespace gongkai {

// Column names in export order.
const std::vector<std::string>& CatalogTableHeader();

// Header row plus one row per item, areas in order.
std::vector<std::vector<std::string>> CatalogToTable(const Catalog& catalog);

// Builds a catalogue from table rows (the first row is the header).
// `base` supplies what the table does not carry: the title, the office's
// contact and the unit register (kinds, aliases); units named in the table
// but unknown to `base` are added with kind 其他. "同上" in 公布平台, 公开时效
// and 责任单位 repeats the row above; a blank 一级标题 continues the area above.
// Errors name the line and column.
[[nodiscard]] Result<Catalog> CatalogFromTable(const std::vector<csv::Row>& rows, const Catalog& base);

// CSV, UTF-8 with BOM so that Excel opens it; CRLF line ends.
std::string CatalogToCsv(const Catalog& catalog);
[[nodiscard]] Result<Catalog> ParseCatalogCsv(std::string_view text, const Catalog& base);

// Splits a 公开内容 text into elements when a table has no 公开要素 column:
// on 、，；。 at the top level (not inside brackets), dropping a trailing 等.
std::vector<Element> SplitContentIntoElements(std::string_view content);

}  // namespace gongkai
