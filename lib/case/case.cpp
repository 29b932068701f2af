#include "case/case.hpp"

#include <algorithm>

#include "case/application.hpp"
#include "clock/legal_clock.hpp"
#include "permitflow/error.hpp"

namespace permitflow {
namespace {

using nlohmann::json;

std::optional<Date> opt_date(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return Date::parse(it->get<std::string>());
}

json date_or_null(const std::optional<Date>& d) { return d ? json(d->to_string()) : json(nullptr); }

std::string str(const json& j, const char* key) {
  const auto it = j.find(key);
  return it == j.end() || it->is_null() ? std::string() : it->get<std::string>();
}

SubmittedMaterial material_from_json(const json& m) {
  SubmittedMaterial out;
  out.id = m.at("id").get<std::string>();
  out.format = str(m, "format");
  out.expires_on = opt_date(m, "expires_on");
  out.sha256 = str(m, "sha256");
  out.received_on = Date::parse(m.at("received_on").get<std::string>());
  return out;
}

json material_to_json(const SubmittedMaterial& m) {
  json j = {{"id", m.id}, {"format", m.format}, {"expires_on", date_or_null(m.expires_on)}};
  if (!m.sha256.empty()) j["sha256"] = m.sha256;
  j["received_on"] = m.received_on.to_string();
  return j;
}

std::vector<Deficiency> items_from_json(const json& items) {
  std::vector<Deficiency> out;
  for (const json& i : items) {
    const auto problem = parse_problem(i.at("problem").get<std::string>());
    if (!problem) throw Error(ErrorCode::internal, "event log holds an unknown notice problem");
    out.push_back({i.at("material").get<std::string>(), *problem, str(i, "note")});
  }
  return out;
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
  const json& d = e.data;
  const bool was_suspended = c.state == State::suspended;
  if (c.version == 0 && e.type != EventType::submitted) {
    throw Error(ErrorCode::internal,
                "a case log must begin with 'submitted', not '" + std::string(to_string(e.type)) + "'");
  }
  if (e.type == EventType::submitted) {
    c.id = d.at("case_id").get<std::string>();
    c.permit = d.at("permit").get<std::string>();
    c.definition_version = d.at("definition_version").get<int>();
    c.calendar_version = str(d, "calendar_version");
    const json& who = d.contains("reporter") ? d["reporter"] : d.at("applicant");  // complaints: reporter
    c.applicant = {who.at("id").get<std::string>(), str(who, "name")};
    c.facts = d.at("facts");
    c.materials.clear();
    for (const json& m : d.at("materials")) c.materials.push_back(material_from_json(m));
    c.renewal_of = d.contains("renewal_of") && !d["renewal_of"].is_null()
                       ? std::optional<std::string>(d["renewal_of"].get<std::string>())
                       : std::nullopt;
    c.renewal_expiry = opt_date(d, "renewal_expiry");
    c.filed_at = e.at;
    c.received_on = Date::parse(d.at("received_on").get<std::string>());
    c.last_submission_on = c.received_on;
    c.flags = d.at("flags").get<std::vector<std::string>>();
    c.opinions.clear();
    for (const Department& dep : ctx.definition.co_approving) c.opinions[dep.id] = std::nullopt;
    if (d.contains("commitment"))
      c.commitment = Commitment{d["commitment"].at("items").get<std::vector<std::string>>(),
                                signed_commitment_from_json(d["commitment"])};
    c.state = State::submitted;
    if (parse_kind(str(d, "kind")) == Kind::complaint) apply_complaint_event(c, e, ctx);
  } else if (c.kind == Kind::complaint) {
    apply_complaint_event(c, e, ctx);
  } else {
    switch (e.type) {
      case EventType::correction_requested:
        c.notices.push_back({day, items_from_json(d.at("items"))});
        c.resubmitted_since_notice.clear();
        c.state = State::awaiting_correction;
        break;
      case EventType::resubmitted: {
        const Date received = Date::parse(d.at("received_on").get<std::string>());
        for (const json& m : d.at("materials")) {
          SubmittedMaterial mat = material_from_json(m);
          c.resubmitted_since_notice.push_back(mat.id);
          const auto it = std::find_if(c.materials.begin(), c.materials.end(),
                                       [&](const SubmittedMaterial& x) { return x.id == mat.id; });
          if (it != c.materials.end()) {
            *it = std::move(mat);
          } else {
            c.materials.push_back(std::move(mat));
          }
        }
        if (d.contains("facts")) {
          for (const auto& [k, v] : d["facts"].items()) {
            // A fact sent again unchanged supplements nothing, so it opens nothing to a later notice.
            if (c.facts.contains(k) && c.facts[k] == v) continue;
            c.facts[k] = v;
            c.resubmitted_since_notice.push_back("fact:" + k);
          }
        }
        c.flags = d.at("flags").get<std::vector<std::string>>();
        c.last_submission_on = received;
        c.state = State::submitted;
        break;
      }
      case EventType::accepted:
      case EventType::acceptance_deemed:
        c.accepted_on = Date::parse(d.at("accepted_on").get<std::string>());
        c.deemed_accepted = e.type == EventType::acceptance_deemed;
        c.state = State::under_review;
        if (d.contains("tolerance")) {
          const json& tol = d["tolerance"];
          Tolerance tl;
          tl.items = tol.at("items").get<std::vector<std::string>>();
          tl.supply_by = Date::parse(tol.at("supply_by").get<std::string>());
          tl.outstanding = tl.items;
          tl.commitment = signed_commitment_from_json(tol.at("commitment"));
          c.tolerance = std::move(tl);
        }
        break;
      case EventType::supplied:
        for (const json& m : d.at("materials")) {
          SubmittedMaterial mat = material_from_json(m);
          const auto it = std::find_if(c.materials.begin(), c.materials.end(),
                                       [&](const SubmittedMaterial& x) { return x.id == mat.id; });
          if (it != c.materials.end()) {
            *it = std::move(mat);
          } else {
            c.materials.push_back(std::move(mat));
          }
        }
        if (!c.tolerance) throw Error(ErrorCode::internal, "'supplied' without a tolerance");
        c.tolerance->outstanding = d.at("outstanding").get<std::vector<std::string>>();
        c.tolerance->pending = !c.tolerance->outstanding.empty();
        if (!c.tolerance->pending) c.tolerance->supplied_on = day;
        break;
      case EventType::terminated:
        end_case(c, State::terminated, day, str(d, "reason"));
        if (c.tolerance) c.tolerance->pending = false;  // lapsed: nothing is awaited any more
        break;
      case EventType::verification_recorded:
        c.verification = Verification{str(d, "result"), str(d, "method"), str(d, "note"), e.actor.id, day};
        break;
      case EventType::credit_flagged:
        c.credit_flagged = true;
        break;
      case EventType::rejected:
        end_case(c, State::not_accepted, day, str(d, "reason"));
        break;
      case EventType::withdrawn:
        end_case(c, State::withdrawn, day, str(d, "reason"));
        break;
      case EventType::correction_lapsed:
        end_case(c, State::withdrawn, day, "correction period lapsed");
        break;
      case EventType::opinion_recorded:
        c.opinions[d.at("department").get<std::string>()] =
            Opinion{d.at("opinion").get<std::string>() == "approve", str(d, "comment"), e.actor.id, day};
        break;
      case EventType::inspection_recorded:
        c.inspections.push_back(
            {d.at("inspectors").get<std::vector<std::string>>(), str(d, "findings"), e.actor.id, day});
        break;
      case EventType::suspended:
        c.suspensions.push_back({d.at("reason").get<std::string>(),
                                 Date::parse(d.at("from").get<std::string>()), std::nullopt,
                                 d.at("expected_working_days").get<int>(), str(d, "notice")});
        c.state = State::suspended;
        break;
      case EventType::resumed:
        if (c.suspensions.empty()) throw Error(ErrorCode::internal, "'resumed' without a suspension");
        c.suspensions.back().to = Date::parse(d.at("to").get<std::string>());
        c.state = State::under_review;
        break;
      case EventType::extended:
        c.extended_working_days += d.at("working_days").get<int>();
        break;
      case EventType::decided: {
        const bool approved = d.at("outcome").get<std::string>() == "approved";
        c.decision = Decision{approved, str(d, "reasons"), e.actor.id, day};
        if (approved) {
          c.state = State::approved;
        } else {
          end_case(c, State::denied, day, str(d, "reasons"));
        }
        break;
      }
      case EventType::certificate_issued:
      case EventType::renewal_deemed:
        if (e.type == EventType::renewal_deemed)
          c.decision = Decision{true, "视为准予延续 (renewal deemed granted, Art 50)", "system", day};
        c.certificate =
            Certificate{d.at("number").get<std::string>(), Date::parse(d.at("valid_from").get<std::string>()),
                        opt_date(d, "valid_until"), day};
        c.state = State::issued;
        break;
      case EventType::completion_reported:
        c.completion_reported_on = day;
        break;
      case EventType::closed:
        end_case(c, State::closed, day, str(d, "reason"));
        break;
      case EventType::revoked:
        end_case(c, State::revoked, day, str(d, "reason"));
        break;
      case EventType::permit_expired:
        end_case(c, State::expired, day, "validity ended");
        break;
      case EventType::deadline_warning:
      case EventType::deadline_overdue:
      case EventType::suspension_overrun:
      case EventType::permit_expiring:
      case EventType::supply_reminder: {
        c.warnings.push_back(warning_key(to_string(e.type), str(d, "clock"), str(d, "due")));
        break;
      }
      case EventType::deadlines_recomputed:
        c.calendar_version = str(d, "calendar_version");
        break;
      case EventType::submitted:
      case EventType::registered:
      case EventType::dispatched:
      case EventType::returned:
      case EventType::handling_started:
      case EventType::escalated:
      case EventType::deputy_assigned:
      case EventType::replied:
      case EventType::check_failed:
      case EventType::checked:
      case EventType::rated:
      case EventType::reopened:
        throw Error(ErrorCode::internal, "a permit case's log holds the event '" +
                                             std::string(to_string(e.type)) +
                                             "', which no permit case takes (case " + c.id + ")");
    }
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
}

void recompute_deadlines(Case& c, const CaseContext& ctx, Instant now) {
  if (c.kind == Kind::complaint) return recompute_complaint_deadlines(c, ctx, now);
  const PermitDefinition& def = ctx.definition;
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
    out.correction = {true,
                      due.date,
                      light_at(now, yellow_at(clock, due.date, warn, cal, off), red_at(due.date, off)),
                      due.provisional,
                      {},
                      Light::green};
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

std::vector<Deficiency> open_deficiencies(const Case& c, const PermitDefinition& def) {
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

std::string active_clock(const Case& c) {
  if (c.kind == Kind::complaint) {
    return c.state == State::closed || c.state == State::rated || c.complaint.replied_at ? "" : "handling";
  }
  switch (c.state) {
    case State::submitted:
      return "acceptance_notice";
    case State::awaiting_correction:
      return c.deadlines.correction.present ? "correction" : "";
    case State::under_review:
    case State::suspended:
      return "decision";
    case State::approved:
      return "issuance";
    case State::issued:
      return verification_open(c) ? "verification" : "";
    default:
      return "";
  }
}

std::vector<std::string> awaiting_departments(const Case& c) {
  std::vector<std::string> out;
  if (c.state != State::under_review && c.state != State::suspended) return out;
  for (const auto& [dept, opinion] : c.opinions)
    if (!opinion) out.push_back(dept);
  return out;
}

namespace {

json clock_json(const ClockView& v, bool decision, int extended) {
  if (!v.present) return nullptr;
  json j = {{"due", v.due.to_string()}};
  if (decision) {
    j["statutory_due"] = v.statutory_due.to_string();
    j["light"] = std::string(to_string(v.light));
    j["statutory_light"] = std::string(to_string(v.statutory_light));
    j["extended_working_days"] = extended;
  } else {
    j["light"] = std::string(to_string(v.light));
  }
  j["provisional"] = v.provisional;
  return j;
}

}  // namespace

json to_json(const Case& c, const CaseContext& ctx) {
  if (c.kind == Kind::complaint) return complaint_to_json(c, ctx);
  json materials = json::array();
  for (const auto& m : c.materials) materials.push_back(material_to_json(m));
  json notices = json::array();
  for (const auto& n : c.notices) {
    json items = json::array();
    for (const auto& i : n.items) {
      json item = {{"material", i.material}, {"problem", std::string(to_string(i.problem))}};
      if (!i.note.empty()) item["note"] = i.note;
      items.push_back(std::move(item));
    }
    notices.push_back({{"issued_on", n.issued_on.to_string()}, {"items", std::move(items)}});
  }
  json opinions = json::object();
  for (const auto& [dept, o] : c.opinions) {
    opinions[dept] = o ? json{{"opinion", o->approve ? "approve" : "deny"},
                              {"comment", o->comment},
                              {"actor", o->actor},
                              {"recorded_on", o->on.to_string()}}
                       : json(nullptr);
  }
  json inspections = json::array();
  for (const auto& i : c.inspections) {
    inspections.push_back({{"inspectors", i.inspectors},
                           {"findings", i.findings},
                           {"actor", i.actor},
                           {"recorded_on", i.on.to_string()}});
  }
  json suspensions = json::array();
  for (const auto& s : c.suspensions) {
    suspensions.push_back({{"reason", s.reason},
                           {"from", s.from.to_string()},
                           {"to", date_or_null(s.to)},
                           {"expected_working_days", s.expected_working_days},
                           {"notice", s.notice}});
  }
  json decision = nullptr;
  if (c.decision) {
    decision = {{"outcome", c.decision->approved ? "approved" : "denied"},
                {"reasons", c.decision->reasons},
                {"actor", c.decision->actor},
                {"decided_on", c.decision->on.to_string()}};
  }
  json certificate = nullptr;
  if (c.certificate) {
    certificate = {{"number", c.certificate->number},
                   {"valid_from", c.certificate->valid_from.to_string()},
                   {"valid_until", date_or_null(c.certificate->valid_until)},
                   {"issued_on", c.certificate->issued_on.to_string()}};
  }
  json tolerance = nullptr;
  if (c.tolerance) {
    const Tolerance& t = *c.tolerance;
    tolerance = {{"items", t.items},
                 {"supply_by", t.supply_by.to_string()},
                 {"pending", t.pending},
                 {"outstanding", t.outstanding},
                 {"supplied_on", date_or_null(t.supplied_on)},
                 {"commitment", signed_commitment_json(t.commitment)}};
  }
  json commitment = nullptr;
  if (c.commitment) {
    commitment = signed_commitment_json(c.commitment->signature);
    commitment["items"] = c.commitment->items;
  }
  json verification = nullptr;
  if (c.verification) {
    verification = {{"result", c.verification->result},
                    {"method", c.verification->method.empty() ? json(nullptr) : json(c.verification->method)},
                    {"note", c.verification->note},
                    {"actor", c.verification->actor},
                    {"recorded_on", c.verification->on.to_string()}};
  }
  const std::string& name_zh = ctx.definition.name.zh;
  json doc{
      {"id", c.id},
      {"kind", std::string(to_string(c.kind))},
      {"permit", c.permit},
      {"permit_name", {{"zh", name_zh}, {"en", ctx.definition.name.en}}},
      {"definition_version", c.definition_version},
      {"state", std::string(to_string(c.state))},
      {"version", c.version},
      {"applicant", {{"id", c.applicant.id}, {"name", c.applicant.name}}},
      {"facts", c.facts},
      {"materials", std::move(materials)},
      {"renewal_of", c.renewal_of ? json(*c.renewal_of) : json(nullptr)},
      {"received_on", c.received_on.to_string()},
      {"filed_at", c.filed_at.to_rfc3339(ctx.utc_offset_minutes)},
      {"accepted_on", date_or_null(c.accepted_on)},
      {"deemed_accepted", c.deemed_accepted},
      {"notices", std::move(notices)},
      {"opinions", std::move(opinions)},
      {"inspections", std::move(inspections)},
      {"suspensions", std::move(suspensions)},
      {"decision", std::move(decision)},
      {"certificate", std::move(certificate)},
      {"completion_reported_on", date_or_null(c.completion_reported_on)},
      {"ended_on", date_or_null(c.ended_on)},
      {"end_reason", c.end_reason.empty() ? json(nullptr) : json(c.end_reason)},
      {"flags", c.flags},
      {"warnings", c.warnings},
      {"deadlines",
       {{"acceptance_notice", clock_json(c.deadlines.acceptance_notice, false, 0)},
        {"correction", clock_json(c.deadlines.correction, false, 0)},
        {"decision", clock_json(c.deadlines.decision, true, c.extended_working_days)},
        {"issuance", clock_json(c.deadlines.issuance, false, 0)}}},
      {"last_event_at", c.last_event_at.to_rfc3339(ctx.utc_offset_minutes)},
  };
  // The two acceptance paths' fields appear only on a case that took one, so the document of every other
  // case stays what earlier versions stored and verify compares it as written (docs/contract.md §17).
  if (c.tolerance) doc["tolerance"] = std::move(tolerance);
  if (c.commitment) doc["commitment"] = std::move(commitment);
  if (c.verification) doc["verification"] = std::move(verification);
  if (c.credit_flagged) doc["credit_flagged"] = true;
  if (c.deadlines.verification.present)
    doc["deadlines"]["verification"] = clock_json(c.deadlines.verification, false, 0);
  return doc;
}

const ClockView* Deadlines::find(std::string_view clock) const {
  if (clock == "acceptance_notice") return &acceptance_notice;
  if (clock == "correction") return &correction;
  if (clock == "decision" || clock == "decision_statutory") return &decision;
  if (clock == "issuance") return &issuance;
  if (clock == "verification") return &verification;
  return nullptr;
}

}  // namespace permitflow
