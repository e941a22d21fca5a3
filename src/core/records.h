// Disclosure obligations (待公开事项) and records (公开信息) with their
// versions: plain data and the workflow's rules. No I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/error.h"

namespace gongkai {

// ---- obligations -------------------------------------------------------------

enum class ObligationState { kOpen, kPublished, kWithheld, kCancelled };
const char* ObligationStateName(ObligationState s);   // "open", ...
const char* ObligationStateLabel(ObligationState s);  // "待公开", "已公开", "不予公开", "已撤销"
std::optional<ObligationState> ParseObligationState(std::string_view token);

// Legal grounds for withholding (政府信息公开条例).
struct WithholdingGround {
  std::string id;     // "art14-state-secret", ...
  std::string label;  // Chinese, with the article
};
const std::vector<WithholdingGround>& WithholdingGrounds();
const WithholdingGround* FindWithholdingGround(std::string_view id);

// Information formed or changed in a unit that must be published.
struct Obligation {
  std::int64_t id = 0;
  std::int64_t site_id = 0;
  std::string unit;
  int item_number = 0;
  std::string element;      // may be empty: the item's default rule
  std::string title;
  Date formed_on;           // 形成或变更日期 (day 0), or the statutory rule's event date
  std::int64_t deadline_id = 0;  // the tracked deadline (follows calendar imports)
  Date due_on;              // read from the tracked deadline
  bool provisional = false;
  ObligationState state = ObligationState::kOpen;
  std::int64_t record_id = 0;    // the record that fulfilled it
  std::string reason;            // cancelled / withheld: why
  std::string ground;            // withheld: WithholdingGround id
  std::string created_at;
  std::string created_by;
};

// ---- records -----------------------------------------------------------------

enum class RecordStatus { kDraft, kSubmitted, kApproved, kPublished, kWithdrawn };
const char* RecordStatusName(RecordStatus s);   // "draft", ...
const char* RecordStatusLabel(RecordStatus s);  // "草稿", "待审核", "已审核", "已发布", "已撤回"
std::optional<RecordStatus> ParseRecordStatus(std::string_view token);

struct Attachment {
  std::string sha256;
  std::string filename;  // as uploaded, sanitised for display
  std::string mime;
  std::int64_t size = 0;
  // A photo proving that the record was posted on a notice board (公示栏).
  // Kept for the unit, the office and auditors; never served to the public
  // (posted lists may show names the portal version masks).
  bool evidence = false;
  bool operator==(const Attachment&) const = default;
};

// The publishable content of a record: what one version holds.
struct RecordContent {
  std::string title;
  std::string body;            // plain text paragraphs or safe Markdown
  std::string doc_number;      // 文号, may be empty
  std::string written_on;      // 成文日期 YYYY-MM-DD, may be empty
  std::string genre;           // 体裁: 通知/公告/公示/...
  std::string topic;           // 主题分类
  std::string validity;        // 有效性: 有效/失效/废止/"" (not applicable)
  std::string disclosure_mode = "主动公开";  // 主动公开/依申请公开/不予公开
  std::string scope = "全社会";              // 公开范围
  std::vector<std::string> channels;        // 门户网站, 政务新媒体, 公示栏
  std::vector<Attachment> attachments;
  bool operator==(const RecordContent&) const = default;
};

// The channel that needs photo evidence of the posting.
inline constexpr std::string_view kNoticeBoardChannel = "公示栏";

// The attachments the public sees (evidence photos left out).
std::vector<Attachment> PublicAttachments(const std::vector<Attachment>& all);

// The leader's confidentiality review (保密审查), stored with the approval.
struct ReviewChecklist {
  bool no_state_secret = false;
  bool no_commercial_secret = false;
  bool personal_info_handled = false;
  bool all() const { return no_state_secret && no_commercial_secret && personal_info_handled; }
};

struct Record {
  std::int64_t id = 0;
  std::int64_t site_id = 0;
  std::string unit;
  int item_number = 0;
  std::string element;
  std::int64_t obligation_id = 0;  // 0 when published without a prior obligation
  Date formed_on;
  RecordStatus status = RecordStatus::kDraft;
  RecordContent draft;             // the working copy (equals the last version when published)
  std::string change_note;         // for a revision: what changed and why
  std::string review_comment;      // the leader's comment when returning it
  ReviewChecklist checklist;       // of the pending approval
  std::string approved_by;
  std::string index_number;        // 索引号: assigned at first publication, never changed
  int published_version = 0;       // 0 until first published
  std::string published_title;     // the title of the current published version
  Date due_on;                     // 应公开日期
  bool provisional = false;
  std::string first_published_at;  // ISO 8601 UTC
  int late_days = 0;               // working days after due_on (0 = on time)
  std::string withdrawn_reason;
  std::string withdrawn_at;
  std::string created_at;
  std::string created_by;
  std::string updated_at;
};

// One published version, immutable.
struct RecordVersion {
  std::int64_t record_id = 0;
  int version = 0;
  RecordContent content;
  std::string change_note;
  std::string published_at;  // ISO 8601 UTC
  std::string published_by;
  std::string approved_by;
};

// ---- publication events -------------------------------------------------------

// What a publication event did to the public record.
enum class PublicationKind { kPublish, kRevise, kWithdraw };
const char* PublicationKindName(PublicationKind k);   // "publish", "revise", "withdraw"
const char* PublicationKindLabel(PublicationKind k);  // "发布", "修订", "撤回"
std::optional<PublicationKind> ParsePublicationKind(std::string_view token);

// One change of what the public sees, written in the same transaction as the
// change itself (an outbox): feeds, sync, webhooks and the publication
// ledger all read these, so none of them can miss one.
struct PublicationEvent {
  std::int64_t seq = 0;  // increasing over the database, never reused
  std::int64_t site_id = 0;
  std::int64_t record_id = 0;
  int version = 0;        // the version published (for a withdrawal: the last one)
  PublicationKind kind = PublicationKind::kPublish;
  std::string at;         // ISO 8601 UTC
  std::string index_number;
  std::string unit;
  int item_number = 0;
  std::string title;      // of that version
};

// Validates content before submission; errors name the field.
[[nodiscard]] Status ValidateRecordContent(const RecordContent& content);

// The allowed workflow moves. Returns Conflict naming the current state when
// `to` cannot follow `from` ("草稿不能直接发布" ...).
[[nodiscard]] Status CheckTransition(RecordStatus from, RecordStatus to, bool has_published_version);

// Formats a 索引号 from a pattern with {org}, {year} and {seq} (zero-padded to
// 5 digits) or {seq:N} placeholders. Default "{org}/{year}-{seq}".
[[nodiscard]] Result<std::string> FormatIndexNumber(std::string_view pattern, std::string_view org_code, int year,
                                                    int serial);
inline constexpr std::string_view kDefaultIndexPattern = "{org}/{year}-{seq}";

}  // namespace gongkai
