#!/usr/bin/env bash
# The ctest of one harness: every input of its checked-in corpus, then SECONDS of fuzzing from
# there. New inputs go to WORK_DIR (in the build tree, emptied first), never into the repository.
# DICT is used when the file exists.
#   run_fuzzer.sh FUZZER CORPUS_DIR WORK_DIR SECONDS TIMEOUT [DICT]
set -euo pipefail
fuzzer=$1 corpus=$2 work=$3 seconds=$4 timeout=$5 dict=${6:-}
rm -rf "$work"
mkdir -p "$work/new" "$work/artifacts"
args=(-timeout="$timeout" -rss_limit_mb=2560 -print_final_stats=1 -artifact_prefix="$work/artifacts/")
if [ -n "$dict" ] && [ -f "$dict" ]; then args+=(-dict="$dict"); fi
# The corpus alone first: a regression input that fails names itself here.
"$fuzzer" "${args[@]}" -runs=0 "$corpus"
if [ "$seconds" -gt 0 ]; then
  "$fuzzer" "${args[@]}" -max_total_time="$seconds" "$work/new" "$corpus"
fi
