// Test support: looking for a problem in a verify report (docs/operations.md).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace permitflow::testing {

/// True when the report has a problem of `case_id` (null: of no case), at `seq` when given, whose text
/// contains `words`.
inline bool has_problem(const nlohmann::json& v, const nlohmann::json& case_id,
                        std::optional<std::int64_t> seq, const std::string& words) {
  for (const auto& p : v["problems"]) {
    if (p["case"] != case_id) continue;
    if (seq && (!p.contains("seq") || p["seq"] != *seq)) continue;
    if (p["problem"].get<std::string>().find(words) != std::string::npos) return true;
  }
  return false;
}

}  // namespace permitflow::testing
