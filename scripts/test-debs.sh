#!/usr/bin/env bash
# Installs the .debs of scripts/build-debs.sh on this machine (dpkg -i, then apt-get -f for
# missing dependencies), uses the installed files only -- `webnn --version`, `webnn demo`, the
# Python package, tests/install/consumer through find_package and pkg-config (shared and
# static) -- and removes everything again (purge, plus any package apt pulled in), whether the
# checks pass or not. Refuses to run when a webnn package is already installed. Needs root.
# Usage: scripts/test-debs.sh [PACKAGE_DIR]   (default build/deb/packages)
set -euo pipefail
cd "$(dirname "$0")/.."
src=$(pwd)
dir=${1:-build/deb/packages}
pkgs=(libwebnn libwebnn-dev webnn-tools webnnd python3-webnn)
fail() { echo "FAIL: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "installing packages needs root"
mapfile -t debs < <(ls "$dir"/*.deb)
[ ${#debs[@]} -eq ${#pkgs[@]} ] || fail "expected ${#pkgs[@]} packages in $dir, found ${#debs[@]}"
for p in "${pkgs[@]}"; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok'; then
    fail "$p is already installed; remove it first (this test leaves the machine as it found it)"
  fi
done

work=$(mktemp -d)
before=$work/before.txt
dpkg-query -W -f='${Package}\n' | sort >"$before"
cleanup() {
  set +e
  DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "${pkgs[@]}" >/dev/null 2>&1 ||
    dpkg --purge "${pkgs[@]}" >/dev/null 2>&1
  # Whatever apt-get -f brought in for them.
  mapfile -t added < <(dpkg-query -W -f='${Package}\n' | sort | comm -13 "$before" -)
  if [ ${#added[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "${added[@]}" >/dev/null 2>&1
  fi
  rm -rf "$work"
  local left=0
  for p in "${pkgs[@]}"; do
    if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok'; then
      echo "FAIL: $p is still installed" >&2
      left=1
    fi
  done
  for f in /usr/bin/webnn /usr/sbin/webnnd /usr/include/webnn /usr/lib/python3/dist-packages/webnn; do
    [ -e "$f" ] && { echo "FAIL: $f is still there after the purge" >&2; left=1; }
  done
  getent passwd webnnd >/dev/null && { echo "FAIL: the user webnnd is still there" >&2; left=1; }
  [ $left = 0 ] || exit 1
}
trap cleanup EXIT

echo "== dpkg -i ${debs[*]##*/}"
if ! dpkg -i "${debs[@]}" >"$work/dpkg.log" 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get -f install -y -qq --no-install-recommends >>"$work/dpkg.log" 2>&1 ||
    { cat "$work/dpkg.log"; fail "the packages do not install"; }
fi
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" | grep -q 'install ok installed' || fail "$p is not installed"
done

version=$(sed -n 's/#define WEBNN_VERSION_STRING "\(.*\)"/\1/p' /usr/include/webnn/version.h)
[ -n "$version" ] || fail "/usr/include/webnn/version.h has no version"
echo "== installed version $version"
[ "$(/usr/bin/webnn --version)" = "webnn $version" ] || fail "webnn --version"
[ "$(/usr/sbin/webnnd --version)" = "webnnd $version" ] || fail "webnnd --version"
getent passwd webnnd >/dev/null || fail "the webnnd package created no system user webnnd"
[ -f /usr/share/man/man1/webnn.1 ] && [ -f /usr/share/man/man8/webnnd.8 ] || fail "man pages"

echo "== webnn demo (the installed CLI, the models of the source tree)"
(cd "$work" && /usr/bin/webnn demo --models "$src/models") >"$work/demo.log" 2>&1 ||
  { cat "$work/demo.log"; fail "webnn demo"; }
tail -5 "$work/demo.log"

echo "== python3-webnn"
pyversion=$(cd "$work" && /usr/bin/python3 -P -c 'import webnn, numpy as np
c = webnn.ML().create_context(); b = webnn.MLGraphBuilder(c)
x = b.input("x", {"dataType": "float32", "shape": [3]})
y = c.compute(b.build({"y": b.relu(x)}), {"x": np.array([-1, 0, 2], np.float32)})["y"]
assert y.tolist() == [0, 0, 2], y
assert webnn.__file__.startswith("/usr/lib/python3/dist-packages/"), webnn.__file__
print(webnn.__version__)')
[ "$pyversion" = "$version" ] || fail "webnn.__version__ is $pyversion"

for kind in shared static; do
  echo "== consumer through find_package(webnn CONFIG), $kind"
  static=OFF
  [ $kind = static ] && static=ON
  cmake -S tests/install/consumer -B "$work/cmake-$kind" -DCMAKE_BUILD_TYPE=Release \
        -DWEBNN_STATIC=$static >"$work/cmake.log" 2>&1 &&
    cmake --build "$work/cmake-$kind" >>"$work/cmake.log" 2>&1 ||
    { cat "$work/cmake.log"; fail "consumer build ($kind)"; }
  "$work/cmake-$kind/consumer" | tail -1 | grep -qx "webnn $version" || fail "consumer ($kind)"
done
echo "== consumer through pkg-config, shared and static"
# shellcheck disable=SC2046
c++ -O1 -o "$work/pc-shared" tests/install/consumer/main.cc $(pkg-config --cflags --libs webnn)
"$work/pc-shared" | tail -1 | grep -qx "webnn $version" || fail "pkg-config consumer (shared)"
# shellcheck disable=SC2046
c++ -O1 -o "$work/pc-static" tests/install/consumer/main.cc $(pkg-config --cflags webnn) \
    $(pkg-config --static --libs webnn | sed 's/-lwebnn\b/-l:libwebnn.a/')
"$work/pc-static" | tail -1 | grep -qx "webnn $version" || fail "pkg-config consumer (static)"
echo "deb test passed; removing the packages"
