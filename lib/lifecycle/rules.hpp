// What each command and timer does once the chart has let it through: the rules of docs/contract.md §6, each
// returning the events to append or throwing Error(rule_violation). Used by chart.cpp only.
#pragma once

#include <string>
#include <vector>

#include "case/case.hpp"
#include "lifecycle/command.hpp"
#include "lifecycle/lifecycle.hpp"

namespace permitflow::rules {

using Events = std::vector<Event>;

/// The one event a command causes, at the case's next version. Built in place: returning a braced list
/// would copy the event and its data.
Events single_event(const Case& c, const Command& cmd, EventType type, EventPayload data);

/// Why the case cannot take a command of this type whatever its body says — a supply with no tolerance
/// pending, a verification with none open — or "" when it can. The rules refuse with this text and
/// allowed_commands (policy.hpp) leaves such a command out, so the two cannot disagree.
std::string case_refuses(const Case& c, CommandType type);

Events accept(const Case& c, const Command& cmd, const CaseContext& ctx);
Events request_correction(const Case& c, const Command& cmd, const CaseContext& ctx);
Events resubmit(const Case& c, const Command& cmd, const CaseContext& ctx);
Events reject(const Case& c, const Command& cmd, const CaseContext& ctx);
Events withdraw(const Case& c, const Command& cmd, const CaseContext& ctx);
Events record_opinion(const Case& c, const Command& cmd, const CaseContext& ctx);
Events record_inspection(const Case& c, const Command& cmd, const CaseContext& ctx);
Events suspend(const Case& c, const Command& cmd, const CaseContext& ctx);
Events resume(const Case& c, const Command& cmd, const CaseContext& ctx);
Events extend(const Case& c, const Command& cmd, const CaseContext& ctx);
Events decide(const Case& c, const Command& cmd, const CaseContext& ctx);
Events issue_certificate(const Case& c, const Command& cmd, const CaseContext& ctx);
Events report_completion(const Case& c, const Command& cmd, const CaseContext& ctx);
Events close(const Case& c, const Command& cmd, const CaseContext& ctx);
Events revoke(const Case& c, const Command& cmd, const CaseContext& ctx);
Events supply(const Case& c, const Command& cmd, const CaseContext& ctx);
Events record_verification(const Case& c, const Command& cmd, const CaseContext& ctx);

/// The event of a fired timer (acceptance_deemed, deadline_warning, …).
Events fire(const Case& c, const TimerDue& timer, const CaseContext& ctx);

/// The system actor that fires timers.
Actor system_actor();

/// The complaint kind (complaint_rules.cpp, docs/complaints.md).
namespace complaint {
Events register_case(const Case& c, const Command& cmd, const CaseContext& ctx);
Events dispatch(const Case& c, const Command& cmd, const CaseContext& ctx);
Events return_case(const Case& c, const Command& cmd, const CaseContext& ctx);
Events start_handling(const Case& c, const Command& cmd, const CaseContext& ctx);
Events extend(const Case& c, const Command& cmd, const CaseContext& ctx);
Events escalate(const Case& c, const Command& cmd, const CaseContext& ctx);
Events assign_deputy(const Case& c, const Command& cmd, const CaseContext& ctx);
Events reply(const Case& c, const Command& cmd, const CaseContext& ctx);
Events check(const Case& c, const Command& cmd, const CaseContext& ctx);
Events close(const Case& c, const Command& cmd, const CaseContext& ctx);
Events rate(const Case& c, const Command& cmd, const CaseContext& ctx);
/// deadline_warning / deadline_overdue of the handling or the leadership review clock.
Events fire(const Case& c, const TimerDue& timer, const CaseContext& ctx);
}  // namespace complaint

}  // namespace permitflow::rules
