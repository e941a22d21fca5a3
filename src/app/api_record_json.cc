#include "app/api_record_json.h"

#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include <optional>
#include <set>
#include <string>

#include "core/date.h"

namespace gongkai {

namespace {

using json = nlohmann::json;

constexpr std::size_t kMaxFieldBytes = 2000;
constexpr std::size_t kMaxChannels = 10;
constexpr std::int64_t kMaxItem = 100000;

struct FieldInfo {
  const char* key;
  const char* label;
};

constexpr FieldInfo kDraftFields[] = {
    {"obligation_id", "待公开事项编号"}, {"unit", "责任单位"},     {"item", "事项序号"},
    {"element", "要素"},                 {"formed_on", "信息形成日期"}, {"title", "标题"},
    {"body", "正文"},                    {"doc_number", "文号"},     {"written_on", "成文日期"},
    {"genre", "体裁"},                   {"topic", "主题分类"},      {"validity", "有效性"},
    {"disclosure_mode", "公开方式"},     {"scope", "公开范围"},      {"channels", "公开渠道"},
};

// PUT /api/v1/records/{id}: the content members of kDraftFields and the
// change note (a draft's unit, item, element and formation date stay).
constexpr FieldInfo kEditFields[] = {
    {"title", "标题"},         {"body", "正文"},       {"doc_number", "文号"},
    {"written_on", "成文日期"}, {"genre", "体裁"},      {"topic", "主题分类"},
    {"validity", "有效性"},     {"disclosure_mode", "公开方式"}, {"scope", "公开范围"},
    {"channels", "公开渠道"},   {"change_note", "修订说明"},
};

constexpr FieldInfo kReasonFields[] = {{"reason", "撤回理由"}};
constexpr FieldInfo kCommentFields[] = {{"comment", "退回意见"}};

constexpr FieldInfo kChecklistFields[] = {
    {"no_state_secret", "不涉及国家秘密"},
    {"no_commercial_secret", "不涉及商业秘密"},
    {"personal_info_handled", "个人信息已处理"},
};

template <std::size_t N>
const char* LabelOf(const FieldInfo (&fields)[N], std::string_view key) {
  for (const auto& f : fields)
    if (key == f.key) return f.label;
  return "";
}

// The Chinese label of any member the write endpoints read.
const char* LabelOfAny(std::string_view key) {
  for (const char* l : {LabelOf(kDraftFields, key), LabelOf(kEditFields, key), LabelOf(kReasonFields, key),
                        LabelOf(kCommentFields, key)})
    if (*l) return l;
  return "";
}

const char* TypeName(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "布尔值";
    case json::value_t::string: return "字符串";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "整数";
    case json::value_t::number_float: return "小数";
    case json::value_t::array: return "数组";
    case json::value_t::object: return "对象";
    default: return "其他类型";
  }
}

// "字段“item”（事项序号）"
std::string Named(std::string_view key, const char* label) {
  return *label ? fmt::format("字段“{}”（{}）", key, label) : fmt::format("字段“{}”", key);
}

// Refuses nesting deeper than kMaxApiJsonDepth before the parser sees it
// (no body of ours needs more than 2 levels).
Status CheckDepth(std::string_view body) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : body) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > kMaxApiJsonDepth) return Unexpected(Error::Invalid("请求体的JSON嵌套层数过多"));
    } else if (c == ']' || c == '}') --depth;
  }
  return Ok();
}

Result<json> ParseObject(std::string_view body) {
  if (body.size() > kMaxApiBodyBytes)
    return Unexpected(Error::Invalid(fmt::format("请求体过大（上限{}字节）", kMaxApiBodyBytes)));
  bool blank = body.find_first_not_of(" \t\r\n") == std::string_view::npos;
  if (blank) return Unexpected(Error::Invalid("请求体为空：应为一个JSON对象"));
  GK_CHECK(CheckDepth(body));
  json j;
  try {
    j = json::parse(body);
  } catch (const json::parse_error& e) {
    return Unexpected(Error::Invalid(
        fmt::format("请求体不是有效的JSON：第{}个字节附近有语法错误（须为UTF-8编码的JSON对象）", e.byte)));
  } catch (const json::exception&) {
    return Unexpected(Error::Invalid("请求体不是有效的JSON：其中的数值超出范围"));
  }
  if (!j.is_object())
    return Unexpected(Error::Invalid(fmt::format("请求体应为JSON对象（{{…}}），实际为{}", TypeName(j))));
  return j;
}

// A client's key for a message: at most 60 bytes, cut at a UTF-8 boundary
// (the parser has checked the key is valid UTF-8).
std::string Clip(const std::string& key) {
  if (key.size() <= 60) return key;
  std::size_t n = 60;
  while (n > 0 && (static_cast<unsigned char>(key[n]) & 0xC0) == 0x80) --n;
  return key.substr(0, n) + "…";
}

template <std::size_t N>
Status RefuseUnknown(const json& o, const FieldInfo (&fields)[N]) {
  for (const auto& [key, value] : o.items()) {
    bool known = false;
    for (const auto& f : fields) known = known || key == f.key;
    if (!known) {
      std::string names;
      for (const auto& f : fields) names += (names.empty() ? "" : "、") + std::string(f.key);
      return Unexpected(Error::Invalid(fmt::format("未知字段“{}”（可用字段：{}）", Clip(key), names), Clip(key)));
    }
  }
  return Ok();
}

bool HasControl(std::string_view s, bool multiline) {
  for (unsigned char c : s) {
    if (multiline && (c == '\n' || c == '\r' || c == '\t')) continue;
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

class Reader {
 public:
  explicit Reader(const json& o) : o_(o) {}

  // nullopt when absent or null.
  Result<std::optional<std::string>> String(const char* key, bool multiline = false,
                                            std::size_t max = kMaxFieldBytes) const {
    auto it = o_.find(key);
    if (it == o_.end() || it->is_null()) return std::optional<std::string>();
    const char* label = LabelOfAny(key);
    if (!it->is_string())
      return Unexpected(Error::Invalid(fmt::format("{}应为字符串，实际为{}", Named(key, label), TypeName(*it)), key));
    const auto& s = it->get_ref<const std::string&>();
    if (s.size() > max)
      return Unexpected(Error::Invalid(fmt::format("{}过长（最多{}字节）", Named(key, label), max), key));
    if (HasControl(s, multiline))
      return Unexpected(Error::Invalid(fmt::format("{}含有控制字符", Named(key, label)), key));
    return std::optional<std::string>(s);
  }

  // nullopt when absent or null; Invalid unless an integer in [1, max].
  Result<std::optional<std::int64_t>> Positive(const char* key, std::int64_t max) const {
    auto it = o_.find(key);
    if (it == o_.end() || it->is_null()) return std::optional<std::int64_t>();
    const char* label = LabelOfAny(key);
    if (!it->is_number_integer())
      return Unexpected(Error::Invalid(fmt::format("{}应为正整数，实际为{}", Named(key, label), TypeName(*it)), key));
    bool in_range = it->is_number_unsigned() ? it->get<std::uint64_t>() <= static_cast<std::uint64_t>(max)
                                             : it->get<std::int64_t>() >= 1 && it->get<std::int64_t>() <= max;
    if (!in_range || (it->is_number_unsigned() && it->get<std::uint64_t>() == 0))
      return Unexpected(Error::Invalid(fmt::format("{}应为1到{}之间的整数", Named(key, label), max), key));
    return std::optional<std::int64_t>(it->get<std::int64_t>());
  }

  bool Has(const char* key) const {
    auto it = o_.find(key);
    return it != o_.end() && !it->is_null();
  }

 private:
  const json& o_;
};

Error Missing(const char* key) {
  return Error::Invalid(fmt::format("缺少{}", Named(key, LabelOfAny(key))), key);
}

Status CheckDate(const std::string& value, const char* key) {
  auto d = Date::Parse(value);
  if (!d)
    return Unexpected(Error::Invalid(
        fmt::format("{}应为YYYY-MM-DD格式的日期：{}", Named(key, LabelOfAny(key)), d.error().message), key));
  return Ok();
}

// The record content members (title required) into `c`.
Status ReadContent(const json& o, const Reader& r, RecordContent& c) {
  GK_TRY(title, r.String("title"));
  if (!title || title->empty()) return Unexpected(Missing("title"));
  c.title = *title;
  GK_TRY(text, r.String("body", true, kMaxApiBodyBytes));
  c.body = text.value_or("");
  GK_TRY(doc_number, r.String("doc_number"));
  c.doc_number = doc_number.value_or("");
  GK_TRY(written_on, r.String("written_on"));
  if (written_on && !written_on->empty()) GK_CHECK(CheckDate(*written_on, "written_on"));
  c.written_on = written_on.value_or("");
  GK_TRY(genre, r.String("genre"));
  c.genre = genre.value_or("");
  GK_TRY(topic, r.String("topic"));
  c.topic = topic.value_or("");
  GK_TRY(validity, r.String("validity"));
  c.validity = validity.value_or("");
  GK_TRY(mode, r.String("disclosure_mode"));
  if (mode && !mode->empty()) c.disclosure_mode = *mode;
  GK_TRY(scope, r.String("scope"));
  if (scope && !scope->empty()) c.scope = *scope;
  if (auto it = o.find("channels"); it != o.end() && !it->is_null()) {
    if (!it->is_array())
      return Unexpected(Error::Invalid(
          fmt::format("{}应为字符串数组（如[\"门户网站\"]），实际为{}", Named("channels", "公开渠道"), TypeName(*it)),
          "channels"));
    if (it->size() > kMaxChannels)
      return Unexpected(Error::Invalid(fmt::format("公开渠道最多{}个", kMaxChannels), "channels"));
    for (std::size_t i = 0; i < it->size(); ++i) {
      const json& v = (*it)[i];
      const std::string key = fmt::format("channels[{}]", i);
      if (!v.is_string() || v.get_ref<const std::string&>().empty() || v.get_ref<const std::string&>().size() > 100 ||
          HasControl(v.get_ref<const std::string&>(), false))
        return Unexpected(Error::Invalid(
            fmt::format("字段“{}”应为非空的渠道名称（如“门户网站”），实际为{}", key, TypeName(v)), key));
      c.channels.push_back(v.get<std::string>());
    }
  }
  return Ok();
}

}  // namespace

Result<NewDraft> ParseNewDraftJson(std::string_view body) {
  GK_TRY(o, ParseObject(body));
  GK_CHECK(RefuseUnknown(o, kDraftFields));
  Reader r(o);
  NewDraft n;
  GK_TRY(obligation, r.Positive("obligation_id", INT64_MAX));
  if (obligation) {
    n.obligation_id = *obligation;
    for (const char* key : {"unit", "item", "element", "formed_on"})
      if (r.Has(key))
        return Unexpected(Error::Invalid(
            fmt::format("已指定待公开事项（obligation_id）时，责任单位、事项、要素和形成日期取自该事项，请勿再填写“{}”",
                        key),
            key));
  } else {
    GK_TRY(unit, r.String("unit"));
    if (!unit || unit->empty()) return Unexpected(Missing("unit"));
    n.unit = *unit;
    GK_TRY(item, r.Positive("item", kMaxItem));
    if (!item) return Unexpected(Missing("item"));
    n.item = static_cast<int>(*item);
    GK_TRY(element, r.String("element"));
    n.element = element.value_or("");
    GK_TRY(formed, r.String("formed_on"));
    if (!formed || formed->empty()) return Unexpected(Missing("formed_on"));
    GK_CHECK(CheckDate(*formed, "formed_on"));
    n.formed_on = *formed;
  }
  GK_CHECK(ReadContent(o, r, n.content));
  return n;
}

Result<ReviewChecklist> ParseChecklistJson(std::string_view body) {
  GK_TRY(o, ParseObject(body));
  GK_CHECK(RefuseUnknown(o, kChecklistFields));
  bool values[3] = {};
  int i = 0;
  for (const auto& f : kChecklistFields) {
    auto it = o.find(f.key);
    if (it == o.end() || it->is_null())
      return Unexpected(Error::Invalid(
          fmt::format("缺少{}：保密审查须逐项确认（true或false）", Named(f.key, f.label)), f.key));
    if (!it->is_boolean())
      return Unexpected(Error::Invalid(
          fmt::format("{}应为布尔值（true或false），实际为{}", Named(f.key, f.label), TypeName(*it)), f.key));
    values[i++] = it->get<bool>();
  }
  return ReviewChecklist{values[0], values[1], values[2]};
}

Result<DraftEdit> ParseDraftEditJson(std::string_view body) {
  GK_TRY(o, ParseObject(body));
  for (const char* key : {"obligation_id", "unit", "item", "element", "formed_on"})
    if (o.contains(key))
      return Unexpected(Error::Invalid(
          fmt::format("“{}”在创建草稿时确定，修改草稿时不能更改（可修改：标题、正文等内容和change_note）", key), key));
  GK_CHECK(RefuseUnknown(o, kEditFields));
  Reader r(o);
  DraftEdit e;
  GK_CHECK(ReadContent(o, r, e.content));
  GK_TRY(note, r.String("change_note", true));
  e.change_note = note.value_or("");
  return e;
}

namespace {

// A body with one optional string member `fields[0]` ("" when absent; the
// action says whether it may be empty).
template <std::size_t N>
Result<std::string> ParseOneText(std::string_view body, const FieldInfo (&fields)[N]) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return std::string();
  GK_TRY(o, ParseObject(body));
  GK_CHECK(RefuseUnknown(o, fields));
  Reader r(o);
  GK_TRY(text, r.String(fields[0].key, true));
  return text.value_or("");
}

}  // namespace

Result<std::string> ParseWithdrawJson(std::string_view body) { return ParseOneText(body, kReasonFields); }

Result<std::string> ParseReturnJson(std::string_view body) { return ParseOneText(body, kCommentFields); }

Status ParseEmptyJson(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return Ok();
  GK_TRY(o, ParseObject(body));
  if (!o.empty()) {
    const std::string key = Clip(o.items().begin().key());
    return Unexpected(Error::Invalid(fmt::format("未知字段“{}”：此操作不需要请求体", key), key));
  }
  return Ok();
}

}  // namespace gongkai
