"""Recall / precision of the whole plate pipeline (text detector → verifier), per region and per
size band, on the benchmark's tune or report half and on a synthetic test set.

    python pipeline.py --text-model DET.onnx --verifier verifier.onnx --bench ../../../shared/plates \\
        --half tune --thresholds 0.3 0.5 0.7 0.9  [--synth DIR] [--side 960] [--list] \\
        [--reader ../../models/textrec.onnx]

Matching and bands as in evaluate.py (IoU ≥ 0.3, one detection per label). Thresholds are
chosen on the tune half; the report half and the synthetic test set are only measured.
"""

import argparse
import csv
import json
import os

import numpy as np
from PIL import Image

from metrics import match, nms, report
from proposals import TextDetector
from reader import TextReader, vetoes
from verifier import CROP_H, CROP_W, crop

ABSORB = os.environ.get("ABSORB", "1") == "1"


class Pipeline:
    def __init__(self, text_model, verifier, reader=None, read_threshold=0.3):
        import onnxruntime as ort

        self.det = TextDetector(text_model)
        self.reader = TextReader(reader) if reader else None
        self.read_threshold = read_threshold
        so = ort.SessionOptions()
        so.intra_op_num_threads = 1
        self.ver = ort.InferenceSession(verifier, so, providers=["CPUExecutionProvider"])

    def scored(self, img, side):
        """Every text box with its plate probability."""
        boxes = self.det.detect(img, side)
        if not boxes:
            return []
        x = np.stack([crop(img, b) for b in boxes]).astype(np.float32)
        x = (x.transpose(0, 3, 1, 2) / 255.0 - 0.5) / 0.5
        logit = self.ver.run(None, {"crop": x})[0][:, 0]
        p = 1 / (1 + np.exp(-logit))
        p = [float(v) for v in p]
        if self.reader:
            # A line read as something other than a plate scores 0 (it may still join a plate's
            # box as its state or city line), as textplates::run_pass does.
            cand = [i for i, s in enumerate(p) if s >= self.read_threshold]
            for i, v in vetoes(boxes, lambda i: self.reader.read(img, boxes[i]), cand).items():
                if v:
                    p[i] = 0.0
        out = [(b[0], b[1], b[2], b[3], s) for b, s in zip(boxes, p)]
        return out


def absorb(scored, thr):
    """Plates (lines scoring ≥ thr) with their other lines of text — state or city name, slogan,
    dealer frame — joined to their box instead of left standing alone: a line within the plate's
    width (overlapping half of the narrower), no taller than 1.2× and no wider than 1.3× the
    plate's line, at most ¾ of a plate-line height above or below, becomes part of that plate
    (best plate first; a line joins one plate at most). As src/detect/textplates.rs does."""
    order = sorted(range(len(scored)), key=lambda i: -scored[i][4])
    used = set()
    out = []
    for i in order:
        p = scored[i]
        if p[4] < thr or i in used:
            continue
        used.add(i)
        x0, y0, x1, y1 = p[0], p[1], p[0] + p[2], p[1] + p[3]
        for j, l in enumerate(scored):
            if j in used:
                continue
            ox = min(p[0] + p[2], l[0] + l[2]) - max(p[0], l[0])
            gap = max(l[1] - (p[1] + p[3]), p[1] - (l[1] + l[3]))
            if ox >= 0.5 * min(p[2], l[2]) and gap <= 0.75 * p[3] and l[3] <= 1.2 * p[3] and l[2] <= 1.3 * p[2]:
                used.add(j)
                x0, y0, x1, y1 = min(x0, l[0]), min(y0, l[1]), max(x1, l[0] + l[2]), max(y1, l[1] + l[3])
        out.append((x0, y0, x1 - x0, y1 - y0, p[4]))
    return out


def bench_rows(pipe, bench, half, side):
    out = []
    seen = {}
    with open(os.path.join(bench, "labels.csv")) as f:
        for r in csv.DictReader(f):
            k = seen[r["region"]] = seen.get(r["region"], -1) + 1
            if half != "all" and (k % 2 == 0) != (half == "tune"):
                continue
            img = Image.open(os.path.join(bench, r["file"])).convert("RGB")
            lab = (float(r["x"]), float(r["y"]), float(r["w"]), float(r["h"]))
            out.append((r["file"], r["region"], [lab], [r["region"]], pipe.scored(img, side)))
    return out


def synth_rows(pipe, d, side):
    images = np.load(os.path.join(d, "images.npy"), mmap_mode="r")
    with open(os.path.join(d, "boxes.json")) as f:
        boxes = json.load(f)
    out = []
    for k, bl in enumerate(boxes):
        img = Image.fromarray(np.array(images[k]))
        out.append((str(k), "synth", [tuple(b[:4]) for b in bl], [b[4] for b in bl], pipe.scored(img, side)))
    return out


def measure(name, rows, thr, listing=False):
    res = {"labels": [], "fp": []}
    for file, group, labels, kinds, scored in rows:
        kept = absorb(scored, thr) if ABSORB else [d for d in scored if d[4] >= thr]
        dets = nms(kept)  # as src/detect/schedule.rs merges
        hits, fps = match(dets, labels)
        for lab, kind, hit in zip(labels, kinds, hits):
            res["labels"].append((kind, lab[2], hit))
        res["fp"].extend([group if group != "synth" else "fp"] * len(fps))
        if listing and (fps or not all(hits)):
            print(f"  {file}: {'MISS ' if not all(hits) else ''}fp {[tuple(round(v) for v in d[:4]) + (round(d[4], 2),) for d in fps]}")
    return report(f"{name}@{thr}", res)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--text-model", required=True)
    ap.add_argument("--verifier", required=True)
    ap.add_argument("--reader", default=None, help="models/textrec.onnx: veto lines by what they read")
    ap.add_argument("--bench", default=None)
    ap.add_argument("--synth", default=None)
    ap.add_argument("--half", choices=["tune", "report", "all"], default="tune")
    ap.add_argument("--side", type=int, default=960)
    ap.add_argument("--thresholds", type=float, nargs="+", default=[0.5])
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--json", default=None)
    a = ap.parse_args()
    pipe = Pipeline(a.text_model, a.verifier, a.reader, min(a.thresholds))
    result = {}
    if a.bench:
        rows = bench_rows(pipe, a.bench, a.half, a.side)
        result["bench"] = {t: measure(f"bench-{a.half}", rows, t, a.list) for t in a.thresholds}
    if a.synth:
        rows = synth_rows(pipe, a.synth, a.side)
        result["synth"] = {t: measure("synth", rows, t, a.list) for t in a.thresholds}
    if a.json:
        with open(a.json, "w") as f:
            json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
