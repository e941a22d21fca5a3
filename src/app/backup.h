// `gongkai backup` and `gongkai restore`: a consistent online backup of an
// embedded (SQLite) deployment, and its restoration on another machine.
//
// A backup is a directory:
//   gongkai.db              a snapshot of the whole database (every site),
//                           taken in one read transaction while servers
//                           keep writing (BackupStorage::snapshot), then checked
//                           (integrity_check). Attachments are stored in the
//                           database by content (Store::PutFile), so every
//                           file the snapshot's records refer to is in the
//                           snapshot: none can be missing, and files
//                           uploaded later are simply not in it.
//   keys/<slug>.ledger-key  each site's ledger signing key (and any retired
//   keys/<slug>.retired-…   keys kept beside it), mode 0600.
//   manifest.json           written last (its presence marks a complete
//                           backup): SHA-256 and size of every file above;
//                           per site the records, the ledger's size and
//                           root, attachments (count, bytes), all read from
//                           the snapshot; each key's public form.
//
// The keys are read after the snapshot and must be the keys the snapshot
// names as current; if a key was rotated in between, the backup is taken
// again (at most 3 times).
//
// Restoring checks every file against the manifest before writing
// anything, refuses to replace an existing database or key file, writes the
// copies under temporary names, checks the restored database against the
// manifest (sites, records, ledger size and root), and only then puts keys
// and database in place (the database last). Any failure leaves nothing
// behind.
//
// PostgreSQL is not backed up by this command: its own pg_dump is the
// consistent online backup (README, "PostgreSQL").
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/store.h"

namespace gongkai {

// What the actions need from storage, supplied by the composition root
// (app/ does not depend on storage/).
struct BackupStorage {
  // The file of an embedded database location ("sqlite:FILE" or a path);
  // an error naming `option` (with what to use instead) for any other
  // backend, i.e. PostgreSQL.
  std::function<Result<std::string>(const std::string& location, const std::string& option)> sqlite_file;
  // Opens (does not migrate) the embedded database in file `path`.
  std::function<Result<std::unique_ptr<Store>>(const std::string& path)> open;
  // Writes a consistent copy of the live database file `source` to the new
  // file `dest`, checked (storage/sqlite/snapshot.h).
  std::function<Status(const std::string& source, const std::string& dest)> snapshot;
};

inline constexpr const char* kBackupFormat = "gongkai-backup 1";
inline constexpr const char* kBackupDatabaseFile = "gongkai.db";
inline constexpr const char* kBackupManifestFile = "manifest.json";

struct BackupFile {
  std::string path;  // relative to the backup directory, "/" separated
  std::string sha256;
  std::int64_t size = 0;
};

struct BackupKey {
  std::string site;      // slug
  std::string path;      // relative to the backup directory
  std::string suffix;    // appended to the deployment's key path (see SiteLedgerKeyPath)
  std::string verifier;  // the public key
  bool current = false;  // the key the site signs with (else a retired one)
};

struct BackupSite {
  std::string slug;
  std::string name;
  std::int64_t records = 0;    // every record (drafts included)
  std::int64_t published = 0;  // with a published version (withdrawn included)
  std::uint64_t ledger_size = 0;
  std::string ledger_root;     // hex; of the ledger at ledger_size
  std::uint64_t signed_size = 0;  // size of the newest signed tree head (0: none)
  std::int64_t attachments = 0;       // distinct files its records refer to, each checked present
  std::int64_t attachment_bytes = 0;
};

struct BackupManifest {
  std::string format = kBackupFormat;
  std::string created_at;  // ISO 8601 UTC
  std::string version;     // of gongkai
  int schema_version = 0;
  std::vector<BackupFile> files;
  std::vector<BackupKey> keys;
  std::vector<BackupSite> sites;
};

[[nodiscard]] std::string ManifestJson(const BackupManifest& manifest);
// Invalid naming the manifest's field when it is not one.
[[nodiscard]] Result<BackupManifest> ParseManifest(const std::string& text);

struct BackupRequest {
  std::string db;             // --db
  std::filesystem::path key;  // the deployment's ledger key path (first site's; others add ".<slug>")
  std::filesystem::path out;  // a new or empty directory
  std::string version;        // of gongkai, for the manifest
};

// Takes the backup described above. Errors: Invalid (PostgreSQL, bad
// --out), NotFound (no database, no key file of a site that has a key),
// Conflict (--out not empty), Storage. On error the directory holds no
// manifest (a partial backup is never taken for a complete one).
[[nodiscard]] Result<BackupManifest> CreateBackup(const BackupStorage& storage, const BackupRequest& request,
                                                  std::chrono::sys_seconds now);

struct RestoreRequest {
  std::filesystem::path from;  // a backup directory
  std::string db;              // --db: a database file that does not exist yet
  std::filesystem::path key;   // where the first site's key goes (others add their suffix)
};

struct RestoreOutcome {
  BackupManifest manifest;
  std::string db_file;
  std::vector<std::string> key_files;
};

// Restores a backup. Checks, before writing anything: the manifest, every
// file's presence, size and SHA-256 (Invalid naming each bad or missing
// file), that neither the database nor a key file exists (Conflict naming
// it). Then writes and checks as described above.
[[nodiscard]] Result<RestoreOutcome> RestoreBackup(const BackupStorage& storage, const RestoreRequest& request);

// SHA-256 (hex) and size of a file, read in pieces. Storage error naming
// the file if it cannot be read.
[[nodiscard]] Result<BackupFile> HashFile(const std::filesystem::path& file);

}  // namespace gongkai
