// Several `gongkai serve` processes on one database (the provincial
// deployment runs several app servers): units' systems publish through both
// at once. Every acknowledged publication is stored once, no 索引号 repeats,
// and the ledger covers every publication and verifies offline.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/blackbox/draft_json.h"
#include "tests/blackbox/harness.h"

namespace gongkai::testing {
namespace {

using json = nlohmann::json;

const std::string kChecklist = R"({"no_state_secret":true,"no_commercial_secret":true,"personal_info_handled":true})";

std::string Token(const std::filesystem::path& db, const std::string& name, const std::string& role) {
  auto r = RunGongkai({"token", "add", "--db", db.string(), "--name", name, "--unit", "区财政局", "--role", role,
                       "--secret-only"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out.substr(0, r.out.find_first_of("\r\n"));
}

TEST(MultiProcessTest, TwoServersPublishingAtOnceLoseNothingAndRepeatNoIndexNumber) {
  TempDir dir;
  const auto db = dir / "shared.db";
  auto init = RunGongkai({"init", "--db", db.string()});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  const std::string liaison = Token(db, "采购系统", "liaison");
  const std::string leader = Token(db, "审批系统", "leader");
  ASSERT_FALSE(liaison.empty());
  ASSERT_FALSE(leader.empty());

  ServerProcess a(db), b(db);
  ASSERT_TRUE(a.Start());
  ASSERT_TRUE(b.Start());
  const ServerProcess* servers[] = {&a, &b};

  constexpr int kThreads = 6;
  constexpr int kPerThread = 5;
  std::mutex mu;
  std::vector<std::string> index_numbers;
  std::vector<std::string> failures;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        // Each step goes to the other server than the one before.
        int turn = t + i;
        auto call = [&](const std::string& path, const std::string& token, const std::string& body) {
          const ServerProcess* s = servers[turn++ % 2];
          httplib::Headers h{{"Authorization", "Bearer " + token}};
          return s->Client()->Post(path.c_str(), h, body, "application/json");
        };
        const std::string title = "并发发布测试 " + std::to_string(t) + "-" + std::to_string(i);
        auto created = call("/api/v1/records", liaison,
                            ApiDraftJson("区财政局", title));
        if (!created || created->status != 201) {
          std::lock_guard lock(mu);
          failures.push_back(title + " create: " + (created ? created->body : "no response"));
          continue;
        }
        const std::string base = "/api/v1/records/" + std::to_string(json::parse(created->body)["id"].get<long long>());
        auto submitted = call(base + "/submit", liaison, "");
        auto approved = call(base + "/approve", leader, kChecklist);
        auto published = call(base + "/publish", liaison, "");
        std::lock_guard lock(mu);
        if (!submitted || submitted->status != 200 || !approved || approved->status != 200 || !published ||
            published->status != 200) {
          failures.push_back(title + ": " + (published ? published->body : "no response"));
          continue;
        }
        index_numbers.push_back(json::parse(published->body)["index_number"].get<std::string>());
      }
    });
  }
  for (auto& th : threads) th.join();

  EXPECT_TRUE(failures.empty()) << failures.size() << " failed, first: " << (failures.empty() ? "" : failures[0]);
  ASSERT_EQ(index_numbers.size(), static_cast<std::size_t>(kThreads * kPerThread));
  const std::set<std::string> distinct(index_numbers.begin(), index_numbers.end());
  EXPECT_EQ(distinct.size(), index_numbers.size()) << "a 索引号 was given twice";
  // Every acknowledged publication is stored, once.
  EXPECT_EQ(DbScalar(db, "SELECT count(*) FROM records WHERE published_version > 0"), kThreads * kPerThread);
  EXPECT_EQ(DbScalar(db, "SELECT count(DISTINCT index_number) FROM records WHERE published_version > 0"),
            kThreads * kPerThread);
  // Both servers' sequencers append to one ledger: it ends up covering every
  // publication event exactly once, with a signed head over all of it.
  ASSERT_TRUE(WaitForLedgerSettled(db));
  EXPECT_EQ(DbScalar(db, "SELECT count(*) FROM ledger_leaves"), kThreads * kPerThread);
  // ... with no gap in the leaf indexes, and in event order.
  EXPECT_EQ(DbScalar(db, "SELECT max(leaf_index) + 1 FROM ledger_leaves"), kThreads * kPerThread);
  EXPECT_EQ(DbScalar(db, "SELECT count(*) FROM ledger_leaves a JOIN ledger_leaves b ON b.leaf_index = a.leaf_index + 1 "
                       "WHERE b.event_seq < a.event_seq"),
            0);
  a.Stop();
  b.Stop();
  if (!PgBackend()) {
    EXPECT_EQ(DbText(db, "PRAGMA integrity_check"), "ok");
  }
  auto dump = RunGongkai({"dump", "--db", db.string(), "--out", (dir / "dump").string()});
  ASSERT_EQ(dump.exit_code, 0) << dump.err;
  auto verify = RunGongkai({"verify", "--dir", (dir / "dump").string()});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

}  // namespace
}  // namespace gongkai::testing
