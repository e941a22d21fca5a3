// Server-rendered pages (Simplified Chinese). Each function renders one
// page type to a complete HTML document from domain data; no I/O.
#pragma once

#include <string>

#include <span>

#include "core/catalog.h"
#include "core/deadline.h"
#include "core/store.h"

namespace gongkai::views {

// Path of a unit's page, URL-encoded: "/units/%E5%8C%BA...".
std::string UnitUrl(std::string_view unit_name);

std::string Home(const Site& site, const Catalog& catalog);
// Preconditions: `item_number` exists in `catalog`.
std::string ItemPage(const Site& site, const Catalog& catalog, std::span<const DeadlineRule> rules,
                     int item_number);
// Preconditions: `unit_name` names a unit of `catalog`.
std::string UnitPage(const Site& site, const Catalog& catalog, const std::string& unit_name);
std::string UnitsPage(const Site& site, const Catalog& catalog);
std::string GuidePage(const Site& site, const Catalog& catalog);

// The 期限计算 page: the form (pre-filled from `from`/`target`) and, when
// given, a result or an error message.
struct DeadlinePageData {
  std::string from;    // as typed
  std::string target;  // "12/采购结果", "12/" (item default) or "rule:ID"
  const DeadlineResult* result = nullptr;
  std::string item_text;  // "12.政府采购领域 — 采购结果"
  std::string error;      // a Chinese message, or empty
  std::string error_field;
  std::int64_t calendar_version = 0;
  std::string calendar_note;
  std::string api_url;
};
std::string DeadlinePage(const Site& site, const Catalog& catalog, std::span<const DeadlineRule> rules,
                         const DeadlinePageData& data);
// An error page: `status` 400/403/404/500, with what to do next.
// `catalog` may be null when it could not be loaded.
std::string ErrorPage(const Site& site, const Catalog* catalog, int status, const std::string& message);

}  // namespace gongkai::views
