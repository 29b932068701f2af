// libFuzzer target: the calendar parser (lib/calendar/working_calendar.cpp, a host's calendar_file) and the
// date and time parsers under it. A calendar that loads must survive its own canonical JSON unchanged and
// answer working-day arithmetic on every year it loaded.
#include <cstdlib>
#include <string>

#include "fuzz/fuzz_support.hpp"
#include "permitflow/calendar.hpp"

using permitflow::Date;
using permitflow::WorkingCalendar;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto in = permitflow::fuzz::text(data, size);
  permitflow::fuzz::refused_or_ok([&] { (void)Date::parse(in); });
  permitflow::fuzz::refused_or_ok([&] { (void)permitflow::Instant::parse_rfc3339(in); });
  permitflow::fuzz::refused_or_ok([&] {
    const WorkingCalendar cal = WorkingCalendar::from_json(in, "fuzz.json");
    const WorkingCalendar again = WorkingCalendar::from_json(cal.to_json(), "canonical");
    if (again.version() != cal.version()) {
      std::fprintf(stderr, "the canonical JSON of a calendar does not read back as the same calendar\n");
      std::abort();
    }
    for (int year : cal.loaded_years()) {
      const Date start = Date::from_ymd(year, 1, 1);
      const auto d = cal.add_working_days(start, 30);
      if (!(start < d.date) || cal.working_days_between(start + 1, d.date) != 30) {
        std::fprintf(stderr, "working-day arithmetic disagrees with itself in %d\n", year);
        std::abort();
      }
    }
  });
  return 0;
}
