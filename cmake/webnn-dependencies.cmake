# Part of the installed CMake package: finds what libwebnn.a links against and defines the
# targets its interface names (webnn::dnnl, webnn::onnx_proto) the way the build did
# (cmake/onednn.cmake, cmake/onnx.cmake). find_dependency returns from the including
# webnnConfig.cmake with webnn_FOUND false and a message naming the missing package.
find_dependency(Threads)
find_dependency(OpenMP)
find_dependency(Protobuf)

# Cap'n Proto's RPC, serialization and event-loop libraries. Its CMake package is used when the
# consumer has already found it; otherwise the libraries are found directly, because
# CapnProtoConfig.cmake needs the C language enabled, which a C++ project need not have.
if(NOT TARGET webnn::capnp)
  if(TARGET CapnProto::capnp-rpc)
    set(webnn_capnp_libs CapnProto::capnp-rpc CapnProto::capnp CapnProto::kj-async)
  else()
    set(webnn_capnp_libs)
    foreach(lib IN ITEMS capnp-rpc capnp kj-async kj)
      string(MAKE_C_IDENTIFIER "WEBNN_${lib}_LIBRARY" var)
      find_library(${var} NAMES ${lib})
      if(NOT ${var})
        set(webnn_FOUND FALSE)
        set(webnn_NOT_FOUND_MESSAGE "webnn needs Cap'n Proto's lib${lib} (Debian: libcapnp-dev)")
        return()
      endif()
      list(APPEND webnn_capnp_libs ${${var}})
    endforeach()
    list(APPEND webnn_capnp_libs Threads::Threads)
  endif()
  add_library(webnn::capnp INTERFACE IMPORTED)
  set_target_properties(webnn::capnp PROPERTIES INTERFACE_LINK_LIBRARIES "${webnn_capnp_libs}")
endif()

if(NOT TARGET webnn::dnnl)
  find_path(WEBNN_DNNL_INCLUDE_DIR oneapi/dnnl/dnnl.hpp)
  find_library(WEBNN_DNNL_LIBRARY NAMES dnnl)
  if(NOT WEBNN_DNNL_LIBRARY)
    set(webnn_FOUND FALSE)
    set(webnn_NOT_FOUND_MESSAGE "webnn needs oneDNN (libdnnl, Debian: libdnnl-dev)")
    return()
  endif()
  add_library(webnn::dnnl INTERFACE IMPORTED)
  set_target_properties(webnn::dnnl PROPERTIES INTERFACE_LINK_LIBRARIES "${WEBNN_DNNL_LIBRARY}")
endif()

if(NOT TARGET webnn::onnx_proto)
  find_package(ONNX CONFIG QUIET)
  if(TARGET onnx_proto)
    add_library(webnn::onnx_proto INTERFACE IMPORTED)
    set_target_properties(webnn::onnx_proto PROPERTIES
      INTERFACE_LINK_LIBRARIES "onnx_proto;protobuf::libprotobuf")
  else()
    find_library(WEBNN_ONNX_PROTO_LIBRARY onnx_proto)
    if(NOT WEBNN_ONNX_PROTO_LIBRARY)
      set(webnn_FOUND FALSE)
      set(webnn_NOT_FOUND_MESSAGE "webnn needs ONNX's libonnx_proto (Debian: libonnx-dev)")
      return()
    endif()
    add_library(webnn::onnx_proto INTERFACE IMPORTED)
    set_target_properties(webnn::onnx_proto PROPERTIES
      INTERFACE_LINK_LIBRARIES "${WEBNN_ONNX_PROTO_LIBRARY};protobuf::libprotobuf")
  endif()
endif()

# libseccomp (the service's sandbox) and libsystemd (socket activation), through pkg-config as
# the build found them (cmake/seccomp.cmake, cmake/systemd.cmake).
find_dependency(PkgConfig)
if(NOT TARGET PkgConfig::WEBNN_SECCOMP)
  pkg_check_modules(WEBNN_SECCOMP QUIET IMPORTED_TARGET libseccomp)
  if(NOT WEBNN_SECCOMP_FOUND)
    set(webnn_FOUND FALSE)
    set(webnn_NOT_FOUND_MESSAGE "webnn needs libseccomp (Debian: libseccomp-dev)")
    return()
  endif()
endif()
if(NOT TARGET PkgConfig::WEBNN_LIBSYSTEMD)
  pkg_check_modules(WEBNN_LIBSYSTEMD QUIET IMPORTED_TARGET libsystemd)
endif()
