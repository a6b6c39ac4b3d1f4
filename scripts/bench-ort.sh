#!/usr/bin/env bash
# Times our runtime against ONNX Runtime in one run and prints the Markdown table of
# bench/compare_ort.py. Steps: npm packages (scripts/install-npm-deps.sh), a Release build of
# the webnn CLI only, the generated models (bench/models/make_models.py), the check that both
# runtimes compute the same outputs (bench/check_peer.py), then the timing.
#
# Usage: scripts/bench-ort.sh [compare_ort.py options, e.g. --runs 20 --networks encoder]
# Env: PYTHON (default /usr/bin/python3, Debian's: it has python3-onnx), BUILD_DIR (default
# build/release).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-/usr/bin/python3}"
BUILD_DIR="${BUILD_DIR:-$ROOT/build/release}"

echo "== npm packages ==" >&2
"$ROOT/scripts/install-npm-deps.sh" >&2
echo "== webnn CLI ($BUILD_DIR) ==" >&2
[ -f "$BUILD_DIR/build.ninja" ] ||
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >&2
ninja -C "$BUILD_DIR" webnn-cli >&2
echo "== models ==" >&2
"$PYTHON" "$ROOT/bench/models/make_models.py" >&2
echo "== same outputs ==" >&2
"$PYTHON" "$ROOT/bench/check_peer.py" --webnn "$BUILD_DIR/webnn" >&2
echo "== timing ==" >&2
"$PYTHON" "$ROOT/bench/compare_ort.py" --webnn "$BUILD_DIR/webnn" "$@"
