#include "http/api_write_routes.h"

#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string_view>

#include "app/api_record_json.h"
#include "app/api_token_actions.h"
#include "app/record_actions.h"
#include "codec/rules_codec.h"

namespace gongkai {

namespace {

constexpr const char* kJson = "application/json; charset=utf-8";
using ojson = nlohmann::ordered_json;

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i])))
      return false;
  return true;
}

// The secret of "Authorization: Bearer <secret>", or "" when there is none.
std::string BearerOf(const httplib::Request& req) {
  std::string h = req.get_header_value("Authorization");
  std::string_view v = h;
  if (!StartsWithNoCase(v, "Bearer ")) return {};
  v.remove_prefix(7);
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return std::string(v);
}

// A record as its unit's system sees it: the working copy's main fields and
// where it stands in the workflow (drafts are not public: this is only
// answered to the token that acts on it).
ojson WorkDoc(const Record& r) {
  ojson j;
  j["id"] = r.id;
  j["status"] = RecordStatusName(r.status);
  j["status_label"] = RecordStatusLabel(r.status);
  j["unit"] = r.unit;
  j["item"] = r.item_number;
  j["element"] = r.element;
  j["obligation_id"] = r.obligation_id > 0 ? ojson(r.obligation_id) : ojson(nullptr);
  j["title"] = r.draft.title;
  j["formed_on"] = r.formed_on.ToString();
  j["due_on"] = r.due_on.ToString();
  j["provisional"] = r.provisional;
  j["index_number"] = r.index_number.empty() ? ojson(nullptr) : ojson(r.index_number);
  j["version"] = r.published_version;
  j["public_url"] = r.published_version > 0 ? ojson(fmt::format("/records/{}", r.id)) : ojson(nullptr);
  j["created_at"] = r.created_at;
  j["updated_at"] = r.updated_at;
  return j;
}

struct Routes {
  ApiWriteDeps d;
  std::vector<DeadlineRule> rules = LoadDeadlineRules().value_or(std::vector<DeadlineRule>{});

  // Authenticates, then runs `body` with the token's context; any error
  // becomes the API's error document. `status` is the success status.
  template <typename F>
  void Handle(const httplib::Request& req, httplib::Response& res, F body) {
    res.set_header("Cache-Control", "no-store");
    auto actor = ResolveApiToken(d.store, d.clock, d.site().id, BearerOf(req));
    if (!actor) {
      d.send_error(req, res, actor.error());
      if (actor.error().code == ErrorCode::kUnauthenticated)
        res.set_header("WWW-Authenticate", "Bearer realm=\"gongkai\"");
      return;
    }
    if (req.body.size() > kMaxApiBodyBytes) {
      d.send_error(req, res, Error::Invalid(fmt::format("请求体过大（上限{}字节）", kMaxApiBodyBytes)));
      res.status = 413;
      return;
    }
    bool blank = req.body.find_first_not_of(" \t\r\n") == std::string::npos;
    if (!blank && !StartsWithNoCase(req.get_header_value("Content-Type"), "application/json")) {
      d.send_error(req, res, Error::Invalid("请求体须为JSON（Content-Type: application/json）", "Content-Type"));
      res.status = 415;
      return;
    }
    Context ctx{d.store, d.clock, *actor};
    Result<std::pair<int, Record>> out = body(ctx);
    if (!out) return d.send_error(req, res, out.error());
    res.status = out->first;
    res.set_content(WorkDoc(out->second).dump(), kJson);
  }

  static Result<std::int64_t> RecordId(const httplib::Request& req) {
    const std::string s = req.matches[1];
    std::int64_t n = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc() || p != s.data() + s.size() || n <= 0)
      return Unexpected(Error::NotFound(fmt::format("公开信息{}不存在", s.substr(0, 20))));
    return n;
  }
};

using Outcome = Result<std::pair<int, Record>>;

Outcome With(int status, Result<Record> r) {
  if (!r) return Unexpected(std::move(r).error());
  return std::make_pair(status, std::move(*r));
}

}  // namespace

void RegisterApiWriteRoutes(httplib::Server& http, const ApiWriteDeps& deps) {
  auto r = std::make_shared<Routes>(Routes{deps});
  http.Post("/api/v1/records", [r](const httplib::Request& req, httplib::Response& res) {
    r->Handle(req, res, [&](const Context& ctx) -> Outcome {
      GK_TRY(draft, ParseNewDraftJson(req.body));
      GK_TRY(snap, r->d.snapshot());
      return With(201, CreateDraft(ctx, snap->catalog, r->rules, draft));
    });
  });
  http.Put(R"(/api/v1/records/(\d+))", [r](const httplib::Request& req, httplib::Response& res) {
    r->Handle(req, res, [&](const Context& ctx) -> Outcome {
      GK_TRY(id, Routes::RecordId(req));
      GK_TRY(edit, ParseDraftEditJson(req.body));
      return With(200, UpdateDraft(ctx, id, edit.content, edit.change_note));
    });
  });
  http.Post(R"(/api/v1/records/(\d+)/return)", [r](const httplib::Request& req, httplib::Response& res) {
    r->Handle(req, res, [&](const Context& ctx) -> Outcome {
      GK_TRY(id, Routes::RecordId(req));
      GK_TRY(comment, ParseReturnJson(req.body));
      return With(200, ReturnRecord(ctx, id, comment));
    });
  });
  http.Post(R"(/api/v1/records/(\d+)/revise)", [r](const httplib::Request& req, httplib::Response& res) {
    r->Handle(req, res, [&](const Context& ctx) -> Outcome {
      GK_TRY(id, Routes::RecordId(req));
      GK_CHECK(ParseEmptyJson(req.body));
      return With(200, StartRevision(ctx, id));
    });
  });
  http.Post(R"(/api/v1/records/(\d+)/withdraw)", [r](const httplib::Request& req, httplib::Response& res) {
    r->Handle(req, res, [&](const Context& ctx) -> Outcome {
      GK_TRY(id, Routes::RecordId(req));
      GK_TRY(reason, ParseWithdrawJson(req.body));
      return With(200, WithdrawRecord(ctx, id, reason));
    });
  });
  http.Post(R"(/api/v1/records/(\d+)/submit)", [r](const httplib::Request& req, httplib::Response& res) {
    r->Handle(req, res, [&](const Context& ctx) -> Outcome {
      GK_TRY(id, Routes::RecordId(req));
      GK_CHECK(ParseEmptyJson(req.body));
      return With(200, SubmitRecord(ctx, id));
    });
  });
  http.Post(R"(/api/v1/records/(\d+)/approve)", [r](const httplib::Request& req, httplib::Response& res) {
    r->Handle(req, res, [&](const Context& ctx) -> Outcome {
      GK_TRY(id, Routes::RecordId(req));
      GK_TRY(checklist, ParseChecklistJson(req.body));
      GK_TRY(snap, r->d.snapshot());
      return With(200, ApproveRecord(ctx, snap->catalog, id, checklist));
    });
  });
  http.Post(R"(/api/v1/records/(\d+)/publish)", [r](const httplib::Request& req, httplib::Response& res) {
    r->Handle(req, res, [&](const Context& ctx) -> Outcome {
      GK_TRY(id, Routes::RecordId(req));
      GK_CHECK(ParseEmptyJson(req.body));
      return With(200, PublishRecord(ctx, id));
    });
  });
}

}  // namespace gongkai
