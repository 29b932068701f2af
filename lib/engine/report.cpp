// The weekly supervision report (督查周报, docs/operations.md 电子监察): what came in and went out in a week,
// which cases are yellow or red at its end and who holds them, which are suspended, and how long decisions
// took against the promised limit (承诺时限). Fields and CSV columns: docs/operations.md.
//
// Everything is computed from the event logs, never from the projections' lights: each case is replayed up to
// the end of the week and its clocks evaluated at that instant, so a report of a past week reads the same
// whether or not run_due was called in time.
#include <algorithm>
#include <cmath>
#include <map>
#include <span>

#include "case/application.hpp"
#include "clock/legal_clock.hpp"
#include "common/json_input.hpp"
#include "engine/engine_impl.hpp"

namespace permitflow {

using nlohmann::json;
namespace in = input;

namespace {

struct Week {
  Date monday;
  Date sunday;
  Date dated;  // the first working day on or after the next Monday, when the report is issued
  Instant from;
  Instant to;  // exclusive: the next Monday 00:00
};

struct LightRow {
  std::string case_id, permit, applicant, state, clock;
  Light light = Light::green;
  Date due;
  std::string department;
  int working_days_late = 0;
  int working_days_left = 0;
  std::optional<Date> statutory_due;
  std::optional<Light> statutory_light;
};

struct SuspendedRow {
  std::string case_id, permit, applicant, reason;
  Date from;
  int expected_working_days = 0;
  int suspended_working_days = 0;
};

// An open complaint at the end of the week (城管快速服务 supervision: 挂账 list).
struct UnresolvedRow {
  std::string case_id, category, reporter, state, unit;
  Instant due;
  Light light = Light::green;
  int working_days_late = 0;
};

struct UnitTally {
  int open = 0, overdue = 0, closed = 0, returned = 0, reopened = 0;
};

struct Handling {
  std::vector<int> days;
  int promised_limit = 0;
  int over = 0;
};

/// Whether a spreadsheet would read the cell as a formula: it begins with = + - @ (or a tab or carriage
/// return, which some strip first) and is not simply a number such as -3.
bool formula_like(const std::string& s) {
  if (s.empty() || std::string_view("=+-@\t\r").find(s[0]) == std::string_view::npos) return false;
  if (s[0] != '-') return true;
  if (s.size() == 1) return false;  // a lone dash is text
  return s.find_first_not_of("0123456789.", 1) != std::string::npos;
}

std::string csv_field(const std::string& raw) {
  // A leading apostrophe makes a formula-like cell text in every spreadsheet (docs/security.md).
  const std::string s = formula_like(raw) ? "'" + raw : raw;
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

std::string csv_line(const std::vector<std::string>& fields) {
  std::string line;
  bool first = true;
  for (const auto& f : fields) {
    if (!first) line += ',';
    line += csv_field(f);
    first = false;
  }
  return line + "\n";
}

double round2(double x) { return std::round(x * 100.0) / 100.0; }

// A tolerance row: the case, its tolerated items still outstanding and a date (supply_by while pending,
// the day it was terminated for a lapse).
void tolerance_pending_row(json& rows, const Case& c, Date day) {
  rows.push_back({{"case", c.id},
                  {"permit", c.permit},
                  {"applicant", c.applicant.name},
                  {"outstanding", c.tolerance ? json(c.tolerance->outstanding) : json::array()},
                  {"supply_by", c.tolerance ? json(c.tolerance->supply_by.to_string()) : json(nullptr)},
                  {"date", day.to_string()}});
}

}  // namespace

std::string Engine::report(std::string_view report_json) const {
  const Impl& m = *impl_;
  const WorkingCalendar& cal = m.calendar;
  const int off = m.config.utc_offset_minutes;

  // --- the request ---------------------------------------------------------------------------------------
  const json req = in::parse_document(report_json, "the report request");
  in::only_keys(req, "", {"week", "format", "actor"});
  // With an actor, only the cases it may see, and reporters' names only where it may see them (policy.md).
  std::optional<Actor> actor;
  if (req.contains("actor") && !req["actor"].is_null()) actor = parse_actor(req, "actor", "");
  const Date any_day = in::get_date(req, "week", "");
  const std::string format = in::opt_string(req, "format", "", 16).value_or("json");
  if (format != "json" && format != "csv")
    in::fail("/format", "must be \"json\" or \"csv\", not \"" + format + "\"");

  Week w;
  w.monday = any_day - static_cast<int>(any_day.iso_weekday() - 1);
  w.sunday = w.monday + 6;
  w.dated = cal.working_day_on_or_after(w.monday + 7);  // issued once the week is over
  w.from = Instant::start_of_day(w.monday, off);
  w.to = Instant::start_of_day(w.monday + 7, off);

  // --- one pass over every case's log ----------------------------------------------------------------------
  int received = 0, accepted = 0, decided = 0, issued = 0;
  // 容缺 and 告知承诺 (docs/contract.md §17): supplies pending at the end of the week, lapses in it,
  // verifications open at its end, false commitments found in it.
  json pending_rows = json::array(), tolerance_lapsed = json::array();
  json verification_open_rows = json::array(), false_commitments = json::array();
  std::vector<LightRow> lights;
  std::vector<SuspendedRow> suspended;
  std::map<std::string, Handling> handling;
  for (const std::string& permit : m.definitions.permits()) {
    if (const auto def = m.definitions.current(permit))
      handling[permit].promised_limit = def->limits.promised;
  }

  std::map<std::string, int> complaint_counts{{"received", 0}, {"registered", 0}, {"dispatched", 0},
                                              {"returned", 0}, {"replied", 0},    {"closed", 0},
                                              {"rated", 0},    {"reopened", 0},   {"escalated", 0}};
  std::map<int, int> ratings;
  std::vector<UnresolvedRow> unresolved;
  std::map<std::string, UnitTally> by_unit;
  for (const auto& u : m.complaint_units) by_unit[u];

  auto tx = m.store->begin_read();
  for (const std::string& id : tx->case_ids()) {
    bool reporter_shown = true;
    if (actor) {
      const auto record = tx->load_case(id);
      if (!record) continue;
      const json doc = json::parse(record->document);
      const Audience who = m.audience_of_document(doc, [&] { return m.load_case(*tx, *record); });
      if (!may_see(*actor, who, m.definition_of_document(doc))) continue;
      reporter_shown = m.reporter_shown(*actor, who, doc);
    }
    const auto events = tx->events(id, 0);
    if (!events.empty() &&
        parse_kind(json::parse(events.front().data).value("kind", "permit")) == Kind::complaint) {
      std::vector<store::EventRecord> upto;
      for (const auto& e : events) {
        const Instant at = Instant::parse_rfc3339(e.at);
        if (at >= w.to) break;
        upto.push_back(e);
        if (at < w.from) continue;
        const EventType type = logged_event_type(e.type);
        // The counts are named after their events, but a complaint's first event counts as `received`.
        const std::string count = type == EventType::submitted ? "received" : e.type;
        if (const auto it = complaint_counts.find(count); it != complaint_counts.end()) ++it->second;
        const json data = json::parse(e.data);
        if (type == EventType::rated) ++ratings[data.at("rating").get<int>()];
        if (type == EventType::returned) ++by_unit[data.at("unit").get<std::string>()].returned;
        if (type == EventType::closed || type == EventType::reopened) {
          // the unit holding it: the last dispatch before this event
          std::string unit;
          for (const auto& p : upto)
            if (logged_event_type(p.type) == EventType::dispatched)
              unit = json::parse(p.data).at("unit").get<std::string>();
          if (!unit.empty()) ++(type == EventType::closed ? by_unit[unit].closed : by_unit[unit].reopened);
        }
      }
      if (upto.empty()) continue;
      Case c = m.replay(upto);
      recompute_deadlines(c, m.context_of(c), w.to);
      if (c.state == State::closed || c.state == State::rated || c.state == State::replied ||
          c.state == State::checked)
        continue;  // put right (replied and being checked, or closed)
      UnresolvedRow r{c.id,
                      c.permit,
                      reporter_shown ? c.applicant.name : std::string(),
                      std::string(to_string(c.state)),
                      c.complaint.unit.empty() ? "dispatcher" : c.complaint.unit,
                      *c.complaint.due,
                      c.complaint.light,
                      0};
      if (r.light == Light::red)
        r.working_days_late = cal.working_days_between(r.due.local_date(off) + 1, w.dated);
      UnitTally& t = by_unit[r.unit];
      ++t.open;
      if (r.light == Light::red) ++t.overdue;
      unresolved.push_back(std::move(r));
      continue;
    }
    // The log up to the end of the week (a log is in time order: a command earlier than the case's latest
    // event is refused), and what happened inside the week.
    std::vector<store::EventRecord> upto;
    bool decided_in_week = false;
    std::vector<std::pair<std::string, Date>> lapsed_in_week, false_in_week;
    for (const auto& e : events) {
      const Instant at = Instant::parse_rfc3339(e.at);
      if (at >= w.to) break;
      upto.push_back(e);
      if (at < w.from) continue;
      const EventType type = logged_event_type(e.type);
      if (type == EventType::terminated) lapsed_in_week.emplace_back(e.type, at.local_date(off));
      if (type == EventType::verification_recorded && json::parse(e.data).value("result", "") == "false")
        false_in_week.emplace_back(e.type, at.local_date(off));
      if (type == EventType::submitted) ++received;
      if (type == EventType::accepted || type == EventType::acceptance_deemed) ++accepted;
      if (type == EventType::decided || type == EventType::renewal_deemed) ++decided;
      if (type == EventType::certificate_issued || type == EventType::renewal_deemed) ++issued;
      if (type == EventType::decided) decided_in_week = true;
    }
    if (upto.empty()) continue;  // received after the week

    Case c = m.replay(upto);
    const PermitDefinition& def = m.definition_of(c.permit, c.definition_version);
    // Lights as of the end of the week: 00:00 of the next Monday, before anything happens on it.
    recompute_deadlines(c, m.context_of(c), w.to);

    // Yellow and red cases. The applicant's correction period is the applicant's time, not the bureau's:
    // it is not supervised here.
    const std::string clock = active_clock(c);
    const ClockView* v = clock == "acceptance_notice" ? &c.deadlines.acceptance_notice
                         : clock == "decision"        ? &c.deadlines.decision
                         : clock == "issuance"        ? &c.deadlines.issuance
                         : clock == "verification"    ? &c.deadlines.verification
                                                      : nullptr;
    if (v && v->present && (v->light == Light::yellow || v->light == Light::red)) {
      LightRow r;
      r.case_id = c.id;
      r.permit = c.permit;
      r.applicant = c.applicant.name;
      r.state = std::string(to_string(c.state));
      r.clock = clock;
      r.light = v->light;
      r.due = v->due;
      r.department = "window";
      if (clock == "decision") {
        const auto pending = awaiting_departments(c);
        if (!pending.empty()) {
          r.department.clear();
          for (const auto& d : pending) r.department += (r.department.empty() ? "" : ",") + d;
        }
        r.statutory_due = v->statutory_due;
        r.statutory_light = v->statutory_light;
      }
      // Late: working days after the due up to the day the report is dated (so a red case is at least one
      // working day late). Left: working days from the dated day to the due, both included.
      if (v->light == Light::red) r.working_days_late = cal.working_days_between(v->due + 1, w.dated);
      if (v->light == Light::yellow) r.working_days_left = cal.working_days_between(w.dated, v->due);
      lights.push_back(std::move(r));
    }

    if (tolerance_pending(c)) {
      tolerance_pending_row(pending_rows, c, c.tolerance->supply_by);
    }
    for (const auto& [type, day] : lapsed_in_week) tolerance_pending_row(tolerance_lapsed, c, day);
    if (verification_open(c)) {
      verification_open_rows.push_back({{"case", c.id},
                                        {"permit", c.permit},
                                        {"applicant", c.applicant.name},
                                        {"items", c.commitment->items},
                                        {"due", c.deadlines.verification.due.to_string()},
                                        {"light", std::string(to_string(c.deadlines.verification.light))}});
    }
    for (const auto& [type, day] : false_in_week) {
      false_commitments.push_back({{"case", c.id},
                                   {"permit", c.permit},
                                   {"applicant", c.applicant.name},
                                   {"applicant_id", c.applicant.id},
                                   {"items", c.commitment ? json(c.commitment->items) : json::array()},
                                   {"recorded_on", day.to_string()}});
    }

    // Suspended at the end of the week (Art 45): working days so far, both ends of the suspension included.
    if (c.state == State::suspended && !c.suspensions.empty()) {
      const Suspension& s = c.suspensions.back();
      suspended.push_back({c.id, c.permit, c.applicant.name, s.reason, s.from, s.expected_working_days,
                           cal.working_days_between(s.from, w.sunday)});
    }

    // Handling time of a decision taken in the week: acceptance to decision in working days, the acceptance
    // day not counted, suspended working days not counted.
    if (decided_in_week && c.decision && c.accepted_on) {
      const int days = counted_working_days({*c.accepted_on, 0, closed_suspensions(c)}, c.decision->on, cal);
      Handling& h = handling[c.permit];
      h.days.push_back(days);
      if (days > def.limits.promised) ++h.over;
    }
  }

  std::sort(lights.begin(), lights.end(), [](const LightRow& a, const LightRow& b) {
    const int ra = a.light == Light::red ? 0 : 1, rb = b.light == Light::red ? 0 : 1;
    if (ra != rb) return ra < rb;
    if (a.working_days_late != b.working_days_late) return a.working_days_late > b.working_days_late;
    if (a.due != b.due) return a.due < b.due;
    return a.case_id < b.case_id;
  });
  std::sort(suspended.begin(), suspended.end(), [](const SuspendedRow& a, const SuspendedRow& b) {
    return a.from != b.from ? a.from < b.from : a.case_id < b.case_id;
  });

  // --- the document ------------------------------------------------------------------------------------
  json out;
  out["week"] = {
      {"from", w.from.to_rfc3339(off)}, {"to", w.to.to_rfc3339(off)}, {"dated", w.dated.to_string()}};
  out["counts"] = {{"received", received}, {"accepted", accepted}, {"decided", decided}, {"issued", issued}};
  out["lights"] = json::array();
  for (const auto& r : lights) {
    out["lights"].push_back(
        {{"case", r.case_id},
         {"permit", r.permit},
         {"applicant", r.applicant},
         {"state", r.state},
         {"clock", r.clock},
         {"light", std::string(to_string(r.light))},
         {"due", r.due.to_string()},
         {"statutory_due", r.statutory_due ? json(r.statutory_due->to_string()) : json(nullptr)},
         {"statutory_light",
          r.statutory_light ? json(std::string(to_string(*r.statutory_light))) : json(nullptr)},
         {"department", r.department},
         {"working_days_late", r.working_days_late},
         {"working_days_left", r.working_days_left}});
  }
  out["suspended"] = json::array();
  for (const auto& s : suspended) {
    out["suspended"].push_back({{"case", s.case_id},
                                {"permit", s.permit},
                                {"applicant", s.applicant},
                                {"reason", s.reason},
                                {"from", s.from.to_string()},
                                {"expected_working_days", s.expected_working_days},
                                {"suspended_working_days", s.suspended_working_days},
                                {"overrun", s.suspended_working_days > s.expected_working_days}});
  }
  out["handling"] = json::object();
  for (auto& [permit, h] : handling) {
    json j = {{"count", h.days.size()},
              {"mean", nullptr},
              {"p90", nullptr},
              {"promised_limit", h.promised_limit},
              {"over", h.over}};
    if (!h.days.empty()) {
      std::sort(h.days.begin(), h.days.end());
      double sum = 0;
      for (int d : h.days) sum += d;
      j["mean"] = round2(sum / static_cast<double>(h.days.size()));
      // Nearest rank: the ceil(0.9·n)-th smallest value.
      const auto rank = static_cast<std::size_t>(std::ceil(0.9 * static_cast<double>(h.days.size())));
      j["p90"] = h.days[std::max<std::size_t>(rank, 1) - 1];
    }
    out["handling"][permit] = std::move(j);
  }
  out["tolerance"] = {{"pending", std::move(pending_rows)}, {"lapsed", std::move(tolerance_lapsed)}};
  out["commitment"] = {{"verification_open", std::move(verification_open_rows)},
                       {"false_commitments", std::move(false_commitments)}};
  // The complaint line (docs/complaints.md): counts of the week, ratings (好差评), what is not put right by
  // the end of the week, and per unit.
  {
    std::sort(unresolved.begin(), unresolved.end(), [](const UnresolvedRow& a, const UnresolvedRow& b) {
      if (a.working_days_late != b.working_days_late) return a.working_days_late > b.working_days_late;
      return a.due != b.due ? a.due < b.due : a.case_id < b.case_id;
    });
    json c;
    c["counts"] = json::object();
    for (const auto& [k, n] : complaint_counts) c["counts"][k] = n;
    int rated = 0, sum = 0;
    json levels = json::object();
    for (int level = 1; level <= 5; ++level) {
      const int n = ratings.count(level) ? ratings[level] : 0;
      levels[std::to_string(level)] = n;
      rated += n;
      sum += n * level;
    }
    c["ratings"] = {
        {"count", rated},
        {"mean", rated ? json(round2(static_cast<double>(sum) / rated)) : json(nullptr)},
        {"dissatisfied", (ratings.count(1) ? ratings[1] : 0) + (ratings.count(2) ? ratings[2] : 0)},
        {"by_level", std::move(levels)}};
    c["unresolved"] = json::array();
    for (const auto& r : unresolved) {
      c["unresolved"].push_back({{"case", r.case_id},
                                 {"category", r.category},
                                 {"reporter", r.reporter},
                                 {"state", r.state},
                                 {"unit", r.unit},
                                 {"due", r.due.to_rfc3339(off)},
                                 {"light", std::string(to_string(r.light))},
                                 {"working_days_late", r.working_days_late}});
    }
    c["by_unit"] = json::object();
    for (const auto& [unit, t] : by_unit) {
      if (actor && actor->role == Role::handler && unit != actor->unit) continue;  // its own unit's line
      c["by_unit"][unit] = {{"open", t.open},
                            {"overdue", t.overdue},
                            {"closed", t.closed},
                            {"returned", t.returned},
                            {"reopened", t.reopened}};
    }
    out["complaints"] = std::move(c);
  }
  if (format == "json") return out.dump();

  // --- CSV: one section per table; every line starts with its section's name ---------------------------
  const auto str = [](const json& j) {
    return j.is_null() ? std::string() : j.is_string() ? j.get<std::string>() : j.dump();
  };
  std::string csv;
  csv += csv_line({"report", "from", "to", "dated"});
  csv += csv_line({"report", str(out["week"]["from"]), str(out["week"]["to"]), str(out["week"]["dated"])});
  csv += "\n";
  csv += csv_line({"counts", "received", "accepted", "decided", "issued"});
  csv += csv_line({"counts", std::to_string(received), std::to_string(accepted), std::to_string(decided),
                   std::to_string(issued)});
  csv += "\n";
  static const char* const light_columns[] = {"case",
                                              "permit",
                                              "applicant",
                                              "state",
                                              "clock",
                                              "light",
                                              "due",
                                              "statutory_due",
                                              "statutory_light",
                                              "department",
                                              "working_days_late",
                                              "working_days_left"};
  static const char* const suspended_columns[] = {
      "case",   "permit", "applicant", "reason", "from", "expected_working_days", "suspended_working_days",
      "overrun"};
  static const char* const handling_columns[] = {"count", "mean", "p90", "promised_limit", "over"};
  const auto section = [&](const std::string& name, const json& rows, std::span<const char* const> columns,
                           bool keyed) {
    std::vector<std::string> header{name};
    if (keyed) header.push_back("permit");
    header.insert(header.end(), columns.begin(), columns.end());
    csv += csv_line(header);
    const auto row = [&](const std::string& key, const json& j) {
      std::vector<std::string> fields{name};
      if (keyed) fields.push_back(key);
      for (const char* col : columns) fields.push_back(str(j.at(col)));
      csv += csv_line(fields);
    };
    if (keyed) {
      for (const auto& [key, j] : rows.items()) row(key, j);
    } else {
      for (const auto& j : rows) row("", j);
    }
  };
  section("lights", out["lights"], light_columns, false);
  csv += "\n";
  section("suspended", out["suspended"], suspended_columns, false);
  csv += "\n";
  section("handling", out["handling"], handling_columns, true);
  csv += "\n";
  {
    // Lists become one cell, items joined by ';'.
    const auto cells = [&](const std::string& name, const json& rows, std::vector<const char*> columns) {
      std::vector<std::string> header{name};
      header.insert(header.end(), columns.begin(), columns.end());
      csv += csv_line(header);
      for (const auto& j : rows) {
        std::vector<std::string> fields{name};
        for (const char* col : columns) {
          const json& v = j.at(col);
          std::string cell;
          if (v.is_array()) {
            for (const auto& i : v) cell += (cell.empty() ? "" : ";") + str(i);
          } else {
            cell = str(v);
          }
          fields.push_back(cell);
        }
        csv += csv_line(fields);
      }
      csv += "\n";
    };
    cells("tolerance_pending", out["tolerance"]["pending"],
          {"case", "permit", "applicant", "outstanding", "supply_by"});
    cells("tolerance_lapsed", out["tolerance"]["lapsed"],
          {"case", "permit", "applicant", "outstanding", "supply_by", "date"});
    cells("verification_open", out["commitment"]["verification_open"],
          {"case", "permit", "applicant", "items", "due", "light"});
    cells("false_commitments", out["commitment"]["false_commitments"],
          {"case", "permit", "applicant", "items", "recorded_on"});
  }
  {
    const json& c = out["complaints"];
    std::vector<std::string> header{"complaint_counts"}, values{"complaint_counts"};
    for (const auto& [k, n] : c["counts"].items()) {
      header.push_back(k);
      values.push_back(str(n));
    }
    for (const char* k : {"count", "mean", "dissatisfied"}) {
      header.push_back(std::string("ratings_") + k);
      values.push_back(str(c["ratings"][k]));
    }
    csv += csv_line(header) + csv_line(values) + "\n";
  }
  static const char* const unresolved_columns[] = {"case", "category", "reporter", "state",
                                                   "unit", "due",      "light",    "working_days_late"};
  static const char* const unit_columns[] = {"open", "overdue", "closed", "returned", "reopened"};
  {
    // Keyed sections name their key column "permit" for permits; the unit table names it "unit".
    std::vector<std::string> header{"complaint_unresolved"};
    header.insert(header.end(), std::begin(unresolved_columns), std::end(unresolved_columns));
    csv += csv_line(header);
    for (const auto& j : out["complaints"]["unresolved"]) {
      std::vector<std::string> fields{"complaint_unresolved"};
      for (const char* col : unresolved_columns) fields.push_back(str(j.at(col)));
      csv += csv_line(fields);
    }
    csv += "\n";
    std::vector<std::string> uheader{"complaint_units", "unit"};
    uheader.insert(uheader.end(), std::begin(unit_columns), std::end(unit_columns));
    csv += csv_line(uheader);
    for (const auto& [unit, j] : out["complaints"]["by_unit"].items()) {
      std::vector<std::string> fields{"complaint_units", unit};
      for (const char* col : unit_columns) fields.push_back(str(j.at(col)));
      csv += csv_line(fields);
    }
  }
  return json{{"csv", csv}}.dump();
}

}  // namespace permitflow
