#include "app/record_actions.h"

#include <fmt/core.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "app/crypto.h"
#include "codec/text_extract.h"
#include "core/file_type.h"
#include "core/timestamp.h"

namespace gongkai {

namespace {

std::string RecordJson(const Record& r) {
  nlohmann::ordered_json j;
  j["id"] = r.id;
  j["status"] = RecordStatusName(r.status);
  j["unit"] = r.unit;
  j["item"] = r.item_number;
  j["element"] = r.element;
  j["title"] = r.draft.title;
  j["body_sha256"] = Sha256Hex(r.draft.body);  // the body itself may hold personal data
  j["doc_number"] = r.draft.doc_number;
  j["attachments"] = r.draft.attachments.size();
  j["index_number"] = r.index_number;
  j["published_version"] = r.published_version;
  if (!r.review_comment.empty()) j["review_comment"] = r.review_comment;
  if (!r.withdrawn_reason.empty()) j["withdrawn_reason"] = r.withdrawn_reason;
  return j.dump();
}

std::string ObligationJson(const Obligation& o) {
  nlohmann::ordered_json j;
  j["id"] = o.id;
  j["unit"] = o.unit;
  j["item"] = o.item_number;
  j["element"] = o.element;
  j["title"] = o.title;
  j["formed_on"] = o.formed_on.ToString();
  j["due_on"] = o.due_on.ToString();
  j["state"] = ObligationStateName(o.state);
  if (!o.reason.empty()) j["reason"] = o.reason;
  if (!o.ground.empty()) j["ground"] = o.ground;
  return j.dump();
}

Status CheckUnitAnswersForItem(const Catalog& catalog, const std::string& unit, int item_number,
                               const std::string& element) {
  const Item* item = catalog.FindItem(item_number);
  if (!item) return Unexpected(Error::Invalid(fmt::format("目录中没有序号为{}的事项", item_number), "item"));
  const UnitInfo* u = catalog.FindUnit(unit);
  if (!u || !u->active) return Unexpected(Error::Invalid(fmt::format("没有名为“{}”的在用单位", unit), "unit"));
  if (std::find(item->units.begin(), item->units.end(), unit) == item->units.end())
    return Unexpected(Error::Invalid(
        fmt::format("{}不是事项{}（{}）的责任单位；如需增补，请联系公开办", unit, item_number, item->title), "unit"));
  if (!element.empty() && std::none_of(item->elements.begin(), item->elements.end(),
                                       [&](const Element& e) { return e.name == element; }))
    return Unexpected(Error::Invalid(fmt::format("事项{}没有名为“{}”的公开要素", item_number, element), "element"));
  return Ok();
}

Result<Record> Load(const Context& ctx, std::int64_t id) {
  GK_TRY(r, ctx.store.GetRecord(id));
  if (r.site_id != ctx.actor.site_id) return Unexpected(Error::NotFound(fmt::format("公开信息{}不存在", id)));
  return r;
}

Result<Obligation> LoadObligation(const Context& ctx, std::int64_t id) {
  GK_TRY(o, ctx.store.GetObligation(id));
  if (o.site_id != ctx.actor.site_id) return Unexpected(Error::NotFound(fmt::format("待公开事项{}不存在", id)));
  return o;
}

Result<Record> Save(const Context& ctx, Record r, const std::string& before, const std::string& action) {
  r.updated_at = ctx.NowUtc();
  GK_CHECK(ctx.store.SaveRecord(r, ctx.Audit(action, fmt::format("公开信息:{}", r.id), before, RecordJson(r))));
  return r;
}

// Records outside the text of the body that the scanner also reads.
bool IsTextAttachment(const Attachment& a) { return a.mime.starts_with("text/plain"); }

}  // namespace

Result<Obligation> RegisterObligation(const Context& ctx, const Catalog& catalog, std::span<const DeadlineRule> rules,
                                      const NewObligation& in) {
  GK_CHECK(Authorize(ctx.actor, Action::kRegisterObligation, in.unit));
  GK_CHECK(CheckUnitAnswersForItem(catalog, in.unit, in.item, in.element));
  if (in.title.empty()) return Unexpected(Error::Invalid("请填写事项名称", "title"));
  auto formed = Date::Parse(in.formed_on);
  if (!formed) return Unexpected(Error::Invalid(formed.error().message, "formed_on"));
  GK_TRY(current, EnsureCalendar(ctx.store));
  GK_TRY(result, ExplainDeadline(current.calendar, rules, catalog, DeadlineQuery{*formed, in.item, in.element, ""}));
  Obligation o;
  o.site_id = ctx.actor.site_id;
  o.unit = in.unit;
  o.item_number = in.item;
  o.element = in.element;
  o.title = in.title;
  o.formed_on = *formed;
  o.state = ObligationState::kOpen;
  o.created_at = ctx.NowUtc();
  o.created_by = ctx.actor.username;
  TrackedDeadline d;
  d.site_id = o.site_id;
  d.subject = in.title;
  d.item_number = in.item;
  d.element = in.element;
  d.rule_id = result.rule.id;
  d.rule_days = result.rule.days;
  d.event = *formed;
  d.due = result.due;
  d.provisional = result.provisional;
  d.calendar_version = current.version;
  o.due_on = d.due;
  o.provisional = d.provisional;
  return ctx.store.CreateObligation(o, d, ctx.Audit("登记待公开事项", "待公开事项", "null", ObligationJson(o)));
}

Result<Obligation> CancelObligation(const Context& ctx, std::int64_t id, const std::string& reason) {
  GK_TRY(o, LoadObligation(ctx, id));
  GK_CHECK(Authorize(ctx.actor, Action::kCancelObligation, o.unit));
  if (o.state != ObligationState::kOpen)
    return Unexpected(Error::Conflict(fmt::format("该事项已{}，不能撤销", ObligationStateLabel(o.state)), "state"));
  if (reason.empty()) return Unexpected(Error::Invalid("请填写撤销理由", "reason"));
  std::string before = ObligationJson(o);
  o.state = ObligationState::kCancelled;
  o.reason = reason;
  GK_CHECK(ctx.store.UpdateObligation(o, ctx.Audit("撤销待公开事项", fmt::format("待公开事项:{}", id), before,
                                                   ObligationJson(o))));
  return o;
}

Result<Obligation> WithholdObligation(const Context& ctx, std::int64_t id, const std::string& ground,
                                      const std::string& reason) {
  GK_TRY(o, LoadObligation(ctx, id));
  GK_CHECK(Authorize(ctx.actor, Action::kApproveRecord, o.unit));
  if (o.state != ObligationState::kOpen)
    return Unexpected(Error::Conflict(fmt::format("该事项已{}，不能再决定不予公开", ObligationStateLabel(o.state)), "state"));
  const WithholdingGround* g = FindWithholdingGround(ground);
  if (!g) return Unexpected(Error::Invalid("请选择不予公开的法律依据（条例第十四、十五、十六条）", "ground"));
  if (reason.empty()) return Unexpected(Error::Invalid("请填写不予公开的具体理由", "reason"));
  std::string before = ObligationJson(o);
  o.state = ObligationState::kWithheld;
  o.ground = g->id;
  o.reason = reason;
  GK_CHECK(ctx.store.UpdateObligation(o, ctx.Audit("决定不予公开", fmt::format("待公开事项:{}", id), before,
                                                   ObligationJson(o))));
  return o;
}

Result<Record> CreateDraft(const Context& ctx, const Catalog& catalog, std::span<const DeadlineRule> rules,
                           const NewDraft& in) {
  Record r;
  r.site_id = ctx.actor.site_id;
  if (in.obligation_id > 0) {
    GK_TRY(o, LoadObligation(ctx, in.obligation_id));
    if (o.state != ObligationState::kOpen)
      return Unexpected(Error::Conflict(fmt::format("该待公开事项已{}", ObligationStateLabel(o.state)), "obligation"));
    r.unit = o.unit;
    r.item_number = o.item_number;
    r.element = o.element;
    r.obligation_id = o.id;
    r.formed_on = o.formed_on;
    r.due_on = o.due_on;
    r.provisional = o.provisional;
  } else {
    r.unit = in.unit;
    r.item_number = in.item;
    r.element = in.element;
    auto formed = Date::Parse(in.formed_on);
    if (!formed) return Unexpected(Error::Invalid(formed.error().message, "formed_on"));
    r.formed_on = *formed;
  }
  GK_CHECK(Authorize(ctx.actor, Action::kEditDraft, r.unit));
  GK_CHECK(CheckUnitAnswersForItem(catalog, r.unit, r.item_number, r.element));
  if (in.obligation_id == 0) {
    GK_TRY(current, EnsureCalendar(ctx.store));
    GK_TRY(result, ExplainDeadline(current.calendar, rules, catalog,
                                   DeadlineQuery{r.formed_on, r.item_number, r.element, ""}));
    r.due_on = result.due;
    r.provisional = result.provisional;
  }
  if (in.content.title.empty()) return Unexpected(Error::Invalid("请填写标题", "title"));
  r.draft = in.content;
  r.status = RecordStatus::kDraft;
  r.created_at = r.updated_at = ctx.NowUtc();
  r.created_by = ctx.actor.username;
  return ctx.store.CreateRecord(r, ctx.Audit("起草公开信息", "公开信息", "null", RecordJson(r)));
}

Result<Record> UpdateDraft(const Context& ctx, std::int64_t id, const RecordContent& content,
                           const std::string& change_note) {
  GK_TRY(r, Load(ctx, id));
  GK_CHECK(Authorize(ctx.actor, Action::kEditDraft, r.unit));
  if (r.status != RecordStatus::kDraft)
    return Unexpected(Error::Conflict(fmt::format("当前状态为“{}”，只有草稿可以修改", RecordStatusLabel(r.status)), "status"));
  std::string before = RecordJson(r);
  std::vector<Attachment> attachments = r.draft.attachments;
  r.draft = content;
  r.draft.attachments = attachments;  // attachments are added and removed separately
  r.change_note = change_note;
  return Save(ctx, std::move(r), before, "修改草稿");
}

Result<Record> AddAttachment(const Context& ctx, std::int64_t id, const std::string& filename,
                             const std::string& bytes, std::size_t max_bytes, bool evidence) {
  GK_TRY(r, Load(ctx, id));
  GK_CHECK(Authorize(ctx.actor, Action::kEditDraft, r.unit));
  if (r.status != RecordStatus::kDraft) return Unexpected(Error::Conflict("只有草稿可以添加附件", "status"));
  if (bytes.empty()) return Unexpected(Error::Invalid("附件为空", "attachment"));
  if (bytes.size() > max_bytes)
    return Unexpected(Error::Invalid(fmt::format("附件超过{}MB", max_bytes / (1024 * 1024)), "attachment"));
  FileType type = SniffFileType(bytes);
  // Plain text from Chinese offices is often GB18030/GBK or UTF-16 (with a
  // byte-order mark), which the sniffer does not call text: a .txt or .csv
  // that decodes cleanly is accepted and served with its own charset.
  std::string charset;
  if (type == FileType::kUnknown) {
    std::string ext = filename.substr(filename.find_last_of('.') == std::string::npos ? filename.size()
                                                                                      : filename.find_last_of('.') + 1);
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char ch) { return std::tolower(ch); });
    if (ext == "txt" || ext == "csv") {
      auto decoded = ExtractText(bytes, FileType::kText);
      const bool clean = decoded && !decoded->text.empty() &&
                         decoded->text.find("\xEF\xBF\xBD") == std::string::npos &&
                         std::none_of(decoded->text.begin(), decoded->text.end(), [](char ch) {
                           auto u = static_cast<unsigned char>(ch);
                           return u < 0x20 && u != '\t' && u != '\n' && u != '\r';
                         });
      if (clean) {
        type = FileType::kText;
        const bool utf16 = bytes.size() >= 2 && ((bytes[0] == '\xFF' && bytes[1] == '\xFE') ||
                                                 (bytes[0] == '\xFE' && bytes[1] == '\xFF'));
        charset = utf16 ? "utf-16" : "gb18030";
      }
    }
  }
  switch (type) {
    case FileType::kPdf: case FileType::kJpeg: case FileType::kPng: case FileType::kGif: case FileType::kWebp:
    case FileType::kDocx: case FileType::kXlsx: case FileType::kPptx: case FileType::kDoc: case FileType::kXls:
    case FileType::kText:
      break;
    default:
      return Unexpected(Error::Invalid("附件必须是PDF、Office文档、图片或纯文本（按文件内容识别）", "attachment"));
  }
  if (evidence && type != FileType::kJpeg && type != FileType::kPng && type != FileType::kWebp && type != FileType::kGif)
    return Unexpected(Error::Invalid(
        fmt::format("公示栏张贴照片必须是图片（JPEG、PNG、WebP或GIF），上传的文件是{}", FileTypeLabel(type)), "attachment"));
  // The name must not promise another type than the content has (an HTML
  // page called 合同.pdf): visitors would download something else than
  // they see listed.
  {
    std::string ext;
    if (auto dot = filename.find_last_of('.'); dot != std::string::npos && dot + 1 < filename.size())
      ext = filename.substr(dot + 1);
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char ch) { return std::tolower(ch); });
    auto allowed = [&]() -> std::vector<std::string> {
      switch (type) {
        case FileType::kPdf: return {"pdf"};
        case FileType::kJpeg: return {"jpg", "jpeg"};
        case FileType::kPng: return {"png"};
        case FileType::kGif: return {"gif"};
        case FileType::kWebp: return {"webp"};
        case FileType::kDocx: return {"docx"};
        case FileType::kXlsx: return {"xlsx"};
        case FileType::kPptx: return {"pptx"};
        case FileType::kDoc: case FileType::kXls: return {"doc", "xls", "ppt"};
        case FileType::kText: return {"txt", "csv", ""};
        default: return {};
      }
    }();
    if (std::find(allowed.begin(), allowed.end(), ext) == allowed.end())
      return Unexpected(Error::Invalid(
          fmt::format("文件内容是{}，与扩展名“.{}”不符，请检查后重新上传", FileTypeLabel(type), ext), "attachment"));
  }
  // Keep a display name only: no directories, no control characters.
  std::string name = filename.substr(filename.find_last_of("/\\") == std::string::npos ? 0 : filename.find_last_of("/\\") + 1);
  name.erase(std::remove_if(name.begin(), name.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f || c == '"'; }),
             name.end());
  if (name.empty()) name = fmt::format("附件.{}", Extension(type));
  StoredFile f{Sha256Hex(bytes), charset.empty() ? MimeType(type) : "text/plain; charset=" + charset,
               static_cast<std::int64_t>(bytes.size()), bytes, ctx.NowUtc()};
  // The text, for search and the personal-information scan. A file that
  // cannot be read is kept without text (and the editor is told), never
  // refused for that.
  if (type == FileType::kPdf || type == FileType::kDocx || type == FileType::kXlsx || type == FileType::kPptx ||
      type == FileType::kText) {
    auto text = ExtractText(bytes, type);
    if (text) {
      f.text = std::move(text->text);
      f.text_status = text->truncated ? "truncated" : "ok";
    } else {
      f.text_status = "failed";
      f.text_note = text.error().message;
    }
  } else {
    f.text_status = "none";
  }
  GK_CHECK(ctx.store.PutFile(f));
  std::string before = RecordJson(r);
  r.draft.attachments.push_back(Attachment{f.sha256, name, f.mime, f.size, evidence});
  return Save(ctx, std::move(r), before, evidence ? "上传公示栏照片" : "添加附件");
}

Result<Record> RemoveAttachment(const Context& ctx, std::int64_t id, const std::string& sha256) {
  GK_TRY(r, Load(ctx, id));
  GK_CHECK(Authorize(ctx.actor, Action::kEditDraft, r.unit));
  if (r.status != RecordStatus::kDraft) return Unexpected(Error::Conflict("只有草稿可以删除附件", "status"));
  auto it = std::find_if(r.draft.attachments.begin(), r.draft.attachments.end(),
                         [&](const Attachment& a) { return a.sha256 == sha256; });
  if (it == r.draft.attachments.end()) return Unexpected(Error::NotFound("草稿没有这个附件"));
  std::string before = RecordJson(r);
  r.draft.attachments.erase(it);
  return Save(ctx, std::move(r), before, "删除附件");
}

Result<Record> MaskDraft(const Context& ctx, std::int64_t id) {
  GK_TRY(r, Load(ctx, id));
  GK_CHECK(Authorize(ctx.actor, Action::kEditDraft, r.unit));
  if (r.status != RecordStatus::kDraft) return Unexpected(Error::Conflict("只有草稿可以修改", "status"));
  std::string before = RecordJson(r);
  r.draft.body = MaskPersonalInfo(r.draft.body);
  r.draft.title = MaskPersonalInfo(r.draft.title);
  return Save(ctx, std::move(r), before, "个人信息去标识化");
}

Result<std::vector<PiiFinding>> FindingsOf(const Context& ctx, const Record& r) {
  std::vector<PiiFinding> out = ScanPersonalInfo(r.draft.title + "\n" + r.draft.body);
  for (const auto& a : PublicAttachments(r.draft.attachments)) {
    GK_TRY(f, ctx.store.GetFile(a.sha256));
    const bool legacy_text = f.text_status.empty() && IsTextAttachment(a);
    if (f.text_status != "ok" && f.text_status != "truncated" && !legacy_text) continue;
    for (auto& finding : ScanPersonalInfo(legacy_text ? f.content : f.text)) {
      finding.where = a.filename;
      out.push_back(finding);
    }
  }
  return out;
}

Result<Record> SubmitRecord(const Context& ctx, std::int64_t id) {
  GK_TRY(r, Load(ctx, id));
  GK_CHECK(Authorize(ctx.actor, Action::kSubmitRecord, r.unit));
  GK_CHECK(CheckTransition(r.status, RecordStatus::kSubmitted, r.published_version > 0));
  GK_CHECK(ValidateRecordContent(r.draft));
  if (r.published_version > 0 && r.change_note.empty())
    return Unexpected(Error::Invalid("修订已发布的信息时，请说明修改了什么、为什么修改", "change_note"));
  std::string before = RecordJson(r);
  r.status = RecordStatus::kSubmitted;
  r.review_comment.clear();
  r.checklist = ReviewChecklist{};
  return Save(ctx, std::move(r), before, "提交审核");
}

Result<Record> ReturnRecord(const Context& ctx, std::int64_t id, const std::string& comment) {
  GK_TRY(r, Load(ctx, id));
  GK_CHECK(Authorize(ctx.actor, Action::kApproveRecord, r.unit));
  if (r.status != RecordStatus::kSubmitted) return Unexpected(Error::Conflict("只有待审核的信息可以退回", "status"));
  if (comment.empty()) return Unexpected(Error::Invalid("退回时请填写意见", "comment"));
  std::string before = RecordJson(r);
  r.status = RecordStatus::kDraft;
  r.review_comment = comment;
  return Save(ctx, std::move(r), before, "退回修改");
}

Result<Record> ApproveRecord(const Context& ctx, const Catalog& catalog, std::int64_t id,
                             const ReviewChecklist& checklist) {
  GK_TRY(r, Load(ctx, id));
  GK_CHECK(Authorize(ctx.actor, Action::kApproveRecord, r.unit));
  GK_CHECK(CheckTransition(r.status, RecordStatus::kApproved, r.published_version > 0));
  if (!checklist.all())
    return Unexpected(Error::Invalid("请逐项确认保密审查清单：不含国家秘密、不含商业秘密、个人信息已妥善处理", "checklist"));
  GK_TRY(findings, FindingsOf(ctx, r));
  const Item* item = catalog.FindItem(r.item_number);
  if (!findings.empty() && item && item->privacy_protection)
    return Unexpected(Error::Conflict(
        fmt::format("本事项要求保护个人隐私，信息中仍有{}处未去标识化的个人信息，不能审核通过；请退回联络员处理",
                    findings.size()),
        "body"));
  std::string before = RecordJson(r);
  r.status = RecordStatus::kApproved;
  r.checklist = checklist;
  r.approved_by = ctx.actor.username;
  r.review_comment.clear();
  return Save(ctx, std::move(r), before, "审核通过（保密审查）");
}

std::optional<Date> FirstPublishedOn(const Record& r) {
  if (r.first_published_at.empty()) return std::nullopt;
  auto t = ParseTimestamp(r.first_published_at, "first_published_at");
  if (!t) return std::nullopt;
  return BeijingDate(*t);
}

namespace {

// Checks one publication and prepares what the store writes.
Result<Publication> PreparePublication(const Context& ctx, std::int64_t id) {
  GK_TRY(r, Load(ctx, id));
  GK_CHECK(Authorize(ctx.actor, Action::kPublishRecord, r.unit));
  GK_CHECK(CheckTransition(r.status, RecordStatus::kPublished, r.published_version > 0));
  std::string before = RecordJson(r);
  auto now = ctx.clock.Now();
  Date today = BeijingDate(now);
  if (r.published_version == 0) {
    // Timeliness is decided by the first publication, against the due date
    // in force (an obligation's due date follows calendar imports).
    if (r.obligation_id > 0) {
      GK_TRY(o, LoadObligation(ctx, r.obligation_id));
      r.due_on = o.due_on;
      r.provisional = o.provisional;
    }
    GK_TRY(current, CurrentCalendar(ctx.store));
    GK_TRY(late, current.calendar.WorkingDaysBetween(r.due_on, today));
    // Published after the due date on a day off: late by 1, not on time.
    r.late_days = today > r.due_on ? std::max(1, late) : 0;
  }
  RecordVersion v;
  v.record_id = r.id;
  v.content = r.draft;
  v.change_note = r.published_version == 0 ? "首次发布" : r.change_note;
  v.published_at = FormatUtc(now);
  v.published_by = ctx.actor.username;
  v.approved_by = r.approved_by;
  r.change_note.clear();
  int year = today.year();
  AuditEntry audit = ctx.Audit("发布公开信息", "", before, RecordJson(r));
  return Publication{std::move(r), std::move(v), year, std::move(audit)};
}

}  // namespace

Result<Record> PublishRecord(const Context& ctx, std::int64_t id) {
  GK_TRY(p, PreparePublication(ctx, id));
  return ctx.store.PublishRecord(p.record, p.version, p.year, p.audit);
}

Result<std::vector<Record>> PublishRecords(const Context& ctx, std::span<const std::int64_t> ids) {
  if (ids.empty()) return Unexpected(Error::Invalid("请选择要发布的公开信息", "ids"));
  std::vector<Publication> batch;
  batch.reserve(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j)
      if (ids[j] == ids[i]) return Unexpected(Error::Invalid(fmt::format("公开信息{}重复出现", ids[i]), "ids"));
    auto p = PreparePublication(ctx, ids[i]);
    if (!p) {
      Error e = p.error();
      e.message = fmt::format("公开信息{}：{}", ids[i], e.message);
      return Unexpected(std::move(e));
    }
    batch.push_back(std::move(*p));
  }
  return ctx.store.PublishRecords(batch);
}

Result<Record> StartRevision(const Context& ctx, std::int64_t id) {
  GK_TRY(r, Load(ctx, id));
  GK_CHECK(Authorize(ctx.actor, Action::kEditDraft, r.unit));
  if (r.status != RecordStatus::kPublished) return Unexpected(Error::Conflict("只有已发布的信息可以修订", "status"));
  std::string before = RecordJson(r);
  r.status = RecordStatus::kDraft;
  return Save(ctx, std::move(r), before, "开始修订");
}

Result<Record> WithdrawRecord(const Context& ctx, std::int64_t id, const std::string& reason) {
  GK_TRY(r, Load(ctx, id));
  GK_CHECK(Authorize(ctx.actor, Action::kWithdrawRecord, r.unit));
  GK_CHECK(CheckTransition(r.status, RecordStatus::kWithdrawn, r.published_version > 0));
  if (reason.empty()) return Unexpected(Error::Invalid("请填写撤回理由", "reason"));
  std::string before = RecordJson(r);
  r.status = RecordStatus::kWithdrawn;
  r.withdrawn_reason = reason;
  r.withdrawn_at = ctx.NowUtc();
  return Save(ctx, std::move(r), before, "撤回公开信息");
}

}  // namespace gongkai
