"""The plate verifier: is this text box (from proposals.py) a licence plate?

A small CNN over a 32×96 RGB crop around the text box (the box grown by half its height on
every side, resized without keeping the aspect ratio). Trained on synthetic scenes (synth.py):
the text detector is run on them, its boxes that overlap a pasted plate (IoU ≥ 0.3) are
positives, boxes far from every plate (signs, badges, stickers, paragraphs, textures) are
negatives.

    python verifier.py data  --text-model DET.onnx --out DIR --count N --seed S [--split train]
    python verifier.py train --data DIR [DIR …] --out verifier.pt [--steps N]
    python verifier.py export --model verifier.pt --out verifier.onnx
"""

import argparse
import json
import os
import random
import sys
import time

import numpy as np
from PIL import Image

from metrics import iou

CROP_H, CROP_W = 32, 96


def crop_region(box, img_w, img_h):
    """The source region a text box's crop is taken from: the box grown by half its height."""
    x, y, w, h = box[:4]
    m = 0.5 * h
    x0, y0 = max(0.0, x - m), max(0.0, y - m)
    x1, y1 = min(float(img_w), x + w + m), min(float(img_h), y + h + m)
    return x0, y0, max(1.0, x1 - x0), max(1.0, y1 - y0)


def crop(img, box):
    """A CROP_H × CROP_W uint8 RGB crop for a PIL image and a text box: area average when the
    region is larger than the crop both ways, else bilinear — as src/detect/prepare.rs resizes."""
    x0, y0, w, h = crop_region(box, img.width, img.height)
    x0, y0 = int(x0), int(y0)  # prepare.rs crops whole pixels
    w, h = max(1, int(w)), max(1, int(h))
    how = Image.BOX if w >= CROP_W and h >= CROP_H else Image.BILINEAR
    return np.asarray(img.resize((CROP_W, CROP_H), how, box=(x0, y0, x0 + w, y0 + h)))


def cover(a, b):
    """Share of box a inside box b."""
    iw = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    return iw * ih / max(1e-6, a[2] * a[3])


def make_data(args):
    import synth
    from proposals import TextDetector

    random.seed(args.seed)
    np.random.seed(args.seed)
    fonts = synth.Fonts()
    synth.FONTS_SINGLETON.append(fonts)
    bgs = synth.Backgrounds(args.split, args.size)
    det = TextDetector(args.text_model)
    crops, labels, kinds = [], [], []
    t0 = time.time()
    for i in range(args.count):
        img, boxes = synth.sample(bgs, fonts)
        for d in det.detect(img, args.size):
            best = max([(iou(d, b), b[4]) for b in boxes] or [(0.0, "")])
            near = max([cover(d, b) for b in boxes] or [0.0])
            if best[0] >= 0.3:
                label, kind = 1, best[1]
            elif best[0] < 0.05 and near < 0.3:
                label, kind = 0, "text"
            else:
                continue
            crops.append(crop(img, d))
            labels.append(label)
            kinds.append(kind)
        # Plates the detector missed still teach what a plate looks like (jittered boxes).
        for b in boxes:
            if random.random() < 0.5:
                j = [b[0] + random.uniform(-0.1, 0.1) * b[2], b[1] + random.uniform(-0.15, 0.15) * b[3],
                     b[2] * random.uniform(0.8, 1.1), b[3] * random.uniform(0.7, 1.1)]
                crops.append(crop(img, j))
                labels.append(1)
                kinds.append(b[4])
        if (i + 1) % 200 == 0:
            print(f"{i + 1}/{args.count} scenes, {len(labels)} crops ({sum(labels)} plates), "
                  f"{time.time() - t0:.0f} s", flush=True)
    os.makedirs(args.out, exist_ok=True)
    np.savez_compressed(os.path.join(args.out, "crops.npz"), x=np.stack(crops), y=np.array(labels, np.uint8),
                        kind=np.array(kinds))


def net():
    import torch.nn as nn

    def block(i, o, s):
        return [nn.Conv2d(i, o, 3, s, 1), nn.BatchNorm2d(o), nn.ReLU(inplace=True)]

    return nn.Sequential(
        *block(3, 16, 2), *block(16, 16, 1),   # 16×48
        *block(16, 32, 2), *block(32, 32, 1),  # 8×24
        *block(32, 64, 2), *block(64, 64, 1),  # 4×12
        *block(64, 96, 2),                     # 2×6
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(96, 1))


def to_input(x):
    """uint8 N×H×W×3 → float N×3×H×W in [-1, 1] (the same normalisation as the text detector)."""
    import torch

    return (torch.from_numpy(x).permute(0, 3, 1, 2).float() / 255.0 - 0.5) / 0.5


def augment(x):
    """Photometric jitter, softness (real crops are often a few pixels of text enlarged) and
    mirroring on a batch of uint8 crops."""
    n = len(x)
    x = x.copy()
    for i in np.flatnonzero(np.random.rand(n) < 0.35):
        f = np.random.uniform(1.5, 4.0)
        small = Image.fromarray(x[i]).resize((max(8, int(CROP_W / f)), max(4, int(CROP_H / f))), Image.BOX)
        x[i] = np.asarray(small.resize((CROP_W, CROP_H), Image.BILINEAR))
    x = x.astype(np.float32)
    gamma = np.random.uniform(0.6, 1.6, (n, 1, 1, 1)).astype(np.float32)
    x = 255.0 * (x / 255.0) ** gamma
    low = np.random.rand(n) < 0.2  # washed out / low contrast
    x[low] = x[low] * 0.5 + x[low].mean(axis=(1, 2, 3), keepdims=True) * 0.5
    x *= np.random.uniform(0.6, 1.3, (n, 1, 1, 1)).astype(np.float32)
    x += np.random.uniform(-30, 30, (n, 1, 1, 3)).astype(np.float32)
    x += np.random.randn(*x.shape).astype(np.float32) * np.random.uniform(0, 6, (n, 1, 1, 1)).astype(np.float32)
    flip = np.random.rand(n) < 0.5  # mirrored text is still text; the verifier must not read letters
    x[flip] = x[flip, :, ::-1]
    return np.clip(x, 0, 255).astype(np.uint8)


def train(args):
    import torch

    torch.set_num_threads(args.threads)
    xs, ys = [], []
    for d in args.data:
        z = np.load(os.path.join(d, "crops.npz"))
        xs.append(z["x"])
        ys.append(z["y"])
    x, y = np.concatenate(xs), np.concatenate(ys).astype(np.float32)
    print(f"{len(y)} crops, {int(y.sum())} plates", flush=True)
    model = net()
    if args.resume:
        model.load_state_dict(torch.load(args.resume))
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=args.steps, pct_start=0.1)
    pos = np.flatnonzero(y == 1)
    neg = np.flatnonzero(y == 0)
    t0 = time.time()
    model.train()
    for step in range(args.steps):
        idx = np.concatenate([np.random.choice(pos, args.batch // 2), np.random.choice(neg, args.batch // 2)])
        xb = to_input(augment(x[idx]))
        yb = torch.from_numpy(y[idx])
        loss = torch.nn.functional.binary_cross_entropy_with_logits(model(xb)[:, 0], yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if (step + 1) % 100 == 0:
            print(f"step {step + 1}/{args.steps} loss {loss.item():.4f} {time.time() - t0:.0f} s", flush=True)
            torch.save(model.state_dict(), args.out)
    torch.save(model.state_dict(), args.out)


def export(args):
    import torch

    model = net()
    model.load_state_dict(torch.load(args.model))
    model.eval()
    dummy = torch.zeros(1, 3, CROP_H, CROP_W)
    torch.onnx.export(model, dummy, args.out, input_names=["crop"], output_names=["plate_logit"],
                      dynamic_axes={"crop": {0: "n"}, "plate_logit": {0: "n"}}, opset_version=13, dynamo=False)
    print(f"wrote {args.out} ({os.path.getsize(args.out)} bytes)")


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("data")
    d.add_argument("--text-model", required=True)
    d.add_argument("--out", required=True)
    d.add_argument("--count", type=int, default=2000)
    d.add_argument("--seed", type=int, default=1)
    d.add_argument("--size", type=int, default=640)
    d.add_argument("--split", choices=["train", "test"], default="train")
    t = sub.add_parser("train")
    t.add_argument("--data", nargs="+", required=True)
    t.add_argument("--out", required=True)
    t.add_argument("--steps", type=int, default=3000)
    t.add_argument("--batch", type=int, default=128)
    t.add_argument("--lr", type=float, default=3e-3)
    t.add_argument("--threads", type=int, default=2)
    t.add_argument("--resume", default=None)
    e = sub.add_parser("export")
    e.add_argument("--model", required=True)
    e.add_argument("--out", required=True)
    args = ap.parse_args()
    {"data": make_data, "train": train, "export": export}[args.cmd](args)


if __name__ == "__main__":
    main()
