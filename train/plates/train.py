"""Trains the plate detector on the synthetic sets written by synth.py (CPU is enough).

    python train.py --data DIR [DIR …] --out plate.pt --minutes 60

Targets: per stride-4 cell, the fraction covered by a plate box; loss: weighted binary
cross-entropy plus soft Dice (see model.py for why a mask and not keypoints). Augmentation on top of what synth.py baked in:
random horizontal flips, random 256-px crops of the 384-px samples with a random rescale
(0.6–1.4×), brightness / contrast jitter.
"""

import argparse
import json
import math
import os
import random
import time

import numpy as np
import torch
import torch.nn.functional as F

from model import STRIDE, PlateNet

CROP = 256


def load(dirs):
    images, boxes = [], []
    for d in dirs:
        images.append(np.load(os.path.join(d, "images.npy"), mmap_mode="r"))
        with open(os.path.join(d, "boxes.json")) as f:
            boxes.extend(json.load(f))
    return images, boxes


def targets(bxs, size):
    """Per 4 × 4 cell: the fraction of it covered by a plate box (the box's own centre cell is
    always 1, so a plate thinner than a cell is still a target)."""
    g = size // STRIDE
    cover = np.zeros((g, g), np.float32)
    edges = np.arange(g + 1, dtype=np.float32) * STRIDE
    for x, y, w, h in bxs:
        if w < 4 or h < 2:
            continue
        ox = np.clip(np.minimum(edges[1:], x + w) - np.maximum(edges[:-1], x), 0, STRIDE) / STRIDE
        oy = np.clip(np.minimum(edges[1:], y + h) - np.maximum(edges[:-1], y), 0, STRIDE) / STRIDE
        cover = np.maximum(cover, oy[:, None] * ox[None, :])
        cx, cy = int((x + w / 2) // STRIDE), int((y + h / 2) // STRIDE)
        if 0 <= cx < g and 0 <= cy < g:
            cover[cy, cx] = 1.0
    return cover


class Samples(torch.utils.data.IterableDataset):
    """An endless stream of augmented crops with their targets (one stream per loader worker)."""

    def __init__(self, dirs, seed):
        self.dirs, self.seed = dirs, seed

    def __iter__(self):
        info = torch.utils.data.get_worker_info()
        rng = random.Random(self.seed * 1000 + (info.id if info else 0))
        images, boxes = load(self.dirs)
        while True:
            yield sample(images, boxes, rng)


def sample(images, boxes, rng):
    k = rng.randrange(len(boxes))
    part, j = 0, k
    while j >= len(images[part]):
        j -= len(images[part])
        part += 1
    img = torch.from_numpy(np.array(images[part][j])).permute(2, 0, 1).float() / 255.0
    bx = [b[:4] for b in boxes[k]]
    size = img.shape[1]
    ns = max(CROP, int(size * rng.uniform(0.6, 1.4)))
    s = ns / size
    img = F.interpolate(img[None], size=(ns, ns), mode="bilinear", align_corners=False)[0]
    ox, oy = rng.randint(0, ns - CROP), rng.randint(0, ns - CROP)
    img = img[:, oy:oy + CROP, ox:ox + CROP]
    out = []
    for x, y, w, h in bx:
        x, y, w, h = x * s - ox, y * s - oy, w * s, h * s
        x0, y0, x1, y1 = max(0, x), max(0, y), min(CROP, x + w), min(CROP, y + h)
        if x1 - x0 < 0.6 * w or y1 - y0 < 0.6 * h:  # mostly cut off: not a target
            continue
        out.append((x0, y0, x1 - x0, y1 - y0))
    if rng.random() < 0.5:
        img = img.flip(2)
        out = [(CROP - x - w, y, w, h) for x, y, w, h in out]
    img = ((img - 0.5) * rng.uniform(0.7, 1.3) + 0.5 + rng.uniform(-0.15, 0.15)).clamp(0, 1)
    return img, torch.from_numpy(targets(out, CROP))


def loss_fn(out, cover):
    """Binary cross-entropy per cell (plate cells weighted up: they are ~1 % of a photo) plus a
    soft Dice term over the batch, which cares about whole plates rather than cells."""
    logit = out[:, 0]
    bce = F.binary_cross_entropy_with_logits(logit, cover, pos_weight=torch.tensor(4.0))
    p = torch.sigmoid(logit)
    dice = 1 - (2 * (p * cover).sum() + 1) / (p.sum() + cover.sum() + 1)
    return bce + dice, dice.item()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", nargs="+", required=True)
    ap.add_argument("--out", default="plate.pt")
    ap.add_argument("--minutes", type=float, default=60)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--resume", default=None)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args()
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    loader = iter(torch.utils.data.DataLoader(Samples(args.data, args.seed), batch_size=args.batch,
                                              num_workers=args.workers))
    net = PlateNet()
    if args.resume:
        # strict=False: a checkpoint of another head still gives its backbone.
        state = {k: v for k, v in torch.load(args.resume).items() if not k.startswith("head.1.")}
        print(net.load_state_dict(state, strict=False), flush=True)
    # channels-last runs the depthwise convolutions through oneDNN: ~3x faster on CPU.
    net = net.to(memory_format=torch.channels_last)
    params = sum(p.numel() for p in net.parameters())
    print(f"{params} parameters", flush=True)
    opt = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=1e-4)
    t0 = time.time()
    budget = args.minutes * 60
    step = 0
    avg = None
    while True:
        el = time.time() - t0
        if el > budget:
            break
        lr = args.lr * 0.5 * (1 + math.cos(math.pi * min(1.0, el / budget)))
        if step < 100:
            lr *= (step + 1) / 100
        for g in opt.param_groups:
            g["lr"] = lr
        x, cover = next(loader)
        out = net(x.contiguous(memory_format=torch.channels_last))
        loss, dice = loss_fn(out, cover)
        opt.zero_grad()
        loss.backward()
        opt.step()
        avg = loss.item() if avg is None else 0.98 * avg + 0.02 * loss.item()
        step += 1
        if step % 50 == 0:
            print(f"step {step} {el / 60:.1f} min loss {avg:.3f} dice {dice:.3f} lr {lr:.5f}", flush=True)
            torch.save(net.state_dict(), args.out)
    torch.save(net.state_dict(), args.out)
    print(f"done: {step} steps in {(time.time() - t0) / 60:.1f} min", flush=True)


if __name__ == "__main__":
    main()
