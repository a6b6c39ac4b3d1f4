#!/usr/bin/env bash
# Installs the Debian packages webnn-cpp builds and tests with. Idempotent; safe to re-run.
set -euo pipefail
PKGS=(
  build-essential cmake ninja-build pkg-config clang-format
  clang libclang-rt-14-dev libomp-14-dev # the ASan+UBSan build and libFuzzer (omp.h only: libgomp runs)
  nlohmann-json3-dev            # webnn-graph-json reader/writer, conformance vectors
  libgtest-dev libgmock-dev     # unit and integration tests
  libbenchmark-dev              # bench/
  libpng-dev libjpeg62-turbo-dev # PNG/JPEG inputs for the CLI and the demo
  libdnnl-dev                   # oneDNN: the fast CPU backend (OpenMP runtime)
  libseccomp-dev                # webnnd's system-call sandbox (seccomp-bpf allow-list)
  capnproto libcapnp-dev        # binary IR and service RPC
  libsystemd-dev systemd        # webnnd: socket activation, sd_notify; systemd-socket-activate
  haproxy                       # the scale-out test: webnnd instances behind HAProxy
  protobuf-compiler libprotobuf-dev # ONNX import (protobuf runtime); bench/: the protobuf peer
  libonnx-dev                   # ONNX import: the ModelProto classes (libonnx_proto)
  libonnx-testdata              # the ONNX backend test suite (webnn onnx-conformance)
  dpkg-dev python3-pip python3-setuptools python3-wheel # Debian packages (CPack), pip install .
  python3 python3-dev python3-numpy python3-pytest pybind11-dev # Python bindings and tests
  python3-onnx python3-pil      # ONNX files of the benchmark networks (node and npm, on the machine, run the peer)
  fonts-dejavu-core             # the OCR tests: text rendered with DejaVu Sans
  graphviz                      # webnn dot --svg renders with Graphviz's dot
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
