#include "app/open_data.h"

#include <fmt/core.h>

#include <charconv>

#include <nlohmann/json.hpp>

#include "codec/csv.h"
#include "codec/xlsx.h"
#include "core/date.h"
#include "core/timestamp.h"

namespace gongkai {

namespace {

Result<std::int64_t> PositiveNumber(const std::string& text, const char* field, const char* label,
                                    std::int64_t min = 1) {
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || p != text.data() + text.size() || n < min)
    return Unexpected(Error::Invalid(fmt::format("{}（{}）“{}”不是有效的数字", label, field, QuoteInput(text)), field));
  return n;
}

// Beijing midnight starting `d`, as ISO 8601 UTC.
std::string BeijingMidnightUtc(Date d) {
  return FormatUtc(std::chrono::sys_seconds(d.sys_days().time_since_epoch()) - kBeijingOffset);
}

Result<Date> DateParam(const std::string& text, const char* field, const char* label) {
  auto d = Date::Parse(text);
  if (!d)
    return Unexpected(Error::Invalid(
        fmt::format("{}（{}）“{}”不是有效日期，应为YYYY-MM-DD", label, field, QuoteInput(text)), field));
  return *d;
}

}  // namespace

std::string EncodeCursor(std::int64_t last_id) { return fmt::format("r{}", last_id); }

Result<RecordFilter> ParseRecordQuery(const Catalog& catalog, const RecordQueryInput& in, int max_limit) {
  RecordFilter f;
  f.published_only = true;
  if (!in.item.empty()) {
    GK_TRY(n, PositiveNumber(in.item, "item", "事项"));
    if (!catalog.FindItem(static_cast<int>(n)))
      return Unexpected(Error::Invalid(fmt::format("事项（item）“{}”不在目录中", n), "item"));
    f.item = static_cast<int>(n);
  }
  if (!in.element.empty()) {
    if (f.item == 0) return Unexpected(Error::Invalid("按要素（element）筛选时必须同时指定事项（item）", "element"));
    const Item* it = catalog.FindItem(f.item);
    bool known = false;
    for (const auto& e : it->elements) known = known || e.name == in.element;
    if (!known)
      return Unexpected(Error::Invalid(
          fmt::format("事项{}没有要素（element）“{}”", f.item, QuoteInput(in.element)), "element"));
    f.element = in.element;
  }
  if (!in.unit.empty()) {
    if (!catalog.FindUnit(in.unit))
      return Unexpected(Error::Invalid(fmt::format("责任单位（unit）“{}”不存在", QuoteInput(in.unit)), "unit"));
    f.unit = in.unit;
  }
  if (!in.area.empty()) {
    GK_TRY(n, PositiveNumber(in.area, "area", "领域"));
    const Area* found = nullptr;
    for (const auto& a : catalog.areas)
      if (a.number == n) found = &a;
    if (!found) return Unexpected(Error::Invalid(fmt::format("领域（area）“{}”不在目录中", n), "area"));
    for (const auto& it : found->items) f.items.push_back(it.number);
  }
  std::optional<Date> from, to;
  if (!in.from.empty()) {
    GK_TRY(d, DateParam(in.from, "from", "起始日期"));
    from = d;
    f.published_from = BeijingMidnightUtc(d);
  }
  if (!in.to.empty()) {
    GK_TRY(d, DateParam(in.to, "to", "截止日期"));
    to = d;
    f.published_before = BeijingMidnightUtc(d.AddDays(1));
  }
  if (from && to && *to < *from)
    return Unexpected(Error::Invalid(
        fmt::format("截止日期（to）{}早于起始日期（from）{}", to->ToString(), from->ToString()), "to"));
  if (in.status.empty() || in.status == "all") {
  } else if (in.status == "published") {
    f.statuses = {RecordStatus::kPublished, RecordStatus::kDraft, RecordStatus::kSubmitted, RecordStatus::kApproved};
  } else if (in.status == "withdrawn") {
    f.statuses = {RecordStatus::kWithdrawn};
  } else {
    return Unexpected(Error::Invalid(
        fmt::format("状态（status）“{}”无效，应为published、withdrawn或all", QuoteInput(in.status)), "status"));
  }
  if (!in.updated_since.empty()) {
    if (in.updated_since.size() == 10) {
      GK_TRY(d, DateParam(in.updated_since, "updated_since", "更新起始时间"));
      f.changed_since = BeijingMidnightUtc(d);
    } else {
      GK_TRY(t, ParseTimestamp(in.updated_since, "updated_since"));
      f.changed_since = FormatUtc(t);
    }
  }
  f.after_id = 0;
  if (!in.cursor.empty()) {
    auto bad = [&] {
      return Unexpected(Error::Invalid(
          fmt::format("分页游标（cursor）“{}”无效，请使用上一页返回的next_cursor", QuoteInput(in.cursor)), "cursor"));
    };
    if (in.cursor.size() < 2 || in.cursor[0] != 'r') return bad();
    auto n = PositiveNumber(in.cursor.substr(1), "cursor", "分页游标", 0);
    if (!n) return bad();
    f.after_id = *n;
  }
  f.limit = kDefaultPageSize;
  if (!in.limit.empty()) {
    GK_TRY(n, PositiveNumber(in.limit, "limit", "每页条数"));
    if (n > max_limit)
      return Unexpected(Error::Invalid(fmt::format("每页条数（limit）最多{}条，收到{}", max_limit, n), "limit"));
    f.limit = static_cast<int>(n);
  }
  return f;
}

Result<RecordPage> ListPublicRecords(Store& store, std::int64_t site_id, const RecordFilter& filter) {
  RecordPage page;
  RecordFilter probe = filter;
  probe.limit = filter.limit + 1;  // one more tells whether a next page exists
  GK_TRY(records, store.ListRecords(site_id, probe));
  GK_TRY(total, store.CountRecords(site_id, filter));
  page.total = total;
  if (static_cast<int>(records.size()) > filter.limit) {
    records.resize(static_cast<std::size_t>(filter.limit));
    page.next_cursor = EncodeCursor(records.back().id);
  }
  page.records = std::move(records);
  return page;
}

Result<std::vector<Record>> AllPublicRecords(Store& store, std::int64_t site_id, RecordFilter filter, int cap) {
  GK_TRY(total, store.CountRecords(site_id, filter));
  if (total > cap)
    return Unexpected(Error::Invalid(
        fmt::format("符合条件的信息有{}条，一次最多导出{}条，请缩小范围（按事项、单位或日期）", total, cap)));
  std::vector<Record> out;
  filter.after_id = std::max<std::int64_t>(filter.after_id, 0);
  filter.limit = 1000;
  while (true) {
    GK_TRY(page, store.ListRecords(site_id, filter));
    if (page.empty()) break;
    filter.after_id = page.back().id;
    for (auto& r : page) out.push_back(std::move(r));
    if (static_cast<int>(out.size()) >= cap) break;
  }
  return out;
}

std::vector<std::vector<std::string>> RecordTable(const Catalog& catalog, const std::vector<Record>& records) {
  std::vector<std::vector<std::string>> rows;
  rows.reserve(records.size() + 1);
  rows.push_back({"索引号", "标题", "责任单位", "事项序号", "事项", "要素", "状态", "版本", "信息形成日期",
                  "首次发布时间", "逾期工作日", "撤回时间", "撤回理由", "链接"});
  for (const auto& r : records) {
    const Item* it = catalog.FindItem(r.item_number);
    std::string first;
    if (auto t = ParseTimestamp(r.first_published_at, "first_published_at")) first = FormatBeijing(*t);
    std::string withdrawn;
    if (auto t = ParseTimestamp(r.withdrawn_at, "withdrawn_at"); t && r.status == RecordStatus::kWithdrawn)
      withdrawn = FormatBeijing(*t);
    rows.push_back({r.index_number, r.published_title, r.unit, std::to_string(r.item_number), it ? it->title : "",
                    r.element, r.status == RecordStatus::kWithdrawn ? "已撤回" : "已发布",
                    std::to_string(r.published_version), r.formed_on.ToString(), first, std::to_string(r.late_days),
                    withdrawn, r.status == RecordStatus::kWithdrawn ? r.withdrawn_reason : "",
                    fmt::format("/records/{}", r.id)});
  }
  return rows;
}

std::string RecordCsv(const Catalog& catalog, const std::vector<Record>& records) {
  std::string out(csv::kUtf8Bom);
  // Titles and withdrawal reasons are typed by the units' staff: guarded
  // against formula injection. XLSX cells are written as strings, so the
  // workbook needs no guard and keeps the text as typed.
  for (auto& row : RecordTable(catalog, records)) {
    for (auto& field : row) field = csv::SpreadsheetText(field);
    out += csv::FormatRow(row);
  }
  return out;
}

Result<std::string> RecordXlsx(const Catalog& catalog, const std::vector<Record>& records) {
  XlsxSheet sheet;
  sheet.name = "公开信息";
  sheet.rows = RecordTable(catalog, records);
  sheet.column_widths = {22, 40, 24, 8, 24, 16, 8, 6, 12, 18, 10, 18, 24, 16};
  return WriteXlsx({sheet});
}

namespace {

nlohmann::ordered_json PublicFigures(const ComplianceFigures& f) {
  nlohmann::ordered_json j;
  j["published"] = f.published_in_period();
  j["on_time"] = f.on_time();
  j["late"] = f.late();
  const int judged = f.on_time() + f.late();
  j["on_time_rate"] = judged > 0 ? nlohmann::ordered_json(static_cast<double>(f.on_time()) / judged) : nullptr;
  j["median_working_days_to_publish"] = f.formation_to_publication_median
                                            ? nlohmann::ordered_json(*f.formation_to_publication_median)
                                            : nlohmann::ordered_json(nullptr);
  return j;
}

}  // namespace

std::string PublicStatisticsJson(const ComplianceView& view) {
  using ojson = nlohmann::ordered_json;
  const ComplianceReport& r = view.report;
  ojson j;
  j["from"] = r.period.from.ToString();
  j["to"] = r.period.to.ToString();
  j["as_of"] = r.today.ToString();
  j["calendar"] = view.calendar_version;
  j["provisional"] = !r.missing_notice_years.empty();
  j["site"] = PublicFigures(r.site.figures);
  auto group = [](const GroupCompliance& g, const char* key, ojson id) {
    ojson e;
    e[key] = std::move(id);
    e["title"] = g.label;
    e.update(PublicFigures(g.figures));
    return e;
  };
  ojson areas = ojson::array(), items = ojson::array(), units = ojson::array(), months = ojson::array();
  for (const auto& g : r.areas) areas.push_back(group(g, "area", g.key.number));
  for (const auto& g : r.items)
    if (g.in_catalog) items.push_back(group(g, "item", g.key.number));
  for (const auto& g : r.units) {
    if (!g.in_catalog) continue;
    ojson e;
    e["unit"] = g.label;
    e.update(PublicFigures(g.figures));
    units.push_back(std::move(e));
  }
  for (const auto& m : r.trend) {
    ojson e;
    e["month"] = fmt::format("{}-{:02}", m.year, m.month);
    e["on_time"] = m.on_time;
    e["late"] = m.late;
    months.push_back(std::move(e));
  }
  j["areas"] = std::move(areas);
  j["items"] = std::move(items);
  j["units"] = std::move(units);
  j["months"] = std::move(months);
  return j.dump();
}

}  // namespace gongkai
