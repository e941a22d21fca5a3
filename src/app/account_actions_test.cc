#include "app/account_actions.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/registration_actions.h"
#include "app/unit_actions.h"
#include "codec/catalog_json.h"
#include "core/timestamp.h"
#include "storage/sqlite/sqlite_store.h"

namespace gongkai {
namespace {

class FakeClock : public Clock {
 public:
  std::chrono::sys_seconds now = *ParseTimestamp("2026-11-27T10:00:00+08:00", "now");
  std::chrono::sys_seconds Now() const override { return now; }
};

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("gongkai-acct-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = std::move(*SqliteStore::Open((dir_ / "t.db").string(), 2));
    ASSERT_TRUE(store_->Migrate().has_value());
    site_ = *store_->CreateSite(NewSite{"demo", "示例区", ""});
    catalog_ = *LoadSeedCatalog();
    ASSERT_TRUE(store_->SaveCatalog(site_.id, catalog_).has_value());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  Context Console() { return Context{*store_, clock_, Actor::Console(site_.id)}; }
  Account Add(const std::string& user, Role role, const std::string& unit = "") {
    auto a = AddAccount(Console(), catalog_, NewAccount{user, user, role, unit, "a-long-password-1"});
    EXPECT_TRUE(a.has_value()) << a.error().Describe();
    return *a;
  }
  std::filesystem::path dir_;
  std::unique_ptr<SqliteStore> store_;
  Site site_;
  Catalog catalog_;
  FakeClock clock_;
  AuthPolicy policy_;
};

TEST_F(AccountsTest, LoginCreatesASessionThatExpires) {
  Add("admin", Role::kAdmin);
  auto r = Login(*store_, clock_, site_.id, "admin", "a-long-password-1", policy_);
  ASSERT_TRUE(r.has_value()) << r.error().Describe();
  EXPECT_NE(r->session.token_hash, r->token);  // only the hash is stored
  auto s = ResolveSession(*store_, clock_, r->token);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->second.role, Role::kAdmin);
  clock_.now += policy_.session_ttl + std::chrono::seconds(1);
  auto expired = ResolveSession(*store_, clock_, r->token);
  ASSERT_FALSE(expired.has_value());
  EXPECT_EQ(expired.error().code, ErrorCode::kUnauthenticated);
}

TEST_F(AccountsTest, ThrottlesAfterRepeatedFailuresThenRecovers) {
  Add("admin", Role::kAdmin);
  Add("other", Role::kAuditor);
  for (int i = 0; i < policy_.max_failures; ++i) {
    auto bad = Login(*store_, clock_, site_.id, "admin", "wrong-password", policy_);
    ASSERT_FALSE(bad.has_value());
    EXPECT_EQ(bad.error().code, ErrorCode::kUnauthenticated);
  }
  auto locked = Login(*store_, clock_, site_.id, "admin", "a-long-password-1", policy_);
  ASSERT_FALSE(locked.has_value());
  EXPECT_EQ(locked.error().code, ErrorCode::kForbidden);
  EXPECT_TRUE(Login(*store_, clock_, site_.id, "other", "a-long-password-1", policy_).has_value());
  clock_.now += policy_.failure_window + std::chrono::seconds(1);
  EXPECT_TRUE(Login(*store_, clock_, site_.id, "admin", "a-long-password-1", policy_).has_value());
}

TEST_F(AccountsTest, UnknownUserAndWrongPasswordLookTheSame) {
  Add("admin", Role::kAdmin);
  auto a = Login(*store_, clock_, site_.id, "nobody", "whatever-123", policy_);
  auto b = Login(*store_, clock_, site_.id, "admin", "whatever-123", policy_);
  ASSERT_FALSE(a.has_value());
  ASSERT_FALSE(b.has_value());
  EXPECT_EQ(a.error().message, b.error().message);
}

TEST_F(AccountsTest, PasswordsAreNeverStoredInPlainText) {
  Add("admin", Role::kAdmin);
  auto acc = store_->FindAccount(site_.id, "admin");
  ASSERT_TRUE(acc.has_value());
  EXPECT_EQ(acc->password_hash.rfind("$argon2id$", 0), 0u);
  store_.reset();  // flush and close
  std::string bytes;
  for (const char* suffix : {"", "-wal"}) {
    std::ifstream in(dir_ / (std::string("t.db") + suffix), std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    bytes += ss.str();
  }
  EXPECT_EQ(bytes.find("a-long-password-1"), std::string::npos);
}

TEST_F(AccountsTest, OnlyTheOfficeManagesAccountsAndUnitsNeedAUnit) {
  Account liaison = Add("liaison1", Role::kLiaison, "区发改局");
  Context as_liaison{*store_, clock_, ActorOf(liaison)};
  auto r = AddAccount(as_liaison, catalog_, NewAccount{"x-user", "x", Role::kAdmin, "", "a-long-password-1"});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kForbidden);
  auto no_unit = AddAccount(Console(), catalog_, NewAccount{"y-user", "y", Role::kLiaison, "", "a-long-password-1"});
  ASSERT_FALSE(no_unit.has_value());
  EXPECT_EQ(no_unit.error().field, "unit");
  auto weak = AddAccount(Console(), catalog_, NewAccount{"z-user", "z", Role::kAdmin, "", "12345678901"});
  ASSERT_FALSE(weak.has_value());
  EXPECT_EQ(weak.error().field, "password");
}

TEST_F(AccountsTest, EveryChangeIsAudited) {
  Add("admin", Role::kAdmin);
  auto acc = store_->FindAccount(site_.id, "admin");
  auto pw = ResetPassword(Console(), acc->id);
  ASSERT_TRUE(pw.has_value());
  auto audit = store_->ListAudit(site_.id, 10, 0);
  ASSERT_TRUE(audit.has_value());
  ASSERT_GE(audit->size(), 2u);
  EXPECT_EQ((*audit)[0].action, "重置密码");
  EXPECT_EQ((*audit)[1].action, "创建账号");
  for (const auto& e : *audit) {
    EXPECT_EQ(e.before_json.find("argon2"), std::string::npos);
    EXPECT_EQ(e.after_json.find("argon2"), std::string::npos);
    EXPECT_EQ(e.after_json.find(*pw), std::string::npos);
  }
}

TEST_F(AccountsTest, UnitEditsAndItemAssignmentsKeepHistory) {
  Context ctx = Console();
  UnitInfo u = *catalog_.FindUnit("区发改局");
  u.org_code = "11150100MB1234567X";
  u.name = "区发展和改革局";
  ASSERT_TRUE(EditUnit(ctx, catalog_, "区发改局", u).has_value());
  Catalog after = *store_->LoadCatalog(site_.id);
  const UnitInfo* renamed = after.FindUnit("区发展和改革局");
  ASSERT_NE(renamed, nullptr);
  EXPECT_EQ(renamed->org_code, "11150100MB1234567X");
  EXPECT_EQ(renamed->aliases, std::vector<std::string>{"区发改局"});
  EXPECT_EQ(after.FindItem(1)->units, std::vector<std::string>{"区发展和改革局"});

  // Item 2 is open-ended: a unit may be added; item 1 is not.
  ASSERT_TRUE(ChangeItemUnit(ctx, after, 2, "区教育局", true, "负责学校建设项目审批").has_value());
  auto closed = ChangeItemUnit(ctx, after, 1, "区教育局", true, "理由");
  ASSERT_FALSE(closed.has_value());
  EXPECT_EQ(closed.error().code, ErrorCode::kConflict);
  Catalog again = *store_->LoadCatalog(site_.id);
  auto no_reason = ChangeItemUnit(ctx, again, 2, "区教育局", false, "");
  ASSERT_FALSE(no_reason.has_value());
  EXPECT_EQ(no_reason.error().field, "reason");
  ASSERT_TRUE(ChangeItemUnit(ctx, again, 2, "区教育局", false, "职责调整").has_value());
  auto history = store_->UnitItemHistory(site_.id, "区教育局");
  ASSERT_TRUE(history.has_value());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].change, "add");
  EXPECT_EQ((*history)[1].reason, "职责调整");
}

TEST_F(AccountsTest, RegistrationOnTimeLateAndAccounts) {
  Context ctx = Console();
  RegistrationRound round = SeedRound();  // due 2018-07-13 17:30 Beijing time
  auto r = OpenRound(ctx, round);
  ASSERT_TRUE(r.has_value()) << r.error().Describe();
  RegistrationForm form{{"张三", "副局长", "13812345678"}, {"李四", "科员", "2836212"}, "区发改局"};
  clock_.now = *ParseTimestamp("2018-07-13T17:30:00+08:00", "t");
  ASSERT_TRUE(SubmitRegistration(ctx, catalog_, r->id, "区发改局", form).has_value());
  clock_.now += std::chrono::seconds(1);
  ASSERT_TRUE(SubmitRegistration(ctx, catalog_, r->id, "区财政局", form).has_value() == false);  // phones taken
  RegistrationForm other{{"王五", "局长", "13900000001"}, {"赵六", "科员", "13900000002"}, "区财政局"};
  ASSERT_TRUE(SubmitRegistration(ctx, catalog_, r->id, "区财政局", other).has_value());
  auto roll = LoadRoll(ctx, catalog_, r->id);
  ASSERT_TRUE(roll.has_value());
  EXPECT_EQ(roll->on_time, 1);
  EXPECT_EQ(roll->late, 1);
  EXPECT_EQ(roll->missing, 24);
  auto liaison = store_->FindAccount(site_.id, "2836212");
  ASSERT_TRUE(liaison.has_value());
  EXPECT_EQ(liaison->role, Role::kLiaison);
  EXPECT_EQ(liaison->unit, "区发改局");
  EXPECT_TRUE(liaison->password_hash.empty());
  // A resubmission keeps the first submission time (still on time).
  clock_.now += std::chrono::hours(24);
  ASSERT_TRUE(SubmitRegistration(ctx, catalog_, r->id, "区发改局", form).has_value());
  EXPECT_EQ(LoadRoll(ctx, catalog_, r->id)->on_time, 1);
}

TEST_F(AccountsTest, PaperFormScanIsCheckedByContent) {
  Context ctx = Console();
  auto r = OpenRound(ctx, SeedRound());
  ASSERT_TRUE(r.has_value());
  RegistrationForm form{{"张三", "副局长", "13812345678"}, {"李四", "科员", "2836212"}, "区发改局"};
  ASSERT_TRUE(SubmitRegistration(ctx, catalog_, r->id, "区发改局", form).has_value());
  auto html = ReviewPaperForm(ctx, r->id, "区发改局", PaperStatus::kReceived, "", "<html><script>x</script>");
  ASSERT_FALSE(html.has_value());
  EXPECT_EQ(html.error().field, "scan");
  std::string big = "%PDF-1.4\n" + std::string(kMaxScanBytes, 'x');
  auto too_big = ReviewPaperForm(ctx, r->id, "区发改局", PaperStatus::kReceived, "", big);
  ASSERT_FALSE(too_big.has_value());
  EXPECT_EQ(too_big.error().field, "scan");
  std::string pdf = "%PDF-1.4\n%%EOF\n";
  auto ok = ReviewPaperForm(ctx, r->id, "区发改局", PaperStatus::kReceived, "已签字盖章", pdf);
  ASSERT_TRUE(ok.has_value()) << ok.error().Describe();
  auto file = store_->GetFile(ok->scan_sha256);
  ASSERT_TRUE(file.has_value());
  EXPECT_EQ(file->content, pdf);
  EXPECT_EQ(file->mime, "application/pdf");
  auto no_reason = ReviewPaperForm(ctx, r->id, "区发改局", PaperStatus::kReturned, "", "");
  ASSERT_FALSE(no_reason.has_value());
  EXPECT_EQ(no_reason.error().field, "note");
}

}  // namespace
}  // namespace gongkai
