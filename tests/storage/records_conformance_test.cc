// Storage conformance for records (store_fixture.h): drafts, publication
// with its 索引号 and versions, batches, lists, publication events, the
// ledger's sources, and the rows of the compliance figures and the annual
// report, with the same expectations for SQLite and PostgreSQL.
#include <mutex>
#include <tuple>

#include "tests/storage/store_fixture.h"

namespace gongkai {
namespace {

using namespace storage_test;

class RecordStoreTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(store_->SaveCatalog(site_.id, seed_));
    ASSERT_GE(seed_.units.size(), 2u);
    unit_a_ = seed_.units[0].name;
    unit_b_ = seed_.units[1].name;
  }

  Record Draft(const std::string& unit, int item, const std::string& title,
               RecordStatus status = RecordStatus::kApproved) const {
    Record r;
    r.site_id = site_.id;
    r.unit = unit;
    r.item_number = item;
    r.element = "部门预算";
    r.formed_on = *Date::Parse("2026-09-01");
    r.status = status;
    r.draft.title = title;
    r.draft.body = "正文\n第二段";
    r.draft.doc_number = "示财〔2026〕1号";
    r.draft.written_on = "2026-08-30";
    r.draft.genre = "通知";
    r.draft.topic = "财政";
    r.draft.validity = "有效";
    r.draft.channels = {"门户网站", "公示栏"};
    r.draft.attachments = {Attachment{"ab12", "预算表.xlsx", "application/vnd.ms-excel", 1234, false},
                           Attachment{"cd34", "公示照片.jpg", "image/jpeg", 99, true}};
    r.checklist = ReviewChecklist{true, true, false};
    r.approved_by = "leader";
    r.due_on = *Date::Parse("2026-09-29");
    r.provisional = true;
    r.created_at = "2026-09-01T01:00:00Z";
    r.created_by = "liaison";
    r.updated_at = r.created_at;
    return r;
  }

  Record Created(const std::string& unit, int item, const std::string& title,
                 RecordStatus status = RecordStatus::kApproved) {
    auto r = store_->CreateRecord(Draft(unit, item, title, status), Audit("创建公开信息"));
    EXPECT_TRUE(r) << r.error().Describe();
    return r ? *r : Record{};
  }

  static RecordVersion VersionOf(const Record& r, const std::string& at) {
    RecordVersion v;
    v.record_id = r.id;
    v.content = r.draft;
    v.change_note = r.change_note;
    v.published_at = at;
    v.published_by = "liaison";
    v.approved_by = r.approved_by;
    return v;
  }

  Result<Record> Publish(const Record& r, const std::string& at, int year = 2026, Store* store = nullptr) {
    return (store ? store : store_.get())->PublishRecord(r, VersionOf(r, at), year, Audit("发布"));
  }

  // Publishes again after a change to the working copy (a revision).
  Result<Record> Revise(Record r, const std::string& title, const std::string& at) {
    r.draft.title = title;
    r.change_note = "更正";
    r.status = RecordStatus::kApproved;
    GK_CHECK(store_->SaveRecord(r, Audit("修订")));
    return Publish(r, at);
  }

  Status Withdraw(Record r, const std::string& at) {
    r.status = RecordStatus::kWithdrawn;
    r.withdrawn_reason = "内容有误";
    r.withdrawn_at = at;
    r.updated_at = at;
    return store_->SaveRecord(r, Audit("撤回"));
  }

  std::vector<PublicationEvent> Events(std::int64_t record_id = 0) {
    EventQuery q;
    q.record_id = record_id;
    q.newest_first = false;
    q.limit = 1000;
    auto e = store_->ListPublicationEvents(site_.id, q);
    EXPECT_TRUE(e) << e.error().Describe();
    return e ? *e : std::vector<PublicationEvent>{};
  }

  static std::vector<std::int64_t> Ids(const Result<std::vector<Record>>& r) {
    std::vector<std::int64_t> out;
    if (r)
      for (const auto& x : *r) out.push_back(x.id);
    return out;
  }

  // The organisation code the 索引号 uses for a unit.
  std::string OrgOf(const std::string& unit) {
    for (const auto& u : seed_.units)
      if (u.name == unit && !u.org_code.empty()) return u.org_code;
    return fmt::format("U{:04}", QueryInt(fmt::format("SELECT id FROM units WHERE name = '{}'", unit)));
  }

  // The 索引号 of the unit's `seq`th publication in `year` (the site's default pattern).
  std::string IndexOf(const std::string& unit, int year, int seq) {
    return *FormatIndexNumber(site_.index_pattern, OrgOf(unit), year, seq);
  }

  std::string unit_a_, unit_b_;
};

// ---- drafts -----------------------------------------------------------------------------

TEST_P(RecordStoreTest, CreateGetSaveRoundTrip) {
  const auto audits = AuditCount();
  auto created = store_->CreateRecord(Draft(unit_a_, 3, "预算公开", RecordStatus::kDraft), Audit("创建公开信息"));
  ASSERT_TRUE(created) << created.error().Describe();
  EXPECT_GT(created->id, 0);
  EXPECT_EQ(AuditCount(), audits + 1);
  EXPECT_EQ((*store_->ListAudit(site_.id, 1, 0))[0].target, fmt::format("公开信息:{}", created->id));

  auto got = store_->GetRecord(created->id);
  ASSERT_TRUE(got) << got.error().Describe();
  const Record want = Draft(unit_a_, 3, "预算公开", RecordStatus::kDraft);
  EXPECT_EQ(got->site_id, site_.id);
  EXPECT_EQ(got->unit, unit_a_);
  EXPECT_EQ(got->item_number, 3);
  EXPECT_EQ(got->element, "部门预算");
  EXPECT_EQ(got->formed_on, want.formed_on);
  EXPECT_EQ(got->status, RecordStatus::kDraft);
  EXPECT_EQ(got->draft, want.draft);  // channels and attachments (with evidence) included
  EXPECT_TRUE(got->checklist.no_state_secret);
  EXPECT_TRUE(got->checklist.no_commercial_secret);
  EXPECT_FALSE(got->checklist.personal_info_handled);
  EXPECT_EQ(got->approved_by, "leader");
  EXPECT_EQ(got->due_on, want.due_on);
  EXPECT_TRUE(got->provisional);
  EXPECT_EQ(got->index_number, "");
  EXPECT_EQ(got->published_version, 0);
  EXPECT_EQ(got->first_published_at, "");
  EXPECT_EQ(got->created_at, "2026-09-01T01:00:00Z");
  EXPECT_EQ(got->created_by, "liaison");

  Record edited = *got;
  edited.draft.title = "预算公开（修改）";
  edited.draft.channels = {};
  edited.draft.attachments = {};
  edited.status = RecordStatus::kSubmitted;
  edited.review_comment = "请补充附件";
  edited.checklist = ReviewChecklist{};
  edited.updated_at = "2026-09-02T00:00:00Z";
  ASSERT_TRUE(store_->SaveRecord(edited, Audit("保存")));
  auto again = store_->GetRecord(created->id);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->draft.title, "预算公开（修改）");
  EXPECT_TRUE(again->draft.channels.empty());
  EXPECT_TRUE(again->draft.attachments.empty());
  EXPECT_EQ(again->status, RecordStatus::kSubmitted);
  EXPECT_EQ(again->review_comment, "请补充附件");
  EXPECT_FALSE(again->checklist.no_state_secret);
  EXPECT_EQ(again->updated_at, "2026-09-02T00:00:00Z");
  EXPECT_TRUE(Events().empty());  // saving a draft is no publication event

  auto missing = store_->GetRecord(created->id + 100);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().message, fmt::format("公开信息{}不存在", created->id + 100));
  Record ghost = edited;
  ghost.id = created->id + 100;
  const auto before = AuditCount();
  auto s = store_->SaveRecord(ghost, Audit("保存"));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(AuditCount(), before);  // rolled back
}

// ---- publication ------------------------------------------------------------------------

TEST_P(RecordStoreTest, PublishAssignsIndexNumbersAndVersions) {
  Record a = Created(unit_a_, 3, "甲");
  Record b = Created(unit_a_, 3, "乙");
  Record c = Created(unit_b_, 5, "丙");
  const auto rev = Rev();
  auto pa = Publish(a, "2026-09-10T02:00:00Z");
  ASSERT_TRUE(pa) << pa.error().Describe();
  EXPECT_EQ(pa->index_number, IndexOf(unit_a_, 2026, 1));
  EXPECT_EQ(pa->published_version, 1);
  EXPECT_EQ(pa->status, RecordStatus::kPublished);
  EXPECT_EQ(pa->first_published_at, "2026-09-10T02:00:00Z");
  EXPECT_EQ(pa->published_title, "甲");
  EXPECT_GT(Rev(), rev);
  EXPECT_EQ((*store_->ListAudit(site_.id, 1, 0))[0].target,
            fmt::format("公开信息:{} 索引号:{} 版本:1", a.id, IndexOf(unit_a_, 2026, 1)));
  auto pb = Publish(b, "2026-09-11T02:00:00Z");
  ASSERT_TRUE(pb);
  EXPECT_EQ(pb->index_number, IndexOf(unit_a_, 2026, 2));
  auto pc = Publish(c, "2026-09-11T03:00:00Z");
  ASSERT_TRUE(pc);
  EXPECT_EQ(pc->index_number, IndexOf(unit_b_, 2026, 1));  // per unit
  Record d = Created(unit_a_, 3, "丁");
  auto pd = Publish(d, "2027-01-02T02:00:00Z", 2027);
  ASSERT_TRUE(pd);
  EXPECT_EQ(pd->index_number, IndexOf(unit_a_, 2027, 1));  // per year

  // A revision keeps the 索引号 and the first publication, adds a version.
  auto ra = Revise(*pa, "甲（更正）", "2026-09-20T02:00:00Z");
  ASSERT_TRUE(ra) << ra.error().Describe();
  EXPECT_EQ(ra->index_number, pa->index_number);
  EXPECT_EQ(ra->published_version, 2);
  EXPECT_EQ(ra->first_published_at, "2026-09-10T02:00:00Z");
  EXPECT_EQ(ra->published_title, "甲（更正）");
  auto stored = store_->GetRecord(a.id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->index_number, pa->index_number);
  EXPECT_EQ(stored->published_version, 2);
  EXPECT_EQ(stored->status, RecordStatus::kPublished);
  EXPECT_EQ(stored->published_title, "甲（更正）");
  EXPECT_EQ(stored->updated_at, "2026-09-20T02:00:00Z");

  auto versions = store_->ListVersions(a.id);
  ASSERT_TRUE(versions) << versions.error().Describe();
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[0].version, 1);
  EXPECT_EQ((*versions)[0].content.title, "甲");
  EXPECT_EQ((*versions)[0].content.attachments, a.draft.attachments);
  EXPECT_EQ((*versions)[0].content.channels, a.draft.channels);
  EXPECT_EQ((*versions)[0].published_at, "2026-09-10T02:00:00Z");
  EXPECT_EQ((*versions)[0].published_by, "liaison");
  EXPECT_EQ((*versions)[0].approved_by, "leader");
  EXPECT_EQ((*versions)[1].version, 2);
  EXPECT_EQ((*versions)[1].content.title, "甲（更正）");
  EXPECT_EQ((*versions)[1].change_note, "更正");
  EXPECT_TRUE(store_->ListVersions(c.id + 100)->empty());

  // The events: publish, then revise, each with its version and 索引号.
  auto ev = Events(a.id);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].kind, PublicationKind::kPublish);
  EXPECT_EQ(ev[0].version, 1);
  EXPECT_EQ(ev[0].title, "甲");
  EXPECT_EQ(ev[0].at, "2026-09-10T02:00:00Z");
  EXPECT_EQ(ev[0].index_number, pa->index_number);
  EXPECT_EQ(ev[0].unit, unit_a_);
  EXPECT_EQ(ev[0].item_number, 3);
  EXPECT_EQ(ev[1].kind, PublicationKind::kRevise);
  EXPECT_EQ(ev[1].version, 2);
  EXPECT_EQ(ev[1].title, "甲（更正）");
  EXPECT_EQ(Events().size(), 5u);
}

// A renamed unit keeps numbering its 索引号 where it left off: the serials
// follow the name, as its accounts and tokens do (with the same
// organisation code, restarting at 1 would repeat a number).
TEST_P(RecordStoreTest, RenamedUnitContinuesItsIndexNumbers) {
  auto pa = Publish(Created(unit_a_, 3, "甲"), "2026-09-10T02:00:00Z");
  ASSERT_TRUE(pa) << pa.error().Describe();
  const std::string org = OrgOf(unit_a_);
  UnitInfo renamed;
  for (const auto& u : seed_.units)
    if (u.name == unit_a_) renamed = u;
  renamed.name = unit_a_ + "（新）";
  ASSERT_TRUE(store_->UpdateUnit(site_.id, unit_a_, renamed, Audit("修改单位")));
  auto pb = Publish(Created(renamed.name, 3, "乙"), "2026-09-11T02:00:00Z");
  ASSERT_TRUE(pb) << pb.error().Describe();
  EXPECT_EQ(pb->index_number, *FormatIndexNumber(site_.index_pattern, org, 2026, 2));
  EXPECT_NE(pb->index_number, pa->index_number);
}

TEST_P(RecordStoreTest, PublishErrorsWriteNothing) {
  Record draft = Created(unit_a_, 3, "未审核", RecordStatus::kSubmitted);
  const auto audits = AuditCount();
  const auto rev = Rev();
  auto refused = Publish(draft, "2026-09-10T02:00:00Z");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
  EXPECT_EQ(refused.error().message, "该信息未经审核，不能发布");
  Record ghost = draft;
  ghost.id += 100;
  EXPECT_EQ(Publish(ghost, "2026-09-10T02:00:00Z").error().code, ErrorCode::kNotFound);
  Record nowhere = Created("不存在的单位", 3, "无单位");
  const auto audits2 = AuditCount();
  auto no_unit = Publish(nowhere, "2026-09-10T02:00:00Z");
  ASSERT_FALSE(no_unit);
  EXPECT_EQ(no_unit.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(no_unit.error().message, "没有名为“不存在的单位”的责任单位");
  EXPECT_EQ(AuditCount(), audits2);
  EXPECT_EQ(AuditCount(), audits + 1);  // only the creation
  EXPECT_EQ(Rev(), rev);
  EXPECT_TRUE(store_->ListVersions(draft.id)->empty());
  EXPECT_TRUE(Events().empty());
  EXPECT_EQ(store_->GetRecord(draft.id)->published_version, 0);

  // A stale copy: once published, the record is no longer "approved" and a
  // second publication of the same approved copy (another process, a
  // double click) is refused instead of adding a version.
  Record ok = Created(unit_a_, 3, "已审核");
  ASSERT_TRUE(Publish(ok, "2026-09-10T02:00:00Z"));
  auto twice = Publish(ok, "2026-09-10T02:00:01Z");
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, ErrorCode::kConflict);
  EXPECT_EQ(store_->ListVersions(ok.id)->size(), 1u);
  EXPECT_EQ(Events(ok.id).size(), 1u);
}

// Several server processes (each a store with its own connections) and
// threads publishing at once: every 索引号 is distinct and the serials of a
// unit and year run 1..N without gaps; of several publications of one
// record, exactly one succeeds.
TEST_P(RecordStoreTest, ConcurrentPublicationsNeverRepeatAnIndexNumber) {
  constexpr int kStores = 3, kThreadsPerStore = 2, kEach = 5;
  constexpr int kTotal = kStores * kThreadsPerStore * kEach;
  std::vector<Record> records;
  for (int i = 0; i < kTotal; ++i) records.push_back(Created(unit_a_, 3, fmt::format("并发{}", i)));
  std::vector<Record> shared;
  for (int i = 0; i < kEach; ++i) shared.push_back(Created(unit_b_, 5, fmt::format("同一条{}", i)));
  std::vector<std::unique_ptr<Store>> stores;
  for (int s = 0; s < kStores; ++s) {
    auto opened = OpenStore(kThreadsPerStore);
    ASSERT_TRUE(opened) << opened.error().Describe();
    stores.push_back(std::move(*opened));
  }
  std::mutex mu;
  std::vector<std::string> numbers;
  std::atomic<int> errors{0}, shared_won{0}, shared_conflicts{0};
  {
    std::vector<std::jthread> threads;
    for (int s = 0; s < kStores; ++s)
      for (int t = 0; t < kThreadsPerStore; ++t)
        threads.emplace_back([&, s, t] {
          const int slot = s * kThreadsPerStore + t;
          for (int i = 0; i < kEach; ++i) {
            auto p = Publish(records[static_cast<std::size_t>(slot * kEach + i)], "2026-09-10T02:00:00Z", 2026,
                             stores[static_cast<std::size_t>(s)].get());
            if (!p) {
              ++errors;
              ADD_FAILURE() << p.error().Describe();
            } else {
              std::lock_guard lock(mu);
              numbers.push_back(p->index_number);
            }
            auto race = Publish(shared[static_cast<std::size_t>(i)], "2026-09-10T02:00:00Z", 2026,
                                stores[static_cast<std::size_t>(s)].get());
            if (race)
              ++shared_won;
            else if (race.error().code == ErrorCode::kConflict)
              ++shared_conflicts;
            else
              ++errors;
          }
        });
  }
  stores.clear();
  EXPECT_EQ(errors.load(), 0);
  ASSERT_EQ(numbers.size(), static_cast<std::size_t>(kTotal));
  std::set<std::string> distinct(numbers.begin(), numbers.end());
  EXPECT_EQ(distinct.size(), numbers.size());
  std::set<std::string> expected;
  for (int i = 1; i <= kTotal; ++i) expected.insert(IndexOf(unit_a_, 2026, i));
  EXPECT_EQ(distinct, expected);
  EXPECT_EQ(shared_won.load(), kEach);
  EXPECT_EQ(shared_conflicts.load(), kEach * (kStores * kThreadsPerStore - 1));
  for (const auto& r : shared) EXPECT_EQ(store_->ListVersions(r.id)->size(), 1u);
  EXPECT_EQ(Events().size(), static_cast<std::size_t>(kTotal + kEach));
}

TEST_P(RecordStoreTest, PublishRecordsIsAllOrNothing) {
  Record a = Created(unit_a_, 3, "批量甲");
  Record b = Created(unit_a_, 3, "批量乙");
  Record bad = Created(unit_a_, 3, "批量未审核", RecordStatus::kDraft);
  const auto audits = AuditCount();
  const auto rev = Rev();
  std::vector<Publication> batch = {
      Publication{a, VersionOf(a, "2026-09-10T02:00:00Z"), 2026, Audit("批量发布")},
      Publication{b, VersionOf(b, "2026-09-10T02:00:00Z"), 2026, Audit("批量发布")},
      Publication{bad, VersionOf(bad, "2026-09-10T02:00:00Z"), 2026, Audit("批量发布")},
  };
  auto failed = store_->PublishRecords(batch);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, ErrorCode::kConflict);
  for (const auto& r : {a, b, bad}) {
    auto got = store_->GetRecord(r.id);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->published_version, 0);
    EXPECT_EQ(got->index_number, "");
    EXPECT_EQ(got->status, r.status);
    EXPECT_TRUE(store_->ListVersions(r.id)->empty());
  }
  EXPECT_TRUE(Events().empty());
  EXPECT_EQ(AuditCount(), audits);
  EXPECT_EQ(Rev(), rev);

  // Without the bad one: all published, in order, the serials not burnt by
  // the failed batch.
  batch.pop_back();
  auto done = store_->PublishRecords(batch);
  ASSERT_TRUE(done) << done.error().Describe();
  ASSERT_EQ(done->size(), 2u);
  EXPECT_EQ((*done)[0].id, a.id);
  EXPECT_EQ((*done)[0].index_number, IndexOf(unit_a_, 2026, 1));
  EXPECT_EQ((*done)[1].index_number, IndexOf(unit_a_, 2026, 2));
  EXPECT_EQ(Events().size(), 2u);
  EXPECT_EQ(AuditCount(), audits + 2);
  EXPECT_TRUE(store_->PublishRecords({})->empty());
}

TEST_P(RecordStoreTest, WithdrawalWritesOneEvent) {
  Record a = Created(unit_a_, 3, "将撤回");
  auto pa = Publish(a, "2026-09-10T02:00:00Z");
  ASSERT_TRUE(pa);
  const auto rev = Rev();
  ASSERT_TRUE(Withdraw(*pa, "2026-09-12T02:00:00Z"));
  EXPECT_GT(Rev(), rev);
  auto ev = Events(a.id);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[1].kind, PublicationKind::kWithdraw);
  EXPECT_EQ(ev[1].version, 1);
  EXPECT_EQ(ev[1].at, "2026-09-12T02:00:00Z");
  EXPECT_EQ(ev[1].index_number, pa->index_number);
  EXPECT_EQ(ev[1].title, "将撤回");
  auto got = store_->GetRecord(a.id);
  EXPECT_EQ(got->status, RecordStatus::kWithdrawn);
  EXPECT_EQ(got->withdrawn_reason, "内容有误");
  EXPECT_EQ(got->index_number, pa->index_number);  // kept
  // Saving the withdrawn record again (an edit of the reason) adds no event.
  ASSERT_TRUE(Withdraw(*got, "2026-09-12T02:00:00Z"));
  EXPECT_EQ(Events(a.id).size(), 2u);
}

// The search index follows publication in the same transactions: a
// published or revised record is indexed with its current title, a
// withdrawn one leaves it, and a failed batch indexes nothing.
TEST_P(RecordStoreTest, SearchIndexFollowsPublication) {
  auto check = [&] {
    auto c = store_->CheckIndex(site_.id);
    EXPECT_TRUE(c) << c.error().Describe();
    if (c) {
      EXPECT_TRUE(c->missing.empty());
      EXPECT_TRUE(c->stale.empty());
    }
    return c ? c->indexed : -1;
  };
  EXPECT_EQ(check(), 0);
  Record a = Created(unit_a_, 3, "索引甲");
  Record b = Created(unit_a_, 3, "索引乙");
  Record bad = Created(unit_a_, 3, "索引未审核", RecordStatus::kDraft);
  auto pa = Publish(a, "2026-09-10T02:00:00Z");
  ASSERT_TRUE(pa);
  EXPECT_EQ(check(), 1);
  ASSERT_TRUE(Revise(*pa, "索引甲（修订）", "2026-09-11T02:00:00Z"));
  EXPECT_EQ(check(), 1);  // re-indexed with the new title (not stale)
  std::vector<Publication> batch = {Publication{b, VersionOf(b, "2026-09-12T02:00:00Z"), 2026, Audit("批量发布")},
                                    Publication{bad, VersionOf(bad, "2026-09-12T02:00:00Z"), 2026, Audit("批量发布")}};
  ASSERT_FALSE(store_->PublishRecords(batch));
  EXPECT_EQ(check(), 1);
  auto now = store_->GetRecord(a.id);
  ASSERT_TRUE(now);
  ASSERT_TRUE(Withdraw(*now, "2026-09-13T02:00:00Z"));
  EXPECT_EQ(check(), 0);
}

// ---- lists ------------------------------------------------------------------------------

TEST_P(RecordStoreTest, ListAndCountRecordsWithFilters) {
  Record r1 = Created(unit_a_, 3, "一");
  Record r2 = Created(unit_a_, 4, "二");
  Record r3 = Created(unit_b_, 3, "三");
  Record r4 = Created(unit_b_, 5, "四");
  Record draft = Created(unit_a_, 3, "草稿", RecordStatus::kDraft);
  ASSERT_TRUE(Publish(r1, "2026-09-01T02:00:00Z"));
  ASSERT_TRUE(Publish(r2, "2026-09-03T02:00:00Z"));
  ASSERT_TRUE(Publish(r3, "2026-09-02T02:00:00Z"));
  auto p4 = Publish(r4, "2026-09-04T02:00:00Z");
  ASSERT_TRUE(p4);
  ASSERT_TRUE(Withdraw(*p4, "2026-09-05T02:00:00Z"));
  using IdList = std::vector<std::int64_t>;

  RecordFilter all;
  auto listed = store_->ListRecords(site_.id, all);
  ASSERT_TRUE(listed) << listed.error().Describe();
  EXPECT_EQ(Ids(listed), (IdList{r4.id, r2.id, r3.id, r1.id}));  // newest first publication first
  EXPECT_EQ(*store_->CountRecords(site_.id, all), 4);
  EXPECT_EQ((*listed)[0].status, RecordStatus::kWithdrawn);

  RecordFilter with_drafts;
  with_drafts.published_only = false;
  EXPECT_EQ(*store_->CountRecords(site_.id, with_drafts), 5);
  EXPECT_EQ(Ids(store_->ListRecords(site_.id, with_drafts)).back(), draft.id);  // '' sorts last descending

  RecordFilter f;
  f.item = 3;
  EXPECT_EQ(Ids(store_->ListRecords(site_.id, f)), (IdList{r3.id, r1.id}));
  f = {};
  f.items = {4, 5};
  EXPECT_EQ(Ids(store_->ListRecords(site_.id, f)), (IdList{r4.id, r2.id}));
  EXPECT_EQ(*store_->CountRecords(site_.id, f), 2);
  f = {};
  f.unit = unit_a_;
  EXPECT_EQ(Ids(store_->ListRecords(site_.id, f)), (IdList{r2.id, r1.id}));
  f.published_only = false;
  f.statuses = {RecordStatus::kDraft};
  EXPECT_EQ(Ids(store_->ListRecords(site_.id, f)), (IdList{draft.id}));
  f = {};
  f.element = "部门预算";
  EXPECT_EQ(*store_->CountRecords(site_.id, f), 4);
  f.element = "其他";
  EXPECT_EQ(*store_->CountRecords(site_.id, f), 0);
  f = {};
  f.statuses = {RecordStatus::kPublished, RecordStatus::kWithdrawn};
  EXPECT_EQ(*store_->CountRecords(site_.id, f), 4);
  f.statuses = {RecordStatus::kWithdrawn};
  EXPECT_EQ(Ids(store_->ListRecords(site_.id, f)), (IdList{r4.id}));
  f = {};
  f.published_from = "2026-09-02T00:00:00Z";
  f.published_before = "2026-09-04T00:00:00Z";
  EXPECT_EQ(Ids(store_->ListRecords(site_.id, f)), (IdList{r2.id, r3.id}));
  f = {};
  f.changed_since = "2026-09-04T00:00:00Z";  // r4's publication and withdrawal
  EXPECT_EQ(Ids(store_->ListRecords(site_.id, f)), (IdList{r4.id}));
  f.changed_since = "2026-09-03T00:00:00Z";
  EXPECT_EQ(*store_->CountRecords(site_.id, f), 2);

  // Pages: newest first with offset, or by id from a cursor.
  f = {};
  f.limit = 2;
  f.offset = 1;
  EXPECT_EQ(Ids(store_->ListRecords(site_.id, f)), (IdList{r2.id, r3.id}));
  EXPECT_EQ(*store_->CountRecords(site_.id, f), 4);
  f = {};
  f.after_id = 0;
  f.limit = 2;
  EXPECT_EQ(Ids(store_->ListRecords(site_.id, f)), (IdList{r1.id, r2.id}));
  f.after_id = r2.id;
  EXPECT_EQ(Ids(store_->ListRecords(site_.id, f)), (IdList{r3.id, r4.id}));
  EXPECT_EQ(*store_->CountRecords(site_.id, f), 4);  // the whole list
  f.max_id = r3.id;
  EXPECT_EQ(Ids(store_->ListRecords(site_.id, f)), (IdList{r3.id}));
  EXPECT_EQ(*store_->CountRecords(site_.id, f), 3);

  auto other = store_->CreateSite(NewSite{"east", "东区", ""});
  ASSERT_TRUE(other);
  EXPECT_TRUE(store_->ListRecords(other->id, RecordFilter{})->empty());
  EXPECT_EQ(*store_->CountRecords(other->id, RecordFilter{}), 0);
}

// ---- the ledger's sources ---------------------------------------------------------------

TEST_P(RecordStoreTest, LedgerSourcesPairEventsWithTheirVersions) {
  Record a = Created(unit_a_, 3, "账本甲");
  Record b = Created(unit_b_, 5, "账本乙");
  auto pa = Publish(a, "2026-09-01T02:00:00Z");
  ASSERT_TRUE(pa);
  ASSERT_TRUE(Publish(b, "2026-09-02T02:00:00Z"));
  auto ra = Revise(*pa, "账本甲（修订）", "2026-09-03T02:00:00Z");
  ASSERT_TRUE(ra);
  ASSERT_TRUE(Withdraw(*ra, "2026-09-04T02:00:00Z"));

  auto sources = store_->ListLedgerSources(site_.id, 0, 100);
  ASSERT_TRUE(sources) << sources.error().Describe();
  ASSERT_EQ(sources->size(), 4u);
  const auto& s = *sources;
  EXPECT_EQ(s[0].event.record_id, a.id);
  EXPECT_EQ(s[0].version.version, 1);
  EXPECT_EQ(s[0].version.content.title, "账本甲");
  EXPECT_EQ(s[0].record.id, a.id);
  EXPECT_EQ(s[0].record.status, RecordStatus::kWithdrawn);  // the record as it is now
  EXPECT_EQ(s[1].event.record_id, b.id);
  EXPECT_EQ(s[1].record.index_number, s[1].event.index_number);
  EXPECT_EQ(s[2].event.kind, PublicationKind::kRevise);
  EXPECT_EQ(s[2].version.content.title, "账本甲（修订）");
  EXPECT_EQ(s[3].event.kind, PublicationKind::kWithdraw);
  EXPECT_EQ(s[3].version.version, 2);

  auto after = store_->ListLedgerSources(site_.id, s[1].event.seq, 1);
  ASSERT_TRUE(after);
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ((*after)[0].event.seq, s[2].event.seq);
  EXPECT_TRUE(store_->ListLedgerSources(site_.id, s[3].event.seq, 10)->empty());

  // A version the event names is missing: Internal, the ledger must not skip it.
  Exec(fmt::format("DELETE FROM record_versions WHERE record_id = {} AND version = 1", b.id));
  auto broken = store_->ListLedgerSources(site_.id, 0, 100);
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().code, ErrorCode::kInternal);
  EXPECT_EQ(broken.error().message, fmt::format("公开信息{}没有第1版，无法写入账本", b.id));
}

// ---- compliance rows and the annual report -----------------------------------------------

class ComplianceScenario : public RecordStoreTest {
 protected:
  Obligation Oblige(const std::string& unit, int item, const char* title, const char* formed, const char* due) {
    Obligation o;
    o.site_id = site_.id;
    o.unit = unit;
    o.item_number = item;
    o.element = "部门预算";
    o.title = title;
    o.formed_on = *Date::Parse(formed);
    o.created_at = "2026-01-01T00:00:00Z";
    o.created_by = "admin";
    TrackedDeadline d;
    d.site_id = site_.id;
    d.subject = title;
    d.item_number = item;
    d.rule_id = "default";
    d.rule_days = 20;
    d.event = o.formed_on;
    d.due = *Date::Parse(due);
    d.provisional = false;
    auto made = store_->CreateObligation(o, d, Audit("登记待公开事项"));
    EXPECT_TRUE(made) << made.error().Describe();
    return made ? *made : o;
  }

  Record PublishFor(const Obligation* o, const std::string& unit, int item, const char* title, const char* formed,
                    const char* due, const char* at, int late_days = 0) {
    Record r = Draft(unit, item, title);
    r.obligation_id = o ? o->id : 0;
    r.formed_on = *Date::Parse(formed);
    r.due_on = *Date::Parse(due);
    r.provisional = false;
    r.late_days = late_days;
    auto created = store_->CreateRecord(r, Audit("创建公开信息"));
    EXPECT_TRUE(created) << created.error().Describe();
    if (!created) return r;
    auto p = Publish(*created, at);
    EXPECT_TRUE(p) << p.error().Describe();
    return p ? *p : *created;
  }

  void SetState(Obligation o, ObligationState state) {
    o.state = state;
    o.reason = "原因";
    ASSERT_TRUE(store_->UpdateObligation(o, Audit("状态")));
  }

  static Date D(const char* text) { return *Date::Parse(text); }
};

TEST_P(ComplianceScenario, RowsSummariesAndAnnualRowsAgree) {
  // (unit_a, 3): published on time, open, withheld, cancelled, and a record
  // published without an obligation; (unit_b, 5): published late (Beijing
  // date a day after the UTC one); (unit_b, 7): only a cancelled row.
  Obligation on_time = Oblige(unit_a_, 3, "按时", "2026-01-05", "2026-02-01");
  Obligation open = Oblige(unit_a_, 3, "未公开", "2026-03-01", "2026-03-30");
  Obligation withheld = Oblige(unit_a_, 3, "不予公开", "2026-01-10", "2026-02-10");
  Obligation cancelled = Oblige(unit_a_, 3, "已取消", "2026-01-12", "2026-02-12");
  Obligation late = Oblige(unit_b_, 5, "逾期", "2026-05-01", "2026-05-29");
  Obligation only_cancelled = Oblige(unit_b_, 7, "只有取消", "2026-01-01", "2026-01-20");
  Record r_on_time = PublishFor(&on_time, unit_a_, 3, "按时公开", "2026-01-05", "2026-02-01", "2026-01-20T02:00:00Z");
  Record r_late = PublishFor(&late, unit_b_, 5, "逾期公开", "2026-05-01", "2026-05-29", "2026-06-03T17:00:00Z", 3);
  Record r_direct = PublishFor(nullptr, unit_a_, 3, "直接发布", "2026-04-01", "2026-04-20", "2026-04-10T01:00:00Z");
  SetState(withheld, ObligationState::kWithheld);
  SetState(cancelled, ObligationState::kCancelled);
  SetState(only_cancelled, ObligationState::kCancelled);
  Record unpublished = Created(unit_a_, 3, "草稿不计");  // no row

  auto rows = store_->ListComplianceRows(site_.id);
  ASSERT_TRUE(rows) << rows.error().Describe();
  auto by_key = [](std::vector<ComplianceRow> v) {
    std::sort(v.begin(), v.end(), [](const ComplianceRow& a, const ComplianceRow& b) {
      return std::tie(a.obligation_id, a.record_id) < std::tie(b.obligation_id, b.record_id);
    });
    return v;
  };
  auto all = by_key(*rows);
  ASSERT_EQ(all.size(), 7u);
  // The direct record first (obligation 0), then the obligations by id.
  EXPECT_EQ(all[0].obligation_id, 0);
  EXPECT_EQ(all[0].record_id, r_direct.id);
  EXPECT_EQ(all[0].state, ObligationState::kPublished);
  EXPECT_EQ(all[0].title, "直接发布");
  EXPECT_EQ(all[0].element, "部门预算");
  EXPECT_EQ(all[0].formed_on, D("2026-04-01"));
  EXPECT_EQ(all[0].due_on, D("2026-04-20"));
  EXPECT_EQ(all[0].published_on, D("2026-04-10"));
  const ComplianceRow& a = all[1];
  EXPECT_EQ(a.obligation_id, on_time.id);
  EXPECT_EQ(a.record_id, r_on_time.id);
  EXPECT_EQ(a.unit, unit_a_);
  EXPECT_EQ(a.item_number, 3);
  EXPECT_EQ(a.title, "按时");
  EXPECT_EQ(a.state, ObligationState::kPublished);
  EXPECT_EQ(a.formed_on, D("2026-01-05"));
  EXPECT_EQ(a.due_on, D("2026-02-01"));
  EXPECT_EQ(a.published_on, D("2026-01-20"));
  EXPECT_FALSE(a.provisional);
  EXPECT_EQ(all[2].obligation_id, open.id);
  EXPECT_EQ(all[2].record_id, 0);
  EXPECT_EQ(all[2].state, ObligationState::kOpen);
  EXPECT_FALSE(all[2].published_on);
  EXPECT_EQ(all[3].state, ObligationState::kWithheld);
  EXPECT_EQ(all[4].state, ObligationState::kCancelled);
  const ComplianceRow& l = all[5];
  EXPECT_EQ(l.obligation_id, late.id);
  EXPECT_EQ(l.record_id, r_late.id);
  EXPECT_EQ(l.published_on, D("2026-06-04"));  // Beijing date
  EXPECT_EQ(l.late_days, 3);
  EXPECT_EQ(all[6].obligation_id, only_cancelled.id);

  // Since a date: rows whose horizon reaches it (on_time's ended 2026-02-01).
  ComplianceRowQuery since;
  since.since = D("2026-03-01");
  auto recent = store_->ListComplianceRows(site_.id, since);
  ASSERT_TRUE(recent);
  std::vector<std::int64_t> keys;
  for (const auto& r : by_key(*recent)) keys.push_back(r.obligation_id ? r.obligation_id : -r.record_id);
  EXPECT_EQ(keys, (std::vector<std::int64_t>{-r_direct.id, open.id, withheld.id, cancelled.id, late.id,
                                             only_cancelled.id}));
  since.since = D("2026-04-21");  // the direct record's horizon is 2026-04-20
  EXPECT_EQ(store_->ListComplianceRows(site_.id, since)->size(), 5u);
  ComplianceRowQuery unit_b;
  unit_b.unit = unit_b_;
  unit_b.with_text = false;
  auto b_rows = store_->ListComplianceRows(site_.id, unit_b);
  ASSERT_TRUE(b_rows);
  ASSERT_EQ(b_rows->size(), 2u);
  for (const auto& r : *b_rows) {
    EXPECT_EQ(r.unit, unit_b_);
    EXPECT_EQ(r.title, "");
    EXPECT_EQ(r.element, "");
  }

  // The latest counted publication per pair before a day (not withheld or
  // cancelled rows, which count for nothing).
  auto prior = store_->ListPriorPublications(site_.id, D("2026-03-01"));
  ASSERT_TRUE(prior) << prior.error().Describe();
  ASSERT_EQ(prior->size(), 1u);
  EXPECT_EQ((*prior)[0].unit, unit_a_);
  EXPECT_EQ((*prior)[0].item_number, 3);
  EXPECT_EQ((*prior)[0].last_published_on, D("2026-01-20"));
  auto later = store_->ListPriorPublications(site_.id, D("2026-12-31"));
  ASSERT_TRUE(later);
  EXPECT_TRUE(std::is_sorted(later->begin(), later->end(), [](const PriorPublication& x, const PriorPublication& y) {
    return std::tie(x.unit, x.item_number) < std::tie(y.unit, y.item_number);
  }));  // in (unit, item) order
  ASSERT_EQ(later->size(), 2u);
  for (const auto& p : *later) {
    if (p.unit == unit_a_) {
      EXPECT_EQ(p.item_number, 3);
      EXPECT_EQ(p.last_published_on, D("2026-04-10"));
    } else {
      EXPECT_EQ(p.unit, unit_b_);
      EXPECT_EQ(p.item_number, 5);
      EXPECT_EQ(p.last_published_on, D("2026-06-04"));
    }
  }
  EXPECT_TRUE(store_->ListPriorPublications(site_.id, D("2026-01-20"))->empty());  // strictly before

  auto summary = store_->SummariseComplianceRows(site_.id, D("2026-04-01"));
  ASSERT_TRUE(summary) << summary.error().Describe();
  ASSERT_EQ(summary->publications.size(), 1u);
  EXPECT_EQ(summary->publications[0].last_published_on, D("2026-01-20"));
  // Every pair with a row not cancelled ((unit_b, 7) has none); the open
  // row due 2026-03-30 is the backlog of (unit_a, 3).
  ASSERT_EQ(summary->backlog.size(), 2u);
  for (const auto& b : summary->backlog) {
    if (b.unit == unit_a_) {
      EXPECT_EQ(b.item_number, 3);
      EXPECT_EQ(b.open, 1);
    } else {
      EXPECT_EQ(b.unit, unit_b_);
      EXPECT_EQ(b.item_number, 5);
      EXPECT_EQ(b.open, 0);
    }
  }
  auto at_due = store_->SummariseComplianceRows(site_.id, D("2026-03-30"));
  ASSERT_TRUE(at_due) << at_due.error().Describe();
  EXPECT_EQ(at_due->backlog.size(), 2u);
  for (const auto& b : at_due->backlog) EXPECT_EQ(b.open, 0);

  // The rows the figures need from a cutoff: their need day (due, or the
  // publication when later; withheld rows their due day) reaches it.
  auto visit = [&](const char* cutoff) {
    std::vector<std::pair<std::int64_t, std::int64_t>> seen;
    auto s = store_->VisitNeededComplianceRows(site_.id, D(cutoff), [&](const ComplianceRow& r) {
      EXPECT_EQ(r.title, "");
      seen.emplace_back(r.obligation_id, r.record_id);
      if (r.obligation_id == late.id) {
        EXPECT_EQ(r.published_on, D("2026-06-04"));
        EXPECT_EQ(r.due_on, D("2026-05-29"));
        EXPECT_EQ(r.formed_on, D("2026-05-01"));
        EXPECT_EQ(r.late_days, 3);
        EXPECT_EQ(r.unit, unit_b_);
      }
    });
    EXPECT_TRUE(s) << s.error().Describe();
    std::sort(seen.begin(), seen.end());
    return seen;
  };
  using Seen = std::vector<std::pair<std::int64_t, std::int64_t>>;
  EXPECT_EQ(visit("2026-04-01"), (Seen{{0, r_direct.id}, {late.id, r_late.id}}));
  EXPECT_EQ(visit("2026-03-01"), (Seen{{0, r_direct.id}, {open.id, 0}, {late.id, r_late.id}}));
  EXPECT_EQ(visit("2026-02-10"),
            (Seen{{0, r_direct.id}, {open.id, 0}, {withheld.id, 0}, {late.id, r_late.id}}));
  EXPECT_EQ(visit("2026-06-05"), Seen{});

  // The annual report: every record ever published, withdrawn ones included.
  auto revised = Revise(r_on_time, "按时公开（修订）", "2026-08-01T00:00:00Z");
  ASSERT_TRUE(revised);
  ASSERT_TRUE(Withdraw(r_direct, "2026-07-01T20:00:00Z"));
  auto annual = store_->ListAnnualRecordRows(site_.id);
  ASSERT_TRUE(annual) << annual.error().Describe();
  ASSERT_EQ(annual->size(), 3u);
  const auto& x = (*annual)[0];  // by id
  EXPECT_EQ(x.record_id, r_on_time.id);
  EXPECT_EQ(x.index_number, r_on_time.index_number);
  EXPECT_EQ(x.title, "按时公开（修订）");
  EXPECT_EQ(x.unit, unit_a_);
  EXPECT_EQ(x.item_number, 3);
  EXPECT_EQ(x.element, "部门预算");
  EXPECT_EQ(x.genre, "通知");
  EXPECT_EQ(x.validity, "有效");
  EXPECT_EQ(x.first_published_on, D("2026-01-20"));
  EXPECT_EQ(x.last_published_on, D("2026-08-01"));
  EXPECT_FALSE(x.withdrawn);
  EXPECT_FALSE(x.withdrawn_on);
  EXPECT_EQ((*annual)[1].record_id, r_late.id);
  EXPECT_EQ((*annual)[1].first_published_on, D("2026-06-04"));
  const auto& w = (*annual)[2];
  EXPECT_EQ(w.record_id, r_direct.id);
  EXPECT_TRUE(w.withdrawn);
  EXPECT_EQ(w.withdrawn_on, D("2026-07-02"));  // Beijing date
  EXPECT_NE(unpublished.id, 0);
  EXPECT_TRUE(store_->ListAnnualRecordRows(site_.id + 100)->empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, RecordStoreTest, kBothBackends, BackendName);
INSTANTIATE_TEST_SUITE_P(Backends, ComplianceScenario, kBothBackends, BackendName);

}  // namespace
}  // namespace gongkai
