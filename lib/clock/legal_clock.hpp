// A legal clock (法定/承诺时限): a limit in working days from a start date, which suspensions stop and an
// extension lengthens, with its traffic light as of a given instant.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "permitflow/calendar.hpp"
#include "permitflow/case.hpp"

namespace permitflow {

struct LegalClock {
  Date start;                          // not counted (docs/calendar.md, counting conventions)
  int working_days = 0;                // the limit, extension included
  std::vector<DateRange> suspensions;  // closed suspensions: both ends not counted
};

/// The due date: the working_days-th counted working day after start.
WorkingDate due_date(const LegalClock& clock, const WorkingCalendar& cal);

/// Counted working days in (start, due]: working days not inside a suspension.
int counted_working_days(const LegalClock& clock, Date due, const WorkingCalendar& cal);

/// 00:00 (bureau zone) of the first day whose remaining working days up to `due` (that day included) are
/// at most `warning`; docs/contract.md. Never before 00:00 of the day after start.
Instant yellow_at(const LegalClock& clock, Date due, int warning, const WorkingCalendar& cal, int offset);

/// 00:00 (bureau zone) of the day after the due date, weekend or not.
Instant red_at(Date due, int offset);

/// green / yellow / red of a running clock as of `now`.
Light light_at(Instant now, Instant yellow, Instant red);

/// The last day of a suspension expected to take `expected_working_days` working days from `from`
/// (inclusive counting, as for suspensions).
Date suspension_expected_end(Date from, int expected_working_days, const WorkingCalendar& cal);

}  // namespace permitflow
