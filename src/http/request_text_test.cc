#include "http/request_text.h"

#include <gtest/gtest.h>

namespace gongkai {
namespace {

TEST(RequestText, ValidUtf8) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("扶贫资金 2024年 GB/T 37668"));
  EXPECT_FALSE(IsValidUtf8("\xE5\x8D\x15"));      // a lead byte without its continuation
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong "/"
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // a surrogate
  EXPECT_FALSE(IsValidUtf8("ok\xFF"));
  EXPECT_FALSE(IsValidUtf8("\xE6\x89"));          // cut short
}

TEST(RequestText, NamesTheInvalidPart) {
  httplib::Request ok;
  ok.path = "/search";
  ok.params.emplace("q", "金桥村 征地补偿");
  EXPECT_EQ(BadTextPart(ok), std::nullopt);

  httplib::Request path = ok;
  path.path = "/units/\xE5\x8D\x15";
  EXPECT_EQ(BadTextPart(path)->part, "路径");
  EXPECT_EQ(BadTextPart(path)->field, "");

  httplib::Request value = ok;
  value.params.emplace("unit", "\xFF");
  EXPECT_EQ(BadTextPart(value)->part, "参数unit");
  EXPECT_EQ(BadTextPart(value)->field, "unit");
  EXPECT_EQ(BadTextPart(value)->what, "不是有效的UTF-8文本");

  httplib::Request name = ok;
  name.params.emplace("\xFF", "x");
  EXPECT_EQ(BadTextPart(name)->part, "参数（名称无效）");
  EXPECT_EQ(BadTextPart(name)->field, "");

  httplib::Request text_field = ok;
  text_field.files.emplace("title", httplib::MultipartFormData{"title", "\xE5\x8D", "", ""});
  EXPECT_EQ(BadTextPart(text_field)->part, "表单字段title");

  // A file's bytes are not text; its name is.
  httplib::Request file = ok;
  file.files.emplace("file", httplib::MultipartFormData{"file", "\x89PNG\xFF\xFE", "a.png", "image/png"});
  EXPECT_EQ(BadTextPart(file), std::nullopt);
  file.files.emplace("file2", httplib::MultipartFormData{"file2", "x", "\xFF.txt", "text/plain"});
  EXPECT_EQ(BadTextPart(file)->part, "表单字段file2");
}

TEST(RequestText, NamesANulCharacter) {
  httplib::Request req;
  req.path = "/search";
  req.params.emplace("q", std::string("道路\0工程", 13));
  auto bad = BadTextPart(req);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->part, "参数q");
  EXPECT_EQ(bad->field, "q");
  EXPECT_EQ(bad->what, "含有空字符（U+0000）");

  httplib::Request field;
  field.path = "/admin/records/new";
  field.files.emplace("body", httplib::MultipartFormData{"body", std::string("a\0b", 3), "", ""});
  EXPECT_EQ(BadTextPart(field)->part, "表单字段body");
  // A file's bytes may hold NULs.
  httplib::Request file;
  file.path = "/admin/records/1/attachments";
  file.files.emplace("file", httplib::MultipartFormData{"file", std::string("%PDF\0\0", 6), "a.pdf", "application/pdf"});
  EXPECT_EQ(BadTextPart(file), std::nullopt);
}

}  // namespace
}  // namespace gongkai
