# libsystemd (Debian: libsystemd-dev): socket activation (sd_listen_fds) and readiness
# notification (sd_notify) for webnnd under systemd. Without it webnnd still builds; it then
# neither takes sockets from the service manager nor reports readiness.
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(LIBSYSTEMD QUIET IMPORTED_TARGET libsystemd)
endif()
if(LIBSYSTEMD_FOUND)
  target_link_libraries(webnn PUBLIC PkgConfig::LIBSYSTEMD)
  target_compile_definitions(webnn PRIVATE WEBNN_HAVE_LIBSYSTEMD=1)
else()
  message(STATUS "libsystemd not found: webnnd without socket activation and sd_notify")
endif()
