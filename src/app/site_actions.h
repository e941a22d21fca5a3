// Sites on one deployment: a provincial platform (集约化平台) hosts many
// districts' portals, each with its own catalogue, units, accounts, records
// and ledger, routed by host name (core/site_routing.h).
#pragma once

#include <string>
#include <vector>

#include "app/context.h"
#include "core/catalog.h"
#include "core/error.h"
#include "core/store.h"

namespace gongkai {

struct AddSiteOptions {
  std::string slug;  // short identifier: a-z, 0-9, '-', 2 to 32 characters, starting with a letter
  std::string name;  // e.g. "浦东新区人民政府"
  std::string host;  // host name the portal answers to; "" = only as the default site
  // Where the new site's catalogue comes from: another site's current
  // catalogue (by slug), else `catalog`.
  std::string from_site;
};

// Checks the options and the catalogue (naming the field of the first
// problem), creates the site, stores its catalogue and writes an audit entry
// in the new site's log. Conflict when the slug or the host name is taken
// (also when another process takes it meanwhile: the store's constraints
// decide); NotFound when `from_site` does not exist. Invalid input leaves
// nothing behind; a storage failure between creating the site and storing
// its catalogue leaves a site without one, which `gongkai init --site SLUG`
// fills.
[[nodiscard]] Result<Site> AddSite(Store& store, const Clock& clock, const AddSiteOptions& options,
                                   const Catalog& catalog);

// A slug's problem in Chinese, or "" when it is valid.
std::string CheckSiteSlug(const std::string& slug);

}  // namespace gongkai
