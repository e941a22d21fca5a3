#include "app/context.h"

#include "core/timestamp.h"

namespace gongkai {

std::string Context::NowUtc() const { return FormatUtc(clock.Now()); }

AuditEntry Context::Audit(std::string action, std::string target, std::string before_json,
                          std::string after_json) const {
  AuditEntry e;
  e.site_id = actor.site_id;
  e.at = NowUtc();
  e.actor = actor.username.empty() ? "public" : actor.username;
  e.actor_role = RoleName(actor.role);
  e.action = std::move(action);
  e.target = std::move(target);
  e.before_json = std::move(before_json);
  e.after_json = std::move(after_json);
  return e;
}

}  // namespace gongkai
