// Deadline reminders and in-app notices: one entry point for `gongkai
// remind`, the server's daily timer and the notices page.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "app/context.h"
#include "core/catalog.h"
#include "core/mail.h"
#include "core/reminders.h"

namespace gongkai {

struct ReminderSettings {
  std::string site_name;     // signs the text, e.g. "示例区人民政府"
  Mailer* mailer = nullptr;  // nullptr: in-app notices only
  std::string from;          // sender address (required with a mailer)
  std::string from_name;     // e.g. "示例区政务公开办"
  ReminderPolicy policy;
  int max_email_attempts = 5;  // a failed e-mail is retried on later runs up to this many attempts
};

struct ReminderRun {
  Date today;
  bool working_day = true;  // false: nothing was planned (a day off and not forced)
  int notices = 0;          // notices stored this run
  int lines = 0;            // reminder lines in them
  int emails_sent = 0;
  int emails_failed = 0;
  std::vector<std::string> email_errors;  // "username: reason"
};

// Plans today's reminders (Beijing date from ctx.clock) for the actor's site,
// stores them as notices with their marks (nothing twice for the same
// state), then delivers every pending e-mail (and retries failed ones). On a
// day off nothing is planned unless `force`; pending e-mails are still
// delivered. kSendReminders. An e-mail failure is reported in the result,
// never as an error: the notices are stored either way.
[[nodiscard]] Result<ReminderRun> RunReminders(const Context& ctx, const Catalog& catalog,
                                               const ReminderSettings& settings, bool force);

// The actor's own notices, newest first (any signed-in account).
[[nodiscard]] Result<std::vector<Notice>> MyNotices(const Context& ctx, int limit);
// Every notice of the site, newest first (the office and auditors: kViewCompliance).
[[nodiscard]] Result<std::vector<Notice>> SiteNotices(const Context& ctx, int limit);
[[nodiscard]] Result<int> UnreadNoticeCount(const Context& ctx);
// Marks one (id != 0) or all of the actor's notices read.
[[nodiscard]] Status MarkNoticesRead(const Context& ctx, std::int64_t notice_id);

// Items published only when something happens (按事件公开): no event in a
// period is not a coverage gap. Stored per site; empty when never set.
[[nodiscard]] Result<std::set<int>> EventDrivenItems(Store& store, std::int64_t site_id);
// Replaces the set (kConfigureCompliance). Every number must be a catalogue
// item (field "items").
[[nodiscard]] Status SetEventDrivenItems(const Context& ctx, const Catalog& catalog, const std::set<int>& items);

}  // namespace gongkai
