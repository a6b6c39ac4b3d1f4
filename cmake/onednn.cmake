# oneDNN (Debian's libdnnl-dev) for the fast CPU backend, as the imported target webnn::dnnl.
# Debian's dnnl-config.cmake insists on OpenCL (its GPU runtime), which the CPU backend never
# uses, so the header and library are found directly.
find_path(DNNL_INCLUDE_DIR oneapi/dnnl/dnnl.hpp REQUIRED)
find_library(DNNL_LIBRARY NAMES dnnl REQUIRED)
file(STRINGS ${DNNL_INCLUDE_DIR}/oneapi/dnnl/dnnl_version.h _dnnl_major REGEX "define DNNL_VERSION_MAJOR")
if(NOT _dnnl_major MATCHES "DNNL_VERSION_MAJOR 2$")
  message(FATAL_ERROR "oneDNN 2.x is required (found: ${_dnnl_major})")
endif()
# Named webnn::dnnl itself (not an alias): the installed package's interface names it, and
# cmake/webnn-dependencies.cmake defines it again for a consumer.
add_library(webnn::dnnl INTERFACE IMPORTED)
target_include_directories(webnn::dnnl INTERFACE ${DNNL_INCLUDE_DIR})
target_link_libraries(webnn::dnnl INTERFACE ${DNNL_LIBRARY})
