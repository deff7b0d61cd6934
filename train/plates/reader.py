"""The text reader and the plate vetoes: the reference for src/detect/ocr.rs and
`textplates::not_a_plate`.

PaddleOCR's PP-OCRv4 recogniser (models/textrec.onnx, from PyPI rapidocr-onnxruntime==1.4.4,
Apache-2.0) reads a text line; a line the verifier took for a plate is dropped when what it reads
is not a plate. The rules were chosen on the tune half of ../shared/plates (see README.md).

    python reader.py MODEL IMAGE X Y W H      # what the box reads, and the veto
"""

import re
import sys

import numpy as np

HEIGHT = 48
WIDTHS = (320, 640)


class TextReader:
    def __init__(self, path):
        import onnxruntime as ort

        so = ort.SessionOptions()
        so.intra_op_num_threads = 1
        self.sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
        chars = self.sess.get_modelmeta().custom_metadata_map["character"].splitlines()
        self.chars = [""] + chars + [" "]  # 0: CTC blank; last: space

    def read(self, img, box):
        """(text, confidence) for a box (x, y, w, h) of a PIL RGB image."""
        from PIL import Image

        x, y, w, h = box[:4]
        x0, y0 = min(max(0, round(x)), img.width - 1), min(max(0, round(y)), img.height - 1)
        x1, y1 = min(max(x0 + 1, round(x + w)), img.width), min(max(y0 + 1, round(y + h)), img.height)
        out_w = int(min(max(np.ceil(HEIGHT * (x1 - x0) / (y1 - y0)), 8), WIDTHS[-1]))
        pad_w = next((p for p in WIDTHS if p >= out_w), WIDTHS[-1])
        big = (x1 - x0) >= out_w and (y1 - y0) >= HEIGHT
        a = np.asarray(img.resize((out_w, HEIGHT), Image.BOX if big else Image.BILINEAR, box=(x0, y0, x1, y1)), np.float32)
        t = np.zeros((1, 3, HEIGHT, pad_w), np.float32)
        t[0, :, :, :out_w] = (a[:, :, ::-1] / 127.5 - 1.0).transpose(2, 0, 1)  # BGR, −1…1
        p = self.sess.run(None, {self.sess.get_inputs()[0].name: t})[0][0]
        return ctc_decode(p, self.chars)


def ctc_decode(p, chars):
    text, conf, prev = [], [], 0
    for best, prob in zip(p.argmax(1), p.max(1)):
        if best != 0 and best != prev:
            text.append(chars[best])
            conf.append(prob)
        prev = best
    return "".join(text), float(np.mean(conf)) if conf else 0.0


def not_a_plate(text, conf):
    """Why a line is not a plate, or None (see textplates::not_a_plate)."""
    latin = [c for c in text if c.isascii() and c.isalnum()]
    digits = "".join(c for c in latin if c.isdigit())
    letters = len(latin) - len(digits)
    lower = sum(c.islower() for c in latin)
    if conf < 0.3:
        return "unreadable"
    if len(latin) < 3:
        return "too short"
    if letters == 0 and len(digits) >= 7 and re.match(r"(19|20)", digits):
        return "date imprint"
    if lower >= 2:
        return "lower case"
    if not digits and letters >= 3 and conf >= 0.65:  # WORD_CONFIDENCE in textplates.rs
        return "word"
    if len(digits) >= 10:
        return "phone number"
    return None


def stacked(a, b):
    """Whether box b (x, y, w, h) sits right below box a as a plate's second line: they overlap
    by half the narrower's width, b starts within half the taller's height of a's bottom (or
    overlaps it by less than half the lower's height), and neither is more than twice as tall."""
    ox = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    gap = b[1] - (a[1] + a[3])
    return (ox >= 0.5 * min(a[2], b[2]) and -0.5 * min(a[3], b[3]) <= gap <= 0.5 * max(a[3], b[3])
            and max(a[3], b[3]) <= 2 * min(a[3], b[3]))


def vetoes(boxes, read, candidates):
    """The veto (or None) of each candidate line (indices into boxes; read(i) → (text, conf)),
    a two-line plate's lines read together: when two stacked lines are each too short or a word
    on their own but joined (upper line first) read as a plate ("GEW" over "73"), neither is
    vetoed (as textplates::vetoes)."""
    cache = {}

    def reading(i):
        if i not in cache:
            cache[i] = read(i)
        return cache[i]

    out = {}
    for i in candidates:
        v = not_a_plate(*reading(i))
        if v in ("too short", "word"):
            for j in range(len(boxes)):
                if j == i:
                    continue
                if stacked(boxes[i], boxes[j]):
                    up, down = reading(i), reading(j)
                elif stacked(boxes[j], boxes[i]):
                    up, down = reading(j), reading(i)
                else:
                    continue
                if not_a_plate(*reading(j)) not in ("too short", "word"):
                    continue  # the other line is a plate by itself (and absorbs this one) or junk
                if not_a_plate(up[0] + down[0], min(up[1], down[1])) is None:
                    v = None
                    break
        out[i] = v
    return out


if __name__ == "__main__":
    from PIL import Image

    r = TextReader(sys.argv[1])
    text, conf = r.read(Image.open(sys.argv[2]).convert("RGB"), [float(v) for v in sys.argv[3:7]])
    print(repr(text), round(conf, 3), not_a_plate(text, conf) or "plate?")
