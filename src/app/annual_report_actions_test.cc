#include "app/annual_report_actions.h"

#include <gtest/gtest.h>

#include "app/test_site.h"

namespace gongkai {
namespace {

using testing_support::TempSiteTest;

class AnnualActionsTest : public TempSiteTest {};

TEST_F(AnnualActionsTest, OfficeAndAuditorsOnlyAndNoFutureYears) {
  auto ok = LoadAnnualReport(As(Role::kAuditor), catalog_, 2025);
  ASSERT_TRUE(ok.has_value()) << ok.error().Describe();
  EXPECT_TRUE(ok->default_mapping);
  EXPECT_EQ(ok->table.rows.size(), 6u);
  EXPECT_EQ(ok->timeliness.report.period.to, *Date::Parse("2025-12-31"));
  EXPECT_EQ(LoadAnnualReport(As(Role::kLiaison, "区财政局"), catalog_, 2025).error().code, ErrorCode::kForbidden);
  auto future = LoadAnnualReport(As(Role::kAdmin), catalog_, 2027);  // the clock says 2026
  ASSERT_FALSE(future.has_value());
  EXPECT_EQ(future.error().field, "year");
  auto current = LoadAnnualReport(As(Role::kAdmin), catalog_, 2026);
  ASSERT_TRUE(current.has_value());
  EXPECT_EQ(current->timeliness.report.period.to, *Date::Parse("2026-09-25")) << "the current year runs to today";
}

TEST_F(AnnualActionsTest, MappingIsStoredCheckedAndReset) {
  const std::string json = R"({"version":1,"rows":[{"row":"enforcement","selectors":[{"item":12}]}]})";
  EXPECT_EQ(SetAnnualMapping(As(Role::kAuditor), catalog_, json).error().code, ErrorCode::kForbidden);
  ASSERT_TRUE(SetAnnualMapping(As(Role::kAdmin), catalog_, json).has_value());
  bool is_default = true;
  auto m = CurrentAnnualMapping(*store_, site_.id, catalog_, &is_default);
  ASSERT_TRUE(m.has_value());
  EXPECT_FALSE(is_default);
  auto report = LoadAnnualReport(As(Role::kAdmin), catalog_, 2025);
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(FindAnnualCell(report->table, AnnualRowKind::kEnforcement, AnnualMeasure::kDecisions)->mapped);
  EXPECT_FALSE(FindAnnualCell(report->table, AnnualRowKind::kLicensing, AnnualMeasure::kDecisions)->mapped);
  auto bad = SetAnnualMapping(As(Role::kAdmin), catalog_, R"({"version":1,"rows":[{"row":"fees","selectors":[{"item":1}]}]})");
  ASSERT_FALSE(bad.has_value());
  EXPECT_TRUE(bad.error().field.starts_with("rows[0]")) << bad.error().field;
  ASSERT_TRUE(SetAnnualMapping(As(Role::kAdmin), catalog_, "").has_value());
  ASSERT_TRUE(CurrentAnnualMapping(*store_, site_.id, catalog_, &is_default).has_value());
  EXPECT_TRUE(is_default);
}

TEST_F(AnnualActionsTest, WorkbookHasTheTableNotesAndAnnex) {
  auto report = LoadAnnualReport(As(Role::kAdmin), catalog_, 2025);
  ASSERT_TRUE(report.has_value());
  auto sheets = AnnualReportSheets(*report, catalog_);
  std::vector<std::string> names;
  for (const auto& s : sheets) names.push_back(s.name);
  EXPECT_EQ(names, (std::vector<std::string>{"二、主动公开政府信息情况", "统计口径", "附-全区", "附-事项", "附-领域",
                                             "附-统计口径"}));
  ASSERT_EQ(sheets[0].rows.size(), 11u);
  EXPECT_EQ(sheets[0].rows[1], (std::vector<std::string>{"第二十条第（一）项", "规章", "本年制发件数", "—（需人工填报）",
                                                         sheets[0].rows[1][4]}));
  EXPECT_EQ(sheets[0].rows[7][1], "行政许可");
  EXPECT_EQ(sheets[0].rows[7][3], "0") << "an empty site has no licensing records";
}

}  // namespace
}  // namespace gongkai
