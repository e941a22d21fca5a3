// Use cases of the disclosure workflow: obligations (待公开事项), drafts,
// review (保密审查), publication with the 索引号, revision, withdrawal.
// Shared by pages, API and CLI.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "app/calendar_actions.h"
#include "app/context.h"
#include "core/catalog.h"
#include "core/deadline.h"
#include "core/pii.h"
#include "core/records.h"

namespace gongkai {

inline constexpr std::size_t kDefaultMaxAttachmentBytes = 50 * 1024 * 1024;

struct NewObligation {
  std::string unit;
  int item = 0;
  std::string element;    // optional; decides a statutory rule
  std::string title;
  std::string formed_on;  // YYYY-MM-DD: formed or changed (or the rule's event date)
};

// Registers an obligation (kRegisterObligation for `unit`); the unit must
// answer for the item. The due date comes from the deadline engine and
// follows later calendar imports.
[[nodiscard]] Result<Obligation> RegisterObligation(const Context& ctx, const Catalog& catalog,
                                                    std::span<const DeadlineRule> rules, const NewObligation& in);
[[nodiscard]] Result<Obligation> CancelObligation(const Context& ctx, std::int64_t id, const std::string& reason);
// Withholding needs a legal ground and is the unit's leader's decision.
[[nodiscard]] Result<Obligation> WithholdObligation(const Context& ctx, std::int64_t id, const std::string& ground,
                                                    const std::string& reason);

struct NewDraft {
  std::int64_t obligation_id = 0;  // fulfil this obligation, or:
  std::string unit;                // publishing without a prior obligation:
  int item = 0;
  std::string element;
  std::string formed_on;           // YYYY-MM-DD
  RecordContent content;
};
[[nodiscard]] Result<Record> CreateDraft(const Context& ctx, const Catalog& catalog,
                                         std::span<const DeadlineRule> rules, const NewDraft& in);
// Edits the working copy; only a draft may be edited.
[[nodiscard]] Result<Record> UpdateDraft(const Context& ctx, std::int64_t id, const RecordContent& content,
                                         const std::string& change_note);
// Adds an attachment (type checked by content; at most `max_bytes`). With
// `evidence`, the file is a photo of the posting on the 公示栏 (an image;
// kept for staff and auditors, never public).
[[nodiscard]] Result<Record> AddAttachment(const Context& ctx, std::int64_t id, const std::string& filename,
                                           const std::string& bytes, std::size_t max_bytes, bool evidence = false);
// Removes the draft's attachment with this SHA-256 (the file itself stays:
// published versions may still refer to it). NotFound if the draft has none.
[[nodiscard]] Result<Record> RemoveAttachment(const Context& ctx, std::int64_t id, const std::string& sha256);
// Masks every personal-information finding in the body (one click).
[[nodiscard]] Result<Record> MaskDraft(const Context& ctx, std::int64_t id);
// Personal information in the body and text attachments. Never logged.
[[nodiscard]] Result<std::vector<PiiFinding>> FindingsOf(const Context& ctx, const Record& record);

[[nodiscard]] Result<Record> SubmitRecord(const Context& ctx, std::int64_t id);
// The leader returns a submitted record with a comment.
[[nodiscard]] Result<Record> ReturnRecord(const Context& ctx, std::int64_t id, const std::string& comment);
// The leader approves after the confidentiality checklist. On items that
// protect privacy, unmasked personal information blocks approval.
[[nodiscard]] Result<Record> ApproveRecord(const Context& ctx, const Catalog& catalog, std::int64_t id,
                                           const ReviewChecklist& checklist);
// Publishes an approved record: first publication assigns the 索引号 and
// computes timeliness (on time, or late by N working days) against the
// calendar in force.
[[nodiscard]] Result<Record> PublishRecord(const Context& ctx, std::int64_t id);
// Publishes several approved records in one transaction (a unit releasing a
// list at once, a bulk import): each is checked as PublishRecord checks it;
// if any is refused, none is published and the error names its id.
[[nodiscard]] Result<std::vector<Record>> PublishRecords(const Context& ctx, std::span<const std::int64_t> ids);
// Starts a revision of a published record: its working copy becomes a draft;
// the published version stays public until the revision is published.
[[nodiscard]] Result<Record> StartRevision(const Context& ctx, std::int64_t id);
[[nodiscard]] Result<Record> WithdrawRecord(const Context& ctx, std::int64_t id, const std::string& reason);

// The published date (Beijing) of a record's first publication.
std::optional<Date> FirstPublishedOn(const Record& record);

}  // namespace gongkai
