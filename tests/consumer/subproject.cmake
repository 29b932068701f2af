# Configures, builds and runs tests/consumer/add_subdirectory: permitflow as a subproject of a host, built
# without PostgreSQL. The library is compiled again in WORK_DIR, unoptimised, without debug info and as a unity
# build (sources compiled 16 to a file, as hosts often build vendored code): about 40 s of the two cores instead
# of 130 s, and proof that the sources build that way (no two of them define the same internal name). gcc sees
# each source of a unity file as a header, so its subobject-linkage warning does not apply there.
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR}/data)
include(${CMAKE_CURRENT_LIST_DIR}/run_step.cmake)
set(launcher "")
find_program(CCACHE ccache)
if(CCACHE)
  set(launcher -DCMAKE_CXX_COMPILER_LAUNCHER=${CCACHE} -DCMAKE_C_COMPILER_LAUNCHER=${CCACHE})
endif()
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/consumer/add_subdirectory -B ${WORK_DIR}/build -G Ninja
    -DPERMITFLOW_SOURCE_DIR=${SOURCE_DIR} -DCMAKE_BUILD_TYPE= -DCMAKE_CXX_COMPILER=${CXX} ${launcher}
    -DCMAKE_UNITY_BUILD=ON -DCMAKE_UNITY_BUILD_BATCH_SIZE=16 -DCMAKE_CXX_FLAGS=-Wno-subobject-linkage)
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build -j 2)
run(${WORK_DIR}/build/consumer ${WORK_DIR}/data)
