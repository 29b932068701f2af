// Data files compiled into the library (data/calendars, data/definitions).
#pragma once

#include <span>
#include <string_view>

namespace permitflow::detail {

struct EmbeddedFile {
  std::string_view name;     // path below data/, e.g. "definitions/road_excavation.json"
  std::string_view content;  // the file's bytes
};

/// Every embedded file, sorted by name.
std::span<const EmbeddedFile> embedded_files();

}  // namespace permitflow::detail
