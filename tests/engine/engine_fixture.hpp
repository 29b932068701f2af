// Shared by the engine tests: a real engine on a fresh SQLite file in its own temporary folder, the actors
// and facts of the conformance checks (/work/shared/conformance/check.py), and helpers that drive cases
// through the public API with JSON in and out.
#pragma once

#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "permitflow/engine.hpp"

namespace permitflow::testing {

using nlohmann::json;

inline const json kClerk = {{"id", "clerk-1"}, {"role", "clerk"}};
inline const json kHead = {{"id", "head-1"}, {"role", "head"}};
inline const json kApplicant = {{"id", "91320922MA1CONF01X"}, {"role", "applicant"}};
inline json reviewer(const std::string& department) {
  return {{"id", "rev-" + department}, {"role", "reviewer"}, {"department", department}};
}
/// `2026-06-08T10:00:00+08:00`.
inline std::string at(const std::string& day, const std::string& hm = "10:00") {
  return day + "T" + hm + ":00+08:00";
}

inline json facts(const std::string& permit) {
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

inline json application(const std::string& permit, const std::string& when, const json& materials) {
  return {{"permit", permit},       {"applicant", {{"id", kApplicant["id"]}, {"name", "示例工程有限公司"}}},
          {"actor", kApplicant},    {"at", when},
          {"facts", facts(permit)}, {"materials", materials}};
}

/// A fresh folder under PERMITFLOW_TEST_TMP (or the system's temporary folder), removed afterwards.
class TempFolder {
 public:
  TempFolder() {
    static std::atomic<int> n{0};
    const char* base = std::getenv("PERMITFLOW_TEST_TMP");
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::path(base && *base ? base : std::filesystem::temp_directory_path().string()) /
            ("pf-" + std::string(info ? info->test_suite_name() : "t") + "-" +
             std::string(info ? info->name() : "t") + "-" + std::to_string(::getpid()) + "-" +
             std::to_string(n++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempFolder() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// Drives cases through one engine on `db`.
class Driver {
 public:
  explicit Driver(const std::filesystem::path& db)
      : engine_(std::make_unique<Engine>(json{{"database", db.string()}}.dump())) {}
  Engine& engine() { return *engine_; }

  json execute(const std::string& id, json command) {
    return json::parse(engine_->execute(id, command.dump()));
  }

  /// The materials that make an application complete, found through precheck as check.py's complete() does.
  json complete_materials(const std::string& permit, const std::string& when) {
    json mats = json::array();
    for (int round = 0; round < 4; ++round) {
      const json notice = json::parse(engine_->precheck(application(permit, when, mats).dump()));
      bool added = false;
      for (const auto& item : notice["items"]) {
        const std::string id = item["material"];
        if (id.rfind("fact:", 0) == 0) continue;
        bool have = false;
        for (const auto& m : mats) have = have || m["id"] == id;
        if (!have) {
          mats.push_back({{"id", id}, {"format", "pdf"}, {"expires_on", "2030-12-31"}});
          added = true;
        }
      }
      if (notice["complete"].get<bool>() && !added) return mats;
    }
    ADD_FAILURE() << "precheck never became complete for " << permit;
    return mats;
  }

  json submit(const std::string& permit, const std::string& day, bool complete = true) {
    const std::string when = at(day, "09:00");
    const json mats = complete ? complete_materials(permit, when) : json::array();
    return json::parse(engine_->submit(application(permit, when, mats).dump()));
  }

  /// Submitted at 09:00 and accepted at 11:00 the same day.
  json accepted(const std::string& permit, const std::string& day) {
    const json c = submit(permit, day);
    return execute(c["id"], {{"type", "accept"}, {"actor", kClerk}, {"at", at(day, "11:00")}});
  }

  json inspect(const std::string& id, const std::string& day) {
    return execute(id, {{"type", "record_inspection"},
                        {"actor", kClerk},
                        {"at", at(day, "14:00")},
                        {"inspectors", {"insp-1", "insp-2"}},
                        {"findings", "现场符合要求"}});
  }

  json opinion(const std::string& id, const std::string& department, const std::string& day) {
    return execute(id, {{"type", "record_opinion"},
                        {"actor", reviewer(department)},
                        {"at", at(day, "15:00")},
                        {"department", department},
                        {"opinion", "approve"}});
  }

  json suspend(const std::string& id, const std::string& day, int expected_working_days) {
    return execute(id, {{"type", "suspend"},
                        {"actor", kClerk},
                        {"at", at(day, "10:30")},
                        {"reason", "expert_review"},
                        {"expected_working_days", expected_working_days},
                        {"notice", "专家评审"}});
  }

  json resume(const std::string& id, const std::string& day) {
    return execute(id, {{"type", "resume"}, {"actor", kClerk}, {"at", at(day, "10:45")}});
  }

  /// Inspection (when still needed), every co-approving opinion, then the head's approval at 16:00.
  json approve(const std::string& id, const std::string& day) {
    json c = json::parse(engine_->get_case(id));
    if (c["inspections"].empty()) c = inspect(id, day);
    for (const auto& [department, opinion] : c["opinions"].items()) {
      if (opinion.is_null()) c = this->opinion(id, department, day);
    }
    return execute(id,
                   {{"type", "decide"}, {"actor", kHead}, {"at", at(day, "16:00")}, {"outcome", "approved"}});
  }

  json report(const json& request) { return json::parse(engine_->report(request.dump())); }
  json verify() { return json::parse(engine_->verify()); }

 private:
  std::unique_ptr<Engine> engine_;
};

}  // namespace permitflow::testing
