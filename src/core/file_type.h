// File types of uploads (attachments to disclosure records), decided from
// the bytes alone: the name and the Content-Type a browser sent are never
// trusted. Every function is pure and thread-safe.
#pragma once

#include <string_view>

namespace gongkai {

enum class FileType {
  kUnknown,  // none of the below; serve as a download only
  kPdf,
  kJpeg,
  kPng,
  kGif,
  kWebp,
  kDocx,  // Office Open XML (2007+)
  kXlsx,
  kPptx,
  kDoc,   // OLE2 compound file (Office 97-2003): .doc, but also .xls and .ppt
  kXls,   // never returned by SniffFileType (see kDoc); for callers that know
  kZip,   // a ZIP archive that is not Office Open XML
  kText,  // UTF-8 plain text (which includes HTML, SVG, scripts: see below)
};

// The type of a file whose content starts with `bytes` (pass the whole
// file, or at least its first 8 KiB; OOXML detection may also read the
// central directory at the end). Never reads outside `bytes`.
//
//  * kPdf: starts "%PDF-".  kJpeg: FF D8 FF.  kPng: the 8-byte PNG
//    signature.  kGif: "GIF87a" or "GIF89a".  kWebp: "RIFF" ???? "WEBP".
//  * "PK\x03\x04" (or an empty archive "PK\x05\x06"): a ZIP. It is kDocx,
//    kXlsx or kPptx if an entry name (among the first 64 local headers, or
//    else the central directory) starts "word/", "xl/" or "ppt/" (the first
//    such entry decides), otherwise kZip.
//  * The OLE2 signature D0 CF 11 E0 A1 B1 1A E1: kDoc. Telling .doc from
//    .xls or .ppt needs parsing the compound file, which is not done here.
//  * kText: non-empty, valid UTF-8 (no overlongs, surrogates or code points
//    past U+10FFFF) in the first 8 KiB, with no NUL and no control
//    characters (C0, DEL, C1) other than \t, \r and \n. A multi-byte
//    character cut by the 8 KiB window is allowed. HTML and scripts are
//    text too: kText means "show as text/plain", never "render" or "run".
//  * Anything else, including empty input: kUnknown.
[[nodiscard]] FileType SniffFileType(std::string_view bytes);

// IANA media type: "application/pdf", "image/jpeg", ...,
// "text/plain; charset=utf-8"; "application/octet-stream" for kUnknown.
// The returned string is static.
[[nodiscard]] const char* MimeType(FileType type);

// Conventional file name extension without the dot: "pdf", "jpg", "docx",
// ..., "txt"; "bin" for kUnknown. The returned string is static.
[[nodiscard]] const char* Extension(FileType type);

// Name for people, Simplified Chinese: "PDF文档", "JPEG图片", ... The
// returned string is static.
[[nodiscard]] const char* FileTypeLabel(FileType type);

}  // namespace gongkai
