//! The pass schedule both detectors share: which whole-image passes (and, when thorough, which
//! extra passes and tiles) to run on a photo, and how to merge what they find — score
//! threshold for thorough-only passes, NMS, minimum box size, scaling back to the photo.
//! Each detector keeps only what is its own: its input layout and how to decode its outputs.
//!
//! # Allocations
//! One working copy of the photo at the largest side any pass needs (a 24 MP photo is shrunk
//! once, not once per pass), each pass's prepared input, and the detections.

use super::nms::nms;
use super::prepare::{Pass, scale_back, tile_passes, whole_pass, working_copy};
use super::{DetectError, Detection, Effort, Rgb};

/// The knobs of one detector (defaults per detector: `YuNet::default_config`,
/// `PlateDetector::default_config`), tuned on ../shared/corpus (README accuracy table).
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    /// Minimum detection score.
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
    /// NMS: IoU above which two boxes are one object, and containment (intersection over the
    /// smaller box) above which the smaller one is dropped.
    pub nms_iou: f32,
    pub nms_contain: f32,
    /// Boxes whose shorter side is smaller than this (source pixels) are dropped.
    pub min_side: f32,
}

impl Schedule {
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
    pub fn needed_side(&self, effort: Effort) -> u32 {
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

/// Runs every pass of `schedule` on `original` with `run_pass` (one network run: raw
/// detections in the pixels of the image it is given), then merges: thorough-only passes must
/// reach `tile_threshold`, overlapping boxes are suppressed, boxes are scaled back to
/// `original` and tiny ones dropped.
pub fn detect_with(
    schedule: &Schedule,
    original: &Rgb,
    effort: Effort,
    mut run_pass: impl FnMut(&Rgb, &Pass) -> Result<Vec<Detection>, DetectError>,
) -> Result<Vec<Detection>, DetectError> {
    let copy = working_copy(original, schedule.needed_side(effort));
    let img = copy.as_ref().unwrap_or(original);
    let passes = schedule.passes(img.width, img.height, effort);
    let whole = schedule.normal_passes(img.width, img.height);
    let mut all = Vec::new();
    for (i, pass) in passes.iter().enumerate() {
        let found = run_pass(img, pass)?;
        if i < whole {
            all.extend(found);
        } else {
            all.extend(found.into_iter().filter(|d| d.score >= schedule.tile_threshold));
        }
    }
    let mut kept = nms(all, schedule.nms_iou, schedule.nms_contain);
    if let Some(copy) = &copy {
        scale_back(&mut kept, copy, original);
    }
    kept.retain(|d| d.w.min(d.h) >= schedule.min_side);
    Ok(kept)
}
