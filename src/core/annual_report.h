// Section 二 of the annual report on government information disclosure
// (政府信息公开工作年度报告, format of 国办公开办函〔2021〕30号): 主动公开政府信息
// 情况, computed from published records through a configurable mapping
// (统计口径) that says which records feed which row. Pure: no I/O, no JSON,
// no clock. The mapping file codec lives in src/codec/annual_mapping.h; the
// default mapping is data/annual-report-mapping.json.
//
// Counting contract for year Y (1 Jan .. 31 Dec Y, Beijing dates):
//   * A record belongs to a row when at least one of the row's selectors
//     matches it (every non-empty field of the selector equals the record's).
//     A record is counted at most once per cell, however many selectors match.
//   * issued (本年制发件数) and decisions (本年处理决定数量): matching records
//     first published in Y. Records withdrawn later (within Y or after) still
//     count: they were issued and published; the drill-down lists them.
//   * repealed (本年废止件数): matching records whose validity is 废止 or 失效,
//     whose last published version (the one that set that validity) is dated
//     in Y, and that were not withdrawn on or before 31 Dec Y.
//   * in force (现行有效件数): matching records first published on or before
//     31 Dec Y, not withdrawn by then (a withdrawal dated after 31 Dec Y does
//     not remove it), whose validity is 有效 or "" (not stated).
//   * A withdrawn record with no withdrawal date counts as withdrawn before
//     any year (left out of repealed and in force).
//   * amount (本年收费金额（万元）): never computed; the system stores no fee
//     amounts. Always an unmapped cell with no value.
//   * Rows without selectors are not mapped: their cells have mapped == false
//     and no value, and the page shows "—（需人工填报）".
// The input carries each record's current state (validity and date of its
// latest version), so a past year is exact only if no later version changed
// the validity. Reports are due early in Y+1 (departments by 31 January, the
// district government by 31 March) and should be computed then.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/error.h"

namespace gongkai {

// The rows of section 二, in the report's order.
enum class AnnualRowKind { kRegulation, kNormativeDocument, kLicensing, kPunishment, kEnforcement, kFees };

// The columns (measures) of section 二.
enum class AnnualMeasure { kIssued, kRepealed, kInForce, kDecisions, kAmount };

// Every row kind in the report's order.
std::span<const AnnualRowKind> AllAnnualRowKinds();
// Stable id: "regulation", "normative_document", "licensing", "punishment",
// "enforcement", "fees".
const char* AnnualRowKindId(AnnualRowKind kind);
// "规章", "行政规范性文件", "行政许可", "行政处罚", "行政强制", "行政事业性收费".
const char* AnnualRowKindLabel(AnnualRowKind kind);
std::optional<AnnualRowKind> ParseAnnualRowKind(std::string_view id);
// Stable id: "issued", "repealed", "in_force", "decisions", "amount".
const char* AnnualMeasureId(AnnualMeasure measure);
// "本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额（万元）".
const char* AnnualMeasureLabel(AnnualMeasure measure);
// The columns of a row: regulation and normative_document have issued,
// repealed, in force; licensing, punishment, enforcement have decisions;
// fees has amount.
std::span<const AnnualMeasure> AnnualRowMeasures(AnnualRowKind kind);
// False for fees: no measure of that row can be counted from records.
bool AnnualRowCountable(AnnualRowKind kind);

// One record ever published (storage fills it; Beijing dates).
struct AnnualRecordRow {
  std::int64_t record_id = 0;
  std::string index_number;
  std::string title;
  std::string unit;
  int item_number = 0;
  std::string element;
  std::string genre;
  std::string validity;  // 有效/失效/废止/"" of the current version
  Date first_published_on;
  Date last_published_on;  // date of the current published version
  bool withdrawn = false;
  std::optional<Date> withdrawn_on;
};

// Which records feed a row. Every non-empty field must match.
struct AnnualSelector {
  int item_number = 0;   // 0 = any
  std::string element;   // "" = any
  std::string genre;     // "" = any
  std::string unit;      // "" = any

  bool operator==(const AnnualSelector&) const = default;
};

struct AnnualRowMapping {
  AnnualRowKind row = AnnualRowKind::kRegulation;
  std::vector<AnnualSelector> selectors;  // empty = not mapped: filled by hand
  std::string note;                       // why, shown under the table

  bool operator==(const AnnualRowMapping&) const = default;
};

struct AnnualMapping {
  std::vector<AnnualRowMapping> rows;  // a kind not listed is not mapped

  bool operator==(const AnnualMapping&) const = default;
};

// True if every non-empty field of `selector` equals the record's. (An empty
// selector matches everything; ValidateAnnualMapping refuses it.)
bool AnnualSelectorMatches(const AnnualSelector& selector, const AnnualRecordRow& record);

// Checks the invariants ComputeAnnualTable relies on: no row kind listed
// twice, no selector without any field, no selectors on fees (the system has
// no amounts). The error names the field as "rows[i]..." with a Chinese
// message. (The codec checks names against the catalogue as well.)
[[nodiscard]] Status ValidateAnnualMapping(const AnnualMapping& mapping);

struct AnnualCell {
  AnnualMeasure measure = AnnualMeasure::kIssued;
  std::string label;                    // AnnualMeasureLabel
  bool mapped = false;                  // false: filled by hand, value empty
  std::optional<long long> value;       // the count when mapped
  std::vector<std::int64_t> record_ids; // the records counted (ascending, unique)
};

struct AnnualRow {
  AnnualRowKind kind = AnnualRowKind::kRegulation;
  std::string label;                    // AnnualRowKindLabel
  std::vector<AnnualCell> cells;        // AnnualRowMeasures(kind), in order
  std::string note;                     // the mapping's note
};

struct AnnualTable {
  int year = 0;
  std::vector<AnnualRow> rows;          // all six, AllAnnualRowKinds() order
};

// The cell of `kind` x `measure`, or nullptr if that row has no such column.
const AnnualCell* FindAnnualCell(const AnnualTable& table, AnnualRowKind kind, AnnualMeasure measure);

inline constexpr int kAnnualReportMinYear = 1990;
inline constexpr int kAnnualReportMaxYear = 2100;

// Section 二 for `year` by the contract above. Error::Invalid naming "year"
// when year is outside 1990..2100, or the ValidateAnnualMapping error.
[[nodiscard]] Result<AnnualTable> ComputeAnnualTable(const AnnualMapping& mapping,
                                                     std::span<const AnnualRecordRow> records, int year);

// The counting rules in Chinese, for the page under the table.
struct AnnualDefinition {
  std::string term;  // "本年制发件数、本年处理决定数量", ...
  std::string text;
};
std::vector<AnnualDefinition> AnnualDefinitions();

}  // namespace gongkai
