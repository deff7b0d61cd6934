//! From an RGB raster to a model input: crop a region, resize it (area average when shrinking,
//! bilinear when enlarging), pad right/bottom to a multiple of 32, lay it out as planar NCHW
//! `f32` with the model's own colour convention.
//!
//! The network sees a concrete shape (tract is ~8× slower with symbolic H×W), so the padded size
//! is what a plan is built and cached for.

use super::rgb::Rgb;

/// A region of the source image, in its pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Region {
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
}

impl Region {
    pub fn whole(img: &Rgb) -> Region {
        Region { x: 0, y: 0, w: img.width, h: img.height }
    }
}

/// How pixel values reach the network.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Layout {
    /// B, G, R planes, 0–255 unnormalised (YuNet, as OpenCV's `blobFromImage` of a BGR image).
    /// Padding is 0.
    Bgr255,
    /// B, G, R planes minus per-channel means (given in B, G, R order; clp_det/RetinaFace).
    /// Padding is 0 after the subtraction (the mean colour).
    BgrMinusMean([f32; 3]),
    /// R, G, B planes scaled to −1…1, `v / 127.5 − 1` (the text detector and the plate
    /// verifier). Padding is 0 (mid grey).
    RgbCentered,
    /// B, G, R planes scaled to −1…1 (the text reader, as PaddleOCR feeds OpenCV's BGR).
    /// Padding is 0 (mid grey).
    BgrCentered,
}

/// A prepared input and how to map its coordinates back.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Padded tensor size (multiples of 32).
    pub width: u32,
    pub height: u32,
    /// Size of the image content inside the padded tensor (the rest is padding).
    pub content_w: u32,
    pub content_h: u32,
    /// Source pixels per tensor pixel, horizontally and vertically.
    pub scale_x: f32,
    pub scale_y: f32,
    /// Source offset of the region.
    pub origin_x: f32,
    pub origin_y: f32,
    /// `1 × 3 × height × width`, planar.
    pub data: Vec<f32>,
}

impl Prepared {
    /// Maps a box in tensor pixels to source-image pixels.
    pub fn to_source(&self, x0: f32, y0: f32, x1: f32, y1: f32) -> (f32, f32, f32, f32) {
        let cx0 = x0.clamp(0.0, self.content_w as f32);
        let cy0 = y0.clamp(0.0, self.content_h as f32);
        let cx1 = x1.clamp(0.0, self.content_w as f32);
        let cy1 = y1.clamp(0.0, self.content_h as f32);
        (
            self.origin_x + cx0 * self.scale_x,
            self.origin_y + cy0 * self.scale_y,
            self.origin_x + cx1 * self.scale_x,
            self.origin_y + cy1 * self.scale_y,
        )
    }
}

/// Rounds up to a multiple of 32 (at least 32).
pub fn pad32(v: u32) -> u32 {
    v.div_ceil(32).max(1) * 32
}

/// The content size for a region resized so its longest side is `side` (aspect kept).
pub fn fit(w: u32, h: u32, side: u32) -> (u32, u32) {
    let s = side as f32 / w.max(h) as f32;
    (((w as f32 * s).round() as u32).max(1), ((h as f32 * s).round() as u32).max(1))
}

/// Crops `region`, resizes it to `out_w × out_h`, pads and lays it out per `layout`.
pub fn prepare(img: &Rgb, region: Region, out_w: u32, out_h: u32, layout: Layout) -> Prepared {
    prepare_padded(img, region, out_w, out_h, pad32(out_w), pad32(out_h), layout)
}

/// As [`prepare`], padded to `pw × ph` (at least the content size) instead of the next multiples
/// of 32 — for a network that needs an exact height (the text reader's 48).
pub fn prepare_padded(img: &Rgb, region: Region, out_w: u32, out_h: u32, pw: u32, ph: u32, layout: Layout) -> Prepared {
    let (pw, ph) = (pw.max(out_w), ph.max(out_h));
    let rgb = resize(img, region, out_w, out_h);
    let plane = pw as usize * ph as usize;
    let mut data = vec![0f32; 3 * plane];
    let (ow, oh) = (out_w as usize, out_h as usize);
    for y in 0..oh {
        for x in 0..ow {
            let s = (y * ow + x) * 3;
            let d = y * pw as usize + x;
            let (r, g, b) = (rgb[s] as f32, rgb[s + 1] as f32, rgb[s + 2] as f32);
            match layout {
                Layout::Bgr255 => {
                    data[d] = b;
                    data[plane + d] = g;
                    data[2 * plane + d] = r;
                }
                Layout::BgrMinusMean(m) => {
                    data[d] = b - m[0];
                    data[plane + d] = g - m[1];
                    data[2 * plane + d] = r - m[2];
                }
                Layout::BgrCentered => {
                    data[d] = b / 127.5 - 1.0;
                    data[plane + d] = g / 127.5 - 1.0;
                    data[2 * plane + d] = r / 127.5 - 1.0;
                }
                Layout::RgbCentered => {
                    data[d] = r / 127.5 - 1.0;
                    data[plane + d] = g / 127.5 - 1.0;
                    data[2 * plane + d] = b / 127.5 - 1.0;
                }
            }
        }
    }
    Prepared {
        width: pw,
        height: ph,
        content_w: out_w,
        content_h: out_h,
        scale_x: region.w as f32 / out_w as f32,
        scale_y: region.h as f32 / out_h as f32,
        origin_x: region.x as f32,
        origin_y: region.y as f32,
        data,
    }
}

/// Resizes a region of `img` to `out_w × out_h` RGB: area average when shrinking (each output
/// pixel averages the source pixels its footprint covers, so a 24 MP photo does not alias),
/// bilinear when enlarging.
pub fn resize(img: &Rgb, r: Region, out_w: u32, out_h: u32) -> Vec<u8> {
    let (sw, ow, oh) = (img.width as usize, out_w as usize, out_h as usize);
    let fx = r.w as f32 / out_w as f32;
    let fy = r.h as f32 / out_h as f32;
    let mut out = vec![0u8; ow * oh * 3];
    if fx >= 1.0 && fy >= 1.0 {
        // Each output pixel averages its exact footprint [o·f, (o+1)·f) in the source, border
        // pixels weighted by the share they cover (as PIL's BOX filter; whole-pixel footprints
        // shifted small text by up to a pixel and aliased at ratios near 1). Rows: each source
        // row is weighted into the output row(s) whose footprint covers it.
        let cols = Taps::new(r.x, r.w, ow, fx);
        let rows = footprints(r.y, r.h, oh, fy);
        // Each source row is filtered horizontally once; consecutive output rows share at most
        // their boundary source row, which is kept from the previous output row.
        let (mut line, mut shared) = (vec![0f32; ow * 3], (usize::MAX, vec![0f32; ow * 3]));
        let mut acc = vec![0f32; ow * 3];
        for (oy, (y0, wys)) in rows.iter().enumerate() {
            acc.iter_mut().for_each(|a| *a = 0.0);
            for (k, &wy) in wys.iter().enumerate() {
                let y = y0 + k;
                let h = if shared.0 == y {
                    &shared.1
                } else {
                    cols.filter(&img.data[y * sw * 3..(y + 1) * sw * 3], &mut line);
                    if k + 1 == wys.len() {
                        std::mem::swap(&mut line, &mut shared.1);
                        shared.0 = y;
                        &shared.1
                    } else {
                        &line
                    }
                };
                for (a, &v) in acc.iter_mut().zip(h) {
                    *a += wy * v;
                }
            }
            for (o, a) in out[oy * ow * 3..(oy + 1) * ow * 3].iter_mut().zip(&acc) {
                *o = (a + 0.5).min(255.0) as u8;
            }
        }
    } else {
        let maxx = (r.x + r.w - 1) as f32;
        let maxy = (r.y + r.h - 1) as f32;
        for oy in 0..oh {
            let sy = (r.y as f32 + (oy as f32 + 0.5) * fy - 0.5).clamp(r.y as f32, maxy);
            let y0 = sy as usize;
            let y1 = (y0 + 1).min(maxy as usize);
            let ty = sy - y0 as f32;
            for ox in 0..ow {
                let sx = (r.x as f32 + (ox as f32 + 0.5) * fx - 0.5).clamp(r.x as f32, maxx);
                let x0 = sx as usize;
                let x1 = (x0 + 1).min(maxx as usize);
                let tx = sx - x0 as f32;
                for k in 0..3 {
                    let p = |x: usize, y: usize| img.data[(y * sw + x) * 3 + k] as f32;
                    let top = p(x0, y0) * (1.0 - tx) + p(x1, y0) * tx;
                    let bot = p(x0, y1) * (1.0 - tx) + p(x1, y1) * tx;
                    out[(oy * ow + ox) * 3 + k] = (top * (1.0 - ty) + bot * ty + 0.5) as u8;
                }
            }
        }
    }
    out
}

/// The horizontal footprints of a shrink as one flat table: every output column reads the same
/// number of source pixels (`n`, the widest footprint), the narrower ones padded with zero
/// weights, so the inner loop has no per-column allocation or length.
struct Taps {
    first: Vec<usize>,
    n: usize,
    /// Weights in units of 2⁻¹⁴, each column's summing to exactly 2¹⁴.
    weights: Vec<u32>,
}

/// One in [`Taps`] weights.
const ONE: u32 = 1 << 14;

impl Taps {
    fn new(start: u32, len: u32, out: usize, f: f32) -> Taps {
        let feet = footprints(start, len, out, f);
        let n = feet.iter().map(|(_, w)| w.len()).max().unwrap_or(1);
        let end = (start + len) as usize;
        let (mut first, mut weights) = (Vec::with_capacity(out), Vec::with_capacity(out * n));
        for (x0, w) in feet {
            // Pad in front when the footprint ends near the region's end, behind otherwise:
            // the padded reads stay inside the region and weigh nothing.
            let lead = (x0 + n).saturating_sub(end);
            first.push(x0 - lead);
            weights.extend(std::iter::repeat_n(0, lead));
            let tail = n - lead - w.len();
            // Round each weight, then give the rounding remainder to the largest so a flat
            // image stays exactly flat.
            let mut q: Vec<u32> = w.iter().map(|v| (v * ONE as f32).round() as u32).collect();
            let big = (0..q.len()).max_by_key(|&i| q[i]).unwrap_or(0);
            q[big] = (q[big] as i64 + ONE as i64 - q.iter().sum::<u32>() as i64) as u32;
            weights.extend(q);
            weights.extend(std::iter::repeat_n(0, tail));
        }
        Taps { first, n, weights }
    }

    /// Filters one RGB source row into `out` (three values per output column, 0…255).
    fn filter(&self, row: &[u8], out: &mut [f32]) {
        // The common tap counts get a loop the compiler unrolls.
        match self.n {
            2 => self.filter_n::<2>(row, out),
            3 => self.filter_n::<3>(row, out),
            4 => self.filter_n::<4>(row, out),
            5 => self.filter_n::<5>(row, out),
            _ => self.filter_any(row, out),
        }
    }

    fn filter_n<const N: usize>(&self, row: &[u8], out: &mut [f32]) {
        for ((&x0, w), o) in self.first.iter().zip(self.weights.chunks_exact(N)).zip(out.chunks_exact_mut(3)) {
            let (px, w) = (&row[x0 * 3..(x0 + N) * 3], &w[..N]);
            let (mut sr, mut sg, mut sb) = (0u32, 0u32, 0u32);
            for j in 0..N {
                sr += w[j] * px[3 * j] as u32;
                sg += w[j] * px[3 * j + 1] as u32;
                sb += w[j] * px[3 * j + 2] as u32;
            }
            store(o, sr, sg, sb);
        }
    }

    fn filter_any(&self, row: &[u8], out: &mut [f32]) {
        let n = self.n;
        for ((&x0, w), o) in self.first.iter().zip(self.weights.chunks_exact(n)).zip(out.chunks_exact_mut(3)) {
            let px = &row[x0 * 3..(x0 + n) * 3];
            let (mut sr, mut sg, mut sb) = (0u32, 0u32, 0u32);
            for (p, &wx) in px.chunks_exact(3).zip(w) {
                sr += wx * p[0] as u32;
                sg += wx * p[1] as u32;
                sb += wx * p[2] as u32;
            }
            store(o, sr, sg, sb);
        }
    }
}

fn store(o: &mut [f32], r: u32, g: u32, b: u32) {
    let unit = 1.0 / ONE as f32;
    o.copy_from_slice(&[r as f32 * unit, g as f32 * unit, b as f32 * unit]);
}

/// For `out` pixels spanning `len` source pixels from `start` (`f = len / out` ≥ 1): each output
/// pixel's first source pixel and the weights of the source pixels its footprint covers
/// (summing to 1).
fn footprints(start: u32, len: u32, out: usize, f: f32) -> Vec<(usize, Vec<f32>)> {
    let f = f as f64;
    let end = (start + len) as f64;
    (0..out)
        .map(|o| {
            let lo = start as f64 + o as f64 * f;
            let hi = (start as f64 + (o + 1) as f64 * f).min(end);
            let first = lo.floor() as usize;
            let last = ((hi.ceil() as usize).max(first + 1)).min(end as usize);
            let mut w: Vec<f64> = (first..last).map(|i| hi.min(i as f64 + 1.0) - lo.max(i as f64)).collect();
            let sum: f64 = w.iter().sum();
            w.iter_mut().for_each(|v| *v /= sum.max(1e-9));
            (first, w.into_iter().map(|v| v as f32).collect())
        })
        .collect()
}

/// A copy of `img` area-averaged so its longest side is `side`, when `img` is more than 25 %
/// larger than that (every pass then resizes from the small copy instead of re-reading a 24 MP
/// raster); `None` when the original is small enough to use as it is.
pub fn working_copy(img: &Rgb, side: u32) -> Option<Rgb> {
    if (img.width.max(img.height) as f32) <= side as f32 * 1.25 {
        return None;
    }
    let (w, h) = fit(img.width, img.height, side);
    Some(Rgb::new(w, h, resize(img, Region::whole(img), w, h)))
}

/// Maps detections found on a working copy back to the original's pixels.
pub fn scale_back(dets: &mut [super::Detection], copy: &Rgb, original: &Rgb) {
    let sx = original.width as f32 / copy.width as f32;
    let sy = original.height as f32 / copy.height as f32;
    for d in dets {
        d.x *= sx;
        d.y *= sy;
        d.w *= sx;
        d.h *= sy;
    }
}

/// One network pass: a source region and the size it is resized to (before padding).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pass {
    pub region: Region,
    pub out_w: u32,
    pub out_h: u32,
}

/// The whole image resized so its longest side is `side`, but enlarged by at most `max_upscale`.
pub fn whole_pass(w: u32, h: u32, side: u32, max_upscale: f32) -> Pass {
    let side = side.min((w.max(h) as f32 * max_upscale).round() as u32).max(32);
    let (out_w, out_h) = fit(w, h, side);
    Pass { region: Region { x: 0, y: 0, w, h }, out_w, out_h }
}

/// Overlapping tiles covering the image as if it were resized to longest side `side` (enlarged
/// by at most `max_upscale`), each `tile × tile` network pixels (smaller only where the scaled
/// image is), neighbours overlapping by at least `overlap` network pixels (objects larger than
/// that are left to the whole-image passes). All full tiles share one shape, so one plan serves
/// them. Empty when one tile would cover the whole scaled image.
pub fn tile_passes(w: u32, h: u32, side: u32, max_upscale: f32, tile: u32, overlap: u32) -> Vec<Pass> {
    let side = side.min((w.max(h) as f32 * max_upscale).round() as u32);
    let (sw, sh) = fit(w, h, side);
    if sw <= tile && sh <= tile {
        return Vec::new();
    }
    let s = sw as f32 / w as f32; // network pixels per source pixel
    let starts = |total: u32| -> Vec<u32> {
        if total <= tile {
            return vec![0];
        }
        let step_max = tile.saturating_sub(overlap).max(1) as f32;
        let n = ((total - tile) as f32 / step_max).ceil() as u32 + 1;
        let step = (total - tile) as f32 / (n - 1) as f32;
        (0..n).map(|i| (i as f32 * step).round() as u32).collect()
    };
    let mut out = Vec::new();
    for ty in starts(sh) {
        for tx in starts(sw) {
            let (tw, th) = (tile.min(sw), tile.min(sh));
            let x0 = ((tx as f32 / s).floor() as u32).min(w - 1);
            let y0 = ((ty as f32 / s).floor() as u32).min(h - 1);
            let x1 = (((tx + tw) as f32 / s).ceil() as u32).min(w);
            let y1 = (((ty + th) as f32 / s).ceil() as u32).min(h);
            out.push(Pass { region: Region { x: x0, y: y0, w: x1 - x0, h: y1 - y0 }, out_w: tw, out_h: th });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shrink_averages_and_pads() {
        // 4×2 image: left half black, right half white → 2×1 = [0, 255].
        let mut d = vec![0u8; 4 * 2 * 3];
        for y in 0..2 {
            for x in 2..4 {
                for k in 0..3 {
                    d[(y * 4 + x) * 3 + k] = 255;
                }
            }
        }
        let img = Rgb::new(4, 2, d);
        let p = prepare(&img, Region::whole(&img), 2, 1, Layout::Bgr255);
        assert_eq!((p.width, p.height), (32, 32));
        assert_eq!(p.data[0], 0.0);
        assert_eq!(p.data[1], 255.0);
        assert_eq!(p.data[2], 0.0, "padding");
        assert_eq!(p.to_source(0.0, 0.0, 2.0, 1.0), (0.0, 0.0, 4.0, 2.0));
        // Channel order: a pure red pixel lands in the third (R) plane only.
        let red = Rgb::new(1, 1, vec![255, 0, 0]);
        let r = prepare(&red, Region::whole(&red), 1, 1, Layout::Bgr255);
        assert_eq!((r.data[0], r.data[32 * 32], r.data[2 * 32 * 32]), (0.0, 0.0, 255.0));
        let q = prepare(&img, Region::whole(&img), 2, 1, Layout::BgrMinusMean([104.0, 117.0, 123.0]));
        assert_eq!(q.data[1], 255.0 - 104.0);
        assert_eq!(q.data[2 * 32 * 32 + 1], 255.0 - 123.0);
        let c = prepare(&img, Region::whole(&img), 2, 1, Layout::RgbCentered);
        assert_eq!((c.data[0], c.data[1], c.data[2]), (-1.0, 1.0, 0.0), "red plane: 0, 255, padding");
        assert_eq!(c.data[2 * 32 * 32 + 1], 1.0, "blue plane, white pixel");
    }

    #[test]
    fn shrinking_weights_pixels_by_the_share_of_the_footprint_they_cover() {
        // 3 × 1 grey ramp 0, 90, 180 → 2 × 1: footprints [0, 1.5) and [1.5, 3).
        let img = Rgb::new(3, 1, [0u8, 90, 180].iter().flat_map(|&v| [v, v, v]).collect());
        let out = resize(&img, Region::whole(&img), 2, 1);
        assert_eq!((out[0], out[3]), (30, 150), "{out:?}"); // (0 + 45) / 1.5, (45 + 180) / 1.5
        // A 1-pixel white line at x = 5 of 16 (centre 5.5), shrunk to 15: its light stays
        // centred at 5.5 · 15/16 = 5.16 in output pixel units (whole-pixel footprints moved
        // it to 4.5).
        let mut d = vec![0u8; 16 * 3];
        d[15..18].copy_from_slice(&[255, 255, 255]);
        let line = resize(&Rgb::new(16, 1, d), Region { x: 0, y: 0, w: 16, h: 1 }, 15, 1);
        let (mass, moment) =
            (0..15).fold((0f32, 0f32), |(m, c), i| (m + line[i * 3] as f32, c + line[i * 3] as f32 * (i as f32 + 0.5)));
        assert!((moment / mass - 5.5 * 15.0 / 16.0).abs() < 0.05, "{line:?}");
    }

    #[test]
    fn enlarge_is_bilinear_and_keeps_constant() {
        let img = Rgb::new(2, 2, vec![100; 12]);
        let out = resize(&img, Region::whole(&img), 5, 5);
        assert!(out.iter().all(|&v| v == 100));
        assert_eq!(fit(6000, 4000, 1024), (1024, 683));
        assert_eq!(pad32(683), 704);
    }

    #[test]
    fn tiles_cover_the_image_with_one_shape() {
        let t = tile_passes(6000, 4000, 2048, 1.0, 1024, 96);
        assert!(t.len() >= 4);
        assert!(t.iter().all(|p| p.out_w == 1024 && p.out_h == 1024));
        assert_eq!(t[0].region.x, 0);
        let last = t.last().unwrap().region;
        assert_eq!((last.x + last.w, last.y + last.h), (6000, 4000));
        assert!(tile_passes(500, 400, 2048, 1.0, 640, 96).is_empty());
        assert_eq!(tile_passes(6000, 4000, 1920, 1.0, 768, 96).len(), 6);
        assert_eq!(whole_pass(500, 400, 640, 1.0).out_w, 500);
        assert_eq!(whole_pass(500, 400, 640, 2.0).out_w, 640);
    }
}
