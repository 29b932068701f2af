// What the benchmarks share: the road-excavation case of the performance issue (submit with one material →
// correction notice → resubmit → accept → two department opinions → inspection → decide → issue), as the JSON
// a host would send, and small measuring helpers.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "permitflow/engine.hpp"

namespace permitflow::bench {

using nlohmann::json;

inline const json kClerk = {{"id", "clerk-1"}, {"role", "clerk"}};
inline const json kHead = {{"id", "head-1"}, {"role", "head"}};
inline const json kApplicant = {{"id", "91320922MA1BENCH1X"}, {"role", "applicant"}};
inline json reviewer(const std::string& dept) {
  return {{"id", "rev-" + dept}, {"role", "reviewer"}, {"department", dept}};
}
inline std::string at(const std::string& day, const std::string& hm) { return day + "T" + hm + ":00+08:00"; }

inline json road_facts() {
  return {{"road_opened_on", "2012-05-01"},
          {"road_overhauled_on", nullptr},
          {"planned_start", "2027-04-01"},
          {"planned_end", "2027-04-10"},
          {"on_carriageway", true},
          {"emergency", false},
          {"protection_exception_approved", false}};
}

inline json application(const json& materials) {
  return {
      {"permit", "road_excavation"}, {"applicant", {{"id", kApplicant["id"]}, {"name", "示例工程有限公司"}}},
      {"actor", kApplicant},         {"at", at("2026-06-01", "10:00")},
      {"facts", road_facts()},       {"materials", materials}};
}

/// Every material a complete road-excavation application carries, found through precheck (as a host would).
inline json complete_materials(const Engine& engine) {
  json mats = json::array();
  for (int round = 0; round < 4; ++round) {
    const json notice = json::parse(engine.precheck(application(mats).dump()));
    bool added = false;
    for (const auto& item : notice["items"]) {
      const std::string m = item["material"];
      if (m.rfind("fact:", 0) == 0) continue;
      if (std::none_of(mats.begin(), mats.end(), [&](const json& x) { return x["id"] == m; })) {
        mats.push_back({{"id", m}, {"format", "pdf"}, {"expires_on", "2030-12-31"}});
        added = true;
      }
    }
    if (!added) break;
  }
  return mats;
}

/// The full case: the incomplete application and the eight commands after it.
struct Lifecycle {
  std::string application;
  std::vector<std::string> commands;
};

inline Lifecycle road_excavation_lifecycle(const json& materials) {
  auto cmd = [](const std::string& type, const json& actor, const std::string& when,
                json extra = json::object()) {
    json c = {{"type", type}, {"actor", actor}, {"at", when}};
    for (auto& [k, v] : extra.items()) c[k] = v;
    return c.dump();
  };
  json rest = json::array();
  for (std::size_t i = 1; i < materials.size(); ++i) rest.push_back(materials[i]);
  Lifecycle l;
  l.application = application(json::array({materials[0]})).dump();
  l.commands = {
      cmd("request_correction", kClerk, at("2026-06-02", "10:00")),
      cmd("resubmit", kApplicant, at("2026-06-03", "10:00"), {{"materials", rest}}),
      cmd("accept", kClerk, at("2026-06-03", "15:00")),
      cmd("record_opinion", reviewer("municipal_roads"), at("2026-06-04", "12:00"),
          {{"department", "municipal_roads"}, {"opinion", "approve"}}),
      cmd("record_opinion", reviewer("traffic_police"), at("2026-06-04", "12:00"),
          {{"department", "traffic_police"}, {"opinion", "approve"}}),
      cmd("record_inspection", kClerk, at("2026-06-05", "15:00"),
          {{"inspectors", {"insp-1", "insp-2"}}, {"findings", "现场核查符合"}}),
      cmd("decide", kHead, at("2026-06-05", "16:00"), {{"outcome", "approved"}}),
      cmd("issue_certificate", kClerk, at("2026-06-08", "10:00")),
  };
  return l;
}

using Clock = std::chrono::steady_clock;
inline double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

/// Nearest-rank percentile of `v` (sorted in place), p in (0, 100].
inline double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  std::size_t rank = static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size()) + 0.999999);
  rank = std::clamp<std::size_t>(rank, 1, v.size());
  return v[rank - 1];
}

/// Peak resident set of this process so far, in MiB (VmHWM).
inline double peak_rss_mib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

}  // namespace permitflow::bench
