//! Faces and plates made unrecognisable, irreversibly, at full resolution.
//!
//! Each region (grown by a margin, so hair, ears and plate frames go too) is replaced, not
//! filtered: its pixels become the means of a coarse grid ([`CELLS`] cells across the longer
//! side), smoothed by a box blur one cell wide, plus noise. Everything that was inside is reduced
//! to at most `CELLS × CELLS` colour averages before anything else happens — far fewer numbers
//! than a face or a plate's characters need — so no deblurring can bring it back: what it would
//! have to recover is no longer in the file. The image is then re-encoded ([`QUALITY`], 4:4:4)
//! with the clean copy's metadata segments (EXIF, XMP, ICC, IPTC) carried over.
//!
//! Regions come in displayed orientation (as reports give them); the pixels are changed in
//! stored orientation and the EXIF Orientation tag is kept, so viewers show the copy as before.
//!
//! # Allocations
//! The full-size RGB image (3 bytes a pixel; refused above [`MAX_PIXELS`]), one region's copy
//! while blurring it, and the encoded output.

use super::Region;
use super::jpeg::Pieces;

/// JPEG quality of a re-encoded copy.
pub const QUALITY: u8 = 92;
/// Grid cells across a region's longer side.
pub const CELLS: u32 = 4;
/// Largest image blurred (the whole RGB image is held in memory: 150 MB at this size).
pub const MAX_PIXELS: u64 = 50_000_000;
/// Margin added around each region, as a fraction of its size on each side.
const MARGIN: f64 = 0.15;

/// A rectangle in stored pixels: `x0..x1`, `y0..y1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    pub x0: u32,
    pub y0: u32,
    pub x1: u32,
    pub y1: u32,
}

/// The copy of `bytes` with `regions` blurred, carrying `pieces`' metadata segments.
pub fn blur_jpeg(bytes: &[u8], pieces: &Pieces<'_>, regions: &[Region]) -> Result<Vec<u8>, String> {
    let frame = crate::pixels::decode::jpeg_frame(bytes).ok_or("the JPEG has no frame header")?;
    let (w, h) = (frame.width, frame.height);
    crate::pixels::decode::check_limit(w, h, MAX_PIXELS).map_err(|e| format!("cannot blur: {e}"))?;
    let mut rgb = crate::pixels::decode::jpeg_zune(bytes, zune_core::colorspace::ColorSpace::RGB)
        .map_err(|e| format!("cannot decode the image to blur it: {e}"))?;
    if rgb.len() != w as usize * h as usize * 3 {
        return Err("the image decoded to an unexpected size".into());
    }
    let orientation = orientation(bytes);
    for (i, r) in regions.iter().enumerate() {
        let rect = to_stored(r, orientation, w, h);
        obliterate(&mut rgb, w, rect, i as u32 + 1);
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut enc = jpeg_encoder::Encoder::new(&mut out, QUALITY);
    enc.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_4_4);
    for (n, payload) in pieces.metadata() {
        enc.add_app_segment(n, payload.to_vec()).map_err(|e| e.to_string())?;
    }
    let (ew, eh) = (u16::try_from(w), u16::try_from(h));
    let (Ok(ew), Ok(eh)) = (ew, eh) else { return Err("the image is wider or taller than JPEG allows".into()) };
    enc.encode(&rgb, ew, eh, jpeg_encoder::ColorType::Rgb).map_err(|e| format!("re-encoding failed: {e}"))?;
    Ok(out)
}

fn orientation(bytes: &[u8]) -> u16 {
    let mut src = crate::source::SliceSource(bytes);
    let mut reader = crate::source::Reader::new(&mut src);
    crate::probe::probe(&mut reader).ok().and_then(|p| crate::metadata::read(&mut reader, &p).orientation).unwrap_or(1)
}

/// A displayed-orientation region (plus margin) as a rectangle of the stored image `w × h`.
pub fn to_stored(r: &Region, orientation: u16, w: u32, h: u32) -> Rect {
    let (dw, dh) = if (5..=8).contains(&orientation) { (h, w) } else { (w, h) };
    let mx = r.w as f64 * MARGIN;
    let my = r.h as f64 * MARGIN;
    let clamp = |v: f64, max: u32| v.round().clamp(0.0, max as f64) as u32;
    let (x0, x1) = (clamp(r.x as f64 - mx, dw), clamp((r.x + r.w) as f64 + mx, dw));
    let (y0, y1) = (clamp(r.y as f64 - my, dh), clamp((r.y + r.h) as f64 + my, dh));
    // Displayed (x, y) → stored (u, v): the inverse of how each orientation displays.
    let map = |x: u32, y: u32| -> (u32, u32) {
        match orientation {
            2 => (w - x, y),
            3 => (w - x, h - y),
            4 => (x, h - y),
            5 => (y, x),
            6 => (y, h - x),
            7 => (w - y, h - x),
            8 => (w - y, x),
            _ => (x, y),
        }
    };
    // Edges, not pixel centres: mapping both corners of the half-open box gives the stored box.
    let (a, b) = (map(x0, y0), map(x1, y1));
    Rect { x0: a.0.min(b.0), y0: a.1.min(b.1), x1: a.0.max(b.0), y1: a.1.max(b.1) }
}

/// Replaces `rect` of the RGB image (`w` wide) by coarse cell means, box-blurred, plus noise.
fn obliterate(rgb: &mut [u8], w: u32, rect: Rect, seed: u32) {
    let (rw, rh) = ((rect.x1 - rect.x0) as usize, (rect.y1 - rect.y0) as usize);
    if rw == 0 || rh == 0 {
        return;
    }
    let cell = rw.max(rh).div_ceil(CELLS as usize).max(1);
    let px = |x: usize, y: usize| ((rect.y0 as usize + y) * w as usize + rect.x0 as usize + x) * 3;
    // 1. Cell means: from here on nothing finer than the grid exists.
    let mut region = vec![0f32; rw * rh * 3];
    for cy in (0..rh).step_by(cell) {
        for cx in (0..rw).step_by(cell) {
            let (ey, ex) = ((cy + cell).min(rh), (cx + cell).min(rw));
            let mut sum = [0u64; 3];
            for y in cy..ey {
                for x in cx..ex {
                    let p = px(x, y);
                    for c in 0..3 {
                        sum[c] += rgb[p + c] as u64;
                    }
                }
            }
            let n = ((ey - cy) * (ex - cx)) as f32;
            for y in cy..ey {
                for x in cx..ex {
                    for c in 0..3 {
                        region[(y * rw + x) * 3 + c] = sum[c] as f32 / n;
                    }
                }
            }
        }
    }
    // 2. Box blur one cell wide, rows then columns, so the grid does not show as tiles.
    let radius = cell / 2;
    box_blur(&mut region, rw, rh, radius, 1, rw);
    box_blur(&mut region, rh, rw, radius, rw, 1);
    // 3. Noise, so no two regions with equal means look alike (xorshift, seeded per region).
    let mut state = 0x9E37_79B9u32 ^ seed.wrapping_mul(0x85EB_CA6B);
    for y in 0..rh {
        for x in 0..rw {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let noise = (state % 17) as f32 - 8.0;
            let p = px(x, y);
            for c in 0..3 {
                rgb[p + c] = (region[(y * rw + x) * 3 + c] + noise).round().clamp(0.0, 255.0) as u8;
            }
        }
    }
}

/// Running-mean blur along lines of `len` samples (`step` apart); `lines` lines, `line_step`
/// apart. RGB interleaved. Edges clamp to the region.
fn box_blur(v: &mut [f32], len: usize, lines: usize, radius: usize, step: usize, line_step: usize) {
    if radius == 0 {
        return;
    }
    let mut line = vec![0f32; len * 3];
    for l in 0..lines {
        let at = |i: usize| (l * line_step + i * step) * 3;
        for i in 0..len {
            line[i * 3..i * 3 + 3].copy_from_slice(&v[at(i)..at(i) + 3]);
        }
        for i in 0..len {
            let (a, b) = (i.saturating_sub(radius), (i + radius).min(len - 1));
            for c in 0..3 {
                let s: f32 = (a..=b).map(|j| line[j * 3 + c]).sum();
                v[at(i) + c] = s / (b - a + 1) as f32;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(x: u32, y: u32, w: u32, h: u32) -> Region {
        Region { x, y, w, h, score: 1.0 }
    }

    #[test]
    fn displayed_boxes_map_to_stored_pixels_for_every_orientation() {
        // A stored 40 × 20 image; a 10 × 4 box (margin included: 10 × 4 at 0.15 rounds to
        // 1.5 / 0.6) drawn at displayed (2, 3).
        let (w, h) = (40, 20);
        let r = region(2, 3, 10, 4);
        let d = |o| to_stored(&r, o, w, h);
        // x0 = 2 - 1.5 → 1 (rounded half away), x1 = 12 + 1.5 → 14; y0 = 3 - 0.6 → 2, y1 = 7.6 → 8.
        assert_eq!(d(1), Rect { x0: 1, y0: 2, x1: 14, y1: 8 });
        assert_eq!(d(2), Rect { x0: 26, y0: 2, x1: 39, y1: 8 });
        assert_eq!(d(3), Rect { x0: 26, y0: 12, x1: 39, y1: 18 });
        // Rotated: displayed is 20 × 40; displayed x runs along stored y.
        assert_eq!(d(6), Rect { x0: 2, y0: 6, x1: 8, y1: 19 });
        assert_eq!(d(8), Rect { x0: 32, y0: 1, x1: 38, y1: 14 });
        assert_eq!(d(5), Rect { x0: 2, y0: 1, x1: 8, y1: 14 });
    }

    #[test]
    fn the_region_keeps_only_coarse_means_and_nothing_outside_changes() {
        let (w, h) = (64u32, 48u32);
        // A fine checkerboard (what a face's detail is to the grid) on a ramp.
        let mut rgb: Vec<u8> = (0..w * h)
            .flat_map(|i| {
                let (x, y) = (i % w, i / w);
                let v = if (x + y) % 2 == 0 { 230 } else { 20 };
                [v, (x * 4) as u8, (y * 5) as u8]
            })
            .collect();
        let before = rgb.clone();
        let rect = Rect { x0: 8, y0: 8, x1: 40, y1: 40 };
        obliterate(&mut rgb, w, rect, 1);
        for y in 0..h {
            for x in 0..w {
                let p = ((y * w + x) * 3) as usize;
                let inside = (8..40).contains(&x) && (8..40).contains(&y);
                if !inside {
                    assert_eq!(rgb[p..p + 3], before[p..p + 3], "({x}, {y}) changed");
                } else {
                    // The checkerboard (±105 around 125) is gone: only mean + blur + noise remain.
                    assert!((rgb[p] as i32 - 125).abs() <= 9, "({x}, {y}) = {}", rgb[p]);
                }
            }
        }
    }
}
