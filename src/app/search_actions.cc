#include "app/search_actions.h"

#include <fmt/core.h>

#include <algorithm>
#include <limits>
#include <map>
#include <optional>

#include "core/timestamp.h"
#include "search/highlight.h"
#include "search/normalize.h"
#include "search/query.h"

namespace gongkai {

namespace {

// When the words were found in an attachment rather than the body: the
// passage of the first public attachment whose text holds one, after its
// name ("附件《…》：…"), both escaped and marked; or the name alone when
// it holds one. Bounded, since every search of the public runs it: at most
// kAttachmentsLooked attachments per hit, and only the start of each one's
// extracted text (UTF-8), read without the file itself.
constexpr int kAttachmentsLooked = 3;
constexpr int kAttachmentChars = 20000;
std::optional<std::string> AttachmentPassage(Store& store, const std::vector<Attachment>& attachments,
                                             const std::vector<std::string>& terms) {
  int looked = 0;
  for (const auto& a : PublicAttachments(attachments)) {
    if (looked++ == kAttachmentsLooked) break;
    const std::string name = search::Highlight(a.filename, terms);
    if (name.find("<mark>") != std::string::npos) return "附件《" + name + "》";
    auto text = store.GetFileTextStart(a.sha256, kAttachmentChars);
    if (!text || text->empty()) continue;
    const std::string passage = search::Snippet(*text, terms, 120);
    if (passage.find("<mark>") != std::string::npos) return "附件《" + name + "》：" + passage;
  }
  return std::nullopt;
}

}  // namespace

Result<SearchOutcome> RunSearch(Store& store, const Site& site, const Catalog& catalog, const SearchParams& p) {
  GK_TRY(query, search::ParseSearchQuery(p.q));
  SearchRequest req;
  req.match = search::ToFts5Match(query);
  // A query of field filters alone (单位:财政局) lists what they allow,
  // newest first; otherwise a term is needed.
  if (req.match.empty() && query.unit.empty() && query.item.empty())
    return Unexpected(Error::Invalid("请输入要搜索的词语", "q"));
  req.terms = query.terms;
  req.phrases = query.phrases;
  req.excluded = query.excluded;
  // Field filters from the query, then facet filters from the page.
  // 单位: names the unit whose name is the text, or else every unit whose
  // name contains it (as 事项: takes every item it names).
  if (!query.unit.empty()) {
    for (const auto& u : catalog.units)
      if (search::NormalizeForSearch(u.name) == query.unit) req.units.push_back(u.name);
    if (req.units.empty())
      for (const auto& u : catalog.units)
        if (search::NormalizeForSearch(u.name).find(query.unit) != std::string::npos) req.units.push_back(u.name);
    if (req.units.empty()) return Unexpected(Error::Invalid(fmt::format("没有名称包含“{}”的单位", query.unit), "q"));
  }
  if (!p.unit.empty()) {
    const bool allowed = req.units.empty() || std::find(req.units.begin(), req.units.end(), p.unit) != req.units.end();
    req.units = {allowed ? p.unit : std::string()};  // "" is no unit's name: contradictory filters match nothing
  }
  std::vector<int> items;
  if (!query.item.empty()) {
    int n = std::atoi(query.item.c_str());
    for (const auto& a : catalog.areas)
      for (const auto& it : a.items)
        if (it.number == n || search::NormalizeForSearch(it.title).find(query.item) != std::string::npos)
          items.push_back(it.number);
    if (items.empty()) return Unexpected(Error::Invalid(fmt::format("没有与“{}”对应的公开事项", query.item), "q"));
  }
  auto restrict = [&](const std::vector<int>& allowed) {
    if (items.empty()) {
      items = allowed;
      return;
    }
    std::erase_if(items, [&](int n) { return std::find(allowed.begin(), allowed.end(), n) == allowed.end(); });
    if (items.empty()) items.push_back(-1);  // contradictory filters: nothing matches
  };
  if (p.area > 0) {
    std::vector<int> in_area;
    for (const auto& a : catalog.areas)
      if (a.number == p.area)
        for (const auto& it : a.items) in_area.push_back(it.number);
    restrict(in_area.empty() ? std::vector<int>{-1} : in_area);
  }
  if (p.item > 0) restrict({p.item});
  req.items = items;
  req.year = p.year;
  req.genre = p.genre;
  int per_page = std::clamp(p.per_page, 1, 100);
  int page = std::max(1, p.page);
  req.limit = per_page;
  // In 64 bits: a page far past the end must not wrap round to page 1.
  // Past the last possible match it is simply empty.
  req.offset = static_cast<int>(std::min<std::int64_t>(std::int64_t{page - 1} * per_page,
                                                       std::numeric_limits<int>::max() - per_page));
  GK_TRY(result, store.Search(site.id, req));

  SearchOutcome out;
  out.total = result.total;
  out.page = page;
  out.pages = std::max(1, (result.total + per_page - 1) / per_page);
  out.by_item = result.by_item;
  out.by_unit = result.by_unit;
  out.by_year = result.by_year;
  out.by_genre = result.by_genre;
  std::map<int, int> per_area;
  for (const auto& f : result.by_item)
    if (const Area* a = catalog.AreaOf(std::atoi(f.value.c_str()))) per_area[a->number] += f.count;
  for (auto [area, n] : per_area) out.by_area.push_back(FacetCount{std::to_string(area), n});
  if (out.by_item.size() > SearchResult::kMaxFacetValues) out.by_item.resize(SearchResult::kMaxFacetValues);
  out.terms = query.terms;
  out.terms.insert(out.terms.end(), query.phrases.begin(), query.phrases.end());
  for (auto& r : result.hits) {
    SearchHitView v;
    std::string body = r.draft.body;
    std::vector<Attachment> attachments = r.draft.attachments;
    std::string title = r.published_title;
    if (r.status != RecordStatus::kPublished) {  // under revision: show the public version
      GK_TRY(versions, store.ListVersions(r.id));
      if (!versions.empty()) {
        body = versions.back().content.body;
        attachments = versions.back().content.attachments;
      }
    }
    v.title_html = search::Highlight(title, out.terms);
    v.snippet_html = search::Snippet(body, out.terms, 120);
    // Matched neither in the title nor the body: perhaps in an attachment.
    if (!out.terms.empty() && v.title_html.find("<mark>") == std::string::npos &&
        v.snippet_html.find("<mark>") == std::string::npos)
      if (auto passage = AttachmentPassage(store, attachments, out.terms)) v.snippet_html = *passage;
    if (auto t = ParseTimestamp(r.first_published_at, "t")) v.published_on = BeijingDate(*t).ToString();
    v.record = std::move(r);
    out.hits.push_back(std::move(v));
  }
  return out;
}

}  // namespace gongkai
