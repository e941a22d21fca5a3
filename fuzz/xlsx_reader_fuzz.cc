// libFuzzer target for ReadXlsxFirstSheet (hostile .xlsx uploads).
//
// Two modes, chosen by the first byte:
//   * anything but 0x00: the input is the uploaded file as is (ZIP layer);
//   * 0x00: the rest is up to four XML parts separated by "\x01\x01" (sheet,
//     sharedStrings, workbook, workbook rels), packed here into a stored ZIP
//     with correct CRCs, so that mutations reach the XML layer instead of
//     failing the checksum.
// Checks that the reader never crashes, refuses only with kInvalidInput, and
// returns rows that obey the documented shape, in valid UTF-8.

#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "codec/json_util.h"
#include "codec/xlsx.h"

namespace {

void Put16(std::string& out, std::uint32_t v) {
  out += static_cast<char>(v & 0xFF);
  out += static_cast<char>((v >> 8) & 0xFF);
}
void Put32(std::string& out, std::uint32_t v) {
  Put16(out, v & 0xFFFF);
  Put16(out, v >> 16);
}

std::string StoredZip(const std::vector<std::pair<std::string, std::string_view>>& parts) {
  std::string out;
  std::string central;
  for (const auto& [name, data] : parts) {
    auto crc = static_cast<std::uint32_t>(
        crc32(0L, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
    auto size = static_cast<std::uint32_t>(data.size());
    auto offset = static_cast<std::uint32_t>(out.size());
    for (std::string* rec : {&out, &central}) {
      bool local = rec == &out;
      Put32(*rec, local ? 0x04034b50 : 0x02014b50);
      if (!local) Put16(*rec, 20);
      Put16(*rec, 20);
      Put16(*rec, 0);  // flags
      Put16(*rec, 0);  // stored
      Put32(*rec, 0);  // time, date
      Put32(*rec, crc);
      Put32(*rec, size);
      Put32(*rec, size);
      Put16(*rec, static_cast<std::uint32_t>(name.size()));
      Put16(*rec, 0);  // extra
      if (!local) {
        Put32(*rec, 0);  // comment, disk
        Put16(*rec, 0);  // internal attributes
        Put32(*rec, 0);  // external attributes
        Put32(*rec, offset);
      }
      *rec += name;
    }
    out += data;
  }
  auto cd_offset = static_cast<std::uint32_t>(out.size());
  out += central;
  Put32(out, 0x06054b50);
  Put32(out, 0);
  Put16(out, static_cast<std::uint32_t>(parts.size()));
  Put16(out, static_cast<std::uint32_t>(parts.size()));
  Put32(out, static_cast<std::uint32_t>(central.size()));
  Put32(out, cd_offset);
  Put16(out, 0);
  return out;
}

std::string FromParts(std::string_view rest) {
  static const char* const kNames[] = {"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml",
                                       "xl/workbook.xml", "xl/_rels/workbook.xml.rels"};
  std::vector<std::pair<std::string, std::string_view>> parts;
  for (const char* name : kNames) {
    std::size_t sep = rest.find("\x01\x01");
    parts.emplace_back(name, rest.substr(0, sep));
    if (sep == std::string_view::npos) break;
    rest.remove_prefix(sep + 2);
  }
  return StoredZip(parts);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string packed;
  if (!input.empty() && input[0] == '\0') {
    packed = FromParts(input.substr(1));
    input = packed;
  }
  auto result = gongkai::ReadXlsxFirstSheet(input);
  if (!result) {
    if (result.error().code != gongkai::ErrorCode::kInvalidInput || result.error().message.empty())
      std::abort();
    return 0;
  }
  for (const auto& row : *result) {
    if (row.line < 1 || row.line > 1'048'576) std::abort();
    if (row.fields.empty() || row.fields.back().empty()) std::abort();  // trimmed, never blank
    if (row.fields.size() > 16'384) std::abort();
    for (const auto& field : row.fields)
      if (!gongkai::json_util::IsValidUtf8(field)) std::abort();
  }
  return 0;
}
