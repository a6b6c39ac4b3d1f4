#!/usr/bin/env bash
# webnn as a subproject: tests/install/subproject add_subdirectory()s this tree. It must
# configure without GTest or Python checks, define no tests, benchmarks or Python module and
# no -Werror, and give the parent webnn::webnn and webnn::webnn_static (the build graph of the
# parent's programs resolves: a dry run of ninja). Building it all again is left out (the
# install test builds and runs the same consumer against this tree's libraries).
# Usage: subproject_test.sh SOURCE_DIR WORK_DIR
set -euo pipefail
src=$(realpath "$1")
work=$2
rm -rf "$work"
mkdir -p "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake -S "$src/tests/install/subproject" -B "$work" -G Ninja -DWEBNN_SOURCE_DIR="$src" \
  -DCMAKE_BUILD_TYPE=Release >"$work/configure.log" 2>&1 || { cat "$work/configure.log"; fail "configure"; }
grep -q 'GTest\|pybind11\|benchmark' "$work/configure.log" &&
  { cat "$work/configure.log"; fail "a subproject build looked for test/Python/benchmark packages"; }
targets=$(ninja -C "$work" -t targets all)
for t in webnn_unit_tests webnn_python webnn_serialization_bench webnn_service_tests; do
  echo "$targets" | grep -q "^$t:" && fail "the subproject defines $t"
done
[ -z "$(find "$work" -name CTestTestfile.cmake)" ] || fail "the subproject adds tests to the parent"
grep -Eq -- '-Werror( |$)' "$work/build.ninja" && fail "the subproject compiles with -Werror"
for t in consumer consumer_static; do
  ninja -C "$work" -n "$t" >/dev/null || fail "no build graph for the parent's $t"
done
echo "subproject test passed"
