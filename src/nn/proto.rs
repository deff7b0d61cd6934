//! Just enough of protobuf's wire format to read an ONNX `ModelProto`: the graph's nodes,
//! initialisers, inputs and outputs, and the model's metadata. Fields the interpreter does not
//! use (doc strings, value shapes, training info) are skipped by wire type.
//!
//! Field numbers are from `onnx.proto3` (ONNX 1.x; stable since IR version 3).

use super::NnError;
use super::tensor::Tensor;

/// A decoded ONNX model: what [`super::Model`] is built from.
#[derive(Debug, Default)]
pub struct ModelProto {
    pub nodes: Vec<NodeProto>,
    pub initializers: Vec<(String, Tensor)>,
    /// Graph inputs, initialisers excluded (older exporters list them as inputs too).
    pub inputs: Vec<String>,
    pub outputs: Vec<String>,
    pub metadata: Vec<(String, String)>,
    /// The default domain's opset version (0 when not declared).
    pub opset: i64,
}

#[derive(Debug, Default, Clone)]
pub struct NodeProto {
    pub inputs: Vec<String>,
    pub outputs: Vec<String>,
    pub name: String,
    pub op_type: String,
    pub domain: String,
    pub attributes: Vec<Attribute>,
}

/// One node attribute; only the kinds the interpreted networks use.
#[derive(Debug, Clone, PartialEq)]
pub enum AttrValue {
    Float(f32),
    Int(i64),
    String(Vec<u8>),
    Tensor(Tensor),
    Floats(Vec<f32>),
    Ints(Vec<i64>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    pub name: String,
    pub value: AttrValue,
}

/// A cursor over one message's bytes.
struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

enum Field<'a> {
    Varint(u64),
    Fixed64(u64),
    Bytes(&'a [u8]),
    Fixed32(u32),
}

fn err(what: &str) -> NnError {
    NnError::Format(format!("ONNX protobuf: {what}"))
}

impl<'a> Reader<'a> {
    fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    fn varint(&mut self) -> Result<u64, NnError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *self.buf.get(self.pos).ok_or_else(|| err("truncated varint"))?;
            self.pos += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(err("varint longer than 10 bytes"))
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], NnError> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.buf.len()).ok_or_else(|| err("truncated field"))?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    /// The next (field number, value), or `None` at the end of the message.
    fn next(&mut self) -> Result<Option<(u64, Field<'a>)>, NnError> {
        if self.pos >= self.buf.len() {
            return Ok(None);
        }
        let key = self.varint()?;
        let field = key >> 3;
        let value = match key & 7 {
            0 => Field::Varint(self.varint()?),
            1 => Field::Fixed64(u64::from_le_bytes(self.take(8)?.try_into().unwrap())),
            2 => {
                let n = usize::try_from(self.varint()?).map_err(|_| err("length overflow"))?;
                Field::Bytes(self.take(n)?)
            }
            5 => Field::Fixed32(u32::from_le_bytes(self.take(4)?.try_into().unwrap())),
            w => return Err(err(&format!("unsupported wire type {w}"))),
        };
        Ok(Some((field, value)))
    }
}

fn string(b: &[u8]) -> Result<String, NnError> {
    String::from_utf8(b.to_vec()).map_err(|_| err("string is not UTF-8"))
}

/// Repeated int64: packed (length-delimited) or one varint per field occurrence.
fn push_ints(out: &mut Vec<i64>, f: Field) -> Result<(), NnError> {
    match f {
        Field::Varint(v) => out.push(v as i64),
        Field::Bytes(b) => {
            let mut r = Reader::new(b);
            while r.pos < b.len() {
                out.push(r.varint()? as i64);
            }
        }
        _ => return Err(err("int64 field of the wrong wire type")),
    }
    Ok(())
}

/// Repeated float: packed or one fixed32 per occurrence.
fn push_floats(out: &mut Vec<f32>, f: Field) -> Result<(), NnError> {
    match f {
        Field::Fixed32(v) => out.push(f32::from_bits(v)),
        Field::Bytes(b) if b.len() % 4 == 0 => {
            out.extend(b.chunks_exact(4).map(|c| f32::from_le_bytes(c.try_into().unwrap())))
        }
        _ => return Err(err("float field of the wrong wire type")),
    }
    Ok(())
}

/// Parses a serialised `ModelProto`.
pub fn parse_model(bytes: &[u8]) -> Result<ModelProto, NnError> {
    let mut m = ModelProto::default();
    let mut graph = None;
    let mut r = Reader::new(bytes);
    while let Some((field, v)) = r.next()? {
        match (field, v) {
            (7, Field::Bytes(b)) => graph = Some(b),
            (8, Field::Bytes(b)) => {
                // OperatorSetIdProto: domain = 1, version = 2
                let (mut domain, mut version) = (String::new(), 0);
                let mut o = Reader::new(b);
                while let Some((f, v)) = o.next()? {
                    match (f, v) {
                        (1, Field::Bytes(s)) => domain = string(s)?,
                        (2, Field::Varint(x)) => version = x as i64,
                        _ => {}
                    }
                }
                if domain.is_empty() || domain == "ai.onnx" {
                    m.opset = version;
                }
            }
            (14, Field::Bytes(b)) => {
                // StringStringEntryProto: key = 1, value = 2
                let (mut k, mut val) = (String::new(), String::new());
                let mut e = Reader::new(b);
                while let Some((f, v)) = e.next()? {
                    match (f, v) {
                        (1, Field::Bytes(s)) => k = string(s)?,
                        (2, Field::Bytes(s)) => val = string(s)?,
                        _ => {}
                    }
                }
                m.metadata.push((k, val));
            }
            _ => {}
        }
    }
    let graph = graph.ok_or_else(|| err("model has no graph"))?;
    let mut inputs = Vec::new();
    let mut r = Reader::new(graph);
    while let Some((field, v)) = r.next()? {
        match (field, v) {
            (1, Field::Bytes(b)) => m.nodes.push(parse_node(b)?),
            (5, Field::Bytes(b)) => {
                let t = parse_tensor(b)?;
                m.initializers.push(t);
            }
            (11, Field::Bytes(b)) => inputs.push(value_info_name(b)?),
            (12, Field::Bytes(b)) => m.outputs.push(value_info_name(b)?),
            _ => {}
        }
    }
    m.inputs = inputs.into_iter().filter(|i| !m.initializers.iter().any(|(n, _)| n == i)).collect();
    Ok(m)
}

fn value_info_name(b: &[u8]) -> Result<String, NnError> {
    let mut r = Reader::new(b);
    while let Some((f, v)) = r.next()? {
        if let (1, Field::Bytes(s)) = (f, v) {
            return string(s);
        }
    }
    Err(err("graph input or output without a name"))
}

fn parse_node(b: &[u8]) -> Result<NodeProto, NnError> {
    let mut n = NodeProto::default();
    let mut r = Reader::new(b);
    while let Some((f, v)) = r.next()? {
        match (f, v) {
            (1, Field::Bytes(s)) => n.inputs.push(string(s)?),
            (2, Field::Bytes(s)) => n.outputs.push(string(s)?),
            (3, Field::Bytes(s)) => n.name = string(s)?,
            (4, Field::Bytes(s)) => n.op_type = string(s)?,
            (5, Field::Bytes(s)) => n.attributes.push(parse_attribute(s)?),
            (7, Field::Bytes(s)) => n.domain = string(s)?,
            _ => {}
        }
    }
    Ok(n)
}

fn parse_attribute(b: &[u8]) -> Result<Attribute, NnError> {
    let mut name = String::new();
    let (mut f32v, mut intv, mut s, mut t) = (None, None, None, None);
    let (mut floats, mut ints) = (Vec::new(), Vec::new());
    let mut kind = 0u64;
    let mut r = Reader::new(b);
    while let Some((f, v)) = r.next()? {
        match (f, v) {
            (1, Field::Bytes(x)) => name = string(x)?,
            (2, Field::Fixed32(x)) => f32v = Some(f32::from_bits(x)),
            (3, Field::Varint(x)) => intv = Some(x as i64),
            (4, Field::Bytes(x)) => s = Some(x.to_vec()),
            (5, Field::Bytes(x)) => t = Some(parse_tensor(x)?.1),
            (7, v) => push_floats(&mut floats, v)?,
            (8, v) => push_ints(&mut ints, v)?,
            (20, Field::Varint(x)) => kind = x,
            _ => {}
        }
    }
    // AttributeType: FLOAT 1, INT 2, STRING 3, TENSOR 4, FLOATS 6, INTS 7.
    let value = match kind {
        1 => AttrValue::Float(f32v.unwrap_or(0.0)),
        2 => AttrValue::Int(intv.unwrap_or(0)),
        3 => AttrValue::String(s.unwrap_or_default()),
        4 => AttrValue::Tensor(t.ok_or_else(|| err("tensor attribute without a tensor"))?),
        6 => AttrValue::Floats(floats),
        7 => AttrValue::Ints(ints),
        // Exporters before IR 0.0.2 leave `type` out: infer it from what is set.
        0 if t.is_some() => AttrValue::Tensor(t.unwrap()),
        0 if !ints.is_empty() => AttrValue::Ints(ints),
        0 if !floats.is_empty() => AttrValue::Floats(floats),
        0 if s.is_some() => AttrValue::String(s.unwrap()),
        0 if f32v.is_some() => AttrValue::Float(f32v.unwrap()),
        0 => AttrValue::Int(intv.unwrap_or(0)),
        k => return Err(err(&format!("attribute {name}: unsupported type {k}"))),
    };
    Ok(Attribute { name, value })
}

/// Parses a `TensorProto` into its name and value. Float tensors (f32, f16, f64) become f32;
/// integer ones (i64, i32, i8, u8, bool) become i64.
pub fn parse_tensor(b: &[u8]) -> Result<(String, Tensor), NnError> {
    let mut dims = Vec::new();
    let mut dtype = 0;
    let mut name = String::new();
    let mut raw: Option<&[u8]> = None;
    let mut floats = Vec::new();
    let mut ints = Vec::new();
    let mut doubles = Vec::new();
    let mut r = Reader::new(b);
    while let Some((f, v)) = r.next()? {
        match (f, v) {
            (1, v) => push_ints(&mut dims, v)?,
            (2, Field::Varint(x)) => dtype = x,
            (4, v) => push_floats(&mut floats, v)?,
            (5, v) | (7, v) => push_ints(&mut ints, v)?,
            (8, Field::Bytes(s)) => name = string(s)?,
            (9, Field::Bytes(s)) => raw = Some(s),
            (10, Field::Bytes(s)) => {
                doubles.extend(s.chunks_exact(8).map(|c| f64::from_le_bytes(c.try_into().unwrap())))
            }
            (10, Field::Fixed64(x)) => doubles.push(f64::from_bits(x)),
            (13, _) => return Err(err(&format!("tensor {name}: external data is not supported"))),
            _ => {}
        }
    }
    let shape: Vec<usize> = dims
        .iter()
        .map(|&d| usize::try_from(d).map_err(|_| err(&format!("tensor {name}: negative dimension"))))
        .collect::<Result<_, _>>()?;
    let count = shape.iter().try_fold(1usize, |a, &d| a.checked_mul(d)).ok_or_else(|| err("tensor too large"))?;
    let wrong = |what: &str| err(&format!("tensor {name}: {what}"));
    // TensorProto.DataType: FLOAT 1, UINT8 2, INT8 3, INT32 6, INT64 7, BOOL 9, FLOAT16 10, DOUBLE 11.
    let t = match dtype {
        1 | 10 | 11 => {
            let data: Vec<f32> = match (dtype, raw) {
                (1, Some(raw)) => raw.chunks_exact(4).map(|c| f32::from_le_bytes(c.try_into().unwrap())).collect(),
                (10, Some(raw)) => raw.chunks_exact(2).map(|c| f16_to_f32(u16::from_le_bytes([c[0], c[1]]))).collect(),
                (11, Some(raw)) => {
                    raw.chunks_exact(8).map(|c| f64::from_le_bytes(c.try_into().unwrap()) as f32).collect()
                }
                (1, None) => floats,
                (10, None) => ints.iter().map(|&v| f16_to_f32(v as u16)).collect(),
                (_, None) => doubles.iter().map(|&v| v as f32).collect(),
                _ => unreachable!(),
            };
            if data.len() != count {
                return Err(wrong(&format!("{} values for shape {shape:?}", data.len())));
            }
            Tensor::f32(shape, data)
        }
        2 | 3 | 6 | 7 | 9 => {
            let data: Vec<i64> = match raw {
                Some(raw) => match dtype {
                    7 => raw.chunks_exact(8).map(|c| i64::from_le_bytes(c.try_into().unwrap())).collect(),
                    6 => raw.chunks_exact(4).map(|c| i64::from(i32::from_le_bytes(c.try_into().unwrap()))).collect(),
                    3 => raw.iter().map(|&v| i64::from(v as i8)).collect(),
                    _ => raw.iter().map(|&v| i64::from(v)).collect(),
                },
                None => ints,
            };
            if data.len() != count {
                return Err(wrong(&format!("{} values for shape {shape:?}", data.len())));
            }
            Tensor::i64(shape, data)
        }
        d => return Err(wrong(&format!("unsupported data type {d}"))),
    };
    Ok((name, t))
}

/// IEEE 754 half to single precision (subnormals, infinities and NaN included).
pub fn f16_to_f32(h: u16) -> f32 {
    let sign = u32::from(h >> 15) << 31;
    let exp = u32::from((h >> 10) & 0x1f);
    let frac = u32::from(h & 0x3ff);
    let bits = match (exp, frac) {
        (0, 0) => sign,
        (0, f) => {
            // subnormal: normalise
            let shift = f.leading_zeros() - 21;
            sign | ((113 - shift) << 23) | ((f << shift) & 0x3ff) << 13
        }
        (31, f) => sign | 0x7f80_0000 | (f << 13),
        (e, f) => sign | ((e + 112) << 23) | (f << 13),
    };
    f32::from_bits(bits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves() {
        assert_eq!(f16_to_f32(0x3c00), 1.0);
        assert_eq!(f16_to_f32(0xc000), -2.0);
        assert_eq!(f16_to_f32(0x7bff), 65504.0);
        assert_eq!(f16_to_f32(0x0001), 2f32.powi(-24));
        assert_eq!(f16_to_f32(0x03ff), 1023.0 * 2f32.powi(-24));
        assert!(f16_to_f32(0x7c00).is_infinite());
        assert!(f16_to_f32(0x7e00).is_nan());
    }

    #[test]
    fn truncated_input_is_an_error_not_a_panic() {
        // graph field (7), length 100, but only 2 bytes follow
        assert!(parse_model(&[0x3a, 100, 1, 2]).is_err());
        assert!(parse_model(&[0x80]).is_err());
        assert!(parse_model(&[]).is_err()); // no graph
    }
}
