#include "app/compliance_actions.h"

#include <gtest/gtest.h>

namespace gongkai {
namespace {

TEST(SheetsAsCsvTest, OneLinePerRowAndABlankLineAfterEachSheet) {
  std::vector<XlsxSheet> sheets = {XlsxSheet{"全区", {{"范围", "应公开"}, {"全区", "3"}}, {}},
                                   XlsxSheet{"单位", {{"单位", "备注"}, {"区财政局", "含,逗号"}}, {}}};
  EXPECT_EQ(SheetsAsCsv(sheets),
            "\xEF\xBB\xBF【全区】\r\n范围,应公开\r\n全区,3\r\n\r\n【单位】\r\n单位,备注\r\n区财政局,\"含,逗号\"\r\n\r\n");
}

}  // namespace
}  // namespace gongkai
