#include "app/catalog_actions.h"

#include <fmt/core.h>

#include <algorithm>

#include "codec/catalog_json.h"
#include "codec/catalog_table.h"
#include "codec/xlsx.h"

namespace gongkai {

namespace {
std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}
}  // namespace

Result<CatalogFormat> ParseCatalogFormat(std::string_view name) {
  std::string n = Lower(name);
  if (n == "json") return CatalogFormat::kJson;
  if (n == "csv") return CatalogFormat::kCsv;
  if (n == "xlsx") return CatalogFormat::kXlsx;
  return Unexpected(Error::Invalid(fmt::format("不支持的格式“{}”（可选：json、csv、xlsx）", name), "format"));
}

CatalogFormat CatalogFormatFromFileName(std::string_view file_name) {
  std::string n = Lower(file_name);
  auto ends = [&](std::string_view ext) { return n.size() >= ext.size() && n.ends_with(ext); };
  if (ends(".csv")) return CatalogFormat::kCsv;
  if (ends(".xlsx")) return CatalogFormat::kXlsx;
  return CatalogFormat::kJson;
}

Result<Site> InitSite(Store& store, const InitOptions& options, const Catalog& catalog, bool replace) {
  GK_TRY(version, store.Migrate());
  (void)version;
  auto site = store.FindSite(options.site_slug);
  if (!site) {
    if (site.error().code != ErrorCode::kNotFound) return Unexpected(site.error());
    site = store.CreateSite(NewSite{options.site_slug, options.site_name, options.site_host});
    if (!site) return Unexpected(site.error());
  }
  auto existing = store.LoadCatalog(site->id);
  if (!existing && existing.error().code != ErrorCode::kNotFound) return Unexpected(existing.error());
  if (!existing || replace) GK_CHECK(store.SaveCatalog(site->id, catalog));
  return store.FindSite(options.site_slug);
}

Result<Catalog> ImportCatalog(Store& store, const Site& site, std::string_view bytes, CatalogFormat format) {
  Catalog parsed;
  if (format == CatalogFormat::kJson) {
    GK_TRY(c, ParseCatalogJson(bytes));
    parsed = std::move(c);
  } else {
    auto base = store.LoadCatalog(site.id);
    if (!base && base.error().code != ErrorCode::kNotFound) return Unexpected(base.error());
    Catalog empty_base;
    const Catalog& b = base ? *base : empty_base;
    if (format == CatalogFormat::kCsv) {
      GK_TRY(c, ParseCatalogCsv(bytes, b));
      parsed = std::move(c);
    } else {
      GK_TRY(rows, ReadXlsxFirstSheet(bytes));
      GK_TRY(c, CatalogFromTable(rows, b));
      parsed = std::move(c);
    }
  }
  GK_CHECK(store.SaveCatalog(site.id, parsed));
  return parsed;
}

Result<std::string> ExportCatalog(Store& store, const Site& site, CatalogFormat format) {
  GK_TRY(catalog, store.LoadCatalog(site.id));
  switch (format) {
    case CatalogFormat::kJson: return SerializeCatalogJson(catalog);
    case CatalogFormat::kCsv: return CatalogToCsv(catalog);
    case CatalogFormat::kXlsx: {
      XlsxSheet sheet{"信息公开目录", CatalogToTable(catalog), {14, 26, 60, 24, 40, 50, 60, 10, 24, 30}};
      return WriteXlsx({sheet});
    }
  }
  return Unexpected(Error::Internal("未知格式"));
}

}  // namespace gongkai
