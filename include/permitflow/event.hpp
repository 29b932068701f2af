// The types of the events a case's log holds (docs/contract.md §9, complaints §14). Each enumerator is
// spelled exactly like its contract string; the engine keeps the enum inside and writes the string to the
// log, the history and the feed, so the stored log and its hashes do not depend on the enum's order.
#pragma once

#include <optional>
#include <string_view>

#include "permitflow/export.hpp"

namespace permitflow {

/// What happened to a case (`type` of a history entry).
enum class EventType {
  submitted,
  correction_requested,
  resubmitted,
  accepted,
  acceptance_deemed,
  rejected,
  withdrawn,
  opinion_recorded,
  inspection_recorded,
  suspended,
  resumed,
  extended,
  decided,
  certificate_issued,
  completion_reported,
  closed,
  revoked,
  deadline_warning,
  deadline_overdue,
  suspension_overrun,
  correction_lapsed,
  permit_expiring,
  permit_expired,
  renewal_deemed,
  deadlines_recomputed,  // a newer calendar moved the case's open dues
  // Tolerant acceptance and acceptance on commitment (docs/contract.md §17):
  supplied,
  supply_reminder,
  terminated,
  verification_recorded,
  credit_flagged,
  // The complaint kind (docs/complaints.md); `extended`, `closed` and the deadline events serve both kinds.
  registered,
  dispatched,
  returned,
  handling_started,
  escalated,
  deputy_assigned,
  replied,
  check_failed,
  checked,
  rated,
  reopened,
};

PERMITFLOW_EXPORT std::string_view to_string(EventType t) noexcept;

/// The enumerator whose contract string is `text`, or nullopt (an unknown type: a corrupt log or one written
/// by a newer permitflow).
PERMITFLOW_EXPORT std::optional<EventType> parse_event_type(std::string_view text) noexcept;

}  // namespace permitflow
