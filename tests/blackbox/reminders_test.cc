// Deadline reminders end to end: `gongkai remind` and the server's timer
// deliver to a local SMTP sink started by the test; the notices page, the
// office's button and the event-driven items setting over HTTP.
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/blackbox/harness.h"
#include "tests/blackbox/web_session.h"
#include "tests/support/smtp_sink.h"

namespace gongkai::testing {
namespace {

using test_support::SmtpSink;
using test_support::SmtpSinkMessage;

std::string Base64Decode(std::string_view in) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : in) {
    int v = -1;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+') v = 62;
    else if (c == '/') v = 63;
    if (v < 0) continue;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

// A header's value with RFC 2047 encoded words decoded and folding undone.
std::string Header(const std::string& data, const std::string& name) {
  const std::string head = data.substr(0, data.find("\r\n\r\n"));
  const auto at = ("\r\n" + head).find("\r\n" + name + ":");
  if (at == std::string::npos) return "";
  std::string raw;
  std::istringstream lines(head.substr(at + name.size() + 1));
  std::string line;
  bool first = true;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!first && (line.empty() || (line[0] != ' ' && line[0] != '\t'))) break;
    raw += line;
    first = false;
  }
  std::string out;
  std::size_t pos = 0;
  while (pos < raw.size()) {
    auto start = raw.find("=?UTF-8?B?", pos);
    if (start == std::string::npos) {
      out += raw.substr(pos);
      break;
    }
    std::string between = raw.substr(pos, start - pos);
    if (between.find_first_not_of(" \t") != std::string::npos) out += between;
    auto end = raw.find("?=", start + 10);
    out += Base64Decode(raw.substr(start + 10, end - start - 10));
    pos = end + 2;
  }
  const auto b = out.find_first_not_of(' ');
  return b == std::string::npos ? "" : out.substr(b);
}

std::string Body(const std::string& data) { return Base64Decode(data.substr(data.find("\r\n\r\n") + 4)); }

int CountOccurrences(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

// The unit with the most obligations overdue now (from the compliance
// report over every year), and that number.
std::pair<std::string, int> MostOverdueUnit(const std::filesystem::path& db) {
  auto rep = RunGongkai({"report", "compliance", "--db", db.string(), "--from", "2000-01-01", "--format", "csv"});
  EXPECT_EQ(rep.exit_code, 0) << rep.err;
  std::istringstream in(rep.out);
  std::string line, best;
  int best_n = 0;
  bool in_units = false;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.starts_with("【")) {
      in_units = line == "【单位】";
      continue;
    }
    if (!in_units || line.starts_with("单位,")) continue;
    std::vector<std::string> cells;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) cells.push_back(cell);
    if (cells.size() < 7) continue;
    const int n = std::atoi(cells[6].c_str());
    if (n > best_n) {
      best_n = n;
      best = cells[0];
    }
  }
  return {best, best_n};
}

void AddUser(const std::filesystem::path& db, const std::string& username, const std::string& role,
             const std::string& unit, const std::string& email, const std::string& password) {
  std::vector<std::string> args = {"user", "add", "--db", db.string(), "--username", username, "--role", role};
  if (!unit.empty()) args.insert(args.end(), {"--unit", unit});
  if (!email.empty()) args.insert(args.end(), {"--email", email});
  auto r = RunGongkai(args, {}, password + "\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

const SmtpSinkMessage* MessageTo(const std::vector<SmtpSinkMessage>& all, const std::string& rcpt) {
  for (const auto& m : all)
    if (m.rcpt_to == std::vector<std::string>{rcpt}) return &m;
  return nullptr;
}

TEST(Reminders, CommandRemindsOnceByMailAndOnThePage) {
  TempDir dir;
  const auto db = dir / "g.db";
  ASSERT_EQ(RunGongkai({"init", "--demo", "--db", db.string()}).exit_code, 0);
  auto [unit, overdue] = MostOverdueUnit(db);
  ASSERT_FALSE(unit.empty()) << "the demo data should have a unit with overdue obligations";
  AddUser(db, "rm_liaison", "liaison", unit, "Liaison@Example.org", "Rm-Liaison-2026");
  AddUser(db, "rm_leader", "leader", unit, "leader@example.org", "Rm-Leader-2026");

  SmtpSink sink;
  const std::vector<std::string> remind = {"remind", "--db", db.string(), "--force", "--smtp-url", sink.url(),
                                           "--smtp-from", "gkb@example.org", "--smtp-from-name", "示例区政务公开办"};
  auto r = RunGongkai(remind);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("邮件：成功2封，失败0封"), std::string::npos) << r.out;
  ASSERT_TRUE(sink.WaitForMessages(2, std::chrono::seconds(5)));
  auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 2u);
  const auto* leader = MessageTo(messages, "leader@example.org");
  const auto* liaison = MessageTo(messages, "Liaison@example.org");  // the domain is stored lower-case
  ASSERT_NE(leader, nullptr);
  ASSERT_NE(liaison, nullptr);
  EXPECT_EQ(leader->mail_from, "gkb@example.org");
  // The leader hears of exactly the unit's overdue obligations, as the report counts them.
  EXPECT_EQ(Header(leader->data, "Subject"), fmt::format("【政务公开提醒】{}：{}项已逾期", unit, overdue));
  const std::string leader_body = Body(leader->data);
  EXPECT_EQ(CountOccurrences(leader_body, "，已逾期"), overdue) << leader_body;
  EXPECT_NE(leader_body.find("分管领导"), std::string::npos);
  EXPECT_TRUE(Header(liaison->data, "Subject").starts_with(fmt::format("【政务公开提醒】{}：{}项已逾期", unit, overdue)))
      << Header(liaison->data, "Subject");
  EXPECT_EQ(Header(liaison->data, "From"), "示例区政务公开办 <gkb@example.org>");

  // Nothing is sent twice for the same state.
  auto again = RunGongkai(remind);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("生成0条提醒"), std::string::npos) << again.out;
  EXPECT_EQ(sink.messages().size(), 2u);

  // The same notice on the liaison's page, with its delivery.
  ServerProcess server(db);
  ASSERT_TRUE(server.Start());
  WebSession s = WebLogin(server, "rm_liaison", "Rm-Liaison-2026");
  auto home = WebGet(server, "/admin", &s);
  ASSERT_TRUE(home);
  EXPECT_NE(home->body.find("我的提醒（1条未读）"), std::string::npos);
  auto page = WebGet(server, "/admin/notices", &s);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find(fmt::format("【政务公开提醒】{}：{}项已逾期", unit, overdue)), std::string::npos);
  EXPECT_NE(page->body.find("已发送至Liaison@example.org"), std::string::npos);
  auto read = WebPost(server, "/admin/notices/read", {}, s);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->status, 303);
  home = WebGet(server, "/admin", &s);
  EXPECT_EQ(home->body.find("条未读"), std::string::npos);
  // Only the office and auditors see everyone's notices.
  EXPECT_EQ(WebGet(server, "/admin/notices?all=1", &s)->body.find("全部提醒记录</h1>"), std::string::npos);

  // The liaison sets their own address; a bad one is refused and named.
  auto bad = WebPost(server, "/admin/notices/email", {{"email", "not-an-address"}}, s);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("电子邮箱“not-an-address”无效"), std::string::npos);
  auto good = WebPost(server, "/admin/notices/email", {{"email", "new@example.org"}}, s);
  ASSERT_TRUE(good);
  EXPECT_EQ(good->status, 200);
  server.Stop();
  auto users = RunGongkai({"user", "list", "--db", db.string()});
  EXPECT_NE(users.out.find("new@example.org"), std::string::npos) << users.out;
}

TEST(Reminders, ServerTimerOfficeButtonAndEventDrivenItems) {
  TempDir dir;
  const auto db = dir / "g.db";
  ASSERT_EQ(RunGongkai({"init", "--demo", "--db", db.string()}).exit_code, 0);
  auto [unit, overdue] = MostOverdueUnit(db);
  ASSERT_FALSE(unit.empty());
  AddUser(db, "rt_liaison", "liaison", unit, "rt@example.org", "Rt-Liaison-2026");
  AddUser(db, "rt_admin", "admin", "", "", "Rt-Admin-Pass-2026");

  auto bad_time = RunGongkai({"serve", "--db", db.string(), "--listen", "127.0.0.1:0", "--remind-at", "25:00"});
  EXPECT_EQ(bad_time.exit_code, 2);
  EXPECT_NE(bad_time.err.find("25:00"), std::string::npos) << bad_time.err;

  SmtpSink sink;
  ServerProcess server(db, {"--remind-at", "00:00", "--smtp-url", sink.url(), "--smtp-from", "gkb@example.org"});
  ASSERT_TRUE(server.Start());
  // The timer runs at once when started after the time of day.
  std::string log;
  for (int i = 0; i < 100 && log.find("到期提醒（demo）：") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    log = ReadFile(server.log_path());
  }
  ASSERT_NE(log.find("到期提醒（demo）："), std::string::npos) << log;
  const bool day_off = log.find("不是工作日") != std::string::npos;
  if (day_off) {
    EXPECT_TRUE(sink.messages().empty());
  } else {
    ASSERT_TRUE(sink.WaitForMessages(1, std::chrono::seconds(5))) << log;
    EXPECT_EQ(sink.messages()[0].rcpt_to, std::vector<std::string>{"rt@example.org"});
  }

  WebSession admin = WebLogin(server, "rt_admin", "Rt-Admin-Pass-2026");
  auto run = WebPost(server, "/admin/reminders/run", {}, admin);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->status, 200);
  EXPECT_NE(run->body.find(day_off ? "不是工作日，未生成新的提醒" : "已生成0条提醒"), std::string::npos);
  EXPECT_NE(run->body.find("已配置邮件服务器"), std::string::npos);
  WebSession liaison = WebLogin(server, "rt_liaison", "Rt-Liaison-2026");
  auto denied = WebPost(server, "/admin/reminders/run", {}, liaison);
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->status, 403);

  // Event-driven items: set by the office, shown checked, bad numbers named.
  auto set = WebPost(server, "/admin/compliance/event-driven", {{"item", "20"}, {"item", "18"}}, admin);
  ASSERT_TRUE(set);
  EXPECT_EQ(set->status, 303);
  auto page = WebGet(server, "/admin/compliance", &admin);
  ASSERT_TRUE(page);
  EXPECT_NE(page->body.find(R"(id="ev20" name="item" value="20" checked)"), std::string::npos);
  EXPECT_NE(page->body.find(R"(id="ev18" name="item" value="18" checked)"), std::string::npos);
  EXPECT_EQ(page->body.find(R"(id="ev17" name="item" value="17" checked)"), std::string::npos);
  auto bad = WebPost(server, "/admin/compliance/event-driven", {{"item", "99"}}, admin);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("事项序号99不在目录中"), std::string::npos);
  auto not_office = WebPost(server, "/admin/compliance/event-driven", {{"item", "1"}}, liaison);
  ASSERT_TRUE(not_office);
  EXPECT_EQ(not_office->status, 403);
  page = WebGet(server, "/admin/compliance", &admin);
  EXPECT_NE(page->body.find(R"(id="ev20" name="item" value="20" checked)"), std::string::npos);
}

}  // namespace
}  // namespace gongkai::testing
