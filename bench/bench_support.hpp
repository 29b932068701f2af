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
#include "support/demo_applications.hpp"

namespace permitflow::bench {

using nlohmann::json;

// The actors, facts and precheck loop are the conformance suite's (tests/support/demo_applications.hpp);
// only the applicant is the benchmark's own.
using testing::at;
using testing::kClerk;
using testing::kHead;
using testing::reviewer;
inline const json kApplicant = {{"id", "91320922MA1BENCH1X"}, {"role", "applicant"}};

inline json road_facts() { return testing::facts_of("road_excavation"); }

inline json application(const json& materials) {
  return testing::application("road_excavation", at("2026-06-01", "10:00"), materials, nullptr, kApplicant);
}

/// Every material a complete road-excavation application carries, found through precheck (as a host would).
inline json complete_materials(const Engine& engine) {
  return testing::complete_materials(engine, "road_excavation", at("2026-06-01", "10:00"), "2030-12-31",
                                     kApplicant);
}

/// The full case: the incomplete application and the eight commands after it.
struct Lifecycle {
  std::string application;
  std::vector<std::string> commands;
};

inline Lifecycle road_excavation_lifecycle(const json& materials) {
  auto cmd = [](const std::string& type, const json& actor, const std::string& when,
                json extra = json::object()) {
    return testing::command(type, actor, when, std::move(extra)).dump();
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
