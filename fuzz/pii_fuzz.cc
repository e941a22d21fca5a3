// libFuzzer target: ScanPersonalInfo must never crash; its findings lie
// inside the input, sorted and non-overlapping, with previews that never
// repeat the number; masking is idempotent and leaves nothing to find.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/pii.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::vector<gongkai::PiiFinding> findings = gongkai::ScanPersonalInfo(text);
  std::size_t end = 0;
  for (const gongkai::PiiFinding& f : findings) {
    if (f.length == 0 || f.offset < end || f.offset > size || f.length > size - f.offset) std::abort();
    if (f.line < 1 || f.column < 1 || f.masked_preview.empty()) std::abort();
    if (f.masked_preview.find('*') == std::string::npos) std::abort();
    if (text.substr(f.offset, f.length) == f.masked_preview) std::abort();
    end = f.offset + f.length;
  }

  const std::string masked = gongkai::MaskPersonalInfo(text);
  if (!gongkai::ScanPersonalInfo(masked).empty()) std::abort();
  if (gongkai::MaskPersonalInfo(masked) != masked) std::abort();

  // One-click masking of each finding removes exactly that one.
  for (const gongkai::PiiFinding& f : findings) {
    const std::string one = gongkai::MaskFinding(text, f);
    if (gongkai::ScanPersonalInfo(one).size() != findings.size() - 1) std::abort();
  }
  return 0;
}
