#include "app/record_json.h"

#include <fmt/core.h>

#include "app/crypto.h"

namespace gongkai {

using ojson = nlohmann::ordered_json;

const char* PublicStatusName(const Record& r) {
  return r.status == RecordStatus::kWithdrawn ? "withdrawn" : "published";
}

nlohmann::json RecordVersionDoc(const std::string& site_slug, const Record& r, const RecordVersion& v) {
  nlohmann::json j;
  j["site"] = site_slug;
  j["record_id"] = r.id;
  j["index_number"] = r.index_number;
  j["version"] = v.version;
  j["unit"] = r.unit;
  j["item"] = r.item_number;
  j["element"] = r.element;
  j["formed_on"] = r.formed_on.ToString();
  const RecordContent& c = v.content;
  j["title"] = c.title;
  j["body"] = c.body;
  j["doc_number"] = c.doc_number;
  j["written_on"] = c.written_on;
  j["genre"] = c.genre;
  j["topic"] = c.topic;
  j["validity"] = c.validity;
  j["disclosure_mode"] = c.disclosure_mode;
  j["scope"] = c.scope;
  j["channels"] = c.channels;
  nlohmann::json files = nlohmann::json::array();
  for (const auto& a : PublicAttachments(c.attachments))
    files.push_back({{"sha256", a.sha256}, {"filename", a.filename}, {"mime", a.mime}, {"size", a.size}});
  j["attachments"] = std::move(files);
  j["change_note"] = v.change_note;
  j["published_at"] = v.published_at;
  return j;
}

std::string CanonicalJson(const nlohmann::json& doc) {
  // nlohmann::json keeps objects in a std::map (sorted by key bytes) and
  // dump() without indent writes no whitespace and the minimal escapes.
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string RecordVersionSha256(const std::string& site_slug, const Record& r, const RecordVersion& v) {
  return Sha256Hex(CanonicalJson(RecordVersionDoc(site_slug, r, v)));
}

ojson RecordSummaryDoc(const Record& r) {
  ojson j;
  j["id"] = r.id;
  j["url"] = fmt::format("/records/{}", r.id);
  j["api_url"] = fmt::format("/api/v1/records/{}", r.id);
  j["index_number"] = r.index_number;
  j["title"] = r.published_title;
  j["unit"] = r.unit;
  j["item"] = r.item_number;
  j["element"] = r.element;
  j["status"] = PublicStatusName(r);
  j["version"] = r.published_version;
  j["formed_on"] = r.formed_on.ToString();
  j["first_published_at"] = r.first_published_at;
  j["late_working_days"] = r.late_days;
  if (r.status == RecordStatus::kWithdrawn) {
    j["withdrawn_at"] = r.withdrawn_at;
    j["withdrawn_reason"] = r.withdrawn_reason;
  }
  return j;
}

ojson RecordDetailDoc(const std::string& site_slug, const Record& r, const std::vector<RecordVersion>& versions) {
  ojson j = RecordSummaryDoc(r);
  j["due_on"] = r.due_on.ToString();
  j["due_on_provisional"] = r.provisional;
  ojson list = ojson::array();
  for (const auto& v : versions) {
    if (v.version > r.published_version) continue;
    nlohmann::json doc = RecordVersionDoc(site_slug, r, v);
    ojson one;
    one["version"] = v.version;
    one["url"] = fmt::format("/records/{}/versions/{}", r.id, v.version);
    one["canonical_sha256"] = Sha256Hex(CanonicalJson(doc));
    one["content"] = ojson::parse(doc.dump());
    list.push_back(std::move(one));
  }
  j["versions"] = std::move(list);
  return j;
}

ojson EventDoc(const PublicationEvent& e) {
  ojson j;
  j["seq"] = e.seq;
  j["kind"] = PublicationKindName(e.kind);
  j["at"] = e.at;
  j["record_id"] = e.record_id;
  j["version"] = e.version;
  j["index_number"] = e.index_number;
  j["unit"] = e.unit;
  j["item"] = e.item_number;
  j["title"] = e.title;
  j["url"] = fmt::format("/records/{}/versions/{}", e.record_id, e.version);
  j["api_url"] = fmt::format("/api/v1/records/{}", e.record_id);
  return j;
}

}  // namespace gongkai
