// The case aggregate: everything known about one application, rebuilt deterministically from its events.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "case/event_payload.hpp"
#include "checklist/checklist.hpp"
#include "common/clock_name.hpp"
#include "common/json_text.hpp"
#include "common/out_of_line.hpp"
#include "common/sorted_map.hpp"
#include "definition/definition.hpp"
#include "permitflow/calendar.hpp"
#include "permitflow/case.hpp"
#include "permitflow/event.hpp"

namespace permitflow {

/// Who acted: {"id", "role", "department"?, "unit"?}.
struct Actor {
  std::string id;
  Role role = Role::system;
  std::string department;
  std::string unit;  // a complaint handler's unit
  bool operator==(const Actor&) const = default;
};

struct NoticeRecord {  // 补正告知书
  Date issued_on;
  std::vector<Deficiency> items;
  bool operator==(const NoticeRecord&) const = default;
};

// The flag last in Opinion and Decision: first, its padding would take 7 bytes, last it takes 3.
struct Opinion {
  Text comment;
  Text actor;
  Date on;
  bool approve = false;
  bool operator==(const Opinion&) const = default;
};

/// The co-approving departments' opinions by department (two or three: a sorted vector, not a tree); none yet
/// where a department has not given one.
using Opinions = SortedMap<Text, std::optional<Opinion>>;

struct Inspection {  // 现场勘查, Art 34
  std::vector<Text> inspectors;
  Text findings;
  Text actor;
  Date on;
  bool operator==(const Inspection&) const = default;
};

struct Suspension {  // Art 45: time not counted, both ends included
  std::string reason;
  Date from;
  std::optional<Date> to;
  int expected_working_days = 0;
  std::string notice;
  // Closed by the case's end (a withdrawal, a deemed renewal), not by `resume`: the dues keep the values
  // they showed while suspended, and only the light counts the stopped days out.
  bool closed_by_end = false;
  bool operator==(const Suspension&) const = default;
};

struct Decision {
  Text reasons;
  Text actor;
  Date on;
  bool approved = false;
  bool operator==(const Decision&) const = default;
};

struct Certificate {
  Text number;
  Date valid_from;
  std::optional<Date> valid_until;
  Date issued_on;
  bool operator==(const Certificate&) const = default;
};

/// 容缺受理: accepted while the tolerable `items` are still missing, to be supplied by `supply_by`.
struct Tolerance {
  std::vector<std::string> items;
  Date supply_by;
  bool pending = true;
  std::vector<std::string> outstanding;  // items not yet in order (all of them at acceptance)
  SignedCommitment commitment;
  std::optional<Date> supplied_on;  // the day the last item arrived in order
  bool operator==(const Tolerance&) const = default;
};

/// 告知承诺: the application's commitment replacing the proofs `items`.
struct Commitment {
  std::vector<std::string> items;
  SignedCommitment signature;
  bool operator==(const Commitment&) const = default;
};

/// The check of a commitment after the decision (事中事后核查).
struct Verification {
  std::string result;  // confirmed, false, exempt
  std::string method;
  std::string note;
  std::string actor;
  Date on;
  bool operator==(const Verification&) const = default;
};

/// A clock as shown in the case: its due date(s) and light(s) as of the last event. 12 bytes: the dates
/// first, then the one-byte lights and flags.
struct ClockView {
  Date due;
  Date statutory_due;  // decision clock only
  Light light = Light::green;
  Light statutory_light = Light::green;  // decision clock only
  bool present = false;                  // false → JSON null
  bool provisional = false;
  bool operator==(const ClockView&) const = default;
};

struct Deadlines {
  ClockView acceptance_notice;
  ClockView correction;
  ClockView decision;
  ClockView issuance;
  ClockView verification;  // after a decision on a commitment, until the verification is recorded
  /// The view of a permit clock (decision_statutory: the decision clock, whose statutory due it is); nullptr
  /// for any other clock (a complaint's live in ComplaintFile; the timer-only ones have no view).
  const ClockView* find(ClockName clock) const;
  bool operator==(const Deadlines&) const = default;
};

/// What a complaint case (docs/complaints.md) holds beyond the common fields. Its reporter is Case::applicant
/// and its category Case::subject, so storage, queries and replay treat both kinds alike.
struct ComplaintFile {
  std::string source;  // hotline, portal, wechat, patrol, window
  std::string description;
  std::string location;
  std::string unit;                      // the unit it is dispatched to ("" before the first dispatch)
  std::vector<std::string> returned_by;  // units that returned it, in order
  std::vector<std::string> units_held;   // every unit it was dispatched to, in first-dispatch order
  std::optional<Instant> registered_at;
  std::optional<Instant> dispatched_at;  // the current dispatch (the return window runs from it)
  Instant clock_start;                   // when the running handling clock started (receipt, or a reopening)
  std::optional<Instant> due;            // handling due, or rectification due after a reopening
  int limit_working_days = 0;            // the running clock's limit: working days …
  int limit_working_hours = 0;           // … or working hours (urgent items)
  int extended_working_days = 0;
  std::optional<Instant> replied_at;  // the reply that ended the running clock (cleared when a check fails)
  std::string reply;
  int failed_checks = 0;
  std::optional<Instant> escalated_at;
  std::string escalation_reason;
  std::string deputy;  // the supervising deputy of a major case
  std::optional<Instant> closed_at;
  std::vector<int> ratings;  // 好差评, 1 (very dissatisfied) … 5 (very satisfied), in order
  std::string rating_comment;
  int reopened = 0;
  // Derived after every event:
  Light light = Light::green;         // of the handling clock
  std::optional<Instant> review_due;  // leadership review, while escalated
  Light review_light = Light::green;
  bool operator==(const ComplaintFile&) const = default;
};

/// Rarely used parts (a complaint's file, a renewal, a tolerance, a commitment and its verification) are held
/// out of line (lib/common/out_of_line.hpp): a permit case without them pays one pointer each, not the size
/// of the part. Read them as before; write a complaint's file through `complaint.mut()`.
struct Case {
  // Its names are Texts (lib/common/text.hpp): the subject is a word of its definition and the calendar
  // version one of the calendar's, so both are a pointer to the one copy.
  Text id;
  Text subject;  // the permit type, or a complaint's category ("permit" / "category" in JSON)
  Text calendar_version;
  // The members of under 8 bytes are kept together, where they leave no padding (docs/performance.md, "A
  // live case in 2 KB").
  int definition_version = 0;
  Kind kind = Kind::permit;  // its workflow: "kind" in the document
  State state = State::submitted;
  bool deemed_accepted = false;
  bool credit_flagged = false;  // a false commitment was reported to the credit system
  std::int64_t version = 0;     // number of events applied
  Instant last_event_at;
  OutOfLine<ComplaintFile> complaint;  // complaint cases only

  Applicant applicant;
  Facts facts;
  std::vector<SubmittedMaterial> materials;
  HeapOptional<std::string> renewal_of;
  std::optional<Date> renewal_expiry;  // the old permit's valid_until (renewals only)
  Instant filed_at;
  Date received_on;         // the original receipt date (收件)
  Date last_submission_on;  // the receipt date of the latest (re)submission
  std::optional<Date> accepted_on;
  std::vector<NoticeRecord> notices;
  std::vector<Text> resubmitted_since_notice;  // material ids (and "fact:*") since the last notice
  Opinions opinions;
  std::vector<Inspection> inspections;
  std::vector<Suspension> suspensions;
  std::optional<Decision> decision;
  std::optional<Certificate> certificate;
  std::optional<Date> completion_reported_on;
  std::optional<Date> ended_on;  // withdrawn, rejected, closed, revoked, expired
  Text end_reason;
  std::vector<Text> flags;
  std::vector<Text> warnings;           // "<kind>:<clock>" supervision events fired (deadline_warning, …)
  HeapOptional<Tolerance> tolerance;    // 容缺受理 (docs/contract.md §17)
  HeapOptional<Commitment> commitment;  // 告知承诺 on the application
  HeapOptional<Verification> verification;  // the recorded check of the commitment
  int extended_working_days = 0;

  Deadlines deadlines;  // derived after every event

  bool operator==(const Case&) const = default;
};

/// One event of a case's log, parsed. Its data is typed (lib/case/event_payload.hpp); the log holds it as
/// the text payload_text writes.
struct Event {
  std::int64_t seq = 0;
  EventType type = EventType::submitted;
  Instant at;
  Actor actor;
  EventPayload payload;
};

/// The data of `e` as the shape T its type carries; Error(internal) naming the type when it holds another.
template <typename T>
const T& data_of(const Event& e) {
  return payload_as<T>(e.type, e.payload);
}

/// The type of a logged event from its stored string. Throws Error(internal) naming it when the string is no
/// event type this version knows: the log is corrupt or was written by a newer permitflow.
EventType logged_event_type(std::string_view stored);

/// What apply() needs besides the event: the definition version of the case and the calendar.
struct CaseContext {
  const Definition& definition;
  const WorkingCalendar& calendar;
  int utc_offset_minutes = 480;
};

/// Applies one event (deterministic: the same events on the same definition and calendar always give the
/// same case). The first event must be `submitted`. Throws Error(internal) on an event that cannot apply.
void apply(Case& c, const Event& e, const CaseContext& ctx);

/// Gives back the spare capacity of the case's vectors (called by apply after every event): a live case holds
/// no more than its contents.
void trim_capacity(Case& c);

/// Recomputes the deadlines and lights of `c` as of `now` (called by apply after every event).
void recompute_deadlines(Case& c, const CaseContext& ctx, Instant now);

/// The case document of docs/contract.md as JSON text, written directly (no tree): byte for byte what the
/// dump of the same document as a tree gives (keys sorted, nlohmann's forms of strings and numbers), as
/// earlier versions stored it. tests/case/document_text_test.cpp holds it to texts those versions wrote.
std::string document_text(const Case& c, const CaseContext& ctx);
void append_document(std::string& out, const Case& c, const CaseContext& ctx);
/// The same document as a tree (parsed from document_text), for callers that read into it.
nlohmann::json to_json(const Case& c, const CaseContext& ctx);

nlohmann::json to_json(const Actor& a);
Actor actor_from_json(const nlohmann::json& j);  // trusted input (the log)
/// actor_from_json(nlohmann::json::parse(text)), with the same result and errors, but without the tree for
/// the form the engine writes (an object of plain ASCII strings, keys sorted): replay reads one per event.
Actor actor_from_text(std::string_view text);

/// Suspensions as excluded ranges (closed ones only, including one the case's end closed).
std::vector<DateRange> closed_suspensions(const Case& c);

/// The instant a handling clock turns yellow: when at most warning_percent of its working time remains.
Instant complaint_yellow_at(const Case& c, const CaseContext& ctx);
OfficeHours office_hours_of(const CaseContext& ctx);

/// The key of a fired supervision event in Case::warnings: "<type>:<clock>", and "@<due>" when it names the
/// due it was about, so a clock whose due moves (an extension) warns again for the new one. `due` is a date
/// (permit clocks) or an RFC 3339 time (complaint clocks), as the event's data gives it; "" when none.
std::string warning_key(std::string_view type, std::string_view clock, std::string_view due);
/// Whether that supervision event already fired on the case.
bool warned(const Case& c, std::string_view type, std::string_view clock, std::string_view due);

/// The clock the case runs now (a permit's acceptance_notice, correction, decision, issuance or
/// verification; a complaint's handling), nullopt when none runs.
std::optional<ClockName> active_clock(const Case& c);

/// The deficiencies of the case's application as they stand (the one-time notice), without the items its
/// commitment covers.
std::vector<Deficiency> open_deficiencies(const Case& c, const Definition& def);

/// Whether a tolerance is still waiting for its items.
inline bool tolerance_pending(const Case& c) { return c.tolerance && c.tolerance->pending; }

/// Whether the verification clock of a decision on a commitment runs (opened and nothing recorded yet).
inline bool verification_open(const Case& c) {
  return c.deadlines.verification.present && !c.verification && !is_terminal(c.state);
}

/// Departments whose opinion is still pending while the case is under review.
std::vector<std::string> awaiting_departments(const Case& c);

}  // namespace permitflow
