// Deadline reminders (到期提醒): which liaisons and leaders are told what on
// a given day, and the text they get.
//
// Pure: no clock, no I/O. The app layer loads open obligations, the accounts
// that receive reminders and the reminders already sent (marks), calls
// PlanReminders() and stores the notices with their marks in one
// transaction, so a reminder is never sent twice for the same state.
//
// Who is told what, on day `today`:
//  - a liaison (联络员) of unit U: U's open obligations due within
//    `due_soon_working_days` working days (0 <= working days in
//    (today, due_on] <= N; due today counts) — kind kDueSoon — and U's open
//    obligations already overdue (due_on < today) — kind kOverdue;
//  - a leader in charge (分管领导) of unit U: U's overdue open obligations.
// The state of a reminder is (account, obligation, kind, due date): the
// same obligation is reminded again only when it becomes overdue, or when
// its due date moves (a calendar import changed the deadline).
#pragma once

#include <compare>
#include <cstdint>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/auth.h"
#include "core/calendar.h"
#include "core/catalog.h"
#include "core/date.h"
#include "core/records.h"

namespace gongkai {

enum class ReminderKind { kDueSoon, kOverdue };
const char* ReminderKindName(ReminderKind kind);  // "due_soon", "overdue"
std::optional<ReminderKind> ParseReminderKind(std::string_view token);

struct ReminderRecipient {
  std::int64_t account_id = 0;
  std::string username;
  std::string display_name;
  std::string email;  // "" = in-app only
  Role role = Role::kLiaison;
  std::string unit;
};

struct ReminderMark {
  std::int64_t account_id = 0;
  std::int64_t obligation_id = 0;
  ReminderKind kind = ReminderKind::kDueSoon;
  Date due_on;
  auto operator<=>(const ReminderMark&) const = default;
};

struct ReminderLine {
  std::int64_t obligation_id = 0;
  ReminderKind kind = ReminderKind::kDueSoon;
  std::string unit;
  int item_number = 0;
  std::string item_title;  // "" when the item is not in the catalogue
  std::string element;
  std::string title;
  Date due_on;
  bool provisional = false;
  // kDueSoon: working days left, in (today, due_on] (0 = due today);
  // kOverdue: working days overdue, in (due_on, today] (at least 1).
  int working_days = 0;
};

struct PlannedNotice {
  ReminderRecipient recipient;
  std::vector<ReminderLine> lines;  // overdue first (most overdue first), then due soon (soonest first)
  std::string subject;
  std::string body;  // plain text, "\n" line ends

  std::vector<ReminderMark> Marks() const;
};

// A stored notice (站内提醒) to one account, with its e-mail delivery.
// kSending: claimed by one process (ClaimEmail) so two runs at once never
// send the same e-mail twice.
enum class EmailStatus { kNone, kPending, kSending, kSent, kFailed };
const char* EmailStatusName(EmailStatus s);  // "", "pending", "sending", "sent", "failed"
std::optional<EmailStatus> ParseEmailStatus(std::string_view token);

struct Notice {
  std::int64_t id = 0;
  std::int64_t site_id = 0;
  std::int64_t account_id = 0;
  std::string created_at;  // ISO 8601 UTC
  Date on_day;             // the Beijing working day it is for
  std::string subject;
  std::string body;
  std::string read_at;  // "" = unread
  std::string email_to;
  EmailStatus email_status = EmailStatus::kNone;
  std::string email_error;
  int email_attempts = 0;
  std::vector<ReminderMark> marks;  // what it reminds of (stored with it; not read back by list calls)
};

struct ReminderPolicy {
  int due_soon_working_days = 5;
};

// One notice per recipient with at least one line not already in `sent`;
// recipients in input order. Obligations that are not open, or whose unit
// has no recipient, produce nothing. Recipients other than liaisons and
// leaders are ignored. `site_name` and `work_path` go into the text.
std::vector<PlannedNotice> PlanReminders(const WorkingCalendar& calendar, const Catalog& catalog,
                                         std::span<const Obligation> obligations,
                                         std::span<const ReminderRecipient> recipients,
                                         const std::set<ReminderMark>& sent, Date today,
                                         const ReminderPolicy& policy, std::string_view site_name);

}  // namespace gongkai
