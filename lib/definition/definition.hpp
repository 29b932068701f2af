// A permit type or a complaint category as data (data/definitions/*.json): its checklist, time limits,
// co-approvals and rules.
// Loaded and validated once; immutable afterwards, shared by every case submitted under this version.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "definition/facts.hpp"
#include "permitflow/calendar.hpp"
#include "permitflow/case.hpp"

namespace permitflow {

struct LocalizedName {
  std::string zh;
  std::string en;
};

/// A condition on the application's facts, e.g. "area_m2 ≥ 10 or height_m ≥ 4": the rule language of
/// docs/definitions.md ('The rule language'). JSON forms:
/// {"fact": "on_carriageway", "equals": true} · {"fact": "area_m2", "at_least": 10} · {"fact": "area_m2",
/// "greater_than": 10} · {"fact": "x", "at_most": 3} · {"fact": "x", "present": true} ·
/// {"fact": f, "op": "≤", "value": v} · {"fact": f, "op": "≥", "other_fact": g} · {"fact": f, "op": "in",
/// "value": [v, …]} · {"span": [from, to], "unit": "months", "op": "≤", "value": 12} ·
/// {"span": [t, "@submitted_at"], "unit": "hours", "op": ">", "value": 24} · {"any": [c, …]} ·
/// {"all": [c, …]} · {"not": c}.
struct Condition {
  enum class Kind { equals, at_least, greater_than, at_most, present, any, all, negation, compare, span };
  enum class Op { eq, ne, lt, le, gt, ge, in };
  enum class Unit { days, working_days, months, hours };
  Kind kind = Kind::equals;
  std::string fact;                  // the compared fact; a span's start
  nlohmann::json value;              // the compared value (an array for `in`)
  std::vector<Condition> operands;   // for any / all / negation (one operand)
  Op op = Op::eq;                    // compare and span
  std::string other_fact;            // compare: the fact compared with instead of a value; a span's end
  Unit unit = Unit::days;            // span
  bool roll_to_working_day = false;  // an hours span whose limit falls on a rest day ends at 24:00 of the
                                     // next working day
};

/// The filing time as an operand of a span (`"@submitted_at"`): it is no fact of the application but the
/// instant the application (or its latest resubmission) was received.
inline constexpr std::string_view kSubmittedAt = "@submitted_at";

/// What a condition is evaluated against besides the facts.
struct RuleContext {
  const WorkingCalendar* calendar = nullptr;  // working-day spans and roll-over; the official one when null
  std::optional<Instant> submitted_at;        // `@submitted_at`; a span using it is false without it
  int utc_offset_minutes = 0;                 // the bureau's zone, for an hours span's roll-over
};

/// A rule written in the rule language (`rules.prohibitions`, `rules.flags`): the application is flagged
/// `flag` when `when` holds; a prohibition also stops an approval while it stands. The named rules
/// (protection_period, roof, term) are expanded into these when loaded.
struct FactRule {
  std::string flag;  // snake_case, e.g. "occupation_exceeds_one_year"
  bool prohibition = false;
  Condition when;
  LocalizedName message;  // what the notice says when it holds
};

enum class FactType { boolean, number, integer, date, time, text, vehicles };

/// A question the application answers (docs/contract.md lists the contract names).
struct FactSpec {
  std::string name;
  FactType type = FactType::text;
  LocalizedName label;
  bool nullable = false;                 // may be given as null (e.g. road_overhauled_on)
  std::optional<Condition> required_if;  // absent: required whenever a rule needs it (see `required`)
  bool required = false;                 // required on every application
  std::optional<double> minimum;         // number/integer facts: smallest accepted value (validate_facts)
  std::optional<double> maximum;         // number/integer facts: largest accepted value (validate_facts)
};

/// One item of the materials checklist (申请材料清单).
struct MaterialSpec {
  std::string id;
  LocalizedName name;
  bool required = false;                 // required on every application
  std::optional<Condition> required_if;  // required when the facts satisfy this (condition_required)
  bool per_vehicle = false;              // one item per vehicle: id "<id>:<plate>"
  std::vector<std::string> formats;      // accepted formats, lower case ("pdf", "jpg", …)
  bool must_not_be_expired = false;      // expires_on before the receipt date is a deficiency
  bool key = false;                      // proves a basic condition of the permit: never tolerable
  bool tolerable = false;                // 容缺: may be supplied after acceptance
  bool commitment_allowed = false;       // 告知承诺: a written commitment may replace it
  int max_upload_mib = 0;  // the largest uploaded document accepted for it (MiB); 0: the portal's default
  std::string note;        // why the item is asked for (documentation, e.g. the legal basis)
};

/// 告知承诺: how a decision taken on a commitment is checked afterwards (事中事后核查).
struct VerificationRule {
  int within_working_days = 0;       // the check is due this many working days after the decision
  std::vector<std::string> methods;  // how it may be done (document_check, site_inspection, …)
};

struct Department {
  std::string id;
  LocalizedName name;
};

/// Time limits, all in working days unless named otherwise.
struct TimeLimits {
  int acceptance_notice = 5;     // Art 32: one-time notice or deemed acceptance
  int promised = 20;             // 承诺时限, the bureau's shortened limit
  int statutory = 20;            // Art 42 ¶1
  int statutory_extension = 10;  // Art 42 ¶1, head's approval
  bool joint_handling = false;   // Art 42 ¶2: 45 + 15
  int joint_statutory = 45;
  int joint_extension = 15;
  int issuance = 10;              // Art 44
  std::optional<int> correction;  // applicant's correction period; lapse = withdrawn (local rule)
  int warning = 2;                // yellow when remaining working days (today included) ≤ this
};

struct ProtectionPeriodRule {  // 城市道路管理条例 Art 33 ¶2
  int new_road_years = 5;
  int overhaul_years = 3;
};

struct EmergencyFilingRule {  // 城市道路管理条例 Art 34
  int hours = 24;
  bool roll_to_working_day = false;  // Wuhan-style roll-over of a deadline on a non-working day
};

struct RoofRule {  // GB 50449: no large facility on a roof of a building of ≤ 3 storeys
  int max_storeys = 3;
  Condition large;  // what makes a facility large
};

struct TermRule {  // maximum term of an advertising facility
  int max_months = 36;
  int electronic_screen_max_months = 72;
};

struct VehicleRule {  // 建设部令第135号: enclosed body and recorder on every vehicle
  bool enclosed = true;
  bool recorder = true;
};

/// A requirement on every element of a list fact (`rules.item_checks`): an element lacking one of the
/// `require_true` fields makes a notice item `<item>:<key>` (condition_required) naming what it lacks.
/// The named rule `vehicles` is expanded into one of these.
struct ItemCheck {
  struct Field {
    std::string name;  // a boolean field of the element, e.g. "enclosed"
    LocalizedName message;
  };
  std::string list_fact;  // a fact of type vehicles
  std::string item;       // the notice item's prefix, e.g. "vehicle"
  LocalizedName label;    // what the notice calls one element, e.g. 车辆
  std::vector<Field> require_true;
};

struct ValidityRule {
  std::optional<int> months;              // fixed validity after issuance
  std::optional<std::string> term_fact;   // months taken from this fact (e.g. term_months)
  std::optional<std::string> until_fact;  // valid until this date fact (e.g. planned_end)
  std::optional<std::string> from_fact;   // valid from this date fact (e.g. planned_start), else issuance
  std::optional<int> max_months;          // no certificate runs longer (issue_certificate refuses it)
  bool hold_to_facts = false;             // the certificate stays within [from_fact, the derived end]
  std::string note;                       // e.g. why a fixed term is a local choice
};

struct RenewalRule {  // Art 50: apply 30 days before expiry
  int lead = 30;
  bool lead_in_working_days = false;  // default: calendar days (docs/definitions.md, renewal)
  int expiring_notice_days = 15;      // permit_expiring fires this many days before the lead deadline
};

// What a definition governs is its Kind (permitflow/case.hpp): a permit type, or a complaint category of the
// quick-service line (城管快速服务, docs/complaints.md). Both kinds share the reader, the registry,
// versioning and storage, so a complaint category is a Definition of kind complaint whose `complaint`
// rules are set.

/// A complaint category's dispatch rule and limits (docs/complaints.md): the unit responsible for it and how
/// long it has, in working days or in working hours (office hours of the bureau).
struct ComplaintRules {
  Department unit;                                // the responsible unit (the dispatch table)
  std::optional<int> working_days;                // the handling limit: exactly one of working_days,
  std::optional<int> working_hours;               // working_hours (urgent items)
  int warning_percent = 20;                       // yellow when at most this share of the limit remains
  int return_days = 2;                            // a wrong unit returns it within this many working days
  int max_extension_days = 10;                    // one extension, requested before the limit
  int rectification_days = 15;                    // a bad rating reopens it with this limit
  int leadership_review_days = 5;                 // an escalated case's review clock
  bool verify_public_reports = true;              // a public report is verified on site before 立案
  std::vector<OfficeHours::Period> office_hours;  // where working hours run (08:30–12:00, 14:00–17:30)

  OfficeHours hours(int utc_offset_minutes) const { return OfficeHours(office_hours, utc_offset_minutes); }
};

struct Definition {
  std::string id;  // "road_excavation", or a complaint category ("consultation")
  Kind kind = Kind::permit;
  std::optional<ComplaintRules> complaint;  // kind complaint only
  int version = 1;
  std::optional<Date> effective_from;  // submissions from this day (bureau's zone) on; before it the previous
  std::string short_code;              // used in case numbers, e.g. "RE"
  LocalizedName name;
  std::string item_code;  // national basic code where known
  std::vector<std::string> legal_basis;
  std::vector<FactSpec> facts;
  std::vector<MaterialSpec> materials;
  TimeLimits limits;
  std::vector<Department> co_approving;         // all must approve; any denial denies
  std::vector<std::string> suspension_reasons;  // reasons that stop the clock
  bool site_inspection_required = false;        // Art 34: ≥ 2 inspectors
  int min_inspectors = 2;
  std::optional<ProtectionPeriodRule> protection_period;
  std::optional<EmergencyFilingRule> emergency_filing;
  std::optional<RoofRule> roof;
  std::optional<TermRule> term;
  std::optional<VehicleRule> vehicles;
  // The rules in the rule language: first the expanded named rules (protection_period, roof, term,
  // emergency_filing), then the file's prohibitions and flags.
  std::vector<FactRule> fact_rules;
  // Per-element requirements of list facts: the expanded `vehicles` rule, then the file's item_checks.
  std::vector<ItemCheck> item_checks;
  ValidityRule validity;
  RenewalRule renewal;
  bool decide_on_commitment = false;             // a decision may rest on a commitment (then verified)
  std::optional<VerificationRule> verification;  // set exactly when decide_on_commitment is

  std::string source;  // the canonical JSON it was loaded from (stored with the cases)
  std::string hash;    // hex SHA-256 of `source`
  std::string file;    // where it was read from (a file path, "definitions/<name>.json" when compiled in,
                       // "stored definition <id>" from a database), for messages

  const MaterialSpec* material(std::string_view id) const;
  const FactSpec* fact(std::string_view name) const;
  bool has_department(std::string_view id) const;
  bool stops_clock(std::string_view reason) const;
};

/// Parses and validates one definition. Errors are Error(invalid_argument) whose message names `source`,
/// the JSON pointer and the problem.
std::shared_ptr<const Definition> parse_definition(std::string_view json, std::string_view source);

/// The standard lines of a one-time notice about a definition's own items, from the item's Chinese label:
/// a missing material, a material the facts make required, a missing fact.
std::string missing_material_line(std::string_view label);
std::string conditional_material_line(std::string_view label);
std::string missing_fact_line(std::string_view label);

/// The words every case of `d` repeats (its id, fact and material ids, formats, departments, the standard
/// notice lines): parse_definition adds them to the Text vocabulary, so cases share one copy of each.
std::vector<std::string> vocabulary_of(const Definition& d);

/// Every definition known to an engine: the compiled-in ones, optionally extended or replaced by the files of
/// a directory. Versions are kept side by side: a case keeps the version it was submitted under.
class DefinitionRegistry {
 public:
  /// The compiled-in definitions (data/definitions/*.json).
  static DefinitionRegistry builtin();
  /// Adds every *.json file of `dir` (a newer version of a permit becomes its current one).
  void load_directory(const std::string& dir);
  void add(std::shared_ptr<const Definition> def);

  /// The current (highest) version of definition `id` of kind `kind` (a permit type, or a complaint
  /// category); nullptr when unknown or of the other kind.
  std::shared_ptr<const Definition> current(std::string_view id, Kind kind = Kind::permit) const;
  /// The version in effect on `day` (the bureau's local date of a submission): the highest whose
  /// effective_from is absent or on or before `day`; nullptr when none is (or unknown, or the other kind).
  std::shared_ptr<const Definition> in_effect(std::string_view id, Date day, Kind kind = Kind::permit) const;
  /// Every loaded version, by id then version.
  std::vector<std::shared_ptr<const Definition>> all() const;
  /// A given version; nullptr when unknown.
  std::shared_ptr<const Definition> find(std::string_view id, int version) const;
  /// The ids of one kind: permit types, or complaint categories.
  std::vector<std::string> ids(Kind kind = Kind::permit) const;
  /// Every unit some complaint category dispatches to (the bureau's units), sorted, without duplicates.
  std::vector<std::string> complaint_units() const;

 private:
  /// The versions of `id` when its current one is of kind `kind`; nullptr otherwise.
  const std::map<int, std::shared_ptr<const Definition>>* versions(std::string_view id, Kind kind) const;

  std::map<std::string, std::map<int, std::shared_ptr<const Definition>>, std::less<>> defs_;
};

/// Evaluates a condition on facts. A fact that is absent or null makes a comparison false. Spans in working
/// days count on the context's calendar (the official calendar when null).
bool evaluate(const Condition& c, const Facts& facts, const RuleContext& context = {});
/// Whether a condition reads the filing time (`@submitted_at`).
bool reads_submission_time(const Condition& c);
/// The facts a condition names, in the order they appear (each once; `@submitted_at` is no fact).
std::vector<std::string> condition_facts(const Condition& c);

}  // namespace permitflow
