// Tolerant acceptance (容缺受理) and acceptance on commitment (告知承诺): the worked examples of
// docs/contract.md §17 and every refusal, each leaving the case exactly as it was.
#include <gtest/gtest.h>

#include "engine/feed_golden.hpp"
#include "permitflow/error.hpp"
#include "support/engine_fixture.hpp"

namespace permitflow::testing {
namespace {

using namespace std::string_literals;

const std::string kSha(64, 'a');
const json kSigned = {
    {"signed_by", "张三"}, {"signed_at", "2026-06-01T09:30:00+08:00"}, {"text_sha256", kSha}};

class Tolerance : public EngineTest {
 protected:
  /// A test that sets this also checks the feed's profiles against its golden files (engine/feed_golden.hpp).
  bool golden = false;
  void TearDown() override {
    if (golden && !HasFatalFailure()) expect_golden_feed(engine());
    EngineTest::TearDown();
  }
  /// The complete materials of `permit` without the ids in `drop`.
  json materials_without(const std::string& permit, const std::string& day,
                         const std::vector<std::string>& drop, const json& facts = nullptr) {
    json mats = complete_materials(permit, at(day));
    json out = json::array();
    for (const auto& m : mats)
      if (std::find(drop.begin(), drop.end(), m["id"].get<std::string>()) == drop.end()) out.push_back(m);
    (void)facts;
    return out;
  }
  json tolerance(const json& items, const std::string& supply_by) {
    return {{"tolerance", {{"items", items}, {"supply_by", supply_by}, {"commitment", kSigned}}}};
  }
  /// Outdoor advertising received Mon 2026-06-01 without its rendering (a tolerable item).
  json advert_without_rendering() {
    return submit(application("outdoor_advertising", at("2026-06-01", "09:00"),
                              materials_without("outdoor_advertising", "2026-06-01", {"rendering"})));
  }
  /// The refusal code of a command, and a check that the case did not change.
  ErrorCode refused(const std::string& id, const json& cmd) {
    const json before = get(id);
    const ErrorCode code = error_of([&] { execute(id, cmd); });
    EXPECT_EQ(get(id), before) << cmd.dump();
    EXPECT_EQ(history(id).size(), before["version"].get<std::size_t>());
    return code;
  }
  std::string message_of(const std::function<void()>& f) {
    try {
      f();
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  }
};

TEST_F(Tolerance, OutdoorAdvertisingSupplyByThePromisedDueThenLapse) {
  golden = true;
  const json c = advert_without_rendering();
  const std::string id = c["id"];
  // Promised 10 working days from Mon 2026-06-01: due Mon 06-15. 06-16 is one day too late.
  EXPECT_EQ(refused(id, command("accept", kClerk, at("2026-06-01", "11:00"),
                                tolerance({"rendering"}, "2026-06-16"))),
            ErrorCode::rule_violation);
  const json a = execute(
      id, command("accept", kClerk, at("2026-06-01", "11:00"), tolerance({"rendering"}, "2026-06-15")));
  EXPECT_EQ(a["state"], "under_review");
  EXPECT_EQ(a["deadlines"]["decision"]["due"], "2026-06-15");
  EXPECT_EQ(a["tolerance"]["items"], json({"rendering"}));
  EXPECT_EQ(a["tolerance"]["supply_by"], "2026-06-15");
  EXPECT_EQ(a["tolerance"]["pending"], true);
  EXPECT_EQ(query({{"tolerance_pending", true}})["cases"].size(), 1u);

  // The reminder at 00:00 two working days before supply_by (Thu 06-11; Fri 06-12 is one), once.
  int reminders = 0;
  for (const auto& f : run_due("2026-06-10T23:59:59+08:00")) reminders += f["kind"] == "supply_reminder";
  EXPECT_EQ(reminders, 0);
  for (const auto& f : run_due("2026-06-11T00:00:00+08:00")) {
    if (f["kind"] != "supply_reminder") continue;
    ++reminders;
    EXPECT_EQ(f["events"][0]["data"]["supply_by"], "2026-06-15");
    EXPECT_EQ(f["events"][0]["data"]["items"], json({"rendering"}));
  }
  EXPECT_EQ(reminders, 1);
  // Nothing supplied: the lapse fires at 00:00 after supply_by, once.
  int lapses = 0;
  for (const auto& f : run_due("2026-06-15T23:59:59+08:00")) {
    lapses += f["kind"] == "tolerance_lapsed";
    reminders += f["kind"] == "supply_reminder";
  }
  EXPECT_EQ(lapses, 0);
  EXPECT_EQ(reminders, 1);
  for (const auto& f : run_due("2026-06-16T00:00:00+08:00")) {
    if (f["kind"] != "tolerance_lapsed") continue;
    ++lapses;
    EXPECT_EQ(f["due"], "2026-06-16T00:00:00+08:00");
    EXPECT_EQ(f["events"][0]["type"], "terminated");
    EXPECT_EQ(f["events"][0]["data"]["reason"], "tolerance_lapsed");
  }
  EXPECT_EQ(lapses, 1);
  for (const auto& f : run_due("2026-07-01T00:00:00+08:00")) EXPECT_NE(f["kind"], "tolerance_lapsed");
  const json t = get(id);
  EXPECT_EQ(t["state"], "terminated");
  EXPECT_EQ(t["end_reason"], "tolerance_lapsed");
  EXPECT_EQ(query({{"tolerance_pending", true}})["cases"].size(), 0u);
  // Terminal: nothing more is taken.
  EXPECT_EQ(refused(id, command("supply", kApplicant, at("2026-07-01"),
                                {{"materials", {{{"id", "rendering"}, {"format", "pdf"}}}}})),
            ErrorCode::invalid_state);
}

TEST_F(Tolerance, IssuanceWaitsForTheSupply) {
  golden = true;
  const std::string id = advert_without_rendering()["id"];
  execute(id, command("accept", kClerk, at("2026-06-01", "11:00"), tolerance({"rendering"}, "2026-06-12")));
  execute(id, command("record_inspection", kClerk, at("2026-06-02"),
                      {{"inspectors", {"i-1", "i-2"}}, {"findings", "ok"}}));
  EXPECT_EQ(execute(id, command("decide", kHead, at("2026-06-03"), {{"outcome", "approved"}}))["state"],
            "approved");
  EXPECT_EQ(refused(id, command("issue_certificate", kClerk, at("2026-06-04"))), ErrorCode::rule_violation);
  // Only the tolerated items, only by the applicant itself.
  EXPECT_EQ(refused(id, command("supply", kApplicant, at("2026-06-05"),
                                {{"materials", {{{"id", "design_drawings"}, {"format", "pdf"}}}}})),
            ErrorCode::rule_violation);
  const json other = {{"id", "someone-else"}, {"role", "applicant"}};
  EXPECT_EQ(refused(id, command("supply", other, at("2026-06-05"),
                                {{"materials", {{{"id", "rendering"}, {"format", "pdf"}}}}})),
            ErrorCode::permission_denied);
  EXPECT_EQ(refused(id, command("supply", kClerk, at("2026-06-05"),
                                {{"materials", {{{"id", "rendering"}, {"format", "pdf"}}}}})),
            ErrorCode::permission_denied);
  // A wrong format arrives but does not end the tolerance.
  json s = execute(id, command("supply", kApplicant, at("2026-06-05"),
                               {{"materials", {{{"id", "rendering"}, {"format", "docx"}}}}}));
  EXPECT_EQ(s["tolerance"]["pending"], true);
  EXPECT_EQ(s["tolerance"]["outstanding"], json({"rendering"}));
  s = execute(id, command("supply", kApplicant, at("2026-06-08"),
                          {{"materials", {{{"id", "rendering"}, {"format", "jpg"}}}}}));
  EXPECT_EQ(s["tolerance"]["pending"], false);
  EXPECT_EQ(s["tolerance"]["supplied_on"], "2026-06-08");
  EXPECT_EQ(history(id).back()["type"], "supplied");
  EXPECT_EQ(refused(id, command("supply", kApplicant, at("2026-06-08", "12:00"),
                                {{"materials", {{{"id", "rendering"}, {"format", "jpg"}}}}})),
            ErrorCode::rule_violation);
  EXPECT_EQ(execute(id, command("issue_certificate", kClerk, at("2026-06-09")))["state"], "issued");
  // No lapse after the supply.
  for (const auto& f : run_due("2026-06-20T00:00:00+08:00")) EXPECT_NE(f["kind"], "tolerance_lapsed");
}

TEST_F(Tolerance, OnlyTolerableItemsAllNamedAndOnlyOutstandingOnes) {
  const json mats = materials_without("outdoor_advertising", "2026-06-01", {"rendering", "design_drawings"});
  const std::string id = submit(application("outdoor_advertising", at("2026-06-01", "09:00"), mats))["id"];
  const json cmd =
      command("accept", kClerk, at("2026-06-01", "11:00"), tolerance({"rendering"}, "2026-06-10"));
  EXPECT_EQ(refused(id, cmd), ErrorCode::rule_violation);
  EXPECT_NE(message_of([&] { execute(id, cmd); }).find("design_drawings"), std::string::npos);
  const std::string id2 = advert_without_rendering()["id"];
  EXPECT_EQ(refused(id2, command("accept", kClerk, at("2026-06-01", "11:00"),
                                 tolerance({"rendering", "location_plan"}, "2026-06-10"))),
            ErrorCode::rule_violation);  // location_plan is in order
  EXPECT_EQ(refused(id2, command("accept", kClerk, at("2026-06-01", "11:00"),
                                 tolerance({"nonsense"}, "2026-06-10"))),
            ErrorCode::invalid_argument);
  EXPECT_EQ(refused(id2, command("accept", kClerk, at("2026-06-01", "11:00"),
                                 {{"tolerance", {{"items", {"rendering"}}, {"supply_by", "2026-06-10"}}}})),
            ErrorCode::invalid_argument);  // no signed commitment
  EXPECT_EQ(refused(id2, command("accept", kClerk, at("2026-06-01", "11:00"),
                                 tolerance({"rendering"}, "2026-05-29"))),
            ErrorCode::rule_violation);  // before the acceptance day
  EXPECT_EQ(refused(id2, command("accept", kHead, at("2026-06-01", "11:00"))), ErrorCode::rule_violation);
  const json reviewer_cmd = command("accept", reviewer("traffic_police"), at("2026-06-01", "11:00"),
                                    tolerance({"rendering"}, "2026-06-10"));
  EXPECT_EQ(refused(id2, reviewer_cmd), ErrorCode::permission_denied);
}

TEST_F(Tolerance, CreditGateClosesTolerance) {
  json facts = facts_of("outdoor_advertising");
  facts["serious_bad_credit"] = true;
  const std::string id =
      submit(application("outdoor_advertising", at("2026-06-01", "09:00"),
                         materials_without("outdoor_advertising", "2026-06-01", {"rendering"}), facts))["id"];
  const json cmd =
      command("accept", kClerk, at("2026-06-01", "11:00"), tolerance({"rendering"}, "2026-06-10"));
  EXPECT_EQ(refused(id, cmd), ErrorCode::rule_violation);
  EXPECT_NE(message_of([&] { execute(id, cmd); }).find("serious_bad_credit"), std::string::npos);
  // The ordinary path stays open: the one-time notice.
  EXPECT_EQ(execute(id, command("request_correction", kClerk, at("2026-06-01", "11:00")))["state"],
            "awaiting_correction");
}

// The week's report lists, as of the week's end, the supplies still pending and the lapses inside the week
// (docs/contract.md, the report), in its JSON and its CSV.
TEST_F(Tolerance, TheWeeksReportListsPendingSuppliesAndLapses) {
  const std::string pending = advert_without_rendering()["id"];
  execute(pending,
          command("accept", kClerk, at("2026-06-01", "11:00"), tolerance({"rendering"}, "2026-06-15")));
  const std::string lapsed = advert_without_rendering()["id"];
  execute(lapsed,
          command("accept", kClerk, at("2026-06-01", "11:30"), tolerance({"rendering"}, "2026-06-03")));
  run_due("2026-06-04T00:00:00+08:00");  // the lapse of the second: 00:00 after its supply_by
  ASSERT_EQ(get(lapsed)["state"], "terminated");
  // A report asked for much later is still the week's end: the pending supply was later lapsed too.
  run_due("2026-06-20T00:00:00+08:00");

  const json r = json::parse(engine().report(json{{"week", "2026-06-03"}}.dump()));
  EXPECT_EQ(r["tolerance"]["pending"], json::parse(R"([{"case": ")" + pending + R"(",
      "permit": "outdoor_advertising", "applicant": "示例工程有限公司", "outstanding": ["rendering"],
      "supply_by": "2026-06-15", "date": "2026-06-15"}])"));
  EXPECT_EQ(r["tolerance"]["lapsed"], json::parse(R"([{"case": ")" + lapsed + R"(",
      "permit": "outdoor_advertising", "applicant": "示例工程有限公司", "outstanding": ["rendering"],
      "supply_by": "2026-06-03", "date": "2026-06-04"}])"));
  // The week of the second lapse lists it, and nothing pending.
  const json later = json::parse(engine().report(json{{"week", "2026-06-16"}}.dump()));
  EXPECT_EQ(later["tolerance"]["pending"], json::array());
  ASSERT_EQ(later["tolerance"]["lapsed"].size(), 1u);
  EXPECT_EQ(later["tolerance"]["lapsed"][0]["case"], pending);
  EXPECT_EQ(later["tolerance"]["lapsed"][0]["date"], "2026-06-16");

  const std::string csv =
      json::parse(engine().report(json{{"week", "2026-06-03"}, {"format", "csv"}}.dump()))["csv"];
  EXPECT_NE(csv.find("tolerance_pending,case,permit,applicant,outstanding,supply_by\ntolerance_pending,"s +
                     pending + ",outdoor_advertising,示例工程有限公司,rendering,2026-06-15\n"),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find("tolerance_lapsed,case,permit,applicant,outstanding,supply_by,date\ntolerance_lapsed,"s +
                     lapsed + ",outdoor_advertising,示例工程有限公司,rendering,2026-06-03,2026-06-04\n"),
            std::string::npos)
      << csv;
}

class Commitment : public Tolerance {
 protected:
  json waste_application(const std::string& day, bool with_commitment, json facts = nullptr) {
    json app = application(
        "construction_waste", at(day, "09:00"),
        materials_without("construction_waste", day, {"transport_contract", "vehicle_management_rules"}),
        facts);
    if (with_commitment) {
      app["commitment"] = kSigned;
      app["commitment"]["items"] = {"transport_contract", "vehicle_management_rules"};
    }
    return app;
  }
  /// Construction waste on commitment, decided (approved) Mon 2026-03-02 and issued.
  std::string decided_on_commitment() {
    const json c = submit(waste_application("2026-02-26", true));
    const std::string id = c["id"];
    EXPECT_EQ(c["commitment"]["items"], json({"transport_contract", "vehicle_management_rules"}));
    execute(id, command("accept", kClerk, at("2026-02-26", "11:00")));
    execute(id, command("record_opinion", reviewer("traffic_police"), at("2026-02-27"),
                        {{"department", "traffic_police"}, {"opinion", "approve"}}));
    execute(id, command("record_inspection", kClerk, at("2026-02-27"),
                        {{"inspectors", {"i-1", "i-2"}}, {"findings", "ok"}}));
    const json d = execute(id, command("decide", kHead, at("2026-03-02"), {{"outcome", "approved"}}));
    EXPECT_EQ(d["deadlines"]["verification"]["due"], "2026-04-14");
    EXPECT_EQ(d["deadlines"]["verification"]["light"], "green");
    execute(id, command("issue_certificate", kClerk, at("2026-03-03")));
    return id;
  }
};

TEST_F(Commitment, PrecheckShowsWhatACommitmentCouldCover) {
  const json without = precheck(waste_application("2026-02-26", false));
  EXPECT_FALSE(without["complete"].get<bool>());
  EXPECT_EQ(without["commitment_eligible"], json({"transport_contract", "vehicle_management_rules"}));
  const json with = precheck(waste_application("2026-02-26", true));
  EXPECT_TRUE(with["complete"].get<bool>()) << with.dump();
}

TEST_F(Commitment, VerificationDueOverdueOnceAndFalseRevokes) {
  golden = true;
  const std::string id = decided_on_commitment();
  EXPECT_EQ(query({{"verification_open", true}})["cases"].size(), 1u);
  int overdue = 0;
  for (const auto& f : run_due("2026-04-14T23:59:59+08:00"))
    overdue += f["kind"] == "deadline_overdue" && f["clock"] == "verification";
  EXPECT_EQ(overdue, 0);
  for (const auto& f : run_due("2026-04-15T00:00:00+08:00")) {
    if (f["kind"] != "deadline_overdue" || f["clock"] != "verification") continue;
    ++overdue;
    EXPECT_EQ(f["due"], "2026-04-15T00:00:00+08:00");
  }
  for (const auto& f : run_due("2026-05-15T00:00:00+08:00"))
    overdue += f["kind"] == "deadline_overdue" && f["clock"] == "verification";
  EXPECT_EQ(overdue, 1);
  EXPECT_EQ(get(id)["deadlines"]["verification"]["light"], "red");

  const json bad_reviewer =
      command("record_verification", reviewer("traffic_police"), at("2026-05-20"), {{"result", "false"}});
  EXPECT_EQ(refused(id, bad_reviewer), ErrorCode::permission_denied);
  EXPECT_EQ(refused(id, command("record_verification", kClerk, at("2026-05-20"), {{"result", "maybe"}})),
            ErrorCode::invalid_argument);
  EXPECT_EQ(refused(id, command("record_verification", kClerk, at("2026-05-20"),
                                {{"result", "false"}, {"method", "telepathy"}})),
            ErrorCode::invalid_argument);
  const json r =
      execute(id, command("record_verification", kClerk, at("2026-05-20"),
                          {{"result", "false"}, {"method", "site_inspection"}, {"note", "无运输合同"}}));
  EXPECT_EQ(r["state"], "revoked");
  EXPECT_EQ(r["end_reason"], "false_commitment");
  EXPECT_EQ(r["verification"]["result"], "false");
  EXPECT_EQ(r["credit_flagged"], true);
  const json h = history(id);
  ASSERT_GE(h.size(), 3u);
  EXPECT_EQ(h[h.size() - 3]["type"], "verification_recorded");
  EXPECT_EQ(h[h.size() - 2]["type"], "revoked");
  EXPECT_EQ(h[h.size() - 2]["data"]["reason"], "false_commitment");
  EXPECT_EQ(h.back()["type"], "credit_flagged");
  EXPECT_EQ(h.back()["data"]["applicant"]["id"], kApplicant["id"]);
  EXPECT_EQ(query({{"verification_open", true}})["cases"].size(), 0u);
  EXPECT_EQ(refused(id, command("record_verification", kHead, at("2026-05-21"), {{"result", "confirmed"}})),
            ErrorCode::invalid_state);
}

TEST_F(Commitment, ConfirmedOnceNotTwice) {
  golden = true;
  const std::string id = decided_on_commitment();
  const json r = execute(id, command("record_verification", kHead, at("2026-03-20"),
                                     {{"result", "confirmed"}, {"method", "document_check"}}));
  EXPECT_EQ(r["state"], "issued");
  EXPECT_EQ(r["deadlines"]["verification"]["light"], "met");
  EXPECT_EQ(refused(id, command("record_verification", kClerk, at("2026-03-21"), {{"result", "exempt"}})),
            ErrorCode::rule_violation);
  for (const auto& f : run_due("2026-05-15T00:00:00+08:00")) EXPECT_NE(f["clock"], "verification");
}

TEST_F(Commitment, NoVerificationWithoutACommitment) {
  const json c = accepted("construction_waste", "2026-02-26");
  const std::string id = c["id"];
  execute(id, command("record_opinion", reviewer("traffic_police"), at("2026-02-27"),
                      {{"department", "traffic_police"}, {"opinion", "approve"}}));
  execute(id, command("record_inspection", kClerk, at("2026-02-27"),
                      {{"inspectors", {"i-1", "i-2"}}, {"findings", "ok"}}));
  const json d = execute(id, command("decide", kHead, at("2026-03-02"), {{"outcome", "approved"}}));
  EXPECT_FALSE(d["deadlines"].contains("verification"));
  EXPECT_FALSE(d.contains("commitment"));
  EXPECT_EQ(refused(id, command("record_verification", kClerk, at("2026-03-03"), {{"result", "confirmed"}})),
            ErrorCode::rule_violation);
}

TEST_F(Commitment, CreditGateAndItemsThatDoNotAllowIt) {
  json facts = facts_of("construction_waste");
  facts["false_commitment_on_record"] = true;
  const std::string msg = message_of([&] { submit(waste_application("2026-02-26", true, facts)); });
  EXPECT_NE(msg.find("false_commitment_on_record"), std::string::npos) << msg;
  EXPECT_EQ(error_of([&] { submit(waste_application("2026-02-26", true, facts)); }),
            ErrorCode::rule_violation);
  EXPECT_EQ(error_of([&] { precheck(waste_application("2026-02-26", true, facts)); }),
            ErrorCode::rule_violation);
  // Without the commitment: the ordinary one-time notice names the missing proofs.
  const json n = precheck(waste_application("2026-02-26", false, facts));
  EXPECT_EQ(n["commitment_eligible"], json::array());
  std::vector<std::string> named;
  for (const auto& i : n["items"]) named.push_back(i["material"]);
  EXPECT_EQ(named, (std::vector<std::string>{"transport_contract", "vehicle_management_rules"}));
  const json c = submit(waste_application("2026-02-26", false, facts));
  const json notice = execute(c["id"], command("request_correction", kClerk, at("2026-02-26", "11:00")));
  EXPECT_EQ(notice["notices"][0]["items"].size(), 2u);

  json app = waste_application("2026-02-26", true);
  app["commitment"]["items"] = {"transport_contract", "business_licence"};
  const std::string refused_msg = message_of([&] { submit(app); });
  EXPECT_NE(refused_msg.find("business_licence"), std::string::npos) << refused_msg;
  EXPECT_EQ(error_of([&] { submit(app); }), ErrorCode::rule_violation);
  app["commitment"]["items"] = {"no_such_material"};
  EXPECT_EQ(error_of([&] { submit(app); }), ErrorCode::invalid_argument);
  EXPECT_EQ(query(json::object())["cases"].size(), 1u);  // only the ordinary application was created
}

// The report lists a verification open at the week's end with its due and light, and a commitment found false
// in the week with the applicant's credit code (docs/contract.md, the report).
TEST_F(Commitment, TheWeeksReportListsOpenVerificationsAndFalseCommitments) {
  const std::string id = decided_on_commitment();
  execute(id, command("record_verification", kClerk, at("2026-05-20"),
                      {{"result", "false"}, {"method", "site_inspection"}}));
  const json decided_week = json::parse(engine().report(json{{"week", "2026-03-04"}}.dump()));
  EXPECT_EQ(decided_week["commitment"]["verification_open"], json::parse(R"([{"case": ")" + id + R"(",
      "permit": "construction_waste", "applicant": "示例工程有限公司",
      "items": ["transport_contract", "vehicle_management_rules"], "due": "2026-04-14", "light": "green"}])"));
  EXPECT_EQ(decided_week["commitment"]["false_commitments"], json::array());
  // Red at the end of the week after its due (Wed 2026-04-15), still open.
  const json overdue_week = json::parse(engine().report(json{{"week", "2026-04-15"}}.dump()));
  ASSERT_EQ(overdue_week["commitment"]["verification_open"].size(), 1u);
  EXPECT_EQ(overdue_week["commitment"]["verification_open"][0]["light"], "red");
  const json false_week = json::parse(engine().report(json{{"week", "2026-05-20"}}.dump()));
  EXPECT_EQ(false_week["commitment"]["verification_open"], json::array());
  EXPECT_EQ(false_week["commitment"]["false_commitments"], json::parse(R"([{"case": ")" + id + R"(",
      "permit": "construction_waste", "applicant": "示例工程有限公司", "applicant_id": "91320922MA1CONF01X",
      "items": ["transport_contract", "vehicle_management_rules"], "recorded_on": "2026-05-20"}])"));
  const std::string csv =
      json::parse(engine().report(json{{"week", "2026-05-20"}, {"format", "csv"}}.dump()))["csv"];
  EXPECT_NE(
      csv.find("false_commitments,case,permit,applicant,applicant_id,items,recorded_on\nfalse_commitments,"s +
               id +
               ",construction_waste,示例工程有限公司,91320922MA1CONF01X,transport_contract;vehicle_"
               "management_rules,"
               "2026-05-20\n"),
      std::string::npos)
      << csv;
}

}  // namespace
}  // namespace permitflow::testing
