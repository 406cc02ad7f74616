# musl libc for components, built from Debian's musl source package by
# tools/musl/build.sh (with Novum's changes in libs/musl) into the build
# tree. NOVUM_MUSL_CFLAGS compile a program against it.
if(NOT NOVUM_EXT_TLS)
    message(FATAL_ERROR "NOVUM_EXT_TLS is OFF, but components run on musl, which sets its thread "
                        "pointer through the tls extension: turn it ON")
endif()

set(NOVUM_MUSL_DIR ${CMAKE_BINARY_DIR}/musl)
set(NOVUM_MUSL_PREFIX ${NOVUM_MUSL_DIR}/install)
set(NOVUM_MUSL_LIBC ${NOVUM_MUSL_PREFIX}/lib/libc.a)

file(GLOB_RECURSE _musl_changes CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/libs/musl/*)
add_custom_command(OUTPUT ${NOVUM_MUSL_LIBC}
    COMMAND ${CMAKE_SOURCE_DIR}/tools/musl/build.sh ${CMAKE_SOURCE_DIR}/libs/musl
            ${NOVUM_MUSL_DIR}/work ${NOVUM_MUSL_PREFIX}
    DEPENDS ${CMAKE_SOURCE_DIR}/tools/musl/build.sh ${_musl_changes}
    COMMENT "Building musl libc from Debian's source package"
    USES_TERMINAL)
add_custom_target(musl DEPENDS ${NOVUM_MUSL_LIBC})

execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=include
                OUTPUT_VARIABLE _gcc_include OUTPUT_STRIP_TRAILING_WHITESPACE)
execute_process(COMMAND ${CMAKE_C_COMPILER} -print-libgcc-file-name
                OUTPUT_VARIABLE NOVUM_LIBGCC OUTPUT_STRIP_TRAILING_WHITESPACE)

# Hosted C on musl's headers (gcc's own only for its intrinsics), with the
# POSIX and BSD interfaces visible as a hosted compiler shows them.
# ("SHELL:" keeps CMake from merging the two -isystem options into one.)
set(NOVUM_MUSL_CFLAGS ${NOVUM_WARNINGS} ${NOVUM_OPT} -nostdinc "SHELL:-isystem ${NOVUM_MUSL_PREFIX}/include"
    "SHELL:-isystem ${_gcc_include}" -D_DEFAULT_SOURCE -fno-pic -fno-pie -fno-stack-protector
    -fno-asynchronous-unwind-tables)
