// Server-rendered pages (Simplified Chinese). Each function renders one
// page type to a complete HTML document from domain data; no I/O.
#pragma once

#include <string>

#include "core/catalog.h"
#include "core/store.h"

namespace gongkai::views {

// Path of a unit's page, URL-encoded: "/units/%E5%8C%BA...".
std::string UnitUrl(std::string_view unit_name);

std::string Home(const Site& site, const Catalog& catalog);
// Preconditions: `item_number` exists in `catalog`.
std::string ItemPage(const Site& site, const Catalog& catalog, int item_number);
// Preconditions: `unit_name` names a unit of `catalog`.
std::string UnitPage(const Site& site, const Catalog& catalog, const std::string& unit_name);
std::string UnitsPage(const Site& site, const Catalog& catalog);
std::string GuidePage(const Site& site, const Catalog& catalog);
// An error page: `status` 400/403/404/500, with what to do next.
// `catalog` may be null when it could not be loaded.
std::string ErrorPage(const Site& site, const Catalog* catalog, int status, const std::string& message);

}  // namespace gongkai::views
