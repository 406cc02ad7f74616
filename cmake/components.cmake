# User programs: freestanding ELF64 executables linked against libnova.
#   novum_component(NAME SOURCES...)      a root task (entered as spec 8.1 says)
#   novum_component_app(NAME SOURCES...)  a component the root server starts
function(novum_program name runtime)
    add_executable(${name} ${ARGN})
    set_target_properties(${name} PROPERTIES OUTPUT_NAME ${name}.elf)
    target_compile_options(${name} PRIVATE ${NOVUM_USER_CFLAGS})
    # the runtime's entry code first, so that its _start wins
    target_link_libraries(${name} PRIVATE -Wl,--whole-archive ${runtime} -Wl,--no-whole-archive nova)
    target_link_options(${name} PRIVATE -nostdlib -static -no-pie
        -Wl,-T,${CMAKE_SOURCE_DIR}/libs/libnova/user.ld -Wl,-z,max-page-size=0x1000 -Wl,--build-id=none)
    set_property(TARGET ${name} APPEND PROPERTY LINK_DEPENDS ${CMAKE_SOURCE_DIR}/libs/libnova/user.ld)
    add_dependencies(${name} ${runtime})
endfunction()

function(novum_component name)
    novum_program(${name} nova_root ${ARGN})
endfunction()

function(novum_component_app name)
    novum_program(${name} nova_component ${ARGN})
endfunction()
