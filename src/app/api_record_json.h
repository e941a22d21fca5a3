// The JSON bodies of API v1's write endpoints, parsed into the arguments of
// the record actions. Pure functions (no store, no clock): outside input,
// fuzzed by fuzz/api_record_json_fuzz.cc.
//
// Every error is Error::Invalid with a Simplified Chinese message and, when
// one field is to blame, `field` naming it as the client wrote it ("item",
// "channels[1]"); malformed JSON names no field and says where it broke.
#pragma once

#include <cstddef>
#include <string_view>

#include "app/record_actions.h"
#include "core/records.h"

namespace gongkai {

inline constexpr std::size_t kMaxApiBodyBytes = 1024 * 1024;  // 1 MiB
inline constexpr int kMaxApiJsonDepth = 16;

// POST /api/v1/records: a JSON object with
//   obligation_id (integer > 0, optional: fulfil this obligation), or else
//   unit (string), item (integer > 0), element (string, optional),
//   formed_on (string YYYY-MM-DD) — all required without obligation_id;
//   title (string, required), body, doc_number, written_on, genre, topic,
//   validity, disclosure_mode, scope (strings, optional) and channels (an
//   array of strings, optional).
// Unknown members are refused (a misspelt field must not pass silently).
[[nodiscard]] Result<NewDraft> ParseNewDraftJson(std::string_view body);

// POST /api/v1/records/{id}/approve: a JSON object with the confidentiality
// checklist's three booleans no_state_secret, no_commercial_secret and
// personal_info_handled, each required.
[[nodiscard]] Result<ReviewChecklist> ParseChecklistJson(std::string_view body);

// PUT /api/v1/records/{id}: the draft's new content, as in
// ParseNewDraftJson but without obligation_id, unit, item, element and
// formed_on (fixed when the draft was created: refused, naming the member),
// plus change_note (string, optional: what a revision changes and why).
// Members left out are emptied, as in the record form (the draft's
// attachments stay).
struct DraftEdit {
  RecordContent content;
  std::string change_note;
};
[[nodiscard]] Result<DraftEdit> ParseDraftEditJson(std::string_view body);

// POST .../withdraw: {"reason": "..."}; POST .../return: {"comment": "..."}.
// The text may be missing here ("" then): the action refuses an empty one,
// naming the member.
[[nodiscard]] Result<std::string> ParseWithdrawJson(std::string_view body);
[[nodiscard]] Result<std::string> ParseReturnJson(std::string_view body);

// POST .../submit, .../publish and .../revise: an empty body or an empty JSON object.
[[nodiscard]] Status ParseEmptyJson(std::string_view body);

}  // namespace gongkai
