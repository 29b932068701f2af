// The demo cast file (demo_cast.json) compiled into the demo library by cmake/embed_data.cmake.
#pragma once

#include <span>
#include <string_view>

namespace permitflow::demo::cast_file {

struct EmbeddedFile {
  std::string_view name;     // path below the source tree's root
  std::string_view content;  // the file's bytes
};

std::span<const EmbeddedFile> embedded_files();

}  // namespace permitflow::demo::cast_file
