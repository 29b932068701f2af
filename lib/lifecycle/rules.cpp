#include "lifecycle/rules.hpp"

#include <algorithm>
#include <set>

#include "case/application.hpp"
#include "checklist/checklist.hpp"
#include "clock/legal_clock.hpp"
#include "permitflow/error.hpp"

namespace permitflow::rules {
namespace {

using nlohmann::json;

[[noreturn]] void violation(const std::string& message) { throw Error(ErrorCode::rule_violation, message); }

Date day_of(const Command& cmd, const CaseContext& ctx) { return cmd.at.local_date(ctx.utc_offset_minutes); }

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

std::string describe(const std::vector<Deficiency>& items) {
  std::vector<std::string> parts;
  for (const auto& d : items) parts.push_back(d.material + " (" + std::string(to_string(d.problem)) + ")");
  return join(parts);
}

// The list-fact requirement whose notice items carry this prefix ("vehicle" of "vehicle:<plate>").
const ItemCheck* item_check(const Definition& def, std::string_view prefix) {
  const auto it = std::find_if(def.item_checks.begin(), def.item_checks.end(),
                               [&](const ItemCheck& c) { return c.item == prefix; });
  return it == def.item_checks.end() ? nullptr : &*it;
}

bool in_earlier_notice(const Case& c, std::string_view material) {
  for (const auto& n : c.notices)
    for (const auto& i : n.items)
      if (i.material == material) return true;
  return false;
}

// A later notice may name only what concerns the supplements: a resubmitted material, a fact that changed,
// or what a changed fact bears on (a missing answer, the vehicles' own items, a material the facts make
// required). A fact sent again unchanged is no supplement (lib/case drops it from the list).
bool concerns_supplements(const Case& c, const Definition& def, const Deficiency& d) {
  const auto& since = c.resubmitted_since_notice;
  const auto named = [&](std::string_view id) {
    return std::find(since.begin(), since.end(), id) != since.end();
  };
  if (named(d.material)) return true;
  const auto changed = [&](const std::string& fact) { return named("fact:" + fact); };
  const bool any_fact_changed =
      std::any_of(since.begin(), since.end(), [](const Text& s) { return s.starts_with("fact:"); });
  if (d.material.rfind("fact:", 0) == 0) return any_fact_changed;
  if (const auto colon = d.material.find(':'); colon != std::string::npos) {  // "<id>:<plate>"
    const std::string id = d.material.substr(0, colon);
    if (const ItemCheck* check = item_check(def, id)) return changed(check->list_fact);
    const MaterialSpec* spec = def.material(id);
    return changed("vehicles") && spec && spec->per_vehicle;
  }
  const MaterialSpec* spec = def.material(d.material);
  if (d.problem != Problem::condition_required || !spec || !spec->required_if) return false;
  std::set<std::string> reads;
  collect_condition_facts(*spec->required_if, reads);
  return std::any_of(reads.begin(), reads.end(), changed);
}

bool on_checklist(const Case& c, const Definition& def, std::string_view material) {
  if (def.material(material)) return true;
  if (material.rfind("fact:", 0) == 0) return def.fact(material.substr(5)) != nullptr;
  const auto colon = material.find(':');
  if (colon != std::string::npos) {
    const MaterialSpec* spec = def.material(material.substr(0, colon));
    if (spec && spec->per_vehicle) return true;
    if (item_check(def, material.substr(0, colon)) != nullptr) return true;
  }
  return std::any_of(c.materials.begin(), c.materials.end(),
                     [&](const SubmittedMaterial& m) { return m.id == material; });
}

// Materials of a command, received on the day the rule settles (the edge parses them without one).
std::vector<SubmittedMaterial> received_on(std::vector<SubmittedMaterial> materials, Date day) {
  for (auto& m : materials) m.received_on = day;
  return materials;
}

}  // namespace

Events single_event(const Case& c, const Command& cmd, EventType type, EventPayload data) {
  Events out;
  out.push_back(Event{c.version + 1, type, cmd.at, cmd.actor, std::move(data)});
  return out;
}

Actor system_actor() { return Actor{"system", Role::system, "", ""}; }

Events accept(const Case& c, const Command& cmd, const CaseContext& ctx) {
  const auto open = open_deficiencies(c, ctx.definition);
  const auto& tolerance_request = cmd.as<commands::Accept>().tolerance;
  // Acceptance on a rest day counts from the next working day, as a receipt does, and never before the
  // receipt of the submission it accepts.
  const Date on = std::max(ctx.calendar.working_day_on_or_after(day_of(cmd, ctx)), c.last_submission_on);
  if (!tolerance_request) {
    if (!open.empty()) {
      violation("the application is not complete, so it cannot be accepted; still deficient: " +
                describe(open));
    }
    return single_event(c, cmd, EventType::accepted, payload::Accepted{on, std::nullopt, std::nullopt});
  }
  // 容缺受理: only secondary (tolerable) items may be outstanding, every one of them named, and the applicant
  // must bring them before the promised decision due.
  const commands::ToleranceRequest& t = *tolerance_request;
  if (const std::string fact = credit_gate(c.facts); !fact.empty()) {
    violation("tolerant acceptance is closed to this applicant (" + fact +
              "); the application can be accepted only once complete");
  }
  const std::vector<std::string>& items = t.items;
  std::vector<std::string> not_tolerable;
  std::vector<std::string> unnamed;
  for (const auto& d : open) {
    const MaterialSpec* spec = ctx.definition.material(d.material.substr(0, d.material.find(':')));
    const bool tolerable = spec != nullptr && spec->tolerable && d.material.rfind("fact:", 0) != 0 &&
                           d.material.rfind("vehicle:", 0) != 0;
    if (!tolerable) {
      not_tolerable.push_back(d.material + " (" + std::string(to_string(d.problem)) + ")");
    } else if (std::find(items.begin(), items.end(), d.material) == items.end()) {
      unnamed.push_back(d.material.str());
    }
  }
  if (!not_tolerable.empty()) {
    violation("容缺受理: these items are not tolerable and must be in order before acceptance: " +
              join(not_tolerable));
  }
  if (!unnamed.empty())
    violation("容缺受理: the tolerance must name every outstanding item; it omits " + join(unnamed));
  std::vector<std::string> in_order;
  for (const auto& i : items) {
    if (std::none_of(open.begin(), open.end(), [&](const Deficiency& d) { return d.material == i; }))
      in_order.push_back(i);
  }
  if (!in_order.empty()) {
    violation("容缺受理: the tolerance names items that are not outstanding: " + join(in_order));
  }
  const Date today = day_of(cmd, ctx);
  const Date supply_by = t.supply_by;
  Events out = single_event(
      c, cmd, EventType::accepted,
      payload::Accepted{on, std::nullopt, payload::ToleranceGrant{items, supply_by, t.commitment}});
  Case after = c;
  apply(after, out.front(), ctx);
  const Date due = after.deadlines.decision.due;
  if (supply_by < today) {
    violation("容缺受理: supply_by " + supply_by.to_string() + " is before the acceptance day " +
              today.to_string());
  }
  if (supply_by > due) {
    violation("容缺受理: supply_by " + supply_by.to_string() + " is after the promised decision due " +
              due.to_string() + "; the supply period may not exceed the promised limit");
  }
  return out;
}

std::string case_refuses(const Case& c, CommandType type) {
  switch (type) {
    case CommandType::supply:
      if (!tolerance_pending(c)) return "no tolerance is pending on this case, so there is nothing to supply";
      return "";
    case CommandType::record_verification:
      if (!c.deadlines.verification.present)
        return "this case was not decided on a commitment, so there is no verification to record";
      if (c.verification) {
        return "the verification was already recorded (" + c.verification->result + " on " +
               c.verification->on.to_string() + ")";
      }
      return "";
    default:
      return "";
  }
}

// 容缺补齐: the applicant brings the tolerated items; checked like a resubmission, the tolerance ends once
// every named item is in order.
Events supply(const Case& c, const Command& cmd, const CaseContext& ctx) {
  if (auto why = case_refuses(c, CommandType::supply); !why.empty()) violation(why);
  const Tolerance& tol = *c.tolerance;
  const Date received = ctx.calendar.working_day_on_or_after(day_of(cmd, ctx));
  const auto materials = received_on(cmd.as<commands::Supply>().materials, received);
  std::vector<std::string> foreign;
  for (const auto& m : materials) {
    if (std::find(tol.items.begin(), tol.items.end(), m.id) == tol.items.end()) foreign.push_back(m.id.str());
  }
  if (!foreign.empty()) {
    violation("a supply brings only the tolerated items (" + join(tol.items) +
              "); not among them: " + join(foreign));
  }
  Case merged = c;
  for (const auto& m : materials) {
    const auto it = std::find_if(merged.materials.begin(), merged.materials.end(),
                                 [&](const SubmittedMaterial& x) { return x.id == m.id; });
    if (it != merged.materials.end()) {
      *it = m;
    } else {
      merged.materials.push_back(m);
    }
  }
  std::vector<std::string> outstanding;
  for (const auto& d : open_deficiencies(merged, ctx.definition)) {
    if (std::find(tol.items.begin(), tol.items.end(), d.material) != tol.items.end())
      outstanding.push_back(d.material.str());
  }
  const bool pending = !outstanding.empty();
  return single_event(c, cmd, EventType::supplied,
                      payload::Supplied{materials, received, std::move(outstanding), pending});
}

// 告知承诺 核查: the check of the commitment after the decision; a false commitment revokes the permit and
// is reported to the credit system (the feed carries `credit_flagged`).
Events record_verification(const Case& c, const Command& cmd, const CaseContext& ctx) {
  if (auto why = case_refuses(c, CommandType::record_verification); !why.empty()) violation(why);
  const auto& body = cmd.as<commands::RecordVerification>();
  Events out = single_event(
      c, cmd, EventType::verification_recorded,
      payload::VerificationRecorded{std::string(commands::to_string(body.result)), body.method, body.note,
                                    c.commitment->items, c.deadlines.verification.due});
  if (body.result == commands::Verdict::false_commitment) {
    out.push_back(
        Event{c.version + 2, EventType::revoked, cmd.at, cmd.actor, payload::Reasoned{"false_commitment"}});
    out.push_back(Event{c.version + 3, EventType::credit_flagged, cmd.at, cmd.actor,
                        payload::CreditFlagged{c.applicant, "false_commitment", c.commitment->items,
                                               c.commitment->signature.signed_by}});
  }
  (void)ctx;
  return out;
}

// 一次性告知 (Art 32(4), Art 72(4)): one notice naming everything; a later one only what the supplements
// brought.
Events request_correction(const Case& c, const Command& cmd, const CaseContext& ctx) {
  const auto computed = open_deficiencies(c, ctx.definition);
  std::vector<Deficiency> notice;
  if (const auto& items = cmd.as<commands::RequestCorrection>().items; !items) {
    notice = computed;
  } else {
    const std::vector<Deficiency>& given = *items;
    std::vector<std::string> omitted;
    for (const auto& d : computed) {
      const auto it = std::find_if(given.begin(), given.end(),
                                   [&](const Deficiency& g) { return g.material == d.material; });
      if (it == given.end()) {
        omitted.push_back(d.material.str());
      } else {  // the engine's problem stands; the clerk's note is kept when there is one
        notice.push_back({d.material, d.problem, it->note.empty() ? d.note : it->note});
      }
    }
    if (!omitted.empty()) {
      violation("一次性告知: the notice must name every deficiency at once; it omits " + join(omitted));
    }
    std::vector<std::string> not_deficient;
    for (const auto& g : given) {
      if (std::any_of(computed.begin(), computed.end(),
                      [&](const Deficiency& d) { return d.material == g.material; }))
        continue;
      if (std::any_of(notice.begin(), notice.end(),
                      [&](const Deficiency& d) { return d.material == g.material; })) {
        violation("the notice names '" + g.material + "' twice");
      }
      if (g.problem != Problem::invalid_content) {
        not_deficient.push_back(g.material + " (" + std::string(to_string(g.problem)) + ")");
        continue;
      }
      if (g.note.empty())
        violation("an invalid_content item needs a note saying what is wrong: " + g.material);
      if (!on_checklist(c, ctx.definition, g.material)) {
        violation("the notice names '" + g.material + "', which is neither on the checklist nor submitted");
      }
      notice.push_back(g);
    }
    if (!not_deficient.empty()) {
      violation("the notice names items the checklist finds in order: " + join(not_deficient) +
                " (only invalid_content may be added, with a note)");
    }
  }
  if (notice.empty()) violation("an empty correction notice: the application has no deficiency to correct");
  if (!c.notices.empty()) {
    std::vector<std::string> untraceable;
    for (const auto& d : notice) {
      if (!in_earlier_notice(c, d.material) && !concerns_supplements(c, ctx.definition, d))
        untraceable.push_back(d.material.str());
    }
    if (!untraceable.empty()) {
      violation(
          "一次性告知 (Art 72(4)): a later notice may only name items of earlier notices or of the "
          "supplements; not traceable: " +
          join(untraceable));
    }
  }
  return single_event(c, cmd, EventType::correction_requested,
                      payload::CorrectionRequested{day_of(cmd, ctx), std::move(notice)});
}

Events resubmit(const Case& c, const Command& cmd, const CaseContext& ctx) {
  const Date received = ctx.calendar.working_day_on_or_after(day_of(cmd, ctx));
  const auto& body = cmd.as<commands::Resubmit>();
  const auto materials = received_on(body.materials, received);
  Facts facts = c.facts;
  payload::Resubmitted data{materials, received, std::nullopt, {}};
  if (body.facts) {
    for (const auto& [k, v] : body.facts->items()) facts.set(k, v);
    data.facts = body.facts->dump();
  }
  validate_facts(ctx.definition, facts);
  data.flags = compute_flags(ctx.definition, facts, c.filed_at, ctx.calendar, ctx.utc_offset_minutes);
  return single_event(c, cmd, EventType::resubmitted, std::move(data));
}

Events reject(const Case& c, const Command& cmd, const CaseContext&) {
  return single_event(c, cmd, EventType::rejected, payload::Reasoned{cmd.as<commands::Reject>().reason});
}

Events withdraw(const Case& c, const Command& cmd, const CaseContext&) {
  return single_event(c, cmd, EventType::withdrawn, payload::Reasoned{cmd.as<commands::Withdraw>().reason});
}

Events record_opinion(const Case& c, const Command& cmd, const CaseContext&) {
  const auto& body = cmd.as<commands::RecordOpinion>();
  const std::string& dept = body.department;
  const auto it = c.opinions.find(dept);
  if (it != c.opinions.end() && it->second) {
    violation("the opinion of '" + dept + "' is already recorded (" +
              (it->second->approve ? std::string("approve") : std::string("deny")) + ")");
  }
  return single_event(c, cmd, EventType::opinion_recorded,
                      payload::OpinionRecorded{dept, body.approve, body.comment});
}

// Art 34: substantive verification needs two or more staff.
Events record_inspection(const Case& c, const Command& cmd, const CaseContext& ctx) {
  const auto& body = cmd.as<commands::RecordInspection>();
  const std::vector<std::string>& inspectors = body.inspectors;
  const std::set<std::string> distinct(inspectors.begin(), inspectors.end());
  if (static_cast<int>(distinct.size()) < ctx.definition.min_inspectors) {
    violation("a site inspection needs at least " + std::to_string(ctx.definition.min_inspectors) +
              " different inspectors (Art 34); got " + std::to_string(distinct.size()));
  }
  return single_event(c, cmd, EventType::inspection_recorded,
                      payload::InspectionRecorded{inspectors, body.findings});
}

// Art 45: the time of a hearing, tender, testing, expert review … is not counted.
Events suspend(const Case& c, const Command& cmd, const CaseContext& ctx) {
  const auto& body = cmd.as<commands::Suspend>();
  return single_event(
      c, cmd, EventType::suspended,
      payload::Suspended{body.reason, day_of(cmd, ctx), body.expected_working_days, body.notice});
}

Events resume(const Case& c, const Command& cmd, const CaseContext& ctx) {
  return single_event(c, cmd, EventType::resumed, payload::Resumed{day_of(cmd, ctx)});
}

// Art 42: once, by the head, on or before the statutory due date, at most 10 (joint: 15) working days.
Events extend(const Case& c, const Command& cmd, const CaseContext& ctx) {
  const Definition& def = ctx.definition;
  if (c.extended_working_days > 0) {
    violation("the decision period was already extended once (by " + std::to_string(c.extended_working_days) +
              " working days)");
  }
  const Date today = day_of(cmd, ctx);
  const Date statutory_due = c.deadlines.decision.statutory_due;
  if (today > statutory_due) {
    violation("an extension must be granted on or before the statutory due date " +
              statutory_due.to_string() + "; today is " + today.to_string());
  }
  const int max = def.limits.joint_handling ? def.limits.joint_extension : def.limits.statutory_extension;
  const auto& body = cmd.as<commands::Extend>();
  const int days = body.working_days;
  if (days > max) {
    violation("an extension is at most " + std::to_string(max) + " working days; asked for " +
              std::to_string(days));
  }
  return single_event(c, cmd, EventType::extended, payload::Extended{days, body.reason});
}

Events decide(const Case& c, const Command& cmd, const CaseContext& ctx) {
  const Definition& def = ctx.definition;
  const auto& body = cmd.as<commands::Decide>();
  const bool approve = body.approve;
  std::vector<std::string> denied_by;
  std::string denial_reasons;
  std::vector<std::string> pending;
  for (const auto& [dept, o] : c.opinions) {
    if (!o) {
      pending.push_back(dept.str());
    } else if (!o->approve) {
      denied_by.push_back(dept.str());
      denial_reasons += (denial_reasons.empty() ? "" : "; ") + dept + ": " + o->comment;
    }
  }
  std::string reasons = body.reasons;
  if (approve) {
    if (!denied_by.empty())
      violation("co-approval: " + join(denied_by) + " denied, so only a denial is possible");
    if (!pending.empty()) violation("co-approval: the opinion of " + join(pending) + " is still missing");
    if (def.site_inspection_required && c.inspections.empty()) {
      violation("a site inspection (现场勘查, ≥ " + std::to_string(def.min_inspectors) +
                " inspectors) must be recorded before the decision");
    }
    std::vector<std::string> prohibiting;
    for (const auto& f : c.flags) {  // the named rules' prohibitions are expanded into fact_rules too
      if (std::any_of(def.fact_rules.begin(), def.fact_rules.end(),
                      [&](const FactRule& r) { return r.prohibition && r.flag == f; }))
        prohibiting.push_back(f.str());
    }
    if (!prohibiting.empty())
      violation("the permit cannot be granted while these prohibitions stand: " + join(prohibiting));
  } else {
    if (reasons.empty()) reasons = denial_reasons;
    if (reasons.empty()) violation("a denial must give its reasons (Art 38)");
  }
  return single_event(c, cmd, EventType::decided, payload::Decided{approve, reasons});
}

namespace {

std::optional<Date> fact_date(const Case& c, const std::optional<std::string>& fact) {
  if (!fact) return std::nullopt;
  const json* value = c.facts.find(*fact);
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return Date::parse(value->get<std::string>());
}

std::optional<Date> default_valid_until(const Case& c, const Definition& def, Date valid_from) {
  const ValidityRule& v = def.validity;
  if (const auto until = fact_date(c, v.until_fact)) return until;
  if (v.term_fact) {
    const json* term = c.facts.find(*v.term_fact);
    if (term != nullptr && term->is_number_integer()) return add_months(valid_from, term->get<int>());
  }
  if (v.months) return add_months(valid_from, *v.months);
  return std::nullopt;
}

// The certificate stays within what the decision approved: the definition's maximum length, and with
// hold_to_facts no earlier start than from_fact and no later end than the end the facts give.
void hold_to_decided_validity(const Case& c, const Definition& def, Date valid_from,
                              std::optional<Date> valid_until) {
  const ValidityRule& v = def.validity;
  const auto named = [](const std::optional<std::string>& fact) {
    return fact ? " (the " + *fact + ")" : std::string();
  };
  if (v.max_months) {
    // The same reckoning as a validity of `months`: at most the corresponding date N months on.
    const Date longest = add_months(valid_from, *v.max_months);
    if (!valid_until || *valid_until > longest) {
      violation("a certificate of " + def.id + " runs at most " + std::to_string(*v.max_months) +
                " months: from " + valid_from.to_string() + " it must end by " + longest.to_string() +
                (valid_until ? ", not " + valid_until->to_string() : std::string(", not open-ended")));
    }
  }
  if (!v.hold_to_facts) return;
  if (const auto from = fact_date(c, v.from_fact); from && valid_from < *from) {
    violation("the certificate would start on " + valid_from.to_string() + ", before the decided validity" +
              named(v.from_fact) + " starts on " + from->to_string());
  }
  const auto decided_end = default_valid_until(c, def, fact_date(c, v.from_fact).value_or(valid_from));
  if (decided_end && (!valid_until || *valid_until > *decided_end)) {
    violation("the certificate would end " +
              (valid_until ? "on " + valid_until->to_string() : std::string("never")) +
              ", after the decided validity" + named(v.until_fact) + " ends on " + decided_end->to_string());
  }
}

}  // namespace

Events issue_certificate(const Case& c, const Command& cmd, const CaseContext& ctx) {
  if (tolerance_pending(c)) {  // 容缺: the result is issued only once the tolerated items are in order
    violation("the tolerated items are still outstanding (" + join(c.tolerance->outstanding) +
              ", to be supplied by " + c.tolerance->supply_by.to_string() +
              "), so the certificate cannot be issued");
  }
  const auto& body = cmd.as<commands::IssueCertificate>();
  const Date today = day_of(cmd, ctx);
  // Without a date of the caller's, a validity that starts on a date fact starts there (or today, if later).
  Date valid_from = body.valid_from
                        ? *body.valid_from
                        : std::max(today, fact_date(c, ctx.definition.validity.from_fact).value_or(today));
  if (c.renewal_expiry && !body.valid_from) valid_from = std::max(valid_from, *c.renewal_expiry + 1);
  const std::optional<Date> valid_until =
      body.valid_until ? body.valid_until : default_valid_until(c, ctx.definition, valid_from);
  if (valid_until && *valid_until < valid_from) {
    const bool until_given = body.valid_until.has_value();
    // A valid_until the caller gave that comes too early is bad input; an end the definition derives
    // (e.g. road excavation's planned_end) that is already past is a rule the case cannot meet.
    if (until_given) {
      throw Error(
          ErrorCode::invalid_argument,
          "valid_until " + valid_until->to_string() + " is before valid_from " + valid_from.to_string(),
          "/valid_until");
    }
    violation("the certificate would end on " + valid_until->to_string() +
              (ctx.definition.validity.until_fact ? " (the " + *ctx.definition.validity.until_fact + ")"
                                                  : std::string()) +
              ", before it could start on " + valid_from.to_string() +
              "; give valid_from and valid_until explicitly or correct the facts");
  }
  hold_to_decided_validity(c, ctx.definition, valid_from, valid_until);
  const std::string number = body.number.value_or(c.id + "-Z");
  return single_event(c, cmd, EventType::certificate_issued,
                      payload::CertificateIssued{number, valid_from, valid_until, std::nullopt});
}

Events report_completion(const Case& c, const Command& cmd, const CaseContext&) {
  if (c.completion_reported_on)
    violation("completion was already reported on " + c.completion_reported_on->to_string());
  return single_event(c, cmd, EventType::completion_reported, payload::Empty{});
}

Events close(const Case& c, const Command& cmd, const CaseContext& ctx) {
  if (ctx.definition.validity.until_fact && !c.completion_reported_on) {
    violation("the works' completion has not been reported yet, so the case cannot be closed");
  }
  return single_event(c, cmd, EventType::closed, payload::Closed{});
}

Events revoke(const Case& c, const Command& cmd, const CaseContext&) {
  return single_event(c, cmd, EventType::revoked, payload::Reasoned{cmd.as<commands::Revoke>().reason});
}

Events fire(const Case& c, const TimerDue& timer, const CaseContext& ctx) {
  const auto event = [&](EventPayload data) {
    return Events{Event{c.version + 1, event_of(timer.kind), timer.due, system_actor(), std::move(data)}};
  };
  switch (timer.kind) {
    case TimerKind::tolerance_lapsed:  // 容缺 not supplied in time: the case ends (终止)
      return event(payload::Terminated{timer.clock, "tolerance_lapsed", c.tolerance->supply_by,
                                       c.tolerance->outstanding, c.tolerance->outstanding});
    case TimerKind::supply_reminder:  // 容缺: two working days left to supply
      return event(payload::SupplyReminder{timer.clock, c.tolerance->supply_by, c.tolerance->supply_by,
                                           c.tolerance->outstanding});
    case TimerKind::acceptance_deemed:  // Art 32(4): accepted as of the receipt date
      return event(payload::Accepted{c.last_submission_on, timer.clock, std::nullopt});
    case TimerKind::deadline_warning:
    case TimerKind::deadline_overdue: {
      const ClockView* found = c.deadlines.find(timer.clock.name);
      const ClockView& v = found ? *found : c.deadlines.decision;
      const Date due = timer.clock.name == ClockName::decision_statutory ? v.statutory_due : v.due;
      const bool overdue = timer.kind == TimerKind::deadline_overdue;
      auto waiting = awaiting_departments(c);
      payload::Responsible responsible = std::string("window");
      if (!waiting.empty()) responsible = std::move(waiting);
      return event(payload::DeadlineAlert{
          timer.clock, due.to_string(), overdue ? Light::red : Light::yellow, std::move(responsible),
          overdue ? std::optional<std::string>("supervision_office") : std::nullopt});
    }
    case TimerKind::permit_expiring:
    case TimerKind::permit_expired:
      return event(payload::Validity{timer.clock, c.certificate ? c.certificate->valid_until : std::nullopt});
    case TimerKind::renewal_deemed: {  // Art 50: not decided by expiry → renewal deemed granted
      const Date from = *c.renewal_expiry + 1;
      return event(payload::CertificateIssued{c.id + "-Z", from, default_valid_until(c, ctx.definition, from),
                                              timer.clock});
    }
    case TimerKind::suspension_overrun:
      return event(payload::SuspensionOverrun{
          timer.clock, suspension_expected_end(c.suspensions.back().from,
                                               c.suspensions.back().expected_working_days, ctx.calendar)});
    case TimerKind::correction_lapsed:
      return event(payload::Clocked{timer.clock});
  }
  throw Error(ErrorCode::internal, "no event for timer kind '" + std::string(to_string(timer.kind)) + "'");
}

}  // namespace permitflow::rules
