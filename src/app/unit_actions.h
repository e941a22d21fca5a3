// Editing responsible units and which items they answer for.
#pragma once

#include <string>

#include "app/context.h"
#include "core/catalog.h"

namespace gongkai {

// Unit kinds offered in the admin pages.
const std::vector<std::string>& UnitKinds();

// Replaces a unit's details (kEditUnits): name (renaming keeps the old name
// as an alias), short name, organisation code (for the 索引号: 1-18 of
// 0-9 A-Z), kind, parent unit (another unit, not itself), active flag.
[[nodiscard]] Status EditUnit(const Context& ctx, const Catalog& catalog, const std::string& name,
                              UnitInfo updated);

// Adds `unit` to an item whose unit list is open-ended (ends in 等), or
// removes it from an item; a reason is required and kept in the history.
[[nodiscard]] Status ChangeItemUnit(const Context& ctx, const Catalog& catalog, int item_number,
                                    const std::string& unit, bool add, const std::string& reason);

}  // namespace gongkai
