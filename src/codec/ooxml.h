// Helpers shared by the readers of Office Open XML packages (.xlsx, .docx,
// .pptx): a tolerant pull tokenizer for the XML parts, character data
// decoding, and the OPC relationships that link the parts.
//
// There is no DOM: callers scan tokens and keep only what they need, so
// memory stays proportional to the part. DTD entities are never expanded
// (no "billion laughs"); only the five predefined entities and numeric
// character references are decoded. Pure functions, thread-safe; nothing
// throws (allocation failure aside).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/zip.h"
#include "core/error.h"

namespace gongkai::ooxml {

// ---- XML tokens ---------------------------------------------------------------

struct XmlToken {
  enum class Kind { kStart, kEnd, kText, kEof };
  Kind kind = Kind::kEof;
  std::string_view name;   // local name (prefix dropped) of a start or end tag
  std::string_view attrs;  // raw attribute text of a start tag
  bool self_closing = false;
  std::string_view text;  // raw character data, or the content of a CDATA section
  bool cdata = false;
};

// A pull tokenizer over one XML document held in memory (which must outlive
// the reader: tokens point into it). Comments, processing instructions and
// DOCTYPE declarations are skipped. It does not check well-formedness beyond
// what it needs to find the end of each construct: end tags need not match.
class XmlReader {
 public:
  explicit XmlReader(std::string_view s) : s_(s) {}

  // The next token into `t` (kind kEof at the end, and again after that).
  // False if the markup is broken (an unterminated tag, comment, ...); the
  // reader should not be used after that.
  bool Next(XmlToken& t);

  // Bytes consumed so far.
  [[nodiscard]] std::size_t position() const { return pos_; }

 private:
  bool SkipPast(std::string_view terminator, std::size_t skip);

  std::string_view s_;
  std::size_t pos_ = 0;
};

// "w:t" -> "t"; a name without a prefix is returned as is.
[[nodiscard]] std::string_view LocalName(std::string_view qname);

[[nodiscard]] inline bool IsXmlSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
[[nodiscard]] std::string_view TrimXmlSpace(std::string_view s);

// Raw (undecoded: pass it to XmlText) value of the attribute whose local
// name is `local` in the attribute text of a start tag; namespace
// declarations are skipped. nullopt if absent or if the attributes are
// malformed before it.
[[nodiscard]] std::optional<std::string_view> RawAttr(std::string_view attrs, std::string_view local);

// ---- character data -----------------------------------------------------------

// Appends `cp` as UTF-8; NUL, surrogates and values past U+10FFFF become
// U+FFFD.
void AppendUtf8(std::string& out, std::uint32_t cp);

// Appends character data: line ends normalized (CRLF and CR to LF, as an XML
// processor must) and, unless `cdata`, the predefined entities (&amp; &lt;
// &gt; &quot; &apos;) and character references (&#20320; &#x4F60;) decoded.
// An unknown or malformed reference is kept literally; a reference to NUL, a
// surrogate or a value past U+10FFFF becomes U+FFFD. Does not validate the
// UTF-8 of `raw`.
void AppendXmlText(std::string& out, std::string_view raw, bool cdata = false);

// AppendXmlText into a new string (for attribute values too).
[[nodiscard]] std::string XmlText(std::string_view raw);

// SpreadsheetML escapes characters that XML cannot carry as _xHHHH_ (UTF-16
// code units, "_x005F_" being a literal underscore); undoes that. A lone
// surrogate or NUL becomes U+FFFD.
[[nodiscard]] std::string DecodeExcelEscapes(std::string_view s);

// ---- OPC packages ---------------------------------------------------------------

inline constexpr std::size_t kMaxRelationships = 10'000;

struct Relationship {
  std::string id;
  std::string type;    // a URI; compare its end with TypeIs
  std::string target;  // relative to the source part's folder unless it starts with '/'
  bool external = false;
};

// Reads an XML part and checks that it is UTF-8 (a BOM is dropped). Refuses
// in the archive's wording: "{noun}已损坏：{what}不是UTF-8编码的XML", and
// whatever ZipArchive::Read refuses (a part larger than `max_bytes`, ...).
[[nodiscard]] Result<std::string> ReadXmlPart(const ZipArchive& zip, const ZipEntry& entry, std::string_view what,
                                              std::size_t max_bytes = kZipNoLimit);

// The relationships of `part` (a part name without a leading '/'; "" for the
// package itself, i.e. "_rels/.rels"), in document order; none if the
// package has no relationships part for it. Refuses broken XML and more than
// kMaxRelationships relationships, in the archive's wording.
[[nodiscard]] Result<std::vector<Relationship>> ReadRelationshipsOf(const ZipArchive& zip, std::string_view part,
                                                                    std::size_t max_bytes = kZipNoLimit);

// True if `rel` is internal and its type ends with `suffix`
// ("/officeDocument", "/sharedStrings", "/worksheet", ...).
[[nodiscard]] bool TypeIs(const Relationship& rel, std::string_view suffix);

// The part name a target points to: ResolveTarget("xl/", "worksheets/sheet1.xml")
// is "xl/worksheets/sheet1.xml"; "/xl/x.xml" is absolute; ".." climbs. nullopt
// if the target climbs out of the package or names nothing.
[[nodiscard]] std::optional<std::string> ResolveTarget(std::string_view base_dir, std::string_view target);

// "xl/workbook.xml" -> "xl/"; "" for a part at the root.
[[nodiscard]] std::string_view DirOf(std::string_view part);

// "xl/workbook.xml" -> "xl/_rels/workbook.xml.rels"; "" -> "_rels/.rels".
[[nodiscard]] std::string RelsPathOf(std::string_view part);

}  // namespace gongkai::ooxml
