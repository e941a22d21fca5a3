#include "app/reminder_actions.h"

#include <gtest/gtest.h>

#include "app/account_actions.h"
#include "app/record_actions.h"
#include "app/test_site.h"
#include "codec/rules_codec.h"
#include "core/contact.h"

namespace gongkai {
namespace {

using testing_support::TempSiteTest;

class FakeMailer : public Mailer {
 public:
  Status Send(const MailMessage& m) override {
    if (fail) return Unexpected(Error::Internal("邮件服务器拒绝：550 mailbox unavailable"));
    sent.push_back(m);
    return Ok();
  }
  bool fail = false;
  std::vector<MailMessage> sent;
};

class ReminderActionsTest : public TempSiteTest {
 protected:
  void SetUp() override {
    TempSiteTest::SetUp();
    rules_ = *LoadDeadlineRules();
    liaison_ = AddAccountRow("cz_lly", Role::kLiaison, "区财政局", "Liaison@Example.gov.cn", true);
    leader_ = AddAccountRow("cz_ld", Role::kLeader, "区财政局", "", true);
    AddAccountRow("cz_old", Role::kLiaison, "区财政局", "old@example.gov.cn", false);  // disabled
    AddAccountRow("fg_lly", Role::kLiaison, "区发改局", "fg@example.gov.cn", true);    // nothing due
    settings_.mailer = &mailer_;
    settings_.from = "gkb@example.gov.cn";
    settings_.from_name = "示例区政务公开办";
    settings_.site_name = site_.name;
    // Formed on 25 September 2026: 采购结果 is due 2 working days later (29 Sep);
    // the default 20 working days run to 29 October.
    auto a = RegisterObligation(As(Role::kLiaison, "区财政局"), catalog_, rules_,
                                {"区财政局", 12, "采购结果", "学校设备采购结果", "2026-09-25"});
    ASSERT_TRUE(a.has_value()) << a.error().Describe();
    auto b = RegisterObligation(As(Role::kLiaison, "区财政局"), catalog_, rules_,
                                {"区财政局", 12, "", "采购文件", "2026-09-25"});
    ASSERT_TRUE(b.has_value());
    clock_.SetBeijing("2026-09-28T08:30:00+08:00");  // Monday, a working day (25-27 September: 中秋节)
  }
  std::int64_t AddAccountRow(const char* username, Role role, const char* unit, const char* email, bool active) {
    Account a;
    a.site_id = site_.id;
    a.username = username;
    a.display_name = username;
    a.role = role;
    a.unit = unit;
    a.active = active;
    a.created_at = "2026-01-01T00:00:00Z";
    a.email = email[0] ? *NormalizeEmail(email, "email") : "";
    auto stored = store_->CreateAccount(a, As(Role::kAdmin).Audit("创建账号", username));
    EXPECT_TRUE(stored.has_value());
    return stored ? stored->id : 0;
  }
  Result<ReminderRun> Run(bool force = false) {
    return RunReminders(As(Role::kAdmin), catalog_, settings_, force);
  }

  std::vector<DeadlineRule> rules_;
  std::int64_t liaison_ = 0, leader_ = 0;
  FakeMailer mailer_;
  ReminderSettings settings_;
};

TEST_F(ReminderActionsTest, DueSoonGoesToTheLiaisonOnceInAppAndByMail) {
  auto run = Run();
  ASSERT_TRUE(run.has_value()) << run.error().Describe();
  EXPECT_TRUE(run->working_day);
  EXPECT_EQ(run->notices, 1);
  EXPECT_EQ(run->lines, 1);
  EXPECT_EQ(run->emails_sent, 1);
  ASSERT_EQ(mailer_.sent.size(), 1u);
  EXPECT_EQ(mailer_.sent[0].to, std::vector<std::string>{"Liaison@example.gov.cn"});
  EXPECT_EQ(mailer_.sent[0].subject, "【政务公开提醒】区财政局：1项即将到期");
  EXPECT_NE(mailer_.sent[0].body.find("还有1个工作日到期（2026-09-29）"), std::string::npos) << mailer_.sent[0].body;
  EXPECT_EQ(mailer_.sent[0].body.find("采购文件"), std::string::npos);

  auto mine = MyNotices(As(Role::kLiaison, "区财政局", liaison_), 50);
  ASSERT_TRUE(mine.has_value());
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_EQ((*mine)[0].email_status, EmailStatus::kSent);
  EXPECT_EQ((*mine)[0].on_day, *Date::Parse("2026-09-28"));
  EXPECT_TRUE(MyNotices(As(Role::kLeader, "区财政局", leader_), 50)->empty());

  // Again the same day, and again with force: nothing new.
  auto again = Run(true);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->notices, 0);
  EXPECT_EQ(mailer_.sent.size(), 1u);
}

TEST_F(ReminderActionsTest, OverdueReachesLiaisonAndLeaderAndDaysOffAreSkipped) {
  ASSERT_TRUE(Run().has_value());
  clock_.SetBeijing("2026-10-03T09:00:00+08:00");  // 国庆: a day off
  auto off = Run();
  ASSERT_TRUE(off.has_value());
  EXPECT_FALSE(off->working_day);
  EXPECT_EQ(off->notices, 0);
  clock_.SetBeijing("2026-09-30T09:00:00+08:00");  // one working day after the due date
  auto run = Run();
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->notices, 2);
  EXPECT_EQ(run->emails_sent, 1);  // the leader has no address: in-app only
  auto leader = MyNotices(As(Role::kLeader, "区财政局", leader_), 50);
  ASSERT_EQ(leader->size(), 1u);
  EXPECT_EQ((*leader)[0].subject, "【政务公开提醒】区财政局：1项已逾期");
  EXPECT_NE((*leader)[0].body.find("已逾期1个工作日（应于2026-09-29前公开）"), std::string::npos);
  EXPECT_EQ((*leader)[0].email_status, EmailStatus::kNone);
  auto all = SiteNotices(As(Role::kAuditor), 50);
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(all->size(), 3u);
}

TEST_F(ReminderActionsTest, AFailedMailIsKeptAndRetriedLater) {
  mailer_.fail = true;
  auto run = Run();
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->notices, 1);
  EXPECT_EQ(run->emails_failed, 1);
  ASSERT_EQ(run->email_errors.size(), 1u);
  EXPECT_NE(run->email_errors[0].find("550"), std::string::npos);
  auto mine = MyNotices(As(Role::kLiaison, "区财政局", liaison_), 50);
  EXPECT_EQ((*mine)[0].email_status, EmailStatus::kFailed);
  mailer_.fail = false;
  auto retry = Run();
  ASSERT_TRUE(retry.has_value());
  EXPECT_EQ(retry->notices, 0);
  EXPECT_EQ(retry->emails_sent, 1);
  mine = MyNotices(As(Role::kLiaison, "区财政局", liaison_), 50);
  EXPECT_EQ((*mine)[0].email_status, EmailStatus::kSent);
  EXPECT_EQ((*mine)[0].email_attempts, 2);
  // Given up after the limit: a permanently failing address is not retried forever.
  settings_.max_email_attempts = 1;
  mailer_.fail = true;
  clock_.SetBeijing("2026-09-30T09:00:00+08:00");
  ASSERT_TRUE(Run().has_value());
  auto last = Run();
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->emails_failed, 0);
}

TEST_F(ReminderActionsTest, AnE_mailClaimedByAnotherRunIsNotSentAgain) {
  mailer_.fail = true;
  ASSERT_TRUE(Run().has_value());  // stored, e-mail failed: due for a retry
  auto mine = MyNotices(As(Role::kLiaison, "区财政局", liaison_), 5);
  ASSERT_EQ(mine->size(), 1u);
  ASSERT_TRUE(*store_->ClaimEmail((*mine)[0].id));    // another process takes it first
  EXPECT_FALSE(*store_->ClaimEmail((*mine)[0].id));   // nobody else can
  mailer_.fail = false;
  auto run = Run();
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->emails_sent, 0);
  EXPECT_TRUE(mailer_.sent.empty());
}

TEST_F(ReminderActionsTest, WithoutAMailerNoticesAreInAppOnly) {
  settings_.mailer = nullptr;
  auto run = Run();
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->notices, 1);
  EXPECT_EQ(run->emails_sent, 0);
  auto mine = MyNotices(As(Role::kLiaison, "区财政局", liaison_), 50);
  EXPECT_EQ((*mine)[0].email_status, EmailStatus::kNone);
}

TEST_F(ReminderActionsTest, ReadStateAndPermissions) {
  ASSERT_TRUE(Run().has_value());
  auto liaison = As(Role::kLiaison, "区财政局", liaison_);
  EXPECT_EQ(*UnreadNoticeCount(liaison), 1);
  ASSERT_TRUE(MarkNoticesRead(liaison, 0).has_value());
  EXPECT_EQ(*UnreadNoticeCount(liaison), 0);
  EXPECT_FALSE(MyNotices(liaison, 5)->front().read_at.empty());
  auto denied = RunReminders(liaison, catalog_, settings_, false);
  ASSERT_FALSE(denied.has_value());
  EXPECT_EQ(denied.error().code, ErrorCode::kForbidden);
  EXPECT_EQ(SiteNotices(liaison, 5).error().code, ErrorCode::kForbidden);
  settings_.from.clear();
  auto no_from = Run();
  ASSERT_FALSE(no_from.has_value());
  EXPECT_EQ(no_from.error().field, "smtp-from");
}

TEST_F(ReminderActionsTest, EventDrivenItemsAreStoredAndChecked) {
  EXPECT_TRUE(EventDrivenItems(*store_, site_.id)->empty());
  ASSERT_TRUE(SetEventDrivenItems(As(Role::kAdmin), catalog_, {20, 18}).has_value());
  EXPECT_EQ(*EventDrivenItems(*store_, site_.id), (std::set<int>{18, 20}));
  auto bad = SetEventDrivenItems(As(Role::kAdmin), catalog_, {21});
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().field, "items");
  EXPECT_EQ(*EventDrivenItems(*store_, site_.id), (std::set<int>{18, 20}));
  EXPECT_EQ(SetEventDrivenItems(As(Role::kAuditor), catalog_, {}).error().code, ErrorCode::kForbidden);
  ASSERT_TRUE(SetEventDrivenItems(As(Role::kAdmin), catalog_, {}).has_value());
  EXPECT_TRUE(EventDrivenItems(*store_, site_.id)->empty());
}

TEST_F(ReminderActionsTest, AccountEmailIsSetByItsOwnerOrTheOffice) {
  auto self = As(Role::kLeader, "区财政局", leader_);
  ASSERT_TRUE(SetAccountEmail(self, leader_, " Leader@Example.GOV.cn ").has_value());
  EXPECT_EQ(store_->GetAccount(leader_)->email, "Leader@example.gov.cn");
  EXPECT_EQ(SetAccountEmail(self, liaison_, "x@example.cn").error().code, ErrorCode::kForbidden);
  auto bad = SetAccountEmail(As(Role::kAdmin), liaison_, "not-an-address");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().field, "email");
  ASSERT_TRUE(SetAccountEmail(As(Role::kAdmin), liaison_, "").has_value());
  EXPECT_EQ(store_->GetAccount(liaison_)->email, "");
}

}  // namespace
}  // namespace gongkai
