#!/usr/bin/env bash
# `pip install --no-build-isolation .` from the source tree, offline, into a temporary directory
# (the system's site-packages stays untouched): the dist-info is complete (version = the
# project's, the extension and the license in RECORD/METADATA) and the installed package
# imports and computes from outside the source tree.
# Usage: scripts/test-pip.sh [BUILD_DIR]
#   BUILD_DIR: an already configured build (build/release) whose module is reused; without it,
#   pip's own build directory build/pip is configured and built (a full library build).
set -euo pipefail
cd "$(dirname "$0")/.."
python=/usr/bin/python3
fail() { echo "FAIL: $*" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ $# -gt 0 ]; then
  export WEBNN_PIP_BUILD_DIR=$(realpath "$1")
fi
version=$(sed -n 's/^project(webnn_cpp VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
[ -n "$version" ] || fail "no project version in CMakeLists.txt"

echo "== pip install --no-build-isolation . (into $work/site)"
PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore \
  "$python" -m pip install --no-build-isolation --no-deps --no-cache-dir --target "$work/site" . \
  >"$work/pip.log" 2>&1 || { cat "$work/pip.log"; fail "pip install"; }

info=$work/site/webnn-$version.dist-info
[ -d "$info" ] || fail "no webnn-$version.dist-info (found: $(ls "$work/site"))"
grep -qx "Version: $version" "$info/METADATA" || fail "METADATA has another version"
grep -qx "Requires-Dist: numpy" "$info/METADATA" || fail "METADATA does not require numpy"
grep -q '^webnn/_webnn\.cpython-.*\.so,sha256=' "$info/RECORD" || fail "RECORD lacks the extension"
grep -q '^webnn/_build_info\.py,' "$info/RECORD" || fail "RECORD lacks _build_info.py"
[ -f "$info/LICENSE" ] || [ -f "$info/licenses/LICENSE" ] || fail "no LICENSE in the dist-info"

got=$(cd "$work" && PYTHONPATH=$work/site "$python" -P -c 'import webnn, numpy as np
c = webnn.ML().create_context(); b = webnn.MLGraphBuilder(c)
x = b.input("x", {"dataType": "float32", "shape": [2]})
y = c.compute(b.build({"y": b.abs(x)}), {"x": np.array([-3, 4], np.float32)})["y"]
assert y.tolist() == [3, 4], y
print(webnn.__version__, webnn.__file__)')
[ "${got%% *}" = "$version" ] || fail "webnn.__version__ is ${got%% *}"
case "${got#* }" in "$work/site/"*) ;; *) fail "imported ${got#* }, not the installed one" ;; esac
echo "pip test passed ($version)"
