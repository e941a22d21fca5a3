#include "http/svg_chart.h"

#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iterator>

#include "core/utf8.h"

namespace gongkai::chart {
namespace {

constexpr std::string_view kFontFamily = "'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif";
constexpr std::string_view kNoData = "无数据";
constexpr std::string_view kEmpty = "暂无数据";
constexpr double kFontSize = 13;   // labels
constexpr double kSmallFont = 12;  // ticks, cells, legend

// ---- UTF-8 -------------------------------------------------------------------

struct Decoded {
  char32_t cp;
  std::size_t length;  // bytes consumed, ≥ 1
  bool valid;
};

// Decodes the code point at s[i] (i < s.size()). Overlong forms, surrogates,
// values above U+10FFFF and truncated sequences are invalid and consume one
// byte.
Decoded DecodeAt(std::string_view s, std::size_t i) {
  char32_t cp = 0;
  const std::size_t length = DecodeUtf8(s, i, cp);
  if (length == 0) return {0xFFFD, 1, false};
  return {cp, length, true};
}

bool XmlAllowed(char32_t cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
         (cp >= 0x10000 && cp <= 0x10FFFF);
}

// Width of a code point in em: CJK and other wide scripts 1, the rest about
// half. An estimate for layout, not a font metric.
double CharEm(char32_t cp) { return cp >= 0x1100 ? 1.0 : 0.55; }

double TextEm(std::string_view s) {
  double em = 0;
  for (std::size_t i = 0; i < s.size();) {
    const Decoded d = DecodeAt(s, i);
    em += CharEm(d.cp);
    i += d.length;
  }
  return em;
}

// `s` cut to at most `max_em` (with "…" when cut), at code-point boundaries.
std::string Truncate(std::string_view s, double max_em) {
  if (TextEm(s) <= max_em) return std::string(s);
  std::string out;
  double em = 0;
  for (std::size_t i = 0; i < s.size();) {
    const Decoded d = DecodeAt(s, i);
    if (em + CharEm(d.cp) > max_em - 1.0) break;  // keep 1 em for "…"
    em += CharEm(d.cp);
    out.append(s.substr(i, d.length));
    i += d.length;
  }
  return out + "…";
}

// ---- numbers -----------------------------------------------------------------

// A coordinate: at most two decimals, no trailing zeros, never "-0".
std::string Num(double v) {
  if (!std::isfinite(v)) v = 0;
  const double r = std::round(v * 100) / 100 + 0.0;
  std::string s = fmt::format("{:.2f}", r == 0 ? 0.0 : r);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

std::optional<double> Finite(std::optional<double> v) {
  if (v && std::isfinite(*v)) return v;
  return std::nullopt;
}

// A tick label: percentages as FormatValue, integers without the suffix.
std::string TickLabel(double v, const ValueFormat& format) {
  if (format.kind == ValueFormat::Kind::kPercent) return FormatValue(v, format);
  return FormatValue(v, ValueFormat{ValueFormat::Kind::kInteger, ""});
}

std::string ValueOrNoData(std::optional<double> v, const ValueFormat& format) {
  return v ? FormatValue(*v, format) : std::string(kNoData);
}

// ---- shared pieces -----------------------------------------------------------

std::string SanitizeId(std::string_view prefix) {
  std::string id;
  for (const char c : prefix) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    id += ok ? c : '-';
  }
  if (id.empty()) return "chart";
  if (!((id[0] >= 'a' && id[0] <= 'z') || (id[0] >= 'A' && id[0] <= 'Z'))) id.insert(0, "c");
  return id;
}

std::string TitleOr(const ChartOptions& options, std::string_view fallback) {
  return options.title.empty() ? std::string(fallback) : options.title;
}

// Opens the root element with its title, desc and white background.
void OpenSvg(std::string& out, const std::string& id, double view_w, double view_h, int width, int height,
             std::string_view title, std::string_view desc) {
  const double shown_w = width > 0 ? width : view_w;
  const double shown_h = height > 0 ? height : view_h;
  out += fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"gk-chart\" width=\"{}\" height=\"{}\" "
      "viewBox=\"0 0 {} {}\" role=\"img\" aria-labelledby=\"{}-title {}-desc\" font-family=\"{}\" "
      "font-size=\"{}\">",
      Num(shown_w), Num(shown_h), Num(view_w), Num(view_h), id, id, kFontFamily, Num(kFontSize));
  out += fmt::format("<title id=\"{}-title\">{}</title>", id, EscapeXml(title));
  out += fmt::format("<desc id=\"{}-desc\">{}</desc>", id, EscapeXml(desc));
  out += fmt::format("<rect width=\"{}\" height=\"{}\" fill=\"{}\"/>", Num(view_w), Num(view_h), palette::kBackground);
}

std::string EmptyChart(const ChartOptions& options, std::string_view title) {
  const std::string id = SanitizeId(options.id_prefix);
  const double w = std::max(TextEm(title) * kFontSize + 32, 200.0);
  const double h = 64;
  const std::string desc = options.description.empty() ? fmt::format("{}：{}。", title, kEmpty) : options.description;
  std::string out;
  OpenSvg(out, id, w, h, options.width, options.height, title, desc);
  out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{}\">{}</text>", Num(w / 2),
                     Num(h / 2 + 4.5), palette::kMuted, kEmpty);
  out += "</svg>";
  return out;
}

std::string EmptyTable(const ChartOptions& options, std::string_view title) {
  return fmt::format(
      "<table class=\"gk-chart-table\" id=\"{}-table\"><caption>{}</caption><tbody><tr><td>{}</td></tr></tbody>"
      "</table>",
      SanitizeId(options.id_prefix), EscapeXml(title), kEmpty);
}

std::string OpenTable(const ChartOptions& options, std::string_view caption) {
  return fmt::format("<table class=\"gk-chart-table\" id=\"{}-table\"><caption>{}</caption>",
                     SanitizeId(options.id_prefix), EscapeXml(caption));
}

// A <text> element; `content` is escaped here.
std::string Text(double x, double y, std::string_view anchor, std::string_view fill, std::string_view content,
                 std::string_view extra = {}) {
  return fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"{}\" fill=\"{}\"{}{}>{}</text>", Num(x), Num(y), anchor,
                     fill, extra.empty() ? "" : " ", extra, EscapeXml(content));
}

// Baseline offset that centres 13/12-pixel text on a line (dy="0.35em"
// without relying on the renderer).
double Centre(double y, double font) { return y + font * 0.35; }

// ---- line chart pieces -----------------------------------------------------

constexpr std::array<std::string_view, 4> kDashes = {"", "7 4", "2 3", "9 3 2 3"};

std::string DashAttr(std::size_t series) {
  const std::string_view dash = kDashes[series % kDashes.size()];
  return dash.empty() ? std::string() : fmt::format(" stroke-dasharray=\"{}\"", dash);
}

// A marker of shape series % 4 (circle, square, triangle, diamond) centred on
// (x, y), with `title` as its tooltip when non-empty.
std::string Marker(std::size_t series, double x, double y, std::string_view colour, std::string_view cls,
                   std::string_view title) {
  const std::string tip = title.empty() ? std::string() : fmt::format("<title>{}</title>", EscapeXml(title));
  const std::string cls_attr = cls.empty() ? std::string() : fmt::format(" class=\"{}\"", cls);
  const std::string paint = fmt::format("fill=\"{}\" stroke=\"{}\" stroke-width=\"1\"", colour, palette::kBackground);
  switch (series % 4) {
    case 0:
      return fmt::format("<circle{} cx=\"{}\" cy=\"{}\" r=\"4.5\" {}>{}</circle>", cls_attr, Num(x), Num(y), paint,
                         tip);
    case 1:
      return fmt::format("<rect{} x=\"{}\" y=\"{}\" width=\"8\" height=\"8\" {}>{}</rect>", cls_attr, Num(x - 4),
                         Num(y - 4), paint, tip);
    case 2:
      return fmt::format("<path{} d=\"M{} {}L{} {}L{} {}Z\" {}>{}</path>", cls_attr, Num(x), Num(y - 5.5), Num(x + 5),
                         Num(y + 3.5), Num(x - 5), Num(y + 3.5), paint, tip);
    default:
      return fmt::format("<path{} d=\"M{} {}L{} {}L{} {}L{} {}Z\" {}>{}</path>", cls_attr, Num(x), Num(y - 5.5),
                         Num(x + 5.5), Num(y), Num(x), Num(y + 5.5), Num(x - 5.5), Num(y), paint, tip);
  }
}

// ---- heat map pieces -------------------------------------------------------

constexpr std::string_view kAbsentMark = "?";
constexpr CellColors kAbsentColors = {"#ffffff", "#555555"};

std::string_view HeatClassCss(HeatClass c) {
  switch (c) {
    case HeatClass::kGap:
      return "gk-gap";
    case HeatClass::kCovered:
      return "gk-covered";
    case HeatClass::kNotApplicable:
      return "gk-na";
    case HeatClass::kEventDrivenNoEvents:
      return "gk-noevent";
  }
  return "gk-na";
}

constexpr std::array<HeatClass, 4> kHeatClasses = {HeatClass::kGap, HeatClass::kCovered, HeatClass::kNotApplicable,
                                                   HeatClass::kEventDrivenNoEvents};

const HeatCell* CellAt(const HeatMapData& data, std::size_t r, std::size_t c) {
  if (r >= data.cells.size() || c >= data.cells[r].size()) return nullptr;
  return &data.cells[r][c];
}

// "✓12" in the chart.
std::string CellMarkText(const HeatCell* cell) {
  if (cell == nullptr) return std::string(kAbsentMark);
  std::string s(HeatClassMark(cell->value_class));
  if (cell->count) s += fmt::format("{}", *cell->count);
  return s;
}

// "✓ 已覆盖 12条" in tooltips and the table.
std::string CellLongText(const HeatCell* cell, std::string_view count_noun) {
  if (cell == nullptr) return fmt::format("{} {}", kAbsentMark, kNoData);
  std::string s = fmt::format("{} {}", HeatClassMark(cell->value_class), HeatClassLabel(cell->value_class));
  if (cell->count) s += fmt::format(" {}{}", *cell->count, count_noun);
  return s;
}

std::string_view ColumnFull(const HeatColumn& column) {
  return column.full_label.empty() ? std::string_view(column.label) : std::string_view(column.full_label);
}

}  // namespace

// ---- public helpers ------------------------------------------------------------

std::string EscapeXml(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (std::size_t i = 0; i < text.size();) {
    const Decoded d = DecodeAt(text, i);
    if (!d.valid || !XmlAllowed(d.cp)) {
      out += "\xEF\xBF\xBD";  // U+FFFD
    } else {
      switch (d.cp) {
        case '&':
          out += "&amp;";
          break;
        case '<':
          out += "&lt;";
          break;
        case '>':
          out += "&gt;";
          break;
        case '"':
          out += "&quot;";
          break;
        case '\'':
          out += "&#39;";
          break;
        default:
          out.append(text.substr(i, d.length));
      }
    }
    i += d.length;
  }
  return out;
}

std::string FormatValue(double value, const ValueFormat& format) {
  if (!std::isfinite(value)) return std::string(kNoData);
  if (format.kind == ValueFormat::Kind::kPercent) {
    std::string s = fmt::format("{:.1f}", std::round(value * 1000) / 10 + 0.0);
    if (s.ends_with(".0")) s.resize(s.size() - 2);
    if (s == "-0") s = "0";
    return s + "%";
  }
  std::string s = fmt::format("{:.0f}", std::round(value) + 0.0);
  if (s == "-0") s = "0";
  return s + format.suffix;
}

std::vector<double> NiceTicks(double max_value, bool integers, int target_count) {
  if (!std::isfinite(max_value) || max_value <= 0) max_value = 1;
  if (target_count < 1) target_count = 1;
  const double raw = max_value / target_count;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double residual = raw / magnitude;
  double nice = residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 5 ? 5 : 10;
  double step = nice * magnitude;
  if (integers && step < 1) step = 1;
  auto intervals = static_cast<long long>(std::ceil(max_value / step - 1e-9));
  if (intervals * step < max_value) ++intervals;
  if (intervals < 1) intervals = 1;
  std::vector<double> ticks;
  ticks.reserve(static_cast<std::size_t>(intervals) + 1);
  for (long long k = 0; k <= intervals; ++k) {
    // k * nice * magnitude, rounded to the step's precision, so that 3 × 0.2
    // is 0.6 and not 0.6000000000000001.
    const double t = static_cast<double>(k) * step;
    const double scale = magnitude < 1 ? std::round(1 / magnitude) : 1;
    ticks.push_back(magnitude < 1 ? std::round(t * scale) / scale : t);
  }
  return ticks;
}

std::string_view HeatClassLabel(HeatClass value_class) {
  switch (value_class) {
    case HeatClass::kGap:
      return "缺漏";
    case HeatClass::kCovered:
      return "已覆盖";
    case HeatClass::kNotApplicable:
      return "不适用";
    case HeatClass::kEventDrivenNoEvents:
      return "无事件";
  }
  return "不适用";
}

std::string_view HeatClassMark(HeatClass value_class) {
  switch (value_class) {
    case HeatClass::kGap:
      return "×";
    case HeatClass::kCovered:
      return "✓";
    case HeatClass::kNotApplicable:
      return "—";
    case HeatClass::kEventDrivenNoEvents:
      return "○";
  }
  return "—";
}

CellColors HeatClassColors(HeatClass value_class) {
  switch (value_class) {
    case HeatClass::kGap:
      return {"#f9d6d3", "#8c1d18"};
    case HeatClass::kCovered:
      return {"#d4edda", "#1e5631"};
    case HeatClass::kNotApplicable:
      return {"#ececec", "#474747"};
    case HeatClass::kEventDrivenNoEvents:
      return {"#e3ecf6", "#2b4a6b"};
  }
  return {"#ececec", "#474747"};
}

// ---- bar chart -------------------------------------------------------------------

std::string BarChart(const BarChartData& data, const ChartOptions& options) {
  const std::string title = TitleOr(options, "条形图");
  if (data.bars.empty()) return EmptyChart(options, title);
  const std::string id = SanitizeId(options.id_prefix);
  const bool percent = data.format.kind == ValueFormat::Kind::kPercent;
  const std::size_t n = data.bars.size();

  std::vector<std::optional<double>> values;
  std::vector<std::string> labels;
  std::vector<std::string> value_texts;
  double max_value = 0;
  double label_em = 0;
  double value_em = TextEm(kNoData);
  for (const BarDatum& bar : data.bars) {
    values.push_back(Finite(bar.value));
    if (values.back()) max_value = std::max(max_value, *values.back());
    labels.push_back(Truncate(bar.label, std::max(data.max_label_chars, 2)));
    label_em = std::max(label_em, TextEm(labels.back()));
    value_texts.push_back(ValueOrNoData(values.back(), data.format));
    value_em = std::max(value_em, TextEm(value_texts.back()));
  }
  const std::optional<double> reference = Finite(data.reference);
  const double axis_need = std::max(max_value, reference.value_or(0.0));
  const std::vector<double> ticks = percent ? NiceTicks(std::max(1.0, axis_need), false) : NiceTicks(axis_need, true);
  const double axis_max = ticks.back();

  // Layout.
  const double label_w = std::max(48.0, std::ceil(label_em * kFontSize) + 16);
  const double value_w = std::ceil(value_em * kFontSize) + 14;
  const double right_pad = 12;
  double width = options.width > 0 ? options.width : 640;
  double plot_w = width - label_w - value_w - right_pad;
  if (plot_w < 80) {
    plot_w = 80;
    width = label_w + plot_w + value_w + right_pad;
  }
  const double x0 = label_w;
  const double top = reference ? 32 : 12;
  const double bottom = 28;
  double row_h = 28;
  double height = top + row_h * static_cast<double>(n) + bottom;
  if (options.height > 0) {
    row_h = std::max(1.0, (options.height - top - bottom) / static_cast<double>(n));
    height = top + row_h * static_cast<double>(n) + bottom;
  }
  const double plot_bottom = top + row_h * static_cast<double>(n);
  const double bar_h = std::min(18.0, row_h * 0.65);
  const auto x_of = [&](double v) { return x0 + std::clamp(v, 0.0, axis_max) / axis_max * plot_w; };

  // Summary.
  std::string desc = options.description;
  if (desc.empty()) {
    std::optional<std::size_t> hi, lo;
    std::size_t missing = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (!values[i]) {
        ++missing;
        continue;
      }
      if (!hi || *values[i] > *values[*hi]) hi = i;
      if (!lo || *values[i] < *values[*lo]) lo = i;
    }
    desc = fmt::format("{}条形图，共{}{}", title, n, data.count_noun);
    if (!hi) {
      desc += "，均无数据";
    } else {
      desc += fmt::format("，最高为{}（{}），最低为{}（{}）", data.bars[*hi].label, value_texts[*hi],
                          data.bars[*lo].label, value_texts[*lo]);
      if (missing > 0) desc += fmt::format("，{}{}无数据", missing, data.count_noun);
    }
    if (reference) desc += fmt::format("，参考线为{} {}", data.reference_label, FormatValue(*reference, data.format));
    desc += "。";
  }

  std::string out;
  OpenSvg(out, id, width, height, 0, 0, title, desc);

  // Grid and tick labels.
  out += "<g class=\"gk-axis\">";
  for (const double t : ticks) {
    const double x = x_of(t);
    out += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"1\"/>", Num(x),
                       Num(top), Num(x), Num(plot_bottom), palette::kGrid);
    out += Text(x, plot_bottom + 17, "middle", palette::kMuted, TickLabel(t, data.format),
                fmt::format("font-size=\"{}\"", Num(kSmallFont)));
  }
  out += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"1\"/>", Num(x0),
                     Num(top), Num(x0), Num(plot_bottom), palette::kAxis);
  out += "</g>";

  // Rows.
  for (std::size_t i = 0; i < n; ++i) {
    const double cy = top + row_h * (static_cast<double>(i) + 0.5);
    out += fmt::format("<g class=\"gk-row\"><title>{}：{}</title>", EscapeXml(data.bars[i].label),
                       EscapeXml(value_texts[i]));
    out += Text(x0 - 8, Centre(cy, kFontSize), "end", palette::kText, labels[i]);
    if (values[i]) {
      const double w = x_of(*values[i]) - x0;
      out += fmt::format("<rect class=\"gk-bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>", Num(x0),
                         Num(cy - bar_h / 2), Num(w), Num(bar_h), palette::kBar);
      out += Text(x0 + w + 6, Centre(cy, kFontSize), "start", palette::kText, value_texts[i], "class=\"gk-value\"");
    } else {
      out += Text(x0 + 6, Centre(cy, kFontSize), "start", palette::kMuted, kNoData, "class=\"gk-missing\"");
    }
    out += "</g>";
  }

  // Reference line on top of the bars.
  if (reference) {
    const double x = x_of(*reference);
    const std::string label = fmt::format("{} {}", data.reference_label, FormatValue(*reference, data.format));
    const double half = TextEm(label) * kSmallFont / 2;
    std::string_view anchor = "middle";
    if (x + half > width - 2) anchor = "end";
    if (x - half < 2) anchor = "start";
    out += fmt::format(
        "<g class=\"gk-reference\"><line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"2\" "
        "stroke-dasharray=\"6 4\"/>",
        Num(x), Num(top - 6), Num(x), Num(plot_bottom), palette::kReference);
    out += Text(x, top - 11, anchor, palette::kReference, label, fmt::format("font-size=\"{}\"", Num(kSmallFont)));
    out += "</g>";
  }
  out += "</svg>";
  return out;
}

std::string BarChartTable(const BarChartData& data, const ChartOptions& options) {
  const std::string title = TitleOr(options, "条形图");
  if (data.bars.empty()) return EmptyTable(options, title);
  std::string caption = title;
  if (const auto reference = Finite(data.reference)) {
    caption += fmt::format("（参考线：{} {}）", data.reference_label, FormatValue(*reference, data.format));
  }
  std::string out = OpenTable(options, caption);
  out += fmt::format("<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
                     EscapeXml(data.category_header), EscapeXml(data.value_header));
  for (const BarDatum& bar : data.bars) {
    out += fmt::format("<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td></tr>", EscapeXml(bar.label),
                       EscapeXml(ValueOrNoData(Finite(bar.value), data.format)));
  }
  out += "</tbody></table>";
  return out;
}

// ---- line chart --------------------------------------------------------------------

std::string LineChart(const LineChartData& data, const ChartOptions& options) {
  const std::string title = TitleOr(options, "折线图");
  if (data.categories.empty() || data.series.empty()) return EmptyChart(options, title);
  const std::string id = SanitizeId(options.id_prefix);
  const std::size_t n = data.categories.size();
  const bool integers = data.format.kind == ValueFormat::Kind::kInteger;

  const auto value_at = [&](std::size_t s, std::size_t i) -> std::optional<double> {
    const auto& vs = data.series[s].values;
    return i < vs.size() ? Finite(vs[i]) : std::nullopt;
  };
  double max_value = 0;
  std::optional<std::pair<std::size_t, std::size_t>> peak;
  std::size_t missing = 0;
  for (std::size_t s = 0; s < data.series.size(); ++s) {
    for (std::size_t i = 0; i < n; ++i) {
      const auto v = value_at(s, i);
      if (!v) {
        ++missing;
        continue;
      }
      if (!peak || *v > max_value) peak = std::pair{s, i}, max_value = *v;
    }
  }
  const std::vector<double> ticks = NiceTicks(max_value, integers);
  const double axis_max = ticks.back();

  // Layout.
  double width = options.width > 0 ? options.width : 640;
  double height = options.height > 0 ? options.height : 320;
  double tick_em = 0;
  for (const double t : ticks) tick_em = std::max(tick_em, TextEm(TickLabel(t, data.format)));
  const double x0 = std::max(36.0, std::ceil(tick_em * kSmallFont) + 14);
  const double right = 16;
  double plot_w = width - x0 - right;
  if (plot_w < 120) {
    plot_w = 120;
    width = x0 + plot_w + right;
  }
  // Legend rows above the plot.
  struct LegendPos {
    double x, y;
  };
  std::vector<LegendPos> legend;
  const double legend_row_h = 22;
  {
    double x = x0, y = 16;
    for (const LineSeries& s : data.series) {
      const double w = 30 + TextEm(Truncate(s.name, 16)) * kSmallFont + 18;
      if (x > x0 && x + w > width - right) x = x0, y += legend_row_h;
      legend.push_back({x, y});
      x += w;
    }
  }
  const double legend_bottom = legend.back().y + 10;
  const bool unit_caption = integers && !data.format.suffix.empty();
  const double plot_top = legend_bottom + (unit_caption ? 28 : 14);
  const double bottom = 30;
  double plot_h = height - plot_top - bottom;
  if (plot_h < 80) {
    plot_h = 80;
    height = plot_top + plot_h + bottom;
  }
  const double plot_bottom = plot_top + plot_h;
  const double band = plot_w / static_cast<double>(n);
  const auto x_of = [&](std::size_t i) { return x0 + band * (static_cast<double>(i) + 0.5); };
  const auto y_of = [&](double v) { return plot_bottom - std::clamp(v, 0.0, axis_max) / axis_max * plot_h; };

  // Summary.
  std::string desc = options.description;
  if (desc.empty()) {
    std::string names;
    for (std::size_t s = 0; s < data.series.size(); ++s) names += (s ? "、" : "") + data.series[s].name;
    desc = fmt::format("{}折线图，", title);
    desc += n == 1
                ? fmt::format("{}", data.categories.front())
                : fmt::format("{}至{}共{}{}", data.categories.front(), data.categories.back(), n, data.category_noun);
    desc += fmt::format("，{}个系列（{}）", data.series.size(), names);
    if (peak) {
      desc += fmt::format("，最高值为{}{}的{}", data.series[peak->first].name, data.categories[peak->second],
                          FormatValue(max_value, data.format));
    } else {
      desc += "，均无数据";
    }
    if (peak && missing > 0) desc += fmt::format("，{}个数据点无数据", missing);
    desc += "。";
  }

  std::string out;
  OpenSvg(out, id, width, height, 0, 0, title, desc);

  // Legend.
  out += "<g class=\"gk-legend\">";
  for (std::size_t s = 0; s < data.series.size(); ++s) {
    const std::string_view colour = palette::kSeries[s % palette::kSeries.size()];
    const double x = legend[s].x, y = legend[s].y;
    out += fmt::format("<g class=\"gk-legend-item\"><title>{}</title>", EscapeXml(data.series[s].name));
    out += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"2\"{}/>", Num(x),
                       Num(y), Num(x + 24), Num(y), colour, DashAttr(s));
    out += Marker(s, x + 12, y, colour, "", "");
    out += Text(x + 30, Centre(y, kSmallFont), "start", palette::kText, Truncate(data.series[s].name, 16),
                fmt::format("font-size=\"{}\"", Num(kSmallFont)));
    out += "</g>";
  }
  out += "</g>";

  // Axes.
  out += "<g class=\"gk-axis\">";
  if (unit_caption) {
    out += Text(x0, legend_bottom + 16, "start", palette::kMuted, fmt::format("单位：{}", data.format.suffix),
                fmt::format("font-size=\"{}\"", Num(kSmallFont)));
  }
  for (const double t : ticks) {
    const double y = y_of(t);
    out += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"1\"/>", Num(x0),
                       Num(y), Num(x0 + plot_w), Num(y), t == 0 ? palette::kAxis : palette::kGrid);
    out += Text(x0 - 6, Centre(y, kSmallFont), "end", palette::kMuted, TickLabel(t, data.format),
                fmt::format("class=\"gk-tick\" font-size=\"{}\"", Num(kSmallFont)));
  }
  double cat_em = 0;
  std::vector<std::string> cat_labels;
  for (const std::string& c : data.categories) {
    cat_labels.push_back(Truncate(c, 10));
    cat_em = std::max(cat_em, TextEm(cat_labels.back()));
  }
  const auto every = static_cast<std::size_t>(std::max(1.0, std::ceil((cat_em * kSmallFont + 8) / band)));
  for (std::size_t i = 0; i < n; i += every) {
    out += Text(x_of(i), plot_bottom + 18, "middle", palette::kMuted, cat_labels[i],
                fmt::format("font-size=\"{}\"", Num(kSmallFont)));
  }
  out += "</g>";

  // Series: one path per run of present values, then the markers on top.
  for (std::size_t s = 0; s < data.series.size(); ++s) {
    const std::string_view colour = palette::kSeries[s % palette::kSeries.size()];
    out += "<g class=\"gk-series\">";
    std::string d;
    std::size_t run = 0;
    const auto flush = [&] {
      if (run >= 2) {
        out += fmt::format(
            "<path class=\"gk-line\" d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\" "
            "stroke-linejoin=\"round\"{}/>",
            d, colour, DashAttr(s));
      }
      d.clear();
      run = 0;
    };
    for (std::size_t i = 0; i < n; ++i) {
      const auto v = value_at(s, i);
      if (!v) {
        flush();
        continue;
      }
      d += fmt::format("{}{} {}", run == 0 ? "M" : "L", Num(x_of(i)), Num(y_of(*v)));
      ++run;
    }
    flush();
    for (std::size_t i = 0; i < n; ++i) {
      const auto v = value_at(s, i);
      if (!v) continue;
      out += Marker(s, x_of(i), y_of(*v), colour, "gk-point",
                    fmt::format("{} {}：{}", data.series[s].name, data.categories[i], FormatValue(*v, data.format)));
    }
    out += "</g>";
  }
  out += "</svg>";
  return out;
}

std::string LineChartTable(const LineChartData& data, const ChartOptions& options) {
  const std::string title = TitleOr(options, "折线图");
  if (data.categories.empty() || data.series.empty()) return EmptyTable(options, title);
  std::string out = OpenTable(options, title);
  out += fmt::format("<thead><tr><th scope=\"col\">{}</th>", EscapeXml(data.category_header));
  for (const LineSeries& s : data.series) out += fmt::format("<th scope=\"col\">{}</th>", EscapeXml(s.name));
  out += "</tr></thead><tbody>";
  for (std::size_t i = 0; i < data.categories.size(); ++i) {
    out += fmt::format("<tr><th scope=\"row\">{}</th>", EscapeXml(data.categories[i]));
    for (const LineSeries& s : data.series) {
      const std::optional<double> v = i < s.values.size() ? Finite(s.values[i]) : std::nullopt;
      out += fmt::format("<td class=\"num\">{}</td>", EscapeXml(ValueOrNoData(v, data.format)));
    }
    out += "</tr>";
  }
  out += "</tbody></table>";
  return out;
}

// ---- heat map ------------------------------------------------------------------------

std::string HeatMap(const HeatMapData& data, const ChartOptions& options) {
  const std::string title = TitleOr(options, "热力图");
  if (data.rows.empty() || data.columns.empty()) return EmptyChart(options, title);
  const std::string id = SanitizeId(options.id_prefix);
  const std::size_t rows = data.rows.size();
  const std::size_t cols = data.columns.size();

  std::array<std::size_t, 4> per_class{};
  std::size_t absent = 0;
  std::vector<std::size_t> gaps_per_row(rows, 0);
  double cell_em = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; ++c) {
      const HeatCell* cell = CellAt(data, r, c);
      cell_em = std::max(cell_em, TextEm(CellMarkText(cell)));
      if (cell == nullptr) {
        ++absent;
        continue;
      }
      ++per_class[static_cast<std::size_t>(cell->value_class)];
      if (cell->value_class == HeatClass::kGap) ++gaps_per_row[r];
    }
  }

  std::vector<std::string> row_labels;
  double label_em = 0;
  for (const std::string& r : data.rows) {
    row_labels.push_back(Truncate(r, std::max(data.max_label_chars, 2)));
    label_em = std::max(label_em, TextEm(row_labels.back()));
  }
  double head_em = 0;
  std::vector<std::string> col_labels;
  for (const HeatColumn& c : data.columns) {
    col_labels.push_back(Truncate(c.label, 4));
    head_em = std::max(head_em, TextEm(col_labels.back()));
  }

  // Layout.
  const double cell_w = std::max({36.0, std::ceil(cell_em * kSmallFont) + 10, std::ceil(head_em * kSmallFont) + 8});
  const double cell_h = 28;
  const double x0 = std::max(48.0, std::ceil(label_em * kFontSize) + 16);
  const double grid_top = 30;
  const double grid_bottom = grid_top + cell_h * static_cast<double>(rows);
  double width = x0 + cell_w * static_cast<double>(cols) + 8;
  // Legend entries: the four classes, and 无数据 when a cell is absent.
  struct LegendEntry {
    std::string mark, label;
    CellColors colors;
    bool gap;
  };
  std::vector<LegendEntry> entries;
  for (const HeatClass c : kHeatClasses) {
    entries.push_back(
        {std::string(HeatClassMark(c)), std::string(HeatClassLabel(c)), HeatClassColors(c), c == HeatClass::kGap});
  }
  if (absent > 0) entries.push_back({std::string(kAbsentMark), std::string(kNoData), kAbsentColors, false});
  double legend_w = 0;
  for (const LegendEntry& e : entries) legend_w = std::max(legend_w, 24 + TextEm(e.label) * kSmallFont + 16);
  width = std::max(width, 8 + legend_w + 8);
  std::vector<std::pair<double, double>> legend_pos;
  {
    double x = 8, y = grid_bottom + 14;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (x > 8 && x + legend_w > width - 8) x = 8, y += 26;
      legend_pos.emplace_back(x, y);
      x += legend_w;
    }
  }
  const double height = legend_pos.back().second + 20 + 8;

  // Summary.
  std::string desc = options.description;
  if (desc.empty()) {
    desc = fmt::format("{}热力图，{}{}×{}{}", title, rows, data.row_noun, cols, data.column_noun);
    for (const HeatClass c : kHeatClasses) {
      desc += fmt::format("，{}{}处", HeatClassLabel(c), per_class[static_cast<std::size_t>(c)]);
    }
    if (absent > 0) desc += fmt::format("，{}{}处", kNoData, absent);
    const auto worst = std::max_element(gaps_per_row.begin(), gaps_per_row.end());
    if (*worst > 0) {
      desc += fmt::format("；缺漏最多的是{}（{}处）",
                          data.rows[static_cast<std::size_t>(std::distance(gaps_per_row.begin(), worst))], *worst);
    }
    desc += "。";
  }

  std::string out;
  OpenSvg(out, id, width, height, options.width, options.height, title, desc);

  // Column headers.
  out += fmt::format("<g class=\"gk-axis\" font-size=\"{}\">", Num(kSmallFont));
  for (std::size_t c = 0; c < cols; ++c) {
    const double cx = x0 + cell_w * (static_cast<double>(c) + 0.5);
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{}\"><title>{}</title>{}</text>", Num(cx),
                       Num(grid_top - 9), palette::kText, EscapeXml(ColumnFull(data.columns[c])),
                       EscapeXml(col_labels[c]));
  }
  out += "</g>";

  for (std::size_t r = 0; r < rows; ++r) {
    const double y = grid_top + cell_h * static_cast<double>(r);
    out += "<g class=\"gk-row\">";
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"{}\"><title>{}</title>{}</text>",
                       Num(x0 - 8), Num(Centre(y + cell_h / 2, kFontSize)), palette::kText, EscapeXml(data.rows[r]),
                       EscapeXml(row_labels[r]));
    for (std::size_t c = 0; c < cols; ++c) {
      const HeatCell* cell = CellAt(data, r, c);
      const double x = x0 + cell_w * static_cast<double>(c);
      const CellColors colors = cell ? HeatClassColors(cell->value_class) : kAbsentColors;
      const bool gap = cell && cell->value_class == HeatClass::kGap;
      const std::string_view css = cell ? HeatClassCss(cell->value_class) : "gk-absent";
      out += fmt::format("<g class=\"gk-cell {}\"><title>{} · {}：{}</title>", css, EscapeXml(data.rows[r]),
                         EscapeXml(ColumnFull(data.columns[c])), EscapeXml(CellLongText(cell, data.count_noun)));
      if (gap) {
        out += fmt::format(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"{}\" stroke-width=\"2\"/>",
            Num(x + 2), Num(y + 2), Num(cell_w - 4), Num(cell_h - 4), colors.fill, colors.text);
      } else {
        out += fmt::format(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"{}\" stroke-width=\"1\"/>",
            Num(x + 1), Num(y + 1), Num(cell_w - 2), Num(cell_h - 2), colors.fill,
            cell ? palette::kBackground : palette::kAxis);
      }
      out += Text(x + cell_w / 2, Centre(y + cell_h / 2, kSmallFont), "middle", colors.text, CellMarkText(cell),
                  fmt::format("class=\"gk-value\" font-size=\"{}\"", Num(kSmallFont)));
      out += "</g>";
    }
    out += "</g>";
  }

  // Legend.
  out += fmt::format("<g class=\"gk-legend\" font-size=\"{}\">", Num(kSmallFont));
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto [x, y] = legend_pos[i];
    const LegendEntry& e = entries[i];
    out += fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"20\" height=\"20\" fill=\"{}\" stroke=\"{}\" stroke-width=\"{}\"/>", Num(x),
        Num(y), e.colors.fill, e.gap ? e.colors.text : palette::kAxis, e.gap ? 2 : 1);
    out += Text(x + 10, Centre(y + 10, kSmallFont), "middle", e.colors.text, e.mark);
    out += Text(x + 26, Centre(y + 10, kSmallFont), "start", palette::kText, e.label);
  }
  out += "</g></svg>";
  return out;
}

std::string HeatMapTable(const HeatMapData& data, const ChartOptions& options) {
  const std::string title = TitleOr(options, "热力图");
  if (data.rows.empty() || data.columns.empty()) return EmptyTable(options, title);
  std::string out = OpenTable(options, title);
  out += fmt::format("<thead><tr><th scope=\"col\">{}</th>", EscapeXml(data.row_header));
  for (const HeatColumn& c : data.columns) {
    if (c.full_label.empty() || c.full_label == c.label) {
      out += fmt::format("<th scope=\"col\">{}</th>", EscapeXml(c.label));
    } else {
      out += fmt::format("<th scope=\"col\"><abbr title=\"{}\">{}</abbr></th>", EscapeXml(c.full_label),
                         EscapeXml(c.label));
    }
  }
  out += "</tr></thead><tbody>";
  for (std::size_t r = 0; r < data.rows.size(); ++r) {
    out += fmt::format("<tr><th scope=\"row\">{}</th>", EscapeXml(data.rows[r]));
    for (std::size_t c = 0; c < data.columns.size(); ++c) {
      const HeatCell* cell = CellAt(data, r, c);
      const std::string_view css = cell ? HeatClassCss(cell->value_class) : "gk-absent";
      out += fmt::format("<td class=\"{}\">{}</td>", css, EscapeXml(CellLongText(cell, data.count_noun)));
    }
    out += "</tr>";
  }
  out += "</tbody></table>";
  return out;
}

}  // namespace gongkai::chart
