#include "codec/annual_mapping.h"

#include <fmt/core.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "codec/json_util.h"
#include "core/resources.h"

namespace gongkai {

using nlohmann::json;
using ojson = nlohmann::ordered_json;
namespace ju = json_util;

namespace {

constexpr int kVersion = 1;
constexpr std::size_t kMaxSelectors = 200;
constexpr std::size_t kMaxNoteChars = 500;
constexpr std::size_t kMaxGenreChars = 100;

std::size_t CodePoints(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

// Like json_util::Parse, but a syntax error names line and column.
Result<json> ParseDocument(std::string_view text) {
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  if (!ju::IsValidUtf8(text)) return Unexpected(Error::Invalid("文件不是有效的UTF-8编码"));
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    // e.byte counts the bytes read, the offending one included.
    const std::size_t pos = std::min<std::size_t>(e.byte > 0 ? e.byte - 1 : 0, text.size());
    const std::string_view before = text.substr(0, pos);
    const int line = 1 + static_cast<int>(std::count(before.begin(), before.end(), '\n'));
    const std::size_t line_start = before.rfind('\n') == std::string_view::npos ? 0 : before.rfind('\n') + 1;
    const std::size_t column = 1 + CodePoints(before.substr(line_start));
    return Unexpected(Error::Invalid(fmt::format("JSON格式错误（第{}行第{}列附近）", line, column), "", line));
  } catch (const std::exception&) {
    return Unexpected(Error::Invalid("JSON格式错误"));
  }
}

// A member that, when present, must be a non-empty string.
Result<std::string> NonEmptyString(const json& obj, const std::string& path, std::string_view key) {
  GK_TRY(value, ju::GetString(obj, path, key, false));
  if (obj.contains(key) && value.empty())
    return Unexpected(Error::Invalid("不能为空（不限时请省略该字段）", ju::Join(path, key)));
  return value;
}

bool ItemHasElement(const Item& item, std::string_view name) {
  return std::any_of(item.elements.begin(), item.elements.end(), [&](const Element& e) { return e.name == name; });
}

bool AnyItemHasElement(const Catalog& catalog, std::string_view name) {
  for (const auto& area : catalog.areas)
    for (const auto& item : area.items)
      if (ItemHasElement(item, name)) return true;
  return false;
}

// The catalogue's name for a unit written as its name or an alias; "" if none.
std::string CanonicalUnit(const Catalog& catalog, std::string_view written) {
  const std::string name = NormalizeUnitName(written);
  if (catalog.FindUnit(name)) return name;
  for (const auto& u : catalog.units)
    for (const auto& a : u.aliases)
      if (NormalizeUnitName(a) == name) return u.name;
  return {};
}

Result<AnnualSelector> ParseSelector(const json& j, const std::string& path, const Catalog& catalog) {
  GK_CHECK(ju::CheckKeys(j, path, {"item", "element", "genre", "unit"}));
  if (j.empty())
    return Unexpected(
        Error::Invalid("选择条件至少要指定item（事项序号）、element（公开内容要素）、genre（体裁）、unit（责任单位）中的一项",
                       path));
  AnnualSelector s;
  const Item* item = nullptr;
  if (auto it = j.find("item"); it != j.end()) {
    if (!it->is_number_integer()) return Unexpected(Error::Invalid("应为整数", ju::Join(path, "item")));
    if (it->is_number_unsigned()) {
      if (const auto n = it->get<unsigned long long>(); n >= 1 && n <= 100000)
        item = catalog.FindItem(static_cast<int>(n));
    } else if (const auto n = it->get<long long>(); n >= 1 && n <= 100000) {
      item = catalog.FindItem(static_cast<int>(n));
    }
    if (!item)
      return Unexpected(
          Error::Invalid(fmt::format("事项序号 {} 不在目录中", QuoteInput(it->dump())), ju::Join(path, "item")));
    s.item_number = item->number;
  }
  GK_TRY(element, NonEmptyString(j, path, "element"));
  if (!element.empty()) {
    if (item && !ItemHasElement(*item, element))
      return Unexpected(Error::Invalid(fmt::format("“{}”不是事项{}“{}”的公开内容要素", QuoteInput(element),
                                                   item->number, item->title),
                                       ju::Join(path, "element")));
    if (!item && !AnyItemHasElement(catalog, element))
      return Unexpected(Error::Invalid(fmt::format("公开内容要素“{}”不在目录的任何事项中", QuoteInput(element)),
                                       ju::Join(path, "element")));
    s.element = std::move(element);
  }
  GK_TRY(genre, NonEmptyString(j, path, "genre"));
  if (CodePoints(genre) > kMaxGenreChars)
    return Unexpected(Error::Invalid(fmt::format("体裁过长（最多{}个字）", kMaxGenreChars), ju::Join(path, "genre")));
  s.genre = std::move(genre);
  GK_TRY(unit, NonEmptyString(j, path, "unit"));
  if (j.contains("unit")) {
    s.unit = CanonicalUnit(catalog, unit);
    if (s.unit.empty())
      return Unexpected(
          Error::Invalid(fmt::format("责任单位“{}”不在目录中", QuoteInput(unit)), ju::Join(path, "unit")));
  }
  return s;
}

Result<AnnualRowMapping> ParseRow(const json& j, const std::string& path, const Catalog& catalog) {
  GK_CHECK(ju::CheckKeys(j, path, {"row", "note", "selectors"}));
  GK_TRY(id, ju::GetString(j, path, "row"));
  auto kind = ParseAnnualRowKind(id);
  if (!kind)
    return Unexpected(Error::Invalid(
        fmt::format("未知的统计行“{}”，应为regulation（规章）、normative_document（行政规范性文件）、"
                    "licensing（行政许可）、punishment（行政处罚）、enforcement（行政强制）或fees（行政事业性收费）",
                    QuoteInput(id)),
        ju::Join(path, "row")));
  AnnualRowMapping row;
  row.row = *kind;
  GK_TRY(note, ju::GetString(j, path, "note", false));
  if (CodePoints(note) > kMaxNoteChars)
    return Unexpected(Error::Invalid(fmt::format("说明过长（最多{}个字）", kMaxNoteChars), ju::Join(path, "note")));
  row.note = std::move(note);
  GK_TRY(selectors, ju::GetArray(j, path, "selectors", false));
  const std::string spath = ju::Join(path, "selectors");
  if (!selectors->empty() && !AnnualRowCountable(row.row))
    return Unexpected(Error::Invalid(
        fmt::format("系统不记录收费金额，“{}”不能按公开信息统计，请删除选择条件，由人工填报",
                    AnnualRowKindLabel(row.row)),
        spath));
  if (selectors->size() > kMaxSelectors)
    return Unexpected(Error::Invalid(fmt::format("选择条件过多（最多{}项）", kMaxSelectors), spath));
  for (std::size_t i = 0; i < selectors->size(); ++i) {
    const std::string sel_path = ju::Index(spath, i);
    GK_TRY(s, ParseSelector((*selectors)[i], sel_path, catalog));
    for (std::size_t k = 0; k < row.selectors.size(); ++k) {
      if (row.selectors[k] == s)
        return Unexpected(Error::Invalid(fmt::format("与{}重复", ju::Index(spath, k)), sel_path));
    }
    row.selectors.push_back(std::move(s));
  }
  return row;
}

}  // namespace

Result<AnnualMapping> ParseAnnualMapping(std::string_view text, const Catalog& catalog) {
  GK_TRY(doc, ParseDocument(text));
  GK_CHECK(ju::CheckKeys(doc, "", {"version", "rows"}));
  GK_TRY(version, ju::GetInt(doc, "", "version"));
  if (version != kVersion)
    return Unexpected(Error::Invalid(fmt::format("不支持的统计口径文件版本{}（应为{}）", version, kVersion), "version"));
  GK_TRY(rows, ju::GetArray(doc, "", "rows"));

  std::vector<AnnualRowMapping> given;
  std::vector<std::size_t> given_at;  // index in "rows" of given[i]
  for (std::size_t i = 0; i < rows->size(); ++i) {
    const std::string path = ju::Index("rows", i);
    GK_TRY(row, ParseRow((*rows)[i], path, catalog));
    for (std::size_t k = 0; k < given.size(); ++k) {
      if (given[k].row == row.row)
        return Unexpected(Error::Invalid(fmt::format("统计行“{}”（{}）重复，已在{}中配置", AnnualRowKindLabel(row.row),
                                                     AnnualRowKindId(row.row), ju::Index("rows", given_at[k])),
                                         ju::Join(path, "row")));
    }
    given.push_back(std::move(row));
    given_at.push_back(i);
  }

  AnnualMapping mapping;
  for (AnnualRowKind kind : AllAnnualRowKinds()) {
    auto it = std::find_if(given.begin(), given.end(), [&](const AnnualRowMapping& r) { return r.row == kind; });
    if (it != given.end()) {
      mapping.rows.push_back(std::move(*it));
    } else {
      AnnualRowMapping unmapped;
      unmapped.row = kind;
      mapping.rows.push_back(std::move(unmapped));
    }
  }
  GK_CHECK(ValidateAnnualMapping(mapping));
  return mapping;
}

std::string AnnualMappingToJson(const AnnualMapping& mapping) {
  ojson doc = ojson::object();
  doc["version"] = kVersion;
  ojson rows = ojson::array();
  for (const auto& r : mapping.rows) {
    ojson row = ojson::object();
    row["row"] = AnnualRowKindId(r.row);
    row["note"] = r.note;
    ojson selectors = ojson::array();
    for (const auto& s : r.selectors) {
      ojson sel = ojson::object();
      if (s.item_number != 0) sel["item"] = s.item_number;
      if (!s.element.empty()) sel["element"] = s.element;
      if (!s.genre.empty()) sel["genre"] = s.genre;
      if (!s.unit.empty()) sel["unit"] = s.unit;
      selectors.push_back(std::move(sel));
    }
    row["selectors"] = std::move(selectors);
    rows.push_back(std::move(row));
  }
  doc["rows"] = std::move(rows);
  // "replace" keeps a hand-built mapping with broken UTF-8 from throwing.
  return doc.dump(2, ' ', false, ojson::error_handler_t::replace) + "\n";
}

Result<AnnualMapping> DefaultAnnualMapping(const Catalog& catalog) {
  auto data = FindResource("data/annual-report-mapping.json");
  if (!data) return Unexpected(Error::Internal("程序内置年度报告统计口径文件缺失（data/annual-report-mapping.json）"));
  auto mapping = ParseAnnualMapping(*data, catalog);
  if (!mapping) {
    Error e = std::move(mapping).error();
    e.message = "内置年度报告统计口径与当前目录不符：" + e.message;
    return Unexpected(std::move(e));
  }
  return mapping;
}

}  // namespace gongkai
