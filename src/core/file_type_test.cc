#include "core/file_type.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace gongkai {
namespace {

using namespace std::string_literals;

void PutU16(std::string* out, std::uint32_t v) {
  out->push_back(static_cast<char>(v & 0xFF));
  out->push_back(static_cast<char>((v >> 8) & 0xFF));
}
void PutU32(std::string* out, std::uint32_t v) {
  PutU16(out, v & 0xFFFF);
  PutU16(out, v >> 16);
}

struct Entry {
  std::string name;
  std::string data;
  std::uint32_t flags = 0;
};

// A stored (uncompressed) ZIP archive with a central directory, as a real
// writer would produce (CRCs are left zero: the sniffer does not read them).
// With `data_descriptor` the local headers carry flag bit 3 and zero sizes.
std::string Zip(const std::vector<Entry>& entries, bool with_central_directory = true) {
  std::string out;
  std::vector<std::uint32_t> offsets;
  for (const Entry& e : entries) {
    offsets.push_back(static_cast<std::uint32_t>(out.size()));
    const bool descriptor = (e.flags & 0x08) != 0;
    out += "PK\x03\x04"s;
    PutU16(&out, 20);       // version needed
    PutU16(&out, e.flags);  // flags
    PutU16(&out, 0);        // method: stored
    PutU32(&out, 0);        // time, date
    PutU32(&out, 0);        // crc
    PutU32(&out, descriptor ? 0 : static_cast<std::uint32_t>(e.data.size()));
    PutU32(&out, descriptor ? 0 : static_cast<std::uint32_t>(e.data.size()));
    PutU16(&out, static_cast<std::uint32_t>(e.name.size()));
    PutU16(&out, 0);  // extra
    out += e.name;
    out += e.data;
    if (descriptor) {
      out += "PK\x07\x08"s;
      PutU32(&out, 0);
      PutU32(&out, static_cast<std::uint32_t>(e.data.size()));
      PutU32(&out, static_cast<std::uint32_t>(e.data.size()));
    }
  }
  if (!with_central_directory) return out;
  const auto cd_offset = static_cast<std::uint32_t>(out.size());
  for (std::size_t k = 0; k < entries.size(); ++k) {
    const Entry& e = entries[k];
    out += "PK\x01\x02"s;
    PutU16(&out, 20);  // version made by
    PutU16(&out, 20);  // version needed
    PutU16(&out, e.flags);
    PutU16(&out, 0);  // method
    PutU32(&out, 0);  // time, date
    PutU32(&out, 0);  // crc
    PutU32(&out, static_cast<std::uint32_t>(e.data.size()));
    PutU32(&out, static_cast<std::uint32_t>(e.data.size()));
    PutU16(&out, static_cast<std::uint32_t>(e.name.size()));
    PutU16(&out, 0);  // extra
    PutU16(&out, 0);  // comment
    PutU16(&out, 0);  // disk
    PutU16(&out, 0);  // internal attributes
    PutU32(&out, 0);  // external attributes
    PutU32(&out, offsets[k]);
    out += e.name;
  }
  const auto cd_size = static_cast<std::uint32_t>(out.size() - cd_offset);
  out += "PK\x05\x06"s;
  PutU16(&out, 0);
  PutU16(&out, 0);
  PutU16(&out, static_cast<std::uint32_t>(entries.size()));
  PutU16(&out, static_cast<std::uint32_t>(entries.size()));
  PutU32(&out, cd_size);
  PutU32(&out, cd_offset);
  PutU16(&out, 0);  // comment
  return out;
}

const std::string kPng = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR"s;
const std::string kOle2 = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"s + std::string(504, '\0');

TEST(FileTypeTest, SniffsMagicNumbers) {
  struct Case {
    std::string bytes;
    FileType want;
  };
  const Case cases[] = {
      {"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj"s, FileType::kPdf},
      {"%PDF-"s, FileType::kPdf},
      {"\xFF\xD8\xFF\xE0\0\x10JFIF\0"s, FileType::kJpeg},
      {"\xFF\xD8\xFF"s, FileType::kJpeg},
      {kPng, FileType::kPng},
      {"GIF89a\x01\0\x01\0"s, FileType::kGif},
      {"GIF87a"s, FileType::kGif},
      {"RIFF\x24\0\0\0WEBPVP8 "s, FileType::kWebp},
      {"RIFF\0\0\0\0WEBP"s, FileType::kWebp},
      {kOle2, FileType::kDoc},
      {"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"s, FileType::kDoc},
      {"PK\x05\x06"s + std::string(18, '\0'), FileType::kZip},  // empty archive
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::PrintToString(c.bytes));
    EXPECT_EQ(SniffFileType(c.bytes), c.want);
  }
}

TEST(FileTypeTest, TellsOfficeOpenXmlFromPlainZip) {
  const std::string docx = Zip({{"[Content_Types].xml", "<Types/>"},
                                {"_rels/.rels", "<Relationships/>"},
                                {"word/document.xml", "<w:document/>"}});
  const std::string xlsx = Zip({{"[Content_Types].xml", "<Types/>"}, {"xl/workbook.xml", "<workbook/>"}});
  const std::string pptx = Zip({{"[Content_Types].xml", "<Types/>"}, {"ppt/presentation.xml", "<p/>"}});
  EXPECT_EQ(SniffFileType(docx), FileType::kDocx);
  EXPECT_EQ(SniffFileType(xlsx), FileType::kXlsx);
  EXPECT_EQ(SniffFileType(pptx), FileType::kPptx);
  EXPECT_EQ(SniffFileType(Zip({{"readme.txt", "hello"}, {"photos/a.jpg", "\xFF\xD8\xFF"}})), FileType::kZip);
  EXPECT_EQ(SniffFileType(Zip({})), FileType::kZip);
  // Names must start with the folder; "word/" elsewhere does not count.
  EXPECT_EQ(SniffFileType(Zip({{"backup/word/document.xml", ""}, {"xl", ""}, {"pptx", ""}})), FileType::kZip);

  // Local headers only (e.g. a cut-off upload) are enough...
  EXPECT_EQ(SniffFileType(Zip({{"[Content_Types].xml", "<Types/>"}, {"xl/workbook.xml", "<w/>"}}, false)),
            FileType::kXlsx);
  // ... and where a data descriptor hides the sizes, the central directory decides.
  const std::string streamed =
      Zip({{"[Content_Types].xml", "<Types/>", 0x08}, {"_rels/.rels", "", 0x08}, {"word/document.xml", "<d/>", 0x08}});
  EXPECT_EQ(SniffFileType(streamed), FileType::kDocx);
  // More entries than the local scan reads: the central directory decides.
  std::vector<Entry> many;
  for (int k = 0; k < 100; ++k) many.push_back({"media/image" + std::to_string(k) + ".png", "x"});
  many.push_back({"ppt/presentation.xml", "<p/>"});
  EXPECT_EQ(SniffFileType(Zip(many)), FileType::kPptx);
}

TEST(FileTypeTest, TruncatedAndCorruptInputsAreSafe) {
  const std::string docx = Zip({{"[Content_Types].xml", "<Types/>"}, {"word/document.xml", "<w:document/>"}});
  // Every prefix of a docx is sniffed without reading out of bounds (ASan
  // checks the reads; the string is copied so its end is the heap block's).
  for (std::size_t n = 0; n <= docx.size(); ++n) {
    const std::string prefix = docx.substr(0, n);
    const FileType t = SniffFileType(prefix);
    if (n < 4) {
      EXPECT_NE(t, FileType::kZip);
    } else {
      EXPECT_TRUE(t == FileType::kZip || t == FileType::kDocx) << n;
    }
  }
  // A local header claiming a huge name or size.
  std::string bad = "PK\x03\x04"s + std::string(14, '\0');
  PutU32(&bad, 0xFFFFFFF0u);  // compressed
  PutU32(&bad, 0xFFFFFFF0u);  // uncompressed
  PutU16(&bad, 0xFFFF);       // name length
  PutU16(&bad, 0xFFFF);       // extra length
  bad += "word";
  EXPECT_EQ(SniffFileType(bad), FileType::kZip);
  // An end record pointing past the end, and one with a bogus entry count.
  std::string eocd = "PK\x03\x04"s + std::string(26, '\0') + "PK\x05\x06"s + std::string(6, '\0');
  PutU16(&eocd, 0xFFFF);
  PutU32(&eocd, 0xFFFFFFFFu);
  PutU32(&eocd, 0xFFFFFFF0u);
  PutU16(&eocd, 0);
  EXPECT_EQ(SniffFileType(eocd), FileType::kZip);
  std::string loop = "PK\x03\x04"s + std::string(26, '\0') + "PK\x05\x06"s + std::string(6, '\0');
  PutU16(&loop, 0xFFFF);
  PutU32(&loop, 0);
  PutU32(&loop, 0);  // the "central directory" is the local header itself
  PutU16(&loop, 0);
  EXPECT_EQ(SniffFileType(loop), FileType::kZip);
  // Short or near-miss magic numbers are not enough: what is left is text
  // if it is printable UTF-8, else unknown.
  for (const std::string& s : {"%PDF"s, "%PD"s, "GIF8"s, "GIF88a"s}) {
    SCOPED_TRACE(s);
    EXPECT_EQ(SniffFileType(s), FileType::kText);
  }
  for (const std::string& s : {"\xFF\xD8"s, "\x89PNG\r\n\x1a"s, "RIFF\0\0\0\0WEB"s, "RIFF\0\0\0\0AVI "s,
                               "\xD0\xCF\x11\xE0\xA1\xB1\x1A"s, "PK\x03"s, "\0"s, "\xFF"s}) {
    SCOPED_TRACE(testing::PrintToString(s));
    EXPECT_EQ(SniffFileType(s), FileType::kUnknown);
  }
}

TEST(FileTypeTest, OnlyBytesCount) {
  // Magic numbers are looked for at the very start only: a PDF with a
  // leading space or a PNG signature after text is not that type.
  EXPECT_EQ(SniffFileType(" %PDF-1.7"), FileType::kText);
  EXPECT_EQ(SniffFileType("%pdf-1.7"), FileType::kText);
  EXPECT_EQ(SniffFileType("%PDF 1.7"), FileType::kText);
  EXPECT_EQ(SniffFileType("report.pdf"), FileType::kText);
  EXPECT_EQ(SniffFileType("junk" + kPng), FileType::kUnknown);
  // A PNG is a PNG whatever it is called or claims to be later on.
  EXPECT_EQ(SniffFileType(kPng + "%PDF-1.7"), FileType::kPng);
}

TEST(FileTypeTest, TextIsOnlyText) {
  EXPECT_EQ(SniffFileType("hello\r\n\tworld\n"), FileType::kText);
  EXPECT_EQ(SniffFileType("关于开展三大领域信息公开工作的通知"), FileType::kText);
  EXPECT_EQ(SniffFileType("\xEF\xBB\xBF"
                          "序号,标题\n1,低保\n"),
            FileType::kText);  // BOM + CSV
  EXPECT_EQ(SniffFileType("😀"), FileType::kText);
  // Markup and scripts are just text: nothing here is "executable".
  for (const char* s : {"<html><body><script>alert(1)</script></body></html>", "<!DOCTYPE html>",
                        "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>", "#!/bin/sh\nrm -rf /\n",
                        "MZ is not enough", "<?php echo 1; ?>"}) {
    SCOPED_TRACE(s);
    EXPECT_EQ(SniffFileType(s), FileType::kText);
    EXPECT_STREQ(MimeType(SniffFileType(s)), "text/plain; charset=utf-8");
  }
  EXPECT_EQ(SniffFileType(""), FileType::kUnknown);
  EXPECT_EQ(SniffFileType("MZ\x90\0\x03\0"s), FileType::kUnknown);  // PE executable
  EXPECT_EQ(SniffFileType("\x7F"
                          "ELF\x02\x01"s),
            FileType::kUnknown);
  EXPECT_EQ(SniffFileType("a\0b"s), FileType::kUnknown);
  EXPECT_EQ(SniffFileType("a\x1b[31mred"), FileType::kUnknown);
  EXPECT_EQ(SniffFileType("page\fbreak"), FileType::kUnknown);
  EXPECT_EQ(SniffFileType("del\x7F"), FileType::kUnknown);
  EXPECT_EQ(SniffFileType("\xC2\x85"), FileType::kUnknown);          // C1 control NEL
  EXPECT_EQ(SniffFileType("\xB9\xD8\xD3\xDA"), FileType::kUnknown);  // GBK "关于"
  EXPECT_EQ(SniffFileType("\xC0\xAF"), FileType::kUnknown);          // overlong '/'
  EXPECT_EQ(SniffFileType("\xED\xA0\x80"), FileType::kUnknown);      // surrogate
  EXPECT_EQ(SniffFileType("\xF4\x90\x80\x80"), FileType::kUnknown);  // past U+10FFFF
  EXPECT_EQ(SniffFileType("\xE5\x85"), FileType::kUnknown);          // truncated character
  EXPECT_EQ(SniffFileType("\xF8\x88\x80\x80\x80"), FileType::kUnknown);

  // Only the first 8 KiB are checked; a character straddling the edge is
  // checked whole.
  const std::string head(8191, 'a');
  EXPECT_EQ(SniffFileType(head + "\xE5\x85\xB3" + std::string(10, '\0')), FileType::kText);
  EXPECT_EQ(SniffFileType(head + "\xE5\x85"), FileType::kUnknown);
  EXPECT_EQ(SniffFileType(head + "\xE5\x85\x41"), FileType::kUnknown);
  EXPECT_EQ(SniffFileType(std::string(8192, 'a') + "\0"s), FileType::kText);
  EXPECT_EQ(SniffFileType(std::string(8191, 'a') + "\0"s), FileType::kUnknown);
}

TEST(FileTypeTest, NamesForEveryType) {
  struct Case {
    FileType type;
    const char* mime;
    const char* ext;
    const char* label;
  };
  const Case cases[] = {
      {FileType::kUnknown, "application/octet-stream", "bin", "未知类型文件"},
      {FileType::kPdf, "application/pdf", "pdf", "PDF文档"},
      {FileType::kJpeg, "image/jpeg", "jpg", "JPEG图片"},
      {FileType::kPng, "image/png", "png", "PNG图片"},
      {FileType::kGif, "image/gif", "gif", "GIF图片"},
      {FileType::kWebp, "image/webp", "webp", "WebP图片"},
      {FileType::kDocx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", "Word文档"},
      {FileType::kXlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "Excel表格"},
      {FileType::kPptx, "application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx",
       "PowerPoint演示文稿"},
      {FileType::kDoc, "application/msword", "doc", "Office 97-2003文档"},
      {FileType::kXls, "application/vnd.ms-excel", "xls", "Excel 97-2003表格"},
      {FileType::kZip, "application/zip", "zip", "ZIP压缩包"},
      {FileType::kText, "text/plain; charset=utf-8", "txt", "纯文本文件"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.ext);
    EXPECT_STREQ(MimeType(c.type), c.mime);
    EXPECT_STREQ(Extension(c.type), c.ext);
    EXPECT_STREQ(FileTypeLabel(c.type), c.label);
  }
}

}  // namespace
}  // namespace gongkai
