// WebhookPoster over libcurl: one POST, no redirects, http/https only,
// 5 s to connect and 10 s in all. Thread-safe (a handle per call).
#pragma once

#include "core/webhooks.h"

namespace gongkai {

class CurlPoster final : public WebhookPoster {
 public:
  [[nodiscard]] Result<int> Post(const std::string& url,
                                 const std::vector<std::pair<std::string, std::string>>& headers,
                                 const std::string& body) override;
};

}  // namespace gongkai
