# Compiler flags. The kernel and the user components are freestanding x86-64
# code built with the host's gcc; host tests use the ordinary flags plus
# sanitizers. Nothing here depends on CMAKE_BUILD_TYPE.
set(CMAKE_C_STANDARD 11)
set(CMAKE_C_STANDARD_REQUIRED ON)
set(CMAKE_C_EXTENSIONS OFF)

find_program(OBJCOPY objcopy REQUIRED)

# Release kernels omit the frame pointer (two instructions in every
# function on the hypercall paths; nothing walks frames); Debug keeps it
# for gdb.
if(NOVUM_BUILD_TYPE STREQUAL "Release")
    set(NOVUM_OPT -O2)
    set(NOVUM_KERNEL_FRAME -fomit-frame-pointer)
else()
    set(NOVUM_OPT -Og -g)
    set(NOVUM_KERNEL_FRAME -fno-omit-frame-pointer)
endif()

set(NOVUM_WARNINGS -Wall -Wextra -Werror)
set(NOVUM_FREESTANDING -ffreestanding -fno-pic -fno-pie -fno-stack-protector
    -fno-asynchronous-unwind-tables)

set(NOVUM_KERNEL_CFLAGS ${NOVUM_WARNINGS} ${NOVUM_OPT} ${NOVUM_FREESTANDING}
    -mcmodel=kernel -mno-red-zone -mgeneral-regs-only ${NOVUM_KERNEL_FRAME})
set(NOVUM_USER_CFLAGS ${NOVUM_WARNINGS} ${NOVUM_OPT} ${NOVUM_FREESTANDING})
set(NOVUM_HOST_SANITIZE -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)

execute_process(COMMAND ${CMAKE_C_COMPILER} -dumpfullversion OUTPUT_VARIABLE _cc_version
                OUTPUT_STRIP_TRAILING_WHITESPACE)
set(NOVUM_COMPILER "gcc ${_cc_version}")
