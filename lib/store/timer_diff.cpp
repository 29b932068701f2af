#include "store/timer_diff.hpp"

#include <string>

#include "permitflow/error.hpp"

namespace permitflow::store {

namespace {

bool same_key(const TimerRecord& a, const TimerRecord& b) { return a.kind == b.kind && a.clock == b.clock; }

/// The timer of `list` with t's (kind, clock), or nullptr. A case has a handful of timers: a linear scan
/// beats building an index.
const TimerRecord* find_key(const std::vector<TimerRecord>& list, const TimerRecord& t) {
  for (const auto& x : list) {
    if (same_key(x, t)) return &x;
  }
  return nullptr;
}

}  // namespace

void check_timers(std::string_view case_id, const std::vector<TimerRecord>& timers) {
  for (std::size_t i = 0; i < timers.size(); ++i) {
    const auto& t = timers[i];
    if (!t.case_id.empty() && t.case_id != case_id) {
      throw Error(ErrorCode::invalid_argument,
                  "A timer of case '" + t.case_id + "' was given for case '" + std::string(case_id) + "'.");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (same_key(timers[j], t)) {
        throw Error(ErrorCode::invalid_argument, "Two timers of kind '" + t.kind + "' on clock '" + t.clock +
                                                     "' were given for one case.");
      }
    }
  }
}

TimerDiff diff_timers(const std::vector<TimerRecord>& stored, const std::vector<TimerRecord>& wanted) {
  TimerDiff d;
  for (const auto& s : stored) {
    if (!find_key(wanted, s)) d.removed.push_back(&s);
  }
  for (const auto& w : wanted) {
    const TimerRecord* s = find_key(stored, w);
    if (!s) {
      d.added.push_back(&w);
    } else if (s->due != w.due) {
      d.moved.push_back(&w);
    }
  }
  return d;
}

void Transaction::replace_known_timers(std::string_view case_id, const std::vector<TimerRecord>& stored,
                                       const std::vector<TimerRecord>& timers) {
  check_timers(case_id, stored);
  replace_timers(case_id, timers);
}

}  // namespace permitflow::store
