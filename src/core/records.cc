#include "core/records.h"

#include <fmt/core.h>

#include <algorithm>

namespace gongkai {

const char* ObligationStateName(ObligationState s) {
  switch (s) {
    case ObligationState::kOpen: return "open";
    case ObligationState::kPublished: return "published";
    case ObligationState::kWithheld: return "withheld";
    case ObligationState::kCancelled: return "cancelled";
  }
  return "open";
}

const char* ObligationStateLabel(ObligationState s) {
  switch (s) {
    case ObligationState::kOpen: return "待公开";
    case ObligationState::kPublished: return "已公开";
    case ObligationState::kWithheld: return "不予公开";
    case ObligationState::kCancelled: return "已撤销";
  }
  return "待公开";
}

std::optional<ObligationState> ParseObligationState(std::string_view t) {
  for (auto s : {ObligationState::kOpen, ObligationState::kPublished, ObligationState::kWithheld,
                 ObligationState::kCancelled})
    if (t == ObligationStateName(s)) return s;
  return std::nullopt;
}

const std::vector<WithholdingGround>& WithholdingGrounds() {
  static const std::vector<WithholdingGround> kGrounds = {
      {"art14-state-secret", "《政府信息公开条例》第十四条：依法确定为国家秘密"},
      {"art14-law-forbids", "《政府信息公开条例》第十四条：法律、行政法规禁止公开"},
      {"art14-security", "《政府信息公开条例》第十四条：公开后可能危及国家安全、公共安全、经济安全、社会稳定"},
      {"art15-commercial-secret", "《政府信息公开条例》第十五条：涉及商业秘密，公开会对第三方合法权益造成损害"},
      {"art15-privacy", "《政府信息公开条例》第十五条：涉及个人隐私，公开会对第三方合法权益造成损害"},
      {"art16-internal", "《政府信息公开条例》第十六条：内部事务信息"},
      {"art16-process", "《政府信息公开条例》第十六条：过程性信息、行政执法案卷信息"},
  };
  return kGrounds;
}

const WithholdingGround* FindWithholdingGround(std::string_view id) {
  for (const auto& g : WithholdingGrounds())
    if (g.id == id) return &g;
  return nullptr;
}

const char* RecordStatusName(RecordStatus s) {
  switch (s) {
    case RecordStatus::kDraft: return "draft";
    case RecordStatus::kSubmitted: return "submitted";
    case RecordStatus::kApproved: return "approved";
    case RecordStatus::kPublished: return "published";
    case RecordStatus::kWithdrawn: return "withdrawn";
  }
  return "draft";
}

const char* RecordStatusLabel(RecordStatus s) {
  switch (s) {
    case RecordStatus::kDraft: return "草稿";
    case RecordStatus::kSubmitted: return "待审核";
    case RecordStatus::kApproved: return "已审核待发布";
    case RecordStatus::kPublished: return "已发布";
    case RecordStatus::kWithdrawn: return "已撤回";
  }
  return "草稿";
}

std::optional<RecordStatus> ParseRecordStatus(std::string_view t) {
  for (auto s : {RecordStatus::kDraft, RecordStatus::kSubmitted, RecordStatus::kApproved, RecordStatus::kPublished,
                 RecordStatus::kWithdrawn})
    if (t == RecordStatusName(s)) return s;
  return std::nullopt;
}

const char* PublicationKindName(PublicationKind k) {
  switch (k) {
    case PublicationKind::kPublish: return "publish";
    case PublicationKind::kRevise: return "revise";
    case PublicationKind::kWithdraw: return "withdraw";
  }
  return "publish";
}

const char* PublicationKindLabel(PublicationKind k) {
  switch (k) {
    case PublicationKind::kPublish: return "发布";
    case PublicationKind::kRevise: return "修订";
    case PublicationKind::kWithdraw: return "撤回";
  }
  return "发布";
}

std::optional<PublicationKind> ParsePublicationKind(std::string_view t) {
  for (auto k : {PublicationKind::kPublish, PublicationKind::kRevise, PublicationKind::kWithdraw})
    if (t == PublicationKindName(k)) return k;
  return std::nullopt;
}

namespace {

std::size_t CodePoints(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

}  // namespace

Status ValidateRecordContent(const RecordContent& c) {
  if (c.title.empty()) return Unexpected(Error::Invalid("请填写标题", "title"));
  if (CodePoints(c.title) > 200) return Unexpected(Error::Invalid("标题不能超过200个字", "title"));
  if (c.body.empty() && PublicAttachments(c.attachments).empty())
    return Unexpected(Error::Invalid("正文和附件不能都为空", "body"));
  if (c.body.size() > 2 * 1024 * 1024) return Unexpected(Error::Invalid("正文过长（超过2MB）", "body"));
  if (!c.written_on.empty() && !Date::Parse(c.written_on))
    return Unexpected(Error::Invalid(fmt::format("成文日期“{}”应为YYYY-MM-DD", c.written_on), "written_on"));
  if (c.disclosure_mode != "主动公开" && c.disclosure_mode != "依申请公开" && c.disclosure_mode != "不予公开")
    return Unexpected(Error::Invalid("公开方式应为主动公开、依申请公开或不予公开", "disclosure_mode"));
  if (c.scope.empty()) return Unexpected(Error::Invalid("请填写公开范围", "scope"));
  if (c.validity != "" && c.validity != "有效" && c.validity != "失效" && c.validity != "废止")
    return Unexpected(Error::Invalid("有效性应为有效、失效或废止", "validity"));
  for (const auto& ch : c.channels)
    if (ch.empty() || CodePoints(ch) > 50) return Unexpected(Error::Invalid("公开渠道名称无效", "channels"));
  if (std::find(c.channels.begin(), c.channels.end(), kNoticeBoardChannel) != c.channels.end() &&
      std::none_of(c.attachments.begin(), c.attachments.end(), [](const Attachment& a) { return a.evidence; }))
    return Unexpected(Error::Invalid("公开渠道含“公示栏”，请上传公示栏张贴照片作为证据", "channels"));
  struct Short {
    const char* field;
    const char* label;
    const std::string& value;
  };
  for (const Short& f : {Short{"doc_number", "文号", c.doc_number}, Short{"genre", "体裁", c.genre},
                         Short{"topic", "主题分类", c.topic}})
    if (CodePoints(f.value) > 100)
      return Unexpected(Error::Invalid(fmt::format("{}过长（最多100个字，收到{}个字）", f.label, CodePoints(f.value)),
                                       f.field));
  return Ok();
}

std::vector<Attachment> PublicAttachments(const std::vector<Attachment>& all) {
  std::vector<Attachment> out;
  for (const auto& a : all)
    if (!a.evidence) out.push_back(a);
  return out;
}

Status CheckTransition(RecordStatus from, RecordStatus to, bool has_published_version) {
  bool ok = false;
  switch (to) {
    case RecordStatus::kDraft:  // edit, return by the leader, or start a revision
      ok = from == RecordStatus::kDraft || from == RecordStatus::kSubmitted || from == RecordStatus::kApproved ||
           from == RecordStatus::kPublished;
      break;
    case RecordStatus::kSubmitted: ok = from == RecordStatus::kDraft; break;
    case RecordStatus::kApproved: ok = from == RecordStatus::kSubmitted; break;
    case RecordStatus::kPublished: ok = from == RecordStatus::kApproved; break;
    case RecordStatus::kWithdrawn:
      ok = has_published_version && from != RecordStatus::kWithdrawn;
      break;
  }
  if (ok) return Ok();
  return Unexpected(Error::Conflict(
      fmt::format("当前状态为“{}”，不能改为“{}”", RecordStatusLabel(from), RecordStatusLabel(to)), "status"));
}

Result<std::string> FormatIndexNumber(std::string_view pattern, std::string_view org_code, int year, int serial) {
  std::string out;
  for (std::size_t i = 0; i < pattern.size();) {
    if (pattern[i] != '{') {
      out.push_back(pattern[i++]);
      continue;
    }
    auto close = pattern.find('}', i);
    if (close == std::string_view::npos)
      return Unexpected(Error::Invalid(fmt::format("索引号格式“{}”中的花括号未闭合", pattern), "index_pattern"));
    std::string_view key = pattern.substr(i + 1, close - i - 1);
    if (key == "org") out += org_code;
    else if (key == "year") out += fmt::format("{}", year);
    else if (key == "seq") out += fmt::format("{:05}", serial);
    else if (key.starts_with("seq:") && key.size() == 5 && key[4] >= '1' && key[4] <= '9')
      out += fmt::format("{:0{}}", serial, key[4] - '0');
    else
      return Unexpected(Error::Invalid(fmt::format("索引号格式中的“{{{}}}”无法识别", key), "index_pattern"));
    i = close + 1;
  }
  if (pattern.find("{seq") == std::string_view::npos)
    return Unexpected(Error::Invalid("索引号格式必须包含{seq}（序号）以保证唯一", "index_pattern"));
  return out;
}

}  // namespace gongkai
