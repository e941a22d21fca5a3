// The storage port: what the application needs from a database. The SQLite
// backend (src/storage/sqlite) implements it; a PostgreSQL backend will too.
// Implementations are thread-safe: one Store is shared by all server threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/accounts.h"
#include "core/annual_report.h"
#include "core/calendar.h"
#include "core/compliance.h"
#include "core/ledger.h"
#include "core/records.h"
#include "core/webhooks.h"
#include "core/reminders.h"
#include "core/registration.h"
#include "core/catalog.h"
#include "core/date.h"
#include "core/error.h"

namespace gongkai {

// One district's portal. A shared provincial platform hosts many.
struct ComplianceRowQuery {
  std::string unit;           // "" = every unit
  std::optional<Date> since;  // only rows with RowMatters(row, *since)
  bool with_text = true;      // element and title
};

struct Site {
  std::int64_t id = 0;
  std::string slug;       // short identifier, e.g. "demo"
  std::string name;       // e.g. "示例区人民政府"
  std::string host;       // host name routed to this site; empty = any
  std::int64_t revision = 0;  // bumped by every change to the site's content
  std::string index_pattern = std::string(kDefaultIndexPattern);  // 索引号 format
};

struct NewSite {
  std::string slug;
  std::string name;
  std::string host;
};

// One version of the working-day calendar. Every import makes a new version;
// old versions are kept. The calendar is national, shared by all sites.
struct CalendarVersion {
  std::int64_t id = 0;
  std::string created_at;  // ISO 8601 UTC
  std::string note;        // e.g. "导入2027年放假安排（2027.json）"
  std::vector<CalendarNotice> notices;
};

// A deadline the system keeps and recomputes when the calendar changes
// (obligations refer to one). `due` depends on the calendar version used.
struct TrackedDeadline {
  std::int64_t id = 0;
  std::int64_t site_id = 0;
  std::string subject;      // what is due, e.g. the obligation's title
  int item_number = 0;      // 0 when not tied to a catalogue item
  std::string element;      // may be empty
  std::string rule_id;
  int rule_days = 0;        // N actually used (the item's working days for the default rule)
  Date event;               // day 0
  Date due;
  bool provisional = false;
  std::int64_t calendar_version = 0;
  bool open = true;         // closed deadlines are never recomputed
};

// A recomputation of a tracked deadline after a calendar import.
struct DeadlineChange {
  std::int64_t deadline_id = 0;
  Date old_due;
  Date new_due;
  bool old_provisional = false;
  bool new_provisional = false;
  std::int64_t calendar_version = 0;  // the version that caused it
  std::string changed_at;             // ISO 8601 UTC (filled by the store)
};

// A change to which units answer for an item (kept as history).
struct UnitItemChange {
  std::string unit;
  int item_number = 0;
  std::string change;  // "add" or "remove"
  std::string reason;
  std::string actor;
  std::string changed_at;
};

// Which records a list shows.
struct RecordFilter {
  int item = 0;                // 0 = any
  std::vector<int> items;      // any of these items (an area); empty = any
  std::string unit;            // "" = any
  std::string element;         // "" = any
  bool published_only = true;  // only records with a published version (including withdrawn ones)
  std::vector<RecordStatus> statuses;  // empty = any
  // First published in [published_from, published_before), ISO 8601 UTC; "" = open.
  std::string published_from;
  std::string published_before;
  // Only records with a publication event (publish, revise, withdraw) at or
  // after this ISO 8601 UTC time; "" = any.
  std::string changed_since;
  // Cursor pagination: when >= 0, records with id > after_id in id order
  // (instead of newest first with `offset`).
  std::int64_t after_id = -1;
  std::int64_t max_id = 0;  // when > 0, only records with id <= max_id
  int limit = 20;
  int offset = 0;
};

// Which publication events a feed or a sync reads.
struct EventQuery {
  std::vector<int> items;     // any of these items; empty = any
  std::string unit;           // "" = any
  std::int64_t record_id = 0; // 0 = any
  std::int64_t after_seq = 0; // only events with seq > after_seq
  bool newest_first = true;   // else oldest first (sync, webhooks, ledger)
  int limit = 50;
};

// A publication event with what its ledger leaf is made of (app/ledger_actions.h).
struct LedgerSource {
  PublicationEvent event;
  Record record;
  RecordVersion version;  // the version the event names
};

// A full-text search over published records.
struct SearchRequest {
  std::string match;        // FTS5 MATCH expression (search/query.h ToFts5Match)
  // The same query as its parts, for backends without FTS5 (PostgreSQL):
  // search::SearchQuery's normalised terms and phrases (each must occur)
  // and exclusions (none may occur). `match` is made from these.
  std::vector<std::string> terms, phrases, excluded;
  std::vector<std::string> units;  // exact unit names allowed, empty = any
  std::vector<int> items;   // item numbers allowed, empty = any
  int year = 0;             // year of first publication, 0 = any
  std::string genre;        // 体裁, "" = any
  int limit = 20;
  int offset = 0;
};
struct FacetCount {
  std::string value;
  int count = 0;
};
struct SearchResult {
  std::vector<Record> hits;  // best first: BM25 with a title boost, then newest
  int total = 0;
  // Largest count first. by_item lists every item with a match (callers sum
  // it per area); the others at most kMaxFacetValues values.
  std::vector<FacetCount> by_item, by_unit, by_year, by_genre;
  static constexpr std::size_t kMaxFacetValues = 50;
};
struct IndexCheck {
  int indexed = 0;
  std::vector<std::int64_t> missing;  // published, not in the index
  std::vector<std::int64_t> stale;    // indexed with another title, or not public any more
};

// A file kept by content (scans of paper forms, later attachments).
struct StoredFile {
  std::string sha256;  // lowercase hex of content: the key
  std::string mime;
  std::int64_t size = 0;
  std::string content;
  std::string created_at;
  // Text extracted at upload (codec/text_extract.h), stored with the file so
  // that search and the personal-information scan read it without parsing
  // the file again. text_status: "ok"; "truncated" (a limit was reached);
  // "none" (a type without text, e.g. images); "failed" (text_note says
  // why, in Chinese); "" (stored before extraction existed).
  std::string text;
  std::string text_status;
  std::string text_note;
};

// One publication of a batch (see Store::PublishRecords).
struct Publication {
  Record record;
  RecordVersion version;
  int year = 0;  // of the publication, for the 索引号 serial
  AuditEntry audit;
};

class Store {
 public:
  Store() : instance_id_(NextInstanceId()) {}
  virtual ~Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Unique per Store object in this process (never reused), for caches
  // that must not outlive or confuse one store with another.
  std::uint64_t instance_id() const { return instance_id_; }

  // Applies pending schema migrations in order, each in its own transaction.
  // Returns the schema version reached.
  [[nodiscard]] virtual Result<int> Migrate() = 0;
  [[nodiscard]] virtual Result<int> SchemaVersion() = 0;

  // NotFound when absent.
  [[nodiscard]] virtual Result<Site> FindSite(std::string_view slug) = 0;
  [[nodiscard]] virtual Result<std::vector<Site>> ListSites() = 0;
  // Conflict when the slug exists.
  [[nodiscard]] virtual Result<Site> CreateSite(const NewSite& site) = 0;
  // The site's current content revision (cheap; used to validate caches).
  [[nodiscard]] virtual Result<std::int64_t> Revision(std::int64_t site_id) = 0;

  // The site's catalogue. NotFound when none was ever saved.
  [[nodiscard]] virtual Result<Catalog> LoadCatalog(std::int64_t site_id) = 0;
  // Replaces the site's catalogue as one transaction: either all of it is
  // stored or nothing changes. Areas, items, elements and units keep their
  // identity when their number/name is unchanged. Bumps the revision.
  [[nodiscard]] virtual Status SaveCatalog(std::int64_t site_id, const Catalog& catalog) = 0;

  // --- working-day calendar ---
  // The newest version, or nullopt when none was ever stored.
  [[nodiscard]] virtual Result<std::optional<CalendarVersion>> LatestCalendar() = 0;
  // The newest version's id, 0 when none (cheap: for caches).
  [[nodiscard]] virtual Result<std::int64_t> LatestCalendarVersion() = 0;
  // All versions, newest first (notices left empty: metadata only).
  [[nodiscard]] virtual Result<std::vector<CalendarVersion>> ListCalendarVersions() = 0;
  // Stores a new version; returns it with its id and time. Bumps every
  // site's revision (pages show deadlines computed with the calendar).
  [[nodiscard]] virtual Result<CalendarVersion> AddCalendarVersion(const std::vector<CalendarNotice>& notices,
                                                                   const std::string& note) = 0;

  // --- tracked deadlines ---
  [[nodiscard]] virtual Result<TrackedDeadline> AddDeadline(const TrackedDeadline& deadline) = 0;
  [[nodiscard]] virtual Result<TrackedDeadline> GetDeadline(std::int64_t id) = 0;
  // Open deadlines (of every site) computed with a calendar version older than `version`.
  [[nodiscard]] virtual Result<std::vector<TrackedDeadline>> OpenDeadlinesBefore(std::int64_t version) = 0;
  // Applies recomputed deadlines: sets due, provisional and calendar_version
  // of each, and records a DeadlineChange when the due date or the
  // provisional flag moved. One transaction.
  [[nodiscard]] virtual Status ApplyRecomputedDeadlines(const std::vector<TrackedDeadline>& recomputed,
                                                        std::int64_t version) = 0;
  // Recorded changes of a deadline, oldest first (all deadlines if id == 0).
  [[nodiscard]] virtual Result<std::vector<DeadlineChange>> DeadlineChanges(std::int64_t deadline_id) = 0;

  // --- audit log (append only) ---
  [[nodiscard]] virtual Status AppendAudit(const AuditEntry& entry) = 0;
  // Newest first.
  [[nodiscard]] virtual Result<std::vector<AuditEntry>> ListAudit(std::int64_t site_id, int limit, int offset) = 0;

  // --- units ---
  // Replaces one unit's details (looked up by `name`; the new name may
  // differ: the old one becomes an alias and accounts and registrations
  // follow), writing `audit` in the same transaction. NotFound, Conflict.
  [[nodiscard]] virtual Status UpdateUnit(std::int64_t site_id, const std::string& name, const UnitInfo& updated,
                                          const AuditEntry& audit) = 0;
  // Adds the unit to (add = true) or removes it from an item's responsible
  // units, recording the change with its reason and `audit`.
  [[nodiscard]] virtual Status ChangeItemUnit(std::int64_t site_id, int item_number, const std::string& unit,
                                              bool add, const std::string& reason, const AuditEntry& audit) = 0;
  [[nodiscard]] virtual Result<std::vector<UnitItemChange>> UnitItemHistory(std::int64_t site_id,
                                                                           const std::string& unit) = 0;

  // --- accounts and sessions ---
  // Conflict when the username is taken in the site.
  [[nodiscard]] virtual Result<Account> CreateAccount(const Account& account, const AuditEntry& audit) = 0;
  [[nodiscard]] virtual Status UpdateAccount(const Account& account, const AuditEntry& audit) = 0;
  [[nodiscard]] virtual Result<Account> GetAccount(std::int64_t id) = 0;
  // NotFound when absent.
  [[nodiscard]] virtual Result<Account> FindAccount(std::int64_t site_id, const std::string& username) = 0;
  [[nodiscard]] virtual Result<std::vector<Account>> ListAccounts(std::int64_t site_id) = 0;
  [[nodiscard]] virtual Status CreateSession(const Session& session) = 0;
  // The session and its account, or NotFound (also when expired at `now`).
  [[nodiscard]] virtual Result<std::pair<Session, Account>> FindSession(const std::string& token_hash,
                                                                        const std::string& now) = 0;
  [[nodiscard]] virtual Status DeleteSession(const std::string& token_hash) = 0;
  [[nodiscard]] virtual Status DeleteSessionsOf(std::int64_t account_id) = 0;
  [[nodiscard]] virtual Status RecordLoginFailure(std::int64_t site_id, const std::string& username,
                                                  const std::string& at) = 0;
  [[nodiscard]] virtual Result<int> CountLoginFailures(std::int64_t site_id, const std::string& username,
                                                       const std::string& since) = 0;
  [[nodiscard]] virtual Status ClearLoginFailures(std::int64_t site_id, const std::string& username) = 0;

  // --- API tokens (only the secret's hash is stored) ---
  // Stores a new token with `audit`; returns it with its id. Conflict if the hash exists.
  [[nodiscard]] virtual Result<ApiToken> CreateApiToken(const ApiToken& token, const AuditEntry& audit) = 0;
  // NotFound when absent.
  [[nodiscard]] virtual Result<ApiToken> GetApiToken(std::int64_t id) = 0;
  // The token whose secret hashes to `token_hash` (revoked ones too), or NotFound.
  [[nodiscard]] virtual Result<ApiToken> FindApiToken(const std::string& token_hash) = 0;
  // The site's tokens, oldest first.
  [[nodiscard]] virtual Result<std::vector<ApiToken>> ListApiTokens(std::int64_t site_id) = 0;
  // Sets revoked_at (if not yet revoked) and writes `audit`, in one transaction. NotFound.
  [[nodiscard]] virtual Status RevokeApiToken(std::int64_t id, const std::string& at, const AuditEntry& audit) = 0;
  // Sets last_used_at (no audit entry: every use would be one).
  [[nodiscard]] virtual Status TouchApiToken(std::int64_t id, const std::string& at) = 0;

  // --- liaison registration ---
  [[nodiscard]] virtual Result<RegistrationRound> CreateRound(const RegistrationRound& round,
                                                              const AuditEntry& audit) = 0;
  [[nodiscard]] virtual Result<std::vector<RegistrationRound>> ListRounds(std::int64_t site_id) = 0;
  // NotFound when absent or of another site.
  [[nodiscard]] virtual Result<RegistrationRound> GetRound(std::int64_t site_id, std::int64_t round_id) = 0;
  [[nodiscard]] virtual Result<std::vector<Registration>> ListRegistrations(std::int64_t round_id) = 0;
  [[nodiscard]] virtual Result<std::optional<Registration>> GetRegistration(std::int64_t round_id,
                                                                           const std::string& unit) = 0;
  // Inserts or replaces the unit's registration, creates or updates the
  // accounts in `accounts` (matched by username; an existing password is
  // kept) and writes `audit`, in one transaction.
  [[nodiscard]] virtual Status SaveRegistration(const Registration& registration,
                                                const std::vector<Account>& accounts, const AuditEntry& audit) = 0;

  // --- obligations and records ---
  // Stores the obligation and its tracked deadline in one transaction.
  [[nodiscard]] virtual Result<Obligation> CreateObligation(const Obligation& obligation,
                                                            const TrackedDeadline& deadline,
                                                            const AuditEntry& audit) = 0;
  // due_on and provisional come from the tracked deadline. NotFound.
  [[nodiscard]] virtual Result<Obligation> GetObligation(std::int64_t id) = 0;
  // Sorted by due date; `unit` "" = all units; `state` nullopt = any.
  [[nodiscard]] virtual Result<std::vector<Obligation>> ListObligations(std::int64_t site_id, const std::string& unit,
                                                                        std::optional<ObligationState> state) = 0;
  // Sets state, reason, ground and record_id; a closed obligation's deadline
  // stops following calendar changes.
  [[nodiscard]] virtual Status UpdateObligation(const Obligation& obligation, const AuditEntry& audit) = 0;

  [[nodiscard]] virtual Result<Record> CreateRecord(const Record& record, const AuditEntry& audit) = 0;
  [[nodiscard]] virtual Result<Record> GetRecord(std::int64_t id) = 0;
  // Saves the working copy and status (not the 索引号 or versions).
  [[nodiscard]] virtual Status SaveRecord(const Record& record, const AuditEntry& audit) = 0;
  // Publishes `record`'s working copy as the next version, in one
  // transaction: at first publication assigns the 索引号 from the site's
  // pattern, the unit's organisation code (or "U" + its id, 4 digits, when
  // it has none) and the next serial for (unit, year); appends the version;
  // marks the record published; closes its obligation and deadline; writes
  // `audit`. Returns the stored record.
  [[nodiscard]] virtual Result<Record> PublishRecord(const Record& record, const RecordVersion& version, int year,
                                                     const AuditEntry& audit) = 0;
  // Several publications in one transaction (a batch from a bulk import or
  // a unit publishing a list of records at once): all of them or none.
  // Returns the stored records in order.
  [[nodiscard]] virtual Result<std::vector<Record>> PublishRecords(std::span<const Publication> batch) = 0;
  [[nodiscard]] virtual Result<std::vector<RecordVersion>> ListVersions(std::int64_t record_id) = 0;
  // Newest first (by first publication, then id).
  [[nodiscard]] virtual Result<std::vector<Record>> ListRecords(std::int64_t site_id, const RecordFilter& filter) = 0;
  [[nodiscard]] virtual Result<int> CountRecords(std::int64_t site_id, const RecordFilter& filter) = 0;
  // Publication events (written by PublishRecord(s) and by SaveRecord when
  // a record is withdrawn, in the same transaction).
  // For each record of the site with an id in (after_id, max_id] that has
  // publication events, its id and the time of its latest one (ISO 8601
  // UTC), by id; at most `limit` (for sitemaps' lastmod).
  [[nodiscard]] virtual Result<std::vector<std::pair<std::int64_t, std::string>>> ListLastPublicationTimes(
      std::int64_t site_id, std::int64_t after_id, std::int64_t max_id, int limit) = 0;
  [[nodiscard]] virtual Result<std::vector<PublicationEvent>> ListPublicationEvents(std::int64_t site_id,
                                                                                  const EventQuery& query) = 0;

  // --- the publication ledger ---
  // Leaves in the site's ledger, and the sequence number of the last event in it (0 if none).
  [[nodiscard]] virtual Result<std::pair<std::uint64_t, std::int64_t>> LedgerSize(std::int64_t site_id) = 0;
  // A stored complete-subtree hash; NotFound if absent.
  [[nodiscard]] virtual Result<Digest> LedgerNodeHash(std::int64_t site_id, int level, std::uint64_t index) = 0;
  // Several stored complete-subtree hashes (level, index) in one read, in
  // the order asked; NotFound if one is absent.
  [[nodiscard]] virtual Result<std::vector<LedgerNode>> LedgerNodes(
      std::int64_t site_id, std::span<const std::pair<int, std::uint64_t>> which) = 0;
  // What the sequencer makes leaves of: the site's publication events after
  // `after_seq`, oldest first, at most `limit`, each with its record and
  // the one version it names, read in one transaction. Internal if an
  // event's record or version is missing (the ledger must not skip it).
  [[nodiscard]] virtual Result<std::vector<LedgerSource>> ListLedgerSources(std::int64_t site_id,
                                                                            std::int64_t after_seq, int limit) = 0;
  // Appends leaves (indexes continuing the ledger) with the subtree hashes
  // they complete, in one transaction. Conflict if the ledger's size is not
  // leaves.front().index (another sequencer got there first): nothing is written.
  [[nodiscard]] virtual Status AppendLedger(std::int64_t site_id, std::span<const LedgerLeaf> leaves,
                                            std::span<const LedgerNode> nodes) = 0;
  // Storage upkeep that AppendLedger leaves for later so that appends stay
  // short (for SQLite: a WAL checkpoint that came due during an append);
  // for a background caller, after appending. Does nothing if none is due.
  [[nodiscard]] virtual Status MaintainStorage() = 0;
  // Leaves [start, start + limit) that exist.
  [[nodiscard]] virtual Result<std::vector<LedgerLeaf>> ListLedgerLeaves(std::int64_t site_id, std::uint64_t start,
                                                                         int limit) = 0;
  // The leaves of one record (publication, revisions, withdrawal), in order.
  [[nodiscard]] virtual Result<std::vector<LedgerLeaf>> LedgerLeavesOfRecord(std::int64_t site_id,
                                                                             std::int64_t record_id) = 0;
  [[nodiscard]] virtual Status SaveTreeHead(std::int64_t site_id, const SignedTreeHead& head) = 0;
  // Newest first.
  [[nodiscard]] virtual Result<std::vector<SignedTreeHead>> ListTreeHeads(std::int64_t site_id, int limit) = 0;
  // Registers a signing key's public form (retiring the current one, if
  // another) and lists them, current last.
  [[nodiscard]] virtual Status AddLedgerKey(std::int64_t site_id, const std::string& verifier_key,
                                            const std::string& at) = 0;
  [[nodiscard]] virtual Result<std::vector<LedgerKeyInfo>> ListLedgerKeys(std::int64_t site_id) = 0;

  // --- event subscribers (webhooks) ---
  [[nodiscard]] virtual Result<WebhookSubscriber> CreateSubscriber(const WebhookSubscriber& s,
                                                                   const AuditEntry& audit) = 0;
  [[nodiscard]] virtual Result<std::vector<WebhookSubscriber>> ListSubscribers(std::int64_t site_id) = 0;
  [[nodiscard]] virtual Result<WebhookSubscriber> GetSubscriber(std::int64_t id) = 0;
  [[nodiscard]] virtual Status SetSubscriberActive(std::int64_t id, bool active, const AuditEntry& audit) = 0;
  // Logs an attempt and, unless it is a replay, moves the subscriber's
  // progress (delivered_seq, failures, next_attempt_at, last_error) to
  // `progress`'s, in one transaction.
  [[nodiscard]] virtual Status RecordDelivery(const WebhookDelivery& attempt, const WebhookSubscriber& progress) = 0;
  // Newest first; subscriber_id 0 = every subscriber of the site.
  [[nodiscard]] virtual Result<std::vector<WebhookDelivery>> ListDeliveries(std::int64_t site_id,
                                                                            std::int64_t subscriber_id, int limit) = 0;

  // Every obligation of the site (with its record's first publication, if
  // any) and every published record without an obligation, as rows for the
  // compliance figures (core/compliance.h). Cancelled obligations included
  // (the figures leave them out).
  [[nodiscard]] Result<std::vector<ComplianceRow>> ListComplianceRows(std::int64_t site_id) {
    return ListComplianceRows(site_id, ComplianceRowQuery{});
  }
  // The rows `query` selects: one unit's (unit != ""), those that matter for
  // a period starting on `since` (RowMatters), without element and title
  // when !with_text (the figures do not need them).
  [[nodiscard]] virtual Result<std::vector<ComplianceRow>> ListComplianceRows(std::int64_t site_id,
                                                                             const ComplianceRowQuery& query) = 0;
  // For each (unit, item) pair, the latest counted publication (not of a
  // cancelled or withheld row) before `before`: with the rows
  // ListComplianceRows selects for since = `before`, the figures equal
  // those over every row (ComplianceOptions::prior_publications).
  [[nodiscard]] virtual Result<std::vector<PriorPublication>> ListPriorPublications(std::int64_t site_id,
                                                                                   Date before) = 0;
  // The figures' input for a period whose SummaryCutoff() is `cutoff`
  // (core/compliance.h): every row with RowNeeded(row, cutoff), without
  // element and title, passed to `visit` one at a time in no particular
  // order (the row object is reused between calls: copy what you keep).
  [[nodiscard]] virtual Status VisitNeededComplianceRows(std::int64_t site_id, Date cutoff,
                                                         const std::function<void(const ComplianceRow&)>& visit) = 0;
  // ... and the rows it leaves out, summarised per (unit, item) pair: the
  // latest counted publication before `cutoff` (as ListPriorPublications)
  // and, for every pair with a row that is not cancelled, how many are
  // unpublished, neither withheld nor cancelled, and due before `cutoff`.
  // With both in ComplianceOptions, the figures equal those over every row.
  struct ComplianceSummary {
    std::vector<PriorPublication> publications;
    std::vector<PriorBacklog> backlog;
  };
  [[nodiscard]] virtual Result<ComplianceSummary> SummariseComplianceRows(std::int64_t site_id, Date cutoff) = 0;

  // Every record of the site ever published (withdrawn ones included), with
  // Beijing dates, for the annual report (core/annual_report.h).
  [[nodiscard]] virtual Result<std::vector<AnnualRecordRow>> ListAnnualRecordRows(std::int64_t site_id) = 0;

  // --- full-text search (the index is kept in the same transactions as
  // publication, revision and withdrawal) ---
  [[nodiscard]] virtual Result<SearchResult> Search(std::int64_t site_id, const SearchRequest& request) = 0;
  // Rebuilds the site's index from the current published versions.
  [[nodiscard]] virtual Result<int> Reindex(std::int64_t site_id) = 0;
  [[nodiscard]] virtual Result<IndexCheck> CheckIndex(std::int64_t site_id) = 0;

  // --- site settings (small JSON values keyed by name) ---
  // "" when the key was never set.
  [[nodiscard]] virtual Result<std::string> GetSiteSetting(std::int64_t site_id, const std::string& key) = 0;
  [[nodiscard]] virtual Status SetSiteSetting(std::int64_t site_id, const std::string& key, const std::string& value,
                                              const AuditEntry& audit) = 0;

  // --- reminders and notices ---
  // Every reminder mark of the site (what was already sent).
  [[nodiscard]] virtual Result<std::vector<ReminderMark>> ListReminderMarks(std::int64_t site_id) = 0;
  // Stores the notices and their marks in one transaction with `audit`. A
  // notice all of whose marks already exist (another process sent them
  // meanwhile) is skipped. Returns the stored notices (with ids).
  [[nodiscard]] virtual Result<std::vector<Notice>> SaveNotices(std::span<const Notice> notices,
                                                                const AuditEntry& audit) = 0;
  // Newest first. account_id 0 = every account of the site.
  [[nodiscard]] virtual Result<std::vector<Notice>> ListNotices(std::int64_t site_id, std::int64_t account_id,
                                                                int limit) = 0;
  [[nodiscard]] virtual Result<int> CountUnreadNotices(std::int64_t account_id) = 0;
  // Marks the account's unread notices read (all of them when id == 0).
  [[nodiscard]] virtual Status MarkNoticesRead(std::int64_t account_id, std::int64_t notice_id,
                                               const std::string& at) = 0;
  // Notices whose e-mail is pending, or failed fewer than `max_attempts` times; oldest first.
  [[nodiscard]] virtual Result<std::vector<Notice>> ListUndeliveredEmails(std::int64_t site_id, int max_attempts) = 0;
  // Marks the notice's e-mail as being sent by the caller: true if it was
  // pending or failed (the caller now owns it), false if another run has it.
  [[nodiscard]] virtual Result<bool> ClaimEmail(std::int64_t notice_id) = 0;
  // Records one delivery attempt (attempts + 1).
  [[nodiscard]] virtual Status RecordEmailAttempt(std::int64_t notice_id, EmailStatus status,
                                                  const std::string& error) = 0;

  // --- files, by content ---
  // Stores the file unless one with the same hash exists (never overwritten).
  [[nodiscard]] virtual Status PutFile(const StoredFile& file) = 0;
  [[nodiscard]] virtual Result<StoredFile> GetFile(const std::string& sha256) = 0;
  // The first `max_chars` characters of the text extracted from a file
  // ("" when it has none), without reading the file itself.
  [[nodiscard]] virtual Result<std::string> GetFileTextStart(const std::string& sha256, int max_chars) = 0;

 private:
  static std::uint64_t NextInstanceId() {
    static std::atomic<std::uint64_t> next{1};
    return next++;
  }
  std::uint64_t instance_id_;
};

}  // namespace gongkai
