// What an actor may see and do, through the C++ API (docs/policy.md): reads with an actor, allowed_commands,
// command ids per actor, the reviewer's department, the reporter's sources, withheld reporters, the report
// per role. Each refusal is checked to leave the stored log and the ledger as they were.
#include <algorithm>
#include <filesystem>

#include "support/engine_fixture.hpp"

namespace permitflow::testing {
namespace {

const json kVictim = {{"id", "91320922VICTIM0001"}, {"role", "applicant"}};
const json kAttacker = {{"id", "91320922ATTACK0001"}, {"role", "applicant"}};
const json kDispatcher = {{"id", "clerk-li"}, {"role", "dispatcher"}};
const json kLeader = {{"id", "deputy-wang"}, {"role", "leader"}};
const json kSupervisor = {{"id", "sup"}, {"role", "supervisor"}};
const json kResident = {{"id", "resident-7"}, {"role", "reporter"}};

json handler(const std::string& unit) {
  return {{"id", "staff-" + unit}, {"role", "handler"}, {"unit", unit}};
}

class PolicyTest : public EngineTest {
 protected:
  json get_as(const std::string& id, const json& actor) {
    return json::parse(engine().get_case_as(id, actor.dump()));
  }
  json history_as(const std::string& id, const json& actor) {
    return json::parse(engine().history_as(id, actor.dump()));
  }
  std::int64_t ledger_count() { return json::parse(engine().verify())["ledger_count"]; }
  json app_of(const json& actor, const std::string& when, const std::string& command_id = "") {
    json app = application("construction_waste", when, json::array(), nullptr, actor);
    if (!command_id.empty()) app["command_id"] = command_id;
    return app;
  }
  json complaint(const json& actor, const std::string& source, const std::string& when) {
    return {{"kind", "complaint"},
            {"category", "exposed_garbage"},
            {"reporter", {{"id", "resident-7"}, {"name", "王小明"}}},
            {"actor", actor},
            {"at", when},
            {"source", source},
            {"description", "垃圾"},
            {"location", "人民路1号"}};
  }
  /// Expects `f` to throw `code` and to leave the history of `id` and the ledger as they were.
  template <class F>
  void expect_refused_unchanged(ErrorCode code, const std::string& id, F&& f) {
    const json before = history(id);
    const auto count = ledger_count();
    EXPECT_EQ(error_of(f), code);
    EXPECT_EQ(history(id), before);
    EXPECT_EQ(ledger_count(), count);
  }
};

TEST_F(PolicyTest, VisibilityOfAPermit) {
  const std::string id = submit(app_of(kVictim, at("2026-06-01")))["id"];
  EXPECT_EQ(get_as(id, kVictim)["allowed_commands"], json::array({"withdraw"}));
  EXPECT_EQ(get_as(id, kClerk)["allowed_commands"], json::array({"accept", "request_correction", "reject"}));
  EXPECT_EQ(get_as(id, reviewer("traffic_police"))["allowed_commands"], json::array());
  EXPECT_EQ(get_as(id, kSupervisor)["allowed_commands"], json::array());
  for (const json& who :
       {kAttacker, reviewer("municipal_roads"), kDispatcher, kLeader, handler("sanitation")}) {
    SCOPED_TRACE(who.dump());
    EXPECT_EQ(error_of([&] { get_as(id, who); }), ErrorCode::permission_denied);
    EXPECT_EQ(error_of([&] { history_as(id, who); }), ErrorCode::permission_denied);
  }
  EXPECT_EQ(history_as(id, kVictim), history(id));
  EXPECT_FALSE(get(id).contains("allowed_commands"));  // the read without an actor is as before
  EXPECT_EQ(error_of([&] { get_as("nope", kVictim); }), ErrorCode::not_found);
  EXPECT_EQ(error_of([&] { engine().get_case_as(id, "{\"id\": 1}"); }), ErrorCode::invalid_argument);
  // The query with an actor applies the same rule: a clerk asking for complaints gets none.
  EXPECT_EQ(query({{"actor", kAttacker}})["cases"].size(), 0u);
  EXPECT_EQ(query({{"actor", kClerk}})["cases"].size(), 1u);
  EXPECT_EQ(query({{"actor", kClerk}, {"kind", "complaint"}})["cases"].size(), 0u);
  EXPECT_EQ(query({{"actor", reviewer("municipal_roads")}})["cases"].size(), 0u);
  EXPECT_EQ(query({{"actor", kDispatcher}})["cases"].size(), 0u);
}

TEST_F(PolicyTest, AnotherApplicantsCommandIdOnSubmitIsANewCase) {
  const json v1 = submit(app_of(kVictim, at("2026-06-01", "09:00"), "portal-1"));
  const auto count = ledger_count();
  const json a1 = submit(app_of(kAttacker, at("2026-06-01", "09:05"), "portal-1"));
  EXPECT_NE(a1["id"], v1["id"]);
  EXPECT_EQ(a1["applicant"]["id"], "91320922ATTACK0001");
  EXPECT_EQ(a1.dump().find("VICTIM"), std::string::npos);
  EXPECT_EQ(ledger_count(), count + 1);
  // Claimed first by the attacker: the victim's submission still creates the victim's own case.
  const json a2 = submit(app_of(kAttacker, at("2026-06-01", "09:10"), "portal-2"));
  const json v2 = submit(app_of(kVictim, at("2026-06-01", "09:20"), "portal-2"));
  EXPECT_NE(v2["id"], a2["id"]);
  EXPECT_EQ(v2["applicant"]["id"], "91320922VICTIM0001");
  // The victim's retry: its own case, nothing written.
  const auto before_retry = ledger_count();
  EXPECT_EQ(submit(app_of(kVictim, at("2026-06-01", "09:30"), "portal-2"))["id"], v2["id"]);
  EXPECT_EQ(ledger_count(), before_retry);
}

TEST_F(PolicyTest, AnotherApplicantsCommandIdOnExecuteTouchesNothingOfTheVictim) {
  const std::string victim_case = submit(app_of(kVictim, at("2026-06-01", "09:00")))["id"];
  const std::string own_case = submit(app_of(kAttacker, at("2026-06-01", "09:05")))["id"];
  json withdraw = command("withdraw", kVictim, at("2026-06-01", "10:00"));
  withdraw["command_id"] = "w-1";
  EXPECT_EQ(execute(victim_case, withdraw)["state"], "withdrawn");
  json replay = withdraw;
  replay["actor"] = kAttacker;
  expect_refused_unchanged(ErrorCode::permission_denied, victim_case, [&] { execute(victim_case, replay); });
  const json before = history(victim_case);
  const json mine = execute(own_case, replay);  // a new command on its own case
  EXPECT_EQ(mine["id"], own_case);
  EXPECT_EQ(mine["state"], "withdrawn");
  EXPECT_EQ(history(victim_case), before);
  // The victim's retry is answered, not applied again.
  const auto count = ledger_count();
  EXPECT_EQ(execute(victim_case, withdraw)["id"], victim_case);
  EXPECT_EQ(ledger_count(), count);
  // The same actor reusing its id on another case is a conflict.
  const std::string third = submit(app_of(kVictim, at("2026-06-01", "11:00")))["id"];
  json again = withdraw;
  again["at"] = at("2026-06-01", "11:30");
  expect_refused_unchanged(ErrorCode::conflict, third, [&] { execute(third, again); });
}

TEST_F(PolicyTest, AReviewerInspectsOnlyThePermitsOfItsDepartment) {
  const std::string id = accepted("construction_waste", "2026-06-01")["id"];
  const json inspection = {{"inspectors", {"i-1", "i-2"}}, {"findings", "符合"}};
  expect_refused_unchanged(ErrorCode::permission_denied, id, [&] {
    execute(id, command("record_inspection", reviewer("municipal_roads"), at("2026-06-02"), inspection));
  });
  EXPECT_EQ(get_as(id, reviewer("traffic_police"))["allowed_commands"],
            json::array({"record_opinion", "record_inspection"}));
  const json done =
      execute(id, command("record_inspection", reviewer("traffic_police"), at("2026-06-02"), inspection));
  EXPECT_EQ(done["inspections"].size(), 1u);
}

TEST_F(PolicyTest, ReportersFileThroughThePortalOrWeChatOnly) {
  const auto count = ledger_count();
  for (const std::string source : {"referral", "patrol", "hotline", "window"}) {
    SCOPED_TRACE(source);
    EXPECT_EQ(error_of([&] { submit(complaint(kResident, source, "2026-12-07T09:00:00+08:00")); }),
              ErrorCode::permission_denied);
  }
  EXPECT_EQ(ledger_count(), count);
  EXPECT_EQ(submit(complaint(kResident, "portal", "2026-12-07T09:00:00+08:00"))["state"], "received");
  EXPECT_EQ(submit(complaint(kResident, "wechat", "2026-12-07T09:00:00+08:00"))["state"], "received");
  EXPECT_EQ(submit(complaint(kDispatcher, "referral", "2026-12-07T09:00:00+08:00"))["state"], "received");
}

TEST_F(PolicyTest, ReportersAreWithheldFromRolesThatNeedNoContact) {
  const std::string id = submit(complaint(kResident, "portal", "2026-12-07T09:00:00+08:00"))["id"];
  const json withheld = {{"withheld", true}};
  EXPECT_EQ(get_as(id, kLeader)["reporter"], withheld);
  EXPECT_EQ(get_as(id, kSupervisor)["reporter"], withheld);
  EXPECT_EQ(get_as(id, kDispatcher)["reporter"]["name"], "王小明");
  EXPECT_EQ(get_as(id, kResident)["reporter"]["name"], "王小明");
  EXPECT_EQ(history_as(id, kLeader).dump().find("resident-7"), std::string::npos);
  EXPECT_EQ(query({{"actor", kLeader}})["cases"][0]["reporter"], withheld);
  EXPECT_EQ(error_of([&] { get_as(id, handler("sanitation")); }), ErrorCode::permission_denied);

  execute(id, command("register", kDispatcher, "2026-12-07T09:10:00+08:00", {{"verified", true}}));
  execute(id, command("dispatch", kDispatcher, "2026-12-07T09:20:00+08:00"));
  EXPECT_EQ(get_as(id, handler("sanitation"))["reporter"]["name"], "王小明");
  // Returned: the unit still sees the case it held, but no longer its reporter.
  execute(id,
          command("return", handler("sanitation"), "2026-12-07T09:30:00+08:00", {{"reasons", "非本单位"}}));
  const json held = get_as(id, handler("sanitation"));
  EXPECT_EQ(held["reporter"], withheld);
  EXPECT_EQ(held["allowed_commands"], json::array());
  EXPECT_EQ(query({{"actor", handler("sanitation")}})["cases"].size(), 1u);
  // A leader's own command is answered without the reporter.
  const std::string other = submit(complaint(kResident, "wechat", "2026-12-07T10:00:00+08:00"))["id"];
  execute(other, command("register", kDispatcher, "2026-12-07T10:10:00+08:00", {{"verified", true}}));
  execute(other, command("dispatch", kDispatcher, "2026-12-07T10:20:00+08:00"));
  const json escalated =
      execute(other, command("escalate", kLeader, "2026-12-07T10:40:00+08:00", {{"reason", "重大"}}));
  EXPECT_EQ(escalated["state"], "escalated");
  EXPECT_EQ(escalated["reporter"], withheld);
}

TEST_F(PolicyTest, TheWeeklyReportPerRole) {
  const std::string id = submit(complaint(kResident, "portal", "2026-12-07T09:00:00+08:00"))["id"];
  execute(id, command("register", kDispatcher, "2026-12-07T09:10:00+08:00", {{"verified", true}}));
  execute(id, command("dispatch", kDispatcher, "2026-12-07T09:20:00+08:00"));
  accepted("construction_waste", "2026-12-07");
  auto report = [&](const json& actor) {
    return json::parse(engine().report(json{{"week", "2026-12-07"}, {"actor", actor}}.dump()));
  };
  const json whole = json::parse(engine().report(R"({"week": "2026-12-07"})"));
  ASSERT_EQ(whole["complaints"]["unresolved"].size(), 1u);
  EXPECT_EQ(whole["complaints"]["unresolved"][0]["reporter"], "王小明");

  const json own_unit = report(handler("sanitation"));
  EXPECT_EQ(own_unit["complaints"]["unresolved"].size(), 1u);
  EXPECT_EQ(own_unit["complaints"]["unresolved"][0]["reporter"], "王小明");
  EXPECT_EQ(own_unit["complaints"]["by_unit"].size(), 1u);
  EXPECT_EQ(own_unit["counts"]["received"], 0);  // no permits for complaint staff
  const json other_unit = report(handler("law_enforcement"));
  EXPECT_EQ(other_unit["complaints"]["unresolved"].size(), 0u);
  const json leader = report(kLeader);
  ASSERT_EQ(leader["complaints"]["unresolved"].size(), 1u);
  EXPECT_EQ(leader["complaints"]["unresolved"][0]["reporter"], "");
  const json clerk = report(kClerk);
  EXPECT_EQ(clerk["complaints"]["unresolved"].size(), 0u);
  EXPECT_EQ(clerk["counts"]["received"], 1);
  EXPECT_EQ(report(reviewer("municipal_roads"))["counts"]["received"], 0);
  EXPECT_EQ(report(reviewer("traffic_police"))["counts"]["received"], 1);
}

// A database written by 0.1.0 (tests/fixtures, never regenerated) answers reads with an actor: every case is
// seen by the supervisor and by exactly one of the two kinds' staff, with the commands its state takes.
TEST(PolicyOn010Database, ReadsWithAnActor) {
  TempDir dir;
  const auto db = dir.path() / "old.sqlite";
  std::filesystem::copy_file(std::filesystem::path(PERMITFLOW_SOURCE_DIR) / "tests/fixtures/db_0_1_0.sqlite",
                             db);
  Engine engine(json{{"database", db.string()}}.dump());
  const json all = json::parse(engine.query(R"({"limit": 1000})"))["cases"];
  ASSERT_EQ(all.size(), 29u);
  int offered = 0;
  for (const json& c : all) {
    const std::string id = c["id"];
    SCOPED_TRACE(id);
    const bool complaint = c.value("kind", "permit") == "complaint";
    const json seen = json::parse(engine.get_case_as(id, kSupervisor.dump()));
    EXPECT_EQ(seen["allowed_commands"], json::array());
    const json& staff = complaint ? kDispatcher : kClerk;
    const json& other = complaint ? kClerk : kDispatcher;
    offered += static_cast<int>(json::parse(engine.get_case_as(id, staff.dump()))["allowed_commands"].size());
    try {
      engine.get_case_as(id, other.dump());
      ADD_FAILURE() << other.dump() << " sees " << id;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::permission_denied);
    }
  }
  EXPECT_GT(offered, 0);
  EXPECT_TRUE(json::parse(engine.verify())["ok"].get<bool>());
}

}  // namespace
}  // namespace permitflow::testing
