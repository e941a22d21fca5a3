#include "core/catalog.h"

#include <fmt/core.h>

#include <set>

namespace gongkai {

const Item* Catalog::FindItem(int number) const {
  for (const auto& area : areas)
    for (const auto& item : area.items)
      if (item.number == number) return &item;
  return nullptr;
}

const Area* Catalog::AreaOf(int item_number) const {
  for (const auto& area : areas)
    for (const auto& item : area.items)
      if (item.number == item_number) return &area;
  return nullptr;
}

const UnitInfo* Catalog::FindUnit(std::string_view name) const {
  for (const auto& unit : units)
    if (unit.name == name) return &unit;
  return nullptr;
}

std::vector<const Item*> Catalog::ItemsOfUnit(std::string_view unit_name) const {
  std::vector<const Item*> out;
  for (const auto& area : areas)
    for (const auto& item : area.items)
      for (const auto& u : item.units)
        if (u == unit_name) {
          out.push_back(&item);
          break;
        }
  return out;
}

std::size_t Catalog::ItemCount() const {
  std::size_t n = 0;
  for (const auto& area : areas) n += area.items.size();
  return n;
}

std::string ChineseNumeral(int n) {
  static const char* kDigits[] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};
  if (n >= 0 && n <= 10) return kDigits[n];
  if (n < 20) return std::string("十") + kDigits[n - 10];
  if (n < 100) {
    std::string s = std::string(kDigits[n / 10]) + "十";
    if (n % 10) s += kDigits[n % 10];
    return s;
  }
  return fmt::format("{}", n);
}

namespace {

// True if `s` at `i` starts a whitespace sequence (ASCII or U+3000).
std::size_t WhitespaceLength(std::string_view s, std::size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') return 1;
  if (s.substr(i, 3) == "\xE3\x80\x80") return 3;  // U+3000 ideographic space
  if (s.substr(i, 2) == "\xC2\xA0") return 2;      // U+00A0 no-break space
  return 0;
}

}  // namespace

std::string NormalizeUnitName(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (std::size_t i = 0; i < name.size();) {
    if (std::size_t n = WhitespaceLength(name, i)) {
      i += n;
      continue;
    }
    out.push_back(name[i++]);
  }
  return out;
}

Status ValidateCatalog(const Catalog& catalog) {
  if (catalog.title.empty()) return Unexpected(Error::Invalid("目录标题不能为空", "title"));
  if (catalog.areas.empty()) return Unexpected(Error::Invalid("目录至少需要一个一级领域", "areas"));

  std::set<std::string> unit_names;
  for (const auto& unit : catalog.units) {
    if (unit.name.empty()) return Unexpected(Error::Invalid("责任单位名称不能为空", "units.name"));
    if (!unit_names.insert(unit.name).second)
      return Unexpected(Error::Invalid(fmt::format("责任单位“{}”重复", unit.name), "units.name"));
  }
  for (const auto& unit : catalog.units) {
    for (const auto& alias : unit.aliases) {
      if (unit_names.contains(alias))
        return Unexpected(Error::Invalid(
            fmt::format("责任单位“{}”的别名“{}”与另一单位名称相同", unit.name, alias), "units.aliases"));
    }
    if (!unit.parent.empty() && !unit_names.contains(unit.parent))
      return Unexpected(Error::Invalid(
          fmt::format("责任单位“{}”的上级单位“{}”不在单位名单中", unit.name, unit.parent), "units.parent"));
    if (unit.parent == unit.name)
      return Unexpected(Error::Invalid(fmt::format("责任单位“{}”不能是自己的上级单位", unit.name), "units.parent"));
  }

  std::set<int> area_numbers;
  std::set<int> item_numbers;
  for (const auto& area : catalog.areas) {
    if (area.number <= 0)
      return Unexpected(Error::Invalid(fmt::format("一级领域序号必须为正整数：{}", area.number), "areas.number"));
    if (!area_numbers.insert(area.number).second)
      return Unexpected(Error::Invalid(fmt::format("一级领域序号{}重复", area.number), "areas.number"));
    if (area.title.empty())
      return Unexpected(Error::Invalid(fmt::format("第{}个一级领域缺少标题", area.number), "一级标题"));
    if (area.items.empty())
      return Unexpected(Error::Invalid(fmt::format("一级领域“{}”没有任何公开事项", area.title), "items"));
    for (const auto& item : area.items) {
      auto where = [&](std::string_view what) {
        return fmt::format("事项{}（{}）{}", item.number, item.title, what);
      };
      if (item.number <= 0)
        return Unexpected(Error::Invalid(fmt::format("事项序号必须为正整数：{}", item.number), "二级标题"));
      if (!item_numbers.insert(item.number).second)
        return Unexpected(Error::Invalid(fmt::format("事项序号{}重复", item.number), "二级标题"));
      if (item.title.empty())
        return Unexpected(Error::Invalid(fmt::format("事项{}缺少标题", item.number), "二级标题"));
      if (item.content.empty()) return Unexpected(Error::Invalid(where("缺少公开内容"), "公开内容"));
      if (item.channel.empty()) return Unexpected(Error::Invalid(where("缺少公布平台"), "公布平台"));
      if (item.timeliness.text.empty()) return Unexpected(Error::Invalid(where("缺少公开时效"), "公开时效"));
      if (item.timeliness.working_days <= 0 || item.timeliness.working_days > 366)
        return Unexpected(Error::Invalid(
            where(fmt::format("的时限天数{}不在1到366之间", item.timeliness.working_days)), "时限（工作日）"));
      if (item.elements.empty()) return Unexpected(Error::Invalid(where("没有公开要素"), "公开要素"));
      std::set<std::string> element_names;
      for (const auto& e : item.elements) {
        if (e.name.empty()) return Unexpected(Error::Invalid(where("有空的公开要素"), "公开要素"));
        // "；" separates elements and "〔rule〕" marks a rule in the table
        // shape (CSV/Excel): names must not contain them, or a round trip
        // would change the catalogue.
        for (std::string_view reserved : {"；", "〔", "〕"})
          if (e.name.find(reserved) != std::string::npos)
            return Unexpected(Error::Invalid(
                where(fmt::format("的公开要素“{}”含有保留字符“{}”", e.name, reserved)), "公开要素"));
        if (!element_names.insert(e.name).second)
          return Unexpected(Error::Invalid(where(fmt::format("的公开要素“{}”重复", e.name)), "公开要素"));
      }
      if (item.units.empty()) return Unexpected(Error::Invalid(where("没有责任单位"), "责任单位"));
      std::set<std::string> item_units;
      for (const auto& u : item.units) {
        if (!unit_names.contains(u))
          return Unexpected(Error::Invalid(where(fmt::format("的责任单位“{}”不在单位名单中", u)), "责任单位"));
        if (!item_units.insert(u).second)
          return Unexpected(Error::Invalid(where(fmt::format("的责任单位“{}”重复", u)), "责任单位"));
      }
    }
  }
  return Ok();
}

}  // namespace gongkai
