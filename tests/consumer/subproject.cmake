# Configures, builds and runs tests/consumer/add_subdirectory: permitflow as a subproject of a host, built
# without PostgreSQL. The library is compiled again in WORK_DIR (unoptimised, no debug info, to stay short).
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR}/data)
include(${CMAKE_CURRENT_LIST_DIR}/run_step.cmake)
set(launcher "")
find_program(CCACHE ccache)
if(CCACHE)
  set(launcher -DCMAKE_CXX_COMPILER_LAUNCHER=${CCACHE} -DCMAKE_C_COMPILER_LAUNCHER=${CCACHE})
endif()
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/consumer/add_subdirectory -B ${WORK_DIR}/build -G Ninja
    -DPERMITFLOW_SOURCE_DIR=${SOURCE_DIR} -DCMAKE_BUILD_TYPE= -DCMAKE_CXX_COMPILER=${CXX} ${launcher})
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build -j 2)
run(${WORK_DIR}/build/consumer ${WORK_DIR}/data)
