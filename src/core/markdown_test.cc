#include "core/markdown.h"

#include <gtest/gtest.h>

#include <string>

namespace gongkai {
namespace {

struct Case {
  std::string input;
  std::string want;
};

template <std::size_t N>
void ExpectAll(const Case (&cases)[N]) {
  for (const Case& c : cases) {
    SCOPED_TRACE(c.input);
    EXPECT_EQ(RenderBody(c.input), c.want);
  }
}

TEST(MarkdownTest, EscapesEverySpecialCharacter) {
  const Case cases[] = {
      {"<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"},
      {"a & b", "<p>a &amp; b</p>\n"},
      {"\"quoted\" 'single'", "<p>&quot;quoted&quot; &#39;single&#39;</p>\n"},
      {"&lt; stays literal", "<p>&amp;lt; stays literal</p>\n"},
      {"<img src=x onerror=alert(1)>", "<p>&lt;img src=x onerror=alert(1)&gt;</p>\n"},
      {"## <b>标题</b>", "<h2>&lt;b&gt;标题&lt;/b&gt;</h2>\n"},
      {"- <i>项</i>", "<ul>\n<li>&lt;i&gt;项&lt;/i&gt;</li>\n</ul>\n"},
      {"**<u>&</u>**", "<p><strong>&lt;u&gt;&amp;&lt;/u&gt;</strong></p>\n"},
      {"[<b>\"x\"</b>](https://example.gov.cn/?a=1&b='2')",
       "<p><a href=\"https://example.gov.cn/?a=1&amp;b=&#39;2&#39;\" "
       "rel=\"noopener\">&lt;b&gt;&quot;x&quot;&lt;/b&gt;</a>"
       "</p>\n"},
  };
  ExpectAll(cases);
}

TEST(MarkdownTest, SafeLinks) {
  const Case cases[] = {
      {"[政府网站](https://www.gov.cn)", "<p><a href=\"https://www.gov.cn\" rel=\"noopener\">政府网站</a></p>\n"},
      {"[x](http://a.b/c)", "<p><a href=\"http://a.b/c\" rel=\"noopener\">x</a></p>\n"},
      {"[x](HTTPS://A.B)", "<p><a href=\"HTTPS://A.B\" rel=\"noopener\">x</a></p>\n"},
      {"[附件](/files/1.pdf)", "<p><a href=\"/files/1.pdf\" rel=\"noopener\">附件</a></p>\n"},
      {"[x]( https://a.b )", "<p><a href=\"https://a.b\" rel=\"noopener\">x</a></p>\n"},
      {"见[通知](/n/1)和[公告](/n/2)。",
       "<p>见<a href=\"/n/1\" rel=\"noopener\">通知</a>和<a href=\"/n/2\" rel=\"noopener\">公告</a>。</p>\n"},
  };
  ExpectAll(cases);
}

TEST(MarkdownTest, RefusesUnsafeUrls) {
  const Case cases[] = {
      {"[x](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>\n"},
      {"[x](JaVaScRiPt:alert(1))", "<p>[x](JaVaScRiPt:alert(1))</p>\n"},
      {"[x]( JaVaScRiPt:alert(1))", "<p>[x]( JaVaScRiPt:alert(1))</p>\n"},
      {"[x](\x01javascript:alert(1))", "<p>[x](\xEF\xBF\xBDjavascript:alert(1))</p>\n"},
      {"[x](\tjavascript:alert(1))", "<p>[x](\tjavascript:alert(1))</p>\n"},
      {"[x](java\tscript:alert(1))", "<p>[x](java\tscript:alert(1))</p>\n"},
      {"[x](data:text/html;base64,PHNjcmlwdD4=)", "<p>[x](data:text/html;base64,PHNjcmlwdD4=)</p>\n"},
      {"[x](vbscript:msgbox)", "<p>[x](vbscript:msgbox)</p>\n"},
      {"[x](ftp://a.b)", "<p>[x](ftp://a.b)</p>\n"},
      {"[x](/a?q=javascript:1)", "<p>[x](/a?q=javascript:1)</p>\n"},
      {"[x](https://a.b/javascript:1)", "<p>[x](https://a.b/javascript:1)</p>\n"},
      {"[](https://a.b)", "<p>[](https://a.b)</p>\n"},
      {"[x]()", "<p>[x]()</p>\n"},
      {"[x] (https://a.b)", "<p>[x] (https://a.b)</p>\n"},
      {"[x](https://a.b", "<p>[x](https://a.b</p>\n"},
      // Attribute breakout: whitespace refuses the link; quotes are escaped.
      {"[x](https://x\" onmouseover=\"alert(1))", "<p>[x](https://x&quot; onmouseover=&quot;alert(1))</p>\n"},
      {"[x](https://x\"onmouseover=\"alert(1))",
       "<p><a href=\"https://x&quot;onmouseover=&quot;alert(1\" rel=\"noopener\">x</a>)</p>\n"},
      {"[x](https://x'><script>alert(1)</script>)",
       "<p><a href=\"https://x&#39;&gt;&lt;script&gt;alert(1\" rel=\"noopener\">x</a>&lt;/script&gt;)</p>\n"},
  };
  ExpectAll(cases);
}

TEST(MarkdownTest, Structure) {
  const Case cases[] = {
      {"", ""},
      {"\n\n  \n\t\n", ""},
      {"一段文字", "<p>一段文字</p>\n"},
      {"第一行\n第二行", "<p>第一行<br>\n第二行</p>\n"},
      {"第一段\n\n第二段", "<p>第一段</p>\n<p>第二段</p>\n"},
      {"第一段\r\n\r\n第二段\r第二段续", "<p>第一段</p>\n<p>第二段<br>\n第二段续</p>\n"},
      {"# 总标题", "<h2>总标题</h2>\n"},
      {"## 一、公开内容", "<h2>一、公开内容</h2>\n"},
      {"### （一）说明", "<h3>（一）说明</h3>\n"},
      {"#### 四级", "<p>#### 四级</p>\n"},
      {"#没有空格", "<p>#没有空格</p>\n"},
      {"##", "<p>##</p>\n"},
      {"正文\n## 标题\n正文", "<p>正文</p>\n<h2>标题</h2>\n<p>正文</p>\n"},
      {"- 甲\n- 乙\n* 丙", "<ul>\n<li>甲</li>\n<li>乙</li>\n<li>丙</li>\n</ul>\n"},
      {"1. 甲\n2. 乙\n10. 丙", "<ol>\n<li>甲</li>\n<li>乙</li>\n<li>丙</li>\n</ol>\n"},
      {"- 甲\n1. 乙", "<ul>\n<li>甲</li>\n</ul>\n<ol>\n<li>乙</li>\n</ol>\n"},
      {"说明：\n- 甲\n- 乙\n结束", "<p>说明：</p>\n<ul>\n<li>甲</li>\n<li>乙</li>\n</ul>\n<p>结束</p>\n"},
      {"- 甲\n\n- 乙", "<ul>\n<li>甲</li>\n</ul>\n<ul>\n<li>乙</li>\n</ul>\n"},
      {"  - 缩进项\n    - 再缩进", "<ul>\n<li>缩进项</li>\n<li>再缩进</li>\n</ul>\n"},
      {"1.5 亿元", "<p>1.5 亿元</p>\n"},
      {"1234567890. 太长", "<p>1234567890. 太长</p>\n"},
      {"-不是列表", "<p>-不是列表</p>\n"},
      {"---", "<p>---</p>\n"},
      {"　　首行缩进的段落。", "<p>　　首行缩进的段落。</p>\n"},
  };
  ExpectAll(cases);
}

TEST(MarkdownTest, Bold) {
  const Case cases[] = {
      {"**重要**通知", "<p><strong>重要</strong>通知</p>\n"},
      {"a **b** c **d**", "<p>a <strong>b</strong> c <strong>d</strong></p>\n"},
      {"**未闭合", "<p>**未闭合</p>\n"},
      {"****", "<p>****</p>\n"},
      {"***x**", "<p>***x**</p>\n"},  // a run of 3 is text (masked numbers use runs)
      {"**跨\n行**", "<p>**跨<br>\n行**</p>\n"},
      {"## **加粗**标题", "<h2><strong>加粗</strong>标题</h2>\n"},
      {"- **项**", "<ul>\n<li><strong>项</strong></li>\n</ul>\n"},
      {"**[x](https://a.b)**", "<p><strong>[x](https://a.b)</strong></p>\n"},  // no nesting
  };
  ExpectAll(cases);
}

TEST(MarkdownTest, InvalidUtf8AndControls) {
  const Case cases[] = {
      {"a\xff"
       "b",
       "<p>a\xEF\xBF\xBD"
       "b</p>\n"},
      {"\xe4\xb8", "<p>\xEF\xBF\xBD\xEF\xBF\xBD</p>\n"},                  // truncated 中
      {"\xc0\xaf", "<p>\xEF\xBF\xBD\xEF\xBF\xBD</p>\n"},                  // overlong '/'
      {"\xed\xa0\x80", "<p>\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD</p>\n"},  // surrogate
      {std::string("a\0b", 3),
       "<p>a\xEF\xBF\xBD"
       "b</p>\n"},
      {"中文\x7f", "<p>中文\xEF\xBF\xBD</p>\n"},
      {"😀", "<p>😀</p>\n"},
  };
  ExpectAll(cases);
}

TEST(MarkdownTest, LongHostileInputStaysFast) {
  // Quadratic behaviour would take minutes here.
  std::string nested;
  for (int k = 0; k < 200000; ++k) nested += "[a](/";
  nested += "javascript:)";
  std::string brackets(1000000, '[');
  std::string stars(1000000, '*');
  for (const std::string* input : {&nested, &brackets, &stars}) {
    const std::string html = RenderBody(*input);
    EXPECT_EQ(html.find("<a "), std::string::npos);
    EXPECT_LT(html.size(), input->size() * 6 + 64);
  }
}

// Regression: masked personal data ("**" inside longer runs of '*') was
// rendered as bold and lost asterisks.
TEST(MarkdownRegression, MaskedNumbersAreNotBold) {
  std::string html = RenderBody("身份证号11*************02X，电话138****5678，**重点**。");
  EXPECT_NE(html.find("11*************02X"), std::string::npos) << html;
  EXPECT_NE(html.find("138****5678"), std::string::npos) << html;
  EXPECT_NE(html.find("<strong>重点</strong>"), std::string::npos) << html;
}

TEST(MarkdownRegression, ProtocolRelativeLinksAreText) {
  for (const char* t : {"[x](//evil.example)", "[x](/\\evil.example)"}) {
    std::string html = RenderBody(t);
    EXPECT_EQ(html.find("<a "), std::string::npos) << html;
  }
  EXPECT_NE(RenderBody("[公开指南](/guide)").find("<a href=\"/guide\""), std::string::npos);
}

}  // namespace
}  // namespace gongkai
