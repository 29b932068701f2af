# Warnings and sanitizers apply to our own targets only, never to consumers' flags.
function(permitflow_target_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Werror)
  # g++ 12 at -O2 reports -Warray-bounds and -Wstringop-overflow inside nlohmann-json's and libstdc++'s own
  # templates (GCC bugs 105329, 106199): false positives in code we did not write, so those two stay warnings.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 12)
    target_compile_options(${target} PRIVATE -Wno-error=array-bounds -Wno-array-bounds -Wno-error=stringop-overflow
                                             -Wno-stringop-overflow -Wno-error=restrict)
  endif()
endfunction()

function(permitflow_target_sanitize target)
  if(PERMITFLOW_SANITIZE)
    # BUILD_INTERFACE: our own targets that link a sanitized library get its runtime; the exported and
    # installed targets carry no sanitizer flag to a consumer.
    target_compile_options(${target} PUBLIC $<BUILD_INTERFACE:-fsanitize=${PERMITFLOW_SANITIZE}>
                                            $<BUILD_INTERFACE:-fno-omit-frame-pointer>
                                            $<BUILD_INTERFACE:-fno-sanitize-recover=all>)
    target_link_options(${target} PUBLIC $<BUILD_INTERFACE:-fsanitize=${PERMITFLOW_SANITIZE}>)
    # An UBSan build carries a record per check (about 170 MB for the layer tests at -O0), and a position-
    # independent executable relocates and dirties every page of it at each start: 1.1 s per process, paid
    # by each of the hundreds of tests ctest starts. Linked at a fixed address, the records are resolved at
    # link time and paged in only when read: 0.5 s. (TSan is left as it is: it wants position independence.)
    get_target_property(type ${target} TYPE)
    if(type STREQUAL "EXECUTABLE" AND PERMITFLOW_SANITIZE MATCHES "undefined")
      target_link_options(${target} PRIVATE -no-pie)
    endif()
  endif()
  if(PERMITFLOW_FUZZ)
    # Coverage feedback for libFuzzer from our own code; the fuzz targets add -fsanitize=fuzzer themselves.
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link)
  endif()
endfunction()
