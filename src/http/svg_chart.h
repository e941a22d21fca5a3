// Server-rendered charts for the compliance dashboard: each function returns
// one inline <svg> element (or, for the ...Table companions, one HTML
// <table> of the same figures) to embed in a page. Pure functions: no I/O,
// no clock, no locale; the same input gives the same bytes. Thread-safe.
//
// What every chart guarantees:
//  - well-formed XML in UTF-8: every caller string goes through EscapeXml
//    (invalid UTF-8 and characters XML forbids become U+FFFD);
//  - role="img" and aria-labelledby naming a <title> and a <desc> (a
//    one-sentence Chinese summary, generated unless the caller gives one);
//    element ids are "<prefix>-title", "<prefix>-desc", so the prefix must be
//    unique on the page;
//  - no scripts, no <style> and no style="" attributes (the portal's CSP has
//    style-src 'self'): only presentation attributes. The root carries
//    class="gk-chart" and a viewBox, so the stylesheet rule
//    `svg.gk-chart { max-width: 100%; height: auto; }` makes it scale;
//  - text colours reach 4.5:1 against what they are drawn on (WCAG 2.1 AA),
//    lines and bars 3:1 against white; meaning never rests on colour alone
//    (line series differ in marker shape and dash; heat-map classes carry a
//    text mark);
//  - empty data gives a small chart saying 暂无数据 (the table says it too).
// Non-finite values (NaN, infinity) are treated as missing (无数据).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gongkai::chart {

// Escapes & < > " ' as entities, so the result is safe as XML/HTML text and
// inside a double- or single-quoted attribute. Invalid UTF-8 sequences and
// code points XML 1.0 forbids (C0 controls other than tab, LF, CR; U+FFFE,
// U+FFFF) are replaced by U+FFFD.
[[nodiscard]] std::string EscapeXml(std::string_view text);

// How values are written, in the chart and in its table alike.
struct ValueFormat {
  enum class Kind {
    kPercent,  // 0.875 → "87.5%" (one decimal, ".0" dropped)
    kInteger,  // 12.4 → "12" + suffix
  };
  Kind kind = Kind::kPercent;
  std::string suffix;  // after integers, e.g. "件"; ignored for percentages
};
// "87.5%", "100%", "12件"; "无数据" for a non-finite value.
[[nodiscard]] std::string FormatValue(double value, const ValueFormat& format);

// Axis ticks 0, s, 2s, ... up to the first multiple of s that is ≥ max_value,
// where s is 1, 2 or 5 times a power of ten chosen to give about
// `target_count` intervals. With `integers`, s ≥ 1. A max_value ≤ 0 or not
// finite is taken as 1. Always at least two ticks.
[[nodiscard]] std::vector<double> NiceTicks(double max_value, bool integers, int target_count = 5);

// Caller's settings common to every chart.
struct ChartOptions {
  // Prefix of every element id; unique on the page. Characters other than
  // ASCII letters, digits, '-' and '_' become '-'; "c" is prepended when it
  // does not start with a letter; empty means "chart".
  std::string id_prefix = "chart";
  std::string title;        // e.g. "各单位按时率"; empty: the chart kind
  std::string description;  // the <desc>; empty: a generated summary
  // Size in CSS pixels; 0 means the kind's default. Each function says how
  // it uses them; the viewBox always lets the chart scale down.
  int width = 0;
  int height = 0;
};

// ---- bar chart ---------------------------------------------------------------

struct BarDatum {
  std::string label;            // e.g. a unit name
  std::optional<double> value;  // nullopt: drawn as 无数据 without a bar
};

struct BarChartData {
  std::vector<BarDatum> bars;            // drawn top to bottom in this order
  ValueFormat format;                    // percent: values in [0, 1]
  std::optional<double> reference;       // a dashed reference line, e.g. 0.9
  std::string reference_label = "目标";  // written before the reference value
  std::string category_header = "单位";  // table head of the label column
  std::string value_header = "数值";     // table head of the value column
  std::string count_noun = "项";         // summary: "共12" + count_noun
  // Labels longer than this many CJK-character widths (an ASCII character
  // counts about half) are cut with "…"; the full label is in the row's
  // <title> and in the table.
  int max_label_chars = 12;
};

// Horizontal bars, one row per datum, with the value written after each bar.
// Bar length is value / axis maximum × plot width, where the axis runs from 0
// to 100% (percent; further if a value exceeds 1) or to the last NiceTicks
// value (integer); negative values are drawn as empty bars. Width default
// 640 (at least what labels and an 80-pixel plot need); height 0 means 28
// pixels a row plus the axes, otherwise rows share the given height.
// Each bar is <rect class="gk-bar">, each value text class="gk-value", each
// missing value class="gk-missing".
[[nodiscard]] std::string BarChart(const BarChartData& data, const ChartOptions& options);
// The same figures: one row per datum (th scope="row"), caption = title (and
// the reference value when there is one).
[[nodiscard]] std::string BarChartTable(const BarChartData& data, const ChartOptions& options);

// ---- line chart --------------------------------------------------------------

struct LineSeries {
  std::string name;
  // One value per category; missing or nullopt values leave a gap in the
  // line; values beyond the categories are ignored.
  std::vector<std::optional<double>> values;
};

struct LineChartData {
  std::vector<std::string> categories;  // x axis, e.g. "2025-01"…"2025-12"
  std::vector<LineSeries> series;       // each gets a colour, dash and marker
  ValueFormat format{ValueFormat::Kind::kInteger, ""};
  std::string category_header = "月份";  // table head of the category column
  std::string category_noun = "个月";    // summary: "共12" + category_noun
};

// Lines over categories with a y axis from 0 (NiceTicks of the largest
// value; the integer suffix is written once as "单位：件"), a legend above
// the plot, and one marker per value (class="gk-point") with a <title>
// tooltip "系列 2025-03：12件". Negative values are drawn at 0. Category
// labels are thinned out when they would overlap. Default 640 × 320.
[[nodiscard]] std::string LineChart(const LineChartData& data, const ChartOptions& options);
// One row per category, one column per series.
[[nodiscard]] std::string LineChartTable(const LineChartData& data, const ChartOptions& options);

// ---- heat map ----------------------------------------------------------------

enum class HeatClass {
  kGap,                  // 缺漏: an obligation with nothing published
  kCovered,              // 已覆盖
  kNotApplicable,        // 不适用
  kEventDrivenNoEvents,  // 无事件: event-driven item, no event happened
};

// "缺漏", "已覆盖", "不适用", "无事件".
[[nodiscard]] std::string_view HeatClassLabel(HeatClass value_class);
// The non-colour mark drawn in the cell: "×", "✓", "—", "○".
[[nodiscard]] std::string_view HeatClassMark(HeatClass value_class);

struct CellColors {
  std::string_view fill;
  std::string_view text;  // ≥ 4.5:1 against fill
};
[[nodiscard]] CellColors HeatClassColors(HeatClass value_class);

struct HeatCell {
  HeatClass value_class = HeatClass::kNotApplicable;
  std::optional<int> count;  // shown after the mark when present
};

struct HeatColumn {
  std::string label;       // short, e.g. "12"
  std::string full_label;  // e.g. "12 政府采购"; optional, for tooltips and the table
};

struct HeatMapData {
  std::vector<std::string> rows;    // row headers, e.g. unit names
  std::vector<HeatColumn> columns;  // column headers, e.g. item numbers
  // cells[r][c]. A cell absent because a row is short is drawn as "?"
  // 无数据 (never as one of the classes) and counted as such in the summary.
  std::vector<std::vector<HeatCell>> cells;
  std::string row_header = "单位";  // table head of the row-header column
  std::string row_noun = "个单位";  // summary: "12个单位"
  std::string column_noun = "个事项";
  std::string count_noun;    // after counts in tooltips and the table, e.g. "条"
  int max_label_chars = 12;  // as BarChartData::max_label_chars
};

// A grid of rows × columns cells (each <g class="gk-cell ...">, holding a
// rect, a <title> and the mark/count text class="gk-value"); gap cells also
// have a thick dark-red border. A legend below explains the marks. The
// layout has a natural size (cells 36 × 28 pixels or wider for long counts);
// width/height, when non-zero, set the displayed size and the viewBox keeps
// the natural one.
[[nodiscard]] std::string HeatMap(const HeatMapData& data, const ChartOptions& options);
// One row per row header; each cell "× 缺漏" plus the count when present.
[[nodiscard]] std::string HeatMapTable(const HeatMapData& data, const ChartOptions& options);

// ---- palette (exposed so tests can check the contrast) -----------------------

namespace palette {
inline constexpr std::string_view kBackground = "#ffffff";
inline constexpr std::string_view kText = "#1a1a1a";
inline constexpr std::string_view kMuted = "#555555";  // ticks, 无数据
inline constexpr std::string_view kGrid = "#dde3ea";   // decorative only
inline constexpr std::string_view kAxis = "#6b7785";
inline constexpr std::string_view kBar = "#0b4a8b";
inline constexpr std::string_view kReference = "#b3261e";  // line and its label
// Line series: each ≥ 3:1 against white.
inline constexpr std::array<std::string_view, 6> kSeries = {"#0b4a8b", "#b3261e", "#1e6b35",
                                                            "#8a4b00", "#6a3d9a", "#00646e"};
}  // namespace palette

}  // namespace gongkai::chart
