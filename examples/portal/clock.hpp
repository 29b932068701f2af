// The portal's clock: every command's `at` comes from here, never from the request. The real clock reads
// the system time; a fixed clock (--clock) starts at a given instant and moves only when an admin says so
// (POST /api/run-due {"now"}), which is how tests and demonstrations make time pass.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <stdexcept>

#include "permitflow/calendar.hpp"

namespace portal {

class Clock {
 public:
  Clock() = default;  // the real clock
  explicit Clock(permitflow::Instant fixed) : fixed_(fixed) {}

  bool fixed() const { return fixed_.has_value(); }

  permitflow::Instant now() const {
    std::lock_guard lock(mutex_);
    if (fixed_) return *fixed_;
    const auto s =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
    return permitflow::Instant::from_epoch_seconds(s.count());
  }

  /// Moves a fixed clock forward; time never goes back (the engine refuses a command dated before the
  /// case's last event, and a clock that jumped back would make that the portal's fault).
  void advance_to(permitflow::Instant t) {
    std::lock_guard lock(mutex_);
    if (!fixed_) throw std::logic_error("the real clock cannot be set");
    if (t < *fixed_) throw std::invalid_argument("the clock does not go back");
    fixed_ = t;
  }

 private:
  mutable std::mutex mutex_;
  std::optional<permitflow::Instant> fixed_;
};

}  // namespace portal
