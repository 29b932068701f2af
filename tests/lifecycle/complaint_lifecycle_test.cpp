// The complaint chart (docs/complaints.md) through the engine: transitions, refusals in the order of
// docs/contract.md §3, the return window and the extension deadline, replay and snapshots, and that the two
// kinds never mix.
#include <gtest/gtest.h>

#include "permitflow/error.hpp"
#include "support/engine_fixture.hpp"

namespace permitflow::testing {
namespace {

const json kDispatcher = {{"id", "clerk-li"}, {"role", "dispatcher"}};
const json kLeader = {{"id", "leader-wang"}, {"role", "leader"}};
json handler(const std::string& unit) {
  return {{"id", "staff-" + unit}, {"role", "handler"}, {"unit", unit}};
}

class ComplaintTest : public EngineTest {
 protected:
  json file(const std::string& category, const std::string& when, const std::string& source = "hotline") {
    return submit({{"kind", "complaint"},
                   {"category", category},
                   {"reporter", {{"id", "resident-1"}, {"name", "张三"}}},
                   {"actor", kDispatcher},
                   {"at", when},
                   {"source", source},
                   {"description", "占道经营"}});
  }
  std::string dispatched(const std::string& category, const std::string& when) {
    const std::string id = file(category, when)["id"];
    execute(id, command("register", kDispatcher, when, {{"verified", true}}));
    execute(id, command("dispatch", kDispatcher, when));
    return id;
  }
};

TEST_F(ComplaintTest, ReceivedCaseShowsItsHandlingClock) {
  const json c = file("complaint", at("2026-12-07", "09:00"));
  EXPECT_EQ(c["state"], "received");
  EXPECT_EQ(c["kind"], "complaint");
  EXPECT_EQ(c["responsible_unit"], "law_enforcement");
  // 15 working days after Mon 7 Dec: Mon 28 Dec, at the close of business.
  EXPECT_EQ(c["deadlines"]["handling"]["due"], "2026-12-28T17:30:00+08:00");
  EXPECT_EQ(c["deadlines"]["handling"]["light"], "green");
  EXPECT_EQ(c["reporter"]["name"], "张三");
  EXPECT_FALSE(c.contains("permit"));
}

TEST_F(ComplaintTest, PrecheckRefusesAComplaintWhoseWorkflowChecksNoApplication) {
  const json app = {{"kind", "complaint"},
                    {"category", "help"},
                    {"reporter", {{"id", "resident-1"}, {"name", "张三"}}},
                    {"actor", kDispatcher},
                    {"at", at("2026-12-07", "09:00")},
                    {"source", "hotline"},
                    {"description", "占道经营"}};
  try {
    precheck(app);
    ADD_FAILURE() << "a complaint was pre-checked";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_argument);
    EXPECT_EQ(e.field(), "/kind");
    EXPECT_NE(std::string(e.what()).find("a complaint has no checklist to pre-check"), std::string::npos)
        << e.what();
  }
  // Filed, it carries no flags: its workflow does not run the flagging rules.
  const std::string id = submit(app)["id"];
  EXPECT_EQ(history(id)[0]["data"]["flags"], json::array());
  EXPECT_EQ(get(id)["flags"], json::array());
}

TEST_F(ComplaintTest, ReturnOnlyWithinTwoWorkingDaysOfDispatch) {
  const std::string id = dispatched("help", at("2026-12-07", "09:00"));
  EXPECT_EQ(get(id)["deadlines"]["return"]["due"], "2026-12-09T17:30:00+08:00");
  EXPECT_EQ(error_of([&] {
              execute(id, command("return", handler("sanitation"), at("2026-12-09", "17:31"),
                                  {{"reasons", "不归我们"}}));
            }),
            ErrorCode::rule_violation);
  EXPECT_EQ(get(id)["state"], "dispatched");
  const std::string id2 = dispatched("help", at("2026-12-07", "09:00"));
  EXPECT_EQ(execute(id2, command("return", handler("sanitation"), at("2026-12-09", "17:30"),
                                 {{"reasons", "不归我们"}}))["state"],
            "returned");
}

TEST_F(ComplaintTest, ExtensionOnlyBeforeTheLimit) {
  const std::string id = dispatched("consultation", at("2026-12-07", "09:00"));  // due Wed 9 Dec 17:30
  const json late =
      command("extend", kLeader, at("2026-12-10", "09:00"), {{"working_days", 2}, {"reason", "x"}});
  EXPECT_EQ(error_of([&] { execute(id, late); }), ErrorCode::rule_violation);
  // The overdue timer fired before the refused command, and stays fired.
  EXPECT_EQ(get(id)["deadlines"]["handling"]["light"], "red");
  const std::string id2 = dispatched("consultation", at("2026-12-07", "09:00"));
  const json c = execute(
      id2, command("extend", kLeader, at("2026-12-09", "17:00"), {{"working_days", 2}, {"reason", "x"}}));
  EXPECT_EQ(c["deadlines"]["handling"]["due"], "2026-12-11T17:30:00+08:00");
}

TEST_F(ComplaintTest, WorkingHourLimitExtendsByWholeOfficeDays) {
  const std::string id = dispatched("exposed_garbage", at("2026-12-07", "16:00"));  // 4 h: Tue 8 Dec 11:00
  EXPECT_EQ(get(id)["deadlines"]["handling"]["due"], "2026-12-08T11:00:00+08:00");
  const json c = execute(
      id, command("extend", kDispatcher, at("2026-12-07", "16:30"), {{"working_days", 1}, {"reason", "x"}}));
  EXPECT_EQ(c["deadlines"]["handling"]["due"], "2026-12-09T11:00:00+08:00");
}

TEST_F(ComplaintTest, KindsNeverMix) {
  const std::string id = dispatched("report", at("2026-12-07", "09:00"));
  EXPECT_EQ(error_of([&] { execute(id, command("accept", kClerk, at("2026-12-07", "10:00"))); }),
            ErrorCode::permission_denied);
  EXPECT_EQ(error_of([&] { execute(id, command("close", kLeader, at("2026-12-07", "10:00"))); }),
            ErrorCode::invalid_state);
  const json permit = submit(application("outdoor_advertising", at("2026-12-07")));
  EXPECT_EQ(
      error_of([&] { execute(permit["id"], command("register", kDispatcher, at("2026-12-07", "11:00"))); }),
      ErrorCode::permission_denied);
  EXPECT_EQ(error_of([&] {
              execute(permit["id"], command("extend", kHead, at("2026-12-07", "11:00"),
                                            {{"working_days", 1}, {"reason", "x"}}));
            }),
            ErrorCode::invalid_state);
  EXPECT_EQ(error_of([&] {
              submit({{"kind", "complaint"},
                      {"category", "road_excavation"},
                      {"reporter", {{"id", "r"}}},
                      {"actor", kDispatcher},
                      {"at", at("2026-12-07")},
                      {"description", "x"}});
            }),
            ErrorCode::invalid_argument);
  EXPECT_EQ(error_of([&] { submit(application("consultation", at("2026-12-07"))); }),
            ErrorCode::invalid_argument);
}

TEST_F(ComplaintTest, ReplayAndSnapshotsGiveTheSameCase) {
  const std::string id = dispatched("suggestion", at("2026-12-07", "09:00"));
  execute(id, command("start_handling", handler("general_office"), at("2026-12-07", "10:00")));
  execute(id,
          command("escalate", handler("general_office"), at("2026-12-07", "10:05"), {{"reason", "重大"}}));
  const json before = get(id);
  close();
  open();
  EXPECT_EQ(get(id), before);
  const json c =
      execute(id, command("assign_deputy", kLeader, at("2026-12-08", "09:00"), {{"deputy", "deputy-zhao"}}));
  EXPECT_EQ(c["state"], "handling");
  EXPECT_EQ(c["escalated_at"], "2026-12-07T10:05:00+08:00");
  const json v = json::parse(engine().verify());
  EXPECT_TRUE(v["ok"].get<bool>()) << v.dump();
}

TEST_F(ComplaintTest, ReviewClockEscalatesWhenTheLeadershipIsLate) {
  const std::string id = dispatched("complaint", at("2026-12-07", "09:00"));
  execute(id, command("escalate", kDispatcher, at("2026-12-07", "09:30"), {{"reason", "重大"}}));
  const json fired = run_due("2026-12-15T00:00:00+08:00");
  ASSERT_EQ(fired.size(), 1u) << fired.dump();
  EXPECT_EQ(fired[0]["clock"], "review");
  EXPECT_EQ(fired[0]["events"][0]["data"]["due"], "2026-12-14T17:30:00+08:00");
  EXPECT_EQ(fired[0]["events"][0]["data"]["responsible"], "leader");
  EXPECT_EQ(run_due("2026-12-16T00:00:00+08:00").size(), 0u);
}

}  // namespace
}  // namespace permitflow::testing
