// Demo data for a new installation (`gongkai init --demo`): a living portal
// with records across all 20 items and several years, made through the same
// actions a unit's staff use. Generated, plausible, clearly fictitious
// (every title carries "（演示）").
#pragma once

#include <span>

#include "core/catalog.h"
#include "core/deadline.h"
#include "core/error.h"
#include "core/store.h"

namespace gongkai {

struct DemoSummary {
  int published = 0, late = 0, withdrawn = 0, revised = 0, open_obligations = 0, withheld = 0;
};

// Fills `site` with demo obligations and records for years first_year..last_year
// (publication dates up to `today`). Deterministic for a given `seed`.
[[nodiscard]] Result<DemoSummary> FillDemo(Store& store, const Site& site, const Catalog& catalog,
                                           std::span<const DeadlineRule> rules, int first_year, Date today,
                                           unsigned seed = 20181);

}  // namespace gongkai
