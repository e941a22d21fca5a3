#include "app/unit_actions.h"

#include <fmt/core.h>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace gongkai {

namespace {

std::string UnitJson(const UnitInfo& u) {
  nlohmann::ordered_json j;
  j["name"] = u.name;
  j["short_name"] = u.short_name;
  j["kind"] = u.kind;
  j["parent"] = u.parent;
  j["org_code"] = u.org_code;
  j["aliases"] = u.aliases;
  j["active"] = u.active;
  return j.dump();
}

}  // namespace

const std::vector<std::string>& UnitKinds() {
  static const std::vector<std::string> kKinds = {"政府部门", "派出机构", "园区", "事业单位", "群团组织", "其他"};
  return kKinds;
}

Status EditUnit(const Context& ctx, const Catalog& catalog, const std::string& name, UnitInfo u) {
  GK_CHECK(Authorize(ctx.actor, Action::kEditUnits));
  const UnitInfo* old = catalog.FindUnit(name);
  if (!old) return Unexpected(Error::NotFound(fmt::format("没有名为“{}”的责任单位", name)));
  u.name = NormalizeUnitName(u.name);
  u.parent = NormalizeUnitName(u.parent);
  if (u.name.empty()) return Unexpected(Error::Invalid("单位名称不能为空", "name"));
  if (u.name.size() > 120) return Unexpected(Error::Invalid("单位名称过长", "name"));
  if (u.short_name.size() > 60) return Unexpected(Error::Invalid("简称过长", "short_name"));
  if (u.org_code.size() > 18)
    return Unexpected(Error::Invalid("组织机构代码最多18位（统一社会信用代码）", "org_code"));
  for (char c : u.org_code)
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')))
      return Unexpected(Error::Invalid(fmt::format("组织机构代码“{}”只能包含数字和大写字母", u.org_code), "org_code"));
  if (std::find(UnitKinds().begin(), UnitKinds().end(), u.kind) == UnitKinds().end())
    return Unexpected(Error::Invalid(fmt::format("单位类别“{}”无效", u.kind), "kind"));
  if (!u.parent.empty()) {
    if (u.parent == u.name || u.parent == name) return Unexpected(Error::Invalid("上级单位不能是本单位", "parent"));
    if (!catalog.FindUnit(u.parent))
      return Unexpected(Error::Invalid(fmt::format("上级单位“{}”不在单位名单中", u.parent), "parent"));
  }
  u.aliases = old->aliases;
  if (u.name != name && std::find(u.aliases.begin(), u.aliases.end(), name) == u.aliases.end())
    u.aliases.push_back(name);
  return ctx.store.UpdateUnit(ctx.actor.site_id, name, u,
                              ctx.Audit("编辑责任单位", "单位:" + name, UnitJson(*old), UnitJson(u)));
}

Status ChangeItemUnit(const Context& ctx, const Catalog& catalog, int item_number, const std::string& unit,
                      bool add, const std::string& reason) {
  GK_CHECK(Authorize(ctx.actor, Action::kEditUnits));
  const Item* item = catalog.FindItem(item_number);
  if (!item) return Unexpected(Error::NotFound(fmt::format("目录中没有序号为{}的事项", item_number)));
  if (!catalog.FindUnit(unit)) return Unexpected(Error::NotFound(fmt::format("没有名为“{}”的责任单位", unit)));
  if (reason.empty()) return Unexpected(Error::Invalid("请填写调整理由", "reason"));
  if (add && !item->units_open_ended)
    return Unexpected(Error::Conflict(
        fmt::format("事项{}的责任单位名单未以“等”结尾，不能增补单位；如确需调整，请修改并重新导入目录", item_number),
        "item"));
  nlohmann::ordered_json before = item->units;
  nlohmann::ordered_json after = item->units;
  if (add) after.push_back(unit);
  else after.erase(std::remove(after.begin(), after.end(), unit), after.end());
  return ctx.store.ChangeItemUnit(
      ctx.actor.site_id, item_number, unit, add, reason,
      ctx.Audit(add ? "增补事项责任单位" : "移除事项责任单位", fmt::format("事项:{} 单位:{} 理由:{}", item_number, unit, reason),
                before.dump(), after.dump()));
}

}  // namespace gongkai
