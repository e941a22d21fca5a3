// A consistent copy of a live SQLite database file, for `gongkai backup`
// (app/backup.h).
#pragma once

#include <string>

#include "core/error.h"

namespace gongkai::sqlite {

// Writes a consistent copy of the database in file `source` (every site) to
// the new file `dest` while other connections and processes go on writing:
// one committed state, as of one moment. The copy is a single file in
// rollback-journal mode (no -wal beside it), checked with
// PRAGMA integrity_check and fsynced before this returns. Conflict if
// `dest` exists; NotFound if `source` does not; Storage otherwise (`dest`
// is removed then).
[[nodiscard]] Status SnapshotDatabase(const std::string& source, const std::string& dest);

}  // namespace gongkai::sqlite
