// What an actor may see of a case and which commands it may give (docs/policy.md). The one copy of the
// visibility rule and of the role × state × command matrix: hosts ask the engine instead of keeping theirs.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "case/case.hpp"
#include "definition/definition.hpp"

namespace permitflow {

/// Who a case is for, as far as visibility goes: read from a Case or from its stored document.
struct Audience {
  Kind kind = Kind::permit;
  std::string owner;               // the applicant's or the reporter's id
  std::vector<std::string> units;  // a complaint's units: the one holding it and every one that held it
};

Audience audience_of(const Case& c);

/// The visibility rule: an applicant or reporter sees its own cases; clerk, head and supervisor every permit;
/// a reviewer the permits whose definition lists its department; dispatcher, leader and supervisor every
/// complaint; a handler the complaints its unit holds or held. Nobody else sees anything.
bool may_see(const Actor& a, const Audience& who, const Definition& def);

/// Whether the actor may see a complaint's reporter (its id and name): the dispatcher, the unit holding the
/// case and the reporter itself. Permits have no such restriction.
bool may_see_reporter(const Actor& a, const Audience& who, std::string_view holding_unit);

/// The command types `a` may give on `c` in its current state: role, department, unit and ownership checked
/// (authorize()), the chart takes the command in this state, and the case holds what the command acts on
/// (rules::case_refuses: a pending tolerance to supply, an open verification); the rules that read the
/// command's body are not evaluated.
std::vector<CommandType> allowed_commands(const Case& c, const Actor& a, const CaseContext& ctx);

}  // namespace permitflow
