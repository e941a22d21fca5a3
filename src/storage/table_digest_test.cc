#include "storage/table_digest.h"

#include <gtest/gtest.h>

namespace gongkai::storage {
namespace {

using Fields = std::vector<std::optional<std::string>>;

TableDigest Of(const std::vector<Fields>& rows) {
  TableDigest d;
  for (std::size_t i = 0; i < rows.size(); ++i) d.AddRow(rows[i], "row " + std::to_string(i + 1));
  return d;
}

TEST(TableDigest, TheOrderOfTheRowsDoesNotMatter) {
  auto a = Of({{"1", "甲区", "1"}, {"2", "乙区", "0"}, {"3", std::nullopt, "1"}});
  auto b = Of({{"3", std::nullopt, "1"}, {"1", "甲区", "1"}, {"2", "乙区", "0"}});
  EXPECT_TRUE(a.SameAs(b));
  EXPECT_EQ(a.RowsNotIn(b).count, 0);
  EXPECT_EQ(a.rows(), 3);
}

// Each pair differs in content only, never in the number of rows.
TEST(TableDigest, AnyChangeOfAFieldIsADifference) {
  const std::vector<std::pair<Fields, Fields>> cases = {
      {{"1", "示范区"}, {"1", "改名区"}},          // a changed value
      {{"1", ""}, {"1", std::nullopt}},            // "" is not NULL
      {{"1", "ab", "c"}, {"1", "a", "bc"}},        // field boundaries count
      {{"1", "a"}, {"1", "a", ""}},                // so does the number of fields
      {{"1", "0"}, {"1", "1"}},                    // a boolean
      {{"1", "00ff"}, {"1", "00fe"}},              // bytes as hex
  };
  for (const auto& [left, right] : cases) {
    auto a = Of({left, {"2", "x"}}), b = Of({right, {"2", "x"}});
    EXPECT_FALSE(a.SameAs(b)) << *left[1];
    auto missing = a.RowsNotIn(b);
    EXPECT_EQ(missing.count, 1);
    EXPECT_EQ(missing.first_label, "row 1");
  }
}

TEST(TableDigest, RepeatedRowsAreCountedEachTime) {
  auto twice = Of({{"a"}, {"a"}, {"b"}});
  auto once = Of({{"a"}, {"b"}, {"c"}});
  EXPECT_FALSE(twice.SameAs(once));
  EXPECT_EQ(twice.RowsNotIn(once).count, 1);
  EXPECT_EQ(once.RowsNotIn(twice).count, 1);
  EXPECT_EQ(once.RowsNotIn(twice).first_label, "row 3");
}

TEST(TableDigest, TheFirstMissingRowIsTheFirstAdded) {
  auto a = Of({{"1"}, {"2"}, {"3"}, {"4"}, {"5"}});
  auto b = Of({{"1"}, {"3"}, {"5"}});
  auto missing = a.RowsNotIn(b);
  EXPECT_EQ(missing.count, 2);
  EXPECT_EQ(missing.first_label, "row 2");
  TableDigest none, nothing;
  EXPECT_TRUE(none.SameAs(nothing));
}

}  // namespace
}  // namespace gongkai::storage
