#!/usr/bin/env bash
# Scale-out: three webnnd instances on loopback TCP behind HAProxy (TCP mode, health checks),
# 16 clients, one instance killed mid-run. Half the clients go through HAProxy, half give the
# client the three endpoints as a list (client-side failover). Every client must finish all
# its work with the direct executor's results; a run cut off by the kill is retried on a new
# connection (a reconnect), which HAProxy or the endpoint list sends to a live instance.
# Usage: haproxy_failover.sh WEBNND WEBNN SOURCE_DIR
set -euo pipefail
webnnd=$1 webnn=$2 src=$3
root_flag=(); [ "$(id -u)" -eq 0 ] && root_flag=(--allow-root)  # the sandbox refuses root otherwise
py=/usr/bin/python3
command -v haproxy >/dev/null || { echo "FAIL: haproxy is not installed (scripts/install-deps.sh)"; exit 1; }
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
  for f in "$dir"/*.log; do echo "--- $f"; tail -20 "$f"; done
  exit 1
}
free_port() {
  $py -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$dir/token"
chmod 600 "$dir/token"
ports=()
for i in 1 2 3; do
  port=$(free_port)
  ports+=("$port")
  "$webnnd" "${root_flag[@]}" --listen "tcp:127.0.0.1:$port" --token-file "$dir/token" --threads 1 \
    --log-level info 2>"$dir/webnnd$i.log" &
  eval "webnnd_pid$i=$!"
  pids+=($!)
done
for i in 1 2 3; do
  for _ in $(seq 1500); do grep -q "listening on" "$dir/webnnd$i.log" && break; sleep 0.02; done
  grep -q "listening on" "$dir/webnnd$i.log" || fail "webnnd $i did not start"
done

front=$(free_port)
cat >"$dir/haproxy.cfg" <<CFG
global
  maxconn 256
defaults
  mode tcp
  timeout connect 2s
  timeout client 120s
  timeout server 120s
  retries 3
  option redispatch
frontend webnn
  bind 127.0.0.1:$front
  default_backend webnnd
backend webnnd
  balance roundrobin
  default-server check inter 200ms fall 2 rise 2 on-marked-down shutdown-sessions
  server w1 127.0.0.1:${ports[0]}
  server w2 127.0.0.1:${ports[1]}
  server w3 127.0.0.1:${ports[2]}
CFG
haproxy -c -f "$dir/haproxy.cfg" >"$dir/haproxy-check.log" 2>&1 || fail "haproxy config"
haproxy -db -f "$dir/haproxy.cfg" >"$dir/haproxy.log" 2>&1 &
pids+=($!)
for _ in $(seq 500); do
  "$webnn" ping --endpoint "tcp:127.0.0.1:$front" --token-file "$dir/token" --count 1 \
    >/dev/null 2>&1 && break
  sleep 0.05
done
"$webnn" ping --endpoint "tcp:127.0.0.1:$front" --token-file "$dir/token" --count 1 \
  >/dev/null || fail "no service behind haproxy"

lenet="$src/models/lenet/lenet.json"
want=()
for digit in 0 1 2 3; do
  want+=("$("$webnn" run "$lenet" --input "input=$src/models/lenet/digit_$digit.png" --top 3 |
           grep ' top 3: ')")
done

# One client: 3 units of work, each a LeNet run of 40 dispatches on one connection; a unit
# whose connection is lost is run again on a new one (up to 10 attempts).
client() {
  local id=$1 endpoint=$2 digit=$(( $1 % 4 )) retries=0
  for unit in 1 2 3; do
    local done=0
    for attempt in $(seq 10); do
      if out=$("$webnn" run "$lenet" --input "input=$src/models/lenet/digit_$digit.png" --top 3 \
                 --repeat 40 --executor service --endpoint "$endpoint" \
                 --token-file "$dir/token" 2>&1); then
        got=$(grep ' top 3: ' <<<"$out")
        [ "$got" = "${want[$digit]}" ] || { echo "client $id: wrong result '$got'"; return 1; }
        done=1
        break
      fi
      retries=$((retries + 1))
      echo "client $id unit $unit attempt $attempt: $(tail -1 <<<"$out")" >>"$dir/retries.txt"
      sleep 0.1
    done
    [ "$done" -eq 1 ] || { echo "client $id: unit $unit never finished"; return 1; }
  done
  echo "$id $retries" >>"$dir/finished.txt"
}

list="tcp:127.0.0.1:${ports[0]},tcp:127.0.0.1:${ports[1]},tcp:127.0.0.1:${ports[2]}"
clients=()
for id in $(seq 16); do
  if [ $((id % 2)) -eq 0 ]; then ep="tcp:127.0.0.1:$front"; else ep=$list; fi
  client "$id" "$ep" >"$dir/client$id.out" 2>&1 &
  clients+=($!)
done

# Kill instance 1 (the list's first, and one of HAProxy's three) while it serves clients.
open_on_1() {
  local c d
  c=$(grep -c ": connected" "$dir/webnnd1.log" || true)
  d=$(grep -c -E ": (disconnected|connection dropped)" "$dir/webnnd1.log" || true)
  echo $((c - d))
}
for _ in $(seq 3000); do [ "$(open_on_1)" -ge 3 ] && break; sleep 0.02; done
[ "$(open_on_1)" -ge 1 ] || fail "instance 1 never had clients"
echo "killing instance 1 with $(open_on_1) clients connected"
kill -KILL "$webnnd_pid1"

status=0
for i in "${!clients[@]}"; do
  wait "${clients[$i]}" || { status=1; echo "client $((i + 1)) failed:"; cat "$dir/client$((i + 1)).out"; }
done
[ "$status" -eq 0 ] || fail "not every client finished"
finished=$(wc -l <"$dir/finished.txt")
[ "$finished" -eq 16 ] || fail "$finished of 16 clients finished"
reconnected=$(awk '$2 > 0' "$dir/finished.txt" | wc -l)
[ "$reconnected" -ge 1 ] || fail "no client was cut off by the kill (nothing was tested)"
echo "PASS: 16 clients finished; $reconnected reconnected after instance 1 was killed"
cat "$dir/retries.txt"
