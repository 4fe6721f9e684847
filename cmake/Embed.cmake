# chancery_embed(TARGET NAMESPACE ns ROOT dir)
# Compiles every file under ROOT into TARGET as `ns::Files()`.
function(chancery_embed target)
  cmake_parse_arguments(E "" "NAMESPACE;ROOT" "" ${ARGN})
  file(GLOB_RECURSE files CONFIGURE_DEPENDS "${E_ROOT}/*")
  list(SORT files)
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${target}_embedded.cc")
  add_custom_command(
    OUTPUT ${out}
    COMMAND chancery_embed ${out} ${E_NAMESPACE} ${E_ROOT} ${files}
    DEPENDS chancery_embed ${files}
    COMMENT "Embedding ${E_ROOT}"
    VERBATIM)
  target_sources(${target} PRIVATE ${out})
endfunction()
