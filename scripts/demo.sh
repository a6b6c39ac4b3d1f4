#!/usr/bin/env bash
# The demo: builds the CLI and classifies the ten LeNet digits, then runs the MobileNetV2
# backbone, printing results and timings. Installs the Debian packages it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C build/release webnn-cli
./build/release/webnn demo --models models
