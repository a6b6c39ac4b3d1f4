#!/usr/bin/env bash
# Runs a command against a private webnnd: with_daemon.sh WEBNND CMD ARGS...; every argument
# @ENDPOINT@ becomes the daemon's endpoint. The daemon is stopped afterwards; its log is shown
# when the command fails.
set -u
webnnd=$1
shift
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
root_flag=(); [ "$(id -u)" -eq 0 ] && root_flag=(--allow-root)  # the sandbox refuses root otherwise
"$webnnd" "${root_flag[@]}" --listen "unix:$dir/s.sock" --log-level warning 2>"$dir/log" &
pid=$!
for _ in $(seq 500); do
  [ -S "$dir/s.sock" ] && break
  sleep 0.02
done
[ -S "$dir/s.sock" ] || { echo "webnnd did not start"; cat "$dir/log"; exit 1; }
args=()
for a in "$@"; do args+=("${a//@ENDPOINT@/unix:$dir/s.sock}"); done
"${args[@]}"
status=$?
[ "$status" -eq 0 ] || { echo "webnnd log:"; cat "$dir/log"; }
exit "$status"
