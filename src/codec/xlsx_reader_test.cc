#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "codec/xlsx.h"

namespace gongkai {
namespace {

using Rows = std::vector<std::vector<std::string>>;

std::string MakeWorkbook(const std::vector<XlsxSheet>& sheets) {
  auto bytes = WriteXlsx(sheets);
  EXPECT_TRUE(bytes.has_value()) << (bytes ? "" : bytes.error().message);
  return bytes ? *bytes : std::string{};
}

// The rows as (line, fields) pairs, for readable failure output.
std::vector<std::pair<int, std::vector<std::string>>> Flatten(const std::vector<csv::Row>& rows) {
  std::vector<std::pair<int, std::vector<std::string>>> out;
  for (const auto& row : rows) out.emplace_back(row.line, row.fields);
  return out;
}

// ---- a tiny ZIP writer for hand-made archives ------------------------------------

struct ZipPart {
  std::string name;
  std::string data;
  std::uint16_t method = 8;  // 0 stored, 8 deflate, anything else written as is
  std::uint16_t flags = 0;
};

void Put16(std::string& out, std::uint32_t v) {
  out += static_cast<char>(v & 0xFF);
  out += static_cast<char>((v >> 8) & 0xFF);
}
void Put32(std::string& out, std::uint32_t v) {
  Put16(out, v & 0xFFFF);
  Put16(out, v >> 16);
}

std::string RawDeflate(const std::string& in) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, static_cast<uLong>(in.size())), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

struct ZipOptions {
  std::uint32_t declared_size_override = 0;  // nonzero: lie about the uncompressed sizes
  bool bad_crc = false;
  std::uint16_t eocd_entries_override = 0;   // nonzero: EOCD entry counts
  std::uint32_t eocd_offset_override = 0;    // nonzero: EOCD central directory offset
};

std::string MakeZip(const std::vector<ZipPart>& parts, const ZipOptions& options = {}) {
  std::string out;
  std::string central;
  for (const auto& part : parts) {
    std::string body = part.method == 8 ? RawDeflate(part.data) : part.data;
    std::uint32_t crc = static_cast<std::uint32_t>(
        crc32(0L, reinterpret_cast<const Bytef*>(part.data.data()), static_cast<uInt>(part.data.size())));
    if (options.bad_crc) crc ^= 1;
    std::uint32_t size = options.declared_size_override ? options.declared_size_override
                                                        : static_cast<std::uint32_t>(part.data.size());
    auto offset = static_cast<std::uint32_t>(out.size());
    Put32(out, 0x04034b50);
    Put16(out, 20);
    Put16(out, part.flags);
    Put16(out, part.method);
    Put16(out, 0);
    Put16(out, 0);
    Put32(out, crc);
    Put32(out, static_cast<std::uint32_t>(body.size()));
    Put32(out, size);
    Put16(out, static_cast<std::uint32_t>(part.name.size()));
    Put16(out, 0);
    out += part.name;
    out += body;

    Put32(central, 0x02014b50);
    Put16(central, 20);
    Put16(central, 20);
    Put16(central, part.flags);
    Put16(central, part.method);
    Put16(central, 0);
    Put16(central, 0);
    Put32(central, crc);
    Put32(central, static_cast<std::uint32_t>(body.size()));
    Put32(central, size);
    Put16(central, static_cast<std::uint32_t>(part.name.size()));
    Put16(central, 0);
    Put16(central, 0);
    Put16(central, 0);
    Put16(central, 0);
    Put32(central, 0);
    Put32(central, offset);
    central += part.name;
  }
  auto cd_offset = static_cast<std::uint32_t>(out.size());
  out += central;
  std::uint16_t count = options.eocd_entries_override ? options.eocd_entries_override
                                                      : static_cast<std::uint16_t>(parts.size());
  Put32(out, 0x06054b50);
  Put16(out, 0);
  Put16(out, 0);
  Put16(out, count);
  Put16(out, count);
  Put32(out, static_cast<std::uint32_t>(central.size()));
  Put32(out, options.eocd_offset_override ? options.eocd_offset_override : cd_offset);
  Put16(out, 0);
  return out;
}

constexpr const char* kWorkbookXml =
    R"(<?xml version="1.0" encoding="UTF-8"?>)"
    R"(<x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" )"
    R"(xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">)"
    R"(<x:sheets><x:sheet name="数据" sheetId="7" r:id="rIdA"/><x:sheet name="其他" sheetId="1" r:id="rIdB"/>)"
    R"(</x:sheets></x:workbook>)";
constexpr const char* kWorkbookRels =
    R"(<?xml version="1.0" encoding="UTF-8"?>)"
    R"(<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)"
    R"(<Relationship Id="rIdB" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>)"
    R"(<Relationship Id="rIdA" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/data.xml"/>)"
    R"(<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="./strings/../sst.xml"/>)"
    R"(</Relationships>)";

// ---- round trips through WriteXlsx -------------------------------------------------

TEST(XlsxReaderTest, RoundTripKeepsTextExactly) {
  Rows rows = {
      {"标题", "文号", "备注"},
      {"关于印发《政府信息公开目录》的通知", "国办发〔2024〕1号", "逗号,分号;冒号：句号。"},
      {"引号\"双\"与'单'", "换行\n第二行", "回车换行\r\n结束"},
      {"<标签>&amp;\"'", "  前后空格  ", "制表\t符"},
      {"中间", "", "空单元格"},
      {"", "", ""},  // an empty row: skipped
      {"", "只有第二列"},
      {"末尾空", "", ""},  // trailing empty cells trimmed
      {"😀 表情", "ĀĒĪ", "１２３"},
  };
  std::string bytes = MakeWorkbook({XlsxSheet{"信息公开目录", rows, {}}});
  auto result = ReadXlsxFirstSheet(bytes);
  ASSERT_TRUE(result.has_value()) << result.error().message;

  std::vector<std::pair<int, std::vector<std::string>>> expected = {
      {1, {"标题", "文号", "备注"}},
      {2, {"关于印发《政府信息公开目录》的通知", "国办发〔2024〕1号", "逗号,分号;冒号：句号。"}},
      {3, {"引号\"双\"与'单'", "换行\n第二行", "回车换行\r\n结束"}},
      {4, {"<标签>&amp;\"'", "  前后空格  ", "制表\t符"}},
      {5, {"中间", "", "空单元格"}},
      {7, {"", "只有第二列"}},
      {8, {"末尾空"}},
      {9, {"😀 表情", "ĀĒĪ", "１２３"}},
  };
  EXPECT_EQ(Flatten(*result), expected);
}

TEST(XlsxReaderTest, ReadsOnlyTheFirstSheet) {
  std::string bytes = MakeWorkbook({
      XlsxSheet{"第一页", {{"甲", "乙"}, {"1", "2"}}, {10, 20}},
      XlsxSheet{"第二页", {{"丙"}, {"不应读取"}}, {}},
      XlsxSheet{"第三页", {{"丁"}}, {}},
  });
  auto result = ReadXlsxFirstSheet(bytes);
  ASSERT_TRUE(result.has_value()) << result.error().message;
  std::vector<std::pair<int, std::vector<std::string>>> expected = {{1, {"甲", "乙"}}, {2, {"1", "2"}}};
  EXPECT_EQ(Flatten(*result), expected);
}

TEST(XlsxReaderTest, WideAndLongSheet) {
  Rows rows;
  for (int r = 0; r < 300; ++r) {
    std::vector<std::string> row;
    for (int c = 0; c < 30; ++c) row.push_back("第" + std::to_string(r) + "行第" + std::to_string(c) + "列");
    rows.push_back(std::move(row));
  }
  auto result = ReadXlsxFirstSheet(MakeWorkbook({XlsxSheet{"大表", rows, {}}}));
  ASSERT_TRUE(result.has_value()) << result.error().message;
  ASSERT_EQ(result->size(), rows.size());
  for (std::size_t r = 0; r < rows.size(); ++r) {
    EXPECT_EQ((*result)[r].line, static_cast<int>(r) + 1);
    EXPECT_EQ((*result)[r].fields, rows[r]);
  }
}

TEST(XlsxReaderTest, SheetWithOnlyEmptyCellsGivesNoRows) {
  auto result = ReadXlsxFirstSheet(MakeWorkbook({XlsxSheet{"空", {{"", ""}, {""}}, {}}}));
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_TRUE(result->empty());
}

// ---- hand-made archives ------------------------------------------------------------

TEST(XlsxReaderTest, HandMadeWorkbookWithAllCellKinds) {
  const std::string sst =
      R"(<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4" uniqueCount="4">)"
      R"(<si><t>普通</t></si>)"
      R"(<si><r><rPr><b/></rPr><t>富</t></r><r><t xml:space="preserve"> 文本</t></r><rPh sb="0" eb="1"><t>フ</t></rPh></si>)"
      R"(<si><t>&#x4E2D;&#25991;&lt;&gt;&amp;&quot;&apos;&bogus;&#xD800;_x000D__x005F_x0041_</t></si>)"
      R"(<si/>)"
      R"(<si><t><![CDATA[<原样>&amp;]]></t></si>)"
      R"(</sst>)";
  const std::string sheet =
      R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
      R"(<!DOCTYPE worksheet [ <!ENTITY x "y"> ]>)"
      R"(<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:D9"/>)"
      R"(<sheetData>)"
      R"(<row r="2"><c r="A2" t="s"><v>0</v></c><c r="C2" t="s"><v> 1 </v></c></row>)"
      R"(<!-- a comment <row r="3"><c r="A3"><v>9</v></c></row> -->)"
      R"(<row r="4"><c r="B4" t="inlineStr"><is><t>内联</t><r><t>字符串</t></r></is></c>)"
      R"(<c r="C4" t="str"><f>A1&amp;"x"</f><v>公式结果</v></c><c r="d4" t="b"><v>1</v></c><c r="E4" t="b"><v>0</v></c></row>)"
      R"(<row r="5"><c r="A5"><v>3.14</v></c><c r="B5" t="n"><v>-2E-3</v></c><c r="C5" t="e"><v>#N/A</v></c>)"
      R"(<c r="D5" t="s"><v>2</v></c></row>)"
      R"(<row r="6"><c t="s"><v>3</v></c><c><v>无引用</v></c><c/><c><v>第四列</v></c></row>)"
      R"(<row r="7"/>)"
      R"(<row r="8" spans="1:3"><c r="A8" s="1"/><c r="B8"/></row>)"
      R"(<row><c r="AA9" t="s"><v>4</v></c></row>)"
      R"(</sheetData><mergeCells count="0"/></worksheet>)";
  std::string bytes = MakeZip({
      {"[Content_Types].xml", "<Types/>", 0},
      {"xl/workbook.xml", kWorkbookXml, 0},
      {"xl/_rels/workbook.xml.rels", kWorkbookRels, 8},
      {"xl/sst.xml", sst, 8},
      {"xl/worksheets/sheet1.xml", "<worksheet><sheetData><row r=\"1\"><c><v>错</v></c></row></sheetData></worksheet>", 8},
      {"xl/worksheets/data.xml", sheet, 8},
  });
  auto result = ReadXlsxFirstSheet(bytes);
  ASSERT_TRUE(result.has_value()) << result.error().message;
  std::vector<std::string> row9(27);
  row9[26] = "<原样>&amp;";
  std::vector<std::pair<int, std::vector<std::string>>> expected = {
      {2, {"普通", "", "富 文本"}},
      {4, {"", "内联字符串", "公式结果", "TRUE", "FALSE"}},
      {5, {"3.14", "-2E-3", "#N/A", "中文<>&\"'&bogus;\xEF\xBF\xBD\r_x0041_"}},
      {6, {"", "无引用", "", "第四列"}},
      {9, row9},
  };
  EXPECT_EQ(Flatten(*result), expected);
}

TEST(XlsxReaderTest, FallsBackToSheet1WithoutWorkbook) {
  std::string bytes = MakeZip({{"xl/worksheets/sheet1.xml",
                                "<worksheet><sheetData><row r=\"3\"><c r=\"B3\" t=\"inlineStr\"><is><t>备用</t></is></c>"
                                "</row></sheetData></worksheet>",
                                8}});
  auto result = ReadXlsxFirstSheet(bytes);
  ASSERT_TRUE(result.has_value()) << result.error().message;
  std::vector<std::pair<int, std::vector<std::string>>> expected = {{3, {"", "备用"}}};
  EXPECT_EQ(Flatten(*result), expected);
}

TEST(XlsxReaderTest, PartNamesAreCaseInsensitive) {
  std::string bytes = MakeZip({{"XL/Worksheets/Sheet1.XML",
                                "<worksheet><sheetData><row r=\"1\"><c><v>7</v></c></row></sheetData></worksheet>", 0}});
  auto result = ReadXlsxFirstSheet(bytes);
  ASSERT_TRUE(result.has_value()) << result.error().message;
  ASSERT_EQ(result->size(), 1u);
  EXPECT_EQ((*result)[0].fields, std::vector<std::string>{"7"});
}

TEST(XlsxReaderTest, InlineStringInValueElementIsTolerated) {
  std::string bytes = MakeZip({{"xl/worksheets/sheet1.xml",
                                "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><v>宽松&amp;写法</v></c>"
                                "<c r=\"B1\" t=\"inlineStr\"><is/></c></row></sheetData></worksheet>",
                                8}});
  auto result = ReadXlsxFirstSheet(bytes);
  ASSERT_TRUE(result.has_value()) << result.error().message;
  std::vector<std::pair<int, std::vector<std::string>>> expected = {{1, {"宽松&写法"}}};
  EXPECT_EQ(Flatten(*result), expected);
}

// ---- refusals ----------------------------------------------------------------------

void ExpectInvalid(std::string_view bytes, std::string_view message_part) {
  auto result = ReadXlsxFirstSheet(bytes);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kInvalidInput);
  EXPECT_NE(result.error().message.find(message_part), std::string::npos) << result.error().message;
}

TEST(XlsxReaderTest, EmptyInputIsNotAWorkbook) {
  ExpectInvalid("", "不是有效的Excel文件（.xlsx）");
  ExpectInvalid("PK", "不是有效的Excel文件（.xlsx）");
  ExpectInvalid("标题,文号\n甲,乙\n", "不是有效的Excel文件（.xlsx）");
}

TEST(XlsxReaderTest, RandomBytesAreRefused) {
  std::mt19937 rng(20240601);
  for (int i = 0; i < 2000; ++i) {
    std::string bytes(rng() % 600, '\0');
    for (auto& c : bytes) c = static_cast<char>(rng());
    if (i % 3 == 0) bytes.replace(0, std::min<std::size_t>(bytes.size(), 2), "PK");
    auto result = ReadXlsxFirstSheet(bytes);
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().code, ErrorCode::kInvalidInput);
  }
}

TEST(XlsxReaderTest, EveryPrefixOfAWorkbookIsHandled) {
  std::string bytes = MakeWorkbook({XlsxSheet{"表", {{"标题", "日期"}, {"甲", "2024-01-01"}}, {}}});
  ASSERT_FALSE(bytes.empty());
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    auto result = ReadXlsxFirstSheet(std::string_view(bytes).substr(0, n));
    if (!result) {
      EXPECT_EQ(result.error().code, ErrorCode::kInvalidInput) << n;
      EXPECT_FALSE(result.error().message.empty()) << n;
    }
  }
  auto full = ReadXlsxFirstSheet(bytes);
  ASSERT_TRUE(full.has_value()) << full.error().message;
  EXPECT_EQ(full->size(), 2u);
}

TEST(XlsxReaderTest, EveryCorruptedByteIsHandled) {
  std::string bytes = MakeWorkbook({XlsxSheet{"表", {{"标题"}, {"甲"}}, {}}});
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    for (unsigned char flip : {0x01u, 0x80u, 0xFFu}) {
      std::string copy = bytes;
      copy[i] = static_cast<char>(static_cast<unsigned char>(copy[i]) ^ flip);
      auto result = ReadXlsxFirstSheet(copy);
      if (!result) {
        EXPECT_EQ(result.error().code, ErrorCode::kInvalidInput) << i;
      }
    }
  }
}

TEST(XlsxReaderTest, ZipWithoutWorkbookPartsIsRefused) {
  ExpectInvalid(MakeZip({{"readme.txt", "你好", 8}, {"docs/a.xml", "<a/>", 0}}), "不是有效的Excel文件（.xlsx）");
  ExpectInvalid(MakeZip({}), "不是有效的Excel文件（.xlsx）");
}

TEST(XlsxReaderTest, WorkbookWithoutSheetsIsRefused) {
  ExpectInvalid(MakeZip({{"xl/workbook.xml", "<workbook><sheets/></workbook>", 8}}), "没有工作表");
}

TEST(XlsxReaderTest, UnsupportedCompressionMethodIsRefused) {
  ExpectInvalid(MakeZip({{"xl/workbook.xml", kWorkbookXml, 12}}), "不支持的压缩方式（12）");
  ExpectInvalid(MakeZip({{"xl/worksheets/sheet1.xml", "<worksheet/>", 14}}), "不支持的压缩方式（14）");
}

TEST(XlsxReaderTest, EncryptedEntriesAreRefused) {
  ExpectInvalid(MakeZip({{"xl/workbook.xml", kWorkbookXml, 0, 0x0001}}), "加密");
}

TEST(XlsxReaderTest, Zip64IsRefused) {
  ZipOptions options;
  options.eocd_offset_override = 0xFFFFFFFFu;
  ExpectInvalid(MakeZip({{"xl/workbook.xml", kWorkbookXml, 8}}, options), "ZIP64");
  ZipOptions sizes;
  sizes.declared_size_override = 0xFFFFFFFFu;
  ExpectInvalid(MakeZip({{"xl/workbook.xml", kWorkbookXml, 8}}, sizes), "ZIP64");
}

TEST(XlsxReaderTest, OldExcelFormatIsRefused) {
  std::string ole("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
  ole.resize(4096, '\0');
  ExpectInvalid(ole, ".xls");
}

TEST(XlsxReaderTest, OversizedArchivesAreRefused) {
  ZipOptions lie;
  lie.declared_size_override = 65u << 20;  // declared larger than the 64 MiB cap
  ExpectInvalid(MakeZip({{"xl/worksheets/sheet1.xml", "<worksheet/>", 8}}, lie), "Excel文件过大");

  std::vector<ZipPart> many;
  for (int i = 0; i < 10'001; ++i) many.push_back({"f" + std::to_string(i), "", 0});
  ExpectInvalid(MakeZip(many), "Excel文件过大");

  // A real bomb: 64 MiB + 1 of zeros declared honestly.
  std::string zeros((64u << 20) + 1, '0');
  ExpectInvalid(MakeZip({{"xl/worksheets/sheet1.xml", zeros, 8}}), "Excel文件过大");
}

TEST(XlsxReaderTest, LyingSizesAndChecksumsAreRefused) {
  std::string sheet = "<worksheet><sheetData><row r=\"1\"><c><v>1</v></c></row></sheetData></worksheet>";
  ZipOptions smaller;
  smaller.declared_size_override = 10;
  ExpectInvalid(MakeZip({{"xl/worksheets/sheet1.xml", sheet, 8}}, smaller), "Excel文件已损坏");
  ZipOptions larger;
  larger.declared_size_override = static_cast<std::uint32_t>(sheet.size() + 1);
  ExpectInvalid(MakeZip({{"xl/worksheets/sheet1.xml", sheet, 8}}, larger), "Excel文件已损坏");
  ZipOptions crc;
  crc.bad_crc = true;
  ExpectInvalid(MakeZip({{"xl/worksheets/sheet1.xml", sheet, 8}}, crc), "校验和");
  ZipOptions count;
  count.eocd_entries_override = 5;
  ExpectInvalid(MakeZip({{"xl/worksheets/sheet1.xml", sheet, 8}}, count), "Excel文件已损坏");
  ZipOptions offset;
  offset.eocd_offset_override = 1'000'000;
  ExpectInvalid(MakeZip({{"xl/worksheets/sheet1.xml", sheet, 8}}, offset), "Excel文件已损坏");
}

TEST(XlsxReaderTest, BrokenSheetContentIsRefused) {
  auto sheet_zip = [](std::string xml) { return MakeZip({{"xl/worksheets/sheet1.xml", std::move(xml), 8}}); };
  ExpectInvalid(sheet_zip("<worksheet><sheetData><row r=\"1\"><c t=\"s\"><v>0</v></c></row></sheetData></worksheet>"),
                "共享字符串不存在");
  auto bad_index = ReadXlsxFirstSheet(
      sheet_zip("<worksheet><sheetData><row r=\"12\"><c t=\"s\"><v>x</v></c></row></sheetData></worksheet>"));
  ASSERT_FALSE(bad_index.has_value());
  EXPECT_EQ(bad_index.error().line, 12);
  ExpectInvalid(sheet_zip("<worksheet><sheetData><row r=\"0\"></row></sheetData></worksheet>"), "行号无效");
  ExpectInvalid(sheet_zip("<worksheet><sheetData><row r=\"1048577\"></row></sheetData></worksheet>"), "行号无效");
  ExpectInvalid(sheet_zip("<worksheet><sheetData><row r=\"1\"><c r=\"XFE1\"><v>1</v></c></row></sheetData></worksheet>"),
                "单元格位置无效");
  ExpectInvalid(sheet_zip("<worksheet><sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c></row><row"), "XML格式错误");
  ExpectInvalid(sheet_zip("<worksheet><!-- unterminated"), "XML格式错误");
  ExpectInvalid(sheet_zip(std::string("<worksheet>\xFF\xFE</worksheet>")), "UTF-8");
}

TEST(XlsxReaderTest, TooManyCellsAreRefused) {
  // Each row has one value in the last column: 16,384 cells per row.
  std::string xml = "<worksheet><sheetData>";
  for (int r = 1; r <= 200; ++r) xml += "<row r=\"" + std::to_string(r) + "\"><c r=\"XFD1\"><v>1</v></c></row>";
  xml += "</sheetData></worksheet>";
  ExpectInvalid(MakeZip({{"xl/worksheets/sheet1.xml", xml, 8}}), "单元格超过");
}

// ---- a workbook written by openpyxl, when available ---------------------------------

TEST(XlsxReaderTest, ReadsWorkbookWrittenByOpenpyxl) {
  if (std::system("/usr/bin/python3 -c 'import openpyxl' >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "python3-openpyxl is not installed";
  char dir_template[] = "/tmp/gongkai-openpyxl-XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  std::filesystem::path dir(dir_template);
  struct Cleanup {
    std::filesystem::path p;
    ~Cleanup() {
      std::error_code ec;
      std::filesystem::remove_all(p, ec);
    }
  } cleanup{dir};

  {
    std::ofstream script(dir / "make.py");
    script << R"PY(# -*- coding: utf-8 -*-
import sys
from openpyxl import Workbook
wb = Workbook()
ws = wb.active
ws.title = "信息公开目录"
ws.append(["标题", "数量", "备注"])
ws.append(["关于\"征求意见\"的通知", 42, "a,b <c> & 'd'"])
ws.append(["多行\n文本", 3.5, None, "第四列"])
ws.append([])
ws.append([None, True, False])
ws["A7"] = "跳行"
other = wb.create_sheet("第二页")
other.append(["不应读取"])
wb.save(sys.argv[1])
)PY";
  }
  std::string cmd = "/usr/bin/python3 '" + (dir / "make.py").string() + "' '" + (dir / "book.xlsx").string() + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::ifstream in(dir / "book.xlsx", std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();

  auto result = ReadXlsxFirstSheet(ss.str());
  ASSERT_TRUE(result.has_value()) << result.error().message;
  std::vector<std::pair<int, std::vector<std::string>>> expected = {
      {1, {"标题", "数量", "备注"}},
      {2, {"关于\"征求意见\"的通知", "42", "a,b <c> & 'd'"}},
      {3, {"多行\n文本", "3.5", "", "第四列"}},
      {5, {"", "TRUE", "FALSE"}},
      {7, {"跳行"}},
  };
  EXPECT_EQ(Flatten(*result), expected);
}

}  // namespace
}  // namespace gongkai
