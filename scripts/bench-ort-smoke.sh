#!/usr/bin/env bash
# Smoke test of the ONNX Runtime comparison, outside ctest: the unit tests of how it reads our
# CLI, then scripts/bench-ort.sh end to end with few runs (every network at 1 and 2 threads,
# both runtimes, the output check). Exit status 0 when everything ran; the timings of so few
# runs mean little. Takes about a minute while our runtime has only its reference kernels.
#
# Usage: scripts/bench-ort-smoke.sh   (the results also go to build/bench-ort-smoke.json)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-/usr/bin/python3}"

(cd "$ROOT/bench" && "$PYTHON" -m unittest test_runners)
"$ROOT/scripts/bench-ort.sh" --runs 3 --warmup 1 --json "$ROOT/build/bench-ort-smoke.json"
