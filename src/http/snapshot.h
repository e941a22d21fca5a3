// What public pages are rendered from, for one revision of a site.
#pragma once

#include <cstdint>

#include "app/calendar_actions.h"
#include "core/catalog.h"

namespace gongkai {

struct Snapshot {
  std::int64_t revision = -1;
  Catalog catalog;
  CalendarInForce calendar;
};

}  // namespace gongkai
