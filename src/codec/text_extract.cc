#include "codec/text_extract.h"

#include <fmt/core.h>
#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-page.h>
#include <unicode/ucnv.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <iterator>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "codec/json_util.h"
#include "codec/ooxml.h"
#include "codec/zip.h"

namespace gongkai {
namespace {

using Clock = std::chrono::steady_clock;
using ooxml::XmlToken;

// One XML part of an Office file is read at most this far (the rest is
// dropped and the result marked truncated): the text limit is reached long
// before in any real document, and memory stays bounded whatever the
// archive declares.
constexpr std::size_t kMaxPartBytes = 64u << 20;
// What a package's parts may declare in total, and how many there may be.
constexpr std::uint64_t kMaxPackageTotal = 1ull << 30;
constexpr std::size_t kMaxPackageEntries = 10'000;
constexpr std::size_t kMaxSharedStrings = 2'000'000;
// The clock is read once per this many XML tokens.
constexpr std::size_t kTokensPerClockCheck = 1024;

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// ---- UTF-8 ------------------------------------------------------------------------

// Length of the valid UTF-8 sequence starting at s[i] (a non-ASCII lead
// byte), or 0 if it is invalid: bad or missing continuation bytes,
// overlongs, surrogates, past U+10FFFF.
std::size_t Utf8SequenceLength(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  std::size_t n;
  std::uint32_t cp;
  if ((c >> 5) == 0x6) {
    n = 2;
    cp = c & 0x1F;
  } else if ((c >> 4) == 0xE) {
    n = 3;
    cp = c & 0x0F;
  } else if ((c >> 3) == 0x1E) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (s.size() - i < n) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(i + k) >> 6) != 0x2) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
      (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return n;
}

// Appends `s` as valid UTF-8: each invalid byte becomes U+FFFD. With
// `plain`, also: CRLF and CR become LF, form feed and vertical tab become LF,
// and other control characters (C0 but tab and LF, DEL, C1) are dropped.
void AppendUtf8Text(std::string& out, std::string_view s, bool plain) {
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      if (!plain || c == '\t' || c == '\n' || (c >= 0x20 && c != 0x7F)) {
        out += static_cast<char>(c);
      } else if (c == '\r') {
        out += '\n';
        if (i < s.size() && s[i] == '\n') ++i;
      } else if (c == '\f' || c == '\v') {
        out += '\n';
      }
      continue;
    }
    const std::size_t n = Utf8SequenceLength(s, i);
    if (n == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    const bool c1_control = n == 2 && c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0;
    if (!plain || !c1_control) out.append(s.substr(i, n));
    i += n;
  }
}

// The largest character boundary of valid UTF-8 `s` that is <= n.
std::size_t Utf8Boundary(std::string_view s, std::size_t n) {
  if (n >= s.size()) return s.size();
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return n;
}

// a + b, or SIZE_MAX if that overflows.
std::size_t SaturatingAdd(std::size_t a, std::size_t b) { return a > SIZE_MAX - b ? SIZE_MAX : a + b; }

std::string SizeText(std::uint64_t bytes) {
  if (bytes >= (1ull << 20) && bytes % (1ull << 20) == 0) return fmt::format("{} MiB", bytes >> 20);
  if (bytes >= (1ull << 10) && bytes % (1ull << 10) == 0) return fmt::format("{} KiB", bytes >> 10);
  return fmt::format("{}字节", bytes);
}

// ---- the text being built -------------------------------------------------------

// Accumulates text under the limits: appended text is cleaned (valid UTF-8,
// no control characters), the text is cut at max_text_bytes, and once a
// limit is reached further appends are ignored.
class TextSink {
 public:
  TextSink(const ExtractLimits& limits, Clock::time_point start)
      : max_bytes_(limits.max_text_bytes), deadline_(start + limits.time_budget) {}

  // True once a limit stopped the extraction: callers should stop reading.
  [[nodiscard]] bool stopped() const { return stopped_; }

  // True (and stopped) if the time budget is spent.
  bool TimeUp() {
    if (!stopped_ && Clock::now() >= deadline_) Stop();
    return stopped_;
  }

  // Something was left out, but reading goes on.
  void MarkTruncated() { truncated_ = true; }

  // Reading stops here: what we have is not all of the text.
  void Stop() {
    truncated_ = true;
    stopped_ = true;
  }

  void Append(std::string_view raw) {
    if (stopped_ || raw.empty()) return;
    AppendUtf8Text(text_, raw, /*plain=*/true);
    if (text_.size() > max_bytes_) {
      text_.resize(Utf8Boundary(text_, max_bytes_));
      Stop();
    }
  }

  void EndLine() { Append("\n"); }

  // Starts a page, slide, worksheet or document part: an empty line after
  // whatever came before.
  void BeginBlock() {
    if (stopped_ || text_.empty()) return;
    TrimTrailingLineFeeds();
    Append("\n\n");
  }

  ExtractedText Finish(int pages) {
    TrimTrailingLineFeeds();
    return ExtractedText{std::move(text_), truncated_, pages};
  }

 private:
  void TrimTrailingLineFeeds() {
    while (!text_.empty() && text_.back() == '\n') text_.pop_back();
  }

  std::string text_;
  std::size_t max_bytes_;
  Clock::time_point deadline_;
  bool truncated_ = false;
  bool stopped_ = false;
};

// ---- PDF ------------------------------------------------------------------------------

void IgnorePopplerMessage(const std::string& /*message*/, void* /*closure*/) {}

Result<ExtractedText> ExtractPdf(std::string_view bytes, const ExtractLimits& limits, TextSink& sink) {
  static std::once_flag silenced;
  std::call_once(silenced, [] { poppler::set_debug_error_function(IgnorePopplerMessage, nullptr); });

  const Error corrupt = Error::Invalid("PDF文件已损坏或格式不支持");
  if (bytes.size() > static_cast<std::size_t>(INT_MAX)) return Unexpected(corrupt);
  // load_from_raw_data does not copy: `bytes` outlives the document.
  std::unique_ptr<poppler::document> doc(
      poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size())));
  if (!doc) return Unexpected(corrupt);
  if (doc->is_locked()) return Unexpected(Error::Invalid("PDF文件已加密，无法读取文字"));

  const int count = doc->pages();
  int done = 0;
  for (int i = 0; i < count; ++i) {
    if (i >= limits.max_pages) {
      sink.Stop();
      break;
    }
    if (sink.stopped() || sink.TimeUp()) break;
    sink.BeginBlock();
    std::unique_ptr<poppler::page> page(doc->create_page(i));
    if (page) {
      const poppler::byte_array utf8 = page->text().to_utf8();
      sink.Append(std::string_view(utf8.data(), utf8.size()));
    }
    ++done;
  }
  return sink.Finish(done);
}

// ---- Office Open XML --------------------------------------------------------------

struct PackageKind {
  std::string_view noun;         // "Word文件"
  std::string_view not_archive;  // "不是有效的Word文件（.docx）"
};

constexpr PackageKind kWordPackage{"Word文件", "不是有效的Word文件（.docx）"};
constexpr PackageKind kExcelPackage{"Excel文件", "不是有效的Excel文件（.xlsx）"};
constexpr PackageKind kPowerPointPackage{"PowerPoint文件", "不是有效的PowerPoint文件（.pptx）"};

Result<ZipArchive> OpenPackage(std::string_view bytes, const PackageKind& kind) {
  ZipWording wording;
  wording.noun = kind.noun;
  wording.not_archive = kind.not_archive;
  return ZipArchive::Open(bytes, ZipLimits{kMaxPackageTotal, kMaxPackageEntries}, wording);
}

// A part's XML, at most kMaxPartBytes of it (then the sink is marked
// truncated).
Result<std::string> ReadPart(const ZipArchive& zip, const ZipEntry& entry, TextSink& sink) {
  GK_TRY(data, zip.ReadPrefix(entry, kMaxPartBytes));
  if (data.size() < entry.uncompressed_size) sink.MarkTruncated();
  return data;
}

// Feeds the tokens of `xml` to `on_token` until the end, a limit, or broken
// markup (which marks the text truncated; what came before is kept).
template <typename OnToken>
void ScanXml(std::string_view xml, TextSink& sink, OnToken&& on_token) {
  ooxml::XmlReader reader(xml);
  XmlToken t;
  for (std::size_t n = 0;; ++n) {
    if (sink.stopped()) return;
    if (n % kTokensPerClockCheck == 0 && sink.TimeUp()) return;
    if (!reader.Next(t)) {
      sink.MarkTruncated();
      return;
    }
    if (t.kind == XmlToken::Kind::kEof) return;
    on_token(t);
  }
}

// "XL\Worksheets\Sheet1.xml" -> "xl/worksheets/sheet1.xml".
std::string NormalizedPartName(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    if (c == '\\')
      c = '/';
    else if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The entries directly in folder `dir` (normalized, with a trailing '/')
// whose file name starts with `stem` and ends with ".xml", ordered by the
// number before ".xml" ("slide2" before "slide10"), then by name. An entry
// name that occurs twice is taken once (the first, as ZipArchive::Find).
std::vector<const ZipEntry*> NumberedParts(const ZipArchive& zip, std::string_view dir, std::string_view stem) {
  struct Part {
    unsigned long number;
    std::string name;
    const ZipEntry* entry;
  };
  std::vector<Part> parts;
  for (const ZipEntry& entry : zip.entries()) {
    std::string name = NormalizedPartName(entry.name);
    if (!name.starts_with(dir) || !name.ends_with(".xml")) continue;
    std::string_view file = std::string_view(name).substr(dir.size());
    if (file.find('/') != std::string_view::npos || !file.starts_with(stem)) continue;
    std::string_view base = file.substr(0, file.size() - 4);
    std::size_t digits = base.size();
    while (digits > 0 && base[digits - 1] >= '0' && base[digits - 1] <= '9') --digits;
    unsigned long number = ULONG_MAX;
    if (digits < base.size() && base.size() - digits <= 9) {
      number = 0;
      for (char c : base.substr(digits)) number = number * 10 + static_cast<unsigned long>(c - '0');
    }
    parts.push_back(Part{number, std::move(name), &entry});
  }
  std::stable_sort(parts.begin(), parts.end(), [](const Part& a, const Part& b) {
    return std::tie(a.number, a.name) < std::tie(b.number, b.name);
  });
  std::vector<const ZipEntry*> out;
  for (std::size_t i = 0; i < parts.size(); ++i)
    if (i == 0 || parts[i].name != parts[i - 1].name) out.push_back(parts[i].entry);
  return out;
}

// Text of WordprocessingML (.docx) or DrawingML (.pptx) paragraphs.
class ParagraphScanner {
 public:
  enum class Dialect { kWord, kDrawing };
  ParagraphScanner(Dialect dialect, TextSink& sink) : word_(dialect == Dialect::kWord), sink_(sink) {}

  void operator()(const XmlToken& t) {
    // mc:AlternateContent holds the same content twice (mc:Choice and an
    // mc:Fallback for old readers); read only the first.
    if (t.name == "Fallback") {
      if (t.kind == XmlToken::Kind::kStart && !t.self_closing) ++fallback_;
      if (t.kind == XmlToken::Kind::kEnd && fallback_ > 0) --fallback_;
      return;
    }
    if (fallback_ > 0) return;
    switch (t.kind) {
      case XmlToken::Kind::kStart:
        if (t.name == "t") {
          in_text_ = !t.self_closing;
        } else if (t.name == "p") {
          if (t.self_closing) sink_.EndLine();
        } else if (t.name == "br" || (word_ && t.name == "cr")) {
          // Word's breaks are inside runs; <w:br> elsewhere is not content.
          if (!word_ || run_ > 0) sink_.EndLine();
        } else if (word_ && run_ > 0 && t.name == "tab") {
          sink_.Append("\t");  // (tab stops, <w:tabs><w:tab>, are not inside a run)
        } else if (word_ && run_ > 0 && t.name == "noBreakHyphen") {
          sink_.Append("-");
        } else if (word_ && t.name == "r" && !t.self_closing) {
          ++run_;
        }
        break;
      case XmlToken::Kind::kEnd:
        if (t.name == "t") {
          in_text_ = false;
        } else if (t.name == "p") {
          in_text_ = false;
          sink_.EndLine();
        } else if (word_ && t.name == "r" && run_ > 0) {
          --run_;
        }
        break;
      case XmlToken::Kind::kText:
        if (in_text_) {
          buffer_.clear();
          ooxml::AppendXmlText(buffer_, t.text, t.cdata);
          sink_.Append(buffer_);
        }
        break;
      case XmlToken::Kind::kEof:
        break;
    }
  }

 private:
  bool word_;
  TextSink& sink_;
  int fallback_ = 0;
  int run_ = 0;
  bool in_text_ = false;
  std::string buffer_;
};

// Reads the parts in order, each a block of text. A part that cannot be read
// (bad checksum, ...) is skipped and the text marked truncated; if none could
// be read, the first error is returned.
template <typename ScanPart>
Result<int> ScanParts(const ZipArchive& zip, const std::vector<const ZipEntry*>& parts, int max_parts, TextSink& sink,
                      ScanPart&& scan_part) {
  int done = 0;
  std::optional<Error> first_error;
  for (const ZipEntry* entry : parts) {
    if (done >= max_parts) {
      sink.Stop();
      break;
    }
    if (sink.stopped() || sink.TimeUp()) break;
    auto xml = ReadPart(zip, *entry, sink);
    if (!xml) {
      if (!first_error) first_error = std::move(xml).error();
      sink.MarkTruncated();
      continue;
    }
    sink.BeginBlock();
    scan_part(*xml);
    ++done;
  }
  if (done == 0 && first_error) return Unexpected(std::move(*first_error));
  return done;
}

Result<ExtractedText> ExtractDocx(std::string_view bytes, TextSink& sink) {
  GK_TRY(zip, OpenPackage(bytes, kWordPackage));
  // The main part: from the package relationships, else the usual name.
  const ZipEntry* main = nullptr;
  if (auto rels = ooxml::ReadRelationshipsOf(zip, "", kMaxPartBytes)) {
    for (const auto& rel : *rels) {
      if (!ooxml::TypeIs(rel, "/officeDocument")) continue;
      if (auto path = ooxml::ResolveTarget("", rel.target)) main = zip.Find(*path);
      break;
    }
  }
  if (!main) main = zip.Find("word/document.xml");
  if (!main) return Unexpected(zip.Corrupt("缺少正文（word/document.xml）"));

  // Only the main part is required: an unreadable header is skipped (and
  // the text marked truncated).
  GK_TRY(main_xml, ReadPart(zip, *main, sink));
  ScanXml(main_xml, sink, ParagraphScanner(ParagraphScanner::Dialect::kWord, sink));
  std::vector<const ZipEntry*> more;
  for (std::string_view stem : {"header", "footer", "footnotes", "endnotes"})
    for (const ZipEntry* entry : NumberedParts(zip, "word/", stem))
      if (entry != main) more.push_back(entry);
  static_cast<void>(ScanParts(zip, more, INT_MAX, sink, [&](std::string_view xml) {
    ScanXml(xml, sink, ParagraphScanner(ParagraphScanner::Dialect::kWord, sink));
  }));
  return sink.Finish(0);
}

Result<ExtractedText> ExtractPptx(std::string_view bytes, const ExtractLimits& limits, TextSink& sink) {
  GK_TRY(zip, OpenPackage(bytes, kPowerPointPackage));
  GK_TRY(slides,
         ScanParts(zip, NumberedParts(zip, "ppt/slides/", "slide"), limits.max_pages, sink, [&](std::string_view xml) {
           ScanXml(xml, sink, ParagraphScanner(ParagraphScanner::Dialect::kDrawing, sink));
         }));
  return sink.Finish(slides);
}

// Shared strings of a workbook (phonetic runs left out), as far as they can
// be read.
std::vector<std::string> ReadSharedStrings(std::string_view xml, TextSink& sink) {
  std::vector<std::string> strings;
  bool in_si = false;
  bool in_t = false;
  int phonetic = 0;
  std::string current;
  ScanXml(xml, sink, [&](const XmlToken& t) {
    if (t.kind == XmlToken::Kind::kStart) {
      if (t.name == "si") {
        current.clear();
        in_t = false;
        phonetic = 0;
        in_si = !t.self_closing;
        if (t.self_closing && strings.size() < kMaxSharedStrings) strings.emplace_back();
      } else if (in_si && t.name == "rPh" && !t.self_closing) {
        ++phonetic;
      } else if (in_si && t.name == "t" && !t.self_closing && phonetic == 0) {
        in_t = true;
      }
    } else if (t.kind == XmlToken::Kind::kEnd) {
      if (t.name == "t") {
        in_t = false;
      } else if (t.name == "rPh") {
        if (phonetic > 0) --phonetic;
      } else if (t.name == "si" && in_si) {
        in_si = in_t = false;
        if (strings.size() < kMaxSharedStrings)
          strings.push_back(ooxml::DecodeExcelEscapes(current));
        else
          sink.MarkTruncated();
      }
    } else if (t.kind == XmlToken::Kind::kText && in_t) {
      ooxml::AppendXmlText(current, t.text, t.cdata);
    }
  });
  return strings;
}

// One worksheet: a line per row with a value, the values separated by tabs
// (tabs and line breaks inside a value become spaces).
class SheetScanner {
 public:
  SheetScanner(const std::vector<std::string>& shared, TextSink& sink) : shared_(shared), sink_(sink) {}

  void operator()(const XmlToken& t) {
    if (t.kind == XmlToken::Kind::kStart) {
      if (t.name == "row") {
        EndRow();
      } else if (t.name == "c") {
        type_ = "n";
        if (auto ty = ooxml::RawAttr(t.attrs, "t")) type_ = ooxml::XmlText(*ty);
        value_.clear();
        inline_.clear();
        in_v_ = in_is_ = in_is_t_ = in_is_seen_ = false;
        phonetic_ = 0;
        in_cell_ = !t.self_closing;
      } else if (in_cell_ && !t.self_closing) {
        if (t.name == "v")
          in_v_ = true;
        else if (t.name == "is")
          in_is_ = in_is_seen_ = true;
        else if (t.name == "rPh")
          ++phonetic_;
        else if (t.name == "t" && in_is_ && phonetic_ == 0)
          in_is_t_ = true;
      }
    } else if (t.kind == XmlToken::Kind::kEnd) {
      if (t.name == "row" || t.name == "sheetData") {
        EndRow();
      } else if (t.name == "c" && in_cell_) {
        in_cell_ = false;
        AddCell(CellValue());
      } else if (in_cell_) {
        if (t.name == "v")
          in_v_ = false;
        else if (t.name == "is")
          in_is_ = in_is_t_ = false;
        else if (t.name == "t")
          in_is_t_ = false;
        else if (t.name == "rPh" && phonetic_ > 0)
          --phonetic_;
      }
    } else if (t.kind == XmlToken::Kind::kText && in_cell_) {
      if (in_v_)
        ooxml::AppendXmlText(value_, t.text, t.cdata);
      else if (in_is_t_)
        ooxml::AppendXmlText(inline_, t.text, t.cdata);
    }
  }

  // Ends the last row of a sheet that broke off.
  void Finish() { EndRow(); }

 private:
  std::string CellValue() {
    if (type_ == "s") {
      std::string_view index = ooxml::TrimXmlSpace(value_);
      if (index.empty() || index.size() > 9 ||
          !std::all_of(index.begin(), index.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return {};
      std::size_t i = std::stoul(std::string(index));
      return i < shared_.size() ? shared_[i] : std::string();
    }
    if (type_ == "inlineStr") return ooxml::DecodeExcelEscapes(in_is_seen_ ? inline_ : value_);
    if (type_ == "str") return ooxml::DecodeExcelEscapes(value_);
    std::string_view v = ooxml::TrimXmlSpace(value_);
    if (type_ == "b") return v == "1" ? "TRUE" : v == "0" ? "FALSE" : std::string(v);
    return std::string(v);  // numbers, errors (#N/A), ISO dates: as written
  }

  void AddCell(std::string value) {
    if (value.empty()) return;
    for (char& c : value)
      if (c == '\t' || c == '\n' || c == '\r') c = ' ';
    if (cells_in_row_++ > 0) sink_.Append("\t");
    sink_.Append(value);
  }

  void EndRow() {
    if (cells_in_row_ > 0) sink_.EndLine();
    cells_in_row_ = 0;
  }

  const std::vector<std::string>& shared_;
  TextSink& sink_;
  int cells_in_row_ = 0;
  bool in_cell_ = false;
  bool in_v_ = false;
  bool in_is_ = false;
  bool in_is_t_ = false;
  bool in_is_seen_ = false;  // an <is> was present (else a lenient writer used <v>)
  int phonetic_ = 0;
  std::string type_;
  std::string value_;
  std::string inline_;
};

Result<ExtractedText> ExtractXlsx(std::string_view bytes, const ExtractLimits& limits, TextSink& sink) {
  GK_TRY(zip, OpenPackage(bytes, kExcelPackage));
  std::vector<std::string> shared;
  if (const ZipEntry* entry = zip.Find("xl/sharedStrings.xml")) {
    // Without the shared strings most cells are empty, but numbers remain.
    if (auto xml = ReadPart(zip, *entry, sink))
      shared = ReadSharedStrings(*xml, sink);
    else
      sink.MarkTruncated();
  }
  GK_TRY(sheets,
         ScanParts(zip, NumberedParts(zip, "xl/worksheets/", ""), limits.max_pages, sink, [&](std::string_view xml) {
           SheetScanner scanner(shared, sink);
           ScanXml(xml, sink, [&](const XmlToken& t) { scanner(t); });
           scanner.Finish();
         }));
  return sink.Finish(sheets);
}

// ---- plain text -------------------------------------------------------------------------

// Converts `in` from `charset` to UTF-8 with ICU, at most `max_bytes` of
// output (cut at a character boundary; `truncated` set). Undecodable bytes
// become U+FFFD.
Result<std::string> DecodeToUtf8(std::string_view in, const char* charset, std::size_t max_bytes, bool& truncated) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, decltype(&ucnv_close)> from(ucnv_open(charset, &status), ucnv_close);
  std::unique_ptr<UConverter, decltype(&ucnv_close)> to(ucnv_open("UTF-8", &status), ucnv_close);
  if (U_FAILURE(status) || !from || !to) return Unexpected(Error::Internal("无法加载字符编码转换器"));
  // Every input byte gives at most 3 bytes of UTF-8 (an invalid byte is U+FFFD).
  // The 4 bytes of slack past max_bytes tell "cut" from "exactly max_bytes".
  std::string out(std::min(SaturatingAdd(SaturatingAdd(in.size(), in.size()), SaturatingAdd(in.size(), 4)),
                           SaturatingAdd(max_bytes, 4)),
                  '\0');
  char* target = out.data();
  const char* source = in.data();
  UChar pivot[4096];
  UChar* pivot_source = pivot;
  UChar* pivot_target = pivot;
  ucnv_convertEx(to.get(), from.get(), &target, out.data() + out.size(), &source, in.data() + in.size(), pivot,
                 &pivot_source, &pivot_target, pivot + std::size(pivot), /*reset=*/true, /*flush=*/true, &status);
  if (status == U_BUFFER_OVERFLOW_ERROR) {
    truncated = true;
  } else if (U_FAILURE(status)) {
    return Unexpected(Error::Invalid("文本文件的编码无法识别"));
  }
  out.resize(static_cast<std::size_t>(target - out.data()));
  return out;
}

Result<ExtractedText> ExtractPlainText(std::string_view bytes, const ExtractLimits& limits) {
  ExtractedText result;
  std::string_view s = bytes;
  if (s.starts_with(kUtf8Bom)) s.remove_prefix(kUtf8Bom.size());
  std::string decoded;
  if (json_util::IsValidUtf8(s)) {
    decoded.assign(s.substr(0, std::min(s.size(), SaturatingAdd(limits.max_text_bytes, 4))));
    result.truncated = s.size() > decoded.size();
  } else {
    const char* charset = "GB18030";
    if (s.starts_with("\xFF\xFE")) {
      charset = "UTF-16LE";
      s.remove_prefix(2);
    } else if (s.starts_with("\xFE\xFF")) {
      charset = "UTF-16BE";
      s.remove_prefix(2);
    }
    GK_TRY(out, DecodeToUtf8(s, charset, limits.max_text_bytes, result.truncated));
    decoded = std::move(out);
  }
  // Both paths give valid UTF-8 but for a character cut at the end; make
  // sure of it, then cut at the limit.
  result.text.reserve(std::min(decoded.size(), limits.max_text_bytes) + kReplacement.size());
  AppendUtf8Text(result.text, decoded, /*plain=*/false);
  if (result.text.size() > limits.max_text_bytes) {
    result.text.resize(Utf8Boundary(result.text, limits.max_text_bytes));
    result.truncated = true;
  }
  return result;
}

Result<ExtractedText> Extract(std::string_view bytes, FileType type, const ExtractLimits& limits) {
  const auto start = Clock::now();
  if (bytes.size() > limits.max_input_bytes)
    return Unexpected(Error::Invalid(fmt::format("文件超过{}，不提取文字", SizeText(limits.max_input_bytes))));
  TextSink sink(limits, start);
  switch (type) {
    case FileType::kPdf:
      return ExtractPdf(bytes, limits, sink);
    case FileType::kDocx:
      return ExtractDocx(bytes, sink);
    case FileType::kXlsx:
      return ExtractXlsx(bytes, limits, sink);
    case FileType::kPptx:
      return ExtractPptx(bytes, limits, sink);
    case FileType::kText:
      return ExtractPlainText(bytes, limits);
    case FileType::kUnknown:
    case FileType::kJpeg:
    case FileType::kPng:
    case FileType::kGif:
    case FileType::kWebp:
    case FileType::kDoc:
    case FileType::kXls:
    case FileType::kZip:
      break;
  }
  return Unexpected(Error::Invalid(fmt::format("{}不提取文字", FileTypeLabel(type))));
}

}  // namespace

Result<ExtractedText> ExtractText(std::string_view bytes, FileType type, const ExtractLimits& limits) {
  try {
    return Extract(bytes, type, limits);
  } catch (const std::bad_alloc&) {
    return Unexpected(Error::Invalid("文件内容过多，内存不足，无法提取文字"));
  } catch (...) {  // poppler and the standard library may throw; never let it out
    return Unexpected(Error::Invalid("文件已损坏，无法提取文字"));
  }
}

}  // namespace gongkai
