// The demo cast of the example hosts: the people at the window, three applicant firms and the quick-service
// line (demo_cast.json, also the portal's `--demo` users and the browser tests' logins), and the cases
// `permitctl demo` tells as timelines and `portal --seed-demo` puts into a fresh database. One copy of the
// cast and of the demo logic for every host and test.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "permitflow/calendar.hpp"
#include "permitflow/engine.hpp"

namespace permitflow::demo {

using nlohmann::json;

// --- the cast: the people of demo_cast.json (the portal's `--demo` users), found by what they do ------
/// demo_cast.json as compiled in: {"users": [{"login", "id", "role", "department"?, "unit"?, "name",
/// "party_name"?}]}, the portal's users-file format; `party_name` is the name a person goes by in a case.
std::string_view cast_json();
json clerk();                                  // 窗口-王芳
json head();                                   // 局长-李建国
json reviewer(const std::string& department);  // 审查-<department>
json gas_company();                            // {"id","name"} of the road-excavation applicant
json ad_company();                             // outdoor advertising
json haulage_company();                        // construction waste
json as_applicant(const json& company);        // the company as a command actor
// The quick-service line's cast (complaints, docs/complaints.md).
json resident();                        // {"id","name"} of the portal's demo reporter, 居民-张秀英
json as_reporter(const json& person);   // the resident as a command actor
json dispatcher();                      // 信息员-孙丽, the information clerk
json handler(const std::string& unit);  // the demo handler of a unit (sanitation, law_enforcement, …)
json leader();                          // 分管局长-钱进

// --- building blocks -----------------------------------------------------------------------------------
std::string at(const std::string& day, const std::string& hm);  // "2026-03-02T09:10:00+08:00"
json command(const std::string& type, const json& actor, const std::string& when,
             const json& extra = json::object());
json application(const std::string& permit, const json& applicant, const std::string& when, const json& facts,
                 const json& materials);
json pdf(const std::string& material_id);
/// The application's materials plus a PDF of every material a precheck asks for.
json complete_materials(const Engine& engine, const json& app);
/// Realistic facts for each permit; `from`/`to` are the planned works (road excavation only).
json road_facts(const std::string& planned_start, const std::string& planned_end);
json ad_facts(bool on_roof = false, int storeys = 5);
json waste_facts();

/// Runs commands on cases, refusing (with a clear message) any step dated before the case's last one:
/// the engine would refuse it too, but mid-seed that leaves a half-built cast.
class Runner {
 public:
  explicit Runner(Engine& engine) : engine_(engine) {}
  std::string submit(const json& app);
  json exec(const std::string& case_id, const json& cmd);

 private:
  Engine& engine_;
  std::vector<std::pair<std::string, std::string>> last_;  // case id → last `at`
  void check_order(const std::string& case_id, const std::string& when);
};

/// The three stories of `permitctl demo` (all dated 2026), narrated on `out`.
struct Stories {
  std::string road, board, waste;
};
Stories run_stories(Engine& engine, std::ostream& out);

/// The two other acceptance paths (docs/contract.md §17), dated November 2026, after run_stories: an
/// advertisement accepted with its rendering tolerated and supplied in time, one whose tolerance lapses
/// (terminated), and a waste approval decided on a commitment that the verification finds false (revoked,
/// credit flagged).
struct OtherPaths {
  std::string supplied, lapsed, committed;
};
OtherPaths run_other_paths(Engine& engine, std::ostream& out);

/// A complaint as the application JSON (`source` hotline: the dispatcher files it for the reporter;
/// portal: the reporter files its own).
json complaint(const std::string& category, const json& reporter, const std::string& when,
               const std::string& source, const std::string& description, const std::string& location);

/// Complaints of several categories in every state (one escalated, one returned, one red, one rated
/// badly and reopened), dated in the working days before `today`. Returns the ids it made.
std::vector<std::string> seed_complaints(Engine& engine, Date today);

/// Fills a fresh database: the three stories, then cases of all three permits in every state and the
/// complaints of seed_complaints, dated in the working days before `today` (the bureau's local date),
/// and fires what is due at `now_rfc3339`. Returns [{"case", "kind", "permit" or "category", "state"}].
json seed(Engine& engine, Date today, const std::string& now_rfc3339);

}  // namespace permitflow::demo
