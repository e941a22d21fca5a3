// Contact details on the liaison roll (联络员登记表): phone numbers of
// mainland China, checked and written in one normal form so that the same
// number is always stored and compared as the same text.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace gongkai {

// Checks a phone number and returns its normal form.
//
// Before anything else, full-width digits "０"–"９", "－", "＋", "（", "）"
// and the ideographic space become their ASCII forms, and surrounding
// spaces are dropped. Then exactly one of these must match:
//
//  * Mobile: 11 digits 1[3-9]xxxxxxxxx, optionally after "+86", "86" or
//    "0086"; spaces and '-' may stand between any two digits.
//    "+86 138-1234-5678" -> "13812345678".
//  * Landline with area code: an area code of 3 or 4 digits starting with
//    '0' (010 and 020–029 are 3 digits, the others 4), then a local number
//    of 7 or 8 digits not starting with 0 or 1. The area code is followed by
//    '-' or spaces ("0471-2836212", "0471 2836212") or enclosed in
//    parentheses ("(0471)2836212", "（0471）2836212"); never run together
//    with the local number. -> "0471-2836212".
//    It may end with an extension of 1–6 digits written "转123" or "-123":
//    -> "0471-2836212转123".
//  * Local number alone: 7 or 8 digits not starting with 0 or 1, as in the
//    seed's "2836212" -> "2836212" (no extension without an area code).
//
// The local number and the extension are unbroken runs of digits. Anything
// else (letters, other country codes, too few or too many digits, a
// 12-digit mobile, a mobile starting 12, an area code with no number, ...)
// is refused with Error::Invalid whose message (Simplified Chinese) names
// `field` and quotes `text`: "联系电话“abc”不是有效的电话号码：…" for the
// Chinese label "联系电话", "电话号码（leader_phone）“abc”…" for the
// identifier "leader_phone", "电话号码“abc”…" for an empty field;
// Error::field is `field`.
//
// The normal form is a fixed point: NormalizePhone(*NormalizePhone(x)) ==
// NormalizePhone(x) for every accepted x.
[[nodiscard]] Result<std::string> NormalizePhone(std::string_view text, std::string_view field);

// True if `normalized` (an output of NormalizePhone) is a mobile number,
// i.e. exactly 11 ASCII digits 1[3-9]xxxxxxxxx. False for landlines, local
// numbers and anything not in normal form.
[[nodiscard]] bool IsMobile(std::string_view normalized);

// An e-mail address for reminders: surrounding white space (ASCII and
// U+3000) trimmed, the domain lower-cased. Accepts local@domain where the
// local part is 1-64 ASCII characters from letters, digits and
// !#$%&'*+-/=?^_`{|}~. (not starting or ending with a dot, no "..") and the
// domain is 1-253 characters of dot-separated labels (letters, digits,
// hyphens; not starting or ending with a hyphen) with at least one dot; at
// most 254 characters in all (an SMTP path's limit). "" is accepted and stays "" (no address). Errors name `field`.
[[nodiscard]] Result<std::string> NormalizeEmail(std::string_view text, std::string_view field);

}  // namespace gongkai
