"""Recall / precision of a plate model on labelled photos, per region and per size band.

    python evaluate.py --model plate.pt  --bench ../../../shared/plates [--synth DIR] [--sides 640 320]

`--half tune` / `--half report` measure one half of the benchmark (alternate photos per region):
decisions are made on the tune half, the report half is the untouched figure.

A detection matches a label at IoU ≥ 0.3 (one detection per label, best score first). The
plate benchmark labels one plate per photo, so an unmatched detection is counted as a false
positive here and listed (--list-fp) to be looked at: a second car's plate is a true find.
Size bands are the labelled plate's width in the photo's own pixels.
"""

import argparse
import csv
import json
import os

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from model import PlateNet, decode

BANDS = [(0, 40), (40, 80), (80, 160), (160, 10**9)]


def iou(a, b):
    ax1, ay1, bx1, by1 = a[0] + a[2], a[1] + a[3], b[0] + b[2], b[1] + b[3]
    iw = max(0.0, min(ax1, bx1) - max(a[0], b[0]))
    ih = max(0.0, min(ay1, by1) - max(a[1], b[1]))
    inter = iw * ih
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


def nms(dets, thr=0.3):
    dets = sorted(dets, key=lambda d: -d[4])
    kept = []
    for d in dets:
        if all(iou(d, k) < thr and not contained(d, k) for k in kept):
            kept.append(d)
    return kept


def contained(a, b):
    iw = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    small = min(a[2] * a[3], b[2] * b[3])
    return small > 0 and iw * ih / small > 0.7


def run(net, img, sides, threshold):
    """Whole-image passes at each longest side (never enlarging), merged by NMS."""
    w, h = img.size
    dets = []
    for side in sides:
        s = min(1.0, side / max(w, h))
        nw, nh = max(32, round(w * s)), max(32, round(h * s))
        pw, ph = (nw + 31) // 32 * 32, (nh + 31) // 32 * 32
        x = torch.from_numpy(np.asarray(img.resize((nw, nh), Image.BILINEAR))).permute(2, 0, 1).float() / 255.0
        x = F.pad(x, (0, pw - nw, 0, ph - nh))
        with torch.no_grad():
            out = net(x[None])[0]
        for bx, by, bw, bh, sc in decode(out, threshold):
            dets.append((bx / s, by / s, bw / s, bh / s, sc))
    return nms(dets)


def match(dets, labels):
    used = set()
    hits = [False] * len(labels)
    fps = []
    for d in sorted(dets, key=lambda d: -d[4]):
        best, bi = 0.0, -1
        for i, l in enumerate(labels):
            if i in used:
                continue
            v = iou(d, l)
            if v > best:
                best, bi = v, i
        if best >= 0.3:
            used.add(bi)
            hits[bi] = True
        else:
            fps.append(d)
    return hits, fps


def band(w):
    for i, (lo, hi) in enumerate(BANDS):
        if lo <= w < hi:
            return i
    return len(BANDS) - 1


def report(name, rows):
    """rows: (group, label_w, hit) plus ('fp', group) counts."""
    groups = sorted({r[0] for r in rows["labels"]})
    out = {}
    for g in groups + ["all"]:
        ls = [r for r in rows["labels"] if g == "all" or r[0] == g]
        tp = sum(r[2] for r in ls)
        fp = sum(1 for f in rows["fp"] if g == "all" or f == g)
        bands = []
        for bi, (lo, hi) in enumerate(BANDS):
            b = [r for r in ls if band(r[1]) == bi]
            bands.append(f"{sum(r[2] for r in b)}/{len(b)}")
        out[g] = {"recall": tp / max(1, len(ls)), "tp": tp, "n": len(ls), "fp": fp,
                  "precision": tp / max(1, tp + fp), "bands": bands}
        print(f"{name:6} {g:6} recall {tp:3}/{len(ls):3} = {tp / max(1, len(ls)):.3f}  precision "
              f"{tp / max(1, tp + fp):.3f} (fp {fp:2})  by width <40 40-80 80-160 160+: {' '.join(bands)}")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--bench", default=None)
    ap.add_argument("--synth", default=None)
    ap.add_argument("--sides", type=int, nargs="+", default=[640, 320])
    ap.add_argument("--threshold", type=float, default=0.5)
    ap.add_argument("--list-fp", action="store_true")
    ap.add_argument("--json", default=None)
    ap.add_argument("--half", choices=["tune", "report", "all"], default="all")
    args = ap.parse_args()
    net = PlateNet()
    net.load_state_dict(torch.load(args.model))
    net.eval()
    result = {}
    if args.bench:
        rows = {"labels": [], "fp": []}
        with open(os.path.join(args.bench, "labels.csv")) as f:
            seen = {}
            for r in csv.DictReader(f):
                # The tune half (every other photo of each region, in file order) may steer
                # decisions; the report half is only measured.
                k = seen[r["region"]] = seen.get(r["region"], -1) + 1
                if args.half != "all" and (k % 2 == 0) != (args.half == "tune"):
                    continue
                img = Image.open(os.path.join(args.bench, r["file"])).convert("RGB")
                lab = (float(r["x"]), float(r["y"]), float(r["w"]), float(r["h"]))
                dets = run(net, img, args.sides, args.threshold)
                hits, fps = match(dets, [lab])
                rows["labels"].append((r["region"], lab[2], hits[0]))
                rows["fp"].extend([r["region"]] * len(fps))
                if args.list_fp and (fps or not hits[0]):
                    print(f"  {r['file']}: {'hit' if hits[0] else 'MISS'} fp {[tuple(round(v) for v in d[:4]) + (round(d[4], 2),) for d in fps]}")
        result["bench"] = report("bench", rows)
    if args.synth:
        images = np.load(os.path.join(args.synth, "images.npy"), mmap_mode="r")
        with open(os.path.join(args.synth, "boxes.json")) as f:
            boxes = json.load(f)
        rows = {"labels": [], "fp": []}
        for k, bl in enumerate(boxes):
            img = Image.fromarray(np.array(images[k]))
            labels = [tuple(b[:4]) for b in bl]
            dets = run(net, img, args.sides, args.threshold)
            hits, fps = match(dets, labels)
            for b, hit in zip(bl, hits):
                rows["labels"].append((b[4], b[2], hit))
            rows["fp"].extend(["fp"] * len(fps))
        result["synth"] = report("synth", rows)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
