//! 2-D convolution (plain, grouped, depthwise), transposed convolution, pooling and nearest
//! resizing, on `N × C × H × W` tensors.

use super::NnError;
use super::gemm::{Mat, gemm};
use super::tensor::{Tensor, numel};

/// A 2-D window: kernel, stride, dilation, padding (top, left, bottom, right).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    pub kh: usize,
    pub kw: usize,
    pub sh: usize,
    pub sw: usize,
    pub dh: usize,
    pub dw: usize,
    pub pt: usize,
    pub pl: usize,
    pub pb: usize,
    pub pr: usize,
}

impl Window {
    /// Output size along one axis; `None` when the window does not fit.
    fn out(len: usize, k: usize, s: usize, d: usize, p0: usize, p1: usize, ceil: bool) -> Option<usize> {
        let span = d * (k - 1) + 1;
        let padded = len + p0 + p1;
        if padded < span || s == 0 {
            return None;
        }
        let q = padded - span;
        Some(if ceil { q.div_ceil(s) } else { q / s } + 1)
    }

    pub fn out_hw(&self, h: usize, w: usize, ceil: bool) -> Result<(usize, usize), NnError> {
        match (
            Window::out(h, self.kh, self.sh, self.dh, self.pt, self.pb, ceil),
            Window::out(w, self.kw, self.sw, self.dw, self.pl, self.pr, ceil),
        ) {
            (Some(oh), Some(ow)) => Ok((oh, ow)),
            _ => Err(NnError::Shape(format!("a {}×{} window does not fit a {h}×{w} input", self.kh, self.kw))),
        }
    }
}

fn dims4(t: &Tensor, what: &str) -> Result<(usize, usize, usize, usize), NnError> {
    match t.shape[..] {
        [n, c, h, w] => Ok((n, c, h, w)),
        _ => Err(NnError::Shape(format!("{what} wants a 4-D input, got {:?}", t.shape))),
    }
}

/// Output pixels `ox` of one output row for which input column `ox·s − p + kx·d` is inside
/// `0..w`: the half-open range of valid `ox`.
fn valid_range(ow: usize, w: usize, s: usize, p: usize, off: usize) -> (usize, usize) {
    // ix = ox*s + off - p, need 0 <= ix < w
    let lo = if off >= p { 0 } else { (p - off).div_ceil(s) };
    let hi = if w + p > off { ((w + p - off - 1) / s + 1).min(ow) } else { 0 };
    (lo.min(hi), hi)
}

/// Convolution. `weight` is `M × C/group × kh × kw`, `bias` (optional) `M`.
pub fn conv(x: &Tensor, weight: &Tensor, bias: Option<&Tensor>, win: Window, group: usize) -> Result<Tensor, NnError> {
    let (n, c, h, w) = dims4(x, "Conv")?;
    let (m, cg, kh, kw) = dims4(weight, "Conv weight")?;
    if group == 0 || c % group != 0 || m % group != 0 || cg != c / group || (kh, kw) != (win.kh, win.kw) {
        return Err(NnError::Shape(format!(
            "Conv: input {:?}, weight {:?}, group {group} do not fit",
            x.shape, weight.shape
        )));
    }
    let (oh, ow) = win.out_hw(h, w, false)?;
    let xs = x.as_f32()?;
    let ws = weight.as_f32()?;
    let bs = match bias {
        Some(b) if b.len() == m => Some(b.as_f32()?),
        Some(b) => return Err(NnError::Shape(format!("Conv bias {:?} for {m} outputs", b.shape))),
        None => None,
    };
    let plane = oh * ow;
    let mut out = vec![0f32; numel(&[n, m, oh, ow])?];
    for (i, o) in out.chunks_exact_mut(m * plane).enumerate() {
        if let Some(bs) = bs {
            for (oc, dst) in o.chunks_exact_mut(plane).enumerate() {
                dst.fill(bs[oc]);
            }
        }
        let xi = &xs[i * c * h * w..(i + 1) * c * h * w];
        if cg == 1 && m == group {
            depthwise(xi, ws, o, c, h, w, oh, ow, win);
        } else {
            let mg = m / group;
            for g in 0..group {
                let xg = &xi[g * cg * h * w..(g + 1) * cg * h * w];
                let wg = &ws[g * mg * cg * kh * kw..(g + 1) * mg * cg * kh * kw];
                let og = &mut o[g * mg * plane..(g + 1) * mg * plane];
                dense(xg, wg, og, cg, h, w, mg, oh, ow, win);
            }
        }
    }
    Ok(Tensor::f32(vec![n, m, oh, ow], out))
}

/// One group of a dense convolution as matrix products: `W[m × cg·kh·kw] · cols[cg·kh·kw × pixels]`,
/// the columns built (im2col) for bands of output rows so the scratch stays ~4 MB.
#[allow(clippy::too_many_arguments)]
fn dense(
    x: &[f32],
    wt: &[f32],
    out: &mut [f32],
    cg: usize,
    h: usize,
    w: usize,
    m: usize,
    oh: usize,
    ow: usize,
    win: Window,
) {
    let k = cg * win.kh * win.kw;
    let plane = oh * ow;
    let pointwise = win.kh == 1 && win.kw == 1 && win.sh == 1 && win.sw == 1 && win.pt + win.pl + win.pb + win.pr == 0;
    if pointwise {
        gemm(m, plane, k, Mat { data: wt, ld: k }, Mat { data: x, ld: h * w }, out, plane);
        return;
    }
    let rows_per_band = ((1 << 20) / (k * ow).max(1)).clamp(1, oh);
    let mut cols = vec![0f32; k * rows_per_band * ow];
    for y0 in (0..oh).step_by(rows_per_band) {
        let rows = rows_per_band.min(oh - y0);
        let n = rows * ow;
        // cols[(ci, ky, kx), (oy - y0, ox)]
        for ci in 0..cg {
            for ky in 0..win.kh {
                for kx in 0..win.kw {
                    let r = (ci * win.kh + ky) * win.kw + kx;
                    let dst = &mut cols[r * n..(r + 1) * n];
                    let (lo, hi) = valid_range(ow, w, win.sw, win.pl, kx * win.dw);
                    for oy in 0..rows {
                        let d = &mut dst[oy * ow..(oy + 1) * ow];
                        let iy = ((y0 + oy) * win.sh + ky * win.dh) as isize - win.pt as isize;
                        if iy < 0 || iy >= h as isize || lo >= hi {
                            d.fill(0.0);
                            continue;
                        }
                        let src = &x[ci * h * w + iy as usize * w..][..w];
                        d[..lo].fill(0.0);
                        d[hi..].fill(0.0);
                        let ix0 = lo * win.sw + kx * win.dw - win.pl;
                        if win.sw == 1 {
                            d[lo..hi].copy_from_slice(&src[ix0..ix0 + hi - lo]);
                        } else {
                            for (j, v) in d[lo..hi].iter_mut().enumerate() {
                                *v = src[ix0 + j * win.sw];
                            }
                        }
                    }
                }
            }
        }
        // The band's output columns are contiguous in each output plane: rows y0.. of every
        // channel, at offset y0·ow with stride `plane` between channels.
        gemm(m, n, k, Mat { data: wt, ld: k }, Mat { data: &cols[..k * n], ld: n }, &mut out[y0 * ow..], plane);
    }
}

/// One filter per channel, computed directly: for each kernel tap, a row of the input times a
/// scalar added to a row of the output (contiguous when the stride is 1, so it vectorises).
#[allow(clippy::too_many_arguments)]
fn depthwise(x: &[f32], wt: &[f32], out: &mut [f32], c: usize, h: usize, w: usize, oh: usize, ow: usize, win: Window) {
    let taps = win.kh * win.kw;
    let ranges: Vec<(usize, usize)> = (0..win.kw).map(|kx| valid_range(ow, w, win.sw, win.pl, kx * win.dw)).collect();
    for ch in 0..c {
        let src = &x[ch * h * w..(ch + 1) * h * w];
        let k = &wt[ch * taps..(ch + 1) * taps];
        let dst = &mut out[ch * oh * ow..(ch + 1) * oh * ow];
        for oy in 0..oh {
            let drow = &mut dst[oy * ow..(oy + 1) * ow];
            for ky in 0..win.kh {
                let iy = (oy * win.sh + ky * win.dh) as isize - win.pt as isize;
                if iy < 0 || iy >= h as isize {
                    continue;
                }
                let srow = &src[iy as usize * w..(iy as usize + 1) * w];
                for kx in 0..win.kw {
                    let (lo, hi) = ranges[kx];
                    if lo >= hi {
                        continue;
                    }
                    let wv = k[ky * win.kw + kx];
                    let ix0 = lo * win.sw + kx * win.dw - win.pl;
                    if win.sw == 1 {
                        for (d, s) in drow[lo..hi].iter_mut().zip(&srow[ix0..ix0 + hi - lo]) {
                            *d += wv * s;
                        }
                    } else {
                        for (j, d) in drow[lo..hi].iter_mut().enumerate() {
                            *d += wv * srow[ix0 + j * win.sw];
                        }
                    }
                }
            }
        }
    }
}

/// Transposed convolution, group 1. `weight` is `C × M × kh × kw`. Computed as one matrix
/// product `Wᵀ[(m, ky, kx) × C] · X[C × pixels]` whose rows are then added into the output at
/// `(y·s − p + ky·d, x·s − p + kx·d)`.
pub fn conv_transpose(x: &Tensor, weight: &Tensor, bias: Option<&Tensor>, win: Window) -> Result<Tensor, NnError> {
    let (n, c, h, w) = dims4(x, "ConvTranspose")?;
    let (wc, m, kh, kw) = dims4(weight, "ConvTranspose weight")?;
    if wc != c || (kh, kw) != (win.kh, win.kw) {
        return Err(NnError::Shape(format!("ConvTranspose: input {:?}, weight {:?}", x.shape, weight.shape)));
    }
    let full_h = (h - 1) * win.sh + win.dh * (kh - 1) + 1;
    let full_w = (w - 1) * win.sw + win.dw * (kw - 1) + 1;
    let (oh, ow) = match (full_h.checked_sub(win.pt + win.pb), full_w.checked_sub(win.pl + win.pr)) {
        (Some(a), Some(b)) if a > 0 && b > 0 => (a, b),
        _ => return Err(NnError::Shape("ConvTranspose: padding larger than the output".into())),
    };
    let ws = weight.as_f32()?;
    // Wᵀ: rows (m, ky, kx), columns c.
    let rows = m * kh * kw;
    let mut wt = vec![0f32; rows * c];
    for ci in 0..c {
        for r in 0..rows {
            wt[r * c + ci] = ws[ci * rows + r];
        }
    }
    let xs = x.as_f32()?;
    let bs = bias.map(|b| b.as_f32()).transpose()?;
    let mut out = vec![0f32; numel(&[n, m, oh, ow])?];
    let mut tmp = vec![0f32; numel(&[rows, h, w])?];
    for i in 0..n {
        tmp.fill(0.0);
        gemm(rows, h * w, c, Mat { data: &wt, ld: c }, Mat { data: &xs[i * c * h * w..], ld: h * w }, &mut tmp, h * w);
        let o = &mut out[i * m * oh * ow..(i + 1) * m * oh * ow];
        for mo in 0..m {
            let dst = &mut o[mo * oh * ow..(mo + 1) * oh * ow];
            if let Some(bs) = bs {
                dst.fill(bs[mo]);
            }
            for ky in 0..kh {
                for kx in 0..kw {
                    let src = &tmp[((mo * kh + ky) * kw + kx) * h * w..][..h * w];
                    for y in 0..h {
                        let oy = (y * win.sh + ky * win.dh) as isize - win.pt as isize;
                        if oy < 0 || oy >= oh as isize {
                            continue;
                        }
                        for xx in 0..w {
                            let ox = (xx * win.sw + kx * win.dw) as isize - win.pl as isize;
                            if ox >= 0 && ox < ow as isize {
                                dst[oy as usize * ow + ox as usize] += src[y * w + xx];
                            }
                        }
                    }
                }
            }
        }
    }
    Ok(Tensor::f32(vec![n, m, oh, ow], out))
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Pool {
    Max,
    /// Average; `true` divides by the whole window, padding included.
    Average(bool),
}

/// Max / average pooling over windows (dilation 1).
pub fn pool(x: &Tensor, kind: Pool, win: Window, ceil: bool) -> Result<Tensor, NnError> {
    let (n, c, h, w) = dims4(x, "pooling")?;
    let (oh, ow) = win.out_hw(h, w, ceil)?;
    let xs = x.as_f32()?;
    let mut out = vec![0f32; numel(&[n, c, oh, ow])?];
    // 2 × 2 max pooling, stride 2, no padding (YuNet's): the same maxima in the same order as the
    // general loop below, without its window arithmetic.
    let pairs = kind == Pool::Max
        && (win.kh, win.kw, win.sh, win.sw) == (2, 2, 2, 2)
        && (win.pt, win.pl, win.pb, win.pr) == (0, 0, 0, 0)
        && 2 * oh <= h
        && 2 * ow <= w;
    for (plane, dst) in out.chunks_exact_mut(oh * ow).enumerate() {
        let src = &xs[plane * h * w..(plane + 1) * h * w];
        if pairs {
            for (oy, d) in dst.chunks_exact_mut(ow).enumerate() {
                let (r0, r1) = (&src[2 * oy * w..][..2 * ow], &src[(2 * oy + 1) * w..][..2 * ow]);
                for ((d, a), b) in d.iter_mut().zip(r0.chunks_exact(2)).zip(r1.chunks_exact(2)) {
                    *d = f32::NEG_INFINITY.max(a[0]).max(a[1]).max(b[0]).max(b[1]);
                }
            }
            continue;
        }
        for oy in 0..oh {
            let y0 = (oy * win.sh) as isize - win.pt as isize;
            let (ya, yb) = (y0.max(0) as usize, ((y0 + win.kh as isize).min(h as isize)).max(0) as usize);
            for ox in 0..ow {
                let x0 = (ox * win.sw) as isize - win.pl as isize;
                let (xa, xb) = (x0.max(0) as usize, ((x0 + win.kw as isize).min(w as isize)).max(0) as usize);
                let mut acc = if kind == Pool::Max { f32::NEG_INFINITY } else { 0.0 };
                for yy in ya..yb {
                    for v in &src[yy * w + xa..yy * w + xb] {
                        acc = if kind == Pool::Max { acc.max(*v) } else { acc + v };
                    }
                }
                dst[oy * ow + ox] = match kind {
                    Pool::Max => acc,
                    Pool::Average(true) => {
                        // the window clipped to the padded input (ceil mode may run past it)
                        let ye = (y0 + win.kh as isize).min((h + win.pb) as isize);
                        let xe = (x0 + win.kw as isize).min((w + win.pr) as isize);
                        acc / ((ye - y0) * (xe - x0)) as f32
                    }
                    Pool::Average(false) => acc / ((yb - ya) * (xb - xa)).max(1) as f32,
                };
            }
        }
    }
    Ok(Tensor::f32(vec![n, c, oh, ow], out))
}

/// Mean of each `H × W` plane, `N × C × 1 × 1`.
pub fn global_average_pool(x: &Tensor) -> Result<Tensor, NnError> {
    if x.shape.len() < 3 {
        return Err(NnError::Shape(format!("GlobalAveragePool wants ≥ 3 dimensions, got {:?}", x.shape)));
    }
    let plane: usize = x.shape[2..].iter().product();
    let xs = x.as_f32()?;
    let out: Vec<f32> = if plane == 0 {
        vec![0.0; x.shape[0] * x.shape[1]]
    } else {
        xs.chunks_exact(plane).map(|p| p.iter().map(|&v| f64::from(v)).sum::<f64>() as f32 / plane as f32).collect()
    };
    let mut shape = x.shape[..2].to_vec();
    shape.extend(std::iter::repeat_n(1, x.shape.len() - 2));
    Ok(Tensor::f32(shape, out))
}

/// Nearest-neighbour resize of the last two axes to `oh × ow` with scale factors `sy`, `sx`
/// (output / input), the source index being `floor(o / s)` (`asymmetric` coordinates, `floor`
/// rounding).
pub fn resize_nearest(x: &Tensor, oh: usize, ow: usize, sy: f32, sx: f32) -> Result<Tensor, NnError> {
    let (n, c, h, w) = dims4(x, "Resize")?;
    if h == 0 || w == 0 || !(sy > 0.0 && sx > 0.0) {
        return Err(NnError::Shape(format!("Resize: input {:?}, scales {sy}, {sx}", x.shape)));
    }
    let src_index = |o: usize, s: f32, len: usize| ((o as f32 / s).floor() as usize).min(len - 1);
    let xs = x.as_f32()?;
    let mut out = vec![0f32; numel(&[n, c, oh, ow])?];
    let cols: Vec<usize> = (0..ow).map(|o| src_index(o, sx, w)).collect();
    for (plane, dst) in out.chunks_exact_mut(oh * ow).enumerate() {
        let src = &xs[plane * h * w..(plane + 1) * h * w];
        for oy in 0..oh {
            let iy = src_index(oy, sy, h);
            let srow = &src[iy * w..(iy + 1) * w];
            for (d, &ix) in dst[oy * ow..(oy + 1) * ow].iter_mut().zip(&cols) {
                *d = srow[ix];
            }
        }
    }
    Ok(Tensor::f32(vec![n, c, oh, ow], out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(k: usize, s: usize, pad: usize) -> Window {
        Window { kh: k, kw: k, sh: s, sw: s, dh: 1, dw: 1, pt: pad, pl: pad, pb: pad, pr: pad }
    }

    fn ramp(shape: Vec<usize>, seed: u32) -> Tensor {
        let n: usize = shape.iter().product();
        let data =
            (0..n as u32).map(|i| ((i.wrapping_mul(2_654_435_761) ^ seed) % 1000) as f32 / 250.0 - 2.0).collect();
        Tensor::f32(shape, data)
    }

    /// Transposed convolution by its definition: each input pixel adds `x · w` into a k × k patch.
    fn conv_transpose_naive(x: &Tensor, wt: &Tensor, b: &Tensor, win: Window) -> Vec<f32> {
        let (c, h, w) = (x.shape[1], x.shape[2], x.shape[3]);
        let (m, k) = (wt.shape[1], wt.shape[2]);
        let (oh, ow) = ((h - 1) * win.sh + k - win.pt - win.pb, (w - 1) * win.sw + k - win.pl - win.pr);
        let (xs, ws, bs) = (x.as_f32().unwrap(), wt.as_f32().unwrap(), b.as_f32().unwrap());
        let mut out: Vec<f64> = (0..m * oh * ow).map(|i| f64::from(bs[i / (oh * ow)])).collect();
        for ci in 0..c {
            for y in 0..h {
                for xx in 0..w {
                    for mo in 0..m {
                        for ky in 0..k {
                            for kx in 0..k {
                                let oy = (y * win.sh + ky) as isize - win.pt as isize;
                                let ox = (xx * win.sw + kx) as isize - win.pl as isize;
                                if (0..oh as isize).contains(&oy) && (0..ow as isize).contains(&ox) {
                                    let v = xs[(ci * h + y) * w + xx] * ws[((ci * m + mo) * k + ky) * k + kx];
                                    out[(mo * oh + oy as usize) * ow + ox as usize] += f64::from(v);
                                }
                            }
                        }
                    }
                }
            }
        }
        out.into_iter().map(|v| v as f32).collect()
    }

    #[test]
    fn transposed_convolution_matches_its_definition() {
        for (k, s, pad) in [(2, 2, 0), (3, 2, 1), (4, 2, 1), (2, 1, 0)] {
            let (c, m, h, w) = (5, 3, 6, 7);
            let x = ramp(vec![1, c, h, w], 7);
            let wt = ramp(vec![c, m, k, k], 11);
            let b = ramp(vec![m], 13);
            let got = conv_transpose(&x, &wt, Some(&b), window(k, s, pad)).unwrap();
            let want = conv_transpose_naive(&x, &wt, &b, window(k, s, pad));
            let got = got.as_f32().unwrap();
            assert_eq!(got.len(), want.len(), "k {k} s {s}");
            for (g, w) in got.iter().zip(&want) {
                assert!((g - w).abs() < 1e-4, "k {k} s {s} pad {pad}: {g} vs {w}");
            }
        }
    }

    #[test]
    fn two_by_two_max_pooling_takes_each_blocks_maximum_and_drops_an_odd_edge() {
        let x = ramp(vec![1, 2, 5, 7], 3);
        let got = pool(&x, Pool::Max, window(2, 2, 0), false).unwrap();
        assert_eq!(got.shape, vec![1, 2, 2, 3]);
        let xs = x.as_f32().unwrap();
        for (i, &g) in got.as_f32().unwrap().iter().enumerate() {
            let (p, oy, ox) = (i / 6, i / 3 % 2, i % 3);
            let at = |y: usize, x: usize| xs[(p * 5 + y) * 7 + x];
            let want = at(2 * oy, 2 * ox)
                .max(at(2 * oy, 2 * ox + 1))
                .max(at(2 * oy + 1, 2 * ox))
                .max(at(2 * oy + 1, 2 * ox + 1));
            assert_eq!(g, want);
        }
        // Ceil mode on an odd size keeps the partial window: the general path.
        let ceil = pool(&x, Pool::Max, window(2, 2, 0), true).unwrap();
        assert_eq!(ceil.shape, vec![1, 2, 3, 4]);
        assert_eq!(ceil.as_f32().unwrap()[3], xs[6].max(xs[13]));
    }
}
