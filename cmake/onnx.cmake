# ONNX import (src/format/onnx): the ModelProto/TensorProto classes of Debian's libonnx-dev
# (libonnx_proto, generated with ONNX_ML=1) and protobuf. Include from the top CMakeLists.txt
# after the `webnn` target is defined:
#   include(cmake/onnx.cmake)
# Defines webnn_onnx_proto, an interface target for whatever needs the protobuf classes (the
# library's importer, the unit tests that build models in memory).

find_package(Protobuf REQUIRED)
add_library(webnn_onnx_proto INTERFACE)
# The package's own config (ONNXConfig.cmake) when present; it names the ONNX_NAMESPACE and
# ONNX_ML definitions the headers were generated with.
find_package(ONNX CONFIG QUIET)
if(TARGET onnx_proto)
  target_link_libraries(webnn_onnx_proto INTERFACE onnx_proto protobuf::libprotobuf)
else()
  find_path(WEBNN_ONNX_INCLUDE_DIR onnx/onnx_pb.h REQUIRED)
  find_library(WEBNN_ONNX_PROTO_LIBRARY onnx_proto REQUIRED)
  target_include_directories(webnn_onnx_proto INTERFACE ${WEBNN_ONNX_INCLUDE_DIR})
  target_compile_definitions(webnn_onnx_proto INTERFACE ONNX_NAMESPACE=onnx ONNX_ML=1)
  target_link_libraries(webnn_onnx_proto INTERFACE ${WEBNN_ONNX_PROTO_LIBRARY}
                        protobuf::libprotobuf)
endif()
# PRIVATE: only the importer's sources include the protobuf headers; a static library still
# passes the link dependency on to whatever links `webnn`. Installed, the same libraries are the
# imported target webnn::onnx_proto (cmake/webnn-dependencies.cmake).
target_link_libraries(webnn PRIVATE $<BUILD_INTERFACE:webnn_onnx_proto>
                            INTERFACE $<INSTALL_INTERFACE:$<LINK_ONLY:webnn::onnx_proto>>)
