// libFuzzer target: NormalizePhone must never crash, and its normal form
// must be a fixed point (an accepted value re-normalises to itself).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/contact.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto phone = gongkai::NormalizePhone(text, "联系电话");
  if (!phone) {
    if (phone.error().message.empty()) std::abort();
    return 0;
  }
  auto again = gongkai::NormalizePhone(*phone, "联系电话");
  if (!again || *again != *phone) std::abort();
  if (gongkai::IsMobile(*phone) != (phone->size() == 11 && phone->find('-') == std::string::npos &&
                                     phone->find("转") == std::string::npos && (*phone)[0] == '1')) {
    std::abort();
  }
  return 0;
}
