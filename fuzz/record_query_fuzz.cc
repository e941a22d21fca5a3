// libFuzzer target: the record list's query parameters (API v1, exports)
// come from anyone. Parsing never crashes; an accepted query stays within
// its bounds; a refusal names the parameter.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "app/open_data.h"
#include "codec/catalog_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const gongkai::Catalog catalog = [] {
    auto c = gongkai::LoadSeedCatalog();
    if (!c) std::abort();
    return *c;
  }();
  // Ten fields separated by '&'.
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string f[10];
  for (int i = 0; i < 10 && !text.empty(); ++i) {
    auto amp = text.find('&');
    f[i] = std::string(text.substr(0, amp));
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
  }
  gongkai::RecordQueryInput in{f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9]};
  auto q = gongkai::ParseRecordQuery(catalog, in);
  if (q) {
    if (q->limit < 1 || q->limit > gongkai::kMaxPageSize || q->after_id < 0) std::abort();
    if (q->item != 0 && !catalog.FindItem(q->item)) std::abort();
  } else if (q.error().field.empty() || q.error().message.empty()) {
    std::abort();
  }
  return 0;
}
