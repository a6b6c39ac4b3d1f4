#!/usr/bin/env bash
# Builds the Debian packages (libwebnn, libwebnn-dev, webnn-tools, webnnd, python3-webnn) with
# CPack (cmake/packaging.cmake) into BUILD_DIR/packages/.
# Usage: scripts/build-debs.sh [BUILD_DIR]        (needs dpkg-dev for dpkg-shlibdeps)
#   BUILD_DIR defaults to build/deb, a Release build without tests made for this. An existing
#   build directory (e.g. build/release after scripts/test.sh built it) is reused: only its
#   install layout is switched to /usr, so nothing is compiled again.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/deb}
layout=(-DCMAKE_INSTALL_PREFIX=/usr -DWEBNN_PYTHON_INSTALL_DIR=lib/python3/dist-packages
        -DWEBNN_SYSTEMD_UNIT_DIR=lib/systemd/system -DWEBNN_DEB_LAYOUT=ON -DWEBNN_INSTALL=ON)
if [ -f "$build/CMakeCache.txt" ]; then
  cmake "${layout[@]}" "$build" >/dev/null
else
  launcher=()
  if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  fi
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DWEBNN_BUILD_TESTS=OFF \
    -DWEBNN_BUILD_BENCH=OFF -DWEBNN_BUILD_PYTHON=ON "${layout[@]}" "${launcher[@]}" >/dev/null
fi
ninja -C "$build" -j"${JOBS:-$(nproc)}" >/dev/null
rm -rf "$build/packages"
(cd "$build" && cpack -G DEB >cpack.log 2>&1) || { cat "$build/cpack.log"; exit 1; }
ls -1 "$build"/packages/*.deb
