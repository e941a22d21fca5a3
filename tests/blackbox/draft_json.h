// The JSON body of `POST /api/v1/records` that the black-box tests send: a
// draft of item 12's 采购合同 for `unit`, titled `title`. Header-only.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace gongkai::testing {

inline std::string ApiDraftJson(const std::string& unit, const std::string& title) {
  return nlohmann::json{{"unit", unit},
                        {"item", 12},
                        {"element", "采购合同"},
                        {"formed_on", "2026-11-02"},
                        {"title", title},
                        {"body", "采购合同正文。"},
                        {"genre", "公告"},
                        {"channels", {"门户网站"}}}
      .dump();
}

}  // namespace gongkai::testing
