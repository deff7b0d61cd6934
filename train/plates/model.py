"""The plate detector's network: a small fully convolutional net that marks plate pixels.

Input: RGB, 0–1 (the Rust side divides by 255), any size that is a multiple of 32.
Output (stride 4): one logit per 4 × 4 cell — "this cell is part of a licence plate". A plate is
a connected group of cells above the threshold; its box is the group's bounding box and its
score the group's highest probability (`decode`). Dense per-cell supervision learns far faster
on a CPU than keypoint heatmaps, and plates are compact blobs that rarely touch. Layers are the ones preflight's runtime needs and nothing
else: 3×3 convolutions (full and depthwise), 1×1 convolutions, ReLU, addition and nearest ×2
upsampling; batch norm is folded into the convolutions at export.
"""

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F


def conv_bn(cin, cout, k=3, s=1, groups=1, act=True):
    layers = [nn.Conv2d(cin, cout, k, s, k // 2, groups=groups, bias=False), nn.BatchNorm2d(cout)]
    if act:
        layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers)


class DwBlock(nn.Module):
    """Depthwise 3×3 + pointwise, residual when the shape allows."""

    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.dw = conv_bn(cin, cin, 3, stride, groups=cin)
        self.pw = conv_bn(cin, cout, 1, act=False)
        self.res = stride == 1 and cin == cout

    def forward(self, x):
        y = self.pw(self.dw(x))
        return F.relu(y + x) if self.res else F.relu(y)


class PlateNet(nn.Module):
    def __init__(self, w=(16, 24, 48, 64, 96)):
        super().__init__()
        self.stem = conv_bn(3, w[0], 3, 2)  # /2
        self.s4 = nn.Sequential(DwBlock(w[0], w[1], 2), DwBlock(w[1], w[1]))  # /4
        self.s8 = nn.Sequential(DwBlock(w[1], w[2], 2), DwBlock(w[2], w[2]))  # /8
        self.s16 = nn.Sequential(DwBlock(w[2], w[3], 2), DwBlock(w[3], w[3]), DwBlock(w[3], w[3]))  # /16
        self.s32 = nn.Sequential(DwBlock(w[3], w[4], 2), DwBlock(w[4], w[4]), DwBlock(w[4], w[4]))  # /32
        n = 32
        self.l32 = conv_bn(w[4], n, 1)
        self.l16 = conv_bn(w[3], n, 1)
        self.l8 = conv_bn(w[2], n, 1)
        self.l4 = conv_bn(w[1], n, 1)
        self.m16 = DwBlock(n, n)
        self.m8 = DwBlock(n, n)
        self.m4 = DwBlock(n, n)
        self.head = nn.Sequential(DwBlock(n, n), nn.Conv2d(n, 1, 1))
        nn.init.constant_(self.head[-1].bias, 0.0)
        with torch.no_grad():
            self.head[-1].bias[0] = -4.0  # a rare class: start with low scores

    def forward(self, x):
        x = self.stem(x)
        c4 = self.s4(x)
        c8 = self.s8(c4)
        c16 = self.s16(c8)
        c32 = self.s32(c16)
        p = self.l32(c32)
        p = self.m16(F.interpolate(p, scale_factor=2.0, mode="nearest") + self.l16(c16))
        p = self.m8(F.interpolate(p, scale_factor=2.0, mode="nearest") + self.l8(c8))
        p = self.m4(F.interpolate(p, scale_factor=2.0, mode="nearest") + self.l4(c4))
        return self.head(p)


STRIDE = 4


def decode(out, threshold=0.5, min_cells=2):
    """Boxes (x, y, w, h, score) in input pixels from one output map (1×H×W logits): connected
    groups (8-neighbour) of cells whose probability exceeds `threshold`."""
    prob = torch.sigmoid(out[0]).numpy()
    on = prob > threshold
    h, w = on.shape
    seen = np.zeros_like(on)
    boxes = []
    for y0, x0 in zip(*np.nonzero(on)):
        if seen[y0, x0]:
            continue
        stack = [(y0, x0)]
        seen[y0, x0] = True
        ys, xs, best = [], [], 0.0
        while stack:
            y, x = stack.pop()
            ys.append(y)
            xs.append(x)
            best = max(best, float(prob[y, x]))
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    yy, xx = y + dy, x + dx
                    if 0 <= yy < h and 0 <= xx < w and on[yy, xx] and not seen[yy, xx]:
                        seen[yy, xx] = True
                        stack.append((yy, xx))
        if len(ys) < min_cells:
            continue
        bx0, by0 = min(xs) * STRIDE, min(ys) * STRIDE
        bx1, by1 = (max(xs) + 1) * STRIDE, (max(ys) + 1) * STRIDE
        boxes.append((bx0, by0, bx1 - bx0, by1 - by0, best))
    return boxes
