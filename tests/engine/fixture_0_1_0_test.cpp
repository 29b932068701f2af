// A database written by permitflow 0.1.0 (tests/fixtures/db_0_1_0.sqlite, never regenerated) keeps working
// with this code: it opens, verifies, fires its pending timers exactly once and takes commands on its cases.
// Each test works on a copy in a temporary folder; the fixture itself is never opened for writing.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "permitflow/engine.hpp"
#include "permitflow/error.hpp"
#include "support/temp_dir.hpp"

namespace permitflow::testing {
namespace {

using nlohmann::json;

const std::filesystem::path kFixture =
    std::filesystem::path(PERMITFLOW_SOURCE_DIR) / "tests" / "fixtures" / "db_0_1_0.sqlite";
constexpr const char* kAfterSeeding = "2026-03-20T15:00:00+08:00";  // the seed's clock was 2026-03-20 10:00

class Fixture010 : public ::testing::Test {
 protected:
  /// The committed database this fixture copies.
  virtual std::filesystem::path fixture() const { return kFixture; }
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(fixture())) << fixture();
    db_ = dir_.path() / fixture().filename();
    std::filesystem::copy_file(fixture(), db_);
    open();
  }
  void open() {
    engine_.reset();
    engine_ = std::make_unique<Engine>(json{{"database", db_.string()}}.dump());
  }
  Engine& engine() { return *engine_; }
  json verify() { return json::parse(engine_->verify()); }
  json get(const std::string& id) { return json::parse(engine_->get_case(id)); }
  json execute(const std::string& id, const json& cmd) {
    return json::parse(engine_->execute(id, cmd.dump()));
  }
  json run_due(const std::string& now) { return json::parse(engine_->run_due(now)); }
  json submit(const json& application) { return json::parse(engine_->submit(application.dump())); }
  json history(const std::string& id) { return json::parse(engine_->history(id)); }

 private:
  TempDir dir_;
  std::filesystem::path db_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(Fixture010, VerifiesAsWritten) {
  const json v = verify();
  EXPECT_TRUE(v["ok"].get<bool>()) << v.dump(2);
  EXPECT_EQ(v["problems"], json::array());
  EXPECT_EQ(v["cases_checked"], 29);
  EXPECT_EQ(v["events_checked"], 150);
  EXPECT_EQ(v["ledger_count"], 150);
}

TEST_F(Fixture010, CasesReadAsTheyWereLeft) {
  EXPECT_EQ(get("320922-OA-20260319-000001")["state"], "submitted");
  EXPECT_EQ(get("320922-RE-20260309-000001")["state"], "under_review");
  EXPECT_EQ(get("320922-RE-20260302-000001")["state"], "closed");
  EXPECT_EQ(get("320922-OA-20260311-000001")["deadlines"]["decision"]["light"], "stopped");  // suspended
  const json complaint = get("320922-CG-20260318-000001");
  EXPECT_EQ(complaint["kind"], "complaint");
  EXPECT_EQ(complaint["state"], "dispatched");
  EXPECT_EQ(complaint["unit"], "sanitation");
}

TEST_F(Fixture010, ASubmittedPermitIsAccepted) {
  const json c =
      execute("320922-OA-20260319-000001",
              {{"type", "accept"}, {"actor", {{"id", "clerk-1"}, {"role", "clerk"}}}, {"at", kAfterSeeding}});
  EXPECT_EQ(c["state"], "under_review");
  EXPECT_EQ(c["version"], 2);
  EXPECT_EQ(c["accepted_on"], "2026-03-20");
  EXPECT_EQ(c["deadlines"]["acceptance_notice"]["light"], "met");
}

TEST_F(Fixture010, ACaseUnderReviewTakesThePendingOpinion) {
  const json c = execute("320922-RE-20260309-000001",
                         {{"type", "record_opinion"},
                          {"actor", {{"id", "tp-1"}, {"role", "reviewer"}, {"department", "traffic_police"}}},
                          {"at", kAfterSeeding},
                          {"department", "traffic_police"},
                          {"opinion", "approve"}});
  EXPECT_EQ(c["state"], "under_review");
  EXPECT_EQ(c["version"], 6);
  EXPECT_EQ(c["opinions"]["traffic_police"]["opinion"], "approve");
  EXPECT_EQ(c["opinions"]["municipal_roads"]["opinion"], "approve");  // recorded by 0.1.0
}

TEST_F(Fixture010, AnIssuedPermitCanBeRevoked) {
  const json c = execute("320922-RE-20260306-000001", {{"type", "revoke"},
                                                       {"actor", {{"id", "head-1"}, {"role", "head"}}},
                                                       {"at", kAfterSeeding},
                                                       {"reason", "施工单位未按许可范围作业"}});
  EXPECT_EQ(c["state"], "revoked");
}

TEST_F(Fixture010, ADispatchedComplaintIsHandledByItsUnit) {
  const json c =
      execute("320922-CG-20260318-000001",
              {{"type", "start_handling"},
               {"actor", {{"id", "staff-sanitation"}, {"role", "handler"}, {"unit", "sanitation"}}},
               {"at", kAfterSeeding}});
  EXPECT_EQ(c["state"], "handling");
}

TEST_F(Fixture010, PendingTimersFireOnce) {
  // The first pending timer: the decision clock of RE-20260310 turns yellow at 2026-03-21 00:00.
  const json first = run_due("2026-03-21T00:00:00+08:00");
  ASSERT_EQ(first.size(), 1u) << first.dump(2);
  EXPECT_EQ(first[0]["case"], "320922-RE-20260310-000001");
  EXPECT_EQ(first[0]["kind"], "deadline_warning");
  EXPECT_EQ(first[0]["clock"], "decision");
  EXPECT_EQ(get("320922-RE-20260310-000001")["deadlines"]["decision"]["light"], "yellow");
  // Everything else, years later (and what firing brings on, such as a deemed acceptance's decision clock):
  // each timer fires once, and nothing is left.
  const json rest = run_due("2030-01-01T00:00:00+08:00");
  EXPECT_GE(rest.size(), 39u);
  std::set<std::string> fired;
  for (const auto& f : rest) {
    const std::string key = f["case"].get<std::string>() + " " + f["kind"].get<std::string>() + " " +
                            f["clock"].get<std::string>() + " " + f["due"].get<std::string>();
    EXPECT_TRUE(fired.insert(key).second) << "fired twice: " << key;
  }
  EXPECT_EQ(run_due("2030-01-01T00:00:00+08:00"), json::array());
  EXPECT_EQ(get("320922-OA-20260319-000001")["deemed_accepted"], true);  // its acceptance was deemed
}

TEST_F(Fixture010, StillVerifiesAfterNewWorkAndAReopen) {
  execute("320922-OA-20260319-000001",
          {{"type", "accept"}, {"actor", {{"id", "clerk-1"}, {"role", "clerk"}}}, {"at", kAfterSeeding}});
  EXPECT_FALSE(run_due("2030-01-01T00:00:00+08:00").empty());
  open();
  const json v = verify();
  EXPECT_TRUE(v["ok"].get<bool>()) << v.dump(2);
  EXPECT_EQ(v["cases_checked"], 29);
  EXPECT_GT(v["events_checked"].get<int>(), 151);
  EXPECT_EQ(v["ledger_count"], v["events_checked"]);
  EXPECT_EQ(run_due("2030-01-01T00:00:00+08:00"), json::array());  // fired before the reopen, not again
}

// 0.1.0 recorded a command id as it was sent, not scoped to its actor as this code does (docs/policy.md). Its
// fixture (tests/fixtures/db_0_1_0_command_ids.sqlite, see its README) holds one case that 0.1.0's C API made
// with an application sent with command id "window-submit-1" and accepted by clerk-1 with "window-accept-1".
// Such an id still answers a retry by the actor who sent it, and only that actor.
class CommandIds010 : public Fixture010 {
 protected:
  std::filesystem::path fixture() const override {
    return kFixture.parent_path() / "db_0_1_0_command_ids.sqlite";
  }
  static constexpr const char* kCase = "320922-OA-20260319-000001";
  static constexpr const char* kApplicant = "91320922MA1ADV002Y";
  /// The application 0.1.0 took, as its `submitted` event logged it, sent again by `applicant` with
  /// `command_id`.
  json application(const std::string& applicant, const std::string& command_id) {
    const json logged = history(kCase).at(0).at("data");
    json materials = json::array();
    for (const auto& m : logged["materials"])
      materials.push_back({{"id", m["id"]}, {"format", m["format"]}, {"expires_on", m["expires_on"]}});
    return {{"permit", logged["permit"]},
            {"applicant", {{"id", applicant}, {"name", logged["applicant"]["name"]}}},
            {"actor", {{"id", applicant}, {"role", "applicant"}}},
            {"at", "2026-03-19T11:00:00+08:00"},
            {"facts", logged["facts"]},
            {"materials", materials},
            {"command_id", command_id}};
  }
  json accept_by(const std::string& clerk) {
    return {{"type", "accept"},
            {"actor", {{"id", clerk}, {"role", "clerk"}}},
            {"at", "2026-03-19T11:00:00+08:00"},
            {"command_id", "window-accept-1"}};
  }
};

TEST_F(CommandIds010, TheFixtureIsWhatTheReadmeSays) {
  const json c = get(kCase);
  EXPECT_EQ(c["state"], "under_review");
  EXPECT_EQ(c["version"], 2);
  const json v = verify();
  EXPECT_TRUE(v["ok"].get<bool>()) << v.dump(2);
  EXPECT_EQ(v["cases_checked"], 1);
}

TEST_F(CommandIds010, ARetriedApplicationAnswersTheCaseItMade) {
  const json again = submit(application(kApplicant, "window-submit-1"));
  EXPECT_EQ(again["id"], kCase);
  EXPECT_EQ(again["version"], 2);  // the case as it stands now, nothing new made
  EXPECT_EQ(verify()["cases_checked"], 1);
}

TEST_F(CommandIds010, ARetriedCommandIsNotAppliedAgain) {
  const json again = execute(kCase, accept_by("clerk-1"));
  EXPECT_EQ(again["state"], "under_review");
  EXPECT_EQ(again["version"], 2);
  EXPECT_EQ(history(kCase).size(), 2u);
}

TEST_F(CommandIds010, AnotherActorsLegacyIdIsANewCommand) {
  // Another applicant sending the same id gets a case of its own.
  const json other = submit(application("91320922MA1OTHER03Z", "window-submit-1"));
  const std::string id = other["id"];
  EXPECT_NE(id, kCase);
  EXPECT_EQ(other["state"], "submitted");
  // Another clerk's "window-accept-1" is a command of its own: it runs, and accepts that new case.
  const json accepted = execute(id, accept_by("clerk-2"));
  EXPECT_EQ(accepted["state"], "under_review");
  EXPECT_EQ(accepted["version"], 2);
}

TEST_F(CommandIds010, TheSameActorsLegacyIdOnAnotherCaseIsAConflict) {
  const std::string id = submit(application("91320922MA1OTHER03Z", "window-submit-2"))["id"];
  try {
    execute(id, accept_by("clerk-1"));
    FAIL() << "a command id clerk-1 used on " << kCase << " was taken again on " << id;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::conflict);
    EXPECT_NE(std::string(e.what()).find(kCase), std::string::npos) << e.what();
  }
  EXPECT_EQ(get(id)["version"], 1);  // refused: nothing changed
}

}  // namespace
}  // namespace permitflow::testing
