// A database written by permitflow 0.1.0 (tests/fixtures/db_0_1_0.sqlite, never regenerated) keeps working
// with this code: it opens, verifies, fires its pending timers exactly once and takes commands on its cases.
// Each test works on a copy in a temporary folder; the fixture itself is never opened for writing.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "permitflow/engine.hpp"
#include "support/temp_dir.hpp"

namespace permitflow::testing {
namespace {

using nlohmann::json;

const std::filesystem::path kFixture =
    std::filesystem::path(PERMITFLOW_SOURCE_DIR) / "tests" / "fixtures" / "db_0_1_0.sqlite";
constexpr const char* kAfterSeeding = "2026-03-20T15:00:00+08:00";  // the seed's clock was 2026-03-20 10:00

class Fixture010 : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(kFixture)) << kFixture;
    std::filesystem::copy_file(kFixture, db_);
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

 private:
  TempDir dir_;
  std::filesystem::path db_ = dir_.path() / "db_0_1_0.sqlite";
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

}  // namespace
}  // namespace permitflow::testing
