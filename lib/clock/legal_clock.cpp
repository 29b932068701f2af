#include "clock/legal_clock.hpp"

#include <algorithm>

namespace permitflow {

WorkingDate due_date(const LegalClock& clock, const WorkingCalendar& cal) {
  return cal.add_working_days(clock.start, clock.working_days, clock.suspensions);
}

int counted_working_days(const LegalClock& clock, Date due, const WorkingCalendar& cal) {
  if (due <= clock.start) return 0;
  // Suspensions that overlap or touch are joined first, so a day inside two of them is left out once.
  std::vector<DateRange> stopped;
  for (const DateRange& s : clock.suspensions) {
    const DateRange r{std::max(s.from, clock.start + 1), std::min(s.to, due)};
    if (r.from <= r.to) stopped.push_back(r);
  }
  std::sort(stopped.begin(), stopped.end());
  int counted = cal.working_days_between(clock.start + 1, due);
  std::optional<Date> last;  // the last day already left out
  for (const DateRange& r : stopped) {
    const Date from = last ? std::max(r.from, *last + 1) : r.from;
    if (from <= r.to) counted -= cal.working_days_between(from, r.to);
    if (!last || r.to > *last) last = r.to;
  }
  return counted;
}

Instant yellow_at(const LegalClock& clock, Date due, int warning, const WorkingCalendar& cal, int offset) {
  const Instant earliest = Instant::start_of_day(clock.start + 1, offset);
  // Counted days that still leave more than `warning` days remaining. Computed from `due` itself, so a due
  // capped below the clock's own (a renewal due at the old permit's expiry) warns in time too.
  const int counted_before = counted_working_days(clock, due, cal) - warning;
  if (counted_before < 1) return earliest;
  // The last day with more than `warning` days remaining is the counted_before-th counted day; yellow
  // starts at the following midnight.
  const Date last_green = cal.add_working_days(clock.start, counted_before, clock.suspensions).date;
  if (last_green >= due) return red_at(due, offset);
  return std::max(earliest, Instant::start_of_day(last_green + 1, offset));
}

Instant red_at(Date due, int offset) { return Instant::start_of_day(due + 1, offset); }

Light light_at(Instant now, Instant yellow, Instant red) {
  if (now >= red) return Light::red;
  if (now >= yellow) return Light::yellow;
  return Light::green;
}

Date suspension_expected_end(Date from, int expected_working_days, const WorkingCalendar& cal) {
  if (expected_working_days <= 0) return from;
  // `from` counts when it is a working day (both ends of a suspension are included).
  const Date before = from - 1;
  return cal.add_working_days(before, expected_working_days).date;
}

}  // namespace permitflow
