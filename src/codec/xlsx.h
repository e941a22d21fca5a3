// Excel workbooks: writing with libxlsxwriter, and reading the first sheet of
// a workbook back (for imports) with a small reader of the OOXML zip.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "codec/csv.h"
#include "core/error.h"

namespace gongkai {

struct XlsxSheet {
  std::string name;                            // sheet name (Chinese allowed, <= 31 chars)
  std::vector<std::vector<std::string>> rows;  // first row is the header
  std::vector<double> column_widths;           // optional, in characters
};

// Builds a workbook: every sheet has a bold, frozen header row and wrapped
// text. Returns the .xlsx file's bytes.
[[nodiscard]] Result<std::string> WriteXlsx(const std::vector<XlsxSheet>& sheets);

// Reads the first worksheet of an .xlsx file as rows of strings (shared and
// inline strings, numbers as written). Row numbers are the sheet's own
// (1-based), so errors can name them. Bounded: refuses archives whose
// uncompressed parts exceed 64 MiB or that are not a valid OOXML workbook,
// with a message in Chinese. Never throws.
[[nodiscard]] Result<std::vector<csv::Row>> ReadXlsxFirstSheet(std::string_view bytes);

}  // namespace gongkai
