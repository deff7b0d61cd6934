//! Builds big "camera-like" test images from a real photo, for tests and benchmarks: bilinear
//! upscale to the requested size plus deterministic sensor-like grain (stronger in the shadows,
//! like shot + read noise), so the result has detail at pixel level and compresses like a photo.
//!
//! # Allocations
//! The output RGB buffer (3 B/px: 72 MB at 24 MP).

/// Upscales interleaved 8-bit RGB `src` (`sw × sh`) to `dw × dh` and adds grain of about
/// `grain` 8-bit levels (σ, in the mid-tones). Deterministic for a given `seed`.
pub fn upscale_with_grain(src: &[u8], sw: u32, sh: u32, dw: u32, dh: u32, grain: f32, seed: u32) -> Vec<u8> {
    assert_eq!(src.len(), sw as usize * sh as usize * 3, "source size");
    let mut out = Vec::with_capacity(dw as usize * dh as usize * 3);
    let mut s = seed | 1;
    let mut rnd = move || {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        s
    };
    // Fixed point 16.16 source coordinates.
    let fx = ((sw as u64 - 1) << 16) / (dw.max(2) as u64 - 1);
    let fy = ((sh as u64 - 1) << 16) / (dh.max(2) as u64 - 1);
    let sw = sw as usize;
    for y in 0..dh as u64 {
        let sy = y * fy;
        let (y0, wy) = ((sy >> 16) as usize, (sy & 0xFFFF) as i64);
        let y1 = (y0 + 1).min(sh as usize - 1);
        for x in 0..dw as u64 {
            let sx = x * fx;
            let (x0, wx) = ((sx >> 16) as usize, (sx & 0xFFFF) as i64);
            let x1 = (x0 + 1).min(sw - 1);
            // Sum of 4 uniforms ≈ Gaussian, σ ≈ 1 for the scaled sum below.
            let r = rnd();
            let g4 = ((r & 0xFF) + ((r >> 8) & 0xFF) + ((r >> 16) & 0xFF) + (r >> 24)) as f32 - 510.0;
            let n = g4 / 147.8 * grain;
            for c in 0..3 {
                let p = |xx: usize, yy: usize| src[(yy * sw + xx) * 3 + c] as i64;
                let top = p(x0, y0) * (65536 - wx) + p(x1, y0) * wx;
                let bot = p(x0, y1) * (65536 - wx) + p(x1, y1) * wx;
                let v = ((top >> 8) * (65536 - wy) + (bot >> 8) * wy) >> 24;
                let shadow_boost = 1.0 + (128.0 - v as f32).max(0.0) / 128.0;
                out.push((v as f32 + n * shadow_boost).round().clamp(0.0, 255.0) as u8);
            }
        }
    }
    out
}
