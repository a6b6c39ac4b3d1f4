# libsystemd (Debian: libsystemd-dev): socket activation (sd_listen_fds) for webnnd under
# systemd. Without it webnnd still builds, without socket activation (readiness notification
# needs no library). The target name is the one cmake/webnn-dependencies.cmake defines.
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(WEBNN_LIBSYSTEMD QUIET IMPORTED_TARGET libsystemd)
endif()
if(WEBNN_LIBSYSTEMD_FOUND)
  target_link_libraries(webnn PUBLIC $<BUILD_INTERFACE:PkgConfig::WEBNN_LIBSYSTEMD>
                               INTERFACE $<INSTALL_INTERFACE:$<LINK_ONLY:PkgConfig::WEBNN_LIBSYSTEMD>>)
  target_compile_definitions(webnn PRIVATE WEBNN_HAVE_LIBSYSTEMD=1)
else()
  message(STATUS "libsystemd not found: webnnd without socket activation")
endif()
