//! One streaming sweep over the full-resolution luma that gathers everything the 100 % measures
//! need: per tile the sums behind sharpness (Laplacian, gradients, contrast, directions), noise
//! (Immerkær) and upsampling (Laplacian energy at full and at half resolution), and the luma
//! histogram behind entropy.
//!
//! Rows arrive one at a time, top to bottom ([`LumaPass::push_row`]) — from a decoder that never
//! holds the whole image (the JPEG path), or from a decoded raster ([`LumaPass::run`]). The pass
//! keeps three rows (and three half-resolution rows), so its memory is a few rows plus one entry
//! per tile whatever the image size, and every row is read while it is still in cache.
//!
//! Tiles: side `tile` (even, 16–1024, at most the image), `cols = max(w / tile, 1)` ×
//! `rows = max(h / tile, 1)`; tile (c, r) covers pixels `[c·tile, (c+1)·tile) × [r·tile,
//! (r+1)·tile)` minus the 1-px image border (the 3×3 kernels need neighbours); the right and
//! bottom remainders smaller than a tile join no tile. The half-resolution grid is the same tiles
//! at half scale.
//!
//! Speed: the per-row kernel runs on 8 pixels at a time in 16-bit lanes with `i32x4.dot_i16x8_s`
//! for the sums of squares in wasm (simd128), and as plain loops LLVM vectorises natively; both
//! give the same exact integer sums ([`row_sums_scalar`] is the reference, tested against).
//!
//! # Allocations
//! Three rows and three half rows, one [`TileSums`] per tile (~1500 at 24 MP), the histogram.

/// Integer sums over one tile (8-bit sources: exact in i64 for any tile).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TileSums {
    /// Σ lap, Σ lap² with lap = 4c − l − r − u − d.
    pub lap: i64,
    pub lap2: i64,
    /// Σ (r − c)², Σ (d − c)², Σ (dr − c)², Σ (dl − c)².
    pub dx2: i64,
    pub dy2: i64,
    pub d1_2: i64,
    pub d2_2: i64,
    /// Σ c, Σ c².
    pub pix: i64,
    pub pix2: i64,
    /// Σ |Immerkær kernel| ([1 −2 1; −2 4 −2; 1 −2 1]).
    pub noise_abs: i64,
    /// Pixels summed.
    pub n: i64,
    /// Σ lap² on the half-resolution image (2×2 sums, so 16 × the lap² of means), and its pixels.
    pub half_lap2: i64,
    pub half_n: i64,
}

/// The pass's result: the tile grid of sums and the histogram.
#[derive(Debug, Clone, PartialEq)]
pub struct LumaSums {
    pub width: u32,
    pub height: u32,
    /// Full scale of the samples (255, 65535 or what the file declares).
    pub max_value: u16,
    pub tile: u32,
    pub cols: u32,
    pub rows: u32,
    /// Row-major, `cols × rows`.
    pub tiles: Vec<TileSums>,
    /// 256 bins over `0..=max_value`.
    pub histogram: [u64; 256],
    /// A 64-bit hash of every sample (FxHash-style over 8-byte words, row by row): equal for
    /// equal luma planes.
    pub hash: u64,
}

impl LumaSums {
    /// `255 / max_value`: multiplies sample values into 8-bit units.
    pub fn scale(&self) -> f64 {
        255.0 / self.max_value.max(1) as f64
    }
}

/// The effective tile side for an image (see the module doc).
pub fn tile_side(tile: u32, w: u32, h: u32) -> u32 {
    (tile.clamp(16, 1024).min(w.max(3)).min(h.max(3)) & !1).max(2)
}

/// A luma sample type: `u8` or `u16`.
pub trait Sample: Copy + Default + Into<u32> + 'static {
    /// Half-resolution sample (sum of 2×2).
    type Half: Copy + Default + Into<u32>;
    fn row_sums(up: &[Self], mid: &[Self], dn: &[Self], x0: usize, x1: usize) -> [i64; 9];
    fn half_lap2(up: &[Self::Half], mid: &[Self::Half], dn: &[Self::Half], x0: usize, x1: usize) -> i64;
    fn half_row(a: &[Self], b: &[Self], out: &mut [Self::Half]);
    /// Folds the row into a running hash.
    fn hash_row(row: &[Self], h: u64) -> u64;
    /// Adds the row to four interleaved sub-histograms (summed at the end).
    fn histogram(row: &[Self], max_value: u16, hist: &mut [[u32; 256]; 4]);
}

/// The streaming pass.
pub struct LumaPass<T: Sample> {
    w: usize,
    h: usize,
    max_value: u16,
    tile: usize,
    cols: usize,
    rows: usize,
    ring: [Vec<T>; 3],
    half_ring: [Vec<T::Half>; 3],
    y: usize,
    tiles: Vec<TileSums>,
    /// Four sub-histograms (u32: ≤ 2³² px per bin) break the store-to-load chain on runs of
    /// equal values.
    hist: Box<[[u32; 256]; 4]>,
    hash: u64,
}

impl<T: Sample> LumaPass<T> {
    pub fn new(width: u32, height: u32, max_value: u16, tile: u32) -> LumaPass<T> {
        let t = tile_side(tile, width, height);
        let (w, h, t) = (width as usize, height as usize, t as usize);
        let (cols, rows) = ((w / t).max(1), (h / t).max(1));
        LumaPass {
            w,
            h,
            max_value: max_value.max(1),
            tile: t,
            cols,
            rows,
            ring: std::array::from_fn(|_| vec![T::default(); w]),
            half_ring: std::array::from_fn(|_| vec![T::Half::default(); w / 2]),
            y: 0,
            tiles: vec![TileSums::default(); cols * rows],
            hist: Box::new([[0; 256]; 4]),
            hash: 0,
        }
    }

    /// Runs the pass over a whole 1-channel raster.
    pub fn run(luma: &[T], width: u32, height: u32, max_value: u16, tile: u32) -> LumaSums {
        let mut p = LumaPass::new(width, height, max_value, tile);
        for row in luma.chunks_exact(width as usize).take(height as usize) {
            p.push_row(row);
        }
        p.finish()
    }

    /// The next row (exactly `width` samples; rows beyond `height` are ignored).
    pub fn push_row(&mut self, row: &[T]) {
        let (w, y) = (self.w, self.y);
        if y >= self.h {
            return;
        }
        T::histogram(&row[..w], self.max_value, &mut self.hist);
        self.hash = T::hash_row(&row[..w], self.hash);
        self.ring[y % 3].copy_from_slice(&row[..w]);
        self.y += 1;
        if y >= 2 && w >= 3 {
            self.full_row(y - 1);
        }
        if y % 2 == 1 && w >= 6 && y / 2 < self.h / 2 {
            let hy = y / 2;
            let (a, b) = (&self.ring[(y - 1) % 3], &self.ring[y % 3]);
            T::half_row(a, b, &mut self.half_ring[hy % 3]);
            if hy >= 2 {
                self.half_row(hy - 1);
            }
        }
    }

    /// Full-resolution sums for row `y` (its neighbours are in the ring).
    fn full_row(&mut self, y: usize) {
        let ty = y / self.tile;
        if ty >= self.rows || y + 1 >= self.h {
            return;
        }
        let (u, m, d) = (&self.ring[(y - 1) % 3], &self.ring[y % 3], &self.ring[(y + 1) % 3]);
        let row_tiles = &mut self.tiles[ty * self.cols..(ty + 1) * self.cols];
        for (tx, t) in row_tiles.iter_mut().enumerate() {
            let x0 = (tx * self.tile).max(1);
            let x1 = ((tx + 1) * self.tile).min(self.w - 1);
            let s = T::row_sums(u, m, d, x0, x1);
            t.lap += s[0];
            t.lap2 += s[1];
            t.dx2 += s[2];
            t.dy2 += s[3];
            t.d1_2 += s[4];
            t.d2_2 += s[5];
            t.pix += s[6];
            t.pix2 += s[7];
            t.noise_abs += s[8];
            t.n += (x1 - x0) as i64;
        }
    }

    /// Half-resolution Laplacian energy for half row `hy`.
    fn half_row(&mut self, hy: usize) {
        let (hw, hh, ht) = (self.w / 2, self.h / 2, self.tile / 2);
        let ty = hy / ht;
        if ty >= self.rows || hy + 1 >= hh {
            return;
        }
        let hr = &self.half_ring;
        let (u, m, d) = (&hr[(hy - 1) % 3], &hr[hy % 3], &hr[(hy + 1) % 3]);
        let row_tiles = &mut self.tiles[ty * self.cols..(ty + 1) * self.cols];
        for (tx, t) in row_tiles.iter_mut().enumerate() {
            let x0 = (tx * ht).max(1);
            let x1 = ((tx + 1) * ht).min(hw - 1);
            if x1 > x0 {
                t.half_lap2 += T::half_lap2(u, m, d, x0, x1);
                t.half_n += (x1 - x0) as i64;
            }
        }
    }

    pub fn finish(self) -> LumaSums {
        LumaSums {
            width: self.w as u32,
            height: self.h as u32,
            max_value: self.max_value,
            tile: self.tile as u32,
            cols: self.cols as u32,
            rows: self.rows as u32,
            tiles: self.tiles,
            histogram: std::array::from_fn(|i| self.hist.iter().map(|h| h[i] as u64).sum()),
            hash: hash_word(self.hash, (self.w as u64) << 32 | self.h as u64),
        }
    }
}

/// Runs the pass over a 1-channel raster (8- or 16-bit).
pub fn measure_raster(luma: &super::raster::Raster, tile: u32) -> LumaSums {
    use super::raster::Samples;
    assert_eq!(luma.channels, 1, "the pass reads a luma raster");
    match &luma.samples {
        Samples::U8(v) => LumaPass::run(v, luma.width, luma.height, luma.max_value, tile),
        Samples::U16(v) => LumaPass::run(v, luma.width, luma.height, luma.max_value, tile),
    }
}

/// The reference per-row kernel: sums over `x0..x1` of the middle row, in the order
/// [lap, lap², dx², dy², d1², d2², c, c², |Immerkær|].
pub fn row_sums_scalar<T: Copy + Into<u32>>(up: &[T], mid: &[T], dn: &[T], x0: usize, x1: usize) -> [i64; 9] {
    let mut s = [0i64; 9];
    for x in x0..x1 {
        let g = |r: &[T], x: usize| r[x].into() as i64;
        let (ul, u, ur) = (g(up, x - 1), g(up, x), g(up, x + 1));
        let (l, c, r) = (g(mid, x - 1), g(mid, x), g(mid, x + 1));
        let (dl, d, dr) = (g(dn, x - 1), g(dn, x), g(dn, x + 1));
        let lap = 4 * c - l - r - u - d;
        let m = ul + ur + dl + dr - 2 * (u + d + l + r) + 4 * c;
        s[0] += lap;
        s[1] += lap * lap;
        s[2] += (r - c) * (r - c);
        s[3] += (d - c) * (d - c);
        s[4] += (dr - c) * (dr - c);
        s[5] += (dl - c) * (dl - c);
        s[6] += c;
        s[7] += c * c;
        s[8] += m.abs();
    }
    s
}

/// Reference half-resolution kernel: Σ (4c − l − r − u − d)² over `x0..x1`.
pub fn half_lap2_scalar<H: Copy + Into<u32>>(up: &[H], mid: &[H], dn: &[H], x0: usize, x1: usize) -> i64 {
    (x0..x1)
        .map(|x| {
            let v = 4 * mid[x].into() as i64
                - mid[x - 1].into() as i64
                - mid[x + 1].into() as i64
                - up[x].into() as i64
                - dn[x].into() as i64;
            v * v
        })
        .sum()
}

/// One FxHash step.
#[inline(always)]
pub fn hash_word(h: u64, w: u64) -> u64 {
    (h.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95)
}

impl Sample for u8 {
    type Half = u16;

    fn hash_row(row: &[u8], mut h: u64) -> u64 {
        let mut words = row.chunks_exact(8);
        for c in &mut words {
            h = hash_word(h, u64::from_le_bytes(c.try_into().unwrap()));
        }
        words.remainder().iter().fold(h, |h, &b| hash_word(h, b as u64))
    }

    #[inline]
    fn row_sums(up: &[u8], mid: &[u8], dn: &[u8], x0: usize, x1: usize) -> [i64; 9] {
        kernels::row_sums_u8(up, mid, dn, x0, x1)
    }

    #[inline]
    fn half_lap2(up: &[u16], mid: &[u16], dn: &[u16], x0: usize, x1: usize) -> i64 {
        kernels::half_lap2_u16(up, mid, dn, x0, x1)
    }

    fn half_row(a: &[u8], b: &[u8], out: &mut [u16]) {
        for ((o, pa), pb) in out.iter_mut().zip(a.chunks_exact(2)).zip(b.chunks_exact(2)) {
            *o = pa[0] as u16 + pa[1] as u16 + pb[0] as u16 + pb[1] as u16;
        }
    }

    fn histogram(row: &[u8], _max: u16, h: &mut [[u32; 256]; 4]) {
        let mut chunks = row.chunks_exact(4);
        for c in &mut chunks {
            h[0][c[0] as usize] += 1;
            h[1][c[1] as usize] += 1;
            h[2][c[2] as usize] += 1;
            h[3][c[3] as usize] += 1;
        }
        for &v in chunks.remainder() {
            h[0][v as usize] += 1;
        }
    }
}

impl Sample for u16 {
    type Half = u32;

    fn hash_row(row: &[u16], mut h: u64) -> u64 {
        let mut words = row.chunks_exact(4);
        for c in &mut words {
            h = hash_word(h, c.iter().fold(0u64, |w, &v| w << 16 | v as u64));
        }
        words.remainder().iter().fold(h, |h, &v| hash_word(h, v as u64))
    }

    fn row_sums(up: &[u16], mid: &[u16], dn: &[u16], x0: usize, x1: usize) -> [i64; 9] {
        row_sums_scalar(up, mid, dn, x0, x1)
    }

    fn half_lap2(up: &[u32], mid: &[u32], dn: &[u32], x0: usize, x1: usize) -> i64 {
        half_lap2_scalar(up, mid, dn, x0, x1)
    }

    fn half_row(a: &[u16], b: &[u16], out: &mut [u32]) {
        for ((o, pa), pb) in out.iter_mut().zip(a.chunks_exact(2)).zip(b.chunks_exact(2)) {
            *o = pa[0] as u32 + pa[1] as u32 + pb[0] as u32 + pb[1] as u32;
        }
    }

    fn histogram(row: &[u16], max: u16, hist: &mut [[u32; 256]; 4]) {
        let m = max.max(1) as u32;
        for &v in row {
            hist[0][((v as u32).min(m) * 255 / m) as usize] += 1;
        }
    }
}

/// The 8-bit kernels: explicit simd128 in wasm, vectorisable loops elsewhere. Same results as
/// [`row_sums_scalar`] / [`half_lap2_scalar`] (exact integers; runs ≤ 1024 px keep every i32
/// lane sum below 2³¹).
pub mod kernels {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    pub fn row_sums_u8(up: &[u8], mid: &[u8], dn: &[u8], x0: usize, x1: usize) -> [i64; 9] {
        use core::arch::wasm32::*;
        assert!(x0 >= 1 && x1 < mid.len() && up.len() == mid.len() && dn.len() == mid.len());
        let n8 = (x1 - x0) / 8;
        let z = i32x4_splat(0);
        let (mut s_lap, mut s_lap2, mut s_dx, mut s_dy, mut s_d1, mut s_d2, mut s_c, mut s_c2, mut s_m) =
            (z, z, z, z, z, z, z, z, z);
        // SAFETY: every load reads 8 bytes at offsets x − 1 ..= x + 1 + 7 for x in x0..x0 + 8·n8,
        // which lie inside the rows because x0 ≥ 1 and x0 + 8·n8 ≤ x1 < len (asserted above).
        unsafe {
            let ld = |r: &[u8], i: usize| u16x8_load_extend_u8x8(r.as_ptr().add(i));
            for k in 0..n8 {
                let x = x0 + 8 * k;
                let (ul, u, ur) = (ld(up, x - 1), ld(up, x), ld(up, x + 1));
                let (l, c, r) = (ld(mid, x - 1), ld(mid, x), ld(mid, x + 1));
                let (dl, d, dr) = (ld(dn, x - 1), ld(dn, x), ld(dn, x + 1));
                let c4 = i16x8_shl(c, 2);
                let cross = i16x8_add(i16x8_add(l, r), i16x8_add(u, d));
                let lap = i16x8_sub(c4, cross);
                let corners = i16x8_add(i16x8_add(ul, ur), i16x8_add(dl, dr));
                let m = i16x8_add(i16x8_sub(corners, i16x8_shl(cross, 1)), c4);
                let (dx, dy, d1, d2) = (i16x8_sub(r, c), i16x8_sub(d, c), i16x8_sub(dr, c), i16x8_sub(dl, c));
                s_lap = i32x4_add(s_lap, i32x4_extadd_pairwise_i16x8(lap));
                s_lap2 = i32x4_add(s_lap2, i32x4_dot_i16x8(lap, lap));
                s_dx = i32x4_add(s_dx, i32x4_dot_i16x8(dx, dx));
                s_dy = i32x4_add(s_dy, i32x4_dot_i16x8(dy, dy));
                s_d1 = i32x4_add(s_d1, i32x4_dot_i16x8(d1, d1));
                s_d2 = i32x4_add(s_d2, i32x4_dot_i16x8(d2, d2));
                s_c = i32x4_add(s_c, i32x4_extadd_pairwise_i16x8(c));
                s_c2 = i32x4_add(s_c2, i32x4_dot_i16x8(c, c));
                s_m = i32x4_add(s_m, i32x4_extadd_pairwise_i16x8(i16x8_abs(m)));
            }
        }
        let h = |v: v128| {
            i32x4_extract_lane::<0>(v) as i64
                + i32x4_extract_lane::<1>(v) as i64
                + i32x4_extract_lane::<2>(v) as i64
                + i32x4_extract_lane::<3>(v) as i64
        };
        let mut s = [h(s_lap), h(s_lap2), h(s_dx), h(s_dy), h(s_d1), h(s_d2), h(s_c), h(s_c2), h(s_m)];
        let tail = super::row_sums_scalar(up, mid, dn, x0 + 8 * n8, x1);
        for k in 0..9 {
            s[k] += tail[k];
        }
        s
    }

    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    pub fn row_sums_u8(up: &[u8], mid: &[u8], dn: &[u8], x0: usize, x1: usize) -> [i64; 9] {
        // Equal-length shifted slices: no bounds checks in the loop, LLVM vectorises.
        let n = x1 - x0;
        let (ul, u, ur) = (&up[x0 - 1..][..n], &up[x0..][..n], &up[x0 + 1..][..n]);
        let (l, c, r) = (&mid[x0 - 1..][..n], &mid[x0..][..n], &mid[x0 + 1..][..n]);
        let (dl, d, dr) = (&dn[x0 - 1..][..n], &dn[x0..][..n], &dn[x0 + 1..][..n]);
        let mut s = [0i32; 9];
        for i in 0..n {
            let cc = c[i] as i32;
            let cross = l[i] as i32 + r[i] as i32 + u[i] as i32 + d[i] as i32;
            let lap = 4 * cc - cross;
            let m = ul[i] as i32 + ur[i] as i32 + dl[i] as i32 + dr[i] as i32 - 2 * cross + 4 * cc;
            let (dx, dy) = (r[i] as i32 - cc, d[i] as i32 - cc);
            let (d1, d2) = (dr[i] as i32 - cc, dl[i] as i32 - cc);
            s[0] += lap;
            s[1] += lap * lap;
            s[2] += dx * dx;
            s[3] += dy * dy;
            s[4] += d1 * d1;
            s[5] += d2 * d2;
            s[6] += cc;
            s[7] += cc * cc;
            s[8] += m.abs();
        }
        s.map(|v| v as i64)
    }

    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    pub fn half_lap2_u16(up: &[u16], mid: &[u16], dn: &[u16], x0: usize, x1: usize) -> i64 {
        use core::arch::wasm32::*;
        assert!(x0 >= 1 && x1 < mid.len() && up.len() == mid.len() && dn.len() == mid.len());
        let n8 = (x1 - x0) / 8;
        let mut s = 0i64;
        let mut acc = i32x4_splat(0);
        let flush = |acc: v128| {
            i32x4_extract_lane::<0>(acc) as i64
                + i32x4_extract_lane::<1>(acc) as i64
                + i32x4_extract_lane::<2>(acc) as i64
                + i32x4_extract_lane::<3>(acc) as i64
        };
        // SAFETY: loads of 8 u16 at x − 1 ..= x + 1 + 7 for x < x0 + 8·n8 ≤ x1 < len.
        unsafe {
            let ld = |r: &[u16], i: usize| v128_load(r.as_ptr().add(i) as *const v128);
            for k in 0..n8 {
                // A lane gains ≤ 2 · 4080² per step: flush to i64 every 32 steps.
                if k % 32 == 31 {
                    s += flush(acc);
                    acc = i32x4_splat(0);
                }
                let x = x0 + 8 * k;
                // Half samples are ≤ 1020: 4c − l − r − u − d stays within ±4080 (i16).
                let lap = i16x8_sub(
                    i16x8_shl(ld(mid, x), 2),
                    i16x8_add(i16x8_add(ld(mid, x - 1), ld(mid, x + 1)), i16x8_add(ld(up, x), ld(dn, x))),
                );
                acc = i32x4_add(acc, i32x4_dot_i16x8(lap, lap));
            }
        }
        s + flush(acc) + super::half_lap2_scalar(up, mid, dn, x0 + 8 * n8, x1)
    }

    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    pub fn half_lap2_u16(up: &[u16], mid: &[u16], dn: &[u16], x0: usize, x1: usize) -> i64 {
        let n = x1 - x0;
        let (l, c, r) = (&mid[x0 - 1..][..n], &mid[x0..][..n], &mid[x0 + 1..][..n]);
        let (u, d) = (&up[x0..][..n], &dn[x0..][..n]);
        let mut s = 0i64;
        for i in 0..n {
            let v = 4 * c[i] as i32 - l[i] as i32 - r[i] as i32 - u[i] as i32 - d[i] as i32;
            s += (v * v) as i64;
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noise_rows(w: usize, seed: u32) -> Vec<u8> {
        let mut s = seed;
        (0..3 * w)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 17;
                s ^= s << 5;
                s as u8
            })
            .collect()
    }

    #[test]
    fn kernels_equal_the_reference() {
        for (w, x0, x1) in [(300, 1, 299), (1030, 1, 1029), (64, 5, 13), (20, 1, 8)] {
            let v = noise_rows(w, 99);
            let (u, m, d) = (&v[..w], &v[w..2 * w], &v[2 * w..]);
            assert_eq!(kernels::row_sums_u8(u, m, d, x0, x1.min(1025)), row_sums_scalar(u, m, d, x0, x1.min(1025)));
            let h: Vec<u16> = v.iter().map(|&x| x as u16 * 4).collect();
            let (u, m, d) = (&h[..w], &h[w..2 * w], &h[2 * w..]);
            assert_eq!(kernels::half_lap2_u16(u, m, d, x0, x1), half_lap2_scalar(u, m, d, x0, x1));
        }
    }

    #[test]
    fn streaming_equals_whole_raster_and_counts_every_pixel_once() {
        let (w, h) = (70u32, 45u32);
        let v: Vec<u8> = (0..w * h).map(|i| (i * 7919 % 251) as u8).collect();
        let a = LumaPass::run(&v, w, h, 255, 16);
        assert_eq!((a.tile, a.cols, a.rows), (16, 4, 2));
        assert_eq!(a.histogram.iter().sum::<u64>(), (w * h) as u64);
        // Tile (0,0) covers x 1..16, y 1..16; tile (3,1) x 48..64, y 16..32.
        assert_eq!(a.tiles[0].n, 15 * 15);
        assert_eq!(a.tiles[7].n, 16 * 16);
        assert_eq!(a.tiles[0].half_n, 7 * 7);
        let mut p = LumaPass::new(w, h, 255, 16);
        for r in v.chunks_exact(w as usize) {
            p.push_row(r);
        }
        assert_eq!(p.finish(), a);
    }
}
