// Accounts, sessions and the audit log: plain data, no I/O.
#pragma once

#include <cstdint>
#include <string>

#include "core/auth.h"

namespace gongkai {

struct Account {
  std::int64_t id = 0;
  std::int64_t site_id = 0;
  std::string username;       // unique within a site; ASCII letters, digits, . _ -
  std::string display_name;   // 姓名
  Role role = Role::kPublic;
  std::string unit;           // liaison/leader: their unit's name; else empty
  std::string password_hash;  // argon2id (libsodium); empty = cannot log in yet
  bool must_change_password = false;
  bool active = true;
  std::string created_at;
  std::string email;  // for reminders; "" = in-app notices only
};

// A server-side session. The cookie holds the token; only its SHA-256 is stored.
struct Session {
  std::string token_hash;
  std::int64_t account_id = 0;
  std::string csrf_token;  // sent back in every state-changing form
  std::string created_at;  // ISO 8601 UTC
  std::string expires_at;  // ISO 8601 UTC
};

// Who did what, when, with the state before and after (JSON text).
struct AuditEntry {
  std::int64_t id = 0;
  std::int64_t site_id = 0;
  std::string at;          // ISO 8601 UTC
  std::string actor;       // username ("cli" for the console)
  std::string actor_role;  // RoleName
  std::string action;      // ActionLabel or a verb, Chinese
  std::string target;      // what it was done to, e.g. "单位:区发改局"
  std::string before_json = "null";
  std::string after_json = "null";
};

// A per-unit API token (接口令牌) for a unit's own systems: it acts for one
// unit in one role (liaison or leader) through the write endpoints of API
// v1. The secret is shown once at creation; only its SHA-256 is stored.
struct ApiToken {
  std::int64_t id = 0;
  std::int64_t site_id = 0;
  std::string name;          // a label chosen by the office, e.g. "财政局业务系统"
  std::string unit;          // the unit it acts for
  Role role = Role::kLiaison;
  std::string token_hash;    // SHA-256 hex of the secret
  std::string created_by;    // username of the office member
  std::string created_at;    // ISO 8601 UTC
  std::string last_used_at;  // ISO 8601 UTC; "" = never used
  std::string revoked_at;    // ISO 8601 UTC; "" = in force
  bool revoked() const { return !revoked_at.empty(); }
};

// Username rules: 3-64 characters of [A-Za-z0-9._-]. Chinese message naming
// the field on failure.
[[nodiscard]] Status ValidateUsername(std::string_view username);

}  // namespace gongkai
