// Reading the first worksheet of an .xlsx upload.
//
// The input is hostile: every offset and length read from the archive is
// checked against the buffer before use, sizes are capped, and nothing here
// throws (allocation failure aside). Two small parts:
//   * a minimal ZIP reader (EOCD -> central directory -> local headers,
//     methods 0 and 8, CRC-checked; ZIP64, encryption and multi-disk refused);
//   * a tolerant XML tokenizer, just enough for the OOXML parts we read
//     (_rels/.rels, xl/workbook.xml and its rels, sharedStrings, the sheet).

#include <fmt/core.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/json_util.h"
#include "codec/xlsx.h"

namespace gongkai {
namespace {

// ---- limits -----------------------------------------------------------------

constexpr std::uint64_t kMaxUncompressedTotal = 64ull << 20;  // all entries, as declared
constexpr std::size_t kMaxEntries = 10'000;
constexpr std::size_t kMaxSharedStrings = 2'000'000;
constexpr std::size_t kMaxCells = 2'000'000;            // including gap-filling empty cells
constexpr std::size_t kMaxOutputBytes = 64ull << 20;    // text of all cells
constexpr long kMaxRow = 1'048'576;                     // Excel's own limits
constexpr long kMaxColumns = 16'384;
// Deflate cannot expand by more than about 1032:1; a larger declared size is a lie.
constexpr std::uint64_t kMaxDeflateRatio = 1032;

Error NotXlsx() { return Error::Invalid("不是有效的Excel文件（.xlsx）"); }
Error Corrupt(std::string_view detail) {
  return Error::Invalid(fmt::format("Excel文件已损坏：{}", detail));
}
Error TooLarge(std::string_view detail) {
  return Error::Invalid(fmt::format("Excel文件过大：{}", detail));
}

// ---- ZIP ------------------------------------------------------------------------

constexpr std::uint32_t kSigLocal = 0x04034b50;
constexpr std::uint32_t kSigCentral = 0x02014b50;
constexpr std::uint32_t kSigEocd = 0x06054b50;
constexpr std::uint32_t kSigZip64Locator = 0x07064b50;
constexpr std::size_t kEocdSize = 22;
constexpr std::size_t kCentralSize = 46;
constexpr std::size_t kLocalSize = 30;
constexpr std::size_t kMaxCommentSize = 0xFFFF;

// Little-endian reads; callers have checked that [at, at+N) is inside `b`.
std::uint16_t U16(std::string_view b, std::size_t at) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(b[at]) |
                                    (static_cast<unsigned char>(b[at + 1]) << 8));
}
std::uint32_t U32(std::string_view b, std::size_t at) {
  return static_cast<std::uint32_t>(U16(b, at)) | (static_cast<std::uint32_t>(U16(b, at + 2)) << 16);
}

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// OPC part names compare case-insensitively (ASCII); tolerate '\' separators.
bool SamePartName(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i] == '\\' ? '/' : AsciiLower(a[i]);
    char y = b[i] == '\\' ? '/' : AsciiLower(b[i]);
    if (x != y) return false;
  }
  return true;
}

struct ZipEntry {
  std::string_view name;  // points into the archive bytes
  std::uint16_t flags = 0;
  std::uint16_t method = 0;
  std::uint32_t crc = 0;
  std::uint32_t compressed_size = 0;
  std::uint32_t uncompressed_size = 0;
  std::uint32_t local_offset = 0;
};

class ZipArchive {
 public:
  static Result<ZipArchive> Open(std::string_view bytes) {
    if (bytes.size() >= 4 && bytes.substr(0, 4) == std::string_view("\xD0\xCF\x11\xE0", 4))
      return Unexpected(Error::Invalid(
          "不支持旧版Excel文件（.xls）或设置了密码的Excel文件，请另存为不加密的.xlsx文件后再导入"));
    if (bytes.size() < kEocdSize) return Unexpected(NotXlsx());

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
    if (!eocd) return Unexpected(NotXlsx());
    std::size_t e = *eocd;
    std::uint16_t disk = U16(bytes, e + 4);
    std::uint16_t cd_disk = U16(bytes, e + 6);
    std::uint16_t entries_on_disk = U16(bytes, e + 8);
    std::uint16_t entries_total = U16(bytes, e + 10);
    std::uint32_t cd_size = U32(bytes, e + 12);
    std::uint32_t cd_offset = U32(bytes, e + 16);

    bool zip64_locator = e >= 20 && U32(bytes, e - 20) == kSigZip64Locator;
    if (zip64_locator || entries_total == 0xFFFF || cd_size == 0xFFFFFFFFu || cd_offset == 0xFFFFFFFFu)
      return Unexpected(Error::Invalid("不支持ZIP64格式的Excel文件，请用Excel另存为后再导入"));
    if (disk != 0 || cd_disk != 0 || entries_on_disk != entries_total)
      return Unexpected(Corrupt("不支持分卷压缩的文件"));
    if (entries_total > kMaxEntries)
      return Unexpected(TooLarge(fmt::format("压缩包内的文件超过{}个", kMaxEntries)));
    if (cd_offset > e || cd_size > e - cd_offset)
      return Unexpected(Corrupt("压缩包目录超出文件范围"));

    ZipArchive zip;
    zip.bytes_ = bytes;
    zip.entries_.reserve(entries_total);
    std::size_t p = cd_offset;
    const std::size_t end = std::size_t{cd_offset} + cd_size;
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < entries_total; ++i) {
      if (end - p < kCentralSize || U32(bytes, p) != kSigCentral)
        return Unexpected(Corrupt("压缩包目录不完整"));
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
      if (record > end - p) return Unexpected(Corrupt("压缩包目录不完整"));
      entry.name = bytes.substr(p + kCentralSize, name_len);
      if (entry.compressed_size == 0xFFFFFFFFu || entry.uncompressed_size == 0xFFFFFFFFu ||
          entry.local_offset == 0xFFFFFFFFu)
        return Unexpected(Error::Invalid("不支持ZIP64格式的Excel文件，请用Excel另存为后再导入"));
      if (entry.flags & 0x0041)  // bit 0: encrypted; bit 6: strong encryption
        return Unexpected(Error::Invalid("不支持加密的Excel文件，请取消密码后再导入"));
      total += entry.uncompressed_size;
      if (total > kMaxUncompressedTotal)
        return Unexpected(TooLarge("解压后的内容超过64 MiB"));
      zip.entries_.push_back(entry);
      p += record;
    }
    return zip;
  }

  // First entry with this part name (without a leading '/'), or null.
  const ZipEntry* Find(std::string_view name) const {
    for (const auto& entry : entries_)
      if (SamePartName(entry.name, name)) return &entry;
    return nullptr;
  }

  Result<std::string> Read(const ZipEntry& entry) const {
    const std::string_view b = bytes_;
    std::size_t off = entry.local_offset;
    if (off > b.size() || b.size() - off < kLocalSize || U32(b, off) != kSigLocal)
      return Unexpected(Corrupt("压缩包文件头无效"));
    std::size_t data = off + kLocalSize + U16(b, off + 26) + U16(b, off + 28);
    if (data > b.size() || b.size() - data < entry.compressed_size)
      return Unexpected(Corrupt("压缩数据超出文件范围"));
    std::string_view in = b.substr(data, entry.compressed_size);

    std::string out;
    if (entry.method == 0) {
      if (entry.compressed_size != entry.uncompressed_size)
        return Unexpected(Corrupt("文件大小不一致"));
      out.assign(in);
    } else if (entry.method == 8) {
      if (entry.uncompressed_size > std::uint64_t{entry.compressed_size} * kMaxDeflateRatio + 1024)
        return Unexpected(Corrupt("文件大小不一致"));
      z_stream zs{};
      if (inflateInit2(&zs, -MAX_WBITS) != Z_OK)
        return Unexpected(Error::Internal("无法初始化解压缩"));
      // One byte of slack so that more output than declared is detected.
      out.resize(std::size_t{entry.uncompressed_size} + 1);
      zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
      zs.avail_in = static_cast<uInt>(in.size());
      zs.next_out = reinterpret_cast<Bytef*>(out.data());
      zs.avail_out = static_cast<uInt>(out.size());
      int rc = inflate(&zs, Z_FINISH);
      uLong produced = zs.total_out;
      inflateEnd(&zs);
      if (rc != Z_STREAM_END) return Unexpected(Corrupt("压缩数据无效"));
      if (produced != entry.uncompressed_size) return Unexpected(Corrupt("文件大小不一致"));
      out.resize(entry.uncompressed_size);
    } else {
      return Unexpected(Error::Invalid(
          fmt::format("Excel文件使用了不支持的压缩方式（{}），请用Excel另存为后再导入", entry.method)));
    }
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(out.data()), static_cast<uInt>(out.size()));
    if (crc != entry.crc) return Unexpected(Corrupt("校验和不符"));
    return out;
  }

 private:
  std::string_view bytes_;
  std::vector<ZipEntry> entries_;
};

// ---- XML ------------------------------------------------------------------------

struct XmlToken {
  enum class Kind { kStart, kEnd, kText, kEof };
  Kind kind = Kind::kEof;
  std::string_view name;   // local name (prefix dropped) of a start or end tag
  std::string_view attrs;  // raw attribute text of a start tag
  bool self_closing = false;
  std::string_view text;   // raw character data, or the content of a CDATA section
  bool cdata = false;
};

std::string_view LocalName(std::string_view qname) {
  std::size_t colon = qname.rfind(':');
  return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

bool IsXmlSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view TrimXmlSpace(std::string_view s) {
  while (!s.empty() && IsXmlSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsXmlSpace(s.back())) s.remove_suffix(1);
  return s;
}

// A pull tokenizer. Does not check well-formedness beyond what it needs to
// find the end of each construct; never expands DTD entities.
class XmlReader {
 public:
  explicit XmlReader(std::string_view s) : s_(s) {}

  // False if the markup is broken (an unterminated tag, comment, ...).
  bool Next(XmlToken& t) {
    t = XmlToken{};
    for (;;) {
      if (pos_ >= s_.size()) {
        t.kind = XmlToken::Kind::kEof;
        return true;
      }
      if (s_[pos_] != '<') {
        std::size_t end = s_.find('<', pos_);
        if (end == std::string_view::npos) end = s_.size();
        t.kind = XmlToken::Kind::kText;
        t.text = s_.substr(pos_, end - pos_);
        pos_ = end;
        return true;
      }
      std::string_view rest = s_.substr(pos_);
      if (rest.starts_with("<!--")) {
        if (!SkipPast("-->", 4)) return false;
        continue;
      }
      if (rest.starts_with("<![CDATA[")) {
        std::size_t end = s_.find("]]>", pos_ + 9);
        if (end == std::string_view::npos) return false;
        t.kind = XmlToken::Kind::kText;
        t.cdata = true;
        t.text = s_.substr(pos_ + 9, end - pos_ - 9);
        pos_ = end + 3;
        return true;
      }
      if (rest.starts_with("<?")) {
        if (!SkipPast("?>", 2)) return false;
        continue;
      }
      if (rest.starts_with("<!")) {  // DOCTYPE and the like, with an internal subset
        int depth = 0;
        char quote = 0;
        std::size_t i = pos_ + 2;
        for (; i < s_.size(); ++i) {
          char c = s_[i];
          if (quote) {
            if (c == quote) quote = 0;
          } else if (c == '"' || c == '\'') {
            quote = c;
          } else if (c == '[') {
            ++depth;
          } else if (c == ']') {
            if (depth > 0) --depth;
          } else if (c == '>' && depth == 0) {
            break;
          }
        }
        if (i >= s_.size()) return false;
        pos_ = i + 1;
        continue;
      }
      if (rest.starts_with("</")) {
        std::size_t end = s_.find('>', pos_ + 2);
        if (end == std::string_view::npos) return false;
        t.kind = XmlToken::Kind::kEnd;
        t.name = LocalName(TrimXmlSpace(s_.substr(pos_ + 2, end - pos_ - 2)));
        pos_ = end + 1;
        return true;
      }
      // Start tag: the name, then attributes up to a '>' outside quotes.
      std::size_t name_begin = pos_ + 1;
      std::size_t name_end = name_begin;
      while (name_end < s_.size() && !IsXmlSpace(s_[name_end]) && s_[name_end] != '/' &&
             s_[name_end] != '>')
        ++name_end;
      if (name_end == name_begin) return false;
      char quote = 0;
      std::size_t i = name_end;
      for (; i < s_.size(); ++i) {
        char c = s_[i];
        if (quote) {
          if (c == quote) quote = 0;
        } else if (c == '"' || c == '\'') {
          quote = c;
        } else if (c == '>') {
          break;
        }
      }
      if (i >= s_.size()) return false;
      t.kind = XmlToken::Kind::kStart;
      t.name = LocalName(s_.substr(name_begin, name_end - name_begin));
      std::size_t attrs_end = i;
      if (attrs_end > name_end && s_[attrs_end - 1] == '/') {
        t.self_closing = true;
        --attrs_end;
      }
      t.attrs = s_.substr(name_end, attrs_end - name_end);
      pos_ = i + 1;
      return true;
    }
  }

 private:
  bool SkipPast(std::string_view terminator, std::size_t skip) {
    std::size_t end = s_.find(terminator, pos_ + skip);
    if (end == std::string_view::npos) return false;
    pos_ = end + terminator.size();
    return true;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

// Raw (undecoded) value of the attribute whose local name is `local`;
// namespace declarations are skipped.
std::optional<std::string_view> RawAttr(std::string_view attrs, std::string_view local) {
  std::size_t i = 0;
  while (i < attrs.size()) {
    while (i < attrs.size() && IsXmlSpace(attrs[i])) ++i;
    std::size_t name_begin = i;
    while (i < attrs.size() && attrs[i] != '=' && !IsXmlSpace(attrs[i])) ++i;
    std::string_view qname = attrs.substr(name_begin, i - name_begin);
    while (i < attrs.size() && IsXmlSpace(attrs[i])) ++i;
    if (i >= attrs.size() || attrs[i] != '=') return std::nullopt;
    ++i;
    while (i < attrs.size() && IsXmlSpace(attrs[i])) ++i;
    if (i >= attrs.size() || (attrs[i] != '"' && attrs[i] != '\'')) return std::nullopt;
    char quote = attrs[i++];
    std::size_t end = attrs.find(quote, i);
    if (end == std::string_view::npos) return std::nullopt;
    std::string_view value = attrs.substr(i, end - i);
    i = end + 1;
    if (qname == "xmlns" || qname.starts_with("xmlns:")) continue;
    if (LocalName(qname) == local) return value;
  }
  return std::nullopt;
}

void AppendUtf8(std::string& out, std::uint32_t cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Appends character data: line ends normalized (CRLF and CR to LF, as an XML
// processor must) and, unless `cdata`, the predefined and numeric entities
// decoded. An unknown or malformed reference is kept literally.
void AppendXmlText(std::string& out, std::string_view raw, bool cdata = false) {
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '\r') {
      out += '\n';
      if (i + 1 < raw.size() && raw[i + 1] == '\n') ++i;
      continue;
    }
    if (c != '&' || cdata) {
      out += c;
      continue;
    }
    std::size_t semi = raw.find(';', i + 1);
    if (semi == std::string_view::npos || semi - i > 12) {
      out += c;
      continue;
    }
    std::string_view ref = raw.substr(i + 1, semi - i - 1);
    if (ref == "amp") out += '&';
    else if (ref == "lt") out += '<';
    else if (ref == "gt") out += '>';
    else if (ref == "quot") out += '"';
    else if (ref == "apos") out += '\'';
    else if (ref.size() >= 2 && ref[0] == '#') {
      bool hex = ref[1] == 'x' || ref[1] == 'X';
      std::string_view digits = ref.substr(hex ? 2 : 1);
      if (digits.empty()) {
        out += c;
        continue;
      }
      std::uint32_t cp = 0;
      bool ok = true;
      for (char d : digits) {
        int v = hex ? HexDigit(d) : (d >= '0' && d <= '9' ? d - '0' : -1);
        if (v < 0) {
          ok = false;
          break;
        }
        cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(v);
        if (cp > 0x10FFFF) cp = 0x110000;  // stays invalid, no overflow
      }
      if (!ok) {
        out += c;
        continue;
      }
      AppendUtf8(out, cp);
    } else {
      out += c;
      continue;
    }
    i = semi;
  }
}

std::string XmlText(std::string_view raw) {
  std::string out;
  AppendXmlText(out, raw);
  return out;
}

// Excel escapes characters that XML cannot carry as _xHHHH_ (UTF-16 code
// units, "_x005F_" being a literal underscore); undo that.
std::string DecodeExcelEscapes(std::string_view s) {
  if (s.find("_x") == std::string_view::npos) return std::string(s);
  auto unit_at = [&](std::size_t i) -> int {
    if (i + 7 > s.size() || s[i] != '_' || s[i + 1] != 'x' || s[i + 6] != '_') return -1;
    int v = 0;
    for (std::size_t k = i + 2; k < i + 6; ++k) {
      int d = HexDigit(s[k]);
      if (d < 0) return -1;
      v = v * 16 + d;
    }
    return v;
  };
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    int unit = unit_at(i);
    if (unit < 0) {
      out += s[i++];
      continue;
    }
    i += 7;
    std::uint32_t cp = static_cast<std::uint32_t>(unit);
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      int low = unit_at(i);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (static_cast<std::uint32_t>(low) - 0xDC00);
        i += 7;
      }
    }
    AppendUtf8(out, cp);  // a lone surrogate or NUL becomes U+FFFD
  }
  return out;
}

// Reads a part and checks that it is UTF-8 text (a BOM is dropped).
Result<std::string> ReadXmlPart(const ZipArchive& zip, const ZipEntry& entry, std::string_view what) {
  GK_TRY(data, zip.Read(entry));
  if (data.starts_with(csv::kUtf8Bom)) data.erase(0, csv::kUtf8Bom.size());
  if (!json_util::IsValidUtf8(data))
    return Unexpected(Corrupt(fmt::format("{}不是UTF-8编码的XML", what)));
  return data;
}

Error BadXml(std::string_view what) { return Corrupt(fmt::format("{}的XML格式错误", what)); }

// ---- OPC relationships ------------------------------------------------------------

struct Relationship {
  std::string id;
  std::string type;
  std::string target;
  bool external = false;
};

Result<std::vector<Relationship>> ParseRelationships(std::string_view xml) {
  std::vector<Relationship> rels;
  XmlReader reader(xml);
  XmlToken t;
  for (;;) {
    if (!reader.Next(t)) return Unexpected(BadXml("关系文件"));
    if (t.kind == XmlToken::Kind::kEof) break;
    if (t.kind != XmlToken::Kind::kStart || t.name != "Relationship") continue;
    Relationship rel;
    if (auto v = RawAttr(t.attrs, "Id")) rel.id = XmlText(*v);
    if (auto v = RawAttr(t.attrs, "Type")) rel.type = XmlText(*v);
    if (auto v = RawAttr(t.attrs, "Target")) rel.target = XmlText(*v);
    if (auto v = RawAttr(t.attrs, "TargetMode")) rel.external = XmlText(*v) == "External";
    if (rels.size() >= kMaxEntries) return Unexpected(TooLarge("关系文件条目过多"));
    rels.push_back(std::move(rel));
  }
  return rels;
}

// "xl/" + "worksheets/sheet1.xml", "/xl/x.xml", "../x.xml": a part name without
// the leading '/', or nullopt if the target leaves the package.
std::optional<std::string> ResolveTarget(std::string_view base_dir, std::string_view target) {
  std::string path = target.starts_with('/') ? std::string(target.substr(1))
                                             : std::string(base_dir) + std::string(target);
  std::vector<std::string_view> parts;
  std::string_view rest = path;
  while (!rest.empty()) {
    std::size_t slash = rest.find('/');
    std::string_view seg = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    if (seg.empty() || seg == ".") continue;
    if (seg == "..") {
      if (parts.empty()) return std::nullopt;
      parts.pop_back();
      continue;
    }
    parts.push_back(seg);
  }
  if (parts.empty()) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += '/';
    out += parts[i];
  }
  return out;
}

std::string_view DirOf(std::string_view part) {
  std::size_t slash = part.rfind('/');
  return slash == std::string_view::npos ? std::string_view{} : part.substr(0, slash + 1);
}

std::string RelsPathOf(std::string_view part) {
  std::string_view dir = DirOf(part);
  return fmt::format("{}_rels/{}.rels", dir, part.substr(dir.size()));
}

bool TypeIs(const Relationship& rel, std::string_view suffix) {
  return !rel.external && rel.type.ends_with(suffix);
}

// The relationships of `part`, or none if it has no .rels part.
Result<std::vector<Relationship>> ReadRelationshipsOf(const ZipArchive& zip, std::string_view part) {
  const ZipEntry* entry = zip.Find(RelsPathOf(part));
  if (!entry) return std::vector<Relationship>{};
  GK_TRY(xml, ReadXmlPart(zip, *entry, "关系文件"));
  return ParseRelationships(xml);
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
        strings.push_back(DecodeExcelEscapes(current));
        total_bytes += strings.back().size();
        if (total_bytes > kMaxOutputBytes) return Unexpected(TooLarge("共享字符串过多"));
      }
    } else if (t.kind == XmlToken::Kind::kText && in_t) {
      AppendXmlText(current, t.text, t.cdata);
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
        if (in_v_) AppendXmlText(value_, t.text, t.cdata);
        else if (in_is_t_) AppendXmlText(inline_, t.text, t.cdata);
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
      type_ = "n";
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
    if (type_ == "inlineStr") return DecodeExcelEscapes(in_is_seen_ ? inline_ : value_);
    if (type_ == "str") return DecodeExcelEscapes(value_);
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
  GK_TRY(zip, ZipArchive::Open(bytes));

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
