// The actors, facts and applications of the external conformance checks, without gtest: shared by the gtest
// fixture (engine_fixture.hpp), the C API fixture (c/c_api_support.hpp), the crash and concurrency harnesses
// (tests/stress/) and the benchmarks (bench/).
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

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

/// The facts the conformance checks use.
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

/// An application by `applicant` (kApplicant unless given) with the conformance facts unless given.
inline json application(const std::string& permit, const std::string& when, json materials = json::array(),
                        json facts = nullptr, const json& applicant = kApplicant) {
  return {{"permit", permit},
          {"applicant", {{"id", applicant["id"]}, {"name", "示例工程有限公司"}}},
          {"actor", applicant},
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

/// The materials that make an application complete, found through `precheck` (application JSON → the
/// precheck notice), as the conformance checks and a host do: over the C++ API below, over the C API in
/// c_api_support.hpp. Throws std::runtime_error when precheck never says complete.
template <class Precheck>
json complete_materials_with(Precheck&& precheck, const std::string& permit, const std::string& when,
                             const std::string& expires_on = "2030-12-31",
                             const json& applicant = kApplicant) {
  json mats = json::array();
  for (int round = 0; round < 4; ++round) {
    const json n = precheck(application(permit, when, mats, nullptr, applicant));
    bool added = false;
    for (const auto& i : n["items"]) {
      const std::string m = i["material"];
      if (m.rfind("fact:", 0) == 0) continue;
      bool have = false;
      for (const auto& x : mats) have = have || x["id"] == m;
      if (!have) {
        mats.push_back({{"id", m}, {"format", "pdf"}, {"expires_on", expires_on}});
        added = true;
      }
    }
    if (n["complete"].get<bool>() && !added) return mats;
  }
  throw std::runtime_error("precheck never became complete for " + permit);
}

/// complete_materials_with over the C++ API (a permitflow::Engine). A template, so that this header needs no
/// C++ API header: the C API tests (c_api_support.hpp) include it with only the C header in reach.
template <class EngineT>
json complete_materials(const EngineT& engine, const std::string& permit, const std::string& when,
                        const std::string& expires_on = "2030-12-31", const json& applicant = kApplicant) {
  return complete_materials_with([&](const json& app) { return json::parse(engine.precheck(app.dump())); },
                                 permit, when, expires_on, applicant);
}

}  // namespace permitflow::testing
