#include "core/annual_report.h"

#include <gtest/gtest.h>

#include <set>

namespace gongkai {
namespace {

Date D(const char* text) { return *Date::Parse(text); }

// A record with the fields that matter for counting; the rest are filler.
struct RowBuilder {
  AnnualRecordRow r;
  explicit RowBuilder(std::int64_t id) {
    r.record_id = id;
    r.index_number = "GK001/2025-" + std::to_string(id);
    r.title = "公开信息" + std::to_string(id);
    r.unit = "区发改局";
    r.item_number = 1;
    r.element = "申报要求";
    r.genre = "通知";
    r.validity = "";
    r.first_published_on = D("2025-03-01");
    r.last_published_on = D("2025-03-01");
  }
  RowBuilder& Item(int n, std::string element) {
    r.item_number = n;
    r.element = std::move(element);
    return *this;
  }
  RowBuilder& Genre(std::string g) {
    r.genre = std::move(g);
    return *this;
  }
  RowBuilder& Unit(std::string u) {
    r.unit = std::move(u);
    return *this;
  }
  RowBuilder& Validity(std::string v) {
    r.validity = std::move(v);
    return *this;
  }
  RowBuilder& Published(const char* first, const char* last = nullptr) {
    r.first_published_on = D(first);
    r.last_published_on = D(last ? last : first);
    return *this;
  }
  RowBuilder& Withdrawn(const char* on) {
    r.withdrawn = true;
    if (on) r.withdrawn_on = D(on);
    return *this;
  }
  operator AnnualRecordRow() const { return r; }
};

AnnualMapping NormativeByGenre() {
  AnnualMapping m;
  m.rows.push_back({AnnualRowKind::kNormativeDocument, {AnnualSelector{0, "", "规范性文件", ""}}, "按体裁统计"});
  return m;
}

std::vector<std::int64_t> Ids(const AnnualTable& t, AnnualRowKind kind, AnnualMeasure measure) {
  const AnnualCell* c = FindAnnualCell(t, kind, measure);
  EXPECT_NE(c, nullptr);
  if (!c) return {};
  EXPECT_TRUE(c->mapped);
  EXPECT_TRUE(c->value.has_value());
  if (c->value) {
    EXPECT_EQ(*c->value, static_cast<long long>(c->record_ids.size()));
  }
  return c->record_ids;
}

using Ints = std::vector<std::int64_t>;

TEST(AnnualReport, RowsAndColumnsInTheReportOrder) {
  auto t = ComputeAnnualTable(AnnualMapping{}, {}, 2025);
  ASSERT_TRUE(t.has_value()) << t.error().Describe();
  EXPECT_EQ(t->year, 2025);
  ASSERT_EQ(t->rows.size(), 6u);
  const std::vector<std::string> labels = {"规章", "行政规范性文件", "行政许可", "行政处罚", "行政强制", "行政事业性收费"};
  const std::vector<std::string> ids = {"regulation", "normative_document", "licensing",
                                        "punishment", "enforcement",        "fees"};
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(t->rows[i].label, labels[i]);
    EXPECT_EQ(AnnualRowKindId(t->rows[i].kind), ids[i]);
    EXPECT_EQ(ParseAnnualRowKind(ids[i]), t->rows[i].kind);
    EXPECT_EQ(t->rows[i].kind, AllAnnualRowKinds()[i]);
  }
  EXPECT_FALSE(ParseAnnualRowKind("Licensing").has_value());
  auto labels_of = [](const AnnualRow& r) {
    std::vector<std::string> out;
    for (const auto& c : r.cells) out.push_back(c.label);
    return out;
  };
  const std::vector<std::string> docs = {"本年制发件数", "本年废止件数", "现行有效件数"};
  EXPECT_EQ(labels_of(t->rows[0]), docs);
  EXPECT_EQ(labels_of(t->rows[1]), docs);
  for (std::size_t i = 2; i <= 4; ++i) EXPECT_EQ(labels_of(t->rows[i]), std::vector<std::string>{"本年处理决定数量"});
  EXPECT_EQ(labels_of(t->rows[5]), std::vector<std::string>{"本年收费金额（万元）"});
  EXPECT_EQ(AnnualMeasureId(AnnualMeasure::kInForce), std::string("in_force"));
  EXPECT_EQ(FindAnnualCell(*t, AnnualRowKind::kLicensing, AnnualMeasure::kIssued), nullptr);
}

TEST(AnnualReport, UnmappedRowsHaveNoValues) {
  AnnualMapping m;
  m.rows.push_back({AnnualRowKind::kRegulation, {}, "区级政府无规章制定权"});
  m.rows.push_back({AnnualRowKind::kFees, {}, "系统不记录收费金额"});
  std::vector<AnnualRecordRow> rows = {RowBuilder(1).Genre("规范性文件").Validity("有效")};
  auto t = ComputeAnnualTable(m, rows, 2025);
  ASSERT_TRUE(t.has_value()) << t.error().Describe();
  for (const auto& row : t->rows) {
    for (const auto& cell : row.cells) {
      EXPECT_FALSE(cell.mapped) << row.label << cell.label;
      EXPECT_FALSE(cell.value.has_value()) << row.label << cell.label;
      EXPECT_TRUE(cell.record_ids.empty());
    }
  }
  EXPECT_EQ(t->rows[0].note, "区级政府无规章制定权");
  EXPECT_EQ(t->rows[5].note, "系统不记录收费金额");
  EXPECT_EQ(t->rows[2].note, "");  // not in the mapping at all
}

TEST(AnnualReport, IssuedCountsFirstPublicationInTheYear) {
  std::vector<AnnualRecordRow> rows = {
      RowBuilder(1).Genre("规范性文件").Validity("有效").Published("2024-12-31", "2025-04-01"),  // previous year
      RowBuilder(2).Genre("规范性文件").Validity("有效").Published("2025-01-01"),
      RowBuilder(3).Genre("规范性文件").Validity("有效").Published("2025-12-31"),
      RowBuilder(4).Genre("规范性文件").Validity("有效").Published("2026-01-01"),  // next year
      RowBuilder(5).Genre("规范性文件").Validity("有效").Published("2025-03-01").Withdrawn("2025-06-01"),
      RowBuilder(6).Genre("规范性文件").Validity("废止").Published("2025-02-01", "2025-09-01"),
      RowBuilder(7).Genre("通知").Validity("有效").Published("2025-05-01"),  // not matched
  };
  auto t = ComputeAnnualTable(NormativeByGenre(), rows, 2025);
  ASSERT_TRUE(t.has_value()) << t.error().Describe();
  // Withdrawn within the year (5) still counts: it was issued and published.
  EXPECT_EQ(Ids(*t, AnnualRowKind::kNormativeDocument, AnnualMeasure::kIssued), (Ints{2, 3, 5, 6}));
  EXPECT_EQ(t->rows[1].note, "按体裁统计");
  auto before = ComputeAnnualTable(NormativeByGenre(), rows, 2024);
  ASSERT_TRUE(before.has_value());
  EXPECT_EQ(Ids(*before, AnnualRowKind::kNormativeDocument, AnnualMeasure::kIssued), (Ints{1}));
}

TEST(AnnualReport, RepealedNeedsValidityChangeInTheYearAndNoWithdrawal) {
  std::vector<AnnualRecordRow> rows = {
      RowBuilder(10).Genre("规范性文件").Validity("废止").Published("2020-05-01", "2025-05-01"),
      RowBuilder(11).Genre("规范性文件").Validity("失效").Published("2021-05-01", "2025-02-01"),
      RowBuilder(12).Genre("规范性文件").Validity("废止").Published("2020-05-01", "2024-12-31"),  // last year
      RowBuilder(13).Genre("规范性文件").Validity("废止").Published("2020-05-01", "2025-07-01").Withdrawn("2025-08-01"),
      RowBuilder(14).Genre("规范性文件").Validity("废止").Published("2020-05-01", "2025-07-01").Withdrawn("2026-02-01"),
      RowBuilder(15).Genre("规范性文件").Validity("有效").Published("2020-05-01", "2025-07-01"),
      RowBuilder(16).Genre("规范性文件").Validity("废止").Published("2020-05-01", "2025-07-01").Withdrawn(nullptr),
      RowBuilder(17).Genre("规范性文件").Validity("废止").Published("2020-05-01", "2025-12-31").Withdrawn("2025-12-31"),
      RowBuilder(18).Genre("规范性文件").Validity("").Published("2020-05-01", "2025-07-01"),
  };
  auto t = ComputeAnnualTable(NormativeByGenre(), rows, 2025);
  ASSERT_TRUE(t.has_value()) << t.error().Describe();
  EXPECT_EQ(Ids(*t, AnnualRowKind::kNormativeDocument, AnnualMeasure::kRepealed), (Ints{10, 11, 14}));
  EXPECT_EQ(Ids(*t, AnnualRowKind::kNormativeDocument, AnnualMeasure::kIssued), Ints{});
  const AnnualCell* c = FindAnnualCell(*t, AnnualRowKind::kNormativeDocument, AnnualMeasure::kIssued);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->value, 0) << "a mapped row with nothing in it shows 0, not a blank";
}

TEST(AnnualReport, InForceAtYearEnd) {
  std::vector<AnnualRecordRow> rows = {
      RowBuilder(20).Genre("规范性文件").Validity("有效").Published("2023-01-10"),
      RowBuilder(21).Genre("规范性文件").Validity("").Published("2025-12-31"),
      RowBuilder(22).Genre("规范性文件").Validity("有效").Published("2024-06-01").Withdrawn("2026-01-01"),
      RowBuilder(23).Genre("规范性文件").Validity("有效").Published("2024-06-01").Withdrawn("2025-12-31"),
      RowBuilder(24).Genre("规范性文件").Validity("废止").Published("2024-06-01", "2025-03-01"),
      RowBuilder(25).Genre("规范性文件").Validity("有效").Published("2026-01-01"),
      RowBuilder(26).Genre("规范性文件").Validity("有效").Published("2024-06-01").Withdrawn(nullptr),
      RowBuilder(27).Genre("规范性文件").Validity("失效").Published("2024-06-01", "2024-08-01"),
      RowBuilder(28).Genre("通知").Validity("有效").Published("2024-06-01"),
  };
  auto t = ComputeAnnualTable(NormativeByGenre(), rows, 2025);
  ASSERT_TRUE(t.has_value()) << t.error().Describe();
  EXPECT_EQ(Ids(*t, AnnualRowKind::kNormativeDocument, AnnualMeasure::kInForce), (Ints{20, 21, 22}));
  auto later = ComputeAnnualTable(NormativeByGenre(), rows, 2026);
  ASSERT_TRUE(later.has_value());
  // 22 was withdrawn on 2026-01-01, 25 published that day.
  EXPECT_EQ(Ids(*later, AnnualRowKind::kNormativeDocument, AnnualMeasure::kInForce), (Ints{20, 21, 25}));
  auto earlier = ComputeAnnualTable(NormativeByGenre(), rows, 2023);
  ASSERT_TRUE(earlier.has_value());
  EXPECT_EQ(Ids(*earlier, AnnualRowKind::kNormativeDocument, AnnualMeasure::kInForce), (Ints{20}));
}

TEST(AnnualReport, SelectorFieldsMustAllMatch) {
  const AnnualRecordRow r = RowBuilder(1).Item(11, "审批结果信息").Genre("公告").Unit("区国土分局");
  EXPECT_TRUE(AnnualSelectorMatches({11, "", "", ""}, r));
  EXPECT_TRUE(AnnualSelectorMatches({11, "审批结果信息", "", ""}, r));
  EXPECT_TRUE(AnnualSelectorMatches({0, "审批结果信息", "", ""}, r));
  EXPECT_TRUE(AnnualSelectorMatches({0, "", "公告", ""}, r));
  EXPECT_TRUE(AnnualSelectorMatches({0, "", "", "区国土分局"}, r));
  EXPECT_TRUE(AnnualSelectorMatches({11, "审批结果信息", "公告", "区国土分局"}, r));
  EXPECT_FALSE(AnnualSelectorMatches({10, "", "", ""}, r));
  EXPECT_FALSE(AnnualSelectorMatches({11, "出让公告公示", "", ""}, r));
  EXPECT_FALSE(AnnualSelectorMatches({0, "", "公示", ""}, r));
  EXPECT_FALSE(AnnualSelectorMatches({0, "", "", "区财政局"}, r));
  EXPECT_FALSE(AnnualSelectorMatches({11, "审批结果信息", "公告", "区财政局"}, r));
}

TEST(AnnualReport, DecisionsBySelectorsEachRecordOnce) {
  AnnualMapping m;
  m.rows.push_back({AnnualRowKind::kLicensing,
                    {AnnualSelector{2, "", "", ""}, AnnualSelector{11, "审批结果信息", "", ""},
                     AnnualSelector{0, "", "", "区环保局"}},
                    "许可"});
  m.rows.push_back({AnnualRowKind::kPunishment, {AnnualSelector{3, "招标投标违法处罚信息", "", ""}}, "处罚"});
  std::vector<AnnualRecordRow> rows = {
      RowBuilder(1).Item(2, "项目核准结果").Unit("区发改局"),
      RowBuilder(2).Item(2, "环境影响评价审批文件").Unit("区环保局"),  // two selectors match
      RowBuilder(3).Item(11, "审批结果信息").Unit("区国土分局"),
      RowBuilder(4).Item(11, "出让公告公示").Unit("区国土分局"),  // wrong element
      RowBuilder(5).Item(19, "大气污染防治").Unit("区环保局"),    // by unit
      RowBuilder(6).Item(2, "项目核准结果").Published("2024-11-30"),  // previous year
      RowBuilder(7).Item(2, "项目核准结果").Withdrawn("2025-04-01"),  // published, then withdrawn
      RowBuilder(8).Item(3, "招标投标违法处罚信息").Unit("区财政局"),
      RowBuilder(9).Item(3, "招标公告").Unit("区财政局"),
  };
  auto t = ComputeAnnualTable(m, rows, 2025);
  ASSERT_TRUE(t.has_value()) << t.error().Describe();
  EXPECT_EQ(Ids(*t, AnnualRowKind::kLicensing, AnnualMeasure::kDecisions), (Ints{1, 2, 3, 5, 7}));
  EXPECT_EQ(Ids(*t, AnnualRowKind::kPunishment, AnnualMeasure::kDecisions), (Ints{8}));
  const AnnualCell* enforcement = FindAnnualCell(*t, AnnualRowKind::kEnforcement, AnnualMeasure::kDecisions);
  ASSERT_NE(enforcement, nullptr);
  EXPECT_FALSE(enforcement->mapped);
  EXPECT_FALSE(enforcement->value.has_value());
}

TEST(AnnualReport, DuplicateInputRowsCountOnce) {
  std::vector<AnnualRecordRow> rows = {RowBuilder(3).Genre("规范性文件"), RowBuilder(1).Genre("规范性文件"),
                                       RowBuilder(3).Genre("规范性文件")};
  auto t = ComputeAnnualTable(NormativeByGenre(), rows, 2025);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(Ids(*t, AnnualRowKind::kNormativeDocument, AnnualMeasure::kIssued), (Ints{1, 3}));
}

TEST(AnnualReport, YearOutsideRangeIsRefused) {
  for (int year : {0, 1989, 2101, -5}) {
    auto t = ComputeAnnualTable(AnnualMapping{}, {}, year);
    ASSERT_FALSE(t.has_value()) << year;
    EXPECT_EQ(t.error().code, ErrorCode::kInvalidInput);
    EXPECT_EQ(t.error().field, "year");
    EXPECT_NE(t.error().message.find(std::to_string(year)), std::string::npos) << t.error().message;
  }
  EXPECT_TRUE(ComputeAnnualTable(AnnualMapping{}, {}, 1990).has_value());
  EXPECT_TRUE(ComputeAnnualTable(AnnualMapping{}, {}, 2100).has_value());
}

TEST(AnnualReport, InvalidMappingIsRefused) {
  AnnualMapping twice;
  twice.rows.push_back({AnnualRowKind::kLicensing, {AnnualSelector{2, "", "", ""}}, ""});
  twice.rows.push_back({AnnualRowKind::kLicensing, {}, ""});
  auto a = ComputeAnnualTable(twice, {}, 2025);
  ASSERT_FALSE(a.has_value());
  EXPECT_EQ(a.error().field, "rows[1].row");

  AnnualMapping fees;
  fees.rows.push_back({AnnualRowKind::kFees, {AnnualSelector{2, "", "", ""}}, ""});
  auto b = ComputeAnnualTable(fees, {}, 2025);
  ASSERT_FALSE(b.has_value());
  EXPECT_EQ(b.error().field, "rows[0].selectors");

  AnnualMapping empty_selector;
  empty_selector.rows.push_back({AnnualRowKind::kPunishment, {AnnualSelector{3, "", "", ""}, AnnualSelector{}}, ""});
  auto c = ComputeAnnualTable(empty_selector, {}, 2025);
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().field, "rows[0].selectors[1]");
}

TEST(AnnualReport, DefinitionsCoverEveryMeasure) {
  auto defs = AnnualDefinitions();
  std::string all;
  for (const auto& d : defs) {
    EXPECT_FALSE(d.term.empty());
    EXPECT_FALSE(d.text.empty());
    all += d.term + d.text;
  }
  for (AnnualMeasure m : {AnnualMeasure::kIssued, AnnualMeasure::kRepealed, AnnualMeasure::kInForce,
                          AnnualMeasure::kDecisions, AnnualMeasure::kAmount})
    EXPECT_NE(all.find(AnnualMeasureLabel(m)), std::string::npos) << AnnualMeasureLabel(m);
  EXPECT_NE(all.find("撤回"), std::string::npos);
}

}  // namespace
}  // namespace gongkai
