// Two engines in one process on one PostgreSQL database, as two portal instances would be: cases submitted
// through either are seen by both, both run run_due at the same moment and every timer fires once.
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "support/engine_fixture.hpp"
#include "support/test_database.hpp"

namespace permitflow::testing {
namespace {

class PostgresEngines : public ::testing::Test {
 protected:
  void SetUp() override {
    PF_REQUIRE_DATABASE(db_);
    const std::string cfg = json{{"database", db_.url()}, {"county_code", "320922"}, {"pool_size", 2}}.dump();
    a_ = std::make_unique<Engine>(cfg);
    b_ = std::make_unique<Engine>(cfg);
  }

  TestDatabase db_{"postgresql"};
  std::unique_ptr<Engine> a_;
  std::unique_ptr<Engine> b_;
};

TEST_F(PostgresEngines, BothSeeEveryCaseAndEachTimerFiresOnce) {
  constexpr int kCases = 8;
  std::vector<std::string> ids;
  for (int i = 0; i < kCases; ++i) {
    Engine& e = i % 2 ? *b_ : *a_;
    const json c = json::parse(e.submit(application("outdoor_advertising", at("2026-09-18")).dump()));
    ids.push_back(c["id"]);
  }
  // Case numbers come from one shared counter: no two engines hand out the same id.
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
  for (const auto& id : ids) {
    EXPECT_EQ(json::parse(a_->get_case(id))["state"], "submitted");
    EXPECT_EQ(json::parse(b_->get_case(id))["state"], "submitted");
  }

  std::mutex m;
  std::map<std::string, int> deemed;
  auto runner = [&](Engine& e) {
    for (int round = 0; round < 3; ++round) {
      const json fired = json::parse(e.run_due("2026-09-25T00:00:00+08:00"));
      std::lock_guard lock(m);
      for (const auto& f : fired) {
        if (f["kind"] == "acceptance_deemed") ++deemed[f["case"].get<std::string>()];
      }
    }
  };
  std::thread ta(runner, std::ref(*a_)), tb(runner, std::ref(*b_));
  ta.join();
  tb.join();

  ASSERT_EQ(deemed.size(), ids.size());
  for (const auto& id : ids) {
    EXPECT_EQ(deemed[id], 1) << id;
    const json c = json::parse(b_->get_case(id));
    EXPECT_EQ(c["state"], "under_review") << id;
    EXPECT_EQ(c["deemed_accepted"], true) << id;
    int deemed_events = 0;
    for (const auto& ev : json::parse(a_->history(id))) deemed_events += ev["type"] == "acceptance_deemed";
    EXPECT_EQ(deemed_events, 1) << id;
  }
  for (Engine* e : {a_.get(), b_.get()}) {
    const json v = json::parse(e->verify());
    EXPECT_TRUE(v["ok"].get<bool>()) << v.dump(2);
    EXPECT_EQ(v["cases_checked"], kCases);
  }
}

TEST_F(PostgresEngines, ACommandOnAStaleVersionFromTheOtherEngineIsAConflict) {
  const json c = json::parse(a_->submit(application("outdoor_advertising", at("2026-09-18")).dump()));
  const std::string id = c["id"];
  const std::int64_t version = c["version"];
  json notice = command("request_correction", kClerk, at("2026-09-18", "11:00"));
  notice["expected_version"] = version;
  a_->execute(id, notice.dump());
  try {
    b_->execute(id, notice.dump());  // from a clerk whose screen still shows the old version
    FAIL() << "both engines applied a command to the same version";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::conflict) << e.what();
  }
  EXPECT_EQ(json::parse(b_->get_case(id))["version"], version + 1);
}

}  // namespace
}  // namespace permitflow::testing
