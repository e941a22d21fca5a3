// RFC 4180 CSV reading and writing (UTF-8; a leading BOM is skipped).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace gongkai::csv {

struct Row {
  int line = 0;  // 1-based line on which the record starts
  std::vector<std::string> fields;
};

// Parses a whole document. Quoted fields may hold commas, quotes ("") and
// line breaks. Refuses invalid UTF-8, an unterminated quote and a quote in
// the middle of an unquoted field, naming the line. Blank lines are skipped.
[[nodiscard]] Result<std::vector<Row>> Parse(std::string_view text);

// Quotes a field when needed.
std::string Escape(std::string_view field);

// One record terminated by CRLF (as RFC 4180 and Excel expect).
std::string FormatRow(const std::vector<std::string>& fields);

// For a CSV file meant to be opened in a spreadsheet program, of text that
// others typed (CSV injection): a field that begins with = + - @ or a tab or
// carriage return gets a leading apostrophe, so Excel and WPS show it as
// text instead of evaluating it as a formula. Other fields are unchanged.
std::string SpreadsheetText(std::string_view field);

inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

}  // namespace gongkai::csv
