// The portal's UI and demo configuration, compiled in by cmake/embed_data.cmake.
#pragma once

#include <span>
#include <string_view>

namespace portal::assets {

struct EmbeddedFile {
  std::string_view name;     // path below the source tree, e.g. "examples/portal/assets/app.js"
  std::string_view content;  // the file's bytes
};

std::span<const EmbeddedFile> embedded_files();

}  // namespace portal::assets
