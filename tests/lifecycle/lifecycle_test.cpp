// The lifecycle chart: each state takes exactly its commands, and the rules refuse what the law forbids.
#include <map>
#include <set>

#include "support/engine_fixture.hpp"

namespace permitflow::testing {
namespace {

class Lifecycle : public EngineTest {
 protected:
  const std::string kPermit = "road_excavation";

  json opinions(json c, const std::string& day) {
    std::vector<std::string> depts;
    for (const auto& [dept, v] : c["opinions"].items()) depts.push_back(dept);
    for (const auto& dept : depts) {
      c = execute(c["id"], command("record_opinion", reviewer(dept), at(day, "12:00"),
                                   {{"department", dept}, {"opinion", "approve"}}));
    }
    return c;
  }
  json inspect(const json& c, const std::string& day) {
    return execute(c["id"], command("record_inspection", kClerk, at(day, "15:00"),
                                    {{"inspectors", {"insp-1", "insp-2"}}, {"findings", "现场核查符合"}}));
  }
  json approved(const std::string& day) {
    json c = accepted(kPermit, day);
    c = opinions(c, day);
    c = inspect(c, day);
    return execute(c["id"], command("decide", kHead, at(day, "16:00"), {{"outcome", "approved"}}));
  }
  json issued(const std::string& day) {
    const json c = approved(day);
    return execute(c["id"], command("issue_certificate", kClerk, at(day, "17:00")));
  }

  /// A case in each of the twelve states.
  std::map<std::string, json> one_case_per_state() {
    std::map<std::string, json> s;
    const std::string d = "2026-06-01";
    // Expired first: its run_due must not touch the other cases' clocks. A certificate valid for its issue
    // day only expires at the next midnight.
    json expiring = approved(d);
    expiring =
        execute(expiring["id"], command("issue_certificate", kClerk, at(d, "17:00"), {{"valid_until", d}}));
    run_due("2026-06-02T00:00:00+08:00");
    s["expired"] = get(expiring["id"]);
    s["submitted"] = submit(application(kPermit, at(d)));
    s["awaiting_correction"] = execute(submit(application(kPermit, at(d)))["id"],
                                       command("request_correction", kClerk, at(d, "11:00")));
    s["not_accepted"] =
        execute(submit(application(kPermit, at(d)))["id"],
                command("reject", kClerk, at(d, "11:00"), {{"reason", "不属于本机关职权范围"}}));
    s["under_review"] = accepted(kPermit, d);
    s["suspended"] =
        execute(accepted(kPermit, d)["id"],
                command("suspend", kClerk, at(d, "12:00"),
                        {{"reason", "expert_review"}, {"expected_working_days", 5}, {"notice", "专家评审"}}));
    s["approved"] = approved(d);
    json denied = opinions(accepted(kPermit, d), d);
    s["denied"] = execute(denied["id"], command("decide", kHead, at(d, "16:00"),
                                                {{"outcome", "denied"}, {"reasons", "施工方案不符合要求"}}));
    s["issued"] = issued(d);
    s["withdrawn"] = execute(submit(application(kPermit, at(d)))["id"],
                             command("withdraw", kApplicant, at(d, "11:00"), {{"reason", "工程取消"}}));
    json revoked = issued(d);
    s["revoked"] =
        execute(revoked["id"], command("revoke", kHead, at(d, "18:00"), {{"reason", "以欺骗手段取得"}}));
    json closed = issued(d);
    closed = execute(closed["id"], command("report_completion", kApplicant, at(d, "18:00")));
    s["closed"] = execute(closed["id"], command("close", kClerk, at(d, "18:30")));
    return s;
  }
};

TEST_F(Lifecycle, EachStateTakesExactlyItsCommands) {
  const std::map<std::string, std::set<std::string>> takes = {
      {"submitted", {"accept", "request_correction", "reject", "withdraw"}},
      {"awaiting_correction", {"resubmit", "reject", "withdraw"}},
      {"under_review", {"record_opinion", "record_inspection", "extend", "suspend", "decide", "withdraw"}},
      {"suspended", {"record_opinion", "record_inspection", "extend", "resume", "withdraw"}},
      {"approved", {"issue_certificate", "revoke"}},
      {"issued", {"report_completion", "close", "revoke"}},
      {"not_accepted", {}},
      {"denied", {}},
      {"withdrawn", {}},
      {"expired", {}},
      {"revoked", {}},
      {"closed", {}},
  };
  const auto cases = one_case_per_state();
  ASSERT_EQ(cases.size(), 12u);
  for (const auto& [state, c] : cases) ASSERT_EQ(c["state"], state) << c.dump();

  const std::map<std::string, std::pair<json, json>> probes = {
      {"accept", {kHead, json::object()}},
      {"request_correction", {kHead, json::object()}},
      {"resubmit", {kApplicant, {{"materials", {{{"id", "traffic_plan"}, {"format", "pdf"}}}}}}},
      {"reject", {kHead, {{"reason", "r"}}}},
      {"withdraw", {kApplicant, json::object()}},
      {"record_opinion",
       {reviewer("traffic_police"), {{"department", "traffic_police"}, {"opinion", "approve"}}}},
      {"record_inspection", {kHead, {{"inspectors", {"a", "b"}}, {"findings", "f"}}}},
      {"suspend", {kHead, {{"reason", "hearing"}, {"expected_working_days", 3}, {"notice", "n"}}}},
      {"resume", {kHead, json::object()}},
      {"extend", {kHead, {{"working_days", 5}, {"reason", "r"}}}},
      {"decide", {kHead, {{"outcome", "denied"}, {"reasons", "r"}}}},
      {"issue_certificate", {kHead, json::object()}},
      {"report_completion", {kApplicant, json::object()}},
      {"close", {kHead, json::object()}},
      {"revoke", {kHead, {{"reason", "r"}}}},
  };
  // Refused commands change nothing, so one case per state serves every probe. (The commands a state takes
  // are exercised by building these cases and by the flows below.)
  for (const auto& [state, c] : cases) {
    const std::string when = get(c["id"])["last_event_at"];  // no timer fires before the probe
    for (const auto& [type, probe] : probes) {
      if (takes.at(state).count(type)) continue;
      const json before = history(c["id"]);
      const ErrorCode got =
          error_of([&] { execute(c["id"], command(type, probe.first, when, probe.second)); });
      EXPECT_EQ(got, ErrorCode::invalid_state) << state << " should refuse " << type;
      EXPECT_EQ(history(c["id"]), before) << "a refused " << type << " changed a case in " << state;
    }
  }
}

TEST_F(Lifecycle, RoadExcavationFromSubmissionToClosure) {
  const json full = complete_materials(kPermit, at("2026-06-01"));
  json c = submit(application(kPermit, at("2026-06-01"), json::array({full[0]})));
  EXPECT_EQ(c["id"].get<std::string>().substr(0, 19), "000000-RE-20260601-");
  c = execute(c["id"], command("request_correction", kClerk, at("2026-06-02")));
  EXPECT_EQ(c["state"], "awaiting_correction");
  EXPECT_EQ(c["deadlines"]["acceptance_notice"]["light"], "met");
  json rest = json::array();
  for (std::size_t i = 1; i < full.size(); ++i) rest.push_back(full[i]);
  c = execute(c["id"], command("resubmit", kApplicant, at("2026-06-03"), {{"materials", rest}}));
  EXPECT_EQ(c["deadlines"]["acceptance_notice"]["due"], "2026-06-10");
  c = execute(c["id"], command("accept", kClerk, at("2026-06-03", "15:00")));
  EXPECT_EQ(c["accepted_on"], "2026-06-03");
  EXPECT_EQ(c["opinions"], json({{"municipal_roads", nullptr}, {"traffic_police", nullptr}}));
  EXPECT_EQ(query({{"awaiting_department", "traffic_police"}})["cases"].size(), 1u);
  // Decision refusals: co-approvals missing, inspection missing.
  EXPECT_EQ(error_of([&] {
              execute(c["id"], command("decide", kHead, at("2026-06-04"), {{"outcome", "approved"}}));
            }),
            ErrorCode::rule_violation);
  c = opinions(c, "2026-06-04");
  EXPECT_EQ(
      error_of([&] {
        execute(c["id"], command("decide", kHead, at("2026-06-04", "13:00"), {{"outcome", "approved"}}));
      }),
      ErrorCode::rule_violation);
  EXPECT_EQ(error_of([&] {
              execute(c["id"], command("record_inspection", kClerk, at("2026-06-05"),
                                       {{"inspectors", {"insp-1", "insp-1"}}, {"findings", "一人"}}));
            }),
            ErrorCode::rule_violation);  // Art 34: two different inspectors
  c = inspect(c, "2026-06-05");
  c = execute(c["id"], command("decide", kHead, at("2026-06-05", "16:00"), {{"outcome", "approved"}}));
  EXPECT_EQ(c["state"], "approved");
  EXPECT_EQ(c["deadlines"]["decision"]["light"], "met");
  EXPECT_EQ(c["deadlines"]["issuance"]["due"], "2026-06-22");  // 10 WD, 端午 06-19 skipped
  c = execute(c["id"], command("issue_certificate", kClerk, at("2026-06-08")));
  EXPECT_EQ(c["certificate"]["valid_until"], "2027-04-10");  // the approved excavation period
  EXPECT_EQ(c["deadlines"]["issuance"]["light"], "met");
  EXPECT_EQ(error_of([&] { execute(c["id"], command("close", kClerk, at("2026-06-09"))); }),
            ErrorCode::rule_violation);
  c = execute(c["id"], command("report_completion", kApplicant, at("2027-04-10")));
  c = execute(c["id"], command("close", kClerk, at("2027-04-10", "16:00")));
  EXPECT_EQ(c["state"], "closed");
  // The log tells the whole story in order.
  std::vector<std::string> types;
  for (const auto& e : history(c["id"])) types.push_back(e["type"]);
  EXPECT_EQ(types.front(), "submitted");
  EXPECT_EQ(types.back(), "closed");
}

TEST_F(Lifecycle, ProtectedRoadIsAFlagThatBlocksApproval) {
  json facts = facts_of(kPermit);
  facts["road_opened_on"] = "2023-05-01";  // planned start 2027-04-01 is inside the 5-year protection
  const json mats = complete_materials(kPermit, at("2026-06-01"));
  json c = submit(application(kPermit, at("2026-06-01"), mats, facts));
  EXPECT_EQ(c["flags"], json::array({"protected_road"}));
  c = execute(c["id"], command("accept", kClerk, at("2026-06-01", "11:00")));  // a flag is no deficiency
  c = opinions(c, "2026-06-02");
  c = inspect(c, "2026-06-02");
  EXPECT_EQ(error_of([&] {
              execute(c["id"], command("decide", kHead, at("2026-06-03"), {{"outcome", "approved"}}));
            }),
            ErrorCode::rule_violation);
  // With the city government's exception approved (resubmitted facts are not possible after acceptance), the
  // same application filed anew passes.
  facts["protection_exception_approved"] = true;
  EXPECT_EQ(precheck(application(kPermit, at("2026-06-01"), mats, facts))["flags"], json::array());
  const json denied = execute(c["id"], command("decide", kHead, at("2026-06-03"),
                                               {{"outcome", "denied"}, {"reasons", "道路保护期内"}}));
  EXPECT_EQ(denied["state"], "denied");
}

TEST_F(Lifecycle, AnyDepartmentsDenialAllowsOnlyADenial) {
  json c = accepted(kPermit, "2026-06-01");
  c = execute(
      c["id"],
      command("record_opinion", reviewer("traffic_police"), at("2026-06-02"),
              {{"department", "traffic_police"}, {"opinion", "deny"}, {"comment", "高峰时段施工影响通行"}}));
  EXPECT_EQ(error_of([&] {
              execute(c["id"], command("record_opinion", reviewer("traffic_police"), at("2026-06-02"),
                                       {{"department", "traffic_police"}, {"opinion", "approve"}}));
            }),
            ErrorCode::rule_violation);  // recorded once
  EXPECT_EQ(error_of([&] {
              execute(c["id"], command("decide", kHead, at("2026-06-03"), {{"outcome", "approved"}}));
            }),
            ErrorCode::rule_violation);
  c = execute(c["id"], command("decide", kHead, at("2026-06-03"), {{"outcome", "denied"}}));
  EXPECT_EQ(c["state"], "denied");
  EXPECT_NE(c["decision"]["reasons"].get<std::string>().find("高峰时段施工影响通行"), std::string::npos);
}

TEST_F(Lifecycle, RefusalOrderAndBadInput) {
  const json c = submit(application("outdoor_advertising", at("2026-06-01")));
  EXPECT_EQ(error_of([&] { get("no-such-case"); }), ErrorCode::not_found);
  EXPECT_EQ(error_of([&] { engine().submit("{"); }), ErrorCode::invalid_argument);
  EXPECT_EQ(error_of([&] { engine().submit("[]"); }), ErrorCode::invalid_argument);
  EXPECT_EQ(error_of([&] { engine().submit(R"({"permit": 7})"); }), ErrorCode::invalid_argument);
  EXPECT_EQ(error_of([&] { submit(application("fireworks", at("2026-06-01"))); }),
            ErrorCode::invalid_argument);
  EXPECT_EQ(error_of([&] { submit(application("outdoor_advertising", "2026-06-01T10:00:00")); }),
            ErrorCode::invalid_argument);  // no offset
  EXPECT_EQ(error_of([&] { submit(application("outdoor_advertising", "2026-02-30T10:00:00+08:00")); }),
            ErrorCode::invalid_argument);
  // Unknown command and unknown field: invalid_argument even for an unknown case (malformed comes first).
  EXPECT_EQ(error_of([&] { execute("no-such-case", command("approve_now", kHead, at("2026-06-02"))); }),
            ErrorCode::invalid_argument);
  EXPECT_EQ(error_of([&] {
              execute(c["id"], command("accept", kClerk, at("2026-06-02"), {{"colour", "red"}}));
            }),
            ErrorCode::invalid_argument);
  EXPECT_EQ(error_of([&] { execute("no-such-case", command("accept", kClerk, at("2026-06-02"))); }),
            ErrorCode::not_found);
  // not_found < permission_denied < conflict < invalid_state < rule_violation
  EXPECT_EQ(error_of([&] {
              execute(c["id"], command("decide", kApplicant, at("2026-06-02"),
                                       {{"outcome", "approved"}, {"expected_version", 99}}));
            }),
            ErrorCode::permission_denied);
  EXPECT_EQ(error_of([&] {
              execute(c["id"], command("decide", kHead, at("2026-06-02"),
                                       {{"outcome", "approved"}, {"expected_version", 99}}));
            }),
            ErrorCode::conflict);
  EXPECT_EQ(error_of([&] {
              execute(c["id"], command("decide", kHead, at("2026-06-02"), {{"outcome", "approved"}}));
            }),
            ErrorCode::invalid_state);
  EXPECT_EQ(error_of([&] { execute(c["id"], command("accept", kClerk, at("2026-06-02"))); }),
            ErrorCode::rule_violation);
  EXPECT_EQ(error_of([&] { execute(c["id"], command("request_correction", kClerk, at("2026-05-30"))); }),
            ErrorCode::invalid_argument);  // earlier than the case's latest event
  EXPECT_EQ(get(c["id"])["opinions"], json::object());
  EXPECT_EQ(get(c["id"])["version"], 1);
}

TEST_F(Lifecycle, CommandIdsMakeRetriesSafe) {
  const json c = submit(application("outdoor_advertising", at("2026-06-01")));
  json cmd = command("request_correction", kClerk, at("2026-06-02"));
  cmd["command_id"] = "retry-1";
  const json first = execute(c["id"], cmd);
  const json again = execute(c["id"], cmd);
  EXPECT_EQ(first, again);
  EXPECT_EQ(history(c["id"]).size(), 2u);
}

TEST_F(Lifecycle, CasesSurviveCloseAndReopen) {
  const json c = accepted("construction_waste", "2026-06-01");
  const json before = get(c["id"]);
  const json log = history(c["id"]);
  open();
  EXPECT_EQ(get(c["id"]), before);
  EXPECT_EQ(history(c["id"]), log);
  // And the timers: the promised red of 2026-06-09 (5 WD) fires after the reopen.
  const json fired = run_due("2026-06-09T00:00:00+08:00");
  ASSERT_FALSE(fired.empty());
  EXPECT_EQ(get(c["id"])["deadlines"]["decision"]["light"], "red");
}

}  // namespace
}  // namespace permitflow::testing
