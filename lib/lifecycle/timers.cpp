// Which timers a case needs, derived from its state, clocks and lights — never stored state of their own.
#include <algorithm>

#include "clock/legal_clock.hpp"
#include "lifecycle/lifecycle.hpp"
#include "lifecycle/rules.hpp"
#include "lifecycle/workflow.hpp"
#include "permitflow/error.hpp"

namespace permitflow {
namespace {

bool fired(const Case& c, TimerKind kind, const TimerClock& clock, std::optional<Date> due = std::nullopt) {
  return warned(c, to_string(kind), clock.text(), due ? due->to_string() : "");
}

// The warning and overdue timers of a running clock: each fires once per due date. A clock already red when
// its light was last computed (a deemed acceptance dated back, say) still gets its overdue event, so the
// escalation to the supervision office is always on record; it skips the then pointless yellow warning.
void light_timers(std::vector<TimerDue>& out, const Case& c, ClockName clock, const LegalClock& lc, Date due,
                  Light light, const CaseContext& ctx, bool overdue_timer) {
  const int off = ctx.utc_offset_minutes;
  if (light != Light::red && !fired(c, TimerKind::deadline_warning, clock, due)) {
    out.push_back({TimerKind::deadline_warning, clock,
                   yellow_at(lc, due, ctx.definition.limits.warning, ctx.calendar, off)});
  }
  if (overdue_timer && !fired(c, TimerKind::deadline_overdue, clock, due)) {
    out.push_back({TimerKind::deadline_overdue, clock, red_at(due, off)});
  }
}

// The day `n` working days before `day` (`day` itself not counted).
Date working_days_before(Date day, int n, const WorkingCalendar& cal) {
  for (int counted = 0; counted < n;) {
    day = day - 1;
    if (cal.is_working_day(day)) ++counted;
  }
  return day;
}

}  // namespace

// A complaint's handling clock warns (yellow) and escalates (red) once per due; an escalated case's
// leadership review escalates when overdue. Keys carry the RFC 3339 due, as the events do.
std::vector<TimerDue> complaint_timers(const Case& c, const CaseContext& ctx) {
  const ComplaintFile& f = *c.complaint;
  const int off = ctx.utc_offset_minutes;
  std::vector<TimerDue> out;
  auto not_fired = [&](TimerKind kind, ClockName clock, Instant due) {
    return !warned(c, to_string(kind), to_string(clock), due.to_rfc3339(off));
  };
  const bool running = f.due && !f.replied_at && c.state != State::closed && c.state != State::rated;
  if (running) {
    if (f.light != Light::red && not_fired(TimerKind::deadline_warning, ClockName::handling, *f.due))
      out.push_back({TimerKind::deadline_warning, ClockName::handling, complaint_yellow_at(c, ctx)});
    if (not_fired(TimerKind::deadline_overdue, ClockName::handling, *f.due))
      out.push_back({TimerKind::deadline_overdue, ClockName::handling, f.due->plus_seconds(1)});
  }
  if (c.state == State::escalated && f.review_due &&
      not_fired(TimerKind::deadline_overdue, ClockName::review, *f.review_due))
    out.push_back({TimerKind::deadline_overdue, ClockName::review, f.review_due->plus_seconds(1)});
  return out;
}

Outcome adopt_calendar(const Case& c, Instant at, const CaseContext& ctx) {
  Event e{c.version + 1, EventType::deadlines_recomputed, at, rules::system_actor(),
          payload::DeadlinesRecomputed{ctx.calendar.version(), c.calendar_version.str(), std::nullopt}};
  Outcome out{{}, c, {}};
  apply(out.after, e, ctx);
  // What moved, for the clerk reading the history (the event itself is replayed by its calendar_version).
  std::vector<payload::CalendarChange> changes;
  auto note = [&](ClockName clock, const char* field, payload::ChangedValue from, payload::ChangedValue to) {
    if (from != to) changes.push_back({clock, field, std::move(from), std::move(to)});
  };
  auto date = [](const ClockView& v, Date ClockView::*d) -> payload::ChangedValue {
    if (!v.present) return std::monostate{};
    return (v.*d).to_string();
  };
  for (const ClockName name : {ClockName::acceptance_notice, ClockName::correction, ClockName::decision,
                               ClockName::issuance, ClockName::verification}) {
    const ClockView& before = *c.deadlines.find(name);
    const ClockView& after = *out.after.deadlines.find(name);
    note(name, "due", date(before, &ClockView::due), date(after, &ClockView::due));
    if (name == ClockName::decision)
      note(name, "statutory_due", date(before, &ClockView::statutory_due),
           date(after, &ClockView::statutory_due));
    note(name, "provisional", before.present && before.provisional, after.present && after.provisional);
  }
  auto instant = [&](const std::optional<Instant>& i) -> payload::ChangedValue {
    if (!i) return std::monostate{};
    return i->to_rfc3339(ctx.utc_offset_minutes);
  };
  note(ClockName::handling, "due", instant(c.complaint->due), instant(out.after.complaint->due));
  note(ClockName::review, "due", instant(c.complaint->review_due), instant(out.after.complaint->review_due));
  std::get<payload::DeadlinesRecomputed>(e.payload).changes = std::move(changes);
  out.events.push_back(std::move(e));
  return out;
}

TimerKind stored_timer_kind(std::string_view stored) {
  if (const auto k = parse_timer_kind(stored)) return *k;
  throw Error(ErrorCode::internal,
              "unknown timer kind '" + std::string(stored) +
                  "' in the database: it is corrupt or was written by a newer permitflow");
}

TimerClock stored_timer_clock(std::string_view stored) {
  if (const auto clock = parse_timer_clock(stored)) return *clock;
  throw Error(ErrorCode::internal,
              "unknown timer clock '" + std::string(stored) +
                  "' in the database: it is corrupt or was written by a newer permitflow");
}

EventType event_of(TimerKind kind) noexcept {
  switch (kind) {
    case TimerKind::acceptance_deemed:
      return EventType::acceptance_deemed;
    case TimerKind::correction_lapsed:
      return EventType::correction_lapsed;
    case TimerKind::deadline_warning:
      return EventType::deadline_warning;
    case TimerKind::deadline_overdue:
      return EventType::deadline_overdue;
    case TimerKind::suspension_overrun:
      return EventType::suspension_overrun;
    case TimerKind::permit_expiring:
      return EventType::permit_expiring;
    case TimerKind::permit_expired:
      return EventType::permit_expired;
    case TimerKind::renewal_deemed:
      return EventType::renewal_deemed;
    case TimerKind::supply_reminder:
      return EventType::supply_reminder;
    case TimerKind::tolerance_lapsed:  // 容缺 not supplied in time: the case ends (终止)
      return EventType::terminated;
  }
  return EventType::terminated;  // not reached: every kind is listed above
}

Date renewal_lead_deadline(Date valid_until, const RenewalRule& r, const WorkingCalendar& cal) {
  if (!r.lead_in_working_days) return valid_until - r.lead;
  return working_days_before(valid_until, r.lead, cal);
}

std::vector<TimerDue> permit_timers(const Case& c, const CaseContext& ctx) {
  const Definition& def = ctx.definition;
  const int off = ctx.utc_offset_minutes;
  std::vector<TimerDue> out;
  switch (c.state) {
    case State::submitted: {
      const LegalClock lc{c.last_submission_on, def.limits.acceptance_notice, {}};
      const Date due = c.deadlines.acceptance_notice.due;
      light_timers(out, c, ClockName::acceptance_notice, lc, due, c.deadlines.acceptance_notice.light, ctx,
                   false);
      out.push_back({TimerKind::acceptance_deemed, ClockName::acceptance_notice, red_at(due, off)});
      break;
    }
    case State::awaiting_correction:
      if (c.deadlines.correction.present) {
        const LegalClock lc{c.notices.back().issued_on, *def.limits.correction, {}};
        const Date due = c.deadlines.correction.due;
        light_timers(out, c, ClockName::correction, lc, due, c.deadlines.correction.light, ctx, false);
        out.push_back({TimerKind::correction_lapsed, ClockName::correction, red_at(due, off)});
      }
      break;
    case State::under_review: {
      const ClockView& v = c.deadlines.decision;
      const int statutory = def.limits.joint_handling ? def.limits.joint_statutory : def.limits.statutory;
      const auto suspended = closed_suspensions(c);
      light_timers(out, c, ClockName::decision,
                   LegalClock{*c.accepted_on, def.limits.promised + c.extended_working_days, suspended},
                   v.due, v.light, ctx, true);
      light_timers(out, c, ClockName::decision_statutory,
                   LegalClock{*c.accepted_on, statutory + c.extended_working_days, suspended},
                   v.statutory_due, v.statutory_light, ctx, true);
      [[fallthrough]];
    }
    case State::suspended:
      if (c.state == State::suspended) {
        const TimerClock clock{ClockName::suspension, c.suspensions.size()};
        const Suspension& s = c.suspensions.back();
        if (!fired(c, TimerKind::suspension_overrun, clock)) {
          out.push_back(
              {TimerKind::suspension_overrun, clock,
               Instant::start_of_day(
                   suspension_expected_end(s.from, s.expected_working_days, ctx.calendar) + 1, off)});
        }
      }
      // Art 50: a renewal filed in time and not decided by the old permit's expiry is deemed granted.
      if (c.renewal_expiry && std::find(c.flags.begin(), c.flags.end(), "renewal_late") == c.flags.end()) {
        out.push_back({TimerKind::renewal_deemed, ClockName::renewal,
                       Instant::start_of_day(*c.renewal_expiry + 1, off)});
      }
      break;
    case State::approved: {
      const LegalClock lc{c.decision->on, def.limits.issuance, {}};
      light_timers(out, c, ClockName::issuance, lc, c.deadlines.issuance.due, c.deadlines.issuance.light, ctx,
                   true);
      break;
    }
    case State::issued:
      if (c.certificate && c.certificate->valid_until) {
        const Date until = *c.certificate->valid_until;
        const Date lead = renewal_lead_deadline(until, def.renewal, ctx.calendar);
        const Date remind = lead - def.renewal.expiring_notice_days;
        // A permit too short for a renewal reminder (an excavation's weeks) gets none.
        if (remind > c.certificate->issued_on && !fired(c, TimerKind::permit_expiring, ClockName::validity)) {
          out.push_back(
              {TimerKind::permit_expiring, ClockName::validity, Instant::start_of_day(remind, off)});
        }
        out.push_back(
            {TimerKind::permit_expired, ClockName::validity, Instant::start_of_day(until + 1, off)});
      }
      break;
    default:
      break;
  }
  if (!is_terminal(c.state)) {
    // 容缺: not supplied by supply_by → terminated at 00:00 the next day (one timer; supply removes it).
    if (tolerance_pending(c) && c.state != State::issued) {
      const Date supply_by = c.tolerance->supply_by;
      // The applicant's reminder at 00:00 two working days before supply_by, once; a supply period too short
      // for it (the reminder day not after acceptance) gets none.
      const Date remind = working_days_before(supply_by, 2, ctx.calendar);
      if (c.accepted_on && remind > *c.accepted_on &&
          !fired(c, TimerKind::supply_reminder, ClockName::tolerance, supply_by))
        out.push_back({TimerKind::supply_reminder, ClockName::tolerance, Instant::start_of_day(remind, off)});
      out.push_back(
          {TimerKind::tolerance_lapsed, ClockName::tolerance, Instant::start_of_day(supply_by + 1, off)});
    }
    // 告知承诺: the verification clock warns and escalates once, like the others.
    if (verification_open(c) && def.verification) {
      const ClockView& v = c.deadlines.verification;
      light_timers(out, c, ClockName::verification,
                   LegalClock{c.decision->on, def.verification->within_working_days, {}}, v.due, v.light, ctx,
                   true);
    }
  }
  return out;
}

std::vector<TimerDue> timers_for(const Case& c, const CaseContext& ctx) {
  std::vector<TimerDue> out = workflow(c.kind).timers(c, ctx);
  // A timer that would fire before the clock's own last event fires at once (next run_due), never in the past
  // of the log.
  for (auto& t : out) t.due = std::max(t.due, c.last_event_at);
  std::sort(out.begin(), out.end(), [](const TimerDue& a, const TimerDue& b) {
    // Ties in the order of the contract strings, as when kinds were strings: the order timers fire in is
    // the order of their events in the log.
    if (a.due != b.due) return a.due < b.due;
    return std::string(to_string(a.kind)) + a.clock.text() < std::string(to_string(b.kind)) + b.clock.text();
  });
  return out;
}

}  // namespace permitflow
