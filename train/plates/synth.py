"""Synthetic licence plates composited onto licensed photos: the training data (and the
synthetic part of the benchmark) for preflight's own plate detector.

Nothing here comes from a plate data set. Plates are drawn from scratch in each region's
layout (EU incl. NL/UK yellow, US, Brazil old + Mercosul, Japan, China, black plates with
white/silver letters, two-line motorcycle plates, a random "other" layout) with fonts from
Debian's font packages (DejaVu: Bitstream Vera licence; Roboto / Roboto Condensed: Apache-2.0;
Liberation: OFL-1.1; Open Sans: Apache-2.0; Noto Sans CJK: OFL-1.1), then mounted (frame, bolts,
recess shadow), perspective-warped (yaw up to 65°, pitch, roll), lit (shade, glare, night), soiled,
blurred (focus, motion), rained on, and pasted onto backgrounds:
Debian wallpaper packages (gnome-backgrounds, mate-backgrounds, plasma-workspace-wallpapers:
GPL / LGPL / CC-BY-SA per their copyright files), plus procedural scenes (car-like bodies,
gradients, noise, lines) and text that is *not* a plate (signs, stickers, paragraphs) as hard
negatives. The ground-truth box is the axis-aligned box around the warped plate's corners —
how people draw plate boxes.

    python synth.py --out DIR --count N --seed S --size 384 [--split train|test]

writes DIR/images.npy (N×S×S×3 uint8), DIR/boxes.json ([[x, y, w, h, kind], …] per image)
and a few preview PNGs. `--split` picks disjoint halves of the background photos (every other
file, sorted by path), so a synthetic test set never shares a background photo with training.
"""

import argparse
import glob
import io
import json
import math
import os
import random
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_DIRS = ["/usr/share/fonts/truetype", "/usr/share/fonts/opentype"]
LATIN_FONTS = [
    "dejavu/DejaVuSansCondensed-Bold.ttf",
    "dejavu/DejaVuSans-Bold.ttf",
    "dejavu/DejaVuSansMono-Bold.ttf",
    "roboto/unhinted/RobotoCondensed-Bold.ttf",
    "roboto/unhinted/RobotoCondensed-Medium.ttf",
    "roboto/unhinted/RobotoCondensed-Regular.ttf",
    "roboto/unhinted/RobotoTTF/Roboto-Bold.ttf",
    "roboto/unhinted/RobotoTTF/Roboto-Black.ttf",
    "liberation2/LiberationSans-Bold.ttf",
    "liberation2/LiberationMono-Bold.ttf",
    "open-sans/OpenSans-Bold.ttf",
    "open-sans/OpenSans-ExtraBold.ttf",
]
CJK_FONT = "noto/NotoSansCJK-Bold.ttc"
BG_DIRS = ["/usr/share/backgrounds", "/usr/share/wallpapers"]

LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
DIGITS = "0123456789"


def find_font(rel):
    for d in FONT_DIRS:
        p = os.path.join(d, rel)
        if os.path.exists(p):
            return p
    return None


class Fonts:
    def __init__(self):
        self.latin = [p for p in (find_font(r) for r in LATIN_FONTS) if p]
        self.cjk = find_font(CJK_FONT)
        if not self.latin:
            sys.exit("no fonts: apt-get install fonts-dejavu-core fonts-roboto fonts-liberation2 fonts-open-sans")
        self.cache = {}

    def get(self, path, size, index=0):
        key = (path, size, index)
        if key not in self.cache:
            self.cache[key] = ImageFont.truetype(path, size, index=index)
        return self.cache[key]


def rnd_letters(n):
    return "".join(random.choice(LETTERS) for _ in range(n))


def rnd_digits(n):
    return "".join(random.choice(DIGITS) for _ in range(n))


def draw_text_fit(img, box, text, fonts, color, font_path=None, index=0, stretch=1.0):
    """Draws `text` filling `box` (x0, y0, x1, y1) in height, squeezed to fit in width."""
    x0, y0, x1, y1 = box
    bw, bh = x1 - x0, y1 - y0
    if bw < 4 or bh < 4:
        return
    path = font_path or random.choice(fonts.latin)
    size = max(6, int(bh * 1.25))
    font = fonts.get(path, size, index)
    l, t, r, b = font.getbbox(text)
    tw, th = max(1, r - l), max(1, b - t)
    layer = Image.new("L", (tw + 4, th + 4), 0)
    ImageDraw.Draw(layer).text((2 - l, 2 - t), text, font=font, fill=255)
    sx = min(bw / tw, bh / th * 1.6 * stretch)
    sy = bh / th
    nw, nh = max(1, int(tw * sx)), max(1, int(th * sy))
    layer = layer.resize((nw, nh), Image.BILINEAR)
    ox = x0 + (bw - nw) // 2
    oy = y0 + (bh - nh) // 2
    img.paste(color, (ox, oy), layer)


def eu_band(img, d, w, h, fonts, left=True):
    bw = int(w * random.uniform(0.075, 0.1))
    x0 = 0 if left else w - bw
    d.rectangle([x0, 0, x0 + bw, h], fill=(random.randint(0, 30), random.randint(40, 80), random.randint(150, 200)))
    cx, cy, r = x0 + bw / 2, h * 0.3, bw * 0.3
    for k in range(12):
        a = 2 * math.pi * k / 12
        sx, sy = cx + r * math.cos(a), cy + r * math.sin(a)
        d.ellipse([sx - 1.2, sy - 1.2, sx + 1.2, sy + 1.2], fill=(250, 210, 0))
    code = random.choice(["D", "F", "NL", "I", "E", "PL", "B", "A", "CZ", "S", "P", "GB", "DK", "SK", "H", "RO"])
    draw_text_fit(img, (x0 + 2, int(h * 0.58), x0 + bw - 2, int(h * 0.9)), code, fonts, (255, 255, 255))
    return bw


def plate_eu(fonts):
    w, h = 520, random.choice([110, 112, 120])
    kind = random.random()
    bg = (245, 245, 240)
    fg = (15, 15, 15)
    if kind < 0.18:
        bg = (250, 200, 10)  # NL / UK rear / LU yellow
    img = Image.new("RGB", (w, h), bg)
    d = ImageDraw.Draw(img)
    band = eu_band(img, d, w, h, fonts) if random.random() < 0.9 else 0
    style = random.randrange(4)
    if style == 0:
        text = f"{rnd_letters(random.randint(1, 3))} {rnd_letters(random.randint(1, 2))} {rnd_digits(random.randint(1, 4))}"
    elif style == 1:
        text = f"{rnd_letters(2)}-{rnd_digits(3)}-{rnd_letters(2)}"
    elif style == 2:
        text = f"{rnd_letters(2)}{rnd_digits(2)} {rnd_letters(3)}"
    else:
        text = f"{rnd_digits(2)}-{rnd_letters(3)}-{rnd_digits(1)}"
    d.rectangle([1, 1, w - 2, h - 2], outline=fg, width=random.choice([0, 2, 4]))
    draw_text_fit(img, (band + 12, int(h * 0.14), w - 12, int(h * 0.86)), text, fonts, fg)
    return img


def plate_us(fonts):
    w, h = 300, 150
    light = random.random() < 0.8
    if light:
        top = tuple(random.randint(200, 255) for _ in range(3))
        bot = tuple(max(0, c - random.randint(0, 60)) for c in top)
    else:
        top = tuple(random.randint(0, 90) for _ in range(3))
        bot = tuple(min(255, c + random.randint(0, 60)) for c in top)
    arr = np.linspace(0, 1, h)[:, None, None] * (np.array(bot) - np.array(top)) + np.array(top)
    img = Image.fromarray(np.broadcast_to(arr, (h, w, 3)).astype(np.uint8).copy())
    d = ImageDraw.Draw(img)
    if random.random() < 0.5:  # a graphic: hills / sky band
        for _ in range(random.randint(1, 3)):
            c = tuple(random.randint(0, 255) for _ in range(3))
            y = random.randint(h // 2, h)
            d.ellipse([random.randint(-w, w // 2), y, random.randint(w // 2, 2 * w), y + h], fill=c)
    fg = random.choice([(20, 30, 120), (160, 20, 20), (10, 10, 10), (10, 80, 30)]) if light else (240, 240, 240)
    states = ["CALIFORNIA", "TEXAS", "New York", "FLORIDA", "Ohio", "ILLINOIS", "Georgia", "MICHIGAN", "Arizona",
              "NEW JERSEY", "Virginia", "OREGON", "Massachusetts", "Colorado", "WASHINGTON", "Nevada", "Utah"]
    draw_text_fit(img, (int(w * 0.2), int(h * 0.04), int(w * 0.8), int(h * 0.22)), random.choice(states), fonts,
                  random.choice([(160, 20, 20), (20, 30, 120), fg]))
    style = random.randrange(3)
    text = [f"{rnd_digits(1)}{rnd_letters(3)}{rnd_digits(3)}", f"{rnd_letters(3)} {rnd_digits(4)}",
            f"{rnd_letters(3)}{random.choice(['-', '·', '•'])}{rnd_digits(4)}"][style]
    draw_text_fit(img, (int(w * 0.06), int(h * 0.26), int(w * 0.94), int(h * 0.8)), text, fonts, fg)
    if random.random() < 0.7:
        slogan = random.choice(["dmv.ca.gov", "The Lone Star State", "Sunshine State", "Land of Lincoln",
                                "Great Lakes", "Empire State", "Grand Canyon State", "Live Free or Die"])
        draw_text_fit(img, (int(w * 0.2), int(h * 0.83), int(w * 0.8), int(h * 0.96)), slogan, fonts, fg)
    for cx in (random.randint(8, 40), random.randint(w - 40, w - 8)):
        if random.random() < 0.4:
            c = tuple(random.randint(0, 255) for _ in range(3))
            d.rectangle([cx - 12, 6, cx + 12, 26], fill=c)
    return img


def plate_br(fonts):
    if random.random() < 0.5:  # Mercosul
        w, h = 400, 130
        img = Image.new("RGB", (w, h), (245, 245, 245))
        d = ImageDraw.Draw(img)
        d.rectangle([0, 0, w, int(h * 0.22)], fill=(20, 50, 150))
        draw_text_fit(img, (int(w * 0.35), 3, int(w * 0.65), int(h * 0.2)), "BRASIL", fonts, (255, 255, 255))
        d.rectangle([w - 40, 4, w - 10, int(h * 0.18)], fill=(0, 150, 60))
        text = f"{rnd_letters(3)}{rnd_digits(1)}{rnd_letters(1)}{rnd_digits(2)}"
        draw_text_fit(img, (12, int(h * 0.3), w - 12, int(h * 0.92)), text, fonts, (15, 15, 15))
        d.rectangle([1, 1, w - 2, h - 2], outline=(30, 30, 30), width=3)
    else:
        w, h = 400, 130
        g = random.randint(150, 215)
        red = random.random() < 0.25
        bg = (200, 40, 40) if red else (g, g, g - 5)
        fg = (245, 245, 245) if red else (20, 20, 20)
        img = Image.new("RGB", (w, h), bg)
        d = ImageDraw.Draw(img)
        city = random.choice(["SAO PAULO", "RIO DE JANEIRO", "CURITIBA", "BELO HORIZONTE", "PORTO ALEGRE", "CAMPINAS"])
        draw_text_fit(img, (int(w * 0.15), 4, int(w * 0.85), int(h * 0.22)), f"{city} - {rnd_letters(2)}", fonts, fg)
        text = f"{rnd_letters(3)}{random.choice(['-', '·', '-', ' '])}{rnd_digits(4)}"
        draw_text_fit(img, (10, int(h * 0.28), w - 10, int(h * 0.93)), text, fonts, fg)
        d.rectangle([1, 1, w - 2, h - 2], outline=fg, width=3)
    return img


JP_REGIONS = ["品川", "練馬", "横浜", "大阪", "名古屋", "札幌", "福岡", "神戸", "京都", "多摩", "足立", "湘南"]
JP_KANA = "さすせそたちつてとなにぬねのはひふほまみむめもやゆよらりるれろわ"
CN_PROV = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"


def plate_jp(fonts):
    w, h = 330, 165
    scheme = random.choice([((250, 250, 248), (20, 90, 40)), ((250, 210, 20), (20, 20, 20)),
                            ((20, 90, 40), (245, 245, 245)), ((15, 15, 15), (240, 200, 20))])
    img = Image.new("RGB", (w, h), scheme[0])
    d = ImageDraw.Draw(img)
    fg = scheme[1]
    cjk = fonts.cjk or random.choice(fonts.latin)
    top = f"{random.choice(JP_REGIONS)} {rnd_digits(random.choice([2, 3]))}" if fonts.cjk else f"TOKYO {rnd_digits(3)}"
    draw_text_fit(img, (int(w * 0.22), int(h * 0.06), int(w * 0.78), int(h * 0.36)), top, fonts, fg, font_path=cjk, index=0)
    if fonts.cjk:
        draw_text_fit(img, (int(w * 0.03), int(h * 0.5), int(w * 0.17), int(h * 0.78)), random.choice(JP_KANA), fonts, fg,
                      font_path=cjk)
    num = random.choice([f"{rnd_digits(2)}-{rnd_digits(2)}", f"・{rnd_digits(1)}-{rnd_digits(2)}", f"{rnd_digits(2)}-{rnd_digits(2)}"])
    draw_text_fit(img, (int(w * 0.19), int(h * 0.38), int(w * 0.97), int(h * 0.94)), num, fonts, fg,
                  font_path=cjk if num.startswith("・") else None)
    d.rectangle([2, 2, w - 3, h - 3], outline=fg, width=2)
    return img


def plate_cn(fonts):
    w, h = 440, 140
    scheme = random.choice([((20, 60, 190), (245, 245, 245)), ((240, 190, 10), (15, 15, 15)),
                            ((150, 220, 150), (15, 15, 15)), ((245, 245, 245), (15, 15, 15))])
    img = Image.new("RGB", (w, h), scheme[0])
    d = ImageDraw.Draw(img)
    fg = scheme[1]
    d.rectangle([5, 5, w - 6, h - 6], outline=fg, width=3)
    prov = random.choice(CN_PROV) if fonts.cjk else rnd_letters(1)
    draw_text_fit(img, (14, int(h * 0.15), int(w * 0.14), int(h * 0.85)), prov, fonts, fg, font_path=fonts.cjk or None)
    n = 6 if scheme[0][1] == 220 else 5
    rest = f"{random.choice(LETTERS)}·{''.join(random.choice(LETTERS + DIGITS * 2) for _ in range(n))}"
    draw_text_fit(img, (int(w * 0.16), int(h * 0.15), w - 14, int(h * 0.85)), rest, fonts, fg,
                  font_path=fonts.cjk or None)
    return img


def plate_black(fonts):
    w, h = random.choice([(520, 111), (440, 140), (330, 165), (400, 130)])
    bg = tuple(random.randint(5, 35) for _ in range(3))
    fg = random.choice([(235, 235, 235), (200, 200, 205), (240, 220, 120), (245, 245, 245)])
    img = Image.new("RGB", (w, h), bg)
    d = ImageDraw.Draw(img)
    if random.random() < 0.5:
        d.rectangle([3, 3, w - 4, h - 4], outline=fg, width=2)
    text = random.choice([f"{rnd_letters(3)} {rnd_digits(random.randint(1, 4))}",
                          f"{rnd_letters(1)} {rnd_digits(4)} {rnd_letters(3)}",
                          f"{rnd_letters(2)}{rnd_digits(2)} {rnd_letters(3)}", f"{rnd_digits(3)} {rnd_letters(3)}"])
    if h > w / 2.5 and random.random() < 0.6:
        a, b = text.split(" ", 1)
        draw_text_fit(img, (12, int(h * 0.08), w - 12, int(h * 0.46)), a, fonts, fg)
        draw_text_fit(img, (12, int(h * 0.54), w - 12, int(h * 0.92)), b, fonts, fg)
    else:
        draw_text_fit(img, (12, int(h * 0.15), w - 12, int(h * 0.85)), text, fonts, fg)
    return img


def plate_two_line(fonts):
    w, h = random.choice([(280, 200), (255, 165), (200, 170)])
    bg, fg = random.choice([((245, 245, 240), (15, 15, 15)), ((250, 200, 10), (15, 15, 15)),
                            ((230, 230, 230), (20, 30, 120))])
    img = Image.new("RGB", (w, h), bg)
    d = ImageDraw.Draw(img)
    d.rectangle([1, 1, w - 2, h - 2], outline=fg, width=3)
    band = eu_band(img, d, w, h, fonts) if random.random() < 0.4 else 0
    draw_text_fit(img, (band + 10, int(h * 0.08), w - 10, int(h * 0.46)), rnd_letters(random.randint(2, 3)), fonts, fg)
    draw_text_fit(img, (band + 10, int(h * 0.54), w - 10, int(h * 0.92)), rnd_digits(random.randint(2, 4)), fonts, fg)
    return img


def plate_other(fonts):
    aspect = random.uniform(1.8, 5.0)
    h = 120
    w = int(h * aspect)
    bg = tuple(random.randint(0, 255) for _ in range(3))
    lum = sum(bg) / 3
    fg = tuple(random.randint(0, 50) for _ in range(3)) if lum > 120 else tuple(random.randint(200, 255) for _ in range(3))
    img = Image.new("RGB", (w, h), bg)
    d = ImageDraw.Draw(img)
    if random.random() < 0.6:
        d.rectangle([2, 2, w - 3, h - 3], outline=fg, width=random.randint(1, 4))
    n = random.randint(4, 8)
    text = "".join(random.choice(LETTERS + DIGITS) for _ in range(n))
    if random.random() < 0.5:
        k = random.randint(1, n - 1)
        text = text[:k] + random.choice([" ", "-", "·"]) + text[k:]
    side = 0
    if random.random() < 0.3:  # a region box at one end (RU, UA, …)
        side = int(w * 0.2)
        d.line([w - side, 4, w - side, h - 4], fill=fg, width=2)
        draw_text_fit(img, (w - side + 4, 8, w - 6, int(h * 0.62)), rnd_digits(random.randint(2, 3)), fonts, fg)
    draw_text_fit(img, (10, int(h * 0.15), w - side - 10, int(h * 0.85)), text, fonts, fg)
    return img


RENDERERS = [(plate_eu, 0.26), (plate_us, 0.18), (plate_br, 0.12), (plate_jp, 0.08), (plate_cn, 0.07),
             (plate_black, 0.1), (plate_two_line, 0.05), (plate_other, 0.14)]


def render_plate(fonts):
    r = random.random()
    for f, p in RENDERERS:
        if r < p:
            return f(fonts), f.__name__[6:]
        r -= p
    return plate_other(fonts), "other"


def mount(plate):
    """Adds what surrounds a plate on a car: frame, bolts, dirt, embossing-like shading."""
    w, h = plate.size
    d = ImageDraw.Draw(plate)
    if random.random() < 0.5:
        for bx in (w * 0.12, w * 0.88):
            by = h * random.choice([0.08, 0.5, 0.92])
            d.ellipse([bx - 5, by - 5, bx + 5, by + 5], fill=tuple(random.randint(100, 200) for _ in range(3)))
    arr = np.asarray(plate).astype(np.float32)
    if random.random() < 0.5:  # dirt / wear
        noise = np.random.rand(h // 8 + 1, w // 8 + 1).astype(np.float32)
        noise = np.asarray(Image.fromarray((noise * 255).astype(np.uint8)).resize((w, h), Image.BICUBIC)) / 255.0
        arr *= (1 - random.uniform(0, 0.35) * noise)[..., None]
    if random.random() < 0.3:  # embossed letters: a light/dark offset
        shifted = np.roll(np.roll(arr, 2, axis=0), 2, axis=1)
        arr = np.clip(arr * 0.85 + shifted * 0.15, 0, 255)
    plate = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    if random.random() < 0.6:  # a frame around the plate (dealer frame / holder)
        fw = random.randint(3, 14)
        framed = Image.new("RGB", (w + 2 * fw, h + 2 * fw), tuple(random.randint(0, 80) for _ in range(3)))
        framed.paste(plate, (fw, fw))
        return framed, (fw, fw, fw + w, fw + h)
    return plate, (0, 0, w, h)


def homography(src, dst):
    a = []
    for (x, y), (u, v) in zip(src, dst):
        a.append([x, y, 1, 0, 0, 0, -u * x, -u * y, -u])
        a.append([0, 0, 0, x, y, 1, -v * x, -v * y, -v])
    _, _, vt = np.linalg.svd(np.asarray(a, dtype=np.float64))
    hm = vt[-1].reshape(3, 3)
    return hm / hm[2, 2]


def warp_corners(w, h, out_w, yaw, pitch, roll):
    """Corners of a w×h plate seen from a camera at yaw/pitch (deg), rolled, scaled to out_w."""
    pts = np.array([[-w / 2, -h / 2, 0], [w / 2, -h / 2, 0], [w / 2, h / 2, 0], [-w / 2, h / 2, 0]], dtype=np.float64)
    cy, sy = math.cos(math.radians(yaw)), math.sin(math.radians(yaw))
    cp, sp = math.cos(math.radians(pitch)), math.sin(math.radians(pitch))
    ry = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
    rx = np.array([[1, 0, 0], [0, cp, -sp], [0, sp, cp]])
    p = pts @ (ry @ rx).T
    dist = w * random.uniform(1.5, 6.0)
    proj = p[:, :2] * (dist / (dist + p[:, 2:3]))
    cr, sr = math.cos(math.radians(roll)), math.sin(math.radians(roll))
    proj = proj @ np.array([[cr, -sr], [sr, cr]]).T
    span = proj[:, 0].max() - proj[:, 0].min()
    proj *= out_w / max(span, 1e-6)
    return proj


class Backgrounds:
    def __init__(self, split, size):
        files = sorted(f for d in BG_DIRS for f in glob.glob(os.path.join(d, "**", "*"), recursive=True)
                       if f.lower().endswith((".jpg", ".jpeg", ".png", ".webp")))
        keep = 0 if split == "train" else 1
        self.files = files[keep::2]
        self.size = size
        self.cache = {}

    def photo(self):
        if not self.files:
            return None
        f = random.choice(self.files)
        if f not in self.cache:
            try:
                im = Image.open(f).convert("RGB")
                im.thumbnail((1400, 1400))
                self.cache[f] = im
            except Exception:
                self.cache[f] = None
        return self.cache[f]

    def sample(self, fonts):
        s = self.size
        r = random.random()
        im = self.photo() if r < 0.55 else None
        if im is not None:
            scale = random.uniform(s / min(im.size), 3.0 * s / min(im.size))
            scale = max(scale, s / min(im.size))
            im2 = im.resize((max(s, int(im.width * scale)), max(s, int(im.height * scale))), Image.BILINEAR)
            x = random.randint(0, im2.width - s)
            y = random.randint(0, im2.height - s)
            bg = im2.crop((x, y, x + s, y + s))
        else:
            bg = procedural(s)
        if random.random() < 0.5:
            car_body(bg)
        if random.random() < 0.45:
            distractor_text(bg, fonts)
        for _ in range(random.choices([0, 1, 2], weights=[0.5, 0.35, 0.15])[0]):
            badge(bg, fonts)
        if random.random() < 0.25:
            logo(bg, fonts)
        if random.random() < 0.2:
            lamp(bg)
        if random.random() < 0.12:
            timestamp(bg, fonts)
        return bg


def procedural(s):
    c0 = np.array([random.randint(0, 255) for _ in range(3)], dtype=np.float32)
    c1 = np.array([random.randint(0, 255) for _ in range(3)], dtype=np.float32)
    t = np.linspace(0, 1, s, dtype=np.float32)
    g = t[:, None] if random.random() < 0.5 else t[None, :]
    arr = c0 + (c1 - c0) * np.broadcast_to(g, (s, s))[..., None]
    k = random.choice([4, 8, 16, 32])
    noise = np.random.rand(s // k + 1, s // k + 1, 3).astype(np.float32)
    noise = np.asarray(Image.fromarray((noise * 255).astype(np.uint8)).resize((s, s), Image.BICUBIC), dtype=np.float32)
    arr = arr * 0.6 + noise * 0.4
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    d = ImageDraw.Draw(img)
    for _ in range(random.randint(0, 12)):
        c = tuple(random.randint(0, 255) for _ in range(3))
        x0, y0 = random.randint(-s // 2, s), random.randint(-s // 2, s)
        x1, y1 = x0 + random.randint(5, s), y0 + random.randint(5, s)
        shape = random.random()
        if shape < 0.4:
            d.rectangle([x0, y0, x1, y1], fill=c)
        elif shape < 0.7:
            d.ellipse([x0, y0, x1, y1], fill=c)
        else:
            d.line([x0, y0, x1, y1], fill=c, width=random.randint(1, 8))
    return img


def car_body(bg):
    """A car's rear or front as flat shapes: painted body, light clusters, bumper, grille."""
    s = bg.size[0]
    d = ImageDraw.Draw(bg)
    paint = tuple(random.randint(0, 255) for _ in range(3))
    x0, y0 = random.randint(-s // 4, s // 2), random.randint(-s // 4, s // 2)
    x1, y1 = x0 + random.randint(s // 3, s * 2), y0 + random.randint(s // 4, s)
    d.rounded_rectangle([x0, y0, x1, y1], radius=random.randint(4, 40), fill=paint)
    ly = y0 + (y1 - y0) * random.uniform(0.1, 0.4)
    lh = (y1 - y0) * random.uniform(0.06, 0.18)
    lw = (x1 - x0) * random.uniform(0.1, 0.25)
    lc = random.choice([(200, 20, 20), (230, 230, 230), (240, 140, 20)])
    d.rectangle([x0 + 4, ly, x0 + 4 + lw, ly + lh], fill=lc)
    d.rectangle([x1 - 4 - lw, ly, x1 - 4, ly + lh], fill=lc)
    if random.random() < 0.5:  # grille
        gy0 = ly + lh * 1.5
        for k in range(random.randint(2, 8)):
            yy = gy0 + k * random.randint(3, 8)
            d.line([x0 + lw * 1.5, yy, x1 - lw * 1.5, yy], fill=(20, 20, 20), width=2)
    by = y0 + (y1 - y0) * random.uniform(0.6, 0.85)
    d.rectangle([x0, by, x1, by + (y1 - y0) * 0.12], fill=tuple(max(0, c - 60) for c in paint))
    if random.random() < 0.4:  # a badge / brand lettering (not a plate)
        fonts = random.choice(FONTS_SINGLETON)
        word = random.choice(["TOYOTA", "GOLF", "Corolla", "CIVIC", "ASTRA", "AUDI", "TDI", "4MATIC", "HYBRID", "Focus"])
        f = ImageFont.truetype(random.choice(fonts.latin), random.randint(8, 24))
        d.text(((x0 + x1) / 2, ly), word, font=f, fill=(200, 200, 200))


FONTS_SINGLETON = []

BADGE_WORDS = ["POLO", "GOLF", "Jeep", "RENAULT", "LAGUNA", "SANDERO", "FOX", "Palio", "CROSS", "KIA", "SK",
               "FELICIA", "Lamborghini", "Sport", "TURBO", "GTI", "V6", "4x4", "CIVIC", "Corolla", "ASTRA", "Focus",
               "FIESTA", "CLIO", "MEGANE", "PEUGEOT", "CITROËN", "OPEL", "VOLVO", "AUDI", "quattro", "BMW", "320d",
               "Prius", "HYBRID", "ELECTRIC", "TDI", "16V", "Limited", "Premium", "Camry", "ACCORD", "Outback",
               "Forester", "SUBARU", "MAZDA", "CX-5", "NISSAN", "Qashqai", "Micra", "Yaris", "AYGO", "Octavia",
               "Superb", "FABIA", "ŠKODA", "SEAT", "Ibiza", "Leon", "DACIA", "Duster", "LADA", "niva", "GOL",
               "Uno", "Strada", "HILUX", "RANGER", "F-150", "SILVERADO", "RAM", "Tacoma", "Wrangler", "Cherokee"]
SCRIPT_FONTS = ["dejavu/DejaVuSerif-BoldItalic.ttf", "dejavu/DejaVuSerif-Italic.ttf", "dejavu/DejaVuSans-BoldOblique.ttf",
                "dejavu/DejaVuSansCondensed-Oblique.ttf", "dejavu/DejaVuSerifCondensed-Bold.ttf",
                "dejavu/DejaVuSans-ExtraLight.ttf", "liberation2/LiberationSerif-BoldItalic.ttf",
                "liberation2/LiberationSerif-Bold.ttf", "liberation2/LiberationSans-Italic.ttf"]


def logo(bg, fonts):
    """Brand emblems: an oval with a script word, interlocking rings, a roundel with a letter."""
    s = bg.size[0]
    d = ImageDraw.Draw(bg)
    w = int(math.exp(random.uniform(math.log(14), math.log(s * 0.25))))
    h = max(6, int(w * random.uniform(0.3, 1.0)))
    x, y = random.randint(0, max(0, s - w)), random.randint(0, max(0, s - h))
    metal = tuple([random.randint(150, 240)] * 3)
    kind = random.random()
    if kind < 0.4:  # oval badge with a word
        fill = random.choice([(20, 40, 110), (15, 15, 15), (200, 200, 205), (150, 20, 20)])
        d.ellipse([x, y, x + w, y + h], fill=fill, outline=metal, width=max(1, h // 12))
        word = random.choice(["Ford", "Kia", "Hyundai", "Opel", "Dacia", "Lada", "Skoda", "SK", "CZ", "D", "NL"])
        paths = [p for p in (find_font(r) for r in SCRIPT_FONTS) if p] + fonts.latin
        draw_text_fit(bg, (x + w // 6, y + h // 5, x + w - w // 6, y + h - h // 5), word, fonts,
                      random.choice([metal, (255, 255, 255), (10, 10, 10)]), font_path=random.choice(paths))
    elif kind < 0.7:  # rings
        r = h // 2
        for k in range(4):
            cx = x + r + k * int(r * 1.3)
            d.ellipse([cx - r, y, cx + r, y + 2 * r], outline=metal, width=max(1, r // 5))
    else:  # roundel / chevrons / star
        d.ellipse([x, y, x + h, y + h], fill=metal, outline=(40, 40, 40), width=max(1, h // 10))
        draw_text_fit(bg, (x + h // 4, y + h // 4, x + 3 * h // 4, y + 3 * h // 4), random.choice("VWBMLTHCRS"), fonts,
                      (30, 30, 60))
        if random.random() < 0.5:
            for k in range(2):
                yy = y + h + 4 + k * max(3, h // 4)
                d.line([x, yy + h // 4, x + h // 2, yy, x + h, yy + h // 4], fill=metal, width=max(1, h // 8))


def lamp(bg):
    """Rear lights and indicators: glowing red / amber clusters with stripes and highlights."""
    s = bg.size[0]
    w = int(math.exp(random.uniform(math.log(20), math.log(s * 0.4))))
    h = max(6, int(w * random.uniform(0.2, 0.6)))
    x, y = random.randint(-w // 4, s - w // 2), random.randint(0, max(0, s - h))
    layer = Image.new("RGB", (w, h), random.choice([(200, 20, 25), (230, 60, 30), (240, 140, 20), (120, 10, 10)]))
    d = ImageDraw.Draw(layer)
    for _ in range(random.randint(2, 8)):
        c = tuple(min(255, v) for v in (random.randint(220, 255), random.randint(80, 230), random.randint(60, 200)))
        cx, cy = random.randint(0, w), random.randint(0, h)
        r = random.randint(2, max(3, h // 2))
        d.ellipse([cx - r, cy - r // 2, cx + r, cy + r // 2], fill=c)
    for k in range(random.randint(0, 5)):
        yy = random.randint(0, h)
        d.line([0, yy, w, yy], fill=(60, 0, 0), width=1)
    layer = layer.filter(ImageFilter.GaussianBlur(random.uniform(0, 2)))
    mask = Image.new("L", (w, h), 0)
    ImageDraw.Draw(mask).rounded_rectangle([0, 0, w - 1, h - 1], radius=h // 2, fill=255)
    bg.paste(layer, (x, y), mask)


def timestamp(bg, fonts):
    """A camera's date imprint or a dash-cam overlay: digits and separators without a plate."""
    s = bg.size[0]
    y_, mo, da = random.randint(1998, 2026), random.randint(1, 12), random.randint(1, 28)
    hh, mi, ss = random.randint(0, 23), random.randint(0, 59), random.randint(0, 59)
    text = random.choice([f"{y_}-{mo:02d}-{da:02d} {hh:02d}:{mi:02d}:{ss:02d}", f"{da:02d}/{mo:02d}/{y_}",
                          f"'{y_ % 100:02d} {mo} {da}", f"{hh:02d}:{mi:02d}:{ss:02d}", f"{y_}/{mo:02d}/{da:02d}",
                          f"{y_}-{mo:02d}-{da:02d}\n{hh:02d}:{mi:02d}:{ss:02d}"])
    path = random.choice([find_font("dejavu/DejaVuSansMono-Bold.ttf"), find_font("dejavu/DejaVuSansMono.ttf")]
                         + fonts.latin)
    f = fonts.get(path, random.randint(9, 34))
    d = ImageDraw.Draw(bg)
    l, t, r, b = d.multiline_textbbox((0, 0), text, font=f)
    x = random.choice([4, s - (r - l) - 6, random.randint(0, max(0, s - (r - l)))])
    y = random.choice([4, s - (b - t) - 6, random.randint(0, max(0, s - (b - t)))])
    if random.random() < 0.3:
        d.rectangle([x - 3, y - 3, x + r - l + 3, y + b - t + 3], fill=(0, 0, 0))
    d.multiline_text((x - l, y - t), text, font=f,
                     fill=random.choice([(255, 140, 0), (255, 255, 255), (255, 230, 0), (240, 240, 240)]))


def badge(bg, fonts):
    """Car lettering that is not a plate: chrome or painted model names and brand badges, often
    italic or spaced out, sometimes on an oval or a dark pill — the boxes a text detector finds on
    every car and the verifier must turn down."""
    s = bg.size[0]
    word = random.choice(BADGE_WORDS)
    if random.random() < 0.3:
        word = word.upper()
    if random.random() < 0.2:
        word = " ".join(word)
    paths = [p for p in (find_font(r) for r in SCRIPT_FONTS) if p] + fonts.latin
    size = int(math.exp(random.uniform(math.log(9), math.log(s * 0.12))))
    font = fonts.get(random.choice(paths), size)
    l, t, r, b = font.getbbox(word)
    tw, th = r - l + 4, b - t + 4
    if tw >= s - 4 or th >= s - 4:
        return
    x, y = random.randint(0, s - tw), random.randint(0, s - th)
    d = ImageDraw.Draw(bg)
    if random.random() < 0.25:  # oval / pill behind the lettering
        pad = th * random.uniform(0.2, 0.6)
        fill = tuple(random.randint(0, 80) for _ in range(3)) if random.random() < 0.6 else \
            tuple(random.randint(150, 255) for _ in range(3))
        box = [x - pad, y - pad * 0.6, x + tw + pad, y + th + pad * 0.6]
        if random.random() < 0.5:
            d.ellipse(box, fill=fill)
        else:
            d.rounded_rectangle(box, radius=th * 0.4, fill=fill)
        if random.random() < 0.5:
            d.ellipse(box, outline=(200, 200, 200), width=max(1, int(th * 0.08)))
    mask = Image.new("L", (tw, th), 0)
    ImageDraw.Draw(mask).text((2 - l, 2 - t), word, font=font, fill=255)
    style = random.random()
    if style < 0.5:  # chrome: light top, dark bottom, thin dark shadow below
        g = np.linspace(random.uniform(200, 255), random.uniform(60, 140), th, dtype=np.float32)[:, None]
        arr = np.repeat(np.repeat(g, tw, axis=1)[..., None], 3, axis=2)
        shadow = Image.new("RGB", (tw, th), (20, 20, 20))
        off = max(1, th // 12)
        bg.paste(shadow, (x + off, y + off), mask)
        fill = Image.fromarray(arr.astype(np.uint8))
    else:  # painted or decal
        c = tuple(random.randint(0, 255) for _ in range(3))
        fill = Image.new("RGB", (tw, th), c)
    bg.paste(fill, (x, y), mask)


def distractor_text(bg, fonts):
    """Text that is not a licence plate: signs, posters, shop fronts, paragraphs, stickers."""
    s = bg.size[0]
    d = ImageDraw.Draw(bg)
    for _ in range(random.randint(1, 3)):
        kind = random.random()
        c_bg = tuple(random.randint(0, 255) for _ in range(3))
        c_fg = tuple(255 - v for v in c_bg) if random.random() < 0.7 else tuple(random.randint(0, 255) for _ in range(3))
        x, y = random.randint(0, s - 20), random.randint(0, s - 20)
        if kind < 0.35:  # paragraph
            f = fonts.get(random.choice(fonts.latin), random.randint(7, 16))
            words = ["open", "daily", "parking", "only", "sale", "street", "coffee", "menu", "EXIT", "STOP", "hotel",
                     "bus", "no entry", "pizza", "bank", "center", "taxi", "police", "welcome", "shop", "bakery"]
            lines = [" ".join(random.choice(words) for _ in range(random.randint(2, 6))) for _ in range(random.randint(2, 7))]
            if random.random() < 0.5:
                d.rectangle([x - 4, y - 4, x + s // 2, y + len(lines) * f.size * 1.3], fill=c_bg)
            for i, line in enumerate(lines):
                d.text((x, y + i * f.size * 1.3), line, font=f, fill=c_fg)
        elif kind < 0.7:  # a sign: one long word or phrase
            word = random.choice(["PHARMACY", "Parking", "SUPERMARKET", "Main Street", "ONE WAY", "Restaurant",
                                  "CAFE", "Hotel Europa", "BAKERY", "Station", "EXIT 12", "Airport", "Museum"])
            f = fonts.get(random.choice(fonts.latin), random.randint(10, 60))
            l, t, r, b = d.textbbox((x, y), word, font=f)
            if random.random() < 0.7:
                d.rectangle([l - 6, t - 6, r + 6, b + 6], fill=c_bg)
            d.text((x, y), word, font=f, fill=c_fg)
        else:  # a scatter of characters / a number on a wall, a price tag
            f = fonts.get(random.choice(fonts.latin), random.randint(10, 50))
            d.text((x, y), random.choice(["€ 4,99", "42", "No. 17", "$12.50", "2024", "A4", "-50%", "Tel. 0123"]),
                   font=f, fill=c_fg)


def place(bg, fonts, boxes):
    s = bg.size[0]
    plate, region = render_plate(fonts)
    plate, inner = mount(plate)
    pw, ph = plate.size
    # Plate width in the output: log-uniform from 14 px to 0.8 of the image.
    out_w = math.exp(random.uniform(math.log(14), math.log(s * 0.8)))
    yaw = random.choice([0, 1, 1, 1]) * random.uniform(-65, 65)
    pitch = random.uniform(-25, 25)
    roll = random.gauss(0, 5) if random.random() < 0.8 else random.uniform(-25, 25)
    corners = warp_corners(pw, ph, out_w, yaw, pitch, roll)
    span = corners.max(axis=0) - corners.min(axis=0)
    if span[1] > s * 0.9 or span[0] > s * 0.95:
        return False
    cx = random.uniform(span[0] / 2 - span[0] * 0.1, s - span[0] / 2 + span[0] * 0.1)
    cy = random.uniform(span[1] / 2, s - span[1] / 2)
    dst = corners - corners.min(axis=0) - span / 2 + np.array([cx, cy])
    # The box is around the plate itself (not its holder frame).
    fx = np.array([inner[0], inner[2], inner[2], inner[0]], dtype=np.float64)
    fy = np.array([inner[1], inner[1], inner[3], inner[3]], dtype=np.float64)
    src = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], dtype=np.float64)
    hmat = homography(dst, src)  # output -> plate (PIL wants the inverse map)
    fwd = homography(src, dst)
    pts = np.stack([fx, fy, np.ones(4)], axis=1) @ fwd.T
    pts = pts[:, :2] / pts[:, 2:3]
    x0, y0 = pts.min(axis=0)
    x1, y1 = pts.max(axis=0)
    for b in boxes:  # never overlap another plate
        if x0 < b[0] + b[2] and b[0] < x1 and y0 < b[1] + b[3] and b[1] < y1:
            return False
    # Light: shade, glare, colour cast before warping.
    arr = np.asarray(plate).astype(np.float32)
    arr *= random.uniform(0.45, 1.15)
    if random.random() < 0.25:  # glare / reflection band
        gx = np.linspace(-1, 1, pw)[None, :] * random.uniform(-2, 2) + np.linspace(-1, 1, ph)[:, None] * random.uniform(-2, 2)
        arr += (np.exp(-(gx - random.uniform(-1, 1)) ** 2 * 4) * random.uniform(40, 160))[..., None]
    arr += np.array([random.gauss(0, 12) for _ in range(3)], dtype=np.float32)
    plate = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    # Pre-blur large plates before shrinking (anti-aliasing happens in the transform).
    mask = Image.new("L", (pw, ph), 255)
    coeffs = tuple(hmat.flatten()[:8])
    warped = plate.transform((s, s), Image.PERSPECTIVE, coeffs, Image.BILINEAR) if out_w > pw * 0.5 else \
        plate.resize((max(1, pw // 2), max(1, ph // 2)), Image.BOX).transform(
            (s, s), Image.PERSPECTIVE, tuple((homography(dst, src / 2)).flatten()[:8]), Image.BILINEAR)
    wmask = mask.transform((s, s), Image.PERSPECTIVE, coeffs, Image.BILINEAR)
    if random.random() < 0.5:  # recess / shadow around the plate
        sh = wmask.filter(ImageFilter.GaussianBlur(max(1, out_w * 0.03)))
        dark = Image.new("RGB", (s, s), (0, 0, 0))
        bg.paste(dark, (0, 0), sh.point(lambda v: int(v * 0.5)))
    bg.paste(warped, (0, 0), wmask)
    boxes.append([float(x0), float(y0), float(x1 - x0), float(y1 - y0), region])
    return True


def finish(img):
    """Whole-image camera effects: blur, motion, night, rain, noise, JPEG."""
    s = img.size[0]
    r = random.random()
    if r < 0.35:
        img = img.filter(ImageFilter.GaussianBlur(random.uniform(0.3, 1.6)))
    elif r < 0.45:  # motion blur
        k = random.choice([3, 5])
        kern = [0.0] * (k * k)
        horizontal = random.random() < 0.7
        for i in range(k):
            kern[(k // 2) * k + i if horizontal else i * k + k // 2] = 1.0 / k
        img = img.filter(ImageFilter.Kernel((k, k), kern, scale=1))
    arr = np.asarray(img).astype(np.float32)
    if random.random() < 0.15:  # night
        arr = arr * random.uniform(0.15, 0.45)
        arr = 255 * (arr / 255) ** random.uniform(1.0, 1.4)
    if random.random() < 0.1:  # rain streaks
        streak = Image.new("L", (s, s), 0)
        d = ImageDraw.Draw(streak)
        for _ in range(random.randint(50, 300)):
            x, y = random.randint(0, s), random.randint(0, s)
            ln = random.randint(5, 25)
            d.line([x, y, x + ln * 0.2, y + ln], fill=random.randint(60, 160), width=1)
        arr = arr * 0.85 + np.asarray(streak, dtype=np.float32)[..., None] * 0.5
    arr *= np.array([random.uniform(0.85, 1.15) for _ in range(3)], dtype=np.float32)
    arr += np.random.randn(*arr.shape).astype(np.float32) * random.uniform(0, 8)
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    if random.random() < 0.8:
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=random.randint(35, 95))
        img = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    return img


def sample(bgs, fonts):
    bg = bgs.sample(fonts)
    boxes = []
    n = random.choices([0, 1, 2, 3], weights=[0.15, 0.55, 0.2, 0.1])[0]
    tries = 0
    while len(boxes) < n and tries < 10:
        place(bg, fonts, boxes)
        tries += 1
    return finish(bg), boxes


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--size", type=int, default=384)
    ap.add_argument("--split", choices=["train", "test"], default="train")
    args = ap.parse_args()
    random.seed(args.seed)
    np.random.seed(args.seed)
    fonts = Fonts()
    FONTS_SINGLETON.append(fonts)
    bgs = Backgrounds(args.split, args.size)
    os.makedirs(args.out, exist_ok=True)
    images = np.lib.format.open_memmap(os.path.join(args.out, "images.npy"), mode="w+", dtype=np.uint8,
                                       shape=(args.count, args.size, args.size, 3))
    all_boxes = []
    for i in range(args.count):
        img, boxes = sample(bgs, fonts)
        images[i] = np.asarray(img)
        all_boxes.append(boxes)
        if i < 12:
            vis = img.copy()
            d = ImageDraw.Draw(vis)
            for b in boxes:
                d.rectangle([b[0], b[1], b[0] + b[2], b[1] + b[3]], outline=(0, 255, 0))
            vis.save(os.path.join(args.out, f"preview_{i:02d}.png"))
        if (i + 1) % 500 == 0:
            print(f"{i + 1}/{args.count}", flush=True)
    images.flush()
    with open(os.path.join(args.out, "boxes.json"), "w") as f:
        json.dump(all_boxes, f)


if __name__ == "__main__":
    main()
