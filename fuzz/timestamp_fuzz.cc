// libFuzzer target: ParseTimestamp must never crash; every accepted instant
// lies in the supported range, and its UTC and Beijing renderings parse back
// to the same instant (the minute-only Beijing form to the same minute).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/timestamp.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto t = gongkai::ParseTimestamp(text, "发布时间");
  if (!t) {
    if (t.error().message.empty()) std::abort();
    return 0;
  }
  if (*t < gongkai::kMinTimestamp || *t > gongkai::kMaxTimestamp) std::abort();
  auto utc = gongkai::ParseTimestamp(gongkai::FormatUtc(*t), "t");
  if (!utc || *utc != *t) std::abort();
  auto iso = gongkai::ParseTimestamp(gongkai::FormatBeijingIso(*t), "t");
  if (!iso || *iso != *t) std::abort();
  auto human = gongkai::ParseTimestamp(gongkai::FormatBeijing(*t), "t");
  if (!human || *human != std::chrono::floor<std::chrono::minutes>(*t)) std::abort();
  if (gongkai::BeijingDate(*t).ToString() != gongkai::FormatBeijing(*t).substr(0, 10)) std::abort();
  return 0;
}
