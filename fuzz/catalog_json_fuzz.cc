// libFuzzer target: the catalogue JSON parser must never crash, and whatever
// it accepts must serialise and parse back to the same catalogue.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "codec/catalog_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto c = gongkai::ParseCatalogJson(text);
  if (c) {
    auto again = gongkai::ParseCatalogJson(gongkai::SerializeCatalogJson(*c));
    if (!again || !(*again == *c)) std::abort();
  }
  return 0;
}
