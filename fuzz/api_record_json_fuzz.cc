// libFuzzer target: the JSON body of POST /api/v1/records (and of the
// edit, approve, return and withdraw endpoints) must never crash or hang, whatever a unit's system
// sends. Every refusal is Error::Invalid with a message and field that are
// valid UTF-8 (they go into the JSON error document); an accepted draft has
// a title and either an obligation or a unit, an item and a formation date.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

#include "app/api_record_json.h"

namespace {

void CheckError(const gongkai::Error& e) {
  if (e.code != gongkai::ErrorCode::kInvalidInput || e.message.empty()) std::abort();
  try {
    (void)nlohmann::json(e.message).dump();
    (void)nlohmann::json(e.field).dump();
  } catch (...) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto draft = gongkai::ParseNewDraftJson(text);
  if (!draft) {
    CheckError(draft.error());
  } else {
    if (draft->content.title.empty()) std::abort();
    if (draft->obligation_id <= 0 && (draft->unit.empty() || draft->item <= 0 || draft->formed_on.empty()))
      std::abort();
    try {
      (void)nlohmann::json(draft->content.title).dump();
      (void)nlohmann::json(draft->content.body).dump();
    } catch (...) {
      std::abort();
    }
  }
  auto edit = gongkai::ParseDraftEditJson(text);
  if (!edit) CheckError(edit.error());
  else if (edit->content.title.empty()) std::abort();
  for (auto* parse : {&gongkai::ParseWithdrawJson, &gongkai::ParseReturnJson}) {
    auto one = (*parse)(text);
    if (!one) CheckError(one.error());
  }
  auto checklist = gongkai::ParseChecklistJson(text);
  if (!checklist) CheckError(checklist.error());
  auto empty = gongkai::ParseEmptyJson(text);
  if (!empty) CheckError(empty.error());
  return 0;
}
