# Guest images that a system.toml's [component.vm] names as "@artefact"
# (tools/compose/schema.py, ARTEFACTS): made at build time by
# tools/guest/fetch.sh from Debian's binary packages into build/guest/,
# never committed. The first system that names one adds the target
# `guest_images` to the default build.
#   novum_guest_artefact(NAME OUT_VAR)  -> OUT_VAR: the file's path
set(NOVUM_GUEST_DIR ${CMAKE_BINARY_DIR}/guest)
set(NOVUM_GUEST_FILE_debian-kernel ${NOVUM_GUEST_DIR}/vmlinuz)
set(NOVUM_GUEST_FILE_busybox-initramfs ${NOVUM_GUEST_DIR}/initramfs.cpio.gz)

function(novum_guest_artefact name out_var)
    set(file "${NOVUM_GUEST_FILE_${name}}")
    if(NOT file)
        message(FATAL_ERROR "no build rule for the guest artefact @${name}")
    endif()
    get_property(defined GLOBAL PROPERTY NOVUM_GUEST_IMAGES_DEFINED)
    if(NOT defined)
        set_property(GLOBAL PROPERTY NOVUM_GUEST_IMAGES_DEFINED TRUE)
        set(src ${CMAKE_SOURCE_DIR}/tools/guest)
        add_custom_command(
            OUTPUT ${NOVUM_GUEST_FILE_debian-kernel} ${NOVUM_GUEST_FILE_busybox-initramfs}
            COMMAND ${src}/fetch.sh ${NOVUM_GUEST_DIR}
            DEPENDS ${src}/fetch.sh ${src}/mkinitramfs.py ${src}/init
            COMMENT "Fetching Debian's Linux kernel and busybox-static, building the initramfs"
            VERBATIM)
        add_custom_target(guest_images ALL
            DEPENDS ${NOVUM_GUEST_FILE_debian-kernel} ${NOVUM_GUEST_FILE_busybox-initramfs})
    endif()
    set(${out_var} "${file}" PARENT_SCOPE)
endfunction()
