// Whether two JSON trees are one value of the same types. nlohmann's == calls 1 (unsigned), 1 (signed) and
// 1.0 equal; the reader of the common form (lib/common/json_input) must give exactly nlohmann's types.
#pragma once

#include <bit>
#include <cstdint>
#include <nlohmann/json.hpp>

namespace permitflow::testing {

inline bool same_json(const nlohmann::json& a, const nlohmann::json& b) {
  using value_t = nlohmann::json::value_t;
  if (a.type() != b.type() || a.size() != b.size()) return false;
  switch (a.type()) {
    case value_t::object:
      for (auto i = a.begin(), j = b.begin(); i != a.end(); ++i, ++j) {
        if (i.key() != j.key() || !same_json(*i, *j)) return false;
      }
      return true;
    case value_t::array:
      for (std::size_t k = 0; k < a.size(); ++k) {
        if (!same_json(a[k], b[k])) return false;
      }
      return true;
    case value_t::number_float:  // bit for bit: -0.0 is not 0.0
      return std::bit_cast<std::uint64_t>(a.get<double>()) == std::bit_cast<std::uint64_t>(b.get<double>());
    default:
      return a == b;
  }
}

}  // namespace permitflow::testing
