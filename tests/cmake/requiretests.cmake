# Fails when a Catch2 binary lists no test cases: a binary that cannot start (no display, a
# missing library) or whose tests were all compiled out must not pass silently.
# (Catch2 2.x exits with the number of tests listed, so the exit code says nothing here.)
execute_process(COMMAND ${TEST_BINARY} --list-test-names-only
                OUTPUT_VARIABLE names RESULT_VARIABLE rc ERROR_VARIABLE err)
string(STRIP "${names}" names)
if(names STREQUAL "")
    message(FATAL_ERROR "${TEST_BINARY} lists no tests (exit ${rc}): ${err}")
endif()
string(REGEX MATCHALL "\n" lines "${names}")
list(LENGTH lines count)
math(EXPR count "${count} + 1")
message(STATUS "${TEST_BINARY}: ${count} tests")
