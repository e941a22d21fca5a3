// libFuzzer target: SniffFileType must never crash or read out of bounds,
// and every type it returns has a MIME type, extension and label.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "core/file_type.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const gongkai::FileType type = gongkai::SniffFileType(bytes);
  if (type == gongkai::FileType::kXls) std::abort();  // documented: OLE2 is always kDoc
  if (std::strlen(gongkai::MimeType(type)) == 0 || std::strlen(gongkai::Extension(type)) == 0 ||
      std::strlen(gongkai::FileTypeLabel(type)) == 0) {
    std::abort();
  }
  return 0;
}
