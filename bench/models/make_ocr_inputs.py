#!/usr/bin/env python3
"""Write the inputs of the PP-OCRv4 networks of the ONNX Runtime comparison.

Usage: python3 make_ocr_inputs.py OUT_DIR
  ocr-det_input.npy  [1,3,640,640]: a 640x640 page with two lines of text, as the detector sees it
  ocr-rec_input.npy  [1,3,48,320]: one line of text, as the recognizer sees it
  ocr-cls_input.npy  [1,3,48,192]: the same line upside down, for the direction classifier
Text is rendered with DejaVu Sans (fonts-dejavu-core) and pre-processed by examples/ocr.py.
"""
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "examples"))
import ocr  # noqa: E402

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def page(size, lines, font_size):
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, font_size)
    for (x, y), text in lines:
        draw.text((x, y), text, fill="black", font=font)
    return image


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    det = page((640, 640), [((40, 200), "WebNN 2026"), ((40, 360), "PP-OCRv4 on oneDNN")], 56)
    np.save(out / "ocr-det_input.npy", ocr.det_preprocess(det, (640, 640)))
    line = page((420, 72), [((12, 6), "WebNN 2026")], 48)
    np.save(out / "ocr-rec_input.npy", ocr.line_preprocess(line, ocr.REC_HEIGHT, ocr.REC_WIDTH))
    np.save(out / "ocr-cls_input.npy",
            ocr.line_preprocess(line.rotate(180), ocr.CLS_HEIGHT, ocr.CLS_WIDTH))


if __name__ == "__main__":
    main()
