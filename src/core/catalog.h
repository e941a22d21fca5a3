// The disclosure catalogue (信息公开目录): areas (一级), items (二级) with their
// content elements, channel, responsible units and timeliness rule.
// Pure data plus validation; no I/O. Codecs live in src/codec/.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace gongkai {

// A content element (公开内容（要素）) a unit can publish under.
struct Element {
  std::string name;
  // Id of a statutory deadline rule that overrides the item's default
  // timeliness (see data/deadline-rules.json); empty = item default.
  std::string rule;

  bool operator==(const Element&) const = default;
};

// 公开时效. The default is the seed's: within `working_days` working days of
// the information being formed or changed, unless a law sets another deadline.
struct Timeliness {
  std::string text;             // the rule in words, as shown to users
  int working_days = 20;        // default deadline in working days
  bool law_overrides = true;    // "法律法规、规章有具体规定的，按规定执行"

  bool operator==(const Timeliness&) const = default;
};

struct Item {
  int number = 0;               // 1..N, unique within the catalogue
  std::string title;            // 二级标题 without number, e.g. "批准服务信息"
  std::string content;          // 公开内容 as the catalogue states it
  std::vector<Element> elements;
  std::string channel;          // 公布平台
  std::vector<std::string> units;  // 责任单位 names, in catalogue order
  bool units_open_ended = false;   // the list ended in "等": more may be added
  Timeliness timeliness;
  bool privacy_protection = false; // must protect personal privacy (item 16)
  bool specific_groups = false;    // also published to specific groups (15-16)
  bool excludes_commercial_secrets = false;  // 除涉及商业秘密外 (13, 14)
  bool excludes_state_secrets = false;       // 除涉及国家秘密外 (14)
  std::string notes;               // free remarks, may be empty

  bool operator==(const Item&) const = default;
};

struct Area {
  int number = 0;               // 1, 2, 3
  std::string title;            // 一级标题 without numbering
  std::vector<Item> items;

  bool operator==(const Area&) const = default;
};

// A responsible unit (责任单位) known to the catalogue.
struct UnitInfo {
  std::string name;             // normalised full name, unique
  std::string short_name;       // may be empty
  std::string kind;             // 政府部门 / 派出机构 / 园区 / 事业单位 / 群团组织 / 其他
  std::string parent;           // name of the parent unit, may be empty
  std::string org_code;         // organisation code for the 索引号, may be empty
  std::vector<std::string> aliases;  // other spellings seen in sources
  bool active = true;           // inactive units stay in history but take no new work

  bool operator==(const UnitInfo&) const = default;
};

// Contact of the disclosure office, shown on the 公开指南 page.
struct OfficeContact {
  std::string name;
  std::string address;
  std::vector<std::string> phones;
  std::string hours;

  bool operator==(const OfficeContact&) const = default;
};

struct Catalog {
  std::string title;            // e.g. 三大领域信息公开清单目录表
  OfficeContact office;
  std::vector<UnitInfo> units;
  std::vector<Area> areas;

  bool operator==(const Catalog&) const = default;

  // Lookups; nullptr when absent. Pointers are valid while *this is unchanged.
  const Item* FindItem(int number) const;
  const Area* AreaOf(int item_number) const;
  const UnitInfo* FindUnit(std::string_view name) const;
  // Items that list `unit_name` among their responsible units.
  std::vector<const Item*> ItemsOfUnit(std::string_view unit_name) const;
  std::size_t ItemCount() const;
};

// Chinese numeral for an area number: 1 -> "一", ..., 10 -> "十".
std::string ChineseNumeral(int n);

// Normalises a unit name: trims, removes all inner whitespace (the seed's
// "区 供销社"), and maps known aliases ("区红十字" -> "区红十字会") when a
// catalogue is given.
std::string NormalizeUnitName(std::string_view name);

// Checks the invariants a catalogue must satisfy before it is stored:
// at least one area; area and item numbers unique and positive; titles,
// content and channel non-empty; at least one element and one unit per item;
// element names unique within an item; every unit of an item is listed in
// `units`; unit names unique. The error names the item and field.
Status ValidateCatalog(const Catalog& catalog);

}  // namespace gongkai
