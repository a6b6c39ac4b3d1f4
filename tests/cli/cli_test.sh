#!/usr/bin/env bash
# CLI behaviour: help, info/validate/run/dot on the real models, and no crash or hang on bad
# files (exit status 1 with a message, never a signal). Usage: cli_test.sh REPO_DIR (with
# $WEBNN pointing at the built `webnn`).
set -u
repo=$1
webnn=${WEBNN:?set WEBNN to the webnn binary}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

check() {  # check NAME EXPECTED_STATUS CMD...; output in $tmp/out
  local name=$1 want=$2
  shift 2
  timeout 60 "$@" >"$tmp/out" 2>&1
  local got=$?
  if [ "$got" -eq "$want" ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $name: exit $got, expected $want"
    sed 's/^/  | /' "$tmp/out" | head -20
  fi
}
contains() {  # contains NAME PATTERN: the last output matches PATTERN
  if grep -q -- "$2" "$tmp/out"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $1: output lacks '$2'"
    sed 's/^/  | /' "$tmp/out" | head -20
  fi
}

lenet=$repo/models/lenet/lenet.json
check "help" 0 "$webnn" --help
contains "help lists commands" "conformance DIR"
for cmd in info validate run dot conformance demo; do
  check "$cmd --help" 0 "$webnn" "$cmd" --help
done
check "unknown command" 1 "$webnn" frobnicate
contains "unknown command message" "unknown command 'frobnicate'"

check "validate lenet" 0 "$webnn" validate "$lenet"
check "info lenet" 0 "$webnn" info "$lenet"
contains "info lists the output" "probabilities: float32 \[1, 10\]"
contains "info counts conv2d" "conv2d: 2"
check "dot lenet" 0 "$webnn" dot "$lenet"
contains "dot is a digraph" "digraph webnn"
check "run lenet digit 7" 0 "$webnn" run "$lenet" --input input="$repo/models/lenet/digit_7.png" \
  --top 1 --output-dir "$tmp/out7" --repeat 3
contains "run prints the top class" "top 1: \[7\]"
[ -f "$tmp/out7/probabilities.npy" ] && passed=$((passed + 1)) || {
  failed=$((failed + 1)); echo "FAIL run wrote no probabilities.npy"; }
check "run without input" 1 "$webnn" run "$lenet"
contains "missing input message" "missing --input input=FILE"
check "run with a wrong-shaped npy" 1 "$webnn" run "$lenet" --input input="$tmp/out7/probabilities.npy"
contains "wrong shape message" "the graph expects float32 \[1, 1, 28, 28\]"

# Bad files: each must fail cleanly (exit 1, a message), never crash or hang.
printf '' >"$tmp/empty.json"
printf 'not json at all' >"$tmp/garbage.json"
printf '{"format":"webnn-graph-json","version":1}' >"$tmp/minimal.json"
printf '{"format":"webnn-graph-json","version":1,"inputs":{},"consts":{},"nodes":[{"id":"a","op":"relu","inputs":["b"]},{"id":"b","op":"relu","inputs":["a"]}],"outputs":{"a":"a"}}' >"$tmp/cycle.json"
head -c 5000000 /dev/urandom >"$tmp/random.json"
check "validate missing file" 1 "$webnn" validate "$tmp/nope.json"
for f in empty garbage minimal random; do
  check "validate $f" 1 "$webnn" validate "$tmp/$f.json"
done
check "validate cycle" 1 "$webnn" validate "$tmp/cycle.json"
contains "cycle names the operand" "operand 'b' is defined later"
# Truncations and byte flips of a real graph file (its weights beside it).
cp "$repo/models/lenet/lenet.manifest.json" "$repo/models/lenet/lenet.weights" "$tmp/"
size=$(stat -c %s "$lenet")
for cut in 1 10 100 500 1000 1500 2000 $((size - 2)); do
  head -c "$cut" "$lenet" >"$tmp/lenet.json"
  timeout 60 "$webnn" validate "$tmp/lenet.json" >"$tmp/out" 2>&1
  st=$?
  if [ "$st" -eq 0 ] || [ "$st" -eq 1 ]; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL truncated at $cut: exit $st"; cat "$tmp/out"; fi
done
cp "$lenet" "$tmp/lenet.json"
head -c 100000 "$repo/models/lenet/lenet.weights" >"$tmp/lenet.weights"
check "validate with truncated weights" 1 "$webnn" validate "$tmp/lenet.json"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
