# libseccomp (Debian's libseccomp-dev) for webnnd's system-call sandbox (src/service/sandbox.cc),
# linked into the `webnn` library. Include from the top CMakeLists.txt after the `webnn` target:
#   include(cmake/seccomp.cmake)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SECCOMP REQUIRED IMPORTED_TARGET libseccomp>=2.5)
target_link_libraries(webnn PUBLIC PkgConfig::SECCOMP)
