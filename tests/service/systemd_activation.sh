#!/usr/bin/env bash
# webnnd under socket activation and the Type=notify protocol, without systemd as PID 1:
# systemd-socket-activate binds the socket and starts webnnd on the first connection, a
# datagram socket stands in for $NOTIFY_SOCKET. Checks: `webnn ping` and a LeNet dispatch
# through the activated socket (results equal to the direct executor's), READY=1 after
# start-up, RELOADING=1 then READY=1 on SIGHUP, STOPPING=1 and exit status 0 on SIGTERM.
# Usage: systemd_activation.sh WEBNND WEBNN SOURCE_DIR
set -euo pipefail
webnnd=$1 webnn=$2 src=$3
root_flag=(); [ "$(id -u)" -eq 0 ] && root_flag=(--allow-root)  # the sandbox refuses root otherwise
py=/usr/bin/python3
dir=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*"
  echo "--- webnnd log"; cat "$dir/log" || true
  echo "--- notifications"; cat "$dir/notify.log" || true
  exit 1
}
wait_for() {  # wait_for FILE PATTERN: until FILE has a line matching PATTERN (30 s)
  for _ in $(seq 1500); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.02
  done
  fail "no '$2' in $1"
}

touch "$dir/notify.log"
$py "$src/tests/service/notify_listener.py" "$dir/notify" "$dir/notify.log" &
pids+=($!)
for _ in $(seq 500); do [ -S "$dir/notify" ] && break; sleep 0.02; done

sock="$dir/run/webnnd.sock"
mkdir -m 0700 "$dir/run"
NOTIFY_SOCKET="$dir/notify" systemd-socket-activate -l "$sock" -E NOTIFY_SOCKET \
  "$webnnd" "${root_flag[@]}" --log-level info --threads 2 2>"$dir/log" &
activator=$!
pids+=($activator)
for _ in $(seq 500); do [ -S "$sock" ] && break; sleep 0.02; done
[ -S "$sock" ] || fail "systemd-socket-activate did not bind $sock"

# The first connection starts webnnd on the passed socket.
out=$("$webnn" ping --endpoint "unix:$sock" --count 3) || fail "ping: $out"
echo "$out"
grep -q "^webnnd " <<<"$out" || fail "ping did not name the service: $out"
grep -q "listening on unix:$sock (socket activation)" "$dir/log" || fail "not socket-activated"
grep -q "socket activation: yes" "$dir/log" || fail "no start-up line"
wait_for "$dir/notify.log" "^READY=1$"

# A dispatch through the activated service gives the direct executor's numbers.
run=("$webnn" run "$src/models/lenet/lenet.json" --input "input=$src/models/lenet/digit_3.png"
     --top 3)
direct=$("${run[@]}" | grep " top 3: ") || fail "direct run"
served=$("${run[@]}" --executor service --endpoint "unix:$sock" | grep " top 3: ") ||
  fail "service run"
[ -n "$direct" ] && [ "$direct" = "$served" ] || fail "service run differs: '$served' vs '$direct'"

# The service's pid: the activator runs webnnd as its own process (it execs).
pid=$activator
kill -HUP "$pid"
wait_for "$dir/notify.log" "^RELOADING=1$"
wait_for "$dir/log" "SIGHUP: reloaded"
[ "$(grep -c '^READY=1$' "$dir/notify.log")" -ge 2 ] || sleep 0.5
[ "$(grep -c '^READY=1$' "$dir/notify.log")" -ge 2 ] || fail "no READY=1 after the reload"
"$webnn" ping --endpoint "unix:$sock" --count 1 >/dev/null || fail "ping after SIGHUP"

kill -TERM "$pid"
status=0
wait "$pid" || status=$?
[ "$status" -eq 0 ] || fail "exit status $status after SIGTERM"
wait_for "$dir/notify.log" "^STOPPING=1$"
grep -q "drained" "$dir/log" || fail "no drain in the log"
echo "PASS: socket activation, ping, dispatch, READY/RELOADING/STOPPING, exit 0"
