// The lifecycle of a case: commands and timers run through the Boost.Statechart chart (chart.cpp, the only
// translation unit that includes Boost.Statechart), which decides whether the case's state takes them and
// which events they cause. Nothing here touches storage: the engine persists what comes out.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "case/application.hpp"
#include "case/case.hpp"
#include "common/clock_name.hpp"
#include "lifecycle/command.hpp"
#include "permitflow/timer.hpp"

namespace permitflow {

/// A deadline timer of a case: unique per (kind, clock).
struct TimerDue {
  TimerKind kind = TimerKind::deadline_warning;
  TimerClock clock = ClockName::decision;
  Instant due;
  bool operator==(const TimerDue&) const = default;
};

/// The kind of a stored timer from its string. Throws Error(internal) naming it when the string is no kind
/// this version knows: the database is corrupt or was written by a newer permitflow.
TimerKind stored_timer_kind(std::string_view stored);
/// The clock of a stored timer from its string (TimerClock::text), with the same Error(internal).
TimerClock stored_timer_clock(std::string_view stored);

/// The event a timer of `kind` fires (its namesake, but `terminated` for `tolerance_lapsed`).
EventType event_of(TimerKind kind) noexcept;

/// The events a command or a timer caused, and the case after them.
struct Outcome {
  std::vector<Event> events;
  Case after;
  std::vector<State> states;  // the case's state after each event (the feed's `state`); empty: after's
};

/// Runs a command on a case. Throws Error(invalid_state) when the case's state does not take it,
/// Error(rule_violation) when the law or the definition forbids it, Error(invalid_argument) for a value the
/// definition does not know. Authorization is checked before (authorize()). Never changes `c`.
Outcome run_command(const Case& c, const Command& cmd, const CaseContext& ctx);
/// The same without copying the case: runs the command on `out.after` itself and appends its events and
/// states to `out`. A refused command (every Error above) leaves `out` exactly as it was; an Error(internal)
/// while applying the events (a bug) may leave `out.after` part-applied.
void run_command(Outcome& out, const Command& cmd, const CaseContext& ctx);

/// Whether the case's state takes the command, without running its rules (so it may still be refused by
/// them). The chart reads `outcome` (decide), `passed` (check) and `rating` (rate) from the body to choose
/// the target state: a probe must carry them.
bool state_takes(const Case& c, const Command& cmd, const CaseContext& ctx);

/// Fires a timer on a case. Returns no events when the timer no longer applies.
Outcome run_timer(const Case& c, const TimerDue& timer, const CaseContext& ctx);
/// The same on `out.after` itself, appending to `out`; false, `out` unchanged, when it no longer applies.
bool run_timer(Outcome& out, const TimerDue& timer, const CaseContext& ctx);

/// Moves a case to the calendar of `ctx` (docs/calendar.md): the `deadlines_recomputed` event at `at`, naming
/// the calendar versions and every clock whose due or provisional mark changed, and the case after it.
Outcome adopt_calendar(const Case& c, Instant at, const CaseContext& ctx);

/// The timers the case should have now (derived from its state, clocks and lights).
std::vector<TimerDue> timers_for(const Case& c, const CaseContext& ctx);

/// The last day to file a renewal (Art 50: 30 days before expiry, calendar or working days per definition).
Date renewal_lead_deadline(Date valid_until, const RenewalRule& rule, const WorkingCalendar& cal);

/// The `submitted` event of a new case (the first event of every log).
Event submitted_event(const std::string& case_id, const Application& app, const Definition& def,
                      const WorkingCalendar& cal, int utc_offset_minutes,
                      const std::vector<std::string>& flags, std::optional<Date> renewal_expiry);

/// The names of an application's commitment: every item a material of `def` (Error(invalid_argument)).
void check_commitment_names(const Application& app, const Definition& def);
/// The rules of an application's commitment (告知承诺): the credit gate and materials that allow one.
/// Throws Error(rule_violation) naming the credit fact or the items.
void check_commitment_rules(const Application& app, const Definition& def);

/// Checks the names a command uses against the case's definition (department, suspension reason).
/// Throws Error(invalid_argument).
/// A dispatch names one of `units` (the bureau's units, DefinitionRegistry::complaint_units()).
void check_names(const Command& cmd, const Definition& def, const std::vector<std::string>& units = {});

}  // namespace permitflow
