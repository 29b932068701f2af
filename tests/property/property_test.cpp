// Property-based tests of the engine (docs/reliability.md, "Property tests"): seeded random command sequences
// over the three permits and the complaint categories, each on a fresh SQLite file, with the invariants of
// the rules checked after every step against models written here from docs/contract.md, not from lib/.
//
// PERMITFLOW_PROPERTY_CASES sets the number of sequences (split over the shards), PERMITFLOW_PROPERTY_SEED
// the first seed. A failure names the seed of its sequence and the steps it ran; run that one alone with
//   PERMITFLOW_PROPERTY_SEED=<seed> PERMITFLOW_PROPERTY_CASES=1 permitflow_tests
//   --gtest_filter='*Property*/0'
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "case/case.hpp"
#include "definition/definition.hpp"
#include "permitflow/engine.hpp"
#include "permitflow/error.hpp"
#include "support/demo_applications.hpp"
#include "support/temp_dir.hpp"

namespace permitflow::testing {
namespace {

constexpr int kShards = 4;
constexpr int kDefaultCases = 1500;  // over all shards; docs/reliability.md gives the timings
constexpr std::uint64_t kDefaultSeed = 20260302;

long env_number(const char* name, long fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  char* end = nullptr;
  const long n = std::strtol(v, &end, 10);
  return end != nullptr && *end == '\0' && n >= 0 ? n : fallback;
}

const WorkingCalendar& calendar() {
  static const WorkingCalendar cal = WorkingCalendar::official();
  return cal;
}
const DefinitionRegistry& definitions() {
  static const DefinitionRegistry defs = DefinitionRegistry::builtin();
  return defs;
}

// Days that are not what their weekday says (holidays, swapped working weekends) in 2025–2026: sequences
// start near them, where counting goes wrong first.
const std::vector<Date>& odd_days() {
  static const std::vector<Date> days = [] {
    std::vector<Date> out;
    for (Date d = Date::parse("2025-01-01"); d <= Date::parse("2026-12-31"); d = d + 1) {
      const bool weekend = d.iso_weekday() >= 6;
      if (weekend == calendar().is_working_day(d)) out.push_back(d);
    }
    return out;
  }();
  return days;
}

const json kDispatcherActor = {{"id", "disp-1"}, {"role", "dispatcher"}};
const json kLeaderActor = {{"id", "leader-1"}, {"role", "leader"}};
const std::set<std::string> kTimerEvents = {"acceptance_deemed", "correction_lapsed",  "deadline_warning",
                                            "deadline_overdue",  "suspension_overrun", "renewal_deemed",
                                            "permit_expiring",   "permit_expired"};

int rank(const json& light) {
  if (!light.is_string()) return -1;
  const std::string l = light;
  return l == "green" ? 0 : l == "yellow" ? 1 : l == "red" ? 2 : -1;  // -1: not a running light
}

// --- the model of the counting conventions ---------------------------------------------------------------

// The n-th working day after start not inside `stopped` (a set, so a day can only be left out once).
Date model_due(Date start, int n, const std::set<Date>& stopped) {
  Date d = start;
  for (int counted = 0; counted < n;) {
    d = d + 1;
    if (calendar().is_working_day(d) && !stopped.count(d)) ++counted;
  }
  return d;
}

// Counted working days in [from, to].
int model_counted(Date from, Date to, const std::set<Date>& stopped) {
  int n = 0;
  for (Date d = from; d <= to; d = d + 1)
    if (calendar().is_working_day(d) && !stopped.count(d)) ++n;
  return n;
}

// The light of a running clock started on `start`, due on `due`, on local day `today`.
std::string model_light(Date start, Date due, Date today, int warning, const std::set<Date>& stopped) {
  if (today > due) return "red";
  if (today <= start) return "green";  // never yellow before the day after the start
  return model_counted(std::max(today, start + 1), due, stopped) <= warning ? "yellow" : "green";
}

void add_range(std::set<Date>& days, Date from, Date to) {
  for (Date d = from; d <= to; d = d + 1) days.insert(d);
}

bool concerns(const std::string& material, const std::string& prefix) {
  return material.rfind(prefix, 0) == 0;
}

void condition_reads(const Condition& c, std::set<std::string>& out) {
  if (!c.fact.empty()) out.insert(c.fact);
  for (const auto& o : c.operands) condition_reads(o, out);
}

// --- one sequence -------------------------------------------------------------------------------------

class Sequence {
 public:
  explicit Sequence(std::uint64_t seed) : seed_(seed), rng_(seed) {}

  void run() {
    engine_ =
        std::make_unique<Engine>(json{{"database", dir_.file("cases.db")}, {"synchronous", "normal"}}.dump());
    complaint_ = pick(5) == 0;
    now_ = start_instant();
    if (complaint_) {
      file_complaint();
    } else {
      file_permit();
    }
    const int steps = 6 + pick(18);
    for (int i = 0; i < steps && !::testing::Test::HasFatalFailure(); ++i) step();
    if (!::testing::Test::HasFatalFailure()) {
      const json v = json::parse(engine_->verify());
      ASSERT_EQ(v["ok"], true) << where() << v.dump();
    }
    if (env_number("PERMITFLOW_PROPERTY_VERBOSE", 0) > 0) std::printf("%s", where().c_str());
  }

  int steps_run() const { return static_cast<int>(log_.size()); }

 private:
  // --- randomness ---
  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  bool chance(int percent) { return pick(100) < percent; }
  template <class T>
  const T& one_of(const std::vector<T>& v) {
    return v[static_cast<std::size_t>(pick(static_cast<int>(v.size())))];
  }

  Instant start_instant() {
    Date day = Date::parse("2025-01-02") + pick(690);
    if (chance(70)) day = one_of(odd_days()) + (pick(9) - 6);
    return Instant::start_of_day(day, 480).plus_seconds(60L * (7 * 60 + pick(12 * 60)));
  }
  // The next instant: mostly within a few days, sometimes weeks later, sometimes the same minute.
  Instant advance() {
    const int r = pick(100);
    std::int64_t s = 0;
    if (r < 10) {
      s = 0;
    } else if (r < 70) {
      s = 60L * pick(3 * 24 * 60);
    } else if (r < 92) {
      s = 60L * (3 * 24 * 60 + pick(9 * 24 * 60));
    } else {
      s = 60L * (12 * 24 * 60 + pick(30 * 24 * 60));
    }
    return now_.plus_seconds(s);
  }
  std::string rfc(Instant t) const { return t.to_rfc3339(480); }
  std::string where() const {
    std::string out = "\nsequence seed " + std::to_string(seed_) +
                      " (replay: PERMITFLOW_PROPERTY_SEED=" + std::to_string(seed_) +
                      " PERMITFLOW_PROPERTY_CASES=1 permitflow_tests " +
                      "--gtest_filter='*Property*/0')\nsteps:\n";
    for (const auto& l : log_) out += "  " + l + "\n";
    return out;
  }

  // --- filing ---
  void file_permit() {
    static const std::vector<std::string> permits = {"road_excavation", "outdoor_advertising",
                                                     "construction_waste"};
    permit_ = one_of(permits);
    json facts = facts_of(permit_);
    if (permit_ == "construction_waste") facts["vehicles"] = random_vehicles(true);
    if (permit_ == "outdoor_advertising" && chance(20)) facts["term_months"] = 1 + pick(48);
    const std::string when = rfc(now_);
    json app = application(permit_, when, json::array(), facts);
    // The materials precheck asks for (what a host does), then a few taken away or spoilt.
    json mats = json::array();
    for (int round = 0; round < 3; ++round) {
      app["materials"] = mats;
      const json notice = json::parse(engine_->precheck(app.dump()));
      for (const auto& i : notice["items"]) {
        const std::string m = i["material"];
        if (concerns(m, "fact:") || concerns(m, "vehicle:")) continue;
        if (std::none_of(mats.begin(), mats.end(), [&](const json& x) { return x["id"] == m; }))
          mats.push_back({{"id", m}, {"format", "pdf"}, {"expires_on", "2030-12-31"}});
      }
    }
    while (!mats.empty() && chance(30)) mats.erase(mats.begin() + pick(static_cast<int>(mats.size())));
    if (!mats.empty() && chance(10))
      mats[static_cast<std::size_t>(pick(static_cast<int>(mats.size())))]["format"] = "doc";
    app["materials"] = mats;
    const json c = json::parse(engine_->submit(app.dump()));
    id_ = c["id"];
    log_.push_back("submit " + permit_ + " at " + when + " → " + c["state"].get<std::string>());
    observe(c, "submit");
  }

  json random_vehicles(bool mostly_fit) {
    json v = json::array();
    const int n = 1 + pick(2);
    for (int i = 0; i < n; ++i) {
      v.push_back({{"plate", "苏J" + std::to_string(10000 + pick(90000))},
                   {"enclosed", mostly_fit ? !chance(10) : chance(50)},
                   {"recorder", mostly_fit ? !chance(10) : chance(50)}});
    }
    return v;
  }

  void file_complaint() {
    const auto cats = definitions().ids(Kind::complaint);
    permit_ = one_of(cats);
    static const std::vector<std::string> sources = {"hotline", "portal", "wechat", "patrol", "window"};
    const json app = {{"kind", "complaint"},
                      {"category", permit_},
                      {"reporter", {{"id", "resident-1"}, {"name", "张三"}}},
                      {"actor", kDispatcherActor},
                      {"at", rfc(now_)},
                      {"source", one_of(sources)},
                      {"description", "路面问题"},
                      {"location", "人民路12号"}};
    const json c = json::parse(engine_->submit(app.dump()));
    id_ = c["id"];
    log_.push_back("submit complaint " + permit_ + " at " + rfc(now_));
    observe(c, "submit");
  }

  // --- commands ---
  json permit_command(const json& c) {
    const std::string state = c["state"];
    std::vector<std::string> types;
    if (state == "submitted") types = {"accept", "accept", "request_correction", "reject", "withdraw"};
    if (state == "awaiting_correction") types = {"resubmit", "resubmit", "resubmit", "withdraw"};
    if (state == "under_review")
      types = {"record_opinion", "record_opinion", "record_inspection", "suspend", "suspend", "extend",
               "decide",         "decide",         "withdraw"};
    if (state == "suspended") types = {"resume", "resume", "record_opinion", "extend", "withdraw"};
    if (state == "approved") types = {"issue_certificate", "issue_certificate", "revoke"};
    if (state == "issued") types = {"report_completion", "close", "revoke"};
    static const std::vector<std::string> all = {
        "accept",         "request_correction", "resubmit",          "reject", "withdraw",
        "record_opinion", "record_inspection",  "suspend",           "resume", "extend",
        "decide",         "issue_certificate",  "report_completion", "close",  "revoke"};
    const std::string type = types.empty() || chance(12) ? one_of(all) : one_of(types);
    const Definition& def = *definitions().find(c["permit"].get<std::string>(), c["definition_version"]);

    json cmd = {{"type", type}, {"actor", kClerk}};
    if (type == "accept" || type == "resume" || type == "issue_certificate" || type == "close") {
    } else if (type == "request_correction") {
      if (chance(50)) {
        json items = json::array();
        const int n = 1 + pick(2);
        for (int i = 0; i < n; ++i) {
          std::string m = one_of(def.materials).id;
          if (chance(15) && c["facts"].contains("vehicles") && !c["facts"]["vehicles"].empty())
            m = (chance(50) ? "vehicle_licence:" : "vehicle:") +
                c["facts"]["vehicles"][0]["plate"].get<std::string>();
          items.push_back({{"material", m}, {"problem", "invalid_content"}, {"note", "内容不符"}});
        }
        cmd["items"] = items;
      }
    } else if (type == "resubmit") {
      cmd["actor"] = kApplicant;
      json mats = json::array();
      const int n = pick(3);
      for (int i = 0; i < n; ++i) {
        const MaterialSpec& m = one_of(def.materials);
        std::string mid = m.id;
        if (m.per_vehicle) {
          if (!c["facts"].contains("vehicles") || c["facts"]["vehicles"].empty()) continue;
          mid += ":" + c["facts"]["vehicles"][0]["plate"].get<std::string>();
        }
        mats.push_back({{"id", mid}, {"format", chance(10) ? "doc" : "pdf"}, {"expires_on", "2030-12-31"}});
      }
      // Mostly what the last notice asked for, so that cases move on.
      if (!c["notices"].empty() && chance(70)) {
        for (const auto& it : c["notices"].back()["items"]) {
          const std::string m = it["material"];
          if (!concerns(m, "fact:") && !concerns(m, "vehicle:"))
            mats.push_back({{"id", m}, {"format", "pdf"}, {"expires_on", "2030-12-31"}});
        }
      }
      cmd["materials"] = mats;
      json facts = json::object();
      if (chance(35)) {  // a fact sent again as it stands
        const auto& f = c["facts"];
        auto it = f.begin();
        std::advance(it, pick(static_cast<int>(f.size())));
        facts[it.key()] = it.value();
      }
      if (chance(20)) {  // a fact that changes
        if (permit_ == "construction_waste") facts["vehicles"] = random_vehicles(chance(70));
        if (permit_ == "road_excavation") facts["planned_end"] = chance(50) ? "2027-04-20" : "2027-04-10";
        if (permit_ == "outdoor_advertising") facts["term_months"] = 1 + pick(30);
      }
      if (!facts.empty()) cmd["facts"] = facts;
    } else if (type == "reject" || type == "revoke") {
      cmd["actor"] = type == "revoke" ? kHead : kClerk;
      cmd["reason"] = "不符合条件";
    } else if (type == "withdraw" || type == "report_completion") {
      cmd["actor"] = kApplicant;
    } else if (type == "record_opinion") {
      std::vector<std::string> depts;
      for (const auto& d : def.co_approving) depts.push_back(d.id);
      if (depts.empty()) depts.push_back("municipal_roads");
      const std::string dept = one_of(depts);
      cmd["actor"] = reviewer(dept);
      cmd["department"] = dept;
      cmd["opinion"] = chance(85) ? "approve" : "deny";
    } else if (type == "record_inspection") {
      cmd["inspectors"] = chance(90) ? json::array({"insp-1", "insp-2"}) : json::array({"insp-1"});
      cmd["findings"] = "现场核实";
    } else if (type == "suspend") {
      static const std::vector<std::string> reasons = {"hearing", "testing", "expert_review", "appraisal"};
      cmd["reason"] = one_of(reasons);
      cmd["expected_working_days"] = 1 + pick(10);
      cmd["notice"] = "告知书";
    } else if (type == "extend") {
      cmd["actor"] = kHead;
      cmd["working_days"] = 1 + pick(chance(85) ? 10 : 20);
      cmd["reason"] = "需补充论证";
    } else if (type == "decide") {
      cmd["actor"] = kHead;
      cmd["outcome"] = chance(75) ? "approved" : "denied";
      cmd["reasons"] = "审查意见";
    }
    if (chance(4)) cmd["actor"] = kSupervisor;  // never allowed to change a case
    return cmd;
  }

  json complaint_command(const json& c) {
    const std::string state = c["state"];
    const std::string unit = c["unit"].is_string() ? c["unit"].get<std::string>() : "sanitation";
    const json handler = {{"id", "h-" + unit}, {"role", "handler"}, {"unit", unit}};
    std::vector<std::string> types;
    if (state == "received") types = {"register"};
    if (state == "registered" || state == "returned" || state == "reopened") types = {"dispatch"};
    if (state == "dispatched") types = {"start_handling", "start_handling", "return", "escalate", "extend"};
    if (state == "handling") types = {"reply", "reply", "extend", "escalate"};
    if (state == "escalated") types = {"assign_deputy", "extend"};
    if (state == "replied") types = {"check", "check"};
    if (state == "checked") types = {"close"};
    if (state == "closed") types = {"rate"};
    static const std::vector<std::string> all = {"register", "dispatch",      "return", "start_handling",
                                                 "extend",   "escalate",      "reply",  "check",
                                                 "close",    "assign_deputy", "rate"};
    const std::string type = types.empty() || chance(12) ? one_of(all) : one_of(types);
    json cmd = {{"type", type}, {"actor", kDispatcherActor}};
    if (type == "register") {
      cmd["verified"] = !chance(10);
    } else if (type == "return") {
      cmd["actor"] = handler;
      cmd["reasons"] = "不属本单位职责";
    } else if (type == "start_handling" || type == "reply") {
      cmd["actor"] = handler;
      if (type == "reply") cmd["reply"] = "已处理";
    } else if (type == "extend") {
      cmd["working_days"] = 1 + pick(12);
      cmd["reason"] = "需协调";
    } else if (type == "escalate") {
      cmd["reason"] = "重大";
    } else if (type == "assign_deputy") {
      cmd["actor"] = kLeaderActor;
      cmd["deputy"] = "deputy-1";
    } else if (type == "check") {
      cmd["passed"] = chance(75);
      cmd["note"] = "核查";
    } else if (type == "close") {
      cmd["actor"] = chance(50) ? kDispatcherActor : kLeaderActor;
    } else if (type == "rate") {
      cmd["rating"] = 1 + pick(5);
    }
    if (chance(4)) cmd["actor"] = kSupervisor;
    return cmd;
  }

  void step() {
    const json before = get();
    const json history_before = history();
    if (chance(15)) {
      now_ = advance();
      const json fired = json::parse(engine_->run_due(rfc(now_)));
      log_.push_back("run_due " + rfc(now_) + " → " + std::to_string(fired.size()) + " fired");
      observe(get(), "run_due");
      return;
    }
    json cmd = complaint_ ? complaint_command(before) : permit_command(before);
    Instant at = advance();
    const bool backdated = chance(3);  // before the case's latest event: always invalid_argument
    if (backdated)
      at = Instant::parse_rfc3339(before["last_event_at"].get<std::string>()).plus_seconds(-3600);
    cmd["at"] = rfc(at);
    std::string status = "ok";
    json after;
    try {
      after = json::parse(engine_->execute(id_, cmd.dump()));
    } catch (const Error& e) {
      status = std::string(to_string(e.code())) + ": " + e.what();
    }
    log_.push_back(cmd.dump() + " → " + status.substr(0, 160));
    if (status != "ok") {
      refused(before, history_before, cmd, at);
    } else {
      ASSERT_FALSE(backdated) << where() << "a command dated before the case's latest event was accepted";
      now_ = at;
      observe(after, cmd["type"]);
    }
  }

  // Invariant: a refused command changes nothing but the timers due before it.
  void refused(const json& before, const json& history_before, const json& cmd, Instant at) {
    const json h = history();
    ASSERT_GE(h.size(), history_before.size()) << where();
    for (std::size_t i = 0; i < history_before.size(); ++i)
      ASSERT_EQ(h[i]["hash"], history_before[i]["hash"]) << where() << "a refused command rewrote the log";
    const Instant last = Instant::parse_rfc3339(before["last_event_at"].get<std::string>());
    for (std::size_t i = history_before.size(); i < h.size(); ++i) {
      const json& e = h[i];
      ASSERT_TRUE(kTimerEvents.count(e["type"])) << where() << "a refused command appended " << e.dump();
      ASSERT_EQ(e["actor"]["role"], "system") << where();
      ASSERT_LE(Instant::parse_rfc3339(e["at"].get<std::string>()), std::max(at, last))
          << where() << "a refused command fired a timer due after it: " << e.dump();
    }
    if (h.size() == history_before.size()) {
      ASSERT_EQ(get(), before) << where() << "a refused command changed the case";
    }
    if (at >= last) now_ = std::max(now_, at);
    observe(get(), "refused " + cmd["type"].get<std::string>());
  }

  json get() const { return json::parse(engine_->get_case(id_)); }
  json history() const { return json::parse(engine_->history(id_)); }

  // --- the invariants after every step ---
  void observe(const json& c, const std::string& what) {
    const json h = history();
    check_replay(c, h);
    if (::testing::Test::HasFatalFailure()) return;
    check_monotone(c, what);
    if (complaint_) {
      check_complaint_clock(c, h);
    } else {
      check_permit_clocks(c, h);
      check_later_notice(h);
    }
  }

  // Replaying the log (as history gives it) is the case the engine shows.
  void check_replay(const json& c, const json& h) {
    Case replayed;
    std::shared_ptr<const Definition> def;
    for (const auto& e : h) {
      if (!def) {
        const json& d = e["data"];
        def = definitions().find(d["permit"].get<std::string>(), d["definition_version"].get<int>());
        ASSERT_TRUE(def) << where();
      }
      const EventType type = logged_event_type(e["type"].get<std::string>());
      const Event ev{e["seq"].get<std::int64_t>(), type, Instant::parse_rfc3339(e["at"].get<std::string>()),
                     actor_from_json(e["actor"]), payload_from_text(type, e["data"].dump())};
      apply(replayed, ev, CaseContext{*def, calendar(), 480});
    }
    ASSERT_TRUE(def) << where();
    json doc = to_json(replayed, CaseContext{*def, calendar(), 480});
    // A closed complaint's reporter is withheld from reads without an actor (docs/policy.md); the rest of
    // the document is the replay's.
    if (c.contains("reporter") && c["reporter"] == json{{"withheld", true}}) doc["reporter"] = c["reporter"];
    ASSERT_EQ(doc, c) << where() << "replay differs from the projection: " << json::diff(c, doc).dump();
  }

  // Lights only move green → yellow → red while a clock keeps its due; a suspension, an extension or an end
  // moves the due or stops the light, and starts a new comparison.
  void check_monotone(const json& c, const std::string& what) {
    std::map<std::string, std::pair<std::string, int>> now;
    if (c["deadlines"].is_object()) {
      for (const auto& [name, v] : c["deadlines"].items()) {
        if (!v.is_object() || !v.contains("light")) continue;
        now[name] = {v.value("due", json()).dump(), rank(v["light"])};
        if (v.contains("statutory_light"))
          now[name + "/statutory"] = {v["statutory_due"].dump(), rank(v["statutory_light"])};
      }
    }
    for (const auto& [name, cur] : now) {
      const auto it = lights_.find(name);
      if (it == lights_.end() || it->second.first != cur.first || it->second.second < 0 || cur.second < 0)
        continue;
      ASSERT_GE(cur.second, it->second.second)
          << where() << "the " << name << " light went back (due " << cur.first << ") after " << what;
    }
    lights_ = std::move(now);
  }

  // Each working day counted at most once; no clock starting before receipt; the dues and lights of the
  // counting conventions.
  void check_permit_clocks(const json& c, const json& h) {
    const Definition& def = *definitions().find(c["permit"].get<std::string>(), c["definition_version"]);
    const int warning = def.limits.warning;
    const Date today = Instant::parse_rfc3339(c["last_event_at"].get<std::string>()).local_date(480);
    const std::string state = c["state"];
    // The receipt of the latest (re)submission, and the one an acceptance counted from.
    Date receipt = Date::parse(c["received_on"].get<std::string>());
    std::optional<Date> receipt_at_acceptance;
    int resumed = 0;
    for (const auto& e : h) {
      if (e["type"] == "resubmitted") receipt = Date::parse(e["data"]["received_on"].get<std::string>());
      if (e["type"] == "accepted" || e["type"] == "acceptance_deemed") receipt_at_acceptance = receipt;
      if (e["type"] == "resumed") ++resumed;
    }
    ASSERT_TRUE(calendar().is_working_day(Date::parse(c["received_on"].get<std::string>()))) << where();

    // The acceptance window from the latest receipt.
    const json& an = c["deadlines"]["acceptance_notice"];
    const Date an_due = model_due(receipt, def.limits.acceptance_notice, {});
    ASSERT_EQ(an["due"], an_due.to_string()) << where();
    if (state == "submitted") {
      ASSERT_EQ(an["light"], model_light(receipt, an_due, today, warning, {})) << where();
    }

    const json& dc = c["deadlines"]["decision"];
    if (c["accepted_on"].is_null()) {
      ASSERT_TRUE(dc.is_null()) << where();
      return;
    }
    const Date accepted = Date::parse(c["accepted_on"].get<std::string>());
    ASSERT_TRUE(receipt_at_acceptance) << where();
    ASSERT_GE(accepted, *receipt_at_acceptance) << where() << "the decision clock starts before receipt";
    ASSERT_TRUE(calendar().is_working_day(accepted)) << where() << "accepted on a rest day";

    // Stopped days: the suspensions closed by resume move the dues; one an end closed only the light.
    std::set<Date> moved;
    std::set<Date> all;
    const json& susp = c["suspensions"];
    for (std::size_t i = 0; i < susp.size(); ++i) {
      const json& s = susp[i];
      if (s["to"].is_null()) {
        ASSERT_EQ(state, "suspended") << where() << "an open suspension on a case " << state;
        ASSERT_EQ(i + 1, susp.size()) << where();
        continue;
      }
      const Date from = Date::parse(s["from"].get<std::string>());
      const Date to = Date::parse(s["to"].get<std::string>());
      ASSERT_LE(from, to) << where();
      add_range(all, from, to);
      if (static_cast<int>(i) < resumed) add_range(moved, from, to);
    }
    const int extended = dc["extended_working_days"];
    const int promised = def.limits.promised + extended;
    const int statutory =
        (def.limits.joint_handling ? def.limits.joint_statutory : def.limits.statutory) + extended;
    const Date due = model_due(accepted, promised, moved);
    const Date statutory_due = model_due(accepted, statutory, moved);
    ASSERT_EQ(dc["due"], due.to_string()) << where();
    ASSERT_EQ(dc["statutory_due"], statutory_due.to_string()) << where();
    if (state == "under_review") {
      ASSERT_EQ(dc["light"], model_light(accepted, due, today, warning, moved)) << where();
      ASSERT_EQ(dc["statutory_light"], model_light(accepted, statutory_due, today, warning, moved))
          << where();
    } else if (state == "suspended") {
      ASSERT_EQ(dc["light"], "stopped") << where();
    } else {
      const Date ended = Date::parse(
          (c["decision"].is_object() ? c["decision"]["decided_on"] : c["ended_on"]).get<std::string>());
      // Ended: in time when the end came no later than the limit's last counted day, every stopped day
      // (an end while suspended included) left out.
      const auto judged = [&](int limit) { return ended <= model_due(accepted, limit, all) ? "met" : "red"; };
      ASSERT_EQ(dc["light"], judged(promised)) << where();
      ASSERT_EQ(dc["statutory_light"], judged(statutory)) << where();
    }
  }

  // A later notice names only items of earlier notices, materials (re)submitted since the last one, or
  // what a fact that changed since bears on.
  void check_later_notice(const json& h) {
    const Definition& def = *definitions().find(permit_, h[0]["data"]["definition_version"]);
    json facts = h[0]["data"]["facts"];
    std::set<std::string> named;
    std::set<std::string> since;
    std::set<std::string> changed;
    bool noticed = false;
    for (const auto& e : h) {
      if (e["type"] == "resubmitted") {
        for (const auto& m : e["data"]["materials"]) since.insert(m["id"].get<std::string>());
        if (e["data"].contains("facts")) {
          for (const auto& [k, v] : e["data"]["facts"].items()) {
            if (!facts.contains(k) || facts[k] != v) changed.insert(k);
            facts[k] = v;
          }
        }
      }
      if (e["type"] != "correction_requested") continue;
      for (const auto& item : e["data"]["items"]) {
        const std::string m = item["material"];
        if (noticed && !named.count(m) && !since.count(m)) {
          bool allowed = false;
          if (concerns(m, "fact:"))
            allowed = !changed.empty();
          else if (const auto colon = m.find(':'); colon != std::string::npos) {
            const MaterialSpec* spec = def.material(m.substr(0, colon));
            allowed =
                changed.count("vehicles") && (m.substr(0, colon) == "vehicle" || (spec && spec->per_vehicle));
          } else if (const MaterialSpec* spec = def.material(m);
                     spec && spec->required_if && item["problem"] == "condition_required") {
            std::set<std::string> reads;
            condition_reads(*spec->required_if, reads);
            for (const auto& f : reads) allowed = allowed || changed.count(f);
          }
          ASSERT_TRUE(allowed) << where() << "a later notice names " << m
                               << ", neither noticed nor supplemented: " << e.dump();
        }
      }
      for (const auto& item : e["data"]["items"]) named.insert(item["material"].get<std::string>());
      noticed = true;
      since.clear();
      changed.clear();
    }
  }

  // A complaint's handling clock never starts before the report was received.
  void check_complaint_clock(const json& c, const json& h) {
    const json& hd = c["deadlines"]["handling"];
    if (!hd.is_object() || !hd.contains("started_at")) return;
    const Instant filed = Instant::parse_rfc3339(h[0]["at"].get<std::string>());
    ASSERT_GE(Instant::parse_rfc3339(hd["started_at"].get<std::string>()), filed)
        << where() << "the handling clock starts before receipt";
    if (hd.contains("due") && hd["due"].is_string()) {
      ASSERT_GT(Instant::parse_rfc3339(hd["due"].get<std::string>()), filed) << where();
    }
  }

  std::uint64_t seed_;
  std::mt19937_64 rng_;
  TempDir dir_;
  std::unique_ptr<Engine> engine_;
  bool complaint_ = false;
  std::string permit_;
  std::string id_;
  Instant now_;
  std::vector<std::string> log_;
  std::map<std::string, std::pair<std::string, int>> lights_;
};

class Property : public ::testing::TestWithParam<int> {};

TEST_P(Property, RandomSequencesKeepTheRules) {
  const long cases = env_number("PERMITFLOW_PROPERTY_CASES", kDefaultCases);
  const auto seed = static_cast<std::uint64_t>(env_number("PERMITFLOW_PROPERTY_SEED", kDefaultSeed));
  const int shard = GetParam();
  long ran = 0;
  long steps = 0;
  for (long i = shard; i < cases; i += kShards) {
    Sequence s(seed + static_cast<std::uint64_t>(i));
    s.run();
    ++ran;
    steps += s.steps_run();
    if (HasFatalFailure()) return;
  }
  RecordProperty("sequences", static_cast<int>(ran));
  std::printf("property shard %d: %ld sequences, %ld steps (seeds %lu + %d + %d·k)\n", shard, ran, steps,
              static_cast<unsigned long>(seed), shard, kShards);
}

INSTANTIATE_TEST_SUITE_P(Shards, Property, ::testing::Range(0, kShards));

}  // namespace
}  // namespace permitflow::testing
