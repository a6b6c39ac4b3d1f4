# Install rules: the library (shared and static), the public headers, the tools, the CMake
# package (find_package(webnn CONFIG) -> webnn::webnn, webnn::webnn_static), webnn.pc, the man
# pages and the license. Components (for the Debian packages, cmake/packaging.cmake):
#   runtime  libwebnn.so.*                      dev    headers, .so link, .a, CMake package, .pc
#   tools    webnn, webnn.1                     daemon webnnd, webnnd.8, systemd units
#   python   the Python package (python/CMakeLists.txt)
include(CMakePackageConfigHelpers)

set(WEBNN_CMAKE_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/webnn)

install(TARGETS webnn_shared EXPORT webnnTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime NAMELINK_COMPONENT dev)
install(TARGETS webnn EXPORT webnnTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/webnn DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  COMPONENT dev FILES_MATCHING PATTERN "*.h" PATTERN "*.inc")
install(FILES ${PROJECT_BINARY_DIR}/include/webnn/version.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/webnn COMPONENT dev)

install(EXPORT webnnTargets NAMESPACE webnn:: DESTINATION ${WEBNN_CMAKE_INSTALL_DIR} COMPONENT dev)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/webnnConfig.cmake.in
  ${PROJECT_BINARY_DIR}/webnnConfig.cmake INSTALL_DESTINATION ${WEBNN_CMAKE_INSTALL_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/webnnConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/webnnConfig.cmake ${PROJECT_BINARY_DIR}/webnnConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/webnn-dependencies.cmake
  DESTINATION ${WEBNN_CMAKE_INSTALL_DIR} COMPONENT dev)

# pkg-config: `pkg-config --libs webnn` links the shared library; `--static` adds what the static
# archive needs (Requires.private for the libraries that ship a .pc, Libs.private for the rest).
get_filename_component(webnn_dnnl_dir ${DNNL_LIBRARY} DIRECTORY)
set(WEBNN_PC_LIBS_PRIVATE "-ldnnl -lonnx_proto ${OpenMP_CXX_FLAGS} -pthread")
if(NOT webnn_dnnl_dir STREQUAL "/usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}" AND NOT webnn_dnnl_dir STREQUAL "/usr/lib")
  string(PREPEND WEBNN_PC_LIBS_PRIVATE "-L${webnn_dnnl_dir} ")
endif()
set(WEBNN_PC_REQUIRES_PRIVATE "capnp-rpc capnp kj-async protobuf libseccomp")
if(WEBNN_LIBSYSTEMD_FOUND)
  string(APPEND WEBNN_PC_REQUIRES_PRIVATE " libsystemd")
endif()
# Relocatable: the prefix is told from where the .pc file is, so `cmake --install --prefix P`
# (which does not reconfigure) and a package's /usr both work.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}" OR IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(WEBNN_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
  set(WEBNN_PC_LIBDIR "${CMAKE_INSTALL_FULL_LIBDIR}")
  set(WEBNN_PC_INCLUDEDIR "${CMAKE_INSTALL_FULL_INCLUDEDIR}")
else()
  file(RELATIVE_PATH webnn_pc_up /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
  string(REGEX REPLACE "/$" "" webnn_pc_up "${webnn_pc_up}")
  set(WEBNN_PC_PREFIX "\${pcfiledir}/${webnn_pc_up}")
  set(WEBNN_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
  set(WEBNN_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
configure_file(${PROJECT_SOURCE_DIR}/cmake/webnn.pc.in ${PROJECT_BINARY_DIR}/webnn.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/webnn.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig
  COMPONENT dev)

# Man pages generated from the programs' --help texts (cmake/GenerateManPage.cmake).
function(webnn_man_page target name section summary see_also)
  set(out ${PROJECT_BINARY_DIR}/man/${name}.${section})
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DPROGRAM=$<TARGET_FILE:${target}> -DNAME=${name}
            -DSECTION=${section} "-DSUMMARY=${summary}" -DVERSION=${PROJECT_VERSION}
            "-DSEE_ALSO=${see_also}" -DSUBCOMMANDS=${ARGN} -DOUT=${out}
            -P ${PROJECT_SOURCE_DIR}/cmake/GenerateManPage.cmake
    DEPENDS ${target} ${PROJECT_SOURCE_DIR}/cmake/GenerateManPage.cmake
    COMMENT "Generating ${name}.${section} from ${name} --help" VERBATIM)
  add_custom_target(${name}_man_page ALL DEPENDS ${out})
  install(FILES ${out} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section} COMPONENT ${comp})
endfunction()

if(TARGET webnn-cli)
  install(TARGETS webnn-cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT tools)
  set(comp tools)
  webnn_man_page(webnn-cli webnn 1 "run and inspect WebNN graphs" "\\fBwebnnd\\fR(8)" ON)
endif()
if(TARGET webnnd)
  install(TARGETS webnnd RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR} COMPONENT daemon)
  set(comp daemon)
  webnn_man_page(webnnd webnnd 8 "the WebNN service daemon" "\\fBwebnn\\fR(1)" OFF)
  # systemd units (dist/systemd/*.service, *.socket) when the tree has them; installed under
  # <prefix>/lib/systemd/system (Debian's systemd reads /lib/systemd/system and /usr/lib/...).
  set(WEBNN_SYSTEMD_UNIT_DIR lib/systemd/system CACHE STRING
      "Where the systemd units go (relative to the prefix, or absolute)")
  file(GLOB webnn_systemd_units CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/dist/systemd/*.service
       ${PROJECT_SOURCE_DIR}/dist/systemd/*.socket)
  if(webnn_systemd_units)
    install(FILES ${webnn_systemd_units} DESTINATION ${WEBNN_SYSTEMD_UNIT_DIR} COMPONENT daemon)
  endif()
endif()

install(FILES ${PROJECT_SOURCE_DIR}/LICENSE ${PROJECT_SOURCE_DIR}/THIRD_PARTY_NOTICES.md
  DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT dev)
