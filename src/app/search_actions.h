// Public full-text search over published records (pages, API and CLI).
#pragma once

#include <string>
#include <vector>

#include "core/catalog.h"
#include "core/error.h"
#include "core/store.h"

namespace gongkai {

struct SearchParams {
  std::string q;       // the user's query (search/query.h syntax)
  int area = 0;        // facet filters, 0/"" = any
  int item = 0;
  std::string unit;
  int year = 0;
  std::string genre;
  int page = 1;
  int per_page = 20;
};

struct SearchHitView {
  Record record;
  std::string title_html;    // escaped, matches in <mark>
  std::string snippet_html;  // escaped, matches in <mark>
  std::string published_on;  // YYYY-MM-DD (Beijing)
};

struct SearchOutcome {
  std::vector<SearchHitView> hits;
  int total = 0;
  int page = 1;
  int pages = 1;
  std::vector<FacetCount> by_area, by_item, by_unit, by_year, by_genre;
  std::vector<std::string> terms;  // normalised terms, for display
};

// Parses the query (errors name the field "q" in Chinese, never a server
// error), applies field filters (单位:, 事项:) and facets, ranks by BM25 with
// a title boost then recency, and builds highlighted snippets on the
// original text of the current published version.
[[nodiscard]] Result<SearchOutcome> RunSearch(Store& store, const Site& site, const Catalog& catalog,
                                              const SearchParams& params);

}  // namespace gongkai
