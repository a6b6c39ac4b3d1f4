# The Cap'n Proto IR (schema/webnn.capnp) compiled into the `webnn` library.
# Include from the top CMakeLists.txt after the `webnn` target is defined:
#   include(cmake/capnp.cmake)
# The generated header is reached as "schema/webnn.capnp.h" (namespace webnn::wire); the codec
# is src/format/capnp/codec.h.

# CapnProtoConfig.cmake probes libatomic with check_library_exists, whose test program only
# compiles as C (as C++ it clashes with the __atomic_load_8 builtin), so C must be enabled.
enable_language(C)

block()
  # find_package inside the block: CapnProtoConfig.cmake appends to CMAKE_REQUIRED_LIBRARIES.
  find_package(CapnProto 0.9 REQUIRED)
  set(CAPNPC_SRC_PREFIX ${PROJECT_SOURCE_DIR})
  set(CAPNPC_OUTPUT_DIR ${PROJECT_BINARY_DIR}/generated)
  capnp_generate_cpp(webnn_capnp_srcs webnn_capnp_hdrs ${PROJECT_SOURCE_DIR}/schema/webnn.capnp
                     ${PROJECT_SOURCE_DIR}/schema/webnn_service.capnp)
  # Generated code is not ours to fix: keep -Werror from turning a new compiler's new warning in
  # it into a build break.
  set_source_files_properties(${webnn_capnp_srcs} PROPERTIES COMPILE_OPTIONS "-Wno-error")
  target_sources(webnn PRIVATE ${webnn_capnp_srcs} ${webnn_capnp_hdrs})
  # The generated headers are internal (src/ includes them, the public headers do not).
  target_include_directories(webnn PUBLIC $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/generated>)
  # Installed, the static library names them webnn::capnp: CapnProtoConfig.cmake needs the C
  # language enabled (see above), which a consumer's project need not have.
  foreach(dep IN ITEMS CapnProto::capnp-rpc CapnProto::capnp CapnProto::kj-async)
    target_link_libraries(webnn PUBLIC $<BUILD_INTERFACE:${dep}>)
  endforeach()
  target_link_libraries(webnn INTERFACE $<INSTALL_INTERFACE:$<LINK_ONLY:webnn::capnp>>)
endblock()
