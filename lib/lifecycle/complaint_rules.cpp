// What each complaint command and timer does once the chart has let it through (docs/complaints.md):
// the events to append, or Error(rule_violation).
#include <algorithm>

#include "lifecycle/rules.hpp"
#include "permitflow/error.hpp"

namespace permitflow::rules::complaint {
namespace {

[[noreturn]] void violation(const std::string& message) { throw Error(ErrorCode::rule_violation, message); }

const ComplaintRules& rules_of(const CaseContext& ctx) { return *ctx.definition.complaint; }

std::string when(Instant t, const CaseContext& ctx) { return t.to_rfc3339(ctx.utc_offset_minutes); }

}  // namespace

Events register_case(const Case& c, const Command& cmd, const CaseContext& ctx) {
  // 数字城管: a report from the public is verified on site before it is registered (立案); a patrol's own
  // finding or a referral needs no verification.
  const bool public_report = c.complaint->source != "patrol" && c.complaint->source != "referral";
  const auto& body = cmd.as<commands::Register>();
  const bool verified = body.verified;
  if (public_report && rules_of(ctx).verify_public_reports && !verified) {
    violation("a report from the public (source '" + c.complaint->source +
              "') is registered only once verified on site: send \"verified\": true");
  }
  return single_event(c, cmd, EventType::registered, payload::Registered{body.note, verified});
}

Events dispatch(const Case& c, const Command& cmd, const CaseContext& ctx) {
  const ComplaintRules& r = rules_of(ctx);
  // The dispatch table names the unit; a re-dispatch after a return goes elsewhere, a reopening back to
  // the unit that handled it.
  const auto& body = cmd.as<commands::Dispatch>();
  std::string unit = body.unit.value_or(std::string());
  if (unit.empty()) {
    unit = c.state == State::reopened && !c.complaint->unit.empty() ? c.complaint->unit : r.unit.id;
  }
  const auto& back = c.complaint->returned_by;
  if (c.state == State::returned && std::find(back.begin(), back.end(), unit) != back.end()) {
    violation("unit '" + unit + "' returned this case as not its duty; dispatch it to another unit");
  }
  const bool by_table = unit == r.unit.id;
  return single_event(c, cmd, EventType::dispatched,
                      payload::Dispatched{body.note, std::move(unit), by_table});
}

Events return_case(const Case& c, const Command& cmd, const CaseContext& ctx) {
  const ComplaintRules& r = rules_of(ctx);
  const Date from = c.complaint->dispatched_at->local_date(ctx.utc_offset_minutes);
  const Instant limit =
      close_of_business(office_hours_of(ctx), ctx.calendar.add_working_days(from, r.return_days).date);
  if (cmd.at > limit) {
    violation("a unit returns a case within " + std::to_string(r.return_days) +
              " working days of its dispatch (by " + when(limit, ctx) + "); it is now its to handle");
  }
  return single_event(c, cmd, EventType::returned,
                      payload::Returned{c.complaint->unit, cmd.as<commands::Return>().reasons});
}

Events start_handling(const Case& c, const Command& cmd, const CaseContext&) {
  return single_event(c, cmd, EventType::handling_started,
                      payload::Noted{cmd.as<commands::StartHandling>().note});
}

Events extend(const Case& c, const Command& cmd, const CaseContext& ctx) {
  const ComplaintRules& r = rules_of(ctx);
  const ComplaintFile& f = *c.complaint;
  if (f.extended_working_days > 0)
    violation("the limit was already extended once (by " + std::to_string(f.extended_working_days) +
              " working days)");
  if (cmd.at > *f.due)
    violation("an extension is requested before the limit (" + when(*f.due, ctx) + "), not after it");
  const auto& body = cmd.as<commands::Extend>();
  const int days = body.working_days;
  if (days > r.max_extension_days) {
    violation("an extension is at most " + std::to_string(r.max_extension_days) +
              " working days; asked for " + std::to_string(days));
  }
  return single_event(c, cmd, EventType::extended, payload::Extended{days, body.reason});
}

Events escalate(const Case& c, const Command& cmd, const CaseContext&) {
  if (c.complaint->escalated_at) violation("the case was already escalated to the leadership");
  return single_event(c, cmd, EventType::escalated, payload::Reasoned{cmd.as<commands::Escalate>().reason});
}

Events assign_deputy(const Case& c, const Command& cmd, const CaseContext&) {
  const auto& body = cmd.as<commands::AssignDeputy>();
  return single_event(c, cmd, EventType::deputy_assigned,
                      payload::DeputyAssigned{body.deputy, body.instructions});
}

Events reply(const Case& c, const Command& cmd, const CaseContext&) {
  return single_event(c, cmd, EventType::replied, payload::Replied{cmd.as<commands::Reply>().reply});
}

Events check(const Case& c, const Command& cmd, const CaseContext&) {
  const auto& body = cmd.as<commands::Check>();
  if (body.passed) return single_event(c, cmd, EventType::checked, payload::Noted{body.note});
  if (!body.note)
    violation("a failed check says what is still wrong (\"note\"), so the unit knows what to put right");
  return single_event(c, cmd, EventType::check_failed, payload::Noted{body.note});
}

Events close(const Case& c, const Command& cmd, const CaseContext&) {
  return single_event(c, cmd, EventType::closed, payload::Closed{});
}

Events rate(const Case& c, const Command& cmd, const CaseContext& ctx) {
  const auto& body = cmd.as<commands::Rate>();
  const int rating = body.rating;
  Events out = single_event(c, cmd, EventType::rated, payload::Rated{rating, body.comment});
  // 好差评: 1 (very dissatisfied) or 2 (dissatisfied) reopens the case for rectification.
  if (rating <= 2) {
    out.push_back(Event{c.version + 2, EventType::reopened, cmd.at, cmd.actor,
                        payload::Reopened{rules_of(ctx).rectification_days, rating}});
  }
  return out;
}

Events fire(const Case& c, const TimerDue& timer, const CaseContext& ctx) {
  const ComplaintFile& f = *c.complaint;
  const bool review = timer.clock.name == ClockName::review;
  const bool overdue = timer.kind == TimerKind::deadline_overdue;
  const Instant due = review ? *f.review_due : *f.due;
  payload::DeadlineAlert data{timer.clock, when(due, ctx), overdue ? Light::red : Light::yellow,
                              review           ? "leader"
                              : f.unit.empty() ? "dispatcher"
                                               : f.unit,
                              overdue ? std::optional<std::string>("supervision_office") : std::nullopt};
  return {Event{c.version + 1, event_of(timer.kind), timer.due, system_actor(), std::move(data)}};
}

}  // namespace permitflow::rules::complaint
