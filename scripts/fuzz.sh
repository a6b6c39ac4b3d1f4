#!/usr/bin/env bash
# Runs long libFuzzer campaigns with the harnesses of tests/fuzz (docs/fuzzing.md).
#
#   scripts/fuzz.sh [--time SECONDS] [--jobs N] [--dir DIR] [--build BUILD_DIR] [HARNESS...]
#
# HARNESS: graph_json capnp_decode graph_exec npy image service_rpc dispatch_channel (default:
#          all, one after another).
# --time   seconds per harness (default 3600)
# --jobs   parallel fuzzing processes per harness (libFuzzer -fork; default 1)
# --dir    where the growing corpora and the findings live, outside the repository
#          (default ${WEBNN_FUZZ_DIR:-$HOME/.cache/webnn-fuzz}): DIR/NAME/corpus, DIR/NAME/findings
# --build  the clang ASan+UBSan build with the harnesses (default build/asan-clang; configured
#          and built when missing)
# A finding (crash-*, leak-*, timeout-*, oom-*) stops the harness and is left in
# DIR/NAME/findings; reproduce it with `BUILD/fuzz_NAME FILE`.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=3600 jobs=1 dir=${WEBNN_FUZZ_DIR:-$HOME/.cache/webnn-fuzz} build=build/asan-clang
harnesses=()
while [ $# -gt 0 ]; do
  case "$1" in
    --time) seconds=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) harnesses+=("$1"); shift ;;
  esac
done
[ ${#harnesses[@]} -gt 0 ] || harnesses=(graph_json capnp_decode graph_exec npy image service_rpc dispatch_channel)

if [ ! -f "$build/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DWEBNN_SANITIZE=ON -DWEBNN_FUZZ=ON >/dev/null
fi
ninja -C "$build" $(printf 'fuzz_%s ' "${harnesses[@]}")

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
for name in "${harnesses[@]}"; do
  corpus=tests/fuzz/corpus/$name
  [ "$name" = graph_exec ] && corpus=tests/fuzz/corpus/capnp_decode  # the same messages
  mkdir -p "$dir/$name/corpus" "$dir/$name/findings"
  args=(-max_total_time="$seconds" -timeout=20 -rss_limit_mb=2560 -print_final_stats=1
        -artifact_prefix="$dir/$name/findings/")
  [ -f "tests/fuzz/$name.dict" ] && args+=(-dict="tests/fuzz/$name.dict")
  [ "$jobs" -gt 1 ] && args+=(-fork="$jobs")
  echo "== fuzz_$name: ${seconds}s, $jobs job(s), corpus $dir/$name/corpus =="
  "$build/fuzz_$name" "${args[@]}" "$dir/$name/corpus" "$corpus"
done
