// Readable gtest output for calendar values.
#pragma once

#include <ostream>

#include "permitflow/calendar.hpp"

namespace permitflow {
inline void PrintTo(const Date& d, std::ostream* os) { *os << d.to_string(); }
inline void PrintTo(const WorkingDate& d, std::ostream* os) {
  *os << d.date.to_string() << (d.provisional ? " (provisional)" : "");
}
}  // namespace permitflow
