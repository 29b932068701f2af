// The complaint workflow's part of the weekly report (docs/complaints.md): counts of the week, ratings
// (好差评), what is not put right by the end of the week (挂账), and per unit.
#include <algorithm>
#include <map>

#include "engine/report.hpp"

namespace permitflow::report {
namespace {

using nlohmann::json;

// An open complaint at the end of the week.
struct UnresolvedRow {
  std::string case_id, category, reporter, state, unit;
  Instant due;
  Light light = Light::green;
  int working_days_late = 0;
};

struct UnitTally {
  int open = 0, overdue = 0, closed = 0, returned = 0, reopened = 0;
};

struct ComplaintFigures {
  std::map<std::string, int> counts{{"received", 0}, {"registered", 0}, {"dispatched", 0},
                                    {"returned", 0}, {"replied", 0},    {"closed", 0},
                                    {"rated", 0},    {"reopened", 0},   {"escalated", 0}};
  std::map<int, int> ratings;  // by level
  std::vector<UnresolvedRow> unresolved;
  std::map<std::string, UnitTally> by_unit;
};

class ComplaintSection final : public Section {
 public:
  ComplaintSection(const Engine::Impl& m, const Request& r) : Section(m, r), actor_(r.actor) {
    for (const auto& u : m.complaint_units) f_.by_unit[u];
  }

  void tally(const CaseLog& log) override {
    log.each_in_week([&](std::size_t i, const store::EventRecord& e, EventType type) {
      // The counts are named after their events, but a complaint's first event counts as `received`.
      const std::string count = type == EventType::submitted ? "received" : e.type;
      if (const auto it = f_.counts.find(count); it != f_.counts.end()) ++it->second;
      const json data = json::parse(e.data);
      if (type == EventType::rated) ++f_.ratings[data.at("rating").get<int>()];
      if (type == EventType::returned) ++f_.by_unit[data.at("unit").get<std::string>()].returned;
      if (type == EventType::closed || type == EventType::reopened) {
        // the unit holding it: the last dispatch before this event
        std::string unit;
        for (const auto& p : log.upto.first(i + 1))
          if (logged_event_type(p.type) == EventType::dispatched)
            unit = json::parse(p.data).at("unit").get<std::string>();
        if (!unit.empty())
          ++(type == EventType::closed ? f_.by_unit[unit].closed : f_.by_unit[unit].reopened);
      }
    });
    const Case c = at_week_end(log);
    if (c.state == State::closed || c.state == State::rated || c.state == State::replied ||
        c.state == State::checked)
      return;  // put right (replied and being checked, or closed)
    UnresolvedRow r{c.id.str(),
                    c.subject.str(),
                    log.reporter_shown ? c.applicant.name.str() : std::string(),
                    std::string(to_string(c.state)),
                    c.complaint->unit.empty() ? "dispatcher" : c.complaint->unit,
                    *c.complaint->due,
                    c.complaint->light,
                    0};
    const int off = m_.config.utc_offset_minutes;
    if (r.light == Light::red)
      r.working_days_late = m_.calendar.working_days_between(r.due.local_date(off) + 1, week_.dated);
    UnitTally& t = f_.by_unit[r.unit];
    ++t.open;
    if (r.light == Light::red) ++t.overdue;
    f_.unresolved.push_back(std::move(r));
  }

  void write_json(json& out) override {
    const int off = m_.config.utc_offset_minutes;
    std::sort(f_.unresolved.begin(), f_.unresolved.end(), [](const UnresolvedRow& a, const UnresolvedRow& b) {
      if (a.working_days_late != b.working_days_late) return a.working_days_late > b.working_days_late;
      return a.due != b.due ? a.due < b.due : a.case_id < b.case_id;
    });
    json c;
    c["counts"] = json::object();
    for (const auto& [k, n] : f_.counts) c["counts"][k] = n;
    const auto at_level = [&](int level) {
      const auto it = f_.ratings.find(level);
      return it == f_.ratings.end() ? 0 : it->second;
    };
    int rated = 0, sum = 0;
    json levels = json::object();
    for (int level = 1; level <= 5; ++level) {
      const int n = at_level(level);
      levels[std::to_string(level)] = n;
      rated += n;
      sum += n * level;
    }
    c["ratings"] = {{"count", rated},
                    {"mean", rated ? json(round2(static_cast<double>(sum) / rated)) : json(nullptr)},
                    {"dissatisfied", at_level(1) + at_level(2)},
                    {"by_level", std::move(levels)}};
    c["unresolved"] = json::array();
    for (const auto& r : f_.unresolved) {
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
    for (const auto& [unit, t] : f_.by_unit) {
      if (actor_ && actor_->role == Role::handler && unit != actor_->unit) continue;  // its own unit's line
      c["by_unit"][unit] = {{"open", t.open},
                            {"overdue", t.overdue},
                            {"closed", t.closed},
                            {"returned", t.returned},
                            {"reopened", t.reopened}};
    }
    out["complaints"] = std::move(c);
  }

  void write_csv(const json& out, std::string& csv) const override {
    const json& c = out["complaints"];
    std::vector<std::string> header{"complaint_counts"}, values{"complaint_counts"};
    for (const auto& [k, n] : c["counts"].items()) {
      header.push_back(k);
      values.push_back(csv_cell(n));
    }
    for (const char* k : {"count", "mean", "dissatisfied"}) {
      header.push_back(std::string("ratings_") + k);
      values.push_back(csv_cell(c["ratings"][k]));
    }
    csv += csv_line(header) + csv_line(values) + "\n";
    static const char* const unresolved_columns[] = {"case", "category", "reporter", "state",
                                                     "unit", "due",      "light",    "working_days_late"};
    static const char* const unit_columns[] = {"open", "overdue", "closed", "returned", "reopened"};
    csv_table(csv, "complaint_unresolved", c["unresolved"], unresolved_columns);
    csv += "\n";
    // Keyed sections name their key column "permit" for permits; the unit table names it "unit".
    csv_table(csv, "complaint_units", c["by_unit"], unit_columns, "unit");
  }

 private:
  std::optional<Actor> actor_;
  ComplaintFigures f_;
};

}  // namespace

std::unique_ptr<Section> complaint_section(const Engine::Impl& m, const Request& r) {
  return std::make_unique<ComplaintSection>(m, r);
}

}  // namespace permitflow::report
