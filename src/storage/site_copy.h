// `gongkai migrate`: copies one site from an embedded (SQLite) database
// into a PostgreSQL database, row for row and keeping every id, so that its
// public URLs, 索引号 and ledger stay what they were.
//
// The copy runs in one PostgreSQL transaction and is verified inside it
// before it commits: the rows of every copied table, by number and by
// content (a digest of each row's fields, read in one canonical form from
// either database), the ledger's size and root. A failure leaves the target
// as it was.
//
// Copied: the site, its catalogue, units, deadlines, accounts, audit log,
// registration, obligations, records with all versions, publication events,
// the ledger (leaves, nodes, heads, verifier keys), API tokens, webhooks,
// notices and settings; the calendar versions the target lacks (they are
// shared by all sites of a database, so a newer one becomes every site's
// current calendar); the stored files the site's records and registration
// refer to. Not copied: sessions and login failures (users sign in
// again), and SQLite's search and dashboard caches (the PostgreSQL search
// index is rebuilt for the site after the copy).
//
// Re-running is safe: when the target already holds the site (same slug)
// with the same rows (same content) and ledger, no row is written and the
// result says so; when it holds a different one, the copy is refused,
// naming the tables that differ. Calendar versions are compared by note
// and days, not by creation time.
//
// The search index is rebuilt after the commit; if that fails, the copy
// stands and the error says to run the command again. A re-run that finds
// the same site with an incomplete index (an earlier run was stopped after
// its commit, or is still building it) rebuilds the site's index.
//
// Limit: ids are unique per table in the database, not per site. A site
// whose ids are already used in the target (another district copied from
// its own embedded database) is refused, naming the table and id.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"

namespace gongkai {

struct SiteCopyReport {
  bool already_present = false;  // the target held the same site: nothing written
  std::vector<std::pair<std::string, long long>> rows;  // table -> rows copied (or present)
  long long ledger_size = 0;
  std::string ledger_root_hex;  // root of the newest signed head, "" if none
  int indexed = 0;              // records in the target's search index afterwards
  int calendars_copied = 0;     // calendar versions the target did not have (shared by all its sites)
  long long files = 0;          // stored files the site refers to (copied unless present)
  // already_present, but its search index was incomplete (an earlier copy
  // stopped before finishing it): it was rebuilt. The counts are before.
  bool reindexed = false;
  long long index_missing = 0, index_stale = 0;
};

// Copies site `slug` from the SQLite file `sqlite_path` (migrated to the
// current schema first if older) into PostgreSQL at `pg_url` (migrated as
// needed). Errors: NotFound (no such file or site), Invalid (the source is
// a directory or not a regular file), Conflict (the target has another
// site with that slug, a different copy of it, or ids in use), Storage.
[[nodiscard]] Result<SiteCopyReport> CopySiteToPostgres(const std::string& sqlite_path, const std::string& pg_url,
                                                        const std::string& slug);

}  // namespace gongkai
