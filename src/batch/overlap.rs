//! Overlap between two frames of a scan (photogrammetry, panoramas): the translation between
//! their thumbnails by **phase correlation**, and the shared area it implies.
//!
//! Each thumbnail (luma, longest side [`THUMB`] px) is mean-subtracted, Hann-windowed and
//! zero-padded into a 128 × 128 grid (so shifts up to a whole thumbnail are unambiguous); the
//! normalised cross-power spectrum's inverse FFT peaks at the shift. The shift is then verified:
//! the thumbnails must agree where it overlaps them (normalised cross-correlation ≥ [`MIN_NCC`]),
//! else no common content was found and the overlap is 0. Overlap = (1 − |dx|/w) · (1 − |dy|/h).
//!
//! Camera rotation between frames and strong parallax are not modelled: the estimate is the
//! dominant translation, which is what "60–70 % overlap between consecutive frames" asks about.

use super::fft::{C, fft2};

/// Longest side of the thumbnails compared.
pub const THUMB: usize = 64;
const GRID: usize = 128;
/// Agreement (normalised cross-correlation of the overlapping parts) below which the peak is
/// taken for a coincidence and no shared content is assumed.
pub const MIN_NCC: f32 = 0.8;

/// A small grey image.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Thumb {
    pub w: u16,
    pub h: u16,
    pub px: Vec<u8>,
}

impl Thumb {
    /// Area-averages a grey image to fit [`THUMB`] × [`THUMB`] (aspect kept).
    pub fn from_grey(grey: &[u8], w: usize, h: usize) -> Thumb {
        let s = (THUMB as f32 / w.max(h).max(1) as f32).min(1.0);
        let (tw, th) = (((w as f32 * s).round() as usize).max(1), ((h as f32 * s).round() as usize).max(1));
        let mut sum = vec![0u32; tw * th];
        let mut n = vec![0u32; tw * th];
        for y in 0..h {
            let ty = (y * th / h.max(1)).min(th - 1);
            for x in 0..w {
                let i = ty * tw + (x * tw / w.max(1)).min(tw - 1);
                sum[i] += grey[y * w + x] as u32;
                n[i] += 1;
            }
        }
        let px = sum.iter().zip(&n).map(|(&s, &n)| (s / n.max(1)) as u8).collect();
        Thumb { w: tw as u16, h: th as u16, px }
    }
}

/// The translation from `a` to `b` as fractions of the frame (positive: content moved right /
/// down), and the correlation peak (0–1) it rests on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shift {
    pub dx: f32,
    pub dy: f32,
    pub peak: f32,
    /// Normalised cross-correlation of the thumbnails where the shift overlaps them (−1…1).
    pub ncc: f32,
}

impl Shift {
    /// Shared area, 0–1 (0 when the thumbnails do not agree at the shift).
    pub fn overlap(&self) -> f32 {
        if self.ncc < MIN_NCC {
            return 0.0;
        }
        ((1.0 - self.dx.abs()).max(0.0) * (1.0 - self.dy.abs()).max(0.0)).clamp(0.0, 1.0)
    }
}

/// A thumbnail's windowed 2-D spectrum (what [`shift_spectra`] compares); compute it once per
/// frame when a frame is compared with both its neighbours.
pub fn spectrum(t: &Thumb) -> Vec<C> {
    let (w, h) = (t.w as usize, t.h as usize);
    let mean = t.px.iter().map(|&p| p as f32).sum::<f32>() / t.px.len().max(1) as f32;
    // Tukey window (flat middle, cosine taper over the outer eighth on each side): keeps the
    // content near the borders, where a large shift puts the shared part, and still removes the
    // edge discontinuity.
    let window = |i: usize, n: usize| {
        let t = (i as f32 + 0.5) / n as f32;
        let e = t.min(1.0 - t) / 0.125;
        if e >= 1.0 { 1.0 } else { 0.5 - 0.5 * (std::f32::consts::PI * e).cos() }
    };
    let mut g = vec![C::default(); GRID * GRID];
    for y in 0..h {
        for x in 0..w {
            let v = (t.px[y * w + x] as f32 - mean) * window(x, w) * window(y, h);
            g[y * GRID + x] = C::new(v, 0.0);
        }
    }
    fft2(&mut g, GRID, GRID, false);
    g
}

/// Phase correlation of two thumbnails of the same size; `None` if the sizes differ (frames of
/// different shape are not one scan).
pub fn shift(a: &Thumb, b: &Thumb) -> Option<Shift> {
    if (a.w, a.h) != (b.w, b.h) || a.px.is_empty() {
        return None;
    }
    shift_spectra(a, &spectrum(a), b, &spectrum(b))
}

/// [`shift`] with the spectra already computed (`fa` of `a`, `fb` of `b`).
pub fn shift_spectra(a: &Thumb, fa: &[C], b: &Thumb, fb: &[C]) -> Option<Shift> {
    if (a.w, a.h) != (b.w, b.h) || a.px.is_empty() {
        return None;
    }
    let mut r: Vec<C> = fa
        .iter()
        .zip(fb)
        .map(|(x, y)| {
            let p = y.times(x.conj());
            let m = p.abs();
            if m > 1e-9 { C::new(p.re / m, p.im / m) } else { C::default() }
        })
        .collect();
    fft2(&mut r, GRID, GRID, true);
    let n = (GRID * GRID) as f32;
    let (mut best, mut at) = (f32::MIN, 0usize);
    for (i, c) in r.iter().enumerate() {
        if c.re > best {
            best = c.re;
            at = i;
        }
    }
    let wrap = |v: usize| if v >= GRID / 2 { v as f32 - GRID as f32 } else { v as f32 };
    let (ax, ay) = (at % GRID, at / GRID);
    // Sub-pixel peak: a parabola through the peak and its neighbours, per axis.
    let at_xy = |x: usize, y: usize| r[(y % GRID) * GRID + x % GRID].re;
    let refine = |m: f32, c: f32, p: f32| {
        let d = m - 2.0 * c + p;
        if d.abs() > 1e-9 { (0.5 * (m - p) / d).clamp(-0.5, 0.5) } else { 0.0 }
    };
    let fx = refine(at_xy(ax + GRID - 1, ay), best, at_xy(ax + 1, ay));
    let fy = refine(at_xy(ax, ay + GRID - 1), best, at_xy(ax, ay + 1));
    let (px, py) = (wrap(ax) + fx, wrap(ay) + fy);
    // Verify: the two thumbnails must actually agree where the shift makes them overlap.
    let ncc = ncc(a, b, px, py).max(ncc(a, b, -px, -py));
    Some(Shift { dx: px / a.w as f32, dy: py / a.h as f32, peak: best / n, ncc })
}

/// Normalised cross-correlation of `a(x, y)` and `b(x − dx, y − dy)` (bilinear for fractional
/// shifts) over their overlap (−1…1; 0 if it is under 5 % of the frame or flat).
fn ncc(a: &Thumb, b: &Thumb, dx: f32, dy: f32) -> f32 {
    let (w, h) = (a.w as i32, a.h as i32);
    let (x0, x1) = ((dx.ceil() as i32).max(0), ((w as f32 + dx).floor() as i32).min(w - 1));
    let (y0, y1) = ((dy.ceil() as i32).max(0), ((h as f32 + dy).floor() as i32).min(h - 1));
    if x1 <= x0 || y1 <= y0 || ((x1 - x0) * (y1 - y0)) * 20 < w * h {
        return 0.0;
    }
    let pb = |x: i32, y: i32| b.px[(y.clamp(0, h - 1) * w + x.clamp(0, w - 1)) as usize] as f64;
    let (mut sa, mut sb, mut saa, mut sbb, mut sab, mut n) = (0f64, 0f64, 0f64, 0f64, 0f64, 0f64);
    for y in y0..y1 {
        let by = y as f32 - dy;
        let (iy, ty) = (by.floor() as i32, (by - by.floor()) as f64);
        for x in x0..x1 {
            let bx = x as f32 - dx;
            let (ix, tx) = (bx.floor() as i32, (bx - bx.floor()) as f64);
            let q = (pb(ix, iy) * (1.0 - tx) + pb(ix + 1, iy) * tx) * (1.0 - ty)
                + (pb(ix, iy + 1) * (1.0 - tx) + pb(ix + 1, iy + 1) * tx) * ty;
            let p = a.px[(y * w + x) as usize] as f64;
            sa += p;
            sb += q;
            saa += p * p;
            sbb += q * q;
            sab += p * q;
            n += 1.0;
        }
    }
    let cov = sab / n - sa / n * sb / n;
    let va = saa / n - (sa / n).powi(2);
    let vb = sbb / n - (sb / n).powi(2);
    if va < 1.0 || vb < 1.0 {
        return 0.0; // flat: nothing to match
    }
    (cov / (va * vb).sqrt()) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    // Real overlaps (crops of corpus photos at known offsets) are tested in tests/batch.rs.

    #[test]
    fn identical_frames_overlap_fully_and_flat_frames_not_at_all() {
        let px: Vec<u8> = (0..64 * 40).map(|i| ((i * 7919) % 251) as u8).collect();
        let t = Thumb { w: 64, h: 40, px };
        let s = shift(&t, &t).unwrap();
        assert!(s.dx.abs() < 0.01 && s.dy.abs() < 0.01 && s.overlap() > 0.98, "{s:?}");
        let flat = Thumb { w: 64, h: 40, px: vec![90; 64 * 40] };
        assert_eq!(shift(&flat, &flat).unwrap().overlap(), 0.0);
        assert!(shift(&t, &Thumb { w: 40, h: 64, px: vec![0; 64 * 40] }).is_none());
    }
}
