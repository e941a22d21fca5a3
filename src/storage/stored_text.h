// How both storage adapters (SQLite, PostgreSQL) write the same values, so
// that data moves between them unchanged.
#pragma once

#include <string>
#include <vector>

namespace gongkai::storage {

// Lists kept in one TEXT column, one entry per line ("" <-> no entry).
std::string JoinLines(const std::vector<std::string>& lines);
std::vector<std::string> SplitLines(const std::string& text);

// The current time as stored: ISO 8601 UTC to the second, "2026-11-28T10:00:00Z".
std::string NowUtc();

}  // namespace gongkai::storage
