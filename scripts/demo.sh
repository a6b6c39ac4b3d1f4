#!/usr/bin/env bash
# The demo: builds the CLI and webnnd, starts webnnd on a private socket, classifies the ten
# LeNet digits and runs the MobileNetV2 backbone with the direct, worker and service executors,
# printing results and timings side by side. Installs the Debian packages it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C build/release webnn-cli webnnd
./build/release/webnn demo --models models
