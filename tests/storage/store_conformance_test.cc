// Storage conformance: the same test bodies against every Store backend.
// SQLite runs on a fresh file per test; PostgreSQL on a fresh database per
// test in the throwaway cluster that ctest's `pg` fixture starts
// (scripts/pg_test_cluster.sh). The PostgreSQL half is skipped when no
// cluster is available (no PostgreSQL binaries on the machine).
//
// PostgreSQL location: GONGKAI_TEST_PG_URL (a URL to any database of a
// server where the user may CREATE DATABASE), else the first line of the
// file named by GONGKAI_TEST_PG_URL_FILE (written by the cluster script).
//
// Only the methods PgStore implements so far are covered here.
#include "tests/storage/store_fixture.h"

namespace gongkai {
namespace {

using namespace storage_test;

// ---- migrations ------------------------------------------------------------------

TEST_P(StoreTest, MigrateIsIdempotent) {
  auto first = store_->SchemaVersion();
  ASSERT_TRUE(first);
  EXPECT_GT(*first, 0);
  auto again = store_->Migrate();
  ASSERT_TRUE(again) << again.error().Describe();
  EXPECT_EQ(*again, *first);
  EXPECT_EQ(*store_->SchemaVersion(), *first);
  // Re-running kept the data.
  EXPECT_TRUE(store_->FindSite("demo"));
}

TEST_P(StoreTest, ConcurrentMigrationsOfAFreshDatabaseBothSucceed) {
  // A second, empty database for this test: reuse the fixture's location
  // with a new name / file.
  std::string fresh;
  if (GetParam() == Backend::kSqlite) {
    fresh = (dir_ / "fresh.db").string();
  } else {
    pqxx::connection admin(admin_url_);
    pqxx::nontransaction tx(admin);
    tx.exec("CREATE DATABASE " + tx.quote_name(db_name_ + "_m"));
    fresh = WithDatabase(admin_url_, db_name_ + "_m");
  }
  const int version = *store_->SchemaVersion();
  std::vector<std::unique_ptr<Store>> stores;
  for (int i = 0; i < 3; ++i) {
    if (GetParam() == Backend::kSqlite) {
      auto s = SqliteStore::Open(fresh, 1);
      ASSERT_TRUE(s) << s.error().Describe();
      stores.push_back(std::move(*s));
    } else {
      auto s = PgStore::Open(fresh, 1);
      ASSERT_TRUE(s) << s.error().Describe();
      stores.push_back(std::move(*s));
    }
  }
  std::vector<Result<int>> results(stores.size(), 0);
  {
    std::vector<std::jthread> threads;
    for (std::size_t i = 0; i < stores.size(); ++i) threads.emplace_back([&, i] { results[i] = stores[i]->Migrate(); });
  }
  for (const auto& r : results) {
    ASSERT_TRUE(r) << r.error().Describe();
    EXPECT_EQ(*r, version);
  }
  EXPECT_TRUE(stores[0]->CreateSite(NewSite{"x", "某区", ""}));
  stores.clear();
  if (GetParam() == Backend::kPostgres) {
    pqxx::connection admin(admin_url_);
    pqxx::nontransaction tx(admin);
    tx.exec("DROP DATABASE " + tx.quote_name(db_name_ + "_m") + " WITH (FORCE)");
  }
}

// ---- sites -----------------------------------------------------------------------------

TEST_P(StoreTest, SitesRoundTrip) {
  auto found = store_->FindSite("demo");
  ASSERT_TRUE(found) << found.error().Describe();
  EXPECT_EQ(found->id, site_.id);
  EXPECT_EQ(found->name, "示例区人民政府");
  EXPECT_EQ(found->host, "");
  EXPECT_EQ(found->revision, 0);
  EXPECT_EQ(found->index_pattern, std::string(kDefaultIndexPattern));

  auto second = store_->CreateSite(NewSite{"east", "东区人民政府", "east.example.cn"});
  ASSERT_TRUE(second) << second.error().Describe();
  EXPECT_NE(second->id, site_.id);
  auto all = store_->ListSites();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].slug, "demo");
  EXPECT_EQ((*all)[1].slug, "east");
  EXPECT_EQ((*all)[1].host, "east.example.cn");
  EXPECT_EQ(*store_->Revision(second->id), 0);
}

TEST_P(StoreTest, SiteErrors) {
  auto dup = store_->CreateSite(NewSite{"demo", "另一个", ""});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
  EXPECT_EQ(dup.error().field, "slug");
  EXPECT_EQ(store_->ListSites()->size(), 1u);

  // Sites are routed by host name: one host, one site (sites without a
  // host of their own do not collide).
  ASSERT_TRUE(store_->CreateSite(NewSite{"east", "东区", "east.example.cn"}));
  auto same_host = store_->CreateSite(NewSite{"west", "西区", "east.example.cn"});
  ASSERT_FALSE(same_host);
  EXPECT_EQ(same_host.error().code, ErrorCode::kConflict);
  EXPECT_EQ(same_host.error().field, "host");
  ASSERT_TRUE(store_->CreateSite(NewSite{"north", "北区", ""}));
  ASSERT_TRUE(store_->CreateSite(NewSite{"south", "南区", ""}));
  EXPECT_EQ(store_->ListSites()->size(), 4u);

  auto missing = store_->FindSite("nowhere");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  auto rev = store_->Revision(site_.id + 100);
  ASSERT_FALSE(rev);
  EXPECT_EQ(rev.error().code, ErrorCode::kNotFound);
}

// ---- catalogue -------------------------------------------------------------------------

TEST_P(StoreTest, CatalogRoundTripBumpsRevision) {
  auto none = store_->LoadCatalog(site_.id);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::kNotFound);

  ASSERT_TRUE(store_->SaveCatalog(site_.id, seed_));
  auto loaded = store_->LoadCatalog(site_.id);
  ASSERT_TRUE(loaded) << loaded.error().Describe();
  EXPECT_TRUE(*loaded == seed_);
  EXPECT_EQ(Rev(), 1);
  ASSERT_TRUE(store_->SaveCatalog(site_.id, seed_));
  EXPECT_EQ(Rev(), 2);
}

TEST_P(StoreTest, CatalogSaveKeepsIdentitiesAndDropsWhatIsGone) {
  ASSERT_TRUE(store_->SaveCatalog(site_.id, seed_));
  ASSERT_GE(seed_.areas.size(), 1u);
  ASSERT_GE(seed_.areas[0].items.size(), 2u);
  const Item& kept = seed_.areas[0].items[0];
  const Item& dropped = seed_.areas[0].items[1];
  const std::string unit = kept.units.front();
  const auto item_sql = [&](int number) {
    return fmt::format("SELECT id FROM items WHERE site_id = {} AND number = {}", site_.id, number);
  };
  const std::int64_t item_id = QueryInt(item_sql(kept.number));
  const std::int64_t unit_id =
      QueryInt(fmt::format("SELECT id FROM units WHERE site_id = {} AND name = '{}'", site_.id, unit));
  const std::int64_t element_id = QueryInt(
      fmt::format("SELECT id FROM elements WHERE item_id = {} AND name = '{}'", item_id, kept.elements[0].name));
  const std::int64_t area_id =
      QueryInt(fmt::format("SELECT id FROM areas WHERE site_id = {} AND number = {}", site_.id, seed_.areas[0].number));

  // Edit: new titles and an extra element on the kept item, the second
  // item gone, the units listed in reverse order.
  Catalog edited = seed_;
  Item& e = edited.areas[0].items[0];
  e.title += "（修订）";
  e.elements.insert(e.elements.begin(), Element{"新增要素", "新规则"});
  edited.areas[0].title += "（修订）";
  edited.areas[0].items.erase(edited.areas[0].items.begin() + 1);
  std::reverse(edited.units.begin(), edited.units.end());
  ASSERT_TRUE(store_->SaveCatalog(site_.id, edited));

  auto loaded = store_->LoadCatalog(site_.id);
  ASSERT_TRUE(loaded) << loaded.error().Describe();
  EXPECT_TRUE(*loaded == edited);
  EXPECT_EQ(QueryInt(item_sql(kept.number)), item_id);
  EXPECT_EQ(QueryInt(fmt::format("SELECT id FROM units WHERE site_id = {} AND name = '{}'", site_.id, unit)), unit_id);
  EXPECT_EQ(QueryInt(fmt::format("SELECT id FROM elements WHERE item_id = {} AND name = '{}'", item_id,
                                 kept.elements[0].name)),
            element_id);
  EXPECT_EQ(
      QueryInt(fmt::format("SELECT id FROM areas WHERE site_id = {} AND number = {}", site_.id, seed_.areas[0].number)),
      area_id);
  EXPECT_EQ(
      QueryInt(fmt::format("SELECT count(*) FROM items WHERE site_id = {} AND number = {}", site_.id, dropped.number)),
      0);
  EXPECT_EQ(Rev(), 2);
}

TEST_P(StoreTest, CatalogSaveIsAllOrNothing) {
  ASSERT_TRUE(store_->SaveCatalog(site_.id, seed_));
  // Invalid: refused before anything is written.
  Catalog bad = seed_;
  bad.areas[0].items[0].title = "改了标题";
  bad.areas[0].items[0].units = {"不存在的单位"};
  auto s = store_->SaveCatalog(site_.id, bad);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidInput);
  EXPECT_TRUE(*store_->LoadCatalog(site_.id) == seed_);
  EXPECT_EQ(Rev(), 1);
  // An absent site: NotFound, no catalogue appears for it.
  auto absent = store_->SaveCatalog(site_.id + 100, seed_);
  ASSERT_FALSE(absent);
  EXPECT_EQ(absent.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->LoadCatalog(site_.id + 100).error().code, ErrorCode::kNotFound);
}

// ---- calendar --------------------------------------------------------------------------

CalendarNotice OneDayNotice(int year, const char* day, bool off, const char* name) {
  return CalendarNotice{year, "https://www.gov.cn/notice", {CalendarDay{*Date::Parse(day), off, name}}};
}

TEST_P(StoreTest, CalendarVersions) {
  auto none = store_->LatestCalendar();
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
  EXPECT_EQ(*store_->LatestCalendarVersion(), 0);

  auto other = store_->CreateSite(NewSite{"east", "东区", ""});
  ASSERT_TRUE(other);
  std::vector<CalendarNotice> v1 = {OneDayNotice(2026, "2026-10-01", true, "国庆节")};
  std::vector<CalendarNotice> v2 = {OneDayNotice(2026, "2026-10-01", true, "国庆节"),
                                    OneDayNotice(2027, "2027-02-07", false, "春节")};
  v2[1].days.push_back(CalendarDay{*Date::Parse("2027-02-06"), true, "春节"});
  auto a = store_->AddCalendarVersion(v1, "导入2026年");
  ASSERT_TRUE(a) << a.error().Describe();
  auto b = store_->AddCalendarVersion(v2, "导入2027年");
  ASSERT_TRUE(b) << b.error().Describe();
  EXPECT_GT(b->id, a->id);
  EXPECT_FALSE(b->created_at.empty());

  auto latest = store_->LatestCalendar();
  ASSERT_TRUE(latest && latest->has_value());
  EXPECT_EQ((*latest)->id, b->id);
  EXPECT_EQ((*latest)->note, "导入2027年");
  EXPECT_EQ((*latest)->notices, v2);  // days in their stored order, not by date
  EXPECT_EQ(*store_->LatestCalendarVersion(), b->id);

  auto list = store_->ListCalendarVersions();
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, b->id);
  EXPECT_EQ((*list)[1].note, "导入2026年");
  EXPECT_TRUE((*list)[0].notices.empty());
  // Every site's revision moved, once per version.
  EXPECT_EQ(Rev(), 2);
  EXPECT_EQ(*store_->Revision(other->id), 2);
}

// ---- tracked deadlines -----------------------------------------------------------------

TEST_P(StoreTest, DeadlinesRecomputeAndLogChanges) {
  auto v1 = store_->AddCalendarVersion({OneDayNotice(2026, "2026-10-01", true, "国庆节")}, "v1");
  ASSERT_TRUE(v1);
  TrackedDeadline d;
  d.site_id = site_.id;
  d.subject = "预算公开";
  d.item_number = 3;
  d.element = "部门预算";
  d.rule_id = "default";
  d.rule_days = 20;
  d.event = *Date::Parse("2026-09-01");
  d.due = *Date::Parse("2026-09-29");
  d.provisional = true;
  d.calendar_version = v1->id;
  auto a = store_->AddDeadline(d);
  ASSERT_TRUE(a) << a.error().Describe();
  TrackedDeadline closed = d;
  closed.open = false;
  auto b = store_->AddDeadline(closed);
  ASSERT_TRUE(b);
  TrackedDeadline same = d;
  auto c = store_->AddDeadline(same);
  ASSERT_TRUE(c);

  auto got = store_->GetDeadline(a->id);
  ASSERT_TRUE(got) << got.error().Describe();
  EXPECT_EQ(got->subject, "预算公开");
  EXPECT_EQ(got->element, "部门预算");
  EXPECT_EQ(got->rule_days, 20);
  EXPECT_EQ(got->event, d.event);
  EXPECT_EQ(got->due, d.due);
  EXPECT_TRUE(got->provisional);
  EXPECT_TRUE(got->open);
  EXPECT_FALSE(store_->GetDeadline(b->id)->open);
  auto missing = store_->GetDeadline(c->id + 100);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);

  auto v2 = store_->AddCalendarVersion({OneDayNotice(2026, "2026-10-02", true, "国庆节")}, "v2");
  ASSERT_TRUE(v2);
  auto open = store_->OpenDeadlinesBefore(v2->id);
  ASSERT_TRUE(open);
  ASSERT_EQ(open->size(), 2u);  // the closed one is left alone
  EXPECT_EQ((*open)[0].id, a->id);
  EXPECT_EQ((*open)[1].id, c->id);
  EXPECT_TRUE(store_->OpenDeadlinesBefore(v1->id)->empty());

  TrackedDeadline moved = (*open)[0];
  moved.due = *Date::Parse("2026-09-30");
  moved.provisional = false;
  TrackedDeadline unchanged = (*open)[1];
  ASSERT_TRUE(store_->ApplyRecomputedDeadlines({moved, unchanged}, v2->id));
  // Applying again (another process) changes nothing and logs nothing.
  TrackedDeadline again = moved;
  again.due = *Date::Parse("2026-12-31");
  ASSERT_TRUE(store_->ApplyRecomputedDeadlines({again}, v2->id));

  auto after = store_->GetDeadline(a->id);
  EXPECT_EQ(after->due, moved.due);
  EXPECT_FALSE(after->provisional);
  EXPECT_EQ(after->calendar_version, v2->id);
  EXPECT_EQ(store_->GetDeadline(c->id)->calendar_version, v2->id);
  EXPECT_TRUE(store_->OpenDeadlinesBefore(v2->id)->empty());

  auto changes = store_->DeadlineChanges(a->id);
  ASSERT_TRUE(changes);
  ASSERT_EQ(changes->size(), 1u);
  EXPECT_EQ((*changes)[0].old_due, d.due);
  EXPECT_EQ((*changes)[0].new_due, moved.due);
  EXPECT_TRUE((*changes)[0].old_provisional);
  EXPECT_FALSE((*changes)[0].new_provisional);
  EXPECT_EQ((*changes)[0].calendar_version, v2->id);
  EXPECT_TRUE(store_->DeadlineChanges(c->id)->empty());
  EXPECT_EQ(store_->DeadlineChanges(0)->size(), 1u);

  TrackedDeadline ghost = moved;
  ghost.id = c->id + 100;
  auto s = store_->ApplyRecomputedDeadlines({ghost}, v2->id + 1);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kNotFound);
}

// ---- audit -----------------------------------------------------------------------------

TEST_P(StoreTest, AuditNewestFirstPerSite) {
  auto other = store_->CreateSite(NewSite{"east", "东区", ""});
  ASSERT_TRUE(other);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(store_->AppendAudit(Audit(fmt::format("动作{}", i))));
  AuditEntry foreign = Audit("别的站点", other->id);
  foreign.before_json = R"({"a":1})";
  ASSERT_TRUE(store_->AppendAudit(foreign));

  auto page = store_->ListAudit(site_.id, 2, 1);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].action, "动作3");
  EXPECT_EQ((*page)[1].action, "动作2");
  EXPECT_GT((*page)[0].id, (*page)[1].id);
  EXPECT_EQ(AuditCount(), 5u);
  auto theirs = store_->ListAudit(other->id, 10, 0);
  ASSERT_EQ(theirs->size(), 1u);
  EXPECT_EQ((*theirs)[0].before_json, R"({"a":1})");
  EXPECT_EQ((*theirs)[0].after_json, "null");
  EXPECT_EQ((*theirs)[0].at, "2026-09-25T02:00:00Z");
}

// ---- units -----------------------------------------------------------------------------

TEST_P(StoreTest, UpdateUnitRenamesAndReferencesFollow) {
  ASSERT_TRUE(store_->SaveCatalog(site_.id, seed_));
  const UnitInfo old = seed_.units.front();
  auto acc = store_->CreateAccount(MakeAccount("liaison1"), Audit("创建账号"));
  ASSERT_TRUE(acc) << acc.error().Describe();
  ApiToken t;
  t.site_id = site_.id;
  t.name = "业务系统";
  t.unit = old.name;
  t.token_hash = std::string(64, 'a');
  t.created_by = "admin";
  t.created_at = "2026-09-25T02:00:00Z";
  auto tok = store_->CreateApiToken(t, Audit("创建令牌"));
  ASSERT_TRUE(tok) << tok.error().Describe();

  UnitInfo renamed = old;
  renamed.name = old.name + "（新）";
  renamed.aliases.push_back(old.name);
  renamed.org_code = "11110000";
  renamed.active = false;
  const auto audits = AuditCount();
  const auto rev = Rev();
  ASSERT_TRUE(store_->UpdateUnit(site_.id, old.name, renamed, Audit("修改单位")));
  auto cat = store_->LoadCatalog(site_.id);
  ASSERT_TRUE(cat);
  EXPECT_EQ(cat->units.front(), renamed);
  for (const auto& a : cat->areas)
    for (const auto& it : a.items)
      for (const auto& u : it.units) EXPECT_NE(u, old.name);
  EXPECT_EQ(store_->GetAccount(acc->id)->unit, renamed.name);
  EXPECT_EQ(store_->GetApiToken(tok->id)->unit, renamed.name);
  EXPECT_EQ(AuditCount(), audits + 1);
  EXPECT_EQ(Rev(), rev + 1);
}

TEST_P(StoreTest, UpdateUnitErrorsChangeNothing) {
  ASSERT_TRUE(store_->SaveCatalog(site_.id, seed_));
  ASSERT_GE(seed_.units.size(), 2u);
  const auto audits = AuditCount();
  const auto rev = Rev();
  UnitInfo clash = seed_.units[0];
  clash.name = seed_.units[1].name;
  clash.short_name = "不该写入";
  auto s = store_->UpdateUnit(site_.id, seed_.units[0].name, clash, Audit("修改单位"));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kConflict);
  auto missing = store_->UpdateUnit(site_.id, "没有这个单位", seed_.units[0], Audit("修改单位"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(*store_->LoadCatalog(site_.id) == seed_);
  EXPECT_EQ(AuditCount(), audits);
  EXPECT_EQ(Rev(), rev);
}

TEST_P(StoreTest, ChangeItemUnitWithHistory) {
  ASSERT_TRUE(store_->SaveCatalog(site_.id, seed_));
  const Item& item = seed_.areas[0].items[0];
  std::string outsider;
  for (const auto& u : seed_.units)
    if (std::find(item.units.begin(), item.units.end(), u.name) == item.units.end()) outsider = u.name;
  ASSERT_FALSE(outsider.empty());
  const auto rev = Rev();

  ASSERT_TRUE(store_->ChangeItemUnit(site_.id, item.number, outsider, true, "职能调整", Audit("增加责任单位")));
  auto cat = store_->LoadCatalog(site_.id);
  auto units = cat->areas[0].items[0].units;
  ASSERT_EQ(units.size(), item.units.size() + 1);
  EXPECT_EQ(units.back(), outsider);  // appended after the existing ones

  auto twice = store_->ChangeItemUnit(site_.id, item.number, outsider, true, "", Audit("增加责任单位"));
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, ErrorCode::kConflict);
  ASSERT_TRUE(store_->ChangeItemUnit(site_.id, item.number, outsider, false, "撤回", Audit("移除责任单位")));
  EXPECT_EQ(store_->LoadCatalog(site_.id)->areas[0].items[0].units, item.units);

  auto no_item = store_->ChangeItemUnit(site_.id, 99999, outsider, true, "", Audit("x"));
  ASSERT_FALSE(no_item);
  EXPECT_EQ(no_item.error().code, ErrorCode::kNotFound);
  auto no_unit = store_->ChangeItemUnit(site_.id, item.number, "没有这个单位", true, "", Audit("x"));
  ASSERT_FALSE(no_unit);
  EXPECT_EQ(no_unit.error().code, ErrorCode::kNotFound);

  auto history = store_->UnitItemHistory(site_.id, outsider);
  ASSERT_TRUE(history);
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].change, "add");
  EXPECT_EQ((*history)[0].reason, "职能调整");
  EXPECT_EQ((*history)[0].item_number, item.number);
  EXPECT_EQ((*history)[1].change, "remove");
  EXPECT_EQ((*history)[1].actor, "admin");
  EXPECT_EQ(store_->UnitItemHistory(site_.id, "")->size(), 2u);
  EXPECT_TRUE(store_->UnitItemHistory(site_.id, item.units[0])->empty());
  EXPECT_EQ(Rev(), rev + 2);
}

TEST_P(StoreTest, RemovingTheLastUnitIsRefusedAndWritesNothing) {
  // Make the first item have exactly one unit.
  Catalog cat = seed_;
  cat.areas[0].items[0].units.resize(1);
  ASSERT_TRUE(store_->SaveCatalog(site_.id, cat));
  const auto audits = AuditCount();
  const auto rev = Rev();
  const auto& item = cat.areas[0].items[0];
  auto s = store_->ChangeItemUnit(site_.id, item.number, item.units[0], false, "撤", Audit("移除责任单位"));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kConflict);
  EXPECT_TRUE(store_->UnitItemHistory(site_.id, "")->empty());
  EXPECT_EQ(AuditCount(), audits);
  EXPECT_EQ(Rev(), rev);
}

// ---- accounts and sessions -------------------------------------------------------------

TEST_P(StoreTest, AccountsRoundTrip) {
  auto a = store_->CreateAccount(MakeAccount("zhang.san"), Audit("创建账号"));
  ASSERT_TRUE(a) << a.error().Describe();
  EXPECT_GT(a->id, 0);
  auto got = store_->GetAccount(a->id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->username, "zhang.san");
  EXPECT_EQ(got->display_name, "张三");
  EXPECT_EQ(got->role, Role::kLiaison);
  EXPECT_EQ(got->unit, seed_.units.front().name);
  EXPECT_EQ(got->password_hash, "$argon2id$hash");
  EXPECT_TRUE(got->must_change_password);
  EXPECT_TRUE(got->active);
  EXPECT_EQ(got->email, "zhang.san@example.cn");
  EXPECT_EQ(store_->FindAccount(site_.id, "zhang.san")->id, a->id);
  EXPECT_EQ(AuditCount(), 1u);

  Account changed = *got;
  changed.role = Role::kLeader;
  changed.active = false;
  changed.must_change_password = false;
  changed.email = "";
  changed.username = "ignored";  // usernames do not change
  ASSERT_TRUE(store_->UpdateAccount(changed, Audit("修改账号")));
  auto after = store_->GetAccount(a->id);
  EXPECT_EQ(after->role, Role::kLeader);
  EXPECT_FALSE(after->active);
  EXPECT_FALSE(after->must_change_password);
  EXPECT_EQ(after->email, "");
  EXPECT_EQ(after->username, "zhang.san");
  EXPECT_EQ(AuditCount(), 2u);

  ASSERT_TRUE(store_->CreateAccount(MakeAccount("li.si"), Audit("创建账号")));
  auto list = store_->ListAccounts(site_.id);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].username, "zhang.san");
  EXPECT_EQ((*list)[1].username, "li.si");
}

TEST_P(StoreTest, AccountErrors) {
  ASSERT_TRUE(store_->CreateAccount(MakeAccount("zhang.san"), Audit("创建账号")));
  auto dup = store_->CreateAccount(MakeAccount("zhang.san"), Audit("创建账号"));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
  EXPECT_EQ(dup.error().field, "username");
  EXPECT_EQ(AuditCount(), 1u);  // the refused creation wrote no audit entry
  // The same username in another site is another account.
  auto other = store_->CreateSite(NewSite{"east", "东区", ""});
  ASSERT_TRUE(other);
  EXPECT_TRUE(store_->CreateAccount(MakeAccount("zhang.san", other->id), Audit("创建账号", other->id)));

  EXPECT_EQ(store_->GetAccount(9999).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->FindAccount(site_.id, "nobody").error().code, ErrorCode::kNotFound);
  Account ghost = MakeAccount("ghost");
  ghost.id = 9999;
  auto s = store_->UpdateAccount(ghost, Audit("修改账号"));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(AuditCount(), 1u);
}

TEST_P(StoreTest, SessionsAndLoginFailures) {
  auto a = store_->CreateAccount(MakeAccount("zhang.san"), Audit("创建账号"));
  ASSERT_TRUE(a);
  Session s1{"hash1", a->id, "csrf1", "2026-09-25T02:00:00Z", "2026-09-25T10:00:00Z"};
  Session s2{"hash2", a->id, "csrf2", "2026-09-25T02:00:00Z", "2026-09-26T10:00:00Z"};
  ASSERT_TRUE(store_->CreateSession(s1));
  ASSERT_TRUE(store_->CreateSession(s2));
  auto dup = store_->CreateSession(s1);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);

  auto found = store_->FindSession("hash1", "2026-09-25T09:59:59Z");
  ASSERT_TRUE(found) << found.error().Describe();
  EXPECT_EQ(found->first.csrf_token, "csrf1");
  EXPECT_EQ(found->first.expires_at, "2026-09-25T10:00:00Z");
  EXPECT_EQ(found->second.id, a->id);
  EXPECT_EQ(found->second.username, "zhang.san");
  // Expired at `now` (expires_at is exclusive), or unknown: Unauthenticated.
  EXPECT_EQ(store_->FindSession("hash1", "2026-09-25T10:00:00Z").error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(store_->FindSession("nope", "2026-09-25T00:00:00Z").error().code, ErrorCode::kUnauthenticated);

  ASSERT_TRUE(store_->DeleteSession("hash1"));
  EXPECT_FALSE(store_->FindSession("hash1", "2026-09-25T03:00:00Z"));
  EXPECT_TRUE(store_->FindSession("hash2", "2026-09-25T03:00:00Z"));
  ASSERT_TRUE(store_->DeleteSessionsOf(a->id));
  EXPECT_FALSE(store_->FindSession("hash2", "2026-09-25T03:00:00Z"));

  for (const char* at : {"2026-09-25T01:00:00Z", "2026-09-25T02:00:00Z", "2026-09-25T03:00:00Z"})
    ASSERT_TRUE(store_->RecordLoginFailure(site_.id, "zhang.san", at));
  ASSERT_TRUE(store_->RecordLoginFailure(site_.id, "li.si", "2026-09-25T03:00:00Z"));
  EXPECT_EQ(*store_->CountLoginFailures(site_.id, "zhang.san", "2026-09-25T02:00:00Z"), 2);
  EXPECT_EQ(*store_->CountLoginFailures(site_.id, "zhang.san", "2026-09-25T00:00:00Z"), 3);
  EXPECT_EQ(*store_->CountLoginFailures(site_.id + 1, "zhang.san", "2026-09-25T00:00:00Z"), 0);
  ASSERT_TRUE(store_->ClearLoginFailures(site_.id, "zhang.san"));
  EXPECT_EQ(*store_->CountLoginFailures(site_.id, "zhang.san", "2026-09-25T00:00:00Z"), 0);
  EXPECT_EQ(*store_->CountLoginFailures(site_.id, "li.si", "2026-09-25T00:00:00Z"), 1);
}

TEST_P(StoreTest, ConcurrentAccountCreation) {
  // Several threads (the server's) creating accounts at once: each distinct
  // username is stored once with its own id; of the threads racing for one
  // username, exactly one wins and the others get Conflict.
  constexpr int kThreads = 4, kEach = 8;
  std::atomic<int> won{0}, conflicts{0}, other_errors{0};
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&, t] {
        for (int i = 0; i < kEach; ++i) {
          auto a = store_->CreateAccount(MakeAccount(fmt::format("user{}_{}", t, i)), Audit("创建账号"));
          if (!a) ++other_errors;
          auto race = store_->CreateAccount(MakeAccount(fmt::format("shared{}", i)), Audit("创建账号"));
          if (race)
            ++won;
          else if (race.error().code == ErrorCode::kConflict)
            ++conflicts;
          else
            ++other_errors;
        }
      });
  }
  EXPECT_EQ(other_errors.load(), 0);
  EXPECT_EQ(won.load(), kEach);
  EXPECT_EQ(conflicts.load(), (kThreads - 1) * kEach);
  auto list = store_->ListAccounts(site_.id);
  ASSERT_TRUE(list);
  EXPECT_EQ(list->size(), static_cast<std::size_t>(kThreads * kEach + kEach));
  std::set<std::int64_t> ids;
  for (const auto& a : *list) ids.insert(a.id);
  EXPECT_EQ(ids.size(), list->size());
  EXPECT_EQ(AuditCount(), list->size());
}

// ---- API tokens ------------------------------------------------------------------------

TEST_P(StoreTest, ApiTokens) {
  ApiToken t;
  t.site_id = site_.id;
  t.name = "财政局业务系统";
  t.unit = "区财政局";
  t.role = Role::kLeader;
  t.token_hash = std::string(64, 'b');
  t.created_by = "admin";
  t.created_at = "2026-09-25T02:00:00Z";
  auto a = store_->CreateApiToken(t, Audit("创建令牌"));
  ASSERT_TRUE(a) << a.error().Describe();
  t.token_hash = std::string(64, 'c');
  auto b = store_->CreateApiToken(t, Audit("创建令牌"));
  ASSERT_TRUE(b);

  auto got = store_->GetApiToken(a->id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->name, "财政局业务系统");
  EXPECT_EQ(got->role, Role::kLeader);
  EXPECT_EQ(got->last_used_at, "");
  EXPECT_FALSE(got->revoked());
  EXPECT_EQ(store_->FindApiToken(std::string(64, 'c'))->id, b->id);
  EXPECT_EQ(store_->FindApiToken(std::string(64, 'd')).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->GetApiToken(b->id + 10).error().code, ErrorCode::kNotFound);
  auto list = store_->ListApiTokens(site_.id);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, a->id);

  auto dup = store_->CreateApiToken(t, Audit("创建令牌"));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
  EXPECT_EQ(AuditCount(), 2u);

  ASSERT_TRUE(store_->TouchApiToken(a->id, "2026-09-25T03:00:00Z"));
  EXPECT_EQ(store_->GetApiToken(a->id)->last_used_at, "2026-09-25T03:00:00Z");
  ASSERT_TRUE(store_->RevokeApiToken(a->id, "2026-09-25T04:00:00Z", Audit("吊销令牌")));
  EXPECT_EQ(store_->FindApiToken(std::string(64, 'b'))->revoked_at, "2026-09-25T04:00:00Z");
  auto again = store_->RevokeApiToken(a->id, "2026-09-25T05:00:00Z", Audit("吊销令牌"));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(store_->GetApiToken(a->id)->revoked_at, "2026-09-25T04:00:00Z");
  EXPECT_EQ(AuditCount(), 3u);
}

// ---- site settings and files -----------------------------------------------------------

TEST_P(StoreTest, SiteSettings) {
  EXPECT_EQ(*store_->GetSiteSetting(site_.id, "reminders"), "");
  ASSERT_TRUE(store_->SetSiteSetting(site_.id, "reminders", R"({"days":[3,1]})", Audit("设置")));
  ASSERT_TRUE(store_->SetSiteSetting(site_.id, "reminders", R"({"days":[5]})", Audit("设置")));
  EXPECT_EQ(*store_->GetSiteSetting(site_.id, "reminders"), R"({"days":[5]})");
  EXPECT_EQ(*store_->GetSiteSetting(site_.id, "other"), "");
  auto other = store_->CreateSite(NewSite{"east", "东区", ""});
  ASSERT_TRUE(other);
  EXPECT_EQ(*store_->GetSiteSetting(other->id, "reminders"), "");
  EXPECT_EQ(AuditCount(), 2u);
}

TEST_P(StoreTest, FilesByContent) {
  std::string bytes;
  for (int i = 0; i < 512; ++i) bytes.push_back(static_cast<char>(i % 256));  // NULs and high bytes
  StoredFile f{"ab" + std::string(62, '0'),
               "image/png",
               static_cast<std::int64_t>(bytes.size()),
               bytes,
               "2026-09-25T02:00:00Z",
               "",
               "none",
               ""};
  ASSERT_TRUE(store_->PutFile(f));
  auto got = store_->GetFile(f.sha256);
  ASSERT_TRUE(got) << got.error().Describe();
  EXPECT_EQ(got->content, bytes);
  EXPECT_EQ(got->mime, "image/png");
  EXPECT_EQ(got->size, 512);
  EXPECT_EQ(got->text_status, "none");

  StoredFile other = f;
  other.content = "different";
  other.mime = "text/plain";
  ASSERT_TRUE(store_->PutFile(other));  // same key: kept as it was
  EXPECT_EQ(store_->GetFile(f.sha256)->content, bytes);
  EXPECT_EQ(store_->GetFile(f.sha256)->mime, "image/png");
  EXPECT_EQ(store_->GetFile(std::string(64, 'f')).error().code, ErrorCode::kNotFound);
}

// ---- liaison registration -----------------------------------------------------------

TEST_P(StoreTest, RegistrationRoundsAndRegistrations) {
  RegistrationRound round{0,
                          site_.id,
                          "2026年联络员登记",
                          "2026-10-13T17:30:00+08:00",
                          "区政府办公室301室",
                          "2836212、2836275",
                          "2026-09-25T02:00:00Z"};
  auto r1 = store_->CreateRound(round, Audit("创建登记轮次"));
  ASSERT_TRUE(r1) << r1.error().Describe();
  round.title = "2027年联络员登记";
  auto r2 = store_->CreateRound(round, Audit("创建登记轮次"));
  ASSERT_TRUE(r2);
  auto rounds = store_->ListRounds(site_.id);
  ASSERT_EQ(rounds->size(), 2u);
  EXPECT_EQ((*rounds)[0].id, r2->id);  // newest first
  EXPECT_EQ((*rounds)[1].paper_phones, "2836212、2836275");
  auto audit = store_->ListAudit(site_.id, 1, 0);
  EXPECT_EQ((*audit)[0].target, fmt::format("登记轮次:{}", r2->id));
  EXPECT_EQ(store_->GetRound(site_.id, r1->id)->title, "2026年联络员登记");
  auto other = store_->CreateSite(NewSite{"east", "东区", ""});
  ASSERT_TRUE(other);
  EXPECT_EQ(store_->GetRound(other->id, r1->id).error().code, ErrorCode::kNotFound);  // another site's

  EXPECT_FALSE(store_->GetRegistration(r1->id, "区财政局")->has_value());
  Registration g;
  g.round_id = r1->id;
  g.unit = "区财政局";
  g.leader = Person{"李四", "副局长", "13800000000"};
  g.liaison = Person{"王五", "科员", "13900000000"};
  g.affiliation = "区财政局";
  g.submitted_at = g.first_submitted_at = "2026-09-26T02:00:00Z";
  g.submitted_by = "liaison1";
  Account existing = MakeAccount("czj.leader");
  existing.password_hash = "$argon2id$kept";
  ASSERT_TRUE(store_->CreateAccount(existing, Audit("创建账号")));
  Account leader = MakeAccount("czj.leader");
  leader.role = Role::kLeader;
  leader.display_name = "李四";
  leader.unit = "区财政局";
  Account liaison = MakeAccount("czj.liaison");
  liaison.display_name = "王五";
  liaison.unit = "区财政局";
  ASSERT_TRUE(store_->SaveRegistration(g, {leader, liaison}, Audit("提交登记")));

  auto got = store_->GetRegistration(r1->id, "区财政局");
  ASSERT_TRUE(got && got->has_value());
  EXPECT_EQ((*got)->leader, g.leader);
  EXPECT_EQ((*got)->liaison, g.liaison);
  EXPECT_EQ((*got)->paper, PaperStatus::kNone);
  // The existing account was updated but kept its password; the new one
  // cannot log in yet.
  auto kept = store_->FindAccount(site_.id, "czj.leader");
  EXPECT_EQ(kept->display_name, "李四");
  EXPECT_EQ(kept->role, Role::kLeader);
  EXPECT_EQ(kept->password_hash, "$argon2id$kept");
  auto fresh = store_->FindAccount(site_.id, "czj.liaison");
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->password_hash, "");
  EXPECT_TRUE(fresh->must_change_password);

  // Saving again replaces the registration (one per unit and round).
  g.submitted_at = "2026-09-27T02:00:00Z";
  g.paper = PaperStatus::kReceived;
  g.paper_note = "已签收";
  ASSERT_TRUE(store_->SaveRegistration(g, {}, Audit("签收")));
  g.unit = "区发改局";
  ASSERT_TRUE(store_->SaveRegistration(g, {}, Audit("提交登记")));
  auto all = store_->ListRegistrations(r1->id);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  std::set<std::string> units;
  for (const auto& x : *all) units.insert(x.unit);
  EXPECT_EQ(units, (std::set<std::string>{"区财政局", "区发改局"}));
  auto replaced = store_->GetRegistration(r1->id, "区财政局");
  EXPECT_EQ((*replaced)->paper, PaperStatus::kReceived);
  EXPECT_EQ((*replaced)->submitted_at, "2026-09-27T02:00:00Z");
  EXPECT_EQ((*replaced)->first_submitted_at, "2026-09-26T02:00:00Z");
  EXPECT_TRUE(store_->ListRegistrations(r2->id)->empty());
}

// ---- webhooks --------------------------------------------------------------------------

TEST_P(StoreTest, WebhookSubscribersAndDeliveries) {
  WebhookSubscriber s;
  s.site_id = site_.id;
  s.url = "https://example.cn/hook";
  s.description = "政务微信公众号";
  s.secret = "secret";
  s.delivered_seq = 7;
  s.created_at = "2026-09-25T02:00:00Z";
  s.created_by = "admin";
  auto a = store_->CreateSubscriber(s, Audit("创建推送订阅"));
  ASSERT_TRUE(a) << a.error().Describe();
  auto b = store_->CreateSubscriber(s, Audit("创建推送订阅"));
  ASSERT_TRUE(b);
  EXPECT_EQ((*store_->ListAudit(site_.id, 1, 0))[0].target, fmt::format("推送订阅:{}", b->id));
  auto got = store_->GetSubscriber(a->id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->url, s.url);
  EXPECT_TRUE(got->active);
  EXPECT_EQ(got->delivered_seq, 7);
  EXPECT_EQ(store_->GetSubscriber(b->id + 10).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->ListSubscribers(site_.id)->size(), 2u);

  WebhookDelivery ok{0, a->id, 8, "2026-09-25T03:00:00Z", 200, true, false, ""};
  WebhookSubscriber progress = *got;
  progress.delivered_seq = 8;
  ASSERT_TRUE(store_->RecordDelivery(ok, progress));
  WebhookDelivery failed{0, a->id, 9, "2026-09-25T03:01:00Z", 500, false, false, "服务器错误"};
  progress.failures = 1;
  progress.next_attempt_at = "2026-09-25T03:01:01Z";
  progress.last_error = "服务器错误";
  ASSERT_TRUE(store_->RecordDelivery(failed, progress));
  // A replay is logged but moves nothing.
  WebhookDelivery replay{0, a->id, 3, "2026-09-25T03:02:00Z", 200, true, true, ""};
  WebhookSubscriber ignored = progress;
  ignored.delivered_seq = 3;
  ASSERT_TRUE(store_->RecordDelivery(replay, ignored));
  WebhookDelivery other{0, b->id, 8, "2026-09-25T03:03:00Z", 0, false, false, "超时"};
  ASSERT_TRUE(store_->RecordDelivery(other, *b));

  auto after = store_->GetSubscriber(a->id);
  EXPECT_EQ(after->delivered_seq, 8);
  EXPECT_EQ(after->failures, 1);
  EXPECT_EQ(after->last_error, "服务器错误");
  auto mine = store_->ListDeliveries(site_.id, a->id, 10);
  ASSERT_TRUE(mine);
  ASSERT_EQ(mine->size(), 3u);
  EXPECT_TRUE((*mine)[0].replay);  // newest first
  EXPECT_EQ((*mine)[1].http_status, 500);
  EXPECT_FALSE((*mine)[1].ok);
  EXPECT_EQ(store_->ListDeliveries(site_.id, 0, 10)->size(), 4u);
  EXPECT_EQ(store_->ListDeliveries(site_.id, 0, 2)->size(), 2u);

  ASSERT_TRUE(store_->SetSubscriberActive(a->id, false, Audit("停用推送订阅")));
  after = store_->GetSubscriber(a->id);
  EXPECT_FALSE(after->active);
  EXPECT_EQ(after->failures, 0);
  EXPECT_EQ(after->next_attempt_at, "");
  EXPECT_EQ(store_->SetSubscriberActive(b->id + 10, true, Audit("x")).error().code, ErrorCode::kNotFound);
}

// ---- obligations --------------------------------------------------------------------

TEST_P(StoreTest, ObligationsWithTheirDeadlines) {
  auto v1 = store_->AddCalendarVersion({OneDayNotice(2026, "2026-10-01", true, "国庆节")}, "v1");
  ASSERT_TRUE(v1);
  auto make = [&](const std::string& unit, const char* formed, const char* due) {
    Obligation o;
    o.site_id = site_.id;
    o.unit = unit;
    o.item_number = 3;
    o.element = "部门预算";
    o.title = "预算公开 " + unit;
    o.formed_on = *Date::Parse(formed);
    o.created_at = "2026-09-01T00:00:00Z";
    o.created_by = "admin";
    TrackedDeadline d;
    d.site_id = site_.id;
    d.subject = o.title;
    d.item_number = 3;
    d.rule_id = "default";
    d.rule_days = 20;
    d.event = o.formed_on;
    d.due = *Date::Parse(due);
    d.provisional = true;
    d.calendar_version = v1->id;
    d.open = false;  // ignored: a new obligation's deadline is open
    return std::make_pair(o, d);
  };
  auto [o1, d1] = make("区财政局", "2026-09-01", "2026-09-29");
  auto [o2, d2] = make("区发改局", "2026-08-01", "2026-08-28");
  auto [o3, d3] = make("区财政局", "2026-09-10", "2026-10-15");
  auto a = store_->CreateObligation(o1, d1, Audit("登记待公开事项"));
  ASSERT_TRUE(a) << a.error().Describe();
  auto b = store_->CreateObligation(o2, d2, Audit("登记待公开事项"));
  auto c = store_->CreateObligation(o3, d3, Audit("登记待公开事项"));
  ASSERT_TRUE(b && c);
  EXPECT_EQ((*store_->ListAudit(site_.id, 1, 0))[0].target, fmt::format("待公开事项:{}", c->id));
  EXPECT_GT(a->deadline_id, 0);
  EXPECT_EQ(a->due_on, d1.due);

  auto got = store_->GetObligation(a->id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->unit, "区财政局");
  EXPECT_EQ(got->formed_on, o1.formed_on);
  EXPECT_EQ(got->due_on, d1.due);
  EXPECT_TRUE(got->provisional);
  EXPECT_EQ(got->state, ObligationState::kOpen);
  EXPECT_TRUE(store_->GetDeadline(a->deadline_id)->open);
  EXPECT_EQ(store_->GetObligation(c->id + 10).error().code, ErrorCode::kNotFound);

  auto all = store_->ListObligations(site_.id, "", std::nullopt);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].id, b->id);  // by due date
  EXPECT_EQ((*all)[1].id, a->id);
  EXPECT_EQ((*all)[2].id, c->id);
  EXPECT_EQ(store_->ListObligations(site_.id, "区财政局", std::nullopt)->size(), 2u);

  // The due date follows the tracked deadline.
  TrackedDeadline moved = *store_->GetDeadline(a->deadline_id);
  moved.due = *Date::Parse("2026-09-30");
  moved.provisional = false;
  auto v2 = store_->AddCalendarVersion({OneDayNotice(2026, "2026-10-02", true, "国庆节")}, "v2");
  ASSERT_TRUE(store_->ApplyRecomputedDeadlines({moved}, v2->id));
  EXPECT_EQ(store_->GetObligation(a->id)->due_on, moved.due);
  EXPECT_FALSE(store_->GetObligation(a->id)->provisional);

  Obligation withheld = *got;
  withheld.state = ObligationState::kWithheld;
  withheld.reason = "涉及国家秘密";
  withheld.ground = "state_secret";
  ASSERT_TRUE(store_->UpdateObligation(withheld, Audit("不予公开")));
  auto after = store_->GetObligation(a->id);
  EXPECT_EQ(after->state, ObligationState::kWithheld);
  EXPECT_EQ(after->reason, "涉及国家秘密");
  EXPECT_EQ(after->ground, "state_secret");
  EXPECT_FALSE(store_->GetDeadline(a->deadline_id)->open);  // stops following the calendar
  auto open = store_->ListObligations(site_.id, "区财政局", ObligationState::kOpen);
  ASSERT_EQ(open->size(), 1u);
  EXPECT_EQ((*open)[0].id, c->id);
  withheld.state = ObligationState::kOpen;
  ASSERT_TRUE(store_->UpdateObligation(withheld, Audit("恢复")));
  EXPECT_TRUE(store_->GetDeadline(a->deadline_id)->open);

  Obligation ghost = withheld;
  ghost.id = c->id + 10;
  const auto audits = AuditCount();
  EXPECT_EQ(store_->UpdateObligation(ghost, Audit("x")).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(AuditCount(), audits);
}

// ---- publication events (read side) ---------------------------------------------------

TEST_P(StoreTest, PublicationEventQueries) {
  // Written directly, for exact times and records of another site
  // (tests/storage/records_conformance_test.cc covers the writers).
  Exec(fmt::format(
      "INSERT INTO publication_events (site_id, record_id, version, kind, at, index_number, unit_name, item_number, "
      "title) VALUES "
      "({0}, 1, 1, 'publish', '2026-09-01T01:00:00Z', 'A/2026-1', '区财政局', 3, '甲'), "
      "({0}, 2, 1, 'publish', '2026-09-02T01:00:00Z', 'B/2026-1', '区发改局', 5, '乙'), "
      "({0}, 1, 2, 'revise', '2026-09-03T01:00:00Z', 'A/2026-1', '区财政局', 3, '甲（修订）'), "
      "({1}, 3, 1, 'publish', '2026-09-03T02:00:00Z', 'C/2026-1', '区财政局', 3, '丙'), "
      "({0}, 1, 2, 'withdraw', '2026-09-04T01:00:00Z', 'A/2026-1', '区财政局', 3, '甲（修订）')",
      site_.id, site_.id + 1));
  const std::int64_t first = QueryInt("SELECT min(seq) FROM publication_events");
  auto seqs = [](const Result<std::vector<PublicationEvent>>& r) {
    std::vector<std::int64_t> out;
    if (r)
      for (const auto& e : *r) out.push_back(e.seq);
    return out;
  };
  const std::int64_t s1 = first, s2 = first + 1, s3 = first + 2, s5 = first + 4;

  EventQuery all;
  auto newest = store_->ListPublicationEvents(site_.id, all);
  ASSERT_TRUE(newest) << newest.error().Describe();
  EXPECT_EQ(seqs(newest), (std::vector<std::int64_t>{s5, s3, s2, s1}));
  EXPECT_EQ((*newest)[0].kind, PublicationKind::kWithdraw);
  EXPECT_EQ((*newest)[0].title, "甲（修订）");
  EXPECT_EQ((*newest)[0].index_number, "A/2026-1");
  EXPECT_EQ((*newest)[0].version, 2);
  EventQuery by_item;
  by_item.items = {5, 7};
  EXPECT_EQ(seqs(store_->ListPublicationEvents(site_.id, by_item)), (std::vector<std::int64_t>{s2}));
  EventQuery by_unit;
  by_unit.unit = "区财政局";
  by_unit.newest_first = false;
  EXPECT_EQ(seqs(store_->ListPublicationEvents(site_.id, by_unit)), (std::vector<std::int64_t>{s1, s3, s5}));
  EventQuery sync;
  sync.record_id = 1;
  sync.after_seq = s1;
  sync.newest_first = false;
  EXPECT_EQ(seqs(store_->ListPublicationEvents(site_.id, sync)), (std::vector<std::int64_t>{s3, s5}));
  EventQuery limited;
  limited.limit = 2;
  EXPECT_EQ(seqs(store_->ListPublicationEvents(site_.id, limited)), (std::vector<std::int64_t>{s5, s3}));

  using Times = std::vector<std::pair<std::int64_t, std::string>>;
  auto times = store_->ListLastPublicationTimes(site_.id, 0, 10, 10);
  ASSERT_TRUE(times) << times.error().Describe();
  EXPECT_EQ(*times, (Times{{1, "2026-09-04T01:00:00Z"}, {2, "2026-09-02T01:00:00Z"}}));
  EXPECT_EQ(*store_->ListLastPublicationTimes(site_.id, 1, 10, 10), (Times{{2, "2026-09-02T01:00:00Z"}}));
  EXPECT_EQ(*store_->ListLastPublicationTimes(site_.id, 0, 1, 10), (Times{{1, "2026-09-04T01:00:00Z"}}));
  EXPECT_EQ(store_->ListLastPublicationTimes(site_.id, 0, 10, 1)->size(), 1u);
  EXPECT_TRUE(store_->ListLastPublicationTimes(site_.id, 0, 0, 10)->empty());
}

// ---- reminders and notices ---------------------------------------------------------

TEST_P(StoreTest, NoticesMarksAndEmailState) {
  auto a = store_->CreateAccount(MakeAccount("liaison.a"), Audit("创建账号"));
  auto b = store_->CreateAccount(MakeAccount("liaison.b"), Audit("创建账号"));
  ASSERT_TRUE(a && b);
  TrackedDeadline d;
  d.site_id = site_.id;
  d.subject = "预算公开";
  d.rule_id = "default";
  d.event = *Date::Parse("2026-09-01");
  d.due = *Date::Parse("2026-09-29");
  auto dl = store_->AddDeadline(d);
  ASSERT_TRUE(dl);
  Exec(fmt::format(
      "INSERT INTO obligations (site_id, unit_name, item_number, element, title, formed_on, deadline_id, state, "
      "record_id, reason, ground, created_at, created_by) VALUES ({}, '区财政局', 1, '', '预算', '2026-09-01', {}, "
      "'open', 0, '', '', '2026-09-01T00:00:00Z', 'admin')",
      site_.id, dl->id));
  const std::int64_t obligation = QueryInt("SELECT max(id) FROM obligations");

  Notice n1;
  n1.site_id = site_.id;
  n1.account_id = a->id;
  n1.created_at = "2026-09-25T02:00:00Z";
  n1.on_day = *Date::Parse("2026-09-25");
  n1.subject = "即将到期";
  n1.body = "预算公开将于9月29日到期。";
  n1.email_to = "a@example.cn";
  n1.email_status = EmailStatus::kPending;
  n1.marks = {ReminderMark{a->id, obligation, ReminderKind::kDueSoon, *Date::Parse("2026-09-29")}};
  Notice n2 = n1;
  n2.account_id = b->id;
  n2.email_to = "";
  n2.email_status = EmailStatus::kNone;
  n2.marks.clear();
  const auto audits = AuditCount();
  std::vector<Notice> batch = {n1, n2};
  auto saved = store_->SaveNotices(batch, Audit("发送提醒"));
  ASSERT_TRUE(saved) << saved.error().Describe();
  ASSERT_EQ(saved->size(), 2u);
  EXPECT_GT((*saved)[0].id, 0);
  EXPECT_GT((*saved)[1].id, (*saved)[0].id);
  // Sent again (another process got there first): skipped.
  std::vector<Notice> again = {n1};
  auto skipped = store_->SaveNotices(again, Audit("发送提醒"));
  ASSERT_TRUE(skipped);
  EXPECT_TRUE(skipped->empty());
  EXPECT_EQ(AuditCount(), audits + 2);
  auto marks = store_->ListReminderMarks(site_.id);
  ASSERT_TRUE(marks);
  ASSERT_EQ(marks->size(), 1u);
  EXPECT_EQ((*marks)[0], n1.marks[0]);

  auto all = store_->ListNotices(site_.id, 0, 10);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].account_id, b->id);  // newest first
  EXPECT_EQ((*all)[1].body, n1.body);
  EXPECT_EQ((*all)[1].on_day, n1.on_day);
  EXPECT_EQ(store_->ListNotices(site_.id, a->id, 10)->size(), 1u);
  EXPECT_EQ(store_->ListNotices(site_.id, 0, 1)->size(), 1u);

  EXPECT_EQ(*store_->CountUnreadNotices(a->id), 1);
  ASSERT_TRUE(store_->MarkNoticesRead(a->id, 0, "2026-09-25T03:00:00Z"));
  EXPECT_EQ(*store_->CountUnreadNotices(a->id), 0);
  EXPECT_EQ(*store_->CountUnreadNotices(b->id), 1);
  EXPECT_EQ((*store_->ListNotices(site_.id, a->id, 1))[0].read_at, "2026-09-25T03:00:00Z");

  const std::int64_t id = (*saved)[0].id;
  auto pending = store_->ListUndeliveredEmails(site_.id, 3);
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].id, id);
  EXPECT_TRUE(*store_->ClaimEmail(id));
  EXPECT_FALSE(*store_->ClaimEmail(id));
  EXPECT_TRUE(store_->ListUndeliveredEmails(site_.id, 3)->empty());
  ASSERT_TRUE(store_->RecordEmailAttempt(id, EmailStatus::kFailed, "连接超时"));
  auto failed = store_->ListUndeliveredEmails(site_.id, 3);
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ((*failed)[0].email_attempts, 1);
  EXPECT_EQ((*failed)[0].email_error, "连接超时");
  EXPECT_TRUE(store_->ListUndeliveredEmails(site_.id, 1)->empty());
  EXPECT_EQ(store_->RecordEmailAttempt(id + 100, EmailStatus::kSent, "").error().code, ErrorCode::kNotFound);

  // Several senders claiming the failed e-mail at once: one wins.
  std::atomic<int> won{0};
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&] {
        auto c = store_->ClaimEmail(id);
        if (c && *c) ++won;
      });
  }
  EXPECT_EQ(won.load(), 1);
}

// ---- publication ledger ------------------------------------------------------------

Digest Hash(std::uint8_t seed) {
  Digest d{};
  for (std::size_t i = 0; i < d.size(); ++i) d[i] = static_cast<std::uint8_t>(seed * 31 + i * 7);  // 0x00..0xff
  return d;
}

LedgerLeaf Leaf(std::int64_t site_id, std::uint64_t index, std::int64_t record_id) {
  return LedgerLeaf{site_id,
                    index,
                    static_cast<std::int64_t>(index) + 100,
                    record_id,
                    1,
                    fmt::format(R"({{"seq":{}}})", index + 100),
                    Hash(static_cast<std::uint8_t>(index))};
}

TEST_P(StoreTest, LedgerAppendAndRead) {
  auto empty = store_->LedgerSize(site_.id);
  ASSERT_TRUE(empty) << empty.error().Describe();
  EXPECT_EQ(empty->first, 0u);
  EXPECT_EQ(empty->second, 0);
  std::vector<LedgerLeaf> leaves = {Leaf(site_.id, 0, 7), Leaf(site_.id, 1, 8)};
  std::vector<LedgerNode> nodes = {LedgerNode{1, 0, Hash(200)}};
  const auto rev = Rev();
  ASSERT_TRUE(store_->AppendLedger(site_.id, leaves, nodes));
  EXPECT_EQ(Rev(), rev + 1);
  auto size = store_->LedgerSize(site_.id);
  EXPECT_EQ(size->first, 2u);
  EXPECT_EQ(size->second, 101);

  // Not continuing the ledger: Conflict, nothing written.
  std::vector<LedgerLeaf> stale = {Leaf(site_.id, 1, 9)};
  std::vector<LedgerNode> stale_nodes = {LedgerNode{2, 0, Hash(201)}};
  auto conflict = store_->AppendLedger(site_.id, stale, stale_nodes);
  ASSERT_FALSE(conflict);
  EXPECT_EQ(conflict.error().code, ErrorCode::kConflict);
  EXPECT_EQ(store_->LedgerNodeHash(site_.id, 2, 0).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Rev(), rev + 1);

  auto node = store_->LedgerNodeHash(site_.id, 1, 0);
  ASSERT_TRUE(node);
  EXPECT_EQ(*node, Hash(200));
  std::vector<std::pair<int, std::uint64_t>> which = {{1, 0}};
  auto many = store_->LedgerNodes(site_.id, which);
  ASSERT_TRUE(many);
  ASSERT_EQ(many->size(), 1u);
  EXPECT_EQ((*many)[0].hash, Hash(200));
  which.emplace_back(0, 5);
  EXPECT_EQ(store_->LedgerNodes(site_.id, which).error().code, ErrorCode::kNotFound);

  auto read = store_->ListLedgerLeaves(site_.id, 1, 10);
  ASSERT_TRUE(read);
  ASSERT_EQ(read->size(), 1u);
  EXPECT_EQ((*read)[0].index, 1u);
  EXPECT_EQ((*read)[0].data, leaves[1].data);
  EXPECT_EQ((*read)[0].hash, leaves[1].hash);
  EXPECT_EQ(store_->ListLedgerLeaves(site_.id, 0, 1)->size(), 1u);
  auto of_record = store_->LedgerLeavesOfRecord(site_.id, 8);
  ASSERT_EQ(of_record->size(), 1u);
  EXPECT_EQ((*of_record)[0].event_seq, 101);
  EXPECT_TRUE(store_->LedgerLeavesOfRecord(site_.id + 1, 8)->empty());

  SignedTreeHead h1{1, 1790000000, Hash(1), "note 1"};
  SignedTreeHead h2{2, 1790000100, Hash(2), "note 2"};
  ASSERT_TRUE(store_->SaveTreeHead(site_.id, h1));
  ASSERT_TRUE(store_->SaveTreeHead(site_.id, h2));
  auto heads = store_->ListTreeHeads(site_.id, 10);
  ASSERT_TRUE(heads);
  ASSERT_EQ(heads->size(), 2u);
  EXPECT_EQ((*heads)[0].size, 2u);  // newest first
  EXPECT_EQ((*heads)[0].root, Hash(2));
  EXPECT_EQ((*heads)[1].note, "note 1");
  EXPECT_EQ(store_->ListTreeHeads(site_.id, 1)->size(), 1u);
}

TEST_P(StoreTest, ConcurrentLedgerAppendsOneWins) {
  ASSERT_TRUE(store_->AppendLedger(site_.id, std::vector<LedgerLeaf>{Leaf(site_.id, 0, 1)}, {}));
  std::atomic<int> won{0}, conflicts{0};
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&, t] {
        LedgerLeaf l = Leaf(site_.id, 1, 2);
        l.event_seq = 1000 + t;  // each sequencer read another event
        auto s = store_->AppendLedger(site_.id, std::vector<LedgerLeaf>{l}, {});
        if (s)
          ++won;
        else if (s.error().code == ErrorCode::kConflict)
          ++conflicts;
      });
  }
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(conflicts.load(), 3);
  EXPECT_EQ(store_->LedgerSize(site_.id)->first, 2u);
}

TEST_P(StoreTest, LedgerKeysRetireAndReturn) {
  ASSERT_TRUE(store_->AddLedgerKey(site_.id, "demo+aaaa+k1", "2026-09-01T00:00:00Z"));
  ASSERT_TRUE(store_->AddLedgerKey(site_.id, "demo+bbbb+k2", "2026-09-02T00:00:00Z"));
  auto keys = store_->ListLedgerKeys(site_.id);
  ASSERT_TRUE(keys);
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[0].verifier_key, "demo+aaaa+k1");
  EXPECT_EQ((*keys)[0].retired_at, "2026-09-02T00:00:00Z");
  EXPECT_EQ((*keys)[1].verifier_key, "demo+bbbb+k2");  // current last
  EXPECT_EQ((*keys)[1].retired_at, "");
  const auto rev = Rev();
  ASSERT_TRUE(store_->AddLedgerKey(site_.id, "demo+bbbb+k2", "2026-09-03T00:00:00Z"));  // already current
  EXPECT_EQ(Rev(), rev);
  ASSERT_TRUE(store_->AddLedgerKey(site_.id, "demo+aaaa+k1", "2026-09-04T00:00:00Z"));  // taken back
  EXPECT_EQ(Rev(), rev + 1);
  keys = store_->ListLedgerKeys(site_.id);
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[0].verifier_key, "demo+bbbb+k2");
  EXPECT_EQ((*keys)[0].retired_at, "2026-09-04T00:00:00Z");
  EXPECT_EQ((*keys)[1].verifier_key, "demo+aaaa+k1");
  EXPECT_EQ((*keys)[1].retired_at, "");
  EXPECT_EQ((*keys)[1].created_at, "2026-09-01T00:00:00Z");
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, kBothBackends, BackendName);

// ---- PostgreSQL only ---------------------------------------------------------------------

// A pooled connection the server dropped (restart, idle timeout, an
// administrator's pg_terminate_backend) fails one call with a Storage
// error at most; the pool then reconnects.
TEST(PgStoreTest, DroppedConnectionIsReplaced) {
  const std::string url = PgUrl();
  if (url.empty()) GTEST_SKIP() << "no PostgreSQL test server";
  std::random_device rd;
  const std::string db = fmt::format("t_{}_{:08x}_drop", ::getpid(), rd());
  pqxx::connection admin(url);
  {
    pqxx::nontransaction tx(admin);
    tx.exec("CREATE DATABASE " + tx.quote_name(db));
  }
  {
    auto store = PgStore::Open(WithDatabase(url, db), 1);
    ASSERT_TRUE(store) << store.error().Describe();
    ASSERT_TRUE((*store)->Migrate());
    ASSERT_TRUE((*store)->CreateSite(NewSite{"demo", "示例区", ""}));
    {
      pqxx::nontransaction tx(admin);
      auto killed = tx.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = " + tx.quote(db));
      ASSERT_EQ(killed.size(), 1u);
    }
    Result<Site> first = Unexpected(Error::Internal("not run"));
    {
      // libpqxx 6.4 (Debian 12) does not free the PGresult of a query that
      // finds its connection dropped (about 2 KiB per dropped connection,
      // reported by LeakSanitizer inside libpq/libpqxx, not in gongkai's
      // code): not counted here, so that the sanitizer build stays strict
      // about everything else.
      [[maybe_unused]] LeakCheckPause pause;
      first = (*store)->FindSite("demo");
    }
    if (!first) {
      EXPECT_EQ(first.error().code, ErrorCode::kStorage) << first.error().Describe();
    }
    auto second = (*store)->FindSite("demo");
    ASSERT_TRUE(second) << second.error().Describe();
    EXPECT_EQ(second->name, "示例区");
  }
  pqxx::nontransaction tx(admin);
  tx.exec("DROP DATABASE " + tx.quote_name(db) + " WITH (FORCE)");
}

TEST(PgStoreTest, UnreachableServerIsAStorageError) {
  // Port 1 on the loopback: nothing listens there.
  auto store = PgStore::Open("postgresql://postgres@127.0.0.1:1/postgres?connect_timeout=2", 1);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kStorage);
}

}  // namespace
}  // namespace gongkai
