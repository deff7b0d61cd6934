//! Image statistics behind the "low information", "grayscale saved as RGB", "noise" and
//! "upsampled" findings:
//!
//! - [`entropy`]: Shannon entropy (bits, 0–8) of the 256-bin luma histogram.
//! - [`grayscale`]: how much colour a 3-channel raster really carries (per-pixel chroma =
//!   largest difference between R, G and B, in 8-bit units).
//! - [`noise`]: Immerkær's fast noise variance estimation (1996): σ = √(π/2) / (6 (W−2)(H−2)) ·
//!   Σ |I ∗ M| with M = [1 −2 1; −2 4 −2; 1 −2 1]; computed per tile so the low percentile of
//!   unclipped tiles (flat areas) can stand for sensor noise, which the global value overstates
//!   on textured images.
//! - [`upsampling`]: Laplacian energy at full resolution relative to the same at half resolution
//!   (2 × 2 box means), over the most detailed tiles. A photo with detail at pixel level gives
//!   roughly 0.5–2 (white noise: 4); an image enlarged ×2 has no energy in the top octave and
//!   gives ≲ 0.2. Added grain after enlarging raises it again: a hint, not proof.
//!
//! All values are in 8-bit units (16-bit sources scaled by `255 / max_value`).
//!
//! # Allocations
//! [`entropy`]: a 256-bin histogram. [`grayscale`]: nothing. [`noise`]: one `f32` per tile.
//! [`upsampling`]: three half-resolution rows (`u32`) and one pair of sums per tile — no copy of
//! the image.

use super::raster::{Raster, Samples};

/// Shannon entropy in bits (0 = one grey level, 8 = every level equally often) of the luma.
pub fn entropy(luma: &Raster) -> f32 {
    let mut hist = [0u64; 256];
    match &luma.samples {
        Samples::U8(v) => v.iter().for_each(|&x| hist[x as usize] += 1),
        Samples::U16(v) => {
            let m = luma.max_value as u32;
            v.iter().for_each(|&x| hist[((x as u32).min(m) * 255 / m) as usize] += 1)
        }
    }
    let n: u64 = hist.iter().sum();
    if n == 0 {
        return 0.0;
    }
    -hist.iter().filter(|&&c| c > 0).map(|&c| c as f64 / n as f64).map(|p| p * p.log2()).sum::<f64>() as f32
}

#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Grayscale {
    /// The raster's channels (1 = stored as grey: never "grayscale saved as RGB").
    pub channels: u8,
    /// Mean per-pixel chroma (8-bit units).
    pub mean_chroma: f32,
    /// Share of pixels with chroma above `COLOURFUL_CHROMA`.
    pub colourful_fraction: f32,
    /// Three channels carrying (almost) no colour.
    pub is_grayscale_as_rgb: bool,
}

/// Chroma (8-bit units) above which a pixel counts as coloured; JPEG rounding of a grey image
/// stays at 0–2.
pub const COLOURFUL_CHROMA: u32 = 6;

/// Measures colour on the preview (any size; 1 or 3 channels).
pub fn grayscale(preview: &Raster) -> Grayscale {
    if preview.channels != 3 {
        return Grayscale {
            channels: preview.channels,
            mean_chroma: 0.0,
            colourful_fraction: 0.0,
            is_grayscale_as_rgb: false,
        };
    }
    let (mut sum, mut coloured) = (0u64, 0u64);
    let m = preview.max_value as u32;
    let mut add = |r: u32, g: u32, b: u32| {
        let c = r.max(g).max(b) - r.min(g).min(b);
        let c8 = c * 255 / m;
        sum += c8 as u64;
        coloured += (c8 > COLOURFUL_CHROMA) as u64;
    };
    match &preview.samples {
        Samples::U8(v) => v.chunks_exact(3).for_each(|p| add(p[0] as u32, p[1] as u32, p[2] as u32)),
        Samples::U16(v) => v.chunks_exact(3).for_each(|p| add(p[0] as u32, p[1] as u32, p[2] as u32)),
    }
    let n = preview.pixel_count().max(1) as f64;
    let mean_chroma = (sum as f64 / n) as f32;
    let colourful_fraction = (coloured as f64 / n) as f32;
    Grayscale {
        channels: 3,
        mean_chroma,
        colourful_fraction,
        is_grayscale_as_rgb: mean_chroma < 1.5 && colourful_fraction < 0.005,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Noise {
    /// Immerkær σ over the whole image (8-bit units).
    pub sigma_global: f32,
    /// 25th percentile of per-tile σ over tiles whose mean is not near clipping (8-bit units).
    pub sigma_flat: f32,
}

/// Immerkær noise σ on the full-resolution luma, per `tile`-px tile.
pub fn noise(luma: &Raster, tile: u32) -> Noise {
    assert_eq!(luma.channels, 1, "noise reads a luma raster");
    let (w, h) = (luma.width as usize, luma.height as usize);
    if w < 3 || h < 3 {
        return Noise { sigma_global: 0.0, sigma_flat: 0.0 };
    }
    let tile = (tile.clamp(8, 1024) as usize).min(w).min(h);
    let cols = (w / tile).max(1);
    let rows = (h / tile).max(1);
    let scale = 255.0 / luma.max_value as f64;
    let k = (std::f64::consts::PI / 2.0).sqrt() / 6.0 * scale;
    let mut total = 0u64;
    let mut tiles: Vec<f32> = Vec::with_capacity(cols * rows);
    let mut acc = vec![(0u64, 0u64); cols]; // (Σ|conv|, Σ pixel)
    macro_rules! run {
        ($v:expr, $acc:ty) => {{
            for ty in 0..rows {
                acc.iter_mut().for_each(|a| *a = (0, 0));
                let y0 = (ty * tile).max(1);
                let y1 = if ty + 1 == rows { h - 1 } else { (ty + 1) * tile };
                for y in y0..y1 {
                    let (u, m, d) = (&$v[(y - 1) * w..y * w], &$v[y * w..(y + 1) * w], &$v[(y + 1) * w..(y + 2) * w]);
                    for (tx, a) in acc.iter_mut().enumerate() {
                        let x0 = (tx * tile).max(1);
                        let x1 = if tx + 1 == cols { w - 1 } else { (tx + 1) * tile };
                        let (mut s, mut p): ($acc, $acc) = (0, 0);
                        // Equal-length shifted slices: no bounds checks, LLVM vectorises.
                        let n = x1 - x0;
                        let (ul, uc, ur) = (&u[x0 - 1..][..n], &u[x0..][..n], &u[x0 + 1..][..n]);
                        let (ml, mc, mr) = (&m[x0 - 1..][..n], &m[x0..][..n], &m[x0 + 1..][..n]);
                        let (dl, dc, dr) = (&d[x0 - 1..][..n], &d[x0..][..n], &d[x0 + 1..][..n]);
                        for i in 0..n {
                            let c = (ul[i] as $acc + ur[i] as $acc + dl[i] as $acc + dr[i] as $acc)
                                - 2 * (uc[i] as $acc + dc[i] as $acc + ml[i] as $acc + mr[i] as $acc)
                                + 4 * mc[i] as $acc;
                            s += c.abs();
                            p += mc[i] as $acc;
                        }
                        a.0 += s as u64;
                        a.1 += p as u64;
                    }
                }
                for (tx, a) in acc.iter().enumerate() {
                    let x0 = (tx * tile).max(1);
                    let x1 = if tx + 1 == cols { w - 1 } else { (tx + 1) * tile };
                    let n = ((x1 - x0) * (y1 - y0)).max(1) as f64;
                    total += a.0;
                    let mean = a.1 as f64 / n * scale;
                    // Tiles near black or white are clipped flat: no noise to see there.
                    if (8.0..=247.0).contains(&mean) {
                        tiles.push((k * a.0 as f64 / n) as f32);
                    }
                }
            }
        }};
    }
    // 8-bit: |conv| ≤ 4080, a row of ≤ 1024 px sums in i32.
    match &luma.samples {
        Samples::U8(v) => run!(v, i32),
        Samples::U16(v) => run!(v, i64),
    }
    tiles.sort_by(f32::total_cmp);
    let sigma_global = (k * total as f64 / ((w - 2) * (h - 2)) as f64) as f32;
    let sigma_flat = tiles.get(tiles.len() / 4).copied().unwrap_or(sigma_global);
    Noise { sigma_global, sigma_flat }
}

#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Upsampling {
    /// Σ Laplacian energy at full resolution / Σ at half resolution, over the top quarter of
    /// tiles by half-resolution energy.
    pub hf_ratio: f32,
    /// `hf_ratio` below [`UPSAMPLED_BELOW`].
    pub likely_upsampled: bool,
}

pub const UPSAMPLED_BELOW: f32 = 0.2;

/// Compares fine-scale and coarse-scale Laplacian energy on the full-resolution luma, in tiles of
/// `tile` px (full-resolution side).
pub fn upsampling(luma: &Raster, tile: u32) -> Upsampling {
    assert_eq!(luma.channels, 1, "upsampling reads a luma raster");
    match &luma.samples {
        Samples::U8(v) => upsampling_of(v, luma.width as usize, luma.height as usize, tile),
        Samples::U16(v) => upsampling_of(v, luma.width as usize, luma.height as usize, tile),
    }
}

/// Σ (4c − l − r − u − d)² over `x0..x1` of the middle row (equal-length slices: vectorised).
#[inline]
fn lap2_row<T: Copy + Into<u32>>(up: &[T], mid: &[T], dn: &[T], x0: usize, x1: usize) -> i64 {
    let n = x1 - x0;
    let (l, c, r) = (&mid[x0 - 1..][..n], &mid[x0..][..n], &mid[x0 + 1..][..n]);
    let (u, d) = (&up[x0..][..n], &dn[x0..][..n]);
    let mut s = 0i64;
    for i in 0..n {
        let v =
            4 * c[i].into() as i64 - l[i].into() as i64 - r[i].into() as i64 - u[i].into() as i64 - d[i].into() as i64;
        s += v * v;
    }
    s
}

/// 8-bit fast path of [`lap2_row`]: i32 lanes (|lap| ≤ 1020, a run of ≤ 1024 px sums below 2³¹).
#[inline]
fn lap2_row_u8(up: &[u8], mid: &[u8], dn: &[u8], x0: usize, x1: usize) -> i64 {
    let n = x1 - x0;
    let (l, c, r) = (&mid[x0 - 1..][..n], &mid[x0..][..n], &mid[x0 + 1..][..n]);
    let (u, d) = (&up[x0..][..n], &dn[x0..][..n]);
    let mut s = 0i32;
    for i in 0..n {
        let v = 4 * c[i] as i32 - l[i] as i32 - r[i] as i32 - u[i] as i32 - d[i] as i32;
        s += v * v;
    }
    s as i64
}

trait LapRow: Copy + Into<u32> {
    fn lap2(up: &[Self], mid: &[Self], dn: &[Self], x0: usize, x1: usize) -> i64;
}
impl LapRow for u8 {
    fn lap2(up: &[u8], mid: &[u8], dn: &[u8], x0: usize, x1: usize) -> i64 {
        lap2_row_u8(up, mid, dn, x0, x1)
    }
}
impl LapRow for u16 {
    fn lap2(up: &[u16], mid: &[u16], dn: &[u16], x0: usize, x1: usize) -> i64 {
        lap2_row(up, mid, dn, x0, x1)
    }
}

/// One pass over the rows: full-resolution Laplacian energy per tile, and the half-resolution
/// image (2 × 2 sums) built row by row in a ring of three rows — no half-size copy.
fn upsampling_of<T: LapRow>(v: &[T], w: usize, h: usize, tile: u32) -> Upsampling {
    let (hw, hh) = (w / 2, h / 2);
    let tile = (tile.clamp(16, 1024) as usize).min(w).min(h) & !1;
    if hw < 3 || hh < 3 || tile < 8 {
        return Upsampling { hf_ratio: 0.0, likely_upsampled: false };
    }
    let (cols, rows) = ((w / tile).max(1), (h / tile).max(1));
    let row = |y: usize| &v[y * w..(y + 1) * w];
    // Ring of half-resolution rows (2×2 sums = 4 × mean), keyed by half-row index.
    let mut ring = [vec![0u32; hw], vec![0u32; hw], vec![0u32; hw]];
    let mut held = [usize::MAX; 3];
    let mut half_row = |hy: usize, ring: &mut [Vec<u32>; 3]| {
        let k = hy % 3;
        if held[k] != hy {
            let (a, b) = (&row(2 * hy)[..2 * hw], &row(2 * hy + 1)[..2 * hw]);
            for ((o, pa), pb) in ring[k].iter_mut().zip(a.chunks_exact(2)).zip(b.chunks_exact(2)) {
                *o = pa[0].into() + pa[1].into() + pb[0].into() + pb[1].into();
            }
            held[k] = hy;
        }
    };
    let mut pairs: Vec<(f64, f64)> = Vec::with_capacity(cols * rows);
    let mut full = vec![0i64; cols];
    let mut half = vec![0i64; cols];
    let x_range = |tx: usize| ((tx * tile).max(1), ((tx + 1) * tile).min(w - 1));
    let hx_range = |tx: usize| ((tx * tile / 2).max(1), ((tx + 1) * tile / 2).min(hw - 1));
    for ty in 0..rows {
        full.iter_mut().for_each(|e| *e = 0);
        half.iter_mut().for_each(|e| *e = 0);
        let (y0, y1) = ((ty * tile).max(1), ((ty + 1) * tile).min(h - 1));
        for y in y0..y1 {
            let (u, m, d) = (row(y - 1), row(y), row(y + 1));
            for (tx, e) in full.iter_mut().enumerate() {
                let (x0, x1) = x_range(tx);
                *e += T::lap2(u, m, d, x0, x1);
            }
        }
        let (hy0, hy1) = ((ty * tile / 2).max(1), ((ty + 1) * tile / 2).min(hh - 1));
        for hy in hy0..hy1 {
            for k in [hy - 1, hy, hy + 1] {
                half_row(k, &mut ring);
            }
            let (u, m, d) = (&ring[(hy - 1) % 3], &ring[hy % 3], &ring[(hy + 1) % 3]);
            for (tx, e) in half.iter_mut().enumerate() {
                let (x0, x1) = hx_range(tx);
                if x1 > x0 {
                    *e += lap2_row(u, m, d, x0, x1);
                }
            }
        }
        for tx in 0..cols {
            let (x0, x1) = x_range(tx);
            let (hx0, hx1) = hx_range(tx);
            // Per pixel: the half-res tile has a quarter of the pixels; half sums are 4 × means.
            let nf = ((x1 - x0) * (y1 - y0)).max(1) as f64;
            let nh = (hx1.saturating_sub(hx0) * hy1.saturating_sub(hy0)).max(1) as f64;
            pairs.push((full[tx] as f64 / nf, half[tx] as f64 / 16.0 / nh));
        }
    }
    pairs.sort_by(|a, b| b.1.total_cmp(&a.1));
    let top = &pairs[..pairs.len().div_ceil(4)];
    let (f, hsum) = top.iter().fold((0.0, 0.0), |(a, b), p| (a + p.0, b + p.1));
    let hf_ratio = if hsum > 0.0 { (f / hsum) as f32 } else { 0.0 };
    Upsampling { hf_ratio, likely_upsampled: hsum > 0.0 && hf_ratio < UPSAMPLED_BELOW }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_of_flat_and_two_level_images() {
        assert_eq!(entropy(&Raster::new_u8(4, 4, 1, vec![137; 16])), 0.0);
        let two: Vec<u8> = (0..16).map(|i| if i % 2 == 0 { 0 } else { 255 }).collect();
        assert!((entropy(&Raster::new_u8(4, 4, 1, two)) - 1.0).abs() < 1e-6);
    }

    #[test]
    fn noise_estimate_tracks_added_noise() {
        // Flat grey 128 plus ±4 pseudo-random noise: σ ≈ 4 / √3 · … must be well above 0 and
        // the clean image must give 0.
        let (w, h) = (256u32, 256u32);
        let mut s = 1u32;
        let noisy: Vec<u8> = (0..w * h)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 17;
                s ^= s << 5;
                (128 + (s % 9) as i32 - 4) as u8
            })
            .collect();
        let clean = noise(&Raster::new_u8(w, h, 1, vec![128; (w * h) as usize]), 64);
        let n = noise(&Raster::new_u8(w, h, 1, noisy), 64);
        assert_eq!(clean.sigma_global, 0.0);
        // Uniform on −4..=4 has σ = √(80/9) ≈ 2.98.
        assert!((n.sigma_global - 2.98).abs() < 0.5, "{n:?}");
    }
}
