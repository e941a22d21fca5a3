// libFuzzer target: RenderBody must never crash, and its output holds no
// markup but the tags it emits itself: every '<' starts one of them, no
// "<script" appears, and no href contains "javascript:".
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/markdown.h"

namespace {

constexpr std::string_view kAllowedAfterLt[] = {
    "p>",  "/p>",  "br>", "h2>",  "/h2>",    "h3>",      "/h3>",      "ul>", "/ul>",
    "ol>", "/ol>", "li>", "/li>", "strong>", "/strong>", "a href=\"", "/a>",
};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string html = gongkai::RenderBody(text);
  const std::string lower = Lower(html);
  if (lower.find("<script") != std::string::npos) std::abort();

  for (std::size_t lt = html.find('<'); lt != std::string::npos; lt = html.find('<', lt + 1)) {
    const std::string_view rest = std::string_view(html).substr(lt + 1);
    bool allowed = false;
    for (std::string_view tag : kAllowedAfterLt) allowed = allowed || rest.starts_with(tag);
    if (!allowed) std::abort();
  }

  constexpr std::string_view kHref = "href=\"";
  for (std::size_t at = lower.find(kHref); at != std::string::npos; at = lower.find(kHref, at + 1)) {
    const std::size_t begin = at + kHref.size();
    const std::size_t end = lower.find('"', begin);
    if (end == std::string::npos) std::abort();
    const std::string_view href = std::string_view(lower).substr(begin, end - begin);
    if (href.find("javascript:") != std::string_view::npos) std::abort();
    if (!href.starts_with("http://") && !href.starts_with("https://") && !href.starts_with("/")) std::abort();
    if (href.find_first_of("<>'") != std::string_view::npos) std::abort();
  }

  // The output is valid UTF-8 (invalid input bytes became U+FFFD).
  for (std::size_t i = 0; i < html.size();) {
    const unsigned char b = static_cast<unsigned char>(html[i]);
    const std::size_t len = b < 0x80                 ? 1
                            : b >= 0xC2 && b <= 0xDF ? 2
                            : b >= 0xE0 && b <= 0xEF ? 3
                            : b >= 0xF0 && b <= 0xF4 ? 4
                                                     : 0;
    if (len == 0 || html.size() - i < len) std::abort();
    for (std::size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(html[i + k]) & 0xC0) != 0x80) std::abort();
    }
    i += len;
  }
  return 0;
}
