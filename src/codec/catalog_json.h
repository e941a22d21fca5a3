// The catalogue file format (docs/catalog-format.md): JSON <-> Catalog.
#pragma once

#include <string>
#include <string_view>

#include "core/catalog.h"
#include "core/error.h"

namespace gongkai {

// Parses and validates a catalogue document. Unknown keys, missing keys and
// wrong types are refused with an error naming the JSON path (e.g.
// "areas[0].items[2].title") and, for syntax errors, the line. Never throws.
[[nodiscard]] Result<Catalog> ParseCatalogJson(std::string_view text);

// Serialises a catalogue to the documented format, 2-space indented, UTF-8.
// ParseCatalogJson(SerializeCatalogJson(c)) == c for every valid c.
std::string SerializeCatalogJson(const Catalog& catalog);

// The seed catalogue shipped inside the binary (data/catalog.json).
[[nodiscard]] Result<Catalog> LoadSeedCatalog();

}  // namespace gongkai
