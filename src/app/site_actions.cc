#include "app/site_actions.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/context.h"
#include "core/site_routing.h"

namespace gongkai {

std::string CheckSiteSlug(const std::string& slug) {
  bool ok = slug.size() >= 2 && slug.size() <= 32 && slug.front() >= 'a' && slug.front() <= 'z';
  for (char c : slug) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
  if (ok) return {};
  return fmt::format("站点标识“{}”无效：应为2至32个小写字母、数字或连字符，以字母开头，如pudong",
                     slug.substr(0, 64));
}

Result<Site> AddSite(Store& store, const Clock& clock, const AddSiteOptions& options, const Catalog& catalog) {
  if (auto problem = CheckSiteSlug(options.slug); !problem.empty())
    return Unexpected(Error::Invalid(problem, "slug"));
  if (options.name.empty()) return Unexpected(Error::Invalid("请填写站点名称，如“浦东新区人民政府”", "name"));
  if (options.name.size() > 200) return Unexpected(Error::Invalid("站点名称过长（最多200字节）", "name"));
  GK_TRY(host, NormaliseSiteHost(options.host, "host"));
  GK_TRY(sites, store.ListSites());
  for (const auto& s : sites) {
    if (s.slug == options.slug)
      return Unexpected(Error::Conflict(fmt::format("站点“{}”已存在", options.slug), "slug"));
    if (!host.empty() && s.host == host)
      return Unexpected(Error::Conflict(fmt::format("域名“{}”已由站点“{}”使用", host, s.slug), "host"));
  }
  Catalog chosen = catalog;
  if (!options.from_site.empty()) {
    GK_TRY(from, store.FindSite(options.from_site));
    GK_TRY(copied, store.LoadCatalog(from.id));
    chosen = std::move(copied);
  }
  if (chosen.areas.empty())
    return Unexpected(Error::Invalid("新站点的信息公开目录为空", options.from_site.empty() ? "catalog" : "from-site"));
  // The catalogue is checked before the site exists, so that a bad one
  // leaves no site without a catalogue behind.
  GK_CHECK(ValidateCatalog(chosen));
  GK_TRY(site, store.CreateSite(NewSite{options.slug, options.name, host}));
  GK_CHECK(store.SaveCatalog(site.id, chosen));
  Context ctx{store, clock, Actor::Console(site.id)};
  AuditEntry audit =
      ctx.Audit("创建站点", "站点:" + site.slug, "null",
                nlohmann::json{{"slug", site.slug},
                               {"name", site.name},
                               {"host", site.host},
                               {"catalog_from", options.from_site.empty() ? "seed" : options.from_site}}
                    .dump());
  GK_CHECK(store.AppendAudit(audit));
  return store.FindSite(site.slug);
}

}  // namespace gongkai
