// Sign-in and the admin pages (管理后台): units, accounts, the liaison
// registration, the audit log. Every state-changing form carries a CSRF
// token; every page checks the signed-in actor through the app's actions.
#pragma once

#include <httplib.h>

#include <functional>
#include <memory>

#include "app/account_actions.h"
#include "app/reminder_actions.h"
#include "core/webhooks.h"
#include "app/context.h"
#include "core/store.h"
#include "http/snapshot.h"

namespace gongkai {

struct AdminDeps {
  Store& store;
  const Clock& clock;
  std::function<const Site&()> site;  // the request's site
  AuthPolicy policy;
  std::function<Result<std::shared_ptr<const Snapshot>>()> snapshot;
  std::size_t max_attachment_bytes = 50 * 1024 * 1024;
  std::function<ReminderSettings()> reminders;  // the request's site's, for the "send reminders now" button
  WebhookPoster* poster = nullptr;  // for the office's "send again" (replay); null: replay refused
};

inline constexpr const char* kSessionCookie = "gk_session";
inline constexpr const char* kLoginCsrfCookie = "gk_login_csrf";

// Registers the routes; the returned handle owns the handlers and must
// outlive the server's use of them.
[[nodiscard]] std::shared_ptr<void> RegisterAdminRoutes(httplib::Server& server, const AdminDeps& deps);

// The value of cookie `name` in the request, or "".
std::string CookieValue(const httplib::Request& req, std::string_view name);

}  // namespace gongkai
