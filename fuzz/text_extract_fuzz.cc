// libFuzzer target for ExtractText (hostile attachments: PDF, Office, text).
//
// The first byte chooses the FileType: its low 7 bits modulo the number of
// types, in the enum's order (1 PDF, 6 .docx, 7 .xlsx, 8 .pptx, 12 text, ...).
// The rest is the file, except when the high bit is set and the type is an
// Office one: then the rest is up to three XML parts separated by "\x01\x01",
// packed here into a stored ZIP with correct CRCs under the names the
// extractor reads, so that mutations reach the XML layer instead of failing
// the checksum.
// Checks that extraction never crashes, refuses only with kInvalidInput and
// a message, and returns valid UTF-8 within the limits.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "codec/json_util.h"
#include "codec/text_extract.h"
#include "codec/zip_test_util.h"

namespace {

using gongkai::FileType;

constexpr FileType kTypes[] = {
    FileType::kUnknown, FileType::kPdf,  FileType::kJpeg, FileType::kPng,  FileType::kGif,
    FileType::kWebp,    FileType::kDocx, FileType::kXlsx, FileType::kPptx, FileType::kDoc,
    FileType::kXls,     FileType::kZip,  FileType::kText,
};

std::string FromParts(FileType type, std::string_view rest) {
  std::vector<const char*> names;
  if (type == FileType::kDocx) names = {"word/document.xml", "word/header1.xml", "_rels/.rels"};
  if (type == FileType::kXlsx) names = {"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/worksheets/sheet2.xml"};
  if (type == FileType::kPptx) names = {"ppt/slides/slide1.xml", "ppt/slides/slide2.xml", "ppt/slides/slide10.xml"};
  std::vector<gongkai::test_zip::Part> parts;
  for (const char* name : names) {
    std::size_t sep = rest.find("\x01\x01");
    parts.push_back({name, std::string(rest.substr(0, sep)), false});
    if (sep == std::string_view::npos) break;
    rest.remove_prefix(sep + 2);
  }
  return gongkai::test_zip::Make(parts);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const unsigned char selector = data[0];
  const FileType type = kTypes[(selector & 0x7F) % std::size(kTypes)];
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string packed;
  if ((selector & 0x80) && (type == FileType::kDocx || type == FileType::kXlsx || type == FileType::kPptx)) {
    packed = FromParts(type, input);
    input = packed;
  }

  gongkai::ExtractLimits limits;
  limits.max_input_bytes = 1u << 20;
  limits.max_text_bytes = 16u << 10;
  limits.time_budget = std::chrono::milliseconds(2000);
  limits.max_pages = 50;
  auto result = gongkai::ExtractText(input, type, limits);
  if (!result) {
    const auto& error = result.error();
    if (error.code != gongkai::ErrorCode::kInvalidInput || error.message.empty() ||
        !gongkai::json_util::IsValidUtf8(error.message))
      std::abort();
    return 0;
  }
  if (!gongkai::json_util::IsValidUtf8(result->text)) std::abort();
  if (result->text.size() > limits.max_text_bytes) std::abort();
  if (result->pages < 0 || result->pages > limits.max_pages) std::abort();
  if ((type == FileType::kText || type == FileType::kDocx) && result->pages != 0) std::abort();
  return 0;
}
