# `clang-tidy` runs the checked-in .clang-tidy over the project's own sources (core, ui, app,
# sandbox) with this build's compile_commands.json and fails when it reports anything. It is not
# part of `all`: a full run takes tens of minutes on two cores.
#
# This file has two roles: included from the top CMakeLists.txt it defines the target; run with
# `cmake -P` (by that target) it runs run-clang-tidy, echoes its output, and fails on findings.

# Directories whose sources are checked; generated files (moc, autogen, qrc) live in the build
# tree, so anchoring at the source directory leaves them out.
set(_thingdeck_tidy_dirs "core|ui|app|sandbox")

if(CMAKE_SCRIPT_MODE_FILE)
    # Script mode. Inputs: RUN_CLANG_TIDY, CLANG_TIDY, SOURCE_DIR, BUILD_DIR, JOBS.
    string(REGEX REPLACE "([][+.*()^$?|\\\\])" "\\\\\\1" _root "${SOURCE_DIR}")
    set(_jobs)
    if(JOBS GREATER 0)
        set(_jobs -j ${JOBS})
    endif()
    execute_process(
        COMMAND ${RUN_CLANG_TIDY} -clang-tidy-binary ${CLANG_TIDY} -p ${BUILD_DIR} ${_jobs} -quiet
                "-header-filter=^${_root}/(${_thingdeck_tidy_dirs})/"
                "^${_root}/(${_thingdeck_tidy_dirs})/.*\\.cpp$"
        RESULT_VARIABLE _rc
        OUTPUT_VARIABLE _out
        ECHO_OUTPUT_VARIABLE)
    # run-clang-tidy 14 always asks for colour; the escapes go before parsing. A header's finding
    # repeats once per file that includes it: count each one once.
    string(ASCII 27 _esc)
    string(REGEX REPLACE "${_esc}\\[[0-9;]*m" "" _out "${_out}")
    string(REPLACE ";" "," _out "${_out}")
    string(REGEX MATCHALL "[^\n]*: (warning|error): [^\n]*" _findings "${_out}")
    list(REMOVE_DUPLICATES _findings)
    list(LENGTH _findings _count)
    if(_count GREATER 0)
        set(_checks)
        foreach(_line IN LISTS _findings)
            if(_line MATCHES "\\[([^] ]+)\\]$")
                list(APPEND _checks "${CMAKE_MATCH_1}")
            endif()
        endforeach()
        set(_summary)
        set(_unique ${_checks})
        list(REMOVE_DUPLICATES _unique)
        foreach(_check IN LISTS _unique)
            set(_n 0)
            foreach(_c IN LISTS _checks)
                if(_c STREQUAL _check)
                    math(EXPR _n "${_n} + 1")
                endif()
            endforeach()
            string(APPEND _summary "  ${_n} ${_check}\n")
        endforeach()
        message(FATAL_ERROR "clang-tidy: ${_count} findings\n${_summary}")
    elseif(NOT _rc EQUAL 0)
        message(FATAL_ERROR "clang-tidy: run-clang-tidy failed (${_rc})")
    endif()
    message(STATUS "clang-tidy: no findings")
    return()
endif()

find_program(CLANG_TIDY_EXECUTABLE NAMES clang-tidy clang-tidy-14)
find_program(RUN_CLANG_TIDY_EXECUTABLE NAMES run-clang-tidy run-clang-tidy-14 run-clang-tidy.py)
set(THINGDECK_CLANG_TIDY_JOBS 0 CACHE STRING "clang-tidy processes at once (0: one per core)")

# The sources include moc and rcc output, so the autogen steps run first (not the compile).
function(_thingdeck_tidy_autogen_targets dir out)
    get_property(_targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
    get_property(_subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
    set(_deps)
    foreach(_t IN LISTS _targets)
        # <target>_autogen is created at generate time, so ask for AUTOMOC, not for the target.
        get_target_property(_type ${_t} TYPE)
        if(NOT _type MATCHES "^(INTERFACE_LIBRARY|UTILITY)$")
            get_target_property(_automoc ${_t} AUTOMOC)
            if(_automoc)
                list(APPEND _deps ${_t}_autogen)
            endif()
        endif()
    endforeach()
    foreach(_sub IN LISTS _subdirs)
        _thingdeck_tidy_autogen_targets(${_sub} _sub_deps)
        list(APPEND _deps ${_sub_deps})
    endforeach()
    set(${out} ${_deps} PARENT_SCOPE)
endfunction()

if(CLANG_TIDY_EXECUTABLE AND RUN_CLANG_TIDY_EXECUTABLE)
    add_custom_target(clang-tidy
        COMMAND ${CMAKE_COMMAND} -DRUN_CLANG_TIDY=${RUN_CLANG_TIDY_EXECUTABLE}
                -DCLANG_TIDY=${CLANG_TIDY_EXECUTABLE} -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
                -DBUILD_DIR=${PROJECT_BINARY_DIR} -DJOBS=${THINGDECK_CLANG_TIDY_JOBS}
                -P ${CMAKE_CURRENT_LIST_FILE}
        WORKING_DIRECTORY ${PROJECT_BINARY_DIR}
        USES_TERMINAL
        VERBATIM
        COMMENT "clang-tidy: checking core, ui, app and sandbox")
    set(_thingdeck_tidy_deps)
    foreach(_dir core ui app sandbox)
        if(EXISTS ${PROJECT_SOURCE_DIR}/${_dir}/CMakeLists.txt)
            get_property(_known DIRECTORY ${PROJECT_SOURCE_DIR} PROPERTY SUBDIRECTORIES)
            if(${PROJECT_SOURCE_DIR}/${_dir} IN_LIST _known)
                _thingdeck_tidy_autogen_targets(${PROJECT_SOURCE_DIR}/${_dir} _deps)
                list(APPEND _thingdeck_tidy_deps ${_deps})
            endif()
        endif()
    endforeach()
    if(_thingdeck_tidy_deps)
        add_dependencies(clang-tidy ${_thingdeck_tidy_deps})
    endif()
endif()
