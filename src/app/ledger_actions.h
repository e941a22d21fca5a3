// The publication ledger: every publication event of a site becomes a leaf
// of an append-only Merkle tree (RFC 6962/9162), in event order; signed tree
// heads (C2SP checkpoints, Ed25519) let anyone prove later that a record
// they saved is what was published, and that nothing was rewritten.
//
// A leaf's data is the canonical JSON (app/record_json.h) of:
//   {"at": event time (ISO 8601 UTC), "attachments": [SHA-256 hex of each
//    public attachment of the version], "event_seq": n, "index_number": "…",
//    "kind": "publish"|"revise"|"withdraw", "leaf_index": i,
//    "record_id": n, "record_sha256": SHA-256 hex of the canonical JSON of
//    the version (RecordVersionSha256), "site": slug, "version": v}
// and its hash is SHA-256(0x00 || data). A withdrawal's leaf names the
// version withdrawn.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "app/checkpoint.h"
#include "app/merkle.h"
#include "core/error.h"
#include "core/store.h"

namespace gongkai {

// The origin line of the site's checkpoints and the name of its keys.
std::string LedgerOrigin(const Site& site);

// Reads the site's stored subtree hashes.
merkle::NodeReader LedgerReader(Store& store, std::int64_t site_id);

// The canonical leaf text of `event` at `leaf_index` (see above).
std::string LeafData(const std::string& site_slug, std::uint64_t leaf_index, const PublicationEvent& event,
                     const std::string& record_sha256, const std::vector<std::string>& attachments);

struct SequenceOutcome {
  std::uint64_t appended = 0;  // leaves added by this call
  std::uint64_t size = 0;      // leaves in the ledger now
  bool signed_head = false;    // a new tree head was signed
};

// Appends every publication event not yet in the ledger, in order, then
// signs a tree head when leaves were appended, when no head covers the
// current size, or when the newest head is older than a day. Without a
// key, leaves are appended and nothing is signed. `force_sign` signs a head
// in any case (after a key rotation). Safe to run from several
// processes: a concurrent append makes one of them stop with Conflict
// before writing anything.
[[nodiscard]] Result<SequenceOutcome> SequenceLedger(Store& store, const Site& site, const ledger::SigningKey* key,
                                                     std::chrono::sys_seconds now, bool force_sign = false);

// The ledger's signing key at `path`. When the site has a current (not
// retired) registered public key, the file must hold exactly that key:
// a missing file is Error::NotFound and another key Error::Conflict, both
// naming the site, the expected key id and `path` and saying what to do;
// nothing is created or registered then. Only a site with no registered
// key yet gets one: the file's key is registered, or (when `create` and
// the file does not exist) a new key is generated, saved with mode 0600
// and registered. RotateLedgerKey is the only way to replace a current key.
[[nodiscard]] Result<ledger::SigningKey> EnsureLedgerKey(Store& store, const Site& site,
                                                         const std::filesystem::path& path, bool create,
                                                         std::chrono::sys_seconds now);
// Of "<base>.<slug>" and `base`, the file that holds the site's current
// registered public key; std::nullopt when the site has no current key or
// neither file holds it (a missing or unreadable file is passed over).
[[nodiscard]] Result<std::optional<std::filesystem::path>> FindSiteLedgerKey(Store& store, const Site& site,
                                                                            const std::filesystem::path& base);
// The key id (8 hex digits) of the site's current registered public key; "" when it has none.
[[nodiscard]] Result<std::string> CurrentLedgerKeyId(Store& store, const Site& site);
// Where `site`'s signing key lives, given the deployment's key path `base`:
// each site signs with its own key (named after its ledger's origin). Of
// "<base>.<slug>" and `base`, the file that holds the site's current
// registered public key, whichever that is: a site keeps its key file when
// it moves to a database where it is created first (gongkai migrate) or
// no longer first. When neither does (or the site has no key yet), the
// site created first uses `base` itself, so a single-site deployment's key
// file is where it always was, and every other site "<base>.<slug>".
// The server, `init`, `site add` and the `ledger`/`dump` commands agree
// through this function.
[[nodiscard]] Result<std::filesystem::path> SiteLedgerKeyPath(Store& store, const Site& site,
                                                             const std::filesystem::path& base);

// Replaces the key at `path` with a new one; the old file is kept beside it
// as "<path>.retired-<key id>" and its public key stays listed (retired), so
// heads signed with it remain verifiable. A file holding another key than
// the site's current one is refused (Error::Conflict, nothing changed). A
// missing file is refused (Error::NotFound, nothing changed: most likely
// the path is wrong) unless `key_lost` confirms the key was lost; then the
// new key is saved at `path` and the registered one retired. `key_lost`
// with the file present is refused (Error::Conflict). When registering the
// new key fails, the files are put back as they were. Returns the new key.
[[nodiscard]] Result<ledger::SigningKey> RotateLedgerKey(Store& store, const Site& site,
                                                         const std::filesystem::path& path, bool key_lost,
                                                         std::chrono::sys_seconds now);

struct InclusionAnswer {
  LedgerLeaf leaf;
  std::uint64_t tree_size = 0;
  std::vector<merkle::Hash> path;
  merkle::Hash root{};
};
// The inclusion proof of leaf `index` in the tree of `tree_size` leaves
// (0 = the current size). Invalid naming the parameter when out of range.
[[nodiscard]] Result<InclusionAnswer> ProveInclusion(Store& store, const Site& site, std::uint64_t index,
                                                     std::uint64_t tree_size);

struct ConsistencyAnswer {
  std::uint64_t first = 0, second = 0;
  merkle::Hash first_root{}, second_root{};
  std::vector<merkle::Hash> proof;
};
[[nodiscard]] Result<ConsistencyAnswer> ProveConsistency(Store& store, const Site& site, std::uint64_t first,
                                                         std::uint64_t second);

}  // namespace gongkai
