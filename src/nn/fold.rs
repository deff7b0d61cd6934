//! Load-time rewrites that make a graph cheaper to run without changing what it computes
//! (beyond float rounding):
//!
//! - [`constants`]: a node whose inputs are all constants runs once, at load, and its outputs
//!   become constants. This is what makes compressed weight files free at run time: an `int8`
//!   weight with `Cast → Mul(scale)` after it, or an `f16` weight with a `Cast`, is turned back
//!   into an `f32` weight here, once (`scripts/onnx-pack.mjs` writes such files).
//! - [`into_conv`]: a per-channel `Mul` / `Add` by a constant, or a `BatchNormalization`, right
//!   after a convolution is folded into the convolution's weights and bias. PaddleOCR's networks
//!   put a learnable scale and shift after almost every convolution: two passes over every
//!   activation tensor that now cost nothing.
//! - [`hard_swish`]: `Add(x, 3) → Clip(0, 6) → Mul(x) → Div(6)` becomes one `HardSwish` pass.
//! - [`into_unary`]: a `Mul` / `Add` by a scalar constant right after an activation becomes part
//!   of the activation's pass (the same networks scale and shift after most activations).
//! - [`winograd`]: 3 × 3 stride-1 convolutions get their weights transformed once for
//!   [`super::winograd`].
//! - [`unused_constants`]: constants nobody reads any more (the `int8` originals) are dropped.

use std::borrow::Cow;

use super::ops::{Binary, Unary};
use super::{Data, NnError, Node, Op, Tensor, annotate, exec};

/// Runs every node whose inputs are all constants and stores its outputs as constants.
pub(super) fn constants(nodes: Vec<Node>, consts: &mut [Option<Tensor>]) -> Result<Vec<Node>, NnError> {
    let mut out = Vec::with_capacity(nodes.len());
    for node in nodes {
        let constant = !node.inputs.is_empty() && node.inputs.iter().flatten().all(|&v| consts[v].is_some());
        if !constant {
            out.push(node);
            continue;
        }
        let args = node.inputs.iter().map(|v| v.and_then(|id| consts[id].as_ref()).map(Cow::Borrowed)).collect();
        let results = exec(&node.op, args).map_err(|e| annotate(e, &node))?;
        if results.len() < node.outputs.len() {
            return Err(NnError::Shape(format!("node {:?} made too few outputs", node.name)));
        }
        for (&id, t) in node.outputs.iter().zip(results) {
            consts[id] = Some(t);
        }
    }
    Ok(out)
}

/// How many nodes (and graph outputs) read each value.
fn reader_counts(nodes: &[Node], n_values: usize, graph_outputs: &[usize]) -> Vec<usize> {
    let mut readers = vec![0usize; n_values];
    for n in nodes {
        for v in n.inputs.iter().flatten() {
            readers[*v] += 1;
        }
    }
    for &o in graph_outputs {
        readers[o] += 1;
    }
    readers
}

/// The node at or after `from` that reads the value a node writes (`outputs`), when that node
/// writes one value, it is no graph output, and exactly one node reads it.
fn only_reader(nodes: &[Option<Node>], readers: &[usize], outputs: &[usize], from: usize) -> Option<usize> {
    let &[v] = outputs else { return None };
    if readers[v] != 1 {
        return None;
    }
    (from..nodes.len()).find(|&k| nodes[k].as_ref().is_some_and(|n| n.inputs.contains(&Some(v))))
}

/// A constant's values as one per output channel of a convolution with `m` outputs: a scalar,
/// or a tensor shaped `[m, 1, 1]` / `[1, m, 1, 1]`. Anything else (e.g. `[m]`, which broadcasts
/// along the width) is `None`.
fn per_channel(t: &Tensor, m: usize) -> Option<Vec<f32>> {
    let Data::F32(v) = &t.data else { return None };
    if v.len() == 1 {
        return Some(vec![v[0]; m]);
    }
    let dims: Vec<usize> = t.shape.iter().copied().skip_while(|&d| d == 1).collect();
    (t.shape.len() <= 4 && dims == [m, 1, 1] && v.len() == m).then(|| v.clone())
}

/// Folds `Mul` / `Add` by per-channel constants and `BatchNormalization` that directly follow a
/// convolution (whose weight and bias are constants) into that convolution, repeatedly.
pub(super) fn into_conv(nodes: Vec<Node>, consts: &mut Vec<Option<Tensor>>, graph_outputs: &[usize]) -> Vec<Node> {
    let readers = reader_counts(&nodes, consts.len(), graph_outputs);
    let mut nodes: Vec<Option<Node>> = nodes.into_iter().map(Some).collect();
    for i in 0..nodes.len() {
        let Some(Node { op: Op::Conv { .. }, inputs, outputs, .. }) = nodes[i].as_ref() else { continue };
        let (x, w, b) = (inputs[0], inputs.get(1).copied().flatten(), inputs.get(2).copied().flatten());
        let Some(weight) = w.and_then(|w| consts[w].as_ref()) else { continue };
        let m = weight.shape.first().copied().unwrap_or(0);
        if m == 0 || weight.as_f32().is_err() || weight.len() % m != 0 {
            continue;
        }
        if b.is_some_and(|b| consts[b].as_ref().and_then(|t| t.as_f32().ok()).is_none_or(|v| v.len() != m)) {
            continue;
        }
        // Follow the chain while the next node is the only reader of the current output,
        // collecting each step's per-channel scale and shift.
        let mut steps: Vec<(Vec<f32>, Vec<f32>)> = Vec::new();
        let mut folded = Vec::new();
        let mut outputs = outputs.clone();
        while let Some(k) = only_reader(&nodes, &readers, &outputs, folded.last().map_or(i, |&k| k) + 1) {
            let next = nodes[k].as_ref().unwrap();
            let cur = outputs[0];
            let other = |idx: usize| next.inputs.get(idx).copied().flatten().and_then(|id| consts[id].as_ref());
            let step = match next.op {
                Op::Binary(b @ (Binary::Mul | Binary::Add)) if next.inputs.len() == 2 => {
                    let c = if next.inputs[0] == Some(cur) { other(1) } else { other(0) };
                    c.and_then(|c| per_channel(c, m)).map(|c| match b {
                        Binary::Mul => (c, vec![0.0; m]),
                        _ => (vec![1.0; m], c),
                    })
                }
                Op::BatchNorm { eps } if next.inputs.first() == Some(&Some(cur)) => {
                    let p: Option<Vec<Vec<f32>>> = (1..5)
                        .map(|idx| {
                            other(idx).and_then(|t| t.as_f32().ok()).filter(|v| v.len() == m).map(<[f32]>::to_vec)
                        })
                        .collect();
                    p.map(|p| {
                        let scale: Vec<f32> = (0..m).map(|c| p[0][c] / (p[3][c] + eps).sqrt()).collect();
                        let shift = (0..m).map(|c| p[1][c] - p[2][c] * scale[c]).collect();
                        (scale, shift)
                    })
                }
                _ => None,
            };
            let Some(step) = step else { break };
            steps.push(step);
            outputs = next.outputs.clone();
            folded.push(k);
        }
        if steps.is_empty() {
            continue;
        }
        // Only now copy the weights: most convolutions have nothing to fold.
        let shape = weight.shape.clone();
        let mut wv = weight.as_f32().unwrap().to_vec();
        let mut bias = match b.and_then(|b| consts[b].as_ref()) {
            Some(t) => t.as_f32().unwrap().to_vec(),
            None => vec![0.0; m],
        };
        let per_out = wv.len() / m;
        for (scale, shift) in &steps {
            for c in 0..m {
                wv[c * per_out..(c + 1) * per_out].iter_mut().for_each(|w| *w *= scale[c]);
                bias[c] = bias[c] * scale[c] + shift[c];
            }
        }
        consts.push(Some(Tensor::f32(shape, wv)));
        consts.push(Some(Tensor::f32(vec![m], bias)));
        let n = consts.len();
        let node = nodes[i].as_mut().unwrap();
        node.inputs = vec![x, Some(n - 2), Some(n - 1)];
        node.outputs = outputs;
        for k in folded {
            nodes[k] = None;
        }
    }
    nodes.into_iter().flatten().collect()
}

/// `Add(x, 3) → Clip(0, 6) → Mul(x, ·) → Div(6)` (either order of the last two) becomes one
/// `HardSwish` node: one pass over the tensor instead of four. Only when every intermediate
/// value has that one reader and is no graph output.
pub(super) fn hard_swish(nodes: Vec<Node>, consts: &[Option<Tensor>], graph_outputs: &[usize]) -> Vec<Node> {
    let scalar_is = |v: Option<usize>, want: f32| -> bool {
        v.and_then(|id| consts[id].as_ref()).is_some_and(|t| {
            t.len() == 1 && {
                let x = match &t.data {
                    Data::F32(d) => d[0],
                    Data::I64(d) => d[0] as f32,
                };
                x == want
            }
        })
    };
    let readers = reader_counts(&nodes, consts.len(), graph_outputs);
    let mut nodes: Vec<Option<Node>> = nodes.into_iter().map(Some).collect();
    for i in 0..nodes.len() {
        let fused = (|| {
            let n = nodes[i].as_ref()?;
            if !matches!(n.op, Op::Binary(Binary::Add)) || n.inputs.len() != 2 || !scalar_is(n.inputs[1], 3.0) {
                return None;
            }
            let x = n.inputs[0]?;
            let clip = only_reader(&nodes, &readers, &n.outputs, i + 1)?;
            let c = nodes[clip].as_ref()?;
            if !matches!(c.op, Op::ClipInputs)
                || !scalar_is(c.inputs.get(1).copied()?, 0.0)
                || !scalar_is(c.inputs.get(2).copied()?, 6.0)
            {
                return None;
            }
            let second = only_reader(&nodes, &readers, &c.outputs, clip + 1)?;
            let s = nodes[second].as_ref()?;
            let (mul, div) = match s.op {
                Op::Binary(Binary::Mul) => (second, only_reader(&nodes, &readers, &s.outputs, second + 1)?),
                Op::Binary(Binary::Div) => (only_reader(&nodes, &readers, &s.outputs, second + 1)?, second),
                _ => return None,
            };
            let (m, d) = (nodes[mul].as_ref()?, nodes[div].as_ref()?);
            let mul_ok = matches!(m.op, Op::Binary(Binary::Mul)) && m.inputs.contains(&Some(x));
            let div_ok = matches!(d.op, Op::Binary(Binary::Div)) && scalar_is(d.inputs.get(1).copied()?, 6.0);
            let last = nodes[mul.max(div)].as_ref()?;
            (mul_ok && div_ok && mul != div).then(|| ([clip, mul, div], x, last.outputs.clone(), last.name.clone()))
        })();
        if let Some((parts, x, outputs, name)) = fused {
            parts.iter().for_each(|&k| nodes[k] = None);
            // Put where the Add was: it reads only `x`, which exists there, and every reader of
            // the result comes after the last part anyway.
            nodes[i] = Some(Node { op: Op::Unary(Unary::HardSwish), inputs: vec![Some(x)], outputs, name });
        }
    }
    nodes.into_iter().flatten().collect()
}

/// Folds `Mul` / `Add` by a scalar constant that directly follow a unary operator (only reader)
/// into it, as `op(x) · mul + add`.
pub(super) fn into_unary(nodes: Vec<Node>, consts: &[Option<Tensor>], graph_outputs: &[usize]) -> Vec<Node> {
    let readers = reader_counts(&nodes, consts.len(), graph_outputs);
    let scalar = |v: Option<usize>| match v.and_then(|id| consts[id].as_ref()).map(|t| &t.data) {
        Some(Data::F32(d)) if d.len() == 1 => Some(d[0]),
        _ => None,
    };
    let mut nodes: Vec<Option<Node>> = nodes.into_iter().map(Some).collect();
    for i in 0..nodes.len() {
        let Some(node) = nodes[i].as_ref() else { continue };
        let (op, mut mul, mut add) = match node.op {
            Op::Unary(op) => (op, 1.0f32, 0.0f32),
            _ => continue,
        };
        let mut outputs = node.outputs.clone();
        let mut folded = false;
        while let Some(k) = only_reader(&nodes, &readers, &outputs, i + 1) {
            let cur = outputs[0];
            let next = nodes[k].as_ref().unwrap();
            let Op::Binary(b @ (Binary::Mul | Binary::Add)) = next.op else { break };
            if next.inputs.len() != 2 {
                break;
            }
            let other = if next.inputs[0] == Some(cur) { next.inputs[1] } else { next.inputs[0] };
            let Some(c) = scalar(other) else { break };
            // The constant must not change the shape by broadcasting: a scalar of rank ≤ the
            // activation's is exactly that, and a rank-0 or [1] tensor always is here.
            if consts[other.unwrap()].as_ref().is_some_and(|t| t.shape.len() > 1) {
                break;
            }
            if b == Binary::Mul {
                (mul, add) = (mul * c, add * c);
            } else {
                add += c;
            }
            outputs = next.outputs.clone();
            nodes[k] = None;
            folded = true;
        }
        if folded {
            let node = nodes[i].as_mut().unwrap();
            node.op = Op::UnaryAffine { op, mul, add };
            node.outputs = outputs;
        }
    }
    nodes.into_iter().flatten().collect()
}

/// Turns every convolution [`super::winograd::applies`] to into an `Op::Winograd` reading the
/// transformed weights (a new constant; the original is dropped when nothing else reads it).
pub(super) fn winograd(mut nodes: Vec<Node>, consts: &mut Vec<Option<Tensor>>) -> Result<Vec<Node>, NnError> {
    for node in &mut nodes {
        let Op::Conv { win, group } = node.op else { continue };
        let Some(Some(w)) = node.inputs.get(1).copied() else { continue };
        let Some(weight) = consts[w].as_ref() else { continue };
        if weight.shape.len() != 4 || !super::winograd::applies(&win, group, weight.shape[1]) {
            continue;
        }
        let u = super::winograd::transform_weights(weight).map_err(|e| annotate(e, node))?;
        consts.push(Some(u));
        node.inputs[1] = Some(consts.len() - 1);
        node.op = Op::Winograd { win };
    }
    Ok(nodes)
}

/// Drops constants that no node reads and that are no graph output.
pub(super) fn unused_constants(nodes: &[Node], consts: &mut [Option<Tensor>], graph_outputs: &[usize]) {
    let readers = reader_counts(nodes, consts.len(), graph_outputs);
    for (c, r) in consts.iter_mut().zip(readers) {
        if r == 0 {
            *c = None;
        }
    }
}
