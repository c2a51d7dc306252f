# Writes buildinfo.cpp at every build (run by the crm_buildinfo target), touching it only when
# the revision changed, so About and --version name the commit the binary was really built from.
#   -DSOURCE_DIR= -DOUTPUT= -DVERSION= -DAPP_ID=
set(CRM_REVISION "")
find_package(Git QUIET)
if(GIT_FOUND AND EXISTS "${SOURCE_DIR}/.git")
    execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${SOURCE_DIR}" describe --always --dirty
                            --match "v[0-9]*"
                    OUTPUT_VARIABLE CRM_REVISION OUTPUT_STRIP_TRAILING_WHITESPACE
                    ERROR_QUIET)
endif()
if(CRM_REVISION STREQUAL "")
    set(CRM_REVISION "unknown")
endif()
set(CRM_VERSION "${VERSION}")
set(CRM_APP_ID "${APP_ID}")
configure_file("${CMAKE_CURRENT_LIST_DIR}/buildinfo.cpp.in" "${OUTPUT}" @ONLY)
