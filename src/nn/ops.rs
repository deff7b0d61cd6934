//! Element-wise, shape and matrix operators.

use super::NnError;
use super::gemm::{Mat, gemm};
use super::tensor::{Data, Tensor, axis, broadcast, numel, strides};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Binary {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
}

impl Binary {
    #[inline(always)]
    fn f(self, a: f32, b: f32) -> f32 {
        match self {
            Binary::Add => a + b,
            Binary::Sub => a - b,
            Binary::Mul => a * b,
            Binary::Div => a / b,
            Binary::Pow => pow(a, b),
        }
    }

    fn i(self, a: i64, b: i64) -> i64 {
        match self {
            Binary::Add => a.wrapping_add(b),
            Binary::Sub => a.wrapping_sub(b),
            Binary::Mul => a.wrapping_mul(b),
            Binary::Div => a.checked_div(b).unwrap_or(0),
            Binary::Pow => a.wrapping_pow(b.clamp(0, 63) as u32),
        }
    }
}

/// `a^b`, with the common squares exact and cheap (layer norms square their inputs).
#[inline(always)]
fn pow(a: f32, b: f32) -> f32 {
    if b == 2.0 { a * a } else { a.powf(b) }
}

/// Runs one loop over `(a, b)` element pairs for a broadcast; adjacent axes that both operands
/// walk the same way are merged first, so `N×C×H×W ∘ N×C×1×1` is `N·C` runs of `H·W`.
fn broadcast_walk(
    a: &[usize],
    b: &[usize],
    out: &[usize],
    mut run: impl FnMut(usize, usize, usize, usize, usize, usize),
) {
    let n = out.len();
    let pad = |s: &[usize]| -> Vec<usize> {
        let mut v = vec![1; n - s.len()];
        v.extend_from_slice(s);
        v
    };
    let (pa, pb) = (pad(a), pad(b));
    let (sa, sb) = (strides(&pa), strides(&pb));
    // broadcast strides: 0 where the operand's dimension is 1
    let mut dims: Vec<(usize, usize, usize)> =
        (0..n).map(|i| (out[i], if pa[i] == 1 { 0 } else { sa[i] }, if pb[i] == 1 { 0 } else { sb[i] })).collect();
    dims.retain(|d| d.0 != 1);
    let mut merged: Vec<(usize, usize, usize)> = Vec::new();
    for d in dims {
        if let Some(last) = merged.last_mut() {
            if last.1 == d.1 * d.0 && last.2 == d.2 * d.0 {
                *last = (last.0 * d.0, d.1, d.2);
                continue;
            }
        }
        merged.push(d);
    }
    let (inner, ia, ib) = merged.pop().unwrap_or((1, 0, 0));
    let outer: usize = merged.iter().map(|d| d.0).product();
    let mut idx = vec![0usize; merged.len()];
    for o in 0..outer {
        let (mut oa, mut ob) = (0, 0);
        for (k, d) in merged.iter().enumerate() {
            oa += idx[k] * d.1;
            ob += idx[k] * d.2;
        }
        run(o * inner, oa, ob, inner, ia, ib);
        for k in (0..idx.len()).rev() {
            idx[k] += 1;
            if idx[k] < merged[k].0 {
                break;
            }
            idx[k] = 0;
        }
    }
}

/// `op(a, b)` with numpy broadcasting. `a` is taken by value: when it already has the output's
/// shape its buffer is reused.
pub fn binary(op: Binary, a: Tensor, b: &Tensor) -> Result<Tensor, NnError> {
    let shape = broadcast(&a.shape, &b.shape)?;
    match (&a.data, &b.data) {
        (Data::F32(_), Data::F32(bv)) => {
            if a.shape == shape {
                let mut av = a.into_f32()?;
                let ashape = shape.clone();
                if bv.len() == 1 {
                    let s = bv[0];
                    av.iter_mut().for_each(|x| *x = op.f(*x, s));
                } else {
                    broadcast_walk(&ashape, &b.shape, &shape, |o, _, ob, len, _, sb| {
                        let dst = &mut av[o..o + len];
                        if sb == 0 {
                            let s = bv[ob];
                            dst.iter_mut().for_each(|x| *x = op.f(*x, s));
                        } else {
                            dst.iter_mut().zip(&bv[ob..ob + len]).for_each(|(x, &y)| *x = op.f(*x, y));
                        }
                    });
                }
                return Ok(Tensor::f32(shape, av));
            }
            let av = a.as_f32()?;
            let mut out = vec![0f32; numel(&shape)?];
            broadcast_walk(&a.shape, &b.shape, &shape, |o, oa, ob, len, sa, sb| {
                for (j, d) in out[o..o + len].iter_mut().enumerate() {
                    *d = op.f(av[oa + j * sa], bv[ob + j * sb]);
                }
            });
            Ok(Tensor::f32(shape, out))
        }
        _ => {
            let (av, bv) = (a.to_i64(), b.to_i64());
            let mut out = vec![0i64; numel(&shape)?];
            broadcast_walk(&a.shape, &b.shape, &shape, |o, oa, ob, len, sa, sb| {
                for (j, d) in out[o..o + len].iter_mut().enumerate() {
                    *d = op.i(av[oa + j * sa], bv[ob + j * sb]);
                }
            });
            Ok(Tensor::i64(shape, out))
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Unary {
    Relu,
    LeakyRelu(f32),
    Sigmoid,
    /// `max(0, min(1, alpha·x + beta))`
    HardSigmoid(f32, f32),
    Clip(f32, f32),
    Sqrt,
    /// `x · min(max(x + 3, 0), 6) / 6`, fused from the Add → Clip → Div → Mul exporters write.
    HardSwish,
}

#[inline(always)]
fn sigmoid(x: f32) -> f32 {
    // below −80 the result (< 2e-35) would turn subnormal near −87: slow, and 0 to any reader
    1.0 / (1.0 + (-x.max(-80.0)).exp())
}

/// An element-wise function applied in place.
pub fn unary(op: Unary, x: Tensor) -> Result<Tensor, NnError> {
    unary_affine(op, 1.0, 0.0, x)
}

/// `op(x) · mul + add`, element-wise, in place and in one pass (PaddleOCR's networks scale and
/// shift after most activations; [`super::fold`] merges the two nodes into the activation's).
pub fn unary_affine(op: Unary, mul: f32, add: f32, x: Tensor) -> Result<Tensor, NnError> {
    #[inline(always)]
    fn map(v: &mut [f32], mul: f32, add: f32, f: impl Fn(f32) -> f32) {
        v.iter_mut().for_each(|x| *x = f(*x) * mul + add);
    }
    let shape = x.shape.clone();
    let mut v = x.into_f32()?;
    match op {
        Unary::Relu => map(&mut v, mul, add, |x| x.max(0.0)),
        Unary::LeakyRelu(a) => map(&mut v, mul, add, |x| if x < 0.0 { x * a } else { x }),
        Unary::Sigmoid => map(&mut v, mul, add, sigmoid),
        Unary::HardSwish => map(&mut v, mul, add, |x| x * (x * (1.0 / 6.0) + 0.5).clamp(0.0, 1.0)),
        Unary::HardSigmoid(a, b) => map(&mut v, mul, add, |x| (a * x + b).clamp(0.0, 1.0)),
        Unary::Clip(lo, hi) => map(&mut v, mul, add, |x| x.max(lo).min(hi)),
        Unary::Sqrt => map(&mut v, mul, add, f32::sqrt),
    }
    Ok(Tensor::f32(shape, v))
}

/// Inference-mode batch normalisation over axis 1.
pub fn batch_norm(
    x: Tensor,
    scale: &[f32],
    bias: &[f32],
    mean: &[f32],
    var: &[f32],
    eps: f32,
) -> Result<Tensor, NnError> {
    let c = *x.shape.get(1).ok_or_else(|| NnError::Shape("BatchNormalization on a 1-D tensor".into()))?;
    if [scale.len(), bias.len(), mean.len(), var.len()].iter().any(|&l| l != c) {
        return Err(NnError::Shape(format!("BatchNormalization: {c} channels, parameters of other lengths")));
    }
    let inner: usize = x.shape[2..].iter().product();
    let shape = x.shape.clone();
    let mut v = x.into_f32()?;
    if inner > 0 {
        for (i, chunk) in v.chunks_exact_mut(inner).enumerate() {
            let ch = i % c;
            let k = scale[ch] / (var[ch] + eps).sqrt();
            let off = bias[ch] - mean[ch] * k;
            chunk.iter_mut().for_each(|x| *x = *x * k + off);
        }
    }
    Ok(Tensor::f32(shape, v))
}

/// Softmax over the axes from `from` on, flattened (opset < 13), or over `from` alone (13+).
pub fn softmax(x: Tensor, ax: i64, flatten: bool) -> Result<Tensor, NnError> {
    let a = axis(ax, x.shape.len())?;
    let shape = x.shape.clone();
    let mut v = x.into_f32()?;
    let (len, stride) = if flatten || a + 1 == shape.len() {
        (shape[a..].iter().product::<usize>(), 1)
    } else {
        (shape[a], shape[a + 1..].iter().product())
    };
    if len == 0 {
        return Ok(Tensor::f32(shape, v));
    }
    let outer = v.len() / (len * stride);
    for o in 0..outer {
        for s in 0..stride {
            let base = o * len * stride + s;
            let idx = |i: usize| base + i * stride;
            let max = (0..len).map(|i| v[idx(i)]).fold(f32::NEG_INFINITY, f32::max);
            // Probabilities below e^-70 ≈ 4e-31 become 0: divided by the sum they would be
            // subnormal, which x86 (natively and under wasm) computes ~100× slower — a reader's
            // softmax over 6,625 classes took 36 ms instead of 1.
            let mut sum = 0.0;
            for i in 0..len {
                let d = v[idx(i)] - max;
                let e = if d < -70.0 { 0.0 } else { d.exp() };
                v[idx(i)] = e;
                sum += e;
            }
            let inv = 1.0 / sum;
            for i in 0..len {
                v[idx(i)] *= inv;
            }
        }
    }
    Ok(Tensor::f32(shape, v))
}

/// Mean over `axes` (all when empty), keeping them as size 1 when `keep`.
pub fn reduce_mean(x: &Tensor, axes: &[i64], keep: bool) -> Result<Tensor, NnError> {
    let r = x.shape.len();
    let mut red = vec![axes.is_empty(); r];
    for &a in axes {
        red[axis(a, r)?] = true;
    }
    let out_shape_keep: Vec<usize> = x.shape.iter().zip(&red).map(|(&d, &m)| if m { 1 } else { d }).collect();
    let count: usize = x.shape.iter().zip(&red).filter(|(_, m)| **m).map(|(d, _)| *d).product();
    let xs = x.as_f32()?;
    let mut out = vec![0f32; numel(&out_shape_keep)?];
    // Walk the input; the output index drops the reduced axes.
    let ostr = strides(&out_shape_keep);
    let mut idx = vec![0usize; r];
    for &v in xs {
        let o: usize = (0..r).map(|k| if red[k] { 0 } else { idx[k] * ostr[k] }).sum();
        out[o] += v;
        for k in (0..r).rev() {
            idx[k] += 1;
            if idx[k] < x.shape[k] {
                break;
            }
            idx[k] = 0;
        }
    }
    if count > 0 {
        out.iter_mut().for_each(|v| *v /= count as f32);
    }
    let shape =
        if keep { out_shape_keep } else { x.shape.iter().zip(&red).filter(|(_, m)| !**m).map(|(d, _)| *d).collect() };
    Ok(Tensor::f32(shape, out))
}

/// numpy `matmul`: `[..., M, K] · [..., K, N]`, batch axes broadcast; 1-D operands are
/// promoted as numpy does.
pub fn matmul(a: &Tensor, b: &Tensor) -> Result<Tensor, NnError> {
    let (mut ash, mut bsh) = (a.shape.clone(), b.shape.clone());
    let (a1, b1) = (ash.len() == 1, bsh.len() == 1);
    if a1 {
        ash.insert(0, 1);
    }
    if b1 {
        bsh.push(1);
    }
    if ash.len() < 2 || bsh.len() < 2 {
        return Err(NnError::Shape("MatMul of a scalar".into()));
    }
    let (m, k) = (ash[ash.len() - 2], ash[ash.len() - 1]);
    let (k2, n) = (bsh[bsh.len() - 2], bsh[bsh.len() - 1]);
    if k != k2 {
        return Err(NnError::Shape(format!("MatMul {:?} · {:?}", a.shape, b.shape)));
    }
    let batch = broadcast(&ash[..ash.len() - 2], &bsh[..bsh.len() - 2])?;
    let nb: usize = batch.iter().product();
    let (av, bv) = (a.as_f32()?, b.as_f32()?);
    let mut out = vec![0f32; numel(&[nb, m, n])?];
    // Batch offsets of each operand (0 stride where it broadcasts).
    let offsets = |sh: &[usize], mat: usize| -> Vec<usize> {
        let mut offs = Vec::with_capacity(nb);
        let bs = &sh[..sh.len() - 2];
        let pad = batch.len() - bs.len();
        let st = strides(bs);
        let mut idx = vec![0usize; batch.len()];
        for _ in 0..nb {
            let mut o = 0;
            for (i, &d) in bs.iter().enumerate() {
                if d != 1 {
                    o += idx[pad + i] * st[i];
                }
            }
            offs.push(o * mat);
            for k in (0..idx.len()).rev() {
                idx[k] += 1;
                if idx[k] < batch[k] {
                    break;
                }
                idx[k] = 0;
            }
        }
        offs
    };
    let (oa, ob) = (offsets(&ash, m * k), offsets(&bsh, k * n));
    for i in 0..nb {
        gemm(m, n, k, Mat { data: &av[oa[i]..], ld: k }, Mat { data: &bv[ob[i]..], ld: n }, &mut out[i * m * n..], n);
    }
    let mut shape = batch;
    if !a1 {
        shape.push(m);
    }
    if !b1 {
        shape.push(n);
    }
    Ok(Tensor::f32(shape, out))
}

/// ONNX `Gemm`: `alpha · A' · B' + beta · C`, A' and B' optionally transposed, C broadcast.
pub fn gemm_op(
    a: &Tensor,
    b: &Tensor,
    c: Option<&Tensor>,
    alpha: f32,
    beta: f32,
    ta: bool,
    tb: bool,
) -> Result<Tensor, NnError> {
    let a = if ta { transpose(a, &[1, 0])? } else { a.clone() };
    let b = if tb { transpose(b, &[1, 0])? } else { b.clone() };
    if a.shape.len() != 2 || b.shape.len() != 2 {
        return Err(NnError::Shape("Gemm wants 2-D operands".into()));
    }
    let mut y = matmul(&a, &b)?;
    if alpha != 1.0 {
        y = binary(Binary::Mul, y, &Tensor::f32(vec![], vec![alpha]))?;
    }
    if let Some(c) = c {
        let c = if beta != 1.0 { binary(Binary::Mul, c.clone(), &Tensor::f32(vec![], vec![beta]))? } else { c.clone() };
        y = binary(Binary::Add, y, &c)?;
    }
    Ok(y)
}

/// Axis permutation.
pub fn transpose(x: &Tensor, perm: &[usize]) -> Result<Tensor, NnError> {
    let r = x.shape.len();
    let mut seen = vec![false; r];
    if perm.len() != r || perm.iter().any(|&p| p >= r || std::mem::replace(&mut seen[p], true)) {
        return Err(NnError::Shape(format!("Transpose perm {perm:?} for rank {r}")));
    }
    let shape: Vec<usize> = perm.iter().map(|&p| x.shape[p]).collect();
    let st = strides(&x.shape);
    let pst: Vec<usize> = perm.iter().map(|&p| st[p]).collect();
    let gather = |n: usize, f: &mut dyn FnMut(usize, usize)| {
        let mut idx = vec![0usize; r];
        let mut src = 0usize;
        for o in 0..n {
            f(o, src);
            for k in (0..r).rev() {
                idx[k] += 1;
                src += pst[k];
                if idx[k] < shape[k] {
                    break;
                }
                src -= pst[k] * shape[k];
                idx[k] = 0;
            }
        }
    };
    let n = x.len();
    Ok(match &x.data {
        Data::F32(v) => {
            let mut out = vec![0f32; n];
            gather(n, &mut |o, s| out[o] = v[s]);
            Tensor::f32(shape, out)
        }
        Data::I64(v) => {
            let mut out = vec![0i64; n];
            gather(n, &mut |o, s| out[o] = v[s]);
            Tensor::i64(shape, out)
        }
    })
}

/// Concatenation along an axis.
pub fn concat(xs: &[&Tensor], ax: i64) -> Result<Tensor, NnError> {
    let first = xs.first().ok_or_else(|| NnError::Shape("Concat of nothing".into()))?;
    let r = first.shape.len();
    let a = axis(ax, r)?;
    let mut shape = first.shape.clone();
    shape[a] = 0;
    for t in xs {
        if t.shape.len() != r || (0..r).any(|k| k != a && t.shape[k] != first.shape[k]) {
            return Err(NnError::Shape(format!("Concat {:?} with {:?} on axis {a}", first.shape, t.shape)));
        }
        shape[a] += t.shape[a];
    }
    let outer: usize = shape[..a].iter().product();
    let float = xs.iter().all(|t| matches!(t.data, Data::F32(_)));
    if float {
        let mut out = Vec::with_capacity(numel(&shape)?);
        for o in 0..outer {
            for t in xs {
                let run = t.len() / outer.max(1);
                out.extend_from_slice(&t.as_f32()?[o * run..(o + 1) * run]);
            }
        }
        Ok(Tensor::f32(shape, out))
    } else {
        let ints: Vec<Vec<i64>> = xs.iter().map(|t| t.to_i64()).collect();
        let mut out = Vec::with_capacity(numel(&shape)?);
        for o in 0..outer {
            for v in &ints {
                let run = v.len() / outer.max(1);
                out.extend_from_slice(&v[o * run..(o + 1) * run]);
            }
        }
        Ok(Tensor::i64(shape, out))
    }
}

/// Same data, new shape (ONNX `Reshape`: 0 copies the input's dimension, −1 is inferred).
pub fn reshape(x: Tensor, target: &[i64]) -> Result<Tensor, NnError> {
    let mut shape = Vec::with_capacity(target.len());
    let mut infer = None;
    for (i, &d) in target.iter().enumerate() {
        shape.push(match d {
            0 => *x.shape.get(i).ok_or_else(|| NnError::Shape(format!("Reshape {:?} to {target:?}", x.shape)))?,
            -1 if infer.is_none() => {
                infer = Some(i);
                1
            }
            d if d > 0 => d as usize,
            _ => return Err(NnError::Shape(format!("Reshape to {target:?}"))),
        });
    }
    let known: usize = shape.iter().product();
    if let Some(i) = infer {
        if known == 0 || x.len() % known != 0 {
            return Err(NnError::Shape(format!("Reshape {:?} to {target:?}", x.shape)));
        }
        shape[i] = x.len() / known;
    }
    if shape.iter().product::<usize>() != x.len() {
        return Err(NnError::Shape(format!("Reshape {:?} to {target:?}", x.shape)));
    }
    Ok(Tensor { shape, data: x.data })
}

/// ONNX `Slice` (opset 10+): per axis `start..end` by `step`, clamped as numpy does.
pub fn slice(
    x: &Tensor,
    starts: &[i64],
    ends: &[i64],
    axes: Option<&[i64]>,
    steps: Option<&[i64]>,
) -> Result<Tensor, NnError> {
    let r = x.shape.len();
    let mut lo: Vec<i64> = vec![0; r];
    let mut step: Vec<i64> = vec![1; r];
    let mut shape = x.shape.clone();
    for (i, (&s, &e)) in starts.iter().zip(ends).enumerate() {
        let a = axis(axes.map_or(i as i64, |v| v[i]), r)?;
        let st = steps.map_or(1, |v| v[i]);
        if st == 0 {
            return Err(NnError::Shape("Slice step 0".into()));
        }
        let d = x.shape[a] as i64;
        let fix = |v: i64| if v < 0 { v + d } else { v };
        let (s, e) = (fix(s), fix(e));
        let (s, e) = if st > 0 { (s.clamp(0, d), e.clamp(0, d)) } else { (s.clamp(0, d - 1), e.clamp(-1, d - 1)) };
        let n = if st > 0 { (e - s + st - 1).max(0) / st } else { (s - e - st - 1).max(0) / -st };
        lo[a] = s;
        step[a] = st;
        shape[a] = n as usize;
    }
    let st = strides(&x.shape);
    let n = numel(&shape)?;
    let mut idx = vec![0usize; r];
    let mut src_idx = Vec::with_capacity(n);
    for _ in 0..n {
        let s: i64 = (0..r).map(|k| (lo[k] + idx[k] as i64 * step[k]) * st[k] as i64).sum();
        src_idx.push(s as usize);
        for k in (0..r).rev() {
            idx[k] += 1;
            if idx[k] < shape[k] {
                break;
            }
            idx[k] = 0;
        }
    }
    Ok(match &x.data {
        Data::F32(v) => Tensor::f32(shape, src_idx.iter().map(|&i| v[i]).collect()),
        Data::I64(v) => Tensor::i64(shape, src_idx.iter().map(|&i| v[i]).collect()),
    })
}

/// ONNX `Gather`: picks indices along an axis.
pub fn gather(x: &Tensor, indices: &Tensor, ax: i64) -> Result<Tensor, NnError> {
    let r = x.shape.len();
    let a = axis(ax, r)?;
    let d = x.shape[a] as i64;
    let idx: Vec<usize> = indices
        .to_i64()
        .iter()
        .map(|&i| {
            let i = if i < 0 { i + d } else { i };
            if (0..d).contains(&i) { Ok(i as usize) } else { Err(NnError::Shape(format!("Gather index {i} of {d}"))) }
        })
        .collect::<Result<_, _>>()?;
    let outer: usize = x.shape[..a].iter().product();
    let inner: usize = x.shape[a + 1..].iter().product();
    let mut shape = x.shape[..a].to_vec();
    shape.extend_from_slice(&indices.shape);
    shape.extend_from_slice(&x.shape[a + 1..]);
    let dim = x.shape[a];
    // Runs of `inner` values, for every outer index, in the order of `idx`.
    fn pick<T: Copy>(v: &[T], outer: usize, dim: usize, idx: &[usize], inner: usize) -> Vec<T> {
        let mut out = Vec::with_capacity(outer * idx.len() * inner);
        for o in 0..outer {
            for &i in idx {
                let start = (o * dim + i) * inner;
                out.extend_from_slice(&v[start..start + inner]);
            }
        }
        out
    }
    numel(&shape)?; // bounds the output before `pick` allocates it
    Ok(match &x.data {
        Data::F32(v) => Tensor::f32(shape, pick(v, outer, dim, &idx, inner)),
        Data::I64(v) => Tensor::i64(shape, pick(v, outer, dim, &idx, inner)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(shape: &[usize], v: &[f32]) -> Tensor {
        Tensor::f32(shape.to_vec(), v.to_vec())
    }

    #[test]
    fn broadcasting_per_channel_and_both_ways() {
        let x = t(&[1, 2, 1, 2], &[1., 2., 3., 4.]);
        let s = t(&[1, 2, 1, 1], &[10., 100.]);
        assert_eq!(binary(Binary::Mul, x.clone(), &s).unwrap().as_f32().unwrap(), &[10., 20., 300., 400.]);
        // [2,1] ∘ [1,3] → [2,3]
        let a = t(&[2, 1], &[1., 2.]);
        let b = t(&[1, 3], &[10., 20., 30.]);
        let y = binary(Binary::Add, a, &b).unwrap();
        assert_eq!(y.shape, vec![2, 3]);
        assert_eq!(y.as_f32().unwrap(), &[11., 21., 31., 12., 22., 32.]);
    }

    #[test]
    fn transpose_slice_gather_reshape() {
        let x = t(&[2, 3], &[0., 1., 2., 3., 4., 5.]);
        assert_eq!(transpose(&x, &[1, 0]).unwrap().as_f32().unwrap(), &[0., 3., 1., 4., 2., 5.]);
        let s = slice(&x, &[1], &[i64::MAX], Some(&[1]), None).unwrap();
        assert_eq!((s.shape.clone(), s.as_f32().unwrap().to_vec()), (vec![2, 2], vec![1., 2., 4., 5.]));
        let r = slice(&x, &[-1], &[-4], Some(&[1]), Some(&[-1])).unwrap();
        assert_eq!(r.as_f32().unwrap(), &[2., 1., 0., 5., 4., 3.]);
        let g = gather(&x, &Tensor::i64(vec![], vec![1]), 0).unwrap();
        assert_eq!((g.shape.clone(), g.as_f32().unwrap().to_vec()), (vec![3], vec![3., 4., 5.]));
        assert_eq!(reshape(x, &[3, -1]).unwrap().shape, vec![3, 2]);
    }

    #[test]
    fn softmax_and_mean() {
        let x = t(&[1, 2, 2], &[0., 0., 1., 3.]);
        let s = softmax(x.clone(), -1, false).unwrap();
        let v = s.as_f32().unwrap();
        assert!((v[0] - 0.5).abs() < 1e-6 && (v[3] - 0.880797).abs() < 1e-5);
        let m = reduce_mean(&x, &[-1], true).unwrap();
        assert_eq!((m.shape.clone(), m.as_f32().unwrap().to_vec()), (vec![1, 2, 1], vec![0., 2.]));
    }

    #[test]
    fn matmul_broadcasts_batches() {
        let a = t(&[2, 1, 2], &[1., 2., 3., 4.]);
        let b = t(&[2, 1], &[10., 1.]);
        let y = matmul(&a, &b).unwrap();
        assert_eq!((y.shape.clone(), y.as_f32().unwrap().to_vec()), (vec![2, 1, 1], vec![12., 34.]));
    }
}
