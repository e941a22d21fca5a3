// How both storage adapters (SQLite, PostgreSQL) write the same values, so
// that data moves between them unchanged.
#pragma once

#include <string>
#include <vector>

#include "core/records.h"

namespace gongkai::storage {

// Lists kept in one TEXT column, one entry per line ("" <-> no entry).
std::string JoinLines(const std::vector<std::string>& lines);
std::vector<std::string> SplitLines(const std::string& text);

// A record's attachments as a JSON array ("evidence" only when set), and
// back (text that is not such an array reads as none).
std::string AttachmentsJson(const std::vector<Attachment>& attachments);
std::vector<Attachment> ParseAttachments(const std::string& text);

// A review checklist as a JSON object, and back (anything else reads as unticked).
std::string ChecklistJson(const ReviewChecklist& checklist);
ReviewChecklist ParseChecklist(const std::string& text);

// The current time as stored: ISO 8601 UTC to the second, "2026-11-28T10:00:00Z".
std::string NowUtc();

}  // namespace gongkai::storage
