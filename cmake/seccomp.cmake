# libseccomp (Debian's libseccomp-dev) for webnnd's system-call sandbox (src/service/sandbox.cc).
# The target name is the one cmake/webnn-dependencies.cmake defines for the installed package.
find_package(PkgConfig REQUIRED)
pkg_check_modules(WEBNN_SECCOMP REQUIRED IMPORTED_TARGET libseccomp>=2.5)
target_link_libraries(webnn PUBLIC $<BUILD_INTERFACE:PkgConfig::WEBNN_SECCOMP>
                             INTERFACE $<INSTALL_INTERFACE:$<LINK_ONLY:PkgConfig::WEBNN_SECCOMP>>)
