// The data of each type of event, typed (docs/architecture.md, "Typed inside, strings at the edges"). The
// rules build these structs, apply() reads them, and the log holds their JSON text: payload_text writes it
// byte for byte as the dump of the JSON tree earlier versions built (the log's hashes cover that text), and
// payload_from_text reads it back, accepting every text any earlier version wrote. Keys an older log may lack
// are std::optional and keep apply()'s defaults. tests/case/event_payload_test.cpp pins both directions on
// every event of the logs the tests hold.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "checklist/checklist.hpp"
#include "common/clock_name.hpp"
#include "common/json_text.hpp"
#include "permitflow/calendar.hpp"
#include "permitflow/case.hpp"
#include "permitflow/event.hpp"

namespace permitflow {

/// The applicant (or reporter) of a case: {"id", "name"} in its events and its document.
struct Applicant {
  Text id;
  Text name;
  bool operator==(const Applicant&) const = default;
};

/// A signed written commitment (承诺书): who signed it, when, and the SHA-256 of the text shown to them.
/// {"signed_at", "signed_by", "text_sha256"} in its events and its document.
struct SignedCommitment {
  std::string signed_by;
  std::string signed_at;  // RFC 3339, as given
  std::string text_sha256;
  bool operator==(const SignedCommitment&) const = default;
};

namespace payload {

/// `submitted`: the application as received. A permit's names no kind (nor did any log before complaints);
/// a complaint's adds kind, category, source, description and location and names its owner `reporter`.
struct Submitted {
  std::string case_id;
  std::optional<Kind> kind;
  std::string permit;                   // the subject (a complaint writes it under `category` too)
  std::optional<std::string> category;  // complaints
  int definition_version = 0;
  std::optional<std::string> definition_hash;  // absent in logs of 0.1.0
  std::optional<std::string> calendar_version;
  std::string facts = "{}";  // the facts object as JSON text (a dump: keys sorted)
  std::vector<SubmittedMaterial> materials;
  Date received_on;
  std::vector<std::string> flags;
  std::optional<Applicant> applicant;  // permits
  std::optional<Applicant> reporter;   // complaints
  std::optional<std::string> source;
  std::optional<std::string> description;
  std::optional<std::string> location;
  std::optional<std::string> renewal_of;
  std::optional<Date> renewal_expiry;
  std::optional<std::vector<std::string>> commitment_items;  // with commitment_signature
  std::optional<SignedCommitment> commitment_signature;
  bool operator==(const Submitted&) const = default;
};

/// `correction_requested`: the one-time notice.
struct CorrectionRequested {
  Date issued_on;
  std::vector<Deficiency> items;
  bool operator==(const CorrectionRequested&) const = default;
};

/// `resubmitted`: the supplements.
struct Resubmitted {
  std::vector<SubmittedMaterial> materials;
  Date received_on;
  std::optional<std::string> facts;  // the changed facts as JSON object text, when any were sent
  std::vector<std::string> flags;
  bool operator==(const Resubmitted&) const = default;
};

/// 容缺受理: the tolerated items and the applicant's signed commitment to bring them by `supply_by`.
struct ToleranceGrant {
  std::vector<std::string> items;
  Date supply_by;
  SignedCommitment commitment;
  bool operator==(const ToleranceGrant&) const = default;
};

/// `accepted` (with a tolerance, or none) and `acceptance_deemed` (a timer's: with its clock).
struct Accepted {
  Date accepted_on;
  std::optional<TimerClock> clock;  // the timer's
  std::optional<ToleranceGrant> tolerance;
  bool operator==(const Accepted&) const = default;
};

/// `rejected`, `withdrawn`, `revoked`, `escalated`: a reason and nothing else.
struct Reasoned {
  std::string reason;
  bool operator==(const Reasoned&) const = default;
};

/// `opinion_recorded`.
struct OpinionRecorded {
  std::string department;
  bool approve = false;  // "opinion": "approve" / "deny"
  std::string comment;
  bool operator==(const OpinionRecorded&) const = default;
};

/// `inspection_recorded`.
struct InspectionRecorded {
  std::vector<std::string> inspectors;
  std::string findings;
  bool operator==(const InspectionRecorded&) const = default;
};

/// `suspended`.
struct Suspended {
  std::string reason;
  Date from;
  int expected_working_days = 0;
  std::string notice;
  bool operator==(const Suspended&) const = default;
};

/// `resumed`.
struct Resumed {
  Date to;
  bool operator==(const Resumed&) const = default;
};

/// `extended` (both kinds).
struct Extended {
  int working_days = 0;
  std::string reason;
  bool operator==(const Extended&) const = default;
};

/// `decided`.
struct Decided {
  bool approved = false;  // "outcome": "approved" / "denied"
  std::string reasons;
  bool operator==(const Decided&) const = default;
};

/// `certificate_issued`, and `renewal_deemed` (a timer's: with its clock).
struct CertificateIssued {
  std::string number;
  Date valid_from;
  std::optional<Date> valid_until;  // null when open-ended
  std::optional<TimerClock> clock;  // the timer's
  bool operator==(const CertificateIssued&) const = default;
};

/// `completion_reported`: no data.
struct Empty {
  bool operator==(const Empty&) const = default;
};

/// Who a supervision event holds responsible: a role or unit ("window", "dispatcher", "leader", a unit id),
/// or the departments whose opinion is awaited.
using Responsible = std::variant<std::string, std::vector<std::string>>;

/// `deadline_warning` and `deadline_overdue` of both kinds. `due` is kept as written: a date for a permit's
/// clocks, an RFC 3339 time for a complaint's, and the case's warning keys (Case::warnings) hold that text.
struct DeadlineAlert {
  TimerClock clock;
  std::string due;
  Light level = Light::yellow;  // yellow (warning) or red (overdue)
  Responsible responsible;
  std::optional<std::string> escalated_to;  // overdue only
  bool operator==(const DeadlineAlert&) const = default;
};

/// Timer events that name only their clock: `correction_lapsed`.
struct Clocked {
  TimerClock clock;
  bool operator==(const Clocked&) const = default;
};

/// `suspension_overrun`.
struct SuspensionOverrun {
  TimerClock clock;  // "suspension:N"
  Date expected_end;
  bool operator==(const SuspensionOverrun&) const = default;
};

/// `permit_expiring`, `permit_expired`: valid_until absent when the certificate has none.
struct Validity {
  TimerClock clock;
  std::optional<Date> valid_until;
  bool operator==(const Validity&) const = default;
};

/// One due or flag a new calendar moved: `from`/`to` a date or RFC 3339 text, null (no clock), or a bool
/// (`provisional`).
using ChangedValue = std::variant<std::monostate, std::string, bool>;
struct CalendarChange {
  ClockName clock = ClockName::decision;
  std::string field;
  ChangedValue from;
  ChangedValue to;
  bool operator==(const CalendarChange&) const = default;
};

/// `deadlines_recomputed`.
struct DeadlinesRecomputed {
  std::string calendar_version;
  std::optional<std::string> previous_calendar_version;
  std::optional<std::vector<CalendarChange>> changes;
  bool operator==(const DeadlinesRecomputed&) const = default;
};

/// `supplied` (容缺补齐).
struct Supplied {
  std::vector<SubmittedMaterial> materials;
  Date received_on;
  std::vector<std::string> outstanding;
  bool pending = false;
  bool operator==(const Supplied&) const = default;
};

/// `supply_reminder`.
struct SupplyReminder {
  TimerClock clock;
  Date due;
  Date supply_by;
  std::vector<std::string> items;
  bool operator==(const SupplyReminder&) const = default;
};

/// `terminated` (容缺 lapsed).
struct Terminated {
  TimerClock clock;
  std::string reason;
  Date supply_by;
  std::vector<std::string> outstanding;
  std::vector<std::string> items;
  bool operator==(const Terminated&) const = default;
};

/// `verification_recorded`.
struct VerificationRecorded {
  std::string result;                 // confirmed, false, exempt
  std::optional<std::string> method;  // null when not given
  std::string note;
  std::vector<std::string> items;
  Date due;
  bool operator==(const VerificationRecorded&) const = default;
};

/// `credit_flagged`.
struct CreditFlagged {
  Applicant applicant;
  std::string reason;
  std::vector<std::string> items;
  std::string signed_by;
  bool operator==(const CreditFlagged&) const = default;
};

/// `registered`.
struct Registered {
  std::optional<std::string> note;
  bool verified = false;
  bool operator==(const Registered&) const = default;
};

/// `dispatched`.
struct Dispatched {
  std::optional<std::string> note;
  std::string unit;
  bool by_table = false;
  bool operator==(const Dispatched&) const = default;
};

/// `returned`.
struct Returned {
  std::string unit;
  std::string reasons;
  bool operator==(const Returned&) const = default;
};

/// `handling_started`, `checked`, `check_failed`: an optional note.
struct Noted {
  std::optional<std::string> note;
  bool operator==(const Noted&) const = default;
};

/// `deputy_assigned`.
struct DeputyAssigned {
  std::string deputy;
  std::optional<std::string> instructions;
  bool operator==(const DeputyAssigned&) const = default;
};

/// `replied`.
struct Replied {
  std::string reply;
  bool operator==(const Replied&) const = default;
};

/// `rated`.
struct Rated {
  int rating = 0;
  std::optional<std::string> comment;
  bool operator==(const Rated&) const = default;
};

/// `reopened`.
struct Reopened {
  int working_days = 0;
  int rating = 0;
  bool operator==(const Reopened&) const = default;
};

/// `closed`: none is written today; a reason is read where a log holds one.
struct Closed {
  std::optional<std::string> reason;
  bool operator==(const Closed&) const = default;
};

/// The JSON forms the log's data and the case document share (the document writes the same items, materials
/// and signed commitments), written by one piece of code each.
/// [{"expires_on", "format", "id", "received_on", "sha256"?}, …]
void write_materials(json_text::Writer& w, const std::vector<SubmittedMaterial>& materials);
/// A notice's items: [{"material", "note"?, "problem"}, …]
void write_notice_items(json_text::Writer& w, const std::vector<Deficiency>& items);
/// {"items"?, "signed_at", "signed_by", "text_sha256"}: with `items` when given (a commitment's).
void write_signature(json_text::Writer& w, const SignedCommitment& s, const std::vector<std::string>* items);

}  // namespace payload

/// The data of an event: one alternative per shape. payload_fits tells which shape each EventType takes.
using EventPayload = std::variant<
    payload::Empty, payload::Submitted, payload::CorrectionRequested, payload::Resubmitted, payload::Accepted,
    payload::Reasoned, payload::OpinionRecorded, payload::InspectionRecorded, payload::Suspended,
    payload::Resumed, payload::Extended, payload::Decided, payload::CertificateIssued, payload::DeadlineAlert,
    payload::Clocked, payload::SuspensionOverrun, payload::Validity, payload::DeadlinesRecomputed,
    payload::Supplied, payload::SupplyReminder, payload::Terminated, payload::VerificationRecorded,
    payload::CreditFlagged, payload::Registered, payload::Dispatched, payload::Returned, payload::Noted,
    payload::DeputyAssigned, payload::Replied, payload::Rated, payload::Reopened, payload::Closed>;

/// The index in EventPayload of the shape events of `type` carry.
std::size_t payload_index(EventType type) noexcept;

/// Whether `p` is the shape events of `type` carry.
inline bool payload_fits(EventType type, const EventPayload& p) noexcept {
  return p.index() == payload_index(type);
}

[[noreturn]] void throw_wrong_payload(EventType type);

/// `p` as the shape T; Error(internal) naming `type` when `p` holds another shape.
template <typename T>
const T& payload_as(EventType type, const EventPayload& p) {
  if (const T* shape = std::get_if<T>(&p)) return *shape;
  throw_wrong_payload(type);
}

/// The clock a supervision event names (TimerClock::text) and the due it is about ("" when it names none):
/// what Case::warnings keys it by.
std::pair<std::string, std::string> warning_subject(const EventPayload& p);

/// The data of events of `type` as JSON text, byte for byte what nlohmann's dump() of the tree earlier
/// versions built writes (keys sorted, its escaping and number forms): the text the log stores and hashes.
/// Throws Error(internal) when `p` is not the shape of `type`.
std::string payload_text(EventType type, const EventPayload& p);
void append_payload_text(std::string& out, EventType type, const EventPayload& p);

/// Reads a stored data text of an event of `type` back into its payload, without a JSON tree. Accepts every
/// text an earlier version wrote (absent keys keep apply()'s defaults; keys this version does not know are
/// skipped). Throws Error(internal) naming the event type and the key on a text it cannot read.
EventPayload payload_from_text(EventType type, std::string_view text);

}  // namespace permitflow
