// Writes small ZIP archives for tests and fuzz targets (header only, needs
// zlib): stored or deflated entries with correct CRCs and sizes, so that
// hand-written OOXML parts can be packed into a .docx/.xlsx/.pptx.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gongkai::test_zip {

struct Part {
  std::string name;
  std::string data;
  bool deflate = false;  // method 8 instead of 0 (stored)
};

inline void Put16(std::string& out, std::uint32_t v) {
  out += static_cast<char>(v & 0xFF);
  out += static_cast<char>((v >> 8) & 0xFF);
}

inline void Put32(std::string& out, std::uint32_t v) {
  Put16(out, v & 0xFFFF);
  Put16(out, v >> 16);
}

// Raw deflate (no zlib header), as ZIP method 8 stores it.
inline std::string RawDeflate(std::string_view in) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out(deflateBound(&zs, static_cast<uLong>(in.size())), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

// The archive's bytes: local headers and data in order, then the central
// directory and the end record.
inline std::string Make(const std::vector<Part>& parts) {
  std::string out;
  std::string central;
  for (const auto& part : parts) {
    const std::string body = part.deflate ? RawDeflate(part.data) : part.data;
    const auto crc = static_cast<std::uint32_t>(
        crc32(0L, reinterpret_cast<const Bytef*>(part.data.data()), static_cast<uInt>(part.data.size())));
    const auto offset = static_cast<std::uint32_t>(out.size());
    for (std::string* rec : {&out, &central}) {
      const bool local = rec == &out;
      Put32(*rec, local ? 0x04034b50 : 0x02014b50);
      if (!local) Put16(*rec, 20);  // version made by
      Put16(*rec, 20);              // version needed
      Put16(*rec, 0);               // flags
      Put16(*rec, part.deflate ? 8 : 0);
      Put32(*rec, 0);  // time, date
      Put32(*rec, crc);
      Put32(*rec, static_cast<std::uint32_t>(body.size()));
      Put32(*rec, static_cast<std::uint32_t>(part.data.size()));
      Put16(*rec, static_cast<std::uint32_t>(part.name.size()));
      Put16(*rec, 0);  // extra
      if (!local) {
        Put32(*rec, 0);  // comment length, disk
        Put16(*rec, 0);  // internal attributes
        Put32(*rec, 0);  // external attributes
        Put32(*rec, offset);
      }
      *rec += part.name;
    }
    out += body;
  }
  const auto cd_offset = static_cast<std::uint32_t>(out.size());
  out += central;
  Put32(out, 0x06054b50);
  Put32(out, 0);  // disks
  Put16(out, static_cast<std::uint32_t>(parts.size()));
  Put16(out, static_cast<std::uint32_t>(parts.size()));
  Put32(out, static_cast<std::uint32_t>(central.size()));
  Put32(out, cd_offset);
  Put16(out, 0);  // comment
  return out;
}

}  // namespace gongkai::test_zip
