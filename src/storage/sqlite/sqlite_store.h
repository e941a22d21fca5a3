// The embedded SQLite implementation of the Store port.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "core/store.h"
#include "storage/sqlite/db.h"
#include "storage/sqlite/search_cache.h"

namespace gongkai {

class SqliteStore final : public Store {
 public:
  // Opens the database file (created if missing) with `connections` pooled
  // connections. Does not migrate: call Migrate().
  [[nodiscard]] static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path, int connections = 8);

  Result<int> Migrate() override;
  // PRAGMA synchronous of the sequencer's connection (2 = FULL, which every
  // commit but the ledger append keeps): for tests and diagnostics.
  Result<int> SynchronousLevel();
  // PRAGMA mmap_size of a pooled connection (`sequencer`: of the
  // sequencer's): for tests and diagnostics.
  Result<std::int64_t> MmapSize(bool sequencer);
  Result<int> SchemaVersion() override;
  Result<Site> FindSite(std::string_view slug) override;
  Result<std::vector<Site>> ListSites() override;
  Result<Site> CreateSite(const NewSite& site) override;
  Result<std::int64_t> Revision(std::int64_t site_id) override;
  Result<Catalog> LoadCatalog(std::int64_t site_id) override;
  Status SaveCatalog(std::int64_t site_id, const Catalog& catalog) override;
  Result<std::optional<CalendarVersion>> LatestCalendar() override;
  Result<std::vector<CalendarVersion>> ListCalendarVersions() override;
  Result<std::int64_t> LatestCalendarVersion() override;
  Result<CalendarVersion> AddCalendarVersion(const std::vector<CalendarNotice>& notices,
                                             const std::string& note) override;
  Result<TrackedDeadline> AddDeadline(const TrackedDeadline& deadline) override;
  Result<TrackedDeadline> GetDeadline(std::int64_t id) override;
  Result<std::vector<TrackedDeadline>> OpenDeadlinesBefore(std::int64_t version) override;
  Status ApplyRecomputedDeadlines(const std::vector<TrackedDeadline>& recomputed, std::int64_t version) override;
  Result<std::vector<DeadlineChange>> DeadlineChanges(std::int64_t deadline_id) override;
  Status AppendAudit(const AuditEntry& entry) override;
  Result<std::vector<AuditEntry>> ListAudit(std::int64_t site_id, int limit, int offset) override;
  Status UpdateUnit(std::int64_t site_id, const std::string& name, const UnitInfo& updated,
                    const AuditEntry& audit) override;
  Status ChangeItemUnit(std::int64_t site_id, int item_number, const std::string& unit, bool add,
                        const std::string& reason, const AuditEntry& audit) override;
  Result<std::vector<UnitItemChange>> UnitItemHistory(std::int64_t site_id, const std::string& unit) override;
  Result<Account> CreateAccount(const Account& account, const AuditEntry& audit) override;
  Status UpdateAccount(const Account& account, const AuditEntry& audit) override;
  Result<Account> GetAccount(std::int64_t id) override;
  Result<Account> FindAccount(std::int64_t site_id, const std::string& username) override;
  Result<std::vector<Account>> ListAccounts(std::int64_t site_id) override;
  Status CreateSession(const Session& session) override;
  Result<std::pair<Session, Account>> FindSession(const std::string& token_hash, const std::string& now) override;
  Status DeleteSession(const std::string& token_hash) override;
  Status DeleteSessionsOf(std::int64_t account_id) override;
  Status RecordLoginFailure(std::int64_t site_id, const std::string& username, const std::string& at) override;
  Result<int> CountLoginFailures(std::int64_t site_id, const std::string& username, const std::string& since) override;
  Status ClearLoginFailures(std::int64_t site_id, const std::string& username) override;
  Result<RegistrationRound> CreateRound(const RegistrationRound& round, const AuditEntry& audit) override;
  Result<std::vector<RegistrationRound>> ListRounds(std::int64_t site_id) override;
  Result<RegistrationRound> GetRound(std::int64_t site_id, std::int64_t round_id) override;
  Result<std::vector<Registration>> ListRegistrations(std::int64_t round_id) override;
  Result<std::optional<Registration>> GetRegistration(std::int64_t round_id, const std::string& unit) override;
  Status SaveRegistration(const Registration& registration, const std::vector<Account>& accounts,
                          const AuditEntry& audit) override;
  Result<Obligation> CreateObligation(const Obligation& obligation, const TrackedDeadline& deadline,
                                      const AuditEntry& audit) override;
  Result<Obligation> GetObligation(std::int64_t id) override;
  Result<std::vector<Obligation>> ListObligations(std::int64_t site_id, const std::string& unit,
                                                  std::optional<ObligationState> state) override;
  Status UpdateObligation(const Obligation& obligation, const AuditEntry& audit) override;
  Result<Record> CreateRecord(const Record& record, const AuditEntry& audit) override;
  Result<Record> GetRecord(std::int64_t id) override;
  Status SaveRecord(const Record& record, const AuditEntry& audit) override;
  Result<Record> PublishRecord(const Record& record, const RecordVersion& version, int year,
                               const AuditEntry& audit) override;
  using Store::ListComplianceRows;
  Result<std::vector<ComplianceRow>> ListComplianceRows(std::int64_t site_id, const ComplianceRowQuery& query) override;
  Result<std::vector<PriorPublication>> ListPriorPublications(std::int64_t site_id, Date before) override;
  Status VisitNeededComplianceRows(std::int64_t site_id, Date cutoff,
                                   const std::function<void(const ComplianceRow&)>& visit) override;
  Result<ComplianceSummary> SummariseComplianceRows(std::int64_t site_id, Date cutoff) override;
  Result<std::vector<AnnualRecordRow>> ListAnnualRecordRows(std::int64_t site_id) override;
  Result<std::string> GetSiteSetting(std::int64_t site_id, const std::string& key) override;
  Status SetSiteSetting(std::int64_t site_id, const std::string& key, const std::string& value,
                        const AuditEntry& audit) override;
  Result<std::vector<ReminderMark>> ListReminderMarks(std::int64_t site_id) override;
  Result<std::vector<Notice>> SaveNotices(std::span<const Notice> notices, const AuditEntry& audit) override;
  Result<std::vector<Notice>> ListNotices(std::int64_t site_id, std::int64_t account_id, int limit) override;
  Result<int> CountUnreadNotices(std::int64_t account_id) override;
  Status MarkNoticesRead(std::int64_t account_id, std::int64_t notice_id, const std::string& at) override;
  Result<std::vector<Notice>> ListUndeliveredEmails(std::int64_t site_id, int max_attempts) override;
  Result<bool> ClaimEmail(std::int64_t notice_id) override;
  Status RecordEmailAttempt(std::int64_t notice_id, EmailStatus status, const std::string& error) override;
  Result<std::vector<Record>> PublishRecords(std::span<const Publication> batch) override;
  Result<std::vector<RecordVersion>> ListVersions(std::int64_t record_id) override;
  Result<std::vector<Record>> ListRecords(std::int64_t site_id, const RecordFilter& filter) override;
  Result<int> CountRecords(std::int64_t site_id, const RecordFilter& filter) override;
  Result<std::vector<PublicationEvent>> ListPublicationEvents(std::int64_t site_id, const EventQuery& query) override;
  Result<std::vector<std::pair<std::int64_t, std::string>>> ListLastPublicationTimes(std::int64_t site_id,
                                                                                    std::int64_t after_id,
                                                                                    std::int64_t max_id,
                                                                                    int limit) override;
  Result<ApiToken> CreateApiToken(const ApiToken& token, const AuditEntry& audit) override;
  Result<ApiToken> GetApiToken(std::int64_t id) override;
  Result<ApiToken> FindApiToken(const std::string& token_hash) override;
  Result<std::vector<ApiToken>> ListApiTokens(std::int64_t site_id) override;
  Status RevokeApiToken(std::int64_t id, const std::string& at, const AuditEntry& audit) override;
  Status TouchApiToken(std::int64_t id, const std::string& at) override;
  Result<std::pair<std::uint64_t, std::int64_t>> LedgerSize(std::int64_t site_id) override;
  Result<Digest> LedgerNodeHash(std::int64_t site_id, int level, std::uint64_t index) override;
  Result<std::vector<LedgerNode>> LedgerNodes(std::int64_t site_id,
                                              std::span<const std::pair<int, std::uint64_t>> which) override;
  Result<std::vector<LedgerSource>> ListLedgerSources(std::int64_t site_id, std::int64_t after_seq,
                                                      int limit) override;
  Status AppendLedger(std::int64_t site_id, std::span<const LedgerLeaf> leaves,
                      std::span<const LedgerNode> nodes) override;
  Status MaintainStorage() override;
  Result<std::vector<LedgerLeaf>> ListLedgerLeaves(std::int64_t site_id, std::uint64_t start, int limit) override;
  Result<std::vector<LedgerLeaf>> LedgerLeavesOfRecord(std::int64_t site_id, std::int64_t record_id) override;
  Status SaveTreeHead(std::int64_t site_id, const SignedTreeHead& head) override;
  Result<std::vector<SignedTreeHead>> ListTreeHeads(std::int64_t site_id, int limit) override;
  Status AddLedgerKey(std::int64_t site_id, const std::string& verifier_key, const std::string& at) override;
  Result<std::vector<LedgerKeyInfo>> ListLedgerKeys(std::int64_t site_id) override;
  Result<WebhookSubscriber> CreateSubscriber(const WebhookSubscriber& s, const AuditEntry& audit) override;
  Result<std::vector<WebhookSubscriber>> ListSubscribers(std::int64_t site_id) override;
  Result<WebhookSubscriber> GetSubscriber(std::int64_t id) override;
  Status SetSubscriberActive(std::int64_t id, bool active, const AuditEntry& audit) override;
  Status RecordDelivery(const WebhookDelivery& attempt, const WebhookSubscriber& progress) override;
  Result<std::vector<WebhookDelivery>> ListDeliveries(std::int64_t site_id, std::int64_t subscriber_id,
                                                      int limit) override;
  Result<SearchResult> Search(std::int64_t site_id, const SearchRequest& request) override;
  Result<int> Reindex(std::int64_t site_id) override;
  Result<IndexCheck> CheckIndex(std::int64_t site_id) override;
  Status PutFile(const StoredFile& file) override;
  Result<StoredFile> GetFile(const std::string& sha256) override;
  Result<std::string> GetFileTextStart(const std::string& sha256, int max_chars) override;

  // Writes an audit entry on connection `c` (inside the caller's transaction).
  static Status WriteAudit(sqlite::Connection& c, const AuditEntry& entry);

  const std::string& path() const { return path_; }

  // For tests: the records per transaction of a full rebuild (Reindex of a
  // database whose index holds one site), and a function run after each
  // batch, as if another process wrote meanwhile. Not thread-safe: set
  // before use.
  void SetRebuildBatchForTesting(std::int64_t records, std::function<void()> after_batch = {}) {
    rebuild_batch_ = records;
    after_rebuild_batch_ = std::move(after_batch);
  }

 private:
  SqliteStore(std::string path, std::unique_ptr<sqlite::Pool> pool, std::unique_ptr<sqlite::Pool> sequencer_pool)
      : path_(std::move(path)), pool_(std::move(pool)), sequencer_pool_(std::move(sequencer_pool)) {}
  std::string path_;
  std::unique_ptr<sqlite::Pool> pool_;
  // The ledger sequencer's reads and append (LedgerSize, LedgerNodes,
  // ListLedgerSources, AppendLedger, ListTreeHeads, SaveTreeHead): its own
  // connections, without mmap. SQLite drops a connection's whole memory
  // map (and page cache) whenever another connection has committed since
  // its last read; the sequencer runs right after such commits and touches
  // a few dozen pages, which cost less as pread()s than as a new 2 GiB
  // mapping faulted in page by page (perf at 100,000 records: 1.29 ms of
  // CPU per single append with mmap, 0.44 ms without).
  std::unique_ptr<sqlite::Pool> sequencer_pool_;
  // Set when an append's commit skipped a WAL checkpoint (see AppendLedger).
  std::atomic<bool> checkpoint_due_{false};
  sqlite::SearchCache search_cache_;  // filter, facet and recency columns of the index
  std::int64_t rebuild_batch_ = 200000;  // see Reindex
  std::function<void()> after_rebuild_batch_;
};

}  // namespace gongkai
