# run(<command> <args>...): runs one step of a consumer test and stops the test, showing its output, when the
# step fails. Shared by the consumer tests (run.cmake, subproject.cmake, tests/c/install_consumer.cmake).
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  message(STATUS "${out}")
endfunction()
