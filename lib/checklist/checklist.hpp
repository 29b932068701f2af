// The one-time notice (一次性告知): everything missing or wrong in an application, computed at once.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/text.hpp"
#include "definition/definition.hpp"
#include "permitflow/calendar.hpp"
#include "permitflow/case.hpp"

namespace permitflow {

/// A material as the applicant handed it in.
struct SubmittedMaterial {
  Text id;                         // checklist item id; per-vehicle items are "<id>:<plate>"
  Text format;                     // lower case, e.g. "pdf"
  std::optional<Date> expires_on;  // validity printed on the document
  Text sha256;                     // optional fingerprint
  Date received_on;                // the day it was received (original receipt or resubmission)
  bool operator==(const SubmittedMaterial&) const = default;
};

/// One line of a notice. `material` is a checklist id, "<id>:<plate>", or "fact:<name>" for a missing fact.
struct Deficiency {
  Text material;
  Problem problem = Problem::missing;
  Text note;
  bool operator==(const Deficiency&) const = default;
};

/// The complete list of deficiencies of an application, in checklist order (facts first).
/// Each material appears at most once: the first applicable problem wins, in the order
/// missing/condition_required, invalid_format, expired.
std::vector<Deficiency> compute_deficiencies(const Definition& def, const Facts& facts,
                                             const std::vector<SubmittedMaterial>& materials);

/// Facts any permit application may carry whatever its definition declares: the host's answers from the
/// credit system (booleans). Either one true closes tolerant acceptance and acceptance on commitment; the
/// ordinary path stays open (docs/contract.md §17).
inline constexpr std::string_view kCreditFacts[] = {"serious_bad_credit", "false_commitment_on_record"};

/// The first credit fact that is true in `facts`, or "" when the credit gate is open.
std::string credit_gate(const Facts& facts);

/// `items` without the deficiencies a commitment covers: a committed material id covers that item and,
/// for a per-vehicle material, each "<id>:<plate>" item.
std::vector<Deficiency> without_committed(std::vector<Deficiency> items,
                                          const std::vector<std::string>& committed);

/// The prohibition flags of the definition's rules (docs/contract.md §6): "protected_road",
/// "roof_prohibited", "term_exceeds_maximum", "emergency_filing_late", and the definition's own.
/// `submitted_at` is the filing time (`@submitted_at` of the rule language). A flag is never a deficiency; a
/// fact a rule needs and lacks is reported by compute_deficiencies.
std::vector<std::string> compute_flags(const Definition& def, const Facts& facts, Instant submitted_at,
                                       const WorkingCalendar& calendar, int utc_offset_minutes);

/// One rule of the definition as the one-time notice reports it: the named rules that flag (protection
/// period, roof, term, emergency filing) and the definition's own prohibitions and flags.
struct RuleCheck {
  std::string rule;  // the flag it sets when it holds
  bool prohibition = false;
  bool holds = false;
  std::string message;   // names the rule and the facts it looked at, with their values
  nlohmann::json facts;  // {name: value or null}
};

/// Every flagging rule evaluated on the facts, in the order compute_flags lists their flags.
std::vector<RuleCheck> check_rules(const Definition& def, const Facts& facts, Instant submitted_at,
                                   const WorkingCalendar& calendar, int utc_offset_minutes);

/// Adds to `out` every fact the condition reads.
void collect_condition_facts(const Condition& c, std::set<std::string>& out);

/// Validates the facts' types against the definition (unknown facts, wrong types, impossible dates).
/// Throws Error(invalid_argument) with the JSON pointer ("/facts/area_m2") in field(). Null stands for no
/// facts; anything else but an object is refused.
void validate_facts(const Definition& def, const nlohmann::json& facts);
void validate_facts(const Definition& def, const Facts& facts);

}  // namespace permitflow
