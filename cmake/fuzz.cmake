# libFuzzer harnesses (tests/fuzz/*_fuzzer.cc), built when WEBNN_FUZZ is on (the clang sanitizer
# build, see cmake/sanitize.cmake). Include from the top CMakeLists.txt after the `webnn` target.
#
# Adding a harness is one line: webnn_add_fuzzer(NAME) builds tests/fuzz/NAME_fuzzer.cc as
# `fuzz_NAME` and adds the ctest `fuzz_NAME`: every input of tests/fuzz/corpus/NAME (the
# regression inputs and seeds) and then WEBNN_FUZZ_SECONDS of fuzzing, with tests/fuzz/NAME.dict
# when it exists. CORPUS names another harness's corpus to share it. docs/fuzzing.md has the rest.

set(WEBNN_FUZZ_SECONDS 60 CACHE STRING
    "Seconds of fuzzing each fuzz_* ctest runs after its corpus (0: only the corpus)")
set(WEBNN_FUZZ_TIMEOUT 20 CACHE STRING "Seconds one fuzz input may run before it is a finding")

# Helpers shared by the harnesses (tests/fuzz/fuzz_util.*).
# service_input: the service_rpc input format and the service it targets; channel_fixture: the
# context the dispatch_channel harness serves requests in (both shared with the seed writer).
add_library(webnn_fuzz_util STATIC ${PROJECT_SOURCE_DIR}/tests/fuzz/fuzz_util.cc
                                   ${PROJECT_SOURCE_DIR}/tests/fuzz/service_input.cc
                                   ${PROJECT_SOURCE_DIR}/tests/fuzz/channel_fixture.cc)
target_link_libraries(webnn_fuzz_util PUBLIC webnn webnn_tools_common)

function(webnn_add_fuzzer name)
  cmake_parse_arguments(ARG "" "CORPUS" "" ${ARGN})
  if(NOT ARG_CORPUS)
    set(ARG_CORPUS ${name})
  endif()
  add_executable(fuzz_${name} ${PROJECT_SOURCE_DIR}/tests/fuzz/${name}_fuzzer.cc)
  target_link_libraries(fuzz_${name} PRIVATE webnn_fuzz_util)
  target_link_options(fuzz_${name} PRIVATE -fsanitize=fuzzer)
  add_test(NAME fuzz_${name}
           COMMAND bash ${PROJECT_SOURCE_DIR}/tests/fuzz/run_fuzzer.sh $<TARGET_FILE:fuzz_${name}>
                   ${PROJECT_SOURCE_DIR}/tests/fuzz/corpus/${ARG_CORPUS}
                   ${PROJECT_BINARY_DIR}/fuzz/${name} ${WEBNN_FUZZ_SECONDS} ${WEBNN_FUZZ_TIMEOUT}
                   ${PROJECT_SOURCE_DIR}/tests/fuzz/${name}.dict)
  set_tests_properties(fuzz_${name} PROPERTIES LABELS fuzz)
endfunction()

webnn_add_fuzzer(graph_json)
webnn_add_fuzzer(capnp_decode)
webnn_add_fuzzer(graph_exec CORPUS capnp_decode)
webnn_add_fuzzer(npy)
webnn_add_fuzzer(image)
webnn_add_fuzzer(service_rpc)
webnn_add_fuzzer(dispatch_channel)

# Writes the seed corpora from the conformance graphs and models/ (tests/fuzz/make_corpus.sh).
add_executable(webnn_fuzz_corpus ${PROJECT_SOURCE_DIR}/tests/fuzz/make_corpus.cc)
target_link_libraries(webnn_fuzz_corpus PRIVATE webnn webnn_tools_common)
# Records client sessions against a service for the service_rpc seeds, and writes the
# dispatch_channel seeds (tests/fuzz/make_corpus.sh).
add_executable(webnn_fuzz_service_corpus ${PROJECT_SOURCE_DIR}/tests/fuzz/make_service_corpus.cc)
target_link_libraries(webnn_fuzz_service_corpus PRIVATE webnn_fuzz_util)
