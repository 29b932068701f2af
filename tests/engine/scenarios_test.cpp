// The worked examples of docs/worked_examples.md, end to end through the C++ API on a real SQLite file.
#include "engine/feed_golden.hpp"
#include "support/engine_fixture.hpp"

namespace permitflow::testing {
namespace {

/// Each scenario also checks what the feed's profiles make of it (golden files, engine/feed_golden.hpp).
class Scenario : public EngineTest {
 protected:
  void TearDown() override {
    if (!HasFatalFailure()) expect_golden_feed(engine());
    EngineTest::TearDown();
  }
};

TEST_F(Scenario, T01DeemedAcceptanceBeforeNationalDay) {
  const json c = submit(application("outdoor_advertising", at("2026-09-18")));
  EXPECT_EQ(c["state"], "submitted");
  EXPECT_EQ(c["received_on"], "2026-09-18");
  EXPECT_EQ(c["deadlines"]["acceptance_notice"]["due"], "2026-09-24");
  run_due("2026-09-24T23:59:59+08:00");
  EXPECT_EQ(get(c["id"])["state"], "submitted");
  const json fired = run_due("2026-09-25T00:00:00+08:00");
  bool deemed = false;
  for (const auto& f : fired) deemed = deemed || (f["case"] == c["id"] && f["kind"] == "acceptance_deemed");
  EXPECT_TRUE(deemed) << fired.dump();
  const json after = get(c["id"]);
  EXPECT_EQ(after["state"], "under_review");
  EXPECT_EQ(after["deemed_accepted"], true);
  EXPECT_EQ(after["accepted_on"], "2026-09-18");
  EXPECT_EQ(after["deadlines"]["acceptance_notice"]["light"], "red");
  EXPECT_EQ(after["deadlines"]["decision"]["statutory_due"], "2026-10-22");
  // With the head's 10-working-day extension: 2026-11-05.
  const json extended = execute(
      c["id"], command("extend", kHead, at("2026-10-12"), {{"working_days", 10}, {"reason", "需补充论证"}}));
  EXPECT_EQ(extended["deadlines"]["decision"]["statutory_due"], "2026-11-05");
}

TEST_F(Scenario, T02NoticeOnTheLastDayAndOneDayLate) {
  const json c = submit(application("road_excavation", at("2026-02-13")));
  EXPECT_EQ(c["deadlines"]["acceptance_notice"]["due"], "2026-02-27");
  const json noticed = execute(c["id"], command("request_correction", kClerk, at("2026-02-27", "16:00")));
  EXPECT_EQ(noticed["state"], "awaiting_correction");
  EXPECT_FALSE(noticed["notices"][0]["items"].empty());

  const json late = submit(application("road_excavation", at("2026-02-13")));
  // The notice on Sat 2026-02-28 (a swapped working day) is too late whether or not run_due ran.
  EXPECT_EQ(error_of([&] { execute(late["id"], command("request_correction", kClerk, at("2026-02-28"))); }),
            ErrorCode::invalid_state);
  const json after = get(late["id"]);
  EXPECT_EQ(after["deemed_accepted"], true);
  EXPECT_EQ(after["accepted_on"], "2026-02-13");
  EXPECT_EQ(after["deadlines"]["decision"]["statutory_due"], "2026-03-19");
  // The deemed acceptance stays although the command was refused.
  std::vector<std::string> types;
  for (const auto& e : history(late["id"])) types.push_back(e["type"]);
  EXPECT_NE(std::find(types.begin(), types.end(), "acceptance_deemed"), types.end());
  // Dated back to 02-13, the promised 5 working days ended on 02-27: the overdue escalation is on record too.
  EXPECT_EQ(types.back(), "deadline_overdue");
  EXPECT_EQ(after["deadlines"]["decision"]["light"], "red");
}

TEST_F(Scenario, T04AcceptedJustBeforeMayDay) {
  const json c = accepted("construction_waste", "2026-04-30");
  EXPECT_EQ(c["state"], "under_review");
  EXPECT_EQ(c["accepted_on"], "2026-04-30");
  EXPECT_EQ(c["deadlines"]["decision"]["due"], "2026-05-11");  // promised 5 WD, counting Sat 05-09
  EXPECT_EQ(c["deadlines"]["decision"]["statutory_due"], "2026-06-01");
}

TEST_F(Scenario, T05HearingStopsTheClocks) {
  json c = accepted("outdoor_advertising", "2026-03-02");
  EXPECT_EQ(c["deadlines"]["decision"]["statutory_due"], "2026-03-30");
  EXPECT_EQ(c["deadlines"]["decision"]["due"], "2026-03-16");
  c = execute(c["id"],
              command("suspend", kClerk, at("2026-03-10"),
                      {{"reason", "hearing"}, {"expected_working_days", 12}, {"notice", "听证告知书"}}));
  EXPECT_EQ(c["state"], "suspended");
  EXPECT_EQ(c["deadlines"]["decision"]["light"], "stopped");
  EXPECT_EQ(c["deadlines"]["decision"]["statutory_light"], "stopped");
  EXPECT_EQ(c["deadlines"]["decision"]["statutory_due"], "2026-03-30");  // as before the suspension
  EXPECT_TRUE(c["suspensions"][0]["to"].is_null());
  // A decision waits for the hearing.
  EXPECT_EQ(error_of([&] {
              execute(c["id"],
                      command("decide", kHead, at("2026-03-20"), {{"outcome", "denied"}, {"reasons", "x"}}));
            }),
            ErrorCode::invalid_state);
  c = execute(c["id"], command("resume", kClerk, at("2026-03-25", "17:00")));
  EXPECT_EQ(c["state"], "under_review");
  EXPECT_EQ(c["suspensions"][0]["from"], "2026-03-10");
  EXPECT_EQ(c["suspensions"][0]["to"], "2026-03-25");
  EXPECT_EQ(c["deadlines"]["decision"]["statutory_due"], "2026-04-16");
  EXPECT_EQ(c["deadlines"]["decision"]["due"], "2026-04-01");
}

TEST_F(Scenario, T09SuspensionExtensionAndCertificateClock) {
  json c = accepted("outdoor_advertising", "2026-06-01");
  EXPECT_EQ(c["deadlines"]["decision"]["statutory_due"], "2026-06-30");
  c = execute(c["id"],
              command("suspend", kClerk, at("2026-06-08"),
                      {{"reason", "testing"}, {"expected_working_days", 5}, {"notice", "结构检测"}}));
  c = execute(c["id"], command("resume", kClerk, at("2026-06-12", "17:00")));
  EXPECT_EQ(c["deadlines"]["decision"]["statutory_due"], "2026-07-07");
  c = execute(c["id"],
              command("extend", kHead, at("2026-07-03"), {{"working_days", 10}, {"reason", "需补充论证"}}));
  EXPECT_EQ(c["deadlines"]["decision"]["statutory_due"], "2026-07-21");
  EXPECT_EQ(c["deadlines"]["decision"]["extended_working_days"], 10);
  // A second extension is refused: once per case.
  EXPECT_EQ(error_of([&] {
              execute(c["id"],
                      command("extend", kHead, at("2026-07-06"), {{"working_days", 1}, {"reason", "再延"}}));
            }),
            ErrorCode::rule_violation);
  c = execute(c["id"], command("record_inspection", kClerk, at("2026-07-20", "15:00"),
                               {{"inspectors", {"insp-1", "insp-2"}}, {"findings", "现场核查符合"}}));
  c = execute(c["id"], command("decide", kHead, at("2026-07-21"), {{"outcome", "approved"}}));
  EXPECT_EQ(c["state"], "approved");
  EXPECT_EQ(c["deadlines"]["issuance"]["due"], "2026-08-04");
  EXPECT_EQ(c["deadlines"]["decision"]["light"], "red");  // the promised limit had passed
  EXPECT_EQ(c["deadlines"]["decision"]["statutory_light"], "met");
}

TEST_F(Scenario, T09ExtensionAfterTheStatutoryDueIsRefusedAndChangesNothing) {
  json c = accepted("outdoor_advertising", "2026-06-01");
  c = execute(c["id"],
              command("suspend", kClerk, at("2026-06-08"),
                      {{"reason", "testing"}, {"expected_working_days", 5}, {"notice", "结构检测"}}));
  c = execute(c["id"], command("resume", kClerk, at("2026-06-12", "17:00")));
  run_due(at("2026-07-08"));
  const json before_history = history(c["id"]);
  const json before = get(c["id"]);
  EXPECT_EQ(error_of([&] {
              execute(c["id"],
                      command("extend", kHead, at("2026-07-08"), {{"working_days", 10}, {"reason", "迟"}}));
            }),
            ErrorCode::rule_violation);
  EXPECT_EQ(history(c["id"]), before_history);
  EXPECT_EQ(get(c["id"]), before);
  EXPECT_EQ(before["deadlines"]["decision"]["statutory_light"], "red");
}

TEST_F(Scenario, T11EmergencyExcavationFiledLate) {
  json facts = facts_of("road_excavation");
  facts["emergency"] = true;
  facts["broken_at"] = "2026-09-18T20:00:00+08:00";
  const json in_time =
      precheck(application("road_excavation", "2026-09-19T19:59:00+08:00", json::array(), facts));
  EXPECT_EQ(in_time["flags"], json::array());
  const json late = submit(application("road_excavation", "2026-09-19T20:01:00+08:00", json::array(), facts));
  EXPECT_EQ(late["flags"], json::array({"emergency_filing_late"}));
}

TEST_F(Scenario, T13RedFiresOnASunday) {
  const json c = accepted("construction_waste", "2026-09-28");
  EXPECT_EQ(c["deadlines"]["decision"]["due"], "2026-10-10");
  EXPECT_EQ(c["deadlines"]["decision"]["statutory_due"], "2026-10-30");
  // Yellow with the shipped threshold of 2 working days: 2026-10-09 00:00.
  run_due("2026-10-08T23:59:59+08:00");
  EXPECT_EQ(get(c["id"])["deadlines"]["decision"]["light"], "green");
  run_due("2026-10-09T00:00:00+08:00");
  EXPECT_EQ(get(c["id"])["deadlines"]["decision"]["light"], "yellow");
  run_due("2026-10-10T23:59:59+08:00");
  EXPECT_EQ(get(c["id"])["deadlines"]["decision"]["light"], "yellow");
  const json red = run_due("2026-10-11T00:00:00+08:00");
  ASSERT_EQ(red.size(), 1u) << red.dump();
  EXPECT_EQ(red[0]["kind"], "deadline_overdue");
  EXPECT_EQ(red[0]["clock"], "decision");
  ASSERT_TRUE(red[0]["events"].is_array());
  EXPECT_EQ(red[0]["events"].size(), 1u);
  EXPECT_EQ(red[0]["events"][0]["type"], "deadline_overdue");
  EXPECT_EQ(red[0]["events"][0]["data"]["escalated_to"], "supervision_office");
  EXPECT_EQ(get(c["id"])["deadlines"]["decision"]["light"], "red");
  EXPECT_EQ(run_due("2026-10-11T08:00:00+08:00"), json::array());  // fired once, not once per call
  // A backlog fires each timer once: the statutory red of 2026-10-31 00:00, seen much later.
  const json backlog = run_due("2026-12-31T00:00:00+08:00");
  int statutory_red = 0;
  for (const auto& f : backlog)
    statutory_red += f["kind"] == "deadline_overdue" && f["clock"] == "decision_statutory";
  EXPECT_EQ(statutory_red, 1);
  EXPECT_EQ(get(c["id"])["deadlines"]["decision"]["statutory_light"], "red");
}

TEST_F(Scenario, T14YearBoundaryAndProvisionalDates) {
  const json c = accepted("construction_waste", "2025-12-29");
  EXPECT_EQ(c["deadlines"]["decision"]["due"], "2026-01-06");
  EXPECT_EQ(c["deadlines"]["decision"]["statutory_due"], "2026-01-27");
  EXPECT_EQ(c["deadlines"]["decision"]["provisional"], false);
  EXPECT_EQ(json::parse(engine().add_working_days("2025-12-29", 5)),
            json({{"date", "2026-01-06"}, {"provisional", false}}));
  EXPECT_EQ(json::parse(engine().add_working_days("2026-12-15", 20)),
            json({{"date", "2027-01-13"}, {"provisional", true}}));
  const json late_year = accepted("construction_waste", "2026-12-21");
  EXPECT_EQ(late_year["deadlines"]["decision"]["provisional"], true);  // 2027 is not published
}

TEST_F(Scenario, T15SaturdayOnlineSubmission) {
  const json c = submit(application("construction_waste", at("2026-03-07"),
                                    complete_materials("construction_waste", at("2026-03-07"))));
  EXPECT_EQ(c["received_on"], "2026-03-09");
  EXPECT_EQ(c["deadlines"]["acceptance_notice"]["due"], "2026-03-16");
  const json a = execute(c["id"], command("accept", kClerk, at("2026-03-09")));
  EXPECT_EQ(a["deadlines"]["decision"]["statutory_due"], "2026-04-07");
}

TEST_F(Scenario, T17RenewalDeemedAtExpiryAndLateRenewal) {
  // An advertising permit valid to 2026-12-31.
  json old = accepted("outdoor_advertising", "2026-01-05");
  old = execute(old["id"], command("record_inspection", kClerk, at("2026-01-06"),
                                   {{"inspectors", {"insp-1", "insp-2"}}, {"findings", "符合"}}));
  old = execute(old["id"], command("decide", kHead, at("2026-01-07"), {{"outcome", "approved"}}));
  old = execute(old["id"], command("issue_certificate", kClerk, at("2026-01-08"),
                                   {{"valid_from", "2026-01-08"}, {"valid_until", "2026-12-31"}}));
  ASSERT_EQ(old["state"], "issued");

  json renewal = application("outdoor_advertising", at("2026-11-25"),
                             complete_materials("outdoor_advertising", at("2026-11-25")));
  renewal["renewal_of"] = old["id"];
  json r = submit(renewal);
  EXPECT_EQ(r["renewal_of"], old["id"]);
  EXPECT_EQ(r["flags"], json::array());
  r = execute(r["id"], command("accept", kClerk, at("2026-11-25", "11:00")));
  EXPECT_EQ(r["deadlines"]["decision"]["statutory_due"], "2026-12-23");

  json late = application("outdoor_advertising", at("2026-12-10"),
                          complete_materials("outdoor_advertising", at("2026-12-10")));
  late["renewal_of"] = old["id"];
  json l = submit(late);
  EXPECT_EQ(l["flags"], json::array({"renewal_late"}));
  l = execute(l["id"], command("accept", kClerk, at("2026-12-10", "11:00")));

  run_due("2026-12-31T23:59:59+08:00");
  EXPECT_EQ(get(r["id"])["state"], "under_review");
  run_due("2027-01-01T00:00:00+08:00");
  const json deemed = get(r["id"]);
  EXPECT_EQ(deemed["state"], "issued");
  EXPECT_EQ(deemed["certificate"]["valid_from"], "2027-01-01");
  EXPECT_EQ(get(l["id"])["state"], "under_review");  // filed late: not deemed granted
  EXPECT_EQ(get(old["id"])["state"], "expired");
}

TEST_F(Scenario, T22OneTimeNotificationIntegrity) {
  const json full = complete_materials("road_excavation", at("2026-05-08"));
  ASSERT_GE(full.size(), 3u);
  json partial = json::array();
  for (std::size_t i = 2; i < full.size(); ++i) partial.push_back(full[i]);
  const json c = submit(application("road_excavation", at("2026-05-08"), partial));
  const auto events = history(c["id"]).size();
  // A notice that omits a computed deficiency breaks the one-time rule and records nothing.
  EXPECT_EQ(error_of([&] {
              execute(c["id"], command("request_correction", kClerk, at("2026-05-09"),
                                       {{"items", {{{"material", full[0]["id"]}, {"problem", "missing"}}}}}));
            }),
            ErrorCode::rule_violation);
  EXPECT_EQ(history(c["id"]).size(), events);
  json n = execute(c["id"], command("request_correction", kClerk, at("2026-05-09")));
  ASSERT_EQ(n["notices"].size(), 1u);
  std::set<std::string> named;
  for (const auto& i : n["notices"][0]["items"]) named.insert(i["material"]);
  EXPECT_TRUE(named.count(full[0]["id"]) && named.count(full[1]["id"]));

  // Supplements on 05-20: A is fine, the new B is the wrong format.
  n = execute(c["id"], command("resubmit", kApplicant, at("2026-05-20"),
                               {{"materials", {full[0], {{"id", full[1]["id"]}, {"format", "docx"}}}}}));
  EXPECT_EQ(n["state"], "submitted");
  EXPECT_EQ(n["deadlines"]["acceptance_notice"]["due"], "2026-05-27");
  // A second notice limited to B is allowed.
  n = execute(c["id"], command("request_correction", kClerk, at("2026-05-21"),
                               {{"items", {{{"material", full[1]["id"]}, {"problem", "invalid_format"}}}}}));
  ASSERT_EQ(n["notices"].size(), 2u);
  EXPECT_EQ(n["notices"][1]["items"].size(), 1u);
  // Adding item C (not deficient, not supplemented) to a notice is refused; nothing recorded.
  n = execute(c["id"], command("resubmit", kApplicant, at("2026-05-22"), {{"materials", {full[1]}}}));
  const auto before = history(c["id"]).size();
  EXPECT_EQ(
      error_of([&] {
        execute(
            c["id"],
            command(
                "request_correction", kClerk, at("2026-05-25"),
                {{"items",
                  {{{"material", full[2]["id"]}, {"problem", "invalid_content"}, {"note", "盖章不清"}}}}}));
      }),
      ErrorCode::rule_violation);
  EXPECT_EQ(history(c["id"]).size(), before);
  // Now complete: accepted, dated the day the complete supplements arrived (C8) when accepted that day.
  n = execute(c["id"], command("accept", kClerk, at("2026-05-25")));
  EXPECT_EQ(n["state"], "under_review");
}

}  // namespace
}  // namespace permitflow::testing
