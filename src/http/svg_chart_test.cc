#include "http/svg_chart.h"

#include <fmt/core.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace gongkai::chart {
namespace {

// ---- a small well-formedness checker -----------------------------------------
//
// Enough XML to judge what the charts emit: elements, attributes (quoted,
// unique, no '<'), character and the five predefined entity references,
// comments, one root, valid UTF-8 without characters XML forbids. Returns ""
// when well-formed, else what is wrong and where.

bool NameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':'; }
bool NameChar(char c) { return NameStart(c) || std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '.'; }
bool Space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string CheckUtf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t n = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return "bad UTF-8 at " + std::to_string(i);
    char32_t cp = n == 1 ? b : n == 2 ? (b & 0x1F) : n == 3 ? (b & 0x0F) : (b & 0x07);
    for (std::size_t k = 1; k < n; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return "bad UTF-8 at " + std::to_string(i);
      cp = (cp << 6) | (c & 0x3F);
    }
    const bool allowed = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
                         (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
    if (!allowed) return "character not allowed in XML at " + std::to_string(i);
    i += n;
  }
  return "";
}

// Checks the entity reference starting at s[i] == '&'; sets `end` past ';'.
bool EntityOk(std::string_view s, std::size_t i, std::size_t& end) {
  const std::size_t semi = s.find(';', i);
  if (semi == std::string_view::npos || semi - i > 10) return false;
  const std::string_view name = s.substr(i + 1, semi - i - 1);
  end = semi + 1;
  if (name == "amp" || name == "lt" || name == "gt" || name == "quot" || name == "apos") return true;
  if (name.size() >= 2 && name[0] == '#') {
    const bool hex = name[1] == 'x';
    const std::string_view digits = name.substr(hex ? 2 : 1);
    if (digits.empty()) return false;
    for (const char c : digits) {
      if (!(hex ? std::isxdigit(static_cast<unsigned char>(c)) : std::isdigit(static_cast<unsigned char>(c)))) {
        return false;
      }
    }
    return true;
  }
  return false;
}

std::string XmlError(std::string_view s) {
  if (std::string e = CheckUtf8(s); !e.empty()) return e;
  std::vector<std::string> stack;
  bool root_done = false;
  std::size_t i = 0;
  const auto at = [&](std::size_t k) { return " at " + std::to_string(k); };
  while (i < s.size()) {
    const char c = s[i];
    if (c == '<') {
      if (s.substr(i, 4) == "<!--") {
        const std::size_t end = s.find("-->", i + 4);
        if (end == std::string_view::npos) return "unclosed comment" + at(i);
        i = end + 3;
        continue;
      }
      if (s.substr(i, 2) == "<?") {
        const std::size_t end = s.find("?>", i + 2);
        if (end == std::string_view::npos) return "unclosed processing instruction" + at(i);
        i = end + 2;
        continue;
      }
      if (s.substr(i, 2) == "</") {
        std::size_t k = i + 2;
        const std::size_t name_start = k;
        while (k < s.size() && NameChar(s[k])) ++k;
        const std::string name(s.substr(name_start, k - name_start));
        while (k < s.size() && Space(s[k])) ++k;
        if (k >= s.size() || s[k] != '>') return "bad end tag" + at(i);
        if (stack.empty() || stack.back() != name) {
          return "end tag </" + name + "> does not match <" + (stack.empty() ? "" : stack.back()) + ">" + at(i);
        }
        stack.pop_back();
        if (stack.empty()) root_done = true;
        i = k + 1;
        continue;
      }
      std::size_t k = i + 1;
      if (k >= s.size() || !NameStart(s[k])) return "bad start tag" + at(i);
      const std::size_t name_start = k;
      while (k < s.size() && NameChar(s[k])) ++k;
      const std::string name(s.substr(name_start, k - name_start));
      if (stack.empty() && root_done) return "second root element <" + name + ">" + at(i);
      std::set<std::string> attrs;
      bool self_closing = false;
      while (true) {
        const std::size_t before = k;
        while (k < s.size() && Space(s[k])) ++k;
        if (k >= s.size()) return "unterminated tag <" + name + ">" + at(i);
        if (s[k] == '>') {
          ++k;
          break;
        }
        if (s.substr(k, 2) == "/>") {
          k += 2;
          self_closing = true;
          break;
        }
        if (k == before) return "attributes must be separated by space in <" + name + ">" + at(k);
        if (!NameStart(s[k])) return "bad attribute name in <" + name + ">" + at(k);
        const std::size_t attr_start = k;
        while (k < s.size() && NameChar(s[k])) ++k;
        const std::string attr(s.substr(attr_start, k - attr_start));
        if (!attrs.insert(attr).second) return "duplicate attribute " + attr + at(k);
        if (k >= s.size() || s[k] != '=') return "attribute without value: " + attr + at(k);
        ++k;
        if (k >= s.size() || (s[k] != '"' && s[k] != '\'')) return "unquoted attribute " + attr + at(k);
        const char quote = s[k++];
        while (k < s.size() && s[k] != quote) {
          if (s[k] == '<') return "'<' in attribute " + attr + at(k);
          if (s[k] == '&') {
            std::size_t end = 0;
            if (!EntityOk(s, k, end)) return "bad entity in attribute " + attr + at(k);
            k = end;
            continue;
          }
          ++k;
        }
        if (k >= s.size()) return "unterminated attribute " + attr + at(k);
        ++k;
      }
      if (self_closing) {
        if (stack.empty()) root_done = true;
      } else {
        stack.push_back(name);
      }
      i = k;
      continue;
    }
    if (c == '&') {
      std::size_t end = 0;
      if (!EntityOk(s, i, end)) return "bad entity reference" + at(i);
      if (stack.empty()) return "text outside the root" + at(i);
      i = end;
      continue;
    }
    if (stack.empty() && !Space(c)) return "text outside the root" + at(i);
    ++i;
  }
  if (!stack.empty()) return "unclosed <" + stack.back() + ">";
  if (!root_done) return "no root element";
  return "";
}

TEST(XmlCheckerTest, JudgesItsOwnCases) {
  EXPECT_EQ(XmlError("<a x=\"1\"><b/>t&amp;&#39;&#x41;</a>"), "");
  EXPECT_NE(XmlError("<a><b></a></b>"), "");
  EXPECT_NE(XmlError("<a>"), "");
  EXPECT_NE(XmlError("<a></a><b/>"), "");
  EXPECT_NE(XmlError("<a x=\"1\" x=\"2\"/>"), "");
  EXPECT_NE(XmlError("<a x=\"<\"/>"), "");
  EXPECT_NE(XmlError("<a>&nbsp;</a>"), "");
  EXPECT_NE(XmlError("<a>a & b</a>"), "");
  EXPECT_NE(XmlError("<a>\x01</a>"), "");
  EXPECT_NE(XmlError("<a>\xff</a>"), "");
  EXPECT_NE(XmlError("<a x=1/>"), "");
}

// ---- helpers ------------------------------------------------------------------

// Every capture group 1 of `pattern` in `s`, in order.
std::vector<std::string> All(const std::string& s, const std::string& pattern) {
  const std::regex re(pattern);
  std::vector<std::string> out;
  for (auto it = std::sregex_iterator(s.begin(), s.end(), re); it != std::sregex_iterator(); ++it) {
    out.push_back((*it)[1].str());
  }
  return out;
}

std::size_t Count(const std::string& s, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t pos = s.find(needle); pos != std::string::npos; pos = s.find(needle, pos + needle.size())) ++n;
  return n;
}

// The attribute `name` of the first element in `element` (a start tag).
std::string Attr(const std::string& element, const std::string& name) {
  const auto found = All(element, "\\s" + name + "=\"([^\"]*)\"");
  return found.empty() ? std::string() : found.front();
}

double Luminance(std::string_view hex) {
  const auto channel = [&](std::size_t at) {
    const double v = std::stoi(std::string(hex.substr(at, 2)), nullptr, 16) / 255.0;
    return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

// WCAG 2.1 contrast ratio of two "#rrggbb" colours.
double Contrast(std::string_view a, std::string_view b) {
  const double la = Luminance(a), lb = Luminance(b);
  return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

// Checks what every chart must carry: well-formed, one <svg> root with
// role="img", aria-labelledby naming its <title> (the first child) and a
// non-empty <desc>, a viewBox, no script or style.
void ExpectAccessibleSvg(const std::string& svg) {
  SCOPED_TRACE(svg.substr(0, 400));
  EXPECT_EQ(XmlError(svg), "");
  ASSERT_TRUE(svg.starts_with("<svg "));
  const std::string root = svg.substr(0, svg.find('>') + 1);
  EXPECT_EQ(Attr(root, "role"), "img");
  EXPECT_EQ(Attr(root, "xmlns"), "http://www.w3.org/2000/svg");
  EXPECT_EQ(Attr(root, "class"), "gk-chart");
  EXPECT_NE(Attr(root, "viewBox"), "");
  EXPECT_NE(Attr(root, "font-family").find("Noto Sans CJK SC"), std::string::npos);
  const std::string labelledby = Attr(root, "aria-labelledby");
  const auto space = labelledby.find(' ');
  ASSERT_NE(space, std::string::npos) << labelledby;
  const std::string title_id = labelledby.substr(0, space);
  const std::string desc_id = labelledby.substr(space + 1);
  EXPECT_EQ(svg.substr(root.size()).find("<title id=\"" + title_id + "\">"), 0u) << "title must be the first child";
  const auto desc = All(svg, "<desc id=\"" + desc_id + "\">([^<]+)</desc>");
  ASSERT_EQ(desc.size(), 1u);
  EXPECT_TRUE(desc[0].ends_with("。")) << desc[0];
  EXPECT_EQ(Count(svg, "id=\"" + title_id + "\""), 1u);
  EXPECT_EQ(Count(svg, "id=\"" + desc_id + "\""), 1u);
  for (const char* banned : {"<script", "<style", "style=", "<foreignObject", "href=", "onload", "onclick"}) {
    EXPECT_EQ(svg.find(banned), std::string::npos) << banned;
  }
}

void ExpectSemanticTable(const std::string& table) {
  SCOPED_TRACE(table.substr(0, 400));
  EXPECT_EQ(XmlError(table), "");
  EXPECT_TRUE(table.starts_with("<table "));
  EXPECT_NE(table.find("<caption>"), std::string::npos);
}

const char* const kHostile = "<script>alert('x')</script> & \"区\" 'b' ]]>";

// ---- EscapeXml, FormatValue, NiceTicks ---------------------------------------------

TEST(EscapeXmlTest, Cases) {
  const struct {
    std::string in, out;
  } cases[] = {
      {"", ""},
      {"区财政局", "区财政局"},
      {"a&b", "a&amp;b"},
      {"<script>", "&lt;script&gt;"},
      {"\"'", "&quot;&#39;"},
      {"&amp;", "&amp;amp;"},
      {"tab\tnl\ncr\r", "tab\tnl\ncr\r"},
      {"a\x01z", "a\xEF\xBF\xBDz"},                              // control character
      {"\xff", "\xEF\xBF\xBD"},                                  // not UTF-8
      {"\xe5\x8c", "\xEF\xBF\xBD\xEF\xBF\xBD"},                  // truncated sequence
      {"\xc0\xaf", "\xEF\xBF\xBD\xEF\xBF\xBD"},                  // overlong '/'
      {"\xed\xa0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},  // surrogate
      {"\xef\xbf\xbe", "\xEF\xBF\xBD"},                          // U+FFFE
      {"😀", "😀"},
  };
  for (const auto& c : cases) EXPECT_EQ(EscapeXml(c.in), c.out) << c.in;
  const std::string escaped = EscapeXml(kHostile);
  EXPECT_EQ(XmlError("<a t=\"" + escaped + "\" u='" + escaped + "'>" + escaped + "</a>"), "");
}

TEST(FormatValueTest, Cases) {
  const ValueFormat pct;
  const ValueFormat count{ValueFormat::Kind::kInteger, "件"};
  EXPECT_EQ(FormatValue(0.875, pct), "87.5%");
  EXPECT_EQ(FormatValue(1.0, pct), "100%");
  EXPECT_EQ(FormatValue(0.9, pct), "90%");
  EXPECT_EQ(FormatValue(0.0, pct), "0%");
  EXPECT_EQ(FormatValue(-0.0001, pct), "0%");
  EXPECT_EQ(FormatValue(0.12345, pct), "12.3%");
  EXPECT_EQ(FormatValue(12.4, count), "12件");
  EXPECT_EQ(FormatValue(-0.3, count), "0件");
  EXPECT_EQ(FormatValue(1234567, count), "1234567件");
  EXPECT_EQ(FormatValue(std::nan(""), count), "无数据");
  EXPECT_EQ(FormatValue(INFINITY, pct), "无数据");
}

TEST(NiceTicksTest, Table) {
  const struct {
    double max;
    bool integers;
    std::vector<double> ticks;
  } cases[] = {
      {7, true, {0, 2, 4, 6, 8}},
      {0, true, {0, 1}},
      {3, true, {0, 1, 2, 3}},
      {12, true, {0, 5, 10, 15}},
      {100, true, {0, 20, 40, 60, 80, 100}},
      {1.0, false, {0, 0.2, 0.4, 0.6, 0.8, 1.0}},
      {0.9, false, {0, 0.2, 0.4, 0.6, 0.8, 1.0}},
      {0.07, false, {0, 0.02, 0.04, 0.06, 0.08}},
      {-5, true, {0, 1}},
      {std::nan(""), false, {0, 0.2, 0.4, 0.6, 0.8, 1.0}},
  };
  for (const auto& c : cases) EXPECT_EQ(NiceTicks(c.max, c.integers), c.ticks) << c.max;
}

// Ticks start at 0, are evenly spaced by 1, 2 or 5 × 10^k, cover the maximum
// and end at most one step above it.
void ExpectRoundTicks(const std::vector<double>& ticks, double max, bool integers) {
  SCOPED_TRACE(max);
  ASSERT_GE(ticks.size(), 2u);
  EXPECT_EQ(ticks.front(), 0);
  const double step = ticks[1] - ticks[0];
  ASSERT_GT(step, 0);
  const double mantissa = step / std::pow(10.0, std::floor(std::log10(step) + 1e-9));
  EXPECT_TRUE(std::abs(mantissa - 1) < 1e-6 || std::abs(mantissa - 2) < 1e-6 || std::abs(mantissa - 5) < 1e-6) << step;
  if (integers) {
    EXPECT_EQ(step, std::round(step));
  }
  for (std::size_t i = 1; i < ticks.size(); ++i) EXPECT_NEAR(ticks[i] - ticks[i - 1], step, step * 1e-9);
  EXPECT_GE(ticks.back(), max);
  EXPECT_LT(ticks.back() - step, std::max(max, 1e-300));
  EXPECT_LE(ticks.size(), 12u);
}

TEST(NiceTicksTest, RoundAndCoveringForManyMaxima) {
  for (double max = 0.013; max < 5e6; max *= 1.37) {
    ExpectRoundTicks(NiceTicks(max, false), max, false);
    ExpectRoundTicks(NiceTicks(max, true), max, true);
  }
  for (int max = 1; max <= 200; ++max) ExpectRoundTicks(NiceTicks(max, true), max, true);
}

// ---- bar chart ------------------------------------------------------------------

BarChartData OnTimeRates() {
  BarChartData d;
  d.bars = {{"区财政局", 0.985},        {"区发展和改革委员会", 0.5}, {"区人力资源和社会保障局劳动保障监察大队", 0.25},
            {"区民政局", std::nullopt}, {"区教育局", 1.0},           {"区卫生健康委员会", 0.0}};
  d.reference = 0.9;
  d.category_header = "单位";
  d.value_header = "按时率";
  d.count_noun = "个单位";
  return d;
}

ChartOptions Options(std::string prefix, std::string title) {
  ChartOptions o;
  o.id_prefix = std::move(prefix);
  o.title = std::move(title);
  return o;
}

// Start tags of bar rects, in order.
std::vector<std::string> Bars(const std::string& svg) { return All(svg, "(<rect class=\"gk-bar\"[^>]*>)"); }

TEST(BarChartTest, AccessibleAndSummarised) {
  const std::string svg = BarChart(OnTimeRates(), Options("ontime", "各单位按时率"));
  ExpectAccessibleSvg(svg);
  EXPECT_NE(svg.find("aria-labelledby=\"ontime-title ontime-desc\""), std::string::npos);
  EXPECT_NE(svg.find("<title id=\"ontime-title\">各单位按时率</title>"), std::string::npos);
  const auto desc = All(svg, "<desc[^>]*>([^<]+)</desc>");
  ASSERT_EQ(desc.size(), 1u);
  EXPECT_EQ(desc[0],
            "各单位按时率条形图，共6个单位，最高为区教育局（100%），最低为区卫生健康委员会（0%），1个单位无数据，"
            "参考线为目标 90%。");
  ChartOptions own = Options("x", "t");
  own.description = "自定义说明。";
  EXPECT_NE(BarChart(OnTimeRates(), own).find("<desc id=\"x-desc\">自定义说明。</desc>"), std::string::npos);
}

TEST(BarChartTest, BarLengthsProportionalToValues) {
  const BarChartData d = OnTimeRates();
  const std::string svg = BarChart(d, Options("p", "按时率"));
  const auto bars = Bars(svg);
  ASSERT_EQ(bars.size(), 5u);  // one value is missing
  const std::vector<double> values = {0.985, 0.5, 0.25, 1.0, 0.0};
  const double full = std::stod(Attr(bars[3], "width"));  // 100% spans the whole plot
  ASSERT_GT(full, 100);
  for (std::size_t i = 0; i < bars.size(); ++i) {
    EXPECT_NEAR(std::stod(Attr(bars[i], "width")), values[i] * full, 0.01) << i;
    EXPECT_EQ(Attr(bars[i], "x"), Attr(bars[0], "x"));
  }
  // The reference line sits at 90% of the same scale.
  const auto ref = All(svg, "<g class=\"gk-reference\"><line x1=\"([0-9.]+)\"");
  ASSERT_EQ(ref.size(), 1u);
  EXPECT_NEAR(std::stod(ref[0]) - std::stod(Attr(bars[0], "x")), 0.9 * full, 0.01);
  EXPECT_NE(svg.find(">目标 90%</text>"), std::string::npos);
}

TEST(BarChartTest, IntegerValuesProportionalWithSuffix) {
  BarChartData d;
  d.format = {ValueFormat::Kind::kInteger, "件"};
  d.bars = {{"甲", 3}, {"乙", 6}, {"丙", 12}, {"丁", 7}};
  const std::string svg = BarChart(d, Options("n", "逾期数"));
  ExpectAccessibleSvg(svg);
  const auto bars = Bars(svg);
  ASSERT_EQ(bars.size(), 4u);
  const double w12 = std::stod(Attr(bars[2], "width"));
  for (std::size_t i = 0; i < bars.size(); ++i) {
    EXPECT_NEAR(std::stod(Attr(bars[i], "width")) / w12, d.bars[i].value.value() / 12, 0.001);
  }
  EXPECT_EQ(All(svg, "class=\"gk-value\">([^<]*)<"), (std::vector<std::string>{"3件", "6件", "12件", "7件"}));
  // The axis runs to 15 (NiceTicks), so the longest bar stops short of the end.
  EXPECT_NE(svg.find(">15</text>"), std::string::npos);
}

TEST(BarChartTest, MissingValueHasNoBarAndSaysNoData) {
  BarChartData d;
  d.bars = {{"区民政局", std::nullopt}, {"区财政局", 0.8}, {"区审计局", std::nan("")}};
  const std::string svg = BarChart(d, Options("m", "按时率"));
  ExpectAccessibleSvg(svg);
  EXPECT_EQ(Bars(svg).size(), 1u);
  EXPECT_EQ(All(svg, "class=\"gk-missing\">([^<]*)<"), (std::vector<std::string>{"无数据", "无数据"}));
  EXPECT_NE(svg.find("<title>区民政局：无数据</title>"), std::string::npos);
  const std::string table = BarChartTable(d, Options("m", "按时率"));
  EXPECT_EQ(All(table, "<td[^>]*>([^<]*)</td>"), (std::vector<std::string>{"无数据", "80%", "无数据"}));

  d.bars = {{"甲", std::nullopt}};
  const std::string all_missing = BarChart(d, Options("m", "按时率"));
  ExpectAccessibleSvg(all_missing);
  EXPECT_NE(all_missing.find("共1项，均无数据。"), std::string::npos);
}

TEST(BarChartTest, LongLabelsTruncatedWithFullNameInTitle) {
  const std::string svg = BarChart(OnTimeRates(), Options("l", "按时率"));
  const std::string full = "区人力资源和社会保障局劳动保障监察大队";  // 19 characters
  EXPECT_NE(svg.find("<title>" + full + "：25%</title>"), std::string::npos);
  EXPECT_NE(svg.find(">区人力资源和社会保障局…</text>"), std::string::npos);  // 11 + "…"
  EXPECT_EQ(svg.find(">" + full + "</text>"), std::string::npos);
  EXPECT_NE(svg.find(">区发展和改革委员会</text>"), std::string::npos);  // 9 characters: whole
}

TEST(BarChartTest, HostileLabelsEscapedInChartAndTable) {
  BarChartData d;
  d.bars = {{kHostile, 0.5}, {"A&B", 0.7}};
  d.reference = 0.9;
  d.reference_label = "<b>目标</b>";
  d.category_header = "<th>";
  ChartOptions o = Options("h\"><script>", std::string("标题") + kHostile);
  const std::string svg = BarChart(d, o);
  const std::string table = BarChartTable(d, o);
  ExpectAccessibleSvg(svg);
  ExpectSemanticTable(table);
  for (const std::string& out : {svg, table}) {
    EXPECT_EQ(out.find("<script"), std::string::npos);
    EXPECT_EQ(out.find("<b>"), std::string::npos);
    EXPECT_NE(out.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;区&quot;"), std::string::npos);
    EXPECT_NE(out.find("A&amp;B"), std::string::npos);
  }
  // The id prefix is reduced to safe characters, consistently.
  EXPECT_NE(svg.find("aria-labelledby=\"h---script--title h---script--desc\""), std::string::npos);
  EXPECT_NE(svg.find("id=\"h---script--title\""), std::string::npos);
}

TEST(BarChartTest, TableHasEveryFigureOfTheChart) {
  const BarChartData d = OnTimeRates();
  const ChartOptions o = Options("t", "各单位按时率");
  const std::string svg = BarChart(d, o);
  const std::string table = BarChartTable(d, o);
  ExpectSemanticTable(table);
  EXPECT_NE(table.find("<caption>各单位按时率（参考线：目标 90%）</caption>"), std::string::npos);
  EXPECT_NE(table.find("<th scope=\"col\">单位</th><th scope=\"col\">按时率</th>"), std::string::npos);
  // The values drawn, in order (a missing one as 无数据), are the table's cells.
  const auto shown = All(svg, "class=\"gk-(?:value|missing)\">([^<]*)<");
  const auto cells = All(table, "<td[^>]*>([^<]*)</td>");
  EXPECT_EQ(shown, cells);
  EXPECT_EQ(cells, (std::vector<std::string>{"98.5%", "50%", "25%", "无数据", "100%", "0%"}));
  std::vector<std::string> names;
  for (const BarDatum& b : d.bars) names.push_back(b.label);
  EXPECT_EQ(All(table, "<th scope=\"row\">([^<]*)</th>"), names);
}

TEST(BarChartTest, GivenSizeSetsViewBox) {
  ChartOptions o = Options("s", "按时率");
  o.width = 480;
  o.height = 300;
  const std::string svg = BarChart(OnTimeRates(), o);
  const std::string root = svg.substr(0, svg.find('>') + 1);
  EXPECT_EQ(Attr(root, "width"), "480");
  EXPECT_EQ(Attr(root, "height"), "300");
  EXPECT_EQ(Attr(root, "viewBox"), "0 0 480 300");
}

// ---- line chart -------------------------------------------------------------------

LineChartData Overdue() {
  LineChartData d;
  for (int m = 1; m <= 12; ++m) d.categories.push_back(fmt::format("2025-{:02}", m));
  d.format = {ValueFormat::Kind::kInteger, "件"};
  d.series = {{"区财政局", {3, 5, 12, 7, std::nullopt, 4, 2, 0, 1, 6, 8, 9}},
              {"区教育局", {1, 0, 2, 2, 3, 1, 0, 0, 4, 2, 1, 0}},
              {"区民政局", {0, 1}}};  // the rest missing
  return d;
}

TEST(LineChartTest, AccessibleWithLegendAndSummary) {
  const std::string svg = LineChart(Overdue(), Options("od", "逾期数"));
  ExpectAccessibleSvg(svg);
  const auto desc = All(svg, "<desc[^>]*>([^<]+)</desc>");
  ASSERT_EQ(desc.size(), 1u);
  EXPECT_EQ(desc[0],
            "逾期数折线图，2025-01至2025-12共12个月，3个系列（区财政局、区教育局、区民政局），"
            "最高值为区财政局2025-03的12件，11个数据点无数据。");
  EXPECT_EQ(Count(svg, "class=\"gk-legend-item\""), 3u);
  for (const char* name : {"区财政局", "区教育局", "区民政局"}) {
    EXPECT_NE(svg.find(std::string(">") + name + "</text>"), std::string::npos) << name;
  }
  EXPECT_NE(svg.find(">单位：件</text>"), std::string::npos);
  // Series differ by more than colour: dash patterns differ.
  const auto paths = All(svg, "(<path class=\"gk-line\"[^>]*>)");
  std::set<std::string> dashes;
  for (const auto& p : paths) dashes.insert(Attr(p, "stroke-dasharray"));
  EXPECT_EQ(dashes.size(), 3u);
}

TEST(LineChartTest, YTicksAreRoundAndCoverTheMaximum) {
  const std::string svg = LineChart(Overdue(), Options("y", "逾期数"));
  const auto labels = All(svg, "class=\"gk-tick\"[^>]*>([^<]*)<");
  std::vector<double> ticks;
  for (const auto& l : labels) ticks.push_back(std::stod(l));
  EXPECT_EQ(ticks, (std::vector<double>{0, 5, 10, 15}));
  ExpectRoundTicks(ticks, 12, true);

  LineChartData pct;
  pct.categories = {"2025-01", "2025-02", "2025-03"};
  pct.format = {};
  pct.series = {{"按时率", {0.62, 0.875, 0.71}}};
  const std::string p = LineChart(pct, Options("y2", "按时率"));
  ExpectAccessibleSvg(p);
  EXPECT_EQ(All(p, "class=\"gk-tick\"[^>]*>([^<]*)<"),
            (std::vector<std::string>{"0%", "20%", "40%", "60%", "80%", "100%"}));
  EXPECT_EQ(p.find("单位："), std::string::npos);
}

TEST(LineChartTest, PointsCarryTooltipsAndGapsBreakTheLine) {
  const LineChartData d = Overdue();
  const std::string svg = LineChart(d, Options("pt", "逾期数"));
  // 11 + 12 + 2 values present.
  EXPECT_EQ(Count(svg, "class=\"gk-point\""), 25u);
  EXPECT_NE(svg.find("<title>区财政局 2025-03：12件</title>"), std::string::npos);
  EXPECT_EQ(svg.find("区财政局 2025-05："), std::string::npos);
  // 区财政局 breaks at May: two paths; 区教育局 one; 区民政局 one (two points).
  EXPECT_EQ(Count(svg, "class=\"gk-line\""), 4u);
  // The highest point is at the top tick's height × 12/15 above the axis.
  const auto ys = All(svg, "<circle class=\"gk-point\" cx=\"[0-9.]+\" cy=\"([0-9.]+)\"");
  ASSERT_EQ(ys.size(), 11u);
  // ys skips the missing May, so index 6 is 2025-08 and 8 is 2025-10.
  const double y0 = std::stod(ys[6]);   // 2025-08: 0
  const double y12 = std::stod(ys[2]);  // 2025-03: 12
  const double y6 = std::stod(ys[8]);   // 2025-10: 6
  EXPECT_NEAR((y0 - y6) / (y0 - y12), 0.5, 0.001);
}

TEST(LineChartTest, TableHasEveryPoint) {
  const LineChartData d = Overdue();
  const ChartOptions o = Options("lt", "逾期数");
  const std::string svg = LineChart(d, o);
  const std::string table = LineChartTable(d, o);
  ExpectSemanticTable(table);
  EXPECT_NE(table.find("<thead><tr><th scope=\"col\">月份</th><th scope=\"col\">区财政局</th>"), std::string::npos);
  EXPECT_EQ(All(table, "<th scope=\"row\">([^<]*)</th>"), d.categories);
  // Every tooltip "series category：value" is found as that row's cell.
  const auto tips = All(svg, "class=\"gk-point\"[^>]*><title>([^<]*)</title>");
  ASSERT_EQ(tips.size(), 25u);
  std::map<std::string, std::vector<std::string>> rows;
  for (const auto& cat : d.categories) {
    const auto row = All(table, "<th scope=\"row\">" + cat + "</th>((?:<td[^>]*>[^<]*</td>)+)");
    ASSERT_EQ(row.size(), 1u);
    rows[cat] = All(row[0], "<td[^>]*>([^<]*)</td>");
    ASSERT_EQ(rows[cat].size(), d.series.size());
  }
  for (const auto& tip : tips) {
    const auto space = tip.find(' ');
    const auto colon = tip.find("：");
    const std::string series = tip.substr(0, space);
    const std::string cat = tip.substr(space + 1, colon - space - 1);
    const std::string value = tip.substr(colon + std::string("：").size());
    std::size_t s = 0;
    while (d.series[s].name != series) ++s;
    EXPECT_EQ(rows[cat][s], value) << tip;
  }
  EXPECT_EQ(rows["2025-05"][0], "无数据");
  EXPECT_EQ(rows["2025-12"][2], "无数据");
}

TEST(LineChartTest, HostileNamesEscaped) {
  LineChartData d;
  d.categories = {kHostile, "2025-02"};
  d.series = {{kHostile, {1, 2}}, {"A&B", {2, 1}}};
  d.format = {ValueFormat::Kind::kInteger, "<件>"};
  const ChartOptions o = Options("lh", kHostile);
  const std::string svg = LineChart(d, o);
  const std::string table = LineChartTable(d, o);
  ExpectAccessibleSvg(svg);
  ExpectSemanticTable(table);
  for (const std::string& out : {svg, table}) {
    EXPECT_EQ(out.find("<script"), std::string::npos);
    EXPECT_EQ(out.find("<件>"), std::string::npos);
    EXPECT_NE(out.find("&lt;件&gt;"), std::string::npos);
    EXPECT_NE(out.find("A&amp;B"), std::string::npos);
  }
}

TEST(LineChartTest, ManyCategoriesThinLabels) {
  LineChartData d;
  LineSeries s{"数", {}};
  for (int i = 0; i < 48; ++i) {
    d.categories.push_back(fmt::format("{}-{:02}", 2022 + i / 12, i % 12 + 1));
    s.values.push_back(i);
  }
  d.series = {s};
  const std::string svg = LineChart(d, Options("many", "逾期数"));
  ExpectAccessibleSvg(svg);
  const std::size_t shown = Count(svg, ">2022-") + Count(svg, ">2023-") + Count(svg, ">2024-") + Count(svg, ">2025-");
  EXPECT_GT(shown, 4u);
  EXPECT_LT(shown, 48u);
  EXPECT_NE(svg.find(">2022-01</text>"), std::string::npos);
}

// ---- heat map ------------------------------------------------------------------------

HeatMapData Coverage() {
  HeatMapData d;
  d.rows = {"区财政局", "区教育局", "区人力资源和社会保障局劳动保障监察大队"};
  for (int i = 1; i <= 5; ++i) d.columns.push_back({std::to_string(i), fmt::format("{} 事项名称{}", i, i)});
  using C = HeatClass;
  d.cells = {
      {{C::kGap, 0},
       {C::kCovered, 12},
       {C::kNotApplicable, std::nullopt},
       {C::kEventDrivenNoEvents, std::nullopt},
       {C::kCovered, 3}},
      {{C::kCovered, 1}, {C::kGap, std::nullopt}, {C::kGap, 0}, {C::kCovered, 140}, {C::kNotApplicable, {}}},
      {{C::kEventDrivenNoEvents, {}}, {C::kCovered, 2}, {C::kCovered, 2}, {C::kCovered, 2}, {C::kGap, 1}},
  };
  d.count_noun = "条";
  return d;
}

TEST(HeatMapTest, AccessibleWithLegendAndSummary) {
  const std::string svg = HeatMap(Coverage(), Options("hm", "各单位公开覆盖"));
  ExpectAccessibleSvg(svg);
  const auto desc = All(svg, "<desc[^>]*>([^<]+)</desc>");
  ASSERT_EQ(desc.size(), 1u);
  EXPECT_EQ(desc[0],
            "各单位公开覆盖热力图，3个单位×5个事项，缺漏4处，已覆盖7处，不适用2处，无事件2处；"
            "缺漏最多的是区教育局（2处）。");
  for (const char* legend : {">缺漏</text>", ">已覆盖</text>", ">不适用</text>", ">无事件</text>"}) {
    EXPECT_NE(svg.find(legend), std::string::npos) << legend;
  }
  EXPECT_EQ(svg.find(">无数据</text>"), std::string::npos);  // no absent cells, no legend entry
}

TEST(HeatMapTest, OneCellPerRowAndColumnGapsMarkedWithoutColour) {
  const HeatMapData d = Coverage();
  const std::string svg = HeatMap(d, Options("hc", "覆盖"));
  EXPECT_EQ(Count(svg, "<g class=\"gk-cell "), d.rows.size() * d.columns.size());
  const auto gaps = All(svg, "(<g class=\"gk-cell gk-gap\">.*?</g>)");
  ASSERT_EQ(gaps.size(), 4u);
  for (const auto& g : gaps) {
    const auto text = All(g, "class=\"gk-value\"[^>]*>([^<]*)<");
    ASSERT_EQ(text.size(), 1u);
    EXPECT_TRUE(text[0].starts_with("×")) << g;
    EXPECT_NE(g.find("stroke-width=\"2\""), std::string::npos) << g;  // a thick border too
  }
  for (const auto& c : All(svg, "(<g class=\"gk-cell gk-covered\">.*?</g>)")) {
    EXPECT_TRUE(All(c, "class=\"gk-value\"[^>]*>([^<]*)<").at(0).starts_with("✓")) << c;
  }
  // Every class has its own mark, so colour is never the only difference.
  std::set<std::string> marks;
  for (const HeatClass c :
       {HeatClass::kGap, HeatClass::kCovered, HeatClass::kNotApplicable, HeatClass::kEventDrivenNoEvents}) {
    marks.insert(std::string(HeatClassMark(c)));
  }
  EXPECT_EQ(marks.size(), 4u);
  EXPECT_NE(svg.find("<title>区教育局 · 4 事项名称4：✓ 已覆盖 140条</title>"), std::string::npos);
  EXPECT_NE(svg.find(">✓140</text>"), std::string::npos);
  // Column headers are short, with the full name as a tooltip.
  EXPECT_NE(svg.find("<title>3 事项名称3</title>3</text>"), std::string::npos);
}

TEST(HeatMapTest, ShortRowIsDrawnAsNoDataNotAsAClass) {
  HeatMapData d = Coverage();
  d.cells[2].resize(3);
  const std::string svg = HeatMap(d, Options("hs", "覆盖"));
  ExpectAccessibleSvg(svg);
  EXPECT_EQ(Count(svg, "<g class=\"gk-cell "), 15u);
  EXPECT_EQ(Count(svg, "<g class=\"gk-cell gk-absent\">"), 2u);
  EXPECT_NE(svg.find(">无数据</text>"), std::string::npos);  // legend entry
  EXPECT_NE(svg.find("无数据2处"), std::string::npos);
  EXPECT_EQ(Count(HeatMapTable(d, Options("hs", "覆盖")), "? 无数据"), 2u);
}

TEST(HeatMapTest, TableHasEveryCell) {
  const HeatMapData d = Coverage();
  const ChartOptions o = Options("ht", "各单位公开覆盖");
  const std::string svg = HeatMap(d, o);
  const std::string table = HeatMapTable(d, o);
  ExpectSemanticTable(table);
  EXPECT_NE(table.find("<th scope=\"col\">单位</th><th scope=\"col\"><abbr title=\"1 事项名称1\">1</abbr></th>"),
            std::string::npos);
  EXPECT_EQ(All(table, "<th scope=\"row\">([^<]*)</th>"), d.rows);
  const auto shown = All(svg, "<g class=\"gk-cell[^\"]*\">.*?class=\"gk-value\"[^>]*>([^<]*)<");
  const auto cells = All(table, "<td[^>]*>([^<]*)</td>");
  ASSERT_EQ(shown.size(), 15u);
  ASSERT_EQ(cells.size(), 15u);
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const HeatCell& cell = d.cells[i / 5][i % 5];
    const std::string mark(HeatClassMark(cell.value_class));
    EXPECT_TRUE(shown[i].starts_with(mark)) << shown[i];
    EXPECT_TRUE(cells[i].starts_with(mark + " " + std::string(HeatClassLabel(cell.value_class)))) << cells[i];
    const std::string count = shown[i].substr(mark.size());
    EXPECT_EQ(count, cell.count ? std::to_string(*cell.count) : "");
    if (!count.empty()) {
      EXPECT_TRUE(cells[i].ends_with(" " + count + "条")) << cells[i];
    }
  }
}

TEST(HeatMapTest, HostileHeadersEscaped) {
  HeatMapData d;
  d.rows = {kHostile};
  d.columns = {{"<1>", kHostile}};
  d.cells = {{{HeatClass::kGap, 1}}};
  d.row_header = "<th>";
  d.count_noun = "&";
  const ChartOptions o = Options("hh", kHostile);
  const std::string svg = HeatMap(d, o);
  const std::string table = HeatMapTable(d, o);
  ExpectAccessibleSvg(svg);
  ExpectSemanticTable(table);
  for (const std::string& out : {svg, table}) {
    EXPECT_EQ(out.find("<script"), std::string::npos);
    EXPECT_EQ(out.find("<1>"), std::string::npos);
    EXPECT_EQ(out.find("<th>"), std::string::npos);
    EXPECT_NE(out.find("&lt;1&gt;"), std::string::npos);
  }
}

// ---- all kinds ----------------------------------------------------------------------------

TEST(ChartTest, EmptyInputSaysNoData) {
  const ChartOptions o = Options("e", "各单位按时率");
  HeatMapData rows_only;
  rows_only.rows = {"区财政局"};
  LineChartData no_series;
  no_series.categories = {"2025-01"};
  for (const std::string& svg :
       {BarChart({}, o), LineChart({}, o), LineChart(no_series, o), HeatMap({}, o), HeatMap(rows_only, o)}) {
    ExpectAccessibleSvg(svg);
    EXPECT_NE(svg.find(">暂无数据</text>"), std::string::npos);
    EXPECT_NE(svg.find("<desc id=\"e-desc\">各单位按时率：暂无数据。</desc>"), std::string::npos);
    EXPECT_LT(svg.size(), 1000u);
  }
  for (const std::string& table : {BarChartTable({}, o), LineChartTable({}, o), HeatMapTable({}, o)}) {
    ExpectSemanticTable(table);
    EXPECT_NE(table.find("<td>暂无数据</td>"), std::string::npos);
  }
  // Without a title the chart kind names it.
  EXPECT_NE(BarChart({}, ChartOptions{}).find("<title id=\"chart-title\">条形图</title>"), std::string::npos);
}

TEST(ChartTest, Deterministic) {
  const ChartOptions o = Options("d", "标题");
  const std::string bar = BarChart(OnTimeRates(), o);
  const std::string line = LineChart(Overdue(), o);
  const std::string heat = HeatMap(Coverage(), o);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(BarChart(OnTimeRates(), o), bar);
    EXPECT_EQ(LineChart(Overdue(), o), line);
    EXPECT_EQ(HeatMap(Coverage(), o), heat);
  }
  EXPECT_EQ(BarChartTable(OnTimeRates(), o), BarChartTable(OnTimeRates(), o));
  // Numbers are written with '.' and no exponent or grouping.
  for (const std::string& svg : {bar, line, heat}) {
    for (const auto& n : All(svg, "\\s(?:x|y|width|height|cx|cy|r)=\"([^\"]*)\"")) {
      EXPECT_TRUE(std::regex_match(n, std::regex("-?[0-9]+(\\.[0-9]{1,2})?"))) << n;
    }
  }
}

TEST(ChartTest, IdsUniquePerPrefix) {
  const std::string a = BarChart(OnTimeRates(), Options("a", "t"));
  const std::string b = HeatMap(Coverage(), Options("b", "t"));
  const std::string page = "<div>" + a + b + BarChartTable(OnTimeRates(), Options("a", "t")) + "</div>";
  EXPECT_EQ(XmlError(page), "");
  std::set<std::string> seen;
  for (const auto& id : All(page, "\\sid=\"([^\"]*)\"")) EXPECT_TRUE(seen.insert(id).second) << id;
  EXPECT_EQ(seen.size(), 5u);  // two titles, two descs, one table
}

TEST(ChartTest, TextColoursMeetContrast) {
  for (const std::string_view c : {palette::kText, palette::kMuted, palette::kReference}) {
    EXPECT_GE(Contrast(c, palette::kBackground), 4.5) << c;
  }
  EXPECT_GE(Contrast(palette::kBar, palette::kBackground), 3.0);
  for (const std::string_view c : palette::kSeries) EXPECT_GE(Contrast(c, palette::kBackground), 3.0) << c;
  for (const HeatClass c :
       {HeatClass::kGap, HeatClass::kCovered, HeatClass::kNotApplicable, HeatClass::kEventDrivenNoEvents}) {
    const CellColors colors = HeatClassColors(c);
    EXPECT_GE(Contrast(colors.text, colors.fill), 4.5) << HeatClassLabel(c);
  }
  // Every text drawn on the white background uses a passing colour.
  for (const std::string& svg : {BarChart(OnTimeRates(), Options("c", "t")), LineChart(Overdue(), Options("c", "t"))}) {
    for (const auto& fill : All(svg, "<text [^>]*fill=\"(#[0-9a-f]{6})\"")) {
      EXPECT_GE(Contrast(fill, palette::kBackground), 4.5) << fill;
    }
  }
  // In the heat map each cell's text passes against the cell's own fill.
  const std::string heat = HeatMap(Coverage(), Options("c", "t"));
  const std::regex cell_re(
      "<g class=\"gk-cell[^\"]*\">.*?<rect [^>]*fill=\"(#[0-9a-f]{6})\".*?<text [^>]*fill=\"(#[0-9a-f]{6})\"");
  std::size_t cells = 0;
  for (auto it = std::sregex_iterator(heat.begin(), heat.end(), cell_re); it != std::sregex_iterator(); ++it, ++cells) {
    EXPECT_GE(Contrast((*it)[2].str(), (*it)[1].str()), 4.5);
  }
  EXPECT_EQ(cells, 15u);
}

// The in-test checker is the gate; when xmllint is installed it must agree.
TEST(ChartTest, XmllintAgreesWhenInstalled) {
  if (!std::filesystem::exists("/usr/bin/xmllint")) GTEST_SKIP() << "xmllint not installed";
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("gongkai_svg_chart_test_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  BarChartData hostile;
  hostile.bars = {{kHostile, 0.5}, {"\x01\xff", std::nullopt}};
  const ChartOptions o = Options("x", kHostile);
  const std::vector<std::string> docs = {BarChart(OnTimeRates(), o),
                                         BarChart(hostile, o),
                                         BarChartTable(hostile, o),
                                         LineChart(Overdue(), o),
                                         HeatMap(Coverage(), o),
                                         HeatMapTable(Coverage(), o),
                                         BarChart({}, o)};
  for (std::size_t i = 0; i < docs.size(); ++i) {
    const std::filesystem::path file = dir / ("doc" + std::to_string(i) + ".xml");
    std::ofstream(file, std::ios::binary) << docs[i];
    const std::string cmd = "/usr/bin/xmllint --noout '" + file.string() + "' 2>/dev/null";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << docs[i].substr(0, 300);
    EXPECT_EQ(XmlError(docs[i]), "");
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace gongkai::chart
