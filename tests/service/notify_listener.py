"""Stands in for systemd's notification socket: receives sd_notify datagrams on PATH and
appends each message, one state per line, to LOG. Usage: notify_listener.py PATH LOG"""
import os
import socket
import sys

path, log = sys.argv[1], sys.argv[2]
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(path)
os.chmod(path, 0o666)
with open(log, "a", buffering=1) as out:
    while True:
        data = sock.recv(4096)
        for line in data.decode("utf-8", "replace").splitlines():
            out.write(line + "\n")
