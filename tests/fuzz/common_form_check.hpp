// The fuzz targets that read documents also compare the reader of the common form with nlohmann's parser:
// wherever the common form answers, nlohmann must accept the text and give the same tree (same types).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "common/json_input.hpp"
#include "support/same_json.hpp"

namespace permitflow::fuzz {

inline void common_form_agrees(std::string_view text) {
  const auto fast = input::parse_common_form(text);
  if (!fast) return;
  nlohmann::json slow;
  try {
    slow = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    std::fprintf(stderr, "the common form read a text nlohmann refuses: %s\n", e.what());
    std::abort();
  }
  if (!testing::same_json(*fast, slow)) {
    std::fprintf(stderr, "the common form read %s where nlohmann reads %s\n", fast->dump().c_str(),
                 slow.dump().c_str());
    std::abort();
  }
}

}  // namespace permitflow::fuzz
