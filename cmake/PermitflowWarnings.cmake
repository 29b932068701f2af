# Warnings and sanitizers apply to our own targets only, never to consumers' flags.
function(permitflow_target_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Werror)
endfunction()

function(permitflow_target_sanitize target)
  if(PERMITFLOW_SANITIZE)
    target_compile_options(${target} PUBLIC -fsanitize=${PERMITFLOW_SANITIZE} -fno-omit-frame-pointer
                                            -fno-sanitize-recover=all)
    target_link_options(${target} PUBLIC -fsanitize=${PERMITFLOW_SANITIZE})
  endif()
endfunction()
