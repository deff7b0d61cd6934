//! 3 × 3 convolutions (stride 1, no dilation, one group) by Winograd's minimal filtering
//! F(2 × 2, 3 × 3): each 2 × 2 block of output costs 16 multiplications per input channel
//! instead of 36. The text detector spends half its multiply-adds in two such convolutions
//! (96 → 24 channels at a quarter of the input's resolution), clp_det nearly half.
//!
//! With `d` a 4 × 4 input tile, `g` a 3 × 3 filter: `Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A`. The filter
//! transform `U = G g Gᵀ` is done once at load ([`transform_weights`], by [`super::fold`]); per
//! band of tile rows the input tiles are transformed (`V = Bᵀ d B`), the 16 element-wise products
//! summed over channels are 16 matrix products `U[ξ] (M × C) · V[ξ] (C × tiles)` through the
//! same kernel as every other convolution, and the output transform writes the 2 × 2 blocks.
//! Plain float additions in a fixed order: the page and the CLI still compute the same bits.

use super::NnError;
use super::conv::Window;
use super::gemm::{Mat, gemm};
use super::tensor::{Tensor, numel};

/// Whether a convolution can run as F(2 × 2, 3 × 3): a 3 × 3 kernel, stride 1, no dilation, one
/// group, and enough channels for the transforms to pay off.
pub fn applies(win: &Window, group: usize, in_channels: usize) -> bool {
    (win.kh, win.kw, win.sh, win.sw, win.dh, win.dw) == (3, 3, 1, 1, 1, 1) && group == 1 && in_channels >= 16
}

/// `M × C × 3 × 3` weights → `16 × M × C`: `U = G g Gᵀ` per filter, laid out as 16 matrices.
pub fn transform_weights(w: &Tensor) -> Result<Tensor, NnError> {
    let [m, c, 3, 3] = w.shape[..] else {
        return Err(NnError::Shape(format!("Winograd weights {:?}", w.shape)));
    };
    let ws = w.as_f32()?;
    let mut u = vec![0f32; numel(&[16, m, c])?];
    for (f, g) in ws.chunks_exact(9).enumerate() {
        // G = [[1, 0, 0], [½, ½, ½], [½, −½, ½], [0, 0, 1]]; t = G g (4 × 3), U = t Gᵀ (4 × 4).
        let mut t = [[0f32; 3]; 4];
        for j in 0..3 {
            let (g0, g1, g2) = (g[j], g[3 + j], g[6 + j]);
            t[0][j] = g0;
            t[1][j] = 0.5 * (g0 + g1 + g2);
            t[2][j] = 0.5 * (g0 - g1 + g2);
            t[3][j] = g2;
        }
        for (i, row) in t.iter().enumerate() {
            let (a, b, d) = (row[0], row[1], row[2]);
            let out = [a, 0.5 * (a + b + d), 0.5 * (a - b + d), d];
            for (j, v) in out.into_iter().enumerate() {
                u[(i * 4 + j) * m * c + f] = v;
            }
        }
    }
    Ok(Tensor::f32(vec![16, m, c], u))
}

/// The convolution with transformed weights `u` (`16 × M × C`, from [`transform_weights`]).
pub fn conv(x: &Tensor, u: &Tensor, bias: Option<&Tensor>, win: Window) -> Result<Tensor, NnError> {
    let [n, c, h, w] = x.shape[..] else {
        return Err(NnError::Shape(format!("Conv wants a 4-D input, got {:?}", x.shape)));
    };
    let [16, m, uc] = u.shape[..] else {
        return Err(NnError::Shape(format!("Winograd weights {:?}", u.shape)));
    };
    if uc != c {
        return Err(NnError::Shape(format!("Conv: input {:?} for {c}-channel weights {:?}", x.shape, u.shape)));
    }
    let (oh, ow) = win.out_hw(h, w, false)?;
    let bs = match bias {
        Some(b) if b.len() == m => Some(b.as_f32()?),
        Some(b) => return Err(NnError::Shape(format!("Conv bias {:?} for {m} outputs", b.shape))),
        None => None,
    };
    let (xs, us) = (x.as_f32()?, u.as_f32()?);
    let (th, tw) = (oh.div_ceil(2), ow.div_ceil(2));
    // Tile rows per band: the transformed input and products (16 × (C + M) per tile) ~4 MB.
    let rows = ((1 << 20) / (16 * (c + m) * tw).max(1)).clamp(1, th);
    let mut v = vec![0f32; 16 * c * rows * tw];
    let mut prod = vec![0f32; 16 * m * rows * tw];
    // Four padded input rows, then the same four after Bᵀ.
    let mut pad = vec![0f32; 8 * (2 * tw + 2)];
    let mut out = vec![0f32; numel(&[n, m, oh, ow])?];
    for (img, o) in out.chunks_exact_mut(m * oh * ow).enumerate() {
        let xi = &xs[img * c * h * w..(img + 1) * c * h * w];
        for ty0 in (0..th).step_by(rows) {
            let tr = rows.min(th - ty0);
            let t = tr * tw;
            // V[ξ][ch][tile] = (Bᵀ d B)[ξ], d the 4 × 4 input patch at (2·ty − pt, 2·tx − pl):
            // four zero-padded input rows per tile row, then branch-free columns.
            let pw = 2 * tw + 2;
            for ch in 0..c {
                let plane = &xi[ch * h * w..(ch + 1) * h * w];
                for r in 0..tr {
                    let y0 = (2 * (ty0 + r)) as isize - win.pt as isize;
                    for (i, row) in pad.chunks_exact_mut(pw).take(4).enumerate() {
                        row.fill(0.0);
                        let y = y0 + i as isize;
                        if y >= 0 && y < h as isize {
                            let src = &plane[y as usize * w..(y as usize + 1) * w];
                            let (lo, hi) = (win.pl.min(pw), (win.pl + w).min(pw));
                            row[lo..hi].copy_from_slice(&src[..hi - lo]);
                        }
                    }
                    // Bᵀ along the rows (whole padded rows at once), then along the columns
                    // of each tile into the 16 planes of V.
                    // Bᵀ = [[1, 0, −1, 0], [0, 1, 1, 0], [0, −1, 1, 0], [0, 1, 0, −1]].
                    let (p, sr) = pad.split_at_mut(4 * pw);
                    let (p0, rest) = p.split_at(pw);
                    let (p1, rest) = rest.split_at(pw);
                    let (p2, p3) = rest.split_at(pw);
                    let (s0, rest) = sr.split_at_mut(pw);
                    let (s1, rest) = rest.split_at_mut(pw);
                    let (s2, s3) = rest.split_at_mut(pw);
                    for x in 0..pw {
                        s0[x] = p0[x] - p2[x];
                        s1[x] = p1[x] + p2[x];
                        s2[x] = p2[x] - p1[x];
                        s3[x] = p1[x] - p3[x];
                    }
                    let base = ch * t + r * tw;
                    for (i, srow) in [&*s0, &*s1, &*s2, &*s3].into_iter().enumerate() {
                        let plane = |q: usize| (i * 4 + q) * c * t + base;
                        let (e0, e1, e2, e3) = (plane(0), plane(1), plane(2), plane(3));
                        for tx in 0..tw {
                            let a = &srow[2 * tx..2 * tx + 4];
                            v[e0 + tx] = a[0] - a[2];
                            v[e1 + tx] = a[1] + a[2];
                            v[e2 + tx] = a[2] - a[1];
                            v[e3 + tx] = a[1] - a[3];
                        }
                    }
                }
            }
            // prod[ξ] = U[ξ] (M × C) · V[ξ] (C × t).
            for xi_ in 0..16 {
                let p = &mut prod[xi_ * m * t..(xi_ + 1) * m * t];
                p.fill(0.0);
                let a = Mat { data: &us[xi_ * m * c..(xi_ + 1) * m * c], ld: c };
                let b = Mat { data: &v[xi_ * c * t..(xi_ + 1) * c * t], ld: t };
                gemm(m, t, c, a, b, p, t);
            }
            // Y = Aᵀ P A, Aᵀ = [[1, 1, 1, 0], [0, 1, −1, −1]]; plus the bias.
            for oc in 0..m {
                let bias = bs.map_or(0.0, |b| b[oc]);
                let dst = &mut o[oc * oh * ow..(oc + 1) * oh * ow];
                for r in 0..tr {
                    for tx in 0..tw {
                        let k = r * tw + tx;
                        let q = |i: usize, j: usize| prod[((i * 4 + j) * m + oc) * t + k];
                        let s: [[f32; 4]; 2] = [
                            std::array::from_fn(|j| q(0, j) + q(1, j) + q(2, j)),
                            std::array::from_fn(|j| q(1, j) - q(2, j) - q(3, j)),
                        ];
                        let (oy, ox) = (2 * (ty0 + r), 2 * tx);
                        for (i, row) in s.iter().enumerate() {
                            if oy + i >= oh {
                                break;
                            }
                            let y = [row[0] + row[1] + row[2], row[1] - row[2] - row[3]];
                            for (j, val) in y.into_iter().enumerate() {
                                if ox + j < ow {
                                    dst[(oy + i) * ow + ox + j] = val + bias;
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    Ok(Tensor::f32(vec![n, m, oh, ow], out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_direct_convolution_with_padding_and_odd_sizes() {
        for &(c, m, h, w, pad) in &[(16, 5, 7, 9, 1), (17, 3, 6, 6, 0), (16, 8, 1, 1, 1), (20, 4, 11, 5, 2)] {
            let x: Vec<f32> = (0..c * h * w).map(|i| ((i * 7919) % 23) as f32 / 11.0 - 1.0).collect();
            let wt: Vec<f32> = (0..m * c * 9).map(|i| ((i * 104_729) % 19) as f32 / 9.0 - 1.0).collect();
            let b: Vec<f32> = (0..m).map(|i| i as f32 * 0.25).collect();
            let (x, wt, b) =
                (Tensor::f32(vec![1, c, h, w], x), Tensor::f32(vec![m, c, 3, 3], wt), Tensor::f32(vec![m], b));
            let win = Window { kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: pad, pl: pad, pb: pad, pr: pad };
            let Ok(want) = super::super::conv::conv(&x, &wt, Some(&b), win, 1) else {
                continue; // the window does not fit (1 × 1 without padding)
            };
            let got = conv(&x, &transform_weights(&wt).unwrap(), Some(&b), win).unwrap();
            assert_eq!(got.shape, want.shape);
            for (g, e) in got.as_f32().unwrap().iter().zip(want.as_f32().unwrap()) {
                assert!((g - e).abs() <= 1e-4 * (1.0 + e.abs()), "{c}×{h}×{w} pad {pad}: {g} vs {e}");
            }
        }
    }
}
