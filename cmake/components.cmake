# User programs: static ELF64 executables (libs/libnova/user.ld).
#   novum_component(NAME SOURCES...)      a root task (entered as spec 8.1 says),
#                                         freestanding C with libnova
#   novum_component_app(NAME SOURCES...)  a component the root server starts:
#                                         hosted C on musl, entered at main()
set(USER_LDS ${CMAKE_SOURCE_DIR}/libs/libnova/user.ld)

function(novum_link_user name)
    set_target_properties(${name} PROPERTIES OUTPUT_NAME ${name}.elf)
    target_link_options(${name} PRIVATE -nostdlib -static -no-pie
        -Wl,-T,${USER_LDS} -Wl,-z,max-page-size=0x1000 -Wl,--build-id=none)
    set_property(TARGET ${name} APPEND PROPERTY LINK_DEPENDS ${USER_LDS})
endfunction()

function(novum_component name)
    add_executable(${name} ${ARGN})
    target_compile_options(${name} PRIVATE ${NOVUM_USER_CFLAGS})
    # the entry code first, so that its _start wins
    target_link_libraries(${name} PRIVATE -Wl,--whole-archive nova_root -Wl,--no-whole-archive nova)
    novum_link_user(${name})
endfunction()

function(novum_component_app name)
    add_executable(${name} ${ARGN})
    target_compile_options(${name} PRIVATE ${NOVUM_MUSL_CFLAGS})
    target_link_libraries(${name} PRIVATE nova_headers
        -Wl,--whole-archive posix_start nova_component_rt -Wl,--no-whole-archive
        -Wl,--start-group posix ${NOVUM_MUSL_LIBC} ${NOVUM_LIBGCC} -Wl,--end-group)
    add_dependencies(${name} musl posix_start posix nova_component_rt)
    set_property(TARGET ${name} APPEND PROPERTY LINK_DEPENDS ${NOVUM_MUSL_LIBC})
    novum_link_user(${name})
endfunction()
