# The layers of docs/architecture.md, held by the build in two ways:
#  - each layer's headers are reachable as "<layer>/x.h" only through an include root of its own
#    (a folder in the build tree holding one link to the layer's sources), which a target gets
#    from what it links: a target that includes a layer it does not link fails to compile;
#  - before anything compiles, cmake/checklayers.cmake reads the table of allowed includes from
#    docs/architecture.md and fails the build on any #include it does not allow (that also
#    catches what the links cannot: a layer reached through another's PUBLIC dependencies, and
#    systems where no link can be made).

# crm_layer(target layer): the target's sources are `layer`'s; it and everything linking it see
# that layer's include root.
function(crm_layer target layer)
    set(root ${PROJECT_BINARY_DIR}/layers/${layer})
    set(pointsTo "")
    if(IS_SYMLINK ${root}/${layer})
        file(READ_SYMLINK ${root}/${layer} pointsTo)
    endif()
    # A build folder reused for another checkout must not compile that checkout's headers.
    if(NOT pointsTo STREQUAL "${PROJECT_SOURCE_DIR}/${layer}")
        file(REMOVE ${root}/${layer})
        file(MAKE_DIRECTORY ${root})
        file(CREATE_LINK ${PROJECT_SOURCE_DIR}/${layer} ${root}/${layer} SYMBOLIC RESULT failed)
        if(failed)
            # Windows without the right to make links: the source tree itself; the include check
            # below still holds the rules.
            message(STATUS "No include root for ${layer} (${failed}); the include check holds the rules")
            set(root ${PROJECT_SOURCE_DIR})
        endif()
    endif()
    target_include_directories(${target} PUBLIC ${root})
    add_dependencies(${target} crm_layer_check)
endfunction()

set(CRM_LAYER_DIRS protocol crdt common realtime core models ui app server)
set(crm_layer_sources)
foreach(dir ${CRM_LAYER_DIRS})
    file(GLOB_RECURSE found CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/${dir}/*.h
         ${PROJECT_SOURCE_DIR}/${dir}/*.cpp)
    list(APPEND crm_layer_sources ${found})
endforeach()
set(CRM_LAYER_CHECK_COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
    "-DLAYERS=${CRM_LAYER_DIRS}" -P ${PROJECT_SOURCE_DIR}/cmake/checklayers.cmake)
add_custom_command(OUTPUT ${PROJECT_BINARY_DIR}/layers/checked.stamp
    COMMAND ${CRM_LAYER_CHECK_COMMAND}
    COMMAND ${CMAKE_COMMAND} -E touch ${PROJECT_BINARY_DIR}/layers/checked.stamp
    DEPENDS ${crm_layer_sources} ${PROJECT_SOURCE_DIR}/docs/architecture.md
            ${PROJECT_SOURCE_DIR}/cmake/checklayers.cmake
    COMMENT "Checking every #include against the layers of docs/architecture.md")
add_custom_target(crm_layer_check DEPENDS ${PROJECT_BINARY_DIR}/layers/checked.stamp)
