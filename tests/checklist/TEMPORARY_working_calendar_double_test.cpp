// TEMPORARY TEST DOUBLE — delete this file when the real WorkingCalendar (lib/calendar/working_calendar.cpp)
// is merged: it defines the same symbols and the link will then fail on purpose.
// (Named *_test.cpp only so the tests/**/*_test.cpp glob compiles it into permitflow_tests.)
//
// It implements only what the checklist tests use (official(), is_working_day, next_working_day and the
// special members), with the official 2026 schedule (domain.md §3.2) and plain weekends for other years, so
// the tests keep passing unchanged against the real calendar.
#include <memory>
#include <set>

#include "permitflow/calendar.hpp"

namespace permitflow {

struct WorkingCalendar::Tables {
  std::set<Date> holidays;
  std::set<Date> swapped_workdays;
};

WorkingCalendar::WorkingCalendar(std::shared_ptr<const Tables> t) : tables_(std::move(t)) {}
WorkingCalendar::WorkingCalendar(const WorkingCalendar&) = default;
WorkingCalendar& WorkingCalendar::operator=(const WorkingCalendar&) = default;
WorkingCalendar::WorkingCalendar(WorkingCalendar&&) noexcept = default;
WorkingCalendar& WorkingCalendar::operator=(WorkingCalendar&&) noexcept = default;
WorkingCalendar::~WorkingCalendar() = default;

WorkingCalendar WorkingCalendar::official() {
  auto t = std::make_shared<Tables>();
  const auto range = [&](const char* from, const char* to) {
    for (Date d = Date::parse(from); d <= Date::parse(to); d = d + 1) t->holidays.insert(d);
  };
  range("2026-01-01", "2026-01-03");
  range("2026-02-15", "2026-02-23");
  range("2026-04-04", "2026-04-06");
  range("2026-05-01", "2026-05-05");
  range("2026-06-19", "2026-06-21");
  range("2026-09-25", "2026-09-27");
  range("2026-10-01", "2026-10-07");
  for (const char* d : {"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"}) {
    t->swapped_workdays.insert(Date::parse(d));
  }
  return WorkingCalendar(std::move(t));
}

bool WorkingCalendar::is_working_day(Date d) const {
  if (tables_->swapped_workdays.contains(d)) return true;
  if (tables_->holidays.contains(d)) return false;
  return d.iso_weekday() <= 5;
}

Date WorkingCalendar::next_working_day(Date d) const {
  Date n = d + 1;
  while (!is_working_day(n)) n = n + 1;
  return n;
}

}  // namespace permitflow
