#include "core/resources.h"

namespace gongkai {

std::optional<std::string_view> FindResource(std::string_view path) {
  for (const auto& r : AllResources()) {
    if (r.path == path) return r.data;
  }
  return std::nullopt;
}

}  // namespace gongkai
