// A command on a case (docs/contract.md), parsed and checked for shape once, where it enters, into a typed
// value (refusal order: docs/contract.md §3). The rules and the charts read the typed fields only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "case/case.hpp"

namespace permitflow {

/// The type-specific fields of each command (docs/contract.md, command by command), one struct per
/// CommandType. A field the contract makes optional is an std::optional, or its documented default ("" for a
/// free text the event carries as ""). A null member counts as absent.
namespace commands {

/// 容缺受理: the outstanding items accepted on tolerance, the day they are due and the signed promise.
struct ToleranceRequest {
  std::vector<std::string> items;
  Date supply_by;
  SignedCommitment commitment;
};

struct Accept {
  std::optional<ToleranceRequest> tolerance;  // absent: an ordinary acceptance of a complete application
};
struct RequestCorrection {
  std::optional<std::vector<Deficiency>> items;  // absent: the checklist's own list
};
struct Resubmit {
  std::vector<SubmittedMaterial> materials;  // received_on is set by the rule (the day of receipt)
  // Kept as JSON: facts are the applicant's own document, checked against the definition by the rule and
  // logged exactly as submitted (the case holds facts as JSON too).
  std::optional<nlohmann::json> facts;
};
struct Reject {
  std::string reason;
};
struct Withdraw {
  std::string reason;  // "" when not given
};
struct RecordOpinion {
  std::string department;
  bool approve = false;  // "approve" or "deny"
  std::string comment;   // "" when not given
};
struct RecordInspection {
  std::vector<std::string> inspectors;
  std::string findings;
};
struct Suspend {
  std::string reason;
  int expected_working_days = 0;
  std::string notice;
};
struct Resume {};
struct Extend {  // both kinds
  int working_days = 0;
  std::string reason;
};
struct Decide {
  bool approve = false;  // "approved" or "denied"
  std::string reasons;   // "" when not given
};
struct IssueCertificate {
  std::optional<std::string> number;
  std::optional<Date> valid_from;
  std::optional<Date> valid_until;
};
struct ReportCompletion {};
struct Close {};  // both kinds
struct Revoke {
  std::string reason;
};
struct Register {
  bool verified = false;
  std::optional<std::string> note;
};
struct Dispatch {
  std::optional<std::string> unit;  // absent: the dispatch table's unit
  std::optional<std::string> note;
};
struct Return {
  std::string reasons;
};
struct StartHandling {
  std::optional<std::string> note;
};
struct Reply {
  std::string reply;
};
struct Check {
  bool passed = false;
  std::optional<std::string> note;
};
struct Rate {
  int rating = 0;  // 1–5
  std::optional<std::string> comment;
};
struct Escalate {
  std::string reason;
};
struct AssignDeputy {
  std::string deputy;
  std::optional<std::string> instructions;
};
struct Supply {
  std::vector<SubmittedMaterial> materials;  // received_on is set by the rule
};
enum class Verdict { confirmed, false_commitment, exempt };  // "confirmed", "false", "exempt"
struct RecordVerification {
  Verdict result = Verdict::confirmed;
  std::optional<std::string> method;
  std::string note;  // "" when not given
};

std::string_view to_string(Verdict v) noexcept;

}  // namespace commands

/// One alternative per CommandType, in the enum's order: the index of the body is its command type.
using CommandBody =
    std::variant<commands::Accept, commands::RequestCorrection, commands::Resubmit, commands::Reject,
                 commands::Withdraw, commands::RecordOpinion, commands::RecordInspection, commands::Suspend,
                 commands::Resume, commands::Extend, commands::Decide, commands::IssueCertificate,
                 commands::ReportCompletion, commands::Close, commands::Revoke, commands::Register,
                 commands::Dispatch, commands::Return, commands::StartHandling, commands::Reply,
                 commands::Check, commands::Rate, commands::Escalate, commands::AssignDeputy,
                 commands::Supply, commands::RecordVerification>;

/// The empty body of a command type (every field at its default), e.g. for a probe of the policy.
CommandBody empty_body(CommandType type);

struct Command {
  CommandType type = CommandType::accept;
  Actor actor;
  Instant at;
  std::optional<std::int64_t> expected_version;
  std::string command_id;
  CommandBody body;  // the fields of `type`, validated

  /// The body as the struct of its type; the caller knows the type (the chart dispatched on it).
  template <class T>
  const T& as() const {
    return std::get<T>(body);
  }
};

/// Parses a command: known type, actor, RFC 3339 `at`, and exactly the fields of its type with the right
/// types and sizes. Throws Error(invalid_argument) naming the field.
Command parse_command(std::string_view text);

/// Role and ownership (docs/contract.md §4). Throws Error(permission_denied).
void authorize(const Case& c, const Command& cmd);

/// Who may file a case of `kind` for `owner_id`: for a permit the applicant itself, a clerk or a head; for a
/// complaint the reporter itself (from `source` portal or wechat only) or a dispatcher.
void authorize_submit(const Actor& actor, const std::string& owner_id, Kind kind,
                      std::string_view source = {});

}  // namespace permitflow
