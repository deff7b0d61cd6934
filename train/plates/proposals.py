"""Plate proposals: a scene-text detector (PaddleOCR's PP-OCRv4 mobile DBNet, Apache-2.0, as
shipped in PyPI `rapidocr-onnxruntime==1.4.4`) finds every line of text; the verifier
(verifier.py) then decides which of them is a licence plate.

This is the reference for the Rust decoder in src/detect/plates.rs — keep the two in step:

1. Input: the photo resized so its longest side is `side` (never enlarged beyond 1×), RGB,
   (v / 255 − 0.5) / 0.5, padded right/bottom with 0 to multiples of 32.
2. Output: a 1×1×H×W text probability map at input resolution.
3. Pixels with p > 0.3, dilated by a 2×2 square, grouped 8-connected; a group's score is the mean
   p over its pixels; groups scoring < 0.5 or narrower than 3 px are dropped.
4. DBNet's maps are shrunk text kernels: each group's bounding box grows by
   d = area × 1.6 / perimeter (area = the group's pixel count, perimeter = 2 (w + h)).

    python proposals.py MODEL.onnx IMAGE [--side 960]
"""

import argparse

import numpy as np
from PIL import Image

THRESH = 0.3
BOX_THRESH = 0.5
UNCLIP = 1.6


class TextDetector:
    def __init__(self, path, threads=1):
        import onnxruntime as ort

        so = ort.SessionOptions()
        so.intra_op_num_threads = threads
        so.inter_op_num_threads = 1
        self.sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
        self.name = self.sess.get_inputs()[0].name

    def prob(self, img, side):
        """The probability map for a PIL RGB image, and the input size actually used."""
        w, h = img.size
        s = min(1.0, side / max(w, h))
        nw, nh = max(1, round(w * s)), max(1, round(h * s))
        pw, ph = (nw + 31) // 32 * 32, (nh + 31) // 32 * 32
        x = np.zeros((3, ph, pw), np.float32)
        a = np.asarray(img.resize((nw, nh), Image.BOX if s < 1 else Image.BILINEAR), np.float32)
        x[:, :nh, :nw] = (a / 255.0 - 0.5).transpose(2, 0, 1) / 0.5
        p = self.sess.run(None, {self.name: x[None]})[0][0, 0]
        return p[:nh, :nw], (nw, nh)

    def detect(self, img, side=960):
        """Text boxes (x, y, w, h, score) in the image's own pixels."""
        prob, (nw, nh) = self.prob(img, side)
        w, h = img.size
        return [(x * w / nw, y * h / nh, bw * w / nw, bh * h / nh, sc) for x, y, bw, bh, sc in decode(prob)]


def decode(prob):
    import cv2

    mask = (prob > THRESH).astype(np.uint8)
    mask = cv2.dilate(mask, np.ones((2, 2), np.uint8), anchor=(0, 0))
    n, lab, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = []
    for i in range(1, n):
        x0, y0, bw, bh, area = (int(v) for v in stats[i])
        if bw < 3 or bh < 3:
            continue
        score = float(prob[lab == i].mean())
        if score < BOX_THRESH:
            continue
        d = area * UNCLIP / (2 * (bw + bh))
        out.append((x0 - d, y0 - d, bw + 2 * d, bh + 2 * d, score))
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("image")
    ap.add_argument("--side", type=int, default=960)
    a = ap.parse_args()
    det = TextDetector(a.model)
    for b in det.detect(Image.open(a.image).convert("RGB"), a.side):
        print(" ".join(f"{v:.1f}" for v in b[:4]), f"{b[4]:.3f}")
