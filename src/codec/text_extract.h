// The text of an uploaded attachment (PDF, .docx, .xlsx, .pptx, plain
// text), for full-text search and the personal-information scan.
//
// The input is hostile and the work is bounded: the input size, the size of
// the text, the number of pages and the wall-clock time are capped
// (ExtractLimits). Nothing here throws, and a corrupt or malicious file gives
// an Error, never a crash (PDFs are parsed by poppler, in process: see below).
//
// Formats:
//  * kPdf: poppler-cpp, page by page; pages are separated by "\n\n". The
//    time budget, the page limit and the text limit are checked between
//    pages only: poppler cannot be interrupted inside a page, so one hostile
//    page can overrun the budget. poppler's diagnostics are silenced.
//  * kDocx: word/document.xml (found through the package relationships),
//    then the headers, footers, footnotes and endnotes. w:t runs; w:tab is a
//    tab, w:br and w:cr a line break; each paragraph ends a line; the
//    fallback copy of alternate content (text boxes) is skipped, so text is
//    not doubled; deleted text (w:delText) and field codes are left out.
//  * kXlsx: every worksheet (xl/worksheets/*.xml, in sheet number order) is
//    a block of lines, one per non-empty row, its non-empty cells separated
//    by tabs: shared strings, inline strings, formula strings, booleans
//    (TRUE/FALSE), numbers as written in the file (not as displayed).
//  * kPptx: each ppt/slides/slideN.xml in slide number order: a:t runs,
//    a:br a line break, each a:p ends a line. Speaker notes are not read.
//  * kText: valid UTF-8 is returned as is (a UTF-8 BOM stripped; line ends
//    kept). Otherwise a UTF-16 BOM means UTF-16, and anything else is
//    decoded as GB18030 (which covers GBK and GB2312, common in Chinese
//    offices); undecodable bytes become U+FFFD.
//  * Anything else (images, .doc/.xls, plain ZIP archives, kUnknown):
//    Error::Invalid("…不提取文字"); callers treat this as "no text".
//
// For PDF and Office files line ends are "\n", blocks (pages, slides,
// worksheets, document parts) are separated by an empty line, control
// characters other than tab and line feed are dropped, and trailing line
// feeds are removed.
//
// Thread-safety: calls share no state of gongkai's; each gives poppler a
// document of its own (poppler locks its own globals). Concurrent PDF
// extraction has not been stress-tested.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/file_type.h"

namespace gongkai {

struct ExtractLimits {
  // Larger input is refused (kInvalidInput), not read.
  std::size_t max_input_bytes = 64u << 20;
  // The text is cut at a character boundary at this many bytes.
  std::size_t max_text_bytes = 4u << 20;
  // Wall-clock time after which extraction stops and returns what it has
  // (see the PDF note above for the granularity).
  std::chrono::milliseconds time_budget{5000};
  // At most this many PDF pages, slides or worksheets are read.
  int max_pages = 2000;
};

struct ExtractedText {
  std::string text;  // valid UTF-8, at most max_text_bytes bytes
  // True if `text` is not all of the file's text: a limit was reached (text
  // size, pages, time, the size of one part of an Office file) or an Office
  // part broke off in the middle (what came before it is kept).
  bool truncated = false;
  // PDF pages, slides or worksheets whose text is in `text`; 0 for .docx and
  // plain text, which have no pages in the file.
  int pages = 0;
};

// The text of `bytes`, a file of type `type` (as decided by SniffFileType:
// the caller passes it so that the file is sniffed only once).
// Errors, all kInvalidInput with a message in Chinese: input over
// max_input_bytes; a type without text ("JPEG图片不提取文字"); a PDF that is
// encrypted ("PDF文件已加密，无法读取文字") or that poppler cannot open
// ("PDF文件已损坏或格式不支持"); an Office file that is not a valid ZIP
// package or lacks its main part ("Word文件已损坏：…"); memory exhaustion.
// A file with no text at all is not an error: the text is empty.
[[nodiscard]] Result<ExtractedText> ExtractText(std::string_view bytes, FileType type,
                                                const ExtractLimits& limits = {});

}  // namespace gongkai
