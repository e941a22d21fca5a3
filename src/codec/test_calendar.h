// Test support: the official working-day calendar built into the binary,
// loaded once. Header-only; include from *_test.cc only.
#pragma once

#include <gtest/gtest.h>

#include "codec/calendar_codec.h"
#include "core/calendar.h"

namespace gongkai::testing_support {

inline const WorkingCalendar& OfficialCalendar() {
  static const WorkingCalendar* calendar = [] {
    auto loaded = LoadOfficialCalendar();
    EXPECT_TRUE(loaded.has_value()) << (loaded ? "" : loaded.error().Describe());
    return new WorkingCalendar(loaded ? std::move(*loaded) : WorkingCalendar());
  }();
  return *calendar;
}

}  // namespace gongkai::testing_support
