// The names of a case's clocks: what a timer watches (the `clock` of a timer row, of a run_due answer and of
// the events a timer fires, docs/log_format.md) and which clock a case runs. One enum, its strings in one
// table in lib/common/vocabulary.cpp like the other enums; strings only at the edges (timer rows, event data,
// answers).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace permitflow {

/// Each enumerator is spelled exactly like its stored string.
enum class ClockName : std::uint8_t {
  acceptance_notice,   // permit: the one-time notice or deemed acceptance (Art 32)
  correction,          // permit: the applicant's correction period
  decision,            // permit: the promised decision limit
  decision_statutory,  // permit: the decision clock's statutory limit, a second rung of `decision`
  issuance,            // permit: the certificate after an approval (Art 44)
  verification,        // permit: the check of a decision on a commitment
  suspension,          // permit: a suspension's expected end (a timer's "suspension:N", N its number)
  renewal,             // permit: a renewal deemed granted at the old permit's expiry (Art 50)
  validity,            // permit: the certificate's validity
  tolerance,           // permit: the tolerated materials' supply_by (容缺)
  handling,            // complaint: the handling (or rectification) limit
  review,              // complaint: the leadership review of an escalated case
};

std::string_view to_string(ClockName c) noexcept;
/// The enumerator whose string is `text`, or nullopt.
std::optional<ClockName> parse_clock_name(std::string_view text) noexcept;

/// The clock a timer watches and its events name: its name and, for a suspension's overrun, which
/// suspension (1-based).
struct TimerClock {
  ClockName name = ClockName::decision;
  std::size_t suspension = 0;  // ClockName::suspension only

  constexpr TimerClock(ClockName n = ClockName::decision, std::size_t number = 0) noexcept
      : name(n), suspension(number) {}
  /// As stored in the timer rows and written in the events' `clock`: the name, "suspension:N" for a
  /// suspension.
  std::string text() const;
  bool operator==(const TimerClock&) const = default;
};

/// The clock whose text (TimerClock::text) is `text`, or nullopt.
std::optional<TimerClock> parse_timer_clock(std::string_view text) noexcept;

}  // namespace permitflow
