// Reading and writing the deadline rules (src/core/deadline.h), kept as
// data in data/deadline-rules.json:
//   {"format": "gongkai-deadline-rules", "version": 1,
//    "rules": [{"id": "procurement-result", "name": "…", "start_event": "…",
//               "days": 2, "day_kind": "working", "direction": "after",
//               "display_days": 0, "display_day_kind": "calendar",
//               "display_from": "publication", "basis": "…", "text": "…",
//               "check": false}, ...]}
// "display_from" is optional ("publication" when absent); every other
// member is required. Unknown members are refused, so a typo cannot pass
// silently. Errors are Error::Invalid / Error::Conflict with the field path
// (e.g. "rules[3].day_kind") and the bad value in a Chinese message.
// No function here throws.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/deadline.h"
#include "core/error.h"

namespace gongkai {

// Parses and validates (ValidateRules) a rules file; the file must contain
// the default rule kDefaultRuleId.
[[nodiscard]] Result<std::vector<DeadlineRule>> ParseDeadlineRules(std::string_view json);

// Serialises rules to the same format (indented UTF-8).
// ParseDeadlineRules(DeadlineRulesToJson(v)) == v for valid v.
std::string DeadlineRulesToJson(const std::vector<DeadlineRule>& rules);

// The rules from the embedded data/deadline-rules.json (FindResource).
// Error::Internal if the file is missing or broken (a build problem).
[[nodiscard]] Result<std::vector<DeadlineRule>> LoadDeadlineRules();

}  // namespace gongkai
