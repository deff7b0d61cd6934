//! The 8×8 inverse DCT for the luma blocks: the integer "islow"-style algorithm (the same
//! constants and rounding as stb_image and jpeg-decoder: 12-bit fixed point, 2 guard bits between
//! the passes), written so the compiler vectorises it.
//!
//! Each 1-D pass works on eight columns (or rows) at once: a `Lanes` value holds one number per
//! lane — two simd128 `i32x4` vectors in wasm, two SSE2 vectors on x86-64, a plain array
//! elsewhere. Explicit intrinsics because LLVM leaves the portable form scalar (measured: 2.5×
//! slower in wasm, ~2 300 instructions per block natively). One generic `idct_1d` serves all
//! three, so they agree bit for bit (tested natively and in the wasm test suite).
//! Arithmetic wraps: a hostile file cannot make it panic, only produce garbage pixels.

/// Eight i32 lanes and the operations the 1-D transform needs. Implemented by a plain array
/// (portable; LLVM vectorises it natively) and, in wasm, by two simd128 vectors. Both run the same
/// [`idct_1d`], so they give identical pixels.
trait Lanes: Copy {
    fn add(self, b: Self) -> Self;
    fn sub(self, b: Self) -> Self;
    fn mulc(self, c: i32) -> Self;
    fn addc(self, c: i32) -> Self;
    fn shr(self, s: u32) -> Self;
}

// Plain indexed loops: LLVM vectorises these (it does not see through `array::from_fn`).
macro_rules! lanewise {
    ($a:expr, |$x:ident, $i:ident| $e:expr) => {{
        let mut r = [0i32; 8];
        for $i in 0..8 {
            let $x = $a[$i];
            r[$i] = $e;
        }
        r
    }};
}

impl Lanes for [i32; 8] {
    #[inline(always)]
    fn add(self, b: Self) -> Self {
        lanewise!(self, |x, i| x.wrapping_add(b[i]))
    }
    #[inline(always)]
    fn sub(self, b: Self) -> Self {
        lanewise!(self, |x, i| x.wrapping_sub(b[i]))
    }
    #[inline(always)]
    fn mulc(self, c: i32) -> Self {
        lanewise!(self, |x, _i| x.wrapping_mul(c))
    }
    #[inline(always)]
    fn addc(self, c: i32) -> Self {
        lanewise!(self, |x, _i| x.wrapping_add(c))
    }
    #[inline(always)]
    fn shr(self, s: u32) -> Self {
        lanewise!(self, |x, _i| x >> s)
    }
}

const fn f2f(x: f64) -> i32 {
    (x * 4096.0 + 0.5) as i32
}

/// One 1-D IDCT of 8 inputs (frequency k = `s[k]`, each a vector of independent lanes); returns
/// the 8 spatial outputs, with `bias` added before the final `shift` (rounding, and the +128
/// level shift in the second pass).
#[inline(always)]
fn idct_1d<L: Lanes>(s: &[L; 8], bias: i32, shift: u32) -> [L; 8] {
    let p1 = s[2].add(s[6]).mulc(f2f(0.5411961));
    let t2 = p1.add(s[6].mulc(f2f(-1.847759065)));
    let t3 = p1.add(s[2].mulc(f2f(0.765366865)));
    let t0 = s[0].add(s[4]).mulc(4096);
    let t1 = s[0].sub(s[4]).mulc(4096);
    let x0 = t0.add(t3).addc(bias);
    let x3 = t0.sub(t3).addc(bias);
    let x1 = t1.add(t2).addc(bias);
    let x2 = t1.sub(t2).addc(bias);
    let (o0, o1, o2, o3) = (s[7], s[5], s[3], s[1]);
    let p3 = o0.add(o2);
    let p4 = o1.add(o3);
    let p1 = o0.add(o3);
    let p2 = o1.add(o2);
    let p5 = p3.add(p4).mulc(f2f(1.175875602));
    let o0 = o0.mulc(f2f(0.298631336));
    let o1 = o1.mulc(f2f(2.053119869));
    let o2 = o2.mulc(f2f(3.072711026));
    let o3 = o3.mulc(f2f(1.501321110));
    let p1 = p5.add(p1.mulc(f2f(-0.899976223)));
    let p2 = p5.add(p2.mulc(f2f(-2.562915447)));
    let p3 = p3.mulc(f2f(-1.961570560));
    let p4 = p4.mulc(f2f(-0.390180644));
    let o3 = o3.add(p1.add(p4));
    let o2 = o2.add(p2.add(p3));
    let o1 = o1.add(p2.add(p4));
    let o0 = o0.add(p1.add(p3));
    [
        x0.add(o3).shr(shift),
        x1.add(o2).shr(shift),
        x2.add(o1).shr(shift),
        x3.add(o0).shr(shift),
        x3.sub(o0).shr(shift),
        x2.sub(o1).shr(shift),
        x1.sub(o2).shr(shift),
        x0.sub(o3).shr(shift),
    ]
}

/// Pass 1 rounding: keep 2 guard bits. Pass 2: 12 fraction bits + 2 guard + 3 (the two √8
/// scalings), rounded, with the +128 level shift.
const PASS1: (i32, u32) = (512, 10);
const PASS2: (i32, u32) = (65536 + (128 << 17), 17);

/// Inverse DCT of `coef` — dequantised and **transposed** (`coef[u * 8 + v]` holds horizontal
/// frequency u, vertical frequency v; see [`super::huffman::DEZIGZAG`]) — into 8 rows of 8 pixels
/// at `out[0..]`, `out[stride..]`, …, level-shifted and clamped to 0–255. `last` is the zigzag
/// index of the last non-zero coefficient (0 = only DC: the block is flat).
///
/// The transposed input makes the first pass horizontal (lanes = vertical frequencies) and the
/// second vertical (lanes = x), so the output rows come out as vectors: one transpose in between.
#[inline]
pub fn idct8x8(coef: &[i32; 64], last: usize, out: &mut [u8], stride: usize) {
    assert!(out.len() >= 7 * stride + 8, "IDCT output");
    if last == 0 {
        let v = (((coef[0].wrapping_add(4)) >> 3) + 128).clamp(0, 255) as u8;
        for r in 0..8 {
            out[r * stride..r * stride + 8].fill(v);
        }
        return;
    }
    // Zigzag indices ≤ 9 all lie in the top-left 4×4: the transform runs on known zeros there,
    // which the compiler folds away (same operations, so the same pixels).
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    if last <= 9 {
        simd::idct::<true>(coef, out, stride)
    } else {
        simd::idct::<false>(coef, out, stride)
    }
    #[cfg(target_arch = "x86_64")]
    if last <= 9 {
        sse2::idct::<true>(coef, out, stride)
    } else {
        sse2::idct::<false>(coef, out, stride)
    }
    #[cfg(not(any(all(target_arch = "wasm32", target_feature = "simd128"), target_arch = "x86_64")))]
    idct_portable(coef, out, stride);
}

/// The portable path (also the reference the wasm path is tested against).
pub fn idct_portable(coef: &[i32; 64], out: &mut [u8], stride: usize) {
    let mut s = [[0i32; 8]; 8];
    for (u, row) in s.iter_mut().enumerate() {
        row.copy_from_slice(&coef[u * 8..u * 8 + 8]);
    }
    let h = idct_1d(&s, PASS1.0, PASS1.1); // h[x][v]
    let mut t = [[0i32; 8]; 8];
    for (x, col) in h.iter().enumerate() {
        for (v, &e) in col.iter().enumerate() {
            t[v][x] = e;
        }
    }
    let p = idct_1d(&t, PASS2.0, PASS2.1); // p[y][x]
    for (y, row) in p.iter().enumerate() {
        for (o, &v) in out[y * stride..y * stride + 8].iter_mut().zip(row) {
            *o = v.clamp(0, 255) as u8;
        }
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use core::arch::wasm32::*;

    /// Eight i32 lanes as two simd128 vectors.
    #[derive(Clone, Copy)]
    pub struct V(v128, v128);

    impl super::Lanes for V {
        #[inline(always)]
        fn add(self, b: Self) -> Self {
            V(i32x4_add(self.0, b.0), i32x4_add(self.1, b.1))
        }
        #[inline(always)]
        fn sub(self, b: Self) -> Self {
            V(i32x4_sub(self.0, b.0), i32x4_sub(self.1, b.1))
        }
        #[inline(always)]
        fn mulc(self, c: i32) -> Self {
            let c = i32x4_splat(c);
            V(i32x4_mul(self.0, c), i32x4_mul(self.1, c))
        }
        #[inline(always)]
        fn addc(self, c: i32) -> Self {
            let c = i32x4_splat(c);
            V(i32x4_add(self.0, c), i32x4_add(self.1, c))
        }
        #[inline(always)]
        fn shr(self, s: u32) -> Self {
            V(i32x4_shr(self.0, s), i32x4_shr(self.1, s))
        }
    }

    #[inline(always)]
    fn t4(a: v128, b: v128, c: v128, d: v128) -> [v128; 4] {
        let t0 = i32x4_shuffle::<0, 4, 1, 5>(a, b);
        let t1 = i32x4_shuffle::<2, 6, 3, 7>(a, b);
        let t2 = i32x4_shuffle::<0, 4, 1, 5>(c, d);
        let t3 = i32x4_shuffle::<2, 6, 3, 7>(c, d);
        [
            i32x4_shuffle::<0, 1, 4, 5>(t0, t2),
            i32x4_shuffle::<2, 3, 6, 7>(t0, t2),
            i32x4_shuffle::<0, 1, 4, 5>(t1, t3),
            i32x4_shuffle::<2, 3, 6, 7>(t1, t3),
        ]
    }

    #[inline(always)]
    fn transpose(m: &[V; 8]) -> [V; 8] {
        let a = t4(m[0].0, m[1].0, m[2].0, m[3].0); // rows 0–3, lanes 0–3
        let b = t4(m[0].1, m[1].1, m[2].1, m[3].1); // rows 0–3, lanes 4–7
        let c = t4(m[4].0, m[5].0, m[6].0, m[7].0); // rows 4–7, lanes 0–3
        let d = t4(m[4].1, m[5].1, m[6].1, m[7].1); // rows 4–7, lanes 4–7
        [
            V(a[0], c[0]),
            V(a[1], c[1]),
            V(a[2], c[2]),
            V(a[3], c[3]),
            V(b[0], d[0]),
            V(b[1], d[1]),
            V(b[2], d[2]),
            V(b[3], d[3]),
        ]
    }

    #[inline(always)]
    /// `LOW`: only coefficients with both frequencies < 4 are non-zero.
    pub fn idct<const LOW: bool>(coef: &[i32; 64], out: &mut [u8], stride: usize) {
        let p = coef.as_ptr();
        let z = i32x4_splat(0);
        // SAFETY: `coef` has 64 i32; loads at 4·k for k < 16 stay inside. Unaligned loads are
        // allowed for v128_load.
        let s: [V; 8] = std::array::from_fn(|u| unsafe {
            if LOW {
                V(if u < 4 { v128_load(p.add(8 * u) as *const v128) } else { z }, z)
            } else {
                V(v128_load(p.add(8 * u) as *const v128), v128_load(p.add(8 * u + 4) as *const v128))
            }
        });
        let h = super::idct_1d(&s, super::PASS1.0, super::PASS1.1);
        let p = super::idct_1d(&transpose(&h), super::PASS2.0, super::PASS2.1);
        for (y, row) in p.iter().enumerate() {
            // Saturating narrows i32 → i16 → u8 are exactly clamp(0, 255).
            let w = i16x8_narrow_i32x4(row.0, row.1);
            let b = u8x16_narrow_i16x8(w, w);
            let o = &mut out[y * stride..y * stride + 8];
            // SAFETY: `o` is 8 bytes long; the store writes lane 0 (8 bytes).
            unsafe { v128_store64_lane::<0>(b, o.as_mut_ptr() as *mut u64) };
        }
    }
}

/// x86-64 (SSE2 is part of the baseline): the same as the wasm path. SSE2 has no 32-bit
/// `mullo`; multiplying by a constant is two `pmuludq` (even and odd lanes) and a shuffle.
#[cfg(target_arch = "x86_64")]
mod sse2 {
    use core::arch::x86_64::*;

    #[derive(Clone, Copy)]
    pub struct V(__m128i, __m128i);

    #[inline(always)]
    fn mul4(a: __m128i, c: __m128i) -> __m128i {
        // SAFETY: SSE2 is always present on x86-64.
        unsafe {
            let even = _mm_mul_epu32(a, c);
            let odd = _mm_mul_epu32(_mm_srli_epi64(a, 32), c);
            _mm_unpacklo_epi32(_mm_shuffle_epi32(even, 0b00_00_10_00), _mm_shuffle_epi32(odd, 0b00_00_10_00))
        }
    }

    // SAFETY (all below): SSE2 is always present on x86-64.
    impl super::Lanes for V {
        #[inline(always)]
        fn add(self, b: Self) -> Self {
            unsafe { V(_mm_add_epi32(self.0, b.0), _mm_add_epi32(self.1, b.1)) }
        }
        #[inline(always)]
        fn sub(self, b: Self) -> Self {
            unsafe { V(_mm_sub_epi32(self.0, b.0), _mm_sub_epi32(self.1, b.1)) }
        }
        #[inline(always)]
        fn mulc(self, c: i32) -> Self {
            let c = unsafe { _mm_set1_epi32(c) };
            V(mul4(self.0, c), mul4(self.1, c))
        }
        #[inline(always)]
        fn addc(self, c: i32) -> Self {
            unsafe {
                let c = _mm_set1_epi32(c);
                V(_mm_add_epi32(self.0, c), _mm_add_epi32(self.1, c))
            }
        }
        #[inline(always)]
        fn shr(self, s: u32) -> Self {
            unsafe {
                let s = _mm_cvtsi32_si128(s as i32);
                V(_mm_sra_epi32(self.0, s), _mm_sra_epi32(self.1, s))
            }
        }
    }

    #[inline(always)]
    fn t4(a: __m128i, b: __m128i, c: __m128i, d: __m128i) -> [__m128i; 4] {
        unsafe {
            let t0 = _mm_unpacklo_epi32(a, b); // a0 b0 a1 b1
            let t1 = _mm_unpackhi_epi32(a, b); // a2 b2 a3 b3
            let t2 = _mm_unpacklo_epi32(c, d);
            let t3 = _mm_unpackhi_epi32(c, d);
            [
                _mm_unpacklo_epi64(t0, t2),
                _mm_unpackhi_epi64(t0, t2),
                _mm_unpacklo_epi64(t1, t3),
                _mm_unpackhi_epi64(t1, t3),
            ]
        }
    }

    #[inline(always)]
    /// `LOW`: only coefficients with both frequencies < 4 are non-zero.
    pub fn idct<const LOW: bool>(coef: &[i32; 64], out: &mut [u8], stride: usize) {
        let p = coef.as_ptr();
        // SAFETY: SSE2 is always present; 16 unaligned loads of 4 i32 inside the 64-element array.
        let z = unsafe { _mm_setzero_si128() };
        let s: [V; 8] = std::array::from_fn(|u| unsafe {
            if LOW {
                V(if u < 4 { _mm_loadu_si128(p.add(8 * u) as *const __m128i) } else { z }, z)
            } else {
                V(_mm_loadu_si128(p.add(8 * u) as *const __m128i), _mm_loadu_si128(p.add(8 * u + 4) as *const __m128i))
            }
        });
        let h = super::idct_1d(&s, super::PASS1.0, super::PASS1.1);
        let a = t4(h[0].0, h[1].0, h[2].0, h[3].0);
        let b = t4(h[0].1, h[1].1, h[2].1, h[3].1);
        let c = t4(h[4].0, h[5].0, h[6].0, h[7].0);
        let d = t4(h[4].1, h[5].1, h[6].1, h[7].1);
        let t = [
            V(a[0], c[0]),
            V(a[1], c[1]),
            V(a[2], c[2]),
            V(a[3], c[3]),
            V(b[0], d[0]),
            V(b[1], d[1]),
            V(b[2], d[2]),
            V(b[3], d[3]),
        ];
        let p = super::idct_1d(&t, super::PASS2.0, super::PASS2.1);
        for (y, row) in p.iter().enumerate() {
            let o = &mut out[y * stride..y * stride + 8];
            // SAFETY: saturating packs i32 → i16 → u8 are clamp(0, 255); the store writes the
            // low 8 bytes into `o`, which is 8 bytes long.
            unsafe {
                let w = _mm_packs_epi32(row.0, row.1);
                let b = _mm_packus_epi16(w, w);
                _mm_storel_epi64(o.as_mut_ptr() as *mut __m128i, b);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Straight from the definition (ITU T.81 A.3.3), in f64; `coef` transposed like the input.
    fn reference(coef: &[i32; 64]) -> [u8; 64] {
        let c = |u: usize| if u == 0 { std::f64::consts::FRAC_1_SQRT_2 } else { 1.0 };
        std::array::from_fn(|i| {
            let (y, x) = (i / 8, i % 8);
            let mut s = 0.0;
            for v in 0..8 {
                for u in 0..8 {
                    s += c(u)
                        * c(v)
                        * coef[u * 8 + v] as f64
                        * (((2 * x + 1) * u) as f64 * std::f64::consts::PI / 16.0).cos()
                        * (((2 * y + 1) * v) as f64 * std::f64::consts::PI / 16.0).cos();
                }
            }
            (s / 4.0 + 128.0).round().clamp(0.0, 255.0) as u8
        })
    }

    #[test]
    fn matches_the_definition_within_one_level() {
        let mut seed = 12345u32;
        for trial in 0..200 {
            let mut coef = [0i32; 64];
            let n = 1 + trial % 64;
            for (k, &z) in super::super::huffman::DEZIGZAG[..n].iter().enumerate() {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                let range = if k == 0 { 1024 } else { 200 / (1 + k as i32 / 8) };
                coef[z as usize] = (seed >> 8) as i32 % range;
            }
            let mut out = [0u8; 64];
            idct8x8(&coef, n - 1, &mut out, 8);
            let want = reference(&coef);
            for i in 0..64 {
                assert!((out[i] as i32 - want[i] as i32).abs() <= 1, "trial {trial} px {i}: {} vs {}", out[i], want[i]);
            }
        }
    }

    #[test]
    fn simd_path_equals_the_portable_one() {
        let mut seed = 99u32;
        for trial in 0..5000 {
            let mut coef = [0i32; 64];
            for (k, c) in coef.iter_mut().enumerate().take(1 + trial % 64) {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                // Include huge (hostile) values: arithmetic must wrap the same way.
                let range = if trial % 97 == 0 { 1 << 20 } else { 2048 / (1 + k as i32) };
                *c = (seed >> 4) as i32 % range;
            }
            let (mut a, mut b) = ([0u8; 64], [0u8; 64]);
            idct8x8(&coef, 63, &mut a, 8);
            idct_portable(&coef, &mut b, 8);
            assert_eq!(a, b, "trial {trial}");
            // The same block cut to its first 10 zigzag coefficients takes the low path.
            let mut low = [0i32; 64];
            for &z in &super::super::huffman::DEZIGZAG[..10] {
                low[z as usize] = coef[z as usize];
            }
            idct8x8(&low, 9, &mut a, 8);
            idct_portable(&low, &mut b, 8);
            assert_eq!(a, b, "trial {trial}, low");
        }
    }

    #[test]
    fn flat_block_shortcut_equals_the_full_transform() {
        for dc in [-1024, -517, -8, -5, -4, -3, 0, 3, 4, 5, 100, 1016, 1023] {
            let mut coef = [0i32; 64];
            coef[0] = dc;
            let (mut a, mut b) = ([0u8; 64], [0u8; 64]);
            idct8x8(&coef, 0, &mut a, 8);
            // Force the full path by claiming a later coefficient (which is zero).
            idct8x8(&coef, 5, &mut b, 8);
            assert_eq!(a, b, "dc {dc}");
        }
    }
}
