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
for cmd in info validate run dot convert conformance onnx-conformance demo; do
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

# ---- convert: webnn-graph-json <-> Cap'n Proto (.webnn) ------------------------------------
conv=$tmp/convert
mkdir -p "$conv/back"
check "convert lenet to .webnn" 0 "$webnn" convert "$lenet" "$conv/lenet.webnn"
contains "convert names the format" "(Cap'n Proto, 9 operations"
check "validate .webnn" 0 "$webnn" validate "$conv/lenet.webnn"
contains "validate .webnn counts the operations" "valid (9 operations)"
check "info .webnn" 0 "$webnn" info "$conv/lenet.webnn"
contains "info .webnn counts conv2d" "conv2d: 2"
contains "info .webnn lists the output" "probabilities: float32 \[1, 10\]"
check "dot .webnn" 0 "$webnn" dot "$conv/lenet.webnn"
check "convert .webnn back to json" 0 "$webnn" convert "$conv/lenet.webnn" "$conv/back/lenet.json"
contains "convert to json names the sidecar" "+ lenet.weights + lenet.manifest.json"
# json -> .webnn -> json writes the same three files as json -> json (the writer is canonical;
# the model's own files come from models/wgjson.py, which inlines nothing, so they differ).
mkdir -p "$conv/direct"
check "convert json to json" 0 "$webnn" convert "$lenet" "$conv/direct/lenet.json"
for f in lenet.json lenet.weights lenet.manifest.json; do
  if [ -s "$conv/direct/$f" ] && cmp -s "$conv/direct/$f" "$conv/back/$f"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); echo "FAIL json -> .webnn -> json differs from json -> json in $f"
  fi
done
# The three files compute the same outputs, byte for byte.
check "run .json" 0 "$webnn" run "$lenet" --input input="$repo/models/lenet/digit_3.png" \
  --output-dir "$conv/out_json" --top 1
contains "run .json classifies 3" "top 1: \[3\]"
check "run .webnn" 0 "$webnn" run "$conv/lenet.webnn" --input input="$repo/models/lenet/digit_3.png" \
  --output-dir "$conv/out_webnn" --top 1
contains "run .webnn classifies 3" "top 1: \[3\]"
check "run converted-back .json" 0 "$webnn" run "$conv/back/lenet.json" \
  --input input="$repo/models/lenet/digit_3.png" --output-dir "$conv/out_back"
for d in out_webnn out_back; do
  if [ -s "$conv/out_json/probabilities.npy" ] &&
    cmp -s "$conv/out_json/probabilities.npy" "$conv/$d/probabilities.npy"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); echo "FAIL $d/probabilities.npy differs from the .json run's"
  fi
done
# --to overrides the extension; the format of IN is told by content, not by name.
check "convert --to capnp" 0 "$webnn" convert "$lenet" "$conv/lenet.bin" --to capnp
check "validate a capnp file named .bin" 0 "$webnn" validate "$conv/lenet.bin"
check "convert --to json" 0 "$webnn" convert "$conv/lenet.bin" "$conv/lenet2.txt" --to json
check "validate a json file named .txt" 0 "$webnn" validate "$conv/lenet2.txt"
cp "$conv/lenet.webnn" "$conv/disguised.json"
check "validate a capnp file named .json" 0 "$webnn" validate "$conv/disguised.json"
# Usage and bad input.
check "convert without OUT" 2 "$webnn" convert "$lenet"
check "convert to an unknown extension" 1 "$webnn" convert "$lenet" "$conv/lenet.tflite"
contains "unknown extension message" "name it .json, .webnn or .onnx, or pass --to"
check "convert --to bogus" 1 "$webnn" convert "$lenet" "$conv/x.webnn" --to tflite
contains "bad --to message" "--to must be json, capnp or onnx"
# ONNX export, and the export imported again.
check "convert to .onnx" 0 "$webnn" convert "$lenet" "$conv/lenet.onnx"
contains "onnx export message" "(ONNX, 9 operations"
check "validate the exported ONNX" 0 "$webnn" validate "$conv/lenet.onnx"
check "convert --to onnx" 0 "$webnn" convert "$conv/lenet.webnn" "$conv/lenet-onnx.bin" --to onnx
check "info on the exported ONNX" 0 "$webnn" info "$conv/lenet-onnx.bin"
contains "exported ONNX keeps the output" "probabilities: float32 .1, 10."
check "convert a missing file" 1 "$webnn" convert "$tmp/nope.json" "$conv/x.webnn"
check "convert garbage" 1 "$webnn" convert "$tmp/garbage.json" "$conv/x.webnn"
[ ! -e "$conv/x.webnn" ] && passed=$((passed + 1)) || {
  failed=$((failed + 1)); echo "FAIL a failed convert left $conv/x.webnn behind"; }
check "convert into a missing folder" 1 "$webnn" convert "$lenet" "$tmp/no/such/dir/x.webnn"

# ---- Malformed .webnn files: exit 1 with a message, never a signal or a hang ----------------
webnn_file=$conv/lenet.webnn
wsize=$(stat -c %s "$webnn_file")
for cut in 0 1 4 7 8 9 16 100 1000 4096 $((wsize / 2)) $((wsize - 8)) $((wsize - 1)); do
  head -c "$cut" "$webnn_file" >"$conv/cut.webnn"
  check "validate .webnn truncated at $cut" 1 "$webnn" validate "$conv/cut.webnn"
done
head -c 100 "$webnn_file" >"$conv/cut.webnn"
check "validate .webnn truncated at 100" 1 "$webnn" validate "$conv/cut.webnn"
contains "truncation message" "truncated"
flip() {  # flip FILE OFFSET: XOR the byte at OFFSET with 0xff
  local b
  b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
  printf "$(printf '\\%03o' $((b ^ 255)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
# The segment table (bytes 0-7) and the graph's structure: a flip there must be rejected or be
# harmless; a flip inside a weight tensor's bytes leaves a valid graph (exit 0 is right then).
rejected=0
for off in 0 1 2 3 4 5 6 7 8 12 16 20 24 32 40 48 64 80 96 128 160 200 256 300 400 512 600 \
  800 1024 1500 2048 3000 4096 $((wsize / 3)) $((wsize / 2)) $((wsize - 8)) $((wsize - 1)); do
  cp "$webnn_file" "$conv/flip.webnn"
  flip "$conv/flip.webnn" "$off"
  if cmp -s "$webnn_file" "$conv/flip.webnn"; then
    failed=$((failed + 1)); echo "FAIL flip at $off did not change the file"; continue; fi
  timeout 60 "$webnn" validate "$conv/flip.webnn" >"$tmp/out" 2>&1
  st=$?
  if [ "$st" -eq 0 ] || [ "$st" -eq 1 ]; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL byte $off flipped: exit $st"; sed 's/^/  | /' "$tmp/out"; fi
  if [ "$st" -eq 1 ]; then rejected=$((rejected + 1)); fi
  if [ "$off" -lt 8 ] && [ "$st" -ne 1 ]; then
    failed=$((failed + 1)); echo "FAIL segment table byte $off flipped: exit $st, expected 1"; fi
done
if [ "$rejected" -ge 10 ]; then passed=$((passed + 1)); else
  failed=$((failed + 1)); echo "FAIL only $rejected byte flips were rejected"; fi
head -c 200000 /dev/urandom >"$conv/random.webnn"
check "validate random bytes named .webnn" 1 "$webnn" validate "$conv/random.webnn"
# Random bytes behind a plausible segment table (one segment): read as Cap'n Proto, rejected.
{ printf '\000\000\000\000\000\100\000\000'; head -c 131072 /dev/urandom; } >"$conv/random2.webnn"
check "validate random segment named .webnn" 1 "$webnn" validate "$conv/random2.webnn"
check "run random bytes named .webnn" 1 "$webnn" run "$conv/random2.webnn" --input x=y.npy
check "convert random bytes named .webnn" 1 "$webnn" convert "$conv/random2.webnn" "$conv/r.json"

# ---- ONNX import -------------------------------------------------------------------------------
onnx=$tmp/onnx
mkdir -p "$onnx"
free=$repo/tests/onnx/free_dim.onnx
check "info on an ONNX model with a free dimension" 1 "$webnn" info "$free"
contains "the free dimension is named" "free dimension 'batch'"
check "info --dim" 0 "$webnn" info "$free" --dim batch=4
contains "info --dim sized the input" "x: float32 \[4, 3\]"
check "validate --dim" 0 "$webnn" validate --dim batch=1 "$free"
check "dot --dim" 0 "$webnn" dot "$free" --dim batch=1
check "validate --dim without a value" 1 "$webnn" validate "$free" --dim
check "convert ONNX with --dim" 0 "$webnn" convert "$free" "$onnx/free.json" --dim batch=2
check "the converted ONNX model validates" 0 "$webnn" validate "$onnx/free.json"
check "info on the converted model" 0 "$webnn" info "$onnx/free.json"
contains "--dim sized the input" "x: float32 \[2, 3\]"
check "convert --dim with a bad value" 1 "$webnn" convert "$free" "$onnx/f.json" --dim batch=zero
contains "bad --dim names the dimension" "dim batch"
check "convert --report of a model that imports" 0 "$webnn" convert "$free" --report --dim batch=1
contains "report counts no blockers" "0 node(s) block the import"
testdata=/usr/share/libonnx-testdata/data/node
if [ -d "$testdata" ]; then
  check "convert --report of a blocked model" 1 "$webnn" convert "$testdata/test_nonzero_example/model.onnx" --report
  contains "report names the op" "(NonZero): no WebNN equivalent"
  check "convert ONNX to .webnn" 0 "$webnn" convert "$testdata/test_relu/model.onnx" "$onnx/relu.webnn"
  check "info ONNX counts relu" 0 "$webnn" info "$testdata/test_relu/model.onnx"
  contains "info ONNX relu" "relu: 1"
  check "onnx-conformance on one test" 0 "$webnn" onnx-conformance "$testdata/test_relu"
  contains "onnx-conformance summary" "1 passed, 0 failed, 0 skipped"
fi

# ---- The flag parser: every command's flags come from one declarative parser ----------------
for cmd in bench ping info; do
  check "$cmd --help" 0 "$webnn" "$cmd" --help
done
contains "help is generated from the declarations" "\-\-dim NAME=VALUE"
check "unknown flag" 1 "$webnn" run "$lenet" --inptu input=x.npy
contains "unknown flag is named" "unknown option --inptu"
check "a number with junk" 1 "$webnn" run "$lenet" --repeat 3x
contains "bad number names the flag" "\-\-repeat: expected a whole number, got '3x'"
check "a negative count" 1 "$webnn" run "$lenet" --repeat -1
contains "negative count is refused" "\-\-repeat: expected a whole number"
check "a number out of range" 1 "$webnn" run "$lenet" --repeat 0
contains "range check names the bound" "\-\-repeat: 0 is out of range (at least 1)"
check "an overflowing number" 1 "$webnn" bench "$lenet" --runs 99999999999999999999
contains "overflow is out of range" "out of range"
check "a flag without its value" 1 "$webnn" run "$lenet" --top
contains "missing value is named" "\-\-top needs a value"
check "a bad choice" 1 "$webnn" run "$lenet" --executor gpu
contains "choices are listed" "\-\-executor must be direct, worker or service, got 'gpu'"
check "--flag=value form" 0 "$webnn" run "$lenet" --input=input="$repo/models/lenet/digit_2.png" --top=1
contains "--flag=value works" "top 1: \[2\]"
check "a switch given a value" 1 "$webnn" run "$lenet" --profile=yes
check "a stray argument" 1 "$webnn" info "$lenet" extra
contains "stray argument is named" "unexpected argument 'extra'"

# ---- run: output summary, --profile and a Chrome trace ---------------------------------------
check "run prints a summary" 0 "$webnn" run "$lenet" --input input="$repo/models/lenet/digit_4.png"
contains "summary has the shape" "probabilities: float32 \[1, 10\]  min "
contains "summary has the mean" " mean 0.1"
grep -q '^  \[[-0-9e.]*, ' "$tmp/out" && passed=$((passed + 1)) || {
  failed=$((failed + 1)); echo "FAIL the summary lacks the first values"; cat "$tmp/out"; }
for backend in onednn reference; do
  check "run --profile ($backend)" 0 "$webnn" run "$lenet" --input input="$repo/models/lenet/digit_4.png" \
    --profile --repeat 3 --backend $backend --trace "$tmp/trace-$backend.json"
  contains "profile table ($backend)" "per-step times"
  contains "profile names a conv2d step ($backend)" " conv2d"
  # The table is sorted by cost, and the trace holds one complete event per step per run.
  if python3 - "$tmp/out" "$tmp/trace-$backend.json" <<'PY'
import json, re, sys
rows = [l for l in open(sys.argv[1]) if re.match(r"^\s+[0-9.]+\s+[0-9.]+\s+[0-9.]+\s+\d+\s+#", l)]
totals = [float(l.split()[0]) for l in rows]
assert rows and totals == sorted(totals, reverse=True), totals
assert all(int(l.split()[3]) == 3 for l in rows), rows
trace = json.load(open(sys.argv[2]))
events = trace["traceEvents"]
assert len(events) == 3 * len(rows), (len(events), len(rows))
assert all(e["ph"] == "X" and e["dur"] >= 0 and "name" in e for e in events)
PY
  then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL profile/trace check ($backend)"; fi
done
check "--profile on the service executor" 1 "$webnn" run "$lenet" --profile --executor service
contains "service profiling is refused clearly" "graphs in webnnd are not profiled"

# ---- bench ----------------------------------------------------------------------------------
check "bench text" 0 "$webnn" bench "$lenet" --runs 20 --warmup 2
contains "bench prints percentiles" "p50 .*p90 .*p99"
contains "bench prints throughput" "throughput: "
contains "bench counts the runs" "runs: 20 in"
check "bench json, 2 request threads, worker" 0 "$webnn" bench "$lenet" -c 2 -n 30 --json --executor worker \
  --input input="$repo/models/lenet/digit_1.png"
if python3 - "$tmp/out" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["runs"] == 30 and r["concurrency"] == 2 and r["executor"] == "worker", r
l = r["latency_ms"]
assert 0 < l["min"] <= l["p50"] <= l["p90"] <= l["p99"] <= l["max"], l
assert r["throughput_per_s"] > 0
PY
then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL bench --json"; cat "$tmp/out"; fi
check "bench for a duration" 0 "$webnn" bench "$lenet" --duration 0.2 --warmup 0 --backend reference
check "bench --runs and --duration" 1 "$webnn" bench "$lenet" --runs 5 --duration 1
check "bench a misspelled input" 1 "$webnn" bench "$lenet" --input inptu="$repo/models/lenet/digit_1.png"
contains "bench names the graph's inputs" "no input named 'inptu' (its inputs: input)"

# ---- dot: attributes, constant shapes, --svg ---------------------------------------------------
mnet=$repo/models/mobilenetv2/mobilenetv2.json
check "dot mobilenetv2" 0 "$webnn" dot "$mnet"
contains "dot shows strides" "strides: \[2, 2\]"
contains "dot shows groups" "groups: 32"
contains "dot shows a filter's shape" "filter: const float32 \[32, 3, 3, 3\]"
# Graphviz is a test dependency (scripts/install-deps.sh installs it): no silent skip.
check "dot --svg" 0 "$webnn" dot "$lenet" --svg "$tmp/lenet.svg"
grep -q "<svg" "$tmp/lenet.svg" && grep -q "conv2d" "$tmp/lenet.svg" && passed=$((passed + 1)) || {
  failed=$((failed + 1)); echo "FAIL dot --svg wrote no SVG with the graph"; }
check "dot --svg into a missing folder" 1 "$webnn" dot "$lenet" --svg "$tmp/no/such/x.svg"

# ---- Rough edges: every message says what went wrong, once, in our words ---------------------
check "validate a missing file" 1 "$webnn" validate "$tmp/nope.json"
contains "a missing file gives errno's text" "nope.json: cannot open: No such file or directory"
[ "$(grep -o "nope.json" "$tmp/out" | wc -l)" -eq 1 ] && passed=$((passed + 1)) || {
  failed=$((failed + 1)); echo "FAIL validate names the file more than once"; cat "$tmp/out"; }
check "validate garbage names the file once" 1 "$webnn" validate "$tmp/garbage.json"
[ "$(grep -o "garbage.json" "$tmp/out" | wc -l)" -eq 1 ] && passed=$((passed + 1)) || {
  failed=$((failed + 1)); echo "FAIL validate garbage names the file more than once"; cat "$tmp/out"; }
head -c 700 "$lenet" >"$tmp/truncated.json"
check "validate truncated JSON" 1 "$webnn" validate "$tmp/truncated.json"
contains "JSON errors give line and column" "invalid JSON at line [0-9]*, column [0-9]*"
if grep -q "json.exception\|syntax error while parsing\|last read" "$tmp/out"; then
  failed=$((failed + 1)); echo "FAIL a raw nlohmann message leaked"; cat "$tmp/out"
else passed=$((passed + 1)); fi
mkdir -p "$tmp/adir"
check "a directory as the graph" 1 "$webnn" validate "$tmp/adir"
contains "a directory is named as one" "adir: is a directory, not a file"
check "a directory as an input" 1 "$webnn" run "$lenet" --input input="$tmp/adir"
contains "an input directory is named as one" "input 'input': .*adir: is a directory, not a file"
if grep -q "basic_filebuf\|underflow" "$tmp/out"; then
  failed=$((failed + 1)); echo "FAIL a libstdc++ message leaked"; else passed=$((passed + 1)); fi
check "a missing .npy input" 1 "$webnn" run "$lenet" --input input="$tmp/nope.npy"
contains "a missing input says why" "nope.npy: cannot open: No such file or directory"
check "a misspelled --input name" 1 "$webnn" run "$lenet" --input inptu="$repo/models/lenet/digit_1.png"
contains "the misspelled name and the graph's inputs are named" "no input named 'inptu' (its inputs: input)"
head -c 2000 "$repo/models/mobilenetv2/test.jpg" >"$tmp/truncated.jpg"
check "a truncated JPEG" 1 "$webnn" run "$lenet" --input input="$tmp/truncated.jpg"
contains "a truncated JPEG is an error" "JPEG: truncated or corrupt"
if grep -q "^Premature end" "$tmp/out"; then
  failed=$((failed + 1)); echo "FAIL libjpeg printed on stderr"; else passed=$((passed + 1)); fi
touch "$tmp/afile"
check "--output-dir on a file" 1 "$webnn" run "$lenet" --input input="$repo/models/lenet/digit_1.png" \
  --output-dir "$tmp/afile"
contains "--output-dir on a file is named" "\-\-output-dir .*afile: exists and is not a directory"
if grep -q "filesystem error" "$tmp/out"; then
  failed=$((failed + 1)); echo "FAIL a std::filesystem message leaked"; else passed=$((passed + 1)); fi
check "convert into a missing folder (json)" 1 "$webnn" convert "$lenet" "$tmp/no/such/dir/x.json"
contains "save errors say why" "No such file or directory"
if grep -q "\.tmp" "$tmp/out"; then
  failed=$((failed + 1)); echo "FAIL a save error names the temporary file"; else passed=$((passed + 1)); fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
