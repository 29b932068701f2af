# Installs the build tree into a temporary prefix, then builds and runs a C program with
# `pkg-config --cflags --libs permitflow-c`. Run by ctest:
#   cmake -DBUILD_DIR=… -DSOURCE=…/install_consumer.c -DWORK_DIR=… -DCC=… [-DSANITIZE=…] -P install_consumer.cmake
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
include(${CMAKE_CURRENT_LIST_DIR}/../consumer/run_step.cmake)
run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
set(ENV{PKG_CONFIG_PATH} ${prefix}/lib/pkgconfig)
execute_process(COMMAND pkg-config --cflags --libs permitflow-c
                RESULT_VARIABLE rc OUTPUT_VARIABLE flags OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pkg-config does not know permitflow-c")
endif()
separate_arguments(flag_list UNIX_COMMAND "${flags}")
if(SANITIZE)  # a sanitized library needs its runtime in the consumer too
  list(APPEND flag_list -fsanitize=${SANITIZE})
endif()
run(${CC} -std=c99 -Wall -Wextra -pedantic -Werror ${SOURCE} ${flag_list} -o ${WORK_DIR}/c-consumer)
run(${CMAKE_COMMAND} -E env LD_LIBRARY_PATH=${prefix}/lib ${WORK_DIR}/c-consumer)
