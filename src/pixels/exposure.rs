//! Exposure measures on the (downscaled) preview raster: per channel R, G, B and luma, the share
//! of pixels blown (≥ a fraction of full scale) and crushed (≤ a fraction of full scale); the
//! largest 4-connected blown and crushed regions as a share of the image (a 2 % clipped sky is
//! one region, 2 % of speculars are many tiny ones); luma percentiles p5/p50/p95 for "dark" and
//! "light" image findings.
//!
//! Full scale is the raster's `max_value` (255, 65535, or the file's declared maximum), so a
//! 16-bit source is judged on its own scale.
//!
//! A pixel is "blown" when **any** of its channels is blown (a sky clipped only in blue has lost
//! detail too) and "crushed" when **all** channels are crushed.
//!
//! # Allocations
//! [`measure`] allocates a 4096-bin luma histogram and a one-byte-per-pixel mask plus a stack for
//! the region search (the preview's size, ~1 MB at 1024 px). [`blown_mask`] returns its mask for
//! an overlay.

use super::raster::{Raster, Samples};

/// Where clipping starts, as fractions of full scale.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClipThresholds {
    /// A sample ≥ `blown * max_value` is blown (default 0.98 → ≥ 250 of 255).
    pub blown: f32,
    /// A sample ≤ `crushed * max_value` is crushed (default 0.02 → ≤ 5 of 255).
    pub crushed: f32,
}

impl Default for ClipThresholds {
    fn default() -> Self {
        ClipThresholds { blown: 0.98, crushed: 0.02 }
    }
}

/// Percentages (0–100) of pixels of one channel.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct ChannelClip {
    pub blown_pct: f32,
    pub crushed_pct: f32,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Exposure {
    /// For a grey raster R, G and B equal luma.
    pub red: ChannelClip,
    pub green: ChannelClip,
    pub blue: ChannelClip,
    pub luma: ChannelClip,
    /// Any channel blown, in % of the image.
    pub any_blown_pct: f32,
    /// All channels crushed, in % of the image.
    pub all_crushed_pct: f32,
    /// Largest 4-connected region of blown pixels, % of the image.
    pub largest_blown_region_pct: f32,
    /// Largest 4-connected region of crushed pixels, % of the image.
    pub largest_crushed_region_pct: f32,
    /// Luma percentiles as fractions of full scale (0–1).
    pub p5: f32,
    pub p50: f32,
    pub p95: f32,
    /// Brightest luma value present, as a fraction of full scale.
    pub max_luma: f32,
    /// The analysed raster's size.
    pub width: u32,
    pub height: u32,
}

fn limits(r: &Raster, t: &ClipThresholds) -> (u32, u32) {
    let max = r.max_value as f32;
    let hi = ((t.blown * max).ceil() as u32).max(1);
    let lo = (t.crushed * max).floor() as u32;
    (hi, lo)
}

/// Walks the pixels as `[r, g, b]` (grey repeated) in native units.
fn for_each_pixel(r: &Raster, mut f: impl FnMut(usize, [u32; 3])) {
    macro_rules! go {
        ($v:expr) => {
            if r.channels == 1 {
                for (i, &g) in $v.iter().enumerate() {
                    f(i, [g as u32; 3]);
                }
            } else {
                for (i, p) in $v.chunks_exact(3).enumerate() {
                    f(i, [p[0] as u32, p[1] as u32, p[2] as u32]);
                }
            }
        };
    }
    match &r.samples {
        Samples::U8(v) => go!(v),
        Samples::U16(v) => go!(v),
    }
}

/// Per-pixel mask: 1 = blown (any channel ≥ threshold), for a highlight overlay on the preview.
pub fn blown_mask(r: &Raster, t: &ClipThresholds) -> Vec<u8> {
    let (hi, _) = limits(r, t);
    let mut m = vec![0u8; r.pixel_count()];
    for_each_pixel(r, |i, p| m[i] = (p.iter().any(|&v| v >= hi)) as u8);
    m
}

pub fn measure(r: &Raster, t: &ClipThresholds) -> Exposure {
    const BINS: usize = 4096;
    let (hi, lo) = limits(r, t);
    let max = r.max_value as u32;
    let n = r.pixel_count().max(1);
    let mut blown = [0usize; 4];
    let mut crushed = [0usize; 4];
    let mut any_blown = 0usize;
    let mut all_crushed = 0usize;
    let mut hist = vec![0u32; BINS];
    // mask: 1 = blown, 2 = crushed.
    let mut mask = vec![0u8; r.pixel_count()];
    let mut max_l = 0u32;
    for_each_pixel(r, |i, p| {
        let l = ((77 * p[0] + 150 * p[1] + 29 * p[2] + 128) >> 8).min(max);
        max_l = max_l.max(l);
        let c = [p[0], p[1], p[2], l];
        for k in 0..4 {
            blown[k] += (c[k] >= hi) as usize;
            crushed[k] += (c[k] <= lo) as usize;
        }
        let b = p.iter().any(|&v| v >= hi);
        let d = p.iter().all(|&v| v <= lo);
        any_blown += b as usize;
        all_crushed += d as usize;
        mask[i] = if b {
            1
        } else if d {
            2
        } else {
            0
        };
        hist[(l as u64 * (BINS as u64 - 1) / max as u64) as usize] += 1;
    });
    let pct = |x: usize| (x as f64 * 100.0 / n as f64) as f32;
    let clip = |k: usize| ChannelClip { blown_pct: pct(blown[k]), crushed_pct: pct(crushed[k]) };
    let percentile = |q: f64| {
        let target = (q * n as f64).ceil().max(1.0) as u64;
        let mut acc = 0u64;
        for (b, &c) in hist.iter().enumerate() {
            acc += c as u64;
            if acc >= target {
                return b as f32 / (BINS - 1) as f32;
            }
        }
        1.0
    };
    let (w, h) = (r.width as usize, r.height as usize);
    Exposure {
        red: clip(0),
        green: clip(1),
        blue: clip(2),
        luma: clip(3),
        any_blown_pct: pct(any_blown),
        all_crushed_pct: pct(all_crushed),
        largest_blown_region_pct: pct(largest_region(&mut mask, w, h, 1)),
        largest_crushed_region_pct: pct(largest_region(&mut mask, w, h, 2)),
        p5: percentile(0.05),
        p50: percentile(0.50),
        p95: percentile(0.95),
        max_luma: max_l as f32 / max as f32,
        width: r.width,
        height: r.height,
    }
}

/// Size in pixels of the largest 4-connected region of `mask == value`. Visited pixels are set
/// to 0xFF, so call once per value. Iterative flood fill (explicit stack, no recursion).
pub fn largest_region(mask: &mut [u8], w: usize, h: usize, value: u8) -> usize {
    let mut best = 0usize;
    let mut stack: Vec<usize> = Vec::new();
    for start in 0..mask.len() {
        if mask[start] != value {
            continue;
        }
        mask[start] = 0xFF;
        stack.push(start);
        let mut size = 0usize;
        while let Some(i) = stack.pop() {
            size += 1;
            let (x, y) = (i % w, i / w);
            let mut visit = |j: usize| {
                if mask[j] == value {
                    mask[j] = 0xFF;
                    stack.push(j);
                }
            };
            if x > 0 {
                visit(i - 1);
            }
            if x + 1 < w {
                visit(i + 1);
            }
            if y > 0 {
                visit(i - w);
            }
            if y + 1 < h {
                visit(i + w);
            }
        }
        best = best.max(size);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_blob_versus_scattered_speculars() {
        // 10×10: a 3×3 white block (9 %) vs nine isolated white pixels (9 %).
        let mut blob = vec![100u8; 100];
        let mut dots = vec![100u8; 100];
        for y in 0..3 {
            for x in 0..3 {
                blob[y * 10 + x] = 255;
                dots[(y * 3 + 1) * 10 + x * 3 + 1] = 255;
            }
        }
        let t = ClipThresholds::default();
        let a = measure(&Raster::new_u8(10, 10, 1, blob), &t);
        let b = measure(&Raster::new_u8(10, 10, 1, dots), &t);
        assert_eq!(a.luma.blown_pct, 9.0);
        assert_eq!(b.luma.blown_pct, 9.0);
        assert_eq!(a.largest_blown_region_pct, 9.0);
        assert_eq!(b.largest_blown_region_pct, 1.0);
    }

    #[test]
    fn sixteen_bit_is_judged_on_its_own_scale() {
        let r = Raster::new_u16(2, 1, 1, u16::MAX, vec![30_000, 65_535]);
        let e = measure(&r, &ClipThresholds::default());
        assert_eq!(e.luma.blown_pct, 50.0);
        assert!((e.p5 - 30_000.0 / 65_535.0).abs() < 0.001, "{}", e.p5);
    }
}
