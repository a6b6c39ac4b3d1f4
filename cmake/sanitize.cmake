# The sanitizer build (-DWEBNN_SANITIZE=ON): AddressSanitizer + UndefinedBehaviorSanitizer, every
# finding fatal. Built with clang (scripts/test.sh passes CC=clang CXX=clang++): GCC's UBSan has
# no float-cast-overflow, so a float converted to an integer it does not fit (undefined
# behaviour: a clamp bound of 1e30 cast to int64) would go unnoticed there. GCC still works (the
# checks it has), for a machine without clang.
# Include from the top CMakeLists.txt before any target is defined.
option(WEBNN_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
if(WEBNN_SANITIZE)
  set(_webnn_sanitizers address,undefined)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    string(APPEND _webnn_sanitizers ,float-cast-overflow)
  endif()
  add_compile_options(-fsanitize=${_webnn_sanitizers} -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${_webnn_sanitizers})
endif()

# Test code (gtest sources, benchmarks, the test-support library; not the library and tools they
# exercise) compiles at -O0 in the sanitizer build: the instrumented -O1 back end is most of that
# build's time (a large test source: 57 s of CPU at -O1, 27 s at -O0, 6 s of it parsing), and
# test code runs for a small part of the suite's time; the code under test keeps -O1.
function(webnn_test_code)
  if(WEBNN_SANITIZE)
    foreach(target ${ARGN})
      target_compile_options(${target} PRIVATE -O0)
    endforeach()
  endif()
endfunction()

# libFuzzer harnesses (tests/fuzz, cmake/fuzz.cmake) need clang's -fsanitize=fuzzer; they are
# built in the clang sanitizer build, where every object also gets libFuzzer's coverage hooks.
if(WEBNN_SANITIZE AND CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  set(_webnn_fuzz_default ON)
else()
  set(_webnn_fuzz_default OFF)
endif()
option(WEBNN_FUZZ "Build the libFuzzer harnesses in tests/fuzz (clang)" ${_webnn_fuzz_default})
if(WEBNN_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "WEBNN_FUZZ needs clang (libFuzzer): configure with CXX=clang++")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

# The OpenMP runtime. Debian's libdnnl is built with GCC and calls libgomp; a process must not
# load a second OpenMP runtime (clang's -fopenmp links LLVM's libomp: two thread pools, two
# sets of omp_* state, and the omp_set_num_threads of src/backend/onednn would set the wrong
# one). The library uses only the omp_* API (no pragmas), so clang builds link libgomp itself:
# -fopenmp=libgomp (omp.h from clang's resource directory, same C ABI). The `openmp_runtime`
# test checks that a linked binary loads libgomp and not libomp.
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  add_library(webnn_openmp INTERFACE)
  target_compile_options(webnn_openmp INTERFACE -fopenmp=libgomp)
  target_link_options(webnn_openmp INTERFACE -fopenmp=libgomp)
  add_library(webnn::openmp ALIAS webnn_openmp)
else()
  find_package(OpenMP REQUIRED)
  add_library(webnn::openmp ALIAS OpenMP::OpenMP_CXX)
endif()

# One OpenMP runtime in the process: libgomp (libdnnl's), never LLVM's libomp beside it.
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  add_test(NAME openmp_runtime
           COMMAND sh -c "ldd \"$1\" | grep -q 'libgomp\\.so' && ! ldd \"$1\" | grep -q 'libomp\\.so'"
                   openmp_runtime $<TARGET_FILE:webnn_unit_tests>)
endif()
