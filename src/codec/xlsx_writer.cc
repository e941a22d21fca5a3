#include <fmt/core.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "codec/xlsx.h"

namespace gongkai {

Result<std::string> WriteXlsx(const std::vector<XlsxSheet>& sheets) {
  char path[] = "/tmp/gongkai-xlsx-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return Unexpected(Error::Internal("无法创建临时文件"));
  close(fd);
  struct Cleanup {
    const char* p;
    ~Cleanup() { std::remove(p); }
  } cleanup{path};

  lxw_workbook* wb = workbook_new(path);
  if (!wb) return Unexpected(Error::Internal("无法创建Excel工作簿"));
  lxw_format* header = workbook_add_format(wb);
  format_set_bold(header);
  format_set_text_wrap(header);
  format_set_bg_color(header, 0xDDE6F0);
  format_set_border(header, LXW_BORDER_THIN);
  lxw_format* body = workbook_add_format(wb);
  format_set_text_wrap(body);
  format_set_align(body, LXW_ALIGN_VERTICAL_TOP);
  format_set_border(body, LXW_BORDER_THIN);

  for (const auto& sheet : sheets) {
    lxw_worksheet* ws = workbook_add_worksheet(wb, sheet.name.c_str());
    if (!ws) {
      workbook_close(wb);
      return Unexpected(Error::Internal(fmt::format("无法创建工作表“{}”", sheet.name)));
    }
    for (std::size_t c = 0; c < sheet.column_widths.size(); ++c)
      worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), sheet.column_widths[c], nullptr);
    for (std::size_t r = 0; r < sheet.rows.size(); ++r) {
      for (std::size_t c = 0; c < sheet.rows[r].size(); ++c) {
        worksheet_write_string(ws, static_cast<lxw_row_t>(r), static_cast<lxw_col_t>(c), sheet.rows[r][c].c_str(),
                               r == 0 ? header : body);
      }
    }
    worksheet_freeze_panes(ws, 1, 0);
  }
  lxw_error err = workbook_close(wb);
  if (err != LXW_NO_ERROR)
    return Unexpected(Error::Internal(fmt::format("写入Excel失败：{}", lxw_strerror(err))));
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace gongkai
