// What every action needs besides its arguments: the store, a clock and the
// acting user. Actions take a Context so pages, the API and the CLI call them
// the same way.
#pragma once

#include <chrono>
#include <string>

#include "core/accounts.h"
#include "core/auth.h"
#include "core/store.h"

namespace gongkai {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::sys_seconds Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::chrono::sys_seconds Now() const override {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  }
};

struct Context {
  Store& store;
  const Clock& clock;
  Actor actor;

  std::string NowUtc() const;
  // An audit entry by this actor, now.
  AuditEntry Audit(std::string action, std::string target, std::string before_json = "null",
                   std::string after_json = "null") const;
};

}  // namespace gongkai
