// The argument check and the difference computation of Transaction::replace_timers, shared by both backends
// so they agree on what a change is.
#pragma once

#include <string_view>
#include <vector>

#include "store/store.hpp"

namespace permitflow::store {

/// Throws Error(invalid_argument) when a timer names another case or two timers share (kind, clock).
void check_timers(std::string_view case_id, const std::vector<TimerRecord>& timers);

/// What turns a case's stored timers into the wanted ones. A timer is identified by (kind, clock); one whose
/// due differs is `moved`. Pointers refer into the two vectors given to diff_timers().
struct TimerDiff {
  std::vector<const TimerRecord*> removed;  // stored, not wanted
  std::vector<const TimerRecord*> moved;    // wanted, stored with another due (points to the wanted one)
  std::vector<const TimerRecord*> added;    // wanted, not stored
  bool empty() const { return removed.empty() && moved.empty() && added.empty(); }
};

/// `stored` and `wanted` each hold at most one timer per (kind, clock) (check_timers); case_id is ignored.
TimerDiff diff_timers(const std::vector<TimerRecord>& stored, const std::vector<TimerRecord>& wanted);

}  // namespace permitflow::store
