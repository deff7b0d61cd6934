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
//! The full-resolution sums (histogram, per-tile Immerkær and Laplacian energies at full and half
//! resolution) come from the shared streaming [`pass`](super::pass); this file turns them into
//! the measures.
//!
//! # Allocations
//! [`grayscale`]: nothing. The `*_from_sums` functions: one value per tile.

use super::pass::{LumaSums, measure_raster};
use super::raster::{Raster, Samples};

/// Shannon entropy in bits (0 = one grey level, 8 = every level equally often) of the luma.
pub fn entropy(luma: &Raster) -> f32 {
    entropy_of_histogram(&measure_raster(luma, 128).histogram)
}

/// Shannon entropy in bits of a 256-bin histogram.
pub fn entropy_of_histogram(hist: &[u64; 256]) -> f32 {
    let n: u64 = hist.iter().sum();
    if n == 0 {
        return 0.0;
    }
    // `0.0 - sum`, not `-sum`: a flat image's sum is +0.0, and its negation would print "-0.00 bits".
    (0.0 - hist.iter().filter(|&&c| c > 0).map(|&c| c as f64 / n as f64).map(|p| p * p.log2()).sum::<f64>()) as f32
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
    noise_from_sums(&measure_raster(luma, tile))
}

/// Noise from a pass's tile sums.
pub fn noise_from_sums(sums: &LumaSums) -> Noise {
    let scale = sums.scale();
    let k = (std::f64::consts::PI / 2.0).sqrt() / 6.0 * scale;
    let (mut total, mut total_n) = (0i64, 0i64);
    let mut tiles: Vec<f32> = Vec::with_capacity(sums.tiles.len());
    for t in sums.tiles.iter().filter(|t| t.n > 0) {
        total += t.noise_abs;
        total_n += t.n;
        let mean = t.pix as f64 / t.n as f64 * scale;
        // Tiles near black or white are clipped flat: no noise to see there.
        if (8.0..=247.0).contains(&mean) {
            tiles.push((k * t.noise_abs as f64 / t.n as f64) as f32);
        }
    }
    if total_n == 0 {
        return Noise { sigma_global: 0.0, sigma_flat: 0.0 };
    }
    tiles.sort_by(f32::total_cmp);
    let sigma_global = (k * total as f64 / total_n as f64) as f32;
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
    upsampling_from_sums(&measure_raster(luma, tile))
}

/// Upsampling from a pass's tile sums: per tile, Laplacian energy per pixel at full resolution
/// and at half resolution (whose samples are 2×2 sums, hence / 16); the ratio over the quarter of
/// tiles with the most half-resolution energy.
pub fn upsampling_from_sums(sums: &LumaSums) -> Upsampling {
    if sums.width / 2 < 3 || sums.height / 2 < 3 {
        return Upsampling { hf_ratio: 0.0, likely_upsampled: false };
    }
    let mut pairs: Vec<(f64, f64)> = sums
        .tiles
        .iter()
        .map(|t| (t.lap2 as f64 / t.n.max(1) as f64, t.half_lap2 as f64 / 16.0 / t.half_n.max(1) as f64))
        .collect();
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
        assert!(entropy(&Raster::new_u8(4, 4, 1, vec![137; 16])).is_sign_positive(), "0, not -0 (\"-0.00 bits\")");
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
