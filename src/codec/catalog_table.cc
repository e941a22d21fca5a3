#include "codec/catalog_table.h"

#include <fmt/core.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

namespace gongkai {

namespace {

const std::string kArea = "一级标题";
const std::string kItem = "二级标题";
const std::string kContent = "公开内容";
const std::string kChannel = "公布平台";
const std::string kUnits = "责任单位";
const std::string kTimeliness = "公开时效";
const std::string kElements = "公开要素";
const std::string kDays = "时限（工作日）";
const std::string kFlags = "公开要求";
const std::string kNotes = "备注";

const std::string kSameAsAbove = "同上";
const std::string kEtc = "等";
const std::string kElementSep = "；";

const std::string kFlagPrivacy = "保护个人隐私";
const std::string kFlagGroups = "向特定区域特定群体公开";
const std::string kFlagCommercial = "不含商业秘密";
const std::string kFlagState = "不含国家秘密";

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

std::string Trim(std::string_view s) {
  auto is_space = [](std::string_view v, std::size_t i) -> std::size_t {
    unsigned char c = static_cast<unsigned char>(v[i]);
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') return 1;
    if (v.substr(i, 3) == "\xE3\x80\x80") return 3;
    return 0;
  };
  while (!s.empty()) {
    std::size_t n = is_space(s, 0);
    if (!n) break;
    s.remove_prefix(n);
  }
  while (!s.empty()) {
    std::size_t n = 0;
    if (s.size() >= 3 && s.substr(s.size() - 3) == "\xE3\x80\x80") n = 3;
    else if (std::string_view(" \t\r\n").find(s.back()) != std::string_view::npos) n = 1;
    if (!n) break;
    s.remove_suffix(n);
  }
  return std::string(s);
}

std::vector<std::string> SplitOn(std::string_view s, std::string_view sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    std::size_t pos = s.find(sep, start);
    out.push_back(Trim(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start)));
    if (pos == std::string_view::npos) break;
    start = pos + sep.size();
  }
  return out;
}

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

// "（一）重大建设项目批准和实施" -> (1, "重大建设项目批准和实施"); also "一、…" and
// numbers up to 99 as ChineseNumeral writes them ("十一", "二十三").
std::optional<std::pair<int, std::string>> ParseAreaTitle(std::string_view s) {
  std::string_view rest = s;
  bool paren = false;
  if (StartsWith(rest, "（")) { rest.remove_prefix(3); paren = true; }
  else if (StartsWith(rest, "(")) { rest.remove_prefix(1); paren = true; }
  // Longest numeral first, so "十一" is not read as "十".
  for (int n = 99; n >= 1; --n) {
    const std::string num = ChineseNumeral(n);
    if (!StartsWith(rest, num)) continue;
    std::string_view after = rest.substr(num.size());
    if (paren) {
      if (StartsWith(after, "）")) after.remove_prefix(3);
      else if (StartsWith(after, ")")) after.remove_prefix(1);
      else continue;
    } else if (StartsWith(after, "、")) {
      after.remove_prefix(3);
    } else {
      continue;
    }
    std::string title = Trim(after);
    if (title.empty()) return std::nullopt;
    return std::make_pair(n, title);
  }
  return std::nullopt;
}

// "1.批准服务信息" / "14.工程建设项目招标投标领域：" -> (14, "工程建设项目招标投标领域").
std::optional<std::pair<int, std::string>> ParseItemTitle(std::string_view s) {
  std::size_t i = 0;
  int n = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i < 6) n = n * 10 + (s[i++] - '0');
  if (i == 0) return std::nullopt;
  std::string_view rest = s.substr(i);
  if (StartsWith(rest, ".")) rest.remove_prefix(1);
  else if (StartsWith(rest, "．") || StartsWith(rest, "、")) rest.remove_prefix(3);
  else return std::nullopt;
  std::string title = Trim(rest);
  if (EndsWith(title, "：")) title.resize(title.size() - 3);
  else if (EndsWith(title, ":")) title.pop_back();
  title = Trim(title);
  if (title.empty() || n <= 0) return std::nullopt;
  return std::make_pair(n, title);
}

std::string FormatElement(const Element& e) {
  return e.rule.empty() ? e.name : fmt::format("{}〔{}〕", e.name, e.rule);
}

std::optional<Element> ParseElement(std::string_view s) {
  std::string t = Trim(s);
  if (t.empty()) return std::nullopt;
  Element e;
  auto open = t.find("〔");
  if (open != std::string::npos && EndsWith(t, "〕")) {
    e.name = Trim(std::string_view(t).substr(0, open));
    e.rule = Trim(std::string_view(t).substr(open + 3, t.size() - open - 6));
  } else {
    e.name = t;
  }
  if (e.name.empty()) return std::nullopt;
  return e;
}

std::vector<std::string> FlagsOf(const Item& item) {
  std::vector<std::string> f;
  if (item.privacy_protection) f.push_back(kFlagPrivacy);
  if (item.specific_groups) f.push_back(kFlagGroups);
  if (item.excludes_commercial_secrets) f.push_back(kFlagCommercial);
  if (item.excludes_state_secrets) f.push_back(kFlagState);
  return f;
}

}  // namespace

const std::vector<std::string>& CatalogTableHeader() {
  static const std::vector<std::string> kHeader = {kArea,     kItem, kContent, kChannel, kUnits,
                                                   kTimeliness, kElements, kDays, kFlags, kNotes};
  return kHeader;
}

std::vector<std::vector<std::string>> CatalogToTable(const Catalog& catalog) {
  std::vector<std::vector<std::string>> rows;
  rows.push_back(CatalogTableHeader());
  for (const auto& area : catalog.areas) {
    std::string area_title = fmt::format("（{}）{}", ChineseNumeral(area.number), area.title);
    for (const auto& item : area.items) {
      std::string units = Join(item.units, "、");
      if (item.units_open_ended) units += kEtc;
      std::vector<std::string> elements;
      for (const auto& e : item.elements) elements.push_back(FormatElement(e));
      rows.push_back({area_title, fmt::format("{}.{}", item.number, item.title), item.content, item.channel,
                      units, item.timeliness.text, Join(elements, kElementSep),
                      fmt::format("{}", item.timeliness.working_days), Join(FlagsOf(item), kElementSep),
                      item.notes});
    }
  }
  return rows;
}

std::vector<Element> SplitContentIntoElements(std::string_view content) {
  std::vector<Element> out;
  std::string current;
  int depth = 0;
  auto flush = [&] {
    std::string t = Trim(current);
    current.clear();
    for (std::string_view suffix : {"等信息", "等"}) {
      if (EndsWith(t, suffix)) t.resize(t.size() - suffix.size());
    }
    t = Trim(t);
    if (t.empty()) return;
    for (const auto& e : out)
      if (e.name == t) return;
    out.push_back(Element{t, ""});
  };
  for (std::size_t i = 0; i < content.size();) {
    std::string_view rest = content.substr(i);
    if (StartsWith(rest, "（") || StartsWith(rest, "“")) ++depth;
    if ((StartsWith(rest, "）") || StartsWith(rest, "”")) && depth > 0) --depth;
    if (depth == 0 && (StartsWith(rest, "、") || StartsWith(rest, "，") || StartsWith(rest, "；") ||
                       StartsWith(rest, "。"))) {
      flush();
      i += 3;
      continue;
    }
    current.push_back(content[i]);
    ++i;
  }
  flush();
  return out;
}

Result<Catalog> CatalogFromTable(const std::vector<csv::Row>& rows, const Catalog& base) {
  if (rows.empty()) return Unexpected(Error::Invalid("表格为空：缺少表头行", "", 1));
  const csv::Row& header = rows.front();
  std::map<std::string, std::size_t> col;
  const auto& known = CatalogTableHeader();
  for (std::size_t i = 0; i < header.fields.size(); ++i) {
    std::string name = Trim(header.fields[i]);
    if (std::find(known.begin(), known.end(), name) == known.end())
      return Unexpected(Error::Invalid(fmt::format("未知的列“{}”（第{}列）", name, i + 1), name, header.line));
    if (!col.emplace(name, i).second)
      return Unexpected(Error::Invalid(fmt::format("列“{}”重复", name), name, header.line));
  }
  for (const auto& required : {kArea, kItem, kContent, kChannel, kUnits, kTimeliness}) {
    if (!col.contains(required))
      return Unexpected(Error::Invalid(fmt::format("缺少必需的列“{}”", required), required, header.line));
  }

  Catalog c;
  c.title = base.title.empty() ? "信息公开目录" : base.title;
  c.office = base.office;
  c.units = base.units;
  auto canonical_unit = [&](const std::string& raw) -> std::string {
    std::string name = NormalizeUnitName(raw);
    for (const auto& u : c.units) {
      if (u.name == name) return name;
      for (const auto& a : u.aliases)
        if (NormalizeUnitName(a) == name) return u.name;
    }
    UnitInfo added;
    added.name = name;
    added.kind = "其他";
    c.units.push_back(added);
    return name;
  };

  std::string prev_channel, prev_timeliness, prev_units_cell;
  std::map<int, int> item_line;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    // Trailing empty cells may be missing (Excel does not store them).
    csv::Row row = rows[r];
    if (row.fields.size() > header.fields.size())
      return Unexpected(Error::Invalid(
          fmt::format("本行有{}列，多于表头的{}列", row.fields.size(), header.fields.size()), "", row.line));
    row.fields.resize(header.fields.size());
    auto cell = [&](const std::string& name) -> std::string {
      auto it = col.find(name);
      return it == col.end() ? std::string() : Trim(row.fields[it->second]);
    };

    // Area: a title starts a new area; blank continues the one above.
    std::string area_cell = cell(kArea);
    if (!area_cell.empty()) {
      auto parsed = ParseAreaTitle(area_cell);
      std::string title = parsed ? parsed->second : area_cell;
      if (c.areas.empty() || c.areas.back().title != title) {
        int number = parsed ? parsed->first : static_cast<int>(c.areas.size()) + 1;
        for (const auto& a : c.areas)
          if (a.number == number)
            return Unexpected(Error::Invalid(fmt::format("一级标题“{}”的序号{}重复", area_cell, number), kArea,
                                                  row.line));
        c.areas.push_back(Area{number, title, {}});
      }
    } else if (c.areas.empty()) {
      return Unexpected(Error::Invalid("第一条事项缺少一级标题", kArea, row.line));
    }

    Item item;
    std::string item_cell = cell(kItem);
    if (item_cell.empty()) return Unexpected(Error::Invalid("缺少二级标题", kItem, row.line));
    auto parsed_item = ParseItemTitle(item_cell);
    if (!parsed_item)
      return Unexpected(Error::Invalid(
          fmt::format("二级标题“{}”应以序号开头，如“1.批准服务信息”", item_cell), kItem, row.line));
    item.number = parsed_item->first;
    item.title = parsed_item->second;
    if (auto [it, inserted] = item_line.emplace(item.number, row.line); !inserted)
      return Unexpected(Error::Invalid(
          fmt::format("事项序号{}重复（第{}行已有）", item.number, it->second), kItem, row.line));

    item.content = cell(kContent);
    if (item.content.empty()) return Unexpected(Error::Invalid("缺少公开内容", kContent, row.line));

    std::string channel = cell(kChannel);
    if (channel == kSameAsAbove) {
      if (prev_channel.empty()) return Unexpected(Error::Invalid("“同上”没有可参照的上一行", kChannel, row.line));
      channel = prev_channel;
    }
    if (channel.empty()) return Unexpected(Error::Invalid("缺少公布平台", kChannel, row.line));
    item.channel = prev_channel = channel;

    std::string timeliness = cell(kTimeliness);
    if (timeliness == kSameAsAbove) {
      if (prev_timeliness.empty())
        return Unexpected(Error::Invalid("“同上”没有可参照的上一行", kTimeliness, row.line));
      timeliness = prev_timeliness;
    }
    if (timeliness.empty()) return Unexpected(Error::Invalid("缺少公开时效", kTimeliness, row.line));
    item.timeliness.text = prev_timeliness = timeliness;
    item.timeliness.law_overrides = timeliness.find("规定") != std::string::npos;

    std::string days = cell(kDays);
    if (!days.empty()) {
      int n = 0;
      for (char ch : days) {
        if (ch < '0' || ch > '9' || n > 1000)
          return Unexpected(Error::Invalid(fmt::format("时限“{}”应为整数", days), kDays, row.line));
        n = n * 10 + (ch - '0');
      }
      if (n <= 0 || n > 366)
        return Unexpected(Error::Invalid(fmt::format("时限{}不在1到366之间", n), kDays, row.line));
      item.timeliness.working_days = n;
    } else {
      // Read "N个工作日" from the text; the seed's default is 20.
      std::size_t pos = timeliness.find("个工作");
      int n = 0, scale = 1;
      while (pos > 0 && pos != std::string::npos && timeliness[pos - 1] >= '0' && timeliness[pos - 1] <= '9') {
        n += (timeliness[--pos] - '0') * scale;
        scale *= 10;
      }
      item.timeliness.working_days = (n > 0 && n <= 366) ? n : 20;
    }

    // Unit names are compared without whitespace: the whole cell is read
    // that way, so "同 上" is "同上" and "区发改局等 " ends in "等" too.
    std::string units_cell = NormalizeUnitName(cell(kUnits));
    if (units_cell == kSameAsAbove) {
      if (prev_units_cell.empty())
        return Unexpected(Error::Invalid("“同上”没有可参照的上一行", kUnits, row.line));
      units_cell = prev_units_cell;
    }
    prev_units_cell = units_cell;
    std::string units_text = units_cell;
    if (EndsWith(units_text, kEtc)) {
      item.units_open_ended = true;
      units_text.resize(units_text.size() - kEtc.size());
    }
    for (const auto& u : SplitOn(units_text, "、")) {
      if (NormalizeUnitName(u).empty())
        return Unexpected(Error::Invalid(fmt::format("责任单位“{}”中有空的单位名称", units_cell), kUnits, row.line));
      // Alone in the cell it means "as the row above": as a name among
      // others it could not be written back unambiguously.
      if (NormalizeUnitName(u) == kSameAsAbove)
        return Unexpected(Error::Invalid(
            fmt::format("责任单位“{}”中的“同上”只能单独使用（表示与上一行相同），不能作为单位名称", units_cell), kUnits,
            row.line));
      std::string name = canonical_unit(u);
      if (std::find(item.units.begin(), item.units.end(), name) != item.units.end())
        return Unexpected(Error::Invalid(fmt::format("责任单位“{}”重复", name), kUnits, row.line));
      item.units.push_back(name);
    }

    std::string elements = cell(kElements);
    if (elements.empty()) {
      item.elements = SplitContentIntoElements(item.content);
    } else {
      for (const auto& part : SplitOn(elements, kElementSep)) {
        auto e = ParseElement(part);
        if (!e) return Unexpected(Error::Invalid("公开要素中有空项（多余的“；”）", kElements, row.line));
        for (const auto& prev : item.elements)
          if (prev.name == e->name)
            return Unexpected(Error::Invalid(fmt::format("公开要素“{}”重复", e->name), kElements, row.line));
        item.elements.push_back(*e);
      }
    }

    std::string flags = cell(kFlags);
    if (!flags.empty()) {
      for (const auto& f : SplitOn(flags, kElementSep)) {
        if (f == kFlagPrivacy) item.privacy_protection = true;
        else if (f == kFlagGroups) item.specific_groups = true;
        else if (f == kFlagCommercial) item.excludes_commercial_secrets = true;
        else if (f == kFlagState) item.excludes_state_secrets = true;
        else
          return Unexpected(Error::Invalid(
              fmt::format("未知的公开要求“{}”（可选：{}、{}、{}、{}）", f, kFlagPrivacy, kFlagGroups,
                          kFlagCommercial, kFlagState),
              kFlags, row.line));
      }
    }
    item.notes = cell(kNotes);
    c.areas.back().items.push_back(std::move(item));
  }
  if (c.areas.empty()) return Unexpected(Error::Invalid("表格中没有任何事项", "", header.line));
  if (auto s = ValidateCatalog(c); !s) return Unexpected(s.error());
  return c;
}

std::string CatalogToCsv(const Catalog& catalog) {
  std::string out(csv::kUtf8Bom);
  for (const auto& row : CatalogToTable(catalog)) out += csv::FormatRow(row);
  return out;
}

Result<Catalog> ParseCatalogCsv(std::string_view text, const Catalog& base) {
  GK_TRY(rows, csv::Parse(text));
  return CatalogFromTable(rows, base);
}

}  // namespace gongkai
