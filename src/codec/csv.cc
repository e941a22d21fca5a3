#include "codec/csv.h"

#include <fmt/core.h>

#include "codec/json_util.h"

namespace gongkai::csv {

Result<std::vector<Row>> Parse(std::string_view text) {
  if (text.substr(0, kUtf8Bom.size()) == kUtf8Bom) text.remove_prefix(kUtf8Bom.size());
  if (!json_util::IsValidUtf8(text)) return Unexpected(Error::Invalid("文件不是有效的UTF-8编码"));
  std::vector<Row> rows;
  Row row;
  std::string field;
  int line = 1;
  row.line = 1;
  bool in_quotes = false;
  bool field_was_quoted = false;
  bool row_has_content = false;
  std::size_t i = 0;
  auto end_field = [&] {
    row.fields.push_back(std::move(field));
    field.clear();
    field_was_quoted = false;
  };
  auto end_row = [&] {
    end_field();
    bool blank = !row_has_content && row.fields.size() == 1 && row.fields[0].empty();
    if (!blank) rows.push_back(std::move(row));
    row = Row{};
    row_has_content = false;
  };
  while (i < text.size()) {
    char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          i += 2;
          continue;
        }
        in_quotes = false;
        ++i;
        // After a closing quote only a separator or a line end may follow.
        if (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r')
          return Unexpected(Error::Invalid("引号后应为逗号或换行", "", line));
        continue;
      }
      if (c == '\n') ++line;
      field.push_back(c);
      ++i;
      continue;
    }
    if (c == '"') {
      if (!field.empty() || field_was_quoted)
        return Unexpected(Error::Invalid("未加引号的字段中出现了引号", "", line));
      in_quotes = true;
      field_was_quoted = true;
      row_has_content = true;
      ++i;
      continue;
    }
    if (c == ',') {
      end_field();
      row_has_content = true;
      ++i;
      continue;
    }
    if (c == '\r' || c == '\n') {
      end_row();
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      ++i;
      ++line;
      row.line = line;
      continue;
    }
    field.push_back(c);
    row_has_content = true;
    ++i;
  }
  if (in_quotes) return Unexpected(Error::Invalid("引号未闭合", "", row.line));
  if (row_has_content || !field.empty() || !row.fields.empty()) end_row();
  return rows;
}

std::string Escape(std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(field);
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += "\"\"";
    else out.push_back(c);
  }
  out += '"';
  return out;
}

std::string FormatRow(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) out.push_back(',');
    out += Escape(fields[i]);
  }
  out += "\r\n";
  return out;
}

std::string SpreadsheetText(std::string_view field) {
  if (!field.empty() && std::string_view("=+-@\t\r").find(field.front()) != std::string_view::npos)
    return "'" + std::string(field);
  return std::string(field);
}

}  // namespace gongkai::csv
