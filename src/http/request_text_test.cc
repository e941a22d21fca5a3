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
  EXPECT_EQ(InvalidUtf8Part(ok), std::nullopt);

  httplib::Request path = ok;
  path.path = "/units/\xE5\x8D\x15";
  EXPECT_EQ(InvalidUtf8Part(path), "路径");

  httplib::Request value = ok;
  value.params.emplace("unit", "\xFF");
  EXPECT_EQ(InvalidUtf8Part(value), "参数unit");

  httplib::Request name = ok;
  name.params.emplace("\xFF", "x");
  EXPECT_EQ(InvalidUtf8Part(name), "参数（名称无效）");

  httplib::Request text_field = ok;
  text_field.files.emplace("title", httplib::MultipartFormData{"title", "\xE5\x8D", "", ""});
  EXPECT_EQ(InvalidUtf8Part(text_field), "表单字段title");

  // A file's bytes are not text; its name is.
  httplib::Request file = ok;
  file.files.emplace("file", httplib::MultipartFormData{"file", "\x89PNG\xFF\xFE", "a.png", "image/png"});
  EXPECT_EQ(InvalidUtf8Part(file), std::nullopt);
  file.files.emplace("file2", httplib::MultipartFormData{"file2", "x", "\xFF.txt", "text/plain"});
  EXPECT_EQ(InvalidUtf8Part(file), "表单字段file2");
}

}  // namespace
}  // namespace gongkai
