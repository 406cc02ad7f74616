# Guest images that a system.toml's [component.vm] names as "@artefact"
# (tools/compose/schema.py, ARTEFACTS): made at build time by
# tools/guest/fetch.sh from Debian's binary packages into build/guest/,
# never committed. The first system that names one adds the target
# `guest_images` to the default build.
#   novum_guest_artefact(NAME OUT_VAR)  -> OUT_VAR: the file's path
set(NOVUM_GUEST_DIR ${CMAKE_BINARY_DIR}/guest)
set(NOVUM_GUEST_FILE_debian-kernel ${NOVUM_GUEST_DIR}/vmlinuz)
set(NOVUM_GUEST_FILE_busybox-initramfs ${NOVUM_GUEST_DIR}/initramfs.cpio.gz)
# Bad guest kernels for the vm-bad-* projects and the CPL 0 hypercall probe
# of vm-hypercall-probe (tools/guest/mkbadkernel.py): no download, a few
# KiB each.
set(NOVUM_BAD_KERNELS triple-fault outside-ram truncated garbage)
foreach(kind ${NOVUM_BAD_KERNELS})
    set(NOVUM_GUEST_FILE_bad-kernel-${kind} ${NOVUM_GUEST_DIR}/bad/${kind}.bzimage)
endforeach()
set(NOVUM_GUEST_FILE_hypercall-probe-kernel ${NOVUM_GUEST_DIR}/bad/hypercall-probe.bzimage)

function(novum_guest_artefact name out_var)
    set(file "${NOVUM_GUEST_FILE_${name}}")
    if(NOT file)
        message(FATAL_ERROR "no build rule for the guest artefact @${name}")
    endif()
    if(name MATCHES "^bad-kernel-" OR name STREQUAL "hypercall-probe-kernel")
        novum_bad_kernels()
        set(${out_var} "${file}" PARENT_SCOPE)
        return()
    endif()
    get_property(defined GLOBAL PROPERTY NOVUM_GUEST_IMAGES_DEFINED)
    if(NOT defined)
        set_property(GLOBAL PROPERTY NOVUM_GUEST_IMAGES_DEFINED TRUE)
        set(src ${CMAKE_SOURCE_DIR}/tools/guest)
        add_custom_command(
            OUTPUT ${NOVUM_GUEST_FILE_debian-kernel} ${NOVUM_GUEST_FILE_busybox-initramfs}
            COMMAND ${src}/fetch.sh ${NOVUM_GUEST_DIR}
            DEPENDS ${src}/fetch.sh ${src}/mkinitramfs.py ${src}/init ${src}/mkhypercalls.sh
                    ${src}/kvm_hypercalls.c
            COMMENT "Fetching Debian's Linux kernel and busybox-static, building the initramfs"
            VERBATIM)
        add_custom_target(guest_images ALL
            DEPENDS ${NOVUM_GUEST_FILE_debian-kernel} ${NOVUM_GUEST_FILE_busybox-initramfs})
    endif()
    set(${out_var} "${file}" PARENT_SCOPE)
endfunction()

# The rule that writes every bad kernel (once, for the first system naming one).
function(novum_bad_kernels)
    get_property(defined GLOBAL PROPERTY NOVUM_BAD_KERNELS_DEFINED)
    if(defined)
        return()
    endif()
    set_property(GLOBAL PROPERTY NOVUM_BAD_KERNELS_DEFINED TRUE)
    set(files ${NOVUM_GUEST_FILE_hypercall-probe-kernel})
    foreach(kind ${NOVUM_BAD_KERNELS})
        list(APPEND files ${NOVUM_GUEST_FILE_bad-kernel-${kind}})
    endforeach()
    set(script ${CMAKE_SOURCE_DIR}/tools/guest/mkbadkernel.py)
    add_custom_command(
        OUTPUT ${files}
        COMMAND ${Python3_EXECUTABLE} ${script} ${NOVUM_GUEST_DIR}/bad
        DEPENDS ${script}
        COMMENT "Writing the bad guest kernels (triple fault, outside RAM, truncated, garbage) and the hypercall probe"
        VERBATIM)
    add_custom_target(bad_guest_kernels ALL DEPENDS ${files})
endfunction()
