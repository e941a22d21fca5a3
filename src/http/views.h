// Server-rendered pages (Simplified Chinese). Each function renders one
// page type to a complete HTML document from domain data; no I/O.
#pragma once

#include <string>

#include <kainjow/mustache.hpp>
#include <span>

#include "core/catalog.h"
#include "app/search_actions.h"
#include "core/deadline.h"
#include "core/records.h"
#include "core/store.h"

namespace gongkai::views {

// The signed-in user shown in the page header; empty username = nobody.
struct Viewer {
  std::string username;
  std::string display_name;
  std::string role_label;
  std::string csrf;  // for the logout form
};

struct Crumb {
  std::string label;
  std::string url;  // empty for the current page
};

// Renders templates/<name>.mustache with `data` (kainjow mustache data).
std::string RenderTemplate(std::string_view name, const kainjow::mustache::data& data);
// Wraps `content` in the layout. `nav` marks the current top-level link.
std::string RenderPage(const Site& site, const Catalog* catalog, std::string_view title, std::string_view nav,
                       const std::vector<Crumb>& crumbs, const std::string& content, const Viewer* viewer = nullptr);

// Path of a unit's page, URL-encoded: "/units/%E5%8C%BA...".
std::string UnitUrl(std::string_view unit_name);

std::string Home(const Site& site, const Catalog& catalog);
// Preconditions: `item_number` exists in `catalog`.
// One page of published records of an item.
struct RecordListing {
  std::vector<Record> records;
  int page = 1;
  int pages = 1;
  int total = 0;
};
std::string ItemPage(const Site& site, const Catalog& catalog, std::span<const DeadlineRule> rules,
                     int item_number, const RecordListing& listing);
// A published record at `version` (the current one when version ==
// record.published_version), with the version history.
// `leaves` are the record's entries in the publication ledger (each
// version's position and a link to its inclusion proof).
std::string RecordPage(const Site& site, const Catalog& catalog, const Record& record,
                       const std::vector<RecordVersion>& versions, int version,
                       const std::vector<LedgerLeaf>& leaves = {});
// The search page: the form, and the results when `outcome` is given, or an
// error message.
std::string SearchPage(const Site& site, const Catalog& catalog, const SearchParams& params,
                       const SearchOutcome* outcome, const std::string& error);
// "12.3 KB"
std::string HumanSize(std::int64_t bytes);
// Preconditions: `unit_name` names a unit of `catalog`.
std::string UnitPage(const Site& site, const Catalog& catalog, const std::string& unit_name);
std::string UnitsPage(const Site& site, const Catalog& catalog);
// `keys`: the publication ledger's public keys (current last).
std::string GuidePage(const Site& site, const Catalog& catalog, const std::vector<LedgerKeyInfo>& keys = {});

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
std::string ErrorPage(const Site& site, const Catalog* catalog, int status, const std::string& message,
                      const Viewer* viewer = nullptr);
std::string PercentEncode(std::string_view s);

}  // namespace gongkai::views
