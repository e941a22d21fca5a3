#include "codec/calendar_codec.h"

#include <fmt/core.h>

#include <algorithm>
#include <exception>
#include <nlohmann/json.hpp>
#include <utility>

#include "codec/csv.h"
#include "core/resources.h"

namespace gongkai {
namespace {

using nlohmann::json;

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::string_view kCalendarFormat = "gongkai-calendar";
constexpr int kCalendarVersion = 1;

Error JsonError(std::string message, std::string field) { return Error::Invalid(std::move(message), std::move(field)); }

// Parses text into `out`; never throws.
Status ParseJsonText(std::string_view text, json& out) {
  if (text.starts_with(kBom)) text.remove_prefix(kBom.size());
  try {
    out = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    return Unexpected(JsonError(fmt::format("JSON格式错误（第{}个字节附近）", e.byte), ""));
  } catch (const std::exception&) {
    return Unexpected(JsonError("JSON格式错误", ""));
  }
  return Ok();
}

std::string TypeName(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::object:
      return "对象";
    case json::value_t::array:
      return "数组";
    case json::value_t::string:
      return "字符串";
    case json::value_t::boolean:
      return "布尔值";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return "数字";
    default:
      return "未知类型";
  }
}

// The member `key` of object `obj` (whose path is `path`) as a string.
Result<std::string> GetString(const json& obj, std::string_view key, const std::string& path) {
  const std::string field = path.empty() ? std::string(key) : path + "." + std::string(key);
  auto it = obj.find(key);
  if (it == obj.end()) return Unexpected(JsonError("缺少此字段", field));
  if (!it->is_string()) {
    return Unexpected(JsonError(fmt::format("应为字符串，实为{}", TypeName(*it)), field));
  }
  return it->get<std::string>();
}

Result<int> GetInt(const json& obj, std::string_view key, const std::string& path, int min, int max) {
  const std::string field = path.empty() ? std::string(key) : path + "." + std::string(key);
  auto it = obj.find(key);
  if (it == obj.end()) return Unexpected(JsonError("缺少此字段", field));
  if (!it->is_number_integer()) {
    return Unexpected(JsonError(fmt::format("应为整数，实为{}“{}”", TypeName(*it),
                                            QuoteInput(it->dump(-1, ' ', false, json::error_handler_t::replace))),
                                field));
  }
  // number_unsigned values above INT64_MAX read as negative here: still refused.
  const auto value = it->get<std::int64_t>();
  if (value < min || value > max) {
    return Unexpected(JsonError(fmt::format("数值{}超出范围（{}至{}）", value, min, max), field));
  }
  return static_cast<int>(value);
}

Result<Date> ParseDateField(const json& obj, const std::string& path) {
  auto text = GetString(obj, "date", path);
  if (!text) return Unexpected(text.error());
  auto date = Date::Parse(*text);
  if (!date) return Unexpected(JsonError(date.error().message, path + ".date"));
  return date;
}

// ValidateNotice's error with `prefix` put before its "days[i]" field.
Error Prefixed(Error error, const std::string& prefix) {
  if (!prefix.empty()) error.field = error.field.empty() ? prefix : prefix + "." + error.field;
  return error;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

std::string Lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

}  // namespace

Result<CalendarNotice> ParseHolidayCnJson(std::string_view text) {
  json doc;
  if (auto status = ParseJsonText(text, doc); !status) return Unexpected(status.error());
  if (!doc.is_object()) {
    return Unexpected(JsonError(fmt::format("应为JSON对象，实为{}", TypeName(doc)), ""));
  }
  CalendarNotice notice;
  auto year = GetInt(doc, "year", "", WorkingCalendar::kFirstCoveredYear, WorkingCalendar::kLastCoveredYear);
  if (!year) return Unexpected(year.error());
  notice.year = *year;

  auto papers = doc.find("papers");
  if (papers != doc.end()) {
    if (!papers->is_array()) {
      return Unexpected(JsonError(fmt::format("应为数组，实为{}", TypeName(*papers)), "papers"));
    }
    for (std::size_t i = 0; i < papers->size(); ++i) {
      const json& paper = (*papers)[i];
      const std::string field = fmt::format("papers[{}]", i);
      if (!paper.is_string()) {
        return Unexpected(JsonError(fmt::format("应为字符串，实为{}", TypeName(paper)), field));
      }
      std::string url = paper.get<std::string>();
      if (url.empty() || url.find_first_of(" \t\r\n") != std::string::npos) {
        return Unexpected(JsonError(fmt::format("文件地址“{}”为空或含有空白字符", QuoteInput(url)), field));
      }
      if (!notice.source.empty()) notice.source += ' ';
      notice.source += url;
    }
  }

  auto days = doc.find("days");
  if (days == doc.end()) return Unexpected(JsonError("缺少此字段", "days"));
  if (!days->is_array()) {
    return Unexpected(JsonError(fmt::format("应为数组，实为{}", TypeName(*days)), "days"));
  }
  for (std::size_t i = 0; i < days->size(); ++i) {
    const json& item = (*days)[i];
    const std::string path = fmt::format("days[{}]", i);
    if (!item.is_object()) {
      return Unexpected(JsonError(fmt::format("应为对象，实为{}", TypeName(item)), path));
    }
    CalendarDay day;
    auto date = ParseDateField(item, path);
    if (!date) return Unexpected(date.error());
    day.date = *date;
    auto name = GetString(item, "name", path);
    if (!name) return Unexpected(name.error());
    day.name = std::move(*name);
    auto off = item.find("isOffDay");
    if (off == item.end()) return Unexpected(JsonError("缺少此字段", path + ".isOffDay"));
    if (!off->is_boolean()) {
      return Unexpected(JsonError(fmt::format("应为true或false，实为{}", TypeName(*off)), path + ".isOffDay"));
    }
    day.off = off->get<bool>();
    notice.days.push_back(std::move(day));
  }
  if (auto status = ValidateNotice(notice); !status) {
    return Unexpected(std::move(status.error()));
  }
  return notice;
}

std::string NoticeToHolidayCnJson(const CalendarNotice& notice) {
  json doc = json::object();
  doc["year"] = notice.year;
  json papers = json::array();
  std::string_view rest = notice.source;
  while (!rest.empty()) {
    const std::size_t space = rest.find(' ');
    if (space != 0) papers.push_back(std::string(rest.substr(0, space)));
    if (space == std::string_view::npos) break;
    rest.remove_prefix(space + 1);
  }
  doc["papers"] = std::move(papers);
  json days = json::array();
  for (const CalendarDay& day : notice.days) {
    days.push_back(json{{"name", day.name}, {"date", day.date.ToString()}, {"isOffDay", day.off}});
  }
  doc["days"] = std::move(days);
  return doc.dump(4, ' ', false, json::error_handler_t::replace) + "\n";
}

Result<CalendarNotice> ParseNoticeCsv(std::string_view text, int year, std::string source) {
  auto rows = csv::Parse(text);  // skips a BOM and blank lines; refuses bad UTF-8
  if (!rows) return Unexpected(rows.error());
  for (csv::Row& row : *rows) {
    for (std::string& field : row.fields) field = Trim(field);
  }
  if (rows->empty()) return Unexpected(Error::Invalid("文件为空，缺少表头“date,type,name”", "", 1));

  const csv::Row& header = rows->front();
  const bool header_ok = header.fields.size() == 3 && Lower(header.fields[0]) == "date" &&
                         Lower(header.fields[1]) == "type" && Lower(header.fields[2]) == "name";
  if (!header_ok) {
    std::string got;
    for (const std::string& f : header.fields) got += (got.empty() ? "" : ",") + f;
    return Unexpected(
        Error::Invalid(fmt::format("表头应为“date,type,name”，实为“{}”", QuoteInput(got)), "", header.line));
  }

  CalendarNotice notice;
  notice.source = std::move(source);
  std::vector<int> lines;
  for (std::size_t r = 1; r < rows->size(); ++r) {
    const csv::Row& row = (*rows)[r];
    if (row.fields.size() != 3) {
      return Unexpected(
          Error::Invalid(fmt::format("应有3列（日期,类型,名称），实有{}列", row.fields.size()), "", row.line));
    }
    auto date = Date::Parse(row.fields[0]);
    if (!date) return Unexpected(Error::Invalid(date.error().message, "date", row.line));
    const std::string type = Lower(row.fields[1]);
    CalendarDay day;
    day.date = *date;
    if (type == "off" || type == "休") {
      day.off = true;
    } else if (type == "work" || type == "班") {
      day.off = false;
    } else {
      return Unexpected(Error::Invalid(
          fmt::format("类型“{}”无法识别，应为off（休）或work（班）", QuoteInput(row.fields[1])), "type", row.line));
    }
    day.name = row.fields[2];
    notice.days.push_back(std::move(day));
    lines.push_back(row.line);
  }
  if (notice.days.empty()) {
    return Unexpected(Error::Invalid("文件只有表头，没有列出任何日期", "", header.line));
  }
  if (year == 0) {
    year = std::max_element(notice.days.begin(), notice.days.end(), [](const CalendarDay& a, const CalendarDay& b) {
             return a.date < b.date;
           })->date.year();
  }
  notice.year = year;
  if (auto status = ValidateNotice(notice, lines); !status) {
    return Unexpected(std::move(status.error()));
  }
  return notice;
}

Result<std::vector<CalendarNotice>> ParseCalendarFile(std::string_view text) {
  json doc;
  if (auto status = ParseJsonText(text, doc); !status) return Unexpected(status.error());
  if (!doc.is_object()) {
    return Unexpected(JsonError(fmt::format("应为JSON对象，实为{}", TypeName(doc)), ""));
  }
  auto format = GetString(doc, "format", "");
  if (!format) return Unexpected(format.error());
  if (*format != kCalendarFormat) {
    return Unexpected(JsonError(fmt::format("文件格式“{}”不是“{}”", QuoteInput(*format), kCalendarFormat), "format"));
  }
  auto version = GetInt(doc, "version", "", 0, 1000000);
  if (!version) return Unexpected(version.error());
  if (*version != kCalendarVersion) {
    return Unexpected(JsonError(fmt::format("不支持的版本{}（支持版本{}）", *version, kCalendarVersion), "version"));
  }
  auto notices_json = doc.find("notices");
  if (notices_json == doc.end()) return Unexpected(JsonError("缺少此字段", "notices"));
  if (!notices_json->is_array()) {
    return Unexpected(JsonError(fmt::format("应为数组，实为{}", TypeName(*notices_json)), "notices"));
  }
  std::vector<CalendarNotice> notices;
  for (std::size_t n = 0; n < notices_json->size(); ++n) {
    const json& item = (*notices_json)[n];
    const std::string path = fmt::format("notices[{}]", n);
    if (!item.is_object()) {
      return Unexpected(JsonError(fmt::format("应为对象，实为{}", TypeName(item)), path));
    }
    CalendarNotice notice;
    auto year = GetInt(item, "year", path, WorkingCalendar::kFirstCoveredYear, WorkingCalendar::kLastCoveredYear);
    if (!year) return Unexpected(year.error());
    notice.year = *year;
    auto source = GetString(item, "source", path);
    if (!source) return Unexpected(source.error());
    notice.source = std::move(*source);
    auto days = item.find("days");
    if (days == item.end()) return Unexpected(JsonError("缺少此字段", path + ".days"));
    if (!days->is_array()) {
      return Unexpected(JsonError(fmt::format("应为数组，实为{}", TypeName(*days)), path + ".days"));
    }
    for (std::size_t i = 0; i < days->size(); ++i) {
      const json& day_json = (*days)[i];
      const std::string day_path = fmt::format("{}.days[{}]", path, i);
      if (!day_json.is_object()) {
        return Unexpected(JsonError(fmt::format("应为对象，实为{}", TypeName(day_json)), day_path));
      }
      CalendarDay day;
      auto date = ParseDateField(day_json, day_path);
      if (!date) return Unexpected(date.error());
      day.date = *date;
      auto type = GetString(day_json, "type", day_path);
      if (!type) return Unexpected(type.error());
      if (*type == "off") {
        day.off = true;
      } else if (*type == "work") {
        day.off = false;
      } else {
        return Unexpected(
            JsonError(fmt::format("类型“{}”无法识别，应为off或work", QuoteInput(*type)), day_path + ".type"));
      }
      auto name = GetString(day_json, "name", day_path);
      if (!name) return Unexpected(name.error());
      day.name = std::move(*name);
      notice.days.push_back(std::move(day));
    }
    if (auto status = ValidateNotice(notice); !status) {
      Error error = Prefixed(std::move(status.error()), path);
      error.message = fmt::format("{}年放假安排：{}", notice.year, error.message);
      return Unexpected(std::move(error));
    }
    for (const CalendarNotice& earlier : notices) {
      if (earlier.year == notice.year) {
        return Unexpected(JsonError(fmt::format("{}年放假安排出现了两次", notice.year), path + ".year"));
      }
    }
    notices.push_back(std::move(notice));
  }
  // One date in two notices (a December date listed by both years' notices).
  std::vector<std::pair<Date, int>> all;
  for (const CalendarNotice& notice : notices) {
    for (const CalendarDay& day : notice.days) all.emplace_back(day.date, notice.year);
  }
  std::sort(all.begin(), all.end());
  for (std::size_t i = 1; i < all.size(); ++i) {
    if (all[i].first == all[i - 1].first) {
      return Unexpected(JsonError(fmt::format("日期{}同时出现在{}年和{}年的放假安排中", all[i].first.ToString(),
                                              all[i - 1].second, all[i].second),
                                  "notices"));
    }
  }
  return notices;
}

std::string CalendarFileToJson(const std::vector<CalendarNotice>& notices) {
  auto str = [](const std::string& s) { return json(s).dump(-1, ' ', false, json::error_handler_t::replace); };
  std::string out = fmt::format("{{\n  \"format\": \"{}\",\n  \"version\": {},\n  \"notices\": [\n", kCalendarFormat,
                                kCalendarVersion);
  for (std::size_t n = 0; n < notices.size(); ++n) {
    const CalendarNotice& notice = notices[n];
    out += fmt::format("    {{\n      \"year\": {},\n      \"source\": {},\n      \"days\": [\n", notice.year,
                       str(notice.source));
    for (std::size_t i = 0; i < notice.days.size(); ++i) {
      const CalendarDay& day = notice.days[i];
      out += fmt::format("        {{\"date\": \"{}\", \"type\": \"{}\", \"name\": {}}}{}\n", day.date.ToString(),
                         day.off ? "off" : "work", str(day.name), i + 1 < notice.days.size() ? "," : "");
    }
    out += fmt::format("      ]\n    }}{}\n", n + 1 < notices.size() ? "," : "");
  }
  out += "  ]\n}\n";
  return out;
}

Result<WorkingCalendar> LoadOfficialCalendar() {
  constexpr std::string_view kPath = "data/holidays.json";
  auto text = FindResource(kPath);
  if (!text) return Unexpected(Error::Internal("程序中缺少工作日历数据data/holidays.json"));
  auto notices = ParseCalendarFile(*text);
  if (!notices) {
    return Unexpected(Error::Internal("内置工作日历数据有误：" + notices.error().Describe()));
  }
  auto calendar = WorkingCalendar::Build(std::move(*notices));
  if (!calendar) {
    return Unexpected(Error::Internal("内置工作日历数据有误：" + calendar.error().Describe()));
  }
  return calendar;
}

}  // namespace gongkai
