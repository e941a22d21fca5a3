#include "codec/zip.h"

#include <fmt/core.h>
#include <zlib.h>

#include <algorithm>
#include <optional>

namespace gongkai {
namespace {

constexpr std::uint32_t kSigLocal = 0x04034b50;
constexpr std::uint32_t kSigCentral = 0x02014b50;
constexpr std::uint32_t kSigEocd = 0x06054b50;
constexpr std::uint32_t kSigZip64Locator = 0x07064b50;
constexpr std::size_t kEocdSize = 22;
constexpr std::size_t kCentralSize = 46;
constexpr std::size_t kLocalSize = 30;
constexpr std::size_t kMaxCommentSize = 0xFFFF;
// Deflate cannot expand by more than about 1032:1; a larger declared size is a lie.
constexpr std::uint64_t kMaxDeflateRatio = 1032;

// Little-endian reads; callers have checked that [at, at+N) is inside `b`.
std::uint16_t U16(std::string_view b, std::size_t at) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(b[at]) | (static_cast<unsigned char>(b[at + 1]) << 8));
}
std::uint32_t U32(std::string_view b, std::size_t at) {
  return static_cast<std::uint32_t>(U16(b, at)) | (static_cast<std::uint32_t>(U16(b, at + 2)) << 16);
}

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// "64 MiB", "512 KiB", "100 字节": sizes in messages as people write them.
std::string SizeText(std::uint64_t bytes) {
  if (bytes >= (1ull << 20) && bytes % (1ull << 20) == 0) return fmt::format("{} MiB", bytes >> 20);
  if (bytes >= (1ull << 10) && bytes % (1ull << 10) == 0) return fmt::format("{} KiB", bytes >> 10);
  return fmt::format("{}字节", bytes);
}

std::string WithAdvice(std::string message, std::string_view advice) {
  if (!advice.empty()) {
    message += "，";
    message += advice;
  }
  return message;
}

}  // namespace

bool SamePartName(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i] == '\\' ? '/' : AsciiLower(a[i]);
    char y = b[i] == '\\' ? '/' : AsciiLower(b[i]);
    if (x != y) return false;
  }
  return true;
}

Error ZipArchive::Corrupt(std::string_view detail) const {
  return Error::Invalid(fmt::format("{}已损坏：{}", noun_, detail));
}

Error ZipArchive::TooLarge(std::string_view detail) const {
  return Error::Invalid(fmt::format("{}过大：{}", noun_, detail));
}

Result<ZipArchive> ZipArchive::Open(std::string_view bytes, const ZipLimits& limits, const ZipWording& wording) {
  ZipArchive zip;
  zip.noun_ = std::string(wording.noun);
  zip.resave_advice_ = std::string(wording.resave_advice);
  const Error not_archive = Error::Invalid(std::string(wording.not_archive));
  const Error zip64 =
      Error::Invalid(WithAdvice(fmt::format("不支持ZIP64格式的{}", wording.noun), wording.resave_advice));

  if (bytes.size() < kEocdSize) return Unexpected(not_archive);

  // The EOCD record sits at the end, followed only by its comment (<= 64 KiB).
  std::size_t last = bytes.size() - kEocdSize;
  std::size_t lowest = last > kMaxCommentSize ? last - kMaxCommentSize : 0;
  std::optional<std::size_t> eocd;
  for (std::size_t pos = last + 1; pos-- > lowest;) {
    if (U32(bytes, pos) != kSigEocd) continue;
    std::size_t comment = U16(bytes, pos + 20);
    if (comment <= bytes.size() - kEocdSize - pos) {
      eocd = pos;
      break;
    }
  }
  if (!eocd) return Unexpected(not_archive);
  std::size_t e = *eocd;
  std::uint16_t disk = U16(bytes, e + 4);
  std::uint16_t cd_disk = U16(bytes, e + 6);
  std::uint16_t entries_on_disk = U16(bytes, e + 8);
  std::uint16_t entries_total = U16(bytes, e + 10);
  std::uint32_t cd_size = U32(bytes, e + 12);
  std::uint32_t cd_offset = U32(bytes, e + 16);

  bool zip64_locator = e >= 20 && U32(bytes, e - 20) == kSigZip64Locator;
  if (zip64_locator || entries_total == 0xFFFF || cd_size == 0xFFFFFFFFu || cd_offset == 0xFFFFFFFFu)
    return Unexpected(zip64);
  if (disk != 0 || cd_disk != 0 || entries_on_disk != entries_total)
    return Unexpected(zip.Corrupt("不支持分卷压缩的文件"));
  if (entries_total > limits.max_entries)
    return Unexpected(zip.TooLarge(fmt::format("压缩包内的文件超过{}个", limits.max_entries)));
  if (cd_offset > e || cd_size > e - cd_offset) return Unexpected(zip.Corrupt("压缩包目录超出文件范围"));

  zip.bytes_ = bytes;
  zip.entries_.reserve(entries_total);
  std::size_t p = cd_offset;
  const std::size_t end = std::size_t{cd_offset} + cd_size;
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < entries_total; ++i) {
    if (end - p < kCentralSize || U32(bytes, p) != kSigCentral) return Unexpected(zip.Corrupt("压缩包目录不完整"));
    ZipEntry entry;
    entry.flags = U16(bytes, p + 8);
    entry.method = U16(bytes, p + 10);
    entry.crc = U32(bytes, p + 16);
    entry.compressed_size = U32(bytes, p + 20);
    entry.uncompressed_size = U32(bytes, p + 24);
    std::size_t name_len = U16(bytes, p + 28);
    std::size_t extra_len = U16(bytes, p + 30);
    std::size_t comment_len = U16(bytes, p + 32);
    entry.local_offset = U32(bytes, p + 42);
    std::size_t record = kCentralSize + name_len + extra_len + comment_len;
    if (record > end - p) return Unexpected(zip.Corrupt("压缩包目录不完整"));
    entry.name = bytes.substr(p + kCentralSize, name_len);
    if (entry.compressed_size == 0xFFFFFFFFu || entry.uncompressed_size == 0xFFFFFFFFu ||
        entry.local_offset == 0xFFFFFFFFu)
      return Unexpected(zip64);
    if (entry.flags & 0x0041)  // bit 0: encrypted; bit 6: strong encryption
      return Unexpected(Error::Invalid(WithAdvice(fmt::format("不支持加密的{}", wording.noun), wording.unlock_advice)));
    total += entry.uncompressed_size;
    if (total > limits.max_total_uncompressed)
      return Unexpected(zip.TooLarge(fmt::format("解压后的内容超过{}", SizeText(limits.max_total_uncompressed))));
    zip.entries_.push_back(entry);
    p += record;
  }
  return zip;
}

const ZipEntry* ZipArchive::Find(std::string_view name) const {
  for (const auto& entry : entries_)
    if (SamePartName(entry.name, name)) return &entry;
  return nullptr;
}

Result<std::string> ZipArchive::Read(const ZipEntry& entry, std::size_t max_bytes) const {
  if (entry.uncompressed_size > max_bytes)
    return Unexpected(TooLarge(fmt::format("压缩包中的单个文件解压后超过{}", SizeText(max_bytes))));
  return Inflate(entry, max_bytes);
}

Result<std::string> ZipArchive::ReadPrefix(const ZipEntry& entry, std::size_t max_bytes) const {
  return Inflate(entry, max_bytes);
}

Result<std::string> ZipArchive::Inflate(const ZipEntry& entry, std::size_t max_bytes) const {
  const std::string_view b = bytes_;
  std::size_t off = entry.local_offset;
  if (off > b.size() || b.size() - off < kLocalSize || U32(b, off) != kSigLocal)
    return Unexpected(Corrupt("压缩包文件头无效"));
  std::size_t data = off + kLocalSize + U16(b, off + 26) + U16(b, off + 28);
  if (data > b.size() || b.size() - data < entry.compressed_size) return Unexpected(Corrupt("压缩数据超出文件范围"));
  std::string_view in = b.substr(data, entry.compressed_size);
  // Whole: the entry fits, so sizes and the CRC can be checked.
  const bool whole = entry.uncompressed_size <= max_bytes;
  const std::size_t want = whole ? std::size_t{entry.uncompressed_size} : max_bytes;

  std::string out;
  if (entry.method == 0) {
    if (entry.compressed_size != entry.uncompressed_size) return Unexpected(Corrupt("文件大小不一致"));
    out.assign(in.substr(0, want));
  } else if (entry.method == 8) {
    if (entry.uncompressed_size > std::uint64_t{entry.compressed_size} * kMaxDeflateRatio + 1024)
      return Unexpected(Corrupt("文件大小不一致"));
    z_stream zs{};
    if (inflateInit2(&zs, -MAX_WBITS) != Z_OK) return Unexpected(Error::Internal("无法初始化解压缩"));
    // Whole: one byte of slack so that more output than declared is detected.
    out.resize(whole ? want + 1 : want);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    int rc = out.empty() ? Z_BUF_ERROR : inflate(&zs, Z_FINISH);
    uLong produced = zs.total_out;
    inflateEnd(&zs);
    if (whole) {
      if (rc != Z_STREAM_END) return Unexpected(Corrupt("压缩数据无效"));
      if (produced != entry.uncompressed_size) return Unexpected(Corrupt("文件大小不一致"));
    } else {
      // The output buffer is full (Z_BUF_ERROR with no room left) or the
      // stream ended early, which contradicts the declared size.
      if (rc == Z_STREAM_END) return Unexpected(Corrupt("文件大小不一致"));
      if (rc != Z_BUF_ERROR || produced != want) return Unexpected(Corrupt("压缩数据无效"));
    }
    out.resize(want);
  } else {
    return Unexpected(
        Error::Invalid(WithAdvice(fmt::format("{}使用了不支持的压缩方式（{}）", noun_, entry.method), resave_advice_)));
  }
  if (whole) {
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(out.data()), static_cast<uInt>(out.size()));
    if (crc != entry.crc) return Unexpected(Corrupt("校验和不符"));
  }
  return out;
}

}  // namespace gongkai
