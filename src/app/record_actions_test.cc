#include "app/record_actions.h"

#include <fmt/core.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <thread>

#include "app/account_actions.h"
#include "codec/catalog_json.h"
#include "codec/rules_codec.h"
#include "core/timestamp.h"
#include "storage/sqlite/sqlite_store.h"
#include "app/test_site.h"

namespace gongkai {
namespace {

Date D(const char* s) { return *Date::Parse(s); }

class RecordsTest : public testing_support::TempSiteTest {
 protected:
  void SetUp() override {
    TempSiteTest::SetUp();
    rules_ = *LoadDeadlineRules();
  }
  std::vector<DeadlineRule> rules_;
};

TEST_F(RecordsTest, ObligationGetsItsDueDateAtOnce) {
  auto o = RegisterObligation(As(Role::kLiaison, "区财政局"), catalog_, rules_,
                              {"区财政局", 12, "采购结果", "某项目采购结果", "2026-09-25"});
  ASSERT_TRUE(o.has_value()) << o.error().Describe();
  EXPECT_EQ(o->due_on, D("2026-09-29"));
  EXPECT_EQ(store_->GetObligation(o->id)->due_on, D("2026-09-29"));
  auto wrong_unit = RegisterObligation(As(Role::kLiaison, "区发改局"), catalog_, rules_,
                                       {"区发改局", 12, "采购结果", "x", "2026-09-25"});
  ASSERT_FALSE(wrong_unit.has_value());
  EXPECT_EQ(wrong_unit.error().field, "unit");  // 区发改局 does not answer for item 12
  auto other = RegisterObligation(As(Role::kLiaison, "区发改局"), catalog_, rules_,
                                  {"区财政局", 12, "采购结果", "x", "2026-09-25"});
  ASSERT_FALSE(other.has_value());
  EXPECT_EQ(other.error().code, ErrorCode::kForbidden);
}

TEST_F(RecordsTest, FullWorkflowAssignsIndexNumberAndKeepsVersions) {
  auto o = RegisterObligation(As(Role::kLiaison, "区财政局"), catalog_, rules_,
                              {"区财政局", 12, "", "采购文件", "2026-09-25"});
  ASSERT_TRUE(o.has_value());
  NewDraft nd;
  nd.obligation_id = o->id;
  nd.content = Content("某学校设备采购公告");
  auto r = CreateDraft(As(Role::kLiaison, "区财政局"), catalog_, rules_, nd);
  ASSERT_TRUE(r.has_value()) << r.error().Describe();
  clock_.SetBeijing("2026-10-29T16:00:00+08:00");  // the due date: on time
  auto p = Publish(r->id, "区财政局");
  ASSERT_TRUE(p.has_value()) << p.error().Describe();
  EXPECT_EQ(p->status, RecordStatus::kPublished);
  EXPECT_EQ(p->published_version, 1);
  EXPECT_EQ(p->late_days, 0);
  // The seed has no organisation codes: a placeholder U + unit id.
  EXPECT_TRUE(p->index_number.ends_with("/2026-00001")) << p->index_number;
  EXPECT_EQ(store_->GetObligation(o->id)->state, ObligationState::kPublished);

  // Revise: the 索引号 stays, a second version appears with its change note.
  ASSERT_TRUE(StartRevision(As(Role::kLiaison, "区财政局"), r->id).has_value());
  RecordContent changed = Content("某学校设备采购公告（更正）", "更正后的正文。");
  ASSERT_TRUE(UpdateDraft(As(Role::kLiaison, "区财政局"), r->id, changed, "").has_value());
  auto no_note = SubmitRecord(As(Role::kLiaison, "区财政局"), r->id);
  ASSERT_FALSE(no_note.has_value());
  EXPECT_EQ(no_note.error().field, "change_note");
  ASSERT_TRUE(UpdateDraft(As(Role::kLiaison, "区财政局"), r->id, changed, "更正预算金额").has_value());
  auto p2 = Publish(r->id, "区财政局");
  ASSERT_TRUE(p2.has_value()) << p2.error().Describe();
  EXPECT_EQ(p2->index_number, p->index_number);
  EXPECT_EQ(p2->published_version, 2);
  auto versions = store_->ListVersions(r->id);
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[0].content.title, "某学校设备采购公告");
  EXPECT_EQ((*versions)[1].change_note, "更正预算金额");

  // Withdraw with a reason.
  auto w = WithdrawRecord(As(Role::kLeader, "区财政局"), r->id, "项目取消");
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(w->status, RecordStatus::kWithdrawn);
  EXPECT_EQ(store_->GetRecord(r->id)->withdrawn_reason, "项目取消");
}

TEST_F(RecordsTest, LateByWorkingDaysAcrossAHoliday) {
  NewDraft nd;
  nd.unit = "区财政局";
  nd.item = 12;
  nd.element = "采购结果";
  nd.formed_on = "2026-09-25";  // due 2026-09-29
  nd.content = Content("采购结果公告");
  auto r = CreateDraft(As(Role::kLiaison, "区财政局"), catalog_, rules_, nd);
  ASSERT_TRUE(r.has_value()) << r.error().Describe();
  EXPECT_EQ(r->due_on, D("2026-09-29"));
  clock_.SetBeijing("2026-10-09T09:00:00+08:00");  // 09-30 (1), 10-01..07 off, 10-08 (2), 10-09 (3)
  auto p = Publish(r->id, "区财政局");
  ASSERT_TRUE(p.has_value()) << p.error().Describe();
  EXPECT_EQ(p->late_days, 3);
}

TEST_F(RecordsTest, ForbiddenTransitionsAndRoles) {
  NewDraft nd;
  nd.unit = "区发改局";
  nd.item = 1;
  nd.formed_on = "2026-09-25";
  nd.content = Content("办事指南");
  auto r = CreateDraft(As(Role::kLiaison, "区发改局"), catalog_, rules_, nd);
  ASSERT_TRUE(r.has_value());
  // Publishing a draft directly.
  auto direct = PublishRecord(As(Role::kLiaison, "区发改局"), r->id);
  ASSERT_FALSE(direct.has_value());
  EXPECT_EQ(direct.error().code, ErrorCode::kConflict);
  ASSERT_TRUE(SubmitRecord(As(Role::kLiaison, "区发改局"), r->id).has_value());
  // A liaison approving; a leader of another unit approving; the office approving.
  for (Context ctx : {As(Role::kLiaison, "区发改局"), As(Role::kLeader, "区财政局"), As(Role::kAdmin)}) {
    auto a = ApproveRecord(ctx, catalog_, r->id, ReviewChecklist{true, true, true});
    ASSERT_FALSE(a.has_value());
    EXPECT_EQ(a.error().code, ErrorCode::kForbidden);
  }
  // An incomplete checklist.
  auto partial = ApproveRecord(As(Role::kLeader, "区发改局"), catalog_, r->id, ReviewChecklist{true, false, true});
  ASSERT_FALSE(partial.has_value());
  EXPECT_EQ(partial.error().field, "checklist");
  // Return with a comment, then it is a draft again.
  auto back = ReturnRecord(As(Role::kLeader, "区发改局"), r->id, "请补充受理机构电话");
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->status, RecordStatus::kDraft);
  EXPECT_EQ(back->review_comment, "请补充受理机构电话");
  // Editing a submitted record is refused.
  ASSERT_TRUE(SubmitRecord(As(Role::kLiaison, "区发改局"), r->id).has_value());
  auto edit = UpdateDraft(As(Role::kLiaison, "区发改局"), r->id, Content("x"), "");
  ASSERT_FALSE(edit.has_value());
  EXPECT_EQ(edit.error().code, ErrorCode::kConflict);
  // Withdrawing something never published.
  auto withdraw = WithdrawRecord(As(Role::kLeader, "区发改局"), r->id, "理由");
  ASSERT_FALSE(withdraw.has_value());
}

TEST_F(RecordsTest, PersonalInformationBlocksApprovalOnPrivacyItems) {
  const std::string body = "低保对象：张三，身份证号11010519491231002X，电话13812345678。";
  NewDraft nd;
  nd.unit = "区民政局";
  nd.item = 16;  // privacy-protecting
  nd.formed_on = "2026-09-25";
  nd.content = Content("城乡低保名单公示", body);
  auto r = CreateDraft(As(Role::kLiaison, "区民政局"), catalog_, rules_, nd);
  ASSERT_TRUE(r.has_value()) << r.error().Describe();
  auto findings = FindingsOf(As(Role::kLiaison, "区民政局"), *r);
  ASSERT_TRUE(findings.has_value());
  EXPECT_EQ(findings->size(), 2u);
  ASSERT_TRUE(SubmitRecord(As(Role::kLiaison, "区民政局"), r->id).has_value());
  auto blocked = ApproveRecord(As(Role::kLeader, "区民政局"), catalog_, r->id, ReviewChecklist{true, true, true});
  ASSERT_FALSE(blocked.has_value());
  EXPECT_EQ(blocked.error().code, ErrorCode::kConflict);
  ASSERT_TRUE(ReturnRecord(As(Role::kLeader, "区民政局"), r->id, "请去标识化").has_value());
  auto masked = MaskDraft(As(Role::kLiaison, "区民政局"), r->id);
  ASSERT_TRUE(masked.has_value());
  EXPECT_NE(masked->draft.body.find("11*************02X"), std::string::npos) << masked->draft.body;
  EXPECT_NE(masked->draft.body.find("138****5678"), std::string::npos);
  EXPECT_TRUE(FindingsOf(As(Role::kLiaison, "区民政局"), *masked)->empty());
  ASSERT_TRUE(SubmitRecord(As(Role::kLiaison, "区民政局"), r->id).has_value());
  EXPECT_TRUE(ApproveRecord(As(Role::kLeader, "区民政局"), catalog_, r->id, ReviewChecklist{true, true, true})
                  .has_value());
  // The audit log never holds the body.
  auto audit = store_->ListAudit(site_.id, 100, 0);
  for (const auto& e : *audit) {
    EXPECT_EQ(e.before_json.find("11010519491231002X"), std::string::npos);
    EXPECT_EQ(e.after_json.find("11010519491231002X"), std::string::npos);
  }
}

TEST_F(RecordsTest, WithheldAndCancelledObligationsKeepTheirReasons) {
  auto a = RegisterObligation(As(Role::kLiaison, "区财政局"), catalog_, rules_,
                              {"区财政局", 13, "", "产权交易", "2026-09-25"});
  auto b = RegisterObligation(As(Role::kLiaison, "区财政局"), catalog_, rules_,
                              {"区财政局", 13, "", "重复登记", "2026-09-25"});
  ASSERT_TRUE(a.has_value() && b.has_value());
  auto no_ground = WithholdObligation(As(Role::kLeader, "区财政局"), a->id, "", "x");
  ASSERT_FALSE(no_ground.has_value());
  EXPECT_EQ(no_ground.error().field, "ground");
  auto liaison = WithholdObligation(As(Role::kLiaison, "区财政局"), a->id, "art15-commercial-secret", "商业秘密");
  ASSERT_FALSE(liaison.has_value());
  EXPECT_EQ(liaison.error().code, ErrorCode::kForbidden);
  auto w = WithholdObligation(As(Role::kLeader, "区财政局"), a->id, "art15-commercial-secret", "涉及企业报价");
  ASSERT_TRUE(w.has_value());
  auto c = CancelObligation(As(Role::kLiaison, "区财政局"), b->id, "重复登记");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(store_->GetObligation(a->id)->state, ObligationState::kWithheld);
  EXPECT_EQ(store_->GetObligation(a->id)->ground, "art15-commercial-secret");
  EXPECT_EQ(store_->GetObligation(b->id)->reason, "重复登记");
  // Closed obligations no longer follow calendar changes.
  auto stale = store_->OpenDeadlinesBefore(1000);
  for (const auto& d : *stale) EXPECT_NE(d.id, store_->GetObligation(a->id)->deadline_id);
}

TEST_F(RecordsTest, IndexNumbersAreUniqueUnderConcurrentPublishers) {
  constexpr int kThreads = 8, kEach = 6;
  std::vector<std::int64_t> ids;
  for (int i = 0; i < kThreads * kEach; ++i) {
    NewDraft nd;
    nd.unit = "区财政局";
    nd.item = 12;
    nd.formed_on = "2026-09-25";
    nd.content = Content(fmt::format("采购公告{}", i));
    auto r = CreateDraft(As(Role::kLiaison, "区财政局"), catalog_, rules_, nd);
    ASSERT_TRUE(r.has_value());
    ASSERT_TRUE(SubmitRecord(As(Role::kLiaison, "区财政局"), r->id).has_value());
    ASSERT_TRUE(ApproveRecord(As(Role::kLeader, "区财政局"), catalog_, r->id, ReviewChecklist{true, true, true})
                    .has_value());
    ids.push_back(r->id);
  }
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int k = 0; k < kEach; ++k) {
        auto p = PublishRecord(As(Role::kLiaison, "区财政局"), ids[static_cast<std::size_t>(t * kEach + k)]);
        if (!p) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  std::set<std::string> seen;
  for (auto id : ids) seen.insert(store_->GetRecord(id)->index_number);
  EXPECT_EQ(seen.size(), ids.size());
  EXPECT_TRUE(seen.contains(*seen.begin()));
  for (const auto& s : seen) EXPECT_FALSE(s.empty());
}

TEST_F(RecordsTest, ObligationDueDatesFollowACalendarImport) {
  auto o = RegisterObligation(As(Role::kLiaison, "区发改局"), catalog_, rules_,
                              {"区发改局", 1, "", "年底形成的信息", "2026-12-15"});
  ASSERT_TRUE(o.has_value()) << o.error().Describe();
  EXPECT_EQ(o->due_on, D("2027-01-12"));  // 2027 computed with weekends only
  EXPECT_TRUE(o->provisional);
  const char* notice = R"({"year": 2027, "papers": [], "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}]})";
  auto imp = ImportCalendarNotice(*store_, notice, NoticeFormat::kJson, 2027, "test");
  ASSERT_TRUE(imp.has_value()) << imp.error().Describe();
  auto after = store_->GetObligation(o->id);
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->due_on, D("2027-01-13"));
  EXPECT_FALSE(after->provisional);
  ASSERT_EQ(imp->changes.size(), 1u);
  EXPECT_EQ(imp->changes[0].deadline_id, after->deadline_id);
}

TEST_F(RecordsTest, AttachmentLimitIsTheConfiguredOne) {
  NewDraft nd;
  nd.unit = "区财政局";
  nd.item = 12;
  nd.formed_on = "2026-09-25";
  nd.content = Content("附件测试");
  auto r = CreateDraft(As(Role::kLiaison, "区财政局"), catalog_, rules_, nd);
  ASSERT_TRUE(r.has_value());
  std::string pdf = "%PDF-1.4\n" + std::string(1536 * 1024, ' ') + "\n%%EOF\n";
  auto big = AddAttachment(As(Role::kLiaison, "区财政局"), r->id, "a.pdf", pdf, 1024 * 1024);
  ASSERT_FALSE(big.has_value());
  EXPECT_EQ(big.error().field, "attachment");
  EXPECT_NE(big.error().message.find("1MB"), std::string::npos) << big.error().message;
  auto ok = AddAttachment(As(Role::kLiaison, "区财政局"), r->id, "a.pdf", pdf, 2 * 1024 * 1024);
  ASSERT_TRUE(ok.has_value()) << ok.error().Describe();
  ASSERT_EQ(ok->draft.attachments.size(), 1u);
  EXPECT_EQ(ok->draft.attachments[0].mime, "application/pdf");
  // Same bytes twice are stored once (content-addressed) and listed twice.
  auto again = AddAttachment(As(Role::kLiaison, "区财政局"), r->id, "b.pdf", pdf, 2 * 1024 * 1024);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->draft.attachments[0].sha256, again->draft.attachments[1].sha256);
}

TEST_F(RecordsTest, NoticeBoardEvidenceIsAnImageAndCanBeRemoved) {
  NewDraft nd;
  nd.unit = "区财政局";
  nd.item = 12;
  nd.formed_on = "2026-09-25";
  nd.content = Content("公示栏测试");
  nd.content.channels.push_back("公示栏");
  auto liaison = As(Role::kLiaison, "区财政局");
  auto r = CreateDraft(liaison, catalog_, rules_, nd);
  ASSERT_TRUE(r.has_value()) << r.error().Describe();
  auto refused = SubmitRecord(liaison, r->id);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().field, "channels");
  const std::string pdf = "%PDF-1.4\n%%EOF\n";
  auto not_image = AddAttachment(liaison, r->id, "photo.pdf", pdf, 1 << 20, true);
  ASSERT_FALSE(not_image.has_value());
  EXPECT_NE(not_image.error().message.find("必须是图片"), std::string::npos) << not_image.error().message;
  const std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0", 26);
  auto photo = AddAttachment(liaison, r->id, "board.png", png, 1 << 20, true);
  ASSERT_TRUE(photo.has_value()) << photo.error().Describe();
  ASSERT_EQ(photo->draft.attachments.size(), 1u);
  EXPECT_TRUE(photo->draft.attachments[0].evidence);
  // Stored and read back with the flag.
  auto loaded = store_->GetRecord(r->id);
  ASSERT_TRUE(loaded.has_value());
  ASSERT_EQ(loaded->draft.attachments.size(), 1u);
  EXPECT_TRUE(loaded->draft.attachments[0].evidence);
  auto submitted = SubmitRecord(liaison, r->id);
  ASSERT_TRUE(submitted.has_value()) << submitted.error().Describe();
  // Removing needs a draft, and a known file.
  auto returned = ReturnRecord(As(Role::kLeader, "区财政局"), r->id, "照片不清晰");
  ASSERT_TRUE(returned.has_value()) << returned.error().Describe();
  auto unknown = RemoveAttachment(liaison, r->id, std::string(64, 'a'));
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  auto removed = RemoveAttachment(liaison, r->id, photo->draft.attachments[0].sha256);
  ASSERT_TRUE(removed.has_value()) << removed.error().Describe();
  EXPECT_TRUE(removed->draft.attachments.empty());
  EXPECT_FALSE(RemoveAttachment(As(Role::kLiaison, "区民政局"), r->id, photo->draft.attachments[0].sha256).has_value());
}

TEST_F(RecordsTest, BatchPublicationIsAllOrNothing) {
  auto liaison = As(Role::kLiaison, "区财政局");
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 3; ++i) {
    NewDraft nd;
    nd.unit = "区财政局";
    nd.item = 12;
    nd.formed_on = "2026-09-25";
    nd.content = Content(fmt::format("批量发布{}", i));
    auto r = CreateDraft(liaison, catalog_, rules_, nd);
    ASSERT_TRUE(r.has_value()) << r.error().Describe();
    ids.push_back(r->id);
  }
  for (std::size_t i = 0; i < 2; ++i) {
    ASSERT_TRUE(SubmitRecord(liaison, ids[i]).has_value());
    ASSERT_TRUE(ApproveRecord(As(Role::kLeader, "区财政局"), catalog_, ids[i], ReviewChecklist{true, true, true}));
  }
  // The third is still a draft: nothing is published, and the error names it.
  auto refused = PublishRecords(liaison, ids);
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error().message.find(fmt::format("公开信息{}", ids[2])), std::string::npos)
      << refused.error().message;
  for (auto id : ids) EXPECT_EQ(store_->GetRecord(id)->published_version, 0);
  EXPECT_FALSE(PublishRecords(liaison, std::vector<std::int64_t>{ids[0], ids[0]}).has_value());
  EXPECT_FALSE(PublishRecords(As(Role::kLiaison, "区民政局"), std::vector<std::int64_t>{ids[0]}).has_value());
  // The two approved ones together: consecutive 索引号, one audit entry each.
  auto audit_before = store_->ListAudit(site_.id, 1000, 0);
  ASSERT_TRUE(audit_before.has_value());
  auto done = PublishRecords(liaison, std::vector<std::int64_t>{ids[0], ids[1]});
  ASSERT_TRUE(done.has_value()) << done.error().Describe();
  ASSERT_EQ(done->size(), 2u);
  const std::string a = (*done)[0].index_number, b = (*done)[1].index_number;
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(std::stoi(b.substr(b.size() - 5)), std::stoi(a.substr(a.size() - 5)) + 1) << a << " " << b;
  for (auto id : {ids[0], ids[1]}) EXPECT_EQ(store_->GetRecord(id)->status, RecordStatus::kPublished);
  auto audit_after = store_->ListAudit(site_.id, 1000, 0);
  ASSERT_TRUE(audit_after.has_value());
  EXPECT_EQ(audit_after->size(), audit_before->size() + 2);
}

TEST_F(RecordsTest, GbkTextAttachmentsAreAcceptedAndScanned) {
  NewDraft nd;
  nd.unit = "区财政局";
  nd.item = 12;
  nd.formed_on = "2026-09-25";
  nd.content = Content("GBK附件测试");
  auto liaison = As(Role::kLiaison, "区财政局");
  auto r = CreateDraft(liaison, catalog_, rules_, nd);
  ASSERT_TRUE(r.has_value()) << r.error().Describe();
  // "扶贫名单：身份证号11010119900307803X\n" in GB18030.
  const std::string gbk = "\xB7\xF6\xC6\xB6\xC3\xFB\xB5\xA5\xA3\xBA\xC9\xED\xB7\xDD\xD6\xA4\xBA\xC5"
                          "11010119900307803X\n";
  auto added = AddAttachment(liaison, r->id, "名单.txt", gbk, 1 << 20);
  ASSERT_TRUE(added.has_value()) << added.error().Describe();
  ASSERT_EQ(added->draft.attachments.size(), 1u);
  EXPECT_EQ(added->draft.attachments[0].mime, "text/plain; charset=gb18030");
  auto file = store_->GetFile(added->draft.attachments[0].sha256);
  ASSERT_TRUE(file.has_value());
  EXPECT_EQ(file->content, gbk) << "the file is kept as uploaded";
  EXPECT_EQ(file->text_status, "ok");
  EXPECT_NE(file->text.find("扶贫名单"), std::string::npos) << file->text;
  auto findings = FindingsOf(liaison, *added);
  ASSERT_TRUE(findings.has_value());
  ASSERT_EQ(findings->size(), 1u);
  EXPECT_EQ((*findings)[0].where, "名单.txt");
  // Bytes that are no text in any charset stay refused, whatever the name.
  const std::string binary("\x00\x01\x02\xFF\xFE\x00garbage\x00", 13);
  auto refused = AddAttachment(liaison, r->id, "x.txt", std::string("\x81\x00\x02\x03", 4), 1 << 20);
  EXPECT_FALSE(refused.has_value());
  EXPECT_FALSE(AddAttachment(liaison, r->id, "y.txt", binary, 1 << 20).has_value());
}

TEST(IndexNumber, FormatsAndRefusesBadPatterns) {
  EXPECT_EQ(*FormatIndexNumber(kDefaultIndexPattern, "014416330", 2018, 4736), "014416330/2018-04736");
  EXPECT_EQ(*FormatIndexNumber("{org}-{year}-{seq:6}", "X", 2026, 7), "X-2026-000007");
  EXPECT_FALSE(FormatIndexNumber("{org}/{year}", "X", 2026, 1).has_value());
  EXPECT_FALSE(FormatIndexNumber("{org}/{yr}-{seq}", "X", 2026, 1).has_value());
  EXPECT_FALSE(FormatIndexNumber("{org", "X", 2026, 1).has_value());
}

}  // namespace
}  // namespace gongkai
