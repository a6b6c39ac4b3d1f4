#!/usr/bin/env bash
# The demo: builds the CLI and webnnd, starts webnnd on a private socket, classifies the ten
# LeNet digits and runs the MobileNetV2 backbone on the reference kernels and on the oneDNN
# backend through the direct, worker and service executors, printing results and timings side
# by side; then, when the npm registry is reachable, the same networks in ONNX Runtime
# (onnxruntime-node) next to ours. Installs the Debian and npm packages it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C build/release webnn-cli webnnd
./build/release/webnn demo --models models

echo
echo "== next to ONNX Runtime (same machine, same run) =="
if scripts/install-npm-deps.sh >/dev/null 2>&1 && /usr/bin/python3 bench/models/make_models.py >/dev/null 2>&1; then
  /usr/bin/python3 bench/compare_ort.py --networks lenet,mobilenetv2 --threads 1,2 --runs 20
else
  echo "(skipped: the npm packages or the ONNX models could not be prepared here; run"
  echo " scripts/bench-ort.sh to see why)"
fi
