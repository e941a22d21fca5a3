// Offline verification of what the portal published, against a signed tree
// head (checkpoint) and the site's public key(s): one downloaded record with
// its inclusion proof, or a whole open-data dump (every record version,
// every ledger leaf, every attachment file). Needs no server and trusts
// nothing in the input but the public key given by the user.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "core/error.h"

namespace gongkai {

// What was checked: each line says plainly what matched and what did not
// (Simplified Chinese).
struct VerifyReport {
  std::vector<std::string> passed;
  std::vector<std::string> failed;
  bool ok() const { return failed.empty() && !passed.empty(); }
};

// A record document as served by GET /api/v1/records/{id} (or one version's
// "content" object), an inclusion proof from
// GET /api/v1/ledger/proof/inclusion?record=…&version=…&tree_size=N, and the
// checkpoint of size N. Checks: the checkpoint's signature; the version's
// canonical hash equals the leaf's record_sha256; the leaf's hash; the
// proof against the checkpoint's root.
[[nodiscard]] VerifyReport VerifyRecord(const std::string& record_json, const std::string& proof_json,
                                        const std::string& checkpoint, std::span<const std::string> keys);

// An open-data dump directory written by WriteDump (app/dump.h):
// checkpoint.txt, ledger.jsonl, records.jsonl, attachments.jsonl and, when
// present, files/<sha256>. Checks the checkpoint's signature; that the
// ledger's first `size` leaves are in order (each names its position) and
// hash to the signed root; that every record version in records.jsonl hashes
// to what its ledger leaf says and every published leaf has its version;
// that every file hashes to its name and every attachment listed is known.
[[nodiscard]] VerifyReport VerifyDump(const std::filesystem::path& dir, std::span<const std::string> keys);

}  // namespace gongkai
