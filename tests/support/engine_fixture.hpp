// Test support: an engine on a fresh SQLite file in a temporary folder, the demo actors, and applications
// built like the conformance harness builds them (materials discovered through precheck).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "permitflow/engine.hpp"
#include "support/temp_dir.hpp"

namespace permitflow::testing {

using nlohmann::json;

inline const json kClerk = {{"id", "clerk-1"}, {"role", "clerk"}};
inline const json kHead = {{"id", "head-1"}, {"role", "head"}};
inline const json kApplicant = {{"id", "91320922MA1CONF01X"}, {"role", "applicant"}};
inline const json kSupervisor = {{"id", "sup-1"}, {"role", "supervisor"}};
inline json reviewer(const std::string& dept) {
  return {{"id", "rev-" + dept}, {"role", "reviewer"}, {"department", dept}};
}
inline std::string at(const std::string& day, const std::string& hm = "10:00") {
  return day + "T" + hm + ":00+08:00";
}

/// The facts of ../shared/conformance/check.py.
inline json facts_of(const std::string& permit) {
  if (permit == "road_excavation") {
    return {{"road_opened_on", "2012-05-01"},
            {"road_overhauled_on", nullptr},
            {"planned_start", "2027-04-01"},
            {"planned_end", "2027-04-10"},
            {"on_carriageway", true},
            {"emergency", false},
            {"protection_exception_approved", false}};
  }
  if (permit == "outdoor_advertising") {
    return {{"area_m2", 4.0},        {"height_m", 2.5},   {"on_roof", false},
            {"building_storeys", 5}, {"term_months", 12}, {"electronic_screen", false}};
  }
  return {{"volume_m3", 300},
          {"route", "S226 - 城东路 - 消纳场"},
          {"disposal_site", "城东消纳场"},
          {"vehicles", json::array({{{"plate", "苏J67890"}, {"enclosed", true}, {"recorder", true}}})}};
}

inline json application(const std::string& permit, const std::string& when, json materials = json::array(),
                        json facts = nullptr) {
  return {{"permit", permit},
          {"applicant", {{"id", kApplicant["id"]}, {"name", "示例工程有限公司"}}},
          {"actor", kApplicant},
          {"at", when},
          {"facts", facts.is_null() ? facts_of(permit) : facts},
          {"materials", materials}};
}

inline json command(const std::string& type, const json& actor, const std::string& when,
                    json extra = json::object()) {
  json c = {{"type", type}, {"actor", actor}, {"at", when}};
  for (auto& [k, v] : extra.items()) c[k] = v;
  return c;
}

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override { open(); }

  void open(const json& extra = json::object()) {
    engine_.reset();
    json cfg = {{"database", (dir_.path() / "cases.db").string()}};
    for (auto& [k, v] : extra.items()) cfg[k] = v;
    engine_ = std::make_unique<Engine>(cfg.dump());
  }
  Engine& engine() { return *engine_; }
  /// The database file, for tests that open it behind the engine's back (close() first).
  std::filesystem::path database() const { return dir_.path() / "cases.db"; }
  /// Closes the engine; open() opens it again on the same file.
  void close() { engine_.reset(); }

  json precheck(const json& app) { return json::parse(engine_->precheck(app.dump())); }
  json submit(const json& app) { return json::parse(engine_->submit(app.dump())); }
  json execute(const std::string& id, const json& cmd) {
    return json::parse(engine_->execute(id, cmd.dump()));
  }
  json get(const std::string& id) { return json::parse(engine_->get_case(id)); }
  json history(const std::string& id) { return json::parse(engine_->history(id)); }
  json run_due(const std::string& now) { return json::parse(engine_->run_due(now)); }
  json query(const json& q) { return json::parse(engine_->query(q.dump())); }

  /// The materials that make an application complete, found through precheck (as check.py does).
  json complete_materials(const std::string& permit, const std::string& when) {
    json mats = json::array();
    for (int round = 0; round < 4; ++round) {
      const json n = precheck(application(permit, when, mats));
      bool added = false;
      for (const auto& i : n["items"]) {
        const std::string m = i["material"];
        if (m.rfind("fact:", 0) == 0) continue;
        bool have = false;
        for (const auto& x : mats) have = have || x["id"] == m;
        if (!have) {
          mats.push_back({{"id", m}, {"format", "pdf"}, {"expires_on", "2030-12-31"}});
          added = true;
        }
      }
      if (n["complete"].get<bool>() && !added) return mats;
    }
    ADD_FAILURE() << "precheck never became complete for " << permit;
    return mats;
  }

  /// A case of `permit` accepted on `day`.
  json accepted(const std::string& permit, const std::string& day) {
    const json c = submit(application(permit, at(day), complete_materials(permit, at(day))));
    return execute(c["id"], command("accept", kClerk, at(day, "11:00")));
  }

  /// The error code of a call expected to fail.
  template <class F>
  ErrorCode error_of(F&& f) {
    try {
      f();
    } catch (const Error& e) {
      return e.code();
    }
    return ErrorCode::ok;
  }

 private:
  TempDir dir_;
  std::unique_ptr<Engine> engine_;
};

}  // namespace permitflow::testing
