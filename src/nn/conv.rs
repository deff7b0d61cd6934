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
    for (plane, dst) in out.chunks_exact_mut(oh * ow).enumerate() {
        let src = &xs[plane * h * w..(plane + 1) * h * w];
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
