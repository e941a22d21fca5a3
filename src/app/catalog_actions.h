// Use cases on the catalogue: one function per verb, shared by the CLI, the
// pages and the API.
#pragma once

#include <string>
#include <string_view>

#include "core/catalog.h"
#include "core/error.h"
#include "core/store.h"

namespace gongkai {

enum class CatalogFormat { kJson, kCsv, kXlsx };

// "json" / "csv" / "xlsx" (case-insensitive); InvalidInput names the value.
[[nodiscard]] Result<CatalogFormat> ParseCatalogFormat(std::string_view name);
// Guesses from a file name's extension; JSON when unknown.
CatalogFormat CatalogFormatFromFileName(std::string_view file_name);

struct InitOptions {
  std::string site_slug = "demo";
  std::string site_name = "示例区人民政府";
  std::string site_host;
};

// Migrates the database, creates the site if it does not exist and, if the
// site has no catalogue yet, stores `catalog`. An existing catalogue is kept
// unless `replace` is true. Returns the site.
[[nodiscard]] Result<Site> InitSite(Store& store, const InitOptions& options, const Catalog& catalog,
                                    bool replace);

// Parses `bytes` in `format` and replaces the site's catalogue with it, all
// or nothing: on any error the stored catalogue is unchanged. CSV and Excel
// tables take the title, the office's contact and unit details from the
// stored catalogue.
[[nodiscard]] Result<Catalog> ImportCatalog(Store& store, const Site& site, std::string_view bytes,
                                            CatalogFormat format);

// The site's catalogue as a file in `format` (bytes).
[[nodiscard]] Result<std::string> ExportCatalog(Store& store, const Site& site, CatalogFormat format);

}  // namespace gongkai
