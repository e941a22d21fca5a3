// Files embedded into the binary at build time (data/, templates/, static/).
// Paths are relative to the repository root, e.g. "data/catalog.json".
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace gongkai {

struct Resource {
  std::string_view path;
  std::string_view data;
};

// Every embedded file. The storage lives for the whole program.
const std::vector<Resource>& AllResources();

// The embedded file at `path`, or nullopt if there is none.
std::optional<std::string_view> FindResource(std::string_view path);

}  // namespace gongkai
