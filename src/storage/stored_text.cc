#include "storage/stored_text.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "core/timestamp.h"

namespace gongkai::storage {

std::string JoinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i) out += '\n';
    out += lines[i];
  }
  return out;
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  std::size_t start = 0;
  for (std::size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
    out.push_back(text.substr(start, nl - start));
  out.push_back(text.substr(start));
  return out;
}

std::string AttachmentsJson(const std::vector<Attachment>& v) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& a : v) {
    nlohmann::json one = {{"sha256", a.sha256}, {"filename", a.filename}, {"mime", a.mime}, {"size", a.size}};
    if (a.evidence) one["evidence"] = true;
    j.push_back(std::move(one));
  }
  return j.dump();
}

std::vector<Attachment> ParseAttachments(const std::string& text) {
  std::vector<Attachment> out;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& a : j)
    out.push_back(Attachment{a.value("sha256", ""), a.value("filename", ""), a.value("mime", ""),
                             a.value("size", std::int64_t{0}), a.value("evidence", false)});
  return out;
}

std::string ChecklistJson(const ReviewChecklist& c) {
  return nlohmann::json{{"no_state_secret", c.no_state_secret},
                        {"no_commercial_secret", c.no_commercial_secret},
                        {"personal_info_handled", c.personal_info_handled}}
      .dump();
}

ReviewChecklist ParseChecklist(const std::string& text) {
  ReviewChecklist c;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return c;
  c.no_state_secret = j.value("no_state_secret", false);
  c.no_commercial_secret = j.value("no_commercial_secret", false);
  c.personal_info_handled = j.value("personal_info_handled", false);
  return c;
}

std::string NowUtc() {
  return FormatUtc(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
}

}  // namespace gongkai::storage
