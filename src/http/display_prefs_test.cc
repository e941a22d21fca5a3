#include "http/display_prefs.h"

#include <gtest/gtest.h>

namespace gongkai::display {
namespace {

TEST(DisplayPrefs, ParseAndFormat) {
  struct Case {
    const char* cookie;
    bool large, contrast;
    const char* formatted;
    const char* html_class;
  } cases[] = {
      {"", false, false, "", ""},
      {"large", true, false, "large", "gk-large"},
      {"contrast", false, true, "contrast", "gk-contrast"},
      {"large.contrast", true, true, "large.contrast", "gk-large gk-contrast"},
      {"contrast.large", true, true, "large.contrast", "gk-large gk-contrast"},
      {"huge.<script>", false, false, "", ""},
      {"large.", true, false, "large", "gk-large"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.cookie);
    DisplayPrefs p = ParsePrefs(c.cookie);
    EXPECT_EQ(p.large, c.large);
    EXPECT_EQ(p.contrast, c.contrast);
    EXPECT_EQ(FormatPrefs(p), c.formatted);
    EXPECT_EQ(HtmlClass(p), c.html_class);
  }
}

TEST(DisplayPrefs, CookieValue) {
  EXPECT_EQ(CookieValue("gk_session=abc; gk_display=large", "gk_display"), "large");
  EXPECT_EQ(CookieValue("gk_display=contrast;gk_session=abc", "gk_display"), "contrast");
  EXPECT_EQ(CookieValue("x_gk_display=large", "gk_display"), "");
  EXPECT_EQ(CookieValue("", "gk_display"), "");
}

TEST(DisplayPrefs, BackPathStaysOnTheSite) {
  struct Case {
    const char* referer;
    const char* back;
  } cases[] = {
      {"http://portal.example/records/12", "/records/12"},
      {"https://portal.example/search?q=%E6%BC%94#r", "/search?q=%E6%BC%94"},
      {"http://portal.example", "/"},
      {"http://other.example/records/12", "/"},
      {"http://portal.example.evil/records/12", "/"},
      {"http://portal.example//evil.example/", "/"},
      {"http://portal.example/\\evil", "/"},
      {"http://portal.example/a\nb", "/"},
      {"http://portal.example/display?large=1", "/"},
      {"javascript:alert(1)", "/"},
      {"", "/"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.referer);
    EXPECT_EQ(BackPath(c.referer, "portal.example"), c.back);
  }
  EXPECT_EQ(BackPath("http://portal.example/x", ""), "/");
}

}  // namespace
}  // namespace gongkai::display
