// Accounts, login and sessions.
#pragma once

#include <chrono>
#include <string>

#include "app/context.h"
#include "core/accounts.h"
#include "core/catalog.h"

namespace gongkai {

struct AuthPolicy {
  int max_failures = 5;                              // failed logins allowed per window
  std::chrono::seconds failure_window{15 * 60};      // and the lock-out after them
  std::chrono::seconds session_ttl{8 * 60 * 60};     // a session's lifetime
};

struct NewAccount {
  std::string username;
  std::string display_name;
  Role role = Role::kAdmin;
  std::string unit;      // required for liaison and leader: a unit of `catalog`
  std::string password;  // checked by CheckPasswordStrength
  std::string email;     // optional, for reminders (NormalizeEmail)
};

// Creates an account (kManageAccounts). The password is stored only as an
// argon2id hash; the audit entry never contains it.
[[nodiscard]] Result<Account> AddAccount(const Context& ctx, const Catalog& catalog, const NewAccount& account);

struct LoginResult {
  std::string token;  // for the cookie; only its hash is stored
  Session session;
  Account account;
};

// Checks the password. After policy.max_failures failures for a username
// within the window, refuses further attempts (even correct ones) until the
// window has passed. The error does not say whether the user exists.
[[nodiscard]] Result<LoginResult> Login(Store& store, const Clock& clock, std::int64_t site_id,
                                        const std::string& username, const std::string& password,
                                        const AuthPolicy& policy);

// The session for a cookie token and the actor it stands for; Unauthenticated
// when unknown, expired or the account is disabled.
[[nodiscard]] Result<std::pair<Session, Actor>> ResolveSession(Store& store, const Clock& clock,
                                                               const std::string& token);
[[nodiscard]] Status Logout(Store& store, const std::string& token);

// Sets a new one-time password (returned, shown once to the office) that must
// be changed at first login; ends the account's sessions (kManageAccounts).
[[nodiscard]] Result<std::string> ResetPassword(const Context& ctx, std::int64_t account_id);
// The actor changes their own password.
[[nodiscard]] Status ChangeOwnPassword(const Context& ctx, const std::string& old_password,
                                       const std::string& new_password);
// Enables or disables an account (kManageAccounts); disabling ends its sessions.
[[nodiscard]] Status SetAccountActive(const Context& ctx, std::int64_t account_id, bool active);

// Sets an account's e-mail address for reminders ("" removes it): the
// office (kManageAccounts) for anyone, every user for themselves.
[[nodiscard]] Status SetAccountEmail(const Context& ctx, std::int64_t account_id, const std::string& email);

Actor ActorOf(const Account& account);

}  // namespace gongkai
