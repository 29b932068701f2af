// The kind-specific halves of the lifecycle's rules, each used by its own Workflow (workflow.cpp) and by
// nothing else: callers go through workflow(kind) or the kind-neutral functions that ask it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "lifecycle/command.hpp"
#include "lifecycle/lifecycle.hpp"
#include "lifecycle/policy.hpp"

namespace permitflow {

// command.cpp
void authorize_permit(const Case& c, const Command& cmd);
void authorize_complaint(const Case& c, const Command& cmd);
void authorize_submit_permit(const Actor& actor, const std::string& applicant_id);
void authorize_submit_complaint(const Actor& actor, const std::string& reporter_id, std::string_view source);

// timers.cpp
std::vector<TimerDue> permit_timers(const Case& c, const CaseContext& ctx);
std::vector<TimerDue> complaint_timers(const Case& c, const CaseContext& ctx);

// policy.cpp
bool may_see_permit(const Actor& a, const Audience& who, const Definition& def);
bool may_see_complaint(const Actor& a, const Audience& who, const Definition& def);
bool may_see_complaint_reporter(const Actor& a, const Audience& who, std::string_view holding_unit);

}  // namespace permitflow
