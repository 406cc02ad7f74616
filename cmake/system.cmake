# Systems described in projects/<name>/system.toml: the compose tool checks
# the description when CMake configures (a broken one stops the build with
# file:line errors) and writes the boot plan; the boot modules are the root
# server, the plan and each component's ELF in plan order.
#   novum_system(NAME TOML OUT_VAR)  -> OUT_VAR: list of "path cmdline" modules
function(novum_system name toml out_var)
    set(out ${CMAKE_BINARY_DIR}/systems/${name})
    execute_process(
        COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tools/compose/compose.py
                --source-dir ${CMAKE_SOURCE_DIR} --max-cpus ${NOVUM_MAX_CPUS} --out-dir ${out} ${toml}
        RESULT_VARIABLE failed ERROR_VARIABLE errors)
    if(failed)
        message(FATAL_ERROR "system '${name}' is not valid:\n${errors}")
    endif()
    set_property(DIRECTORY ${CMAKE_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${toml})
    file(STRINGS ${out}/components.txt lines)
    set(modules "$<TARGET_FILE:rootserver> rootserver" "${out}/boot_plan.bin plan")
    foreach(line ${lines})
        string(REPLACE " " ";" fields "${line}")
        list(GET fields 0 component)
        list(GET fields 1 program)
        list(APPEND modules "$<TARGET_FILE:${program}> ${component}")
    endforeach()
    set(${out_var} "${modules}" PARENT_SCOPE)
endfunction()

# The modules a project boots: its system's, or its root task alone.
function(novum_project_modules project_dir out_var)
    set(NOVUM_SYSTEM "")
    set(NOVUM_ROOT_TASK "")
    include(${project_dir}/project.cmake)
    get_filename_component(name ${project_dir} NAME)
    if(NOVUM_SYSTEM)
        novum_system(${name} ${NOVUM_SYSTEM} modules)
    else()
        set(modules "$<TARGET_FILE:${NOVUM_ROOT_TASK}>")
    endif()
    set(${out_var} "${modules}" PARENT_SCOPE)
endfunction()
