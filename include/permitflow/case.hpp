// The vocabulary of a case: states, lights, roles, commands and notice problems. Each enumerator is spelled
// exactly like its contract string (docs/contract.md §7), and to_string/parse convert between the two.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "permitflow/export.hpp"

namespace permitflow {

/// Where a case stands (docs/contract.md §7).
enum class State : std::uint8_t {
  submitted,            // received (收件), awaiting the acceptance check
  awaiting_correction,  // one-time correction notice (补正告知) issued
  not_accepted,         // 不予受理 (terminal)
  under_review,         // accepted (受理): opinions, inspection
  suspended,            // review clocks stopped (Art 45)
  approved,             // decision to grant; certificate to be issued
  denied,               // 不予许可 (terminal)
  issued,               // certificate issued, permit in force
  withdrawn,            // withdrawn by the applicant or lapsed correction (terminal)
  expired,              // validity ended
  revoked,              // revoked or cancelled
  closed,               // works finished and road restored; a complaint's 结案
  // The complaint kind (城管快速服务, docs/complaints.md):
  received,    // 受理: reported by a resident, the hotline or a patrol
  registered,  // 立案 (a public report verified first)
  dispatched,  // 派遣 to the unit responsible for the category
  handling,    // 处置 by that unit
  replied,     // 答复 to the reporter
  checked,     // 核查 passed
  rated,       // 回访·评价 with a satisfactory rating (terminal)
  returned,    // returned by a unit that is not responsible, awaiting re-dispatch
  escalated,   // major: leadership review, a supervising deputy to be assigned
  reopened,    // a bad rating: to be dispatched again for rectification
  // Tolerant acceptance (容缺受理, docs/contract.md §17):
  terminated,  // 终止: the tolerated materials were not supplied by the promised date (terminal)
};

/// The kind of a case, and of the definition that governs it: a permit application, or a complaint of the
/// quick-service line (docs/complaints.md). Each kind is one workflow (docs/architecture.md, Kinds as
/// workflows). Case snapshots store the ordinal, so a new kind goes at the end.
enum class Kind : std::uint8_t { permit, complaint };

/// The traffic light of a legal clock.
enum class Light : std::uint8_t { green, yellow, red, stopped, met };

/// Who acts (docs/contract.md §4).
enum class Role {
  applicant,
  clerk,
  reviewer,
  head,
  supervisor,
  system,
  // The complaint kind (docs/complaints.md):
  reporter,    // the resident who reported it (own reports only)
  dispatcher,  // the information clerk who registers, dispatches, checks and closes
  handler,     // staff of a unit (actor `unit`): its own unit's cases only
  leader,      // the bureau's leadership: major cases, deputies, extensions
};

/// What a command asks for (`type` of a command).
enum class CommandType {
  accept,
  request_correction,
  resubmit,
  reject,
  withdraw,
  record_opinion,
  record_inspection,
  suspend,
  resume,
  extend,
  decide,
  issue_certificate,
  report_completion,
  close,
  revoke,
  // The complaint kind (docs/complaints.md); `extend` and `close` serve both kinds.
  register_,  // "register" (立案)
  dispatch,
  return_,  // "return": a unit that is not responsible sends it back
  start_handling,
  reply,
  check,
  rate,
  escalate,
  assign_deputy,
  // Tolerant acceptance and acceptance on commitment (docs/contract.md §17):
  supply,               // the applicant brings the tolerated materials
  record_verification,  // the result of checking a commitment after the decision
};

/// What is wrong with a material in a one-time notice (一次性告知).
enum class Problem { missing, expired, invalid_format, condition_required, invalid_content };

PERMITFLOW_EXPORT std::string_view to_string(State s) noexcept;
PERMITFLOW_EXPORT std::string_view to_string(Kind k) noexcept;
PERMITFLOW_EXPORT std::string_view to_string(Light l) noexcept;
PERMITFLOW_EXPORT std::string_view to_string(Role r) noexcept;
PERMITFLOW_EXPORT std::string_view to_string(CommandType c) noexcept;
PERMITFLOW_EXPORT std::string_view to_string(Problem p) noexcept;

/// The enumerator whose contract string is `text`, or nullopt.
PERMITFLOW_EXPORT std::optional<State> parse_state(std::string_view text) noexcept;
PERMITFLOW_EXPORT std::optional<Kind> parse_kind(std::string_view text) noexcept;
PERMITFLOW_EXPORT std::optional<Light> parse_light(std::string_view text) noexcept;
PERMITFLOW_EXPORT std::optional<Role> parse_role(std::string_view text) noexcept;
PERMITFLOW_EXPORT std::optional<CommandType> parse_command_type(std::string_view text) noexcept;
PERMITFLOW_EXPORT std::optional<Problem> parse_problem(std::string_view text) noexcept;

/// Whether the state belongs to the complaint kind (received … reopened).
PERMITFLOW_EXPORT bool is_complaint_state(State s) noexcept;

/// Whether a case in this state can never change again by a command, read as a permit's state where the
/// kinds share it (`closed`).
PERMITFLOW_EXPORT bool is_terminal(State s) noexcept;
/// The same for a case of `kind`: a closed complaint still takes its call-back rating (docs/complaints.md:
/// Closed → Rated), so only `rated` ends a complaint.
PERMITFLOW_EXPORT bool is_terminal(State s, Kind kind) noexcept;

}  // namespace permitflow
