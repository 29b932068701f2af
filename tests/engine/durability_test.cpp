// Snapshots, restarts, threads and the background scheduler, on real SQLite files.
#include <atomic>
#include <chrono>
#include <fstream>
#include <mutex>
#include <thread>

#include "case/snapshot.hpp"
#include "engine/engine_impl.hpp"
#include "support/engine_fixture.hpp"

namespace permitflow::testing {
namespace {

using Durability = EngineTest;

// The engine stores a snapshot each time a case passes a multiple of 8 events (Impl::kSnapshotEvery), and
// snapshot + tail rebuilds exactly the case its whole log does.
TEST(Snapshot, TakenEveryEightEventsAndSnapshotPlusTailEqualsTheWholeLog) {
  static_assert(Engine::Impl::kSnapshotEvery == 8);
  TempDir dir;
  const std::string db = (dir.path() / "snap.db").string();
  std::string id, young;
  {
    Engine engine(json{{"database", db}}.dump());
    const std::string day = at("2026-06-01");
    const json mats = complete_materials(engine, "road_excavation", day);
    json rest = mats;
    rest.erase(0);
    const json c =
        json::parse(engine.submit(application("road_excavation", day, json::array({mats[0]})).dump()));
    id = c["id"];
    const auto run = [&](const json& cmd) { return json::parse(engine.execute(id, cmd.dump())); };
    run(command("request_correction", kClerk, at("2026-06-02")));
    run(command("resubmit", kApplicant, at("2026-06-03"), {{"materials", rest}}));
    run(command("accept", kClerk, at("2026-06-03", "15:00")));
    for (const std::string dept : {"municipal_roads", "traffic_police"}) {
      run(command("record_opinion", reviewer(dept), at("2026-06-04"),
                  {{"department", dept}, {"opinion", "approve"}}));
    }
    run(command("record_inspection", kClerk, at("2026-06-05"),
                {{"inspectors", {"insp-1", "insp-2"}}, {"findings", "ok"}}));
    run(command("decide", kHead, at("2026-06-05", "16:00"), {{"outcome", "approved"}}));
    ASSERT_EQ(run(command("issue_certificate", kClerk, at("2026-06-08")))["version"], 9);
    young = json::parse(engine.submit(application("road_excavation", day).dump()))["id"];
    engine.execute(young, command("request_correction", kClerk, at("2026-06-02")).dump());
  }
  Engine::Impl impl(parse_engine_config(json{{"database", db}}.dump()));
  auto tx = impl.store->begin_read();
  const auto young_record = tx->load_case(young);
  ASSERT_TRUE(young_record.has_value());
  EXPECT_TRUE(young_record->snapshot.empty()) << "2 events: no snapshot yet";
  EXPECT_EQ(young_record->snapshot_version, 0);
  EXPECT_EQ(impl.load_case(*tx, *young_record), impl.replay(tx->events(young, 0)));

  const auto record = tx->load_case(id);
  ASSERT_TRUE(record.has_value());
  ASSERT_FALSE(record->snapshot.empty());
  EXPECT_EQ(record->snapshot_version, 8);  // taken by the decision, the command that reached 8
  EXPECT_EQ(record->version, 9);
  const Case from_snapshot = impl.load_case(*tx, *record);
  const Case from_log = impl.replay(tx->events(id, 0));
  EXPECT_EQ(from_snapshot, from_log);
  EXPECT_EQ(from_log.state, State::issued);
  EXPECT_EQ(impl.document(from_log), record->document);

  // An older snapshot (taken at version 1) plus the events after it gives the same case.
  auto first = tx->events(id, 0);
  Case at_v1 = impl.replay(std::span(first).first(1));
  store::CaseRecord older = *record;
  older.snapshot = save_snapshot(at_v1);
  older.snapshot_version = 1;
  EXPECT_EQ(impl.load_case(*tx, older), from_log);

  // A snapshot that does not load is dropped and the case rebuilt from its log.
  store::CaseRecord corrupt = *record;
  corrupt.snapshot = "22 serialization::archive 18 garbage";
  EXPECT_FALSE(load_snapshot(corrupt.snapshot).has_value());
  EXPECT_EQ(impl.load_case(*tx, corrupt), from_log);
}

TEST(Snapshot, ArchivesRoundTripEveryField) {
  TempDir dir;
  Engine engine(json{{"database", (dir.path() / "rt.db").string()}}.dump());
  const json full = [&] {
    json mats = json::array();
    for (int round = 0; round < 4; ++round) {
      const json n =
          json::parse(engine.precheck(application("road_excavation", at("2026-06-01"), mats).dump()));
      if (n["complete"].get<bool>()) break;
      for (const auto& i : n["items"])
        mats.push_back({{"id", i["material"]}, {"format", "pdf"}, {"expires_on", "2030-12-31"}});
    }
    return mats;
  }();
  json c = json::parse(engine.submit(application("road_excavation", at("2026-06-01"), full).dump()));
  const std::string id = c["id"];
  engine.execute(id, command("accept", kClerk, at("2026-06-01", "11:00")).dump());
  engine.execute(id,
                 command("suspend", kClerk, at("2026-06-02"),
                         {{"reason", "expert_review"}, {"expected_working_days", 3}, {"notice", "专家评审"}})
                     .dump());
  engine.execute(id, command("record_opinion", reviewer("traffic_police"), at("2026-06-03"),
                             {{"department", "traffic_police"}, {"opinion", "approve"}, {"comment", "同意"}})
                         .dump());
  engine.execute(id, command("resume", kClerk, at("2026-06-04")).dump());
  Engine::Impl impl(parse_engine_config(json{{"database", (dir.path() / "rt.db").string()}}.dump()));
  auto tx = impl.store->begin_read();
  const Case original = impl.replay(tx->events(id, 0));
  const auto restored = load_snapshot(save_snapshot(original));
  ASSERT_TRUE(restored.has_value());
  EXPECT_EQ(*restored, original);
  EXPECT_EQ(restored->suspensions.size(), 1u);
  EXPECT_TRUE(restored->opinions.at("traffic_police").has_value());
  EXPECT_FALSE(restored->opinions.at("municipal_roads").has_value());
}

TEST_F(Durability, ManyThreadsOnManyCasesLoseNothing) {
  constexpr int kThreads = 8;
  constexpr int kCasesEach = 6;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  std::vector<std::vector<std::string>> ids(kThreads);
  const json mats = complete_materials("construction_waste", at("2026-06-01"));
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        for (int i = 0; i < kCasesEach; ++i) {
          const json c =
              json::parse(engine().submit(application("construction_waste", at("2026-06-01"), mats).dump()));
          ids[t].push_back(c["id"]);
          engine().execute(c["id"].get<std::string>(),
                           command("accept", kClerk, at("2026-06-01", "11:00")).dump());
          engine().run_due("2026-06-02T00:00:00+08:00");
          EXPECT_FALSE(json::parse(engine().query(R"({"state": "under_review"})"))["cases"].empty());
        }
      } catch (const std::exception& e) {
        ++failures;
        ADD_FAILURE() << e.what();
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  std::set<std::string> distinct;
  for (const auto& v : ids) distinct.insert(v.begin(), v.end());
  EXPECT_EQ(distinct.size(), static_cast<std::size_t>(kThreads * kCasesEach));
  for (const auto& id : distinct) EXPECT_EQ(get(id)["state"], "under_review");
  EXPECT_EQ(query({{"state", "under_review"}, {"limit", 1000}})["cases"].size(), distinct.size());
}

TEST_F(Durability, TheSchedulerFiresDueTimersOnTheRealClock) {
  // Submitted in September 2026: its acceptance window closed long before the real clock of this run.
  const json c = submit(application("outdoor_advertising", at("2026-09-18")));
  engine().start_scheduler(std::chrono::milliseconds(20));
  json now;
  for (int i = 0; i < 200; ++i) {
    now = get(c["id"]);
    if (now["state"] == "under_review") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  engine().stop_scheduler();
  EXPECT_EQ(now["state"], "under_review");
  EXPECT_EQ(now["deemed_accepted"], true);
  engine().stop_scheduler();  // stopping twice is harmless
}

TEST_F(Durability, TheHostReceivesTheTextLog) {
  std::vector<std::string> lines;
  std::mutex m;
  engine().set_log_sink(
      [&](std::string_view logger, int level, std::string_view message) {
        std::lock_guard lock(m);
        lines.push_back(std::string(logger) + "|" + std::to_string(level) + "|" + std::string(message));
      },
      2);
  const json c = submit(application("outdoor_advertising", at("2026-06-01")));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0],
            "permitflow.engine|2|case " + c["id"].get<std::string>() + " submitted (outdoor_advertising)");
  engine().set_log_sink(nullptr, 6);  // silence
  submit(application("outdoor_advertising", at("2026-06-01")));
  EXPECT_EQ(lines.size(), 1u);
  EXPECT_EQ(error_of([&] { engine().set_log_sink(nullptr, 9); }), ErrorCode::invalid_argument);
}

TEST_F(Durability, PaginationIsStableAndComplete) {
  std::set<std::string> all;
  for (int i = 0; i < 7; ++i) all.insert(submit(application("outdoor_advertising", at("2026-06-01")))["id"]);
  std::set<std::string> seen;
  json page = query({{"limit", 3}});
  int pages = 1;
  while (true) {
    for (const auto& c : page["cases"]) seen.insert(c["id"]);
    if (page["next"].is_null()) break;
    page = query({{"limit", 3}, {"after", page["next"]}});
    ++pages;
  }
  EXPECT_EQ(seen, all);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(error_of([&] { query({{"light", "purple"}}); }), ErrorCode::invalid_argument);
  EXPECT_EQ(error_of([&] { query({{"limit", 0}}); }), ErrorCode::invalid_argument);
}

}  // namespace
}  // namespace permitflow::testing
