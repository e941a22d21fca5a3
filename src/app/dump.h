// The site's full open-data dump: every public record version as canonical
// JSON Lines, the publication ledger and its newest signed tree head, and
// the public attachments' checksums (optionally the files themselves).
// Verified offline by VerifyDump (app/ledger_verify.h).
#pragma once

#include <filesystem>

#include "core/error.h"
#include "core/store.h"

namespace gongkai {

struct DumpSummary {
  int records = 0;          // records written (withdrawn ones are left out)
  int versions = 0;         // lines of records.jsonl
  std::uint64_t leaves = 0; // lines of ledger.jsonl
  int attachments = 0;      // lines of attachments.jsonl
  int files = 0;            // files written under files/
};

// Writes into `dir` (created if missing; existing dump files are replaced):
//   records.jsonl      one line per published version of every record not
//                      withdrawn: the canonical JSON of RecordVersionDoc
//   ledger.jsonl       one line per ledger leaf up to the newest signed
//                      tree head: the leaf's data (canonical JSON)
//   checkpoint.txt     that signed tree head (C2SP checkpoint)
//   keys.txt           the site's public keys, one per line (current last)
//   attachments.jsonl  {"filename","mime","record_id","sha256","size","version"}
//   files/<sha256>     the attachments' bytes, when `with_files`
// Error::NotFound if no tree head has been signed yet.
[[nodiscard]] Result<DumpSummary> WriteDump(Store& store, const Site& site, const std::filesystem::path& dir,
                                            bool with_files);

}  // namespace gongkai
