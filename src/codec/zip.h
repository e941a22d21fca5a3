// A small, bounded reader of ZIP archives held in memory, for the containers
// of uploaded documents (.xlsx, .docx, .pptx).
//
// The input is hostile: every offset and length read from the archive is
// checked against the buffer before use, sizes are capped, and nothing here
// throws (allocation failure aside). Supported: the end of central directory
// record, the central directory, local headers, methods 0 (stored) and 8
// (deflate), CRC-32 checked. Refused: ZIP64, encryption, multi-disk archives,
// other compression methods.
//
// Every refusal is an Error (kInvalidInput) whose message names the document
// the way the caller asks (ZipWording), so that a user reads
// "Excel文件已损坏：校验和不符" rather than a message about ZIP internals.
// All functions are thread-safe on distinct or on const objects.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace gongkai {

inline constexpr std::uint64_t kZipDefaultMaxUncompressedTotal = 64ull << 20;
inline constexpr std::size_t kZipDefaultMaxEntries = 10'000;
inline constexpr std::size_t kZipNoLimit = std::numeric_limits<std::size_t>::max();

struct ZipLimits {
  // Refuse archives whose entries together declare more than this many
  // uncompressed bytes (a lie is caught when the entry is read).
  std::uint64_t max_total_uncompressed = kZipDefaultMaxUncompressedTotal;
  // Refuse archives with more entries than this.
  std::size_t max_entries = kZipDefaultMaxEntries;
};

// How refusals name the document. With the defaults, messages read
// "压缩文件已损坏：…", "压缩文件过大：…", "不是有效的ZIP压缩文件".
// The texts are copied by ZipArchive::Open.
struct ZipWording {
  std::string_view noun = "压缩文件";                      // "Excel文件" -> "Excel文件已损坏：…"
  std::string_view not_archive = "不是有效的ZIP压缩文件";  // the whole message when there is no archive
  // Appended after "，" to refusals that re-saving fixes (ZIP64, unusual
  // compression methods), e.g. "请用Excel另存为后再导入"; empty: nothing.
  std::string_view resave_advice = {};
  // Appended after "，" to the refusal of encrypted entries, e.g.
  // "请取消密码后再导入"; empty: nothing.
  std::string_view unlock_advice = {};
};

// One central directory record. `name` points into the archive's bytes (it
// is whatever the archive says: usually UTF-8 or ASCII, not checked).
struct ZipEntry {
  std::string_view name;
  std::uint16_t flags = 0;
  std::uint16_t method = 0;
  std::uint32_t crc = 0;
  std::uint32_t compressed_size = 0;
  std::uint32_t uncompressed_size = 0;
  std::uint32_t local_offset = 0;
};

// OPC part names compare case-insensitively (ASCII letters only) and some
// writers use '\' as the separator: true if `a` and `b` name the same part.
[[nodiscard]] bool SamePartName(std::string_view a, std::string_view b);

class ZipArchive {
 public:
  // Reads the central directory of the archive in `bytes`, which must stay
  // alive and unchanged as long as the archive (and its entries) are used.
  // Refuses (kInvalidInput): no end of central directory record
  // (wording.not_archive; this includes OLE2 files, so a caller that wants
  // to say "old .xls format" must check for that first), ZIP64, multi-disk
  // archives, more than limits.max_entries entries, a directory outside the
  // buffer, encrypted entries, and a declared uncompressed total above
  // limits.max_total_uncompressed.
  [[nodiscard]] static Result<ZipArchive> Open(std::string_view bytes, const ZipLimits& limits = {},
                                               const ZipWording& wording = {});

  // The entries in central directory order (duplicates kept).
  [[nodiscard]] const std::vector<ZipEntry>& entries() const { return entries_; }

  // The first entry whose name is `name` by SamePartName (so without a
  // leading '/'), or nullptr if there is none. The pointer stays valid as
  // long as the archive.
  [[nodiscard]] const ZipEntry* Find(std::string_view name) const;

  // The uncompressed bytes of `entry` (one of entries()), checked against
  // its declared size and CRC. Refuses (kInvalidInput, "…过大") an entry
  // that declares more than `max_bytes`, and corrupt data, an unsupported
  // method, or a local header outside the buffer. kInternal only if zlib
  // cannot be initialised.
  [[nodiscard]] Result<std::string> Read(const ZipEntry& entry, std::size_t max_bytes = kZipNoLimit) const;

  // Like Read, but an entry larger than `max_bytes` is not refused: only its
  // first `max_bytes` bytes are decompressed and returned (the CRC cannot be
  // checked then). The caller can tell by comparing the size with
  // entry.uncompressed_size.
  [[nodiscard]] Result<std::string> ReadPrefix(const ZipEntry& entry, std::size_t max_bytes) const;

  // Errors in the archive's own wording, for formats built on it that find
  // a part's content broken: "{noun}已损坏：{detail}", "{noun}过大：{detail}".
  [[nodiscard]] Error Corrupt(std::string_view detail) const;
  [[nodiscard]] Error TooLarge(std::string_view detail) const;

 private:
  ZipArchive() = default;
  Result<std::string> Inflate(const ZipEntry& entry, std::size_t max_bytes) const;

  std::string_view bytes_;
  std::vector<ZipEntry> entries_;
  std::string noun_;
  std::string resave_advice_;
};

}  // namespace gongkai
