#include "core/reminders.h"

#include <algorithm>
#include <map>

#include <fmt/core.h>

namespace gongkai {
namespace {

// Working days in (a, b]; outside the calendar's range, Monday-Friday.
int WorkingDays(const WorkingCalendar& calendar, Date a, Date b) {
  if (auto n = calendar.WorkingDaysBetween(a, b)) return *n;
  int n = 0;
  for (Date d = a.AddDays(1); d <= b; d = d.AddDays(1))
    if (!d.IsWeekend()) ++n;
  return n;
}

std::string LineText(const ReminderLine& l) {
  std::string where = l.item_title.empty() ? fmt::format("事项{}", l.item_number)
                                           : fmt::format("事项{}“{}”", l.item_number, l.item_title);
  if (!l.element.empty()) where += fmt::format("·{}", l.element);
  std::string when;
  if (l.kind == ReminderKind::kOverdue) {
    when = fmt::format("已逾期{}个工作日（应于{}前公开）", l.working_days, l.due_on.ToString());
  } else if (l.working_days == 0) {
    when = fmt::format("今天（{}）到期", l.due_on.ToString());
  } else {
    when = fmt::format("还有{}个工作日到期（{}）", l.working_days, l.due_on.ToString());
  }
  if (l.provisional) when += "，期限暂定：该年放假安排尚未发布";
  return fmt::format("- {}：{}，{}", l.title, where, when);
}

}  // namespace

const char* ReminderKindName(ReminderKind kind) {
  return kind == ReminderKind::kOverdue ? "overdue" : "due_soon";
}

std::optional<ReminderKind> ParseReminderKind(std::string_view token) {
  if (token == "overdue") return ReminderKind::kOverdue;
  if (token == "due_soon") return ReminderKind::kDueSoon;
  return std::nullopt;
}

const char* EmailStatusName(EmailStatus s) {
  switch (s) {
    case EmailStatus::kNone: return "";
    case EmailStatus::kPending: return "pending";
    case EmailStatus::kSending: return "sending";
    case EmailStatus::kSent: return "sent";
    case EmailStatus::kFailed: return "failed";
  }
  return "";
}

std::optional<EmailStatus> ParseEmailStatus(std::string_view token) {
  for (auto s : {EmailStatus::kNone, EmailStatus::kPending, EmailStatus::kSending, EmailStatus::kSent,
                 EmailStatus::kFailed})
    if (token == EmailStatusName(s)) return s;
  return std::nullopt;
}

std::vector<ReminderMark> PlannedNotice::Marks() const {
  std::vector<ReminderMark> out;
  out.reserve(lines.size());
  for (const auto& l : lines) out.push_back({recipient.account_id, l.obligation_id, l.kind, l.due_on});
  return out;
}

std::vector<PlannedNotice> PlanReminders(const WorkingCalendar& calendar, const Catalog& catalog,
                                         std::span<const Obligation> obligations,
                                         std::span<const ReminderRecipient> recipients,
                                         const std::set<ReminderMark>& sent, Date today,
                                         const ReminderPolicy& policy, std::string_view site_name) {
  // Each unit's lines that anyone might receive, computed once.
  std::map<std::string, std::vector<ReminderLine>> by_unit;
  for (const auto& o : obligations) {
    if (o.state != ObligationState::kOpen) continue;
    ReminderLine line;
    line.obligation_id = o.id;
    line.unit = o.unit;
    line.item_number = o.item_number;
    if (const Item* item = catalog.FindItem(o.item_number)) line.item_title = item->title;
    line.element = o.element;
    line.title = o.title;
    line.due_on = o.due_on;
    line.provisional = o.provisional;
    if (o.due_on < today) {
      line.kind = ReminderKind::kOverdue;
      line.working_days = std::max(1, WorkingDays(calendar, o.due_on, today));
    } else {
      const int left = WorkingDays(calendar, today, o.due_on);
      if (left > policy.due_soon_working_days) continue;
      line.kind = ReminderKind::kDueSoon;
      line.working_days = left;
    }
    by_unit[o.unit].push_back(std::move(line));
  }
  for (auto& [unit, lines] : by_unit) {
    std::stable_sort(lines.begin(), lines.end(), [](const ReminderLine& a, const ReminderLine& b) {
      if (a.kind != b.kind) return a.kind == ReminderKind::kOverdue;
      if (a.due_on != b.due_on) return a.due_on < b.due_on;
      return a.obligation_id < b.obligation_id;
    });
  }

  std::vector<PlannedNotice> out;
  for (const auto& r : recipients) {
    if (r.role != Role::kLiaison && r.role != Role::kLeader) continue;
    auto it = by_unit.find(r.unit);
    if (it == by_unit.end()) continue;
    PlannedNotice n;
    n.recipient = r;
    for (const auto& l : it->second) {
      if (r.role == Role::kLeader && l.kind != ReminderKind::kOverdue) continue;
      if (sent.contains(ReminderMark{r.account_id, l.obligation_id, l.kind, l.due_on})) continue;
      n.lines.push_back(l);
    }
    if (n.lines.empty()) continue;
    const auto overdue = std::count_if(n.lines.begin(), n.lines.end(),
                                       [](const ReminderLine& l) { return l.kind == ReminderKind::kOverdue; });
    const auto soon = static_cast<std::ptrdiff_t>(n.lines.size()) - overdue;
    std::string counts;
    if (overdue > 0) counts += fmt::format("{}项已逾期", overdue);
    if (soon > 0) counts += fmt::format("{}{}项即将到期", counts.empty() ? "" : "、", soon);
    n.subject = fmt::format("【政务公开提醒】{}：{}", r.unit, counts);
    std::string body = fmt::format("{}{}：\n\n", r.display_name.empty() ? r.username : r.display_name,
                                   r.role == Role::kLeader ? "同志（分管领导）" : "同志（信息公开联络员）");
    body += fmt::format("截至{}，{}有以下信息需按《政府信息公开条例》和本单位公开目录规定的时限公开：\n\n",
                        today.ToString(), r.unit);
    if (overdue > 0) {
      body += "已逾期未公开：\n";
      for (const auto& l : n.lines)
        if (l.kind == ReminderKind::kOverdue) body += LineText(l) + "\n";
      body += "\n";
    }
    if (soon > 0) {
      body += fmt::format("{}个工作日内到期：\n", policy.due_soon_working_days);
      for (const auto& l : n.lines)
        if (l.kind == ReminderKind::kDueSoon) body += LineText(l) + "\n";
      body += "\n";
    }
    body += "请登录政务公开管理平台“本单位待办”（/admin/work）办理；已不需公开的，请登记不予公开或撤销的理由。\n";
    body += fmt::format("同一事项在同一状态下只提醒一次。\n\n{}政务公开办公室\n", site_name);
    n.body = std::move(body);
    out.push_back(std::move(n));
  }
  return out;
}

}  // namespace gongkai
