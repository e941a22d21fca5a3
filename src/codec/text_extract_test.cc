#include "codec/text_extract.h"

#include <fmt/core.h>
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "codec/json_util.h"
#include "codec/zip_test_util.h"

namespace gongkai {
namespace {

using test_zip::Part;

// ---- hand-written PDFs ---------------------------------------------------------------

// A stream object's body.
std::string PdfStream(std::string_view data, std::string_view extra_dict = "") {
  return fmt::format("<< /Length {} {}>>\nstream\n{}\nendstream", data.size(), extra_dict, data);
}

// A PDF whose object N is objects[N-1] (object 1 is the catalog), with a
// correct cross-reference table.
std::string MakePdf(const std::vector<std::string>& objects, std::string_view trailer_extra = "") {
  std::string out = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(out.size());
    out += fmt::format("{} 0 obj\n{}\nendobj\n", i + 1, objects[i]);
  }
  const std::size_t xref = out.size();
  out += fmt::format("xref\n0 {}\n0000000000 65535 f \n", objects.size() + 1);
  for (std::size_t offset : offsets) out += fmt::format("{:010} 00000 n \n", offset);
  out += fmt::format("trailer\n<< /Size {} /Root 1 0 R {}>>\nstartxref\n{}\n%%EOF\n", objects.size() + 1, trailer_extra,
                     xref);
  return out;
}

// One page per entry of `pages`, each showing its (ASCII) text in Helvetica.
std::string HelveticaPdf(const std::vector<std::string>& pages, std::string_view trailer_extra = "",
                         const std::vector<std::string>& extra_objects = {}) {
  // 1 catalog, 2 pages, 3 font, then per page: the page and its content.
  std::vector<std::string> objects(3);
  std::string kids;
  for (std::size_t i = 0; i < pages.size(); ++i) {
    const std::size_t page = 4 + 2 * i;
    kids += fmt::format("{} 0 R ", page);
    objects.push_back(
        fmt::format("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
                    "/Contents {} 0 R >>",
                    page + 1));
    objects.push_back(PdfStream(fmt::format("BT /F1 24 Tf 72 700 Td ({}) Tj ET", pages[i])));
  }
  objects[0] = "<< /Type /Catalog /Pages 2 0 R >>";
  objects[1] = fmt::format("<< /Type /Pages /Kids [{}] /Count {} >>", kids, pages.size());
  objects[2] = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";
  for (const auto& extra : extra_objects) objects.push_back(extra);
  return MakePdf(objects, trailer_extra);
}

// One page showing 扶贫资金 in a Type0 font (Identity-H, no embedded glyphs):
// the text is known only through the ToUnicode CMap.
std::string ChinesePdf() {
  const std::string cmap =
      "/CIDInit /ProcSet findresource begin\n"
      "12 dict begin\n"
      "begincmap\n"
      "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
      "/CMapName /Adobe-Identity-UCS def\n"
      "/CMapType 2 def\n"
      "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
      "4 beginbfchar\n<0001> <6276>\n<0002> <8D2B>\n<0003> <8D44>\n<0004> <91D1>\nendbfchar\n"
      "endcmap\n"
      "CMapName currentdict /CMap defineresource pop\n"
      "end\nend";
  return MakePdf({
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
      "/Contents 5 0 R >>",
      "<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H "
      "/DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
      PdfStream("BT /F1 24 Tf 72 700 Td <0001000200030004> Tj ET"),
      "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun "
      "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
      "/FontDescriptor 8 0 R /DW 1000 >>",
      PdfStream(cmap),
      "<< /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 -200 1000 900] /ItalicAngle 0 "
      "/Ascent 900 /Descent -200 /CapHeight 700 /StemV 80 >>",
  });
}

// ---- checks -------------------------------------------------------------------------------

// The invariants every successful result obeys.
void ExpectWellFormed(const ExtractedText& result, const ExtractLimits& limits = {}) {
  EXPECT_TRUE(json_util::IsValidUtf8(result.text));
  EXPECT_LE(result.text.size(), limits.max_text_bytes);
  EXPECT_GE(result.pages, 0);
  EXPECT_LE(result.pages, limits.max_pages);
}

ExtractedText Extracted(std::string_view bytes, FileType type, const ExtractLimits& limits = {}) {
  auto result = ExtractText(bytes, type, limits);
  EXPECT_TRUE(result.has_value()) << (result ? "" : result.error().message);
  if (!result) return {};
  ExpectWellFormed(*result, limits);
  return *result;
}

void ExpectRefused(std::string_view bytes, FileType type, std::string_view message_part,
                   const ExtractLimits& limits = {}) {
  auto result = ExtractText(bytes, type, limits);
  ASSERT_FALSE(result.has_value()) << result->text;
  EXPECT_EQ(result.error().code, ErrorCode::kInvalidInput);
  EXPECT_NE(result.error().message.find(message_part), std::string::npos) << result.error().message;
}

// Whatever `bytes` is: a well-formed result or a kInvalidInput refusal with a message.
void ExpectHandled(std::string_view bytes, FileType type, const ExtractLimits& limits = {}) {
  auto result = ExtractText(bytes, type, limits);
  if (result) {
    ExpectWellFormed(*result, limits);
  } else {
    EXPECT_EQ(result.error().code, ErrorCode::kInvalidInput);
    EXPECT_FALSE(result.error().message.empty());
    EXPECT_TRUE(json_util::IsValidUtf8(result.error().message));
  }
}

// ---- PDF -------------------------------------------------------------------------------------

TEST(TextExtractTest, PdfAsciiText) {
  auto result = Extracted(HelveticaPdf({"Hello PDF 2024"}), FileType::kPdf);
  EXPECT_EQ(result.text, "Hello PDF 2024");
  EXPECT_EQ(result.pages, 1);
  EXPECT_FALSE(result.truncated);
}

TEST(TextExtractTest, PdfChineseTextThroughToUnicode) {
  auto result = Extracted(ChinesePdf(), FileType::kPdf);
  EXPECT_NE(result.text.find("扶贫资金"), std::string::npos) << result.text;
  EXPECT_EQ(result.pages, 1);
}

TEST(TextExtractTest, PdfPagesAreSeparatedByAnEmptyLine) {
  auto result = Extracted(HelveticaPdf({"Page one", "Page two", "Page three"}), FileType::kPdf);
  EXPECT_EQ(result.text, "Page one\n\nPage two\n\nPage three");
  EXPECT_EQ(result.pages, 3);
  EXPECT_FALSE(result.truncated);
}

TEST(TextExtractTest, PdfPageLimit) {
  ExtractLimits limits;
  limits.max_pages = 2;
  auto result = Extracted(HelveticaPdf({"Page one", "Page two", "Page three"}), FileType::kPdf, limits);
  EXPECT_EQ(result.text, "Page one\n\nPage two");
  EXPECT_EQ(result.pages, 2);
  EXPECT_TRUE(result.truncated);
}

TEST(TextExtractTest, PdfTextLimit) {
  ExtractLimits limits;
  limits.max_text_bytes = 12;
  auto result = Extracted(HelveticaPdf({"Page one", "Page two"}), FileType::kPdf, limits);
  EXPECT_EQ(result.text, "Page one\n\nPa");
  EXPECT_TRUE(result.truncated);
}

TEST(TextExtractTest, PdfTimeBudgetSpentReturnsWhatWasRead) {
  ExtractLimits limits;
  limits.time_budget = std::chrono::milliseconds(0);
  auto result = Extracted(HelveticaPdf({"Page one", "Page two"}), FileType::kPdf, limits);
  EXPECT_EQ(result.text, "");
  EXPECT_EQ(result.pages, 0);
  EXPECT_TRUE(result.truncated);
}

TEST(TextExtractTest, PdfWithoutPagesHasNoText) {
  auto result =
      Extracted(MakePdf({"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>"}), FileType::kPdf);
  EXPECT_EQ(result.text, "");
  EXPECT_EQ(result.pages, 0);
}

TEST(TextExtractTest, EncryptedPdfIsRefused) {
  // Standard security handler, revision 2, with a user password we do not
  // know (O and U match no password): poppler opens it locked.
  const std::string key32(64, 'A');
  const std::string encrypt = fmt::format("<< /Filter /Standard /V 1 /R 2 /O <{}> /U <{}> /P -4 >>", key32, key32);
  const std::string id = "<0123456789ABCDEF0123456789ABCDEF>";
  // Objects 1-5 are the catalog, pages, font, page and content; 6 is /Encrypt.
  std::string pdf = HelveticaPdf({"Secret"}, fmt::format("/Encrypt 6 0 R /ID [{} {}] ", id, id), {encrypt});
  ExpectRefused(pdf, FileType::kPdf, "PDF文件已加密，无法读取文字");
}

TEST(TextExtractTest, GarbageClaimingToBePdfIsRefused) {
  ExpectRefused("", FileType::kPdf, "PDF文件已损坏或格式不支持");
  ExpectRefused("%PDF-1.7\n", FileType::kPdf, "PDF文件已损坏或格式不支持");
  ExpectRefused("not a pdf at all", FileType::kPdf, "PDF文件已损坏或格式不支持");
  std::mt19937 rng(7);
  std::string garbage = "%PDF-1.4\n";
  for (int i = 0; i < 4000; ++i) garbage += static_cast<char>(rng());
  ExpectRefused(garbage, FileType::kPdf, "PDF文件已损坏或格式不支持");
}

TEST(TextExtractTest, EveryPrefixOfAPdfIsHandled) {
  const std::string pdf = HelveticaPdf({"Page one", "Page two"});
  for (std::size_t n = 0; n < pdf.size(); n += 3) ExpectHandled(std::string_view(pdf).substr(0, n), FileType::kPdf);
  // Cut inside the first page's content: poppler cannot rebuild a page tree.
  ExpectRefused(std::string_view(pdf).substr(0, pdf.find("stream") + 10), FileType::kPdf, "PDF文件已损坏或格式不支持");
}

TEST(TextExtractTest, CorruptedPdfBytesAreHandled) {
  const std::string pdf = ChinesePdf();
  std::mt19937 rng(11);
  for (int i = 0; i < 300; ++i) {
    std::string copy = pdf;
    for (int k = 0; k < 4; ++k) copy[rng() % copy.size()] = static_cast<char>(rng());
    ExpectHandled(copy, FileType::kPdf);
  }
}

// ---- .docx --------------------------------------------------------------------------------

constexpr std::string_view kWordNs =
    "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" "
    "xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\"";

std::string WordXml(std::string_view root, std::string_view body) {
  return fmt::format("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n<w:{} {}>{}</w:{}>", root,
                     kWordNs, body, root);
}

std::string Docx(std::string_view body, std::vector<Part> more = {}) {
  std::vector<Part> parts{
      {"[Content_Types].xml", "<Types/>"},
      {"_rels/.rels",
       "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
       "<Relationship Id=\"rId1\" "
       "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
       "Target=\"word/document.xml\"/></Relationships>"},
      {"word/document.xml", WordXml("document", fmt::format("<w:body>{}</w:body>", body)), true},
  };
  for (auto& part : more) parts.push_back(std::move(part));
  return test_zip::Make(parts);
}

TEST(TextExtractTest, DocxParagraphsRunsTabsBreaksAndEntities) {
  const std::string body =
      "<w:p><w:pPr><w:tabs><w:tab w:val=\"left\" w:pos=\"720\"/></w:tabs></w:pPr>"
      "<w:r><w:t>第一段</w:t></w:r><w:r><w:tab/><w:t xml:space=\"preserve\">A &amp; B </w:t></w:r></w:p>"
      "<w:p><w:r><w:t>&#x6276;&#36139;资金</w:t><w:br/><w:t>第二行</w:t><w:cr/><w:t>&lt;三&gt;</w:t></w:r></w:p>"
      "<w:p/>"
      "<w:p><w:del><w:r><w:delText>删除的字</w:delText></w:r></w:del><w:r><w:instrText> PAGE </w:instrText></w:r>"
      "<w:ins><w:r><w:t>插入的字</w:t></w:r></w:ins><w:r><w:t><![CDATA[a<b]]></w:t></w:r></w:p>"
      "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>单元格1</w:t></w:r></w:p></w:tc>"
      "<w:tc><w:p><w:r><w:t>单元格2</w:t></w:r></w:p></w:tc></w:tr></w:tbl>";
  auto result = Extracted(Docx(body), FileType::kDocx);
  EXPECT_EQ(result.text, "第一段\tA & B \n扶贫资金\n第二行\n<三>\n\n插入的字a<b\n单元格1\n单元格2");
  EXPECT_FALSE(result.truncated);
  EXPECT_EQ(result.pages, 0);
}

TEST(TextExtractTest, DocxTextBoxIsReadOnce) {
  const std::string body =
      "<w:p><w:r><w:t>正文</w:t></w:r><w:r><mc:AlternateContent>"
      "<mc:Choice Requires=\"wps\"><w:drawing><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p>"
      "</w:txbxContent></w:drawing></mc:Choice>"
      "<mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></w:pict>"
      "</mc:Fallback></mc:AlternateContent></w:r></w:p>";
  auto result = Extracted(Docx(body), FileType::kDocx);
  EXPECT_EQ(result.text, "正文文本框");
}

TEST(TextExtractTest, DocxHeadersFootersAndNotesFollowTheBody) {
  auto result =
      Extracted(Docx("<w:p><w:r><w:t>正文</w:t></w:r></w:p>",
                     {{"word/footer1.xml", WordXml("ftr", "<w:p><w:r><w:t>页脚</w:t></w:r></w:p>")},
                      {"word/header2.xml", WordXml("hdr", "<w:p><w:r><w:t>页眉二</w:t></w:r></w:p>")},
                      {"word/header1.xml", WordXml("hdr", "<w:p><w:r><w:t>页眉一</w:t></w:r></w:p>")},
                      {"word/footnotes.xml",
                       WordXml("footnotes", "<w:footnote><w:p><w:r><w:t>脚注</w:t></w:r></w:p></w:footnote>")},
                      {"word/styles.xml", WordXml("styles", "<w:p><w:r><w:t>不是正文</w:t></w:r></w:p>")}}),
                FileType::kDocx);
  EXPECT_EQ(result.text, "正文\n\n页眉一\n\n页眉二\n\n页脚\n\n脚注");
}

TEST(TextExtractTest, DocxMainPartFoundThroughRelationships) {
  std::string docx = test_zip::Make({
      {"_rels/.rels",
       "<Relationships><Relationship Id=\"rId1\" Type=\"http://purl.oclc.org/ooxml/officeDocument/"
       "relationships/officeDocument\" Target=\"/word/document2.xml\"/></Relationships>"},
      {"word/document.xml", WordXml("document", "<w:body><w:p><w:r><w:t>旧</w:t></w:r></w:p></w:body>")},
      {"WORD/Document2.xml", WordXml("document", "<w:body><w:p><w:r><w:t>新</w:t></w:r></w:p></w:body>")},
  });
  EXPECT_EQ(Extracted(docx, FileType::kDocx).text, "新");
}

TEST(TextExtractTest, DocxWithoutDocumentPartIsRefused) {
  ExpectRefused(test_zip::Make({{"word/styles.xml", "<w:styles/>"}}), FileType::kDocx, "Word文件已损坏：缺少正文");
  ExpectRefused("PK\x03\x04 not really", FileType::kDocx, "不是有效的Word文件（.docx）");
}

TEST(TextExtractTest, DocxInvalidUtf8AndControlCharactersAreCleaned) {
  auto result = Extracted(Docx("<w:p><w:r><w:t>a\xFF\xC3(b&#1;c&#0;d\x7F"
                               "e&#xD;f</w:t></w:r></w:p>"),
                          FileType::kDocx);
  EXPECT_EQ(result.text, "a\uFFFD\uFFFD(bc\uFFFDde\nf");
}

TEST(TextExtractTest, DocxBrokenXmlKeepsTheTextBeforeIt) {
  auto result = Extracted(Docx("<w:p><w:r><w:t>完整的段落</w:t></w:r></w:p><w:p><w:r><w:t>半"), FileType::kDocx);
  EXPECT_EQ(result.text, "完整的段落\n半");
  std::string broken = Docx("<w:p><w:r><w:t>完整的段落</w:t></w:r></w:p><w:p><w:r><w:t>尾</w:t><!-- 未结束");
  result = Extracted(broken, FileType::kDocx);
  EXPECT_EQ(result.text, "完整的段落\n尾");
  EXPECT_TRUE(result.truncated);
}

TEST(TextExtractTest, DocxTextLimitCutsAtACharacterBoundary) {
  ExtractLimits limits;
  limits.max_text_bytes = 7;  // 扶贫 is 6 bytes; 资 would end at byte 9
  auto result = Extracted(Docx("<w:p><w:r><w:t>扶贫资金</w:t></w:r></w:p>"), FileType::kDocx, limits);
  EXPECT_EQ(result.text, "扶贫");
  EXPECT_TRUE(result.truncated);
}

TEST(TextExtractTest, DocxTimeBudgetSpent) {
  ExtractLimits limits;
  limits.time_budget = std::chrono::milliseconds(0);
  auto result = Extracted(Docx("<w:p><w:r><w:t>扶贫资金</w:t></w:r></w:p>"), FileType::kDocx, limits);
  EXPECT_EQ(result.text, "");
  EXPECT_TRUE(result.truncated);
}

TEST(TextExtractTest, EveryPrefixAndCorruptedByteOfADocxIsHandled) {
  const std::string docx = Docx("<w:p><w:r><w:t>扶贫资金</w:t></w:r></w:p>",
                                {{"word/header1.xml", WordXml("hdr", "<w:p><w:r><w:t>页眉</w:t></w:r></w:p>")}});
  for (std::size_t n = 0; n < docx.size(); ++n) ExpectHandled(std::string_view(docx).substr(0, n), FileType::kDocx);
  for (std::size_t i = 0; i < docx.size(); ++i) {
    std::string copy = docx;
    copy[i] = static_cast<char>(copy[i] ^ 0x5A);
    ExpectHandled(copy, FileType::kDocx);
  }
}

// ---- .xlsx ---------------------------------------------------------------------------------

std::string Sheet(std::string_view rows) {
  return fmt::format(
      "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>{}</sheetData>"
      "</worksheet>",
      rows);
}

TEST(TextExtractTest, XlsxAllSheetsRowsAndCellKinds) {
  const std::string shared =
      "<sst><si><t>姓名</t></si><si><t>身份证号</t></si>"
      "<si><r><t>张</t></r><r><t xml:space=\"preserve\">三 </t></r><rPh><t>ZHANG</t></rPh></si>"
      "<si><t>A_x000D_B&amp;C</t></si><si/></sst>";
  const std::string sheet1 = Sheet(
      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row>"
      "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>2</v></c><c r=\"C2\" t=\"inlineStr\"><is><t>350102199001011234</t></is></c>"
      "<c t=\"n\"><v>3.5</v></c><c t=\"b\"><v>1</v></c><c t=\"str\"><f>A1</f><v>公式</v></c></row>"
      "<row r=\"3\"><c t=\"s\"><v>4</v></c><c/></row>"
      "<row r=\"4\"><c t=\"s\"><v>3</v></c><c t=\"s\"><v>99</v></c><c t=\"s\"><v>x</v></c></row>");
  const std::string sheet2 = Sheet("<row r=\"1\"><c><v>42</v></c></row>");
  const std::string sheet10 = Sheet("<row r=\"1\"><c t=\"inlineStr\"><is><t>第十</t></is></c></row>");
  std::string xlsx = test_zip::Make({
      {"xl/workbook.xml", "<workbook><sheets/></workbook>"},
      {"xl/worksheets/sheet10.xml", sheet10},
      {"xl/worksheets/sheet2.xml", sheet2, true},
      {"xl/worksheets/_rels/sheet1.xml.rels", "<Relationships/>"},
      {"xl/sharedStrings.xml", shared, true},
      {"xl/worksheets/sheet1.xml", sheet1},
  });
  auto result = Extracted(xlsx, FileType::kXlsx);
  EXPECT_EQ(result.text, "姓名\t身份证号\n张三 \t350102199001011234\t3.5\tTRUE\t公式\nA B&C\n\n42\n\n第十");
  EXPECT_EQ(result.pages, 3);
  EXPECT_FALSE(result.truncated);
}

TEST(TextExtractTest, XlsxSheetLimit) {
  ExtractLimits limits;
  limits.max_pages = 1;
  std::string xlsx = test_zip::Make({
      {"xl/worksheets/sheet1.xml", Sheet("<row><c><v>1</v></c></row>")},
      {"xl/worksheets/sheet2.xml", Sheet("<row><c><v>2</v></c></row>")},
  });
  auto result = Extracted(xlsx, FileType::kXlsx, limits);
  EXPECT_EQ(result.text, "1");
  EXPECT_EQ(result.pages, 1);
  EXPECT_TRUE(result.truncated);
}

TEST(TextExtractTest, XlsxWithoutWorksheetsHasNoText) {
  auto result = Extracted(test_zip::Make({{"xl/workbook.xml", "<workbook/>"}}), FileType::kXlsx);
  EXPECT_EQ(result.text, "");
  EXPECT_EQ(result.pages, 0);
}

TEST(TextExtractTest, XlsxUnreadableSheetIsSkipped) {
  std::string good = Sheet("<row><c><v>1</v></c></row>");
  std::string xlsx = test_zip::Make({
      {"xl/worksheets/sheet1.xml", good},
      {"xl/worksheets/sheet2.xml", Sheet("<row><c><v>2</v></c></row>")},
  });
  // Break sheet2's stored data so that its CRC fails.
  xlsx[xlsx.find("<v>2</v>") + 3] = '3';
  auto result = Extracted(xlsx, FileType::kXlsx);
  EXPECT_EQ(result.text, "1");
  EXPECT_EQ(result.pages, 1);
  EXPECT_TRUE(result.truncated);

  std::string only_bad = test_zip::Make({{"xl/worksheets/sheet1.xml", good}});
  only_bad[only_bad.find("<v>1</v>") + 3] = '3';
  ExpectRefused(only_bad, FileType::kXlsx, "Excel文件已损坏：校验和不符");
}

// ---- .pptx ---------------------------------------------------------------------------------

std::string Slide(std::string_view paragraphs) {
  return fmt::format(
      "<p:sld xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" "
      "xmlns:p=\"http://schemas.openxmlformats.org/presentationml/2006/main\"><p:cSld><p:spTree><p:sp><p:txBody>"
      "<a:bodyPr/>{}</p:txBody></p:sp></p:spTree></p:cSld></p:sld>",
      paragraphs);
}

TEST(TextExtractTest, PptxSlidesInNumberOrder) {
  std::string pptx = test_zip::Make({
      {"ppt/presentation.xml", "<p:presentation/>"},
      {"ppt/slides/slide10.xml", Slide("<a:p><a:r><a:t>第十页</a:t></a:r></a:p>")},
      {"ppt/slides/slide2.xml",
       Slide("<a:p><a:r><a:t>第二页</a:t></a:r><a:br/><a:r><a:t>A &amp; B</a:t></a:r></a:p>"
             "<a:p><a:fld type=\"slidenum\"><a:t>2</a:t></a:fld></a:p>"),
       true},
      {"ppt/slides/_rels/slide1.xml.rels", "<Relationships/>"},
      {"ppt/slides/slide1.xml", Slide("<a:p><a:r><a:t>&#x6276;贫</a:t></a:r><a:r><a:t>资金</a:t></a:r></a:p><a:p/>"
                                      "<a:p><a:r><a:t>结束</a:t></a:r></a:p>")},
      {"ppt/notesSlides/notesSlide1.xml", Slide("<a:p><a:r><a:t>备注</a:t></a:r></a:p>")},
      {"ppt/slideLayouts/slideLayout1.xml", Slide("<a:p><a:r><a:t>版式</a:t></a:r></a:p>")},
  });
  auto result = Extracted(pptx, FileType::kPptx);
  EXPECT_EQ(result.text, "扶贫资金\n\n结束\n\n第二页\nA & B\n2\n\n第十页");
  EXPECT_EQ(result.pages, 3);
}

TEST(TextExtractTest, PptxSlideLimitAndTextLimit) {
  std::string pptx = test_zip::Make({
      {"ppt/slides/slide1.xml", Slide("<a:p><a:r><a:t>一</a:t></a:r></a:p>")},
      {"ppt/slides/slide2.xml", Slide("<a:p><a:r><a:t>二</a:t></a:r></a:p>")},
  });
  ExtractLimits pages;
  pages.max_pages = 1;
  auto result = Extracted(pptx, FileType::kPptx, pages);
  EXPECT_EQ(result.text, "一");
  EXPECT_TRUE(result.truncated);
  ExtractLimits text;
  text.max_text_bytes = 6;  // "一\n\n" is 5 bytes, 二 needs 3 more
  result = Extracted(pptx, FileType::kPptx, text);
  EXPECT_EQ(result.text, "一");
  EXPECT_TRUE(result.truncated);
}

// ---- plain text ------------------------------------------------------------------------------

TEST(TextExtractTest, Utf8TextIsReturnedAsIs) {
  auto result = Extracted("\xEF\xBB\xBF扶贫资金\r\n第二行\n", FileType::kText);
  EXPECT_EQ(result.text, "扶贫资金\r\n第二行\n");
  EXPECT_FALSE(result.truncated);
  EXPECT_EQ(result.pages, 0);
  EXPECT_EQ(Extracted("", FileType::kText).text, "");
}

TEST(TextExtractTest, Gb18030TextIsDecoded) {
  // 扶贫 in GBK, then ASCII, then 资金 (GBK: D7 CA BD F0).
  auto result = Extracted("\xB7\xF6\xC6\xB6 2024 \xD7\xCA\xBD\xF0\r\n", FileType::kText);
  EXPECT_EQ(result.text, "扶贫 2024 资金\r\n");
  // A GB18030 four-byte sequence: U+20000 is 95 32 82 36.
  EXPECT_EQ(Extracted("\x95\x32\x82\x36", FileType::kText).text, "\U00020000");
  // A byte that is no GB18030 at all becomes U+FFFD.
  EXPECT_EQ(Extracted("\xB7\xF6\xFF", FileType::kText).text, "扶\uFFFD");
}

TEST(TextExtractTest, Utf16TextWithBomIsDecoded) {
  EXPECT_EQ(Extracted(std::string_view("\xFF\xFE\x76\x62\x2B\x8D\x0A\x00", 8), FileType::kText).text, "扶贫\n");
  EXPECT_EQ(Extracted(std::string_view("\xFE\xFF\x62\x76\x8D\x2B", 6), FileType::kText).text, "扶贫");
}

TEST(TextExtractTest, TextLimitCutsAtACharacterBoundary) {
  ExtractLimits limits;
  limits.max_text_bytes = 7;
  auto utf8 = Extracted("扶贫资金", FileType::kText, limits);
  EXPECT_EQ(utf8.text, "扶贫");
  EXPECT_TRUE(utf8.truncated);
  limits.max_text_bytes = 4;
  auto gbk = Extracted("\xB7\xF6\xC6\xB6", FileType::kText, limits);
  EXPECT_EQ(gbk.text, "扶");
  EXPECT_TRUE(gbk.truncated);
  limits.max_text_bytes = 6;
  auto exact = Extracted("\xB7\xF6\xC6\xB6", FileType::kText, limits);
  EXPECT_EQ(exact.text, "扶贫");
  EXPECT_FALSE(exact.truncated);
}

// ---- refusals and hostile input ------------------------------------------------------------

TEST(TextExtractTest, TypesWithoutTextAreRefused) {
  ExpectRefused("\xFF\xD8\xFF\xE0", FileType::kJpeg, "JPEG图片不提取文字");
  ExpectRefused("\x89PNG", FileType::kPng, "不提取文字");
  ExpectRefused("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", FileType::kDoc, "不提取文字");
  ExpectRefused("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", FileType::kXls, "不提取文字");
  ExpectRefused(test_zip::Make({{"a.txt", "扶贫"}}), FileType::kZip, "不提取文字");
  ExpectRefused("abc", FileType::kUnknown, "不提取文字");
}

TEST(TextExtractTest, InputOverTheLimitIsRefused) {
  ExtractLimits limits;
  limits.max_input_bytes = 8;
  ExpectRefused("123456789", FileType::kText, "文件超过8字节，不提取文字", limits);
  EXPECT_EQ(Extracted("12345678", FileType::kText, limits).text, "12345678");
}

TEST(TextExtractTest, RandomBytesOfEveryTypeAreHandled) {
  std::mt19937 rng(20240601);
  const FileType types[] = {FileType::kPdf, FileType::kDocx, FileType::kXlsx, FileType::kPptx, FileType::kText};
  for (int i = 0; i < 1500; ++i) {
    std::string bytes(rng() % 400, '\0');
    for (auto& c : bytes) c = static_cast<char>(rng());
    if (i % 3 == 0) bytes.replace(0, std::min<std::size_t>(bytes.size(), 4), "PK\x03\x04");
    if (i % 3 == 1) bytes.replace(0, std::min<std::size_t>(bytes.size(), 5), "%PDF-");
    ExpectHandled(bytes, types[i % 5]);
  }
}

TEST(TextExtractTest, OfficeFileOfTheWrongKindGivesNoTextOrARefusal) {
  // A .pptx passed as .docx: there is no word/document.xml.
  std::string pptx = test_zip::Make({{"ppt/slides/slide1.xml", Slide("<a:p><a:r><a:t>一</a:t></a:r></a:p>")}});
  ExpectRefused(pptx, FileType::kDocx, "缺少正文");
  EXPECT_EQ(Extracted(pptx, FileType::kXlsx).text, "");
}

}  // namespace
}  // namespace gongkai
