//! The pixel buffers the measures read, and the box downscaler that makes the preview.
//!
//! A [`Raster`] is interleaved samples (1 = grey/luma, 3 = RGB), 8- or 16-bit, plus `max_value`,
//! the value that means "full scale" for this source (255, 65535, or what the file declares, e.g.
//! TIFF MaxSampleValue). Measures normalise by `max_value`, never by an assumed 255.
//!
//! # Allocations
//! [`downscale_box`] allocates the output raster (and one row of `u64` accumulators);
//! [`rgb8_to_luma`] allocates one byte per pixel. Nothing else here allocates.

/// Interleaved samples at the source's own bit depth.
#[derive(Debug, Clone, PartialEq)]
pub enum Samples {
    U8(Vec<u8>),
    U16(Vec<u16>),
}

/// An image buffer: `width * height * channels` samples, row-major, interleaved.
#[derive(Debug, Clone, PartialEq)]
pub struct Raster {
    pub width: u32,
    pub height: u32,
    /// 1 (grey / luma) or 3 (RGB).
    pub channels: u8,
    /// The sample value that means full scale (255 for 8-bit, 65535 for 16-bit unless the file
    /// declares less).
    pub max_value: u16,
    pub samples: Samples,
}

impl Raster {
    pub fn new_u8(width: u32, height: u32, channels: u8, data: Vec<u8>) -> Raster {
        assert_eq!(data.len(), width as usize * height as usize * channels as usize, "raster size");
        Raster { width, height, channels, max_value: 255, samples: Samples::U8(data) }
    }

    pub fn new_u16(width: u32, height: u32, channels: u8, max_value: u16, data: Vec<u16>) -> Raster {
        assert_eq!(data.len(), width as usize * height as usize * channels as usize, "raster size");
        Raster { width, height, channels, max_value: max_value.max(1), samples: Samples::U16(data) }
    }

    pub fn pixel_count(&self) -> usize {
        self.width as usize * self.height as usize
    }

    /// 8 or 16.
    pub fn bit_depth(&self) -> u8 {
        match self.samples {
            Samples::U8(_) => 8,
            Samples::U16(_) => 16,
        }
    }

    /// The buffer's size in bytes (what it costs in a bounded wasm heap).
    pub fn byte_len(&self) -> usize {
        match &self.samples {
            Samples::U8(v) => v.len(),
            Samples::U16(v) => v.len() * 2,
        }
    }

    /// Luma of this raster as a new 1-channel raster at the same bit depth (BT.601 weights, the
    /// same as JPEG's Y). A 1-channel raster is cloned.
    pub fn to_luma(&self) -> Raster {
        if self.channels == 1 {
            return self.clone();
        }
        match &self.samples {
            Samples::U8(v) => Raster::new_u8(self.width, self.height, 1, rgb8_to_luma(v)),
            Samples::U16(v) => {
                let l = v
                    .chunks_exact(3)
                    .map(|p| ((77 * p[0] as u32 + 150 * p[1] as u32 + 29 * p[2] as u32 + 128) >> 8) as u16)
                    .collect();
                Raster::new_u16(self.width, self.height, 1, self.max_value, l)
            }
        }
    }
}

/// BT.601 luma of one 8-bit RGB pixel, `(77 R + 150 G + 29 B + 128) >> 8`.
#[inline]
pub fn luma8(r: u8, g: u8, b: u8) -> u8 {
    ((77 * r as u32 + 150 * g as u32 + 29 * b as u32 + 128) >> 8) as u8
}

/// BT.601 luma of interleaved 8-bit RGB ([`luma8`] per pixel).
pub fn rgb8_to_luma(rgb: &[u8]) -> Vec<u8> {
    rgb.chunks_exact(3).map(|p| luma8(p[0], p[1], p[2])).collect()
}

/// Integer downscale factor so that the longest side fits in `max_side` (at least 1).
pub fn box_factor(width: u32, height: u32, max_side: u32) -> u32 {
    let long = width.max(height);
    long.div_ceil(max_side.max(1)).max(1)
}

/// Averages `f × f` boxes (`f` from [`box_factor`]); the right and bottom remainders that do not
/// fill a whole box are dropped. Keeps channels, bit depth and `max_value`. Returns a clone when
/// the raster already fits.
pub fn downscale_box(src: &Raster, max_side: u32) -> Raster {
    let f = box_factor(src.width, src.height, max_side);
    if f == 1 {
        return src.clone();
    }
    let (ow, oh) = ((src.width / f).max(1), (src.height / f).max(1));
    let fx = f.min(src.width) as usize;
    let fy = f.min(src.height) as usize;
    let c = src.channels as usize;
    let sw = src.width as usize;
    let mut acc = vec![0u64; ow as usize * c];
    let n = (fx * fy) as u64;
    macro_rules! run {
        ($v:expr, $t:ty) => {{
            let mut out: Vec<$t> = Vec::with_capacity(ow as usize * oh as usize * c);
            for oy in 0..oh as usize {
                acc.iter_mut().for_each(|a| *a = 0);
                for y in oy * fy..oy * fy + fy {
                    let row = &$v[y * sw * c..(y * sw + ow as usize * fx) * c];
                    for (ox, block) in row.chunks_exact(fx * c).enumerate() {
                        let a = &mut acc[ox * c..ox * c + c];
                        for px in block.chunks_exact(c) {
                            for k in 0..c {
                                a[k] += px[k] as u64;
                            }
                        }
                    }
                }
                out.extend(acc.iter().map(|&s| ((s + n / 2) / n) as $t));
            }
            out
        }};
    }
    match &src.samples {
        Samples::U8(v) if c == 3 => Raster::new_u8(ow, oh, 3, box_rgb8(v, sw, ow as usize, oh as usize, fx, fy)),
        Samples::U8(v) => Raster::new_u8(ow, oh, src.channels, run!(v, u8)),
        Samples::U16(v) => Raster::new_u16(ow, oh, src.channels, src.max_value, run!(v, u16)),
    }
}

/// The hot case (8-bit RGB from a JPEG): fixed 3 channels, `u32` sums (exact for boxes up to
/// 4096 × 4096 px).
fn box_rgb8(v: &[u8], sw: usize, ow: usize, oh: usize, fx: usize, fy: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(ow * oh * 3);
    let mut acc = vec![[0u32; 3]; ow];
    let n = (fx * fy) as u32;
    for oy in 0..oh {
        acc.iter_mut().for_each(|a| *a = [0; 3]);
        for y in oy * fy..oy * fy + fy {
            let row = &v[y * sw * 3..(y * sw + ow * fx) * 3];
            for (a, block) in acc.iter_mut().zip(row.chunks_exact(fx * 3)) {
                let (mut r, mut g, mut b) = (0u32, 0u32, 0u32);
                for px in block.chunks_exact(3) {
                    r += px[0] as u32;
                    g += px[1] as u32;
                    b += px[2] as u32;
                }
                a[0] += r;
                a[1] += g;
                a[2] += b;
            }
        }
        out.extend(acc.iter().flat_map(|a| a.map(|s| ((s + n / 2) / n) as u8)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downscale_averages_boxes() {
        let r = Raster::new_u8(4, 2, 1, vec![0, 2, 10, 20, 4, 6, 30, 40]);
        let d = downscale_box(&r, 2);
        assert_eq!((d.width, d.height), (2, 1));
        assert_eq!(d.samples, Samples::U8(vec![3, 25]));
    }

    #[test]
    fn rgb_fast_path_matches_the_generic_one() {
        let v: Vec<u8> = (0..6 * 4 * 3).map(|i| (i * 37 % 256) as u8).collect();
        let d = downscale_box(&Raster::new_u8(6, 4, 3, v.clone()), 3);
        let g: Vec<u16> = v.iter().map(|&x| x as u16).collect();
        let d16 = downscale_box(&Raster::new_u16(6, 4, 3, 255, g), 3);
        let Samples::U16(e) = d16.samples else { unreachable!() };
        assert_eq!(d.samples, Samples::U8(e.iter().map(|&x| x as u8).collect()));
    }

    #[test]
    fn luma_weights_sum_to_full_scale() {
        assert_eq!(rgb8_to_luma(&[255, 255, 255, 0, 0, 0]), vec![255, 0]);
    }
}
