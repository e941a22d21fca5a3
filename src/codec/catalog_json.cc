#include "codec/catalog_json.h"

#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "codec/json_util.h"
#include "core/resources.h"

namespace gongkai {

using nlohmann::json;
using ojson = nlohmann::ordered_json;
namespace ju = json_util;

namespace {

constexpr std::string_view kFormat = "gongkai-catalog";
constexpr int kVersion = 1;

Result<Element> ParseElement(const json& j, const std::string& path) {
  if (auto s = ju::CheckKeys(j, path, {"name", "rule"}); !s) return Unexpected(s.error());
  Element e;
  GK_TRY(name, ju::GetString(j, path, "name"));
  GK_TRY(rule, ju::GetString(j, path, "rule", false));
  e.name = std::move(name);
  e.rule = std::move(rule);
  return e;
}

Result<Item> ParseItem(const json& j, const std::string& path) {
  if (auto s = ju::CheckKeys(j, path,
                             {"number", "title", "content", "elements", "channel", "units", "units_open_ended",
                              "timeliness", "privacy_protection", "specific_groups",
                              "excludes_commercial_secrets", "excludes_state_secrets", "notes"});
      !s)
    return Unexpected(s.error());
  Item item;
  GK_TRY(number, ju::GetInt(j, path, "number"));
  if (number <= 0 || number > 100000)
    return Unexpected(Error::Invalid(fmt::format("事项序号{}无效", number), ju::Join(path, "number")));
  item.number = static_cast<int>(number);
  GK_TRY(title, ju::GetString(j, path, "title"));
  if (title.empty()) return Unexpected(Error::Invalid("标题不能为空", ju::Join(path, "title")));
  item.title = std::move(title);
  GK_TRY(content, ju::GetString(j, path, "content"));
  item.content = std::move(content);
  GK_TRY(elements, ju::GetArray(j, path, "elements"));
  for (std::size_t i = 0; i < elements->size(); ++i) {
    GK_TRY(e, ParseElement((*elements)[i], ju::Index(ju::Join(path, "elements"), i)));
    item.elements.push_back(std::move(e));
  }
  GK_TRY(channel, ju::GetString(j, path, "channel"));
  item.channel = std::move(channel);
  GK_TRY(units, ju::GetStringArray(j, path, "units"));
  for (auto& u : units) item.units.push_back(NormalizeUnitName(u));
  GK_TRY(open, ju::GetBool(j, path, "units_open_ended", false));
  item.units_open_ended = open;

  auto tit = j.find("timeliness");
  if (tit == j.end())
    return Unexpected(Error::Invalid("缺少必填字段", ju::Join(path, "timeliness")));
  std::string tpath = ju::Join(path, "timeliness");
  if (auto s = ju::CheckKeys(*tit, tpath, {"text", "working_days", "law_overrides"}); !s)
    return Unexpected(s.error());
  GK_TRY(ttext, ju::GetString(*tit, tpath, "text"));
  GK_TRY(days, ju::GetInt(*tit, tpath, "working_days", false, 20));
  GK_TRY(law, ju::GetBool(*tit, tpath, "law_overrides", false, true));
  if (days <= 0 || days > 366)
    return Unexpected(Error::Invalid(fmt::format("时限天数{}不在1到366之间", days),
                                          ju::Join(tpath, "working_days")));
  item.timeliness = Timeliness{std::move(ttext), static_cast<int>(days), law};

  GK_TRY(privacy, ju::GetBool(j, path, "privacy_protection", false));
  GK_TRY(groups, ju::GetBool(j, path, "specific_groups", false));
  GK_TRY(commercial, ju::GetBool(j, path, "excludes_commercial_secrets", false));
  GK_TRY(state, ju::GetBool(j, path, "excludes_state_secrets", false));
  GK_TRY(notes, ju::GetString(j, path, "notes", false));
  item.privacy_protection = privacy;
  item.specific_groups = groups;
  item.excludes_commercial_secrets = commercial;
  item.excludes_state_secrets = state;
  item.notes = std::move(notes);
  return item;
}

Result<UnitInfo> ParseUnit(const json& j, const std::string& path) {
  if (auto s = ju::CheckKeys(j, path, {"name", "short_name", "kind", "parent", "org_code", "aliases", "active"}); !s)
    return Unexpected(s.error());
  UnitInfo u;
  GK_TRY(name, ju::GetString(j, path, "name"));
  u.name = NormalizeUnitName(name);
  if (u.name.empty()) return Unexpected(Error::Invalid("单位名称不能为空", ju::Join(path, "name")));
  GK_TRY(short_name, ju::GetString(j, path, "short_name", false));
  GK_TRY(kind, ju::GetString(j, path, "kind", false));
  GK_TRY(parent, ju::GetString(j, path, "parent", false));
  GK_TRY(org_code, ju::GetString(j, path, "org_code", false));
  GK_TRY(aliases, ju::GetStringArray(j, path, "aliases", false));
  GK_TRY(active, ju::GetBool(j, path, "active", false, true));
  u.active = active;
  u.short_name = std::move(short_name);
  u.kind = kind.empty() ? "其他" : std::move(kind);
  u.parent = NormalizeUnitName(parent);
  u.org_code = std::move(org_code);
  u.aliases = std::move(aliases);
  return u;
}

}  // namespace

Result<Catalog> ParseCatalogJson(std::string_view text) {
  GK_TRY(doc, ju::Parse(text));
  if (auto s = ju::CheckKeys(doc, "", {"format", "version", "title", "office", "units", "areas"}); !s)
    return Unexpected(s.error());
  GK_TRY(format, ju::GetString(doc, "", "format"));
  if (format != kFormat)
    return Unexpected(Error::Invalid(fmt::format("不是目录文件（format应为“{}”，实为“{}”）", kFormat, format),
                                          "format"));
  GK_TRY(version, ju::GetInt(doc, "", "version"));
  if (version != kVersion)
    return Unexpected(Error::Invalid(fmt::format("不支持的目录文件版本{}", version), "version"));

  Catalog c;
  GK_TRY(title, ju::GetString(doc, "", "title"));
  c.title = std::move(title);

  if (auto oit = doc.find("office"); oit != doc.end()) {
    if (auto s = ju::CheckKeys(*oit, "office", {"name", "address", "phones", "hours"}); !s)
      return Unexpected(s.error());
    GK_TRY(oname, ju::GetString(*oit, "office", "name", false));
    GK_TRY(address, ju::GetString(*oit, "office", "address", false));
    GK_TRY(phones, ju::GetStringArray(*oit, "office", "phones", false));
    GK_TRY(hours, ju::GetString(*oit, "office", "hours", false));
    c.office = OfficeContact{std::move(oname), std::move(address), std::move(phones), std::move(hours)};
  }

  GK_TRY(units, ju::GetArray(doc, "", "units"));
  for (std::size_t i = 0; i < units->size(); ++i) {
    GK_TRY(u, ParseUnit((*units)[i], ju::Index("units", i)));
    c.units.push_back(std::move(u));
  }
  // Item unit lists may use an alias ("区红十字"); map to the unit's name.
  auto canonical = [&](const std::string& name) -> std::string {
    for (const auto& u : c.units) {
      if (u.name == name) return name;
      for (const auto& a : u.aliases)
        if (NormalizeUnitName(a) == name) return u.name;
    }
    return name;
  };

  GK_TRY(areas, ju::GetArray(doc, "", "areas"));
  for (std::size_t i = 0; i < areas->size(); ++i) {
    const json& aj = (*areas)[i];
    std::string path = ju::Index("areas", i);
    if (auto s = ju::CheckKeys(aj, path, {"number", "title", "items"}); !s) return Unexpected(s.error());
    Area area;
    GK_TRY(number, ju::GetInt(aj, path, "number"));
    if (number <= 0 || number > 1000)
      return Unexpected(Error::Invalid(fmt::format("领域序号{}无效", number), ju::Join(path, "number")));
    area.number = static_cast<int>(number);
    GK_TRY(atitle, ju::GetString(aj, path, "title"));
    if (atitle.empty()) return Unexpected(Error::Invalid("标题不能为空", ju::Join(path, "title")));
    area.title = std::move(atitle);
    GK_TRY(items, ju::GetArray(aj, path, "items"));
    for (std::size_t k = 0; k < items->size(); ++k) {
      GK_TRY(item, ParseItem((*items)[k], ju::Index(ju::Join(path, "items"), k)));
      for (auto& u : item.units) u = canonical(u);
      area.items.push_back(std::move(item));
    }
    c.areas.push_back(std::move(area));
  }
  if (auto s = ValidateCatalog(c); !s) return Unexpected(s.error());
  return c;
}

std::string SerializeCatalogJson(const Catalog& c) {
  ojson doc = ojson::object();
  doc["format"] = kFormat;
  doc["version"] = kVersion;
  doc["title"] = c.title;
  doc["office"] = {{"name", c.office.name},
                   {"address", c.office.address},
                   {"phones", c.office.phones},
                   {"hours", c.office.hours}};
  ojson units = ojson::array();
  for (const auto& u : c.units) {
    units.push_back({{"name", u.name},
                     {"short_name", u.short_name},
                     {"kind", u.kind},
                     {"parent", u.parent},
                     {"org_code", u.org_code},
                     {"aliases", u.aliases},
                     {"active", u.active}});
  }
  doc["units"] = std::move(units);
  ojson areas = ojson::array();
  for (const auto& a : c.areas) {
    ojson items = ojson::array();
    for (const auto& it : a.items) {
      ojson elements = ojson::array();
      for (const auto& e : it.elements) elements.push_back({{"name", e.name}, {"rule", e.rule}});
      ojson item = ojson::object();
      item["number"] = it.number;
      item["title"] = it.title;
      item["content"] = it.content;
      item["elements"] = std::move(elements);
      item["channel"] = it.channel;
      item["units"] = it.units;
      item["units_open_ended"] = it.units_open_ended;
      item["timeliness"] = {{"text", it.timeliness.text},
                            {"working_days", it.timeliness.working_days},
                            {"law_overrides", it.timeliness.law_overrides}};
      item["privacy_protection"] = it.privacy_protection;
      item["specific_groups"] = it.specific_groups;
      item["excludes_commercial_secrets"] = it.excludes_commercial_secrets;
      item["excludes_state_secrets"] = it.excludes_state_secrets;
      item["notes"] = it.notes;
      items.push_back(std::move(item));
    }
    areas.push_back({{"number", a.number}, {"title", a.title}, {"items", std::move(items)}});
  }
  doc["areas"] = std::move(areas);
  return doc.dump(2) + "\n";
}

Result<Catalog> LoadSeedCatalog() {
  auto data = FindResource("data/catalog.json");
  if (!data) return Unexpected(Error::Internal("程序内置目录文件缺失（data/catalog.json）"));
  return ParseCatalogJson(*data);
}

}  // namespace gongkai
