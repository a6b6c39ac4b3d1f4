#!/usr/bin/env bash
# Regenerates the seed corpora (tests/fuzz/corpus) and tests/fuzz/graph_json.dict from the
# conformance graphs and models/, and the service harnesses' seeds from recorded sessions. Regression inputs (corpus/*/regress-*) are kept.
#   tests/fuzz/make_corpus.sh [BUILD_DIR]   (default build/asan-clang, with WEBNN_FUZZ on)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build/asan-clang}
ninja -C "$build" webnn_fuzz_corpus webnn_fuzz_service_corpus >/dev/null
out=tests/fuzz/corpus
keep=$(mktemp -d)
trap 'rm -rf "$keep"' EXIT
for d in "$out"/*/; do
  [ -d "$d" ] || continue
  mkdir -p "$keep/$(basename "$d")"
  cp "$d"/regress-* "$keep/$(basename "$d")/" 2>/dev/null || true
done
ASAN_OPTIONS=detect_leaks=0 "$build/webnn_fuzz_corpus" . "$out"
mv "$out/graph_json.dict" tests/fuzz/graph_json.dict
# The service harnesses: client sessions recorded against a service (service_rpc, and
# service_rpc.dict) and the dispatch-channel requests (tests/fuzz/make_service_corpus.cc).
rm -rf "$out/service_rpc" "$out/dispatch_channel"
ASAN_OPTIONS=detect_leaks=0 "$build/webnn_fuzz_service_corpus" "$out" tests/fuzz/service_rpc.dict
# Images: the LeNet digits (PNG, grey) and small JPEGs made here (grey, RGB, progressive).
rm -rf "$out/image" && mkdir -p "$out/image"
cp models/lenet/digit_0.png models/lenet/digit_7.png "$out/image/"
/usr/bin/python3 - "$out/image" <<'PY'
import sys
from PIL import Image
out = sys.argv[1]
rgb = Image.new("RGB", (12, 9))
rgb.putdata([((x * 20) % 256, (y * 28) % 256, (x * y * 3) % 256) for y in range(9) for x in range(12)])
rgb.save(f"{out}/rgb.jpg", quality=80)
rgb.save(f"{out}/progressive.jpg", quality=60, progressive=True)
rgb.convert("L").save(f"{out}/grey.jpg", quality=90)
rgb.save(f"{out}/rgb.png")
rgb.convert("P").save(f"{out}/palette.png")
rgb.convert("LA").save(f"{out}/grey_alpha.png")
PY
for d in "$keep"/*/; do
  [ -d "$d" ] && cp "$d"/regress-* "$out/$(basename "$d")/" 2>/dev/null || true
done
du -sh "$out"
