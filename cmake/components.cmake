# User components: freestanding ELF64 executables linked against libnova.
#   novum_component(NAME SOURCES...) -> target NAME, file NAME.elf
function(novum_component name)
    add_executable(${name} ${ARGN})
    set_target_properties(${name} PROPERTIES OUTPUT_NAME ${name}.elf)
    target_compile_options(${name} PRIVATE ${NOVUM_USER_CFLAGS})
    target_link_libraries(${name} PRIVATE nova)
    target_link_options(${name} PRIVATE -nostdlib -static -no-pie
        -Wl,-T,${CMAKE_SOURCE_DIR}/libs/libnova/user.ld -Wl,-z,max-page-size=0x1000 -Wl,--build-id=none)
    set_property(TARGET ${name} APPEND PROPERTY LINK_DEPENDS ${CMAKE_SOURCE_DIR}/libs/libnova/user.ld)
endfunction()
