// Every role against every command (docs/contract.md §4). Authorization is checked before the state and the
// rules (docs/contract.md §3), so a case in `submitted` shows which roles may issue which command: a role
// that may not gets permission_denied; a role that may gets anything else (done, or refused by state or
// rule).
#include <map>
#include <set>

#include "support/engine_fixture.hpp"

namespace permitflow::testing {
namespace {

using Roles = EngineTest;

json body_for(const std::string& type) {
  if (type == "reject" || type == "revoke") return {{"reason", "理由"}};
  if (type == "resubmit") return {{"materials", {{{"id", "application_form"}, {"format", "pdf"}}}}};
  if (type == "record_opinion") return {{"department", "traffic_police"}, {"opinion", "approve"}};
  if (type == "record_inspection") return {{"inspectors", {"a", "b"}}, {"findings", "ok"}};
  if (type == "suspend") return {{"reason", "hearing"}, {"expected_working_days", 5}, {"notice", "n"}};
  if (type == "extend") return {{"working_days", 5}, {"reason", "r"}};
  if (type == "decide") return {{"outcome", "denied"}, {"reasons", "r"}};
  return json::object();
}

TEST_F(Roles, EveryRoleAgainstEveryCommand) {
  const std::map<std::string, std::set<std::string>> allowed = {
      {"applicant", {"resubmit", "withdraw", "report_completion"}},
      {"clerk",
       {"accept", "request_correction", "reject", "suspend", "resume", "record_inspection",
        "issue_certificate", "close"}},
      {"reviewer", {"record_opinion", "record_inspection"}},
      {"head",
       {"accept", "request_correction", "reject", "suspend", "resume", "record_inspection",
        "issue_certificate", "close", "extend", "decide", "revoke"}},
      {"supervisor", {}},
      {"system", {}},
  };
  const std::vector<std::string> commands = {
      "accept",         "request_correction", "resubmit",          "reject", "withdraw",
      "record_opinion", "record_inspection",  "suspend",           "resume", "extend",
      "decide",         "issue_certificate",  "report_completion", "close",  "revoke"};
  for (const auto& [role, may] : allowed) {
    for (const auto& type : commands) {
      // A fresh case per probe: a command that succeeds must not change what the next probe sees.
      const json c = submit(application("construction_waste", at("2026-06-01")));
      json actor = {{"id", role == "applicant" ? kApplicant["id"].get<std::string>() : role + "-1"},
                    {"role", role}};
      if (role == "reviewer") actor["department"] = "traffic_police";
      const ErrorCode got =
          error_of([&] { execute(c["id"], command(type, actor, at("2026-06-02"), body_for(type))); });
      if (may.count(type)) {
        EXPECT_NE(got, ErrorCode::permission_denied) << role << " may " << type;
      } else {
        EXPECT_EQ(got, ErrorCode::permission_denied) << role << " may not " << type;
      }
    }
  }
}

TEST_F(Roles, ApplicantsActOnTheirOwnCasesOnly) {
  const json c = submit(application("outdoor_advertising", at("2026-06-01")));
  const json other = {{"id", "91110000OTHER0001X"}, {"role", "applicant"}};
  EXPECT_EQ(error_of([&] { execute(c["id"], command("withdraw", other, at("2026-06-02"))); }),
            ErrorCode::permission_denied);
  json app = application("outdoor_advertising", at("2026-06-01"));
  app["actor"] = other;  // submitting in another applicant's name
  EXPECT_EQ(error_of([&] { submit(app); }), ErrorCode::permission_denied);
  app["actor"] = kClerk;  // the window submits for an applicant
  EXPECT_EQ(submit(app)["applicant"]["id"], kApplicant["id"]);
  const json w =
      execute(c["id"], command("withdraw", kApplicant, at("2026-06-02"), {{"reason", "不再设置"}}));
  EXPECT_EQ(w["state"], "withdrawn");
}

TEST_F(Roles, ReviewersRecordTheirOwnDepartmentsOpinionOnly) {
  const json c = accepted("road_excavation", "2026-06-01");
  EXPECT_EQ(error_of([&] {
              execute(c["id"], command("record_opinion", reviewer("traffic_police"), at("2026-06-02"),
                                       {{"department", "municipal_roads"}, {"opinion", "approve"}}));
            }),
            ErrorCode::permission_denied);
  const json ok = execute(c["id"], command("record_opinion", reviewer("traffic_police"), at("2026-06-02"),
                                           {{"department", "traffic_police"}, {"opinion", "approve"}}));
  EXPECT_EQ(ok["opinions"]["traffic_police"]["opinion"], "approve");
  EXPECT_TRUE(ok["opinions"]["municipal_roads"].is_null());
  // An unknown department is malformed input, whatever the role.
  EXPECT_EQ(error_of([&] {
              execute(c["id"], command("record_opinion", reviewer("fire_brigade"), at("2026-06-02"),
                                       {{"department", "fire_brigade"}, {"opinion", "approve"}}));
            }),
            ErrorCode::invalid_argument);
}

}  // namespace
}  // namespace permitflow::testing
