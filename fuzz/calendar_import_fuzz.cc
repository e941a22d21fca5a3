// libFuzzer target for the working-day calendar importers (hostile uploads
// of a State Council notice): ParseHolidayCnJson, ParseNoticeCsv and
// ParseCalendarFile, then ValidateNotice and WorkingCalendar::Build.
//
// The first byte picks the parser (0: holiday-cn JSON, 1: CSV, 2: the
// project's calendar file, else all three); the rest is the file.
// Checks, beyond "never crashes, never throws":
//  - a refusal is Error::Invalid with a non-empty, valid UTF-8 message;
//  - an accepted notice (or calendar file) passes ValidateNotice and
//    WorkingCalendar::Build,
//    survives NoticeToHolidayCnJson -> ParseHolidayCnJson unchanged, and
//    every date it lists answers IsWorkingDay as the notice says.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "codec/calendar_codec.h"
#include "core/calendar.h"
#include "core/date.h"

namespace {

using gongkai::CalendarNotice;

void Check(bool ok) {
  if (!ok) std::abort();
}

void CheckRefusal(const gongkai::Error& error) {
  Check(error.code == gongkai::ErrorCode::kInvalidInput);
  Check(!error.message.empty());
  // Valid, printable UTF-8: outside text is quoted through QuoteInput.
  Check(gongkai::QuoteInput(error.message, error.message.size() + 1) == error.message);
}

void CheckAccepted(const CalendarNotice& notice) {
  Check(gongkai::ValidateNotice(notice).has_value());
  auto back = gongkai::ParseHolidayCnJson(gongkai::NoticeToHolidayCnJson(notice));
  Check(back.has_value() && *back == notice);
  auto calendar = gongkai::WorkingCalendar::Build({notice});
  Check(calendar.has_value());
  Check(calendar->IsOfficialYear(notice.year));
  for (const gongkai::CalendarDay& day : notice.days) {
    Check(calendar->IsWorkingDay(day.date) == !day.off);
    auto next = calendar->NextWorkingDay(day.date);
    if (next) {
      auto between = calendar->WorkingDaysBetween(day.date, *next);
      Check(between.has_value() && *between == 1);
    }
  }
}

template <typename Parse>
void Run(Parse parse, std::string_view text) {
  auto notice = parse(text);
  if (notice) {
    CheckAccepted(*notice);
  } else {
    CheckRefusal(notice.error());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t mode = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  if (mode == 0 || mode > 2) {
    Run([](std::string_view t) { return gongkai::ParseHolidayCnJson(t); }, text);
  }
  if (mode == 1 || mode > 2) {
    Run([](std::string_view t) { return gongkai::ParseNoticeCsv(t); }, text);
  }
  if (mode == 2 || mode > 2) {
    auto notices = gongkai::ParseCalendarFile(text);
    if (notices) {
      for (const CalendarNotice& notice : *notices) CheckAccepted(notice);
      Check(gongkai::WorkingCalendar::Build(*notices).has_value());
      auto again = gongkai::ParseCalendarFile(gongkai::CalendarFileToJson(*notices));
      Check(again.has_value() && *again == *notices);
    } else {
      CheckRefusal(notices.error());
    }
  }
  return 0;
}
