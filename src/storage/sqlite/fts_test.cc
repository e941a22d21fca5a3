// Tokens made ahead of time (PreparedRow, used by a rebuild's other thread)
// give the index exactly what the tokenizer gives it by itself.
#include "storage/sqlite/fts.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "search/normalize.h"
#include "search/tokenizer.h"

namespace gongkai {
namespace {

class PreparedRowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = sqlite::Connection::Open(":memory:");
    ASSERT_TRUE(c.has_value());
    db_ = std::move(*c);
    ASSERT_TRUE(sqlite::RegisterSearchTokenizer(*db_).has_value());
    for (const char* t : {"plain", "prepared"})
      ASSERT_TRUE(db_->Exec(std::string("CREATE VIRTUAL TABLE ") + t +
                            " USING fts5(title, doc_number, body, unit, item, attachments, tokenize = 'gongkai')")
                      .has_value());
  }
  void Insert(const char* table, const sqlite::IndexedRecord& r) {
    auto st = db_->Prepare(std::string("INSERT INTO ") + table +
                           " (rowid, title, doc_number, body, unit, item, attachments) VALUES (?, ?, ?, ?, ?, ?, ?)");
    ASSERT_TRUE(st.has_value());
    st->Bind(1, r.record_id).Bind(2, r.title).Bind(3, r.doc_number).Bind(4, r.body).Bind(5, r.unit).Bind(6, r.item);
    st->Bind(7, r.attachments);
    ASSERT_TRUE(st->Run().has_value());
  }
  std::vector<std::int64_t> Match(const char* table, const std::string& query) {
    std::vector<std::int64_t> out;
    auto st = db_->Prepare(std::string("SELECT rowid FROM ") + table + " WHERE " + table + " MATCH ? ORDER BY rowid");
    EXPECT_TRUE(st.has_value());
    if (!st) return out;
    st->Bind(1, query);
    while (*st->Step()) out.push_back(st->Int(0));
    return out;
  }
  // The token count of each row, per column (FTS5's %_docsize).
  std::vector<std::string> Sizes(const char* table) {
    std::vector<std::string> out;
    auto st = db_->Prepare(std::string("SELECT hex(sz) FROM ") + table + "_docsize ORDER BY id");
    EXPECT_TRUE(st.has_value());
    if (!st) return out;
    while (*st->Step()) out.push_back(st->Text(0));
    return out;
  }
  std::unique_ptr<sqlite::Connection> db_;
};

std::vector<sqlite::IndexedRecord> Records() {
  std::vector<sqlite::IndexedRecord> out;
  const char* bodies[] = {"國有土地出讓：金桥村征地补偿，合同金额１２３４.５万元。", "执行GB/T37668标准，2024年度报告。",
                          "", "扶贫资金 iPhone15 采购公告"};
  for (int i = 0; i < 4; ++i) {
    sqlite::IndexedRecord r;
    r.record_id = i + 1;
    r.title = std::string("第") + std::to_string(i + 1) + "号公告";
    r.doc_number = "区财采〔2024〕" + std::to_string(i + 10) + "号";
    r.body = bodies[i];
    r.unit = "区财政局";
    r.item = "政府采购 中标结果";
    r.attachments = i == 1 ? "附件.pdf\n验收报告全文\n" : "";
    out.push_back(r);
  }
  return out;
}

TEST_F(PreparedRowTest, AnIndexWrittenWithPreparedTokensEqualsOneWrittenWithout) {
  for (const auto& r : Records()) {
    Insert("plain", r);
    const sqlite::PreparedRow row = sqlite::PrepareRow(r);
    sqlite::PreparedRowScope scope(&row);
    Insert("prepared", r);
  }
  EXPECT_EQ(Sizes("plain"), Sizes("prepared"));
  for (const std::string q : {"\"国有\"", "\"出让\"", "\"37668\"", "\"2024 \x01年\" OR \"2024 年\"*", "\"iphone\"", "\"15\"",
                              "\"验收 收报\"", "\"区财 财政 政局\"", "\"1234\""}) {
    EXPECT_EQ(Match("plain", q), Match("prepared", q)) << q;
    EXPECT_FALSE(Match("plain", q).empty()) << q;
  }
}

// The prepared tokens are what the index gets for a text they were made
// from (shown with tokens the text does not have), and only for it.
TEST_F(PreparedRowTest, PreparedTokensAreUsedOnlyForTheirOwnText) {
  auto records = Records();
  sqlite::PreparedRow row = sqlite::PrepareRow(records[0]);
  row.columns[2].tokens = "xyzzy";
  row.columns[2].ends = {5};
  {
    sqlite::PreparedRowScope scope(&row);
    Insert("prepared", records[0]);  // body: the planted token
    Insert("prepared", records[1]);  // other texts: tokenised as usual
  }
  Insert("prepared", records[3]);  // no scope
  EXPECT_EQ(Match("prepared", "\"xyzzy\""), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(Match("prepared", "\"出让\""), (std::vector<std::int64_t>{}));
  EXPECT_EQ(Match("prepared", "\"37668\""), (std::vector<std::int64_t>{2}));
  EXPECT_EQ(Match("prepared", "\"扶贫\""), (std::vector<std::int64_t>{4}));
  EXPECT_EQ(Match("prepared", "\"财政 政局\""), (std::vector<std::int64_t>{1, 2, 4}));
}

}  // namespace
}  // namespace gongkai
