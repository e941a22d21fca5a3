// libFuzzer target: the 适老化 switch reads a Cookie header and a Referer
// from anyone. Parsing never crashes; the path it redirects back to is
// always a path on this site (starts with one '/', never "//" or "/\",
// no control characters), whatever the Referer and Host say; a
// preference survives a format-parse round trip.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/display_prefs.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace d = gongkai::display;
  // Three fields separated by '\n': Cookie header, Referer, Host.
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string_view f[3];
  for (int i = 0; i < 3 && !text.empty(); ++i) {
    auto nl = text.find('\n');
    f[i] = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
  }
  const std::string value = d::CookieValue(f[0], d::kDisplayCookie);
  const d::DisplayPrefs p = d::ParsePrefs(value);
  if (d::ParsePrefs(d::FormatPrefs(p)) != p) std::abort();
  const std::string cls = d::HtmlClass(p);
  if (cls.find_first_of("<>\"'&") != std::string::npos) std::abort();

  const std::string back = d::BackPath(f[1], f[2]);
  if (back.empty() || back[0] != '/') std::abort();
  if (back.size() > 1 && (back[1] == '/' || back[1] == '\\')) std::abort();
  for (unsigned char c : back)
    if (c < 0x20 || c == 0x7f) std::abort();
  return 0;
}
