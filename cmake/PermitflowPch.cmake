# Precompiled headers (PERMITFLOW_PCH): most of the compile time of a core or test source is spent parsing the
# same standard and third-party headers again (about 6 of the 10 s of a test source under ASan: gtest,
# nlohmann/json, <filesystem>, <random>...). The core, the test binary, permitctl and the portal each parse them
# once into a PCH that their sources load (permitflow_target_pch). Only headers that change with the toolchain go in: our own headers change too often, and a change to
# one would recompile every source of the target. PRIVATE: nothing reaches a consumer of the library.
# Figures and how to turn it off: README.md, "The two commands".
function(permitflow_target_pch target)
  if(PERMITFLOW_PCH)
    target_precompile_headers(${target} PRIVATE ${ARGN})
    if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
      # Without the header timestamps in the PCH, ccache can cache the compiles that load it.
      target_compile_options(${target} PRIVATE "SHELL:-Xclang -fno-pch-timestamp")
    endif()
  endif()
endfunction()

# What most sources include, in both the core and the tests.
set(PERMITFLOW_PCH_STD <algorithm> <array> <chrono> <cstdint> <filesystem> <functional> <map> <memory> <mutex>
    <optional> <set> <span> <sstream> <string> <string_view> <unordered_map> <utility> <variant> <vector>)
