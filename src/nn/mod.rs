//! A small ONNX interpreter for the detection networks — ours instead of a general engine, so
//! the page downloads kilobytes of code rather than megabytes.
//!
//! It runs the operators the shipped networks use (YuNet, the plate detectors, PaddleOCR's text
//! detector and reader, our plate verifier) in `f32`, any input shape, with no plan to build per
//! shape: [`Model::from_onnx`] parses the protobuf once and resolves every attribute, [`Model::run`]
//! walks the nodes in file order (ONNX requires them sorted), freeing each value after its last
//! use and reusing a buffer in place where its producer was its only reader. Convolutions and
//! matrix products go through one blocked matrix kernel ([`gemm`]); depthwise convolutions
//! run directly.
//!
//! An operator or attribute it does not know is an error at load time, naming it — never a
//! silent wrong answer. `tests/nn.rs` checks every network's outputs against tract's.

pub mod conv;
mod fold;
pub mod gemm;
pub mod ops;
pub mod proto;
pub mod tensor;
pub mod winograd;

use std::borrow::Cow;
use std::collections::HashMap;

use conv::{Pool, Window};
use ops::{Binary, Unary};
use proto::{AttrValue, NodeProto};
pub use tensor::{Data, Tensor};

/// Why a model could not be loaded or run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NnError {
    /// The file is not a model this interpreter can read.
    Format(String),
    /// An operator, attribute or data type it does not implement.
    Unsupported(String),
    /// Shapes that do not fit together (a wrong input size, a malformed model).
    Shape(String),
    /// A float where an integer was expected, or the reverse.
    Type(String),
}

impl std::fmt::Display for NnError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NnError::Format(s) | NnError::Unsupported(s) | NnError::Shape(s) | NnError::Type(s) => f.write_str(s),
        }
    }
}

impl std::error::Error for NnError {}

/// One operator with its attributes resolved.
#[derive(Debug, Clone)]
enum Op {
    Conv {
        win: Window,
        group: usize,
    },
    /// A 3 × 3 convolution by F(2 × 2, 3 × 3); its weight input is already transformed.
    Winograd {
        win: Window,
    },
    ConvTranspose {
        win: Window,
    },
    Pool {
        kind: Pool,
        win: Window,
        ceil: bool,
    },
    GlobalAveragePool,
    BatchNorm {
        eps: f32,
    },
    Binary(Binary),
    Unary(Unary),
    /// `op(x) · mul + add` (a unary op with a scalar `Mul` / `Add` folded in).
    UnaryAffine {
        op: Unary,
        mul: f32,
        add: f32,
    },
    /// Clip whose bounds come from inputs 1 and 2 (opset 11+).
    ClipInputs,
    Resize,
    Concat {
        axis: i64,
    },
    Reshape,
    Flatten {
        axis: i64,
    },
    Squeeze {
        axes: Vec<i64>,
    },
    Unsqueeze {
        axes: Vec<i64>,
    },
    Transpose {
        perm: Vec<usize>,
    },
    Slice,
    Gather {
        axis: i64,
    },
    Shape,
    Cast {
        to_float: bool,
    },
    MatMul,
    Gemm {
        alpha: f32,
        beta: f32,
        ta: bool,
        tb: bool,
    },
    Softmax {
        axis: i64,
        flatten: bool,
    },
    ReduceMean {
        axes: Vec<i64>,
        keep: bool,
    },
    Identity,
}

#[derive(Debug, Clone)]
struct Node {
    op: Op,
    /// Value ids; `None` for an omitted optional input (an empty name).
    inputs: Vec<Option<usize>>,
    outputs: Vec<usize>,
    name: String,
}

/// A loaded network, ready to run on inputs of any shape.
#[derive(Debug, Clone)]
pub struct Model {
    nodes: Vec<Node>,
    /// Constant values (initialisers and `Constant` nodes), by value id.
    consts: Vec<Option<Tensor>>,
    inputs: Vec<usize>,
    outputs: Vec<(String, usize)>,
    /// The index of the last node that reads each value (`usize::MAX` for graph outputs).
    last_use: Vec<usize>,
    metadata: Vec<(String, String)>,
}

fn attr<'a>(n: &'a NodeProto, name: &str) -> Option<&'a AttrValue> {
    n.attributes.iter().find(|a| a.name == name).map(|a| &a.value)
}

fn int(n: &NodeProto, name: &str, default: i64) -> Result<i64, NnError> {
    match attr(n, name) {
        None => Ok(default),
        Some(AttrValue::Int(v)) => Ok(*v),
        Some(v) => Err(NnError::Format(format!("{} {}: attribute {name} is {v:?}", n.op_type, n.name))),
    }
}

fn float(n: &NodeProto, name: &str, default: f32) -> Result<f32, NnError> {
    match attr(n, name) {
        None => Ok(default),
        Some(AttrValue::Float(v)) => Ok(*v),
        Some(v) => Err(NnError::Format(format!("{} {}: attribute {name} is {v:?}", n.op_type, n.name))),
    }
}

fn ints(n: &NodeProto, name: &str) -> Result<Option<Vec<i64>>, NnError> {
    match attr(n, name) {
        None => Ok(None),
        Some(AttrValue::Ints(v)) => Ok(Some(v.clone())),
        Some(v) => Err(NnError::Format(format!("{} {}: attribute {name} is {v:?}", n.op_type, n.name))),
    }
}

fn string<'a>(n: &'a NodeProto, name: &str, default: &'a str) -> Result<Cow<'a, str>, NnError> {
    match attr(n, name) {
        None => Ok(Cow::Borrowed(default)),
        Some(AttrValue::String(v)) => Ok(String::from_utf8_lossy(v)),
        Some(v) => Err(NnError::Format(format!("{} {}: attribute {name} is {v:?}", n.op_type, n.name))),
    }
}

fn unsupported(n: &NodeProto, what: &str) -> NnError {
    NnError::Unsupported(format!("{} node {:?}: {what}", n.op_type, n.name))
}

/// Kernel, strides, dilations and explicit pads of a 2-D conv or pool node.
fn window(n: &NodeProto, kernel: Option<(usize, usize)>) -> Result<Window, NnError> {
    if !matches!(&*string(n, "auto_pad", "NOTSET")?, "NOTSET" | "VALID") {
        return Err(unsupported(n, "auto_pad SAME_*"));
    }
    let two = |name: &str, d: usize| -> Result<(usize, usize), NnError> {
        match ints(n, name)?.as_deref() {
            None => Ok((d, d)),
            Some(&[a, b]) if a >= 0 && b >= 0 => Ok((a as usize, b as usize)),
            Some(v) => Err(unsupported(n, &format!("{name} {v:?} (only 2-D)"))),
        }
    };
    let (kh, kw) = match (ints(n, "kernel_shape")?.as_deref(), kernel) {
        (Some(&[a, b]), _) if a > 0 && b > 0 => (a as usize, b as usize),
        (None, Some(k)) => k,
        (v, _) => return Err(unsupported(n, &format!("kernel_shape {v:?} (only 2-D)"))),
    };
    let (sh, sw) = two("strides", 1)?;
    let (dh, dw) = two("dilations", 1)?;
    let (pt, pl, pb, pr) = match ints(n, "pads")?.as_deref() {
        None => (0, 0, 0, 0),
        Some(&[a, b, c, d]) if a >= 0 && b >= 0 && c >= 0 && d >= 0 => (a as usize, b as usize, c as usize, d as usize),
        Some(v) => return Err(unsupported(n, &format!("pads {v:?}"))),
    };
    if sh == 0 || sw == 0 || dh == 0 || dw == 0 {
        return Err(unsupported(n, "zero stride or dilation"));
    }
    Ok(Window { kh, kw, sh, sw, dh, dw, pt, pl, pb, pr })
}

fn compile(n: &NodeProto, opset: i64, weight_shape: Option<&[usize]>) -> Result<Op, NnError> {
    if !(n.domain.is_empty() || n.domain == "ai.onnx") {
        return Err(unsupported(n, &format!("domain {}", n.domain)));
    }
    Ok(match n.op_type.as_str() {
        "Conv" => {
            let k = weight_shape.filter(|s| s.len() == 4).map(|s| (s[2], s[3]));
            Op::Conv { win: window(n, k)?, group: int(n, "group", 1)?.max(1) as usize }
        }
        "ConvTranspose" => {
            if int(n, "group", 1)? != 1 {
                return Err(unsupported(n, "group ≠ 1"));
            }
            if ints(n, "output_padding")?.is_some_and(|v| v.iter().any(|&p| p != 0))
                || attr(n, "output_shape").is_some()
            {
                return Err(unsupported(n, "output_padding / output_shape"));
            }
            let k = weight_shape.filter(|s| s.len() == 4).map(|s| (s[2], s[3]));
            Op::ConvTranspose { win: window(n, k)? }
        }
        "MaxPool" | "AveragePool" => {
            if int(n, "storage_order", 0)? != 0 {
                return Err(unsupported(n, "storage_order"));
            }
            let win = window(n, None)?;
            if (win.dh, win.dw) != (1, 1) {
                return Err(unsupported(n, "dilated pooling"));
            }
            let kind = if n.op_type == "MaxPool" {
                if n.outputs.len() > 1 {
                    return Err(unsupported(n, "the Indices output"));
                }
                Pool::Max
            } else {
                Pool::Average(int(n, "count_include_pad", 0)? != 0)
            };
            Op::Pool { kind, win, ceil: int(n, "ceil_mode", 0)? != 0 }
        }
        "GlobalAveragePool" => Op::GlobalAveragePool,
        "BatchNormalization" => {
            if n.outputs.len() > 1 {
                return Err(unsupported(n, "training outputs"));
            }
            Op::BatchNorm { eps: float(n, "epsilon", 1e-5)? }
        }
        "Add" => Op::Binary(Binary::Add),
        "Sub" => Op::Binary(Binary::Sub),
        "Mul" => Op::Binary(Binary::Mul),
        "Div" => Op::Binary(Binary::Div),
        "Pow" => Op::Binary(Binary::Pow),
        "Relu" => Op::Unary(Unary::Relu),
        "LeakyRelu" => Op::Unary(Unary::LeakyRelu(float(n, "alpha", 0.01)?)),
        "Sigmoid" => Op::Unary(Unary::Sigmoid),
        "HardSigmoid" => Op::Unary(Unary::HardSigmoid(float(n, "alpha", 0.2)?, float(n, "beta", 0.5)?)),
        "Sqrt" => Op::Unary(Unary::Sqrt),
        "Clip" if opset < 11 => Op::Unary(Unary::Clip(float(n, "min", f32::MIN)?, float(n, "max", f32::MAX)?)),
        "Clip" => Op::ClipInputs,
        "Resize" | "Upsample" => {
            let mode = string(n, "mode", "nearest")?;
            let coords = string(n, "coordinate_transformation_mode", "half_pixel")?;
            let rounding = string(n, "nearest_mode", "round_prefer_floor")?;
            let ok = mode == "nearest" && (n.op_type == "Upsample" || (coords == "asymmetric" && rounding == "floor"));
            if !ok {
                return Err(unsupported(n, &format!("mode {mode}, coordinates {coords}, rounding {rounding}")));
            }
            Op::Resize
        }
        "Concat" => Op::Concat { axis: int(n, "axis", 0)? },
        "Reshape" => Op::Reshape,
        "Flatten" => Op::Flatten { axis: int(n, "axis", 1)? },
        "Squeeze" if opset < 13 => Op::Squeeze { axes: ints(n, "axes")?.unwrap_or_default() },
        "Unsqueeze" if opset < 13 => Op::Unsqueeze { axes: ints(n, "axes")?.ok_or_else(|| unsupported(n, "no axes"))? },
        "Transpose" => Op::Transpose {
            perm: ints(n, "perm")?
                .ok_or_else(|| unsupported(n, "no perm"))?
                .iter()
                .map(|&p| usize::try_from(p).map_err(|_| unsupported(n, "negative perm")))
                .collect::<Result<_, _>>()?,
        },
        "Slice" if opset >= 10 => Op::Slice,
        "Gather" => Op::Gather { axis: int(n, "axis", 0)? },
        "Shape" => {
            if attr(n, "start").is_some() || attr(n, "end").is_some() {
                return Err(unsupported(n, "start / end"));
            }
            Op::Shape
        }
        "Cast" => {
            // TensorProto.DataType: FLOAT 1, FLOAT16 10, DOUBLE 11 are floats here; integers
            // and bool are i64.
            let to = int(n, "to", 1)?;
            if to == 8 {
                return Err(unsupported(n, "cast to string"));
            }
            Op::Cast { to_float: matches!(to, 1 | 10 | 11 | 16) }
        }
        "MatMul" => Op::MatMul,
        "Gemm" => Op::Gemm {
            alpha: float(n, "alpha", 1.0)?,
            beta: float(n, "beta", 1.0)?,
            ta: int(n, "transA", 0)? != 0,
            tb: int(n, "transB", 0)? != 0,
        },
        "Softmax" => Op::Softmax { axis: int(n, "axis", if opset < 13 { 1 } else { -1 })?, flatten: opset < 13 },
        "ReduceMean" if opset < 18 => {
            Op::ReduceMean { axes: ints(n, "axes")?.unwrap_or_default(), keep: int(n, "keepdims", 1)? != 0 }
        }
        "Identity" | "Dropout" => Op::Identity,
        other => return Err(unsupported(n, &format!("operator {other} (opset {opset}) is not implemented"))),
    })
}

impl Model {
    /// Parses an ONNX model and resolves every node; fails on anything it cannot run.
    pub fn from_onnx(bytes: &[u8]) -> Result<Model, NnError> {
        let proto = proto::parse_model(bytes)?;
        let mut ids: HashMap<String, usize> = HashMap::new();
        let mut consts: Vec<Option<Tensor>> = Vec::new();
        let mut id_of = |name: &str, consts: &mut Vec<Option<Tensor>>| -> usize {
            *ids.entry(name.to_string()).or_insert_with(|| {
                consts.push(None);
                consts.len() - 1
            })
        };
        for (name, t) in proto.initializers {
            let id = id_of(&name, &mut consts);
            consts[id] = Some(t);
        }
        let inputs: Vec<usize> = proto.inputs.iter().map(|n| id_of(n, &mut consts)).collect();
        let mut nodes = Vec::new();
        for n in &proto.nodes {
            if n.op_type == "Constant" && (n.domain.is_empty() || n.domain == "ai.onnx") {
                let t = match n.attributes.first().map(|a| (a.name.as_str(), &a.value)) {
                    Some(("value", AttrValue::Tensor(t))) => t.clone(),
                    Some(("value_float", AttrValue::Float(v))) => Tensor::f32(vec![], vec![*v]),
                    Some(("value_floats", AttrValue::Floats(v))) => Tensor::f32(vec![v.len()], v.clone()),
                    Some(("value_int", AttrValue::Int(v))) => Tensor::i64(vec![], vec![*v]),
                    Some(("value_ints", AttrValue::Ints(v))) => Tensor::i64(vec![v.len()], v.clone()),
                    _ => return Err(unsupported(n, "value kind")),
                };
                let out = n.outputs.first().ok_or_else(|| unsupported(n, "no output"))?;
                let id = id_of(out, &mut consts);
                consts[id] = Some(t);
                continue;
            }
            let node_inputs: Vec<Option<usize>> =
                n.inputs.iter().map(|i| (!i.is_empty()).then(|| id_of(i, &mut consts))).collect();
            let weight_shape =
                node_inputs.get(1).copied().flatten().and_then(|i| consts[i].as_ref()).map(|t| t.shape.clone());
            let op = compile(n, proto.opset, weight_shape.as_deref())?;
            let outputs = n.outputs.iter().map(|o| id_of(o, &mut consts)).collect();
            nodes.push(Node { op, inputs: node_inputs, outputs, name: n.name.clone() });
        }
        let outputs: Vec<(String, usize)> = proto
            .outputs
            .iter()
            .map(|o| {
                ids.get(o)
                    .map(|&id| (o.clone(), id))
                    .ok_or_else(|| NnError::Format(format!("output {o} is never produced")))
            })
            .collect::<Result<_, _>>()?;
        let graph_outputs: Vec<usize> = outputs.iter().map(|o| o.1).collect();
        let nodes = fold::constants(nodes, &mut consts)?;
        let nodes = fold::into_conv(nodes, &mut consts, &graph_outputs);
        let nodes = fold::hard_swish(nodes, &consts, &graph_outputs);
        let nodes = fold::into_unary(nodes, &consts, &graph_outputs);
        let nodes = fold::winograd(nodes, &mut consts)?;
        fold::unused_constants(&nodes, &mut consts, &graph_outputs);
        let mut last_use = vec![0usize; consts.len()];
        for (i, node) in nodes.iter().enumerate() {
            for v in node.inputs.iter().flatten() {
                last_use[*v] = i;
            }
        }
        for (_, o) in &outputs {
            last_use[*o] = usize::MAX;
        }
        // Every value a node reads must exist by then: a constant, an input, or an earlier output.
        let mut known: Vec<bool> = consts.iter().map(Option::is_some).collect();
        for &i in &inputs {
            known[i] = true;
        }
        for node in &nodes {
            if let Some(&missing) = node.inputs.iter().flatten().find(|&&v| !known[v]) {
                let name = ids.iter().find(|(_, id)| **id == missing).map(|(n, _)| n.as_str()).unwrap_or("?");
                return Err(NnError::Format(format!("node {:?} reads {name} before anything writes it", node.name)));
            }
            for &o in &node.outputs {
                known[o] = true;
            }
        }
        Ok(Model { nodes, consts, inputs, outputs, last_use, metadata: proto.metadata })
    }

    /// The model's `metadata_props` (key, value) — where PaddleOCR's reader keeps its characters.
    pub fn metadata(&self) -> &[(String, String)] {
        &self.metadata
    }

    /// The graph's output names, in order.
    pub fn output_names(&self) -> impl Iterator<Item = &str> {
        self.outputs.iter().map(|(n, _)| n.as_str())
    }

    /// Runs the network; `inputs` in the graph's input order. Returns the outputs in the
    /// graph's order.
    pub fn run(&self, inputs: Vec<Tensor>) -> Result<Vec<Tensor>, NnError> {
        self.run_profiled(inputs, None)
    }

    /// As [`Model::run`], adding each node's time to `profile` by operator (for benchmarks;
    /// native only, `Instant` does not exist in wasm).
    pub fn run_profiled(
        &self,
        inputs: Vec<Tensor>,
        mut profile: Option<&mut Vec<(String, std::time::Duration)>>,
    ) -> Result<Vec<Tensor>, NnError> {
        if inputs.len() != self.inputs.len() {
            return Err(NnError::Shape(format!("{} inputs given, the model has {}", inputs.len(), self.inputs.len())));
        }
        let mut values: Vec<Option<Tensor>> = vec![None; self.consts.len()];
        for (&id, t) in self.inputs.iter().zip(inputs) {
            values[id] = Some(t);
        }
        for (i, node) in self.nodes.iter().enumerate() {
            // A value this node is the last to read (and reads once) is moved in, so in-place
            // operators reuse its buffer; everything else is borrowed.
            let mut owned: Vec<Option<Tensor>> = node
                .inputs
                .iter()
                .map(|v| match *v {
                    Some(id)
                        if self.last_use[id] == i
                            && values[id].is_some()
                            && node.inputs.iter().filter(|w| **w == Some(id)).count() == 1 =>
                    {
                        values[id].take()
                    }
                    _ => None,
                })
                .collect();
            let args: Vec<Option<Cow<Tensor>>> = node
                .inputs
                .iter()
                .zip(owned.iter_mut())
                .map(|(v, o)| match (v, o.take()) {
                    (_, Some(t)) => Some(Cow::Owned(t)),
                    (Some(id), None) => values[*id].as_ref().or(self.consts[*id].as_ref()).map(Cow::Borrowed),
                    (None, None) => None,
                })
                .collect();
            let t0 = profile.is_some().then(std::time::Instant::now);
            let results = exec(&node.op, args).map_err(|e| annotate(e, node))?;
            if let (Some(p), Some(t0)) = (profile.as_deref_mut(), t0) {
                let key = op_label(&node.op);
                match p.iter_mut().find(|(k, _)| *k == key) {
                    Some(e) => e.1 += t0.elapsed(),
                    None => p.push((key, t0.elapsed())),
                }
            }
            if results.len() < node.outputs.len() {
                return Err(NnError::Shape(format!("node {:?} made too few outputs", node.name)));
            }
            for (&id, t) in node.outputs.iter().zip(results) {
                values[id] = Some(t);
            }
            // Free what nobody reads any more (values read twice by this node, unused outputs).
            for v in node.inputs.iter().flatten().chain(&node.outputs) {
                if self.last_use[*v] <= i {
                    values[*v] = None;
                }
            }
        }
        self.outputs
            .iter()
            .map(|(name, id)| {
                values[*id]
                    .take()
                    .or_else(|| self.consts[*id].clone())
                    .ok_or_else(|| NnError::Format(format!("output {name} was not computed")))
            })
            .collect()
    }
}

/// A node's operator for profiles: convolutions by kind and kernel.
fn op_label(op: &Op) -> String {
    match op {
        Op::Conv { win, group } if *group > 1 => format!("Conv dw{}x{}/{}", win.kh, win.kw, win.sh),
        Op::Conv { win, .. } => format!("Conv {}x{}/{}", win.kh, win.kw, win.sh),
        Op::Winograd { .. } => "Conv 3x3/1 Winograd".to_string(),
        other => format!("{other:?}").split([' ', '(', '{']).next().unwrap_or("?").to_string(),
    }
}

fn annotate(e: NnError, node: &Node) -> NnError {
    let at = |s: String| format!("{s} (node {:?})", node.name);
    match e {
        NnError::Format(s) => NnError::Format(at(s)),
        NnError::Unsupported(s) => NnError::Unsupported(at(s)),
        NnError::Shape(s) => NnError::Shape(at(s)),
        NnError::Type(s) => NnError::Type(at(s)),
    }
}

fn need<'a>(args: &'a [Option<Cow<Tensor>>], i: usize) -> Result<&'a Tensor, NnError> {
    args.get(i).and_then(|a| a.as_deref()).ok_or_else(|| NnError::Format(format!("input {i} is missing")))
}

fn take(args: &mut [Option<Cow<Tensor>>], i: usize) -> Result<Tensor, NnError> {
    args.get_mut(i)
        .and_then(Option::take)
        .map(Cow::into_owned)
        .ok_or_else(|| NnError::Format(format!("input {i} is missing")))
}

fn scalar(t: Option<&Tensor>, default: f32) -> Result<f32, NnError> {
    match t {
        None => Ok(default),
        Some(t) if t.len() == 1 => Ok(match &t.data {
            Data::F32(v) => v[0],
            Data::I64(v) => v[0] as f32,
        }),
        Some(t) => Err(NnError::Shape(format!("expected a scalar, got shape {:?}", t.shape))),
    }
}

fn exec(op: &Op, mut args: Vec<Option<Cow<Tensor>>>) -> Result<Vec<Tensor>, NnError> {
    let one = |t: Tensor| Ok(vec![t]);
    match op {
        Op::Conv { win, group } => {
            one(conv::conv(need(&args, 0)?, need(&args, 1)?, args.get(2).and_then(|a| a.as_deref()), *win, *group)?)
        }
        Op::Winograd { win } => {
            one(winograd::conv(need(&args, 0)?, need(&args, 1)?, args.get(2).and_then(|a| a.as_deref()), *win)?)
        }
        Op::ConvTranspose { win } => {
            one(conv::conv_transpose(need(&args, 0)?, need(&args, 1)?, args.get(2).and_then(|a| a.as_deref()), *win)?)
        }
        Op::Pool { kind, win, ceil } => one(conv::pool(need(&args, 0)?, *kind, *win, *ceil)?),
        Op::GlobalAveragePool => one(conv::global_average_pool(need(&args, 0)?)?),
        Op::BatchNorm { eps } => {
            let p = |i| need(&args, i).and_then(|t: &Tensor| t.as_f32().map(<[f32]>::to_vec));
            let (s, b, m, v) = (p(1)?, p(2)?, p(3)?, p(4)?);
            one(ops::batch_norm(take(&mut args, 0)?, &s, &b, &m, &v, *eps)?)
        }
        Op::Binary(b) => {
            let rhs = take(&mut args, 1)?;
            one(ops::binary(*b, take(&mut args, 0)?, &rhs)?)
        }
        Op::Unary(u) => one(ops::unary(*u, take(&mut args, 0)?)?),
        Op::UnaryAffine { op, mul, add } => one(ops::unary_affine(*op, *mul, *add, take(&mut args, 0)?)?),
        Op::ClipInputs => {
            let lo = scalar(args.get(1).and_then(|a| a.as_deref()), f32::MIN)?;
            let hi = scalar(args.get(2).and_then(|a| a.as_deref()), f32::MAX)?;
            one(ops::unary(Unary::Clip(lo, hi), take(&mut args, 0)?)?)
        }
        Op::Resize => {
            let x = need(&args, 0)?;
            // Resize (opset 11+): X, roi, scales, sizes; opset 10 Resize and Upsample: X, scales.
            let (scales, sizes) = match args.len() {
                2 => (args[1].as_deref(), None),
                _ => (args.get(2).and_then(|a| a.as_deref()), args.get(3).and_then(|a| a.as_deref())),
            };
            if x.shape.len() != 4 {
                return Err(NnError::Unsupported(format!("Resize of a {}-D tensor", x.shape.len())));
            }
            let (h, w) = (x.shape[2], x.shape[3]);
            let (oh, ow, sy, sx) = match (sizes.filter(|s| !s.is_empty()), scales.filter(|s| !s.is_empty())) {
                (Some(s), _) => {
                    let s = s.to_i64();
                    if s.len() != 4 || s[0] as usize != x.shape[0] || s[1] as usize != x.shape[1] {
                        return Err(NnError::Unsupported(format!("Resize to sizes {s:?}")));
                    }
                    let (oh, ow) = (s[2].max(0) as usize, s[3].max(0) as usize);
                    (oh, ow, oh as f32 / h as f32, ow as f32 / w as f32)
                }
                (None, Some(s)) => {
                    let s = s.as_f32()?;
                    if s.len() != 4 || s[0] != 1.0 || s[1] != 1.0 {
                        return Err(NnError::Unsupported(format!("Resize by scales {s:?}")));
                    }
                    ((h as f32 * s[2]).floor() as usize, (w as f32 * s[3]).floor() as usize, s[2], s[3])
                }
                (None, None) => return Err(NnError::Format("Resize without scales or sizes".into())),
            };
            one(conv::resize_nearest(x, oh, ow, sy, sx)?)
        }
        Op::Concat { axis } => {
            let ts: Vec<&Tensor> = args.iter().flatten().map(|c| &**c).collect();
            one(ops::concat(&ts, *axis)?)
        }
        Op::Reshape => {
            let target = need(&args, 1)?.to_i64();
            one(ops::reshape(take(&mut args, 0)?, &target)?)
        }
        Op::Flatten { axis } => {
            let x = take(&mut args, 0)?;
            let a = tensor::axis(*axis, x.shape.len() + 1)?;
            let outer: usize = x.shape[..a].iter().product();
            let inner: usize = x.shape[a..].iter().product();
            one(ops::reshape(x, &[outer as i64, inner as i64])?)
        }
        Op::Squeeze { axes } => {
            let x = take(&mut args, 0)?;
            let r = x.shape.len();
            let drop: Vec<usize> = if axes.is_empty() {
                (0..r).filter(|&k| x.shape[k] == 1).collect()
            } else {
                axes.iter().map(|&a| tensor::axis(a, r)).collect::<Result<_, _>>()?
            };
            if drop.iter().any(|&k| x.shape[k] != 1) {
                return Err(NnError::Shape(format!("Squeeze {axes:?} of {:?}", x.shape)));
            }
            let shape: Vec<usize> = (0..r).filter(|k| !drop.contains(k)).map(|k| x.shape[k]).collect();
            one(Tensor { shape, data: x.data })
        }
        Op::Unsqueeze { axes } => {
            let x = take(&mut args, 0)?;
            let r = x.shape.len() + axes.len();
            let mut add: Vec<usize> = axes.iter().map(|&a| tensor::axis(a, r)).collect::<Result<_, _>>()?;
            add.sort_unstable();
            let mut shape = x.shape.clone();
            for a in add {
                shape.insert(a.min(shape.len()), 1);
            }
            one(Tensor { shape, data: x.data })
        }
        Op::Transpose { perm } => one(ops::transpose(need(&args, 0)?, perm)?),
        Op::Slice => {
            let v = |i: usize| args.get(i).and_then(|a| a.as_deref()).map(Tensor::to_i64);
            let (starts, ends) = (v(1).unwrap_or_default(), v(2).unwrap_or_default());
            if starts.len() != ends.len() {
                return Err(NnError::Shape("Slice: starts and ends differ in length".into()));
            }
            let (axes, steps) = (v(3), v(4));
            one(ops::slice(need(&args, 0)?, &starts, &ends, axes.as_deref(), steps.as_deref())?)
        }
        Op::Gather { axis } => one(ops::gather(need(&args, 0)?, need(&args, 1)?, *axis)?),
        Op::Shape => {
            let x = need(&args, 0)?;
            one(Tensor::i64(vec![x.shape.len()], x.shape.iter().map(|&d| d as i64).collect()))
        }
        Op::Cast { to_float } => {
            let x = take(&mut args, 0)?;
            one(match (to_float, x.data) {
                (true, Data::I64(v)) => Tensor::f32(x.shape, v.iter().map(|&i| i as f32).collect()),
                (false, Data::F32(v)) => Tensor::i64(x.shape, v.iter().map(|&f| f as i64).collect()),
                (_, data) => Tensor { shape: x.shape, data },
            })
        }
        Op::MatMul => one(ops::matmul(need(&args, 0)?, need(&args, 1)?)?),
        Op::Gemm { alpha, beta, ta, tb } => one(ops::gemm_op(
            need(&args, 0)?,
            need(&args, 1)?,
            args.get(2).and_then(|a| a.as_deref()),
            *alpha,
            *beta,
            *ta,
            *tb,
        )?),
        Op::Softmax { axis, flatten } => one(ops::softmax(take(&mut args, 0)?, *axis, *flatten)?),
        Op::ReduceMean { axes, keep } => one(ops::reduce_mean(need(&args, 0)?, axes, *keep)?),
        Op::Identity => one(take(&mut args, 0)?),
    }
}
