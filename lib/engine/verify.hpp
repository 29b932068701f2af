// Engine::verify with the sizes of the pages it reads as a parameter: Engine::verify takes the defaults, and
// tests make them small so that a small database spans many pages.
#pragma once

#include <string>
#include <string_view>

#include "engine/engine_impl.hpp"

namespace permitflow {

/// How much verify reads at once; what it holds does not otherwise grow with the database.
struct VerifyPages {
  int cases = 64;    // case ids read together, and their cases checked by one worker
  int ledger = 256;  // ledger entries read together, with the events filed under them
  int feed = 4096;   // feed records read together
  int readers = 0;   // read transactions on one snapshot, each with its thread; 0: one per core, 2 to 4
};

/// The report of Engine::verify (docs/operations.md). Throws Error(invalid_argument) for bad options, a page
/// size under 1 or a negative number of readers.
std::string verify_database(const Engine::Impl& m, std::string_view options_json, const VerifyPages& pages);

}  // namespace permitflow
