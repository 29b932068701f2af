// A tiny host built against the installed permitflow: counts working days on the compiled-in calendar.
#include <iostream>

#include "permitflow/calendar.hpp"
#include "permitflow/version.hpp"

int main() {
  const auto cal = permitflow::WorkingCalendar::official();
  const auto due = cal.add_working_days(permitflow::Date::parse("2026-09-18"), 5);
  std::cout << PERMITFLOW_VERSION_STRING << " " << due.date.to_string() << "\n";
  return due.date.to_string() == "2026-09-24" ? 0 : 1;
}
