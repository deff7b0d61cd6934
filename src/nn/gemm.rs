//! Single-precision matrix product, `C += A · B`, the kernel every convolution and matrix
//! multiplication in [`super`] ends in.
//!
//! The classic blocked shape (Goto / BLIS): B is packed into panels of `NR` columns laid out
//! row by row, A into slivers of [`MR`] rows laid out column by column, and a register-blocked
//! micro-kernel keeps an `MR × NR` block of C in registers for a whole depth block.
//!
//! The portable micro-kernel (`NR` = 8) is plain fixed-size loops that LLVM turns into SSE2 on
//! x86-64. In wasm (built with `+simd128`) a 4 × 8 kernel written with simd128 intrinsics runs
//! instead: in headless Chromium it runs the text detector in 473 ms where LLVM's vectorised
//! portable kernel took 1,291, and the page's faces + plates in 280 ms instead of 555
//! (`tests/wasm_nn.rs`). On x86-64 CPUs with AVX (checked at run time) a 4 × 16 kernel of 8-lane
//! vectors runs — the only `unsafe` in the interpreter, the intrinsics' own. Deliberately without fused
//! multiply-adds: every lane computes `acc + a·b` with the product rounded first, exactly as the
//! portable kernel does, so the CLI and the page give bit-identical outputs (and identical
//! boxes); the test below holds each kernel to the portable one, in wasm too.

/// Rows of C per micro-kernel call.
pub const MR: usize = 4;
/// Depth block: a packed B panel of `KC × NR` floats (8–16 KiB) stays in L1.
const KC: usize = 256;
/// Column block: the packed B block of `KC × NC` floats (512 KiB) stays in L2.
const NC: usize = 512;

/// A row-major matrix view: element (r, c) is `data[r * ld + c]`.
#[derive(Clone, Copy)]
pub struct Mat<'a> {
    pub data: &'a [f32],
    pub ld: usize,
}

/// `C[m × n] += A[m × k] · B[k × n]`, C row-major with leading dimension `ldc`.
pub fn gemm(m: usize, n: usize, k: usize, a: Mat, b: Mat, c: &mut [f32], ldc: usize) {
    if m == 0 || n == 0 || k == 0 {
        return;
    }
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx") {
        // SAFETY: the CPU has AVX (checked just above).
        return blocked::<16>(m, n, k, a, b, c, ldc, |a, b| unsafe { avx::kernel(a, b) });
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    return blocked::<8>(m, n, k, a, b, c, ldc, simd128::kernel);
    #[allow(unreachable_code)]
    blocked::<8>(m, n, k, a, b, c, ldc, kernel::<8>);
}

/// The blocked loops around a micro-kernel of `MR × NR`.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn blocked<const NR: usize>(
    m: usize,
    n: usize,
    k: usize,
    a: Mat,
    b: Mat,
    c: &mut [f32],
    ldc: usize,
    kernel: impl Fn(&[f32], &[f32]) -> [[f32; NR]; MR],
) {
    let mut bpack = vec![0f32; KC * NC.min(n.div_ceil(NR) * NR)];
    let mut apack = vec![0f32; KC * m.div_ceil(MR) * MR];
    for jc in (0..n).step_by(NC) {
        let nc = NC.min(n - jc);
        for pc in (0..k).step_by(KC) {
            let kc = KC.min(k - pc);
            pack_b::<NR>(b, pc, kc, jc, nc, &mut bpack);
            pack_a(a, pc, kc, m, &mut apack);
            for (ib, asliver) in apack[..kc * m.div_ceil(MR) * MR].chunks_exact(kc * MR).enumerate() {
                let i = ib * MR;
                let mr = MR.min(m - i);
                for (jb, bpanel) in bpack[..kc * nc.div_ceil(NR) * NR].chunks_exact(kc * NR).enumerate() {
                    let j = jb * NR;
                    let nr = NR.min(nc - j);
                    let acc = kernel(asliver, bpanel);
                    for (r, row) in acc.iter().enumerate().take(mr) {
                        let o = (i + r) * ldc + jc + j;
                        for (dst, &v) in c[o..o + nr].iter_mut().zip(row) {
                            *dst += v;
                        }
                    }
                }
            }
        }
    }
}

/// The register block: `Σ_p a[p][r] · b[p][c]` over one depth block.
#[inline(always)]
fn kernel<const NR: usize>(a: &[f32], b: &[f32]) -> [[f32; NR]; MR] {
    let mut acc = [[0f32; NR]; MR];
    for (av, bv) in a.chunks_exact(MR).zip(b.chunks_exact(NR)) {
        let av: &[f32; MR] = av.try_into().unwrap();
        let bv: &[f32; NR] = bv.try_into().unwrap();
        for r in 0..MR {
            for c in 0..NR {
                acc[r][c] += av[r] * bv[c];
            }
        }
    }
    acc
}

/// B rows `pc..pc+kc`, columns `jc..jc+nc` → panels of NR columns, each `kc × NR` row-major,
/// zero-padded past `nc`.
fn pack_b<const NR: usize>(b: Mat, pc: usize, kc: usize, jc: usize, nc: usize, out: &mut [f32]) {
    for (jb, panel) in out[..kc * nc.div_ceil(NR) * NR].chunks_exact_mut(kc * NR).enumerate() {
        let j = jc + jb * NR;
        let w = NR.min(jc + nc - j);
        for (p, dst) in panel.chunks_exact_mut(NR).enumerate() {
            let src = &b.data[(pc + p) * b.ld + j..][..w];
            dst[..w].copy_from_slice(src);
            dst[w..].fill(0.0);
        }
    }
}

/// A rows `0..m`, columns `pc..pc+kc` → slivers of MR rows, each `kc × MR` (column by
/// column), zero-padded past `m`.
fn pack_a(a: Mat, pc: usize, kc: usize, m: usize, out: &mut [f32]) {
    for (ib, sliver) in out[..kc * m.div_ceil(MR) * MR].chunks_exact_mut(kc * MR).enumerate() {
        let i = ib * MR;
        let h = MR.min(m - i);
        for r in 0..MR {
            if r < h {
                let src = &a.data[(i + r) * a.ld + pc..][..kc];
                for (p, &v) in src.iter().enumerate() {
                    sliver[p * MR + r] = v;
                }
            } else {
                for p in 0..kc {
                    sliver[p * MR + r] = 0.0;
                }
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod avx {
    use super::MR;
    use std::arch::x86_64::*;

    /// The 4 × 16 register block in AVX: 8 accumulators, two loads of B and four broadcasts of
    /// A per depth step; multiply, then add (no FMA, see the module doc).
    ///
    /// # Safety
    /// The CPU must support AVX.
    #[target_feature(enable = "avx")]
    pub unsafe fn kernel(a: &[f32], b: &[f32]) -> [[f32; 16]; MR] {
        let steps = (a.len() / MR).min(b.len() / 16);
        let mut acc = [_mm256_setzero_ps(); 2 * MR];
        for p in 0..steps {
            // SAFETY: p < steps, so b[p·16 .. p·16 + 16] and a[p·4 .. p·4 + 4] are in bounds.
            unsafe {
                let b0 = _mm256_loadu_ps(b.as_ptr().add(p * 16));
                let b1 = _mm256_loadu_ps(b.as_ptr().add(p * 16 + 8));
                for r in 0..MR {
                    let av = _mm256_broadcast_ss(&*a.as_ptr().add(p * MR + r));
                    acc[2 * r] = _mm256_add_ps(acc[2 * r], _mm256_mul_ps(av, b0));
                    acc[2 * r + 1] = _mm256_add_ps(acc[2 * r + 1], _mm256_mul_ps(av, b1));
                }
            }
        }
        let mut out = [[0f32; 16]; MR];
        for r in 0..MR {
            // SAFETY: each row of `out` holds 16 floats.
            unsafe {
                _mm256_storeu_ps(out[r].as_mut_ptr(), acc[2 * r]);
                _mm256_storeu_ps(out[r].as_mut_ptr().add(8), acc[2 * r + 1]);
            }
        }
        out
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd128 {
    use super::MR;
    use std::arch::wasm32::*;

    /// The 4 × 8 register block in wasm SIMD: 8 accumulators of 4 lanes, two loads of B and
    /// four splats of A per depth step; multiply, then add, as the portable kernel rounds.
    #[inline(always)]
    pub fn kernel(a: &[f32], b: &[f32]) -> [[f32; 8]; MR] {
        let mut acc = [f32x4_splat(0.0); 2 * MR];
        for (av, bv) in a.chunks_exact(MR).zip(b.chunks_exact(8)) {
            let b0 = f32x4(bv[0], bv[1], bv[2], bv[3]);
            let b1 = f32x4(bv[4], bv[5], bv[6], bv[7]);
            for r in 0..MR {
                let x = f32x4_splat(av[r]);
                acc[2 * r] = f32x4_add(acc[2 * r], f32x4_mul(x, b0));
                acc[2 * r + 1] = f32x4_add(acc[2 * r + 1], f32x4_mul(x, b1));
            }
        }
        let mut out = [[0f32; 8]; MR];
        for (r, row) in out.iter_mut().enumerate() {
            let (lo, hi) = (acc[2 * r], acc[2 * r + 1]);
            *row = [
                f32x4_extract_lane::<0>(lo),
                f32x4_extract_lane::<1>(lo),
                f32x4_extract_lane::<2>(lo),
                f32x4_extract_lane::<3>(lo),
                f32x4_extract_lane::<0>(hi),
                f32x4_extract_lane::<1>(hi),
                f32x4_extract_lane::<2>(hi),
                f32x4_extract_lane::<3>(hi),
            ];
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(m: usize, n: usize, k: usize, a: &[f32], b: &[f32]) -> Vec<f32> {
        let mut c = vec![0f32; m * n];
        for i in 0..m {
            for j in 0..n {
                let mut s = 0f64;
                for p in 0..k {
                    s += f64::from(a[i * k + p]) * f64::from(b[p * n + j]);
                }
                c[i * n + j] = s as f32;
            }
        }
        c
    }

    // Also run in wasm (`cargo test --target wasm32-unknown-unknown --lib nn::gemm`, in
    // `npm test`'s wasm stage), where the dispatched kernel is the simd128 one.
    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn matches_the_definition_on_awkward_sizes() {
        // Sizes that straddle every block edge: MR, NR, KC and NC, plus 1s.
        for &(m, n, k) in &[(1, 1, 1), (3, 7, 5), (4, 8, 256), (5, 9, 257), (17, 513, 300), (1, 1030, 2), (64, 3, 600)]
        {
            let a: Vec<f32> = (0..m * k).map(|i| ((i * 7919) % 17) as f32 / 8.0 - 1.0).collect();
            let b: Vec<f32> = (0..k * n).map(|i| ((i * 104_729) % 13) as f32 / 6.0 - 1.0).collect();
            let mut c = vec![0.5f32; m * n]; // accumulates onto what is there
            let want = naive(m, n, k, &a, &b);
            // The dispatching entry (AVX where the CPU has it) and the portable kernel: the
            // same within rounding of the definition, and bit-identical to each other.
            let mut portable = c.clone();
            gemm(m, n, k, Mat { data: &a, ld: k }, Mat { data: &b, ld: n }, &mut c, n);
            blocked::<8>(m, n, k, Mat { data: &a, ld: k }, Mat { data: &b, ld: n }, &mut portable, n, kernel::<8>);
            assert_eq!(c, portable, "{m}×{n}×{k}: the AVX / simd128 and portable kernels must round alike");
            for (c, what) in [(&c, "dispatched"), (&portable, "portable")] {
                for (got, want) in c.iter().zip(&want) {
                    assert!(
                        (got - 0.5 - want).abs() <= 1e-3 * (1.0 + want.abs()),
                        "{what} {m}×{n}×{k}: {got} vs {want}"
                    );
                }
            }
        }
    }
}
