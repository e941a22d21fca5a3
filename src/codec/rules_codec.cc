#include "codec/rules_codec.h"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <exception>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

#include "core/resources.h"

namespace gongkai {
namespace {

using nlohmann::json;

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::string_view kRulesFormat = "gongkai-deadline-rules";
constexpr int kRulesVersion = 1;

constexpr std::array<std::string_view, 12> kMembers = {"id",           "name",      "start_event",  "days",
                                                       "day_kind",     "direction", "display_days", "display_day_kind",
                                                       "display_from", "basis",     "text",         "check"};

Error Invalid(std::string message, std::string field) { return Error::Invalid(std::move(message), std::move(field)); }

std::string Dump(const json& value) { return QuoteInput(value.dump(-1, ' ', false, json::error_handler_t::replace)); }

Result<std::string> GetString(const json& obj, const std::string& path, std::string_view key) {
  const std::string field = path + "." + std::string(key);
  auto it = obj.find(key);
  if (it == obj.end()) return Unexpected(Invalid("缺少此字段", field));
  if (!it->is_string()) return Unexpected(Invalid(fmt::format("应为字符串，实为{}", Dump(*it)), field));
  return it->get<std::string>();
}

Result<int> GetDays(const json& obj, const std::string& path, std::string_view key) {
  const std::string field = path + "." + std::string(key);
  auto it = obj.find(key);
  if (it == obj.end()) return Unexpected(Invalid("缺少此字段", field));
  if (!it->is_number_integer()) {
    return Unexpected(Invalid(fmt::format("应为整数，实为{}", Dump(*it)), field));
  }
  const auto value = it->get<std::int64_t>();
  if (value < 0 || value > 3660) {
    return Unexpected(Invalid(fmt::format("天数{}超出范围（0至3660）", value), field));
  }
  return static_cast<int>(value);
}

template <typename T>
Result<T> GetEnum(const json& obj, const std::string& path, std::string_view key,
                  std::optional<T> (*parse)(std::string_view), std::string_view allowed,
                  std::optional<T> fallback = std::nullopt) {
  if (fallback && !obj.contains(key)) return *fallback;
  auto text = GetString(obj, path, key);
  if (!text) return Unexpected(text.error());
  if (auto value = parse(*text)) return *value;
  return Unexpected(
      Invalid(fmt::format("取值“{}”无法识别，应为{}", QuoteInput(*text), allowed), path + "." + std::string(key)));
}

// Stores a parsed value into `out`, or passes its error on.
template <typename T>
Status Assign(Result<T> value, T& out) {
  if (!value) return Unexpected(std::move(value.error()));
  out = std::move(*value);
  return Ok();
}

}  // namespace

Result<std::vector<DeadlineRule>> ParseDeadlineRules(std::string_view text) {
  if (text.starts_with(kBom)) text.remove_prefix(kBom.size());
  json doc;
  try {
    doc = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    return Unexpected(Invalid(fmt::format("JSON格式错误（第{}个字节附近）", e.byte), ""));
  } catch (const std::exception&) {
    return Unexpected(Invalid("JSON格式错误", ""));
  }
  if (!doc.is_object()) return Unexpected(Invalid("应为JSON对象", ""));
  auto format = doc.find("format");
  if (format == doc.end() || !format->is_string() || format->get<std::string>() != kRulesFormat) {
    return Unexpected(Invalid(
        fmt::format("文件格式应为“{}”，实为{}", kRulesFormat, format == doc.end() ? std::string("空") : Dump(*format)),
        "format"));
  }
  auto version = doc.find("version");
  if (version == doc.end() || !version->is_number_integer() || version->get<std::int64_t>() != kRulesVersion) {
    return Unexpected(Invalid(fmt::format("不支持的版本{}（支持版本{}）",
                                          version == doc.end() ? std::string("空") : Dump(*version), kRulesVersion),
                              "version"));
  }
  auto rules_json = doc.find("rules");
  if (rules_json == doc.end()) return Unexpected(Invalid("缺少此字段", "rules"));
  if (!rules_json->is_array()) return Unexpected(Invalid("应为数组", "rules"));

  std::vector<DeadlineRule> rules;
  for (std::size_t i = 0; i < rules_json->size(); ++i) {
    const json& item = (*rules_json)[i];
    const std::string path = fmt::format("rules[{}]", i);
    if (!item.is_object()) return Unexpected(Invalid("应为对象", path));
    for (const auto& [key, value] : item.items()) {
      if (std::find(kMembers.begin(), kMembers.end(), key) == kMembers.end()) {
        return Unexpected(Invalid(fmt::format("未知字段“{}”", QuoteInput(key)), path + "." + key));
      }
    }
    DeadlineRule rule;
    // A braced list evaluates left to right; the first error in field order wins.
    const Status steps[] = {
        Assign(GetString(item, path, "id"), rule.id),
        Assign(GetString(item, path, "name"), rule.name),
        Assign(GetString(item, path, "start_event"), rule.start_event),
        Assign(GetDays(item, path, "days"), rule.days),
        Assign(GetEnum<DayKind>(item, path, "day_kind", ParseDayKind, "working或calendar"), rule.day_kind),
        Assign(GetEnum<Direction>(item, path, "direction", ParseDirection, "after或before"), rule.direction),
        Assign(GetDays(item, path, "display_days"), rule.display_days),
        Assign(GetEnum<DayKind>(item, path, "display_day_kind", ParseDayKind, "working或calendar"),
               rule.display_day_kind),
        Assign(GetEnum<DisplayFrom>(item, path, "display_from", ParseDisplayFrom, "publication或event",
                                    DisplayFrom::kPublication),
               rule.display_from),
        Assign(GetString(item, path, "basis"), rule.basis),
        Assign(GetString(item, path, "text"), rule.text),
    };
    for (const Status& step : steps) {
      if (!step) return Unexpected(step.error());
    }
    auto check = item.find("check");
    if (check == item.end()) return Unexpected(Invalid("缺少此字段", path + ".check"));
    if (!check->is_boolean()) {
      return Unexpected(Invalid(fmt::format("应为true或false，实为{}", Dump(*check)), path + ".check"));
    }
    rule.check = check->get<bool>();
    if (auto status = ValidateRule(rule); !status) {
      Error error = std::move(status.error());
      error.field = path + "." + error.field;
      return Unexpected(std::move(error));
    }
    for (std::size_t j = 0; j < rules.size(); ++j) {
      if (rules[j].id == rule.id) {
        return Unexpected(Error::Conflict(
            fmt::format("时限规则编号“{}”重复（rules[{}]已使用）", QuoteInput(rule.id), j), path + ".id"));
      }
    }
    rules.push_back(std::move(rule));
  }
  if (FindRule(rules, kDefaultRuleId) == nullptr) {
    return Unexpected(Invalid(fmt::format("缺少默认时限规则“{}”", kDefaultRuleId), "rules"));
  }
  return rules;
}

std::string DeadlineRulesToJson(const std::vector<DeadlineRule>& rules) {
  nlohmann::ordered_json doc;
  doc["format"] = kRulesFormat;
  doc["version"] = kRulesVersion;
  doc["rules"] = nlohmann::ordered_json::array();
  for (const DeadlineRule& rule : rules) {
    nlohmann::ordered_json out;
    out["id"] = rule.id;
    out["name"] = rule.name;
    out["start_event"] = rule.start_event;
    out["days"] = rule.days;
    out["day_kind"] = DayKindName(rule.day_kind);
    out["direction"] = DirectionName(rule.direction);
    out["display_days"] = rule.display_days;
    out["display_day_kind"] = DayKindName(rule.display_day_kind);
    out["display_from"] = DisplayFromName(rule.display_from);
    out["basis"] = rule.basis;
    out["text"] = rule.text;
    out["check"] = rule.check;
    doc["rules"].push_back(std::move(out));
  }
  return doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

Result<std::vector<DeadlineRule>> LoadDeadlineRules() {
  constexpr std::string_view kPath = "data/deadline-rules.json";
  auto text = FindResource(kPath);
  if (!text) return Unexpected(Error::Internal("程序中缺少时限规则数据data/deadline-rules.json"));
  auto rules = ParseDeadlineRules(*text);
  if (!rules) {
    return Unexpected(Error::Internal("内置时限规则数据有误：" + rules.error().Describe()));
  }
  return rules;
}

}  // namespace gongkai
