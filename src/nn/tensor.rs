//! Row-major tensors: `f32` for activations and weights, `i64` for shapes and indices (ONNX
//! graphs compute reshape targets at run time with Shape → Gather/Slice → Concat).

use super::NnError;

#[derive(Debug, Clone, PartialEq)]
pub enum Data {
    F32(Vec<f32>),
    I64(Vec<i64>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tensor {
    pub shape: Vec<usize>,
    pub data: Data,
}

/// Largest element count any tensor may have (1 G elements = 4 GiB of f32): bounds every
/// allocation a malformed model could ask for before it is made.
pub const MAX_ELEMENTS: usize = 1 << 30;

pub fn numel(shape: &[usize]) -> Result<usize, NnError> {
    shape
        .iter()
        .try_fold(1usize, |a, &d| a.checked_mul(d))
        .filter(|&n| n <= MAX_ELEMENTS)
        .ok_or_else(|| NnError::Shape(format!("tensor of shape {shape:?} is too large")))
}

impl Tensor {
    pub fn f32(shape: Vec<usize>, data: Vec<f32>) -> Tensor {
        debug_assert_eq!(shape.iter().product::<usize>(), data.len());
        Tensor { shape, data: Data::F32(data) }
    }

    pub fn i64(shape: Vec<usize>, data: Vec<i64>) -> Tensor {
        debug_assert_eq!(shape.iter().product::<usize>(), data.len());
        Tensor { shape, data: Data::I64(data) }
    }

    pub fn len(&self) -> usize {
        match &self.data {
            Data::F32(v) => v.len(),
            Data::I64(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn as_f32(&self) -> Result<&[f32], NnError> {
        match &self.data {
            Data::F32(v) => Ok(v),
            Data::I64(_) => Err(NnError::Type("expected a float tensor, got an integer one".into())),
        }
    }

    pub fn into_f32(self) -> Result<Vec<f32>, NnError> {
        match self.data {
            Data::F32(v) => Ok(v),
            Data::I64(_) => Err(NnError::Type("expected a float tensor, got an integer one".into())),
        }
    }

    /// Integer values (shapes, axes, indices); floats are truncated (ONNX exporters sometimes
    /// carry a shape through a float Cast).
    pub fn to_i64(&self) -> Vec<i64> {
        match &self.data {
            Data::I64(v) => v.clone(),
            Data::F32(v) => v.iter().map(|&x| x as i64).collect(),
        }
    }
}

/// Row-major strides of `shape`.
pub fn strides(shape: &[usize]) -> Vec<usize> {
    let mut s = vec![1; shape.len()];
    for i in (0..shape.len().saturating_sub(1)).rev() {
        s[i] = s[i + 1] * shape[i + 1];
    }
    s
}

/// The numpy-style broadcast of two shapes.
pub fn broadcast(a: &[usize], b: &[usize]) -> Result<Vec<usize>, NnError> {
    let n = a.len().max(b.len());
    let mut out = vec![0; n];
    for i in 0..n {
        let da = if i + a.len() >= n { a[i + a.len() - n] } else { 1 };
        let db = if i + b.len() >= n { b[i + b.len() - n] } else { 1 };
        out[i] = match (da, db) {
            (x, y) if x == y => x,
            (1, y) => y,
            (x, 1) => x,
            _ => return Err(NnError::Shape(format!("cannot broadcast {a:?} with {b:?}"))),
        };
    }
    Ok(out)
}

/// Resolves a possibly negative axis against a rank.
pub fn axis(a: i64, rank: usize) -> Result<usize, NnError> {
    let r = rank as i64;
    let v = if a < 0 { a + r } else { a };
    if (0..r.max(1)).contains(&v) {
        Ok(v as usize)
    } else {
        Err(NnError::Shape(format!("axis {a} out of range for rank {rank}")))
    }
}
