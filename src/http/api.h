// JSON documents of API v1. Field names are stable English; values are the
// catalogue's own Chinese text.
#pragma once

#include <nlohmann/json.hpp>

#include "core/calendar.h"
#include "core/catalog.h"
#include "core/deadline.h"
#include "core/error.h"
#include "core/store.h"

namespace gongkai::api {

nlohmann::ordered_json CatalogDoc(const Site& site, const Catalog& catalog);
// Preconditions: the item exists.
nlohmann::ordered_json ItemDoc(const Catalog& catalog, const Item& item);
nlohmann::ordered_json UnitsDoc(const Catalog& catalog);
nlohmann::ordered_json UnitDoc(const Catalog& catalog, const UnitInfo& unit);
// A computed deadline with its rule, the days skipped and the explanation.
nlohmann::ordered_json DeadlineDoc(const DeadlineResult& result, int item, const std::string& element,
                                   std::int64_t calendar_version);
nlohmann::ordered_json RuleDoc(const DeadlineRule& rule);
// The dates one year's notice lists, and whether the year is official.
nlohmann::ordered_json CalendarYearDoc(const WorkingCalendar& calendar, int year, std::int64_t version,
                                       const std::string& note);
// {"error": {"code": "not_found", "message": "…", "field": "…"}}
nlohmann::ordered_json ErrorDoc(const Error& error);
// HTTP status for an error code (400, 403, 404, 409, 500, ...).
int HttpStatus(ErrorCode code);

}  // namespace gongkai::api
