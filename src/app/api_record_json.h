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

// POST .../submit and .../publish: an empty body or an empty JSON object.
[[nodiscard]] Status ParseEmptyJson(std::string_view body);

}  // namespace gongkai
