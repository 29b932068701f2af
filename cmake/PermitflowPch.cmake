# Precompiled headers (PERMITFLOW_PCH, OFF): the core, the test binary, permitctl and the portal each parse the
# standard and third-party headers most of their sources include (gtest, nlohmann/json, CLI11, <filesystem>...)
# once into a PCH that their sources load. OFF by default: in the ASan build the sources spend their time in
# code generation more than in those headers, loading a PCH of about 100 MB costs about 0.6 s even where it saves
# nothing, and the measured whole build gained 1.5% of its CPU time (README.md, "The two commands"). Only
# headers that change with the toolchain go in: a change to one of ours would recompile every source of the
# target. PRIVATE: nothing reaches a consumer of the library.
function(permitflow_target_pch target)
  if(PERMITFLOW_PCH)
    target_precompile_headers(${target} PRIVATE ${ARGN})
    if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
      # Without the header timestamps in the PCH, ccache can cache the compiles that load it.
      target_compile_options(${target} PRIVATE "SHELL:-Xclang -fno-pch-timestamp")
    endif()
  endif()
endfunction()

# What most sources of those four targets include.
set(PERMITFLOW_PCH_STD <algorithm> <array> <chrono> <cstdint> <filesystem> <functional> <map> <memory> <mutex>
    <optional> <set> <span> <sstream> <string> <string_view> <unordered_map> <utility> <variant> <vector>)
