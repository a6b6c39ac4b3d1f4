#!/usr/bin/env bash
# Installs a build into a fresh prefix and uses it as an outside project would:
#   - the installed public headers compile on their own (nothing from src/ leaks),
#   - `webnn --version`, `webnnd --version` and the installed webnnd's ping reply carry the
#     version of include/webnn/version.h,
#   - tests/install/consumer builds and runs through find_package(webnn CONFIG) against the
#     shared and the static library, and through pkg-config against both,
#   - the installed Python package imports and reports the same version.
# Usage: install_test.sh BUILD_DIR SOURCE_DIR WORK_DIR
set -euo pipefail
build=$(realpath "$1")
src=$(realpath "$2")
work=$3
rm -rf "$work"
mkdir -p "$work"
work=$(realpath "$work")
prefix=$work/prefix
fail() { echo "FAIL: $*" >&2; exit 1; }

echo "== cmake --install $build --prefix $prefix"
cmake --install "$build" --prefix "$prefix" >"$work/install.log"

libdir=$(dirname "$(find "$prefix" -name libwebnn.a -print -quit)")
[ -n "$libdir" ] && [ "$libdir" != . ] || fail "no libwebnn.a installed"
soname=$(readelf -d "$libdir/libwebnn.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
for f in "$libdir/libwebnn.so" "$libdir/$soname" "$libdir/cmake/webnn/webnnConfig.cmake" \
         "$libdir/cmake/webnn/webnnConfigVersion.cmake" "$libdir/pkgconfig/webnn.pc" \
         "$prefix/include/webnn/webnn.h" "$prefix/include/webnn/version.h" \
         "$prefix/bin/webnn" "$prefix/sbin/webnnd" \
         "$prefix/share/man/man1/webnn.1" "$prefix/share/man/man8/webnnd.8"; do
  [ -e "$f" ] || fail "$f was not installed"
done
[ -n "$(find "$prefix/share/doc" -name LICENSE)" ] || fail "LICENSE was not installed"

echo "== the library is the runtime alone: no image codecs"
if readelf -d "$libdir/libwebnn.so" | grep NEEDED | grep -Ei 'png|jpeg'; then
  fail "libwebnn.so loads an image library"
fi
if nm -u "$libdir/libwebnn.a" 2>/dev/null | grep -Eq ' (png|jpeg)_'; then
  fail "libwebnn.a needs libpng/libjpeg symbols"
fi

echo "== the public headers compile alone, with only the installed include directory"
for h in "$prefix"/include/webnn/*.h; do
  echo "#include <webnn/$(basename "$h")>" |
    c++ -std=c++20 -fsyntax-only -Wall -Werror -I"$prefix/include" -x c++ - ||
    fail "$h does not compile on its own"
done
if grep -rn '#include "' "$prefix/include/webnn" | grep -v '"webnn/'; then
  fail "an installed header includes something outside webnn/"
fi

version=$(sed -n 's/#define WEBNN_VERSION_STRING "\(.*\)"/\1/p' "$prefix/include/webnn/version.h")
[ -n "$version" ] || fail "no WEBNN_VERSION_STRING in version.h"
[ "$("$prefix/bin/webnn" --version)" = "webnn $version" ] || fail "webnn --version is not $version"
[ "$("$prefix/sbin/webnnd" --version)" = "webnnd $version" ] || fail "webnnd --version is not $version"
grep -q "webnn $version" "$prefix/share/man/man1/webnn.1" || fail "webnn.1 does not name $version"
# The installed daemon answers the installed CLI's ping with the same version.
ping=$(bash "$src/tests/service/with_daemon.sh" "$prefix/sbin/webnnd" \
         "$prefix/bin/webnn" ping --endpoint @ENDPOINT@ --count 1) || fail "webnn ping: $ping"
echo "$ping" | head -1 | grep -q "^webnnd $version " || fail "the ping reply is not webnnd $version: $ping"

run_consumer() {  # NAME BINARY: runs it and checks that it reports the installed version
  local out
  out=$("$2") || fail "$1: the consumer failed: $out"
  echo "$out"
  [ "$(echo "$out" | tail -1)" = "webnn $version" ] || fail "$1: reports another version"
}

for kind in shared static; do
  echo "== find_package(webnn CONFIG), $kind"
  static=OFF
  [ $kind = static ] && static=ON
  cmake -S "$src/tests/install/consumer" -B "$work/cmake-$kind" -G Ninja \
        -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" -DWEBNN_STATIC=$static \
        >"$work/cmake-$kind.log" || { cat "$work/cmake-$kind.log"; fail "configure ($kind)"; }
  cmake --build "$work/cmake-$kind" >>"$work/cmake-$kind.log" ||
    { cat "$work/cmake-$kind.log"; fail "build ($kind)"; }
  needed=$(readelf -d "$work/cmake-$kind/consumer" | grep NEEDED || true)
  if [ $kind = shared ]; then
    echo "$needed" | grep -q "\[$soname\]" || fail "the shared consumer does not load $soname"
  else
    echo "$needed" | grep -q libwebnn && fail "the static consumer still loads libwebnn.so"
  fi
  run_consumer "cmake $kind" "$work/cmake-$kind/consumer"
done

echo "== pkg-config, shared"
export PKG_CONFIG_PATH=$libdir/pkgconfig
[ "$(pkg-config --modversion webnn)" = "$version" ] || fail "webnn.pc has another version"
# shellcheck disable=SC2046
c++ -O1 -o "$work/pc-shared" "$src/tests/install/consumer/main.cc" \
    $(pkg-config --cflags --libs webnn) || fail "pkg-config build (shared)"
LD_LIBRARY_PATH=$libdir run_consumer "pkg-config shared" "$work/pc-shared"

echo "== pkg-config --static, libwebnn.a"
# -l:libwebnn.a picks the archive where -lwebnn would pick the shared library beside it.
# shellcheck disable=SC2046
c++ -O1 -o "$work/pc-static" "$src/tests/install/consumer/main.cc" $(pkg-config --cflags webnn) \
    $(pkg-config --static --libs webnn | sed 's/-lwebnn\b/-l:libwebnn.a/') ||
  fail "pkg-config build (static)"
readelf -d "$work/pc-static" | grep NEEDED | grep -q libwebnn && fail "pc-static loads libwebnn.so"
run_consumer "pkg-config static" "$work/pc-static"

pydir=$(find "$prefix" -path '*-packages/webnn/__init__.py' -print -quit)
if [ -n "$pydir" ]; then
  echo "== the Python package"
  pyversion=$(cd "$work" && PYTHONPATH=$(dirname "$(dirname "$pydir")") /usr/bin/python3 -P -c \
    'import webnn, numpy as np; c = webnn.ML().create_context(); b = webnn.MLGraphBuilder(c)
x = b.input("x", {"dataType": "float32", "shape": [3]})
y = c.compute(b.build({"y": b.relu(x)}), {"x": np.array([-1, 0, 2], np.float32)})["y"]
assert y.tolist() == [0, 0, 2], y
print(webnn.__version__)')
  [ "$pyversion" = "$version" ] || fail "webnn.__version__ is $pyversion, not $version"
fi
echo "install test passed ($version)"
