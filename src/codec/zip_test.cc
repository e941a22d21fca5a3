#include "codec/zip.h"

#include <gtest/gtest.h>

#include <string>

#include "codec/zip_test_util.h"

namespace gongkai {
namespace {

using test_zip::Part;

void ExpectMessage(const Error& error, std::string_view part) {
  EXPECT_EQ(error.code, ErrorCode::kInvalidInput);
  EXPECT_NE(error.message.find(part), std::string::npos) << error.message;
}

TEST(ZipTest, ListsFindsAndReadsEntries) {
  std::string bytes = test_zip::Make({{"a.txt", "甲"}, {"Dir\\B.XML", "<b/>", true}, {"a.txt", "second"}});
  auto zip = ZipArchive::Open(bytes);
  ASSERT_TRUE(zip.has_value()) << zip.error().message;
  ASSERT_EQ(zip->entries().size(), 3u);
  EXPECT_EQ(zip->entries()[1].name, "Dir\\B.XML");
  EXPECT_EQ(zip->entries()[1].method, 8);

  const ZipEntry* b = zip->Find("dir/b.xml");
  ASSERT_NE(b, nullptr);
  auto data = zip->Read(*b);
  ASSERT_TRUE(data.has_value()) << data.error().message;
  EXPECT_EQ(*data, "<b/>");
  // Duplicates: the first wins.
  auto a = zip->Read(*zip->Find("A.TXT"));
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(*a, "甲");
  EXPECT_EQ(zip->Find("missing"), nullptr);
  EXPECT_EQ(zip->Find("/a.txt"), nullptr);
}

TEST(ZipTest, SamePartName) {
  EXPECT_TRUE(SamePartName("xl/Workbook.xml", "XL\\workbook.XML"));
  EXPECT_FALSE(SamePartName("xl/workbook.xml", "xl/workbook.xm"));
  EXPECT_FALSE(SamePartName("xl/a", "xl/b"));
}

TEST(ZipTest, ReadRefusesEntriesOverTheLimit) {
  std::string bytes = test_zip::Make({{"big", std::string(2048, 'x'), true}});
  auto zip = ZipArchive::Open(bytes);
  ASSERT_TRUE(zip.has_value());
  auto data = zip->Read(zip->entries()[0], 1024);
  ASSERT_FALSE(data.has_value());
  ExpectMessage(data.error(), "压缩文件过大：压缩包中的单个文件解压后超过1 KiB");
  EXPECT_TRUE(zip->Read(zip->entries()[0], 2048).has_value());
}

TEST(ZipTest, ReadPrefixReturnsTheStartOfLargeEntries) {
  std::string text;
  for (int i = 0; i < 500; ++i) text += std::to_string(i) + ",";
  for (bool deflate : {false, true}) {
    std::string bytes = test_zip::Make({{"t", text, deflate}});
    auto zip = ZipArchive::Open(bytes);
    ASSERT_TRUE(zip.has_value());
    const ZipEntry& entry = zip->entries()[0];
    auto prefix = zip->ReadPrefix(entry, 100);
    ASSERT_TRUE(prefix.has_value()) << prefix.error().message;
    EXPECT_EQ(*prefix, text.substr(0, 100)) << deflate;
    auto none = zip->ReadPrefix(entry, 0);
    ASSERT_TRUE(none.has_value());
    EXPECT_EQ(*none, "");
    auto whole = zip->ReadPrefix(entry, text.size());
    ASSERT_TRUE(whole.has_value());
    EXPECT_EQ(*whole, text);
  }
}

TEST(ZipTest, ReadPrefixStillRefusesBrokenDeflateData) {
  std::string text(5000, 'a');
  for (std::size_t i = 0; i < text.size(); i += 7) text[i] = static_cast<char>('a' + i % 26);
  std::string bytes = test_zip::Make({{"t", text, true}});
  // Cut the deflate stream short by lying in neither header: overwrite its
  // first bytes with an invalid block type (0b11).
  const std::size_t data = 30 + 1;  // local header + the one-byte name
  bytes[data] = static_cast<char>(0x07);
  auto zip = ZipArchive::Open(bytes);
  ASSERT_TRUE(zip.has_value());
  auto prefix = zip->ReadPrefix(zip->entries()[0], 100);
  ASSERT_FALSE(prefix.has_value());
  ExpectMessage(prefix.error(), "压缩文件已损坏：压缩数据无效");
}

TEST(ZipTest, WordingNamesTheDocument) {
  ZipWording wording;
  wording.noun = "Word文件";
  wording.not_archive = "不是有效的Word文件（.docx）";
  wording.resave_advice = "请另存为后再上传";
  auto not_zip = ZipArchive::Open("hello, world, this is not a zip", {}, wording);
  ASSERT_FALSE(not_zip.has_value());
  EXPECT_EQ(not_zip.error().message, "不是有效的Word文件（.docx）");

  auto defaults = ZipArchive::Open("");
  ASSERT_FALSE(defaults.has_value());
  EXPECT_EQ(defaults.error().message, "不是有效的ZIP压缩文件");

  std::string bytes = test_zip::Make({{"t", "abc"}});
  bytes[30 + 1] = 'X';  // the stored data no longer matches the CRC
  auto zip = ZipArchive::Open(bytes, {}, wording);
  ASSERT_TRUE(zip.has_value());
  auto data = zip->Read(zip->entries()[0]);
  ASSERT_FALSE(data.has_value());
  EXPECT_EQ(data.error().message, "Word文件已损坏：校验和不符");
  EXPECT_EQ(zip->TooLarge("x").message, "Word文件过大：x");
}

TEST(ZipTest, LimitsAreApplied) {
  std::string bytes = test_zip::Make({{"a", std::string(600, 'a'), true}, {"b", std::string(600, 'b'), true}});
  auto total = ZipArchive::Open(bytes, ZipLimits{1000, 10});
  ASSERT_FALSE(total.has_value());
  ExpectMessage(total.error(), "压缩文件过大：解压后的内容超过1000字节");
  auto entries = ZipArchive::Open(bytes, ZipLimits{1 << 20, 1});
  ASSERT_FALSE(entries.has_value());
  ExpectMessage(entries.error(), "压缩文件过大：压缩包内的文件超过1个");
  EXPECT_TRUE(ZipArchive::Open(bytes, ZipLimits{1200, 2}).has_value());
}

}  // namespace
}  // namespace gongkai
