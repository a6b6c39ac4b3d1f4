# Part of the installed CMake package: finds what libwebnn.a links against and defines the
# targets its interface names (webnn::dnnl, webnn::onnx_proto) the way the build did
# (cmake/onednn.cmake, cmake/onnx.cmake). find_dependency returns from the including
# webnnConfig.cmake with webnn_FOUND false and a message naming the missing package.
find_dependency(Threads)
find_dependency(OpenMP)
find_dependency(CapnProto)
find_dependency(Protobuf)

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
