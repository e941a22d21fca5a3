#include "app/reminder_actions.h"

#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "app/calendar_actions.h"
#include "core/auth.h"
#include "core/timestamp.h"

namespace gongkai {
namespace {

constexpr const char* kEventDrivenKey = "compliance.event_driven_items";

Status DeliverPending(const Context& ctx, const ReminderSettings& settings, ReminderRun& run) {
  if (settings.mailer == nullptr) return Ok();
  GK_TRY(pending, ctx.store.ListUndeliveredEmails(ctx.actor.site_id, settings.max_email_attempts));
  for (const auto& n : pending) {
    GK_TRY(mine, ctx.store.ClaimEmail(n.id));
    if (!mine) continue;  // another run is sending it
    MailMessage m{settings.from, settings.from_name, {n.email_to}, n.subject, n.body};
    if (auto sent = settings.mailer->Send(m)) {
      GK_CHECK(ctx.store.RecordEmailAttempt(n.id, EmailStatus::kSent, ""));
      ++run.emails_sent;
    } else {
      GK_CHECK(ctx.store.RecordEmailAttempt(n.id, EmailStatus::kFailed, sent.error().message));
      ++run.emails_failed;
      run.email_errors.push_back(fmt::format("{}: {}", n.email_to, sent.error().message));
    }
  }
  return Ok();
}

}  // namespace

Result<ReminderRun> RunReminders(const Context& ctx, const Catalog& catalog, const ReminderSettings& settings,
                                 bool force) {
  GK_CHECK(Authorize(ctx.actor, Action::kSendReminders));
  if (settings.mailer != nullptr && settings.from.empty())
    return Unexpected(Error::Invalid("配置了邮件服务器时必须设置发件人地址", "smtp-from"));
  GK_TRY(calendar, CurrentCalendar(ctx.store));
  ReminderRun run;
  run.today = BeijingDate(ctx.clock.Now());
  run.working_day = calendar.calendar.IsWorkingDay(run.today);
  if (run.working_day || force) {
    GK_TRY(obligations, ctx.store.ListObligations(ctx.actor.site_id, "", ObligationState::kOpen));
    GK_TRY(accounts, ctx.store.ListAccounts(ctx.actor.site_id));
    std::vector<ReminderRecipient> recipients;
    for (const auto& a : accounts) {
      if (!a.active || (a.role != Role::kLiaison && a.role != Role::kLeader)) continue;
      recipients.push_back(ReminderRecipient{a.id, a.username, a.display_name, a.email, a.role, a.unit});
    }
    GK_TRY(marks, ctx.store.ListReminderMarks(ctx.actor.site_id));
    std::set<ReminderMark> sent(marks.begin(), marks.end());
    auto plan = PlanReminders(calendar.calendar, catalog, obligations, recipients, sent, run.today, settings.policy,
                              settings.site_name);
    std::vector<Notice> notices;
    const std::string now = ctx.NowUtc();
    for (const auto& p : plan) {
      Notice n;
      n.site_id = ctx.actor.site_id;
      n.account_id = p.recipient.account_id;
      n.created_at = now;
      n.on_day = run.today;
      n.subject = p.subject;
      n.body = p.body;
      if (!p.recipient.email.empty() && settings.mailer != nullptr) {
        n.email_to = p.recipient.email;
        n.email_status = EmailStatus::kPending;
      }
      n.marks = p.Marks();
      notices.push_back(std::move(n));
    }
    int lines = 0;
    for (const auto& p : plan) lines += static_cast<int>(p.lines.size());
    GK_TRY(stored, ctx.store.SaveNotices(
                       notices, ctx.Audit("发送到期提醒", fmt::format("提醒:{}", run.today.ToString()), "null",
                                          fmt::format(R"({{"notices":{},"lines":{}}})", notices.size(), lines))));
    run.notices = static_cast<int>(stored.size());
    for (const auto& n : stored) run.lines += static_cast<int>(n.marks.size());
  }
  GK_CHECK(DeliverPending(ctx, settings, run));
  return run;
}

Result<std::vector<Notice>> MyNotices(const Context& ctx, int limit) {
  if (ctx.actor.account_id == 0) return Unexpected(Error{ErrorCode::kUnauthenticated, "请先登录", "", 0});
  return ctx.store.ListNotices(ctx.actor.site_id, ctx.actor.account_id, limit);
}

Result<std::vector<Notice>> SiteNotices(const Context& ctx, int limit) {
  GK_CHECK(Authorize(ctx.actor, Action::kViewCompliance));
  return ctx.store.ListNotices(ctx.actor.site_id, 0, limit);
}

Result<int> UnreadNoticeCount(const Context& ctx) {
  if (ctx.actor.account_id == 0) return 0;
  return ctx.store.CountUnreadNotices(ctx.actor.account_id);
}

Status MarkNoticesRead(const Context& ctx, std::int64_t notice_id) {
  if (ctx.actor.account_id == 0) return Unexpected(Error{ErrorCode::kUnauthenticated, "请先登录", "", 0});
  return ctx.store.MarkNoticesRead(ctx.actor.account_id, notice_id, ctx.NowUtc());
}

Result<std::set<int>> EventDrivenItems(Store& store, std::int64_t site_id) {
  GK_TRY(text, store.GetSiteSetting(site_id, kEventDrivenKey));
  std::set<int> out;
  if (text.empty()) return out;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) return Unexpected(Error::Internal("按事件公开事项设置已损坏"));
  for (const auto& v : j) {
    if (!v.is_number_integer()) return Unexpected(Error::Internal("按事件公开事项设置已损坏"));
    out.insert(v.get<int>());
  }
  return out;
}

Status SetEventDrivenItems(const Context& ctx, const Catalog& catalog, const std::set<int>& items) {
  GK_CHECK(Authorize(ctx.actor, Action::kConfigureCompliance));
  for (int n : items)
    if (!catalog.FindItem(n)) return Unexpected(Error::Invalid(fmt::format("事项序号{}不在目录中", n), "items"));
  GK_TRY(before, ctx.store.GetSiteSetting(ctx.actor.site_id, kEventDrivenKey));
  const std::string after = nlohmann::json(std::vector<int>(items.begin(), items.end())).dump();
  return ctx.store.SetSiteSetting(ctx.actor.site_id, kEventDrivenKey, after,
                                  ctx.Audit("设置按事件公开事项", "督查统计口径", before.empty() ? "null" : before,
                                            after));
}

}  // namespace gongkai
