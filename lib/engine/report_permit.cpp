// The permit workflow's part of the weekly report (docs/operations.md): counts of the week, yellow and red
// cases and who holds them, suspended cases, handling time against the promised limit (承诺时限), and the
// 容缺 / 告知承诺 lists (docs/contract.md §17).
#include <algorithm>
#include <cmath>
#include <map>

#include "clock/legal_clock.hpp"
#include "engine/report.hpp"

namespace permitflow::report {
namespace {

using nlohmann::json;

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

struct Handling {
  std::vector<int> days;
  int promised_limit = 0;
  int over = 0;
};

// A tolerance row: the case, its tolerated items still outstanding and a date (supply_by while pending, the
// day it was terminated for a lapse).
struct ToleranceRow {
  std::string case_id, permit, applicant;
  std::vector<std::string> outstanding;
  std::optional<Date> supply_by;
  Date date;
};

struct VerificationRow {
  std::string case_id, permit, applicant;
  std::vector<std::string> items;
  Date due;
  Light light = Light::green;
};

struct FalseCommitmentRow {
  std::string case_id, permit, applicant, applicant_id;
  std::vector<std::string> items;
  Date recorded_on;
};

struct PermitFigures {
  int received = 0, accepted = 0, decided = 0, issued = 0;
  std::vector<LightRow> lights;
  std::vector<SuspendedRow> suspended;
  std::map<std::string, Handling> handling;  // by permit
  // Supplies pending at the end of the week, lapses in it, verifications open at its end, false commitments
  // found in it.
  std::vector<ToleranceRow> tolerance_pending, tolerance_lapsed;
  std::vector<VerificationRow> verification_open;
  std::vector<FalseCommitmentRow> false_commitments;
};

ToleranceRow tolerance_row(const Case& c, Date day) {
  return {c.id.str(),
          c.subject.str(),
          c.applicant.name.str(),
          c.tolerance ? c.tolerance->outstanding : std::vector<std::string>{},
          c.tolerance ? std::optional<Date>(c.tolerance->supply_by) : std::nullopt,
          day};
}

json to_json(const ToleranceRow& r) {
  return {{"case", r.case_id},
          {"permit", r.permit},
          {"applicant", r.applicant},
          {"outstanding", r.outstanding},
          {"supply_by", r.supply_by ? json(r.supply_by->to_string()) : json(nullptr)},
          {"date", r.date.to_string()}};
}

class PermitSection final : public Section {
 public:
  PermitSection(const Engine::Impl& m, const Request& r) : Section(m, r) {
    for (const std::string& permit : m.definitions.ids(Kind::permit)) {
      if (const auto def = m.definitions.current(permit, Kind::permit))
        f_.handling[permit].promised_limit = def->limits.promised;
    }
  }

  void tally(const CaseLog& log) override {
    const WorkingCalendar& cal = m_.calendar;
    const int off = m_.config.utc_offset_minutes;
    // What happened inside the week.
    bool decided_in_week = false;
    std::vector<Date> lapsed_in_week, false_in_week;
    log.each_in_week([&](std::size_t i, const store::EventRecord& e, EventType type) {
      if (type == EventType::terminated) lapsed_in_week.push_back(log.at[i].local_date(off));
      if (type == EventType::verification_recorded && json::parse(e.data).value("result", "") == "false")
        false_in_week.push_back(log.at[i].local_date(off));
      if (type == EventType::submitted) ++f_.received;
      if (type == EventType::accepted || type == EventType::acceptance_deemed) ++f_.accepted;
      if (type == EventType::decided || type == EventType::renewal_deemed) ++f_.decided;
      if (type == EventType::certificate_issued || type == EventType::renewal_deemed) ++f_.issued;
      if (type == EventType::decided) decided_in_week = true;
    });

    const Case c = at_week_end(log);
    const Definition& def = m_.definition_of(c.subject, c.definition_version);

    // Yellow and red cases. The applicant's correction period is the applicant's time, not the bureau's:
    // it is not supervised here.
    const auto clock = active_clock(c);
    const ClockView* v = clock && clock != ClockName::correction ? c.deadlines.find(*clock) : nullptr;
    if (v && v->present && (v->light == Light::yellow || v->light == Light::red)) {
      LightRow r;
      r.case_id = c.id;
      r.permit = c.subject;
      r.applicant = c.applicant.name;
      r.state = std::string(to_string(c.state));
      r.clock = to_string(*clock);
      r.light = v->light;
      r.due = v->due;
      r.department = "window";
      if (clock == ClockName::decision) {
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
      if (v->light == Light::red) r.working_days_late = cal.working_days_between(v->due + 1, week_.dated);
      if (v->light == Light::yellow) r.working_days_left = cal.working_days_between(week_.dated, v->due);
      f_.lights.push_back(std::move(r));
    }

    if (tolerance_pending(c)) f_.tolerance_pending.push_back(tolerance_row(c, c.tolerance->supply_by));
    for (const Date day : lapsed_in_week) f_.tolerance_lapsed.push_back(tolerance_row(c, day));
    if (verification_open(c)) {
      f_.verification_open.push_back({c.id.str(), c.subject.str(), c.applicant.name.str(),
                                      c.commitment->items, c.deadlines.verification.due,
                                      c.deadlines.verification.light});
    }
    for (const Date day : false_in_week) {
      f_.false_commitments.push_back({c.id.str(), c.subject.str(), c.applicant.name.str(),
                                      c.applicant.id.str(),
                                      c.commitment ? c.commitment->items : std::vector<std::string>{}, day});
    }

    // Suspended at the end of the week (Art 45): working days so far, both ends of the suspension included.
    if (c.state == State::suspended && !c.suspensions.empty()) {
      const Suspension& s = c.suspensions.back();
      f_.suspended.push_back({c.id.str(), c.subject.str(), c.applicant.name.str(), s.reason, s.from,
                              s.expected_working_days, cal.working_days_between(s.from, week_.sunday)});
    }

    // Handling time of a decision taken in the week: acceptance to decision in working days, the acceptance
    // day not counted, suspended working days not counted.
    if (decided_in_week && c.decision && c.accepted_on) {
      const int days = counted_working_days({*c.accepted_on, 0, closed_suspensions(c)}, c.decision->on, cal);
      Handling& h = f_.handling[c.subject.str()];
      h.days.push_back(days);
      if (days > def.limits.promised) ++h.over;
    }
  }

  void write_json(json& out) override {
    std::sort(f_.lights.begin(), f_.lights.end(), [](const LightRow& a, const LightRow& b) {
      const int ra = a.light == Light::red ? 0 : 1, rb = b.light == Light::red ? 0 : 1;
      if (ra != rb) return ra < rb;
      if (a.working_days_late != b.working_days_late) return a.working_days_late > b.working_days_late;
      if (a.due != b.due) return a.due < b.due;
      return a.case_id < b.case_id;
    });
    std::sort(f_.suspended.begin(), f_.suspended.end(), [](const SuspendedRow& a, const SuspendedRow& b) {
      return a.from != b.from ? a.from < b.from : a.case_id < b.case_id;
    });

    out["counts"] = {
        {"received", f_.received}, {"accepted", f_.accepted}, {"decided", f_.decided}, {"issued", f_.issued}};
    out["lights"] = json::array();
    for (const auto& r : f_.lights) {
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
    for (const auto& s : f_.suspended) {
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
    for (auto& [permit, h] : f_.handling) {
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
    json pending = json::array(), lapsed = json::array();
    for (const auto& r : f_.tolerance_pending) pending.push_back(to_json(r));
    for (const auto& r : f_.tolerance_lapsed) lapsed.push_back(to_json(r));
    out["tolerance"] = {{"pending", std::move(pending)}, {"lapsed", std::move(lapsed)}};
    json open = json::array(), false_commitments = json::array();
    for (const auto& r : f_.verification_open) {
      open.push_back({{"case", r.case_id},
                      {"permit", r.permit},
                      {"applicant", r.applicant},
                      {"items", r.items},
                      {"due", r.due.to_string()},
                      {"light", std::string(to_string(r.light))}});
    }
    for (const auto& r : f_.false_commitments) {
      false_commitments.push_back({{"case", r.case_id},
                                   {"permit", r.permit},
                                   {"applicant", r.applicant},
                                   {"applicant_id", r.applicant_id},
                                   {"items", r.items},
                                   {"recorded_on", r.recorded_on.to_string()}});
    }
    out["commitment"] = {{"verification_open", std::move(open)},
                         {"false_commitments", std::move(false_commitments)}};
  }

  void write_csv(const json& out, std::string& csv) const override {
    static const char* const count_columns[] = {"received", "accepted", "decided", "issued"};
    std::vector<std::string> header{"counts"}, values{"counts"};
    for (const char* k : count_columns) {
      header.push_back(k);
      values.push_back(csv_cell(out["counts"][k]));
    }
    csv += csv_line(header) + csv_line(values) + "\n";
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
    csv_table(csv, "lights", out["lights"], light_columns);
    csv += "\n";
    csv_table(csv, "suspended", out["suspended"], suspended_columns);
    csv += "\n";
    csv_table(csv, "handling", out["handling"], handling_columns, "permit");
    csv += "\n";
    // Lists become one cell, items joined by ';'.
    static const char* const pending_columns[] = {"case", "permit", "applicant", "outstanding", "supply_by"};
    static const char* const lapsed_columns[] = {"case",        "permit",    "applicant",
                                                 "outstanding", "supply_by", "date"};
    static const char* const open_columns[] = {"case", "permit", "applicant", "items", "due", "light"};
    static const char* const false_columns[] = {"case",         "permit", "applicant",
                                                "applicant_id", "items",  "recorded_on"};
    csv_table(csv, "tolerance_pending", out["tolerance"]["pending"], pending_columns);
    csv += "\n";
    csv_table(csv, "tolerance_lapsed", out["tolerance"]["lapsed"], lapsed_columns);
    csv += "\n";
    csv_table(csv, "verification_open", out["commitment"]["verification_open"], open_columns);
    csv += "\n";
    csv_table(csv, "false_commitments", out["commitment"]["false_commitments"], false_columns);
    csv += "\n";
  }

 private:
  PermitFigures f_;
};

}  // namespace

std::unique_ptr<Section> permit_section(const Engine::Impl& m, const Request& r) {
  return std::make_unique<PermitSection>(m, r);
}

}  // namespace permitflow::report
