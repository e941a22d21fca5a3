// libFuzzer target: the annual report mapping parser must never crash, and
// whatever it accepts must serialise and parse back to the same mapping.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "codec/annual_mapping.h"
#include "codec/catalog_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const gongkai::Catalog catalog = [] {
    auto c = gongkai::LoadSeedCatalog();
    if (!c) std::abort();
    return *c;
  }();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto m = gongkai::ParseAnnualMapping(text, catalog);
  if (m) {
    auto again = gongkai::ParseAnnualMapping(gongkai::AnnualMappingToJson(*m), catalog);
    if (!again || !(*again == *m)) std::abort();
  }
  return 0;
}
