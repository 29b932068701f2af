// Snapshots of a case (Boost.Serialization text archives, versioned classes). A snapshot is a cache: the
// event log is the truth, and a snapshot that fails to load is dropped and the case rebuilt from its log.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "case/case.hpp"

namespace permitflow {

std::string save_snapshot(const Case& c);
/// nullopt when the archive is corrupt, from a newer version, or otherwise unreadable.
std::optional<Case> load_snapshot(std::string_view archive);

}  // namespace permitflow
