// The dates the calendar covers, 1900-01-01 … 2199-12-31: a Date outside them is refused, and the working-day
// tables hold exactly these years. One definition for the date arithmetic and the tables.
#pragma once

#include <cstdint>
#include <string>

#include "permitflow/error.hpp"

namespace permitflow::date_range {

inline constexpr int kMinYear = 1900;
inline constexpr int kMaxYear = 2199;
inline constexpr int kYears = kMaxYear - kMinYear + 1;
// Days since 1970-01-01 of the first and the last day.
inline constexpr std::int32_t kFirstDay = -25567;  // 1900-01-01
inline constexpr std::int32_t kLastDay = 84005;    // 2199-12-31

/// The calendar's refusal of a bad argument.
[[noreturn]] inline void invalid(const std::string& message) {
  throw Error(ErrorCode::invalid_argument, message);
}

}  // namespace permitflow::date_range
