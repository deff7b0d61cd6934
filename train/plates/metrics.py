"""Matching and figures shared by the plate evaluations: a detection matches a label at
IoU ≥ 0.3 (one detection per label, best score first); an unmatched detection is a false
positive. The plate benchmark labels one plate per photo, so a second car's plate counts as a
false positive here — list them (pipeline.py --list) and look. Size bands are the labelled
plate's width in the photo's own pixels.
"""

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
