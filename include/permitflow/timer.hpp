// The kinds of the deadline timers of a case (docs/architecture.md, Timers; the `kind` of a due timer in
// docs/contract.md). Each enumerator is spelled exactly like its contract string, which is what the store's
// timer rows and the answers hold.
#pragma once

#include <optional>
#include <string_view>

#include "permitflow/export.hpp"

namespace permitflow {

/// What a timer does when it falls due. Most fire the event of the same name; `tolerance_lapsed` fires
/// `terminated`.
enum class TimerKind {
  acceptance_deemed,   // Art 32(4): no notice within the limit, the case is accepted
  correction_lapsed,   // the correction period ended without a resubmission
  deadline_warning,    // a clock turns yellow
  deadline_overdue,    // a clock turns red, escalated to the supervision office
  suspension_overrun,  // a suspension outlasted its expected working days
  permit_expiring,     // the renewal reminder before the permit's validity ends
  permit_expired,      // the validity ended
  renewal_deemed,      // Art 50: a renewal not decided by the old permit's expiry is granted
  supply_reminder,     // 容缺: two working days left to supply the tolerated materials
  tolerance_lapsed,    // 容缺: not supplied in time, the case is terminated
};

PERMITFLOW_EXPORT std::string_view to_string(TimerKind k) noexcept;

/// The enumerator whose contract string is `text`, or nullopt.
PERMITFLOW_EXPORT std::optional<TimerKind> parse_timer_kind(std::string_view text) noexcept;

}  // namespace permitflow
