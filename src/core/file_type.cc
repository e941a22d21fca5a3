#include "core/file_type.h"

#include <cstddef>
#include <cstdint>

#include "core/utf8.h"

namespace gongkai {
namespace {

constexpr std::size_t kTextWindow = 8 * 1024;
constexpr int kMaxLocalHeaders = 64;

constexpr std::string_view kPngSignature("\x89PNG\r\n\x1a\n", 8);
constexpr std::string_view kOle2Signature("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
constexpr std::string_view kZipLocal("PK\x03\x04", 4);
constexpr std::string_view kZipCentral("PK\x01\x02", 4);
constexpr std::string_view kZipEnd("PK\x05\x06", 4);

// Little-endian integers at b[pos]; the caller has checked the bounds.
std::uint32_t U16(std::string_view b, std::size_t pos) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(b[pos])) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[pos + 1])) << 8;
}
std::uint32_t U32(std::string_view b, std::size_t pos) { return U16(b, pos) | U16(b, pos + 2) << 16; }

bool HasAt(std::string_view b, std::size_t pos, std::string_view what) {
  return pos <= b.size() && b.size() - pos >= what.size() && b.substr(pos, what.size()) == what;
}

// The OOXML kind an entry name implies, or kUnknown.
FileType OoxmlKind(std::string_view name) {
  if (name.starts_with("word/")) return FileType::kDocx;
  if (name.starts_with("xl/")) return FileType::kXlsx;
  if (name.starts_with("ppt/")) return FileType::kPptx;
  return FileType::kUnknown;
}

// Walks the local file headers from the start. Stops (kUnknown) where an
// entry's size is not known up front (data descriptor, ZIP64) or a header
// does not fit.
FileType ScanLocalHeaders(std::string_view b) {
  std::size_t pos = 0;
  for (int n = 0; n < kMaxLocalHeaders && HasAt(b, pos, kZipLocal); ++n) {
    if (b.size() - pos < 30) break;
    const std::uint32_t flags = U16(b, pos + 6);
    const std::uint32_t compressed = U32(b, pos + 18);
    const std::size_t name_len = U16(b, pos + 26);
    const std::size_t extra_len = U16(b, pos + 28);
    if (b.size() - pos - 30 < name_len) break;
    const FileType kind = OoxmlKind(b.substr(pos + 30, name_len));
    if (kind != FileType::kUnknown) return kind;
    if ((flags & 0x08) != 0 || compressed == 0xFFFFFFFFu) break;
    const std::uint64_t next = static_cast<std::uint64_t>(pos) + 30 + name_len + extra_len + compressed;
    if (next > b.size()) break;
    pos = static_cast<std::size_t>(next);
  }
  return FileType::kUnknown;
}

// Finds the end of central directory record and walks the directory.
FileType ScanCentralDirectory(std::string_view b) {
  if (b.size() < 22) return FileType::kUnknown;
  const std::size_t last = b.size() - 22;
  const std::size_t first = last > 0xFFFF ? last - 0xFFFF : 0;
  for (std::size_t eocd = last + 1; eocd-- > first;) {
    if (!HasAt(b, eocd, kZipEnd)) continue;
    const std::size_t entries = U16(b, eocd + 10);
    std::size_t pos = U32(b, eocd + 16);
    for (std::size_t n = 0; n < entries && HasAt(b, pos, kZipCentral) && b.size() - pos >= 46; ++n) {
      const std::size_t name_len = U16(b, pos + 28);
      const std::size_t extra_len = U16(b, pos + 30);
      const std::size_t comment_len = U16(b, pos + 32);
      if (b.size() - pos - 46 < name_len) break;
      const FileType kind = OoxmlKind(b.substr(pos + 46, name_len));
      if (kind != FileType::kUnknown) return kind;
      pos += 46 + name_len + extra_len + comment_len;  // may pass the end; HasAt then fails
    }
    return FileType::kUnknown;
  }
  return FileType::kUnknown;
}

FileType SniffZip(std::string_view b) {
  FileType kind = ScanLocalHeaders(b);
  if (kind == FileType::kUnknown) kind = ScanCentralDirectory(b);
  return kind == FileType::kUnknown ? FileType::kZip : kind;
}

// See the kText contract in the header.
bool IsPlainText(std::string_view b) {
  if (b.empty()) return false;
  const std::size_t window = b.size() < kTextWindow ? b.size() : kTextWindow;
  std::size_t i = 0;
  while (i < window) {
    const auto c = static_cast<unsigned char>(b[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7F) return false;
      ++i;
      continue;
    }
    // A character may straddle the window; it is checked whole if the
    // input holds it, and refused if the input ends inside it.
    char32_t cp = 0;
    const std::size_t len = DecodeUtf8(b, i, cp);
    if (len == 0) return false;
    if (cp >= 0x80 && cp <= 0x9F) return false;  // C1 controls
    i += len;
  }
  return true;
}

}  // namespace

FileType SniffFileType(std::string_view bytes) {
  if (bytes.starts_with("%PDF-")) return FileType::kPdf;
  if (bytes.starts_with("\xFF\xD8\xFF")) return FileType::kJpeg;
  if (bytes.starts_with(kPngSignature)) return FileType::kPng;
  if (bytes.starts_with("GIF87a") || bytes.starts_with("GIF89a")) return FileType::kGif;
  if (bytes.starts_with("RIFF") && HasAt(bytes, 8, "WEBP")) return FileType::kWebp;
  if (bytes.starts_with(kZipLocal)) return SniffZip(bytes);
  if (bytes.starts_with(kZipEnd)) return FileType::kZip;
  if (bytes.starts_with(kOle2Signature)) return FileType::kDoc;
  if (IsPlainText(bytes)) return FileType::kText;
  return FileType::kUnknown;
}

const char* MimeType(FileType type) {
  switch (type) {
    case FileType::kUnknown:
      return "application/octet-stream";
    case FileType::kPdf:
      return "application/pdf";
    case FileType::kJpeg:
      return "image/jpeg";
    case FileType::kPng:
      return "image/png";
    case FileType::kGif:
      return "image/gif";
    case FileType::kWebp:
      return "image/webp";
    case FileType::kDocx:
      return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    case FileType::kXlsx:
      return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    case FileType::kPptx:
      return "application/vnd.openxmlformats-officedocument.presentationml.presentation";
    case FileType::kDoc:
      return "application/msword";
    case FileType::kXls:
      return "application/vnd.ms-excel";
    case FileType::kZip:
      return "application/zip";
    case FileType::kText:
      return "text/plain; charset=utf-8";
  }
  return "application/octet-stream";
}

const char* Extension(FileType type) {
  switch (type) {
    case FileType::kUnknown:
      return "bin";
    case FileType::kPdf:
      return "pdf";
    case FileType::kJpeg:
      return "jpg";
    case FileType::kPng:
      return "png";
    case FileType::kGif:
      return "gif";
    case FileType::kWebp:
      return "webp";
    case FileType::kDocx:
      return "docx";
    case FileType::kXlsx:
      return "xlsx";
    case FileType::kPptx:
      return "pptx";
    case FileType::kDoc:
      return "doc";
    case FileType::kXls:
      return "xls";
    case FileType::kZip:
      return "zip";
    case FileType::kText:
      return "txt";
  }
  return "bin";
}

const char* FileTypeLabel(FileType type) {
  switch (type) {
    case FileType::kUnknown:
      return "未知类型文件";
    case FileType::kPdf:
      return "PDF文档";
    case FileType::kJpeg:
      return "JPEG图片";
    case FileType::kPng:
      return "PNG图片";
    case FileType::kGif:
      return "GIF图片";
    case FileType::kWebp:
      return "WebP图片";
    case FileType::kDocx:
      return "Word文档";
    case FileType::kXlsx:
      return "Excel表格";
    case FileType::kPptx:
      return "PowerPoint演示文稿";
    case FileType::kDoc:
      return "Office 97-2003文档";
    case FileType::kXls:
      return "Excel 97-2003表格";
    case FileType::kZip:
      return "ZIP压缩包";
    case FileType::kText:
      return "纯文本文件";
  }
  return "未知类型文件";
}

}  // namespace gongkai
