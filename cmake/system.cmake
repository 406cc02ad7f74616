# Systems described in projects/<name>/system.toml: the compose tool checks
# the description when CMake configures (a broken one stops the build with
# file:line errors) and writes the boot plan; the boot modules are the root
# server, the plan, each component's ELF in plan order, then each VM's
# kernel and initrd (modules.txt: a file, or a guest artefact that
# cmake/guest.cmake builds).
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
    file(STRINGS ${out}/modules.txt lines)
    foreach(line ${lines})
        string(REPLACE " " ";" fields "${line}")
        list(GET fields 1 kind)
        list(GET fields 2 component)
        list(GET fields 3 source)
        if(source MATCHES "^@(.*)$")
            novum_guest_artefact(${CMAKE_MATCH_1} source)
        else()
            set_property(DIRECTORY ${CMAKE_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${source})
        endif()
        list(APPEND modules "${source} ${component}-${kind}")
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

# QEMU memory sizes ("256M", "1G", or a number of MiB as QEMU reads it).
function(novum_memory_mib value out_var)
    if(NOT value MATCHES "^([0-9]+)([MmGg]?)$")
        message(FATAL_ERROR "memory size '${value}' is not a number of MiB or a size like 256M or 1G")
    endif()
    set(mib ${CMAKE_MATCH_1})
    if(CMAKE_MATCH_2 MATCHES "[Gg]")
        math(EXPR mib "${mib} * 1024")
    endif()
    set(${out_var} ${mib} PARENT_SCOPE)
endfunction()

# Raise the CPU count in VAR to MINIMUM (a project's NOVUM_PROJECT_CPUS: a
# system that places work on CPU 1 needs two) if it is smaller; an empty
# MINIMUM changes nothing.
function(novum_cpus_at_least var minimum)
    if(minimum AND ${var} LESS minimum)
        set(${var} ${minimum} PARENT_SCOPE)
    endif()
endfunction()

# Raise the memory size in VAR to MINIMUM (a project's NOVUM_PROJECT_MEMORY)
# if it is smaller; an empty MINIMUM changes nothing.
function(novum_memory_at_least var minimum)
    if(NOT minimum)
        return()
    endif()
    novum_memory_mib("${${var}}" have)
    novum_memory_mib("${minimum}" need)
    if(have LESS need)
        message(STATUS "QEMU memory: ${minimum} for this project (not ${${var}})")
        set(${var} ${minimum} PARENT_SCOPE)
    endif()
endfunction()
