#include "core/webhooks.h"

#include <algorithm>

namespace gongkai {

std::chrono::seconds WebhookBackoff(int failures) {
  if (failures <= 0) return std::chrono::seconds(0);
  const int shift = std::min(failures - 1, 12);  // 2^12 s > 1 h
  return std::min(std::chrono::seconds(std::int64_t{1} << shift), std::chrono::seconds(3600));
}

}  // namespace gongkai
