// libFuzzer target: the CSV reader and the catalogue table importer must
// never crash; an accepted table must survive an export/import round trip.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "codec/catalog_table.h"
#include "codec/csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto rows = gongkai::csv::Parse(text);
  if (!rows) return 0;
  auto c = gongkai::CatalogFromTable(*rows, gongkai::Catalog{});
  if (c) {
    auto again = gongkai::ParseCatalogCsv(gongkai::CatalogToCsv(*c), *c);
    if (!again || !(again->areas == c->areas)) std::abort();
  }
  return 0;
}
