# Installs the build tree into a temporary prefix, then builds and runs a consumer with find_package and
# another with pkg-config. Fails on any error.
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
include(${CMAKE_CURRENT_LIST_DIR}/run_step.cmake)
run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
# No sanitizer flag reaches a consumer of the installed package, even from a sanitized build. (The build-tree
# export() is for consumers of this very build: a sanitized build passes its sanitizer on, since a program
# linking the sanitized library needs its runtime.)
file(READ ${prefix}/lib/cmake/permitflow/permitflowTargets.cmake content)
if(content MATCHES "fsanitize")
  message(FATAL_ERROR "the installed permitflowTargets.cmake passes a sanitizer flag to consumers")
endif()
# The build tree is a package too (export()): the same consumer finds it without installing.
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/consumer/find_package -B ${WORK_DIR}/bt -G Ninja
    -Dpermitflow_DIR=${BUILD_DIR})
run(${CMAKE_COMMAND} --build ${WORK_DIR}/bt)
run(${WORK_DIR}/bt/consumer)
# The installed targets carry no sanitizer flag, so a consumer of a sanitized build asks for the runtime itself,
# as a program linking a sanitized library must.
set(consumer_flags)
if(SANITIZE)
  set(consumer_flags -DCMAKE_CXX_FLAGS=-fsanitize=${SANITIZE} -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=${SANITIZE})
endif()
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/consumer/find_package -B ${WORK_DIR}/fp -G Ninja
    -DCMAKE_PREFIX_PATH=${prefix} ${consumer_flags})
run(${CMAKE_COMMAND} --build ${WORK_DIR}/fp)
run(${CMAKE_COMMAND} -E env LD_LIBRARY_PATH=${prefix}/lib ${WORK_DIR}/fp/consumer)
# pkg-config: compile the same source by hand.
set(ENV{PKG_CONFIG_PATH} ${prefix}/lib/pkgconfig)
execute_process(COMMAND pkg-config --cflags --libs permitflow
                RESULT_VARIABLE rc OUTPUT_VARIABLE flags OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pkg-config does not know permitflow")
endif()
separate_arguments(flag_list UNIX_COMMAND "${flags}")
if(SANITIZE)  # a sanitized library needs its runtime in the consumer too
  list(APPEND flag_list -fsanitize=${SANITIZE})
endif()
run(c++ ${SOURCE_DIR}/tests/consumer/find_package/main.cpp ${flag_list} -o ${WORK_DIR}/pc-consumer)
run(${CMAKE_COMMAND} -E env LD_LIBRARY_PATH=${prefix}/lib ${WORK_DIR}/pc-consumer)
