#include "core/annual_report.h"

#include <fmt/core.h>

#include <algorithm>
#include <array>

namespace gongkai {
namespace {

constexpr std::array<AnnualRowKind, 6> kAllKinds = {
    AnnualRowKind::kRegulation, AnnualRowKind::kNormativeDocument, AnnualRowKind::kLicensing,
    AnnualRowKind::kPunishment, AnnualRowKind::kEnforcement,       AnnualRowKind::kFees};

constexpr std::array<AnnualMeasure, 3> kDocumentMeasures = {AnnualMeasure::kIssued, AnnualMeasure::kRepealed,
                                                            AnnualMeasure::kInForce};
constexpr std::array<AnnualMeasure, 1> kDecisionMeasures = {AnnualMeasure::kDecisions};
constexpr std::array<AnnualMeasure, 1> kAmountMeasures = {AnnualMeasure::kAmount};

std::string RowPath(std::size_t i) { return fmt::format("rows[{}]", i); }

bool WithdrawnBy(const AnnualRecordRow& r, Date day) {
  if (!r.withdrawn) return false;
  return !r.withdrawn_on || *r.withdrawn_on <= day;
}

// Whether `r` counts for `measure` in the year [first, last].
bool Counts(AnnualMeasure measure, const AnnualRecordRow& r, Date first, Date last) {
  switch (measure) {
    case AnnualMeasure::kIssued:
    case AnnualMeasure::kDecisions:
      return r.first_published_on >= first && r.first_published_on <= last;
    case AnnualMeasure::kRepealed:
      return (r.validity == "废止" || r.validity == "失效") && r.last_published_on >= first &&
             r.last_published_on <= last && !WithdrawnBy(r, last);
    case AnnualMeasure::kInForce:
      return r.first_published_on <= last && !WithdrawnBy(r, last) && (r.validity == "有效" || r.validity.empty());
    case AnnualMeasure::kAmount:
      return false;
  }
  return false;
}

}  // namespace

std::span<const AnnualRowKind> AllAnnualRowKinds() { return kAllKinds; }

const char* AnnualRowKindId(AnnualRowKind kind) {
  switch (kind) {
    case AnnualRowKind::kRegulation: return "regulation";
    case AnnualRowKind::kNormativeDocument: return "normative_document";
    case AnnualRowKind::kLicensing: return "licensing";
    case AnnualRowKind::kPunishment: return "punishment";
    case AnnualRowKind::kEnforcement: return "enforcement";
    case AnnualRowKind::kFees: return "fees";
  }
  return "";
}

const char* AnnualRowKindLabel(AnnualRowKind kind) {
  switch (kind) {
    case AnnualRowKind::kRegulation: return "规章";
    case AnnualRowKind::kNormativeDocument: return "行政规范性文件";
    case AnnualRowKind::kLicensing: return "行政许可";
    case AnnualRowKind::kPunishment: return "行政处罚";
    case AnnualRowKind::kEnforcement: return "行政强制";
    case AnnualRowKind::kFees: return "行政事业性收费";
  }
  return "";
}

std::optional<AnnualRowKind> ParseAnnualRowKind(std::string_view id) {
  for (AnnualRowKind k : kAllKinds)
    if (id == AnnualRowKindId(k)) return k;
  return std::nullopt;
}

const char* AnnualMeasureId(AnnualMeasure measure) {
  switch (measure) {
    case AnnualMeasure::kIssued: return "issued";
    case AnnualMeasure::kRepealed: return "repealed";
    case AnnualMeasure::kInForce: return "in_force";
    case AnnualMeasure::kDecisions: return "decisions";
    case AnnualMeasure::kAmount: return "amount";
  }
  return "";
}

const char* AnnualMeasureLabel(AnnualMeasure measure) {
  switch (measure) {
    case AnnualMeasure::kIssued: return "本年制发件数";
    case AnnualMeasure::kRepealed: return "本年废止件数";
    case AnnualMeasure::kInForce: return "现行有效件数";
    case AnnualMeasure::kDecisions: return "本年处理决定数量";
    case AnnualMeasure::kAmount: return "本年收费金额（万元）";
  }
  return "";
}

std::span<const AnnualMeasure> AnnualRowMeasures(AnnualRowKind kind) {
  switch (kind) {
    case AnnualRowKind::kRegulation:
    case AnnualRowKind::kNormativeDocument: return kDocumentMeasures;
    case AnnualRowKind::kLicensing:
    case AnnualRowKind::kPunishment:
    case AnnualRowKind::kEnforcement: return kDecisionMeasures;
    case AnnualRowKind::kFees: return kAmountMeasures;
  }
  return {};
}

bool AnnualRowCountable(AnnualRowKind kind) { return kind != AnnualRowKind::kFees; }

bool AnnualSelectorMatches(const AnnualSelector& s, const AnnualRecordRow& r) {
  if (s.item_number != 0 && s.item_number != r.item_number) return false;
  if (!s.element.empty() && s.element != r.element) return false;
  if (!s.genre.empty() && s.genre != r.genre) return false;
  if (!s.unit.empty() && s.unit != r.unit) return false;
  return true;
}

Status ValidateAnnualMapping(const AnnualMapping& mapping) {
  for (std::size_t i = 0; i < mapping.rows.size(); ++i) {
    const AnnualRowMapping& row = mapping.rows[i];
    if (!ParseAnnualRowKind(AnnualRowKindId(row.row)))
      return Unexpected(Error::Invalid("未知的统计行", RowPath(i) + ".row"));
    for (std::size_t k = 0; k < i; ++k) {
      if (mapping.rows[k].row == row.row)
        return Unexpected(Error::Invalid(
            fmt::format("统计行“{}”重复，已在{}中配置", AnnualRowKindLabel(row.row), RowPath(k)), RowPath(i) + ".row"));
    }
    if (!AnnualRowCountable(row.row) && !row.selectors.empty())
      return Unexpected(Error::Invalid(
          fmt::format("系统不记录收费金额，“{}”不能按公开信息统计，应留空由人工填报", AnnualRowKindLabel(row.row)),
          RowPath(i) + ".selectors"));
    for (std::size_t k = 0; k < row.selectors.size(); ++k) {
      const AnnualSelector& s = row.selectors[k];
      if (s.item_number == 0 && s.element.empty() && s.genre.empty() && s.unit.empty())
        return Unexpected(Error::Invalid("选择条件至少要指定事项序号、公开内容要素、体裁、责任单位中的一项",
                                         fmt::format("{}.selectors[{}]", RowPath(i), k)));
    }
  }
  return Ok();
}

const AnnualCell* FindAnnualCell(const AnnualTable& table, AnnualRowKind kind, AnnualMeasure measure) {
  for (const auto& row : table.rows) {
    if (row.kind != kind) continue;
    for (const auto& cell : row.cells)
      if (cell.measure == measure) return &cell;
  }
  return nullptr;
}

Result<AnnualTable> ComputeAnnualTable(const AnnualMapping& mapping, std::span<const AnnualRecordRow> records,
                                       int year) {
  if (year < kAnnualReportMinYear || year > kAnnualReportMaxYear)
    return Unexpected(Error::Invalid(
        fmt::format("年份{}应在{}到{}之间", year, kAnnualReportMinYear, kAnnualReportMaxYear), "year"));
  GK_CHECK(ValidateAnnualMapping(mapping));

  using std::chrono::December;
  using std::chrono::January;
  const Date first(std::chrono::sys_days(std::chrono::year(year) / January / 1));
  const Date last(std::chrono::sys_days(std::chrono::year(year) / December / 31));

  AnnualTable table;
  table.year = year;
  for (AnnualRowKind kind : kAllKinds) {
    const AnnualRowMapping* rm = nullptr;
    for (const auto& m : mapping.rows)
      if (m.row == kind) rm = &m;
    AnnualRow row;
    row.kind = kind;
    row.label = AnnualRowKindLabel(kind);
    if (rm) row.note = rm->note;
    const bool mapped = rm && !rm->selectors.empty() && AnnualRowCountable(kind);

    // The records of this row, each once however many selectors match.
    std::vector<const AnnualRecordRow*> matching;
    if (mapped) {
      for (const auto& r : records) {
        if (std::any_of(rm->selectors.begin(), rm->selectors.end(),
                        [&](const AnnualSelector& s) { return AnnualSelectorMatches(s, r); }))
          matching.push_back(&r);
      }
    }

    for (AnnualMeasure measure : AnnualRowMeasures(kind)) {
      AnnualCell cell;
      cell.measure = measure;
      cell.label = AnnualMeasureLabel(measure);
      cell.mapped = mapped && measure != AnnualMeasure::kAmount;
      if (cell.mapped) {
        for (const AnnualRecordRow* r : matching)
          if (Counts(measure, *r, first, last)) cell.record_ids.push_back(r->record_id);
        std::sort(cell.record_ids.begin(), cell.record_ids.end());
        cell.record_ids.erase(std::unique(cell.record_ids.begin(), cell.record_ids.end()), cell.record_ids.end());
        cell.value = static_cast<long long>(cell.record_ids.size());
      }
      row.cells.push_back(std::move(cell));
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

std::vector<AnnualDefinition> AnnualDefinitions() {
  return {
      {"统计口径",
       "按统计口径配置把公开信息归入各行：公开信息的事项、公开内容要素、体裁、责任单位符合该行任一选择条件即计入该行；"
       "同一条公开信息在同一栏目中只计一次。按公开信息条数统计，一条公开信息包含多项决定或多份文件的，请对照明细人工核对。"
       "统计年度为当年1月1日至12月31日（北京时间）。"},
      {"本年制发件数、本年处理决定数量",
       "当年首次发布的公开信息条数。发布后又撤回的仍计入（已经公开过），可在明细中核对。"},
      {"本年废止件数",
       "有效性为“废止”或“失效”、最近一次发布的版本在当年发布、且在当年12月31日前（含当日）未撤回的公开信息条数。"},
      {"现行有效件数",
       "截至当年12月31日已发布、当时未撤回（次年及以后撤回的仍计入）、且有效性为“有效”或未标注的公开信息条数。"},
      {"本年收费金额（万元）", "系统不记录收费金额，需人工填报。"},
      {"需人工填报", "未配置统计口径的栏目显示“—（需人工填报）”，由信息公开工作机构根据实际情况填写。"},
      {"数据说明",
       "有效性以公开信息的当前版本为准。统计往年数据时，如该年之后又修订了有效性，结果可能与该年实际不同，"
       "宜在次年年初编制年度报告时统计。"},
  };
}

}  // namespace gongkai
