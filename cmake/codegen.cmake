# Generate the interface code from spec/ (tools/codegen). Everything lands in
# ${NOVUM_GEN_DIR}; nothing generated is checked in except docs/api.md,
# which a host test keeps in step.
find_package(Python3 3.11 REQUIRED COMPONENTS Interpreter)
execute_process(COMMAND ${Python3_EXECUTABLE} -c "import jinja2"
                RESULT_VARIABLE _no_jinja OUTPUT_QUIET ERROR_QUIET)
if(_no_jinja)
    message(FATAL_ERROR "${Python3_EXECUTABLE} cannot import jinja2: run tools/setup.sh")
endif()

set(NOVUM_GEN_DIR ${CMAKE_BINARY_DIR}/generated)
set(NOVUM_GEN_ARGS --spec ${CMAKE_SOURCE_DIR}/spec --out ${NOVUM_GEN_DIR})
if(NOVUM_EXT_DEBUG)
    list(APPEND NOVUM_GEN_ARGS --extension debug)
endif()
if(NOVUM_EXT_TLS)
    list(APPEND NOVUM_GEN_ARGS --extension tls)
endif()

file(GLOB NOVUM_SPEC_FILES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/spec/*.toml)
file(GLOB NOVUM_GEN_TOOL CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tools/codegen/*.py
     ${CMAKE_SOURCE_DIR}/tools/codegen/templates/*.j2)

set(NOVUM_GEN_OUTPUTS
    ${NOVUM_GEN_DIR}/include/nova/spec.h
    ${NOVUM_GEN_DIR}/include/nova/hypercalls.h
    ${NOVUM_GEN_DIR}/include/nova/spec_tables.h
    ${NOVUM_GEN_DIR}/kernel/hypercall_decode.h
    ${NOVUM_GEN_DIR}/kernel/hypercall_table.c
    ${NOVUM_GEN_DIR}/kernel/spec_objects.h
    ${NOVUM_GEN_DIR}/docs/api.md)

add_custom_command(OUTPUT ${NOVUM_GEN_OUTPUTS}
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tools/codegen/gen.py ${NOVUM_GEN_ARGS}
    DEPENDS ${NOVUM_SPEC_FILES} ${NOVUM_GEN_TOOL}
    COMMENT "Generating interface code from spec/")
add_custom_target(codegen DEPENDS ${NOVUM_GEN_OUTPUTS})

# `ninja gen`: bring the generated files up to date and list them, for
# reading (the build does not need this target).
set(_gen_list_commands "")
foreach(f ${NOVUM_GEN_OUTPUTS})
    list(APPEND _gen_list_commands COMMAND ${CMAKE_COMMAND} -E echo "  ${f}")
endforeach()
add_custom_target(gen
    COMMAND ${CMAKE_COMMAND} -E echo "Generated from spec/ by tools/codegen/gen.py (do not edit):"
    ${_gen_list_commands}
    DEPENDS ${NOVUM_GEN_OUTPUTS}
    COMMENT "Listing the generated files"
    VERBATIM)
