#!/usr/bin/env bash
# Builds the Debian packages (libwebnn, libwebnn-dev, webnn-tools, webnnd, python3-webnn) with
# CPack from a build configured for /usr (cmake/packaging.cmake). Output: build/deb/packages/.
# Usage: scripts/build-debs.sh [BUILD_DIR]     (needs dpkg-dev for dpkg-shlibdeps)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/deb}
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
  -DWEBNN_BUILD_TESTS=OFF -DWEBNN_BUILD_BENCH=OFF -DWEBNN_BUILD_PYTHON=ON \
  -DWEBNN_PYTHON_INSTALL_DIR=lib/python3/dist-packages -DWEBNN_SYSTEMD_UNIT_DIR=lib/systemd/system \
  -DWEBNN_DEB_LAYOUT=ON \
  "${launcher[@]}" >/dev/null
ninja -C "$build" -j"${JOBS:-$(nproc)}"
rm -rf "$build/packages"
(cd "$build" && cpack -G DEB >/dev/null)
ls -1 "$build"/packages/*.deb
