// What every fuzz target shares: a refusal is a permitflow::Error (the contract,
// include/permitflow/error.hpp); any other exception escaping a parser is a bug, and aborting makes libFuzzer
// keep the input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string_view>

#include "permitflow/error.hpp"

namespace permitflow::fuzz {

inline std::string_view text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// Runs `f`; a permitflow::Error other than internal is an answer, anything else aborts.
template <class F>
bool refused_or_ok(F&& f) {
  try {
    f();
    return true;
  } catch (const Error& e) {
    if (e.code() == ErrorCode::internal) {
      std::fprintf(stderr, "internal error: %s\n", e.what());
      std::abort();
    }
    return false;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "not a permitflow::Error: %s\n", e.what());
    std::abort();
  }
}

}  // namespace permitflow::fuzz
