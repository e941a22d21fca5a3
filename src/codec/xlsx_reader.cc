// Reading the first worksheet of an .xlsx upload.
//
// The input is hostile: the ZIP layer (codec/zip.h) checks every offset and
// length and caps sizes; the XML parts are scanned with the tolerant
// tokenizer of codec/ooxml.h (no DOM). Nothing here throws (allocation
// failure aside). Parts read: _rels/.rels, xl/workbook.xml and its rels,
// sharedStrings, the sheet.

#include <fmt/core.h>

#include <algorithm>
#include <cstdint>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/ooxml.h"
#include "codec/xlsx.h"
#include "codec/zip.h"

namespace gongkai {
namespace {

using ooxml::DirOf;
using ooxml::ReadRelationshipsOf;
using ooxml::ReadXmlPart;
using ooxml::RawAttr;
using ooxml::ResolveTarget;
using ooxml::TrimXmlSpace;
using ooxml::TypeIs;
using ooxml::XmlReader;
using ooxml::XmlText;
using ooxml::XmlToken;

// ---- limits -----------------------------------------------------------------

constexpr std::uint64_t kMaxUncompressedTotal = 64ull << 20;  // all entries, as declared
constexpr std::size_t kMaxEntries = 10'000;
constexpr std::size_t kMaxSharedStrings = 2'000'000;
constexpr std::size_t kMaxCells = 2'000'000;            // including gap-filling empty cells
constexpr std::size_t kMaxOutputBytes = 64ull << 20;    // text of all cells
constexpr long kMaxRow = 1'048'576;                     // Excel's own limits
constexpr long kMaxColumns = 16'384;

Error NotXlsx() { return Error::Invalid("不是有效的Excel文件（.xlsx）"); }
Error Corrupt(std::string_view detail) {
  return Error::Invalid(fmt::format("Excel文件已损坏：{}", detail));
}
Error TooLarge(std::string_view detail) {
  return Error::Invalid(fmt::format("Excel文件过大：{}", detail));
}
Error BadXml(std::string_view what) { return Corrupt(fmt::format("{}的XML格式错误", what)); }

Result<ZipArchive> OpenWorkbookZip(std::string_view bytes) {
  if (bytes.starts_with(std::string_view("\xD0\xCF\x11\xE0", 4)))
    return Unexpected(Error::Invalid(
        "不支持旧版Excel文件（.xls）或设置了密码的Excel文件，请另存为不加密的.xlsx文件后再导入"));
  ZipWording wording;
  wording.noun = "Excel文件";
  wording.not_archive = "不是有效的Excel文件（.xlsx）";
  wording.resave_advice = "请用Excel另存为后再导入";
  wording.unlock_advice = "请取消密码后再导入";
  return ZipArchive::Open(bytes, ZipLimits{kMaxUncompressedTotal, kMaxEntries}, wording);
}

// ---- workbook, shared strings, worksheet ------------------------------------------

// r:id of the first <sheet> in the workbook, if any.
Result<std::optional<std::string>> FirstSheetRelId(std::string_view xml) {
  XmlReader reader(xml);
  XmlToken t;
  for (;;) {
    if (!reader.Next(t)) return Unexpected(BadXml("工作簿"));
    if (t.kind == XmlToken::Kind::kEof) return std::optional<std::string>{};
    if (t.kind == XmlToken::Kind::kStart && t.name == "sheet") {
      if (auto id = RawAttr(t.attrs, "id")) return std::optional<std::string>(XmlText(*id));
      return std::optional<std::string>{};
    }
  }
}

Result<std::vector<std::string>> ParseSharedStrings(std::string_view xml) {
  std::vector<std::string> strings;
  XmlReader reader(xml);
  XmlToken t;
  bool in_si = false;
  int rph_depth = 0;  // phonetic runs (<rPh>) are not part of the text
  bool in_t = false;
  std::string current;
  std::size_t total_bytes = 0;
  for (;;) {
    if (!reader.Next(t)) return Unexpected(BadXml("共享字符串表"));
    if (t.kind == XmlToken::Kind::kEof) break;
    if (t.kind == XmlToken::Kind::kStart) {
      if (t.name == "si") {
        current.clear();
        rph_depth = 0;
        in_t = false;
        in_si = !t.self_closing;
        if (t.self_closing) {
          if (strings.size() >= kMaxSharedStrings)
            return Unexpected(TooLarge("共享字符串过多"));
          strings.emplace_back();
        }
      } else if (in_si && t.name == "rPh" && !t.self_closing) {
        ++rph_depth;
      } else if (in_si && t.name == "t" && !t.self_closing && rph_depth == 0) {
        in_t = true;
      }
    } else if (t.kind == XmlToken::Kind::kEnd) {
      if (t.name == "t") {
        in_t = false;
      } else if (t.name == "rPh") {
        if (rph_depth > 0) --rph_depth;
      } else if (t.name == "si" && in_si) {
        in_si = false;
        in_t = false;
        if (strings.size() >= kMaxSharedStrings) return Unexpected(TooLarge("共享字符串过多"));
        strings.push_back(ooxml::DecodeExcelEscapes(current));
        total_bytes += strings.back().size();
        if (total_bytes > kMaxOutputBytes) return Unexpected(TooLarge("共享字符串过多"));
      }
    } else if (t.kind == XmlToken::Kind::kText && in_t) {
      ooxml::AppendXmlText(current, t.text, t.cdata);
    }
  }
  return strings;
}

// "B3" -> 1 (0-based column); nullopt if there are no letters or too many.
std::optional<long> ColumnOf(std::string_view ref) {
  long col = 0;
  std::size_t i = 0;
  for (; i < ref.size(); ++i) {
    char c = ref[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c < 'A' || c > 'Z') break;
    col = col * 26 + (c - 'A' + 1);
    if (col > kMaxColumns) return std::nullopt;
  }
  if (i == 0) return std::nullopt;
  return col - 1;
}

std::optional<long> ParseIndex(std::string_view s, long max) {
  s = TrimXmlSpace(s);
  if (s.empty()) return std::nullopt;
  long v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
    if (v > max) return std::nullopt;
  }
  return v;
}

class SheetParser {
 public:
  explicit SheetParser(const std::vector<std::string>& shared) : shared_(shared) {}

  Result<std::vector<csv::Row>> Parse(std::string_view xml) {
    XmlReader reader(xml);
    XmlToken t;
    for (;;) {
      if (!reader.Next(t)) return Unexpected(BadXml("工作表"));
      if (t.kind == XmlToken::Kind::kEof) break;
      if (t.kind == XmlToken::Kind::kStart) {
        GK_CHECK(OnStart(t));
      } else if (t.kind == XmlToken::Kind::kEnd) {
        GK_CHECK(OnEnd(t.name));
      } else if (in_cell_) {
        if (in_v_) ooxml::AppendXmlText(value_, t.text, t.cdata);
        else if (in_is_t_) ooxml::AppendXmlText(inline_, t.text, t.cdata);
      }
    }
    if (in_row_) FinishRow();  // tolerate a truncated sheet
    return std::move(rows_);
  }

 private:
  Status OnStart(const XmlToken& t) {
    if (t.name == "sheetData") {
      in_sheet_data_ = !t.self_closing;
    } else if (!in_sheet_data_) {
      return Ok();
    } else if (t.name == "row") {
      if (in_row_) FinishRow();
      long number = last_row_ + 1;
      if (auto r = RawAttr(t.attrs, "r")) {
        auto parsed = ParseIndex(XmlText(*r), kMaxRow);
        if (!parsed || *parsed < 1) return Unexpected(Corrupt("行号无效"));
        number = *parsed;
      }
      if (number > kMaxRow) return Unexpected(Corrupt("行号超出范围"));
      row_ = csv::Row{static_cast<int>(number), {}};
      last_row_ = number;
      next_col_ = 0;
      in_row_ = !t.self_closing;
    } else if (t.name == "c" && in_row_) {
      long col = next_col_;
      if (auto r = RawAttr(t.attrs, "r")) {
        auto parsed = ColumnOf(XmlText(*r));
        if (!parsed)
          return Unexpected(Error::Invalid("Excel文件已损坏：单元格位置无效", {}, row_.line));
        col = *parsed;
      }
      if (col >= kMaxColumns)
        return Unexpected(Error::Invalid("Excel文件已损坏：列数超出范围", {}, row_.line));
      col_ = col;
      next_col_ = col + 1;
      // (Not `type_ = "n"`: g++ 12 then warns falsely about memcpy overlap, -Wrestrict.)
      type_ = std::string(1, 'n');
      if (auto ty = RawAttr(t.attrs, "t")) type_ = XmlText(*ty);
      value_.clear();
      inline_.clear();
      in_v_ = in_is_ = in_is_t_ = in_is_seen_ = false;
      rph_depth_ = 0;
      in_cell_ = !t.self_closing;
    } else if (in_cell_) {
      if (t.self_closing) return Ok();
      if (t.name == "v") in_v_ = true;
      else if (t.name == "is") in_is_ = in_is_seen_ = true;
      else if (t.name == "rPh") ++rph_depth_;
      else if (t.name == "t" && in_is_ && rph_depth_ == 0) in_is_t_ = true;
    }
    return Ok();
  }

  Status OnEnd(std::string_view name) {
    if (name == "sheetData") {
      if (in_row_) FinishRow();
      in_sheet_data_ = false;
    } else if (!in_sheet_data_) {
      return Ok();
    } else if (name == "row") {
      if (in_row_) FinishRow();
    } else if (name == "c" && in_cell_) {
      in_cell_ = false;
      GK_TRY(value, CellValue());
      if (!value.empty()) {
        std::size_t col = static_cast<std::size_t>(col_);
        if (col >= row_.fields.size()) {
          if (cells_ + col + 1 > kMaxCells)
            return Unexpected(TooLarge(fmt::format("单元格超过{}个", kMaxCells)));
          row_.fields.resize(col + 1);
        }
        output_bytes_ += value.size();
        if (output_bytes_ > kMaxOutputBytes)
          return Unexpected(TooLarge("表格内容超过64 MiB"));
        row_.fields[col] = std::move(value);
      }
    } else if (in_cell_) {
      if (name == "v") in_v_ = false;
      else if (name == "is") in_is_ = in_is_t_ = false;
      else if (name == "t") in_is_t_ = false;
      else if (name == "rPh" && rph_depth_ > 0) --rph_depth_;
    }
    return Ok();
  }

  Result<std::string> CellValue() {
    if (type_ == "s") {
      auto index = ParseIndex(value_, static_cast<long>(shared_.size()));
      if (!index || static_cast<std::size_t>(*index) >= shared_.size())
        return Unexpected(
            Error::Invalid("Excel文件已损坏：单元格引用的共享字符串不存在", {}, row_.line));
      return shared_[static_cast<std::size_t>(*index)];
    }
    if (type_ == "inlineStr") return ooxml::DecodeExcelEscapes(in_is_seen_ ? inline_ : value_);
    if (type_ == "str") return ooxml::DecodeExcelEscapes(value_);
    if (type_ == "b") {
      std::string_view v = TrimXmlSpace(value_);
      if (v == "1") return std::string("TRUE");
      if (v == "0") return std::string("FALSE");
    }
    return std::move(value_);  // numbers ("n"), errors ("e"), ISO dates ("d") as written
  }

  void FinishRow() {
    in_row_ = false;
    in_cell_ = false;
    while (!row_.fields.empty() && row_.fields.back().empty()) row_.fields.pop_back();
    if (row_.fields.empty()) return;
    cells_ += row_.fields.size();
    rows_.push_back(std::move(row_));
    row_ = csv::Row{};
  }

  const std::vector<std::string>& shared_;
  std::vector<csv::Row> rows_;
  csv::Row row_;
  bool in_sheet_data_ = false;
  bool in_row_ = false;
  bool in_cell_ = false;
  bool in_v_ = false;
  bool in_is_ = false;
  bool in_is_t_ = false;
  bool in_is_seen_ = false;  // an <is> was present (else a lenient writer used <v>)
  int rph_depth_ = 0;
  long last_row_ = 0;
  long next_col_ = 0;
  long col_ = 0;
  std::string type_;
  std::string value_;
  std::string inline_;
  std::size_t cells_ = 0;
  std::size_t output_bytes_ = 0;
};

Result<std::vector<csv::Row>> ReadFirstSheet(std::string_view bytes) {
  GK_TRY(zip, OpenWorkbookZip(bytes));

  // The workbook part: from the package relationships, else the usual name.
  std::string workbook_path = "xl/workbook.xml";
  GK_TRY(package_rels, ReadRelationshipsOf(zip, ""));
  for (const auto& rel : package_rels) {
    if (!TypeIs(rel, "/officeDocument")) continue;
    auto path = ResolveTarget("", rel.target);
    if (path && zip.Find(*path)) workbook_path = *path;
    break;
  }
  const ZipEntry* workbook = zip.Find(workbook_path);

  std::optional<std::string> sheet_path;
  std::optional<std::string> shared_path;
  if (workbook) {
    GK_TRY(workbook_xml, ReadXmlPart(zip, *workbook, "工作簿"));
    GK_TRY(rel_id, FirstSheetRelId(workbook_xml));
    GK_TRY(rels, ReadRelationshipsOf(zip, workbook_path));
    std::string_view dir = DirOf(workbook_path);
    for (const auto& rel : rels) {
      if (rel_id && rel.id == *rel_id && !rel.external && !sheet_path)
        sheet_path = ResolveTarget(dir, rel.target);
      if (TypeIs(rel, "/sharedStrings") && !shared_path) shared_path = ResolveTarget(dir, rel.target);
    }
  }
  const ZipEntry* sheet = sheet_path ? zip.Find(*sheet_path) : nullptr;
  if (!sheet) sheet = zip.Find("xl/worksheets/sheet1.xml");
  if (!sheet) {
    if (!workbook) return Unexpected(NotXlsx());
    return Unexpected(Error::Invalid("Excel文件中没有工作表"));
  }

  std::vector<std::string> shared;
  const ZipEntry* shared_entry = shared_path ? zip.Find(*shared_path) : nullptr;
  if (!shared_entry) shared_entry = zip.Find("xl/sharedStrings.xml");
  if (shared_entry) {
    GK_TRY(shared_xml, ReadXmlPart(zip, *shared_entry, "共享字符串表"));
    GK_TRY(parsed, ParseSharedStrings(shared_xml));
    shared = std::move(parsed);
  }

  GK_TRY(sheet_xml, ReadXmlPart(zip, *sheet, "工作表"));
  SheetParser parser(shared);
  return parser.Parse(sheet_xml);
}

}  // namespace

Result<std::vector<csv::Row>> ReadXlsxFirstSheet(std::string_view bytes) {
  try {
    return ReadFirstSheet(bytes);
  } catch (const std::bad_alloc&) {  // the caps keep this unlikely; still never throw
    return Unexpected(TooLarge("内存不足，无法读取"));
  }
}

}  // namespace gongkai
