#include "case/case.hpp"

#include <algorithm>
#include <array>

#include "case/application.hpp"
#include "case/case_kind.hpp"
#include "case/document_writer.hpp"
#include "clock/legal_clock.hpp"
#include "common/json_text.hpp"
#include "permitflow/error.hpp"

namespace permitflow {
namespace {

using nlohmann::json;

std::string str(const json& j, const char* key) {
  const auto it = j.find(key);
  return it == j.end() || it->is_null() ? std::string() : it->get<std::string>();
}

void end_case(Case& c, State s, Date day, std::string reason) {
  c.state = s;
  c.ended_on = day;
  c.end_reason = std::move(reason);
}

Light ended_light(std::optional<Date> ended, Date due) {
  return ended && *ended <= due ? Light::met : Light::red;
}

}  // namespace

json to_json(const Actor& a) {
  json j = {{"id", a.id}, {"role", std::string(to_string(a.role))}};
  if (!a.department.empty()) j["department"] = a.department;
  if (!a.unit.empty()) j["unit"] = a.unit;
  return j;
}

Actor actor_from_json(const json& j) {
  Actor a;
  a.id = j.at("id").get<std::string>();
  const auto role = parse_role(j.at("role").get<std::string>());
  if (!role) throw Error(ErrorCode::internal, "event log holds an unknown role");
  a.role = *role;
  a.department = str(j, "department");
  a.unit = str(j, "unit");
  return a;
}

namespace {

// The actor of a plain text: {"department"?, "id", "role", "unit"?} in that order, each a string of printable
// ASCII without escapes, no spaces. False on anything else, which the caller hands to nlohmann.
bool plain_actor(std::string_view text, Actor& a) {
  std::size_t i = 0;
  const auto plain_string = [&](std::string_view& s) { return json_text::plain_string(text, i, s); };
  if (text.empty() || text[i++] != '{') return false;
  static constexpr std::array<std::string_view, 4> kKeys{"department", "id", "role", "unit"};
  std::size_t next_key = 0;
  bool id = false;
  bool role = false;
  for (;;) {
    std::string_view key;
    std::string_view value;
    if (!plain_string(key) || i >= text.size() || text[i++] != ':' || !plain_string(value)) return false;
    while (next_key < kKeys.size() && kKeys[next_key] != key) ++next_key;
    if (next_key == kKeys.size()) return false;  // unknown, repeated or out of order
    switch (next_key++) {
      case 0:
        a.department = std::string(value);
        break;
      case 1:
        a.id = std::string(value);
        id = true;
        break;
      case 2: {
        const auto r = parse_role(value);
        if (!r) return false;  // nlohmann's path gives the error
        a.role = *r;
        role = true;
        break;
      }
      default:
        a.unit = std::string(value);
    }
    if (i < text.size() && text[i] == ',') {
      ++i;
      continue;
    }
    return id && role && i + 1 == text.size() && text[i] == '}';
  }
}

}  // namespace

Actor actor_from_text(std::string_view text) {
  Actor a;
  if (plain_actor(text, a)) return a;
  return actor_from_json(json::parse(text));
}

std::vector<DateRange> closed_suspensions(const Case& c) {
  std::vector<DateRange> out;
  for (const Suspension& s : c.suspensions)
    if (s.to) out.push_back({s.from, *s.to});
  return out;
}

EventType logged_event_type(std::string_view stored) {
  if (const auto t = parse_event_type(stored)) return *t;
  throw Error(ErrorCode::internal,
              "unknown event type '" + std::string(stored) +
                  "' in the log: the log is corrupt or was written by a newer permitflow");
}

void apply(Case& c, const Event& e, const CaseContext& ctx) {
  const Date day = e.at.local_date(ctx.utc_offset_minutes);
  const bool was_suspended = c.state == State::suspended;
  if (c.version == 0 && e.type != EventType::submitted) {
    throw Error(ErrorCode::internal,
                "a case log must begin with 'submitted', not '" + std::string(to_string(e.type)) + "'");
  }
  if (e.type == EventType::submitted) {
    const auto& d = data_of<payload::Submitted>(e);
    // A log written before complaints existed names no kind: a permit's.
    c.kind = d.kind.value_or(Kind::permit);
    c.id = d.case_id;
    c.subject = d.permit;
    c.definition_version = d.definition_version;
    c.calendar_version = d.calendar_version.value_or("");
    c.applicant = d.reporter ? *d.reporter : d.applicant.value_or(Applicant{});  // complaints: reporter
    c.facts = Facts::parse(d.facts);
    c.materials = d.materials;
    c.renewal_of = d.renewal_of;
    c.renewal_expiry = d.renewal_expiry;
    c.filed_at = e.at;
    c.received_on = d.received_on;
    c.last_submission_on = c.received_on;
    c.flags.assign(d.flags.begin(), d.flags.end());
    c.opinions.clear();
    c.opinions.reserve(ctx.definition.co_approving.size());
    for (const Department& dep : ctx.definition.co_approving) c.opinions[dep.id] = std::nullopt;
    if (d.commitment_signature)
      c.commitment =
          Commitment{d.commitment_items.value_or(std::vector<std::string>{}), *d.commitment_signature};
    c.state = State::submitted;
  }
  switch (e.type) {
    // The events every kind applies alike: the supervision events both kinds fire, a new calendar.
    case EventType::deadline_warning:
    case EventType::deadline_overdue:
      record_warning(c, e);
      break;
    case EventType::deadlines_recomputed:
      c.calendar_version = data_of<payload::DeadlinesRecomputed>(e).calendar_version;
      break;
    default:
      case_kind(c.kind).apply(c, e, ctx);
  }
  // Any way out of a suspension but `resume` ends the case (a withdrawal, a deemed renewal): the stopped time
  // ends that day too, so the case keeps no open suspension and its days stay uncounted.
  if (was_suspended && c.state != State::suspended && c.state != State::under_review &&
      !c.suspensions.empty() && !c.suspensions.back().to) {
    c.suspensions.back().to = day;
    c.suspensions.back().closed_by_end = true;
  }
  c.version = e.seq;
  c.last_event_at = e.at;
  recompute_deadlines(c, ctx, e.at);
  trim_capacity(c);
}

void recompute_deadlines(Case& c, const CaseContext& ctx, Instant now) {
  case_kind(c.kind).recompute_deadlines(c, ctx, now);
}

void refuse_foreign_event(const Case& c, const Event& e) {
  const std::string kind(to_string(c.kind));
  throw Error(ErrorCode::internal, "a " + kind + " case's log holds the event '" +
                                       std::string(to_string(e.type)) + "', which no " + kind +
                                       " case takes (case " + c.id + ")");
}

void record_warning(Case& c, const Event& e) {
  const auto [clock, due] = warning_subject(e.payload);
  c.warnings.push_back(warning_key(to_string(e.type), clock, due));
}

namespace {

// Puts each material in the case, replacing the one of the same id.
void merge_materials(Case& c, const std::vector<SubmittedMaterial>& materials,
                     std::vector<Text>* named = nullptr) {
  for (const SubmittedMaterial& mat : materials) {
    if (named) named->push_back(mat.id);
    const auto it = std::find_if(c.materials.begin(), c.materials.end(),
                                 [&](const SubmittedMaterial& x) { return x.id == mat.id; });
    if (it != c.materials.end()) {
      *it = mat;
    } else {
      c.materials.push_back(mat);
    }
  }
}

// The permit's share of apply(): its events after `submitted`.
void apply_permit_event(Case& c, const Event& e, const CaseContext& ctx) {
  const Date day = e.at.local_date(ctx.utc_offset_minutes);
  switch (e.type) {
    case EventType::submitted:  // the fields every kind has: apply()
      break;
    case EventType::correction_requested:
      c.notices.push_back({day, data_of<payload::CorrectionRequested>(e).items});
      c.resubmitted_since_notice.clear();
      c.state = State::awaiting_correction;
      break;
    case EventType::resubmitted: {
      const auto& d = data_of<payload::Resubmitted>(e);
      merge_materials(c, d.materials, &c.resubmitted_since_notice);
      if (d.facts) {
        const Facts sent = Facts::parse(*d.facts);
        for (const auto& [k, v] : sent.entries()) {
          // A fact sent again unchanged supplements nothing, so it opens nothing to a later notice.
          if (const nlohmann::json* held = c.facts.find(k); held != nullptr && *held == v) continue;
          c.facts.set(k, v);
          c.resubmitted_since_notice.push_back("fact:" + k);
        }
      }
      c.flags.assign(d.flags.begin(), d.flags.end());
      c.last_submission_on = d.received_on;
      c.state = State::submitted;
      break;
    }
    case EventType::accepted:
    case EventType::acceptance_deemed: {
      const auto& d = data_of<payload::Accepted>(e);
      c.accepted_on = d.accepted_on;
      c.deemed_accepted = e.type == EventType::acceptance_deemed;
      c.state = State::under_review;
      if (d.tolerance) {
        Tolerance tl;
        tl.items = d.tolerance->items;
        tl.supply_by = d.tolerance->supply_by;
        tl.outstanding = tl.items;
        tl.commitment = d.tolerance->commitment;
        c.tolerance = std::move(tl);
      }
      break;
    }
    case EventType::supplied: {
      const auto& d = data_of<payload::Supplied>(e);
      merge_materials(c, d.materials);
      if (!c.tolerance) throw Error(ErrorCode::internal, "'supplied' without a tolerance");
      c.tolerance->outstanding = d.outstanding;
      c.tolerance->pending = !c.tolerance->outstanding.empty();
      if (!c.tolerance->pending) c.tolerance->supplied_on = day;
      break;
    }
    case EventType::terminated:
      end_case(c, State::terminated, day, data_of<payload::Terminated>(e).reason);
      if (c.tolerance) c.tolerance->pending = false;  // lapsed: nothing is awaited any more
      break;
    case EventType::verification_recorded: {
      const auto& d = data_of<payload::VerificationRecorded>(e);
      c.verification = Verification{d.result, d.method.value_or(""), d.note, e.actor.id, day};
      break;
    }
    case EventType::credit_flagged:
      c.credit_flagged = true;
      break;
    case EventType::rejected:
      end_case(c, State::not_accepted, day, data_of<payload::Reasoned>(e).reason);
      break;
    case EventType::withdrawn:
      end_case(c, State::withdrawn, day, data_of<payload::Reasoned>(e).reason);
      break;
    case EventType::correction_lapsed:
      end_case(c, State::withdrawn, day, "correction period lapsed");
      break;
    case EventType::opinion_recorded: {
      const auto& d = data_of<payload::OpinionRecorded>(e);
      c.opinions[d.department] =
          Opinion{.comment = d.comment, .actor = e.actor.id, .on = day, .approve = d.approve};
      break;
    }
    case EventType::inspection_recorded: {
      const auto& d = data_of<payload::InspectionRecorded>(e);
      c.inspections.push_back({{d.inspectors.begin(), d.inspectors.end()}, d.findings, e.actor.id, day});
      break;
    }
    case EventType::suspended: {
      const auto& d = data_of<payload::Suspended>(e);
      c.suspensions.push_back({d.reason, d.from, std::nullopt, d.expected_working_days, d.notice});
      c.state = State::suspended;
      break;
    }
    case EventType::resumed:
      if (c.suspensions.empty()) throw Error(ErrorCode::internal, "'resumed' without a suspension");
      c.suspensions.back().to = data_of<payload::Resumed>(e).to;
      c.state = State::under_review;
      break;
    case EventType::extended:
      c.extended_working_days += data_of<payload::Extended>(e).working_days;
      break;
    case EventType::decided: {
      const auto& d = data_of<payload::Decided>(e);
      c.decision = Decision{.reasons = d.reasons, .actor = e.actor.id, .on = day, .approved = d.approved};
      if (d.approved) {
        c.state = State::approved;
      } else {
        end_case(c, State::denied, day, d.reasons);
      }
      break;
    }
    case EventType::certificate_issued:
    case EventType::renewal_deemed: {
      const auto& d = data_of<payload::CertificateIssued>(e);
      if (e.type == EventType::renewal_deemed)
        c.decision = Decision{.reasons = "视为准予延续 (renewal deemed granted, Art 50)",
                              .actor = "system",
                              .on = day,
                              .approved = true};
      c.certificate = Certificate{d.number, d.valid_from, d.valid_until, day};
      c.state = State::issued;
      break;
    }
    case EventType::completion_reported:
      c.completion_reported_on = day;
      break;
    case EventType::closed:
      end_case(c, State::closed, day, data_of<payload::Closed>(e).reason.value_or(""));
      break;
    case EventType::revoked:
      end_case(c, State::revoked, day, data_of<payload::Reasoned>(e).reason);
      break;
    case EventType::permit_expired:
      end_case(c, State::expired, day, "validity ended");
      break;
    case EventType::suspension_overrun:
    case EventType::permit_expiring:
    case EventType::supply_reminder:
      record_warning(c, e);
      break;
    default:  // a complaint's events, and those apply() applies itself for every kind (never passed here)
      refuse_foreign_event(c, e);
  }
}

void recompute_permit_deadlines(Case& c, const CaseContext& ctx, Instant now) {
  const Definition& def = ctx.definition;
  const WorkingCalendar& cal = ctx.calendar;
  const int off = ctx.utc_offset_minutes;
  const int warn = def.limits.warning;
  Deadlines out;

  // 一次性告知 window: 5 working days from the latest (re)submission.
  {
    const LegalClock clock{c.last_submission_on, def.limits.acceptance_notice, {}};
    const WorkingDate due = due_date(clock, cal);
    ClockView& v = out.acceptance_notice;
    v.present = true;
    v.due = due.date;
    v.provisional = due.provisional;
    if (c.state == State::submitted) {
      v.light = light_at(now, yellow_at(clock, due.date, warn, cal, off), red_at(due.date, off));
    } else {
      v.light = c.deemed_accepted ? Light::red : Light::met;
    }
  }
  // The applicant's correction period, where the definition sets one, while it runs.
  if (def.limits.correction && c.state == State::awaiting_correction && !c.notices.empty()) {
    const LegalClock clock{c.notices.back().issued_on, *def.limits.correction, {}};
    const WorkingDate due = due_date(clock, cal);
    ClockView& v = out.correction;
    v.present = true;
    v.due = due.date;
    v.provisional = due.provisional;
    v.light = light_at(now, yellow_at(clock, due.date, warn, cal, off), red_at(due.date, off));
  }
  // Decision clocks: promised (承诺) and statutory (法定), stopped by suspensions, moved by an extension.
  if (c.accepted_on) {
    const int statutory = def.limits.joint_handling ? def.limits.joint_statutory : def.limits.statutory;
    // The dues shown: a suspension the end closed does not move them (they stay as shown while suspended).
    std::vector<DateRange> resumed;
    for (const Suspension& s : c.suspensions)
      if (s.to && !s.closed_by_end) resumed.push_back({s.from, *s.to});
    const LegalClock promised{*c.accepted_on, def.limits.promised + c.extended_working_days, resumed};
    const LegalClock legal{*c.accepted_on, statutory + c.extended_working_days, resumed};
    // Art 50: a renewal is decided before the old permit expires.
    const auto capped = [&](WorkingDate due) {
      if (c.renewal_expiry) due.date = std::min(due.date, *c.renewal_expiry);
      return due;
    };
    const WorkingDate promised_due = capped(due_date(promised, cal));
    const WorkingDate statutory_due = capped(due_date(legal, cal));
    ClockView& v = out.decision;
    v.present = true;
    v.due = promised_due.date;
    v.statutory_due = statutory_due.date;
    v.provisional = promised_due.provisional || statutory_due.provisional;
    if (c.state == State::under_review) {
      v.light = light_at(now, yellow_at(promised, v.due, warn, cal, off), red_at(v.due, off));
      v.statutory_light =
          light_at(now, yellow_at(legal, v.statutory_due, warn, cal, off), red_at(v.statutory_due, off));
    } else if (c.state == State::suspended) {
      v.light = v.statutory_light = Light::stopped;
    } else {
      // An ended clock is judged on the working days it actually counted: every stopped day is left out,
      // including those of a suspension the end closed.
      const std::optional<Date> ended = c.decision ? std::optional<Date>(c.decision->on) : c.ended_on;
      const auto counted_due = [&](LegalClock clock) {
        clock.suspensions = closed_suspensions(c);
        return capped(due_date(clock, cal)).date;
      };
      v.light = ended_light(ended, counted_due(promised));
      v.statutory_light = ended_light(ended, counted_due(legal));
    }
  }
  // Art 44: the certificate within 10 working days of approval.
  if (c.decision && c.decision->approved) {
    const LegalClock clock{c.decision->on, def.limits.issuance, {}};
    const WorkingDate due = due_date(clock, cal);
    ClockView& v = out.issuance;
    v.present = true;
    v.due = due.date;
    v.provisional = due.provisional;
    if (c.state == State::approved) {
      v.light = light_at(now, yellow_at(clock, due.date, warn, cal, off), red_at(due.date, off));
    } else {
      v.light =
          ended_light(c.certificate ? std::optional<Date>(c.certificate->issued_on) : c.ended_on, due.date);
    }
  }
  // 告知承诺: a decision on a commitment is checked within the definition's working days (decision day not
  // counted); the clock ends when the check is recorded.
  if (c.decision && c.decision->approved && c.commitment && def.decide_on_commitment && def.verification) {
    const LegalClock clock{c.decision->on, def.verification->within_working_days, {}};
    const WorkingDate due = due_date(clock, cal);
    ClockView& v = out.verification;
    v.present = true;
    v.due = due.date;
    v.provisional = due.provisional;
    if (c.verification) {
      v.light = ended_light(c.verification->on, due.date);
    } else if (c.state == State::revoked || c.state == State::expired || c.state == State::closed) {
      v.light = ended_light(c.ended_on, due.date);
    } else {
      v.light = light_at(now, yellow_at(clock, due.date, warn, cal, off), red_at(due.date, off));
    }
  }
  c.deadlines = out;
}

}  // namespace

std::vector<Deficiency> open_deficiencies(const Case& c, const Definition& def) {
  auto items = compute_deficiencies(def, c.facts, c.materials);
  return c.commitment ? without_committed(std::move(items), c.commitment->items) : items;
}

std::string warning_key(std::string_view type, std::string_view clock, std::string_view due) {
  std::string key = std::string(type) + ":" + std::string(clock);
  if (!due.empty()) key += "@" + std::string(due);
  return key;
}

bool warned(const Case& c, std::string_view type, std::string_view clock, std::string_view due) {
  return std::find(c.warnings.begin(), c.warnings.end(), warning_key(type, clock, due)) != c.warnings.end();
}

std::optional<ClockName> active_clock(const Case& c) { return case_kind(c.kind).active_clock(c); }

namespace {

std::optional<ClockName> permit_active_clock(const Case& c) {
  switch (c.state) {
    case State::submitted:
      return ClockName::acceptance_notice;
    case State::awaiting_correction:
      if (c.deadlines.correction.present) return ClockName::correction;
      return std::nullopt;
    case State::under_review:
    case State::suspended:
      return ClockName::decision;
    case State::approved:
      return ClockName::issuance;
    case State::issued:
      if (verification_open(c)) return ClockName::verification;
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

}  // namespace

std::vector<std::string> awaiting_departments(const Case& c) {
  std::vector<std::string> out;
  if (c.state != State::under_review && c.state != State::suspended) return out;
  for (const auto& [dept, opinion] : c.opinions)
    if (!opinion) out.push_back(dept.str());
  return out;
}

namespace {

using document::Writer;

void write_clock(Writer& w, const ClockView& v, bool decision, int extended) {
  if (!v.present) {
    w.null();
    return;
  }
  w.begin_object();
  w.key("due");
  w.string(v.due.to_string());
  if (decision) {
    w.key("extended_working_days");
    w.number(extended);
  }
  w.key("light");
  w.string(to_string(v.light));
  w.key("provisional");
  w.boolean(v.provisional);
  if (decision) {
    w.key("statutory_due");
    w.string(v.statutory_due.to_string());
    w.key("statutory_light");
    w.string(to_string(v.statutory_light));
  }
  w.end_object();
}

void write_notices(Writer& w, const std::vector<NoticeRecord>& notices) {
  w.begin_array();
  for (const auto& n : notices) {
    w.begin_object();
    w.key("issued_on");
    w.string(n.issued_on.to_string());
    w.key("items");
    payload::write_notice_items(w, n.items);
    w.end_object();
  }
  w.end_array();
}

void write_opinions(Writer& w, const Opinions& opinions) {
  w.begin_object();  // a std::map: its departments in the order a dump sorts keys
  for (const auto& [dept, o] : opinions) {
    w.key_text(dept);
    if (!o) {
      w.null();
      continue;
    }
    w.begin_object();
    w.key("actor");
    w.string(o->actor);
    w.key("comment");
    w.string(o->comment);
    w.key("opinion");
    w.string(o->approve ? "approve" : "deny");
    w.key("recorded_on");
    w.string(o->on.to_string());
    w.end_object();
  }
  w.end_object();
}

void write_inspections(Writer& w, const std::vector<Inspection>& inspections) {
  w.begin_array();
  for (const auto& i : inspections) {
    w.begin_object();
    w.key("actor");
    w.string(i.actor);
    w.key("findings");
    w.string(i.findings);
    w.key("inspectors");
    document::strings(w, i.inspectors);
    w.key("recorded_on");
    w.string(i.on.to_string());
    w.end_object();
  }
  w.end_array();
}

void write_suspensions(Writer& w, const std::vector<Suspension>& suspensions) {
  w.begin_array();
  for (const auto& s : suspensions) {
    w.begin_object();
    w.key("expected_working_days");
    w.number(s.expected_working_days);
    w.key("from");
    w.string(s.from.to_string());
    w.key("notice");
    w.string(s.notice);
    w.key("reason");
    w.string(s.reason);
    w.key("to");
    document::date_or_null(w, s.to);
    w.end_object();
  }
  w.end_array();
}

void write_decision(Writer& w, const std::optional<Decision>& d) {
  if (!d) {
    w.null();
    return;
  }
  w.begin_object();
  w.key("actor");
  w.string(d->actor);
  w.key("decided_on");
  w.string(d->on.to_string());
  w.key("outcome");
  w.string(d->approved ? "approved" : "denied");
  w.key("reasons");
  w.string(d->reasons);
  w.end_object();
}

void write_certificate(Writer& w, const std::optional<Certificate>& c) {
  if (!c) {
    w.null();
    return;
  }
  w.begin_object();
  w.key("issued_on");
  w.string(c->issued_on.to_string());
  w.key("number");
  w.string(c->number);
  w.key("valid_from");
  w.string(c->valid_from.to_string());
  w.key("valid_until");
  document::date_or_null(w, c->valid_until);
  w.end_object();
}

void write_tolerance(Writer& w, const Tolerance& t) {
  w.begin_object();
  w.key("commitment");
  payload::write_signature(w, t.commitment, nullptr);
  w.key("items");
  document::strings(w, t.items);
  w.key("outstanding");
  document::strings(w, t.outstanding);
  w.key("pending");
  w.boolean(t.pending);
  w.key("supplied_on");
  document::date_or_null(w, t.supplied_on);
  w.key("supply_by");
  w.string(t.supply_by.to_string());
  w.end_object();
}

void write_verification(Writer& w, const Verification& v) {
  w.begin_object();
  w.key("actor");
  w.string(v.actor);
  w.key("method");
  document::string_or_null(w, v.method);
  w.key("note");
  w.string(v.note);
  w.key("recorded_on");
  w.string(v.on.to_string());
  w.key("result");
  w.string(v.result);
  w.end_object();
}

// The permit's own keys of its document. The two acceptance paths' fields appear only on a case that took
// one, so the document of every other case stays what earlier versions stored (docs/contract.md §17).
void write_permit_document(CaseDocument& doc, const Case& c, const CaseContext&) {
  Writer& w = doc.writer();
  doc.key("accepted_on");
  document::date_or_null(w, c.accepted_on);
  doc.key("certificate");
  write_certificate(w, c.certificate);
  if (c.commitment) {
    doc.key("commitment");
    payload::write_signature(w, c.commitment->signature, &c.commitment->items);
  }
  doc.key("completion_reported_on");
  document::date_or_null(w, c.completion_reported_on);
  if (c.credit_flagged) {
    doc.key("credit_flagged");
    w.boolean(true);
  }
  doc.key("deadlines");
  w.begin_object();
  w.key("acceptance_notice");
  write_clock(w, c.deadlines.acceptance_notice, false, 0);
  w.key("correction");
  write_clock(w, c.deadlines.correction, false, 0);
  w.key("decision");
  write_clock(w, c.deadlines.decision, true, c.extended_working_days);
  w.key("issuance");
  write_clock(w, c.deadlines.issuance, false, 0);
  if (c.deadlines.verification.present) {
    w.key("verification");
    write_clock(w, c.deadlines.verification, false, 0);
  }
  w.end_object();
  doc.key("decision");
  write_decision(w, c.decision);
  doc.key("deemed_accepted");
  w.boolean(c.deemed_accepted);
  doc.key("end_reason");
  document::string_or_null(w, c.end_reason);
  doc.key("facts");
  w.raw(c.facts.text());
  doc.key("inspections");
  write_inspections(w, c.inspections);
  doc.key("materials");
  payload::write_materials(w, c.materials);
  doc.key("notices");
  write_notices(w, c.notices);
  doc.key("opinions");
  write_opinions(w, c.opinions);
  doc.key("received_on");
  w.string(c.received_on.to_string());
  doc.key("renewal_of");
  if (c.renewal_of) {
    w.string(*c.renewal_of);
  } else {
    w.null();
  }
  doc.key("suspensions");
  write_suspensions(w, c.suspensions);
  if (c.tolerance) {
    doc.key("tolerance");
    write_tolerance(w, *c.tolerance);
  }
  if (c.verification) {
    doc.key("verification");
    write_verification(w, *c.verification);
  }
}

}  // namespace

constinit const CaseKind kPermitCase{Kind::permit, document_keys({"permit", "permit_name", "applicant"}),
                                     &apply_permit_event, &recompute_permit_deadlines, &permit_active_clock,
                                     // a permit's states: those that end it (closed among them)
                                     static_cast<bool (*)(State) noexcept>(&is_terminal),
                                     &write_permit_document};

namespace {

// The registry: one entry per Kind, in the order of the workflows (permit first).
constexpr std::array<const CaseKind*, 2> kCaseKinds{&kPermitCase, &kComplaintCase};

}  // namespace

const CaseKind& case_kind(Kind kind) {
  for (const CaseKind* k : kCaseKinds)
    if (k->kind == kind) return *k;
  throw Error(ErrorCode::internal, "no case kind '" + std::string(to_string(kind)) + "'");
}

std::span<const CaseKind* const> case_kinds() noexcept { return kCaseKinds; }

bool is_terminal(State s, Kind kind) noexcept {
  for (const CaseKind* k : kCaseKinds)
    if (k->kind == kind) return k->is_terminal(s);
  return false;  // no such kind
}

CaseDocument::CaseDocument(Writer& w, const Case& c, const CaseContext& ctx, const DocumentKeys& keys)
    : w_(w), c_(c), ctx_(ctx), keys_(keys) {
  w_.begin_object();
}

namespace {

// Byte order of two short keys, inline: string_view's < calls memcmp, and a document compares dozens.
bool sorts_before(std::string_view a, std::string_view b) {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[i]);
  }
  return a.size() < b.size();
}

}  // namespace

void CaseDocument::key(json_text::PlainKey name) {
  while (next_ < keys_.in_order.size() && sorts_before(keys_.in_order[next_].name, name.text()))
    write_shared(keys_.in_order[next_++]);
  w_.key(name);
}

void CaseDocument::end() {
  while (next_ < keys_.in_order.size()) write_shared(keys_.in_order[next_++]);
  w_.end_object();
}

void CaseDocument::write_shared(const DocumentKeys::Entry& entry) {
  const int off = ctx_.utc_offset_minutes;
  w_.key_text(entry.name);
  switch (entry.key) {
    case SharedKey::subject:
      w_.string(c_.subject);
      break;
    case SharedKey::subject_name:
      document::name(w_, ctx_.definition.name.en, ctx_.definition.name.zh);
      break;
    case SharedKey::owner:
      document::party(w_, c_.applicant.id, c_.applicant.name);
      break;
    case SharedKey::definition_version:
      w_.number(c_.definition_version);
      break;
    case SharedKey::ended_on:
      document::date_or_null(w_, c_.ended_on);
      break;
    case SharedKey::filed_at:
      w_.string(c_.filed_at.to_rfc3339(off));
      break;
    case SharedKey::flags:
      document::strings(w_, c_.flags);
      break;
    case SharedKey::id:
      w_.string(c_.id);
      break;
    case SharedKey::kind:
      w_.string(to_string(c_.kind));
      break;
    case SharedKey::last_event_at:
      w_.string(c_.last_event_at.to_rfc3339(off));
      break;
    case SharedKey::state:
      w_.string(to_string(c_.state));
      break;
    case SharedKey::version:
      w_.number(c_.version);
      break;
    case SharedKey::warnings:
      document::strings(w_, c_.warnings);
      break;
  }
}

// The document's keys in byte order, as the dump of the same document as a tree wrote them (the stored
// documents of earlier versions, which verify compares as written).
void append_document(std::string& out, const Case& c, const CaseContext& ctx) {
  Writer w(out);
  const CaseKind& kind = case_kind(c.kind);
  CaseDocument doc(w, c, ctx, kind.document);
  kind.write_document(doc, c, ctx);
  doc.end();
}

std::string document_text(const Case& c, const CaseContext& ctx) {
  // A permit's document passes 3 KB by its decision: one block from the start, not a second one and a copy.
  std::string out;
  out.reserve(4096);
  append_document(out, c, ctx);
  return out;
}

json to_json(const Case& c, const CaseContext& ctx) { return json::parse(document_text(c, ctx)); }

const ClockView* Deadlines::find(ClockName clock) const {
  switch (clock) {
    case ClockName::acceptance_notice:
      return &acceptance_notice;
    case ClockName::correction:
      return &correction;
    case ClockName::decision:
    case ClockName::decision_statutory:
      return &decision;
    case ClockName::issuance:
      return &issuance;
    case ClockName::verification:
      return &verification;
    case ClockName::suspension:
    case ClockName::renewal:
    case ClockName::validity:
    case ClockName::tolerance:
    case ClockName::handling:
    case ClockName::review:
      return nullptr;
  }
  return nullptr;  // not reached: every clock is listed above
}

}  // namespace permitflow
