// The decision clock and the correction notice at their edges, end to end through the C++ API on a real
// SQLite file: an end while suspended, a fact resent unchanged, suspensions sharing a day, an acceptance
// dated on a rest day (docs/contract.md, counting conventions and the one-time notice).
#include "support/engine_fixture.hpp"

namespace permitflow::testing {
namespace {

json suspend_cmd(const std::string& when, int expected = 5) {
  return command("suspend", kClerk, when,
                 {{"reason", "testing"}, {"expected_working_days", expected}, {"notice", "检测告知书"}});
}

class ClockEdges : public EngineTest {
 protected:
  // road_excavation, complete, submitted 2026-03-02T10:00 and accepted 11:00: promised due 03-09, statutory
  // due 03-30.
  json accepted_road() {
    const json c = submit(application("road_excavation", at("2026-03-02"),
                                      complete_materials("road_excavation", at("2026-03-02"))));
    return execute(c["id"], command("accept", kClerk, at("2026-03-02", "11:00")));
  }

  // construction_waste with every material but business_licence and one vehicle.
  json waste_without_licence(const json& vehicles) {
    json facts = facts_of("construction_waste");
    facts["vehicles"] = vehicles;
    json app = application("construction_waste", at("2026-03-02"), json::array(), facts);
    json mats = json::array();
    for (int round = 0; round < 4; ++round) {
      app["materials"] = mats;
      const json n = precheck(app);
      for (const auto& i : n["items"]) {
        const std::string m = i["material"];
        if (m != "business_licence" && m.rfind("fact:", 0) != 0)
          mats.push_back({{"id", m}, {"format", "pdf"}, {"expires_on", "2030-12-31"}});
      }
    }
    app["materials"] = mats;
    const json n = precheck(app);
    EXPECT_EQ(n["items"].size(), 1u) << n.dump();
    EXPECT_EQ(n["items"][0]["material"], "business_licence") << n.dump();
    return submit(app);
  }
};

std::vector<std::string> types_of(const json& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e["type"]);
  return out;
}

TEST_F(ClockEdges, WithdrawalWhileSuspendedClosesTheSuspensionAndCountsOnlyRunDays) {
  const json c = accepted_road();
  EXPECT_EQ(c["deadlines"]["decision"]["due"], "2026-03-09");
  EXPECT_EQ(c["deadlines"]["decision"]["statutory_due"], "2026-03-30");
  execute(c["id"], suspend_cmd(at("2026-03-04", "11:00")));
  const json w = execute(c["id"], command("withdraw", kApplicant, at("2026-03-25", "11:00")));
  EXPECT_EQ(w["state"], "withdrawn");
  // The stopped time ends with the case: no open suspension is left behind.
  ASSERT_EQ(w["suspensions"].size(), 1u);
  EXPECT_EQ(w["suspensions"][0]["from"], "2026-03-04");
  EXPECT_EQ(w["suspensions"][0]["to"], "2026-03-25");
  // Only 03-03 ran (1 of 5 promised working days): in time on both clocks. The dues stay as shown.
  const json& dl = w["deadlines"]["decision"];
  EXPECT_EQ(dl["light"], "met");
  EXPECT_EQ(dl["statutory_light"], "met");
  EXPECT_EQ(dl["due"], "2026-03-09");
  EXPECT_EQ(dl["statutory_due"], "2026-03-30");
  // The same after a reopening (replayed from the log) and for verify.
  close();
  open();
  EXPECT_EQ(get(c["id"]), w);
  EXPECT_EQ(json::parse(engine().verify())["ok"], true);
}

TEST_F(ClockEdges, WithdrawalWhileSuspendedAfterTheStatutoryDueIsStillInTime) {
  const json c = accepted_road();
  execute(c["id"], suspend_cmd(at("2026-03-04", "11:00")));
  run_due("2026-04-08T00:00:00+08:00");  // past the shown statutory due: nothing turns red while stopped
  const json w = execute(c["id"], command("withdraw", kApplicant, at("2026-04-08", "11:00")));
  EXPECT_EQ(w["suspensions"][0]["to"], "2026-04-08");
  EXPECT_EQ(w["deadlines"]["decision"]["light"], "met");
  EXPECT_EQ(w["deadlines"]["decision"]["statutory_light"], "met");
  for (const auto& t : types_of(history(c["id"]))) EXPECT_NE(t, "deadline_overdue");
}

TEST_F(ClockEdges, WithdrawalWhileSuspendedAfterTheLimitRanOutIsLate) {
  // Suspended only after the promised 5 days ran (03-03 … 03-09): the end is judged late on that clock,
  // in time on the statutory one.
  const json c = accepted_road();
  execute(c["id"], suspend_cmd(at("2026-03-11", "11:00")));
  const json w = execute(c["id"], command("withdraw", kApplicant, at("2026-03-20", "11:00")));
  EXPECT_EQ(w["suspensions"][0]["to"], "2026-03-20");
  EXPECT_EQ(w["deadlines"]["decision"]["light"], "red");
  EXPECT_EQ(w["deadlines"]["decision"]["statutory_light"], "met");
}

TEST_F(ClockEdges, WithdrawalAfterAResumeIsJudgedOnTheMovedDue) {
  // Suspended 03-04 … 03-06 (3 working days): promised due moves to 03-12; a withdrawal on 03-12 is in time.
  const json c = accepted_road();
  execute(c["id"], suspend_cmd(at("2026-03-04", "11:00")));
  const json r = execute(c["id"], command("resume", kClerk, at("2026-03-06", "11:00")));
  EXPECT_EQ(r["deadlines"]["decision"]["due"], "2026-03-12");
  const json w = execute(c["id"], command("withdraw", kApplicant, at("2026-03-12", "16:00")));
  EXPECT_EQ(w["deadlines"]["decision"]["light"], "met");
  EXPECT_EQ(w["deadlines"]["decision"]["due"], "2026-03-12");
}

const json kVehicles = json::array({{{"plate", "苏J12345"}, {"enclosed", true}, {"recorder", true}}});
const json kLicence =
    json::array({{{"id", "business_licence"}, {"format", "pdf"}, {"expires_on", "2030-12-31"}}});
const json kRulesItem = json::array(
    {{{"material", "vehicle_management_rules"}, {"problem", "invalid_content"}, {"note", "制度未盖章"}}});

TEST_F(ClockEdges, AFactResentUnchangedReopensNothingToALaterNotice) {
  const json c = waste_without_licence(kVehicles);
  execute(c["id"], command("request_correction", kClerk, at("2026-03-02", "11:00")));
  execute(c["id"], command("resubmit", kApplicant, at("2026-03-03"),
                           {{"materials", kLicence}, {"facts", {{"vehicles", kVehicles}}}}));
  const std::int64_t version = get(c["id"])["version"];
  try {
    execute(c["id"],
            command("request_correction", kClerk, at("2026-03-04", "11:00"), {{"items", kRulesItem}}));
    FAIL() << "a later notice naming an item neither noticed nor resubmitted was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::rule_violation);
    EXPECT_NE(std::string(e.what()).find("vehicle_management_rules"), std::string::npos) << e.what();
  }
  EXPECT_EQ(get(c["id"])["version"], version);
}

TEST_F(ClockEdges, AChangedVehicleListOpensOnlyTheVehiclesOwnItems) {
  const json c = waste_without_licence(kVehicles);
  execute(c["id"], command("request_correction", kClerk, at("2026-03-02", "11:00")));
  json more = kVehicles;
  more.push_back({{"plate", "苏J54321"}, {"enclosed", true}, {"recorder", true}});
  execute(c["id"], command("resubmit", kApplicant, at("2026-03-03"),
                           {{"materials", kLicence}, {"facts", {{"vehicles", more}}}}));
  // The management rules do not depend on the vehicle list: still refused.
  EXPECT_EQ(error_of([&] {
              execute(c["id"], command("request_correction", kClerk, at("2026-03-04", "11:00"),
                                       {{"items", kRulesItem}}));
            }),
            ErrorCode::rule_violation);
  // The new vehicle's own registration certificate may be named.
  const json n = execute(c["id"], command("request_correction", kClerk, at("2026-03-04", "11:00")));
  ASSERT_EQ(n["notices"].size(), 2u);
  ASSERT_EQ(n["notices"][1]["items"].size(), 1u);
  EXPECT_EQ(n["notices"][1]["items"][0]["material"], "vehicle_licence:苏J54321");
}

// outdoor_advertising gives 10 working days to correct: a notice of Mon 03-02 is due Mon 03-16 (no holiday
// between), and the case is deemed withdrawn when that day ends, not before.
TEST_F(ClockEdges, ACorrectionPeriodThatRunsOutWithdrawsTheCase) {
  const json c = submit(application("outdoor_advertising", at("2026-03-02"), json::array()));
  const json n = execute(c["id"], command("request_correction", kClerk, at("2026-03-02", "11:00")));
  EXPECT_EQ(n["state"], "awaiting_correction");
  EXPECT_EQ(n["deadlines"]["correction"]["due"], "2026-03-16");
  run_due("2026-03-16T23:59:59+08:00");
  EXPECT_EQ(get(c["id"])["state"], "awaiting_correction");
  const json fired = run_due("2026-03-17T00:00:00+08:00");
  const json now = get(c["id"]);
  EXPECT_EQ(now["state"], "withdrawn") << fired.dump();
  EXPECT_EQ(now["ended_on"], "2026-03-17");
  const json log = history(c["id"]);
  EXPECT_EQ(log.back()["type"], "correction_lapsed");
  EXPECT_EQ(log.back()["at"], "2026-03-17T00:00:00+08:00");
  EXPECT_EQ(log.back()["data"]["clock"], "correction");
  // The case has ended: a command after the lapse is refused.
  EXPECT_EQ(error_of([&] { execute(c["id"], command("withdraw", kApplicant, at("2026-03-17", "10:00"))); }),
            ErrorCode::invalid_state);
}

TEST_F(ClockEdges, TwoSuspensionsSharingADayCountItOnce) {
  const json c = accepted_road();
  execute(c["id"], suspend_cmd(at("2026-03-03", "09:00")));
  execute(c["id"], command("resume", kClerk, at("2026-03-03", "10:00")));
  execute(c["id"], suspend_cmd(at("2026-03-03", "11:00")));
  execute(c["id"], command("resume", kClerk, at("2026-03-03", "12:00")));
  // Promised: 03-06, 03-09, 03-10 remain on Fri 03-06 (three > 2): green until Sat 03-07 00:00.
  const json fired = run_due("2026-03-06T12:00:00+08:00");
  for (const auto& f : fired) EXPECT_NE(f["kind"], "deadline_warning") << fired.dump();
  json now = get(c["id"]);
  EXPECT_EQ(now["deadlines"]["decision"]["due"], "2026-03-10");
  EXPECT_EQ(now["deadlines"]["decision"]["statutory_due"], "2026-03-31");
  EXPECT_EQ(now["deadlines"]["decision"]["light"], "green");
  run_due("2026-03-07T00:00:00+08:00");
  EXPECT_EQ(get(c["id"])["deadlines"]["decision"]["light"], "yellow");
  // Statutory: 03-27, 03-30, 03-31 remain on Fri 03-27: green until Sat 03-28 00:00.
  run_due("2026-03-27T12:00:00+08:00");
  now = get(c["id"]);
  EXPECT_EQ(now["deadlines"]["decision"]["light"], "red");
  EXPECT_EQ(now["deadlines"]["decision"]["statutory_light"], "green");
  run_due("2026-03-28T00:00:00+08:00");
  EXPECT_EQ(get(c["id"])["deadlines"]["decision"]["statutory_light"], "yellow");
  // The warnings were recorded at those instants, not a working day early.
  std::vector<std::string> warned;
  for (const auto& e : history(c["id"]))
    if (e["type"] == "deadline_warning")
      warned.push_back(e["data"]["clock"].get<std::string>() + "@" + e["at"].get<std::string>());
  EXPECT_EQ(warned, (std::vector<std::string>{"decision@2026-03-07T00:00:00+08:00",
                                              "decision_statutory@2026-03-28T00:00:00+08:00"}));
}

TEST_F(ClockEdges, OverlappingSuspensionsReachTheSameDuesAsOne) {
  // 03-03 … 03-05 suspended twice over (the second starting on the first's last day): 3 working days stop.
  const json c = accepted_road();
  execute(c["id"], suspend_cmd(at("2026-03-03", "09:00")));
  execute(c["id"], command("resume", kClerk, at("2026-03-04", "10:00")));
  execute(c["id"], suspend_cmd(at("2026-03-04", "11:00")));
  const json r = execute(c["id"], command("resume", kClerk, at("2026-03-05", "12:00")));
  // Counted: 03-06, 03-09, 03-10, 03-11, 03-12 → due 03-12; yellow from 03-11 (2 left).
  EXPECT_EQ(r["deadlines"]["decision"]["due"], "2026-03-12");
  run_due("2026-03-10T12:00:00+08:00");
  EXPECT_EQ(get(c["id"])["deadlines"]["decision"]["light"], "green");
  run_due("2026-03-11T00:00:00+08:00");
  EXPECT_EQ(get(c["id"])["deadlines"]["decision"]["light"], "yellow");
}

TEST_F(ClockEdges, AcceptanceOnARestDayCountsFromTheNextWorkingDay) {
  // Submitted on Saturday 2026-03-07: received Monday 03-09. Accepted the same Saturday: from 03-09 too.
  const json s = submit(application("road_excavation", at("2026-03-07"),
                                    complete_materials("road_excavation", at("2026-03-07"))));
  EXPECT_EQ(s["received_on"], "2026-03-09");
  const json c = execute(s["id"], command("accept", kClerk, at("2026-03-07", "11:00")));
  EXPECT_EQ(c["accepted_on"], "2026-03-09");
  EXPECT_EQ(c["deadlines"]["decision"]["due"], "2026-03-16");
  EXPECT_EQ(c["deadlines"]["decision"]["statutory_due"], "2026-04-07");
}

TEST_F(ClockEdges, AcceptanceOnASundayAfterAFridayReceipt) {
  const json s = submit(application("road_excavation", at("2026-03-06"),
                                    complete_materials("road_excavation", at("2026-03-06"))));
  EXPECT_EQ(s["received_on"], "2026-03-06");
  const json c = execute(s["id"], command("accept", kClerk, at("2026-03-08", "11:00")));
  EXPECT_EQ(c["accepted_on"], "2026-03-09");
  EXPECT_EQ(c["deadlines"]["decision"]["due"], "2026-03-16");
  // A working day is its own acceptance date.
  const json s2 = submit(application("road_excavation", at("2026-03-09"),
                                     complete_materials("road_excavation", at("2026-03-09"))));
  EXPECT_EQ(execute(s2["id"], command("accept", kClerk, at("2026-03-10", "09:00")))["accepted_on"],
            "2026-03-10");
}

}  // namespace
}  // namespace permitflow::testing
