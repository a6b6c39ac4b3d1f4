# Debian packages with CPack, one per install component (cmake/install.cmake):
#   libwebnn        runtime   libwebnn.so.MAJOR.MINOR
#   libwebnn-dev    dev       headers, libwebnn.so, libwebnn.a, CMake package, webnn.pc
#   webnn-tools     tools     webnn, webnn.1
#   webnnd          daemon    webnnd, webnnd.8, systemd units; a system user `webnnd`
#   python3-webnn   python    the webnn Python package
# scripts/build-debs.sh configures a build for /usr and runs `cpack -G DEB`.
set(CPACK_PACKAGE_NAME webnn)
set(CPACK_PACKAGE_VENDOR "webnn-cpp")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_HOMEPAGE_URL "${PROJECT_HOMEPAGE_URL}")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGE_CONTACT "webnn-cpp maintainers <webnn-cpp@localhost>")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/packages)
set(CPACK_COMPONENTS_ALL runtime dev tools daemon)
if(TARGET webnn_python)
  list(APPEND CPACK_COMPONENTS_ALL python)
endif()

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)          # Depends from the ELF files (dpkg-shlibdeps)
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS OFF)
set(webnn_deb_version "${PROJECT_VERSION}-1")

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME libwebnn)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION libs)
set(CPACK_COMPONENT_RUNTIME_DESCRIPTION "WebNN runtime library\n"
    " The W3C WebNN API (graph builder, CPU backends on oneDNN and reference kernels, the\n"
    " client of the webnnd service) as a shared library.")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_GENERATE_SHLIBS ON)

set(CPACK_DEBIAN_DEV_PACKAGE_NAME libwebnn-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
# The static library's link dependencies: what webnn-dependencies.cmake and webnn.pc's
# Requires.private/Libs.private find.
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
    "libwebnn (= ${webnn_deb_version}), libdnnl-dev (>= 2), capnproto, libcapnp-dev, libprotobuf-dev, libonnx-dev, libseccomp-dev, libsystemd-dev, libgomp1, pkg-config | pkgconf")
set(CPACK_COMPONENT_DEV_DESCRIPTION "WebNN runtime library: development files\n"
    " Headers, the shared and static libraries, the CMake package (find_package(webnn CONFIG)\n"
    " gives webnn::webnn and webnn::webnn_static) and webnn.pc for pkg-config.")

set(CPACK_DEBIAN_TOOLS_PACKAGE_NAME webnn-tools)
set(CPACK_DEBIAN_TOOLS_PACKAGE_SECTION science)
set(CPACK_COMPONENT_TOOLS_DESCRIPTION "WebNN command-line tool\n"
    " webnn: inspect, validate, convert and run WebNN graphs (webnn-graph-json, Cap'n Proto,\n"
    " ONNX), replay conformance vectors, ping the webnnd service and run its demo.")

set(CPACK_DEBIAN_DAEMON_PACKAGE_NAME webnnd)
set(CPACK_DEBIAN_DAEMON_PACKAGE_SECTION science)
set(CPACK_DEBIAN_DAEMON_PACKAGE_DEPENDS "adduser")
set(CPACK_COMPONENT_DAEMON_DESCRIPTION "WebNN service daemon\n"
    " webnnd runs WebNN graphs for local clients over Cap'n Proto RPC with shared-memory\n"
    " tensors. Runs as the system user webnnd.")
set(CPACK_DEBIAN_DAEMON_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/debian/webnnd/postinst
    ${PROJECT_SOURCE_DIR}/packaging/debian/webnnd/postrm)
set(CPACK_DEBIAN_DAEMON_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_PYTHON_PACKAGE_NAME python3-webnn)
set(CPACK_DEBIAN_PYTHON_PACKAGE_SECTION python)
if(TARGET webnn_python)
  # The extension is for one Python minor version (its ABI tag): python3 (>= 3.11), (<< 3.12).
  string(REGEX MATCH "^([0-9]+)\\.([0-9]+)$" _ "${WEBNN_PYTHON_VERSION}")
  math(EXPR webnn_python_next "${CMAKE_MATCH_2} + 1")
  set(CPACK_DEBIAN_PYTHON_PACKAGE_DEPENDS "python3 (>= ${WEBNN_PYTHON_VERSION}), python3 (<< ${CMAKE_MATCH_1}.${webnn_python_next}), python3-numpy")
endif()
set(CPACK_COMPONENT_PYTHON_DESCRIPTION "WebNN for Python 3\n"
    " The webnn Python module: the WebNN API on numpy arrays.")

# Debian's /usr/share/doc/PACKAGE/copyright in every package (the license; the notices with the
# -dev package). Only for package builds: scripts/build-debs.sh sets WEBNN_DEB_LAYOUT.
option(WEBNN_DEB_LAYOUT "Install a copyright file per Debian package under share/doc" OFF)
if(WEBNN_DEB_LAYOUT)
  foreach(comp IN LISTS CPACK_COMPONENTS_ALL)
    string(TOUPPER ${comp} upper)
    install(FILES ${PROJECT_SOURCE_DIR}/LICENSE RENAME copyright
            DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/${CPACK_DEBIAN_${upper}_PACKAGE_NAME}
            COMPONENT ${comp})
  endforeach()
endif()

include(CPack)
