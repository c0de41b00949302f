# Runs CMD (a ;-list) and passes only if it exits non-zero AND its stderr matches REGEX and is
# one line: the error contract (one line: what, why, what to do; non-zero exit).
# Usage: cmake -DCMD="a;b;c" -DREGEX="..." -P expect_error.cmake
execute_process(COMMAND ${CMD} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(rc EQUAL 0)
  message(FATAL_ERROR "expected a non-zero exit, got 0; stdout: ${out}")
endif()
if(NOT err MATCHES "${REGEX}")
  message(FATAL_ERROR "stderr does not match '${REGEX}': ${err}")
endif()
string(STRIP "${err}" stripped)
string(FIND "${stripped}" "\n" newline)
if(NOT newline EQUAL -1)
  message(FATAL_ERROR "error message is not one line: ${err}")
endif()
message(STATUS "exit ${rc}, stderr: ${stripped}")
